//! The only code that touches the file system: the data directory, atomic saves, loading with
//! quarantine, record locks, the list index and drafts.
//!
//! Layout of the data directory (0700, files 0600, all created with those modes):
//! ```text
//! records/<id>.json            the current revision of each record
//! records/<id>.lock            held while a record is open for editing (who and since when)
//! records/index.json           a cache for `list` (compacted now and then, atomically) with
//!                              CRC-32s, rebuilt from the files when stale or damaged
//! records/index.journal        its append-only journal: one checksummed line per save
//! records/history/<id>.r<N>.json  earlier revisions of amended records, never rewritten
//! records/.tmp/                the temporary files of saves to records/ (swept at start)
//! drafts/<id>.json             the form as it was being typed, with its owner (host, pid, start)
//! quarantine/                  files that failed to load, moved aside, never deleted (links,
//!                              FIFOs and devices too, as `not_a_file`: never followed or read)
//! practice/                    practice attempts, apart from patient records
//! ```

pub mod atomic;
pub mod cases;
pub mod checksum;
pub mod drafts;
pub mod files;
pub mod index;
pub mod input;
pub mod lock;
pub mod os;
pub mod practice;
pub mod records;
pub mod resolve;
pub mod search;

use std::fs::DirBuilder;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

/// Why something could not be read or saved, in words a clinician can act on. Never holds file
/// content or patient data; paths are data-directory paths with opaque ids.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StoreError {
    /// The data directory itself could not be found or made.
    #[error("the data folder cannot be used: {0}")]
    DataDir(String),
    /// A save did not complete: the previous file is untouched.
    #[error("not saved: {0}; the previous version is unchanged")]
    NotSaved(String),
    /// A read failed for a reason other than the file's content.
    #[error("{0}")]
    Io(String),
    #[error("no record {0}")]
    NotFound(String),
    /// Another revision was saved since this one was opened.
    #[error(
        "not saved: record {id} was changed elsewhere (revision {on_disk} on disk, this copy is based on revision {expected}); reopen it to see the other change"
    )]
    Conflict { id: String, on_disk: u32, expected: u32 },
    /// The record is completed: changes must be amendments, with who and why.
    #[error("record {0} is completed: change it by an amendment, which records who changed it and why")]
    Final(String),
    /// The record was written by a newer version of physio-intake: read-only here.
    #[error("record {0} was written by a newer version of physio-intake; it can be read here but not changed")]
    ReadOnly(String),
    /// The file failed to load and was moved to quarantine.
    #[error(
        "record {id} could not be read ({category}: {detail}); the file was moved to {} and nothing was deleted",
        moved_to.display()
    )]
    Quarantined { id: String, moved_to: PathBuf, category: &'static str, detail: String },
}

impl StoreError {
    /// The reason alone, for a message that already says what was not saved (so the status line
    /// reads "Draft not saved: the disk is full", not "Draft not saved: not saved: …").
    pub fn reason(&self) -> String {
        match self {
            StoreError::NotSaved(why) | StoreError::Io(why) => why.clone(),
            other => other.to_string(),
        }
    }
}

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

/// A path for a shell command line, quoted when it needs to be.
fn shell_quoted(path: &Path) -> String {
    let text = path.display().to_string();
    if text.bytes().all(|b| b.is_ascii_alphanumeric() || b"/._-+,:@".contains(&b)) {
        text
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

/// What a folder of the data folder is like, as OpenSSH judges a key file: `Ok(None)` fine,
/// `Ok(Some(warning))` readable by others, `Err` refused (with the one command that fixes it).
/// `top` is the data folder itself, which may be a symbolic link to a folder; the folders inside
/// may not.
fn judge_dir(path: &Path, top: bool) -> Result<Option<String>, StoreError> {
    use std::os::unix::fs::MetadataExt;
    let shown = path.display();
    let quoted = shell_quoted(path);
    let refuse = |problem: String, fix: String| {
        Err(StoreError::DataDir(format!("{shown} {problem}; nothing was read or written. Fix it with: {fix}")))
    };
    let linked =
        std::fs::symlink_metadata(path).map_err(|e| StoreError::DataDir(format!("{shown} ({})", io_words(&e))))?;
    let metadata = if linked.file_type().is_symlink() {
        if !top {
            return refuse(
                "is a symbolic link, not a plain folder".into(),
                format!("rm {quoted}   (removes the link only; the next start makes the folder)"),
            );
        }
        match std::fs::metadata(path) {
            Ok(metadata) => metadata,
            Err(_) => {
                let target = std::fs::read_link(path).map(|t| t.display().to_string()).unwrap_or_default();
                return refuse(
                    format!("is a symbolic link to {target}, which does not exist"),
                    format!("mkdir -m 700 {}   (or remove the link: rm {quoted})", shell_quoted(Path::new(&target))),
                );
            }
        }
    } else {
        linked
    };
    if !metadata.is_dir() {
        return refuse("is not a folder".into(), format!("mv {quoted} {quoted}.moved-aside"));
    }
    let me = os::euid();
    if metadata.uid() != me {
        return refuse(
            format!("is owned by another user (uid {}, you are uid {me})", metadata.uid()),
            format!("sudo chown {me} {quoted}"),
        );
    }
    let mode = metadata.mode() & 0o7777;
    if mode & 0o022 != 0 {
        return refuse(
            format!("can be changed by other users (mode {mode:04o}: group- or world-writable)"),
            format!("chmod 700 {quoted}"),
        );
    }
    if mode & 0o044 != 0 {
        return Ok(Some(format!(
            "{shown} can be read by other users (mode {mode:04o}); patient data should be private. Fix it with: chmod 700 {quoted}"
        )));
    }
    Ok(None)
}

/// An opened data directory.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
    /// Things that are not refused but should be fixed (a folder others can read), for the
    /// command to show.
    pub warnings: Vec<String>,
}

impl Store {
    /// Open (creating if needed) the data directory, and sweep temporary files that a killed save
    /// left behind: each is a plaintext copy of a record that must not linger.
    ///
    /// Refused, before anything is read or written: a data folder (or a folder in it) that others
    /// can change, that another user owns, or that is not a plain folder.
    pub fn open(root: &Path) -> Result<Store, StoreError> {
        let mut store = Store { root: root.to_path_buf(), warnings: Vec::new() };
        let inside = [
            store.records_dir(),
            store.records_temp_dir(),
            store.history_dir(),
            store.drafts_dir(),
            store.quarantine_dir(),
            store.practice_dir(),
        ];
        // First judge everything that exists; only then create or change anything.
        let mut readable = Vec::new();
        match std::fs::symlink_metadata(root) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            _ => {
                if let Some(warning) = judge_dir(root, true)? {
                    store.warnings.push(warning);
                }
                for dir in &inside {
                    if std::fs::symlink_metadata(dir).is_ok() && judge_dir(dir, false)?.is_some() {
                        readable.push(dir.clone());
                    }
                }
            }
        }
        for dir in &inside {
            make_private_dir(dir)?;
            judge_dir(dir, false)?;
        }
        // The folders inside are ours (this program makes them): tighten them.
        for dir in readable {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700));
        }
        // Not the records folder itself: its saves keep their temporary files in records/.tmp/
        // (a leftover of an older version there is swept by the next list that checks the files).
        for dir in [store.records_temp_dir(), store.history_dir(), store.drafts_dir(), store.practice_dir()] {
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

    /// Where saves to the records folder write their temporary files.
    pub fn records_temp_dir(&self) -> PathBuf {
        self.root.join("records").join(".tmp")
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
