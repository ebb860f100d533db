//! Issue 11 through the store's API and the command line: drafts belong to their session and are
//! recovered by content, never by clocks (items 1-3); nothing is read or written through a link,
//! FIFO or device (4, 5); loose or foreign data folders are refused (6); the index carries a
//! checksum (7); and the smaller items of 12 that live in the store.

use chrono::{DateTime, Duration, TimeZone, Utc};
use physio_intake::content::Content;
use physio_intake::record::{Draft, DraftOwner, Record, Status};
use physio_intake::store::lock::Holder;
use physio_intake::store::{Store, StoreError, new_id, os};
use serde_json::{Value, json};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

fn content() -> &'static Content {
    Content::embedded().unwrap_or_else(|e| panic!("{e}"))
}

fn at(minute: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap() + Duration::minutes(minute)
}

fn new_record(store: &Store, name: &str, updated: DateTime<Utc>) -> Record {
    let answers = json!({"patient.name": name, "visit.date": "2026-11-22", "pain.now": 4});
    let parsed = content().parse_answers(answers.as_object().unwrap(), at(0).date_naive()).unwrap();
    let record = Record::new(content(), new_id(at(0)).unwrap(), &parsed, Status::InProgress, updated);
    store.create(&record).unwrap();
    record
}

fn draft_of(record: Option<&Record>, owner: Option<DraftOwner>, saved: DateTime<Utc>) -> Draft {
    let mut draft = Draft::new(new_id(saved).unwrap(), record.map(|r| r.id.clone()), record.map(|r| r.revision), saved);
    draft.answers = record.map(|r| r.answers.clone()).unwrap_or_default();
    draft.answers.insert("patient.name".into(), json!("Typed Since"));
    draft.owner = owner;
    draft
}

fn offered(store: &Store) -> Vec<String> {
    store.recoverable_drafts(content()).unwrap().into_iter().map(|d| d.id).collect()
}

fn bin(args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_physio-intake"));
    command.args(args).env_remove("PHYSIO_INTAKE_DATA_DIR");
    // Commands must never hang on a FIFO: give up (and fail) after 20 s.
    let started = Instant::now();
    let mut child = command
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary starts");
    loop {
        if child.try_wait().expect("wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        if started.elapsed() > std::time::Duration::from_secs(20) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`physio-intake {}` hung for 20 s", args.join(" "));
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().expect("mkfifo runs");
    assert!(status.success());
}

/// A live process to own drafts: a `sleep` child, killed when dropped.
struct Other(std::process::Child);

impl Other {
    fn start() -> Other {
        Other(Command::new("sleep").arg("120").spawn().expect("sleep starts"))
    }
    fn owner(&self) -> DraftOwner {
        os::owner_of(self.0.id()).expect("/proc tells who it is")
    }
    fn end(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Other {
    fn drop(&mut self) {
        self.end();
    }
}

// --- Item 1: a live session's draft is never offered, restored or deleted by another instance --

#[test]
fn a_draft_whose_owner_is_running_on_this_computer_is_not_offered_restored_or_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let mut other = Other::start();
    let live = draft_of(None, Some(other.owner()), at(1));
    store.save_draft(&live).unwrap();

    assert!(offered(&store).is_empty(), "another window's live work is not crashed work");
    assert!(store.load_draft(&live.id).is_err(), "it cannot be restored here");
    assert!(store.claim_draft(&live.id).is_err(), "it cannot be taken over here");
    assert!(store.discard_draft(&live.id).is_err(), "it cannot be deleted here");
    let mut mine = live.clone();
    mine.owner = Some(os::this_process().clone());
    assert!(store.save_draft(&mine).is_err(), "a second session cannot write over it");
    assert!(dir.path().join("drafts").join(format!("{}.json", live.id)).exists());

    other.end(); // the owner crashed: now it is left-over work
    assert_eq!(offered(&store), vec![live.id.clone()]);
    let claimed = store.claim_draft(&live.id).unwrap();
    assert_eq!(claimed.owner.as_ref(), Some(os::this_process()), "restoring makes this session its owner");
}

#[test]
fn a_reused_pid_is_not_taken_for_the_owner() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let other = Other::start();
    let mut owner = other.owner();
    owner.started = owner.started.map(|s| s.saturating_sub(1)); // same pid, another process
    let draft = draft_of(None, Some(owner), at(1));
    store.save_draft(&draft).unwrap();
    assert_eq!(offered(&store), vec![draft.id.clone()]);
}

#[test]
fn a_draft_from_another_computer_is_offered_with_its_name_and_is_never_removed_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let record = new_record(&store, "Ana Ruiz", at(0));
    let owner = DraftOwner { host: "front-desk-2".into(), pid: 4242, boot_id: None, started: Some(1) };
    let draft = draft_of(Some(&record), Some(owner.clone()), at(1));
    store.save_draft(&draft).unwrap();
    let found = store.recoverable_drafts(content()).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].other_host.as_deref(), Some("front-desk-2"));

    // Same content as its record: not offered, but not deleted either (that computer may run).
    let mut same = draft_of(Some(&record), Some(owner), at(2));
    same.answers = record.answers.clone();
    store.save_draft(&same).unwrap();
    assert_eq!(offered(&store), vec![draft.id.clone()]);
    assert!(store.load_draft(&same.id).is_ok());
}

// --- Item 2: clocks never hide a draft --------------------------------------------------------

#[test]
fn a_record_saved_by_a_clock_an_hour_fast_or_slow_never_hides_a_draft_that_differs() {
    for skew in [-60, 60, 24 * 60] {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let record = new_record(&store, "Ana Ruiz", at(skew));
        let draft = draft_of(Some(&record), None, at(1));
        store.save_draft(&draft).unwrap();
        assert_eq!(offered(&store), vec![draft.id.clone()], "hidden with a clock skew of {skew} min");
    }
}

// --- Item 3: a draft left by a kill right after the save never makes a second record -----------

#[test]
fn a_new_intakes_draft_whose_record_was_saved_is_removed_quietly_when_it_holds_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let record = new_record(&store, "Ana Ruiz", at(0));
    // The app gives a new intake's record its draft's id.
    let mut draft = Draft::new(record.id.clone(), None, None, at(-1));
    draft.answers = record.answers.clone();
    store.save_draft(&draft).unwrap();
    assert!(offered(&store).is_empty(), "what the record holds is not offered again");
    assert!(matches!(store.load_draft(&record.id), Err(StoreError::NotFound(_))), "and it is removed");

    // An older autosave of the same intake: offered, as changes to that record (not a new one).
    let mut older = Draft::new(record.id.clone(), None, None, at(-1));
    older.answers.insert("patient.name".into(), json!("Ana"));
    store.save_draft(&older).unwrap();
    let found = store.recoverable_drafts(content()).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].record_id.as_deref(), Some(record.id.as_str()));
}

// --- Items 4 and 5: links, FIFOs and devices are never followed, read or written through ------

fn outside_file(dir: &Path, bytes: &[u8]) -> PathBuf {
    let path = dir.join("outside-secret");
    std::fs::write(&path, bytes).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    path
}

#[test]
fn a_lock_file_symlink_is_never_written_through() {
    let outside = tempfile::tempdir().unwrap();
    let target = outside_file(outside.path(), b"root-owned system file");
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("data")).unwrap();
    let record = new_record(&store, "Ana Ruiz", at(0));
    let lock = dir.path().join("data/records").join(format!("{}.lock", record.id));
    std::os::unix::fs::symlink(&target, &lock).unwrap();

    let editing = store.edit(&record.id, &Holder::this_process(at(0)));
    assert_eq!(std::fs::read(&target).unwrap(), b"root-owned system file", "written through the link");
    assert!(editing.is_ok_and(|e| e.is_ok()), "the planted link is moved aside and a real lock taken");
    assert!(std::fs::symlink_metadata(&lock).unwrap().file_type().is_file());
    let quarantined = store.quarantined();
    assert!(quarantined.iter().any(|q| q.problem == "not_a_file"), "{quarantined:?}");
}

#[test]
fn symlinked_record_draft_and_index_are_quarantined_never_read_or_written_through() {
    let outside = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let store = Store::open(&data).unwrap();
    let real = new_record(&store, "Ana Ruiz", at(0));
    let record_bytes = std::fs::read(data.join("records").join(format!("{}.json", real.id))).unwrap();
    // A valid record outside, linked in under another id: never listed as a patient.
    let foreign_id = new_id(at(5)).unwrap();
    let copy = String::from_utf8(record_bytes).unwrap().replace(&real.id, &foreign_id);
    let record_target = outside_file(outside.path(), copy.as_bytes());
    std::os::unix::fs::symlink(&record_target, data.join("records").join(format!("{foreign_id}.json"))).unwrap();
    let draft_target = outside.path().join("draft-target");
    std::fs::write(&draft_target, b"outside draft").unwrap();
    let draft_id = new_id(at(6)).unwrap();
    std::os::unix::fs::symlink(&draft_target, data.join("drafts").join(format!("{draft_id}.json"))).unwrap();
    let index_target = outside.path().join("index-target");
    std::fs::write(&index_target, b"outside index").unwrap();
    store.list(content()).unwrap(); // the index and its journal are written by a list
    std::fs::remove_file(data.join("records/index.json")).unwrap();
    std::os::unix::fs::symlink(&index_target, data.join("records/index.json")).unwrap();
    let journal_target = outside.path().join("journal-target");
    std::fs::write(&journal_target, b"outside journal").unwrap();
    std::fs::remove_file(data.join("records/index.journal")).unwrap();
    std::os::unix::fs::symlink(&journal_target, data.join("records/index.journal")).unwrap();

    let listing = store.list(content()).unwrap();
    assert_eq!(listing.records.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), vec![real.id.as_str()]);
    assert!(listing.index_rebuilt.is_some(), "the index link is reported");
    assert!(offered(&store).is_empty());
    let mut draft = Draft::new(draft_id.clone(), None, None, at(7));
    draft.answers.insert("patient.name".into(), json!("Typed"));
    store.save_draft(&draft).unwrap();
    assert!(matches!(store.load(&foreign_id, content()), Err(StoreError::Quarantined { category: "not_a_file", .. })));

    assert_eq!(std::fs::read(&record_target).unwrap(), copy.as_bytes());
    assert_eq!(std::fs::read(&draft_target).unwrap(), b"outside draft");
    assert_eq!(std::fs::read(&index_target).unwrap(), b"outside index");
    assert_eq!(std::fs::read(&journal_target).unwrap(), b"outside journal");
    let categories: Vec<String> = store.quarantined().into_iter().map(|q| q.problem).collect();
    assert_eq!(categories.iter().filter(|c| *c == "not_a_file").count(), 4, "{categories:?}");
    for q in store.quarantined() {
        assert!(std::fs::symlink_metadata(&q.file).unwrap().file_type().is_symlink(), "the link itself is kept");
    }
}

#[test]
fn a_fifo_in_every_place_a_file_is_read_never_hangs_list_show_export_or_recovery() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let store = Store::open(&data).unwrap();
    let record = new_record(&store, "Ana Ruiz", at(0));
    let fifo_id = new_id(at(3)).unwrap();
    mkfifo(&data.join("records").join(format!("{fifo_id}.json")));
    mkfifo(&data.join("drafts").join(format!("{}.json", new_id(at(4)).unwrap())));
    mkfifo(&data.join("records").join(format!("{}.lock", record.id)));
    mkfifo(&data.join("records/history").join(format!("{}.r1.json", record.id)));
    store.list(content()).unwrap(); // the index and its journal are written by a list
    std::fs::remove_file(data.join("records/index.json")).unwrap();
    mkfifo(&data.join("records/index.json"));
    std::fs::remove_file(data.join("records/index.journal")).unwrap();
    mkfifo(&data.join("records/index.journal"));
    std::os::unix::fs::symlink("/dev/zero", data.join("records").join(format!("{}.json", new_id(at(5)).unwrap())))
        .unwrap();

    let d = data.to_str().unwrap();
    let list = bin(&["--data-dir", d, "list", "--format", "json"]);
    assert_eq!(list.status.code(), Some(0), "{}", text(&list.stderr));
    let listing: Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(listing["records"].as_array().unwrap().len(), 1);
    let quarantined = listing["quarantined"].as_array().unwrap();
    assert!(quarantined.iter().filter(|q| q["problem"] == "not_a_file").count() >= 3, "{listing}");
    for args in [vec!["show", record.id.as_str()], vec!["export", record.id.as_str(), "--format", "json"]] {
        let mut all = vec!["--data-dir", d];
        all.extend(args);
        let out = bin(&all);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    }
    let show = bin(&["--data-dir", d, "show", &fifo_id]);
    assert!(text(&show.stderr).contains("quarantine"), "{}", text(&show.stderr));
    assert!(store.recoverable_drafts(content()).unwrap().is_empty());
    assert!(store.history(&record.id, content()).unwrap().is_empty());
    assert!(store.edit(&record.id, &Holder::this_process(at(0))).unwrap().is_ok(), "the lock FIFO is set aside");
}

#[test]
fn a_record_owned_by_another_user_is_not_read() {
    if os::euid() != 0 {
        return; // needs chown: run as root (CI containers are)
    }
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let record = new_record(&store, "Ana Ruiz", at(0));
    let path = dir.path().join("records").join(format!("{}.json", record.id));
    std::os::unix::fs::chown(&path, Some(54321), Some(54321)).unwrap();
    let error = store.load(&record.id, content()).unwrap_err();
    assert!(matches!(error, StoreError::Quarantined { category: "not_a_file", .. }), "{error}");
    assert!(error.to_string().contains("another user"), "{error}");
}

// --- Item 6: loose or foreign data folders are refused, with the command that fixes them ------

#[test]
fn a_group_or_world_writable_data_folder_is_refused_naming_the_fix_and_nothing_is_written() {
    for mode in [0o777, 0o770, 0o702] {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir(&data).unwrap();
        std::fs::set_permissions(&data, std::fs::Permissions::from_mode(mode)).unwrap();
        let out = bin(&["--data-dir", data.to_str().unwrap(), "list"]);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{mode:o}: {err}");
        assert!(
            err.contains(data.to_str().unwrap()) && err.contains(&format!("chmod 700 {}", data.display())),
            "{err}"
        );
        assert!(err.contains("writable"), "{err}");
        assert_eq!(std::fs::read_dir(&data).unwrap().count(), 0, "nothing was written");
    }
}

#[test]
fn a_loose_records_or_drafts_folder_is_refused_too() {
    for sub in ["records", "drafts"] {
        let dir = tempfile::tempdir().unwrap();
        Store::open(dir.path()).unwrap();
        let loose = dir.path().join(sub);
        std::fs::set_permissions(&loose, std::fs::Permissions::from_mode(0o777)).unwrap();
        let out = bin(&["--data-dir", dir.path().to_str().unwrap(), "list"]);
        assert_eq!(out.status.code(), Some(1));
        assert!(text(&out.stderr).contains(&format!("chmod 700 {}", loose.display())), "{}", text(&out.stderr));
    }
}

#[test]
fn a_data_folder_owned_by_another_user_is_refused() {
    if os::euid() != 0 {
        return; // needs chown
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o700)).unwrap();
    std::os::unix::fs::chown(&data, Some(54321), None).unwrap();
    let out = bin(&["--data-dir", data.to_str().unwrap(), "list"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("owned by another user") && err.contains("chown"), "{err}");
    assert_eq!(std::fs::read_dir(&data).unwrap().count(), 0);
}

#[test]
fn a_readable_data_folder_is_a_warning_and_the_folders_we_made_are_tightened() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    Store::open(&data).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(data.join("records"), std::fs::Permissions::from_mode(0o750)).unwrap();
    let out = bin(&["--data-dir", data.to_str().unwrap(), "list"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("warning") && err.contains("can be read by other users") && err.contains("chmod 700"),
        "{err}"
    );
    assert_eq!(std::fs::metadata(data.join("records")).unwrap().mode() & 0o777, 0o700, "tightened");
}

#[test]
fn a_dangling_data_folder_symlink_says_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("data");
    std::os::unix::fs::symlink(dir.path().join("gone"), &link).unwrap();
    let out = bin(&["--data-dir", link.to_str().unwrap(), "list"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(!err.contains("already exists"), "{err}");
    assert!(err.contains("symbolic link") && err.contains("does not exist") && err.contains("mkdir"), "{err}");
}

// --- Item 7: the index carries a checksum ------------------------------------------------------

#[test]
fn a_hand_edited_or_damaged_index_is_rebuilt_and_the_rebuild_reported() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    new_record(&store, "Ana Ruiz", at(0));
    store.list(content()).unwrap();
    let index_path = dir.path().join("records/index.json");
    let index = std::fs::read_to_string(&index_path).unwrap();
    assert!(index.contains("\"checksum\":\"crc32:"), "the index carries a checksum");
    std::fs::write(&index_path, index.replace("Ana Ruiz", "FORGED NAME")).unwrap();
    // Keep the index newer than the record, as a hand edit is.
    let out = bin(&["--data-dir", dir.path().to_str().unwrap(), "list", "--format", "json"]);
    let listing: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(listing["records"][0]["patient"], "Ana Ruiz", "the files are the truth");
    assert!(listing["index_rebuilt"].as_str().unwrap().contains("checksum"), "{listing}");
    let again = store.list(content()).unwrap();
    assert_eq!(again.index_rebuilt, None, "the rebuilt index is trusted again");
    let text_out = bin(&["--data-dir", dir.path().to_str().unwrap(), "list", "--format", "text"]);
    assert!(!text(&text_out.stdout).contains("FORGED"));
}

// --- Item 12: a quarantined record is named as such by show ------------------------------------

#[test]
fn show_of_a_quarantined_record_says_where_it_went_and_why() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let record = new_record(&store, "Ana Ruiz", at(0));
    let path = dir.path().join("records").join(format!("{}.json", record.id));
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    store.list(content()).unwrap(); // moves it aside
    let out = bin(&["--data-dir", dir.path().to_str().unwrap(), "show", &record.id]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!err.contains("no record"), "{err}");
    assert!(err.contains("truncated") && err.contains("quarantine"), "{err}");
}
