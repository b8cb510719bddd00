//! `referflow lsp`: the Language Server Protocol over stdio, for editors.
//!
//! One thread answers messages in order (the reader and writer threads of `transport.rs` move
//! the bytes, with limits lsp-server's own reader does not have). Every request parses the document's current text again: a chart of a few hundred
//! lines parses and checks in well under the 20 ms a keystroke may take, and nothing can go
//! stale. Diagnostics are published when no message is waiting, so a burst of changes is
//! checked once, after its last change.
//!
//! Lifecycle as the protocol asks: requests before `initialize` get `ServerNotInitialized`,
//! requests after `shutdown` get `InvalidRequest`, and the process exits with 0 on `exit`
//! after `shutdown`, with 1 on `exit` without it or when the client goes away.

mod completion;
mod diagnostics;
mod hover;
mod index;
mod navigate;
mod symbols;
mod text;
mod transport;

use std::collections::{BTreeSet, HashMap};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response, ResponseError};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument, LogMessage,
    Notification as _, PublishDiagnostics, ShowMessage,
};
use lsp_types::request::{
    Completion, DocumentHighlightRequest, DocumentSymbolRequest, Formatting, GotoDefinition, HoverRequest,
    PrepareRenameRequest, References, Rename, Request as _,
};
use lsp_types::{
    CompletionOptions, CompletionResponse, CompletionTriggerKind, GotoDefinitionResponse, HoverProviderCapability,
    InitializeResult, LogMessageParams, MessageType, OneOf, PublishDiagnosticsParams, RenameOptions,
    ServerCapabilities, ServerInfo, ShowMessageParams, TextDocumentPositionParams, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions, TextEdit, Uri, WorkDoneProgressOptions,
};
use referflow_check::Levels;
use referflow_syntax::LineIndex;
use serde_json::Value;

use self::text::{Encoding, LineMap};
use crate::{Failure, Outcome, report_failure};

pub fn run() -> Outcome {
    // A bug must not take the editor's session down with a backtrace: requests run under
    // `catch_unwind` and the panic is logged on one line (stderr is the client's log).
    std::panic::set_hook(Box::new(|info| eprintln!("error: referflow lsp: internal error: {info}")));
    let (connection, io_threads) = transport::stdio();
    // `serve` consumes the server and its connection: the writer thread ends when the
    // connection is dropped, and only then can the threads be joined.
    let outcome = Server::new(connection).serve();
    if let Err(error) = io_threads.join() {
        report_failure(&Failure(format!("lsp: standard input: {error}")));
        return Outcome::Trouble;
    }
    outcome
}

/// An open document: the text as the editor has it.
#[derive(Debug)]
struct Document {
    text: String,
    /// The line index of `text`, updated by each edit rather than built again.
    lines: LineIndex,
    version: i32,
    /// The rule levels of the nearest `referflow.toml`, read when the document is opened or saved.
    levels: Levels,
}

impl Document {
    fn line_map(&self, encoding: Encoding) -> LineMap<'_> {
        LineMap::with_index(&self.text, &self.lines, encoding)
    }
}

struct Server {
    connection: Connection,
    encoding: Encoding,
    nested_symbols: bool,
    /// Whether the client shows a diagnostic's related information.
    related_shown: bool,
    documents: HashMap<Uri, Document>,
    /// Documents changed since their diagnostics were last published.
    dirty: BTreeSet<Uri>,
    shutdown: bool,
}

type Answer = Result<Value, ResponseError>;

fn error(code: ErrorCode, message: impl Into<String>) -> ResponseError {
    ResponseError { code: code as i32, message: message.into(), data: None }
}

impl Server {
    fn new(connection: Connection) -> Self {
        Server {
            connection,
            encoding: Encoding::Utf16,
            nested_symbols: true,
            related_shown: true,
            documents: HashMap::new(),
            dirty: BTreeSet::new(),
            shutdown: false,
        }
    }

    fn serve(mut self) -> Outcome {
        if !self.initialize() {
            return Outcome::Errors;
        }
        loop {
            let message = match self.connection.receiver.try_recv() {
                Ok(message) => message,
                Err(_) => {
                    self.publish();
                    match self.connection.receiver.recv() {
                        Ok(message) => message,
                        Err(_) => return Outcome::Errors, // the client went away without `exit`
                    }
                }
            };
            match message {
                Message::Request(request) => self.request(request),
                Message::Notification(notification) if notification.method == "exit" => {
                    return if self.shutdown { Outcome::Clean } else { Outcome::Errors };
                }
                Message::Notification(notification) => {
                    if !self.shutdown {
                        self.notification(notification);
                    }
                }
                Message::Response(_) => {} // the server sends no requests
            }
        }
    }

    /// Waits for `initialize` and answers it; false when the client left (or sent `exit`) first.
    fn initialize(&mut self) -> bool {
        loop {
            match self.connection.receiver.recv() {
                Ok(Message::Request(request)) if request.method == "initialize" => {
                    let result = self.capabilities(&request.params);
                    self.respond(request.id, serde_json::to_value(result).map_err(internal));
                    return true;
                }
                Ok(Message::Request(request)) => {
                    let answer = Err(error(ErrorCode::ServerNotInitialized, "the server is not initialized yet"));
                    self.respond(request.id, answer);
                }
                Ok(Message::Notification(notification)) if notification.method == "exit" => return false,
                Ok(Message::Notification(_) | Message::Response(_)) => {}
                Err(_) => return false,
            }
        }
    }

    /// Reads what the client supports (leniently: a client's odd field must not stop the
    /// server) and says what the server offers.
    fn capabilities(&mut self, params: &Value) -> InitializeResult {
        let offered: Option<Vec<lsp_types::PositionEncodingKind>> = params
            .pointer("/capabilities/general/positionEncodings")
            .and_then(|v| serde_json::from_value(v.clone()).ok());
        self.encoding = Encoding::negotiate(offered.as_deref());
        let flag = |pointer: &str| params.pointer(pointer).and_then(Value::as_bool).unwrap_or(false);
        self.nested_symbols = flag("/capabilities/textDocument/documentSymbol/hierarchicalDocumentSymbolSupport");
        self.related_shown = flag("/capabilities/textDocument/publishDiagnostics/relatedInformation");
        let prepare_rename = flag("/capabilities/textDocument/rename/prepareSupport");
        InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(self.encoding.kind()),
                text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                    ..TextDocumentSyncOptions::default()
                })),
                definition_provider: Some(OneOf::Left(true)),
                references_provider: Some(OneOf::Left(true)),
                document_highlight_provider: Some(OneOf::Left(true)),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                completion_provider: Some(CompletionOptions {
                    // `>` ends an arrow, `,` continues a list, `:` starts a chain's label, and a
                    // space opens the slot after `by`, `->`, `before`, … (completion answers a
                    // space only there).
                    trigger_characters: Some([">", ",", ":", " "].map(String::from).to_vec()),
                    ..CompletionOptions::default()
                }),
                rename_provider: Some(if prepare_rename {
                    OneOf::Right(RenameOptions {
                        prepare_provider: Some(true),
                        work_done_progress_options: WorkDoneProgressOptions::default(),
                    })
                } else {
                    OneOf::Left(true)
                }),
                document_symbol_provider: Some(OneOf::Left(true)),
                document_formatting_provider: Some(OneOf::Left(true)),
                ..ServerCapabilities::default()
            },
            server_info: Some(ServerInfo {
                name: "referflow".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
        }
    }

    fn request(&mut self, request: Request) {
        let Request { id, method, params } = request;
        if self.shutdown {
            self.respond(id, Err(error(ErrorCode::InvalidRequest, "the server is shutting down")));
            return;
        }
        let answer = match method.as_str() {
            "shutdown" => {
                self.shutdown = true;
                Ok(Value::Null)
            }
            "initialize" => Err(error(ErrorCode::InvalidRequest, "the server is already initialized")),
            GotoDefinition::METHOD => self.answer::<GotoDefinition>(params, Server::definition),
            References::METHOD => self.answer::<References>(params, |server, params| {
                let position = params.text_document_position;
                let include = params.context.include_declaration;
                Ok(server.at(&position, |uri, lines, offset| navigate::references(uri, lines, offset, include)))
            }),
            DocumentHighlightRequest::METHOD => self.answer::<DocumentHighlightRequest>(params, |server, params| {
                Ok(server
                    .at(&params.text_document_position_params, |_, lines, offset| navigate::highlights(lines, offset)))
            }),
            HoverRequest::METHOD => self.answer::<HoverRequest>(params, |server, params| {
                Ok(server
                    .at(&params.text_document_position_params, |_, lines, offset| hover::hover(lines, offset))
                    .flatten())
            }),
            Completion::METHOD => self.answer::<Completion>(params, |server, params| {
                let space = params.context.as_ref().is_some_and(|c| {
                    c.trigger_kind == CompletionTriggerKind::TRIGGER_CHARACTER
                        && c.trigger_character.as_deref() == Some(" ")
                });
                Ok(server
                    .at(&params.text_document_position, |_, lines, offset| completion::complete(lines, offset, space))
                    .map(CompletionResponse::Array))
            }),
            PrepareRenameRequest::METHOD => self.answer::<PrepareRenameRequest>(params, |server, params| {
                server
                    .at(&params, |_, lines, offset| navigate::prepare_rename(lines, offset))
                    .transpose()
                    .map_err(refused)
            }),
            Rename::METHOD => self.answer::<Rename>(params, |server, params| {
                let new_name = params.new_name;
                server
                    .at(&params.text_document_position, |uri, lines, offset| {
                        navigate::rename(uri, lines, offset, &new_name)
                    })
                    .transpose()
                    .map_err(refused)
            }),
            DocumentSymbolRequest::METHOD => self.answer::<DocumentSymbolRequest>(params, |server, params| {
                let uri = params.text_document.uri;
                Ok(server
                    .documents
                    .get(&uri)
                    .map(|doc| symbols::symbols(&uri, &doc.line_map(server.encoding), server.nested_symbols)))
            }),
            Formatting::METHOD => {
                self.answer::<Formatting>(params, |server, params| Ok(server.format(&params.text_document.uri)))
            }
            _ => Err(error(ErrorCode::MethodNotFound, format!("`{method}` is not supported"))),
        };
        self.respond(id, answer);
    }

    /// Runs a request's handler on its parameters; a panic becomes an internal error.
    fn answer<R: lsp_types::request::Request>(
        &self,
        params: Value,
        handler: impl FnOnce(&Server, R::Params) -> Result<R::Result, ResponseError>,
    ) -> Answer {
        let params: R::Params = serde_json::from_value(params)
            .map_err(|e| error(ErrorCode::InvalidParams, format!("invalid parameters for `{}`: {e}", R::METHOD)))?;
        let result = catch_unwind(AssertUnwindSafe(|| handler(self, params))).map_err(|_| {
            error(ErrorCode::InternalError, format!("`{}` failed; the server's log says why", R::METHOD))
        })??;
        serde_json::to_value(result).map_err(internal)
    }

    /// Calls `f` with the document and the byte offset of a position; `None` for a document
    /// that is not open.
    fn at<T>(
        &self,
        position: &TextDocumentPositionParams,
        f: impl FnOnce(&Uri, &LineMap<'_>, usize) -> T,
    ) -> Option<T> {
        let uri = &position.text_document.uri;
        let doc = self.documents.get(uri)?;
        let lines = doc.line_map(self.encoding);
        let offset = lines.offset(position.position);
        Some(f(uri, &lines, offset))
    }

    fn definition(
        &self,
        params: lsp_types::GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>, ResponseError> {
        let found = self.at(&params.text_document_position_params, navigate::definition).unwrap_or_default();
        Ok(match found.len() {
            0 => None,
            1 => found.into_iter().next().map(GotoDefinitionResponse::Scalar),
            _ => Some(GotoDefinitionResponse::Array(found)),
        })
    }

    /// The whole document in the canonical layout, as one edit; no edit when it is already
    /// formatted, and none when it has syntax errors (the formatter refuses those: the text
    /// might mean something else once fixed). The diagnostics already show the errors; the
    /// log says why nothing changed.
    fn format(&self, uri: &Uri) -> Option<Vec<TextEdit>> {
        let doc = self.documents.get(uri)?;
        match referflow_fmt::format(&doc.text) {
            Ok(formatted) if formatted == doc.text => Some(Vec::new()),
            Ok(formatted) => {
                let lines = doc.line_map(self.encoding);
                let range = lsp_types::Range { start: lsp_types::Position::new(0, 0), end: lines.end() };
                Some(vec![TextEdit { range, new_text: formatted }])
            }
            Err(referflow_fmt::HasSyntaxErrors(errors)) => {
                let message =
                    format!("{}: not formatted: {} syntax error(s); fix them first", uri.as_str(), errors.len());
                self.notify::<LogMessage>(LogMessageParams { typ: MessageType::INFO, message });
                None
            }
        }
    }

    fn notification(&mut self, notification: Notification) {
        let Notification { method, params } = notification;
        match method.as_str() {
            DidOpenTextDocument::METHOD => {
                let Ok(params) = serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(params) else { return };
                let doc = params.text_document;
                let levels = self.levels(&doc.uri);
                let lines = LineIndex::new(&doc.text);
                self.documents
                    .insert(doc.uri.clone(), Document { text: doc.text, lines, version: doc.version, levels });
                self.dirty.insert(doc.uri);
            }
            DidChangeTextDocument::METHOD => {
                let Ok(params) = serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(params) else {
                    return;
                };
                let uri = params.text_document.uri;
                let encoding = self.encoding;
                let Some(doc) = self.documents.get_mut(&uri) else { return };
                let applied = catch_unwind(AssertUnwindSafe(|| {
                    text::apply_changes(&mut doc.text, &mut doc.lines, params.content_changes, encoding)
                }));
                if applied.is_err() {
                    doc.text.clear(); // unreachable in practice; never check half-edited text
                    doc.lines = LineIndex::new("");
                }
                doc.version = params.text_document.version;
                self.dirty.insert(uri);
            }
            DidSaveTextDocument::METHOD => {
                let Ok(params) = serde_json::from_value::<lsp_types::DidSaveTextDocumentParams>(params) else { return };
                let uri = params.text_document.uri;
                let levels = self.levels(&uri);
                if let Some(doc) = self.documents.get_mut(&uri)
                    && doc.levels != levels
                {
                    doc.levels = levels;
                    self.dirty.insert(uri);
                }
            }
            DidCloseTextDocument::METHOD => {
                let Ok(params) = serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(params) else {
                    return;
                };
                let uri = params.text_document.uri;
                self.documents.remove(&uri);
                self.dirty.remove(&uri);
                self.notify::<PublishDiagnostics>(PublishDiagnosticsParams {
                    uri,
                    diagnostics: Vec::new(),
                    version: None,
                });
            }
            _ => {} // `initialized`, `$/cancelRequest` (answers are immediate), settings, …
        }
    }

    /// Publishes the diagnostics of every document changed since the last time.
    fn publish(&mut self) {
        for uri in std::mem::take(&mut self.dirty) {
            let Some(doc) = self.documents.get(&uri) else { continue };
            let lines = doc.line_map(self.encoding);
            let Ok(diagnostics) =
                catch_unwind(AssertUnwindSafe(|| diagnostics::check(&uri, &lines, &doc.levels, self.related_shown)))
            else {
                continue;
            };
            let version = Some(doc.version);
            self.notify::<PublishDiagnostics>(PublishDiagnosticsParams { uri, diagnostics, version });
        }
    }

    /// The rule levels for a chart: those of the nearest `referflow.toml`, as `referflow check`
    /// reads them. A config that cannot be read is shown to the user once, and the defaults apply.
    fn levels(&self, uri: &Uri) -> Levels {
        let Some(path) = file_path(uri) else { return Levels::default() };
        match crate::config::levels_for(&path) {
            Ok(levels) => levels,
            Err(Failure(message)) => {
                self.notify::<ShowMessage>(ShowMessageParams { typ: MessageType::WARNING, message });
                Levels::default()
            }
        }
    }

    fn notify<N: lsp_types::notification::Notification>(&self, params: N::Params) {
        let Ok(params) = serde_json::to_value(params) else { return };
        // A send fails only when the client is gone; the loop ends on the closed input then.
        let _ =
            self.connection.sender.send(Message::Notification(Notification { method: N::METHOD.to_string(), params }));
    }

    fn respond(&self, id: RequestId, answer: Answer) {
        let response = match answer {
            Ok(result) => Response { id, result: Some(result), error: None },
            Err(error) => Response { id, result: None, error: Some(error) },
        };
        let _ = self.connection.sender.send(Message::Response(response));
    }
}

fn internal(e: serde_json::Error) -> ResponseError {
    error(ErrorCode::InternalError, e.to_string())
}

fn refused(navigate::Refused(message): navigate::Refused) -> ResponseError {
    error(ErrorCode::RequestFailed, message)
}

/// The `file:` URI of an absolute path, encoded as SARIF encodes it.
fn file_uri(path: &std::path::Path) -> Option<Uri> {
    referflow_emit::diagnostics::file_uri(path).parse().ok()
}

/// The path of a `file:` URI (percent-decoded); `None` for other schemes (`untitled:`, …).
fn file_path(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    let path = &rest[rest.find('/')?..]; // skip the authority (`localhost` or empty)
    let mut bytes = Vec::with_capacity(path.len());
    let mut raw = path.bytes();
    while let Some(b) = raw.next() {
        if b == b'%' {
            let hex = [raw.next()?, raw.next()?];
            bytes.push(u8::from_str_radix(std::str::from_utf8(&hex).ok()?, 16).ok()?);
        } else {
            bytes.push(b);
        }
    }
    let path = String::from_utf8(bytes).ok()?;
    // `file:///C:/charts` names `C:/charts` on Windows.
    #[cfg(windows)]
    let path = match path.as_bytes() {
        [b'/', drive, b':', ..] if drive.is_ascii_alphabetic() => path[1..].to_string(),
        _ => path,
    };
    Some(PathBuf::from(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every feature at many places of many half-typed charts: cut an example anywhere (in a
    /// text, in a word, in a block) and ask everything everywhere; nothing may panic.
    #[test]
    fn no_feature_panics_on_half_typed_text() {
        let example = include_str!("../../examples/gbv-pathway.flow");
        let uri: Uri = "file:///x.flow".parse().unwrap();
        let cuts: Vec<usize> = (0..example.len()).step_by(997).filter(|&i| example.is_char_boundary(i)).collect();
        for cut in cuts {
            let text = &example[..cut];
            for encoding in [Encoding::Utf8, Encoding::Utf16] {
                let lines = LineMap::new(text, encoding);
                diagnostics::check(&uri, &lines, &Levels::default(), false);
                symbols::symbols(&uri, &lines, true);
            }
            // Offsets are bytes whatever the encoding; only the conversions of the answers differ.
            let lines = LineMap::new(text, Encoding::Utf16);
            for offset in (0..=text.len()).step_by(97).filter(|&i| text.is_char_boundary(i)) {
                completion::complete(&lines, offset, false);
                hover::hover(&lines, offset);
                navigate::definition(&uri, &lines, offset);
                navigate::highlights(&lines, offset);
                let _ = navigate::prepare_rename(&lines, offset);
                let _ = navigate::rename(&uri, &lines, offset, "renamed");
            }
        }
    }

    #[test]
    fn file_uris_become_paths() {
        let uri = |s: &str| s.parse::<Uri>().unwrap();
        assert_eq!(file_path(&uri("file:///tmp/a%20b/c.flow")), Some(PathBuf::from("/tmp/a b/c.flow")));
        assert_eq!(file_path(&uri("file://localhost/x.flow")), Some(PathBuf::from("/x.flow")));
        assert_eq!(file_path(&uri("untitled:Untitled-1")), None);
    }
}
