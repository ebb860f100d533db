//! A practice attempt in the wizard: the flags, the verdict and the recommendation stay hidden
//! until a hint (each showing counted); F10 grades, and nothing but the graded attempt is saved.

use super::Session;
use crate::practice::Attempt;
use crate::store::practice::{UNFINISHED_FORMAT, Unfinished};
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
        // Where the flags would be is the story: F2 opens all of it, to read and scroll.
        Some(Action::FocusFlags) if session.flags_hidden() => {
            let case = session.attempt.as_ref().and_then(|a| shared.practice.as_ref()?.cases.cases.get(a.case));
            if let Some(case) = case {
                let mut lines = vec![case.title.clone(), String::new()];
                lines.extend(case.vignette.lines().map(str::to_owned));
                lines.push(String::new());
                lines.push(format!("The flags are hidden: find them. {hint} shows them (counted as a hint)."));
                shared.dialog = Some(Dialog::Text { title: "The patient's story".into(), lines, scroll: 0 });
            }
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

/// Back to the case list without grading: the attempt is thrown away.
pub fn leave_attempt(session: &mut Session, shared: &mut Shared) -> Vec<Effect> {
    back_to_cases(session, shared);
    shared.tell("Attempt left without grading; nothing kept");
    vec![Effect::DiscardUnfinished(session.draft_id.clone())]
}

/// Back to the case list with the attempt kept as it is (answers, section, hints): Enter on the
/// case resumes it.
pub fn pause_attempt(session: &mut Session, shared: &mut Shared) -> Vec<Effect> {
    let saved = unfinished(session, shared).map(|a| Effect::SaveUnfinished(Box::new(a)));
    back_to_cases(session, shared);
    let enter = key_for(Action::Confirm, Context::Practice);
    shared.tell(format!("Paused: {enter} on the case resumes it where you left it"));
    saved.into_iter().collect()
}

/// Ctrl-Q with nothing changed: back to the cases (a resumed attempt stays paused).
pub fn step_away(session: &mut Session, shared: &mut Shared) -> Vec<Effect> {
    if session.attempt.as_ref().is_some_and(|a| a.resumed) {
        back_to_cases(session, shared);
        shared.tell("Back to the cases; the attempt stays paused");
        return Vec::new();
    }
    leave_attempt(session, shared)
}

/// The attempt as it stands, to keep until it is graded.
pub fn unfinished(session: &Session, shared: &Shared) -> Option<Unfinished> {
    let attempt = session.attempt.as_ref()?;
    let practice = shared.practice.as_ref()?;
    let case = practice.cases.cases.get(attempt.case)?;
    let content = shared.content;
    Some(Unfinished {
        format: UNFINISHED_FORMAT.to_owned(),
        id: session.draft_id.clone(),
        case: case.id.clone(),
        started_at: attempt.started_at,
        saved_at: shared.now,
        answers: session.form.draft_answers(content),
        section: content.questionnaire.sections.get(session.form.section).map(|s| s.id.clone()),
        hints_used: attempt.hints,
        student: practice.student.clone(),
    })
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
    // Graded: the attempt is an attempt now, no longer an unfinished one.
    vec![Effect::SaveAttempt(Box::new(record)), Effect::DiscardUnfinished(session.draft_id.clone())]
}
