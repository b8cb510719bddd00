//! `referflow serve FILE`: a live preview in the browser for a committee drafting its chart.
//!
//! One page shows the diagram, the diagnostics with their lines and the narrative. A thread
//! polls the file; after each save it checks and renders the chart and pushes the result to
//! every open page as a server-sent event. While the chart has errors the last chart without
//! errors stays on the page, under the errors. See docs/serve.md.
//!
//! The server is hyper's HTTP/1 on a tokio runtime of one thread (`http.rs`): every
//! connection and every event stream is a task, not a thread, so no client can hold the loop.
//! It limits what one client can take: the time and size of a request's head, the number of
//! connections (a new one closes the oldest idle one at the cap) and of event streams, and it
//! never reads a request body. It binds to loopback unless `--host` says otherwise, and serves
//! five fixed paths.

mod http;
mod hub;
mod render;
mod watch;

use std::io::Write;
use std::net::{SocketAddr, TcpListener, ToSocketAddrs};
use std::path::PathBuf;
use std::sync::Arc;

use crate::{Failure, Outcome, report_failure};

/// Chosen to be memorable and rarely taken; `--port 0` lets the system pick.
const DEFAULT_PORT: u16 = 7979;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The chart to preview.
    pub file: PathBuf,
    /// The port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = DEFAULT_PORT)]
    pub port: u16,
    /// Open the page in the default browser.
    #[arg(long)]
    pub open: bool,
    /// The address to listen on (default: 127.0.0.1, this machine only). Another address
    /// lets anyone who can reach it read the chart.
    #[arg(long, value_name = "ADDR")]
    pub host: Option<String>,
}

pub fn run(args: Args) -> Outcome {
    match serve(&args) {
        Ok(()) => Outcome::Clean,
        Err(failure) => {
            report_failure(&failure);
            Outcome::Trouble
        }
    }
}

fn serve(args: &Args) -> Result<(), Failure> {
    if args.file.as_os_str() == "-" {
        return Err(Failure("serve watches a file; standard input cannot be watched".into()));
    }
    // Stamped before it is read, so the watcher sees a save made at any moment after.
    let since = watch::stamp(&args.file).ok();
    let text = render::read(&args.file).map_err(Failure)?;
    // The preview draws in the fonts `render` would: referflow.toml's, read once (the fonts
    // are loaded once per process).
    referflow_emit::fonts::choose(crate::config::fonts_for(&args.file)?).map_err(|e| Failure(e.to_string()))?;
    let address = address(args)?;
    let listener = TcpListener::bind(address).map_err(|e| {
        let hint = if e.kind() == std::io::ErrorKind::AddrInUse {
            "; choose another with --port (0 picks a free one)"
        } else {
            ""
        };
        Failure(format!("cannot listen on {address}: {e}{hint}"))
    })?;
    let bound = listener.local_addr().map_err(|e| Failure(format!("cannot listen on {address}: {e}")))?;

    let name = crate::input::shown(&args.file);
    let mut renderer = render::Renderer::new(&args.file);
    let (update, summary) = renderer.render(&text);
    let hub = Arc::new(hub::Hub::new(update));

    {
        // Stopping the hub stops the server, the event streams and the watcher.
        let hub = Arc::clone(&hub);
        ctrlc::set_handler(move || hub.stop()).map_err(|e| Failure(format!("cannot catch Ctrl-C: {e}")))?;
    }

    // The URL comes first and alone on its line, flushed, for scripts that start the server.
    let url = format!("http://{bound}/");
    {
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "{url}").and_then(|()| stdout.flush());
    }
    if !bound.ip().is_loopback() {
        eprintln!("warning: listening on {bound}, not only on this machine: anyone who can reach it can read {name}");
    }
    eprintln!("{name}: {summary}");
    eprintln!("previewing {name} at {url}; press Ctrl-C to stop");
    if args.open {
        open_browser(&url);
    }

    let watcher = watch::spawn(args.file.clone(), renderer, text, since, Arc::clone(&hub));
    let site = http::Site { hub: Arc::clone(&hub), hosts: hosts(bound), connections: http::Connections::default() };
    // Returns when the hub stops, with the listener and every connection closed.
    let result = http::serve(listener, site).map_err(|e| Failure(format!("{url}: the server stopped: {e}")));
    hub.stop();
    let _ = watcher.join();
    if result.is_ok() {
        eprintln!("stopped");
    }
    result
}

/// The address to bind: loopback unless `--host` names another.
fn address(args: &Args) -> Result<SocketAddr, Failure> {
    let host = args.host.as_deref().unwrap_or("127.0.0.1");
    // `::1` and other bare IPv6 addresses resolve as they are; brackets are for URLs.
    let bare = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
    (bare, args.port)
        .to_socket_addrs()
        .map_err(|e| Failure(format!("--host {host}: not an address this machine can listen on: {e}")))?
        .next()
        .ok_or_else(|| Failure(format!("--host {host}: the name has no address")))
}

/// The `Host` headers a browser sends for this server, when it listens on loopback only.
fn hosts(bound: SocketAddr) -> Option<Vec<String>> {
    if !bound.ip().is_loopback() {
        return None;
    }
    let port = bound.port();
    let mut hosts: Vec<String> = ["127.0.0.1", "localhost", "[::1]"].iter().map(|h| format!("{h}:{port}")).collect();
    if port == 80 {
        hosts.extend(["127.0.0.1", "localhost", "[::1]"].map(String::from));
    }
    Some(hosts)
}

/// Best effort: a preview without a browser to open is still a preview.
fn open_browser(url: &str) {
    let mut command = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut command = std::process::Command::new("cmd");
        command.args(["/C", "start", ""]);
        command
    } else {
        std::process::Command::new("xdg-open")
    };
    command
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    match command.spawn() {
        // Reaped on a thread of its own, so it never lingers as a zombie.
        Ok(mut child) => {
            std::thread::spawn(move || child.wait());
        }
        Err(e) => eprintln!("note: could not open a browser ({e}); open {url} yourself"),
    }
}
