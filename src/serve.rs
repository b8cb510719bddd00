//! `referflow serve FILE`: a live preview in the browser. (Being written.)

use std::path::PathBuf;

use crate::Outcome;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The chart to preview.
    pub file: PathBuf,
}

pub fn run(_args: Args) -> Outcome {
    Outcome::Trouble
}
