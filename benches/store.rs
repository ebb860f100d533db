//! The record store at 1,000, 10,000 and (with PHYSIO_BENCH_RECORDS=100000) 100,000 records:
//!
//! - `save`: one save of a record revision (write, fsync, rename, fsync the folder) and its index
//!   update (one journal line), in a folder of N records: flat means the index update does not
//!   grow with N;
//! - `list warm`: `Store::list` when nothing changed since the last list (index trusted as it is);
//! - `list after a save`: the first list after a save (every file's stamp checked, one file read);
//! - `list rebuilt`: no index at all (every record read);
//! - `filter`: the records filter per keystroke (`RecordFilter`), a first key over the whole list
//!   and each key of a typed query narrowing the last answer.
//!
//! cargo bench --bench store
//! PHYSIO_BENCH_RECORDS=100000 cargo bench --bench store      (1,000, 10,000 and 100,000)
//! The filled data folders are kept in target/bench-data/.

mod support;

use chrono::Utc;
use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};
use physio_intake::record::{Decoded, Record, Revision, Status};
use physio_intake::store::lock::Holder;
use physio_intake::store::search::RecordFilter;
use physio_intake::store::{Store, new_id};
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;
use support::content;

fn listed(store: &Store) -> usize {
    store.list(content()).map(|l| l.records.len()).unwrap_or(0)
}

/// A kept data folder of `count` records, plus one in-progress record to save again and again.
fn prepared(count: usize) -> (Store, Record) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench-data/records-{count}"));
    let store = support::store_at(&path, count);
    let answers = support::content()
        .parse_answers(
            serde_json::json!({"patient.name": "Saved Again", "visit.date": "2026-11-22", "pain.now": 3})
                .as_object()
                .unwrap_or(&Default::default()),
            chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap_or_default(),
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
    let record =
        Record::new(content(), new_id(Utc::now()).unwrap_or_default(), &answers, Status::InProgress, Utc::now());
    if let Err(e) = store.create(&record) {
        panic!("{e}");
    }
    assert!(listed(&store) > count, "every record listed");
    std::thread::sleep(Duration::from_millis(120));
    listed(&store); // the folder recorded as settled
    (store, record)
}

fn save(store: &Store, record: &mut Record) {
    let editing = match store.edit(&record.id, &Holder::this_process(Utc::now())) {
        Ok(Ok(editing)) => editing,
        _ => panic!("the record can be edited"),
    };
    let answers = record.parsed_answers(content()).unwrap_or_else(|e| panic!("{e:?}"));
    let next = record.revise(content(), &answers, Revision::Draft, Utc::now());
    if let Err(e) = store.save(&editing, &next, content()) {
        panic!("{e}");
    }
    *record = next;
}

fn bench(c: &mut Criterion) {
    for count in support::counts() {
        let (store, mut record) = prepared(count);
        let mut group = c.benchmark_group("save");
        group.sample_size(20);
        let editing = match store.edit(&record.id, &Holder::this_process(Utc::now())) {
            Ok(Ok(editing)) => editing,
            _ => panic!("the record can be edited"),
        };
        let answers = record.parsed_answers(content()).unwrap_or_else(|e| panic!("{e:?}"));
        group.bench_function(BenchmarkId::new("one revision, fsync + journal line", count), |b| {
            b.iter(|| {
                let next = record.revise(content(), &answers, Revision::Draft, Utc::now());
                if let Err(e) = store.save(&editing, &next, content()) {
                    panic!("{e}");
                }
                record = next;
            })
        });
        drop(editing);
        group.finish();
        if let Ok(Decoded::Current(on_disk)) = store.load(&record.id, content()) {
            record = *on_disk;
        }

        let mut group = c.benchmark_group("list");
        group.sample_size(20);
        std::thread::sleep(Duration::from_millis(120));
        listed(&store);
        group.bench_function(BenchmarkId::new("warm", count), |b| b.iter(|| black_box(store.list(content()))));
        group.sample_size(10);
        group.bench_function(BenchmarkId::new("after a save", count), |b| {
            b.iter_batched(
                || {
                    save(&store, &mut record);
                    std::thread::sleep(Duration::from_millis(60));
                },
                |()| black_box(store.list(content())),
                BatchSize::PerIteration,
            )
        });
        if count <= 10_000 {
            group.bench_function(BenchmarkId::new("rebuilt", count), |b| {
                b.iter_batched(
                    || {
                        let _ = std::fs::remove_file(store.records_dir().join("index.json"));
                    },
                    |()| black_box(store.list(content())),
                    BatchSize::PerIteration,
                )
            });
        }
        group.finish();

        let entries = match store.list(content()) {
            Ok(listing) => listing.records,
            Err(e) => panic!("{e}"),
        };
        let mut group = c.benchmark_group("filter");
        group.sample_size(30);
        group.bench_function(BenchmarkId::new("build", count), |b| b.iter(|| black_box(RecordFilter::new(&entries))));
        let filter = RecordFilter::new(&entries);
        group.bench_function(BenchmarkId::new("first key, whole list", count), |b| {
            b.iter(|| black_box(filter.matching("a")))
        });
        // Each key of a query as it is typed, narrowing the last answer (time per key).
        let typed = ["r", "ru", "rui", "ruiz", "ruiz ", "ruiz 2", "ruiz 20", "ruiz 201"];
        group.bench_function(BenchmarkId::new("typed query, 8 keys (time for all 8)", count), |b| {
            b.iter_batched(
                || filter.clone(),
                |mut filter| {
                    for query in typed {
                        black_box(filter.matching_from(query));
                    }
                },
                BatchSize::LargeInput,
            )
        });
        group.bench_function(BenchmarkId::new("worst key: a two-word query afresh", count), |b| {
            b.iter(|| black_box(filter.matching("ana 2019")))
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
