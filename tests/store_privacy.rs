//! Privacy and safety of the data directory (reliability.md §6, T9, T10, T13, T14):
//! - under umask 000 every folder the program makes is 0700 and every file 0600;
//! - two processes on one record: the second is told who holds it, and gets it once released;
//!   a save based on an old revision is a conflict, never an overwrite;
//! - a file from a newer schema stays byte-identical (same inode, same time) through show, list,
//!   export and a refused save, and is never quarantined;
//! - a canary patient name never reaches standard error, nor any file outside the record and
//!   draft files, whatever the commands and however bad the input.
//!
//! Child processes are this test binary re-executed to run `privacy_child`, which does nothing
//! unless `PHYSIO_PRIVACY_CHILD` is set, or the physio-intake binary itself.

#[path = "common/gate_input.rs"]
mod screen;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use physio_intake::content::Content;
use physio_intake::domain::Answers;
use physio_intake::record::{Decoded, Draft, Record, Revision, Status};
use physio_intake::store::lock::Holder;
use physio_intake::store::{Store, StoreError, new_id};
use serde_json::{Map, Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const CHILD_VAR: &str = "PHYSIO_PRIVACY_CHILD";
const DIR_VAR: &str = "PHYSIO_PRIVACY_DIR";
const ID_VAR: &str = "PHYSIO_PRIVACY_ID";
const BIN: &str = env!("CARGO_BIN_EXE_physio-intake");

fn content() -> &'static Content {
    Content::embedded().unwrap_or_else(|e| panic!("{e}"))
}

fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 9, minute, 0).unwrap()
}

fn answers(name: &str, pain: u32) -> Answers {
    let object = json!({"patient.name": name, "visit.date": "2026-11-22", "visit.consent": true, "pain.now": pain});
    content().parse_answers(object.as_object().unwrap(), NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()).unwrap()
}

fn full_intake() -> Map<String, Value> {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/full_intake.json")).unwrap();
    serde_json::from_str::<Value>(&text).unwrap()["answers"].as_object().unwrap().clone()
}

/// Write a file as the program would find it: 0600, so mode checks see only what the program made.
fn write_private(path: &Path, bytes: &[u8]) {
    let mut file = std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(path).unwrap();
    file.write_all(bytes).unwrap();
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

/// The data folder and everything in it: folders 0700, files 0600. Returns the paths, relative.
fn assert_private(root: &Path) -> Vec<String> {
    assert_eq!(root.metadata().unwrap().permissions().mode() & 0o7777, 0o700, "{}", root.display());
    let mut seen = Vec::new();
    for (path, metadata) in walk(root) {
        let mode = metadata.permissions().mode() & 0o7777;
        let want = if metadata.is_dir() { 0o700 } else { 0o600 };
        assert!(metadata.is_dir() || metadata.is_file(), "{} is neither file nor folder", path.display());
        assert_eq!(mode, want, "{} is {mode:o}", path.display());
        seen.push(path.strip_prefix(root).unwrap().display().to_string());
    }
    seen.sort();
    seen
}

fn output_text(output: &Output) -> (String, String) {
    (String::from_utf8_lossy(&output.stdout).into_owned(), String::from_utf8_lossy(&output.stderr).into_owned())
}

/// Run `command` under umask 000 (through sh: std has no umask).
fn under_umask_000(program: &Path) -> Command {
    let mut command = Command::new("sh");
    command.arg("-c").arg("umask 000; exec \"$0\" \"$@\"").arg(program);
    command
}

// --- The child ----------------------------------------------------------------------------------

#[test]
#[ignore = "the child process of the privacy tests: does nothing unless PHYSIO_PRIVACY_CHILD is set"]
fn privacy_child() {
    let Ok(role) = std::env::var(CHILD_VAR) else { return };
    let dir = PathBuf::from(std::env::var_os(DIR_VAR).expect("data dir"));
    let mut out = std::io::stdout().lock();
    writeln!(out).unwrap(); // end the test harness's "test privacy_child ... " line
    match role.as_str() {
        // Everything the store writes, made under the umask the parent set: records, history,
        // index, lock, drafts, quarantine.
        "umask" => {
            let store = Store::open(&dir).unwrap();
            let record =
                Record::new(content(), new_id(at(0)).unwrap(), &answers("Umask Patient", 3), Status::Completed, at(0));
            store.create(&record).unwrap();
            let editing = store.edit(&record.id, &Holder::this_process(at(1))).unwrap().unwrap();
            let change = Revision::Amend { by: "J. Okafor".into(), reason: "pain re-scored".into() };
            let amended = record.revise(content(), &answers("Umask Patient", 5), change, at(2));
            store.save(&editing, &amended, content()).unwrap();
            let mut draft = Draft::new(new_id(at(3)).unwrap(), Some(record.id.clone()), Some(2), at(3));
            draft.answers.insert("patient.name".into(), json!("Umask Patient"));
            store.save_draft(&draft).unwrap();
            store.list(content()).unwrap();
            // A second record, damaged by the store's own hand (its bytes, cut short, written by
            // the store's atomic writer), then found by list and quarantined.
            let other =
                Record::new(content(), new_id(at(4)).unwrap(), &answers("Umask Patient", 1), Status::InProgress, at(4));
            let bytes = other.to_bytes().unwrap();
            physio_intake::store::atomic::write_atomic(
                &store.records_dir(),
                &format!("{}.json", other.id),
                &bytes[..bytes.len() / 2],
            )
            .unwrap();
            assert_eq!(store.list(content()).unwrap().quarantined.len(), 1);
            writeln!(out, "DONE").unwrap();
        }
        // Try to take the lock once and say what happened.
        "try_lock" => {
            let id = std::env::var(ID_VAR).unwrap();
            let store = Store::open(&dir).unwrap();
            let line = match store.edit(&id, &Holder::this_process(Utc::now())).unwrap() {
                Ok(_) => "ACQUIRED".to_owned(),
                Err(Some(holder)) => format!("HELD {}", serde_json::to_string(&holder).unwrap()),
                Err(None) => "HELD-UNKNOWN".to_owned(),
            };
            writeln!(out, "{line}").unwrap();
        }
        // Take the lock and keep it until killed (or until standard input closes).
        "hold_lock" => {
            let id = std::env::var(ID_VAR).unwrap();
            let store = Store::open(&dir).unwrap();
            let _editing = store.edit(&id, &Holder::this_process(Utc::now())).unwrap().expect("the lock is free");
            writeln!(out, "LOCKED").unwrap();
            out.flush().unwrap();
            let mut sink = Vec::new();
            let _ = std::io::stdin().read_to_end(&mut sink);
        }
        other => panic!("unknown child role {other}"),
    }
}

fn child(role: &str, dir: &Path, id: &str) -> Command {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args(["--exact", "privacy_child", "--ignored", "--nocapture", "--test-threads=1"])
        .env(CHILD_VAR, role)
        .env(DIR_VAR, dir)
        .env(ID_VAR, id);
    command
}

fn child_says(role: &str, dir: &Path, id: &str) -> Vec<String> {
    let output = child(role, dir, id).output().unwrap();
    let (stdout, stderr) = output_text(&output);
    assert!(output.status.success(), "{role} child failed: {stdout}\n{stderr}");
    stdout.lines().map(str::to_owned).collect()
}

// --- (a) umask 000 ------------------------------------------------------------------------------

#[test]
fn under_umask_000_every_folder_is_0700_and_every_file_0600() {
    let temp = tempfile::tempdir().unwrap();
    let inputs = temp.path().join("inputs");
    std::fs::create_dir(&inputs).unwrap();
    let answers_file = inputs.join("answers.json");
    // Completable: the rest of the screen answered negatively (the completion gate).
    let input = screen::completed_input(&Value::Object(full_intake()));
    std::fs::write(&answers_file, serde_json::to_vec(&input).unwrap()).unwrap();

    // The wrapper really sets umask 000: a file made without a mode is 0666.
    let probe = temp.path().join("probe");
    assert!(under_umask_000(Path::new("touch")).arg(&probe).status().unwrap().success());
    assert_eq!(probe.metadata().unwrap().permissions().mode() & 0o777, 0o666, "umask 000 in effect");

    // The binary: import, list, show, export, all under umask 000, into a folder it creates.
    let data = temp.path().join("new").join("data");
    let run = |args: &[&str]| {
        let output = under_umask_000(Path::new(BIN)).arg("--data-dir").arg(&data).args(args).output().unwrap();
        let (stdout, stderr) = output_text(&output);
        assert!(output.status.success(), "{args:?}: {stderr}");
        stdout
    };
    let id = run(&["import", answers_file.to_str().unwrap()]).trim().to_owned();
    run(&["list", "--format", "json"]);
    run(&["show", &id]);
    run(&["export", &id, "--format", "json"]);
    let files = assert_private(&data);
    assert_eq!(
        temp.path().join("new").metadata().unwrap().permissions().mode() & 0o7777,
        0o700,
        "missing parents are made private too"
    );
    for expected in ["records", "records/history", "drafts", "quarantine", "practice", "records/index.json"] {
        assert!(files.contains(&expected.to_owned()), "{expected} missing from {files:?}");
    }
    assert!(files.contains(&format!("records/{id}.json")));

    // The store through the library, in a process under umask 000: lock file, history, drafts,
    // index and quarantine too.
    let data = temp.path().join("library");
    let mut command = under_umask_000(&std::env::current_exe().unwrap());
    command
        .args(["--exact", "privacy_child", "--ignored", "--nocapture", "--test-threads=1"])
        .env(CHILD_VAR, "umask")
        .env(DIR_VAR, &data);
    let output = command.output().unwrap();
    let (stdout, stderr) = output_text(&output);
    assert!(output.status.success() && stdout.lines().any(|l| l == "DONE"), "{stdout}\n{stderr}");
    let files = assert_private(&data);
    for kind in [".lock", ".r1.json", "index.json"] {
        assert!(files.iter().any(|f| f.ends_with(kind)), "no {kind} file in {files:?}");
    }
    assert_eq!(files.iter().filter(|f| f.starts_with("drafts/")).count(), 1, "{files:?}");
    assert_eq!(files.iter().filter(|f| f.starts_with("quarantine/")).count(), 1, "{files:?}");
}

// --- (b) two processes on one record ------------------------------------------------------------

#[test]
fn a_second_process_is_told_who_holds_the_record_and_gets_it_once_released() {
    let temp = tempfile::tempdir().unwrap();
    let store = Store::open(temp.path()).unwrap();
    let record = Record::new(content(), new_id(at(0)).unwrap(), &answers("Lock Patient", 2), Status::InProgress, at(0));
    store.create(&record).unwrap();
    let me = Holder::this_process(Utc::now());
    let editing = store.edit(&record.id, &me).unwrap().expect("the first editor gets the lock");

    // Another process.
    let said = child_says("try_lock", temp.path(), &record.id);
    let held = said.iter().find_map(|l| l.strip_prefix("HELD ")).unwrap_or_else(|| panic!("not refused: {said:?}"));
    let holder: Holder = serde_json::from_str(held).unwrap();
    assert_eq!(holder, me, "the holder's user, machine, process and since");
    assert_eq!(holder.pid, std::process::id());
    // Another open of the store in this process (flock locks belong to the open file).
    let second = Store::open(temp.path()).unwrap();
    let other = Holder::this_process(Utc::now());
    match second.edit(&record.id, &other).unwrap() {
        Err(Some(holder)) => assert_eq!(holder, me),
        other => panic!("a second editor in this process was not refused: {other:?}"),
    }
    let lock_file = std::fs::read_to_string(store.records_dir().join(format!("{}.lock", record.id))).unwrap();
    assert!(!lock_file.contains("Lock Patient"), "the lock file holds no patient data: {lock_file}");

    drop(editing);
    let again = second.edit(&record.id, &other).unwrap();
    assert!(again.is_ok(), "released, the lock is free in this process: {again:?}");
    drop(again);
    let said = child_says("try_lock", temp.path(), &record.id);
    assert!(said.iter().any(|l| l == "ACQUIRED"), "released, the lock is free for another process: {said:?}");

    // The other way round: a process holds it, is killed with SIGKILL, and the lock is free.
    let mut holder_process = child("hold_lock", temp.path(), &record.id)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(holder_process.stdout.take().unwrap()).lines();
    assert!(lines.any(|l| l.is_ok_and(|l| l == "LOCKED")), "the holder child took the lock");
    match store.edit(&record.id, &me).unwrap() {
        Err(Some(holder)) => assert_eq!(holder.pid, holder_process.id()),
        other => panic!("the child's lock was not seen: {other:?}"),
    }
    holder_process.kill().unwrap();
    holder_process.wait().unwrap();
    let started = Instant::now();
    let editing = loop {
        match store.edit(&record.id, &me).unwrap() {
            Ok(editing) => break editing,
            Err(holder) if started.elapsed() < Duration::from_secs(1) => {
                let _ = holder;
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(holder) => panic!("the killed holder's lock outlived it: {holder:?}"),
        }
    };
    drop(editing);
}

#[test]
fn two_edits_based_on_the_same_revision_the_second_save_is_a_conflict() {
    let temp = tempfile::tempdir().unwrap();
    let store = Store::open(temp.path()).unwrap();
    let record =
        Record::new(content(), new_id(at(0)).unwrap(), &answers("Conflict Patient", 2), Status::InProgress, at(0));
    store.create(&record).unwrap();
    let load = |store: &Store| match store.load(&record.id, content()).unwrap() {
        Decoded::Current(record) => *record,
        Decoded::Newer { .. } => panic!("newer"),
    };
    // Both open revision 1; the first saves and closes, then the second saves.
    let first_copy = load(&store);
    let second_copy = load(&Store::open(temp.path()).unwrap());
    let first = store.edit(&record.id, &Holder::this_process(at(1))).unwrap().unwrap();
    let firsts = first_copy.revise(content(), &answers("Conflict Patient", 5), Revision::Draft, at(2));
    store.save(&first, &firsts, content()).unwrap();
    drop(first);
    let saved_bytes = std::fs::read(store.records_dir().join(format!("{}.json", record.id))).unwrap();

    let second_store = Store::open(temp.path()).unwrap();
    let second = second_store.edit(&record.id, &Holder::this_process(at(3))).unwrap().unwrap();
    let seconds = second_copy.revise(content(), &answers("Conflict Patient", 9), Revision::Draft, at(4));
    let error = second_store.save(&second, &seconds, content()).unwrap_err();
    assert!(matches!(&error, StoreError::Conflict { on_disk: 2, expected: 1, id } if *id == record.id), "{error}");
    assert!(!error.to_string().contains("Conflict Patient"), "{error}");
    assert_eq!(
        std::fs::read(store.records_dir().join(format!("{}.json", record.id))).unwrap(),
        saved_bytes,
        "not overwritten"
    );
    assert_eq!(load(&store), firsts);
}

// --- (c) a file from a newer schema -------------------------------------------------------------

#[test]
fn a_newer_schema_file_stays_byte_identical_through_every_command_and_is_never_quarantined() {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("data");
    let store = Store::open(&data).unwrap();
    let id = new_id(at(0)).unwrap();
    let future = json!({
        "format": "physio-intake/assessment",
        "schema_version": 99,
        "id": id,
        "status": "archived",
        "created_at": "2031-01-02T03:04:05Z",
        "updated_at": "2031-01-02T03:04:05Z",
        "revision": 7,
        "questionnaire": {"id": "physio-intake", "version": "9.0.0"},
        "answers": {"patient.name": "Future Patient", "visit.date": "2031-01-02", "pain.score_v2": {"now": 3}},
        "result": {"verdict": {"massage": "modify", "referral": "routine"}, "new_in_v99": [1, 2, 3]},
        "signature": {"algorithm": "ed25519", "value": "AAAA"},
        "checksum": "sha256:0000"
    });
    let mut bytes = serde_json::to_vec_pretty(&future).unwrap();
    bytes.extend(b"\n"); // whatever the newer version writes, it is left as it is
    let path = store.records_dir().join(format!("{id}.json"));
    write_private(&path, &bytes);
    std::thread::sleep(Duration::from_millis(20)); // a rewrite now would show in the mtime
    let before = std::fs::metadata(&path).unwrap();
    let unchanged = || {
        let now = std::fs::metadata(&path).expect("still there");
        assert_eq!(std::fs::read(&path).unwrap(), bytes, "byte-identical");
        assert_eq!(
            (now.ino(), now.mtime(), now.mtime_nsec(), now.mode()),
            (before.ino(), before.mtime(), before.mtime_nsec(), before.mode())
        );
        assert_eq!(std::fs::read_dir(store.quarantine_dir()).unwrap().count(), 0, "never quarantined");
        assert_eq!(std::fs::read_dir(store.history_dir()).unwrap().count(), 0);
    };

    let run = |args: &[&str]| Command::new(BIN).arg("--data-dir").arg(&data).args(args).output().unwrap();
    let shown = run(&["show", &id]);
    let (stdout, stderr) = output_text(&shown);
    assert!(shown.status.success(), "{stderr}");
    assert!(
        stdout.contains("READ-ONLY") && stdout.contains("schema 99") && stdout.contains("Future Patient"),
        "{stdout}"
    );
    unchanged();

    for format in ["json", "text"] {
        let listed = run(&["list", "--format", format]);
        assert!(listed.status.success(), "{}", output_text(&listed).1);
        let stdout = output_text(&listed).0;
        if format == "json" {
            let listing: Value = serde_json::from_str(&stdout).unwrap();
            assert_eq!(listing["quarantined"], json!([]));
            let entry = &listing["records"][0];
            assert_eq!(
                (entry["id"].as_str(), entry["read_only"].as_bool(), entry["revision"].as_u64()),
                (Some(id.as_str()), Some(true), Some(7))
            );
            assert_eq!(entry["patient"], "Future Patient");
        } else {
            assert!(stdout.contains("archived (ro)"), "{stdout}");
        }
        unchanged();
    }

    let exported = run(&["export", &id, "--format", "json"]);
    assert!(exported.status.success(), "{}", output_text(&exported).1);
    assert_eq!(serde_json::from_slice::<Value>(&exported.stdout).unwrap(), future, "exported as it is");
    unchanged();
    for format in ["markdown", "fhir"] {
        let refused = run(&["export", &id, "--format", format]);
        assert_eq!(refused.status.code(), Some(1), "{format}");
        unchanged();
    }

    // Through the library: load, list, a save attempt, draft recovery.
    match store.load(&id, content()).unwrap() {
        Decoded::Newer { schema_version, value } => {
            assert_eq!(schema_version, 99);
            assert_eq!(Value::Object(value), future);
        }
        Decoded::Current(_) => panic!("a schema 99 file read as current"),
    }
    let listing = store.list(content()).unwrap();
    assert!(listing.quarantined.is_empty() && listing.records.len() == 1 && listing.records[0].read_only);
    let editing = store.edit(&id, &Holder::this_process(Utc::now())).unwrap().unwrap();
    let mut mine = Record::new(content(), id.clone(), &answers("Future Patient", 1), Status::InProgress, at(0));
    mine.revision = 8;
    assert!(matches!(store.save(&editing, &mine, content()), Err(StoreError::ReadOnly(_))), "never written back");
    drop(editing);
    let draft = Draft::new(new_id(at(5)).unwrap(), Some(id.clone()), Some(7), Utc::now());
    store.save_draft(&draft).unwrap();
    assert!(store.recoverable_drafts(content()).unwrap().is_empty(), "a draft of a read-only record is not offered");
    Store::open(&data).unwrap();
    unchanged();
}

// --- (d) canary ---------------------------------------------------------------------------------

const CANARY: &str = "CANARY-Zyx";
const CANARY_NAME: &str = "CANARY-Zyx-Patient";

/// A private home for the binary: HOME, every XDG folder and TMPDIR inside one temporary folder,
/// the working directory too, and no PHYSIO_INTAKE_DATA_DIR: the data folder is the default one.
struct Sandbox {
    _temp: tempfile::TempDir,
    root: PathBuf,
    inputs: PathBuf,
}

impl Sandbox {
    fn new() -> Sandbox {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path().to_path_buf();
        for dir in ["home", "tmp", "run", "work", "inputs"] {
            std::fs::create_dir(root.join(dir)).unwrap();
        }
        std::fs::set_permissions(root.join("run"), std::fs::Permissions::from_mode(0o700)).unwrap();
        let inputs = root.join("inputs");
        Sandbox { _temp: temp, root, inputs }
    }

    fn home(&self) -> PathBuf {
        self.root.join("home")
    }

    fn data(&self) -> PathBuf {
        self.home().join(".local/share/physio-intake")
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(BIN);
        command
            .args(args)
            .current_dir(self.root.join("work"))
            .env_remove("PHYSIO_INTAKE_DATA_DIR")
            .env("HOME", self.home())
            .env("XDG_DATA_HOME", self.home().join(".local/share"))
            .env("XDG_CONFIG_HOME", self.home().join(".config"))
            .env("XDG_CACHE_HOME", self.home().join(".cache"))
            .env("XDG_STATE_HOME", self.home().join(".local/state"))
            .env("XDG_RUNTIME_DIR", self.root.join("run"))
            .env("TMPDIR", self.root.join("tmp"));
        command
    }

    /// Run; standard error never holds the canary; standard output only when `output_may_show`.
    fn run(&self, args: &[&str], stdin: Option<&[u8]>, output_may_show: bool) -> Output {
        let mut child =
            self.command(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        let mut pipe = child.stdin.take().unwrap();
        let _ = pipe.write_all(stdin.unwrap_or_default());
        drop(pipe);
        let output = child.wait_with_output().unwrap();
        let (stdout, stderr) = output_text(&output);
        assert!(!stderr.contains(CANARY), "{args:?}: the canary reached standard error: {stderr}");
        assert!(output_may_show || !stdout.contains(CANARY), "{args:?}: the canary reached standard output: {stdout}");
        output
    }

    fn input(&self, name: &str, bytes: &[u8]) -> String {
        let path = self.inputs.join(name);
        std::fs::write(&path, bytes).unwrap();
        path.to_str().unwrap().to_owned()
    }
}

fn with_canary(changes: Value) -> Vec<u8> {
    let mut answers = full_intake();
    answers.insert("patient.name".into(), json!(CANARY_NAME));
    answers.insert("complaint.description".into(), json!(format!("{CANARY}-Complaint")));
    answers.insert("decision.notes".into(), json!(format!("{CANARY}-Notes")));
    for (key, value) in changes.as_object().unwrap() {
        if value.is_null() {
            answers.remove(key);
        } else {
            answers.insert(key.clone(), value.clone());
        }
    }
    // Completable: the rest of the screen answered negatively (the completion gate).
    serde_json::to_vec_pretty(&screen::completed_input(&Value::Object(answers))).unwrap()
}

#[test]
fn the_canary_name_never_reaches_standard_error_or_any_file_outside_the_records() {
    let sandbox = Sandbox::new();
    let good = sandbox.input("good.json", &with_canary(json!({})));
    let output = sandbox.run(&["import", &good], None, false);
    assert!(output.status.success(), "{}", output_text(&output).1);
    let id = output_text(&output).0.trim().to_owned();
    let output = sandbox.run(&["import", &good, "--status", "in_progress"], None, false);
    assert!(output.status.success());
    let second = output_text(&output).0.trim().to_owned();
    assert!(
        sandbox.data().join("records").join(format!("{id}.json")).exists(),
        "the default data folder is under XDG_DATA_HOME"
    );

    // Bad input that holds the canary, in every way a value can be wrong.
    let bad: Vec<(&str, Vec<u8>)> = vec![
        ("wrong_type.json", with_canary(json!({"pain.now": CANARY_NAME}))),
        ("not_a_date.json", with_canary(json!({"patient.dob": CANARY_NAME}))),
        ("visit_not_a_date.json", with_canary(json!({"visit.date": CANARY_NAME}))),
        ("future_date.json", with_canary(json!({"complaint.onset_date": "2099-01-01"}))),
        ("unknown_option.json", with_canary(json!({"complaint.condition": CANARY_NAME}))),
        ("unknown_region.json", with_canary(json!({"screen.open_wound.regions": [CANARY_NAME]}))),
        ("list_for_text.json", with_canary(json!({"patient.name": [CANARY_NAME]}))),
        ("text_too_long.json", with_canary(json!({"decision.notes": CANARY_NAME.repeat(2000)}))),
        ("out_of_range.json", with_canary(json!({"pain.now": 11}))),
        ("not_completable.json", with_canary(json!({"visit.consent": null}))),
        (
            "truncated.json",
            format!("{{\"answers\": {{\"patient.name\": \"{CANARY_NAME}\", \"pain.now\": ").into_bytes(),
        ),
        ("not_json.json", format!("patient: {CANARY_NAME}\n").into_bytes()),
        ("bad_escape.json", format!("{{\"answers\": {{\"patient.name\": \"{CANARY_NAME}\\x\"}}}}").into_bytes()),
        ("not_utf8.json", [b"{\"answers\": {\"patient.name\": \"", CANARY_NAME.as_bytes(), b"\xff\xfe\"}}"].concat()),
        ("no_answers.json", format!("{{\"patient.name\": \"{CANARY_NAME}\"}}").into_bytes()),
        ("answers_not_object.json", format!("{{\"answers\": [\"{CANARY_NAME}\"]}}").into_bytes()),
    ];
    for (name, bytes) in &bad {
        let file = sandbox.input(name, bytes);
        let imported = sandbox.run(&["import", &file], None, false);
        assert_eq!(imported.status.code(), Some(2), "{name}: {}", output_text(&imported).1);
        let stderr = output_text(&imported).1;
        assert!(stderr.contains(&file), "{name}: the message names the file: {stderr}");
        let screened = sandbox.run(&["screen", &file, "--format", "json"], None, false);
        if *name != "not_completable.json" {
            assert_eq!(screened.status.code(), Some(2), "{name}");
        }
        let piped = sandbox.run(&["import", "-"], Some(bytes), false);
        assert_eq!(piped.status.code(), Some(2), "{name} on standard input");
    }
    sandbox.run(&["screen", &good, "--format", "json"], None, true);
    sandbox.run(&["screen", &good, "--format", "text"], None, true);
    sandbox.run(&["screen", "-"], Some(&with_canary(json!({}))), true);

    // Reading and exporting.
    for args in [
        vec!["list", "--format", "json"],
        vec!["list", "--format", "text"],
        vec!["show", &id],
        vec!["export", &id, "--format", "json"],
        vec!["export", &id, "--format", "markdown"],
        vec!["export", &id, "--format", "fhir"],
        vec!["show", "01KAPZ0000000000000000NONE"],
        vec!["export", "01KAPZ0000000000000000NONE", "--format", "json"],
    ] {
        sandbox.run(&args, None, true);
    }

    // A damaged record: quarantined by list, then asked for by show and export.
    let damaged = sandbox.data().join("records").join(format!("{second}.json"));
    let bytes = std::fs::read(&damaged).unwrap();
    std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(&damaged)
        .unwrap()
        .write_all(&bytes[..bytes.len() - 40])
        .unwrap();
    // Changed in place, not replaced by a rename: the records folder looks unchanged, so only a
    // verifying list sees it (an ordinary one would when the record is opened).
    let listed = sandbox.run(&["list", "--format", "json", "--verify"], None, true);
    let listing: Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(listing["quarantined"][0]["problem"], "truncated", "{listing}");
    for args in [
        vec!["show", second.as_str()],
        vec!["export", second.as_str(), "--format", "json"],
        vec!["list", "--format", "text"],
    ] {
        sandbox.run(&args, None, true);
    }

    // The app's own writes through the library: a lock and a draft with the canary.
    let store = Store::open(&sandbox.data()).unwrap();
    let editing = store.edit(&id, &Holder::this_process(Utc::now())).unwrap().unwrap();
    let mut draft = Draft::new(new_id(Utc::now()).unwrap(), Some(id.clone()), Some(1), Utc::now());
    draft.answers.insert("patient.name".into(), json!(CANARY_NAME));
    store.save_draft(&draft).unwrap();

    // Now scan: the canary is only inside record files, the index and drafts (and the moved-aside
    // copy in quarantine/, which keeps a damaged record's bytes by design); never in a file name,
    // a lock file, a temporary file, or anywhere else under HOME, TMPDIR, the runtime folder or
    // the working folder.
    let data = sandbox.data();
    let mut holders = Vec::new();
    for top in ["home", "tmp", "run", "work"] {
        for (path, metadata) in walk(&sandbox.root.join(top)) {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            assert!(!name.contains(CANARY), "a file name holds the canary: {}", path.display());
            assert!(!name.starts_with(".tmp-"), "a temporary file was left: {}", path.display());
            if !metadata.is_file() {
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            if !bytes.windows(CANARY.len()).any(|w| w == CANARY.as_bytes()) {
                continue;
            }
            let inside = path
                .strip_prefix(&data)
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_else(|_| panic!("the canary is in {}, outside the data folder", path.display()));
            let allowed = inside == "records/index.json"
                || inside == format!("records/{id}.json")
                || inside == format!("drafts/{}.json", draft.id)
                || inside == format!("quarantine/truncated--{second}.json");
            assert!(allowed, "the canary is in {inside}");
            holders.push(inside);
        }
    }
    holders.sort();
    assert_eq!(holders.len(), 4, "{holders:?}");
    let lock = std::fs::read_to_string(data.join("records").join(format!("{id}.lock"))).unwrap();
    assert!(!lock.contains(CANARY) && lock.contains(&std::process::id().to_string()), "{lock}");
    assert_eq!(walk(&sandbox.root.join("tmp")).len(), 0, "nothing is written to TMPDIR");
    assert_eq!(walk(&sandbox.root.join("work")).len(), 0, "nothing is written to the working folder");
    assert_private(&data);
    drop(editing);
}
