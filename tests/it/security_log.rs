//! Security events reach the log as one structured line each (target `security`, an `event`
//! field), and never carry a password, a session id or an email address.

use crate::common;
use partwatch::server::db::DbPool;

use axum::{
    body::Body,
    http::{header, Request, StatusCode},
};
use common::World;
use partwatch::{
    listings::api::{ArchiveListing, MyListings},
    server::throttle::Action,
};
use std::sync::{Arc, Mutex};

use common::PW;
const BOUNDARY: &str = "----log-boundary";

/// Everything this test's thread logs.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn multipart(fields: &[(&str, &str)], image: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"x.gif\"\r\nContent-Type: image/gif\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(image);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn security_events_are_logged_one_line_each_without_secrets(pool: DbPool) {
    let captured = Captured::default();
    let writer = captured.clone();
    // This thread's subscriber only (`#[sqlx::test]` runs the test on a current-thread
    // runtime): the other tests of the binary run beside it and log on their own threads.
    let _log = tracing::subscriber::set_default(
        tracing_subscriber::fmt()
            .with_env_filter("warn")
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish(),
    );
    let world = World::shop(pool).await;
    let (app, supplier, rival, customer) = (&world.app, &world.acme, &world.brakeco, &world.anna);

    // Failed logins, then the account's limit.
    let (allowed, _) = Action::LoginByAccount.rule();
    for _ in 0..=allowed {
        app.login("anna@example.com", "secret-guess-123").await;
    }
    // Someone else's listing, and a customer calling a supplier's function.
    let reply = app
        .call_fn(ArchiveListing { id: world.disc }, Some(rival))
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let listings = MyListings {
        status: String::new(),
        q: String::new(),
    };
    let reply = app.call_fn(listings, Some(customer)).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    // A decompression bomb as a listing photo.
    let body = multipart(
        &[
            ("name", "Brake disc"),
            ("manufacturer", "Brembo"),
            ("model", "09.A"),
            ("description", "Vented."),
            ("price", "10"),
            ("stock", "1"),
            ("delivery", "1-2_days"),
        ],
        &common::gif_bomb(),
    );
    let reply = app
        .send(
            Request::post("/listings/new")
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={BOUNDARY}"),
                )
                .header(header::COOKIE, supplier)
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let events: Vec<&str> = log.lines().filter(|l| l.contains(" security: ")).collect();
    let count = |event: &str| {
        events
            .iter()
            .filter(|l| l.contains(&format!("event=\"{event}\"")))
            .count()
    };
    assert_eq!(count("login_failed"), allowed as usize, "{log}");
    assert_eq!(count("limit_reached"), 1, "{log}");
    assert_eq!(count("access_refused"), 1, "{log}");
    assert_eq!(count("role_refused"), 1, "{log}");
    assert_eq!(count("upload_refused"), 1, "{log}");
    assert!(events
        .iter()
        .any(|l| l.contains("reason=\"too_many_pixels\"")));
    assert!(events.iter().all(|l| l.contains("WARN")));
    // Never a secret or an address book entry.
    let session_ids: Vec<String> = [supplier, rival, customer]
        .iter()
        .map(|c| c.split('=').nth(1).unwrap().to_owned())
        .collect();
    for secret in [
        "secret-guess-123",
        PW,
        "anna@example.com",
        "brakeco@example.com",
    ]
    .into_iter()
    .chain(session_ids.iter().map(String::as_str))
    {
        assert!(!log.contains(secret), "{secret} logged:\n{log}");
    }
}
