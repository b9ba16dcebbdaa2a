# Sourced by the other scripts: where the tools live, and how progress is shown.
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
export PATH="$cargo_home/bin:$HOME/.cargo/bin:$PWD/scripts/web-tools/node_modules/.bin:$PWD/end2end/node_modules/.bin:$PATH"

# Prints a step heading, with how long the step took once it is over.
step() {
  step_end
  step_name="$*"
  step_start=$(date +%s)
  printf '\n== %s\n' "$step_name"
}
step_end() {
  if [ -n "${step_name:-}" ]; then
    printf '   (%s: %ss)\n' "$step_name" "$(($(date +%s) - step_start))"
    step_name=
  fi
}

# A RUSTFLAGS of the caller's own replaces .cargo/config.toml's flags: keep erased components
# in it, without which the release build does not compile.
if [ -n "${RUSTFLAGS:-}" ] && [[ " $RUSTFLAGS " != *" --cfg erase_components "* ]]; then
  export RUSTFLAGS="$RUSTFLAGS --cfg erase_components"
fi
