//! Reading the charts named on the command line: files, directories (every `*.flow` below, in
//! sorted order) and `-` for standard input.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::Failure;

/// A chart's text and the name to show for it.
#[derive(Debug)]
pub struct Loaded {
    pub name: String,
    pub text: String,
}

/// Every file a list of PATH arguments stands for, in order; directories expand to their
/// `*.flow` files in sorted order.
pub fn expand(paths: &[PathBuf]) -> Vec<Result<PathBuf, Failure>> {
    let mut out = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" || !path.is_dir() {
            out.push(Ok(path.clone()));
            continue;
        }
        let mut found = Vec::new();
        match walk(path, &mut found) {
            Ok(()) => {
                found.sort();
                out.extend(found.into_iter().map(Ok));
            }
            Err(failure) => out.push(Err(failure)),
        }
    }
    out
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> Result<(), Failure> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| Failure(format!("{}: cannot read the directory: {e}", dir.display())))?;
    for entry in entries {
        let entry = entry.map_err(|e| Failure(format!("{}: cannot read the directory: {e}", dir.display())))?;
        let path = entry.path();
        if path.is_dir() {
            walk(&path, found)?;
        } else if path.extension().is_some_and(|e| e == "flow") {
            found.push(path);
        }
    }
    Ok(())
}

/// Reads one chart; `-` is standard input.
pub fn load(path: &Path) -> Result<Loaded, Failure> {
    let (name, bytes) = if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes).map_err(|e| Failure(format!("<stdin>: cannot read: {e}")))?;
        ("<stdin>".to_string(), bytes)
    } else {
        let name = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| Failure(format!("{name}: cannot read: {}", io_cause(&e))))?;
        (name, bytes)
    };
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Loaded { name, text }),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            Err(Failure(format!("{name}: not valid UTF-8 at byte {at}; referflow reads UTF-8 text only")))
        }
    }
}

/// The OS error without Rust's "(os error 2)" suffix.
fn io_cause(error: &std::io::Error) -> String {
    let text = error.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}
