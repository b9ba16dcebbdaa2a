//! Server-only infrastructure: configuration, state, the database pool, sessions and the auth
//! backend, demo data, and the router that puts them together.

pub mod assets;
pub mod audit;
pub mod auth;
pub mod config;
pub mod db;
pub mod demo;
pub mod demo_images;
pub mod form_echo;
pub mod generate;
pub mod images;
pub mod password;
pub mod router;
pub mod security;
pub mod serve;
pub mod state;
pub mod throttle;
pub mod uploads;

pub use config::Config;
pub use state::AppState;
