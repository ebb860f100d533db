//! The record store: `list` over many records (the index warm, and rebuilt from scratch), and the
//! latency of one durable save (write, fsync, rename, fsync the directory).
//!
//! cargo bench --bench store
//! PHYSIO_BENCH_RECORDS=100000 cargo bench --bench store -- list   (growth check)

use chrono::{Duration, TimeZone, Utc};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use physio_intake::content::Content;
use physio_intake::record::{Record, Revision, Status};
use physio_intake::store::lock::Holder;
use physio_intake::store::{Store, new_id};
use serde_json::json;
use std::hint::black_box;

fn content() -> &'static Content {
    match Content::embedded() {
        Ok(content) => content,
        Err(e) => panic!("{e}"),
    }
}

/// Fill a store with `count` realistic records, written directly (no fsync) to keep set-up short.
fn filled_store(count: usize, status: Status) -> (tempfile::TempDir, Store) {
    let dir = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(e) => panic!("temp dir: {e}"),
    };
    let store = match Store::open(dir.path()) {
        Ok(store) => store,
        Err(e) => panic!("{e}"),
    };
    let start = Utc.with_ymd_and_hms(2024, 1, 1, 9, 0, 0).single().unwrap_or_default();
    for n in 0..count {
        let when = start + Duration::minutes(n as i64 * 7);
        let answers = json!({
            "patient.name": format!("Patient {n}"), "visit.date": when.format("%Y-%m-%d").to_string(),
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
    (dir, store)
}

fn bench(c: &mut Criterion) {
    let count: usize = std::env::var("PHYSIO_BENCH_RECORDS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let (_dir, store) = filled_store(count, Status::Completed);
    let listed = store.list(content()).map(|l| l.records.len()).unwrap_or(0);
    assert_eq!(listed, count, "every record listed");

    let mut group = c.benchmark_group("list");
    group.sample_size(20);
    group.bench_function(format!("{count} records, index warm"), |b| b.iter(|| black_box(store.list(content()))));
    group.sample_size(10);
    group.bench_function(format!("{count} records, index rebuilt"), |b| {
        b.iter_batched(
            || {
                let _ = std::fs::remove_file(store.records_dir().join("index.json"));
            },
            |()| black_box(store.list(content())),
            BatchSize::PerIteration,
        )
    });
    group.finish();

    // An in-progress record: each save is one write (an amendment would also write history).
    let (_save_dir, save_store) = filled_store(1, Status::InProgress);
    let id = save_store.list(content()).ok().and_then(|l| l.records.first().map(|r| r.id.clone())).unwrap_or_default();
    let mut record = match save_store.load(&id, content()) {
        Ok(physio_intake::record::Decoded::Current(record)) => *record,
        _ => panic!("the record loads"),
    };
    let editing = match save_store.edit(&id, &Holder::this_process(Utc::now())) {
        Ok(Ok(editing)) => editing,
        _ => panic!("the record can be edited"),
    };
    let answers = match record.parsed_answers(content()) {
        Ok(a) => a,
        Err(e) => panic!("{e:?}"),
    };
    c.bench_function("save one record revision (fsync + rename + dir fsync)", |b| {
        b.iter(|| {
            let next = record.revise(content(), &answers, Revision::Draft, Utc::now());
            if let Err(e) = save_store.save(&editing, &next, content()) {
                panic!("{e}");
            }
            record = next;
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
