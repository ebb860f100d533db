//! The whole state of the app, and `update`, the only place it changes (The Elm Architecture).
//! The state is the screen showing (one room each: `screens/`), the dialog over it (`dialogs/`)
//! and what every screen shares. `update` returns effects (save a draft, save a record, quit)
//! that the runner carries out, so it can be tested with key events alone: no terminal, no disk,
//! no clock.

use super::dialogs::{self, After};
use super::keymap::{self, Action, Context};
use super::screens::cases::CaseList;
use super::screens::wizard;
pub use super::screens::wizard::{OpenedDraft, OpenedRecord};
use crate::content::Content;
use crate::practice::{Cases, Progress};
use crate::store::StoreError;
use crate::store::drafts::DraftSummary;
use chrono::{DateTime, NaiveDate, Utc};
use ratatui::crossterm::event::{KeyEvent, KeyEventKind};

pub use super::dialogs::not_asked::NotAskedDialog;
pub use super::dialogs::{Dialog, Question, WhoWhy};
pub use super::messages::{Effect, Msg};
pub use super::screens::Screen;
pub use super::screens::home::Home;
pub use super::screens::records::Records;
pub use super::screens::wizard::{
    AUTOSAVE_AFTER_IDLE, AUTOSAVE_AT_MOST_EVERY, PracticeAttempt, PreviousVisit, Session, completed_banner,
};

/// The app: the screen showing, and what every screen shares (reached through `Deref`, so
/// `app.status` is `app.shared.status`).
pub struct App {
    pub screen: Screen,
    pub shared: Shared,
}

/// What every screen and dialog may read and change.
pub struct Shared {
    pub content: &'static Content,
    /// The dialog over the screen, if one is open; it takes every key.
    pub dialog: Option<Dialog>,
    /// Drafts left by sessions that did not end normally: offered on Home and for recovery.
    pub drafts: Vec<DraftSummary>,
    /// Practice mode (students); None in the clinic app.
    pub practice: Option<PracticeMode>,
    /// Who is at the keyboard (the login name), offered as the author of an amendment.
    pub user: String,
    /// The last thing worth telling (saved, not saved, ...), and whether it is a problem.
    pub status: Option<(String, bool)>,
    /// Set by the runner before each message; tests set it by hand.
    pub now: DateTime<Utc>,
    pub today: NaiveDate,
    pub quitting: bool,
    /// After a successful save, quit (the "Save" button of the quit dialog).
    pub quit_after_save: bool,
    /// Where new record, draft and attempt ids come from (the store's, in the real app).
    pub new_id: Box<dyn FnMut() -> Result<String, StoreError>>,
    /// A handler asks for another screen; `update` moves there when the handler returns.
    pub go_to: Option<Screen>,
    /// The terminal is smaller than the app needs (set by the runner): the form is hidden, so
    /// keys are not typed into it (only quitting is heard).
    pub too_small: bool,
}

impl Shared {
    /// Say something calm on the status line.
    pub fn tell(&mut self, text: impl Into<String>) {
        self.status = Some((text.into(), false));
    }

    /// A new id, or (said on the status line) why none could be made: nothing is started then.
    pub fn next_id(&mut self) -> Option<String> {
        match (self.new_id)() {
            Ok(id) => Some(id),
            Err(why) => {
                self.warn(format!("Nothing started: a new id could not be made ({})", why.reason()));
                None
            }
        }
    }

    /// Say something that went wrong or needs doing, in the problem colour.
    pub fn warn(&mut self, text: impl Into<String>) {
        self.status = Some((text.into(), true));
    }
}

/// Practice mode: the cases, the student's progress and name (the attempt under way is part of
/// its wizard session).
pub struct PracticeMode {
    pub cases: &'static Cases,
    pub progress: Vec<Progress>,
    /// The student's name for saved attempts (`practice --student NAME`).
    pub student: Option<String>,
    /// Attempts paused (or left by a crash), resumed from the case list.
    pub unfinished: Vec<crate::store::practice::Unfinished>,
    /// The unfinished attempts found at start were offered back (once).
    pub offered: bool,
}

impl std::ops::Deref for App {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.shared
    }
}

impl std::ops::DerefMut for App {
    fn deref_mut(&mut self) -> &mut Shared {
        &mut self.shared
    }
}

impl App {
    pub fn new(
        content: &'static Content,
        now: DateTime<Utc>,
        today: NaiveDate,
        new_id: Box<dyn FnMut() -> Result<String, StoreError>>,
    ) -> App {
        App {
            screen: Screen::Home(Home::default()),
            shared: Shared {
                content,
                dialog: None,
                drafts: Vec::new(),
                practice: None,
                user: String::new(),
                status: None,
                now,
                today,
                quitting: false,
                quit_after_save: false,
                new_id,
                go_to: None,
                too_small: false,
            },
        }
    }

    /// Start in practice mode, on the list of cases.
    pub fn enter_practice(&mut self, cases: &'static Cases, student: Option<String>) {
        let progress = crate::practice::progress(cases, &[]);
        self.shared.practice = Some(PracticeMode { cases, progress, student, unfinished: Vec::new(), offered: false });
        self.screen = Screen::Practice(CaseList::default());
    }

    /// The intake open in the wizard, if one is.
    pub fn session(&self) -> Option<&Session> {
        match &self.screen {
            Screen::Wizard(session) => Some(session),
            _ => None,
        }
    }

    pub fn session_mut(&mut self) -> Option<&mut Session> {
        match &mut self.screen {
            Screen::Wizard(session) => Some(session),
            _ => None,
        }
    }

    /// The records browser, if it is showing.
    pub fn records(&self) -> Option<&Records> {
        match &self.screen {
            Screen::Records(records) => Some(records),
            _ => None,
        }
    }

    /// The case of the practice attempt under way, with the attempt.
    pub fn practice_case(&self) -> Option<(&crate::practice::Case, &PracticeAttempt)> {
        let attempt = self.session()?.attempt.as_ref()?;
        Some((self.practice.as_ref()?.cases.cases.get(attempt.case)?, attempt))
    }

    /// In practice, the flags stay hidden until the student asks for a hint.
    pub fn flags_hidden(&self) -> bool {
        self.session().is_some_and(Session::flags_hidden)
    }

    /// Where the keyboard is, for the keymap and the footer.
    pub fn context(&self) -> Context {
        if self.dialog.is_some() {
            return Context::Dialog;
        }
        self.screen.context(&self.shared)
    }

    /// The contexts a key is looked up in, most specific first.
    pub fn contexts(&self) -> Vec<Context> {
        let context = self.context();
        let mut chain = vec![context];
        if context != Context::Dialog && self.session().is_some_and(|s| s.attempt.is_some()) {
            chain.push(Context::Attempt);
        }
        chain
    }

    /// What stands between the open intake and completion (empty: nothing, or no intake).
    pub fn gate_missing(&self) -> Vec<crate::gate::Missing> {
        self.session().map_or_else(Vec::new, |s| s.gate_missing(self.content))
    }

    /// The open intake's unacknowledged emergency or urgent flags, for the pinned banner.
    pub fn banner_flags(&self) -> Vec<usize> {
        self.session().map_or_else(Vec::new, |s| s.banner_flags(self.content))
    }

    /// When the runner must wake to autosave, if a draft is pending.
    pub fn autosave_due(&self) -> Option<DateTime<Utc>> {
        self.session()?.autosave_due()
    }
}

fn is_press(key: &KeyEvent) -> bool {
    key.kind != KeyEventKind::Release
}

/// The single place the state changes.
pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    let effects = route(app, msg);
    if let Some(next) = app.shared.go_to.take() {
        app.screen = next;
    }
    effects
}

fn route(app: &mut App, msg: Msg) -> Vec<Effect> {
    if let Msg::Key(key) = msg {
        return if is_press(&key) { on_key(app, key) } else { Vec::new() };
    }
    let App { screen, shared } = app;
    match msg {
        Msg::Key(_) => Vec::new(),
        Msg::Paste(_) if shared.too_small => Vec::new(),
        Msg::Paste(text) => match (screen, &mut shared.dialog) {
            (screen, Some(dialog)) => dialogs::on_paste(dialog, screen, &text),
            (Screen::Wizard(session), None) => wizard::keys::on_paste(session, shared, &text),
            (Screen::Records(records), None) => records.on_paste(&text),
            _ => Vec::new(),
        },
        Msg::Tick => match screen {
            Screen::Wizard(session) => session.autosave_if_due(shared).into_iter().collect(),
            _ => Vec::new(),
        },
        Msg::DraftSaved(Ok(())) => {
            if shared.status.as_ref().is_none_or(|(_, problem)| !problem) {
                shared.tell(format!("Draft saved {}", shared.now.format("%H:%M:%S")));
            }
            Vec::new()
        }
        Msg::DraftSaved(Err(why)) => {
            shared.warn(format!("Draft not saved: {}", why.reason()));
            Vec::new()
        }
        Msg::RecordSaved(saved) => {
            let mut effects = match (screen, saved) {
                (Screen::Wizard(session), Ok(record)) => wizard::saving::saved(session, shared, *record),
                (_, Ok(_)) => Vec::new(),
                (_, Err(why)) => {
                    shared.quit_after_save = false;
                    shared.warn(why.to_string());
                    return Vec::new();
                }
            };
            if shared.quit_after_save {
                effects.push(Effect::Quit);
                shared.quitting = true;
            }
            effects
        }
        Msg::DraftsFound(found) => {
            match found {
                Ok(drafts) => shared.drafts = drafts,
                Err(why) => shared.warn(format!("Unsaved drafts could not be looked for: {}", why.reason())),
            }
            if !shared.drafts.is_empty() && shared.dialog.is_none() && matches!(screen, Screen::Home(_)) {
                shared.dialog = Some(Dialog::Ask { question: Question::Recover { draft: 0 }, button: 0 });
            }
            Vec::new()
        }
        Msg::DraftOpened(Ok(opened), view_only) => {
            *screen = Screen::Wizard(Box::new(wizard::saving::from_draft(shared, *opened, view_only)));
            Vec::new()
        }
        Msg::RecordOpened(Ok(opened)) => {
            let (session, effects) = wizard::saving::from_record(shared, *opened);
            *screen = Screen::Wizard(Box::new(session));
            effects
        }
        Msg::AttemptsLoaded(Ok(attempts)) => {
            if let Some(practice) = shared.practice.as_mut() {
                practice.progress = crate::practice::progress(practice.cases, &attempts);
            }
            Vec::new()
        }
        Msg::AttemptsLoaded(Err(why)) => {
            shared.warn(format!("Practice attempt not saved or not read: {}", why.reason()));
            Vec::new()
        }
        Msg::AmendGranted(granted) => {
            if let Screen::Wizard(session) = screen {
                wizard::saving::amend_granted(session, shared, granted);
            }
            Vec::new()
        }
        Msg::RecordsListed(listed) => {
            match listed {
                Ok(entries) => *screen = Screen::Records(Records::new(entries)),
                Err(why) => {
                    if let Screen::Records(records) = screen {
                        records.loading = false;
                    }
                    shared.warn(why.to_string());
                }
            }
            Vec::new()
        }
        Msg::RecordShown(Ok(lines)) => {
            shared.dialog = Some(Dialog::Text { title: "Record (read-only)".into(), lines, scroll: 0 });
            Vec::new()
        }
        Msg::DraftOpened(Err(why), _) | Msg::RecordShown(Err(why)) | Msg::RecordOpened(Err(why)) => {
            shared.warn(why.to_string());
            Vec::new()
        }
        Msg::UnfinishedFound(found) => {
            super::screens::cases::unfinished_found(screen, shared, found);
            Vec::new()
        }
        Msg::DraftNotDiscarded(why) => {
            shared.warn(format!("The draft could not be thrown away ({}); it is offered again", why.reason()));
            Vec::new()
        }
    }
}

fn on_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    let action = keymap::lookup_in(&app.contexts(), &key);
    let App { screen, shared } = app;
    if shared.too_small {
        // The form cannot be seen: nothing is typed into it blind.
        return if action == Some(Action::Quit) && shared.dialog.is_none() {
            request_quit(screen, shared)
        } else {
            Vec::new()
        };
    }
    if let Some(mut dialog) = shared.dialog.take() {
        let (after, effects) = dialogs::on_key(&mut dialog, screen, shared, action, key);
        if after == After::Stay && shared.dialog.is_none() {
            shared.dialog = Some(dialog);
        }
        return effects;
    }
    match action {
        Some(Action::Help) => {
            shared.dialog = Some(Dialog::Help { scroll: 0 });
            Vec::new()
        }
        Some(Action::Quit) => request_quit(screen, shared),
        _ => match screen {
            Screen::Home(home) => home.on_key(shared, action),
            Screen::Records(records) => records.on_key(shared, action, key),
            Screen::Practice(cases) => cases.on_key(shared, action),
            Screen::Wizard(session) => wizard::keys::on_key(session, shared, action, key),
        },
    }
}

/// Quit, or whatever quitting means where the keyboard is (closing a record, leaving an
/// attempt), asking first when work would be lost.
pub fn request_quit(screen: &mut Screen, shared: &mut Shared) -> Vec<Effect> {
    if let Screen::Wizard(session) = screen
        && let Some(effects) = wizard::keys::on_quit(session, shared)
    {
        return effects;
    }
    shared.quitting = true;
    vec![Effect::Quit]
}
