//! The text a backend writes, a piece at a time. Into a string for the API and the tests, or
//! handed to a writer every megabyte, so that a chart of a million stages never holds its
//! whole output (hundreds of megabytes) in memory: the same code writes both.

use std::fmt;
use std::io;

/// How much text gathers before it goes to the writer.
const SPILL: usize = 1 << 20;

pub(crate) struct Out<'w> {
    text: String,
    sink: Option<&'w mut dyn io::Write>,
    /// The first error of the writer; what follows it is dropped.
    error: Option<io::Error>,
}

impl Out<'static> {
    /// Gathers everything, in a string of `capacity` to begin with.
    pub(crate) fn string(capacity: usize) -> Self {
        Out { text: String::with_capacity(capacity), sink: None, error: None }
    }

    pub(crate) fn into_string(self) -> String {
        self.text
    }
}

impl<'w> Out<'w> {
    /// Hands the text to `sink` as it comes.
    pub(crate) fn to(sink: &'w mut dyn io::Write) -> Self {
        Out { text: String::with_capacity(SPILL + (SPILL >> 2)), sink: Some(sink), error: None }
    }

    pub(crate) fn push_str(&mut self, text: &str) {
        self.text.push_str(text);
        if self.text.len() >= SPILL {
            self.spill();
        }
    }

    pub(crate) fn push(&mut self, c: char) {
        self.text.push(c);
    }

    /// Writes what is left to the writer and flushes it.
    pub(crate) fn finish(mut self) -> io::Result<()> {
        self.spill();
        match (self.error.take(), self.sink) {
            (Some(error), _) => Err(error),
            (None, Some(sink)) => sink.flush(),
            (None, None) => Ok(()),
        }
    }

    fn spill(&mut self) {
        let Some(sink) = &mut self.sink else { return };
        if self.error.is_none()
            && let Err(error) = sink.write_all(self.text.as_bytes())
        {
            self.error = Some(error);
        }
        self.text.clear();
    }
}

/// Writes `items` in order with `write`, on two threads when there are many (the stages of a
/// large chart): each run of items is cut in two halves, written into a string each at the
/// same time, and the strings go out in order. The text is the same as from one thread.
pub(crate) fn write_each<T: Sync>(out: &mut Out<'_>, items: &[T], write: impl Fn(&mut Out<'_>, &T) + Sync) {
    const RUN: usize = 4096;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if items.len() < 256 || threads < 2 {
        for item in items {
            write(out, item);
        }
        return;
    }
    let half = |items: &[T]| {
        let mut text = Out::string(items.len() * 512);
        for item in items {
            write(&mut text, item);
        }
        text.into_string()
    };
    for run in items.chunks(RUN) {
        let (first, second) = run.split_at(run.len() / 2);
        let (first, second) = std::thread::scope(|scope| {
            let second = scope.spawn(|| half(second));
            (half(first), second.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
        });
        out.push_str(&first);
        out.push_str(&second);
    }
}

impl fmt::Write for Out<'_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        self.push_str(text);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_writer_gets_all_the_text_in_order() {
        let mut sink = Vec::new();
        let mut out = Out::to(&mut sink);
        let piece = "x".repeat(1000);
        for i in 0..3000 {
            out.push_str(&piece);
            out.push(char::from(b'a' + (i % 26) as u8));
        }
        out.finish().unwrap();
        let mut expected = Out::string(0);
        for i in 0..3000 {
            expected.push_str(&piece);
            expected.push(char::from(b'a' + (i % 26) as u8));
        }
        assert!(sink.len() > SPILL);
        assert_eq!(String::from_utf8(sink).unwrap(), expected.into_string());
    }

    #[test]
    fn two_threads_write_what_one_writes() {
        let items: Vec<u32> = (0..20_000).collect();
        let write = |out: &mut Out<'_>, i: &u32| out.push_str(&format!("item {i}\n"));
        let mut both = Out::string(0);
        write_each(&mut both, &items, write);
        let mut one = Out::string(0);
        for i in &items {
            write(&mut one, i);
        }
        assert_eq!(both.into_string(), one.into_string());
    }
}
