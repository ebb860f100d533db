//! Atomic, durable saves: a temporary file in the same directory (mode 0600 from creation),
//! write, fsync, rename over the target, fsync the directory. Until all of that succeeded
//! nothing is reported saved, and a failure leaves the previous file as it was.

use super::{StoreError, io_words};
use std::io::Write;
use std::path::Path;

/// Temporary files start with this, so a sweep finds exactly them.
pub const TEMP_PREFIX: &str = ".tmp-";

/// Save `bytes` as `dir/name`, atomically and durably.
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), StoreError> {
    write_atomic_via(dir, dir, name, bytes)
}

/// As [`write_atomic`], with the temporary file in `temp_dir` (a folder of `dir` on the same file
/// system, so the rename is still atomic): the records folder keeps its temporary files in
/// `records/.tmp/`, so that sweeping a killed save's leftovers never has to read a folder of
/// 100,000 records.
pub fn write_atomic_via(dir: &Path, temp_dir: &Path, name: &str, bytes: &[u8]) -> Result<(), StoreError> {
    let mut suffix = [0u8; 8];
    getrandom::fill(&mut suffix).map_err(|_| StoreError::NotSaved("no random name for the temporary file".into()))?;
    let suffix: String = suffix.iter().map(|b| format!("{b:02x}")).collect();
    // The pid lets a sweep tell a killed save's leftover from another running instance's save.
    let temp_path = temp_dir.join(format!("{TEMP_PREFIX}{}-{suffix}-{name}", std::process::id()));
    let result = write_then_rename(&temp_path, &dir.join(name), dir, bytes);
    if result.is_err() {
        // The temporary file is a plaintext copy: do not leave it behind.
        let _ = std::fs::remove_file(&temp_path);
    }
    result
}

fn write_then_rename(temp_path: &Path, final_path: &Path, dir: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let not_saved = |e: std::io::Error| StoreError::NotSaved(io_words(&e));
    // O_CREAT|O_EXCL|O_NOFOLLOW: a planted link or file at the temporary name is never written through.
    let mut file = super::files::create_new(temp_path, false).map_err(not_saved)?;
    file.write_all(bytes).map_err(not_saved)?;
    // One fsync per descriptor: after a failed fsync the kernel may have dropped the dirty pages,
    // and a retry could report success for data that never reached the disk.
    file.sync_all().map_err(not_saved)?;
    drop(file);
    std::fs::rename(temp_path, final_path).map_err(not_saved)?;
    sync_dir(dir).map_err(not_saved)
}

/// Make a rename in `dir` durable.
pub fn sync_dir(dir: &Path) -> std::io::Result<()> {
    super::files::open_dir(dir)?.sync_all()
}

/// Remove temporary files a killed save left behind (their writer is no longer running). Best
/// effort: a file that cannot be removed now is tried again at the next start.
pub fn sweep_temporary_files(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(TEMP_PREFIX)) else { continue };
        if is_left_over(rest) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// A temporary file's name after [`TEMP_PREFIX`]: whether its writer is no longer running.
pub fn is_left_over(rest: &str) -> bool {
    let writer = rest.split('-').next().and_then(|pid| pid.parse::<u32>().ok());
    !writer.is_some_and(process_is_running)
}

fn process_is_running(pid: u32) -> bool {
    pid == std::process::id() || Path::new("/proc").join(pid.to_string()).exists()
}
