//! What a failed form post without JavaScript brings back to its page, and only that.
//!
//! Leptos answers a failed plain-HTML server-function post with a redirect back to the form,
//! the error in the URL (`?__path=/api/login&__err=<base64>`), and the page shows whatever
//! message that holds — so anyone could link to our login page showing their own text
//! ("Your account is suspended. Call +49…"). Here the redirect gains a signature (`__sig`, a
//! keyed BLAKE2 MAC of path and error under a key drawn at start), and a page request whose
//! error is not signed is sent (303) to the same address without it: only messages the
//! server itself produced are ever shown.
//!
//! The values typed into a failed login or registration come back too (never a password):
//! in a short-lived signed cookie rather than the URL, so email addresses stay out of
//! histories and logs. The page reads them with [`echoed`].

use axum::{
    body::Body,
    extract::Request,
    http::{header, HeaderValue, Method, Response, StatusCode},
    middleware::Next,
};
use blake2::{digest::Mac, Blake2bMac512};
use std::sync::OnceLock;

/// The form fields whose typed values come back after a failed post (passwords never do).
const ECHOED_FIELDS: [&str; 3] = ["email", "username", "role"];
/// The server functions whose forms get their values back.
const ECHOING_ENDPOINTS: [&str; 2] = ["/api/login", "/api/register"];
/// The echo cookie's base name.
const ECHO_COOKIE: &str = "pw_form";

/// The typed values of the failed post this page shows, on the server (request extension).
#[derive(Clone, Debug, Default)]
pub struct FormEcho(pub Vec<(String, String)>);

fn key() -> &'static [u8; 32] {
    static KEY: OnceLock<[u8; 32]> = OnceLock::new();
    KEY.get_or_init(|| {
        use rand::RngCore;
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        key
    })
}

fn mac(parts: &[&str]) -> Blake2bMac512 {
    let mut mac = Blake2bMac512::new_from_slice(key()).expect("a 32-byte key fits BLAKE2b");
    for part in parts {
        // Length-prefixed, so ("ab", "c") and ("a", "bc") differ.
        mac.update(&(part.len() as u64).to_le_bytes());
        mac.update(part.as_bytes());
    }
    mac
}

fn sign(parts: &[&str]) -> String {
    mac(parts)
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn verify(parts: &[&str], signature: &str) -> bool {
    let bytes: Option<Vec<u8>> = (0..signature.len())
        .step_by(2)
        .map(|i| {
            signature
                .get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect();
    // verify_slice compares in constant time.
    bytes.is_some_and(|b| mac(parts).verify_slice(&b).is_ok())
}

/// The value of the typed field `name` of the failed post this page answers, if any (server
/// only; in the browser the server-rendered value is already in the field).
pub fn echoed(name: &str) -> Option<String> {
    let parts = leptos::prelude::use_context::<axum::http::request::Parts>()?;
    let echo = parts.extensions.get::<FormEcho>()?;
    echo.0
        .iter()
        .find(|(field, _)| field == name)
        .map(|(_, value)| value.clone())
}

/// The middleware: signs the error of every failed form-post redirect, refuses unsigned ones,
/// and carries the typed values of a failed login or registration.
pub async fn sign_form_errors(
    axum::extract::State(state): axum::extract::State<super::AppState>,
    request: Request,
    next: Next,
) -> Response<Body> {
    let secure = state.config.secure_cookies;
    match *request.method() {
        Method::GET | Method::HEAD => page(request, next, secure).await,
        Method::POST if request.uri().path().starts_with("/api/") => {
            post(request, next, secure).await
        }
        _ => next.run(request).await,
    }
}

/// The query parameters of an address that carries a failed post's error (`__err`, with
/// `__path` and, once signed, `__sig`).
struct ErrorParams {
    pairs: Vec<(String, String)>,
}

impl ErrorParams {
    /// The query's parameters, if it carries an error. Always decoded first: the name itself
    /// may be percent-encoded (`%5F%5Ferr`), and Leptos would still read it.
    fn parse(query: &str) -> Option<Self> {
        let params = Self {
            pairs: form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .collect(),
        };
        params.value("__err").is_some().then_some(params)
    }

    fn value(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// What is signed: the server function's path and its error, together.
    fn signed_parts(&self) -> [&str; 2] {
        [
            self.value("__path").unwrap_or_default(),
            self.value("__err").unwrap_or_default(),
        ]
    }

    fn signature(&self) -> String {
        sign(&self.signed_parts())
    }

    fn signature_is_valid(&self) -> bool {
        self.value("__sig")
            .is_some_and(|sig| verify(&self.signed_parts(), sig))
    }
}

/// A page request: passes a signed error (with its typed values), strips an unsigned one.
async fn page(mut request: Request, next: Next, secure: bool) -> Response<Body> {
    let Some(query) = request.uri().query().map(str::to_owned) else {
        return next.run(request).await;
    };
    let Some(error) = ErrorParams::parse(&query) else {
        return next.run(request).await;
    };
    if !error.signature_is_valid() {
        tracing::warn!(
            target: "security",
            event = "unsigned_form_error",
            "a page was asked to show an error the server did not produce; sent without it"
        );
        let rest: Vec<&(String, String)> = error
            .pairs
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "__err" | "__path" | "__sig"))
            .collect();
        let mut to = request.uri().path().to_owned();
        if !rest.is_empty() {
            to.push('?');
            to.push_str(
                &form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(rest)
                    .finish(),
            );
        }
        return Response::builder()
            .status(StatusCode::SEE_OTHER)
            .header(header::LOCATION, to)
            .header(header::CACHE_CONTROL, "no-store")
            .body(Body::empty())
            .unwrap_or_default();
    }
    let echo = echo_from_cookie(&request, secure);
    let had_cookie = echo.is_some();
    if let Some(echo) = echo {
        request.extensions_mut().insert(echo);
    }
    let mut response = next.run(request).await;
    if had_cookie {
        // Shown once.
        if let Ok(clear) = HeaderValue::from_str(&format!(
            "{}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{}",
            super::cookies::cookie_name(ECHO_COOKIE, secure),
            if secure { "; Secure" } else { "" }
        )) {
            response.headers_mut().append(header::SET_COOKIE, clear);
        }
    }
    response
}

fn echo_from_cookie(request: &Request, secure: bool) -> Option<FormEcho> {
    let value = super::cookies::request_cookie(request.headers(), ECHO_COOKIE, secure)?;
    let (data, sig) = value.rsplit_once('.')?;
    if !verify(&["echo", data], sig) {
        return None;
    }
    let fields = form_urlencoded::parse(data.as_bytes())
        .into_owned()
        .filter(|(k, _)| ECHOED_FIELDS.contains(&k.as_str()))
        .collect();
    Some(FormEcho(fields))
}

/// A server-function post: for a plain form post that failed, signs the error in the redirect
/// and (login, registration) keeps the typed values.
async fn post(request: Request, next: Next, secure: bool) -> Response<Body> {
    let echoing = ECHOING_ENDPOINTS.contains(&request.uri().path());
    let (request, typed) = if echoing {
        let (parts, body) = request.into_parts();
        let Ok(bytes) = axum::body::to_bytes(body, super::security::FORM_BODY_LIMIT).await else {
            return Response::builder()
                .status(StatusCode::PAYLOAD_TOO_LARGE)
                .body(Body::from("The form is too large."))
                .unwrap_or_default();
        };
        let typed: Vec<(String, String)> = form_urlencoded::parse(&bytes)
            .into_owned()
            .filter(|(k, v)| ECHOED_FIELDS.contains(&k.as_str()) && v.len() <= 320)
            .collect();
        (Request::from_parts(parts, Body::from(bytes)), typed)
    } else {
        (request, Vec::new())
    };
    let mut response = next.run(request).await;
    let Some(location) = response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
    else {
        return response;
    };
    let Some((_, query)) = location.split_once('?') else {
        return response;
    };
    let Some(error) = ErrorParams::parse(query) else {
        return response;
    };
    let signed = format!("{location}&__sig={}", error.signature());
    if let Ok(signed) = HeaderValue::from_str(&signed) {
        response.headers_mut().insert(header::LOCATION, signed);
    }
    if !typed.is_empty() {
        let data = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&typed)
            .finish();
        let cookie = format!(
            "{}={data}.{}; Path=/; Max-Age=300; HttpOnly; SameSite=Lax{}",
            super::cookies::cookie_name(ECHO_COOKIE, secure),
            sign(&["echo", &data]),
            if secure { "; Secure" } else { "" }
        );
        if let Ok(cookie) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, cookie);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_bind_path_and_error_together() {
        let sig = sign(&["/api/login", "eyJ4Ijox"]);
        assert!(verify(&["/api/login", "eyJ4Ijox"], &sig));
        assert!(!verify(&["/api/login", "eyJ4Ijoy"], &sig));
        assert!(!verify(&["/api/logi", "neyJ4Ijox"], &sig));
        assert!(!verify(&["/api/login", "eyJ4Ijox"], "00"));
        assert!(!verify(&["/api/login", "eyJ4Ijox"], "zz"));
        assert!(!verify(&["/api/login", "eyJ4Ijox"], ""));
    }
}
