//! Server-only infrastructure: configuration, state, the database pool, the request context
//! of server functions, sessions, attempt limits, security headers and events, and the router
//! and HTTP server that put them together.

pub mod assets;
pub mod audit;
pub mod client;
pub mod config;
pub mod cookies;
pub mod ctx;
pub mod db;
pub mod form_echo;
pub mod memo;
pub mod pages;
pub mod random;
pub mod router;
pub mod security;
pub mod serve;
pub mod sessions;
pub mod state;
pub mod throttle;

pub use config::Config;
pub use state::AppState;
