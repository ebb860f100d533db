//! The wizard: one intake (or practice attempt) being filled in or read, section by section,
//! with the live flag panel. `keys` answers keys, `saving` makes drafts and records and opens
//! them, `attest` holds acknowledgements, not-asked marks and overrides, `practice` the attempt,
//! `draw` and `flags` the screen.

pub mod attest;
pub mod draw;
pub mod flags;
pub mod keys;
pub mod practice;
pub mod saving;

use crate::content::Content;
use crate::follow_up::MeasureChange;
use crate::gate::{Attestations, Missing};
use crate::record::{Draft, Record};
use crate::rules::Referral;
use crate::tui::app::{Effect, Shared};
use crate::tui::form::Form;
use crate::tui::keymap::{Action, Context, key_for};
use chrono::{DateTime, Duration, Utc};
use serde_json::{Map, Value as Json};

/// The banner of a completed record opened from the records browser.
pub fn completed_banner() -> String {
    let read_only = Context::ReadOnly;
    let (amend, follow_up, close) =
        (key_for(Action::Amend, read_only), key_for(Action::FollowUp, read_only), key_for(Action::Quit, read_only));
    format!("completed · {amend} amend (who, why) · {follow_up} follow-up visit · {close} close")
}

/// A draft is saved this long after the last change...
pub const AUTOSAVE_AFTER_IDLE: Duration = Duration::milliseconds(1000);
/// ...and never later than this after the first change not yet in a draft, typing or not (the
/// README promises two seconds; this leaves room for the save itself).
pub const AUTOSAVE_AT_MOST_EVERY: Duration = Duration::milliseconds(1500);

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
    /// A practice attempt (practice mode): the case, hints, whether the flags show.
    pub attempt: Option<PracticeAttempt>,
    /// Worked out once per change, not per frame: what the screen shows of it.
    pub view: SessionView,
}

/// What the wizard draws that takes work to derive: computed after each change.
#[derive(Debug, Clone, Default)]
pub struct SessionView {
    /// Today's answers as JSON, for the follow-up comparison.
    pub answers_now: Map<String, Json>,
    /// For a follow-up: how each measure changed since the last visit.
    pub measures: Vec<MeasureChange>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PracticeAttempt {
    /// Index into the cases.
    pub case: usize,
    pub hints: u32,
    /// The flag panel is shown (the student asked for a hint); hidden otherwise.
    pub showing_flags: bool,
    pub started_at: DateTime<Utc>,
    /// Resumed from a pause: leaving without a change keeps it paused.
    pub resumed: bool,
}

/// The visit a follow-up follows.
#[derive(Debug, Clone, PartialEq)]
pub struct PreviousVisit {
    pub record_id: String,
    pub visit_date: Option<String>,
    pub answers: Map<String, Json>,
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
            attempt: None,
            view: SessionView::default(),
        }
    }

    /// Work out again what the screen shows of the answers (after a change, or on opening).
    pub fn refresh_view(&mut self, content: &Content) {
        match &self.previous {
            Some(previous) => {
                let now = self.form.draft_answers(content);
                self.view.measures = crate::follow_up::measure_changes(&previous.answers, &now);
                self.view.answers_now = now;
            }
            None => self.view = SessionView::default(),
        }
    }

    /// In practice, the flags stay hidden until the student asks for a hint.
    pub fn flags_hidden(&self) -> bool {
        self.attempt.as_ref().is_some_and(|attempt| !attempt.showing_flags)
    }

    /// Where the keyboard is in the wizard.
    pub fn context(&self, content: &Content) -> Context {
        if self.flag_focus.is_some() {
            return Context::Flags;
        }
        if self.read_only.is_some() {
            return Context::ReadOnly;
        }
        match self.form.focused_field(content) {
            Some(field) if field.is_list() => Context::ListField,
            Some(field) if field.takes_text() => Context::Form { text: true },
            _ => Context::Form { text: false },
        }
    }

    /// The title line: what is open, and the step, in at most `columns`: the step and its
    /// section are kept whole, what is open is shortened.
    pub fn title(&self, shared: &Shared, columns: usize) -> String {
        let sections = &shared.content.questionnaire.sections;
        let n = self.form.section;
        let case = self.attempt.as_ref().and_then(|a| shared.practice.as_ref()?.cases.cases.get(a.case));
        let what = match (&self.record, case) {
            // The practice banner says it is practice; the title names the case.
            (_, Some(case)) => case.title.clone(),
            (Some(record), None) => format!("{} r{}", crate::words::short_id(&record.id), record.revision),
            (None, None) => match &self.previous {
                Some(previous) => format!("Follow-up (last visit {})", previous.visit_date.as_deref().unwrap_or("?")),
                None => "New intake".into(),
            },
        };
        // The window title never carries patient data; this in-app title may, as the clinician
        // is looking at the record anyway.
        let section = sections.get(n).map_or("", |s| s.title.as_str());
        let mut step = format!("Step {}/{}: {section}", n + 1, sections.len());
        let width = crate::tui::width::width;
        if width(&what) + width(&step) + 3 > columns {
            // Short of room: the step loses its word before what is open loses characters.
            step = format!("{}/{}: {section}", n + 1, sections.len());
        }
        let room = columns.saturating_sub(width(&step) + 3);
        format!("{} · {step}", crate::tui::width::fit(&what, room.max(8)))
    }

    /// When the runner must wake to autosave, if a draft is pending.
    pub fn autosave_due(&self) -> Option<DateTime<Utc>> {
        let (first, last) = self.draft_pending?;
        Some((last + AUTOSAVE_AFTER_IDLE).min(first + AUTOSAVE_AT_MOST_EVERY))
    }

    /// The draft to save, if one is due.
    pub fn autosave_if_due(&mut self, shared: &Shared) -> Option<Effect> {
        match self.autosave_due() {
            Some(due) if due <= shared.now => self.draft_effect(shared),
            _ => None,
        }
    }

    /// The draft of the intake as it is now (none for a read-only view); for a practice attempt,
    /// the attempt as it stands, kept under practice/ (never a patient draft).
    pub fn draft_effect(&mut self, shared: &Shared) -> Option<Effect> {
        self.draft_pending = None;
        if self.attempt.is_some() {
            return practice::unfinished(self, shared).map(|a| Effect::SaveUnfinished(Box::new(a)));
        }
        if self.read_only.is_some() {
            return None;
        }
        let content = shared.content;
        let record = self.record.as_ref();
        let mut draft =
            Draft::new(self.draft_id.clone(), record.map(|r| r.id.clone()), record.map(|r| r.revision), shared.now);
        draft.section = content.questionnaire.sections.get(self.form.section).map(|s| s.id.clone());
        draft.answers = self.form.draft_answers(content);
        draft.follow_up_of = self.previous.as_ref().map(|p| p.record_id.clone());
        draft.attestations = self.attestations.clone();
        Some(Effect::SaveDraft(Box::new(draft)))
    }

    /// Something changed that the record keeps: schedule a draft.
    pub fn mark_changed(&mut self, now: DateTime<Utc>) {
        self.unsaved = true;
        self.draft_pending = Some(match self.draft_pending {
            Some((first, _)) => (first, now),
            None => (now, now),
        });
    }

    /// The unacknowledged emergency or urgent flags, for the pinned banner.
    pub fn banner_flags(&self, content: &Content) -> Vec<usize> {
        if self.flags_hidden() {
            return Vec::new(); // a banner would give the answer away
        }
        let rules = &content.rulebook;
        self.form
            .assessment
            .flags
            .iter()
            .enumerate()
            .filter(|(_, f)| {
                let rule = rules.rule(f.rule);
                matches!(rule.referral, Some(Referral::Emergency | Referral::Urgent))
                    && self.attestations.acknowledgement(&rule.id).is_none()
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// What stands between the intake and completion (empty: nothing).
    pub fn gate_missing(&self, content: &Content) -> Vec<Missing> {
        crate::gate::completion_gate(content, &self.form.answers, &self.form.assessment, &self.attestations)
    }

    /// Who acknowledges or overrides: the visit's clinician, else who is at the keyboard.
    pub fn clinician(&self, shared: &Shared) -> String {
        let questionnaire = &shared.content.questionnaire;
        questionnaire
            .id(crate::gate::CLINICIAN_ITEM)
            .and_then(|id| self.form.answers.text(id))
            .map(|name| name.trim().to_owned())
            .filter(|name| !name.is_empty())
            .unwrap_or_else(|| shared.user.trim().to_owned())
    }
}
