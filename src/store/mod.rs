//! The only code that touches the file system: the data directory, atomic saves, loading with
//! quarantine, record locks, the list index and drafts.
//!
//! Layout of the data directory (0700, files 0600, all created with those modes):
//! ```text
//! records/<id>.json            the current revision of each record
//! records/<id>.lock            held while a record is open for editing (who and since when)
//! records/index.json           a cache for `list`, rebuilt from the files when stale
//! records/history/<id>.r<N>.json  earlier revisions of amended records, never rewritten
//! drafts/<id>.json             the form as it was being typed
//! quarantine/                  files that failed to load, moved aside, never deleted
//! practice/                    practice attempts, apart from patient records
//! ```

pub mod atomic;
pub mod cases;
pub mod drafts;
pub mod index;
pub mod input;
pub mod lock;
pub mod practice;
pub mod records;

use std::fmt;
use std::fs::DirBuilder;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

/// Why something could not be read or saved, in words a clinician can act on. Never holds file
/// content or patient data; paths are data-directory paths with opaque ids.
#[derive(Debug)]
pub enum StoreError {
    /// The data directory itself could not be found or made.
    DataDir(String),
    /// A save did not complete: the previous file is untouched.
    NotSaved(String),
    /// A read failed for a reason other than the file's content.
    Io(String),
    NotFound(String),
    /// Another revision was saved since this one was opened.
    Conflict {
        id: String,
        on_disk: u32,
        expected: u32,
    },
    /// The record is completed: changes must be amendments, with who and why.
    Final(String),
    /// The record was written by a newer version of physio-intake: read-only here.
    ReadOnly(String),
    /// The file failed to load and was moved to quarantine.
    Quarantined {
        id: String,
        moved_to: PathBuf,
        category: &'static str,
        detail: String,
    },
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::DataDir(why) => write!(f, "the data folder cannot be used: {why}"),
            StoreError::NotSaved(why) => write!(f, "not saved: {why}; the previous version is unchanged"),
            StoreError::Io(why) => write!(f, "{why}"),
            StoreError::NotFound(id) => write!(f, "no record {id}"),
            StoreError::Conflict { id, on_disk, expected } => write!(
                f,
                "not saved: record {id} was changed elsewhere (revision {on_disk} on disk, this copy is based on revision {expected}); reopen it to see the other change"
            ),
            StoreError::Final(id) => {
                write!(f, "record {id} is completed: change it by an amendment, which records who changed it and why")
            }
            StoreError::ReadOnly(id) => {
                write!(
                    f,
                    "record {id} was written by a newer version of physio-intake; it can be read here but not changed"
                )
            }
            StoreError::Quarantined { id, moved_to, category, detail } => write!(
                f,
                "record {id} could not be read ({category}: {detail}); the file was moved to {} and nothing was deleted",
                moved_to.display()
            ),
        }
    }
}

impl std::error::Error for StoreError {}

/// Plain words for an I/O failure, without the OS message (which may quote a path we did not choose).
pub fn io_words(error: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match error.kind() {
        K::StorageFull => "the disk is full".into(),
        K::PermissionDenied => "permission denied on the data folder".into(),
        K::ReadOnlyFilesystem => "the disk is read-only".into(),
        K::NotFound => "a file or folder is missing".into(),
        K::QuotaExceeded => "the disk quota is used up".into(),
        kind => format!("the disk reported an error ({kind})"),
    }
}

/// Resolve the data directory: `--data-dir`, then `PHYSIO_INTAKE_DATA_DIR`, then the platform's
/// local data directory (never the roaming one).
pub fn resolve_data_dir(flag: Option<PathBuf>, env_value: Option<std::ffi::OsString>) -> Result<PathBuf, StoreError> {
    if let Some(dir) = flag {
        return Ok(dir);
    }
    if let Some(dir) = env_value.filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("", "", "physio-intake")
        .map(|dirs| dirs.data_local_dir().to_path_buf())
        .ok_or_else(|| StoreError::DataDir("no home folder was found; give --data-dir".into()))
}

/// Create a directory (and missing parents) with mode 0700 from the start.
pub fn make_private_dir(path: &Path) -> Result<(), StoreError> {
    DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(path)
        .map_err(|e| StoreError::DataDir(format!("{} ({})", path.display(), io_words(&e))))
}

/// An opened data directory.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
}

impl Store {
    /// Open (creating if needed) the data directory, and sweep temporary files that a killed save
    /// left behind: each is a plaintext copy of a record that must not linger.
    pub fn open(root: &Path) -> Result<Store, StoreError> {
        let store = Store { root: root.to_path_buf() };
        for dir in
            [store.records_dir(), store.history_dir(), store.drafts_dir(), store.quarantine_dir(), store.practice_dir()]
        {
            make_private_dir(&dir)?;
        }
        for dir in [store.records_dir(), store.history_dir(), store.drafts_dir(), store.practice_dir()] {
            atomic::sweep_temporary_files(&dir);
        }
        Ok(store)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn records_dir(&self) -> PathBuf {
        self.root.join("records")
    }

    pub fn history_dir(&self) -> PathBuf {
        self.root.join("records").join("history")
    }

    pub fn drafts_dir(&self) -> PathBuf {
        self.root.join("drafts")
    }

    pub fn quarantine_dir(&self) -> PathBuf {
        self.root.join("quarantine")
    }

    pub fn practice_dir(&self) -> PathBuf {
        self.root.join("practice")
    }
}

/// A new opaque id: 48 bits of milliseconds and 80 random bits in Crockford base 32 (a ULID), so
/// ids sort by creation time and never carry patient data.
pub fn new_id(now: chrono::DateTime<chrono::Utc>) -> Result<String, StoreError> {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut random = [0u8; 10];
    getrandom::fill(&mut random)
        .map_err(|_| StoreError::Io("the system could not supply random numbers for a new id".into()))?;
    let millis = u128::from(now.timestamp_millis().max(0) as u64) & ((1 << 48) - 1);
    let mut value = millis << 80;
    for (i, byte) in random.iter().enumerate() {
        value |= u128::from(*byte) << (8 * (9 - i));
    }
    Ok((0..26).rev().map(|i| ALPHABET[((value >> (5 * i)) & 31) as usize] as char).collect())
}

/// Ids are used as file names: only our own alphabet is accepted, so an id typed on the command
/// line can never point outside the data directory.
pub fn is_valid_id(id: &str) -> bool {
    id.len() == 26 && id.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
}
