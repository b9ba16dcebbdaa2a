//! Cookie names and reading a cookie from a request.

use axum::http::{header, HeaderMap};

/// The name of the session cookie over plain HTTP.
pub const SESSION_COOKIE: &str = "pw_session";

/// The cookie names PartWatch sets: with secure cookies on (served over HTTPS) they carry the
/// `__Host-` prefix, which browsers accept only on a cookie that is `Secure`, has `Path=/` and
/// no `Domain` — so no subdomain and no plain-HTTP page can plant or overwrite it. Over plain
/// HTTP (the run command on 127.0.0.1) browsers refuse `__Host-` cookies altogether, so the
/// plain name is used there.
pub fn cookie_name(name: &'static str, secure: bool) -> String {
    if secure {
        format!("__Host-{name}")
    } else {
        name.to_owned()
    }
}

/// The value of the cookie `name` (see [`cookie_name`]) the request carries, if any.
pub fn request_cookie(headers: &HeaderMap, name: &'static str, secure: bool) -> Option<String> {
    let name = cookie_name(name, secure);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value.to_owned())
}
