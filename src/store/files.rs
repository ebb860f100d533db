//! Opening the files of the data folder without being turned against the machine: nothing is
//! read or written through a symbolic link, a FIFO, a device or a folder where a file should be,
//! nothing is read that belongs to another user, and nothing larger than [`MAX_FILE_BYTES`] is
//! read. Every file is created with O_CREAT|O_EXCL|O_NOFOLLOW in the folder it belongs to.

use std::fs::{File, OpenOptions};
use std::io::Read;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// Largest file read from the data folder (a record is a few kilobytes).
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Quarantine category of anything that is not a plain file of ours.
pub const NOT_A_FILE: &str = "not_a_file";

/// Why a data-folder file was not read.
#[derive(Debug)]
pub enum Refused {
    NotFound,
    /// A symbolic link, FIFO, device, socket or folder: `what` says which.
    NotAFile(&'static str),
    /// A plain file owned by another user.
    Foreign,
    TooLarge,
    Io(std::io::Error),
}

impl Refused {
    /// The quarantine category (CONTRACT.md): `not_a_file`, or `io`.
    pub fn category(&self) -> &'static str {
        match self {
            Refused::NotAFile(_) | Refused::Foreign => NOT_A_FILE,
            Refused::TooLarge => "invalid",
            Refused::NotFound | Refused::Io(_) => "io",
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Refused::NotFound => "the file is missing".into(),
            Refused::NotAFile(what) => format!("it is {what}, not a plain file; it was not followed or read"),
            Refused::Foreign => "it is owned by another user; it was not read".into(),
            Refused::TooLarge => format!("it is larger than {} MiB", MAX_FILE_BYTES / 1024 / 1024),
            Refused::Io(e) => super::io_words(e),
        }
    }

    /// Whether the thing at the path should be moved aside (it is not ours to read).
    pub fn quarantine(&self) -> bool {
        matches!(self, Refused::NotAFile(_) | Refused::Foreign | Refused::TooLarge)
    }
}

fn kind_of(file_type: std::fs::FileType) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    if file_type.is_file() {
        None
    } else if file_type.is_symlink() {
        Some("a symbolic link")
    } else if file_type.is_dir() {
        Some("a folder")
    } else if file_type.is_fifo() {
        Some("a FIFO (named pipe)")
    } else if file_type.is_char_device() || file_type.is_block_device() {
        Some("a device")
    } else if file_type.is_socket() {
        Some("a socket")
    } else {
        Some("not a plain file")
    }
}

/// Check an open file: a plain file, owned by us, small enough. A file of ours that others can
/// read is tightened to 0600 (we created it).
fn check_open(file: &File, max_bytes: u64) -> Result<u64, Refused> {
    let metadata = file.metadata().map_err(Refused::Io)?;
    if let Some(what) = kind_of(metadata.file_type()) {
        return Err(Refused::NotAFile(what));
    }
    if metadata.uid() != super::os::euid() {
        return Err(Refused::Foreign);
    }
    if metadata.len() > max_bytes {
        return Err(Refused::TooLarge);
    }
    if metadata.mode() & 0o077 != 0 {
        let _ = file.set_permissions(std::fs::Permissions::from_mode(0o600));
    }
    Ok(metadata.len())
}

fn classify_open(error: std::io::Error) -> Refused {
    match error.raw_os_error() {
        Some(libc::ENOENT) => Refused::NotFound,
        Some(libc::ELOOP) | Some(libc::EMLINK) => Refused::NotAFile("a symbolic link"),
        Some(libc::ENXIO) | Some(libc::ENODEV) => Refused::NotAFile("a device"),
        Some(libc::EISDIR) => Refused::NotAFile("a folder"),
        _ => Refused::Io(error),
    }
}

/// Open a data-folder file for reading (or, with `write`, reading and writing) without following
/// a symbolic link and without blocking on a FIFO, and check what it is before anything is read.
pub fn open_existing(path: &Path, write: bool) -> Result<File, Refused> {
    open_existing_up_to(path, write, MAX_FILE_BYTES)
}

/// As [`open_existing`], for a file that may be larger than [`MAX_FILE_BYTES`] (the list index
/// holds a line per record): refused above `max_bytes`.
pub fn open_existing_up_to(path: &Path, write: bool, max_bytes: u64) -> Result<File, Refused> {
    open_checked(path, OpenOptions::new().read(true).write(write), max_bytes)
}

/// Open an existing data-folder file to append to it (O_APPEND, so concurrent appenders never
/// overwrite each other), checked as [`open_existing`] does: never through a link or a FIFO.
pub fn open_append(path: &Path, max_bytes: u64) -> Result<File, Refused> {
    open_checked(path, OpenOptions::new().append(true), max_bytes)
}

/// Open with `options`, checked: what is at `path` is looked at first (opening a device can
/// have effects of its own), opened without following a link or blocking on a FIFO, checked
/// again once open, and refused if it was swapped in between.
fn open_checked(path: &Path, options: &mut OpenOptions, max_bytes: u64) -> Result<File, Refused> {
    let seen = std::fs::symlink_metadata(path).map_err(classify_open)?;
    if let Some(what) = kind_of(seen.file_type()) {
        return Err(Refused::NotAFile(what));
    }
    let file = options
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC | libc::O_NOCTTY)
        .open(path)
        .map_err(classify_open)?;
    check_open(&file, max_bytes)?;
    let now = file.metadata().map_err(Refused::Io)?;
    if now.ino() != seen.ino() || now.dev() != seen.dev() {
        // Swapped between the look and the open.
        return Err(Refused::NotAFile("replaced while it was being opened"));
    }
    Ok(file)
}

/// Read a whole data-folder file, checked as [`open_existing`] does, at most [`MAX_FILE_BYTES`].
pub fn read_private(path: &Path) -> Result<Vec<u8>, Refused> {
    let file = open_existing(path, false)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(Refused::Io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(Refused::TooLarge);
    }
    Ok(bytes)
}

/// Create a new file, mode 0600, that did not exist: O_CREAT|O_EXCL|O_NOFOLLOW, so a planted
/// symbolic link (even a dangling one) or any other file in its place makes this fail.
pub fn create_new(path: &Path, read: bool) -> std::io::Result<File> {
    OpenOptions::new()
        .read(read)
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC | libc::O_NOCTTY)
        .open(path)
}

/// Open a folder of the data folder (to fsync it) without following a symbolic link.
pub fn open_dir(path: &Path) -> std::io::Result<File> {
    OpenOptions::new().read(true).custom_flags(libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC).open(path)
}

/// Rename `from` to `to` only if `to` does not exist (Linux renameat2 RENAME_NOREPLACE; elsewhere
/// a check then a rename). Moves a symbolic link itself, never what it points to.
pub fn rename_no_replace(from: &Path, to: &Path) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::ffi::OsStrExt;
        let (Ok(from_c), Ok(to_c)) =
            (std::ffi::CString::new(from.as_os_str().as_bytes()), std::ffi::CString::new(to.as_os_str().as_bytes()))
        else {
            return Err(std::io::Error::from(std::io::ErrorKind::InvalidInput));
        };
        // SAFETY: both paths are NUL-terminated C strings that live across the call.
        let result = unsafe {
            libc::renameat2(libc::AT_FDCWD, from_c.as_ptr(), libc::AT_FDCWD, to_c.as_ptr(), libc::RENAME_NOREPLACE)
        };
        if result == 0 {
            return Ok(());
        }
        let error = std::io::Error::last_os_error();
        if !matches!(error.raw_os_error(), Some(libc::EINVAL) | Some(libc::ENOSYS)) {
            return Err(error);
        }
    }
    if std::fs::symlink_metadata(to).is_ok() {
        return Err(std::io::Error::from(std::io::ErrorKind::AlreadyExists));
    }
    std::fs::rename(from, to)
}
