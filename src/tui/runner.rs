//! The event loop: wait (blocking, no fixed tick) for input, a signal, a lost terminal or the
//! next autosave; update; draw; carry out effects with the store. Generic over the backend, so
//! tests can run the real loop into a `TestBackend`.

use super::app::{App, Effect, Msg, PreviousVisit, update};
use super::screens::wizard::{OpenedDraft, OpenedRecord};
use super::theme::Theme;
use super::view::view;
use crate::content::Content;
use crate::record::{Decoded, Record};
use crate::store::lock::Holder;
use crate::store::records::Editing;
use crate::store::{Store, StoreError};
use chrono::Utc;
use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::crossterm::event::Event;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

/// Everything the loop can wake for.
#[derive(Debug)]
pub enum Wake {
    Input(Event),
    /// SIGTERM, SIGHUP or SIGINT.
    Signal(i32),
    /// The terminal went away (closed window, dropped SSH) without a signal.
    TerminalLost,
}

/// How the loop ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    Quit,
    Signal(i32),
    TerminalLost,
}

pub struct Runner {
    pub store: Store,
    /// The lock of the record being edited, held from its first save until the app ends.
    editing: Option<Editing>,
    /// The draft of the open intake, removed as soon as its record is durable.
    session_draft: Option<String>,
    /// Why the last draft save failed, while it has not succeeded since: said on the way out, so
    /// a signal on a full disk never ends the app silently with work unsaved.
    pub draft_problem: Option<String>,
}

impl Runner {
    pub fn new(store: Store) -> Runner {
        Runner { store, editing: None, session_draft: None, draft_problem: None }
    }

    /// Messages to start with: drafts to offer for recovery (a student: their progress).
    pub fn start(&mut self, app: &mut App) {
        let msg = if app.practice.is_some() {
            // Students: their progress, and any attempt a pause or a crash left unfinished;
            // patient drafts are not theirs to recover.
            self.dispatch(app, Msg::AttemptsLoaded(Ok(self.store.attempts().attempts)));
            Msg::UnfinishedFound(Ok(self.store.unfinished()))
        } else {
            Msg::DraftsFound(self.store.recoverable_drafts(app.content))
        };
        self.dispatch(app, msg);
    }

    /// Update with a message, then carry out every effect with the store and feed back every
    /// reply, until nothing is left to do. On Quit the draft is flushed and nothing after it is
    /// done. Returns the effects carried out, in order (Quit last, if it came). The real loop and
    /// the tests both go through here.
    pub fn dispatch(&mut self, app: &mut App, msg: Msg) -> Vec<Effect> {
        self.dispatch_until(app, msg, |_, _| true)
    }

    /// As [`Runner::dispatch`], asking `go_on` before each effect (with the app as it is then)
    /// whether to carry it out: the loop draws before a slow one, a crash test stops there.
    pub fn dispatch_until(
        &mut self,
        app: &mut App,
        msg: Msg,
        mut go_on: impl FnMut(&App, &Effect) -> bool,
    ) -> Vec<Effect> {
        let mut done = Vec::new();
        let mut pending = update(app, msg);
        while !pending.is_empty() {
            let mut next = Vec::new();
            for effect in pending {
                if !go_on(app, &effect) {
                    return done;
                }
                self.session_draft = app.session().map(|s| s.draft_id.clone());
                if let Effect::DiscardDraft(id) = &effect
                    && let Some(session) = app.session_mut()
                    && &session.draft_id == id
                {
                    // The clinician threw this intake's draft away: nothing is pending any more,
                    // so the flush on the way out must not write it again.
                    session.draft_pending = None;
                }
                if effect == Effect::Quit {
                    self.flush_draft(app);
                    self.release_editing();
                    done.push(effect);
                    return done;
                }
                let reply = self.carry_out(app.content, effect.clone());
                done.push(effect);
                if let Some(reply) = reply {
                    next.extend(update(app, reply));
                }
            }
            pending = next;
        }
        done
    }

    /// Run until quit, a signal, or a lost terminal; the last draft is flushed in every case,
    /// and the record being edited is released with its lock file (a kill leaves the file, and
    /// the next instance takes the lock all the same: the lock is the kernel's, not the file's).
    pub fn run<B: Backend>(
        &mut self,
        app: &mut App,
        theme: Theme,
        terminal: &mut Terminal<B>,
        wakes: &Receiver<Wake>,
    ) -> Ending {
        let ending = self.run_until_the_end(app, theme, terminal, wakes);
        self.release_editing();
        ending
    }

    /// Done with the record being edited, if any: release its lock and remove its file. A lock
    /// file left behind (a failed removal) only tells the next instance who had it last.
    pub fn release_editing(&mut self) {
        if let Some(editing) = self.editing.take() {
            let _ = editing.release();
        }
    }

    /// Hold this record's lock from now on, done with any other.
    fn hold(&mut self, editing: Editing) {
        if self.editing.as_ref().is_some_and(|held| held.id != editing.id) {
            self.release_editing();
        }
        self.editing = Some(editing);
    }

    fn run_until_the_end<B: Backend>(
        &mut self,
        app: &mut App,
        theme: Theme,
        terminal: &mut Terminal<B>,
        wakes: &Receiver<Wake>,
    ) -> Ending {
        let _ = terminal.draw(|frame| view(app, theme, frame));
        self.start(app);
        let _ = terminal.draw(|frame| view(app, theme, frame));
        loop {
            app.now = Utc::now();
            app.too_small = terminal.size().is_ok_and(|size| !super::view::fits(size.width, size.height));
            let due = app.autosave_due();
            let msg = if due.is_some_and(|due| due <= app.now) {
                // Due now: save before reading more input, so continuous typing (input always
                // waiting) never puts the autosave off.
                Msg::Tick
            } else {
                let timeout = due
                    .map(|due| (due - app.now).to_std().unwrap_or(Duration::ZERO))
                    .unwrap_or(Duration::from_secs(3600));
                match wakes.recv_timeout(timeout) {
                    Ok(Wake::Input(Event::Key(key))) => Msg::Key(key),
                    Ok(Wake::Input(Event::Paste(text))) => Msg::Paste(without_controls(&text)),
                    Ok(Wake::Input(Event::Resize(width, height))) => {
                        app.too_small = !super::view::fits(width, height);
                        Msg::Tick
                    }
                    Ok(Wake::Input(_)) => continue,
                    Ok(Wake::Signal(signal)) => {
                        self.flush_draft(app);
                        return Ending::Signal(signal);
                    }
                    Ok(Wake::TerminalLost) | Err(RecvTimeoutError::Disconnected) => {
                        self.flush_draft(app);
                        return Ending::TerminalLost;
                    }
                    Err(RecvTimeoutError::Timeout) => Msg::Tick,
                }
            };
            app.now = Utc::now();
            let done = self.dispatch_until(app, msg, |app, effect| {
                // Reading the records may take a moment: the screen says so first.
                if *effect == Effect::ListRecords {
                    let _ = terminal.draw(|frame| view(app, theme, frame));
                }
                true
            });
            let _ = terminal.draw(|frame| view(app, theme, frame));
            if done.last() == Some(&Effect::Quit) {
                return Ending::Quit;
            }
        }
    }

    /// Save the draft now if anything is pending (on quit, signals and a lost terminal).
    pub fn flush_draft(&mut self, app: &mut App) {
        if app.autosave_due().is_some() {
            app.now = app.autosave_due().unwrap_or(app.now);
            for effect in update(app, Msg::Tick) {
                let _ = self.carry_out(app.content, effect);
            }
        }
    }

    /// What to tell the clinician after the app ended, if the last draft was not saved.
    pub fn unsaved_warning(&self) -> Option<String> {
        self.draft_problem.as_ref().map(|why| {
            format!("the latest changes were NOT saved as a draft ({why}); what was typed since the last saved draft is lost")
        })
    }

    /// Do one effect; the answer comes back as a message.
    pub fn carry_out(&mut self, content: &Content, effect: Effect) -> Option<Msg> {
        match effect {
            Effect::SaveDraft(mut draft) => {
                // The draft belongs to this session: no other instance offers, restores or deletes it.
                draft.owner = Some(crate::store::os::this_process().clone());
                let saved = self.store.save_draft(&draft);
                self.draft_problem = saved.as_ref().err().map(StoreError::reason);
                Some(Msg::DraftSaved(saved))
            }
            Effect::DiscardDraft(id) => self.store.discard_draft(&id).err().map(Msg::DraftNotDiscarded),
            Effect::SaveRecord(record) => Some(Msg::RecordSaved(self.save_record(content, *record).map(Box::new))),
            Effect::OpenDraft(id, view_only) => {
                Some(Msg::DraftOpened(self.open_draft(content, &id, view_only), view_only))
            }
            Effect::OpenRecord(id) => Some(Msg::RecordOpened(self.open_record(content, &id))),
            Effect::BeginAmend(id) => Some(Msg::AmendGranted(self.lock(&id))),
            Effect::SaveAttempt(attempt) => {
                Some(Msg::AttemptsLoaded(self.store.save_attempt(&attempt).map(|()| self.store.attempts().attempts)))
            }
            Effect::SaveUnfinished(attempt) => {
                Some(Msg::UnfinishedFound(self.store.save_unfinished(&attempt).map(|()| self.store.unfinished())))
            }
            Effect::DiscardUnfinished(id) => {
                Some(Msg::UnfinishedFound(self.store.discard_unfinished(&id).map(|()| self.store.unfinished())))
            }
            Effect::ReleaseRecord => {
                self.release_editing();
                None
            }
            Effect::ListRecords => Some(Msg::RecordsListed(self.store.list(content).map(|l| l.records))),
            Effect::ShowRecord(id) => Some(Msg::RecordShown(match self.store.load(&id, content) {
                Ok(Decoded::Current(record)) => {
                    Ok(crate::cli::record_text(content, &record).lines().map(str::to_owned).collect())
                }
                Ok(Decoded::Newer { .. }) => Err(StoreError::ReadOnly(id)),
                Err(e) => Err(e),
            })),
            Effect::Quit => None,
        }
    }

    /// The visit a follow-up follows, if its record still loads.
    fn previous_visit(&self, content: &Content, id: &str) -> Option<PreviousVisit> {
        match self.store.load(id, content) {
            Ok(Decoded::Current(record)) => Some(PreviousVisit::of(&record)),
            _ => None,
        }
    }

    /// Load a draft with the record it edits (locked here, unless only viewed) and, for a
    /// follow-up, the visit it follows.
    fn open_draft(&mut self, content: &Content, id: &str, view_only: bool) -> Result<Box<OpenedDraft>, StoreError> {
        // Restoring makes this session the draft's owner (refused while another window on this
        // computer has it); viewing only reads it.
        let mut draft = if view_only { self.store.load_draft(id)? } else { self.store.claim_draft(id)? };
        if draft.record_id.is_none()
            && let Some(record_id) = self.store.draft_record_id(&draft)
        {
            // A new intake's draft whose record was saved (the app was killed before the draft
            // was removed): it edits that record, based on "before its first save", so saving it
            // updates that record with the conflict check, never makes a second one.
            draft.record_id = Some(record_id);
            draft.base_revision = Some(0);
        }
        let record = match &draft.record_id {
            Some(record_id) if view_only => match self.store.load(record_id, content)? {
                Decoded::Current(record) => Some(OpenedRecord { record: *record, locked_by: None, previous: None }),
                Decoded::Newer { .. } => return Err(StoreError::ReadOnly(record_id.clone())),
            },
            Some(record_id) => Some(*self.open_record(content, record_id)?),
            None => None,
        };
        let previous = draft.follow_up_of.as_deref().and_then(|id| self.previous_visit(content, id));
        Ok(Box::new(OpenedDraft { draft, record, previous }))
    }

    /// Take (or keep) the editing lock of a record.
    fn lock(&mut self, id: &str) -> Result<(), StoreError> {
        if self.editing.as_ref().is_some_and(|e| e.id == id) {
            return Ok(());
        }
        match self.store.edit(id, &Holder::this_process(Utc::now()))? {
            Ok(editing) => {
                self.hold(editing);
                Ok(())
            }
            Err(holder) => {
                let who = holder.map(|h| h.describe()).unwrap_or_else(|| "another program".into());
                Err(StoreError::NotSaved(format!("the record is open for editing by {who}")))
            }
        }
    }

    /// Load a record to open in the wizard: in progress, it is locked for editing here unless
    /// someone else has it; completed, it opens read-only (amending takes the lock later).
    fn open_record(&mut self, content: &Content, id: &str) -> Result<Box<OpenedRecord>, StoreError> {
        let record = match self.store.load(id, content)? {
            Decoded::Current(record) => *record,
            Decoded::Newer { .. } => return Err(StoreError::ReadOnly(id.to_owned())),
        };
        self.release_editing();
        let mut locked_by = None;
        if !record.status.is_final() {
            match self.store.edit(id, &Holder::this_process(Utc::now()))? {
                Ok(editing) => self.hold(editing),
                Err(holder) => {
                    locked_by = Some(holder.map(|h| h.describe()).unwrap_or_else(|| "another program".into()))
                }
            }
        }
        let previous = record.follow_up_of.as_deref().and_then(|id| self.previous_visit(content, id));
        Ok(Box::new(OpenedRecord { record, locked_by, previous }))
    }

    /// Remove the open intake's draft once its record is durable (record first, then draft: a
    /// kill in between leaves a draft that recovery recognises as already saved).
    fn discard_session_draft(&self) {
        if let Some(id) = &self.session_draft {
            let _ = self.store.discard_draft(id);
        }
    }

    fn save_record(&mut self, content: &Content, record: Record) -> Result<Record, StoreError> {
        if record.revision == 1 {
            self.store.create(&record)?;
            self.discard_session_draft();
            // Hold the lock from now on, so a second instance opens it read-only.
            if let Ok(Ok(editing)) = self.store.edit(&record.id, &Holder::this_process(Utc::now())) {
                self.hold(editing);
            }
            return Ok(record);
        }
        // The lock of this record (held since it was opened, or taken now: `lock` keeps it).
        self.lock(&record.id)?;
        let Some(editing) = self.editing.take() else {
            return Err(StoreError::NotSaved("the record's lock was lost".into()));
        };
        let result = self.store.save(&editing, &record, content);
        self.editing = Some(editing);
        if result.is_ok() {
            self.discard_session_draft();
        }
        result.map(|()| record)
    }
}

/// Read terminal input on its own thread, so the loop can also wake for signals and autosave.
pub fn spawn_input_thread(sender: std::sync::mpsc::Sender<Wake>) {
    std::thread::spawn(move || {
        loop {
            match ratatui::crossterm::event::read() {
                Ok(event) => {
                    if sender.send(Wake::Input(event)).is_err() {
                        return;
                    }
                }
                Err(_) => {
                    let _ = sender.send(Wake::TerminalLost);
                    return;
                }
            }
        }
    });
}

/// SIGTERM, SIGHUP and SIGINT flush the draft, restore the terminal and exit.
pub fn spawn_signal_thread(sender: std::sync::mpsc::Sender<Wake>) -> std::io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT])?;
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            let _ = sender.send(Wake::Signal(signal));
        }
    });
    Ok(())
}

/// crossterm 0.29 spins at full CPU once its tty is gone and its read never returns, so a
/// separate thread watches the terminal and wakes the loop to flush the draft and exit. It waits
/// in poll(2) for the hang-up (reported at once, even with SIGHUP ignored or blocked, and without
/// a busy loop), and checks every 2 s that the terminal can still be opened.
pub fn spawn_tty_watchdog(sender: std::sync::mpsc::Sender<Wake>) {
    std::thread::spawn(move || {
        let tty = std::fs::File::open("/dev/tty").ok();
        loop {
            match &tty {
                Some(tty) if hung_up(tty, 2000) => break,
                Some(_) => {}
                None => std::thread::sleep(Duration::from_secs(2)),
            }
            if std::fs::File::open("/dev/tty").is_err() {
                break;
            }
        }
        let _ = sender.send(Wake::TerminalLost);
    });
}

/// Wait up to `millis` for the terminal to hang up.
fn hung_up(tty: &std::fs::File, millis: i32) -> bool {
    use std::os::fd::AsRawFd;
    let mut poll = libc::pollfd { fd: tty.as_raw_fd(), events: 0, revents: 0 };
    // SAFETY: one valid pollfd for the duration of the call.
    let ready = unsafe { libc::poll(&mut poll, 1, millis) };
    ready > 0 && poll.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0
}

/// Pasted text without control characters (ESC, NUL, …), which must never reach a record, a
/// terminal or an export: line breaks are kept (one-line fields turn them into spaces), tabs
/// become spaces.
pub fn without_controls(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            '\n' | '\r' => Some(c),
            '\t' => Some(' '),
            c if crate::domain::answers::is_refused_control(c, false) => None,
            c => Some(c),
        })
        .collect()
}
