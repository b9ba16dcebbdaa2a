//! The HTTP server: accepts connections up to a cap, serves HTTP/1.1 and HTTP/2 (h2c, prior
//! knowledge) with hyper, closes connections whose clients are too slow to send a request or
//! sit idle, and stops gracefully.
//!
//! `axum::serve` sets no timer on hyper, so hyper's header-read timeout never runs, and takes
//! every connection offered: a few hundred clients sending one header line every few seconds
//! held their connections (and file descriptors) for as long as they liked, and one client in
//! the middle of its headers kept a stopped server from exiting. Here:
//!
//! - HTTP/1: hyper's `header_read_timeout` closes a connection whose request headers are not
//!   complete in time. hyper 1.x also starts that timer when a kept-alive connection goes idle
//!   after a response, so it is the keep-alive idle timeout too.
//! - Every connection, whatever its protocol: closed gracefully once nothing has been in flight
//!   on it for the same time. This covers what hyper's timer does not: a client that connects
//!   and sends nothing or half the HTTP/2 preface (hyper-util reads the first bytes to pick the
//!   protocol with no timer), and an HTTP/2 connection with no request (HTTP/2 has no header
//!   timeout in hyper, and keep-alive pings only find dead peers, not idle live ones).
//! - At most [`Config::max_connections`](super::Config::max_connections) connections at once;
//!   at the cap the server stops accepting, so new clients wait in the listen backlog (see
//!   [`serve`]).
//!
//! A request whose headers are in is bounded by the request timeout (the router's
//! `TimeoutLayer`), its body included.

use super::Config;
use axum::{body::Body, extract::ConnectInfo, Router};
use http_body::Frame;
use hyper::{body::Incoming, Request};
use hyper_util::{
    rt::{TokioExecutor, TokioIo, TokioTimer},
    server::conn::auto,
};
use std::{
    convert::Infallible,
    future::Future,
    net::SocketAddr,
    pin::{pin, Pin},
    sync::{
        atomic::{AtomicU64, AtomicUsize, Ordering},
        Arc,
    },
    task::{Context, Poll},
    time::{Duration, Instant},
};
use tokio::{
    net::{TcpListener, TcpStream},
    sync::{watch, OwnedSemaphorePermit, Semaphore},
};
use tower::ServiceExt;

/// HTTP/2: a ping every this long (hyper sends none by default)...
const H2_PING_INTERVAL: Duration = Duration::from_secs(20);
/// ...and the connection is dropped if the ping is not answered within this. This finds peers
/// that vanished (a phone gone off the network) while a response is under way; live but idle
/// peers answer pings and are closed by the idle timer instead.
const H2_PING_TIMEOUT: Duration = Duration::from_secs(20);
/// HTTP/2: requests in flight at once on one connection (hyper's default is 200; browsers
/// rarely use more than 100, the least RFC 9113 recommends).
const H2_MAX_STREAMS: u32 = 100;

/// File descriptors kept for everything but client connections: the SQLite pool (database,
/// write-ahead log and shared memory for each of its 8 connections), the listener, standard
/// streams, the runtime's epoll and wake-up descriptors, and images being read or written.
const RESERVED_FDS: usize = 64;

/// How the server treats its connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Connections served at once; more wait in the listen backlog.
    pub max_connections: usize,
    /// For a request's headers to arrive, and for an idle connection to stay open.
    pub header_timeout: Duration,
}

impl Limits {
    /// The configured limits, the connection cap lowered to what the process's open-files
    /// limit allows (with a warning saying so).
    pub fn from_config(config: &Config) -> Self {
        let max_connections = connection_cap(config.max_connections, open_files_limit());
        if max_connections < config.max_connections {
            tracing::warn!(
                "PARTWATCH_MAX_CONNECTIONS is {} but the open-files limit (ulimit -n) leaves room \
                 for {max_connections} connections; serving at most {max_connections} at once. \
                 Raise the limit (systemd: LimitNOFILE=) to allow more.",
                config.max_connections
            );
        }
        Self {
            max_connections,
            header_timeout: config.header_timeout,
        }
    }
}

/// `configured`, lowered so that the connections and [`RESERVED_FDS`] fit into
/// `open_files` (the soft limit; `None` when unlimited or unknown).
pub fn connection_cap(configured: usize, open_files: Option<usize>) -> usize {
    match open_files {
        Some(limit) => configured.min(limit.saturating_sub(RESERVED_FDS).max(1)),
        None => configured,
    }
}

/// The soft open-files limit (`ulimit -n`) from `/proc/self/limits`; `None` if unlimited or
/// not known (not Linux).
fn open_files_limit() -> Option<usize> {
    parse_open_files_limit(&std::fs::read_to_string("/proc/self/limits").ok()?)
}

/// Reads the soft limit from the `Max open files` line of a `/proc/<pid>/limits` text.
pub fn parse_open_files_limit(limits: &str) -> Option<usize> {
    limits
        .lines()
        .find_map(|line| line.strip_prefix("Max open files"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Serves `app` on `listener` until `shutdown` resolves, then stops accepting (the listening
/// socket is closed, so new connections are refused), lets every request in flight finish and
/// returns. Connections are shut down as hyper does it gracefully (an HTTP/1 connection closes
/// after its current response, an HTTP/2 client gets GOAWAY); one with nothing in flight (say,
/// still sending its headers) is dropped after [`Limits::header_timeout`] at the latest.
///
/// At the connection cap the server does not accept: new connections wait in the kernel's
/// listen backlog and are served as soon as one closes. The alternative, accepting and closing
/// at once, would answer every legitimate client with an error while the cap is reached and
/// tell an attacker at once that it worked. Waiting degrades to latency instead: idle and slow
/// connections are closed within [`Limits::header_timeout`], so a slot frees up within
/// seconds. The backlog holds 128 connections (the standard library's `listen` value); beyond
/// that the kernel drops new handshakes and clients retry after one second, then two, four...
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) {
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let (stop_tx, stop_rx) = watch::channel(false);
    let builder = Arc::new(builder(limits.header_timeout));
    let mut shutdown = pin!(shutdown);
    loop {
        let slot = tokio::select! {
            _ = &mut shutdown => break,
            slot = slots.clone().acquire_owned() => slot.expect("the semaphore is never closed"),
        };
        let (stream, peer) = tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) if is_connection_error(&e) => continue,
                Err(e) => {
                    // Most likely out of file descriptors: wait for some to close rather than
                    // spin on the error.
                    tracing::error!(error = %e, "accept failed");
                    tokio::select! {
                        _ = &mut shutdown => break,
                        _ = tokio::time::sleep(Duration::from_secs(1)) => continue,
                    }
                }
            },
        };
        tokio::spawn(connection(
            stream,
            peer,
            app.clone(),
            builder.clone(),
            limits.header_timeout,
            stop_rx.clone(),
            slot,
        ));
    }
    drop(listener);
    drop(stop_rx);
    // Every connection holds a receiver until it has ended.
    stop_tx.send_replace(true);
    stop_tx.closed().await;
}

/// hyper's connection settings: HTTP/1 and HTTP/2 (told apart by the HTTP/2 preface), with
/// timers.
fn builder(header_timeout: Duration) -> auto::Builder<TokioExecutor> {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .keep_alive(true)
        .header_read_timeout(header_timeout);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(H2_PING_INTERVAL)
        .keep_alive_timeout(H2_PING_TIMEOUT)
        .max_concurrent_streams(H2_MAX_STREAMS);
    builder
}

fn is_connection_error(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::ConnectionRefused
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::ConnectionReset
    )
}

/// Serves one connection until it ends, holding `_slot` (its place under the cap) and `stop`
/// (the server waits for every receiver to be dropped before it returns) meanwhile.
async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    app: Router,
    builder: Arc<auto::Builder<TokioExecutor>>,
    idle_timeout: Duration,
    mut stop: watch::Receiver<bool>,
    _slot: OwnedSemaphorePermit,
) {
    // A response written in more than one piece (headers, then a file) must not wait for the
    // client's delayed ACK; without TCP_NODELAY every static file took 40 ms.
    if let Err(e) = stream.set_nodelay(true) {
        tracing::warn!(error = %e, "could not set TCP_NODELAY");
    }
    let activity = Arc::new(Activity::new());
    let counted = activity.clone();
    let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
        // The router finds the client's address here (client::client_address).
        request.extensions_mut().insert(ConnectInfo(peer));
        let guard = InFlight::enter(counted.clone());
        let response = app.clone().oneshot(request);
        async move {
            let response = response.await?;
            // The request counts as in flight until its response body has been sent.
            Ok::<_, Infallible>(response.map(|body| {
                Body::new(Tracked {
                    body,
                    _guard: guard,
                })
            }))
        }
    });
    let mut conn = pin!(builder.serve_connection(TokioIo::new(stream), service));
    let mut closing = false;
    loop {
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(%peer, error = %e, "connection ended");
                }
                break;
            }
            _ = stop.wait_for(|stop| *stop), if !closing => {
                closing = true;
                conn.as_mut().graceful_shutdown();
            }
            _ = idle(&activity, idle_timeout) => {
                if closing {
                    // Told to close, and still nothing in flight a period later: a client that
                    // neither finishes its headers nor answers HTTP/2's shutdown ping (or,
                    // rarely, one that has not read the last bytes of a response for that long).
                    break;
                }
                closing = true;
                conn.as_mut().graceful_shutdown();
            }
        }
    }
}

/// What a connection is doing: requests in flight, and when the last one ended. Plain
/// atomics, so a request costs two counter updates and no wake-up of the connection's task
/// (a channel that woke it at every request and end took a fifth of the pages' throughput).
struct Activity {
    started: Instant,
    in_flight: AtomicUsize,
    /// Milliseconds after `started` at which the last request ended (0: none yet).
    last_end_ms: AtomicU64,
}

impl Activity {
    fn new() -> Self {
        Self {
            started: Instant::now(),
            in_flight: AtomicUsize::new(0),
            last_end_ms: AtomicU64::new(0),
        }
    }

    fn now_ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }
}

/// Resolves once no request has been in flight on the connection for `period` (looked at
/// four times a period, so it resolves between `period` and 1¼ `period` after going idle).
async fn idle(activity: &Activity, period: Duration) {
    let period_ms = period.as_millis() as u64;
    let mut tick = tokio::time::interval(period / 4);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let idle_since = activity.last_end_ms.load(Ordering::Acquire);
        if activity.in_flight.load(Ordering::Acquire) == 0
            && activity.now_ms().saturating_sub(idle_since) >= period_ms
        {
            return;
        }
    }
}

/// One request in flight on a connection, counted while this lives.
struct InFlight(Arc<Activity>);

impl InFlight {
    fn enter(activity: Arc<Activity>) -> Self {
        activity.in_flight.fetch_add(1, Ordering::AcqRel);
        Self(activity)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.last_end_ms.store(self.0.now_ms(), Ordering::Release);
        self.0.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A response body that keeps its request counted as in flight until hyper has sent it (or
/// the connection ended).
struct Tracked {
    body: Body,
    _guard: InFlight,
}

impl http_body::Body for Tracked {
    type Data = <Body as http_body::Body>::Data;
    type Error = <Body as http_body::Body>::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.get_mut().body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_fits_under_the_open_files_limit() {
        assert_eq!(connection_cap(1024, None), 1024);
        assert_eq!(connection_cap(1024, Some(1_048_576)), 1024);
        assert_eq!(connection_cap(1024, Some(1024)), 1024 - RESERVED_FDS);
        assert_eq!(connection_cap(100, Some(1024)), 100);
        assert_eq!(connection_cap(1024, Some(10)), 1, "always at least one");
    }

    #[test]
    fn the_open_files_limit_is_read_from_proc() {
        let limits = "Limit                     Soft Limit           Hard Limit           Units     \n\
                      Max processes             63445                63445                processes \n\
                      Max open files            1024                 524288               files     \n\
                      Max locked memory         8388608              8388608              bytes     \n";
        assert_eq!(parse_open_files_limit(limits), Some(1024));
        let unlimited =
            "Max open files            unlimited            unlimited            files     \n";
        assert_eq!(parse_open_files_limit(unlimited), None);
        assert_eq!(parse_open_files_limit(""), None);
    }
}
