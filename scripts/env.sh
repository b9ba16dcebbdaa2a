# Sourced by the scripts: the same environment cargo-leptos gives its debug builds, so that
# `cargo test` reuses the artifacts of `cargo leptos build` instead of rebuilding everything
# (leptos reads LEPTOS_OUTPUT_NAME at compile time; RUSTFLAGS is part of every artifact).
export PATH="$HOME/.cargo/bin:$PWD/end2end/node_modules/.bin:$PATH"
export LEPTOS_OUTPUT_NAME=partwatch
export RUSTFLAGS="--cfg erase_components"
