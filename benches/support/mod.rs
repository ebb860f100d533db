//! Shared by the benches: a data folder filled with realistic records, written directly (no
//! fsync) to keep set-up short, and the record counts to measure at.

#![allow(dead_code)]

use chrono::{Duration, TimeZone, Utc};
use physio_intake::content::Content;
use physio_intake::record::{Record, Status};
use physio_intake::store::{Store, new_id};
use serde_json::json;

pub fn content() -> &'static Content {
    match Content::embedded() {
        Ok(content) => content,
        Err(e) => panic!("{e}"),
    }
}

/// 1,000 and 10,000 records; 100,000 too when `PHYSIO_BENCH_RECORDS` says so (its set-up takes
/// a minute), or only the count it gives.
pub fn counts() -> Vec<usize> {
    match std::env::var("PHYSIO_BENCH_RECORDS").ok().and_then(|v| v.parse().ok()) {
        Some(100_000) => vec![1_000, 10_000, 100_000],
        Some(count) => vec![count],
        None => vec![1_000, 10_000],
    }
}

/// Write `count` records into the store's records folder.
pub fn fill(store: &Store, count: usize, status: Status) {
    let start = Utc.with_ymd_and_hms(2016, 1, 1, 9, 0, 0).single().unwrap_or_default();
    let first_names = ["Ana", "Ben", "Chloé", "Dmitri", "Eve", "Farah", "Günter", "Hana", "Ivan", "Jo"];
    let last_names = ["Ruiz", "Smith", "Okafor", "Nguyen", "Müller", "Kowalski", "Tanaka", "Silva", "Haddad"];
    for n in 0..count {
        let when = start + Duration::minutes(n as i64 * 47);
        let name = format!("{} {} {n}", first_names[n % first_names.len()], last_names[(n / 10) % last_names.len()]);
        let answers = json!({
            "patient.name": name, "visit.date": when.format("%Y-%m-%d").to_string(),
            "visit.consent": true, "pain.now": (n % 11) as i64, "complaint.condition": "low_back_pain",
            "screen.open_wound": n % 3 == 0, "screen.open_wound.regions": ["lower_leg_r"],
            "meds.anticoagulant": n % 5 == 0, "decision.outcome": "proceed",
        });
        let answers =
            match content().parse_answers(answers.as_object().unwrap_or(&Default::default()), when.date_naive()) {
                Ok(a) => a,
                Err(e) => panic!("{e:?}"),
            };
        let id = new_id(when).unwrap_or_default();
        let record = Record::new(content(), id, &answers, status, when);
        let bytes = record.to_bytes().unwrap_or_default();
        if let Err(e) = std::fs::write(store.records_dir().join(format!("{}.json", record.id)), bytes) {
            panic!("{e}");
        }
    }
}

/// A new data folder with `count` records.
pub fn filled_store(count: usize, status: Status) -> (tempfile::TempDir, Store) {
    let dir = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(e) => panic!("temp dir: {e}"),
    };
    let store = match Store::open(dir.path()) {
        Ok(store) => store,
        Err(e) => panic!("{e}"),
    };
    fill(&store, count, status);
    (dir, store)
}

/// `filled_store` at a fixed path (for whole-process runs), or reuse one already filled.
pub fn store_at(path: &std::path::Path, count: usize) -> Store {
    let store = match Store::open(path) {
        Ok(store) => store,
        Err(e) => panic!("{e}"),
    };
    let have = std::fs::read_dir(store.records_dir())
        .map(|d| {
            d.flatten()
                .filter(|e| e.file_name().to_str().is_some_and(|n| n.ends_with(".json") && n != "index.json"))
                .count()
        })
        .unwrap_or(0);
    // Reused when it holds at least that many (each run's imports add a few).
    if have < count || (count == 0 && have > 0) {
        let _ = std::fs::remove_dir_all(path);
        let store = match Store::open(path) {
            Ok(store) => store,
            Err(e) => panic!("{e}"),
        };
        fill(&store, count, Status::Completed);
        return store;
    }
    store
}
