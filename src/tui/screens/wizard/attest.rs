//! What the clinician attests beside the answers: acknowledging a referral banner, marking a
//! screening question not asked (with why), overriding the verdict (who, why), and going to
//! what the completion gate says is missing.

use super::Session;
use crate::gate::{Acknowledgement, Missing, NotAsked, Override};
use crate::tui::app::{Dialog, Shared, WhoWhy};
use crate::tui::dialogs::not_asked::NotAskedDialog;
use crate::tui::keymap::{Action, Context, key_for};

/// Ctrl-A: every emergency or urgent banner showing is acknowledged by the visit's clinician,
/// now, and kept with the record. A flag that fires later needs its own.
pub fn acknowledge(session: &mut Session, shared: &mut Shared) {
    let content = shared.content;
    let banner = session.banner_flags(content);
    if banner.is_empty() {
        return;
    }
    if session.read_only.is_some() {
        shared.warn("Read-only: nothing is acknowledged here");
        return;
    }
    let by = session.clinician(shared);
    if by.is_empty() {
        shared.warn("Who acknowledges? Enter the clinician's name (Patient and visit) first");
        return;
    }
    let now = shared.now;
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
    session.mark_changed(now);
    shared.tell(format!("Acknowledged by {by} at {} UTC: kept with the record", now.format("%H:%M")));
}

/// Ctrl-N on an unanswered safety-screen or red-flag question: say why it was not asked (or, on
/// one already marked, take the mark away).
pub fn begin_not_asked(session: &mut Session, shared: &mut Shared) {
    let content = shared.content;
    if session.read_only.is_some() {
        return;
    }
    let Some(id) = session.form.focused_item(content) else { return };
    let item = content.questionnaire.item(id);
    let section = &content.questionnaire.section_of(id).id;
    if !crate::gate::SCREENING_SECTIONS.contains(&section.as_str()) {
        shared.warn("Only safety-screen and red-flag questions are marked not asked");
        return;
    }
    if session.form.answers.get(id).is_some() {
        let clear = key_for(Action::Clear, Context::Form { text: false });
        shared.warn(format!("This question has an answer: clear it first ({clear}) to mark it not asked"));
        return;
    }
    if session.attestations.not_asked.remove(&item.id).is_some() {
        shared.tell(format!("{}: no longer marked not asked", item.label));
        session.mark_changed(shared.now);
        return;
    }
    shared.dialog = Some(Dialog::NotAsked(NotAskedDialog::new(item.id.clone())));
}

/// The not-asked dialog was confirmed: keep the mark.
pub fn keep_not_asked(session: &mut Session, shared: &mut Shared, item: String, mark: NotAsked) {
    let questionnaire = &shared.content.questionnaire;
    let label = questionnaire.id(&item).map(|id| questionnaire.item(id).label.clone()).unwrap_or_default();
    shared.tell(format!("{label}: {}", mark.words()));
    session.attestations.not_asked.insert(item, mark);
    session.mark_changed(shared.now);
}

/// Ctrl-O: document a decision that goes against the verdict (who, why).
pub fn begin_override(session: &Session, shared: &mut Shared) {
    let content = shared.content;
    if session.read_only.is_some() {
        return;
    }
    let verdict = session.form.assessment.verdict;
    let departs = crate::gate::decision_code(content, &session.form.answers)
        .is_some_and(|d| crate::gate::departs_from_verdict(d, verdict.massage, verdict.referral));
    if !departs {
        shared.warn("The decision does not go against the verdict: nothing to override");
        return;
    }
    let why = session.attestations.override_.as_ref().map(|o| o.why.clone()).unwrap_or_default();
    let by = session.clinician(shared);
    let mut dialog = WhoWhy::new(by.clone(), why);
    if !by.is_empty() {
        dialog.field = 1;
    }
    shared.dialog = Some(Dialog::Override(dialog));
}

/// The override dialog was confirmed: keep who decided and why, with the verdict it goes against.
pub fn keep_override(session: &mut Session, shared: &mut Shared, by: String, why: String) {
    let content = shared.content;
    let verdict = session.form.assessment.verdict;
    let decision = crate::gate::decision_code(content, &session.form.answers).unwrap_or_default().to_owned();
    shared.tell(format!("Override by {by} recorded: kept with the record"));
    session.attestations.override_ = Some(Override {
        by,
        why,
        at: shared.now,
        decision,
        verdict_massage: verdict.massage_code().to_owned(),
        verdict_referral: verdict.referral_code().to_owned(),
    });
    session.mark_changed(shared.now);
}

/// Go to what a gate line is about: its item in the form, its flag in the panel, or the
/// decision (opening the override dialog when one is needed).
pub fn jump_to(session: &mut Session, shared: &mut Shared, missing: &Missing) {
    let content = shared.content;
    if let Missing::Unacknowledged { flag, .. } = missing {
        let index = session.form.assessment.flags.iter().position(|f| &content.rulebook.rule(f.rule).id == flag);
        session.flag_focus = index.or(Some(0));
        shared.tell(format!("{} acknowledges the referral banner", key_for(Action::Acknowledge, Context::Flags)));
        return;
    }
    let Some(id) = missing.item().and_then(|item| content.questionnaire.id(item)) else { return };
    let Some(section) = content.questionnaire.sections.iter().position(|s| s.items.contains(&id)) else { return };
    session.flag_focus = None;
    session.form.section = section;
    session.form.focus = session.form.visible_items(content).iter().position(|i| *i == id).unwrap_or(0);
    if matches!(missing, Missing::OverrideNeeded { .. }) {
        begin_override(session, shared);
    }
}
