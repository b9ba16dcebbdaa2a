//! The integration tests, one binary (it links once): each module drives PartWatch from
//! outside — through the real router with `tower::ServiceExt::oneshot` (cookies and SQLite
//! real), or as the real server process — and runs in parallel with the others.

mod common;

mod access;
mod accounts;
mod catalogue;
mod fitment;
mod fuzz_parsers;
mod hostile_input;
mod listings;
mod orders;
mod process;
mod replica;
#[cfg(feature = "postgres")]
mod scale_out;
mod security;
mod security_log;
mod slow_clients;
mod storage;
mod throttle;
mod vehicles;
