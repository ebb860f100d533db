//! A practice attempt in the wizard: the flags, the verdict and the recommendation stay hidden
//! until a hint (each showing counted); F10 grades, and nothing but the graded attempt is saved.

use super::Session;
use crate::practice::Attempt;
use crate::tui::app::{Dialog, Effect, Shared};
use crate::tui::keymap::{Action, Context, key_for};
use crate::tui::screens::Screen;
use crate::tui::screens::cases::CaseList;

/// The keys an attempt answers differently; None: the wizard's own meaning.
pub fn on_key(session: &mut Session, shared: &mut Shared, action: Option<Action>) -> Option<Vec<Effect>> {
    let hint = key_for(Action::Hint, Context::Attempt);
    match action {
        Some(Action::Save) => shared.tell(nothing_to_save()),
        Some(Action::Complete) => return Some(grade_attempt(session, shared)),
        Some(Action::Hint) => toggle_hint(session, shared),
        Some(Action::FocusFlags) if session.flags_hidden() => {
            shared.tell(format!("The flags are hidden in practice: {hint} shows them (counted as a hint)"));
        }
        // The summary would show the hidden flags and verdict: it opens once a hint shows them.
        Some(Action::Summary) if session.flags_hidden() => {
            let summary = key_for(Action::Summary, Context::Form { text: false });
            shared.tell(format!("The summary shows the flags: take a hint first ({hint}, counted), then {summary}"));
        }
        Some(Action::Amend | Action::FollowUp) => {}
        _ => return None,
    }
    Some(Vec::new())
}

/// Ctrl-S in an attempt: what is saved instead.
pub fn nothing_to_save() -> String {
    format!("Practice: {} grades the attempt and saves it with its score", key_for(Action::Complete, Context::Attempt))
}

/// F4: show the flags (counted as a hint) or hide them again.
pub fn toggle_hint(session: &mut Session, shared: &mut Shared) {
    let Some(attempt) = session.attempt.as_mut() else { return };
    let key = key_for(Action::Hint, Context::Attempt);
    attempt.showing_flags = !attempt.showing_flags;
    if attempt.showing_flags {
        attempt.hints += 1;
        shared.tell(format!("Hint {}: the flags are shown ({key} hides them again)", attempt.hints));
    } else {
        shared.tell("The flags are hidden again; the story is back");
        session.flag_focus = None;
    }
}

/// Back to the case list, on the case left.
fn back_to_cases(session: &Session, shared: &mut Shared) {
    let cursor = session.attempt.as_ref().map_or(0, |a| a.case);
    shared.go_to = Some(Screen::Practice(CaseList { cursor }));
}

/// Back to the case list without grading; nothing is saved.
pub fn leave_attempt(session: &mut Session, shared: &mut Shared) {
    back_to_cases(session, shared);
    shared.tell("Attempt left without grading; nothing saved");
}

/// F10 in practice: grade the answers against the case, show the result, save the attempt.
pub fn grade_attempt(session: &mut Session, shared: &mut Shared) -> Vec<Effect> {
    let content = shared.content;
    let problems = session.form.problem_count();
    if problems > 0 {
        shared.warn(format!("Not graded: {problems} answer(s) need attention (marked !)"));
        return Vec::new();
    }
    let Some(attempt) = session.attempt.clone() else { return Vec::new() };
    let Some(case) = shared.practice.as_ref().and_then(|p| p.cases.cases.get(attempt.case)) else {
        return Vec::new();
    };
    let answers = &session.form.answers;
    let grade = match crate::practice::grade(content, case, answers, attempt.hints) {
        Ok(grade) => grade,
        Err(why) => {
            shared.warn(why);
            return Vec::new();
        }
    };
    let lines = crate::practice::render_grade(case, &grade).lines().map(str::to_owned).collect();
    let title = format!("Practice result: {}", if grade.passed { "passed" } else { "not passed" });
    let student = shared.practice.as_ref().and_then(|p| p.student.clone());
    let Some(id) = shared.next_id() else { return Vec::new() };
    let record = Attempt::new(
        id,
        grade,
        answers.to_json(&content.questionnaire, &content.regions),
        attempt.started_at,
        shared.now,
    )
    .with_student(student.as_deref());
    back_to_cases(session, shared);
    shared.dialog = Some(Dialog::Text { title, lines, scroll: 0 });
    vec![Effect::SaveAttempt(Box::new(record))]
}
