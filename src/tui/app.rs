//! The whole state of the app, and `update`, the only place it changes (The Elm Architecture).
//! `update` returns effects (save a draft, save a record, quit) that the runner carries out, so
//! it can be tested with key events alone: no terminal, no disk, no clock.

use super::body_chart;
use super::form::{Field, Form};
use super::keymap::{self, Action, Context};
use crate::content::Content;
use crate::domain::ItemType;
use crate::gate::{Acknowledgement, Attestations, Missing, NotAsked, NotAskedReason, Override};
use crate::practice::{Attempt, Case, Cases, Progress};
use crate::record::{Draft, Record, Revision, Status};
use crate::rules::Referral;
use crate::store::drafts::DraftSummary;
use crate::store::index::ListEntry;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use tui_input::backend::crossterm::EventHandler;

/// The banner of a completed record opened from the records browser.
pub const COMPLETED_BANNER: &str = "completed · F5 amend (who, why) · F6 follow-up visit · Ctrl-Q close";

/// A draft is saved this long after the last change...
pub const AUTOSAVE_AFTER_IDLE: Duration = Duration::milliseconds(1000);
/// ...and never later than this after the first change not yet in a draft, typing or not (the
/// README promises two seconds; this leaves room for the save itself).
pub const AUTOSAVE_AT_MOST_EVERY: Duration = Duration::milliseconds(1500);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Home,
    Wizard,
    Records,
    /// Practice mode: choosing a case (the students' home).
    Practice,
}

/// Practice mode: the cases, the student's progress, and the attempt under way.
pub struct Practice {
    pub cases: &'static Cases,
    pub cursor: usize,
    pub progress: Vec<Progress>,
    pub attempt: Option<PracticeAttempt>,
    /// The student's name for saved attempts (`practice --student NAME`).
    pub student: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PracticeAttempt {
    /// Index into the cases.
    pub case: usize,
    pub hints: u32,
    /// The flag panel is shown (the student asked for a hint); hidden otherwise.
    pub showing_flags: bool,
    pub started_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    Help {
        scroll: u16,
    },
    /// Save / Discard / Cancel.
    QuitConfirm {
        button: usize,
    },
    FlagDetail {
        flag: usize,
        scroll: u16,
    },
    /// Restore / View / Discard a recovered draft.
    Recovery {
        draft: usize,
        button: usize,
    },
    /// Who amends a completed record and why (both required): the amendment's audit trail.
    Amend {
        by: String,
        reason: String,
        /// 0: who, 1: why.
        field: usize,
        problem: Option<String>,
    },
    /// The summary of the open intake: verdict, the avoid map on the body chart, flags, plan.
    Summary {
        scroll: u16,
    },
    /// F10 met the completion gate: everything missing, one line each; Enter jumps to it.
    Gate {
        cursor: usize,
    },
    /// Why a question was not asked: one reason of [`NotAskedReason::ALL`], and words (needed
    /// for "other").
    NotAsked {
        item: String,
        reason: usize,
        text: String,
        problem: Option<String>,
    },
    /// A decision against the verdict: who and why (both required), kept with the record.
    Override {
        by: String,
        why: String,
        /// 0: who, 1: why.
        field: usize,
        problem: Option<String>,
    },
    /// A read-only text (a record, a draft preview, a problem list).
    Text {
        title: String,
        lines: Vec<String>,
        scroll: u16,
    },
}

/// The intake being edited.
#[derive(Debug, Clone)]
pub struct Session {
    pub form: Form,
    pub draft_id: String,
    /// The last saved revision of this intake's record, once it has one.
    pub record: Option<Record>,
    /// Why this intake cannot be changed, shown as a banner (another user, newer version).
    pub read_only: Option<String>,
    /// Changed since the record was last saved.
    pub unsaved: bool,
    /// The first and the last change not yet in a draft.
    pub draft_pending: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// The flag panel has the focus, on this flag.
    pub flag_focus: Option<usize>,
    /// Not-asked marks, acknowledgements of referral banners and any override, saved with the
    /// record.
    pub attestations: Attestations,
    /// What re-evaluating the opened record's answers found: an integrity problem, or what
    /// today's rulebook says of a record made with another one. Shown as a banner.
    pub recheck_notice: Option<(String, bool)>,
    /// Completed with F10 in this session (read-only since): Ctrl-Q quits as after any save.
    pub completed_here: bool,
    /// While amending a completed record: who and why, written into the amendment on save.
    pub amendment: Option<(String, String)>,
    /// For a follow-up visit: the last visit, to show what changed since.
    pub previous: Option<PreviousVisit>,
}

impl Session {
    /// A fresh session on a form: nothing unsaved, nothing pending, no flag focused.
    pub fn new(form: Form, draft_id: String, record: Option<Record>) -> Session {
        Session {
            form,
            draft_id,
            record,
            read_only: None,
            unsaved: false,
            draft_pending: None,
            flag_focus: None,
            attestations: Attestations::default(),
            recheck_notice: None,
            completed_here: false,
            amendment: None,
            previous: None,
        }
    }
}

/// The visit a follow-up follows.
#[derive(Debug, Clone, PartialEq)]
pub struct PreviousVisit {
    pub record_id: String,
    pub visit_date: Option<String>,
    pub answers: serde_json::Map<String, serde_json::Value>,
}

impl PreviousVisit {
    pub fn of(record: &Record) -> PreviousVisit {
        PreviousVisit {
            record_id: record.id.clone(),
            visit_date: record.visit_date().map(str::to_owned),
            answers: record.answers.clone(),
        }
    }
}

/// A draft read back from the store, with what it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenedDraft {
    pub draft: Draft,
    /// The record the draft edits, as it is now (it may have moved on since the draft).
    pub record: Option<OpenedRecord>,
    /// For a follow-up visit: the visit it follows.
    pub previous: Option<PreviousVisit>,
}

/// A record read back from the store to open in the wizard.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenedRecord {
    pub record: Record,
    /// Someone else has it open for editing (who, where, since when): it opens read-only.
    pub locked_by: Option<String>,
    /// For a follow-up record: the visit it follows.
    pub previous: Option<PreviousVisit>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    Key(KeyEvent),
    Paste(String),
    /// Time passed (the runner's wait ended): autosave if due.
    Tick,
    DraftSaved(Result<(), String>),
    RecordSaved(Result<Box<Record>, String>),
    DraftsFound(Vec<DraftSummary>),
    /// A draft read back (with the visit it follows, for a follow-up); `view_only` when it is
    /// opened just to look at.
    DraftOpened(Result<Box<OpenedDraft>, String>, bool),
    RecordOpened(Result<Box<OpenedRecord>, String>),
    /// Practice attempts read back (after a save, or at start) for the progress view.
    AttemptsLoaded(Result<Vec<Attempt>, String>),
    /// The lock for amending the open record: granted, or why not.
    AmendGranted(Result<(), String>),
    RecordsListed(Result<Vec<ListEntry>, String>),
    RecordShown(Result<Vec<String>, String>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    SaveDraft(Box<Draft>),
    DiscardDraft(String),
    /// Save a record: a new one (`revision == 1`) or the next revision of the open one.
    SaveRecord(Box<Record>),
    /// Open a draft: to edit it, or (`true`) only to look at it.
    OpenDraft(String, bool),
    ListRecords,
    ShowRecord(String),
    /// Open a record in the wizard (editable if in progress and nobody else has it).
    OpenRecord(String),
    /// Take the editing lock of a completed record, to amend it.
    BeginAmend(String),
    /// The record is closed: let go of its editing lock.
    ReleaseRecord,
    /// Save a graded practice attempt (under practice/, apart from patient records).
    SaveAttempt(Box<Attempt>),
    Quit,
}

pub struct App {
    pub content: &'static Content,
    pub screen: Screen,
    pub overlay: Option<Overlay>,
    pub session: Option<Session>,
    pub home_cursor: usize,
    pub drafts: Vec<DraftSummary>,
    pub records: Vec<ListEntry>,
    /// Index into the filtered records.
    pub records_cursor: usize,
    /// Typed in the records browser: every word must appear in patient, date, status or verdict.
    pub records_filter: String,
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
    pub new_id: Box<dyn FnMut() -> String>,
    /// Practice mode (students); None in the clinic app.
    pub practice: Option<Practice>,
}

/// The entries of the home screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HomeEntry {
    NewIntake,
    Draft(usize),
    Records,
    Quit,
}

impl App {
    pub fn new(
        content: &'static Content,
        now: DateTime<Utc>,
        today: NaiveDate,
        new_id: Box<dyn FnMut() -> String>,
    ) -> App {
        App {
            content,
            screen: Screen::Home,
            overlay: None,
            session: None,
            home_cursor: 0,
            drafts: Vec::new(),
            records: Vec::new(),
            records_cursor: 0,
            records_filter: String::new(),
            user: String::new(),
            status: None,
            now,
            today,
            quitting: false,
            quit_after_save: false,
            new_id,
            practice: None,
        }
    }

    /// Start in practice mode, on the list of cases.
    pub fn enter_practice(&mut self, cases: &'static Cases) {
        let progress = crate::practice::progress(cases, &[]);
        self.practice = Some(Practice { cases, cursor: 0, progress, attempt: None, student: None });
        self.screen = Screen::Practice;
    }

    /// The case of the attempt under way.
    pub fn practice_case(&self) -> Option<(&Case, &PracticeAttempt)> {
        let practice = self.practice.as_ref()?;
        let attempt = practice.attempt.as_ref()?;
        Some((practice.cases.cases.get(attempt.case)?, attempt))
    }

    /// In practice, the flags stay hidden until the student asks for a hint.
    pub fn flags_hidden(&self) -> bool {
        self.practice_case().is_some_and(|(_, attempt)| !attempt.showing_flags)
    }

    /// The records the filter lets through, as indexes into `records`.
    pub fn filtered_records(&self) -> Vec<usize> {
        let words: Vec<String> = self.records_filter.split_whitespace().map(str::to_lowercase).collect();
        self.records
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                let haystack = format!(
                    "{} {} {} {}",
                    r.patient.as_deref().unwrap_or(""),
                    r.visit_date.as_deref().unwrap_or(""),
                    r.status.replace('_', " "),
                    r.verdict.as_ref().map_or(String::new(), |v| format!("{} {}", v.massage, v.referral))
                )
                .to_lowercase();
                words.iter().all(|w| haystack.contains(w.as_str()))
            })
            .map(|(i, _)| i)
            .collect()
    }

    pub fn home_entries(&self) -> Vec<HomeEntry> {
        let mut entries = vec![HomeEntry::NewIntake];
        entries.extend((0..self.drafts.len()).map(HomeEntry::Draft));
        entries.push(HomeEntry::Records);
        entries.push(HomeEntry::Quit);
        entries
    }

    /// Where the keyboard is, for the keymap and the footer.
    pub fn context(&self) -> Context {
        if self.overlay.is_some() {
            return Context::Dialog;
        }
        match self.screen {
            Screen::Home => Context::Home,
            Screen::Records => Context::Records,
            Screen::Practice => Context::Practice,
            Screen::Wizard => {
                let Some(session) = &self.session else { return Context::Home };
                if session.flag_focus.is_some() {
                    return Context::Flags;
                }
                if session.read_only.is_some() {
                    return Context::ReadOnly;
                }
                match session.form.focused_field(self.content) {
                    Some(field) if field.is_list() => Context::ListField,
                    Some(field) if field.takes_text() && session.read_only.is_none() => Context::Form { text: true },
                    _ => Context::Form { text: false },
                }
            }
        }
    }

    /// When the runner must wake to autosave, if a draft is pending.
    pub fn autosave_due(&self) -> Option<DateTime<Utc>> {
        let (first, last) = self.session.as_ref()?.draft_pending?;
        Some((last + AUTOSAVE_AFTER_IDLE).min(first + AUTOSAVE_AT_MOST_EVERY))
    }

    /// The unacknowledged emergency or urgent flags, for the pinned banner.
    pub fn banner_flags(&self) -> Vec<usize> {
        let Some(session) = &self.session else { return Vec::new() };
        if self.flags_hidden() {
            return Vec::new(); // a banner would give the answer away
        }
        let rules = &self.content.rulebook;
        session
            .form
            .assessment
            .flags
            .iter()
            .enumerate()
            .filter(|(_, f)| {
                let rule = rules.rule(f.rule);
                matches!(rule.referral, Some(Referral::Emergency | Referral::Urgent))
                    && session.attestations.acknowledgement(&rule.id).is_none()
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// What stands between the open intake and completion (empty: nothing).
    pub fn gate_missing(&self) -> Vec<Missing> {
        let Some(session) = &self.session else { return Vec::new() };
        crate::gate::completion_gate(
            self.content,
            &session.form.answers,
            &session.form.assessment,
            &session.attestations,
        )
    }

    /// Who acknowledges or overrides: the visit's clinician, else who is at the keyboard.
    pub fn clinician(&self) -> String {
        let content = self.content;
        self.session
            .as_ref()
            .and_then(|s| content.questionnaire.id(crate::gate::CLINICIAN_ITEM).and_then(|id| s.form.answers.text(id)))
            .map(|name| name.trim().to_owned())
            .filter(|name| !name.is_empty())
            .unwrap_or_else(|| self.user.trim().to_owned())
    }

    fn start_session(&mut self, form: Form, draft_id: String, record: Option<Record>) {
        self.session = Some(Session::new(form, draft_id, record));
        self.screen = Screen::Wizard;
    }

    fn draft_effect(&mut self) -> Option<Effect> {
        let session = self.session.as_mut()?;
        if session.read_only.is_some() || self.practice.is_some() {
            // Practice answers are not patient drafts: they never go to drafts/.
            session.draft_pending = None;
            return None;
        }
        session.draft_pending = None;
        let record = session.record.as_ref();
        let mut draft =
            Draft::new(session.draft_id.clone(), record.map(|r| r.id.clone()), record.map(|r| r.revision), self.now);
        draft.section = self.content.questionnaire.sections.get(session.form.section).map(|s| s.id.clone());
        draft.answers = session.form.draft_answers(self.content);
        draft.follow_up_of = session.previous.as_ref().map(|p| p.record_id.clone());
        draft.attestations = session.attestations.clone();
        Some(Effect::SaveDraft(Box::new(draft)))
    }

    fn record_effect(&mut self, complete: bool) -> Vec<Effect> {
        if self.practice.is_some() {
            // Practice never writes a patient record: F10 grades, Ctrl-S has nothing to save.
            if complete {
                return grade_attempt(self);
            }
            self.status = Some(("Practice: F10 grades the attempt and saves it with its score".into(), false));
            return Vec::new();
        }
        let content = self.content;
        let Some(session) = self.session.as_mut() else { return Vec::new() };
        if let Some(why) = &session.read_only {
            self.status = Some((format!("Not saved: {why}"), true));
            return Vec::new();
        }
        if session.form.problem_count() > 0 {
            self.status = Some((
                format!("Not saved: {} answer(s) need attention (marked !)", session.form.problem_count()),
                true,
            ));
            return Vec::new();
        }
        let answers = &session.form.answers;
        session.attestations.prune(content, answers);
        if complete
            && !crate::gate::completion_gate(content, answers, &session.form.assessment, &session.attestations)
                .is_empty()
        {
            self.overlay = Some(Overlay::Gate { cursor: 0 });
            return Vec::new();
        }
        let attestations = session.attestations.clone();
        let record = match &session.record {
            None => {
                let status = if complete { Status::Completed } else { Status::InProgress };
                // The record takes its draft's id, so a draft left by a kill right after the save
                // is recognised as this record's, never saved again as a second one.
                let mut record = Record::new(content, session.draft_id.clone(), answers, status, self.now);
                record.follow_up_of = session.previous.as_ref().map(|p| p.record_id.clone());
                record
            }
            Some(previous) if previous.status.is_final() => match &session.amendment {
                Some((by, reason)) => previous.revise(
                    content,
                    answers,
                    Revision::Amend { by: by.clone(), reason: reason.clone() },
                    self.now,
                ),
                None => {
                    self.status = Some(("This record is completed: F5 amends it (asks who and why)".into(), true));
                    return Vec::new();
                }
            },
            Some(previous) => {
                let change = if complete { Revision::Complete } else { Revision::Draft };
                previous.revise(content, answers, change, self.now)
            }
        };
        let mut record = record;
        record.attestations = attestations;
        vec![Effect::SaveRecord(Box::new(record))]
    }
}

fn is_press(key: &KeyEvent) -> bool {
    key.kind != KeyEventKind::Release
}

/// The single place the state changes.
pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(key) if is_press(&key) => on_key(app, key),
        Msg::Key(_) => Vec::new(),
        Msg::Paste(text) => on_paste(app, &text),
        Msg::Tick => match app.autosave_due() {
            Some(due) if due <= app.now => app.draft_effect().into_iter().collect(),
            _ => Vec::new(),
        },
        Msg::DraftSaved(Ok(())) => {
            if app.status.as_ref().is_none_or(|(_, problem)| !problem) {
                app.status = Some((format!("Draft saved {}", app.now.format("%H:%M:%S")), false));
            }
            Vec::new()
        }
        Msg::DraftSaved(Err(why)) => {
            app.status = Some((format!("Draft not saved: {why}"), true));
            Vec::new()
        }
        Msg::RecordSaved(Ok(record)) => {
            let mut effects = Vec::new();
            if let Some(session) = app.session.as_mut() {
                app.status = Some((
                    format!(
                        "Saved: record {} revision {} ({})",
                        &record.id[..8.min(record.id.len())],
                        record.revision,
                        record.status.code().replace('_', " ")
                    ),
                    false,
                ));
                let amended = session.amendment.is_some() && record.status.is_final();
                let completed = session.amendment.is_none() && record.status.is_final();
                session.record = Some(*record);
                session.unsaved = false;
                session.draft_pending = None;
                effects.push(Effect::DiscardDraft(session.draft_id.clone()));
                if amended {
                    // The amendment is written; the record is closed again until the next one.
                    session.amendment = None;
                    session.read_only = Some(COMPLETED_BANNER.into());
                    effects.push(Effect::ReleaseRecord);
                }
                if completed {
                    // Completed means read-only at once: changes from now on are amendments.
                    session.read_only = Some(COMPLETED_BANNER.into());
                    session.completed_here = true;
                    session.flag_focus = None;
                    effects.push(Effect::ReleaseRecord);
                    if let Some((text, _)) = app.status.as_mut() {
                        text.push_str(": read-only now, F5 amends");
                    }
                }
            }
            if app.quit_after_save {
                effects.push(Effect::Quit);
                app.quitting = true;
            }
            effects
        }
        Msg::RecordSaved(Err(why)) => {
            app.quit_after_save = false;
            app.status = Some((why, true));
            Vec::new()
        }
        Msg::DraftsFound(drafts) => {
            app.drafts = drafts;
            if !app.drafts.is_empty() && app.overlay.is_none() && app.screen == Screen::Home {
                app.overlay = Some(Overlay::Recovery { draft: 0, button: 0 });
            }
            Vec::new()
        }
        Msg::DraftOpened(Ok(opened), view_only) => {
            let OpenedDraft { draft, record, previous } = *opened;
            let form = {
                let mut form = Form::from_answers(app.content, &draft.answers, app.today);
                if let Some(section) = &draft.section {
                    form.section =
                        app.content.questionnaire.sections.iter().position(|s| &s.id == section).unwrap_or(0);
                }
                form
            };
            let (record, locked_by) = match record {
                Some(opened) => (Some(opened.record), opened.locked_by),
                None => (None, None),
            };
            // Saving the draft over a record that moved on would hide someone's changes: say so.
            let moved_on = record.as_ref().is_some_and(|r| draft.base_revision.is_some_and(|b| b != r.revision));
            let completed = record.as_ref().is_some_and(|r| r.status.is_final());
            app.status = Some(match (view_only, &locked_by, moved_on, completed) {
                (true, ..) => ("Viewing a recovered draft (nothing changes)".into(), false),
                (false, Some(_), ..) => ("Draft restored read-only: someone else has the record open".into(), true),
                (false, None, true, _) => {
                    ("Draft restored, but the record was saved again since: compare before saving (F3)".into(), true)
                }
                (false, None, false, true) => {
                    ("Draft restored: changes to a completed record; F5 amends it with them".into(), false)
                }
                (false, None, false, false) => ("Draft restored: check the answers, then save".into(), false),
            });
            let attestations = draft.attestations.clone();
            app.start_session(form, draft.id.clone(), record);
            if let Some(session) = app.session.as_mut() {
                session.previous = previous;
                session.attestations = attestations;
                session.read_only = match (view_only, locked_by, completed) {
                    (true, ..) => {
                        Some("viewing a recovered draft; Ctrl-Q goes back, and Resume on Home edits it".into())
                    }
                    (false, Some(who), _) => Some(format!("open for editing by {who} · Ctrl-Q closes")),
                    (false, None, true) => Some(COMPLETED_BANNER.to_owned()),
                    (false, None, false) => None,
                };
                session.unsaved = !view_only;
            }
            Vec::new()
        }
        Msg::RecordOpened(Ok(opened)) => {
            let OpenedRecord { record, locked_by, previous } = *opened;
            let form = Form::from_answers(app.content, &record.answers, app.today);
            let recheck = record.recheck(app.content);
            let tampered = recheck.as_ref().is_some_and(crate::gate::Recheck::is_integrity_problem);
            let notice = recheck.as_ref().and_then(crate::gate::Recheck::words).map(|words| (words, tampered));
            let read_only = match (&locked_by, record.status.is_final()) {
                // Nothing is silently trusted: a result that does not match its answers is
                // shown, never edited or saved over.
                _ if tampered => Some("the stored result does not match its answers · Ctrl-Q closes".to_owned()),
                (Some(who), _) => Some(format!("open for editing by {who} · F6 starts a follow-up · Ctrl-Q closes")),
                (None, true) => Some(COMPLETED_BANNER.to_owned()),
                (None, false) => None,
            };
            app.status = Some((
                format!(
                    "Opened record {} revision {} ({})",
                    &record.id[..8.min(record.id.len())],
                    record.revision,
                    record.status.code().replace('_', " ")
                ),
                false,
            ));
            let draft_id = (app.new_id)();
            let attestations = record.attestations.clone();
            app.start_session(form, draft_id, Some(record));
            if let Some(session) = app.session.as_mut() {
                session.read_only = read_only;
                session.previous = previous;
                session.attestations = attestations;
                session.recheck_notice = notice;
            }
            if tampered {
                app.status = Some(("Integrity problem: opened read-only; the file is left as it is".into(), true));
                return vec![Effect::ReleaseRecord];
            }
            Vec::new()
        }
        Msg::AttemptsLoaded(Ok(attempts)) => {
            if let Some(practice) = app.practice.as_mut() {
                practice.progress = crate::practice::progress(practice.cases, &attempts);
            }
            Vec::new()
        }
        Msg::AttemptsLoaded(Err(why)) => {
            app.status = Some((format!("Practice attempt not saved or not read: {why}"), true));
            Vec::new()
        }
        Msg::AmendGranted(Ok(())) => {
            if let Some(session) = app.session.as_mut()
                && let Some((by, _)) = &session.amendment
            {
                session.read_only = None;
                let next = session.record.as_ref().map_or(0, |r| r.revision + 1);
                app.status = Some((format!("Amending as {by}: Ctrl-S saves revision {next} with your reason"), false));
            }
            Vec::new()
        }
        Msg::AmendGranted(Err(why)) => {
            if let Some(session) = app.session.as_mut() {
                session.amendment = None;
            }
            app.status = Some((format!("Cannot amend: {why}"), true));
            Vec::new()
        }
        Msg::DraftOpened(Err(why), _)
        | Msg::RecordsListed(Err(why))
        | Msg::RecordShown(Err(why))
        | Msg::RecordOpened(Err(why)) => {
            app.status = Some((why, true));
            Vec::new()
        }
        Msg::RecordsListed(Ok(records)) => {
            app.records = records;
            app.records_cursor = 0;
            app.records_filter.clear();
            app.screen = Screen::Records;
            Vec::new()
        }
        Msg::RecordShown(Ok(lines)) => {
            app.overlay = Some(Overlay::Text { title: "Record (read-only)".into(), lines, scroll: 0 });
            Vec::new()
        }
    }
}

fn on_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    let context = app.context();
    let action = keymap::lookup(context, &key);
    if matches!(app.overlay, Some(Overlay::Amend { .. })) {
        return on_amend_key(app, action, key);
    }
    if matches!(app.overlay, Some(Overlay::NotAsked { .. })) {
        on_not_asked_key(app, action, key);
        return Vec::new();
    }
    if matches!(app.overlay, Some(Overlay::Override { .. })) {
        on_override_key(app, action, key);
        return Vec::new();
    }
    if matches!(app.overlay, Some(Overlay::Gate { .. })) {
        return on_gate_key(app, action);
    }
    if app.overlay.is_some() {
        return on_overlay_key(app, action);
    }
    match (action, app.screen) {
        (Some(Action::Help), _) => {
            app.overlay = Some(Overlay::Help { scroll: 0 });
            Vec::new()
        }
        (Some(Action::Quit), _) => request_quit(app),
        (_, Screen::Home) => on_home_key(app, action),
        (_, Screen::Records) => on_records_key(app, action, key),
        (_, Screen::Practice) => on_practice_key(app, action),
        (_, Screen::Wizard) => on_wizard_key(app, action, key),
    }
}

fn request_quit(app: &mut App) -> Vec<Effect> {
    if app.practice.is_some() && app.screen == Screen::Wizard {
        // Leaving an attempt goes back to the cases; with answers given, ask first.
        if app.session.as_ref().is_some_and(|s| s.unsaved) {
            app.overlay = Some(Overlay::QuitConfirm { button: 0 });
        } else {
            leave_attempt(app);
        }
        return Vec::new();
    }
    // Completed here: everything is saved, so Ctrl-Q quits as it does after any save, without
    // offering a Save that would do nothing.
    if app.screen == Screen::Wizard && app.session.as_ref().is_some_and(|s| s.completed_here && s.read_only.is_some()) {
        app.quitting = true;
        return vec![Effect::Quit];
    }
    // A read-only view closes back to Home; nothing in it can be lost.
    if app.screen == Screen::Wizard && app.session.as_ref().is_some_and(|s| s.read_only.is_some()) {
        let from_records = app.session.take().is_some_and(|s| s.record.is_some());
        app.status = None;
        if from_records {
            // Back to the list, fresh (an amendment may have changed it).
            return vec![Effect::ReleaseRecord, Effect::ListRecords];
        }
        app.screen = Screen::Home;
        return Vec::new();
    }
    if app.session.as_ref().is_some_and(|s| s.unsaved && s.read_only.is_none()) {
        app.overlay = Some(Overlay::QuitConfirm { button: 0 });
        return Vec::new();
    }
    app.quitting = true;
    vec![Effect::Quit]
}

fn on_home_key(app: &mut App, action: Option<Action>) -> Vec<Effect> {
    let entries = app.home_entries();
    match action {
        Some(Action::Up) => app.home_cursor = app.home_cursor.saturating_sub(1),
        Some(Action::Down) => app.home_cursor = (app.home_cursor + 1).min(entries.len() - 1),
        Some(Action::Confirm) => match entries.get(app.home_cursor) {
            Some(HomeEntry::NewIntake) => {
                let id = (app.new_id)();
                app.start_session(Form::new(app.content, app.today), id, None);
            }
            Some(HomeEntry::Draft(i)) => {
                if let Some(draft) = app.drafts.get(*i) {
                    // Another computer's draft opens read-only: taking it over is the recovery
                    // dialog's explicit choice.
                    return vec![Effect::OpenDraft(draft.id.clone(), draft.other_host.is_some())];
                }
            }
            Some(HomeEntry::Records) => return vec![Effect::ListRecords],
            Some(HomeEntry::Quit) => return request_quit(app),
            None => {}
        },
        _ => {}
    }
    Vec::new()
}

fn on_records_key(app: &mut App, action: Option<Action>, key: KeyEvent) -> Vec<Effect> {
    let shown = app.filtered_records();
    let selected = shown.get(app.records_cursor).and_then(|&i| app.records.get(i)).map(|r| r.id.clone());
    match action {
        Some(Action::Up) => app.records_cursor = app.records_cursor.saturating_sub(1),
        Some(Action::Down) => app.records_cursor = (app.records_cursor + 1).min(shown.len().saturating_sub(1)),
        Some(Action::Confirm) => return selected.map(Effect::OpenRecord).into_iter().collect(),
        Some(Action::Summary) => return selected.map(Effect::ShowRecord).into_iter().collect(),
        Some(Action::Clear) => {
            app.records_filter.pop();
            app.records_cursor = 0;
        }
        // Esc clears the filter first, then goes back.
        Some(Action::Back) if !app.records_filter.is_empty() => {
            app.records_filter.clear();
            app.records_cursor = 0;
        }
        Some(Action::Back) => app.screen = Screen::Home,
        None => {
            if let KeyCode::Char(c) = key.code
                && !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
            {
                app.records_filter.push(c);
                app.records_cursor = 0;
            }
        }
        _ => {}
    }
    Vec::new()
}

/// The amendment dialog: two one-line fields, who and why; Enter moves on, then confirms.
fn on_amend_key(app: &mut App, action: Option<Action>, key: KeyEvent) -> Vec<Effect> {
    let Some(Overlay::Amend { by, reason, field, problem }) = app.overlay.as_mut() else { return Vec::new() };
    match action {
        Some(Action::Back) => app.overlay = None,
        Some(Action::Left | Action::Right | Action::Up | Action::Down) => *field = 1 - *field,
        Some(Action::Confirm) if *field == 0 => *field = 1,
        Some(Action::Confirm) => {
            let (who, why) = (by.trim().to_owned(), reason.trim().to_owned());
            if who.is_empty() || why.is_empty() {
                *problem = Some("Both are needed: they are kept with the record as its audit trail.".into());
                return Vec::new();
            }
            app.overlay = None;
            let Some(session) = app.session.as_mut() else { return Vec::new() };
            let Some(record) = &session.record else { return Vec::new() };
            session.amendment = Some((who, why));
            return vec![Effect::BeginAmend(record.id.clone())];
        }
        _ => {
            let text = if *field == 0 { by } else { reason };
            match key.code {
                KeyCode::Backspace => {
                    text.pop();
                }
                KeyCode::Char(c)
                    if !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
                        && text.chars().count() < 200 =>
                {
                    text.push(c);
                }
                _ => {}
            }
        }
    }
    Vec::new()
}

/// The case list: Enter starts the case in the wizard, on the story's visit date.
fn on_practice_key(app: &mut App, action: Option<Action>) -> Vec<Effect> {
    let content = app.content;
    let Some(practice) = app.practice.as_mut() else { return Vec::new() };
    let count = practice.cases.cases.len();
    match action {
        Some(Action::Up) => practice.cursor = practice.cursor.saturating_sub(1),
        Some(Action::Down) => practice.cursor = (practice.cursor + 1).min(count.saturating_sub(1)),
        Some(Action::Confirm) => {
            let Some(case) = practice.cases.cases.get(practice.cursor) else { return Vec::new() };
            let visit = case.visit_date().unwrap_or(app.today);
            practice.attempt =
                Some(PracticeAttempt { case: practice.cursor, hints: 0, showing_flags: false, started_at: app.now });
            let id = (app.new_id)();
            app.start_session(Form::new(content, visit), id, None);
            app.status = Some((
                "Read the story on the right, then take the history. F4: hint (shows the flags) · F10: grade".into(),
                false,
            ));
        }
        _ => {}
    }
    Vec::new()
}

fn toggle_hint(app: &mut App) {
    let Some(attempt) = app.practice.as_mut().and_then(|p| p.attempt.as_mut()) else { return };
    attempt.showing_flags = !attempt.showing_flags;
    if attempt.showing_flags {
        attempt.hints += 1;
        app.status = Some((format!("Hint {}: the flags are shown (F4 hides them again)", attempt.hints), false));
    } else {
        app.status = Some(("The flags are hidden again; the story is back".into(), false));
        if let Some(session) = app.session.as_mut() {
            session.flag_focus = None;
        }
    }
}

/// Back to the case list without grading; nothing is saved.
fn leave_attempt(app: &mut App) {
    if let Some(practice) = app.practice.as_mut() {
        practice.attempt = None;
    }
    app.session = None;
    app.screen = Screen::Practice;
    app.status = Some(("Attempt left without grading; nothing saved".into(), false));
}

/// F10 in practice: grade the answers against the case, show the result, save the attempt.
fn grade_attempt(app: &mut App) -> Vec<Effect> {
    let content = app.content;
    let problems = app.session.as_ref().map_or(0, |s| s.form.problem_count());
    if problems > 0 {
        app.status = Some((format!("Not graded: {problems} answer(s) need attention (marked !)"), true));
        return Vec::new();
    }
    let Some((case, attempt)) = app.practice_case().map(|(c, a)| (c.clone(), a.clone())) else { return Vec::new() };
    let Some(session) = app.session.as_ref() else { return Vec::new() };
    let answers = &session.form.answers;
    let grade = match crate::practice::grade(content, &case, answers, attempt.hints) {
        Ok(grade) => grade,
        Err(why) => {
            app.status = Some((why, true));
            return Vec::new();
        }
    };
    let lines = crate::practice::render_grade(&case, &grade).lines().map(str::to_owned).collect();
    let title = format!("Practice result: {}", if grade.passed { "passed" } else { "not passed" });
    let student = app.practice.as_ref().and_then(|p| p.student.clone());
    let record = Attempt::new(
        (app.new_id)(),
        grade,
        answers.to_json(&content.questionnaire, &content.regions),
        attempt.started_at,
        app.now,
    )
    .with_student(student.as_deref());
    if let Some(practice) = app.practice.as_mut() {
        practice.attempt = None;
    }
    app.session = None;
    app.screen = Screen::Practice;
    app.overlay = Some(Overlay::Text { title, lines, scroll: 0 });
    vec![Effect::SaveAttempt(Box::new(record))]
}

/// F5: amend the open completed record, after saying who and why.
fn begin_amend(app: &mut App) {
    let Some(session) = app.session.as_ref() else { return };
    let why_not = match &session.record {
        _ if session.amendment.is_some() => Some("an amendment is already open: Ctrl-S saves it"),
        None => Some("only a saved, completed record is amended"),
        Some(record) if !record.status.is_final() => Some("this record is still in progress: edit it and save"),
        Some(_) => None,
    };
    match why_not {
        Some(why) => app.status = Some((format!("Nothing to amend: {why}"), true)),
        None => {
            app.overlay = Some(Overlay::Amend { by: app.user.clone(), reason: String::new(), field: 0, problem: None });
        }
    }
}

/// F6: a new visit for the same patient: the story carried over for review, the safety screen,
/// red flags, consent and today's measures asked again, and changes since the last visit shown.
fn start_follow_up(app: &mut App) -> Vec<Effect> {
    let content = app.content;
    let Some(session) = app.session.as_ref() else { return Vec::new() };
    let Some(record) = &session.record else {
        app.status = Some(("Save this visit first (Ctrl-S): a follow-up starts from a saved record".into(), true));
        return Vec::new();
    };
    if session.unsaved && session.read_only.is_none() {
        app.status = Some(("Save this visit first (Ctrl-S), then start the follow-up".into(), true));
        return Vec::new();
    }
    let previous = PreviousVisit::of(record);
    let answers = crate::follow_up::carried_answers(content, &record.answers, app.today);
    let form = Form::from_answers(content, &answers, app.today);
    let draft_id = (app.new_id)();
    let now = app.now;
    app.start_session(form, draft_id, None);
    if let Some(session) = app.session.as_mut() {
        session.previous = Some(previous);
        session.unsaved = true;
        session.draft_pending = Some((now, now));
    }
    app.status = Some((
        "Follow-up visit: review what carried over; the safety screen, red flags and consent are asked again".into(),
        false,
    ));
    let mut effects = vec![Effect::ReleaseRecord];
    effects.extend(app.draft_effect());
    effects
}

fn on_overlay_key(app: &mut App, action: Option<Action>) -> Vec<Effect> {
    let Some(overlay) = app.overlay.clone() else { return Vec::new() };
    match (overlay, action) {
        (_, Some(Action::Back)) => {
            app.overlay = None;
            Vec::new()
        }
        (
            Overlay::Help { scroll }
            | Overlay::FlagDetail { scroll, .. }
            | Overlay::Text { scroll, .. }
            | Overlay::Summary { scroll },
            Some(Action::Down | Action::Up),
        ) => {
            let next = if action == Some(Action::Down) { scroll.saturating_add(1) } else { scroll.saturating_sub(1) };
            if let Some(
                Overlay::Help { scroll }
                | Overlay::FlagDetail { scroll, .. }
                | Overlay::Text { scroll, .. }
                | Overlay::Summary { scroll },
            ) = app.overlay.as_mut()
            {
                *scroll = next;
            }
            Vec::new()
        }
        (
            Overlay::Help { .. } | Overlay::FlagDetail { .. } | Overlay::Text { .. } | Overlay::Summary { .. },
            Some(Action::Confirm),
        ) => {
            app.overlay = None;
            Vec::new()
        }
        (Overlay::QuitConfirm { button }, Some(Action::Left | Action::Right)) => {
            let next = if action == Some(Action::Right) { (button + 1) % 3 } else { (button + 2) % 3 };
            app.overlay = Some(Overlay::QuitConfirm { button: next });
            Vec::new()
        }
        (Overlay::QuitConfirm { button }, Some(Action::Confirm)) => {
            app.overlay = None;
            if app.practice.is_some() && app.screen == Screen::Wizard {
                match button {
                    0 => return grade_attempt(app),
                    1 => leave_attempt(app),
                    _ => {}
                }
                return Vec::new();
            }
            match button {
                0 => {
                    app.quit_after_save = true;
                    let effects = app.record_effect(false);
                    if effects.is_empty() {
                        app.quit_after_save = false;
                    }
                    effects
                }
                1 => {
                    app.quitting = true;
                    let mut effects = Vec::new();
                    if let Some(session) = &app.session {
                        effects.push(Effect::DiscardDraft(session.draft_id.clone()));
                    }
                    effects.push(Effect::Quit);
                    effects
                }
                _ => Vec::new(),
            }
        }
        (Overlay::Recovery { draft, button }, Some(Action::Left | Action::Right)) => {
            let next = if action == Some(Action::Right) { (button + 1) % 3 } else { (button + 2) % 3 };
            app.overlay = Some(Overlay::Recovery { draft, button: next });
            Vec::new()
        }
        (Overlay::Recovery { draft, button }, Some(Action::Up | Action::Down)) => {
            let count = app.drafts.len().max(1);
            let next = if action == Some(Action::Down) { (draft + 1) % count } else { (draft + count - 1) % count };
            app.overlay = Some(Overlay::Recovery { draft: next, button });
            Vec::new()
        }
        (Overlay::Recovery { draft, button }, Some(Action::Confirm)) => {
            let Some(summary) = app.drafts.get(draft).cloned() else {
                app.overlay = None;
                return Vec::new();
            };
            match button {
                0 | 1 => {
                    app.overlay = None;
                    vec![Effect::OpenDraft(summary.id, button == 1)]
                }
                _ => {
                    app.drafts.remove(draft);
                    app.overlay =
                        if app.drafts.is_empty() { None } else { Some(Overlay::Recovery { draft: 0, button: 0 }) };
                    vec![Effect::DiscardDraft(summary.id)]
                }
            }
        }
        _ => Vec::new(),
    }
}

fn on_wizard_key(app: &mut App, action: Option<Action>, key: KeyEvent) -> Vec<Effect> {
    let content = app.content;
    let Some(session) = app.session.as_mut() else { return Vec::new() };

    if let Some(flag) = session.flag_focus {
        let count = session.form.assessment.flags.len();
        match action {
            Some(Action::Up) => session.flag_focus = Some(flag.saturating_sub(1)),
            Some(Action::Down) => session.flag_focus = Some((flag + 1).min(count.saturating_sub(1))),
            Some(Action::Confirm) if count > 0 => app.overlay = Some(Overlay::FlagDetail { flag, scroll: 0 }),
            Some(Action::Back) | Some(Action::FocusFlags) => session.flag_focus = None,
            Some(Action::Save) => return app.record_effect(false),
            Some(Action::Complete) => return app.record_effect(true),
            Some(Action::Acknowledge) => acknowledge(app),
            _ => {}
        }
        return Vec::new();
    }

    if app.practice.is_some() {
        match action {
            Some(Action::Save) => {
                app.status = Some(("Practice: F10 grades the attempt and saves it with its score".into(), false));
                return Vec::new();
            }
            Some(Action::Complete) => return grade_attempt(app),
            Some(Action::Hint) => {
                toggle_hint(app);
                return Vec::new();
            }
            Some(Action::FocusFlags) if app.flags_hidden() => {
                app.status =
                    Some(("The flags are hidden in practice: F4 shows them (counted as a hint)".into(), false));
                return Vec::new();
            }
            Some(Action::Amend | Action::FollowUp) => return Vec::new(),
            _ => {}
        }
    }
    let Some(session) = app.session.as_mut() else { return Vec::new() };
    match action {
        Some(Action::Save) => return app.record_effect(false),
        Some(Action::Complete) => return app.record_effect(true),
        Some(Action::Amend) => {
            begin_amend(app);
            return Vec::new();
        }
        Some(Action::FollowUp) => return start_follow_up(app),
        Some(Action::FocusFlags) => {
            session.flag_focus = Some(0);
            return Vec::new();
        }
        Some(Action::Acknowledge) => {
            acknowledge(app);
            return Vec::new();
        }
        Some(Action::NotAsked) => {
            begin_not_asked(app);
            return Vec::new();
        }
        Some(Action::Override) => {
            begin_override(app);
            return Vec::new();
        }
        Some(Action::Summary) => {
            // In a practice attempt the summary would show the hidden flags and verdict: it opens
            // only once a hint has shown them (F4, counted).
            if app.flags_hidden() {
                app.status =
                    Some(("The summary shows the flags: take a hint first (F4, counted), then F3".into(), false));
            } else {
                app.overlay = Some(Overlay::Summary { scroll: 0 });
            }
            return Vec::new();
        }
        Some(Action::NextSection) => return change_section(app, 1),
        Some(Action::PrevSection) => return change_section(app, -1),
        _ => {}
    }

    let Some(item_id) = session.form.focused_item(content) else {
        return Vec::new();
    };
    let read_only = session.read_only.is_some();
    let field = &mut session.form.fields[item_id.index()];
    let is_notes = matches!(field, Field::Notes(_));

    // Notes take Enter and the arrows as text editing; Tab leaves them.
    if is_notes
        && !read_only
        && matches!(key.code, KeyCode::Enter | KeyCode::Up | KeyCode::Down | KeyCode::Left | KeyCode::Right)
        && key.modifiers == KeyModifiers::NONE
    {
        if let Field::Notes(area) = field {
            area.input(key);
        }
        return changed(app);
    }

    match action {
        Some(Action::NextField) => return move_focus(app, 1),
        Some(Action::PrevField) => return move_focus(app, -1),
        Some(Action::Back) => return Vec::new(),
        _ => {}
    }
    if read_only {
        return Vec::new();
    }

    let item = content.questionnaire.item(item_id);
    let edited = match (field, action) {
        (Field::Bool(b), Some(Action::Yes)) => set(b, Some(true)),
        (Field::Bool(b), Some(Action::No)) => set(b, Some(false)),
        (Field::Bool(b), Some(Action::Toggle)) => set(
            b,
            match *b {
                None => Some(true),
                Some(true) => Some(false),
                Some(false) => None,
            },
        ),
        (Field::Bool(b), Some(Action::Clear)) => set(b, None),
        (Field::Choice { value, cursor }, Some(Action::Up)) => {
            *cursor = cursor.saturating_sub(1);
            let _ = value;
            false
        }
        (Field::Choice { cursor, .. }, Some(Action::Down)) => {
            *cursor = (*cursor + 1).min(item.options.len().saturating_sub(1) as u16);
            false
        }
        (Field::Choice { value, cursor }, Some(Action::Toggle)) => {
            *value = if *value == Some(*cursor) { None } else { Some(*cursor) };
            true
        }
        (Field::Choice { value, .. }, Some(Action::Clear)) => value.take().is_some(),
        (Field::Multi { cursor, .. }, Some(Action::Up)) => {
            *cursor = cursor.saturating_sub(1);
            false
        }
        (Field::Multi { cursor, .. }, Some(Action::Down)) => {
            *cursor = (*cursor + 1).min(item.options.len().saturating_sub(1) as u16);
            false
        }
        (Field::Multi { values, cursor }, Some(Action::Toggle)) => toggle(values, *cursor),
        (Field::Multi { values, .. }, Some(Action::Clear)) => clear_list(values),
        (
            Field::Regions { cursor, .. },
            Some(direction @ (Action::Up | Action::Down | Action::Left | Action::Right)),
        ) => {
            *cursor = body_chart::step(&content.regions, *cursor, direction);
            false
        }
        (Field::Regions { values, cursor }, Some(Action::Toggle)) => toggle(values, *cursor),
        (Field::Regions { values, .. }, Some(Action::Clear)) => clear_list(values),
        (Field::Line(input), Some(Action::Today)) if item.kind == ItemType::Date => {
            *input = tui_input::Input::new(app.today.format("%Y-%m-%d").to_string());
            true
        }
        (Field::Line(input), _) => {
            let accepted = match (item.kind, key.code) {
                // Numbers and dates take only what can be part of one; anything else is ignored
                // rather than typed, so a stray letter never hides in a number.
                (ItemType::Int, KeyCode::Char(c)) => c.is_ascii_digit() || c == '-',
                (ItemType::Date, KeyCode::Char(c)) => c.is_ascii_digit() || c == '-',
                _ => true,
            };
            accepted && input.handle_event(&Event::Key(key)).is_some_and(|r| r.value)
        }
        (Field::Notes(area), _) => area.input(key),
        _ => false,
    };
    if edited { changed(app) } else { Vec::new() }
}

/// Tick or untick one entry of a sorted list; always a change.
fn toggle<T: Ord + Copy>(values: &mut Vec<T>, entry: T) -> bool {
    match values.binary_search(&entry) {
        Ok(i) => {
            values.remove(i);
        }
        Err(i) => values.insert(i, entry),
    }
    true
}

fn clear_list<T>(values: &mut Vec<T>) -> bool {
    let had = !values.is_empty();
    values.clear();
    had
}

fn set(slot: &mut Option<bool>, value: Option<bool>) -> bool {
    let changed = *slot != value;
    *slot = value;
    changed
}

/// After any edit: validate and re-evaluate, keep the focus on a shown item, and schedule a draft.
fn changed(app: &mut App) -> Vec<Effect> {
    let now = app.now;
    let content = app.content;
    if let Some(session) = app.session.as_mut() {
        session.form.refresh(content);
        session.form.clamp_focus(content);
        session.unsaved = true;
        session.draft_pending = Some(match session.draft_pending {
            Some((first, _)) => (first, now),
            None => (now, now),
        });
        if let Some(flag) = session.flag_focus {
            session.flag_focus = Some(flag.min(session.form.assessment.flags.len().saturating_sub(1)));
        }
    }
    Vec::new()
}

fn move_focus(app: &mut App, step: isize) -> Vec<Effect> {
    let content = app.content;
    let Some(session) = app.session.as_mut() else { return Vec::new() };
    let count = session.form.visible_items(content).len();
    let next = session.form.focus as isize + step;
    if next >= count as isize {
        return change_section(app, 1);
    }
    if next < 0 {
        // Back into the previous section's last question; on the very first question, stay.
        let before = session.form.section;
        let effects = change_section(app, -1);
        if let Some(session) = app.session.as_mut()
            && session.form.section != before
        {
            session.form.focus = session.form.visible_items(content).len().saturating_sub(1);
        }
        return effects;
    }
    session.form.focus = next as usize;
    Vec::new()
}

/// Move to another section; the draft is saved at every section change.
fn change_section(app: &mut App, step: isize) -> Vec<Effect> {
    let sections = app.content.questionnaire.sections.len();
    let Some(session) = app.session.as_mut() else { return Vec::new() };
    let next = (session.form.section as isize + step).clamp(0, sections as isize - 1) as usize;
    if next == session.form.section {
        return Vec::new();
    }
    session.form.section = next;
    session.form.focus = 0;
    let pending = session.draft_pending.is_some();
    if pending { app.draft_effect().into_iter().collect() } else { Vec::new() }
}

/// Ctrl-A: every emergency or urgent banner showing is acknowledged by the visit's clinician,
/// now, and kept with the record. A flag that fires later needs its own.
fn acknowledge(app: &mut App) {
    let banner = app.banner_flags();
    if banner.is_empty() {
        return;
    }
    if app.session.as_ref().is_some_and(|s| s.read_only.is_some()) {
        app.status = Some(("Read-only: nothing is acknowledged here".into(), true));
        return;
    }
    let by = app.clinician();
    if by.is_empty() {
        app.status = Some(("Who acknowledges? Enter the clinician's name (Patient and visit) first".into(), true));
        return;
    }
    let (content, now) = (app.content, app.now);
    let Some(session) = app.session.as_mut() else { return };
    for index in banner {
        let Some(flag) = session.form.assessment.flags.get(index) else { continue };
        let rule = content.rulebook.rule(flag.rule);
        session.attestations.acknowledgements.push(Acknowledgement {
            flag: rule.id.clone(),
            by: by.clone(),
            at: now,
            rulebook_version: content.rulebook.version.clone(),
        });
    }
    session.unsaved = true;
    app.status = Some((format!("Acknowledged by {by} at {} UTC: kept with the record", now.format("%H:%M")), false));
    let _ = changed_attestations(app);
}

/// An attestation changed: it is part of the record, so the draft is saved soon.
fn changed_attestations(app: &mut App) -> Vec<Effect> {
    let now = app.now;
    if let Some(session) = app.session.as_mut() {
        session.unsaved = true;
        session.draft_pending = Some(match session.draft_pending {
            Some((first, _)) => (first, now),
            None => (now, now),
        });
    }
    Vec::new()
}

/// Ctrl-N on an unanswered safety-screen or red-flag question: say why it was not asked (or, on
/// one already marked, take the mark away).
fn begin_not_asked(app: &mut App) {
    let content = app.content;
    let Some(session) = app.session.as_mut() else { return };
    if session.read_only.is_some() {
        return;
    }
    let Some(id) = session.form.focused_item(content) else { return };
    let item = content.questionnaire.item(id);
    let section = &content.questionnaire.section_of(id).id;
    if !crate::gate::SCREENING_SECTIONS.contains(&section.as_str()) {
        app.status = Some(("Only safety-screen and red-flag questions are marked not asked".into(), true));
        return;
    }
    if session.form.answers.get(id).is_some() {
        app.status = Some((
            format!(
                "This question has an answer: clear it first ({}) to mark it not asked",
                keymap::label(Action::Clear)
            ),
            true,
        ));
        return;
    }
    if session.attestations.not_asked.remove(&item.id).is_some() {
        app.status = Some((format!("{}: no longer marked not asked", item.label), false));
        let _ = changed_attestations(app);
        return;
    }
    app.overlay = Some(Overlay::NotAsked { item: item.id.clone(), reason: 0, text: String::new(), problem: None });
}

fn on_not_asked_key(app: &mut App, action: Option<Action>, key: KeyEvent) {
    let Some(Overlay::NotAsked { item, reason, text, problem }) = app.overlay.as_mut() else { return };
    let count = NotAskedReason::ALL.len();
    match action {
        Some(Action::Back) => app.overlay = None,
        Some(Action::Up) => *reason = (*reason + count - 1) % count,
        Some(Action::Down) => *reason = (*reason + 1) % count,
        Some(Action::Confirm) => {
            let chosen = NotAskedReason::ALL[(*reason).min(count - 1)];
            let words = text.trim().to_owned();
            let mark = NotAsked { reason: chosen, text: (!words.is_empty()).then_some(words) };
            if !mark.is_complete() {
                *problem = Some("\"Other\" needs a few words: why was it not asked?".into());
                return;
            }
            let item = item.clone();
            app.overlay = None;
            let label = app.content.questionnaire.id(&item).map(|id| app.content.questionnaire.item(id).label.clone());
            if let Some(session) = app.session.as_mut() {
                session.attestations.not_asked.insert(item, mark.clone());
            }
            app.status = Some((format!("{}: {}", label.unwrap_or_default(), mark.words()), false));
            let _ = changed_attestations(app);
        }
        _ => edit_line(text, key),
    }
}

/// One-line text in a dialog: characters and Backspace, at most 200 characters.
fn edit_line(text: &mut String, key: KeyEvent) {
    match key.code {
        KeyCode::Backspace => {
            text.pop();
        }
        KeyCode::Char(c)
            if !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) && text.chars().count() < 200 =>
        {
            text.push(c);
        }
        _ => {}
    }
}

/// Ctrl-O: document a decision that goes against the verdict (who, why).
fn begin_override(app: &mut App) {
    let content = app.content;
    let Some(session) = app.session.as_ref() else { return };
    if session.read_only.is_some() {
        return;
    }
    let verdict = session.form.assessment.verdict;
    let departs = crate::gate::decision_code(content, &session.form.answers)
        .is_some_and(|d| crate::gate::departs_from_verdict(d, verdict.massage, verdict.referral));
    if !departs {
        app.status = Some(("The decision does not go against the verdict: nothing to override".into(), true));
        return;
    }
    let why = session.attestations.override_.as_ref().map(|o| o.why.clone()).unwrap_or_default();
    app.overlay = Some(Overlay::Override {
        by: app.clinician(),
        why,
        field: if app.clinician().is_empty() { 0 } else { 1 },
        problem: None,
    });
}

fn on_override_key(app: &mut App, action: Option<Action>, key: KeyEvent) {
    let Some(Overlay::Override { by, why, field, problem }) = app.overlay.as_mut() else { return };
    match action {
        Some(Action::Back) => app.overlay = None,
        Some(Action::Left | Action::Right | Action::Up | Action::Down) => *field = 1 - *field,
        Some(Action::Confirm) if *field == 0 => *field = 1,
        Some(Action::Confirm) => {
            let (who, reason) = (by.trim().to_owned(), why.trim().to_owned());
            if who.is_empty() || reason.is_empty() {
                *problem = Some("Both are needed: they are kept with the record.".into());
                return;
            }
            app.overlay = None;
            let content = app.content;
            let now = app.now;
            let Some(session) = app.session.as_mut() else { return };
            let verdict = session.form.assessment.verdict;
            let decision = crate::gate::decision_code(content, &session.form.answers).unwrap_or_default().to_owned();
            session.attestations.override_ = Some(Override {
                by: who.clone(),
                why: reason,
                at: now,
                decision,
                verdict_massage: verdict.massage_code().to_owned(),
                verdict_referral: verdict.referral_code().to_owned(),
            });
            app.status = Some((format!("Override by {who} recorded: kept with the record"), false));
            let _ = changed_attestations(app);
        }
        _ => edit_line(if *field == 0 { by } else { why }, key),
    }
}

/// The gate dialog: ↑↓ choose a line, Enter goes to its item, flag or decision; Esc closes.
fn on_gate_key(app: &mut App, action: Option<Action>) -> Vec<Effect> {
    let missing = app.gate_missing();
    let Some(Overlay::Gate { cursor }) = app.overlay.as_mut() else { return Vec::new() };
    if missing.is_empty() {
        app.overlay = None;
        return Vec::new();
    }
    match action {
        Some(Action::Back) => app.overlay = None,
        Some(Action::Up) => *cursor = cursor.saturating_sub(1),
        Some(Action::Down) => *cursor = (*cursor + 1).min(missing.len() - 1),
        Some(Action::Confirm) => {
            let chosen = missing[(*cursor).min(missing.len() - 1)].clone();
            app.overlay = None;
            jump_to(app, &chosen);
        }
        _ => {}
    }
    Vec::new()
}

/// Go to what a gate line is about: its item in the form, its flag in the panel, or the
/// decision (opening the override dialog when one is needed).
fn jump_to(app: &mut App, missing: &Missing) {
    let content = app.content;
    let Some(session) = app.session.as_mut() else { return };
    if let Missing::Unacknowledged { flag, .. } = missing {
        let index = session.form.assessment.flags.iter().position(|f| &content.rulebook.rule(f.rule).id == flag);
        session.flag_focus = index.or(Some(0));
        app.status = Some((format!("{} acknowledges the referral banner", keymap::label(Action::Acknowledge)), false));
        return;
    }
    let Some(id) = missing.item().and_then(|item| content.questionnaire.id(item)) else { return };
    let Some(section) = content.questionnaire.sections.iter().position(|s| s.items.contains(&id)) else { return };
    session.flag_focus = None;
    session.form.section = section;
    session.form.focus = session.form.visible_items(content).iter().position(|i| *i == id).unwrap_or(0);
    if matches!(missing, Missing::OverrideNeeded { .. }) {
        begin_override(app);
    }
}

fn on_paste(app: &mut App, text: &str) -> Vec<Effect> {
    if let Some(Overlay::Amend { by, reason, field, .. }) = app.overlay.as_mut() {
        let flat: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).take(200).collect();
        if *field == 0 { by } else { reason }.push_str(flat.trim_end());
        return Vec::new();
    }
    let content = app.content;
    let Some(session) = app.session.as_mut() else { return Vec::new() };
    if session.read_only.is_some() || app.overlay.is_some() || session.flag_focus.is_some() {
        return Vec::new();
    }
    let Some(item_id) = session.form.focused_item(content) else { return Vec::new() };
    match &mut session.form.fields[item_id.index()] {
        Field::Line(input) => {
            // One-line fields: newlines become spaces, so nothing pasted is lost.
            let flat: String = text.chars().map(|c| if c == '\n' || c == '\r' { ' ' } else { c }).collect();
            let mut value = input.value().to_owned();
            let at = value.char_indices().nth(input.cursor()).map_or(value.len(), |(i, _)| i);
            value.insert_str(at, flat.trim_end());
            let cursor = input.cursor() + flat.trim_end().chars().count();
            *input = tui_input::Input::new(value).with_cursor(cursor);
        }
        Field::Notes(area) => {
            area.insert_str(text.replace("\r\n", "\n").replace('\r', "\n"));
        }
        _ => return Vec::new(),
    }
    changed(app)
}
