//! The shopping cart, kept on the server so it survives logout and other devices. This
//! feature owns the cart_items table.

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
