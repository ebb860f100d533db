//! Records and drafts of the wizard: saving (Ctrl-S, F10, the amendment), what a save brings
//! back, opening a draft or a record into a session, and starting a follow-up visit.

use super::{OpenedDraft, OpenedRecord, PreviousVisit, Session, completed_banner, practice};
use crate::record::{Record, Revision, Status};
use crate::store::StoreError;
use crate::tui::app::{Dialog, Effect, Shared, WhoWhy};
use crate::tui::form::Form;
use crate::tui::keymap::{Action, Context, key_for};
use crate::words::short_id;

/// Ctrl-S (`complete` false) or F10 (`complete` true): the record to save, or why not.
pub fn record_effect(session: &mut Session, shared: &mut Shared, complete: bool) -> Vec<Effect> {
    if session.attempt.is_some() {
        // Practice never writes a patient record: F10 grades, Ctrl-S has nothing to save.
        if complete {
            return practice::grade_attempt(session, shared);
        }
        shared.tell(practice::nothing_to_save());
        return Vec::new();
    }
    let content = shared.content;
    if let Some(why) = &session.read_only {
        shared.warn(format!("Not saved: {why}"));
        return Vec::new();
    }
    let problems = session.form.problem_count();
    if problems > 0 {
        shared.warn(format!("Not saved: {problems} answer(s) need attention (marked !)"));
        return Vec::new();
    }
    let answers = &session.form.answers;
    session.attestations.prune(content, answers);
    if complete && !session.gate_missing(content).is_empty() {
        shared.dialog = Some(Dialog::Gate { cursor: 0 });
        return Vec::new();
    }
    let record = match &session.record {
        None => {
            let status = if complete { Status::Completed } else { Status::InProgress };
            // The record takes its draft's id, so a draft left by a kill right after the save is
            // recognised as this record's, never saved again as a second one.
            let mut record = Record::new(content, session.draft_id.clone(), answers, status, shared.now);
            record.follow_up_of = session.previous.as_ref().map(|p| p.record_id.clone());
            record
        }
        Some(previous) if previous.status.is_final() => match &session.amendment {
            Some((by, reason)) => previous.revise(
                content,
                answers,
                Revision::Amend { by: by.clone(), reason: reason.clone() },
                shared.now,
            ),
            None => {
                let amend = key_for(Action::Amend, Context::ReadOnly);
                shared.warn(format!("This record is completed: {amend} amends it (asks who and why)"));
                return Vec::new();
            }
        },
        Some(previous) => {
            let change = if complete { Revision::Complete } else { Revision::Draft };
            previous.revise(content, answers, change, shared.now)
        }
    };
    let mut record = record;
    record.attestations = session.attestations.clone();
    vec![Effect::SaveRecord(Box::new(record))]
}

/// The record is durable: the draft goes, and a completed or amended record turns read-only.
pub fn saved(session: &mut Session, shared: &mut Shared, record: Record) -> Vec<Effect> {
    let mut effects = Vec::new();
    shared.tell(format!(
        "Saved: record {} revision {} ({})",
        short_id(&record.id),
        record.revision,
        record.status.code().replace('_', " ")
    ));
    let amended = session.amendment.is_some() && record.status.is_final();
    let completed = session.amendment.is_none() && record.status.is_final();
    session.record = Some(record);
    session.unsaved = false;
    session.draft_pending = None;
    effects.push(Effect::DiscardDraft(session.draft_id.clone()));
    if amended {
        // The amendment is written; the record is closed again until the next one.
        session.amendment = None;
        session.read_only = Some(completed_banner());
        effects.push(Effect::ReleaseRecord);
    }
    if completed {
        // Completed means read-only at once: changes from now on are amendments.
        session.read_only = Some(completed_banner());
        session.completed_here = true;
        session.flag_focus = None;
        effects.push(Effect::ReleaseRecord);
        if let Some((text, _)) = shared.status.as_mut() {
            text.push_str(&format!(": read-only now, {} amends", key_for(Action::Amend, Context::ReadOnly)));
        }
    }
    effects
}

/// A draft read back: its session, editable or read-only, with the status line saying which.
pub fn from_draft(shared: &mut Shared, opened: OpenedDraft, view_only: bool) -> Session {
    let OpenedDraft { draft, record, previous } = opened;
    let content = shared.content;
    let mut form = Form::from_answers(content, &draft.answers, shared.today);
    if let Some(section) = &draft.section {
        form.section = content.questionnaire.sections.iter().position(|s| &s.id == section).unwrap_or(0);
    }
    let (record, locked_by) = match record {
        Some(opened) => (Some(opened.record), opened.locked_by),
        None => (None, None),
    };
    // Saving the draft over a record that moved on would hide someone's changes: say so.
    let moved_on = record.as_ref().is_some_and(|r| draft.base_revision.is_some_and(|b| b != r.revision));
    let completed = record.as_ref().is_some_and(|r| r.status.is_final());
    let (summary, amend) = (key_for(Action::Summary, Context::ReadOnly), key_for(Action::Amend, Context::ReadOnly));
    shared.status = Some(match (view_only, &locked_by, moved_on, completed) {
        (true, ..) => ("Viewing a recovered draft (nothing changes)".into(), false),
        (false, Some(_), ..) => ("Draft restored read-only: someone else has the record open".into(), true),
        (false, None, true, _) => {
            (format!("Draft restored, but the record was saved again since: compare before saving ({summary})"), true)
        }
        (false, None, false, true) => {
            (format!("Draft restored: changes to a completed record; {amend} amends it with them"), false)
        }
        (false, None, false, false) => ("Draft restored: check the answers, then save".into(), false),
    });
    let close = key_for(Action::Quit, Context::ReadOnly);
    let mut session = Session::new(form, draft.id.clone(), record);
    session.previous = previous;
    session.attestations = draft.attestations.clone();
    session.read_only = match (view_only, locked_by, completed) {
        (true, ..) => Some(format!("viewing a recovered draft; {close} goes back, and Resume on Home edits it")),
        (false, Some(who), _) => Some(format!("open for editing by {who} · {close} closes")),
        (false, None, true) => Some(completed_banner()),
        (false, None, false) => None,
    };
    session.unsaved = !view_only;
    session.refresh_view(content);
    session
}

/// A record read back from the records browser: read-only unless it is in progress and ours.
pub fn from_record(shared: &mut Shared, opened: OpenedRecord) -> (Session, Vec<Effect>) {
    let OpenedRecord { record, locked_by, previous } = opened;
    let content = shared.content;
    let form = Form::from_answers(content, &record.answers, shared.today);
    let recheck = record.recheck(content);
    let tampered = recheck.as_ref().is_some_and(crate::gate::Recheck::is_integrity_problem);
    let notice = recheck.as_ref().and_then(crate::gate::Recheck::words).map(|words| (words, tampered));
    let (close, follow_up) = (key_for(Action::Quit, Context::ReadOnly), key_for(Action::FollowUp, Context::ReadOnly));
    let read_only = match (&locked_by, record.status.is_final()) {
        // Nothing is silently trusted: a result that does not match its answers is shown, never
        // edited or saved over.
        _ if tampered => Some(format!("the stored result does not match its answers · {close} closes")),
        (Some(who), _) => Some(format!("open for editing by {who} · {follow_up} starts a follow-up · {close} closes")),
        (None, true) => Some(completed_banner()),
        (None, false) => None,
    };
    shared.tell(format!(
        "Opened record {} revision {} ({})",
        short_id(&record.id),
        record.revision,
        record.status.code().replace('_', " ")
    ));
    // Without an id of its own, the opened record is read-only: there is no draft to keep changes.
    let draft_id = shared.next_id();
    let attestations = record.attestations.clone();
    let read_only = match (draft_id.is_none(), read_only) {
        (true, None) => Some("no id for a draft could be made: opened read-only".to_owned()),
        (_, read_only) => read_only,
    };
    let mut session = Session::new(form, draft_id.unwrap_or_default(), Some(record));
    session.read_only = read_only;
    session.previous = previous;
    session.attestations = attestations;
    session.recheck_notice = notice;
    session.refresh_view(content);
    if tampered {
        shared.warn("Integrity problem: opened read-only; the file is left as it is");
        return (session, vec![Effect::ReleaseRecord]);
    }
    (session, Vec::new())
}

/// F5: amend the open completed record, after saying who and why.
pub fn begin_amend(session: &Session, shared: &mut Shared) {
    let save = key_for(Action::Save, Context::Form { text: false });
    let why_not = match &session.record {
        _ if session.amendment.is_some() => Some(format!("an amendment is already open: {save} saves it")),
        None => Some("only a saved, completed record is amended".to_owned()),
        Some(record) if !record.status.is_final() => Some("this record is still in progress: edit it and save".into()),
        Some(_) => None,
    };
    match why_not {
        Some(why) => shared.warn(format!("Nothing to amend: {why}")),
        None => shared.dialog = Some(Dialog::Amend(WhoWhy::new(shared.user.clone(), String::new()))),
    }
}

/// The lock for the amendment came back: editable now, or why not.
pub fn amend_granted(session: &mut Session, shared: &mut Shared, granted: Result<(), StoreError>) {
    match granted {
        Ok(()) => {
            if let Some((by, _)) = &session.amendment {
                session.read_only = None;
                let next = session.record.as_ref().map_or(0, |r| r.revision + 1);
                let save = key_for(Action::Save, Context::Form { text: false });
                shared.tell(format!("Amending as {by}: {save} saves revision {next} with your reason"));
            }
        }
        Err(why) => {
            session.amendment = None;
            shared.warn(format!("Cannot amend: {}", why.reason()));
        }
    }
}

/// F6: a new visit for the same patient: the story carried over for review, the safety screen,
/// red flags, consent and today's measures asked again, and changes since the last visit shown.
pub fn start_follow_up(session: &mut Session, shared: &mut Shared) -> Vec<Effect> {
    let content = shared.content;
    let save = key_for(Action::Save, Context::Form { text: false });
    let Some(record) = &session.record else {
        shared.warn(format!("Save this visit first ({save}): a follow-up starts from a saved record"));
        return Vec::new();
    };
    if session.unsaved && session.read_only.is_none() {
        shared.warn(format!("Save this visit first ({save}), then start the follow-up"));
        return Vec::new();
    }
    let previous = PreviousVisit::of(record);
    let answers = crate::follow_up::carried_answers(content, &record.answers, shared.today);
    let form = Form::from_answers(content, &answers, shared.today);
    let Some(id) = shared.next_id() else { return Vec::new() };
    let mut next = Session::new(form, id, None);
    next.previous = Some(previous);
    next.mark_changed(shared.now);
    next.refresh_view(content);
    shared.tell("Follow-up visit: review what carried over; the safety screen, red flags and consent are asked again");
    let mut effects = vec![Effect::ReleaseRecord];
    effects.extend(next.draft_effect(shared));
    *session = next;
    effects
}
