//! The real server against slow, silent and idle clients (slowloris): they are cut off after the
//! header timeout while everyone else is served, at the connection cap newcomers wait for a
//! free slot instead of being refused, HTTP/2 (h2c) is served and idles out the same way, and a
//! stop does not wait for any of them.

use crate::common;

use common::process::{send, temp_dir, Server};
use std::{
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

/// The header timeout these tests give the server, in seconds.
const TIMEOUT_SECS: u64 = 2;
const TIMEOUT: Duration = Duration::from_secs(TIMEOUT_SECS);
/// Timers may fire a little early or late; a loaded two-core machine makes them later.
const EARLY: Duration = Duration::from_millis(200);
const LATE: Duration = Duration::from_secs(3);

async fn start(name: &str, env: &[(&str, &str)]) -> (Server, std::path::PathBuf) {
    let dir = temp_dir(name);
    let server = Server::start_with(&dir, env).await;
    (server, dir)
}

/// Reads (and ignores) whatever the server sends until it closes the connection; returns how
/// long after `since` that was, or `None` if it is still open at `give_up`.
async fn wait_for_close(
    stream: &mut TcpStream,
    since: Instant,
    give_up: Duration,
) -> Option<Duration> {
    let mut buf = [0_u8; 4096];
    loop {
        match tokio::time::timeout_at((since + give_up).into(), stream.read(&mut buf)).await {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some(since.elapsed()),
            Ok(Ok(_)) => continue,
        }
    }
}

/// A slowloris client: a request line, then one header line every `every`, never the blank line
/// that ends the headers. Returns when it got connected and when the server closed the
/// connection (`None` if still open `give_up` after connecting).
async fn slowloris(
    addr: String,
    every: Duration,
    give_up: Duration,
    connected: Arc<AtomicUsize>,
) -> (Instant, Option<Instant>) {
    let mut stream = TcpStream::connect(&addr).await.expect("connects");
    let start = Instant::now();
    connected.fetch_add(1, Ordering::SeqCst);
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: slow.example\r\n")
        .await
        .unwrap();
    let deadline = tokio::time::Instant::from(start + give_up);
    let mut buf = [0_u8; 1024];
    let mut lines = 0;
    loop {
        tokio::select! {
            read = stream.read(&mut buf) => match read {
                Ok(0) | Err(_) => return (start, Some(Instant::now())),
                Ok(_) => {}
            },
            _ = tokio::time::sleep(every) => {
                lines += 1;
                let line = format!("X-Slow-{lines}: still coming\r\n");
                if stream.write_all(line.as_bytes()).await.is_err() {
                    return (start, Some(Instant::now()));
                }
            }
            _ = tokio::time::sleep_until(deadline) => return (start, None),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn slowloris_clients_are_cut_off_while_normal_requests_are_answered() {
    const SLOW: usize = 400;
    let (server, dir) = start(
        "slowloris",
        &[
            ("PARTWATCH_HEADER_TIMEOUT_SECS", &TIMEOUT_SECS.to_string()),
            ("PARTWATCH_MAX_CONNECTIONS", "1000"),
        ],
    )
    .await;

    // 400 clients each sending a header line every second: each line arrives well within the
    // timeout, but the headers never end. They connect 50 at a time: the listen backlog is
    // 128 (the standard library's), and a burst beyond it makes the kernel drop handshakes that
    // clients only retry a second later.
    let first_connect = Instant::now();
    let connected = Arc::new(AtomicUsize::new(0));
    let mut slow = Vec::new();
    for _ in 0..SLOW / 50 {
        for _ in 0..50 {
            slow.push(tokio::spawn(slowloris(
                server.addr.clone(),
                Duration::from_secs(1),
                TIMEOUT + LATE + Duration::from_secs(2),
                connected.clone(),
            )));
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    while connected.load(Ordering::SeqCst) < SLOW {
        assert!(
            first_connect.elapsed() < TIMEOUT,
            "connecting took too long"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let all_connected = first_connect.elapsed();

    // While all of them are connected, ordinary visitors are served at once.
    let mut latencies = Vec::new();
    let until = first_connect + TIMEOUT - Duration::from_millis(400);
    while Instant::now() < until {
        let started = Instant::now();
        let answer = tokio::time::timeout(
            Duration::from_secs(1),
            send(&server.addr, "GET", "/", &[], b""),
        )
        .await
        .expect("a normal request is answered within 1 s")
        .unwrap();
        assert_eq!(answer.status, 200);
        latencies.push(started.elapsed());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let last_answer = Instant::now();
    let slowest = latencies.iter().max().unwrap();

    // Every slow client was cut off after the header timeout: not before (one line a second
    // does not keep the timer from running out), not much after.
    let mut open_for = Vec::new();
    let mut first_close = None::<Instant>;
    for task in slow {
        let (connected_at, closed_at) = task.await.unwrap();
        let closed_at = closed_at.expect("the server closed the slow connection");
        open_for.push(closed_at - connected_at);
        first_close = Some(first_close.map_or(closed_at, |f| f.min(closed_at)));
    }
    open_for.sort();
    eprintln!(
        "{SLOW} slow clients connected within {all_connected:?}; {} normal requests answered \
         meanwhile, the slowest in {slowest:?}; slow clients cut off after {:?} to {:?}",
        latencies.len(),
        open_for[0],
        open_for[SLOW - 1]
    );
    assert!(latencies.len() >= 5, "{latencies:?}");
    assert!(
        first_close.unwrap() > last_answer,
        "the normal requests were not all answered while every slow client was connected"
    );
    assert!(
        open_for[0] >= TIMEOUT - EARLY,
        "cut off too early: {:?}",
        open_for[0]
    );
    assert!(
        open_for[SLOW - 1] <= TIMEOUT + LATE,
        "cut off too late: {:?}",
        open_for[SLOW - 1]
    );

    // And the server serves as before.
    let answer = send(&server.addr, "GET", "/", &[], b"").await.unwrap();
    assert_eq!(answer.status, 200);
    let (code, _) = server.terminate();
    assert_eq!(code, Some(0));
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_and_idle_keep_alive_connections_are_closed_after_the_timeout() {
    let (server, dir) = start(
        "idle",
        &[("PARTWATCH_HEADER_TIMEOUT_SECS", &TIMEOUT_SECS.to_string())],
    )
    .await;
    let give_up = TIMEOUT + LATE + Duration::from_secs(2);

    // Connects and says nothing (the server cannot even tell HTTP/1 from HTTP/2 yet).
    let silent = {
        let addr = server.addr.clone();
        tokio::spawn(async move {
            let since = Instant::now();
            let mut stream = TcpStream::connect(&addr).await.unwrap();
            wait_for_close(&mut stream, since, give_up).await
        })
    };
    // Sends half the HTTP/2 preface and stops.
    let half_preface = {
        let addr = server.addr.clone();
        tokio::spawn(async move {
            let since = Instant::now();
            let mut stream = TcpStream::connect(&addr).await.unwrap();
            stream.write_all(b"PRI * HTTP/2.0\r\n").await.unwrap();
            wait_for_close(&mut stream, since, give_up).await
        })
    };
    // One request on a kept-alive connection, answered; then nothing more.
    let keep_alive = {
        let addr = server.addr.clone();
        tokio::spawn(async move {
            let mut stream = TcpStream::connect(&addr).await.unwrap();
            stream
                .write_all(format!("HEAD / HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes())
                .await
                .unwrap();
            let mut head = Vec::new();
            let mut byte = [0_u8; 1];
            while !head.ends_with(b"\r\n\r\n") {
                assert_eq!(stream.read(&mut byte).await.unwrap(), 1, "{head:?}");
                head.push(byte[0]);
            }
            let head = String::from_utf8_lossy(&head).to_string();
            assert!(head.starts_with("HTTP/1.1 200"), "{head}");
            assert!(
                !head.to_ascii_lowercase().contains("connection: close"),
                "{head}"
            );
            let since = Instant::now();
            wait_for_close(&mut stream, since, give_up).await
        })
    };
    for (what, task) in [
        ("silent", silent),
        ("half HTTP/2 preface", half_preface),
        ("idle keep-alive", keep_alive),
    ] {
        let after = task
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("{what}: still open after {give_up:?}"));
        eprintln!("{what}: closed after {after:?}");
        assert!(
            after >= TIMEOUT - EARLY,
            "{what}: closed too early, {after:?}"
        );
        assert!(
            after <= TIMEOUT + LATE,
            "{what}: closed too late, {after:?}"
        );
    }
    let (code, _) = server.terminate();
    assert_eq!(code, Some(0));
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_the_connection_cap_a_new_client_waits_for_a_free_slot() {
    const CAP: usize = 20;
    let (server, dir) = start(
        "cap",
        &[
            ("PARTWATCH_HEADER_TIMEOUT_SECS", &TIMEOUT_SECS.to_string()),
            ("PARTWATCH_MAX_CONNECTIONS", &CAP.to_string()),
        ],
    )
    .await;
    // Let the connection of the readiness check close.
    tokio::time::sleep(Duration::from_millis(300)).await;

    // CAP silent clients take every slot...
    let since = Instant::now();
    let mut silent = Vec::new();
    for _ in 0..CAP {
        silent.push(TcpStream::connect(&server.addr).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    // ...so the next client is not refused but waits until the server closes them.
    let answer = send(&server.addr, "GET", "/", &[], b"").await.unwrap();
    let waited = since.elapsed();
    eprintln!("with {CAP} of {CAP} slots taken, a normal request was answered after {waited:?}");
    assert_eq!(answer.status, 200);
    assert!(
        waited >= TIMEOUT - EARLY,
        "answered after {waited:?}: more than {CAP} connections were served at once"
    );
    assert!(waited <= TIMEOUT + LATE, "answered only after {waited:?}");
    for mut stream in silent {
        assert!(
            wait_for_close(&mut stream, since, TIMEOUT + LATE)
                .await
                .is_some(),
            "a silent client is still connected"
        );
    }
    let (code, _) = server.terminate();
    assert_eq!(code, Some(0));
    std::fs::remove_dir_all(dir).ok();
}

// HTTP/2 by hand, just enough of it: frames, and a request header block in HPACK's plainest
// forms (static-table indexes, one literal).

const H2_PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
const DATA: u8 = 0x0;
const HEADERS: u8 = 0x1;
const SETTINGS: u8 = 0x4;
const PING: u8 = 0x6;
const GOAWAY: u8 = 0x7;
const WINDOW_UPDATE: u8 = 0x8;
const END_STREAM: u8 = 0x1;
const ACK: u8 = 0x1;
const END_HEADERS: u8 = 0x4;

fn frame(kind: u8, flags: u8, stream: u32, payload: &[u8]) -> Vec<u8> {
    let len = payload.len() as u32;
    let mut out = vec![(len >> 16) as u8, (len >> 8) as u8, len as u8, kind, flags];
    out.extend_from_slice(&stream.to_be_bytes());
    out.extend_from_slice(payload);
    out
}

struct Frame {
    kind: u8,
    flags: u8,
    stream: u32,
    payload: Vec<u8>,
}

/// The next frame, or `None` when the server has closed the connection.
async fn read_frame(stream: &mut TcpStream) -> Option<Frame> {
    let mut head = [0_u8; 9];
    stream.read_exact(&mut head).await.ok()?;
    let len = u32::from_be_bytes([0, head[0], head[1], head[2]]) as usize;
    let mut payload = vec![0; len];
    stream.read_exact(&mut payload).await.ok()?;
    Some(Frame {
        kind: head[3],
        flags: head[4],
        stream: u32::from_be_bytes([head[5], head[6], head[7], head[8]]) & 0x7fff_ffff,
        payload,
    })
}

/// Answers the server's SETTINGS and PINGs as a client must.
async fn acknowledge(stream: &mut TcpStream, received: &Frame) {
    if received.flags & ACK == 0 && (received.kind == SETTINGS || received.kind == PING) {
        let payload = if received.kind == PING {
            &received.payload[..]
        } else {
            &[]
        };
        stream
            .write_all(&frame(received.kind, ACK, 0, payload))
            .await
            .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http2_is_served_and_an_idle_http2_connection_is_closed_gracefully() {
    let (server, dir) = start(
        "h2",
        &[("PARTWATCH_HEADER_TIMEOUT_SECS", &TIMEOUT_SECS.to_string())],
    )
    .await;
    let mut stream = TcpStream::connect(&server.addr).await.unwrap();
    // Preface, SETTINGS with a large stream window and a large connection window, so the page
    // arrives without further window updates.
    let mut hello = H2_PREFACE.to_vec();
    hello.extend(frame(SETTINGS, 0, 0, &[0x0, 0x4, 0x40, 0x0, 0x0, 0x0]));
    hello.extend(frame(WINDOW_UPDATE, 0, 0, &0x4000_0000_u32.to_be_bytes()));
    // GET / : `:method GET`, `:scheme http`, `:path /` from the static table, `:authority`
    // literal (name from the static table, not indexed).
    let mut block = vec![0x82, 0x86, 0x84, 0x01, server.addr.len() as u8];
    block.extend_from_slice(server.addr.as_bytes());
    hello.extend(frame(HEADERS, END_HEADERS | END_STREAM, 1, &block));
    stream.write_all(&hello).await.unwrap();

    let mut status = None;
    let mut body = 0;
    loop {
        let f = tokio::time::timeout(Duration::from_secs(10), read_frame(&mut stream))
            .await
            .expect("the response arrives")
            .expect("the connection stays open until the response is complete");
        acknowledge(&mut stream, &f).await;
        match (f.kind, f.stream) {
            (HEADERS, 1) => status = f.payload.first().copied(),
            (DATA, 1) => body += f.payload.len(),
            (GOAWAY, _) => panic!("GOAWAY before the response: {:?}", f.payload),
            _ => {}
        }
        if f.stream == 1 && f.flags & END_STREAM != 0 {
            break;
        }
    }
    // 0x88 is `:status 200`, indexed from HPACK's static table.
    assert_eq!(status, Some(0x88), "status");
    assert!(body > 0);

    // Now idle: after the timeout the server says goodbye (GOAWAY, no error) and closes.
    let since = Instant::now();
    let mut goodbye = None;
    loop {
        match tokio::time::timeout(TIMEOUT + LATE, read_frame(&mut stream)).await {
            Err(_) => panic!(
                "idle HTTP/2 connection still open after {:?}",
                since.elapsed()
            ),
            Ok(None) => break,
            Ok(Some(f)) => {
                acknowledge(&mut stream, &f).await;
                if f.kind == GOAWAY && goodbye.is_none() {
                    goodbye = Some((since.elapsed(), f.payload[4..8].to_vec()));
                }
            }
        }
    }
    let closed = since.elapsed();
    let (at, error_code) = goodbye.expect("a GOAWAY before closing");
    eprintln!("h2: {body} bytes of page; GOAWAY after {at:?} of idleness, closed after {closed:?}");
    assert_eq!(error_code, [0, 0, 0, 0], "NO_ERROR");
    assert!(at >= TIMEOUT - EARLY, "GOAWAY too early: {at:?}");
    assert!(closed <= TIMEOUT + LATE, "closed too late: {closed:?}");
    let (code, _) = server.terminate();
    assert_eq!(code, Some(0));
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_waits_for_slow_and_idle_clients_no_longer_than_the_header_timeout() {
    // A client still sending the headers of its first request is not idle to hyper: a stop
    // alone (graceful shutdown) leaves it open until its headers end. Before the header timeout
    // existed, one such client kept a stopped server running forever.
    const STOP_TIMEOUT_SECS: u64 = 3;
    let (server, dir) = start(
        "stop",
        &[(
            "PARTWATCH_HEADER_TIMEOUT_SECS",
            &STOP_TIMEOUT_SECS.to_string(),
        )],
    )
    .await;
    let mut clients = Vec::new();
    for n in 0..20 {
        let mut stream = TcpStream::connect(&server.addr).await.unwrap();
        match n % 4 {
            // Half a header line.
            0 => stream
                .write_all(b"GET / HTTP/1.1\r\nHost: slow.example\r\nX-Half: ")
                .await
                .unwrap(),
            // Nothing at all.
            1 => {}
            // An HTTP/2 connection without requests.
            2 => {
                let mut hello = H2_PREFACE.to_vec();
                hello.extend(frame(SETTINGS, 0, 0, &[]));
                stream.write_all(&hello).await.unwrap();
            }
            // A kept-alive HTTP/1 connection after its first response.
            _ => {
                let request = format!("HEAD / HTTP/1.1\r\nHost: {}\r\n\r\n", server.addr);
                stream.write_all(request.as_bytes()).await.unwrap();
                let mut head = Vec::new();
                let mut byte = [0_u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    assert_eq!(stream.read(&mut byte).await.unwrap(), 1);
                    head.push(byte[0]);
                }
            }
        }
        clients.push(stream);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let since = Instant::now();
    server.signal_term();
    let (code, stdout) = server.terminate_after_signal();
    let took = since.elapsed();
    eprintln!("stopped {took:?} after SIGTERM with 20 slow or idle clients connected");
    assert_eq!(code, Some(0), "{stdout}");
    assert!(stdout.contains("PartWatch stopped."), "{stdout}");
    assert!(
        took <= Duration::from_secs(STOP_TIMEOUT_SECS) + LATE,
        "the stop waited {took:?}"
    );
    drop(clients);
    std::fs::remove_dir_all(dir).ok();
}
