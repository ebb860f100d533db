//! The wizard's keys: moving between questions and sections, answering, and the commands
//! (save, complete, flags, summary, amend, follow-up, acknowledge, not asked, override, hint).

use super::{Session, attest, practice, saving};
use crate::domain::ItemType;
use crate::tui::app::{Dialog, Effect, Question, Shared};
use crate::tui::body_chart;
use crate::tui::form::Field;
use crate::tui::keymap::{Action, Context, key_for};
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use tui_input::backend::crossterm::EventHandler;

pub fn on_key(session: &mut Session, shared: &mut Shared, action: Option<Action>, key: KeyEvent) -> Vec<Effect> {
    let content = shared.content;
    if let Some(flag) = session.flag_focus {
        let count = session.form.assessment.flags.len();
        match action {
            Some(Action::Up) => session.flag_focus = Some(flag.saturating_sub(1)),
            Some(Action::Down) => session.flag_focus = Some((flag + 1).min(count.saturating_sub(1))),
            Some(Action::Confirm) if count > 0 => shared.dialog = Some(Dialog::FlagDetail { flag, scroll: 0 }),
            Some(Action::Back | Action::FocusFlags) => session.flag_focus = None,
            Some(Action::Save) => return saving::record_effect(session, shared, false),
            Some(Action::Complete) => return saving::record_effect(session, shared, true),
            Some(Action::Acknowledge) => attest::acknowledge(session, shared),
            Some(Action::Hint) => practice::toggle_hint(session, shared),
            _ => {}
        }
        return Vec::new();
    }
    if session.attempt.is_some()
        && let Some(effects) = practice::on_key(session, shared, action)
    {
        return effects;
    }
    match action {
        Some(Action::Save) => return saving::record_effect(session, shared, false),
        Some(Action::Complete) => return saving::record_effect(session, shared, true),
        Some(Action::Amend) => {
            saving::begin_amend(session, shared);
            return Vec::new();
        }
        Some(Action::FollowUp) => return saving::start_follow_up(session, shared),
        Some(Action::FocusFlags) => {
            session.flag_focus = Some(0);
            return Vec::new();
        }
        Some(Action::Acknowledge) => {
            attest::acknowledge(session, shared);
            return Vec::new();
        }
        Some(Action::NotAsked) => {
            attest::begin_not_asked(session, shared);
            return Vec::new();
        }
        Some(Action::Override) => {
            attest::begin_override(session, shared);
            return Vec::new();
        }
        Some(Action::Summary) => {
            shared.dialog = Some(Dialog::summary(session, shared.content));
            return Vec::new();
        }
        Some(Action::NextSection) => return change_section(session, shared, 1),
        Some(Action::PrevSection) => return change_section(session, shared, -1),
        _ => {}
    }

    let Some(item_id) = session.form.focused_item(content) else {
        return Vec::new();
    };
    let read_only = session.read_only.is_some();
    let field = &mut session.form.fields[item_id.index()];

    // Notes take Enter and the arrows as text editing; Tab leaves them.
    if matches!(field, Field::Notes(_))
        && !read_only
        && matches!(key.code, KeyCode::Enter | KeyCode::Up | KeyCode::Down | KeyCode::Left | KeyCode::Right)
        && key.modifiers == KeyModifiers::NONE
    {
        if let Field::Notes(area) = field {
            area.input(key);
        }
        return changed(session, shared);
    }

    match action {
        Some(Action::NextField) => return move_focus(session, shared, 1),
        Some(Action::PrevField) => return move_focus(session, shared, -1),
        Some(Action::Back) => return Vec::new(),
        _ => {}
    }
    if read_only {
        return Vec::new();
    }

    let item = content.questionnaire.item(item_id);
    let last_option = item.options.len().saturating_sub(1) as u16;
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
        (Field::Choice { cursor, .. } | Field::Multi { cursor, .. }, Some(Action::Up)) => {
            *cursor = cursor.saturating_sub(1);
            false
        }
        (Field::Choice { cursor, .. } | Field::Multi { cursor, .. }, Some(Action::Down)) => {
            *cursor = (*cursor + 1).min(last_option);
            false
        }
        // Space chooses; on the chosen option it keeps it (Delete clears), so a second press
        // never silently takes an answer away.
        (Field::Choice { value, cursor }, Some(Action::Toggle)) => {
            let changed = *value != Some(*cursor);
            *value = Some(*cursor);
            changed
        }
        (Field::Choice { value, .. }, Some(Action::Clear)) => value.take().is_some(),
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
            *input = tui_input::Input::new(shared.today.format("%Y-%m-%d").to_string());
            true
        }
        (Field::Line(input), _) => {
            let accepted = match (item.kind, key.code) {
                // Numbers and dates take only what can be part of one; anything else is ignored
                // rather than typed, so a stray letter never hides in a number.
                (ItemType::Int | ItemType::Date, KeyCode::Char(c)) => c.is_ascii_digit() || c == '-',
                _ => true,
            };
            accepted && input.handle_event(&Event::Key(key)).is_some_and(|r| r.value)
        }
        (Field::Notes(area), _) => area.input(key),
        _ => false,
    };
    if edited { changed(session, shared) } else { Vec::new() }
}

/// Ctrl-Q in the wizard: close a read-only view, leave an attempt, or ask before losing work.
/// None: nothing stands in the way of quitting the app.
pub fn on_quit(session: &mut Session, shared: &mut Shared) -> Option<Vec<Effect>> {
    if session.attempt.is_some() {
        // Leaving an attempt goes back to the cases; with answers given, ask first.
        if session.unsaved {
            shared.dialog = Some(Dialog::Ask { question: Question::LeaveAttempt, button: 0 });
            return Some(Vec::new());
        }
        return Some(practice::step_away(session, shared));
    }
    // Completed here: everything is saved, so Ctrl-Q quits as it does after any save, without
    // offering a Save that would do nothing.
    if session.completed_here && session.read_only.is_some() {
        return None;
    }
    // A read-only view closes back to where it came from; nothing in it can be lost.
    if session.read_only.is_some() {
        shared.status = None;
        if session.record.is_some() {
            // Back to the list, fresh (an amendment may have changed it).
            shared.go_to = Some(crate::tui::screens::Screen::Records(crate::tui::screens::records::Records::loading()));
            return Some(vec![Effect::ReleaseRecord, Effect::ListRecords]);
        }
        shared.go_to = Some(crate::tui::screens::Screen::Home(Default::default()));
        return Some(Vec::new());
    }
    if session.unsaved {
        shared.dialog = Some(Dialog::Ask { question: Question::Quit, button: 0 });
        return Some(Vec::new());
    }
    None
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
pub fn changed(session: &mut Session, shared: &Shared) -> Vec<Effect> {
    let content = shared.content;
    session.form.refresh(content);
    session.form.clamp_focus(content);
    session.mark_changed(shared.now);
    session.refresh_view(content);
    if let Some(flag) = session.flag_focus {
        session.flag_focus = Some(flag.min(session.form.assessment.flags.len().saturating_sub(1)));
    }
    Vec::new()
}

fn move_focus(session: &mut Session, shared: &Shared, step: isize) -> Vec<Effect> {
    let content = shared.content;
    let count = session.form.visible_items(content).len();
    let next = session.form.focus as isize + step;
    if next >= count as isize {
        return change_section(session, shared, 1);
    }
    if next < 0 {
        // Back into the previous section's last question; on the very first question, stay.
        let before = session.form.section;
        let effects = change_section(session, shared, -1);
        if session.form.section != before {
            session.form.focus = session.form.visible_items(content).len().saturating_sub(1);
        }
        return effects;
    }
    session.form.focus = next as usize;
    Vec::new()
}

/// Move to another section; the draft is saved at every section change.
pub fn change_section(session: &mut Session, shared: &Shared, step: isize) -> Vec<Effect> {
    let sections = shared.content.questionnaire.sections.len();
    let next = (session.form.section as isize + step).clamp(0, sections as isize - 1) as usize;
    if next == session.form.section {
        return Vec::new();
    }
    session.form.section = next;
    session.form.focus = 0;
    if session.draft_pending.is_some() { session.draft_effect(shared).into_iter().collect() } else { Vec::new() }
}

/// Pasted text goes into the focused text field (one-line fields get it on one line).
pub fn on_paste(session: &mut Session, shared: &mut Shared, text: &str) -> Vec<Effect> {
    let content = shared.content;
    if session.read_only.is_some() || session.flag_focus.is_some() {
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
        _ => {
            let key = key_for(Action::NextField, Context::ListField);
            shared.warn(format!("Paste goes into a text field: {key} to one first"));
            return Vec::new();
        }
    }
    changed(session, shared)
}
