//! `referflow lsp`: the Language Server Protocol over stdio. (Being written.)

use crate::Outcome;

pub fn run() -> Outcome {
    Outcome::Trouble
}
