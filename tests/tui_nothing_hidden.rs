//! At the smallest supported terminal, 80x24, nothing that matters is hidden: the longest choice
//! list keeps its highlighted option on screen, a long note shows whole while it is typed, the
//! longest flag title wraps in the panel, and every emergency banner says its whole reason.

#[path = "common/app.rs"]
mod harness;

use harness::*;
use physio_intake::domain::ItemType;
use physio_intake::rules::Referral;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};
use serde_json::{Map, Value};

/// Single spaces, as `read_columns` gives the screen.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A rule's first firing example, on its own visit date.
fn firing(rule_id: &str) -> (Map<String, Value>, chrono::NaiveDate) {
    let rule = content().rulebook.rules().iter().find(|r| r.id == rule_id).expect("the rule");
    let example = rule.examples.fires.first().expect("a firing example");
    let visit = example
        .answers
        .get("visit.date")
        .and_then(Value::as_str)
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .unwrap_or_else(|| chrono::NaiveDate::from_ymd_opt(2026, 6, 15).expect("a date"));
    (example.answers.clone(), visit)
}

#[test]
fn the_longest_choice_list_keeps_its_last_option_in_view() {
    let q = &content().questionnaire;
    let (_, longest) = q
        .items()
        .filter(|(_, item)| matches!(item.kind, ItemType::Choice | ItemType::Multi))
        .max_by_key(|(_, item)| (item.options.len(), item.options.iter().map(|o| o.label.len()).sum::<usize>()))
        .expect("a choice item");
    let mut app = wizard_with(&Map::new(), today());
    focus(&mut app, &longest.id);
    for _ in 1..longest.options.len() {
        press(&mut app, KeyCode::Down);
    }
    let (buffer, _) = render(&app, 80, 24);
    let form = read_columns(&buffer, 0, 50);
    let last = &longest.options[longest.options.len() - 1].label;
    assert!(form.contains(&words(last)), "the last option, {last}, is on screen:\n{}", rows(&buffer).join("\n"));
    assert!(form.contains("more above"), "and the screen says there is more above");
    // The highlighted row (the focus style) is the last option's.
    let focus = physio_intake::tui::theme::Theme { colour: true }.focus().bg.expect("a focus colour");
    let highlighted: String = (0..24u16)
        .filter(|&y| buffer[(9, y)].bg == focus)
        .map(|y| (9..50).map(|x| buffer[(x, y)].symbol().to_owned()).collect::<String>())
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(words(&highlighted), words(last), "the highlighted option is the last one");
    insta::assert_snapshot!("longest_choice_list_on_its_last_option_80x24", rows(&buffer).join("\n"));
}

#[test]
fn a_twelve_line_note_shows_whole_while_it_is_typed() {
    let mut app = wizard_with(&Map::new(), today());
    focus(&mut app, "complaint.description");
    let lines: Vec<String> = (1..=12).map(|n| format!("Line {n}: aching low back after gardening")).collect();
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            press(&mut app, KeyCode::Enter);
        }
        type_text(&mut app, line);
    }
    let (buffer, cursor) = render(&app, 80, 24);
    let form = read_columns(&buffer, 0, 50);
    // The whole note is in view while it is typed, the cursor right after its last letter.
    for line in &lines {
        assert!(form.contains(&words(line)), "{line}:\n{}", rows(&buffer).join("\n"));
    }
    let (x, y) = cursor.expect("the cursor is shown");
    assert!(x < 50 && buffer[(x - 1, y)].symbol() == "g", "the cursor follows the last letter: {x},{y}");
    // Nothing is cut: each shown line is the note's text (wrapped), none ends in an ellipsis.
    assert!(!form.contains('…'), "{form}");
    insta::assert_snapshot!("twelve_line_note_being_typed_80x24", rows(&buffer).join("\n"));
}

#[test]
fn the_longest_flag_title_wraps_whole_in_the_panel() {
    let rule = content().rulebook.rules().iter().max_by_key(|r| r.title.chars().count()).expect("rules");
    let (answers, visit) = firing(&rule.id);
    let mut app = wizard_with(&answers, visit);
    // Acknowledge nothing, but keep the banner from taking the panel's rows: open its section.
    focus(&mut app, "patient.name");
    let (buffer, _) = render(&app, 80, 24);
    let panel = read_columns(&buffer, 51, 80);
    assert!(panel.contains(&words(&rule.title)), "{}: {panel}", rule.title);
    insta::assert_snapshot!("longest_flag_title_in_the_panel_80x24", rows(&buffer).join("\n"));
}

#[test]
fn every_emergency_banner_says_its_whole_reason() {
    let emergencies: Vec<_> =
        content().rulebook.rules().iter().filter(|r| r.referral == Some(Referral::Emergency)).collect();
    assert!(emergencies.len() >= 8, "the rulebook's emergencies: {}", emergencies.len());
    for rule in emergencies {
        let (answers, visit) = firing(&rule.id);
        let app = wizard_with(&answers, visit);
        let (buffer, _) = render(&app, 80, 24);
        let screen = read_columns(&buffer, 0, 80);
        assert!(
            screen.contains(&words(&format!("REFER EMERGENCY: {}", rule.title))),
            "{}: the whole title is in the banner:\n{}",
            rule.id,
            rows(&buffer).join("\n")
        );
        assert!(screen.contains("Ctrl-A acknowledge"), "{}: and how to acknowledge it", rule.id);
        insta::assert_snapshot!(format!("emergency_banner_{}_80x24", rule.id), rows(&buffer).join("\n"));
    }
}

#[test]
fn space_on_the_chosen_option_keeps_it_and_delete_clears_it() {
    let mut app = wizard_with(&Map::new(), today());
    focus(&mut app, "complaint.condition");
    press(&mut app, KeyCode::Char(' '));
    let first = chosen_value(&app);
    assert!(first.is_some(), "Space chooses");
    press(&mut app, KeyCode::Char(' '));
    assert_eq!(chosen_value(&app), first, "a second Space keeps the answer");
    press(&mut app, KeyCode::Delete);
    assert_eq!(chosen_value(&app), None, "Delete clears it");
}

fn chosen_value(app: &physio_intake::tui::app::App) -> Option<Value> {
    app.session().and_then(|s| s.form.draft_answers(content()).get("complaint.condition").cloned())
}

#[test]
fn keys_wait_while_the_terminal_is_too_small() {
    let mut app = wizard_with(&Map::new(), today());
    focus(&mut app, "patient.name");
    app.too_small = true;
    type_text(&mut app, "Ellis");
    key(&mut app, KeyCode::Char('y'), KeyModifiers::NONE);
    assert_eq!(
        app.session().and_then(|s| s.form.draft_answers(content()).get("patient.name").cloned()),
        None,
        "nothing typed into the hidden form"
    );
    app.too_small = false;
    type_text(&mut app, "Ellis");
    assert_eq!(
        app.session().and_then(|s| s.form.draft_answers(content()).get("patient.name").cloned()),
        Some(Value::String("Ellis".into()))
    );
}

#[test]
fn many_referrals_at_once_leave_the_form_half_the_screen_and_say_what_is_not_shown() {
    // Every emergency's firing answers at once: more banners than half of 24 rows.
    let mut answers = Map::new();
    for rule in content().rulebook.rules().iter().filter(|r| r.referral == Some(Referral::Emergency)) {
        let (fires, _) = firing(&rule.id);
        for (key, value) in fires {
            if key != "visit.date" {
                answers.entry(key).or_insert(value);
            }
        }
    }
    let app = wizard_with(&answers, today());
    assert!(app.banner_flags().len() >= 5, "{} banners", app.banner_flags().len());
    let (buffer, _) = render(&app, 80, 24);
    let shown = rows(&buffer);
    let banner_rows = shown.iter().skip(1).take_while(|row| !row.contains('│')).count();
    assert!(banner_rows <= 12, "the banners keep to half the screen:\n{}", shown.join("\n"));
    assert!(shown.iter().any(|row| row.contains("more banner line(s)") && row.contains("F2")), "{}", shown.join("\n"));
    assert!(shown.iter().any(|row| row.starts_with('›')), "the form still shows its focused question");
}
