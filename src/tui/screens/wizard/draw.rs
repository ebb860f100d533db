//! The wizard on screen: one section of the intake, the focused question in full, every shown
//! item with its answer, the focused item's editor (options, body chart, notes) in place, and
//! the flag panel (or, in a practice attempt, the patient's story) beside it.

use super::{Session, flags};
use crate::domain::{ItemId, ItemType};
use crate::known;
use crate::tui::app::Shared;
use crate::tui::body_chart::{self, CHART_HEADER, chart_lines};
use crate::tui::form::Field;
use crate::tui::keymap::{Action, Context, key_for};
use crate::tui::scroll::window;
use crate::tui::theme::Theme;
use crate::tui::width::{fit, width, wrap};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use unicode_width::UnicodeWidthChar;

/// The form on the left, the flags (or the story) on the right.
pub fn draw(session: &Session, shared: &Shared, theme: Theme, frame: &mut Frame, body: Rect) {
    let panel_width = if body.width >= 110 { 40 } else { 30 };
    let [form_area, flag_area] = Layout::horizontal([Constraint::Min(40), Constraint::Length(panel_width)]).areas(body);
    draw_form(session, shared, theme, frame, form_area);
    if session.flags_hidden() {
        flags::story(session, shared, theme, frame, flag_area);
    } else {
        flags::panel(session, shared, theme, frame, flag_area);
    }
}

fn draw_form(session: &Session, shared: &Shared, theme: Theme, frame: &mut Frame, area: Rect) {
    let content = shared.content;
    let form = &session.form;
    let section = &content.questionnaire.sections[form.section];
    let visible = form.visible_items(content);
    let focused = visible.get(form.focus).copied();

    // The question box: the full question, and how to answer it, wrapped here so the box is as
    // tall as they are (3 to 5 rows and its border): the hint's keys are never cut off.
    let columns = area.width as usize;
    let mut question: Vec<Line> = Vec::new();
    match focused {
        Some(id) => {
            let item = content.questionnaire.item(id);
            let text = if item.required { format!("{}  (required to complete)", item.text) } else { item.text.clone() };
            question.extend(wrap(&text, columns).into_iter().map(|l| Line::styled(l, theme.heading())));
            let hint = if session.read_only.is_some() {
                "Read-only: answers cannot change here".to_owned()
            } else if crate::gate::SCREENING_SECTIONS.contains(&content.questionnaire.section_of(id).id.as_str()) {
                let key = key_for(Action::NotAsked, Context::Form { text: false });
                format!("{} · {key} not asked", answer_hint(shared, id))
            } else {
                answer_hint(shared, id)
            };
            question.extend(wrap(&hint, columns).into_iter().map(|l| Line::styled(l, theme.muted())));
        }
        None => question.extend(wrap(&section.intro, columns).into_iter().map(|l| Line::styled(l, theme.muted()))),
    }
    let question_height = (question.len() as u16).clamp(3, 5).saturating_add(1).min(area.height);
    let question_area = Rect { height: question_height, ..area };
    let block = Block::default().borders(Borders::BOTTOM).border_style(theme.muted());
    frame.render_widget(Paragraph::new(question).block(block), question_area);

    let mut list_area =
        Rect { y: area.y + question_height, height: area.height.saturating_sub(question_height), ..area };
    // The recommendation names the verdict and the flags: in a practice attempt it stays hidden
    // with them until a hint shows them.
    if section.id == known::section::DECISION && !session.flags_hidden() {
        // One row per item, the four options of the open decision list, and one spare: the rest
        // shows the recommendation the clinician decides beside.
        let summary_height = list_area.height.saturating_sub(visible.len() as u16 + 5).min(flags::SUMMARY_MAX_HEIGHT);
        let summary_area = Rect { height: summary_height, ..list_area };
        flags::summary(session, shared, theme, frame, summary_area);
        list_area = Rect {
            y: list_area.y + summary_height,
            height: list_area.height.saturating_sub(summary_height),
            ..list_area
        };
    }

    let label_width = (list_area.width as usize / 2).clamp(14, 28);
    let value_width = (list_area.width as usize).saturating_sub(label_width + 3);
    let mut rows: Vec<Line> = Vec::new();
    let mut focus_rows = (0usize, 0usize);
    let mut cursor: Option<(usize, u16)> = None; // (row, x offset): the text cursor
    let mut cursor_row: Option<usize> = None; // the row that must show: the cursor's, an option's
    for &id in &visible {
        let item = content.questionnaire.item(id);
        let is_focused = Some(id) == focused;
        let start = rows.len();
        let problem = form.problems[id.index()].as_ref();
        let marker = match (is_focused, problem.is_some()) {
            (_, true) => "!",
            (true, false) => "›",
            _ => " ",
        };
        let raises_flag = form.assessment.item_raises_flag(id);
        let label = fit(&item.label, label_width);
        let field = &form.fields[id.index()];
        let (mut value, cursor_x) = value_text(shared, id, field, value_width, is_focused);
        if value == "–"
            && let Some(mark) = session.attestations.not_asked.get(&item.id)
        {
            // Unanswered on purpose: says so, with the reason.
            value = fit(&mark.words(), value_width);
        }
        let label_style = if is_focused {
            theme.focus()
        } else if raises_flag {
            theme.selected()
        } else {
            theme.base()
        };
        let value_style = if problem.is_some() { theme.error() } else { theme.base() };
        let padding = " ".repeat(label_width.saturating_sub(width(&label)));
        rows.push(Line::from(vec![
            Span::styled(format!("{marker} "), if problem.is_some() { theme.error() } else { theme.base() }),
            Span::styled(format!("{label}{padding}"), label_style),
            Span::raw(" "),
            Span::styled(value, value_style),
        ]));
        if is_focused && let Some(x) = cursor_x {
            cursor = Some((start, (label_width + 3 + x) as u16));
        }
        if let Some(problem) = problem {
            rows.push(Line::styled(
                format!("    {}", fit(&problem.to_string(), (list_area.width as usize).saturating_sub(4))),
                theme.error(),
            ));
        }
        if session.previous.is_some() {
            since_last_visit(session, shared, theme, id, list_area.width as usize, &mut rows);
        }
        if is_focused {
            let editor = editor_rows(shared, theme, id, field, list_area.width as usize, rows.len());
            cursor_row = editor.must_show.or(Some(start));
            if editor.cursor.is_some() {
                cursor = editor.cursor;
            }
            rows.extend(editor.rows);
            focus_rows = (start, rows.len());
        }
    }
    let height = list_area.height as usize;
    let total = rows.len();
    let shown = window(total, height, focus_rows, cursor_row);
    let mut lines: Vec<Line> = Vec::with_capacity(height);
    if shown.above > 0 {
        lines.push(Line::styled(format!("  ↑ {} more above", shown.above), theme.heading()));
    }
    lines.extend(rows.into_iter().skip(shown.top).take(shown.shown));
    if shown.below > 0 {
        lines.push(Line::styled(format!("  ↓ {} more below", shown.below), theme.heading()));
    }
    frame.render_widget(Paragraph::new(lines), list_area);
    let offset = usize::from(shown.above > 0);
    if let Some((row, x)) = cursor
        && row >= shown.top
        && row < shown.top + shown.shown
        && shared.dialog.is_none()
        && session.flag_focus.is_none()
        && session.read_only.is_none()
    {
        let y = list_area.y + (row - shown.top + offset) as u16;
        let position = Position { x: list_area.x + x.min(list_area.width.saturating_sub(1)), y };
        frame.set_cursor_position(position);
    }
}

/// How to answer the focused item, in a few words, with the keys of the keymap.
fn answer_hint(shared: &Shared, id: ItemId) -> String {
    let item = shared.content.questionnaire.item(id);
    let form = Context::Form { text: false };
    let list = Context::ListField;
    let text = Context::Form { text: true };
    let (yes, no, clear) = (key_for(Action::Yes, form), key_for(Action::No, form), key_for(Action::Clear, form));
    let (choose, list_clear, next) =
        (key_for(Action::Toggle, list), key_for(Action::Clear, list), key_for(Action::NextField, text));
    match item.kind {
        ItemType::Bool => format!("{yes} yes · {no} no · {clear} clear (unanswered is not no)"),
        ItemType::Text if item.multiline => format!("Type notes · Enter new line · {next} next"), // Enter is text there
        ItemType::Text => format!("Type the answer · {next} next"),
        ItemType::Int => {
            let unit = item.unit.as_deref().map(|u| format!(" {u}")).unwrap_or_default();
            format!("A whole number, {} to {}{unit}", item.min.unwrap_or(0), item.max.unwrap_or(0))
        }
        ItemType::Date => {
            let today = key_for(Action::Today, text);
            if item.not_after_visit {
                format!("YYYY-MM-DD, not after the visit date · {today} today")
            } else {
                format!("YYYY-MM-DD · {today} today")
            }
        }
        ItemType::Choice => format!("↑↓ move · {choose} choose · {list_clear} clear"),
        ItemType::Multi => format!("↑↓ move · {choose} tick (all that apply)"),
        ItemType::Regions => format!("Arrows move on the chart · {choose} tick · patient's right is on the left"),
    }
}

/// The answer as shown on the item's row, and where the text cursor goes in it.
fn value_text(shared: &Shared, id: ItemId, field: &Field, width: usize, focused: bool) -> (String, Option<usize>) {
    let content = shared.content;
    let item = content.questionnaire.item(id);
    let dash = "–".to_owned();
    match field {
        Field::Bool(Some(true)) => ("Yes".into(), None),
        Field::Bool(Some(false)) => ("No".into(), None),
        Field::Bool(None) => (dash, None),
        Field::Choice { value: Some(v), .. } => (fit(item.option_label(*v), width), None),
        Field::Multi { values, .. } if !values.is_empty() => {
            (fit(&values.iter().map(|v| item.option_label(*v)).collect::<Vec<_>>().join(", "), width), None)
        }
        Field::Regions { values, .. } if !values.is_empty() => {
            (fit(&values.iter().map(|r| content.regions.label(*r)).collect::<Vec<_>>().join(", "), width), None)
        }
        Field::Choice { .. } | Field::Multi { .. } | Field::Regions { .. } => (dash, None),
        Field::Line(input) if !focused => {
            // Not being edited: the start of the answer, cut with an ellipsis (the scroll that
            // keeps a cursor in view would show only its end).
            let unit = item.unit.as_deref().map(|u| format!(" {u}")).unwrap_or_default();
            if input.value().is_empty() {
                (dash, None)
            } else {
                (fit(&format!("{}{unit}", input.value()), width), None)
            }
        }
        Field::Line(input) => {
            let scroll = input.visual_scroll(width.max(1));
            let shown: String = input.value().chars().skip(scroll).take(width).collect();
            let unit = match (&item.unit, input.value().is_empty()) {
                (Some(unit), false) => format!(" {unit}"),
                _ => String::new(),
            };
            (format!("{shown}{unit}"), Some(input.visual_cursor().saturating_sub(scroll)))
        }
        Field::Notes(area) => {
            let lines = area.lines();
            let first = lines.first().cloned().unwrap_or_default();
            let more = if lines.len() > 1 { format!(" (+{} lines)", lines.len() - 1) } else { String::new() };
            if focused {
                (String::new(), None)
            } else if first.is_empty() && lines.len() <= 1 {
                (dash, None)
            } else {
                (fit(&format!("{first}{more}"), width), None)
            }
        }
    }
}

/// Under an item of a follow-up visit: how a measure changed (meaningful or not), or what the
/// last visit answered when it differs or was a yes that must be asked about again.
fn since_last_visit(
    session: &Session,
    shared: &Shared,
    theme: Theme,
    id: ItemId,
    width: usize,
    rows: &mut Vec<Line<'static>>,
) {
    let Some(previous) = &session.previous else { return };
    let (measures, now) = (&session.view.measures, &session.view.answers_now);
    let content = shared.content;
    let item = content.questionnaire.item(id);
    // The last visit's date is in the title line.
    let when = "last visit";
    let mut line = |text: String, style| rows.push(Line::styled(fit(&format!("    ↳ {text}"), width), style));
    let measured: Vec<_> = measures.iter().filter(|m| m.item == Some(item.id.as_str())).collect();
    if !measured.is_empty() {
        for measure in measured {
            let style = match (measure.is_meaningful(), measure.is_better()) {
                (true, true) => theme.ok(),
                (true, false) => theme.error(),
                _ => theme.muted(),
            };
            line(format!("{when}: {}", measure.describe()), style);
        }
        if item.id == known::item::PSFS_3_SCORE
            && let Some(mean) = measures.iter().find(|m| m.item.is_none())
        {
            line(
                format!("{}: {}", mean.label, mean.describe()),
                if mean.is_meaningful() { theme.ok() } else { theme.muted() },
            );
        }
        return;
    }
    let Some(before) = previous.answers.get(&item.id) else { return };
    let current = now.get(&item.id);
    let worth_saying = match current {
        Some(value) => value != before,
        // Asked again and not answered yet: say so when the last answer was a yes.
        None => !matches!(before, serde_json::Value::Bool(false)),
    };
    if worth_saying && item.id != known::item::VISIT_DATE && item.id != known::item::VISIT_TYPE {
        let style = if current.is_some() { theme.selected() } else { theme.muted() };
        // A note from the last visit: its first line is enough to recall it.
        let words = crate::words::json_answer_words(content, id, before);
        line(format!("{when}: {}", words.lines().next().unwrap_or_default()), style);
    }
}

/// The open editor under the focused item.
struct Editor {
    rows: Vec<Line<'static>>,
    /// The row (counted in the whole list) that must stay on screen: the option under the
    /// cursor, the chart row of the region, the notes line being typed.
    must_show: Option<usize>,
    /// Where the text cursor goes (row in the whole list, column).
    cursor: Option<(usize, u16)>,
}

/// The open editor under the focused item: options, the body chart or the notes. `first_row`
/// is where its rows start in the whole list.
fn editor_rows(shared: &Shared, theme: Theme, id: ItemId, field: &Field, width: usize, first_row: usize) -> Editor {
    let content = shared.content;
    let item = content.questionnaire.item(id);
    let mut editor = Editor { rows: Vec::new(), must_show: None, cursor: None };
    // Options wrap under their mark rather than being cut at the edge.
    let room = width.saturating_sub(9).max(10);
    let option = |editor: &mut Editor, mark: &str, label: &str, style, at_cursor: bool| {
        if at_cursor {
            editor.must_show = Some(first_row + editor.rows.len());
        }
        for (i, part) in crate::tui::width::wrap(label, room).into_iter().enumerate() {
            let lead = if i == 0 { format!("     {mark} ") } else { "         ".to_owned() };
            editor.rows.push(Line::styled(format!("{lead}{part}"), style));
        }
        if at_cursor {
            // The whole option shows: its last wrapped line too.
            editor.must_show = Some(first_row + editor.rows.len() - 1);
        }
    };
    match field {
        Field::Choice { value, cursor: at } => {
            for (i, entry) in item.options.iter().enumerate() {
                let i = i as u16;
                let mark = if *value == Some(i) { "(•)" } else { "( )" };
                let style = if i == *at {
                    theme.focus()
                } else if *value == Some(i) {
                    theme.selected()
                } else {
                    theme.base()
                };
                option(&mut editor, mark, &entry.label, style, i == *at);
            }
        }
        Field::Multi { values, cursor: at } => {
            for (i, entry) in item.options.iter().enumerate() {
                let i = i as u16;
                let ticked = values.contains(&i);
                let mark = if ticked { "[x]" } else { "[ ]" };
                let style = if i == *at {
                    theme.focus()
                } else if ticked {
                    theme.selected()
                } else {
                    theme.base()
                };
                option(&mut editor, mark, &entry.label, style, i == *at);
            }
        }
        Field::Regions { values, cursor: at } => {
            let at_code = content.regions.code(*at);
            editor.rows.push(Line::styled(CHART_HEADER, theme.muted()));
            let chart_row = usize::from(body_chart::row_of(&content.regions, *at));
            editor.must_show = Some(first_row + 1 + chart_row);
            editor.rows.extend(chart_lines(&content.regions, theme, |code| {
                (values.iter().any(|v| content.regions.code(*v) == code), code == at_code)
            }));
        }
        Field::Notes(area) => {
            let ratatui_textarea::DataCursor(row, col) = area.cursor();
            // Every line shows, wrapped at the width: the list scrolls to keep the cursor's row
            // in view, and nothing typed is ever cut off.
            let room = width.saturating_sub(5).max(1);
            for (i, line) in area.lines().iter().enumerate() {
                let parts = wrap_keeping(line, room);
                let mut consumed = 0;
                for (p, part) in parts.iter().enumerate() {
                    let count = part.chars().count();
                    let last = p + 1 == parts.len();
                    if i == row && col >= consumed && (col < consumed + count || last) {
                        let x = part.chars().take(col - consumed).map(|c| c.width().unwrap_or(0)).sum::<usize>();
                        let at = first_row + editor.rows.len();
                        editor.cursor = Some((at, (4 + x) as u16));
                        editor.must_show = Some(at);
                    }
                    consumed += count;
                    editor.rows.push(Line::styled(format!("    {part}"), theme.base()));
                }
            }
            if editor.rows.is_empty() {
                editor.cursor = Some((first_row, 4));
                editor.rows.push(Line::raw("    "));
            }
        }
        Field::Bool(_) | Field::Line(_) => {}
    }
    editor
}

/// A line cut into pieces of at most `columns` display columns, after the last space where
/// there is one (a word longer than a line is cut). The pieces put together are the line, space
/// for space, so the cursor's column maps onto them; an empty line stays one piece.
fn wrap_keeping(line: &str, columns: usize) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut used = 0;
    for c in line.chars() {
        let w = c.width().unwrap_or(0);
        // A space may hang past the edge (it shows as nothing); anything else starts a piece.
        if used + w > columns && c != ' ' {
            let tail = parts.last_mut().and_then(|last| last.rfind(' ').map(|i| last.split_off(i + 1)));
            let tail = tail.unwrap_or_default();
            used = crate::tui::width::width(&tail);
            parts.push(tail);
        }
        if let Some(last) = parts.last_mut() {
            last.push(c);
        }
        used += w;
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::wrap_keeping;

    #[test]
    fn notes_lines_wrap_at_spaces_without_losing_a_character() {
        assert_eq!(wrap_keeping("", 4), vec![""]);
        assert_eq!(wrap_keeping("abcdef", 4), vec!["abcd", "ef"]);
        assert_eq!(wrap_keeping("abcd", 4), vec!["abcd"]);
        assert_eq!(wrap_keeping("日本語", 4), vec!["日本", "語"]);
        assert_eq!(wrap_keeping("ab cd ef", 5), vec!["ab cd ", "ef"]);
        let line = "Aching low back for four months, worse after gardening";
        assert_eq!(wrap_keeping(line, 20).concat(), line);
    }
}
