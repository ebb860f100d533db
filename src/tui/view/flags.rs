//! The live flag panel, the pinned referral banner and the summary (verdict, avoid map, plan).

use super::super::app::App;
use super::super::theme::Theme;
use super::fit;
use crate::report::{referral_badge, tier_badge};
use crate::rules::{Referral, Tier};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

pub const SUMMARY_MAX_HEIGHT: u16 = 14;

/// Full-width banners: read-only, and every unacknowledged emergency or urgent referral.
pub fn banner_lines(app: &App, theme: Theme, width: u16) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let Some(session) = &app.session else { return lines };
    if app.screen != super::super::app::Screen::Wizard {
        return lines;
    }
    if let Some(why) = &session.read_only {
        lines.push(Line::styled(fit(&format!(" READ-ONLY: {why}"), width as usize), theme.banner(None)));
    }
    if let Some((notice, problem)) = &session.recheck_notice {
        let style = if *problem { theme.banner(Some(Referral::Emergency)) } else { theme.banner(None) };
        lines.push(Line::styled(
            format!("{:<w$}", fit(&format!(" {notice}"), width as usize), w = width as usize),
            style,
        ));
    }
    let rules = &app.content.rulebook;
    if session.read_only.is_some() {
        // A record read back: each referral with who acknowledged it and when, not the prompt.
        for flag in session.form.assessment.flags.iter() {
            let rule = rules.rule(flag.rule);
            let Some(ack) = session.attestations.acknowledgement(&rule.id) else { continue };
            if lines.len() >= 4 {
                break;
            }
            let urgency = if rule.referral == Some(Referral::Emergency) { "EMERGENCY" } else { "URGENT" };
            // Who and when first: at 80 columns the title is what gets cut (the panel has it).
            let text = format!(" ✓ REFER {urgency} {}: {}", ack.words(), rule.title);
            lines.push(Line::styled(
                format!("{:<w$}", fit(&text, width as usize), w = width as usize),
                theme.banner(rule.referral),
            ));
        }
    }
    for index in app.banner_flags().into_iter().take(2) {
        let rule = rules.rule(session.form.assessment.flags[index].rule);
        let urgency = if rule.referral == Some(Referral::Emergency) { "EMERGENCY" } else { "URGENT" };
        // The way to acknowledge must survive a narrow window: cut the words, not the key.
        let hint = if session.read_only.is_some() {
            "  [not acknowledged]".to_owned()
        } else {
            format!("  [{} acknowledge]", super::super::keymap::label(super::super::keymap::Action::Acknowledge))
        };
        let hint = hint.as_str();
        let words = format!(" ■ STOP · REFER {urgency}: {} — {}", rule.title, rule.action);
        let room = (width as usize).saturating_sub(hint.chars().count());
        let text = if room >= 30 { format!("{}{hint}", fit(&words, room)) } else { format!("{words}{hint}") };
        lines.push(Line::styled(
            format!("{:<w$}", fit(&text, width as usize), w = width as usize),
            theme.banner(rule.referral),
        ));
    }
    lines
}

pub fn panel(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let Some(session) = &app.session else { return };
    let assessment = &session.form.assessment;
    let rules = &app.content.rulebook;
    let focused = session.flag_focus.is_some();
    let title = format!(" Flags ({}) {}", assessment.flags.len(), if focused { "· Enter: why" } else { "· F2" });
    let block = Block::default().borders(Borders::LEFT).title(title).border_style(if focused {
        theme.selected()
    } else {
        theme.muted()
    });
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = inner.width as usize;
    let mut lines = vec![
        Line::styled(
            fit(&format!(" {}", verdict_words(assessment.verdict.massage)), width),
            theme.tier(assessment.verdict.massage),
        ),
        Line::styled(
            fit(&format!(" {}", referral_words(assessment.verdict.referral)), width),
            theme.referral(assessment.verdict.referral),
        ),
        Line::raw(""),
    ];
    if assessment.flags.is_empty() {
        lines.push(Line::styled(" No flags so far.", theme.muted()));
    }
    for (i, flag) in assessment.flags.iter().enumerate() {
        let rule = rules.rule(flag.rule);
        let badge = tier_badge(rule.massage);
        let selected = session.flag_focus == Some(i);
        let style = if selected { theme.focus() } else { theme.tier(rule.massage) };
        lines.push(Line::styled(fit(&format!(" {badge} {}", rule.title), width), style));
        if let Some(referral) = rule.referral {
            let word = match referral {
                Referral::Emergency => "REFER EMERGENCY",
                Referral::Urgent => "REFER URGENT",
                Referral::Routine => "refer: routine",
            };
            lines.push(Line::styled(fit(&format!("     → {word}"), width), theme.referral(Some(referral))));
        }
        if !flag.regions.is_empty() {
            let regions: Vec<&str> = flag.regions.iter().map(|r| app.content.regions.label(*r)).collect();
            lines.push(Line::styled(fit(&format!("     {}", regions.join(", ")), width), theme.muted()));
        }
    }
    // Keep the selected flag in view.
    let height = inner.height as usize;
    let selected_line = session.flag_focus.map_or(0, |f| 3 + f * 3);
    let top = selected_line.saturating_sub(height.saturating_sub(3));
    let hidden = lines.len().saturating_sub(top + height);
    let mut shown: Vec<Line> = lines.into_iter().skip(top).take(height).collect();
    if hidden > 0
        && let Some(last) = shown.last_mut()
    {
        // Never let a flag fall off the bottom unseen.
        *last = Line::styled(fit(&format!(" ↓ {} more · F2", hidden + 1), width), theme.heading());
    }
    frame.render_widget(Paragraph::new(shown), inner);
}

fn verdict_words(tier: Option<Tier>) -> &'static str {
    match tier {
        Some(Tier::Stop) => "■ STOP: no massage this visit",
        Some(Tier::Avoid) => "▲ AVOID: not on the areas listed",
        Some(Tier::Modify) => "● MODIFY: change pressure/site",
        None => "✓ CLEAR so far",
    }
}

fn referral_words(referral: Option<Referral>) -> &'static str {
    match referral {
        Some(Referral::Emergency) => "REFER: EMERGENCY, now",
        Some(Referral::Urgent) => "REFER: URGENT, within 24 h",
        Some(Referral::Routine) => "Refer: routine clearance",
        None => "No referral",
    }
}

/// The flag's full story, for the detail dialog: why it fired (with the answers), what to do,
/// and where the rule comes from.
pub fn flag_detail_lines(app: &App, flag_index: usize) -> (String, Vec<String>) {
    let Some(session) = &app.session else { return (String::new(), Vec::new()) };
    let Some(flag) = session.form.assessment.flags.get(flag_index) else { return (String::new(), Vec::new()) };
    let content = app.content;
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
        let shown = answers.get(&item.id).map_or("–".to_owned(), |v| answer_words(app, *item_id, v));
        lines.push(format!("  • {}: {shown}", item.label));
    }
    lines.push(format!("  (rule: {})", rule.trigger));
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

fn answer_words(app: &App, id: crate::domain::ItemId, value: &serde_json::Value) -> String {
    let item = app.content.questionnaire.item(id);
    let option = |code: &str| item.option_index(code).map_or(code.to_owned(), |i| item.option_label(i).to_owned());
    let region =
        |code: &str| app.content.regions.id(code).map_or(code.to_owned(), |r| app.content.regions.label(r).to_owned());
    match value {
        serde_json::Value::Bool(true) => "yes".into(),
        serde_json::Value::Bool(false) => "no".into(),
        serde_json::Value::String(s) if !item.options.is_empty() => option(s),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(list) => list
            .iter()
            .filter_map(|v| v.as_str())
            .map(|code| if item.options.is_empty() { region(code) } else { option(code) })
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

/// The summary above the clinician's decision: verdict, areas to avoid (on the chart when there
/// is room), and the care plan with its reasons.
pub fn summary(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let Some(session) = &app.session else { return };
    let assessment = &session.form.assessment;
    let content = app.content;
    let plan = &assessment.plan;
    let mut lines = vec![Line::from(vec![
        Span::styled(verdict_words(assessment.verdict.massage), theme.tier(assessment.verdict.massage)),
        Span::raw("  "),
        Span::styled(referral_words(assessment.verdict.referral), theme.heading()),
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
    let block = Block::default()
        .borders(Borders::BOTTOM)
        .title(" Recommendation (F3: all of it) · the decision below is yours ")
        .border_style(theme.muted());
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }).block(block), area);
}
