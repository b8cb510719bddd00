//! `referflow lsp`: conversations with the real binary over stdio, as an editor has them.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use serde_json::{Value, json};

use crate::root;

/// How long any one answer may take before the test fails rather than hangs.
const TIMEOUT: Duration = Duration::from_secs(20);

/// An editor talking to `referflow lsp`.
struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    incoming: Receiver<Value>,
    /// Notifications that arrived while waiting for something else.
    pending: VecDeque<Value>,
    next_id: i64,
}

impl Client {
    fn start() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_referflow"))
            .arg("lsp")
            .current_dir(root())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (tx, incoming) = channel();
        std::thread::spawn(move || {
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if stdout.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = Some(n.parse::<usize>().unwrap());
                    }
                }
                let mut body = vec![0; length.expect("a Content-Length header")];
                stdout.read_exact(&mut body).unwrap();
                if tx.send(serde_json::from_slice::<Value>(&body).unwrap()).is_err() {
                    return;
                }
            }
        });
        Client { child, stdin, incoming, pending: VecDeque::new(), next_id: 0 }
    }

    /// A client that has been through `initialize` with `capabilities`.
    fn initialized(capabilities: Value) -> (Client, Value) {
        let mut client = Client::start();
        let result =
            client.request("initialize", json!({"processId": null, "rootUri": null, "capabilities": capabilities}));
        client.notify("initialized", json!({}));
        (client, result["result"].clone())
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        let stdin = self.stdin.as_mut().unwrap();
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        stdin.flush().unwrap();
    }

    fn receive(&mut self) -> Value {
        self.incoming.recv_timeout(TIMEOUT).expect("the server answered in time")
    }

    /// Sends a request and returns the whole response (`result` or `error`).
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let message = self.receive();
            if message["id"] == json!(id) && message.get("method").is_none() {
                return message;
            }
            self.pending.push_back(message);
        }
    }

    /// The `result` of a request that must succeed.
    fn ok(&mut self, method: &str, params: Value) -> Value {
        let response = self.request(method, params);
        assert!(response.get("error").is_none(), "{method}: {response}");
        response["result"].clone()
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// The params of the next notification `method` from the server.
    fn notification(&mut self, method: &str) -> Value {
        if let Some(i) = self.pending.iter().position(|m| m["method"] == method) {
            return self.pending.remove(i).unwrap()["params"].clone();
        }
        loop {
            let message = self.receive();
            if message["method"] == method {
                return message["params"].clone();
            }
            self.pending.push_back(message);
        }
    }

    /// The diagnostics published for version `version` of `uri` (`None`: those of a closed
    /// document); diagnostics of earlier versions are skipped.
    fn diagnostics(&mut self, uri: &str, version: Option<i64>) -> Vec<Value> {
        loop {
            let params = self.notification("textDocument/publishDiagnostics");
            if params["uri"] == uri && params.get("version").and_then(Value::as_i64) == version {
                return params["diagnostics"].as_array().unwrap().clone();
            }
        }
    }

    fn open(&mut self, uri: &str, text: &str) -> Vec<Value> {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "referflow", "version": 1, "text": text}}),
        );
        self.diagnostics(uri, Some(1))
    }

    /// Shuts the server down as an editor does and returns its exit code.
    fn shut_down(mut self) -> i32 {
        assert_eq!(self.ok("shutdown", Value::Null), Value::Null);
        self.notify("exit", Value::Null);
        self.exit_code()
    }

    fn exit_code(&mut self) -> i32 {
        self.stdin = None; // closes the server's input
        let deadline = std::time::Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().unwrap();
            }
            assert!(std::time::Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The position of the `nth` occurrence of `needle` in `text` (plus `plus` characters), in
/// UTF-16 code units as the protocol counts by default.
fn at(text: &str, needle: &str, nth: usize, plus: usize) -> Value {
    let offset = text.match_indices(needle).nth(nth).unwrap_or_else(|| panic!("{needle} #{nth}")).0;
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let character = before[line_start..].encode_utf16().count() + plus;
    json!({"line": line, "character": character})
}

fn range(text: &str, needle: &str, nth: usize) -> Value {
    let len = needle.encode_utf16().count();
    json!({"start": at(text, needle, nth, 0), "end": at(text, needle, nth, len)})
}

fn position(uri: &str, position: Value) -> Value {
    json!({"textDocument": {"uri": uri}, "position": position})
}

const URI: &str = "file:///charts/referral.flow";

/// A chart with one error: `screen` is defined twice.
const BROKEN: &str = "\
actor police \"Royal Thai Police\"
actor mdt \"Multidisciplinary team\"
start tip_off \"Tip-off received\" by police
step screen \"Screen with the form\" by mdt within 24h {
  ref \"Anti-Trafficking in Persons Act, section 29\"
}
end closed \"Case closed\" by police
end screen \"Duplicate\" by police
tip_off->screen->closed
";

fn fixed() -> String {
    BROKEN.replace("end screen \"Duplicate\" by police\n", "")
}

fn capabilities() -> Value {
    json!({
        "textDocument": {
            "documentSymbol": {"hierarchicalDocumentSymbolSupport": true},
            "rename": {"prepareSupport": true},
            "publishDiagnostics": {"relatedInformation": true},
        }
    })
}

#[test]
fn a_whole_editing_session() {
    let (mut client, init) = Client::initialized(capabilities());

    // What the server offers.
    let caps = &init["capabilities"];
    assert_eq!(init["serverInfo"]["name"], "referflow");
    assert_eq!(caps["positionEncoding"], "utf-16", "the default when the client offers nothing else");
    assert_eq!(caps["textDocumentSync"]["openClose"], true);
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental");
    for provider in ["definitionProvider", "referencesProvider", "hoverProvider", "documentSymbolProvider"] {
        assert_eq!(caps[provider], true, "{provider}");
    }
    assert_eq!(caps["documentFormattingProvider"], true);
    assert_eq!(caps["renameProvider"]["prepareProvider"], true);
    let triggers = caps["completionProvider"]["triggerCharacters"].as_array().unwrap();
    assert!(triggers.contains(&json!(">")) && triggers.contains(&json!(" ")), "{triggers:?}");

    // An error, with the other definition as related information and the help in the message.
    let diagnostics = client.open(URI, BROKEN);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    let d = &diagnostics[0];
    assert_eq!(d["code"], "RF002");
    assert_eq!(d["source"], "referflow");
    assert_eq!(d["severity"], 1);
    assert_eq!(d["range"], range(BROKEN, "screen", 1));
    assert_eq!(
        d["message"],
        "`screen` is defined twice\nhelp: every stage, actor and phase needs an id of its own; rename one of them"
    );
    let related = d["relatedInformation"].as_array().unwrap();
    assert_eq!(related.len(), 1);
    assert_eq!(related[0]["location"]["uri"], URI);
    assert_eq!(related[0]["location"]["range"], range(BROKEN, "screen", 0));
    assert_eq!(related[0]["message"], "first defined here, as a stage");

    // Deleting the duplicate line (an incremental change) clears the diagnostics.
    let line = BROKEN.lines().position(|l| l.starts_with("end screen")).unwrap();
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": URI, "version": 2},
            "contentChanges": [{"range": {"start": {"line": line, "character": 0}, "end": {"line": line + 1, "character": 0}}, "text": ""}],
        }),
    );
    assert_eq!(client.diagnostics(URI, Some(2)), Vec::<Value>::new());
    let text = fixed();

    // Go to definition from a reference in an edge chain, and from the definition itself.
    let definition = client.ok("textDocument/definition", position(URI, at(&text, "screen", 1, 2)));
    assert_eq!(definition, json!({"uri": URI, "range": range(&text, "screen", 0)}));
    let definition = client.ok("textDocument/definition", position(URI, at(&text, "mdt", 1, 0)));
    assert_eq!(definition["range"], range(&text, "mdt", 0), "an actor, from a `by`");

    // References, with and without the definition.
    let mut params = position(URI, at(&text, "police", 0, 1));
    params["context"] = json!({"includeDeclaration": true});
    let refs = client.ok("textDocument/references", params.clone());
    let ranges: Vec<&Value> = refs.as_array().unwrap().iter().map(|l| &l["range"]).collect();
    assert_eq!(ranges, [&range(&text, "police", 0), &range(&text, "police", 1), &range(&text, "police", 2)]);
    params["context"] = json!({"includeDeclaration": false});
    assert_eq!(client.ok("textDocument/references", params).as_array().unwrap().len(), 2);

    // Hover on a stage: kind, labels, owners, time limit, references.
    let hover = client.ok("textDocument/hover", position(URI, at(&text, "screen", 1, 0)));
    assert_eq!(hover["contents"]["kind"], "markdown");
    assert_eq!(
        hover["contents"]["value"],
        "**step** `screen`\n\n- `en` Screen with the form\n\n**Owners:** Multidisciplinary team (`mdt`)\n\n\
         **Within:** 24h\n\n**References:**\n- Anti\\-Trafficking in Persons Act\\, section 29\n"
    );
    assert_eq!(hover["range"], range(&text, "screen", 1));
    let hover = client.ok("textDocument/hover", position(URI, at(&text, "police", 1, 0)));
    assert_eq!(hover["contents"]["value"], "**actor** `police`\n\n- `en` Royal Thai Police\n\nowns 2 stages\n");
    assert_eq!(client.ok("textDocument/hover", position(URI, at(&text, "Case", 0, 0))), Value::Null, "not on an id");

    // Completion after `->` offers stages; after `by`, actors; at a line's start, keywords.
    let labels = |list: &Value| -> Vec<String> {
        list.as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap().to_string()).collect()
    };
    let typed = format!("{text}closed -> \n");
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 3}, "contentChanges": [{"text": typed}]}),
    );
    let items = client.ok("textDocument/completion", position(URI, at(&typed, "closed -> ", 0, 10)));
    assert_eq!(labels(&items), ["tip_off", "screen", "closed"]);
    assert_eq!(items[1]["detail"], "step · Screen with the form");
    let typed = format!("{text}step verify \"Verify\" by m\n");
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 4}, "contentChanges": [{"text": typed}]}),
    );
    let items = client.ok("textDocument/completion", position(URI, at(&typed, "by m", 0, 4)));
    assert_eq!(labels(&items), ["police", "mdt"]);
    let word = json!({"start": at(&typed, "by m", 0, 3), "end": at(&typed, "by m", 0, 4)});
    assert_eq!(items[1]["textEdit"]["range"], word, "replaces the word being typed");
    let items = client.ok("textDocument/completion", position(URI, at(&typed, "step verify", 0, 2)));
    assert!(labels(&items).contains(&"require".to_string()), "{items}");
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 5}, "contentChanges": [{"text": text}]}),
    );

    // Rename: every occurrence, or a refusal that says why.
    let prepared = client.ok("textDocument/prepareRename", position(URI, at(&text, "screen", 1, 0)));
    assert_eq!(prepared, json!({"range": range(&text, "screen", 1), "placeholder": "screen"}));
    let mut params = position(URI, at(&text, "screen", 1, 0));
    params["newName"] = json!("triage");
    let edit = client.ok("textDocument/rename", params.clone());
    let edits = edit["changes"][URI].as_array().unwrap();
    assert_eq!(edits.len(), 2);
    assert_eq!(edits[0], json!({"range": range(&text, "screen", 0), "newText": "triage"}));
    assert_eq!(edits[1], json!({"range": range(&text, "screen", 1), "newText": "triage"}));
    for (new_name, why) in [
        ("mdt", "`mdt` is already the id of an actor; choose another name"),
        ("within", "`within` is a reserved word and cannot be an id"),
        ("2nd-screen", "is not an id"),
    ] {
        params["newName"] = json!(new_name);
        let response = client.request("textDocument/rename", params.clone());
        assert_eq!(response["error"]["code"], -32803, "{response}");
        assert!(response["error"]["message"].as_str().unwrap().contains(why), "{response}");
    }

    // The outline: actors and stages in source order.
    let symbols = client.ok("textDocument/documentSymbol", json!({"textDocument": {"uri": URI}}));
    let names: Vec<(&str, &str)> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["name"].as_str().unwrap(), s["detail"].as_str().unwrap()))
        .collect();
    assert_eq!(
        names,
        [
            ("police", "actor · Royal Thai Police"),
            ("mdt", "actor · Multidisciplinary team"),
            ("tip_off", "start · Tip-off received"),
            ("screen", "step · Screen with the form"),
            ("closed", "end · Case closed"),
        ]
    );
    assert_eq!(symbols[3]["selectionRange"], range(&text, "screen", 0));

    // Formatting: one edit of the whole document, to what `referflow fmt` writes.
    let edits = client.ok(
        "textDocument/formatting",
        json!({"textDocument": {"uri": URI}, "options": {"tabSize": 4, "insertSpaces": true}}),
    );
    let edits = edits.as_array().unwrap();
    assert_eq!(edits.len(), 1);
    assert_eq!(edits[0]["range"]["start"], json!({"line": 0, "character": 0}));
    assert_eq!(edits[0]["range"]["end"], json!({"line": text.lines().count(), "character": 0}));
    assert_eq!(edits[0]["newText"], referflow_fmt::format(&text).unwrap());
    assert!(edits[0]["newText"].as_str().unwrap().contains("tip_off -> screen -> closed\n"));

    // Closing the document clears its diagnostics.
    client.notify("textDocument/didClose", json!({"textDocument": {"uri": URI}}));
    assert_eq!(client.diagnostics(URI, None), Vec::<Value>::new());

    assert_eq!(client.shut_down(), 0);
}

#[test]
fn a_violated_requirement_comes_with_its_path() {
    let (mut client, _) = Client::initialized(capabilities());
    let path = root().join("tests/fixtures/invalid/RF201-requirement-violated.flow");
    let text = std::fs::read_to_string(path).unwrap();
    let diagnostics = client.open(URI, &text);
    let d = diagnostics.iter().find(|d| d["code"] == "RF201").expect("RF201");
    assert_eq!(d["severity"], 1);
    let related: Vec<(&Value, &str)> = d["relatedInformation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (&r["location"]["range"]["start"], r["message"].as_str().unwrap()))
        .collect();
    assert_eq!(
        related,
        [
            (&at(&text, "tip_off", 0, 0), "1. on the path"),
            (&at(&text, "verify", 0, 0), "2. on the path"),
            (&at(&text, "shelter \"Temporary", 0, 0), "3. on the path"),
        ]
    );
    // A warning is a warning.
    let text = "actor a \"A\"\nactor unused \"U\"\nstart s \"S\" by a\nend e \"E\" by a\ns -> e\n";
    let diagnostics = client.open("untitled:Untitled-1", text);
    assert_eq!(diagnostics.len(), 1);
    assert_eq!((&diagnostics[0]["code"], &diagnostics[0]["severity"]), (&json!("RF109"), &json!(2)));
    assert_eq!(diagnostics[0]["tags"], json!([1]), "an unused actor is faded as unnecessary");
    assert_eq!(client.shut_down(), 0);
}

#[test]
fn positions_count_in_the_negotiated_encoding() {
    // Thai letters take 1 UTF-16 unit and 3 UTF-8 bytes; the emoji 2 units and 4 bytes.
    let text = "actor ตำรวจ \"😀 Police\"\nstart แจ้ง \"😀\" by ตำรวจ\nend ปิด \"😀\" by ตำรวจ\nแจ้ง -> ปิด\n";
    for (offered, expected, column) in [
        (json!(["utf-16"]), "utf-16", "end ปิด \"😀\" by ".encode_utf16().count()),
        (json!(["utf-8", "utf-16"]), "utf-8", "end ปิด \"😀\" by ".len()),
        (json!(["utf-32"]), "utf-32", "end ปิด \"😀\" by ".chars().count()),
    ] {
        let (mut client, init) = Client::initialized(json!({"general": {"positionEncodings": offered}}));
        assert_eq!(init["capabilities"]["positionEncoding"], expected);
        assert_eq!(client.open(URI, text), Vec::<Value>::new());
        let target = json!({"line": 2, "character": column + 1});
        let found = client.ok("textDocument/definition", position(URI, target));
        assert_eq!(found["range"]["start"], json!({"line": 0, "character": 6}));
        let width = "ตำรวจ".len() / if expected == "utf-8" { 1 } else { 3 };
        assert_eq!(found["range"]["end"], json!({"line": 0, "character": 6 + width}));
        assert_eq!(client.shut_down(), 0);
    }
}

#[test]
fn odd_requests_get_errors_and_never_stop_the_server() {
    let mut client = Client::start();
    let early = client.request("textDocument/hover", position(URI, json!({"line": 0, "character": 0})));
    assert_eq!(early["error"]["code"], -32002, "before initialize: {early}");
    client.request("initialize", json!({"capabilities": {}}));
    client.notify("initialized", json!({}));
    // A client that does not show related information gets it in the message.
    let diagnostics = client.open(URI, BROKEN);
    assert_eq!(
        diagnostics[0]["message"],
        "`screen` is defined twice\nhelp: every stage, actor and phase needs an id of its own; rename one of them\n\
         4:6: first defined here, as a stage"
    );

    // Positions past the end of a line or of the document.
    for (line, character) in [(0, 999), (999, 0), (999, 999), (u32::MAX, u32::MAX)] {
        let params = position(URI, json!({"line": line, "character": character}));
        for method in ["textDocument/hover", "textDocument/definition", "textDocument/completion"] {
            let response = client.request(method, params.clone());
            assert!(response.get("error").is_none(), "{method} at {line}:{character}: {response}");
        }
    }
    // Edits with ranges past the end, backwards, inside a character.
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": URI, "version": 2},
            "contentChanges": [
                {"range": {"start": {"line": 500, "character": 3}, "end": {"line": 2, "character": 7}}, "text": "ไทย😀"},
                {"range": {"start": {"line": 0, "character": 1}, "end": {"line": 0, "character": 1}}, "text": "\""},
            ],
        }),
    );
    client.diagnostics(URI, Some(2));
    // A document that was never opened, bad parameters, an unknown method.
    let unknown = position("file:///nowhere.flow", json!({"line": 0, "character": 0}));
    assert_eq!(client.ok("textDocument/hover", unknown.clone()), Value::Null);
    assert_eq!(client.request("textDocument/hover", json!({"nonsense": 1}))["error"]["code"], -32602);
    assert_eq!(client.request("referflow/unheardOf", json!({}))["error"]["code"], -32601);
    // Formatting a chart with syntax errors changes nothing.
    let text = "actor police \"Police\nstart s \"S\" by police\n";
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 3}, "contentChanges": [{"text": text}]}),
    );
    assert_eq!(client.diagnostics(URI, Some(3))[0]["code"], "RF001");
    let formatting = json!({"textDocument": {"uri": URI}, "options": {"tabSize": 2, "insertSpaces": true}});
    assert_eq!(client.ok("textDocument/formatting", formatting), Value::Null);
    // Nor does a rename while the chart has syntax errors.
    let mut params = position(URI, at(text, "s \"S\"", 0, 0));
    params["newName"] = json!("first");
    let refused = client.request("textDocument/rename", params);
    assert!(refused["error"]["message"].as_str().unwrap().contains("syntax errors"), "{refused}");

    // After shutdown, requests are refused; `exit` then ends the process with 0.
    assert_eq!(client.ok("shutdown", Value::Null), Value::Null);
    assert_eq!(client.request("textDocument/hover", unknown)["error"]["code"], -32600);
    client.notify("exit", Value::Null);
    assert_eq!(client.exit_code(), 0);
}

#[test]
fn exit_without_shutdown_is_code_1() {
    let (mut client, _) = Client::initialized(json!({}));
    client.notify("exit", Value::Null);
    assert_eq!(client.exit_code(), 1);
    let mut client = Client::start();
    assert_eq!(client.exit_code(), 1, "the client went away");
}

/// A numbered chart: hover names the step; a rename changes the id and leaves the number, which
/// is what people cite.
#[test]
fn hover_names_the_step_and_rename_keeps_the_number() {
    let (mut client, _) = Client::initialized(capabilities());
    let text = "numbering required last 3\nactor police \"Police\"\nstart 1 tip_off \"Tip-off\" by police\n\
                step 3 screen \"Screen\" by police\nstep verify \"Verify\" by police\nend 2 closed \"Closed\" by police\n\
                tip_off -> screen -> verify -> closed\n";
    client.open(URI, text);
    let hover = client.ok("textDocument/hover", position(URI, at(text, "screen", 1, 0)));
    let value = hover["contents"]["value"].as_str().unwrap();
    assert!(value.starts_with("**step** `screen` · step 3\n"), "{value}");
    let hover = client.ok("textDocument/hover", position(URI, at(text, "verify", 0, 0)));
    let value = hover["contents"]["value"].as_str().unwrap();
    assert!(value.starts_with("**step** `verify` · no number yet"), "{value}");
    let mut params = position(URI, at(text, "screen", 0, 0));
    params["newName"] = json!("triage");
    let edit = client.ok("textDocument/rename", params);
    let mut renamed = text.to_string();
    let mut edits: Vec<(usize, usize, String)> = edit["changes"][URI]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let offset = |p: &Value| {
                let line = p["line"].as_u64().unwrap() as usize;
                let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
                start + p["character"].as_u64().unwrap() as usize
            };
            (offset(&e["range"]["start"]), offset(&e["range"]["end"]), e["newText"].as_str().unwrap().to_string())
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    for (start, end, new) in edits {
        renamed.replace_range(start..end, &new);
    }
    assert!(renamed.contains("step 3 triage \"Screen\""), "{renamed}");
    assert!(renamed.contains("tip_off -> triage -> verify"), "{renamed}");
    assert_eq!(client.shut_down(), 0);
}

#[test]
fn phases_hold_their_stages_in_the_outline() {
    let (mut client, _) = Client::initialized(capabilities());
    let path = root().join("examples/thailand-nrm.flow");
    let text = std::fs::read_to_string(path).unwrap();
    client.open(URI, &text);
    let symbols = client.ok("textDocument/documentSymbol", json!({"textDocument": {"uri": URI}}));
    let first_contact = symbols.as_array().unwrap().iter().find(|s| s["name"] == "first_contact").unwrap();
    assert_eq!(first_contact["kind"], 3, "a namespace");
    let children: Vec<&str> =
        first_contact["children"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(children[..4], ["police_operation", "labour_inspection", "hotline_call", "ngo_contact"]);
    let hover = client.ok("textDocument/hover", position(URI, at(&text, "police_screen", 0, 0)));
    let value = hover["contents"]["value"].as_str().unwrap();
    assert!(value.starts_with("**step** `police_screen` in phase `first_contact`\n"), "{value}");
    assert!(value.contains("- `th` คัดกรองด้วยแบบคัดกรองบุคคลที่อาจเป็นผู้เสียหายจากการค้ามนุษย์\n"), "{value}");
    assert_eq!(client.shut_down(), 0);
}

#[test]
fn input_that_is_not_the_protocol_ends_the_server_with_code_2() {
    let mut client = Client::start();
    let stdin = client.stdin.as_mut().unwrap();
    stdin.write_all(b"Content-Length: 5\r\n\r\nhello").unwrap();
    stdin.flush().unwrap();
    assert_eq!(client.exit_code(), 2);
}

#[test]
fn rule_levels_come_from_the_nearest_referflow_toml() {
    let dir = std::env::temp_dir().join(format!("referflow-it-{}-lsp-config", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("charts")).unwrap();
    std::fs::write(dir.join("referflow.toml"), "[rules]\nunused-actor = \"deny\"\n").unwrap();
    let uri = format!("file://{}/charts/a.flow", dir.display());
    let text = "actor a \"A\"\nactor unused \"U\"\nstart s \"S\" by a\nend e \"E\" by a\ns -> e\n";

    let (mut client, _) = Client::initialized(json!({}));
    let diagnostics = client.open(&uri, text);
    assert_eq!((&diagnostics[0]["code"], &diagnostics[0]["severity"]), (&json!("RF109"), &json!(1)), "denied");

    // A config that cannot be read is shown to the user, and the defaults apply.
    std::fs::write(dir.join("referflow.toml"), "[rules]\nno-such-rule = \"deny\"\n").unwrap();
    client.notify("textDocument/didSave", json!({"textDocument": {"uri": uri}}));
    let shown = client.notification("window/showMessage");
    assert!(shown["message"].as_str().unwrap().contains("unknown rule `no-such-rule`"), "{shown}");
    assert_eq!(client.diagnostics(&uri, Some(1))[0]["severity"], 2, "a warning again");
    assert_eq!(client.shut_down(), 0);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A message larger than the limit (64 MiB) is answered with an error whose id is `null` (the
/// id is in the part not read), skipped without being held, and the server reads on.
#[test]
fn a_message_over_the_limit_is_refused_and_the_server_reads_on() {
    let (mut client, _) = Client::initialized(json!({}));
    let length = (64 << 20) + 1;
    let stdin = client.stdin.as_mut().unwrap();
    write!(stdin, "Content-Length: {length}\r\n\r\n").unwrap();
    let chunk = vec![b' '; 1 << 20];
    let mut left = length;
    while left > 0 {
        let n = left.min(chunk.len());
        stdin.write_all(&chunk[..n]).unwrap();
        left -= n;
    }
    let refused = client.receive();
    assert_eq!(refused["id"], Value::Null, "{refused}");
    assert_eq!(refused["error"]["code"], -32600, "{refused}");
    assert_eq!(refused["error"]["message"], format!("message of {length} bytes exceeds the 64 MiB limit"));
    // The next message is read as usual.
    let diagnostics = client.open(URI, "start s \"S\"\n");
    assert!(diagnostics.iter().any(|d| d["code"] == "RF102"), "{diagnostics:?}");
    assert_eq!(client.shut_down(), 0);
}

/// `referflow lsp` run with `input` on stdin (then closed): exit code, stdout, stderr.
fn lsp_with_input(input: &[u8]) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_referflow"))
        .arg("lsp")
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(input).unwrap();
    drop(stdin);
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let output = rx.recv_timeout(TIMEOUT).expect("the server exited in time").unwrap();
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).unwrap();
    (output.status.code().expect("an exit code, not a signal"), text(output.stdout), text(output.stderr))
}

/// A `Content-Length` of 99,999,999,999 (lsp-server's reader allocated it and aborted): the
/// server answers, skips what comes (here up to the end of the input, which the claimed
/// length reaches past) and ends as when a client goes away, with 1.
#[test]
fn a_giant_content_length_does_not_bring_the_server_down() {
    let request = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#;
    let input = format!("Content-Length: 99999999999\r\n\r\nContent-Length: {}\r\n\r\n{request}", request.len());
    let (code, stdout, stderr) = lsp_with_input(input.as_bytes());
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stdout.contains(r#""error":{"code":-32600,"message":"message of 99999999999 bytes exceeds the 64 MiB limit"}"#),
        "{stdout}"
    );
    assert!(stdout.contains(r#""id":null"#), "{stdout}");
    assert_eq!(
        stderr,
        "warning: referflow lsp: a message of 99999999999 bytes exceeds the 64 MiB limit; it is skipped unread\n"
    );
}

/// Without a readable `Content-Length` the place of the next message is lost: an error, one
/// line saying why, and exit code 2, as for any input that is not the protocol.
#[test]
fn a_header_without_a_length_ends_the_server_with_code_2() {
    for (input, cause) in [
        ("Content-Type: application/json\r\n\r\n{}", "a message header without Content-Length"),
        ("Content-Length: lots\r\n\r\n{}", "a Content-Length that is not a number: \"lots\""),
    ] {
        let (code, stdout, stderr) = lsp_with_input(input.as_bytes());
        assert_eq!(code, 2, "{stderr}");
        assert_eq!(stderr, format!("error: lsp: standard input: {cause}\n"));
        let (_, body) = stdout.split_once("\r\n\r\n").unwrap();
        let error: Value = serde_json::from_str(body).unwrap();
        assert_eq!(error["id"], Value::Null, "{error}");
        assert!(error["error"]["message"].as_str().unwrap().starts_with(cause), "{error}");
    }
}

#[test]
fn a_chart_that_includes_knows_what_the_other_file_defines_and_jumps_there() {
    let dir = std::env::temp_dir().join(format!("referflow-lsp-include-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("shared")).unwrap();
    let agencies = "actor police \"Royal Thai Police\"\nactor mdt \"Multidisciplinary team\"\n";
    std::fs::write(dir.join("shared/agencies.flow"), agencies).unwrap();
    let chart = "include \"shared/agencies.flow\"\nstart tip \"Tip-off\" by police\nend closed \"Closed\" by mdt\ntip -> closed\n";
    std::fs::write(dir.join("chart.flow"), chart).unwrap();
    let dir = std::fs::canonicalize(&dir).unwrap();
    let uri = format!("file://{}/chart.flow", dir.display());

    let (mut client, _) = Client::initialized(capabilities());
    // No `police` or `mdt` unknown: the included file defines them.
    assert_eq!(client.open(&uri, chart), Vec::<Value>::new());
    let found = client.ok("textDocument/definition", position(&uri, at(chart, "police", 0, 1)));
    assert_eq!(found["uri"], format!("file://{}/shared/agencies.flow", dir.display()), "{found}");
    assert_eq!(found["range"], range(agencies, "police", 0));
    let agencies_uri = format!("file://{}/shared/agencies.flow", dir.display());

    // References and rename reach the other file too.
    let mut params = position(&uri, at(chart, "police", 0, 1));
    params["context"] = json!({"includeDeclaration": true});
    let refs = client.ok("textDocument/references", params);
    let uris: Vec<&str> = refs.as_array().unwrap().iter().map(|l| l["uri"].as_str().unwrap()).collect();
    assert_eq!(uris, [uri.as_str(), agencies_uri.as_str()], "{refs}");
    let mut params = position(&uri, at(chart, "police", 0, 1));
    params["newName"] = json!("provincial_police");
    let edit = client.ok("textDocument/rename", params);
    assert_eq!(edit["changes"][&uri][0]["range"], range(chart, "police", 0), "{edit}");
    assert_eq!(edit["changes"][&agencies_uri][0]["range"], range(agencies, "police", 0), "{edit}");
    // A name an included file already uses is refused.
    let mut params = position(&uri, at(chart, "police", 0, 1));
    params["newName"] = json!("mdt");
    assert!(client.request("textDocument/rename", params)["error"]["message"].as_str().unwrap().contains("already"));

    // A duplicate of an id the included file defines points there.
    let dup = "include \"shared/agencies.flow\"\nactor police \"Again\"\nstart tip \"Tip-off\" by police\nend closed \"Closed\" by mdt\ntip -> closed\n";
    std::fs::write(dir.join("dup.flow"), dup).unwrap();
    let dup_uri = format!("file://{}/dup.flow", dir.display());
    let found = client.open(&dup_uri, dup);
    let duplicate = found.iter().find(|d| d["code"] == "RF002").expect("RF002");
    let related = &duplicate["relatedInformation"][0]["location"];
    assert_eq!(related["uri"], agencies_uri.as_str(), "{duplicate}");
    assert_eq!(related["range"], range(agencies, "police", 0), "{duplicate}");

    // The file of agencies opened on its own is checked as part of the chart that includes it:
    // no "no start", no unused actor; an error in it is shown in it, as the editor has it.
    assert_eq!(client.open(&agencies_uri, agencies), Vec::<Value>::new());
    let broken = agencies.replace("team\"", "team\" { zz \"x\" }");
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": agencies_uri, "version": 2}, "contentChanges": [{"text": broken}]}),
    );
    let found = client.diagnostics(&agencies_uri, Some(2));
    let codes: Vec<&str> = found.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["RF006"], "a translation into an undeclared language: {found:?}");
    assert_eq!(found[0]["range"]["start"]["line"], 1, "{found:?}");
    assert_eq!(client.shut_down(), 0);
    let _ = std::fs::remove_dir_all(&dir);
}
