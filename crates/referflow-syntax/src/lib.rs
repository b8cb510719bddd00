//! The referflow language: text in, typed syntax tree with byte spans out.
//!
//! [`parse`] never fails: it returns every statement it could read, with a [`SyntaxError`] for
//! each one it could not, and resumes at the next statement. pest is an implementation detail of
//! this crate; none of its types appear in the API.

mod ast;
mod fast;
pub mod language;
mod languages;
mod lines;
mod messages;
mod parser;
mod relocate;
mod split;

pub use ast::*;
pub use language::RESERVED;
pub use lines::{LineCol, LineIndex};
pub use parser::{HeaderNotFirst, Rest, Window, parse, parse_in_batches, parse_window, parse_with_pest_only};
pub use relocate::{Keep, relocate_error};

/// Where the text of a file begins: after its byte order mark (3 bytes), if it has one. The
/// mark is not text: nothing in the file is placed on it, so every position in a file with a
/// mark is the same position, 3 bytes later, as in the file without.
pub fn text_start(src: &str) -> usize {
    if src.starts_with('\u{FEFF}') { '\u{FEFF}'.len_utf8() } else { 0 }
}

/// Whether the grammar's whole-`file` rule accepts `src`. The production parser reads one
/// statement at a time; tests use this to prove both readings of the grammar agree.
#[doc(hidden)]
pub fn whole_file_grammar_accepts(src: &str) -> bool {
    use pest::Parser as _;
    parser::Grammar::parse(parser::Rule::file, src).is_ok()
}
