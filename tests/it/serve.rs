//! `referflow serve` against the real binary on an ephemeral port: the page and its headers,
//! nothing but the page, updates pushed as server-sent events after each save, errors shown
//! over the last good diagram, a clean stop on Ctrl-C; and a headless Chromium that sees the
//! page update live (tests/browser/live.mjs).
//!
//! Every wait has a deadline, so a bug fails a test rather than hanging it.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::graphviz;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

/// How long anything may take before the test gives up on it: generous for a loaded CI
/// machine, yet a hang fails in seconds.
const PATIENCE: Duration = Duration::from_secs(10);

/// A bilingual chart with no errors.
const CHART: &str = r#"title "Referral of potential victims" th "การส่งต่อผู้เสียหาย"
languages en th

actor police "Royal Thai Police" { th "สำนักงานตำรวจแห่งชาติ" }
actor mdt "Multidisciplinary team" { th "ทีมสหวิชาชีพ" }

start tip_off "Tip-off received" by police { th "ได้รับแจ้งเบาะแส" }
step screen "Screen with trafficking indicators" by mdt within 24h { th "คัดกรอง" }
end assisted "Assistance plan agreed" by mdt { th "มีแผนการช่วยเหลือ" }

tip_off -> screen -> assisted
"#;

/// A `referflow serve` child, stopped (killed) when dropped if a test did not stop it.
struct Served {
    child: Child,
    url: String,
    port: u16,
    stderr: Arc<Mutex<String>>,
}

impl Served {
    fn start(chart: &Path, extra: &[&str], env_path: Option<&Path>) -> Served {
        let mut command = Command::new(env!("CARGO_BIN_EXE_referflow"));
        command.arg("serve").arg(chart).args(["--port", "0"]).args(extra);
        command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        if let Some(path) = env_path {
            command.env("PATH", path);
        }
        let mut child = command.spawn().unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
        drain(child.stderr.take().unwrap(), Arc::clone(&stderr));
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let _ = tx.send(lines.next());
            // Keep reading so the server never blocks on a full pipe.
            for _ in lines {}
        });
        let first = rx.recv_timeout(PATIENCE);
        let mut served = Served { child, url: String::new(), port: 0, stderr };
        let line = match first {
            Ok(Some(Ok(line))) => line,
            other => panic!("no URL on stdout ({other:?}); stderr: {}", served.stderr()),
        };
        let port = line
            .strip_prefix("http://127.0.0.1:")
            .and_then(|rest| rest.strip_suffix('/'))
            .and_then(|port| port.parse().ok())
            .unwrap_or_else(|| panic!("the first line is not the URL: {line:?}"));
        served.url = line;
        served.port = port;
        served
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    fn get(&self, target: &str) -> HttpResponse {
        request(self.port, &format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n", self.port))
    }

    fn events(&self) -> EventStream {
        EventStream::open(self.port)
    }

    /// Ctrl-C: SIGINT, then the exit code, which must be 0.
    fn interrupt(mut self) -> String {
        let pid = self.child.id().to_string();
        let status = Command::new("kill").args(["-INT", &pid]).status().unwrap();
        assert!(status.success(), "kill -INT {pid} failed");
        let deadline = Instant::now() + PATIENCE;
        let code = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status.code();
            }
            assert!(Instant::now() < deadline, "serve did not stop on SIGINT; stderr: {}", self.stderr());
            std::thread::sleep(Duration::from_millis(20));
        };
        assert_eq!(code, Some(0), "serve should exit 0 on Ctrl-C; stderr: {}", self.stderr());
        // The listener is closed: nothing answers on the port any more.
        assert!(
            TcpStream::connect_timeout(&([127, 0, 0, 1], self.port).into(), Duration::from_secs(2)).is_err(),
            "the port still accepts connections after the stop"
        );
        self.stderr()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn drain(mut from: impl Read + Send + 'static, into: Arc<Mutex<String>>) {
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = from.read(&mut buf) {
            if n == 0 {
                break;
            }
            into.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
}

#[derive(Debug)]
struct HttpResponse {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl HttpResponse {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// One raw HTTP request (`head` without the closing blank line); nothing normalises the path.
fn request(port: u16, head: &str) -> HttpResponse {
    let mut stream = connect(port);
    stream.write_all(format!("{head}Connection: close\r\n\r\n").as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap_or_else(|e| panic!("no answer to {head:?}: {e}"));
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or_else(|| panic!("not an HTTP answer: {raw:?}"));
    let mut lines = head.lines();
    let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok()).unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(name, value)| (name.trim().to_string(), value.trim().to_string()))
        .collect();
    HttpResponse { status, headers, body: body.to_string() }
}

fn connect(port: u16) -> TcpStream {
    let stream = TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), PATIENCE).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream.set_write_timeout(Some(PATIENCE)).unwrap();
    stream
}

/// `/events` read on a raw socket, one event at a time.
struct EventStream {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl EventStream {
    fn open(port: u16) -> EventStream {
        let mut stream = connect(port);
        stream.set_read_timeout(Some(Duration::from_millis(100))).unwrap();
        write!(stream, "GET /events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n").unwrap();
        let mut events = EventStream { stream, buf: Vec::new() };
        let head = events.block(b"\r\n\r\n", Instant::now() + PATIENCE).expect("no answer on /events");
        let head = String::from_utf8_lossy(&head);
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        assert!(head.to_ascii_lowercase().contains("content-type: text/event-stream"), "{head}");
        events
    }

    /// The bytes up to and without `end`, or `None` at the deadline.
    fn block(&mut self, end: &[u8], deadline: Instant) -> Option<Vec<u8>> {
        loop {
            if let Some(at) = self.buf.windows(end.len()).position(|w| w == end) {
                let block = self.buf[..at].to_vec();
                self.buf.drain(..at + end.len());
                return Some(block);
            }
            if Instant::now() >= deadline {
                return None;
            }
            let mut chunk = [0u8; 65536];
            match self.stream.read(&mut chunk) {
                Ok(0) => return None,
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut | std::io::ErrorKind::Interrupted
                    ) => {}
                Err(e) => panic!("reading /events: {e}"),
            }
        }
    }

    /// The next `update` event's data, parsed, or `None` by the deadline.
    fn next_update(&mut self, within: Duration) -> Option<Value> {
        let deadline = Instant::now() + within;
        loop {
            let block = self.block(b"\n\n", deadline)?;
            let block = String::from_utf8(block).expect("events are UTF-8");
            let mut name = "message";
            let mut data = String::new();
            for line in block.lines() {
                if let Some(value) = line.strip_prefix("event: ") {
                    name = value;
                } else if let Some(value) = line.strip_prefix("data: ") {
                    data.push_str(value);
                }
            }
            if name == "update" {
                return Some(serde_json::from_str(&data).expect("an update is JSON"));
            }
        }
    }

    /// Waits for the update that satisfies `wanted`, skipping earlier ones.
    fn wait_for(&mut self, what: &str, within: Duration, wanted: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.next_update(left) {
                Some(update) if wanted(&update) => return update,
                Some(_) => {}
                None => panic!("no update with {what} within {within:?}"),
            }
        }
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("serve-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn chart_in(name: &str, text: &str) -> PathBuf {
    let path = temp_dir(name).join("chart.flow");
    fs::write(&path, text).unwrap();
    path
}

/// Saves like an editor that writes a new file and renames it over the old one.
fn save_by_rename(path: &Path, text: &str) {
    let tmp = path.with_extension("flow.tmp");
    fs::write(&tmp, text).unwrap();
    fs::rename(&tmp, path).unwrap();
}

/// The diagram (when Graphviz is here) or else the narrative of language `lang`.
fn shown(update: &Value, lang: usize) -> String {
    let chart = &update["chart"];
    let svg = chart["svgs"][lang].as_str().unwrap_or_default();
    if graphviz() {
        assert!(svg.starts_with("<svg"), "a diagram should be shown: {chart}");
    }
    format!("{svg}\n{}", chart["narratives"][lang].as_str().unwrap_or_default())
}

#[test]
fn the_page_comes_with_its_security_headers_and_nothing_else_is_served() {
    let chart = chart_in("paths", CHART);
    let served = Served::start(&chart, &[], None);

    let page = served.get("/");
    assert_eq!(page.status, 200);
    assert!(page.header("Content-Type").unwrap().starts_with("text/html"));
    let csp = page.header("Content-Security-Policy").expect("a Content-Security-Policy");
    assert!(csp.contains("default-src 'none'") && csp.contains("script-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), "{csp}");
    assert_eq!(page.header("X-Content-Type-Options"), Some("nosniff"));
    assert!(page.body.contains("<script src=\"/page.js\" defer></script>"), "{}", page.body);
    for (path, kind) in [("/page.js", "text/javascript"), ("/page.css", "text/css"), ("/favicon.svg", "image/svg+xml")]
    {
        let asset = served.get(path);
        assert_eq!(asset.status, 200, "{path}");
        assert!(asset.header("Content-Type").unwrap().starts_with(kind), "{path}: {:?}", asset.headers);
        assert_eq!(asset.header("X-Content-Type-Options"), Some("nosniff"), "{path}");
    }

    // The chart itself, files beside it and above it, tricks with dots and encodings: none.
    for path in [
        "/nothing",
        "/chart.flow",
        "/../Cargo.toml",
        "/../../Cargo.toml",
        "/%2e%2e/Cargo.toml",
        "/..%2fCargo.toml",
        "/src/main.rs",
        "/page.js/../../Cargo.toml",
        "//etc/passwd",
        "/events/../Cargo.toml",
        "/page.css.map",
        "/index.html/",
    ] {
        let answer = served.get(path);
        assert_eq!(answer.status, 404, "{path}");
        assert!(!answer.body.contains("[package]") && !answer.body.contains("title"), "{path}: {}", answer.body);
    }
    let post =
        request(served.port, &format!("POST / HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: 0\r\n", served.port));
    assert_eq!(post.status, 405);
    // A page elsewhere that rebinds its own name to 127.0.0.1 cannot read the chart.
    let rebound = request(served.port, "GET / HTTP/1.1\r\nHost: attacker.example:80\r\n");
    assert_eq!(rebound.status, 403);
    assert_eq!(request(served.port, &format!("GET / HTTP/1.1\r\nHost: localhost:{}\r\n", served.port)).status, 200);

    let stderr = served.interrupt();
    assert!(!stderr.contains("warning"), "{stderr}");
}

#[test]
fn a_save_is_pushed_to_the_event_stream_within_a_second() {
    let chart = chart_in("events", CHART);
    let served = Served::start(&chart, &[], None);
    let mut events = served.events();

    let first = events.wait_for("the chart", PATIENCE, |u| u["chart"].is_object());
    assert_eq!(first["errors"], 0);
    assert_eq!(first["current"], true);
    assert_eq!(first["chart"]["languages"], serde_json::json!(["en", "th"]));
    assert!(shown(&first, 0).contains("Screen with trafficking indicators"));
    assert!(shown(&first, 1).contains("คัดกรอง"));

    // A save in place.
    let edited = CHART.replace("Screen with trafficking indicators", "Arrange an interpreter");
    let started = Instant::now();
    fs::write(&chart, &edited).unwrap();
    let update = events.wait_for("the new label", PATIENCE, |u| shown(u, 0).contains("Arrange an interpreter"));
    let in_place = started.elapsed();
    assert_eq!(update["current"], true);

    // A save by rename, as many editors make it.
    let renamed = edited.replace("Tip-off received", "Call to the hotline");
    let started = Instant::now();
    save_by_rename(&chart, &renamed);
    events.wait_for("the renamed save", PATIENCE, |u| shown(u, 0).contains("Call to the hotline"));
    let by_rename = started.elapsed();
    eprintln!("update latency: {in_place:?} in place, {by_rename:?} by rename");
    // The issue asks for an update within a second of each save; a loaded machine gets slack.
    assert!(in_place < Duration::from_secs(3) && by_rename < Duration::from_secs(3), "{in_place:?} {by_rename:?}");

    // A page opened later gets the latest state at once.
    let mut late = served.events();
    let latest = late.next_update(PATIENCE).expect("a new stream starts with the latest update");
    assert!(shown(&latest, 0).contains("Call to the hotline"));

    served.interrupt();
}

#[test]
fn errors_are_shown_with_their_lines_and_the_last_good_diagram_stays() {
    let chart = chart_in("errors", CHART);
    let served = Served::start(&chart, &[], None);
    let mut events = served.events();
    let good = events.wait_for("the chart", PATIENCE, |u| u["chart"].is_object());
    let good_revision = good["chart"]["revision"].clone();

    let broken = CHART.replace("by mdt within 24h", "by nobody_here within 24h");
    fs::write(&chart, &broken).unwrap();
    let update = events.wait_for("the error", PATIENCE, |u| u["errors"].as_u64() > Some(0));
    assert_eq!(update["current"], false);
    let error = &update["diagnostics"][0];
    assert_eq!(error["code"], "RF003");
    assert_eq!(error["severity"], "error");
    assert_eq!(error["line"], 8, "{error}");
    assert!(error["message"].as_str().unwrap().contains("nobody_here"), "{error}");
    assert!(error["source"].as_str().unwrap().starts_with("step screen"), "{error}");
    // The last good chart is still there, unchanged.
    assert_eq!(update["chart"]["revision"], good_revision);
    assert!(shown(&update, 0).contains("Screen with trafficking indicators"));

    // A syntax error, then the fix: the chart is current again.
    fs::write(&chart, CHART.replace("within 24h", "within 24 hours")).unwrap();
    let syntax = events.wait_for("the syntax error", PATIENCE, |u| u["diagnostics"][0]["code"] == "RF001");
    assert_eq!(syntax["chart"]["revision"], good_revision);
    fs::write(&chart, CHART.replace("Assistance plan agreed", "Case closed")).unwrap();
    let fixed = events.wait_for("the fix", PATIENCE, |u| u["current"] == true);
    assert_eq!(fixed["errors"], 0);
    assert!(shown(&fixed, 0).contains("Case closed"));

    served.interrupt();
}

#[test]
fn a_chart_with_errors_from_the_start_is_served_without_a_diagram() {
    let chart = chart_in("broken-start", "step lonely \"No start here\"\n");
    let served = Served::start(&chart, &[], None);
    let mut events = served.events();
    let update = events.next_update(PATIENCE).expect("the first update");
    assert!(update["chart"].is_null(), "{update}");
    let codes: Vec<&str> =
        update["diagnostics"].as_array().unwrap().iter().filter_map(|d| d["code"].as_str()).collect();
    assert!(codes.contains(&"RF007"), "{update}");
    served.interrupt();
}

#[test]
fn a_file_that_goes_missing_is_reported_and_the_page_keeps_the_chart() {
    let chart = chart_in("missing-later", CHART);
    let served = Served::start(&chart, &[], None);
    let mut events = served.events();
    events.wait_for("the chart", PATIENCE, |u| u["chart"].is_object());
    fs::remove_file(&chart).unwrap();
    let gone = events.wait_for("the problem", PATIENCE, |u| u["problem"].is_string());
    assert!(gone["problem"].as_str().unwrap().contains("chart.flow"), "{gone}");
    assert!(shown(&gone, 0).contains("Screen with trafficking indicators"));
    fs::write(&chart, CHART).unwrap();
    let back = events.wait_for("the chart again", PATIENCE, |u| u["problem"].is_null());
    assert_eq!(back["current"], true);
    served.interrupt();
}

#[test]
fn a_missing_or_unreadable_file_exits_2_with_one_line() {
    let dir = temp_dir("missing");
    let run = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_referflow")).arg("serve").args(args).output().unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let missing = dir.join("absent.flow");
    let (code, stdout, stderr) = run(&[missing.to_str().unwrap(), "--port", "0"]);
    assert_eq!(code, Some(2));
    assert!(stdout.is_empty(), "{stdout}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("absent.flow"), "{stderr}");

    let (code, _, stderr) = run(&[dir.to_str().unwrap(), "--port", "0"]);
    assert_eq!(code, Some(2), "a directory is not a chart: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");

    let latin1 = dir.join("latin1.flow");
    fs::write(&latin1, b"title \"caf\xe9\"\n").unwrap();
    let (code, _, stderr) = run(&[latin1.to_str().unwrap(), "--port", "0"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("UTF-8"), "{stderr}");
}

#[test]
fn a_port_in_use_exits_2_with_one_line() {
    let chart = chart_in("busy", CHART);
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let output = Command::new(env!("CARGO_BIN_EXE_referflow"))
        .args(["serve", chart.to_str().unwrap(), "--port", &port])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains(&port) && stderr.contains("--port"), "{stderr}");
}

#[test]
fn the_diagram_needs_no_graphviz_and_is_the_swimlane_layout() {
    let chart = chart_in("no-graphviz", &format!("{CHART}step extra \"Unowned step\"\nscreen -> extra\n"));
    // An empty PATH: no `dot` to find, and none needed.
    let empty = temp_dir("empty-path");
    let served = Served::start(&chart, &[], Some(&empty));
    let mut events = served.events();
    let update = events.next_update(PATIENCE).expect("the first update");
    let chart = &update["chart"];
    let svgs = chart["svgs"].as_array().unwrap();
    assert_eq!(svgs.len(), 2, "{chart}");
    for (lang, svg) in svgs.iter().enumerate() {
        let svg = svg.as_str().unwrap_or_else(|| panic!("no diagram: {chart}"));
        // The layout `render --to svg` draws, its ids unique on the page.
        assert!(svg.contains(&format!("id=\"l{lang}-lane-police\" class=\"lane\"")), "{svg}");
        assert!(svg.contains(&format!("id=\"l{lang}-stage-screen\" class=\"stage\"")), "{svg}");
    }
    assert!(chart["diagram_note"].is_null(), "{chart}");
    assert!(chart["narratives"][0].as_str().unwrap().contains("Unowned step"), "{chart}");
    assert!(update["warnings"].as_u64() > Some(0), "{update}");
    served.interrupt();
}

#[test]
fn another_address_takes_host_and_a_warning() {
    let chart = chart_in("host", CHART);
    let mut child = Command::new(env!("CARGO_BIN_EXE_referflow"))
        .args(["serve", chart.to_str().unwrap(), "--port", "0", "--host", "0.0.0.0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = Arc::new(Mutex::new(String::new()));
    drain(child.stderr.take().unwrap(), Arc::clone(&stderr));
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = stdout.read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx.recv_timeout(PATIENCE).unwrap_or_default();
    let _ = Command::new("kill").args(["-INT", &child.id().to_string()]).status();
    let deadline = Instant::now() + PATIENCE;
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("serve --host did not stop");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(line.starts_with("http://0.0.0.0:"), "{line}");
    let stderr = stderr.lock().unwrap().clone();
    assert!(stderr.lines().any(|l| l.starts_with("warning: listening on 0.0.0.0:")), "{stderr}");
}

#[cfg(target_os = "linux")]
#[test]
fn open_starts_the_browser_with_the_url() {
    use std::os::unix::fs::PermissionsExt;

    let chart = chart_in("open", CHART);
    // A stand-in for xdg-open that notes the URL it was given.
    let bin = temp_dir("open-bin");
    let opened = bin.join("opened.txt");
    let script = bin.join("xdg-open");
    fs::write(&script, format!("#!/bin/sh\nprintf '%s' \"$1\" > '{}'\n", opened.display())).unwrap();
    fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).unwrap();
    let path = std::env::join_paths(
        std::iter::once(bin.clone()).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .unwrap();
    let served = Served::start(&chart, &["--open"], Some(Path::new(&path)));
    let deadline = Instant::now() + PATIENCE;
    while !opened.is_file() || fs::read_to_string(&opened).unwrap().is_empty() {
        assert!(Instant::now() < deadline, "xdg-open was not run; stderr: {}", served.stderr());
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(fs::read_to_string(&opened).unwrap(), served.url);
    served.interrupt();
}

// ---- one client cannot hold up another -------------------------------------------------------

/// What the issue promises: another browser gets the page within a second, whatever one
/// client is doing to the server meanwhile.
const PROMPT: Duration = Duration::from_secs(1);

/// The server's limits, as src/serve/http.rs sets them.
const MAX_CONNECTIONS: usize = 128;
const MAX_STREAMS: usize = 32;
const MAX_HEADER_SIZE: usize = 16 * 1024;

/// A GET of the page on a new connection, which must be whole and on time.
fn page_promptly(served: &Served, while_: &str) {
    let started = Instant::now();
    let page = served.get("/");
    let took = started.elapsed();
    assert_eq!(page.status, 200, "{while_}");
    assert!(page.body.contains("<script src=\"/page.js\" defer></script>"), "{while_}: not the whole page");
    assert!(took < PROMPT, "the page took {took:?} {while_}");
}

/// Whether the server has closed this connection: it reads the end (or a reset) rather than
/// nothing yet. Whatever the server said before closing is skipped.
fn closed_by_server(stream: &mut TcpStream) -> bool {
    stream.set_nonblocking(true).unwrap();
    let mut buf = [0u8; 4096];
    let closed = loop {
        match stream.read(&mut buf) {
            Ok(0) => break true,
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break false,
            Err(_) => break true,
        }
    };
    stream.set_nonblocking(false).unwrap();
    closed
}

#[test]
fn a_client_that_dribbles_its_headers_or_pipelines_does_not_hold_up_another() {
    let chart = chart_in("slow", CHART);
    let served = Served::start(&chart, &[], None);

    // Slowloris: a head sent a byte a second, which would take a minute to finish.
    let mut slow = connect(served.port);
    let head = format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nUser-Agent: {}\r\n\r\n", served.port, "x".repeat(40));
    slow.write_all(&head.as_bytes()[..5]).unwrap();
    let mut dribbler = slow.try_clone().unwrap();
    let dribbled = head.as_bytes()[5..].to_vec();
    let started = Instant::now();
    std::thread::spawn(move || {
        for byte in dribbled {
            std::thread::sleep(Duration::from_secs(1));
            if dribbler.write_all(&[byte]).is_err() {
                return;
            }
        }
    });
    std::thread::sleep(Duration::from_millis(1500));
    page_promptly(&served, "while another client dribbles its headers");

    // Pipelining: a thousand requests in one write, their answers never read.
    let mut pipelined = connect(served.port);
    let one = format!("GET /page.js HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n", served.port);
    pipelined.write_all(one.repeat(1000).as_bytes()).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    page_promptly(&served, "while another client pipelines a thousand requests");
    // Those were answered in turn, not dropped.
    let mut answer = [0u8; 15];
    pipelined.read_exact(&mut answer).unwrap();
    assert_eq!(&answer, b"HTTP/1.1 200 OK");

    // The slow head is cut off when its time is up, long before it is finished.
    let mut waited = Duration::ZERO;
    while !closed_by_server(&mut slow) {
        waited = started.elapsed();
        assert!(waited < PATIENCE, "a client dribbling its headers was not cut off");
        std::thread::sleep(Duration::from_millis(100));
    }
    eprintln!("the dribbling client was cut off after {waited:?}");
    page_promptly(&served, "after the dribbling client was cut off");
    served.interrupt();
}

#[test]
fn a_head_over_the_limits_is_refused_and_others_are_still_served() {
    let chart = chart_in("big-head", CHART);
    let served = Served::start(&chart, &[], None);
    let host = format!("Host: 127.0.0.1:{}\r\n", served.port);

    // A cookie jar of 12 KiB, under the limit, is served.
    let big = request(served.port, &format!("GET / HTTP/1.1\r\n{host}Cookie: a={}\r\n", "b".repeat(12 * 1024)));
    assert_eq!(big.status, 200);

    // Over it: 431 Request Header Fields Too Large, or at least the connection closed; never
    // the page. The server stops reading at the limit, so the rest may reset the connection
    // before its answer is read.
    let refused = |what: &str, head: String| {
        let mut stream = connect(served.port);
        let _ = stream.write_all(head.as_bytes());
        let mut raw = Vec::new();
        let _ = stream.read_to_end(&mut raw);
        let raw = String::from_utf8_lossy(&raw);
        assert!(raw.is_empty() || raw.starts_with("HTTP/1.1 431"), "{what}: {raw:.200}");
        eprintln!("{what}: {}", raw.lines().next().unwrap_or("closed without an answer"));
    };
    refused("a 64 KiB header", format!("GET / HTTP/1.1\r\n{host}X-Big: {}\r\n\r\n", "a".repeat(64 * 1024)));
    refused(
        "a head just over the limit",
        format!("GET / HTTP/1.1\r\n{host}X-Big: {}\r\n\r\n", "a".repeat(MAX_HEADER_SIZE)),
    );
    let many: String = (0..200).map(|i| format!("X-{i}: {i}\r\n")).collect();
    refused("200 headers", format!("GET / HTTP/1.1\r\n{host}{many}\r\n"));
    // A head that never ends, sent for as long as the server reads it.
    let mut endless = connect(served.port);
    let line = format!("X-Pad: {}\r\n", "p".repeat(1000));
    let mut sent = 0;
    let mut chunk = format!("GET / HTTP/1.1\r\n{host}");
    while sent < 64 * 1024 * 1024 && endless.write_all(chunk.as_bytes()).is_ok() {
        sent += chunk.len();
        chunk.clone_from(&line);
    }
    assert!(sent < 64 * 1024 * 1024, "the server read 64 MiB of one head");

    page_promptly(&served, "after heads over the limit");
    served.interrupt();
}

#[test]
fn hundreds_of_idle_connections_do_not_keep_a_new_client_out() {
    let chart = chart_in("idle", CHART);
    let served = Served::start(&chart, &[], None);

    // More idle connections than the server keeps open: each sends nothing at all.
    let mut idle: Vec<TcpStream> = (0..200).map(|_| connect(served.port)).collect();
    page_promptly(&served, "while 200 idle connections are open");

    // The oldest made room for the newer ones: with the page's, 200 + 1 connections came to a
    // server that keeps 128, so at least the 73 oldest were closed, and closed at once, not
    // at the end of the header time (5 s).
    let evicted = 200 + 1 - MAX_CONNECTIONS;
    let deadline = Instant::now() + Duration::from_secs(2);
    let closed = loop {
        let closed = idle.iter_mut().map(closed_by_server).collect::<Vec<bool>>();
        if closed.iter().filter(|&&c| c).count() >= evicted || Instant::now() > deadline {
            break closed;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let count = closed.iter().filter(|&&c| c).count();
    assert!(count >= evicted, "{count} of 200 idle connections closed; a cap of {MAX_CONNECTIONS} closes {evicted}");
    assert!(closed[..evicted].iter().all(|&c| c), "the oldest go first: {closed:?}");
    assert!(!closed[199], "the newest idle connection stays until its time is up");

    // Connections that never send a request are closed when the header time is up.
    let deadline = Instant::now() + PATIENCE;
    while !idle.iter_mut().all(closed_by_server) {
        assert!(Instant::now() < deadline, "idle connections were not closed");
        std::thread::sleep(Duration::from_millis(200));
    }

    // Again, for a client that keeps opening connections faster than they time out.
    let _flood: Vec<TcpStream> = (0..500).map(|_| connect(served.port)).collect();
    page_promptly(&served, "after 500 more idle connections");
    served.interrupt();
}

#[test]
fn event_streams_are_capped_and_the_page_is_still_served() {
    let chart = chart_in("streams", CHART);
    let served = Served::start(&chart, &[], None);
    let mut streams: Vec<EventStream> = (0..MAX_STREAMS).map(|_| served.events()).collect();
    // One more is refused rather than queued.
    let refused = served.get("/events");
    assert_eq!(refused.status, 503, "{refused:?}");
    // Streams are never closed to make room for other connections.
    let _idle: Vec<TcpStream> = (0..MAX_CONNECTIONS + 10).map(|_| connect(served.port)).collect();
    page_promptly(&served, "with every event stream taken");
    for stream in &mut streams {
        assert!(stream.next_update(PATIENCE).is_some(), "a stream was closed");
    }
    // A stream closed by its page frees its place at once.
    drop(streams.pop());
    let deadline = Instant::now() + Duration::from_secs(2);
    while stream_status(served.port) == 503 {
        assert!(Instant::now() < deadline, "a closed stream kept its place");
        std::thread::sleep(Duration::from_millis(100));
    }
    served.interrupt();
}

/// The status of a request for `/events`, read without waiting for the stream to end.
fn stream_status(port: u16) -> u16 {
    let mut stream = connect(port);
    write!(stream, "GET /events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n").unwrap();
    let mut status = [0u8; 12];
    stream.read_exact(&mut status).unwrap();
    String::from_utf8_lossy(&status[9..]).parse().unwrap()
}

#[test]
fn only_get_and_head_are_answered_and_no_body_is_read() {
    let chart = chart_in("methods", CHART);
    let served = Served::start(&chart, &[], None);
    let host = format!("Host: 127.0.0.1:{}\r\n", served.port);
    for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"] {
        // A body announced but never sent: the answer does not wait for it.
        let started = Instant::now();
        let answer = request(served.port, &format!("{method} / HTTP/1.1\r\n{host}Content-Length: 1000000000\r\n"));
        assert_eq!(answer.status, 405, "{method}");
        assert_eq!(answer.header("Allow"), Some("GET, HEAD"), "{method}");
        assert!(started.elapsed() < PROMPT, "{method} waited for its body");
    }
    let chunked = request(served.port, &format!("POST /events HTTP/1.1\r\n{host}Transfer-Encoding: chunked\r\n"));
    assert_eq!(chunked.status, 405);
    let head = request(served.port, &format!("HEAD / HTTP/1.1\r\n{host}"));
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty(), "{head:?}");
    assert_eq!(head.header("X-Content-Type-Options"), Some("nosniff"));
    assert_eq!(request(served.port, &format!("HEAD /events HTTP/1.1\r\n{host}")).status, 405);
    // A target that names a server is not a path of this one.
    assert_eq!(request(served.port, &format!("GET http://attacker.example/ HTTP/1.1\r\n{host}")).status, 404);
    served.interrupt();
}

// ---- the browser test ---------------------------------------------------------------------

#[test]
fn headless_chromium_sees_the_diagram_and_each_save_without_reloading() {
    let Some(dir) = crate::browser("the browser test") else { return };
    let chart = chart_in("browser", CHART);
    let served = Served::start(&chart, &[], None);
    let mut node = Command::new("node")
        .arg("live.mjs")
        .arg(&served.url)
        .arg(&chart)
        .current_dir(&dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let output = Arc::new(Mutex::new(String::new()));
    drain(node.stdout.take().unwrap(), Arc::clone(&output));
    drain(node.stderr.take().unwrap(), Arc::clone(&output));
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = node.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = node.kill();
            panic!("live.mjs took over two minutes: {}", output.lock().unwrap());
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let output = output.lock().unwrap().clone();
    assert!(status.success(), "the browser test failed:\n{output}\nserve said:\n{}", served.stderr());
    eprintln!("browser test: {}", output.trim());

    // The page as live.mjs left it (the chart as it was): axe-core finds nothing on it.
    if let Some(reports) = crate::accessibility::axe_served(&served.url, "#diagram svg") {
        let problems: Vec<String> = reports.iter().flat_map(crate::accessibility::PageReport::problems).collect();
        assert!(problems.is_empty(), "axe-core on the live preview:\n{}", problems.join("\n"));
    }
    served.interrupt();
}

#[test]
fn a_chart_with_includes_is_served_whole_and_a_save_of_an_included_file_updates_the_page() {
    let dir = temp_dir("include");
    fs::write(dir.join("agencies.flow"), "actor police \"Royal Thai Police\"\nactor mdt \"Multidisciplinary team\"\n")
        .unwrap();
    let chart = dir.join("chart.flow");
    fs::write(
        &chart,
        "include \"agencies.flow\"\nstart tip \"Tip-off\" by police\nend closed \"Closed\" by mdt\ntip -> closed\n",
    )
    .unwrap();
    let served = Served::start(&chart, &[], None);
    let mut events = served.events();
    let good = events.wait_for("the chart", PATIENCE, |u| u["chart"].is_object());
    assert_eq!(good["errors"], 0, "{good}");
    assert!(shown(&good, 0).contains("Royal Thai Police"));

    // Only the included file changes.
    save_by_rename(
        &dir.join("agencies.flow"),
        "actor police \"Police of the province\"\nactor mdt \"Multidisciplinary team\"\n",
    );
    let update = events.wait_for("the new name", PATIENCE, |u| shown(u, 0).contains("Police of the province"));
    assert_eq!(update["errors"], 0);
    served.interrupt();
}
