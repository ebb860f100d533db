//! Whole-process checks (issue 15), each beside a baseline measured in the same run, rounds
//! interleaved so that a busy machine slows both sides alike. Medians, and their ratios:
//!
//! - `import` of one record into a data folder of N records vs into an empty one;
//! - `list --format json` of N records (output read through a pipe), the index warm;
//! - the app's first frame (80x24, in a pseudo-terminal) at 0 and N records vs a bare ratatui
//!   app's (examples/bare_first_frame.rs): from spawn until the screen shows the frame.
//!
//! cargo bench --bench startup                                (1,000 and 10,000 records)
//! PHYSIO_BENCH_RECORDS=100000 cargo bench --bench startup    (and 100,000)
//! PHYSIO_STARTUP_ROUNDS=31 sets the rounds (default 21). The filled data folders are kept in
//! target/bench-data/ so the next run need not write them again.

mod support;

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_physio-intake");

fn bare_binary() -> PathBuf {
    let path = Path::new(BIN).with_file_name("examples").join("bare_first_frame");
    if !path.exists() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let built = Command::new(cargo)
            .args(["build", "--release", "--example", "bare_first_frame"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status();
        assert!(built.is_ok_and(|s| s.success()), "cargo build --release --example bare_first_frame");
    }
    path
}

fn answers_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/full_intake.json")
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

/// One whole `physio-intake` run, its standard output read through a pipe.
fn run(data: &Path, args: &[&str]) -> Duration {
    let started = Instant::now();
    let output =
        Command::new(BIN).arg("--data-dir").arg(data).args(args).stdin(Stdio::null()).stderr(Stdio::inherit()).output();
    let elapsed = started.elapsed();
    match output {
        Ok(out) if out.status.success() => elapsed,
        Ok(out) => panic!("{args:?} failed: {}", out.status),
        Err(e) => panic!("{args:?}: {e}"),
    }
}

fn import(data: &Path) -> Duration {
    let file = answers_file();
    run(data, &["import", file.to_str().unwrap_or_default(), "--status", "in_progress"])
}

/// Spawn `program args` in an 80x24 pseudo-terminal; the time until the screen shows `marker`.
fn first_frame(program: &Path, args: &[&std::ffi::OsStr], marker: &str) -> Duration {
    let pair = match native_pty_system().openpty(PtySize { rows: 24, cols: 80, pixel_width: 0, pixel_height: 0 }) {
        Ok(pair) => pair,
        Err(e) => panic!("a pseudo-terminal: {e}"),
    };
    let mut command = CommandBuilder::new(program);
    command.args(args);
    command.env("TERM", "xterm-256color");
    command.env_remove("PHYSIO_INTAKE_DATA_DIR");
    let parser = Arc::new(Mutex::new(vt100::Parser::new(
        std::num::NonZeroU16::MIN.saturating_add(23),
        std::num::NonZeroU16::MIN.saturating_add(79),
        0,
    )));
    let started = Instant::now();
    let mut child = match pair.slave.spawn_command(command) {
        Ok(child) => child,
        Err(e) => panic!("spawn: {e}"),
    };
    drop(pair.slave);
    let mut reader = match pair.master.try_clone_reader() {
        Ok(reader) => reader,
        Err(e) => panic!("reader: {e}"),
    };
    let seen: Arc<Mutex<Option<Duration>>> = Arc::new(Mutex::new(None));
    let (to_parser, to_seen, marker_owned) = (Arc::clone(&parser), Arc::clone(&seen), marker.to_owned());
    let reading = std::thread::spawn(move || {
        let mut buffer = [0u8; 16384];
        while let Ok(n @ 1..) = reader.read(&mut buffer) {
            let Ok(mut parser) = to_parser.lock() else { break };
            parser.process(&buffer[..n]);
            if parser.screen().contents().contains(&marker_owned)
                && let Ok(mut seen) = to_seen.lock()
                && seen.is_none()
            {
                *seen = Some(started.elapsed());
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    let frame = loop {
        if let Some(at) = seen.lock().ok().and_then(|s| *s) {
            break at;
        }
        assert!(Instant::now() < deadline, "no first frame from {}", program.display());
        std::thread::sleep(Duration::from_micros(200));
    };
    if let Ok(mut writer) = pair.master.take_writer() {
        let _ = writer.write_all(b"q");
    }
    let _ = child.kill();
    let _ = child.wait();
    drop(pair.master);
    let _ = reading.join();
    frame
}

use std::io::Write;

struct Row {
    what: String,
    median: Duration,
    baseline: Option<(String, Duration)>,
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo bench -- --list` and `cargo test --benches` ask what is here
    }
    let rounds: usize = std::env::var("PHYSIO_STARTUP_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(21);
    let bare = bare_binary();
    let kept = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    let counts = support::counts();
    let mut folders = Vec::new();
    for &count in &counts {
        let path = kept.join(format!("records-{count}"));
        eprintln!("startup: a data folder of {count} records in {}", path.display());
        support::store_at(&path, count);
        run(&path, &["list", "--format", "json"]); // builds the index if it is missing
        folders.push((count, path));
    }
    let empty_home = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(e) => panic!("{e}"),
    };

    // Imports: into a new empty data folder each round vs into each filled one.
    let mut into_empty = Vec::new();
    let mut into_filled: Vec<Vec<Duration>> = vec![Vec::new(); folders.len()];
    for round in 0..rounds {
        let empty = empty_home.path().join(format!("empty-{round}"));
        if let Err(e) = physio_intake::store::Store::open(&empty) {
            panic!("{e}");
        }
        into_empty.push(import(&empty));
        for (i, (_, path)) in folders.iter().enumerate() {
            into_filled[i].push(import(path));
        }
    }

    // Lists: settle after the imports (one list checks the folder and records it), then warm.
    std::thread::sleep(Duration::from_millis(200));
    for (_, path) in &folders {
        run(path, &["list", "--format", "json"]);
    }
    let mut lists: Vec<Vec<Duration>> = vec![Vec::new(); folders.len()];
    for _ in 0..rounds {
        for (i, (_, path)) in folders.iter().enumerate() {
            lists[i].push(run(path, &["list", "--format", "json"]));
        }
    }

    // First frames: bare ratatui, the app with no records, the app with N records.
    let none = empty_home.path().join("no-records");
    let data_arg = std::ffi::OsStr::new("--data-dir");
    let mut bare_frames = Vec::new();
    let mut empty_frames = Vec::new();
    let mut filled_frames: Vec<Vec<Duration>> = vec![Vec::new(); folders.len()];
    for _ in 0..rounds {
        bare_frames.push(first_frame(&bare, &[], "first frame"));
        empty_frames.push(first_frame(Path::new(BIN), &[data_arg, none.as_os_str()], "New intake"));
        for (i, (_, path)) in folders.iter().enumerate() {
            filled_frames[i].push(first_frame(Path::new(BIN), &[data_arg, path.as_os_str()], "New intake"));
        }
    }

    let empty_import = median(into_empty);
    let bare_frame = median(bare_frames);
    let empty_frame = median(empty_frames);
    let mut rows = vec![
        Row { what: "import, empty folder".into(), median: empty_import, baseline: None },
        Row { what: "first frame, bare ratatui".into(), median: bare_frame, baseline: None },
        Row {
            what: "first frame, app, 0 records".into(),
            median: empty_frame,
            baseline: Some(("bare".into(), bare_frame)),
        },
    ];
    for (i, (count, _)) in folders.iter().enumerate() {
        rows.push(Row {
            what: format!("import, {count} records"),
            median: median(std::mem::take(&mut into_filled[i])),
            baseline: Some(("empty folder".into(), empty_import)),
        });
        rows.push(Row {
            what: format!("list --format json, {count} records"),
            median: median(std::mem::take(&mut lists[i])),
            baseline: None,
        });
        let frame = median(std::mem::take(&mut filled_frames[i]));
        rows.push(Row {
            what: format!("first frame, app, {count} records"),
            median: frame,
            baseline: Some(("0 records".into(), empty_frame)),
        });
        rows.push(Row {
            what: format!("first frame, app, {count} records"),
            median: frame,
            baseline: Some(("bare".into(), bare_frame)),
        });
    }
    println!("\nstartup: medians of {rounds} rounds (whole processes, release build)");
    for row in rows {
        match row.baseline {
            Some((name, base)) => println!(
                "  {:<40} {:>10}   {:.2}x of {name} ({})",
                row.what,
                ms(row.median),
                row.median.as_secs_f64() / base.as_secs_f64().max(1e-9),
                ms(base)
            ),
            None => println!("  {:<40} {:>10}", row.what, ms(row.median)),
        }
    }
}
