//! One editor per record: an exclusive lock on a separate lock file (an atomic rename replaces
//! the record's inode, so a lock on the record itself would protect nothing). The lock file says
//! who holds it and since when, for the read-only banner of a second instance.

use super::{StoreError, io_words};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

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
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .or_else(|_| std::env::var("HOSTNAME"))
            .map(|h| h.trim().to_owned())
            .unwrap_or_else(|_| "this computer".into());
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
#[derive(Debug)]
pub struct RecordLock {
    _file: File,
}

#[derive(Debug)]
pub enum LockOutcome {
    Acquired(RecordLock),
    /// Someone else is editing; `None` when the holder could not be read (it is just starting).
    HeldBy(Option<Holder>),
}

pub fn acquire(path: &Path, holder: &Holder) -> Result<LockOutcome, StoreError> {
    let io = |e: std::io::Error| StoreError::Io(format!("cannot lock the record: {}", io_words(&e)));
    let mut file =
        OpenOptions::new().read(true).write(true).create(true).truncate(false).mode(0o600).open(path).map_err(io)?;
    match file.try_lock() {
        Ok(()) => {
            let text = serde_json::to_vec(holder).unwrap_or_default();
            file.set_len(0).map_err(io)?;
            file.seek(SeekFrom::Start(0)).map_err(io)?;
            file.write_all(&text).map_err(io)?;
            Ok(LockOutcome::Acquired(RecordLock { _file: file }))
        }
        Err(std::fs::TryLockError::WouldBlock) => {
            let mut text = String::new();
            let holder = file.read_to_string(&mut text).ok().and_then(|_| serde_json::from_str(&text).ok());
            Ok(LockOutcome::HeldBy(holder))
        }
        Err(std::fs::TryLockError::Error(e)) => Err(io(e)),
    }
}
