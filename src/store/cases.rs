//! Practice case folders: the only code that reads teachers' case files from disk (`--cases DIR`
//! and the data folder's `cases/`). Each `.json` file of a folder is read as text, refusing
//! anything that is not a plain file (a symlink, FIFO or device is never read through) and
//! anything too large; checking the cases is the pure core's job ([`crate::practice`]).

use std::io::Read;
use std::path::Path;

/// A case file is teaching material of a few kilobytes; larger files are refused unread.
pub const MAX_CASE_BYTES: u64 = 1024 * 1024;

/// One case file read from a folder: the path it is named by in messages, and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFile {
    pub name: String,
    pub text: String,
}

/// Read one case file (a plain file, UTF-8, at most [`MAX_CASE_BYTES`]). The error says what is
/// wrong in words, naming the file.
pub fn read_case_file(path: &Path) -> Result<CaseFile, String> {
    let name = path.display().to_string();
    let metadata = std::fs::symlink_metadata(path).map_err(|e| format!("{name}: {}", io_words(&e)))?;
    if !metadata.file_type().is_file() {
        return Err(format!("{name}: not a plain file (a folder, link or device is never read as a case)"));
    }
    if metadata.len() > MAX_CASE_BYTES {
        return Err(format!("{name}: larger than {} KiB, too large for a case file", MAX_CASE_BYTES / 1024));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(MAX_CASE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| format!("{name}: {}", io_words(&e)))?;
    let text = String::from_utf8(bytes).map_err(|_| format!("{name}: not UTF-8 text"))?;
    Ok(CaseFile { name, text })
}

/// Every `.json` file of the folder, sorted by name. A folder that does not exist is an error
/// when `must_exist` (a folder named on the command line), else no cases (the data folder's
/// `cases/` is optional). Every file that cannot be read is a problem; all are reported.
pub fn read_case_folder(dir: &Path, must_exist: bool) -> Result<Vec<CaseFile>, Vec<String>> {
    let shown = dir.display().to_string();
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !must_exist => return Ok(Vec::new()),
        Err(e) => return Err(vec![format!("{shown}: the case folder cannot be read: {}", io_words(&e))]),
    };
    let mut paths: Vec<std::path::PathBuf> = entries
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        match read_case_file(&path) {
            Ok(file) => files.push(file),
            Err(problem) => problems.push(problem),
        }
    }
    if problems.is_empty() { Ok(files) } else { Err(problems) }
}

fn io_words(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        kind => format!("cannot be read ({kind})"),
    }
}
