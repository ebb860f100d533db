//! One section of the intake: the focused question in full, then every shown item with its
//! answer; the focused item opens its editor (options, body chart, notes) in place.

use super::super::app::App;
use super::super::body_chart;
use super::super::form::Field;
use super::super::theme::Theme;
use super::{fit, flags};
use crate::domain::{ItemId, ItemType};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

pub fn draw(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let Some(session) = &app.session else { return };
    let content = app.content;
    let form = &session.form;
    let section = &content.questionnaire.sections[form.section];
    let visible = form.visible_items(content);
    let focused = visible.get(form.focus).copied();

    // The question box: the full question, and how to answer it.
    let question_height = 4u16.min(area.height);
    let question_area = Rect { height: question_height, ..area };
    let mut question = Vec::new();
    match focused {
        Some(id) => {
            let item = content.questionnaire.item(id);
            let required = if item.required { "  (required to complete)" } else { "" };
            question.push(Line::from(vec![
                Span::styled(item.text.clone(), theme.heading()),
                Span::styled(required, theme.muted()),
            ]));
            let hint = if session.read_only.is_some() {
                "Read-only: answers cannot change here".to_owned()
            } else if crate::gate::SCREENING_SECTIONS.contains(&content.questionnaire.section_of(id).id.as_str()) {
                let key = super::super::keymap::label(super::super::keymap::Action::NotAsked);
                format!("{} · {key} not asked", answer_hint(app, id))
            } else {
                answer_hint(app, id)
            };
            question.push(Line::styled(hint, theme.muted()));
        }
        None => question.push(Line::styled(section.intro.clone(), theme.muted())),
    }
    let block = Block::default().borders(Borders::BOTTOM).border_style(theme.muted());
    frame.render_widget(Paragraph::new(question).wrap(Wrap { trim: true }).block(block), question_area);

    let mut list_area =
        Rect { y: area.y + question_height, height: area.height.saturating_sub(question_height), ..area };
    // The recommendation names the verdict and the flags: in a practice attempt it stays hidden
    // with them until a hint shows them.
    if section.id == "decision" && !app.flags_hidden() {
        // One row per item, the four options of the open decision list, and one spare: the rest
        // shows the recommendation the clinician decides beside.
        let summary_height = list_area.height.saturating_sub(visible.len() as u16 + 5).min(flags::SUMMARY_MAX_HEIGHT);
        let summary_area = Rect { height: summary_height, ..list_area };
        flags::summary(app, theme, frame, summary_area);
        list_area = Rect {
            y: list_area.y + summary_height,
            height: list_area.height.saturating_sub(summary_height),
            ..list_area
        };
    }

    // A follow-up visit: today's answers beside the last visit's.
    let since = session.previous.as_ref().map(|previous| {
        let now = form.draft_answers(content);
        (previous, crate::follow_up::measure_changes(&previous.answers, &now), now)
    });
    let label_width = (list_area.width as usize / 2).clamp(14, 28);
    let value_width = (list_area.width as usize).saturating_sub(label_width + 3);
    let mut rows: Vec<Line> = Vec::new();
    let mut focus_rows = (0usize, 0usize);
    let mut cursor: Option<(usize, u16)> = None; // (row, x offset)
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
        let (mut value, cursor_x) = value_text(app, id, field, value_width, is_focused);
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
        rows.push(Line::from(vec![
            Span::styled(format!("{marker} "), if problem.is_some() { theme.error() } else { theme.base() }),
            Span::styled(format!("{label:<label_width$}"), label_style),
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
        if let Some((previous, measures, now)) = &since {
            since_last_visit(app, theme, id, previous, measures, now, list_area.width as usize, &mut rows);
        }
        if is_focused {
            editor_rows(app, theme, id, field, list_area.width as usize, &mut rows, &mut cursor);
        }
        if is_focused {
            focus_rows = (start, rows.len());
        }
    }
    let height = list_area.height as usize;
    // Scroll so the whole focused block shows (its top, if it is taller than the area).
    let mut top = 0usize;
    if focus_rows.1 > height {
        top = focus_rows.1 - height;
    }
    if focus_rows.0 < top {
        top = focus_rows.0;
    }
    let shown: Vec<Line> = rows.into_iter().skip(top).take(height).collect();
    frame.render_widget(Paragraph::new(shown), list_area);
    if let Some((row, x)) = cursor
        && row >= top
        && row < top + height
        && app.overlay.is_none()
        && session.flag_focus.is_none()
        && session.read_only.is_none()
    {
        let position =
            Position { x: list_area.x + x.min(list_area.width.saturating_sub(1)), y: list_area.y + (row - top) as u16 };
        frame.set_cursor_position(position);
    }
}

/// How to answer the focused item, in a few words.
fn answer_hint(app: &App, id: ItemId) -> String {
    let item = app.content.questionnaire.item(id);
    match item.kind {
        ItemType::Bool => "y yes · n no · Del clear (unanswered is not no)".into(),
        ItemType::Text if item.multiline => "Type notes · Enter new line · Tab next".into(),
        ItemType::Text => "Type the answer · Tab next".into(),
        ItemType::Int => {
            let unit = item.unit.as_deref().map(|u| format!(" {u}")).unwrap_or_default();
            format!("A whole number, {} to {}{unit}", item.min.unwrap_or(0), item.max.unwrap_or(0))
        }
        ItemType::Date if item.not_after_visit => "YYYY-MM-DD, not after the visit date · Ctrl-T today".into(),
        ItemType::Date => "YYYY-MM-DD · Ctrl-T today".into(),
        ItemType::Choice => "↑↓ move · Space choose · Del clear".into(),
        ItemType::Multi => "↑↓ move · Space tick (all that apply)".into(),
        ItemType::Regions => "Arrows move on the chart · Space tick · patient's right is on the left".into(),
    }
}

/// The answer as shown on the item's row, and where the text cursor goes in it.
fn value_text(app: &App, id: ItemId, field: &Field, width: usize, focused: bool) -> (String, Option<usize>) {
    let content = app.content;
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
            let shown = if shown.is_empty() && !focused { dash } else { format!("{shown}{unit}") };
            (shown, Some(input.visual_cursor().saturating_sub(scroll)))
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
#[allow(clippy::too_many_arguments)]
fn since_last_visit(
    app: &App,
    theme: Theme,
    id: ItemId,
    previous: &crate::tui::app::PreviousVisit,
    measures: &[crate::follow_up::MeasureChange],
    now: &serde_json::Map<String, serde_json::Value>,
    width: usize,
    rows: &mut Vec<Line<'static>>,
) {
    let content = app.content;
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
        if item.id == "psfs.3.score"
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
    if worth_saying && item.id != "visit.date" && item.id != "visit.type" {
        let style = if current.is_some() { theme.selected() } else { theme.muted() };
        line(format!("{when}: {}", previous_value(app, id, before)), style);
    }
}

/// A last-visit answer in words (option labels, region names, Yes/No).
fn previous_value(app: &App, id: ItemId, value: &serde_json::Value) -> String {
    use serde_json::Value as Json;
    let content = app.content;
    let item = content.questionnaire.item(id);
    let word = |text: &str| match item.kind {
        ItemType::Regions => content.regions.id(text).map_or(text.to_owned(), |r| content.regions.label(r).to_owned()),
        ItemType::Choice | ItemType::Multi => {
            item.option_index(text).map_or(text.to_owned(), |i| item.option_label(i).to_owned())
        }
        _ => text.lines().next().unwrap_or_default().to_owned(),
    };
    match value {
        Json::Bool(true) => "Yes".into(),
        Json::Bool(false) => "No".into(),
        Json::String(text) => word(text),
        Json::Array(values) => values.iter().filter_map(Json::as_str).map(word).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

/// The open editor under the focused item: options, the body chart or the notes.
fn editor_rows(
    app: &App,
    theme: Theme,
    id: ItemId,
    field: &Field,
    width: usize,
    rows: &mut Vec<Line<'static>>,
    cursor: &mut Option<(usize, u16)>,
) {
    let content = app.content;
    let item = content.questionnaire.item(id);
    match field {
        Field::Choice { value, cursor: at } => {
            for (i, option) in item.options.iter().enumerate() {
                let i = i as u16;
                let mark = if *value == Some(i) { "(•)" } else { "( )" };
                let style = if i == *at {
                    theme.focus()
                } else if *value == Some(i) {
                    theme.selected()
                } else {
                    theme.base()
                };
                rows.push(Line::styled(format!("     {mark} {}", option.label), style));
            }
        }
        Field::Multi { values, cursor: at } => {
            for (i, option) in item.options.iter().enumerate() {
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
                rows.push(Line::styled(format!("     {mark} {}", option.label), style));
            }
        }
        Field::Regions { values, cursor: at } => {
            let at_code = content.regions.code(*at);
            rows.push(Line::styled(CHART_HEADER, theme.muted()));
            for row in chart_lines(app, theme, |code| {
                (values.iter().any(|v| content.regions.code(*v) == code), code == at_code)
            }) {
                rows.push(row);
            }
        }
        Field::Notes(area) => {
            let ratatui_textarea::DataCursor(row, col) = area.cursor();
            let start = rows.len();
            let lines = area.lines();
            // Eight lines at most, always the cursor's; a line longer than the width scrolls
            // sideways on the cursor's row (so typing never goes out of sight) and is cut elsewhere.
            let first = row.saturating_sub(7);
            let room = width.saturating_sub(5).max(1);
            for (i, line) in lines.iter().enumerate().skip(first).take(8) {
                if i == row {
                    let offset = col.saturating_sub(room);
                    let shown: String = line.chars().skip(offset).collect();
                    rows.push(Line::styled(format!("    {}", fit(&shown, room + 1)), theme.base()));
                    *cursor = Some((start + i - first, (4 + col - offset) as u16));
                } else {
                    rows.push(Line::styled(format!("    {}", fit(line, room + 1)), theme.base()));
                }
            }
            if lines.is_empty() {
                rows.push(Line::raw("    "));
                *cursor = Some((start, 4));
            }
        }
        Field::Bool(_) | Field::Line(_) => {}
    }
}

/// Above the body chart, as wide as the chart (49 columns, so it fits the 50-column form at
/// 80x24), with the bar between the front and back columns.
pub const CHART_HEADER: &str = " patient's RIGHT  front │ back     patient's LEFT";

/// The body chart as lines: `state(code)` says whether a region is (selected, under the cursor).
pub fn chart_lines(app: &App, theme: Theme, state: impl Fn(&str) -> (bool, bool)) -> Vec<Line<'static>> {
    let _ = app;
    let mut lines = Vec::new();
    for row in 0..body_chart::ROWS {
        let mut spans = vec![Span::raw(" ")];
        let mut x = 0u16;
        for (cx, cy, width, code, label) in body_chart::layout() {
            if cy != row {
                continue;
            }
            if cx > x {
                spans.push(Span::raw(" ".repeat(usize::from(cx - x))));
                x = cx;
            }
            let (selected, under_cursor) = state(code);
            let text = if selected { format!("•{label}") } else { label.to_owned() };
            let text = format!("{:^w$}", fit(&text, usize::from(width)), w = usize::from(width));
            let style = match (selected, under_cursor) {
                (_, true) => theme.focus(),
                (true, false) => theme.tier(Some(crate::rules::Tier::Avoid)),
                _ => theme.muted(),
            };
            spans.push(Span::styled(text, style));
            spans.push(Span::raw(" "));
            x += width + 1;
        }
        lines.push(Line::from(spans));
    }
    lines
}
