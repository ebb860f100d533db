//! Reading an input file (an answers file or a record) named on the command line, or standard
//! input for `-`.

use std::fmt;
use std::io::Read;

/// Larger inputs are refused before parsing: an intake is a few kilobytes.
pub const MAX_INPUT_BYTES: u64 = 4 * 1024 * 1024;

#[derive(Debug)]
pub enum InputError {
    NotFound,
    PermissionDenied,
    IsDirectory,
    TooLarge,
    NotUtf8,
    Other(std::io::ErrorKind),
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::NotFound => write!(f, "no such file"),
            InputError::PermissionDenied => write!(f, "permission denied"),
            InputError::IsDirectory => write!(f, "is a folder, not a file"),
            InputError::TooLarge => {
                write!(f, "is larger than {} MiB, too large for an answers file", MAX_INPUT_BYTES / 1024 / 1024)
            }
            InputError::NotUtf8 => write!(f, "is not UTF-8 text"),
            InputError::Other(kind) => write!(f, "cannot be read ({kind})"),
        }
    }
}

fn classify(error: std::io::Error) -> InputError {
    match error.kind() {
        std::io::ErrorKind::NotFound => InputError::NotFound,
        std::io::ErrorKind::PermissionDenied => InputError::PermissionDenied,
        std::io::ErrorKind::IsADirectory => InputError::IsDirectory,
        std::io::ErrorKind::InvalidData => InputError::NotUtf8,
        kind => InputError::Other(kind),
    }
}

/// Read the whole input as text, refusing anything over [`MAX_INPUT_BYTES`].
pub fn read_input(path: &str) -> Result<String, InputError> {
    let mut bytes = Vec::new();
    let limit = MAX_INPUT_BYTES + 1;
    if path == "-" {
        std::io::stdin().lock().take(limit).read_to_end(&mut bytes).map_err(classify)?;
    } else {
        let file = std::fs::File::open(path).map_err(classify)?;
        if file.metadata().map_err(classify)?.is_dir() {
            return Err(InputError::IsDirectory);
        }
        file.take(limit).read_to_end(&mut bytes).map_err(classify)?;
    }
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(InputError::TooLarge);
    }
    String::from_utf8(bytes).map_err(|_| InputError::NotUtf8)
}
