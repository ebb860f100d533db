//! The real `physio-intake` binary in a pseudo-terminal, its output read on a thread into a vt100
//! screen. Every wait polls the screen (or the process) up to `WAIT` instead of sleeping a fixed
//! time, so a slow shared machine makes the tests slower, never flaky.

#![allow(dead_code)] // each test file uses the part it needs

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use std::ffi::OsStr;
use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The longest any single wait may take before the test fails with the screen it saw.
pub const WAIT: Duration = Duration::from_secs(20);

/// Key presses as a terminal sends them (xterm).
pub mod key {
    pub const ENTER: &str = "\r";
    pub const TAB: &str = "\t";
    pub const BACKTAB: &str = "\x1b[Z";
    pub const ESC: &str = "\x1b";
    pub const SPACE: &str = " ";
    pub const BACKSPACE: &str = "\x7f";
    pub const UP: &str = "\x1b[A";
    pub const DOWN: &str = "\x1b[B";
    pub const RIGHT: &str = "\x1b[C";
    pub const LEFT: &str = "\x1b[D";
    pub const PAGE_UP: &str = "\x1b[5~";
    pub const PAGE_DOWN: &str = "\x1b[6~";
    pub const F2: &str = "\x1bOQ";
    pub const F4: &str = "\x1bOS";
    pub const F10: &str = "\x1b[21~";
    pub const CTRL_S: &str = "\x13";
    pub const CTRL_Q: &str = "\x11";
    pub const CTRL_A: &str = "\x01";
    pub const CTRL_N: &str = "\x0e";
    pub const CTRL_O: &str = "\x0f";
}

/// The app running in a pseudo-terminal.
pub struct Tui {
    child: Box<dyn Child + Send + Sync>,
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    parser: Arc<Mutex<vt100::Parser>>,
    /// Every byte the app wrote, to look for the escape sequences of setup and restore.
    output: Arc<Mutex<Vec<u8>>>,
    /// The reader saw the end of the output (every copy of the terminal's slave side is closed).
    closed: Arc<AtomicBool>,
    cols: u16,
}

impl Tui {
    /// `physio-intake --data-dir DATA` at `cols`x`rows`.
    pub fn start(data: &Path, cols: u16, rows: u16) -> Tui {
        Tui::start_with(data, cols, rows, &[], &[])
    }

    /// With extra arguments and environment variables.
    pub fn start_with(data: &Path, cols: u16, rows: u16, args: &[&str], env: &[(&str, &OsStr)]) -> Tui {
        let pair = native_pty_system()
            .openpty(PtySize { rows, cols, pixel_width: 0, pixel_height: 0 })
            .expect("a pseudo-terminal");
        let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_physio-intake"));
        command.arg("--data-dir");
        command.arg(data);
        command.args(args);
        command.env("TERM", "xterm-256color");
        command.env_remove("NO_COLOR");
        command.env_remove("PHYSIO_INTAKE_DATA_DIR");
        for (name, value) in env {
            command.env(name, value);
        }
        let child = pair.slave.spawn_command(command).expect("the app starts");
        drop(pair.slave); // so the reader sees the end when the app exits
        let mut reader = pair.master.try_clone_reader().expect("a reader");
        let writer = pair.master.take_writer().expect("a writer");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(non_zero(rows), non_zero(cols), 0)));
        let output = Arc::new(Mutex::new(Vec::new()));
        let closed = Arc::new(AtomicBool::new(false));
        let (to_parser, to_output, to_closed) = (Arc::clone(&parser), Arc::clone(&output), Arc::clone(&closed));
        std::thread::spawn(move || {
            let mut buffer = [0u8; 8192];
            while let Ok(n @ 1..) = reader.read(&mut buffer) {
                to_parser.lock().unwrap().process(&buffer[..n]);
                to_output.lock().unwrap().extend_from_slice(&buffer[..n]);
            }
            to_closed.store(true, Ordering::SeqCst);
        });
        Tui { child, master: pair.master, writer, parser, output, closed, cols }
    }

    // --- looking ---

    /// The whole screen as text.
    pub fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// One row of the screen.
    pub fn row(&self, row: u16) -> String {
        let parser = self.parser.lock().unwrap();
        parser.screen().rows(0, self.cols).nth(row as usize).unwrap_or_default()
    }

    /// The flag panel on the right of the wizard (30 columns, 40 from 110 columns wide), without
    /// the title row, status line and footer.
    pub fn flag_panel(&self) -> String {
        let width = if self.cols >= 110 { 40 } else { 30 };
        let parser = self.parser.lock().unwrap();
        let rows: Vec<String> = parser.screen().rows(self.cols - width, width).collect();
        // Read as a person reads it: titles wrap in the panel, so the words run on across rows.
        let words: Vec<&str> = rows[1..rows.len().saturating_sub(2)]
            .iter()
            .flat_map(|r| r.split_whitespace())
            .filter(|w| *w != "│")
            .collect();
        words.join(" ")
    }

    /// Whether the app is on the alternate screen (it should be only while it runs).
    pub fn alternate_screen(&self) -> bool {
        self.parser.lock().unwrap().screen().alternate_screen()
    }

    /// Everything the app wrote so far, escape sequences included.
    pub fn output(&self) -> String {
        String::from_utf8_lossy(&self.output.lock().unwrap()).into_owned()
    }

    /// The terminal's local modes (ICANON, ECHO, ISIG, ...) as the app left them.
    pub fn local_modes(&self) -> Vec<String> {
        let termios = self.master.get_termios().expect("the terminal's modes");
        format!("{:?}", termios.local_flags)
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|word| !word.is_empty())
            .map(str::to_owned)
            .collect()
    }

    // --- waiting ---

    /// Wait until `done` holds for the screen text; on time out, fail with `what` and the screen.
    pub fn wait_until(&self, what: &str, mut done: impl FnMut(&str) -> bool) {
        let deadline = Instant::now() + WAIT;
        loop {
            let screen = self.screen();
            if done(&screen) {
                return;
            }
            if Instant::now() > deadline {
                panic!("waited {WAIT:?} for {what}; the screen shows:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Wait until `text` is on the screen.
    pub fn wait_for(&self, text: &str) {
        self.wait_until(&format!("{text:?}"), |screen| screen.contains(text));
    }

    /// Wait until `text` is in the flag panel.
    pub fn wait_for_flag(&self, text: &str) {
        let deadline = Instant::now() + WAIT;
        while !self.flag_panel().contains(text) {
            if Instant::now() > deadline {
                panic!("waited {WAIT:?} for {text:?} in the flag panel; the screen shows:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Wait for the app to exit and for its last output; its exit code (1 when killed by a signal
    /// it did not catch: see `exit_signal`).
    pub fn wait_for_exit(&mut self) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + WAIT;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("the app's status") {
                break status;
            }
            if Instant::now() > deadline {
                panic!("the app did not exit within {WAIT:?}; it shows:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        while !self.closed.load(Ordering::SeqCst) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        status
    }

    // --- acting ---

    /// Press one key (a byte sequence from `key`, or a character).
    pub fn press(&mut self, key: &str) {
        self.writer.write_all(key.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        std::thread::sleep(Duration::from_millis(10));
    }

    /// Type text one character at a time, as a person does.
    pub fn type_str(&mut self, text: &str) {
        for c in text.chars() {
            self.press(c.encode_utf8(&mut [0; 4]));
        }
    }

    /// Tab until the question box at the top of the form shows `question`. Each Tab waits for the
    /// screen to change before the next, so a slow app never makes it overshoot.
    pub fn tab_to(&mut self, question: &str) {
        let question_box = |tui: &Tui| (1..=4).map(|row| tui.row(row)).collect::<Vec<_>>().join("\n");
        for _ in 0..100 {
            let before = question_box(self);
            if before.contains(question) {
                return;
            }
            self.press(key::TAB);
            let deadline = Instant::now() + WAIT;
            while question_box(self) == before && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(10));
            }
        }
        panic!("no question {question:?} after 100 Tabs; the screen shows:\n{}", self.screen());
    }

    /// Resize the terminal (the app gets SIGWINCH); the screen model follows unless a side is 0.
    pub fn resize(&mut self, cols: u16, rows: u16) {
        let mut parser = self.parser.lock().unwrap();
        if let (Some(rows), Some(cols)) = (NonZeroU16::new(rows), NonZeroU16::new(cols)) {
            parser.screen_mut().set_size(rows, cols);
            self.cols = cols.get();
        }
        self.master.resize(PtySize { rows, cols, pixel_width: 0, pixel_height: 0 }).expect("resize");
    }

    /// Send a signal with `kill` (`-KILL`, `-TERM`, `-HUP`). Not `Child::kill`: that sends SIGHUP
    /// first, which the app catches to save its draft.
    pub fn signal(&self, signal: &str) {
        let pid = self.child.process_id().expect("the app's pid");
        let status = std::process::Command::new("kill").args([signal, &pid.to_string()]).status().expect("kill");
        assert!(status.success(), "kill {signal} {pid}");
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn non_zero(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).expect("a terminal size above zero")
}

/// The JSON files directly in `dir`, sorted (none if `dir` does not exist).
pub fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries.flatten().map(|e| e.path()).filter(|p| p.extension() == Some(OsStr::new("json"))).collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// The saved records of a data directory (the index left out).
pub fn records(data: &Path) -> Vec<PathBuf> {
    json_files(&data.join("records")).into_iter().filter(|p| !p.ends_with("index.json")).collect()
}

/// The one saved record of a data directory, parsed.
pub fn the_record(data: &Path) -> serde_json::Value {
    let records = records(data);
    assert_eq!(records.len(), 1, "one record: {records:?}");
    serde_json::from_slice(&std::fs::read(&records[0]).unwrap()).expect("the record is JSON")
}

/// The one draft of a data directory, parsed.
pub fn the_draft(data: &Path) -> serde_json::Value {
    let drafts = json_files(&data.join("drafts"));
    assert_eq!(drafts.len(), 1, "one draft: {drafts:?}");
    serde_json::from_slice(&std::fs::read(&drafts[0]).unwrap()).expect("the draft is JSON")
}

/// A file's permission bits.
pub fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}
