//! The HTTP side: the page, its three assets and the event stream, at exact paths, and
//! nothing else. No file is ever read on a request's behalf, so no path can reach one.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tiny_http::{Header, Method, Request, Response, StatusCode};

use super::hub::{Hub, Next};

const PAGE: &str = include_str!("page.html");
const SCRIPT: &str = include_str!("page.js");
const STYLE: &str = include_str!("page.css");
const ICON: &str = include_str!("favicon.svg");

/// The page runs only its own script and styles and talks only to this server; nothing the
/// chart says can become script, even if some text escaped its escaping.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                       connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// A browser keeps one connection per open page; more than this many streams is not a
/// committee but a runaway client, and each stream holds a thread.
const MAX_STREAMS: usize = 32;
/// A comment on an idle stream now and then lets a closed page's thread notice and end.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

#[derive(Debug)]
pub struct Site {
    pub hub: Arc<Hub>,
    /// The `Host` headers accepted, when serving on loopback: a page on another site that
    /// rebinds its own name to 127.0.0.1 must not read the chart (DNS rebinding). `None`
    /// accepts any, for `--host`, where the machine may be reached by any of its names.
    pub hosts: Option<Vec<String>>,
    pub streams: Arc<AtomicUsize>,
}

enum Route {
    Page,
    Script,
    Style,
    Icon,
    Events,
}

fn route(url: &str) -> Option<Route> {
    // The query is ignored, the path must match exactly: no prefixes, no normalisation.
    let path = url.split_once('?').map_or(url, |(path, _)| path);
    Some(match path {
        "/" => Route::Page,
        "/page.js" => Route::Script,
        "/page.css" => Route::Style,
        "/favicon.svg" => Route::Icon,
        "/events" => Route::Events,
        _ => return None,
    })
}

/// Answers one request; an event stream goes on in a thread of its own.
pub fn handle(request: Request, site: &Site) {
    let host = request.headers().iter().find(|h| h.field.equiv("Host")).map(|h| h.value.as_str().to_string());
    if let Some(hosts) = &site.hosts
        && !host.as_deref().is_some_and(|h| hosts.iter().any(|ok| ok.eq_ignore_ascii_case(h)))
    {
        return reply(
            request,
            403,
            "text/plain; charset=utf-8",
            "Forbidden: this preview answers to its own address only.\n",
        );
    }
    let Some(route) = route(request.url()) else {
        return reply(request, 404, "text/plain; charset=utf-8", "Not found.\n");
    };
    let method = request.method().clone();
    if !matches!(method, Method::Get | Method::Head) || matches!((&route, &method), (Route::Events, Method::Head)) {
        return reply(request, 405, "text/plain; charset=utf-8", "Method not allowed.\n");
    }
    match route {
        Route::Page => reply(request, 200, "text/html; charset=utf-8", PAGE),
        Route::Script => reply(request, 200, "text/javascript; charset=utf-8", SCRIPT),
        Route::Style => reply(request, 200, "text/css; charset=utf-8", STYLE),
        Route::Icon => reply(request, 200, "image/svg+xml", ICON),
        Route::Events => {
            if site.streams.fetch_add(1, Ordering::SeqCst) >= MAX_STREAMS {
                site.streams.fetch_sub(1, Ordering::SeqCst);
                return reply(request, 503, "text/plain; charset=utf-8", "Too many open pages.\n");
            }
            let hub = Arc::clone(&site.hub);
            let streams = Arc::clone(&site.streams);
            std::thread::spawn(move || {
                stream(request, &hub);
                streams.fetch_sub(1, Ordering::SeqCst);
            });
        }
    }
}

/// The headers of every answer.
fn headers(content_type: &str) -> Vec<Header> {
    [
        ("Content-Type", content_type),
        ("Content-Security-Policy", CSP),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "no-referrer"),
        ("Cross-Origin-Resource-Policy", "same-origin"),
        ("Cache-Control", "no-store"),
    ]
    .into_iter()
    .filter_map(|(name, value)| Header::from_bytes(name, value).ok())
    .collect()
}

fn reply(request: Request, status: u16, content_type: &str, body: &str) {
    let mut response = Response::from_string(body).with_status_code(StatusCode(status));
    for header in headers(content_type) {
        response.add_header(header);
    }
    // A browser that went away mid-answer is no concern of the server's.
    let _ = request.respond(response);
}

/// Server-sent events: the latest update at once, then each new one as the watcher makes it.
///
/// Written by hand on the raw connection: tiny_http's responses buffer a body of unknown
/// length into 8 KiB chunks, which would hold a small update back indefinitely.
fn stream(request: Request, hub: &Hub) {
    let mut out = request.into_writer();
    let mut head = String::from("HTTP/1.1 200 OK\r\nConnection: close\r\n");
    for header in headers("text/event-stream; charset=utf-8") {
        head.push_str(&format!("{}: {}\r\n", header.field, header.value));
    }
    // `retry`: reconnect after a second, so a restarted server is picked up quickly.
    head.push_str("\r\nretry: 1000\n\n");
    if out.write_all(head.as_bytes()).and_then(|()| out.flush()).is_err() {
        return;
    }
    let mut seen = 0;
    loop {
        let message = match hub.next(seen, KEEP_ALIVE) {
            Next::Send(revision, update) => {
                seen = revision;
                format!("id: {revision}\nevent: update\ndata: {update}\n\n")
            }
            Next::Idle => ": keep-alive\n\n".to_string(),
            Next::Stop => return,
        };
        if out.write_all(message.as_bytes()).and_then(|()| out.flush()).is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_exact_paths_are_routes() {
        assert!(matches!(route("/"), Some(Route::Page)));
        assert!(matches!(route("/?lang=th"), Some(Route::Page)));
        assert!(matches!(route("/events"), Some(Route::Events)));
        for path in ["/../Cargo.toml", "/page.js/", "//page.js", "/page.js/..", "/%2e%2e/x", "/events/x", "", "*"] {
            assert!(route(path).is_none(), "{path}");
        }
    }

    #[test]
    fn the_page_loads_its_script_and_style_from_this_server_only() {
        assert!(PAGE.contains("<script src=\"/page.js\" defer></script>"));
        let handler = PAGE.split(' ').any(|word| {
            word.strip_prefix("on").is_some_and(|rest| rest.split_once('=').is_some_and(|(name, _)| !name.is_empty()))
        });
        assert!(!handler, "no inline event handlers");
        assert_eq!(PAGE.matches("<script").count(), 1, "no inline script");
        assert!(!PAGE.contains("style="));
    }
}
