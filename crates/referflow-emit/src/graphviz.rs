//! Layout with Graphviz's `dot`, found on `PATH`: DOT in, SVG, PNG or PDF out.

use std::io::{Read, Write};
use std::process::{Command, Stdio};

/// The formats `dot` lays out for referflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    Svg,
    Png,
    Pdf,
}

impl ImageFormat {
    fn flag(self) -> &'static str {
        match self {
            ImageFormat::Svg => "-Tsvg",
            ImageFormat::Png => "-Tpng",
            ImageFormat::Pdf => "-Tpdf",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum GraphvizError {
    #[error(
        "Graphviz's `dot` is not on PATH: install Graphviz (for example `apt-get install graphviz`, `brew install graphviz`) to make svg, png, pdf and html"
    )]
    Missing,
    #[error("Graphviz's `dot` failed: {0}")]
    Failed(String),
}

/// Runs `dot` on `source`.
pub fn layout(source: &str, format: ImageFormat) -> Result<Vec<u8>, GraphvizError> {
    let mut child = Command::new("dot")
        .arg(format.flag())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => GraphvizError::Missing,
            _ => GraphvizError::Failed(e.to_string()),
        })?;
    // Feed stdin from a thread: `dot` may fill its stdout pipe before it has read all input.
    let mut stdin = child.stdin.take().ok_or_else(|| GraphvizError::Failed("no stdin".into()))?;
    let input = source.as_bytes().to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let mut stdout = Vec::new();
    let mut stderr = String::new();
    if let Some(mut out) = child.stdout.take() {
        out.read_to_end(&mut stdout).map_err(|e| GraphvizError::Failed(e.to_string()))?;
    }
    if let Some(mut err) = child.stderr.take() {
        let _ = err.read_to_string(&mut stderr);
    }
    let status = child.wait().map_err(|e| GraphvizError::Failed(e.to_string()))?;
    let _ = writer.join();
    if !status.success() {
        let first = stderr.lines().next().unwrap_or("no message").to_string();
        return Err(GraphvizError::Failed(format!("{status}: {first}")));
    }
    Ok(stdout)
}

/// Whether `dot` can be run.
pub fn available() -> bool {
    Command::new("dot").arg("-V").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
}
