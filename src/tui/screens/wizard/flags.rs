//! The live flag panel, the pinned referral banners, the recommendation above the decision, the
//! flag detail, and (in a practice attempt) the patient's story where the flags would be.
//! Titles, regions and referral reasons wrap: at 80 columns nothing of them is cut.

use super::Session;
use crate::report::{referral_badge, tier_badge};
use crate::rules::Referral;
use crate::tui::app::Shared;
use crate::tui::keymap::{Action, Context, key_for};
use crate::tui::scroll::window;
use crate::tui::theme::Theme;
use crate::tui::width::{pad, width, wrap};
use crate::words;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

pub const SUMMARY_MAX_HEIGHT: u16 = 14;

/// `text` wrapped to `columns`, the first line after `first`, the others after `rest`, each
/// padded to the full width (a banner is a solid bar).
fn wrapped(text: &str, first: &str, rest: &str, columns: usize, style: Style, lines: &mut Vec<Line<'static>>) {
    let room = columns.saturating_sub(width(first)).max(1);
    for (i, part) in wrap(text, room).into_iter().enumerate() {
        let lead = if i == 0 { first } else { rest };
        lines.push(Line::styled(pad(&format!("{lead}{part}"), columns), style));
    }
}

/// Full-width banners: read-only, a recheck notice, and every unacknowledged emergency or urgent
/// referral, whole.
pub fn banner_lines(session: &Session, shared: &Shared, theme: Theme, columns: u16) -> Vec<Line<'static>> {
    let columns = columns as usize;
    let mut lines = Vec::new();
    if let Some(why) = &session.read_only {
        wrapped(why, " READ-ONLY: ", "   ", columns, theme.banner(None), &mut lines);
    }
    if let Some((notice, problem)) = &session.recheck_notice {
        let style = if *problem { theme.banner(Some(Referral::Emergency)) } else { theme.banner(None) };
        wrapped(notice, " ", " ", columns, style, &mut lines);
    }
    let rules = &shared.content.rulebook;
    if session.read_only.is_some() {
        // A record read back: each referral with who acknowledged it and when, not the prompt.
        for flag in &session.form.assessment.flags {
            let rule = rules.rule(flag.rule);
            let Some(ack) = session.attestations.acknowledgement(&rule.id) else { continue };
            let urgency = if rule.referral == Some(Referral::Emergency) { "EMERGENCY" } else { "URGENT" };
            let text = format!("REFER {urgency} {}: {}", ack.words(), rule.title);
            wrapped(&text, " ✓ ", "   ", columns, theme.banner(rule.referral), &mut lines);
        }
    }
    let acknowledge = key_for(Action::Acknowledge, Context::Form { text: false });
    let flags = key_for(Action::FocusFlags, Context::Form { text: false });
    for index in session.banner_flags(shared.content) {
        let rule = rules.rule(session.form.assessment.flags[index].rule);
        let urgency = if rule.referral == Some(Referral::Emergency) { "EMERGENCY" } else { "URGENT" };
        let hint = if session.read_only.is_some() {
            "[not acknowledged]".to_owned()
        } else {
            format!("[{acknowledge} acknowledge]")
        };
        // The reason for the referral is always whole; what to do comes with it when both fit
        // in two lines, else the flag panel has it (F2, Enter), so the form keeps its room.
        let whole = format!("STOP · REFER {urgency}: {} — {}  {hint}", rule.title, rule.action);
        let text = if wrap(&whole, columns.saturating_sub(3)).len() <= 2 {
            whole
        } else {
            let enter = key_for(Action::Confirm, Context::Flags);
            format!("STOP · REFER {urgency}: {}  {hint} · what to do: {flags}, {enter}", rule.title)
        };
        wrapped(&text, " ■ ", "   ", columns, theme.banner(rule.referral), &mut lines);
    }
    lines
}

pub fn panel(session: &Session, shared: &Shared, theme: Theme, frame: &mut Frame, area: Rect) {
    let content = shared.content;
    let assessment = &session.form.assessment;
    let rules = &content.rulebook;
    let focused = session.flag_focus.is_some();
    let keys = if focused {
        format!("{}: why", key_for(Action::Confirm, Context::Flags))
    } else {
        key_for(Action::FocusFlags, Context::Form { text: false }).to_owned()
    };
    let title = format!(" Flags ({}) · {keys}", assessment.flags.len());
    let border = if focused { theme.selected() } else { theme.muted() };
    let block = Block::default().borders(Borders::LEFT).title(title).border_style(border);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let columns = inner.width as usize;
    let line = |text: &str, lead: &str, rest: &str, style: Style, lines: &mut Vec<Line<'static>>| {
        let room = columns.saturating_sub(width(lead)).max(1);
        for (i, part) in wrap(text, room).into_iter().enumerate() {
            lines.push(Line::styled(format!("{}{part}", if i == 0 { lead } else { rest }), style));
        }
    };
    let mut lines = Vec::new();
    line(
        words::panel_verdict(assessment.verdict.massage),
        " ",
        " ",
        theme.tier(assessment.verdict.massage),
        &mut lines,
    );
    let referral = assessment.verdict.referral;
    line(words::panel_referral(referral), " ", " ", theme.referral(referral), &mut lines);
    lines.push(Line::raw(""));
    if assessment.flags.is_empty() {
        lines.push(Line::styled(" No flags so far.", theme.muted()));
    }
    let mut selected_rows = (0, 0);
    let mut starts = Vec::new();
    for (i, flag) in assessment.flags.iter().enumerate() {
        let start = lines.len();
        starts.push(start);
        let rule = rules.rule(flag.rule);
        let selected = session.flag_focus == Some(i);
        let style = if selected { theme.focus() } else { theme.tier(rule.massage) };
        line(&rule.title, &format!(" {} ", tier_badge(rule.massage)), "   ", style, &mut lines);
        if let Some(referral) = rule.referral {
            let word = match referral {
                Referral::Emergency => "REFER EMERGENCY",
                Referral::Urgent => "REFER URGENT",
                Referral::Routine => "refer: routine",
            };
            line(word, "     → ", "       ", theme.referral(Some(referral)), &mut lines);
        }
        if !flag.regions.is_empty() {
            let regions: Vec<&str> = flag.regions.iter().map(|r| content.regions.label(*r)).collect();
            line(&regions.join(", "), "     ", "     ", theme.muted(), &mut lines);
        }
        if selected {
            selected_rows = (start, lines.len());
        }
    }
    // Keep the selected flag in view, and never let a flag fall off the bottom unseen.
    let cursor = session.flag_focus.map(|_| selected_rows.0);
    let shown = window(lines.len(), inner.height as usize, selected_rows, cursor);
    let mut visible: Vec<Line> = Vec::new();
    if shown.above > 0 {
        let above = starts.iter().filter(|&&row| row < shown.top).count();
        visible.push(Line::styled(format!(" ↑ {above} more flag(s)"), theme.heading()));
    }
    visible.extend(lines.into_iter().skip(shown.top).take(shown.shown));
    if shown.below > 0 {
        // Counted in flags, not rows: a flag whose title shows has begun.
        let below = starts.iter().filter(|&&row| row >= shown.top + shown.shown).count();
        let keys = key_for(Action::FocusFlags, Context::Form { text: false });
        let more = if below == 0 { " ↓ more".to_owned() } else { format!(" ↓ {below} more flag(s)") };
        visible.push(Line::styled(format!("{more} · {keys}"), theme.heading()));
    }
    frame.render_widget(Paragraph::new(visible), inner);
}

/// The flag's full story, for the detail dialog: why it fired (with the answers), what to do,
/// and where the rule comes from.
pub fn flag_detail_lines(session: &Session, shared: &Shared, flag_index: usize) -> (String, Vec<String>) {
    let Some(flag) = session.form.assessment.flags.get(flag_index) else { return (String::new(), Vec::new()) };
    let content = shared.content;
    let rule = content.rulebook.rule(flag.rule);
    let mut lines = vec![format!("{}  {}", tier_badge(rule.massage), rule.title)];
    if let Some(referral) = referral_badge(rule.referral) {
        lines.push(referral.to_owned());
    }
    lines.push(String::new());
    lines.push("Why it fired:".into());
    let answers = session.form.answers.to_json(&content.questionnaire, &content.regions);
    for item_id in &flag.because {
        let item = content.questionnaire.item(*item_id);
        let shown = answers
            .get(&item.id)
            .map_or_else(|| words::NOT_ASKED.to_owned(), |v| words::json_answer_words(content, *item_id, v));
        lines.push(format!("  • {}: {shown}", item.label));
    }
    lines.push(format!("  (rule: {})", rule.trigger_in_full));
    if !flag.regions.is_empty() {
        let regions: Vec<&str> = flag.regions.iter().map(|r| content.regions.label(*r)).collect();
        lines.push(format!("Where: {}", regions.join(", ")));
    }
    lines.push(String::new());
    lines.push(format!("What to do: {}", rule.action));
    if let Some(detail) = &rule.detail {
        lines.push(String::new());
        lines.push(format!("Note: {detail}"));
    }
    lines.push(String::new());
    lines.push("Sources:".into());
    for source in &rule.sources {
        lines.push(format!("  • {source}"));
    }
    (format!("{} ({})", rule.title, rule.id), lines)
}

/// The summary above the clinician's decision: verdict, areas to avoid, and the care plan with
/// its reasons.
pub fn summary(session: &Session, shared: &Shared, theme: Theme, frame: &mut Frame, area: Rect) {
    let assessment = &session.form.assessment;
    let content = shared.content;
    let plan = &assessment.plan;
    let mut lines = vec![Line::from(vec![
        Span::styled(words::panel_verdict(assessment.verdict.massage), theme.tier(assessment.verdict.massage)),
        Span::raw("  "),
        Span::styled(words::panel_referral(assessment.verdict.referral), theme.heading()),
    ])];
    let avoid: Vec<&str> = {
        let mut ids = assessment.avoid_regions.clone();
        ids.sort_unstable();
        ids.iter().map(|r| content.regions.label(*r)).collect()
    };
    lines.push(Line::from(vec![
        Span::styled("Avoid: ", theme.heading()),
        Span::raw(if avoid.is_empty() { "no areas".to_owned() } else { avoid.join(", ") }),
    ]));
    let route = plan.route.code().replace('_', " ");
    lines.push(Line::from(vec![
        Span::styled("Plan: ", theme.heading()),
        Span::raw(format!("{route} — {}", plan.route_reason)),
    ]));
    if let (Some(kind), Some(reason)) = (plan.massage_type, &plan.massage_type_reason) {
        lines.push(Line::raw(format!("Massage: {} — {reason}", kind.code().replace('_', " "))));
    }
    if let (Some(order), Some(reason)) = (plan.session_order, &plan.session_order_reason) {
        lines.push(Line::raw(format!("Order: {} — {reason}", order.code().replace('_', " "))));
        let days = content.plan.days_advice(plan.separate_days);
        let why =
            if plan.separate_days { format!(" ({})", plan.separate_days_reasons.join("; ")) } else { String::new() };
        lines.push(Line::raw(format!("Days: {days}{why}")));
    }
    if let Some(frequency) = &plan.frequency {
        lines.push(Line::raw(format!("Frequency: {frequency}")));
    }
    if !plan.aftercare.is_empty() {
        lines.push(Line::raw(format!("Aftercare: {}", plan.aftercare.join(" "))));
    }
    let all = key_for(Action::Summary, Context::Form { text: false });
    let block = Block::default()
        .borders(Borders::BOTTOM)
        .title(format!(" Recommendation ({all}: all of it) · the decision below is yours "))
        .border_style(theme.muted());
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }).block(block), area);
}

/// Practice: the patient's story beside the form, where the flags would be. A story longer than
/// the panel ends with how to read all of it (F2), never silently cut.
pub fn story(session: &Session, shared: &Shared, theme: Theme, frame: &mut Frame, area: Rect) {
    let Some(attempt) = &session.attempt else { return };
    let Some(case) = shared.practice.as_ref().and_then(|p| p.cases.cases.get(attempt.case)) else { return };
    let block = Block::default().borders(Borders::LEFT).title(" The patient's story ").border_style(theme.muted());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let columns = inner.width as usize;
    let mut lines: Vec<Line> = Vec::new();
    let mut add =
        |text: &str, style: Style| lines.extend(wrap(text, columns).into_iter().map(|l| Line::styled(l, style)));
    add(&case.title, theme.heading());
    let visit = case.visit_date().map_or(String::new(), |d| d.to_string());
    add(&format!("{} · visit {visit}", case.level.code()), theme.muted());
    lines.push(Line::raw(""));
    let mut add =
        |text: &str, style: Style| lines.extend(wrap(text, columns).into_iter().map(|l| Line::styled(l, style)));
    for paragraph in case.vignette.lines() {
        add(paragraph, theme.base());
    }
    let hints = if attempt.hints == 0 { String::new() } else { format!(" ({} used)", attempt.hints) };
    let (hint, read) = (key_for(Action::Hint, Context::Attempt), key_for(Action::FocusFlags, Context::Attempt));
    let footer = format!("Flags hidden: find them. {hint} hint{hints} · {read} the whole story");
    let footer: Vec<Line> = wrap(&footer, columns).into_iter().map(|l| Line::styled(l, theme.muted())).collect();
    let height = inner.height as usize;
    let room = height.saturating_sub(footer.len() + 1);
    if lines.len() > room {
        lines.truncate(room.saturating_sub(1));
        lines.push(Line::styled(format!("↓ more: {read} reads it all"), theme.heading()));
    }
    lines.push(Line::raw(""));
    lines.extend(footer);
    frame.render_widget(Paragraph::new(lines), inner);
}
