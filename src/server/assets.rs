//! The app's bundle (wasm, JS, CSS) under content-hashed names. The release build
//! (`scripts/build.sh`, `scripts/site.mjs`; `cargo leptos build` does the same) names each
//! file after a hash of its content and writes the hashes to `hash.txt` beside the server
//! binary; a binary started with that file serves the hashed
//! names, which never change content and so are cached for a year (`immutable`).

use leptos::config::LeptosOptions;
use std::{path::PathBuf, sync::OnceLock};

/// The bundle's URLs, set once at start by [`init`].
static BUNDLE: OnceLock<Bundle> = OnceLock::new();

/// The URLs of the bundle's files.
#[derive(Debug)]
struct Bundle {
    css: String,
    script: String,
}

/// Where the release build writes the hashes: beside the running binary.
fn hash_file(options: &LeptosOptions) -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    Some(exe.parent()?.join(options.hash_file.as_ref()))
}

/// The hash of the bundle file with this extension (`css`, `js`, `wasm`), if the binary was
/// built with hashed names.
fn hash_of(options: &LeptosOptions, extension: &str) -> Option<String> {
    let text = std::fs::read_to_string(hash_file(options)?).ok()?;
    text.lines().find_map(|line| {
        let (ext, hash) = line.split_once(':')?;
        (ext.trim() == extension).then(|| hash.trim().to_owned())
    })
}

/// Turns hashed names on when the build left its hash file beside the binary (the release
/// build of `scripts/build.sh`, used by `scripts/run.sh` and the browser tests), and records
/// the bundle's URLs (read once, not on every page as Leptos' own components do).
pub fn init(options: &mut LeptosOptions) {
    if hash_file(options).is_some_and(|f| f.is_file()) {
        options.hash_files = true;
    }
    let url = |ext: &str| {
        let name = match hash_of(options, ext).filter(|_| options.hash_files) {
            Some(hash) => format!("{}.{hash}.{ext}", options.output_name),
            None => format!("{}.{ext}", options.output_name),
        };
        format!("/{}/{name}", options.site_pkg_dir)
    };
    let bundle = Bundle {
        css: url("css"),
        script: script(&url("js"), &url("wasm")),
    };
    // A second call (never made by the binary) keeps the first value.
    let _ = BUNDLE.set(bundle);
}

fn bundle() -> &'static Bundle {
    BUNDLE.get_or_init(|| Bundle {
        css: "/pkg/partwatch.css".into(),
        script: script("/pkg/partwatch.js", "/pkg/partwatch.wasm"),
    })
}

/// The stylesheet's URL, e.g. `/pkg/partwatch.3kP9….css` (`/pkg/partwatch.css` without
/// [`init`], as in tests).
pub fn stylesheet_href() -> &'static str {
    &bundle().css
}

/// The page's one script: once the page has loaded and the browser is idle, fetch the JS and
/// the wasm and hydrate. Leptos' `HydrationScripts` also preloads both from the `<head>`,
/// where the 380 KB wasm competed with the page's own text, CSS and pictures on a slow
/// connection (Lighthouse put the largest paint at 3 s, after the wasm). Every page works as
/// plain HTML before this runs: links and forms need no JavaScript.
pub fn hydration_script() -> &'static str {
    &bundle().script
}

/// The text of [`hydration_script`] for these URLs (made once, at start).
fn script(js: &str, wasm: &str) -> String {
    format!(
        "(function (js, wasm) {{\
         const hydrate = () => import(js).then(m => m.default({{ module_or_path: wasm }})\
         .then(() => m.hydrate()));\
         const idle = () => \"requestIdleCallback\" in window\
         ? requestIdleCallback(hydrate, {{ timeout: 1000 }}) : setTimeout(hydrate, 0);\
         if (document.readyState === \"complete\") idle();\
         else addEventListener(\"load\", idle, {{ once: true }});\
         }})({js:?}, {wasm:?});"
    )
}

/// `Cache-Control` for the bundle: a year and `immutable` under hashed names (a new build
/// has new names), else revalidated on every use.
pub fn cache_control(options: &LeptosOptions) -> &'static str {
    if options.hash_files {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundle_is_cached_for_a_year_only_under_hashed_names() {
        let mut options = LeptosOptions::builder().output_name("partwatch").build();
        assert_eq!(cache_control(&options), "no-cache");
        options.hash_files = true;
        assert!(cache_control(&options).contains("immutable"));
        assert_eq!(stylesheet_href(), "/pkg/partwatch.css");
        let script = hydration_script();
        assert!(script.ends_with(r#"})("/pkg/partwatch.js", "/pkg/partwatch.wasm");"#));
    }
}
