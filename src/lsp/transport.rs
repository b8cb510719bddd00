//! The bytes of the protocol on stdin and stdout, read with limits.
//!
//! lsp-server's own reader allocates whatever `Content-Length` a message claims before reading
//! it (99,999,999,999 bytes aborts the process) and reads a header line of any length. This
//! reader checks a header before it believes it: a line of the header is at most
//! [`MAX_HEADER_LINE`] bytes and a header at most [`MAX_HEADER_LINES`] lines, and a message of
//! more than [`MAX_MESSAGE`] bytes is answered with an error (JSON-RPC `-32600`, id `null`,
//! since its id is inside the part that is not read) and one line on stderr, then skipped a
//! buffer at a time without being held, and the server reads on.
//!
//! A header that is not one (a missing or unreadable `Content-Length`, a line too long, no
//! end) loses the place where the next message starts: the server answers with an error,
//! says why on stderr and exits with 2, as for a message that is not JSON-RPC.

use std::io::{self, BufRead, Read, Write};
use std::thread::JoinHandle;

use lsp_server::{Connection, Message};

/// The largest message the server reads: far above any chart an editor sends (the file limit
/// of `check` is 256 MiB, but a chart of 64 MiB is a million stages), far below what would
/// strain the machine.
pub const MAX_MESSAGE: u64 = 64 << 20;
/// The longest line of a header: `Content-Length: 67108864` is 24 bytes.
pub const MAX_HEADER_LINE: u64 = 1024;
/// The most lines in one header (the protocol has two kinds of header line).
pub const MAX_HEADER_LINES: usize = 32;

/// The reader and writer threads of a connection.
#[derive(Debug)]
pub struct Threads {
    reader: JoinHandle<io::Result<()>>,
    writer: JoinHandle<io::Result<()>>,
}

impl Threads {
    /// Waits for both; the reader's error (input that is not the protocol) comes first.
    pub fn join(self) -> io::Result<()> {
        let reader = self.reader.join().unwrap_or_else(|_| Err(io::Error::other("the reader stopped")));
        let writer = self.writer.join().unwrap_or_else(|_| Err(io::Error::other("the writer stopped")));
        reader.and(writer)
    }
}

/// A connection over stdin and stdout, like `Connection::stdio` but read with limits.
pub fn stdio() -> (Connection, Threads) {
    // Rendezvous channels, as lsp-server's: the reader reads a message only when the server
    // wants one, so that a burst of edits waits in the pipe, not in memory.
    let (to_server, from_client) = crossbeam_channel::bounded::<Message>(0);
    let (to_client, from_server) = crossbeam_channel::bounded::<Message>(0);
    let writer = std::thread::spawn(move || {
        for message in from_server {
            // Locked per message: the reader writes its own errors between them.
            message.write(&mut io::stdout().lock())?;
        }
        Ok(())
    });
    let reader = std::thread::spawn(move || {
        let mut input = io::stdin().lock();
        while let Some(message) = read(&mut input, &mut io::stdout())? {
            let exit = matches!(&message, Message::Notification(n) if n.method == "exit");
            if to_server.send(message).is_err() || exit {
                break;
            }
        }
        Ok(())
    });
    (Connection { sender: to_client, receiver: from_client }, Threads { reader, writer })
}

/// The next message of `input`; `None` when the input ends between messages, or inside a
/// message being skipped (the client is gone either way). A message over the limit is
/// answered on `output` and skipped; input that is not the protocol is answered there too and
/// is an error.
pub fn read(input: &mut impl BufRead, output: &mut impl Write) -> io::Result<Option<Message>> {
    loop {
        let length = match header(input) {
            Ok(Some(length)) => length,
            Ok(None) => return Ok(None),
            Err(error) => {
                reply_error(output, -32600, &format!("{error}; the server cannot find the next message and stops"));
                return Err(error);
            }
        };
        if length > MAX_MESSAGE {
            let message = format!("message of {length} bytes exceeds the 64 MiB limit");
            eprintln!("warning: referflow lsp: a {message}; it is skipped unread");
            reply_error(output, -32600, &message);
            let skipped = io::copy(&mut input.by_ref().take(length), &mut io::sink())?;
            if skipped < length {
                return Ok(None);
            }
            continue;
        }
        // Grown as the bytes arrive, not allocated at the length the header claims.
        let mut body = Vec::new();
        input.by_ref().take(length).read_to_end(&mut body)?;
        if (body.len() as u64) < length {
            return Err(invalid(format!("the input ended {} bytes into a message of {length}", body.len())));
        }
        return match serde_json::from_slice(&body) {
            Ok(message) => Ok(Some(message)),
            Err(error) => {
                let error = invalid(format!("a message that is not JSON-RPC: {error}"));
                reply_error(output, -32700, &error.to_string());
                Err(error)
            }
        };
    }
}

/// The `Content-Length` of the next header; `None` at the end of the input before one.
fn header(input: &mut impl BufRead) -> io::Result<Option<u64>> {
    let mut length = None;
    let mut line = Vec::new();
    for n in 0.. {
        if n == MAX_HEADER_LINES {
            return Err(invalid(format!("a message header of more than {MAX_HEADER_LINES} lines")));
        }
        line.clear();
        input.by_ref().take(MAX_HEADER_LINE + 1).read_until(b'\n', &mut line)?;
        if line.is_empty() && n == 0 {
            return Ok(None);
        }
        let Some(text) = line.strip_suffix(b"\n") else {
            return Err(invalid(if line.len() as u64 > MAX_HEADER_LINE {
                format!("a message header line longer than {MAX_HEADER_LINE} bytes")
            } else {
                "the input ended inside a message header".to_string()
            }));
        };
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        if text.is_empty() {
            break;
        }
        let text = String::from_utf8_lossy(text);
        let Some((name, value)) = text.split_once(':') else {
            return Err(invalid(format!("a message header line without `:`: {:?}", cut(&text))));
        };
        if name.trim().eq_ignore_ascii_case("Content-Length") {
            let value = value.trim();
            if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid(format!("a Content-Length that is not a number: {:?}", cut(value))));
            }
            // Too large for 64 bits is over the limit too; it is skipped like any other.
            length = Some(value.parse::<u64>().unwrap_or(u64::MAX));
        }
    }
    length.map(Some).ok_or_else(|| invalid("a message header without Content-Length".to_string()))
}

/// A JSON-RPC error with id `null`: the request's id, if there was one, was not read.
fn reply_error(output: &mut impl Write, code: i32, message: &str) {
    let body =
        serde_json::json!({"jsonrpc": "2.0", "id": null, "error": {"code": code, "message": message}}).to_string();
    // The client may be gone; the reader learns that from its input.
    let _ = write!(output, "Content-Length: {}\r\n\r\n{body}", body.len()).and_then(|()| output.flush());
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

/// At most 40 characters of a client's text, for a message.
fn cut(text: &str) -> String {
    text.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    const EXIT: &str = r#"{"jsonrpc":"2.0","method":"exit"}"#;

    fn read_all(input: &[u8]) -> (Vec<Message>, io::Result<()>, String) {
        let mut input = input;
        let mut output = Vec::new();
        let mut messages = Vec::new();
        let result = loop {
            match read(&mut input, &mut output) {
                Ok(Some(message)) => messages.push(message),
                Ok(None) => break Ok(()),
                Err(e) => break Err(e),
            }
        };
        (messages, result, String::from_utf8(output).unwrap_or_default())
    }

    #[test]
    fn a_message_over_the_limit_is_answered_and_skipped() {
        let mut input = format!("Content-Length: {}\r\n\r\n", MAX_MESSAGE + 1).into_bytes();
        input.extend(std::iter::repeat_n(b'x', (MAX_MESSAGE + 1) as usize));
        input.extend(frame(EXIT).bytes());
        let (messages, result, output) = read_all(&input);
        assert!(result.is_ok());
        assert!(matches!(&messages[..], [Message::Notification(n)] if n.method == "exit"), "{messages:?}");
        assert!(output.contains(r#""id":null"#) && output.contains("-32600"), "{output}");
        assert!(output.contains("message of 67108865 bytes exceeds the 64 MiB limit"), "{output}");
    }

    #[test]
    fn a_giant_length_is_skipped_until_the_input_ends() {
        for length in ["99999999999", "99999999999999999999999999"] {
            let input = format!("Content-Length: {length}\r\n\r\n{}", frame(EXIT));
            let (messages, result, output) = read_all(input.as_bytes());
            assert!(result.is_ok() && messages.is_empty(), "{messages:?}");
            assert!(output.contains("exceeds the 64 MiB limit"), "{output}");
        }
    }

    #[test]
    fn headers_that_are_not_headers_are_errors() {
        for input in [
            "Content-Type: x\r\n\r\n{}".to_string(),
            "Content-Length: ten\r\n\r\n".to_string(),
            "Content-Length: -1\r\n\r\n".to_string(),
            "Content-Length 10\r\n\r\n".to_string(),
            format!("X: {}\r\n\r\n", "y".repeat(5000)),
            "X: y\r\n".repeat(100),
            "Content-Length: 10\r\n".to_string(),
            "Content-Length: 5\r\n\r\nhello".to_string(),
            "Content-Length: 50\r\n\r\n{}".to_string(),
        ] {
            let (_, result, _) = read_all(input.as_bytes());
            assert_eq!(result.map_err(|e| e.kind()), Err(io::ErrorKind::InvalidData), "{input:?}");
        }
        let (_, _, output) = read_all(b"Content-Type: x\r\n\r\n");
        assert!(output.contains("without Content-Length"), "{output}");
    }

    #[test]
    fn ordinary_messages_pass() {
        let input = format!("{}content-length:{}\n\n{EXIT}", frame(EXIT), EXIT.len());
        let (messages, result, output) = read_all(input.as_bytes());
        assert!(result.is_ok() && output.is_empty());
        assert_eq!(messages.len(), 2);
    }
}
