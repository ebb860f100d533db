//! Evaluation of a fully answered intake (every section, several flags, the plan): it runs on
//! every keystroke of the form, so it must stay in microseconds.
//!
//! cargo bench --bench evaluate

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use physio_intake::content::Content;
use physio_intake::report::Report;
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let content = match Content::embedded() {
        Ok(content) => content,
        Err(e) => panic!("{e}"),
    };
    let file: serde_json::Value = match serde_json::from_str(include_str!("../tests/fixtures/full_intake.json")) {
        Ok(v) => v,
        Err(e) => panic!("fixture: {e}"),
    };
    let Some(object) = file["answers"].as_object() else { panic!("fixture has no answers object") };
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap_or_default();
    let answers = match content.parse_answers(object, today) {
        Ok(a) => a,
        Err(e) => panic!("fixture answers invalid: {e:?}"),
    };
    let flags = content.evaluate(&answers).flags.len();
    assert!(flags >= 8, "the fixture should raise several flags, raised {flags}");

    c.bench_function("evaluate full intake (flags + plan)", |b| b.iter(|| content.evaluate(black_box(&answers))));
    c.bench_function("evaluate full intake + report", |b| {
        b.iter(|| Report::new(content, &content.evaluate(black_box(&answers))))
    });
    c.bench_function("parse + validate full intake answers", |b| {
        b.iter(|| content.parse_answers(black_box(object), today))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
