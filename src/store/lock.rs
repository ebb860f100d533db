//! One editor per record: an exclusive lock on a separate lock file (an atomic rename replaces
//! the record's inode, so a lock on the record itself would protect nothing). The lock file says
//! who holds it and since when, for the read-only banner of a second instance.

use super::files::{self, Refused};
use super::{StoreError, io_words};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// Who holds a lock. No patient data: a user name, a machine name, a process id and a time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    pub user: String,
    pub host: String,
    pub pid: u32,
    pub since: DateTime<Utc>,
}

impl Holder {
    pub fn this_process(now: DateTime<Utc>) -> Holder {
        let user = std::env::var("USER").or_else(|_| std::env::var("USERNAME")).unwrap_or_else(|_| "unknown".into());
        let host = super::os::host_name();
        Holder { user, host, pid: std::process::id(), since: now }
    }

    pub fn describe(&self) -> String {
        format!(
            "{} on {} (process {}) since {}",
            self.user,
            self.host,
            self.pid,
            self.since.format("%Y-%m-%d %H:%M UTC")
        )
    }
}

/// Held while a record is open for editing; released when dropped (or when the process dies).
/// Dropped, the lock file stays (empty of patient data: who and since when); released with
/// [`RecordLock::release_and_remove`], it is removed too.
#[derive(Debug)]
pub struct RecordLock {
    file: File,
    path: PathBuf,
}

impl RecordLock {
    /// Release the lock and remove its file, if the file at the lock's name is still the one
    /// this lock holds (never another instance's newer lock file, never a link planted there).
    /// The file is removed while the lock is still held, then the lock is released, so no other
    /// instance can have taken it in between; one that opened the old file meanwhile finds it
    /// removed once it gets the lock, and tries again with a new one (see [`acquire`]).
    pub fn release_and_remove(self) -> Result<(), StoreError> {
        let io = |e: std::io::Error| StoreError::Io(format!("cannot remove the record's lock file: {}", io_words(&e)));
        let ours = self.file.metadata().map_err(io)?;
        match std::fs::symlink_metadata(&self.path) {
            Ok(there) if there.dev() == ours.dev() && there.ino() == ours.ino() => {
                std::fs::remove_file(&self.path).map_err(io)?;
            }
            Ok(_) => {}                                              // not ours any more: left alone
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {} // already gone
            Err(e) => return Err(io(e)),
        }
        let _ = self.file.unlock();
        Ok(())
    }
}

/// Whether `file` (just locked) is still the file at `path`: a holder that released its lock
/// removed the file first, and a lock on a removed file protects nothing.
fn still_at(file: &File, path: &Path) -> bool {
    match (file.metadata(), std::fs::symlink_metadata(path)) {
        (Ok(ours), Ok(there)) => ours.dev() == there.dev() && ours.ino() == there.ino(),
        _ => false,
    }
}

#[derive(Debug)]
pub enum LockOutcome {
    Acquired(RecordLock),
    /// Someone else is editing; `None` when the holder could not be read (it is just starting).
    HeldBy(Option<Holder>),
}

/// Open the lock file, or create it (O_CREAT|O_EXCL|O_NOFOLLOW): a symbolic link, FIFO or any
/// other thing planted at its name is refused, never followed or written through.
pub fn open_lock_file(path: &Path) -> Result<File, Refused> {
    for _ in 0..3 {
        match files::open_existing(path, true) {
            Err(Refused::NotFound) => {}
            other => return other,
        }
        match files::create_new(path, true) {
            Ok(file) => return Ok(file),
            // Another instance created it just now: open that one.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(Refused::Io(e)),
        }
    }
    Err(Refused::NotAFile("changing while it was being opened"))
}

pub fn acquire(path: &Path, holder: &Holder) -> Result<LockOutcome, StoreError> {
    for _ in 0..8 {
        if let Some(outcome) = acquire_once(path, holder)? {
            return Ok(outcome);
        }
    }
    Err(StoreError::Io("cannot lock the record: its lock file keeps being replaced".into()))
}

/// One try; `None` when the file locked was removed by its releasing holder meanwhile.
fn acquire_once(path: &Path, holder: &Holder) -> Result<Option<LockOutcome>, StoreError> {
    let io = |e: std::io::Error| StoreError::Io(format!("cannot lock the record: {}", io_words(&e)));
    let mut file = match open_lock_file(path) {
        Ok(file) => file,
        Err(Refused::Io(e)) => return Err(io(e)),
        Err(refused) => {
            return Err(StoreError::Io(format!(
                "cannot lock the record: {} was refused ({})",
                path.display(),
                refused.describe()
            )));
        }
    };
    match file.try_lock() {
        Ok(()) => {
            if !still_at(&file, path) {
                return Ok(None);
            }
            let text = serde_json::to_vec(holder).unwrap_or_default();
            file.set_len(0).map_err(io)?;
            file.seek(SeekFrom::Start(0)).map_err(io)?;
            file.write_all(&text).map_err(io)?;
            Ok(Some(LockOutcome::Acquired(RecordLock { file, path: path.to_path_buf() })))
        }
        Err(std::fs::TryLockError::WouldBlock) => {
            let mut text = String::new();
            let holder = (&mut file)
                .take(64 * 1024)
                .read_to_string(&mut text)
                .ok()
                .and_then(|_| serde_json::from_str(&text).ok());
            Ok(Some(LockOutcome::HeldBy(holder)))
        }
        Err(std::fs::TryLockError::Error(e)) => Err(io(e)),
    }
}
