//! PartWatch: a marketplace for automotive parts. Components render on the server and hydrate
//! in the browser; server functions run against SQLite or PostgreSQL.

pub mod app;
pub mod auth;
pub mod cart;
pub mod catalogue;
#[cfg(feature = "ssr")]
mod db_macros;
pub mod demand;
#[cfg(feature = "ssr")]
pub mod demo;
pub mod error;
pub mod fitment;
pub mod home;
pub mod info;
pub mod listings;
#[cfg(feature = "ssr")]
pub mod media;
pub mod orders;
pub mod parts;
#[cfg(feature = "ssr")]
pub mod server;
pub mod text;
pub mod time;
pub mod ui;
pub mod vehicles;

/// Browser entry point: hydrates the server-rendered page, then marks `<body>` with
/// `data-hydrated` so tests (and styles) can tell the page is interactive.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}
