//! The HTTP side: the page, its three assets and the event stream, at exact paths, and
//! nothing else. No file is ever read on a request's behalf, so no path can reach one.
//!
//! hyper's HTTP/1 server on a tokio runtime of one thread. Every connection is a task, so a
//! client that sends its headers a byte a second, pipelines requests or never reads its
//! answers holds a few kilobytes and one slot, never the loop: others are served meanwhile.
//! The limits, and why each is what it is, are the constants below (docs/serve.md).

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::pin::{Pin, pin};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Frame, SizeHint};
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode, Uri};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::sync::{mpsc, watch};
use tokio::task::AbortHandle;

use super::hub::{Hub, Latest};

const PAGE: &str = include_str!("page.html");
const SCRIPT: &str = include_str!("page.js");
const STYLE: &str = include_str!("page.css");
const ICON: &str = include_str!("favicon.svg");

/// The page runs only its own script and styles and talks only to this server; nothing the
/// chart says can become script, even if some text escaped its escaping.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                       connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// Connections open at once. A committee's browsers need a few each; beyond this, a new
/// connection closes the oldest one that is not an event stream, so a flood of idle or slow
/// connections can never keep a newcomer out (a browser reopens a closed keep-alive
/// connection by itself).
pub const MAX_CONNECTIONS: usize = 128;
/// A browser keeps one stream per open page; more than this many is not a committee but a
/// runaway client. Below `MAX_CONNECTIONS`, so there is always a connection to close.
pub const MAX_STREAMS: usize = 32;
/// The whole head of a request (request line and headers) must arrive within this, and an
/// idle keep-alive connection is closed after it: a client that dribbles its headers is cut
/// off. A browser on this machine sends its head in well under a millisecond.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(5);
/// The head of a request may be this large (431 beyond). Browsers send about 1 KiB; cookies
/// that other local servers set for `localhost` can add a few more.
pub const MAX_HEADER_SIZE: usize = 16 * 1024;
/// Headers in one request (431 beyond).
pub const MAX_HEADERS: usize = 64;
/// What hyper buffers for a connection: the head being read, or pipelined requests waiting
/// their turn: room for one head of the largest size and then some (hyper's default is about
/// 400 KiB, its least 8 KiB).
const MAX_BUF_SIZE: usize = 32 * 1024;
/// A comment on an idle stream now and then tells a closed page's stream that it can end.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

#[derive(Debug)]
pub struct Site {
    pub hub: Arc<Hub>,
    /// The `Host` headers accepted, when serving on loopback: a page on another site that
    /// rebinds its own name to 127.0.0.1 must not read the chart (DNS rebinding). `None`
    /// accepts any, for `--host`, where the machine may be reached by any of its names.
    pub hosts: Option<Vec<String>>,
    pub connections: Connections,
}

/// Serves until the hub stops. Request bodies are never read: only GET and HEAD are
/// answered, and hyper reads no further than the head.
pub fn serve(listener: std::net::TcpListener, site: Site) -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_io().enable_time().build()?;
    listener.set_nonblocking(true)?;
    let site = Arc::new(site);
    let result = runtime.block_on(async {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        let mut latest = site.hub.subscribe();
        tokio::spawn(accept(listener, Arc::clone(&site)));
        let _ = latest.wait_for(|latest| latest.stopping).await;
        Ok(())
    });
    // Dropping the runtime drops every task: the listener and every connection close.
    drop(runtime);
    result
}

async fn accept(listener: tokio::net::TcpListener, site: Arc<Site>) {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .max_header_size(MAX_HEADER_SIZE)
        .max_headers(MAX_HEADERS)
        .max_buf_size(MAX_BUF_SIZE);
    let http = Arc::new(http);
    let mut next = 0u64;
    loop {
        let socket = match listener.accept().await {
            Ok((socket, _)) => socket,
            // Out of file descriptors, or a connection reset before it was taken: the next
            // may do. The pause keeps a persistent error from spinning the loop.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = socket.set_nodelay(true);
        let id = next;
        next += 1;
        let (http, site_for_task) = (Arc::clone(&http), Arc::clone(&site));
        let task = tokio::spawn(async move {
            let _closing = Closing { site: Arc::clone(&site_for_task), id };
            let service = hyper::service::service_fn(move |request| {
                let answer = answer(&request, &site_for_task, id);
                async move { Ok::<_, Infallible>(answer) }
            });
            // A client that went away or broke the protocol is no concern of the server's;
            // hyper has answered what it could (431 for a head too large, 400 for garbage).
            let _ = http.serve_connection(TokioIo::new(socket), service).await;
        });
        // Booked after it is spawned: on a runtime of one thread, the task cannot run (and
        // end) before this loop next waits.
        site.connections.admit(id, task.abort_handle());
    }
}

/// Takes a connection off the books when its task ends, however it ends.
struct Closing {
    site: Arc<Site>,
    id: u64,
}

impl Drop for Closing {
    fn drop(&mut self) {
        self.site.connections.closed(self.id);
    }
}

/// The open connections, oldest first, so that the oldest can make room for a new one.
#[derive(Debug, Default)]
pub struct Connections {
    open: Mutex<BTreeMap<u64, Open>>,
}

#[derive(Debug)]
struct Open {
    task: AbortHandle,
    stream: bool,
}

impl Connections {
    /// The books are a plain map, whole after every change: a panic elsewhere leaves them usable.
    fn lock(&self) -> MutexGuard<'_, BTreeMap<u64, Open>> {
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Books connection `id`; at `MAX_CONNECTIONS`, first closes the oldest that is not an
    /// event stream.
    fn admit(&self, id: u64, task: AbortHandle) {
        let evicted = {
            let mut open = self.lock();
            let evicted = if open.len() >= MAX_CONNECTIONS {
                let oldest = open.iter().find(|(_, connection)| !connection.stream).map(|(&id, _)| id);
                oldest.and_then(|oldest| open.remove(&oldest))
            } else {
                None
            };
            open.insert(id, Open { task, stream: false });
            evicted
        };
        // Aborting drops the connection's task, and with it the socket.
        if let Some(evicted) = evicted {
            evicted.task.abort();
        }
    }

    fn closed(&self, id: u64) {
        self.lock().remove(&id);
    }

    /// Makes connection `id` an event stream, unless `MAX_STREAMS` are open already.
    fn stream(&self, id: u64) -> bool {
        let mut open = self.lock();
        if open.values().filter(|connection| connection.stream).count() >= MAX_STREAMS {
            return false;
        }
        open.get_mut(&id).map(|connection| connection.stream = true).is_some()
    }
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

/// The request target as the client wrote it, when it is a path (`/page.js?x`); a target
/// with a scheme or an authority (`http://elsewhere/`) names another server, or this one
/// under a name the `Host` check has not seen.
fn origin_form(uri: &Uri) -> Option<&str> {
    if uri.scheme().is_some() || uri.authority().is_some() {
        return None;
    }
    uri.path_and_query().map(|target| target.as_str())
}

/// Answers one request.
fn answer(request: &Request<Incoming>, site: &Site, id: u64) -> Response<Body> {
    let host = request.headers().get(header::HOST).and_then(|host| host.to_str().ok());
    if let Some(hosts) = &site.hosts
        && !host.is_some_and(|h| hosts.iter().any(|ok| ok.eq_ignore_ascii_case(h)))
    {
        return text(StatusCode::FORBIDDEN, "Forbidden: this preview answers to its own address only.\n");
    }
    let Some(route) = origin_form(request.uri()).and_then(route) else {
        return text(StatusCode::NOT_FOUND, "Not found.\n");
    };
    let method = request.method();
    if !(method == Method::GET || method == Method::HEAD) || (matches!(route, Route::Events) && method == Method::HEAD)
    {
        let mut response = text(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed.\n");
        let allow = if matches!(route, Route::Events) { "GET" } else { "GET, HEAD" };
        response.headers_mut().insert(header::ALLOW, HeaderValue::from_static(allow));
        // Whatever body came with the request stays unread; the connection cannot be reused.
        response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
        return response;
    }
    match route {
        Route::Page => respond(StatusCode::OK, "text/html; charset=utf-8", Body::text(PAGE)),
        Route::Script => respond(StatusCode::OK, "text/javascript; charset=utf-8", Body::text(SCRIPT)),
        Route::Style => respond(StatusCode::OK, "text/css; charset=utf-8", Body::text(STYLE)),
        Route::Icon => respond(StatusCode::OK, "image/svg+xml", Body::text(ICON)),
        Route::Events => events(site, id),
    }
}

fn text(status: StatusCode, body: &'static str) -> Response<Body> {
    respond(status, "text/plain; charset=utf-8", Body::text(body))
}

/// An answer with the headers every answer carries.
fn respond(status: StatusCode, content_type: &'static str, body: Body) -> Response<Body> {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_TYPE, content_type),
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::HeaderName::from_static("cross-origin-resource-policy"), "same-origin"),
        (header::CACHE_CONTROL, "no-store"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

/// Server-sent events: the latest update at once, then each new one as the watcher makes it.
/// A task per stream feeds the body through a channel of one message: a page that reads
/// slowly skips to the newest update rather than queueing the ones it missed.
fn events(site: &Site, id: u64) -> Response<Body> {
    if !site.connections.stream(id) {
        return text(StatusCode::SERVICE_UNAVAILABLE, "Too many open pages.\n");
    }
    let (out, body) = mpsc::channel(1);
    tokio::spawn(stream(site.hub.subscribe(), out));
    respond(StatusCode::OK, "text/event-stream; charset=utf-8", Body::Events(body))
}

async fn stream(mut latest: watch::Receiver<Latest>, out: mpsc::Sender<Bytes>) {
    // `retry`: reconnect after a second, so a restarted server is picked up quickly.
    if out.send(Bytes::from_static(b"retry: 1000\n\n")).await.is_err() {
        return;
    }
    loop {
        let next = first(out.closed(), tokio::time::timeout(KEEP_ALIVE, latest.changed())).await;
        let message = match next {
            // The page went away.
            Either::Left(()) => return,
            Either::Right(Ok(Ok(()))) => {
                let latest = latest.borrow_and_update();
                if latest.stopping {
                    return;
                }
                Bytes::from(format!("id: {}\nevent: update\ndata: {}\n\n", latest.revision, latest.update))
            }
            Either::Right(Ok(Err(_))) => return,
            Either::Right(Err(_)) => Bytes::from_static(b": keep-alive\n\n"),
        };
        if out.send(message).await.is_err() {
            return;
        }
    }
}

enum Either<A, B> {
    Left(A),
    Right(B),
}

/// Whichever of two futures is ready first; the other is dropped.
async fn first<A: Future, B: Future>(a: A, b: B) -> Either<A::Output, B::Output> {
    let (mut a, mut b) = (pin!(a), pin!(b));
    std::future::poll_fn(|cx| {
        if let Poll::Ready(out) = a.as_mut().poll(cx) {
            return Poll::Ready(Either::Left(out));
        }
        b.as_mut().poll(cx).map(Either::Right)
    })
    .await
}

/// An answer's body: a fixed text, or the frames of an event stream as they come.
#[derive(Debug)]
pub enum Body {
    Text(Option<Bytes>),
    Events(mpsc::Receiver<Bytes>),
}

impl Body {
    fn text(text: &'static str) -> Body {
        Body::Text(Some(Bytes::from_static(text.as_bytes())))
    }
}

impl http_body::Body for Body {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match self.get_mut() {
            Body::Text(text) => Poll::Ready(text.take().map(|text| Ok(Frame::data(text)))),
            Body::Events(events) => events.poll_recv(cx).map(|event| event.map(|event| Ok(Frame::data(event)))),
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, Body::Text(None))
    }

    /// Exact for a text, so it goes out with a `Content-Length`; an event stream is chunked.
    fn size_hint(&self) -> SizeHint {
        match self {
            Body::Text(text) => SizeHint::with_exact(text.as_ref().map_or(0, |text| text.len() as u64)),
            Body::Events(_) => SizeHint::default(),
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
