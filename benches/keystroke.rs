//! One keystroke as the clinician feels it: update (validate + re-evaluate every rule and the
//! plan) and a full redraw into a 120x40 TestBackend, on a fully answered intake.
//!
//! cargo bench --bench keystroke

use chrono::{NaiveDate, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use physio_intake::content::Content;
use physio_intake::tui::app::{App, Msg, Screen, Session, update};
use physio_intake::tui::form::Form;
use physio_intake::tui::theme::Theme;
use physio_intake::tui::view::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn app_on(section: &str, item: &str) -> App {
    let content = match Content::embedded() {
        Ok(content) => content,
        Err(e) => panic!("{e}"),
    };
    let file: serde_json::Value = match serde_json::from_str(include_str!("../tests/fixtures/full_intake.json")) {
        Ok(v) => v,
        Err(e) => panic!("{e}"),
    };
    let answers = file["answers"].as_object().cloned().unwrap_or_default();
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap_or_default();
    let now = Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).single().unwrap_or_default();
    let mut form = Form::from_answers(content, &answers, today);
    form.section = content.questionnaire.sections.iter().position(|s| s.id == section).unwrap_or(0);
    let item_id = content.questionnaire.id(item);
    form.focus = form.visible_items(content).iter().position(|id| Some(*id) == item_id).unwrap_or(0);
    let mut app = App::new(content, now, today, Box::new(|| Ok("01BENCH0000000000000000000".to_owned())));
    app.screen = Screen::Wizard(Box::new(Session::new(form, "01BENCH0000000000000000001".into(), None)));
    app
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn bench(c: &mut Criterion) {
    let theme = Theme { colour: true };
    let mut terminal = match Terminal::new(TestBackend::new(120, 40)) {
        Ok(t) => t,
        Err(e) => match e {},
    };

    let mut app = app_on("safety", "screen.fever");
    c.bench_function("keystroke: toggle a yes/no (update + evaluate + view 120x40)", |b| {
        b.iter(|| {
            update(&mut app, key(KeyCode::Char(' ')));
            let _ = terminal.draw(|frame| view(&app, theme, frame));
        })
    });

    let mut app = app_on("history", "complaint.description");
    let mut typing = true;
    c.bench_function("keystroke: type in notes (update + evaluate + view 120x40)", |b| {
        b.iter(|| {
            // Alternate a letter and Backspace so the text does not grow without end.
            update(&mut app, key(if typing { KeyCode::Char('a') } else { KeyCode::Backspace }));
            typing = !typing;
            let _ = terminal.draw(|frame| view(&app, theme, frame));
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
