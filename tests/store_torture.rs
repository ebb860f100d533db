//! kill -9 torture (reliability.md §6, T1): a child process saves one record (and its draft) in a
//! loop and says `ACK <revision>` after each save returns; the parent kills it with SIGKILL at a
//! random moment, then opens the store as the next start would and checks that every file loads,
//! that no acknowledged save was lost, that the leftovers of the killed save are swept, and that
//! every file is 0600 and every folder 0700 (the child runs under umask 000).
//!
//! The child is this test binary, re-executed to run only `torture_child`, which does nothing
//! unless `PHYSIO_TORTURE_DIR` is set. A negative control runs the same harness against a naive
//! writer (truncate, then write in pieces) and must see unreadable files, or the harness proves
//! nothing.
//!
//! The normal run does 300 kills (`PHYSIO_TORTURE_KILLS` overrides); the long run is
//! `PHYSIO_TORTURE_KILLS=10000 cargo test --release --test store_torture -- --ignored --nocapture`.
//! `PHYSIO_TORTURE_SEED` replays a run's random delays.

use chrono::{NaiveDate, Utc};
use physio_intake::content::Content;
use physio_intake::domain::Answers;
use physio_intake::record::{self, Decoded, Draft, Record, Revision, Status};
use physio_intake::store::lock::Holder;
use physio_intake::store::{Store, StoreError, new_id};
use serde_json::{Map, Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const DIR_VAR: &str = "PHYSIO_TORTURE_DIR";
const ID_VAR: &str = "PHYSIO_TORTURE_ID";
const DRAFT_VAR: &str = "PHYSIO_TORTURE_DRAFT";
const MODE_VAR: &str = "PHYSIO_TORTURE_MODE";

fn content() -> &'static Content {
    Content::embedded().unwrap_or_else(|e| panic!("{e}"))
}

fn visit_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

fn base_answers() -> Map<String, Value> {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/full_intake.json")).unwrap();
    let value: Value = serde_json::from_str(&text).unwrap();
    value["answers"].as_object().unwrap().clone()
}

/// The answers of revision `revision` as a record stores them.
fn answers_json(base: &Map<String, Value>, revision: u32) -> Map<String, Value> {
    answers_for(base, revision).to_json(&content().questionnaire, &content().regions)
}

/// The full intake, with two answers that say which revision they belong to (so a file that
/// mixed two saves would show it).
fn answers_typed(base: &Map<String, Value>, revision: u32) -> Map<String, Value> {
    let mut answers = base.clone();
    answers.insert("pain.now".into(), json!(revision % 11));
    answers.insert("complaint.description".into(), json!(format!("torture revision {revision}")));
    answers
}

fn answers_for(base: &Map<String, Value>, revision: u32) -> Answers {
    content().parse_answers(&answers_typed(base, revision), visit_day()).unwrap_or_else(|e| panic!("{e:?}"))
}

// --- The child ----------------------------------------------------------------------------------

/// One line to the parent; if the parent is gone, stop.
fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{line}").and_then(|()| out.flush()).is_err() {
        std::process::exit(0);
    }
}

#[test]
#[ignore = "the child process of the torture tests: does nothing unless PHYSIO_TORTURE_DIR is set"]
fn torture_child() {
    let Some(dir) = std::env::var_os(DIR_VAR) else { return };
    let dir = PathBuf::from(dir);
    let id = std::env::var(ID_VAR).expect("record id");
    let draft_id = std::env::var(DRAFT_VAR).expect("draft id");
    let base = base_answers();
    let deadline = Instant::now() + Duration::from_secs(60); // if the parent never kills us
    say(""); // end the test harness's "test torture_child ... " line
    if std::env::var(MODE_VAR).as_deref() == Ok("naive") {
        return naive_child(&dir, id, &base, deadline);
    }
    let store = Store::open(&dir).unwrap_or_else(|e| panic!("CHILD: open: {e}"));
    let mut current = match store.load(&id, content()) {
        Ok(Decoded::Current(record)) => *record,
        Err(StoreError::NotFound(_)) => {
            let record = Record::new(content(), id.clone(), &answers_for(&base, 1), Status::InProgress, Utc::now());
            store.create(&record).unwrap_or_else(|e| panic!("CHILD: create: {e}"));
            say("ACK 1");
            record
        }
        other => panic!("CHILD: the record does not load: {other:?}"),
    };
    let editing = match store.edit(&id, &Holder::this_process(Utc::now())) {
        Ok(Ok(editing)) => editing,
        other => panic!("CHILD: the record cannot be opened for editing: {other:?}"),
    };
    say("READY");
    while Instant::now() < deadline {
        let revision = current.revision + 1;
        let next = current.revise(content(), &answers_for(&base, revision), Revision::Draft, Utc::now());
        store.save(&editing, &next, content()).unwrap_or_else(|e| panic!("CHILD: save of revision {revision}: {e}"));
        current = next;
        say(&format!("ACK {revision}"));
        let mut draft = Draft::new(draft_id.clone(), Some(id.clone()), Some(revision), Utc::now());
        draft.section = Some("pain".into());
        draft.answers = answers_json(&base, revision);
        store.save_draft(&draft).unwrap_or_else(|e| panic!("CHILD: draft of revision {revision}: {e}"));
        say(&format!("DRAFT {revision}"));
    }
}

/// The negative control: what the store must not do. Truncate the record file, then write it in
/// small pieces, so a kill can leave it half written.
fn naive_child(dir: &Path, id: String, base: &Map<String, Value>, deadline: Instant) {
    std::fs::create_dir_all(dir.join("records")).unwrap();
    let path = dir.join("records").join(format!("{id}.json"));
    let mut current = Record::new(content(), id, &answers_for(base, 1), Status::InProgress, Utc::now());
    say("READY");
    while Instant::now() < deadline {
        let bytes = current.to_bytes().unwrap();
        let mut file = std::fs::File::create(&path).unwrap();
        for piece in bytes.chunks(64) {
            file.write_all(piece).unwrap();
        }
        drop(file);
        say(&format!("ACK {}", current.revision));
        current = current.revise(content(), &answers_for(base, current.revision + 1), Revision::Draft, Utc::now());
    }
}

// --- The parent ---------------------------------------------------------------------------------

/// Small xorshift PRNG (no crates), seeded from the clock unless `PHYSIO_TORTURE_SEED` is set.
struct XorShift(u64);

impl XorShift {
    fn seeded() -> (XorShift, u64) {
        let seed = std::env::var("PHYSIO_TORTURE_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64)
        });
        (XorShift(seed.max(1)), seed)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low + 1)
    }
}

fn kills_wanted(default: usize) -> usize {
    std::env::var("PHYSIO_TORTURE_KILLS").ok().and_then(|s| s.parse().ok()).unwrap_or(default)
}

/// What one child said before it died.
struct Run {
    /// Highest `ACK <revision>`: a record save that returned Ok.
    acked: Option<u32>,
    /// Highest `DRAFT <revision>`: a draft save that returned Ok.
    drafted: Option<u32>,
    saves: usize,
    reached_ready: bool,
}

/// Start a child under umask 000, let it run until READY (or, with `early`, not even that) plus
/// a random 1–30 ms, kill it with SIGKILL and collect what it acknowledged.
fn run_child(data: &Path, id: &str, draft_id: &str, mode: &str, rng: &mut XorShift, early: bool) -> Run {
    let exe = std::env::current_exe().unwrap();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg("umask 000; exec \"$0\" \"$@\"")
        .arg(&exe)
        .args(["--exact", "torture_child", "--ignored", "--nocapture", "--test-threads=1"])
        .env(DIR_VAR, data)
        .env(ID_VAR, id)
        .env(DRAFT_VAR, draft_id)
        .env(MODE_VAR, mode)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the child starts");
    let stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let (lines_tx, lines) = mpsc::channel::<String>();
    let reader = std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        // Only whole lines count: a line cut by the kill was not acknowledged.
        while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
            if line.ends_with('\n') {
                let _ = lines_tx.send(line.trim_end().to_owned());
            }
            line.clear();
        }
    });
    let errors = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let mut said = Vec::new();
    let mut reached_ready = false;
    if !early {
        let deadline = Instant::now() + Duration::from_secs(60);
        while !reached_ready {
            match lines.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(line) => {
                    reached_ready = line == "READY";
                    said.push(line);
                }
                Err(_) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    let last = &said[said.len().saturating_sub(5)..];
                    panic!("the child never got ready; it said ... {last:?} and {}", errors.join().unwrap_or_default());
                }
            }
        }
    }
    if !early {
        // Let the child acknowledge 0 to 2 saves first, however loaded the machine: a kill is
        // placed by the child's progress, not by the wall clock, so on a slow shared machine the
        // kills still land among saves rather than all before the first.
        let wanted = rng.between(0, 2) as usize;
        let deadline = Instant::now() + Duration::from_secs(60);
        while said.iter().filter(|l| l.starts_with("ACK ")).count() < wanted {
            match lines.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(line) => said.push(line),
                Err(_) => break,
            }
        }
    }
    std::thread::sleep(Duration::from_millis(rng.between(1, 30)));
    child.kill().expect("SIGKILL");
    let status = child.wait().unwrap();
    reader.join().unwrap();
    said.extend(lines.try_iter());
    let errors = errors.join().unwrap_or_default();
    let last = &said[said.len().saturating_sub(5)..];
    assert_eq!(status.signal(), Some(9), "the child ended by itself ({status}): it said ... {last:?} and {errors}");
    let highest = |prefix: &str| said.iter().filter_map(|l| l.strip_prefix(prefix)?.parse::<u32>().ok()).max();
    Run {
        acked: highest("ACK "),
        drafted: highest("DRAFT "),
        saves: said.iter().filter(|l| l.starts_with("ACK ")).count(),
        reached_ready: reached_ready || said.iter().any(|l| l == "READY"),
    }
}

/// Every file and folder under `root` (not following links).
fn walk(root: &Path) -> Vec<(PathBuf, std::fs::Metadata)> {
    let mut found = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let metadata = entry.path().symlink_metadata().unwrap();
            if metadata.is_dir() {
                pending.push(entry.path());
            }
            found.push((entry.path(), metadata));
        }
    }
    found
}

/// Folders 0700, files 0600, nothing else (no links, no sockets).
fn check_modes(root: &Path, kill: usize) {
    assert_eq!(root.metadata().unwrap().permissions().mode() & 0o7777, 0o700, "kill {kill}: {}", root.display());
    for (path, metadata) in walk(root) {
        let mode = metadata.permissions().mode() & 0o7777;
        if metadata.is_dir() {
            assert_eq!(mode, 0o700, "kill {kill}: {} is {mode:o}", path.display());
        } else {
            assert!(metadata.is_file(), "kill {kill}: {} is neither file nor folder", path.display());
            assert_eq!(mode, 0o600, "kill {kill}: {} is {mode:o}", path.display());
        }
    }
}

fn temporary_files(root: &Path) -> Vec<PathBuf> {
    walk(root)
        .into_iter()
        .map(|(path, _)| path)
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(".tmp-")))
        .collect()
}

#[derive(Default)]
struct Summary {
    kills: usize,
    early_kills: usize,
    saves_acknowledged: usize,
    max_revision: u32,
    unacknowledged_saves_found: usize,
    leftovers_swept: usize,
    unreadable: usize,
    lost_acks: usize,
    first_failure: Option<String>,
}

/// `kills` rounds of start, save in a loop, SIGKILL, check, all on one data directory.
fn torture(kills: usize) -> Summary {
    let started = Instant::now();
    let (mut rng, seed) = XorShift::seeded();
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data"); // made by the child, under umask 000
    let id = new_id(Utc::now()).unwrap();
    let draft_id = new_id(Utc::now()).unwrap();
    let base = base_answers();
    let mut summary = Summary::default();
    // What is known to be on disk: the record's and the draft's revision after the last check.
    let mut on_disk = 0u32;
    let mut draft_on_disk = 0u32;
    for kill in 1..=kills {
        let early = rng.between(0, 7) == 0; // one kill in eight lands anywhere from the start
        let run = run_child(&data, &id, &draft_id, "store", &mut rng, early);
        summary.kills += 1;
        summary.early_kills += usize::from(!run.reached_ready);
        summary.saves_acknowledged += run.saves;
        if !data.exists() {
            assert_eq!((on_disk, run.acked), (0, None), "kill {kill}: the data folder vanished");
            continue;
        }
        // Before the next start sweeps: the killed save's leftovers are private too.
        check_modes(&data, kill);
        let leftovers = temporary_files(&data);
        let store = Store::open(&data).unwrap();
        assert_eq!(temporary_files(&data), Vec::<PathBuf>::new(), "kill {kill}: opening the store sweeps leftovers");
        summary.leftovers_swept += leftovers.len();

        // The record: loads, and holds the last acknowledged save or the one after it (killed
        // between the rename and the ACK), never less.
        let floor = on_disk.max(run.acked.unwrap_or(0));
        let revision = match store.load(&id, content()) {
            Ok(Decoded::Current(record)) => {
                assert_eq!(record.status, Status::InProgress);
                assert_eq!(
                    Value::Object(record.answers.clone()),
                    Value::Object(answers_json(&base, record.revision)),
                    "kill {kill}: the answers belong to revision {}",
                    record.revision
                );
                record.revision
            }
            Err(StoreError::NotFound(_)) if floor == 0 => 0,
            other => {
                summary.unreadable += 1;
                summary.first_failure = Some(format!("kill {kill} (seed {seed}): the record does not load: {other:?}"));
                break;
            }
        };
        if revision < floor {
            summary.lost_acks += 1;
            summary.first_failure = Some(format!(
                "kill {kill} (seed {seed}): acknowledged revision {floor} lost; the file holds {revision}"
            ));
            break;
        }
        assert!(revision <= floor + 1, "kill {kill}: revision {revision} was never saved (last ACK {floor})");
        summary.unacknowledged_saves_found += usize::from(revision == floor + 1);
        on_disk = revision;
        summary.max_revision = summary.max_revision.max(revision);

        // The draft: the same, one save behind the record at most.
        let draft_floor = draft_on_disk.max(run.drafted.unwrap_or(0));
        match store.load_draft(&draft_id) {
            Ok(draft) => {
                let saved = draft.base_revision.expect("base revision");
                assert!(
                    saved >= draft_floor,
                    "kill {kill}: acknowledged draft {draft_floor} lost; the file holds {saved}"
                );
                // A draft is written only after the record save of the same revision, so it can be
                // ahead of the last DRAFT line (several saves when a run printed none) but never
                // ahead of the record.
                assert!(saved <= revision, "kill {kill}: draft {saved} is ahead of the record ({revision})");
                assert_eq!(draft.answers, answers_json(&base, saved), "kill {kill}: draft answers");
                draft_on_disk = saved;
            }
            Err(StoreError::NotFound(_)) if draft_floor == 0 => {}
            Err(e) => {
                summary.unreadable += 1;
                summary.first_failure = Some(format!("kill {kill} (seed {seed}): the draft does not load: {e}"));
                break;
            }
        }

        // The list: nothing quarantined, the record at the revision on disk (the index is not stale).
        let listing = store.list(content()).unwrap();
        assert!(listing.quarantined.is_empty(), "kill {kill}: quarantined {:?}", listing.quarantined);
        let listed: Vec<(String, u32, bool)> =
            listing.records.iter().map(|r| (r.id.clone(), r.revision, r.read_only)).collect();
        let expected = if revision == 0 { vec![] } else { vec![(id.clone(), revision, false)] };
        assert_eq!(listed, expected, "kill {kill}: list");
        assert_eq!(
            std::fs::read_dir(store.history_dir()).unwrap().count(),
            0,
            "kill {kill}: in-progress saves keep no history"
        );

        // The killed editor's lock died with it.
        if revision > 0 {
            let lock = store.edit(&id, &Holder::this_process(Utc::now())).unwrap();
            assert!(lock.is_ok(), "kill {kill}: the lock outlived its process: {:?}", lock.err());
        }
        check_modes(&data, kill);
    }
    eprintln!(
        "torture: {} kills ({} before the child was ready), {} saves acknowledged, max revision {}, {} saves found done but unacknowledged, {} leftover temporary files (all 0600) swept, unreadable {}, acknowledged saves lost {}, in {:.1} s (seed {seed})",
        summary.kills,
        summary.early_kills,
        summary.saves_acknowledged,
        summary.max_revision,
        summary.unacknowledged_saves_found,
        summary.leftovers_swept,
        summary.unreadable,
        summary.lost_acks,
        started.elapsed().as_secs_f64()
    );
    summary
}

#[test]
fn kill_9_during_saves_never_leaves_an_unreadable_record_or_loses_an_acknowledged_save() {
    let kills = kills_wanted(300);
    let summary = torture(kills);
    assert_eq!(summary.first_failure, None);
    assert_eq!((summary.kills, summary.unreadable, summary.lost_acks), (kills, 0, 0));
    // A kill lands mid-save only if the children get to save: on a loaded 2-core machine they
    // save less between kills, so ask for half as many acknowledged saves as kills, not more.
    assert!(summary.saves_acknowledged * 2 > kills, "the children saved too little for the kills to mean anything");
}

#[test]
#[ignore = "10,000 kills (several minutes): PHYSIO_TORTURE_KILLS=10000 cargo test --release --test store_torture -- --ignored --nocapture"]
fn kill_9_torture_ten_thousand_kills() {
    let kills = kills_wanted(10_000);
    let summary = torture(kills);
    assert_eq!(summary.first_failure, None);
    assert_eq!((summary.kills, summary.unreadable, summary.lost_acks), (kills, 0, 0));
}

/// The harness can see what it looks for: a writer that truncates and then writes in pieces
/// leaves unreadable files when killed.
#[test]
fn negative_control_a_naive_writer_is_caught_leaving_unreadable_files() {
    let (mut rng, seed) = XorShift::seeded();
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    let id = new_id(Utc::now()).unwrap();
    let path = data.join("records").join(format!("{id}.json"));
    let kills = 40;
    let mut unreadable = 0;
    for _ in 0..kills {
        run_child(&data, &id, &id, "naive", &mut rng, false);
        let bytes = std::fs::read(&path).unwrap();
        if !matches!(record::decode(&bytes, Some(&id), content()), Ok(Decoded::Current(_))) {
            unreadable += 1;
        }
    }
    eprintln!("negative control: naive writer, {kills} kills, {unreadable} unreadable (seed {seed})");
    assert!(unreadable > 0, "the harness did not catch a single torn write in {kills} kills (seed {seed})");
}
