//! Empty: this crate exists only for its Cargo.lock (see Cargo.toml).
