//! The figures issue 11 asks for, measured on the real binary in a pseudo-terminal. Slow (minutes),
//! so ignored by default; each prints its figure:
//!
//! ```text
//! cargo test --test tui_figures -- --ignored --nocapture --test-threads 1
//! PHYSIO_FIGURE_TRIALS=20 cargo test --test tui_figures -- --ignored --nocapture   (fewer trials)
//! ```

#[path = "common/pty.rs"]
mod pty;

use pty::{Tui, json_files, key, records};
use std::time::{Duration, Instant};

fn trials(default: usize) -> usize {
    std::env::var("PHYSIO_FIGURE_TRIALS").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// A small deterministic-per-run random source (no extra crate).
struct Rng(u64);

impl Rng {
    fn new() -> Rng {
        let seed =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64);
        eprintln!("seed {seed}");
        Rng(seed | 1)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

fn new_intake(app: &mut Tui) {
    app.wait_for("New intake");
    app.press(key::ENTER);
    app.wait_for("Step 1/9");
    app.wait_until("the focus on the patient's name", |s| s.contains("› Patient name"));
}

#[test]
#[ignore = "figure: 100 kill -9 right after Ctrl-S (about 5 minutes)"]
fn figure_kill_9_right_after_ctrl_s_never_duplicates_a_record() {
    let mut rng = Rng::new();
    let (mut duplicates, mut offered, mut lost) = (0, 0, 0);
    let n = trials(100);
    for trial in 0..n {
        let data = tempfile::tempdir().unwrap();
        let mut app = Tui::start(data.path(), 80, 24);
        new_intake(&mut app);
        let name = format!("Pat Trial{trial}");
        app.type_str(&name);
        app.wait_for(&name);
        // Sometimes the draft is already saved, sometimes not; then Ctrl-S and kill -9 at once.
        std::thread::sleep(Duration::from_millis(rng.below(2000)));
        app.type_str("x");
        app.press(key::CTRL_S);
        std::thread::sleep(Duration::from_millis(rng.below(40)));
        app.signal("-KILL");
        app.wait_for_exit();
        drop(app);

        let mut again = Tui::start(data.path(), 80, 24);
        again.wait_for("New intake");
        std::thread::sleep(Duration::from_millis(150));
        if again.screen().contains("Recover unsaved work") {
            offered += 1;
            again.press(key::ENTER); // Restore
            again.wait_for("Draft restored");
            again.press(key::CTRL_S);
            again.wait_for("Saved: record");
            again.press(key::CTRL_Q);
        } else {
            again.press("q");
        }
        again.wait_for_exit();
        let count = records(data.path()).len();
        if count > 1 {
            duplicates += 1;
        }
        if count == 0 {
            lost += 1; // killed before the save and before any draft: nothing was acknowledged
        }
        assert!(json_files(&data.path().join("drafts")).is_empty(), "trial {trial}: a draft left over");
    }
    eprintln!(
        "FIGURE kill -9 right after Ctrl-S: {n} trials, {duplicates} duplicated records, {offered} drafts offered back (each restored into the same record), {lost} with no record and no draft"
    );
    assert_eq!(duplicates, 0);
}

#[test]
#[ignore = "figure: 60 kill -9 while typing continuously (about 6 minutes)"]
fn figure_kill_9_while_typing_continuously_loses_at_most_two_seconds() {
    let mut rng = Rng::new();
    let n = trials(60);
    let mut lost_ms = Vec::new();
    for trial in 0..n {
        let data = tempfile::tempdir().unwrap();
        let mut app = Tui::start(data.path(), 80, 24);
        new_intake(&mut app);
        let typing_for = Duration::from_millis(2500 + rng.below(2500));
        let start = Instant::now();
        let mut typed_at = Vec::new();
        while start.elapsed() < typing_for {
            let c = (b'a' + (typed_at.len() % 26) as u8) as char;
            typed_at.push(Instant::now());
            app.press(c.encode_utf8(&mut [0; 4])); // 10 ms
            std::thread::sleep(Duration::from_millis(30)); // about 25 keys a second
        }
        let killed_at = Instant::now();
        app.signal("-KILL");
        app.wait_for_exit();
        let drafts = json_files(&data.path().join("drafts"));
        let saved = drafts
            .first()
            .and_then(|p| serde_json::from_slice::<serde_json::Value>(&std::fs::read(p).ok()?).ok())
            .and_then(|d| d["answers"]["patient.name"].as_str().map(|s| s.chars().count()))
            .unwrap_or(0);
        let lost = typed_at.get(saved).map_or(Duration::ZERO, |first_lost| killed_at - *first_lost);
        eprintln!("trial {trial}: typed {} keys, {saved} in the draft, {} ms lost", typed_at.len(), lost.as_millis());
        lost_ms.push(lost.as_millis() as u64);
    }
    lost_ms.sort_unstable();
    let p95 = lost_ms[(lost_ms.len() * 95).div_ceil(100).saturating_sub(1)];
    let max = lost_ms.last().copied().unwrap_or(0);
    let over = lost_ms.iter().filter(|ms| **ms > 2000).count();
    eprintln!("FIGURE kill -9 while typing: {n} trials, typing lost p95 {p95} ms, max {max} ms, {over} over 2 s");
    assert!(p95 <= 2000, "p95 {p95} ms");
}

#[test]
#[ignore = "figure: 20 pairs of live instances (about 1 minute)"]
fn figure_two_live_instances_never_offer_each_others_drafts() {
    let n = trials(20);
    let mut offered_across = 0;
    for _ in 0..n {
        let data = tempfile::tempdir().unwrap();
        let mut first = Tui::start(data.path(), 80, 24);
        new_intake(&mut first);
        first.type_str("Alex Liveone");
        let deadline = Instant::now() + pty::WAIT;
        while json_files(&data.path().join("drafts")).is_empty() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        let mut second = Tui::start(data.path(), 80, 24);
        second.wait_for("New intake");
        std::thread::sleep(Duration::from_millis(200));
        if second.screen().contains("Recover unsaved work") || second.screen().contains("Resume draft") {
            offered_across += 1;
        }
        second.press("q");
        second.wait_for_exit();
        first.signal("-KILL");
        first.wait_for_exit();
    }
    eprintln!("FIGURE two live instances: {n} pairs, {offered_across} drafts offered across");
    assert_eq!(offered_across, 0);
}
