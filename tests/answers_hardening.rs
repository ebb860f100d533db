//! Issue 11, items 10 and 11: an unknown answer key is echoed only when it has the shape of an
//! item id, and text answers refuse control characters (newline and tab only in multi-line
//! items), with errors that name the item, never the value.

use chrono::NaiveDate;
use physio_intake::content::Content;
use physio_intake::domain::{AnswerError, Answers};
use serde_json::{Value, json};

fn content() -> &'static Content {
    Content::embedded().unwrap_or_else(|e| panic!("{e}"))
}

fn parse(answers: Value) -> Result<Answers, Vec<AnswerError>> {
    let Value::Object(map) = answers else { panic!("test answers must be an object") };
    content().parse_answers(&map, NaiveDate::from_ymd_opt(2026, 11, 22).unwrap())
}

fn errors(answers: Value) -> Vec<String> {
    parse(answers).expect_err("must be refused").iter().map(ToString::to_string).collect()
}

#[test]
fn a_key_shaped_like_an_item_id_is_echoed_so_a_typo_can_be_found() {
    let messages = errors(json!({"screen.opne_wound": true}));
    assert_eq!(messages.len(), 1);
    assert!(messages[0].contains("\"screen.opne_wound\""), "{}", messages[0]);
}

#[test]
fn a_key_that_is_not_shaped_like_an_item_id_is_never_echoed() {
    let secret = "Ana Ruiz, DOB 1961-03-04";
    let messages = errors(json!({"pain.now": 3, "visit.clinician": "Jo", (secret): true}));
    assert_eq!(messages.len(), 1, "{messages:?}");
    let message = &messages[0];
    assert!(!message.contains("Ana") && !message.contains("1961"), "the key was echoed: {message}");
    assert!(message.contains("an unknown item (key 3 in the file)"), "{message}");
    // Capitals, spaces, very long keys and non-ASCII are not item ids either.
    for key in ["Patient.Name", "ana ruiz", "ñandú", &"a".repeat(80), "pain.now\u{1b}[2J"] {
        let messages = errors(json!({ key: 1 }));
        assert!(!messages[0].contains(key), "{key:?} was echoed: {}", messages[0]);
        assert!(messages[0].contains("key 1 in the file"), "{}", messages[0]);
    }
}

#[test]
fn control_characters_in_a_one_line_text_are_refused_naming_the_item_not_the_value() {
    for bad in ["Ana\u{1b}[2JRuiz", "Ana\u{0}Ruiz", "Ana\nRuiz", "Ana\tRuiz", "Ana\u{7f}", "Ana\u{9b}31m", "Ana\rRuiz"]
    {
        let messages = errors(json!({"patient.name": bad}));
        assert_eq!(messages.len(), 1, "{bad:?}: {messages:?}");
        assert!(messages[0].contains("patient.name") && messages[0].contains("control character"), "{}", messages[0]);
        assert!(!messages[0].contains("Ana"), "the value was repeated: {}", messages[0]);
    }
    assert!(parse(json!({"patient.name": "Ana Ruiz-Núñez"})).is_ok());
}

#[test]
fn a_multi_line_text_keeps_newlines_and_tabs_and_refuses_other_controls() {
    assert!(parse(json!({"decision.notes": "line one\n\tline two\n"})).is_ok());
    assert!(parse(json!({"decision.notes": "written on Windows\r\nsecond line"})).is_ok(), "CRLF is a line break");
    for bad in ["notes\u{1b}]0;title\u{7}", "notes\u{0}", "a\rb", "trailing\r"] {
        let messages = errors(json!({"decision.notes": bad}));
        assert!(messages[0].contains("decision.notes") && messages[0].contains("control character"), "{}", messages[0]);
        assert!(!messages[0].contains("notes\u{1b}") && !messages[0].contains("a\r"), "{}", messages[0]);
    }
}
