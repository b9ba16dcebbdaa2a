//! Security controls every request passes: cross-site request refusal, response headers
//! (Content-Security-Policy, HSTS and friends), body size and time limits.

use axum::{
    body::Body,
    http::{header, HeaderName, HeaderValue, Response, StatusCode},
};
use tower_http::csrf::{CsrfLayer, ProtectionError};

/// The largest body a form or server-function call may send (the listing form's multipart
/// post has its own, larger limit).
pub const FORM_BODY_LIMIT: usize = 64 * 1024;

/// The largest multipart body of the listing form (the photo itself is capped at 5 MB while it
/// streams in; the rest of the allowance lets an oversized photo still get its message).
pub const UPLOAD_BODY_LIMIT: usize = 12 * 1024 * 1024;

/// The policy of responses that are not pages (server functions, files, errors): nothing may
/// run, frame them or be fetched by them beyond our stylesheet and images.
pub const DEFAULT_CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
     frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// The policy of uploaded files: shown as images only, sandboxed, never run.
pub const UPLOAD_CSP: &str = "default-src 'none'; img-src 'self'; sandbox; frame-ancestors 'none'";

/// The policy of a page: scripts only from this site plus the inline hydration scripts
/// carrying this response's nonce, WebAssembly allowed, no plugins, no framing, forms only to
/// this site. `live_reload` adds the websocket of `cargo leptos watch` (development only).
pub fn page_csp(nonce: &str, live_reload: bool) -> String {
    let connect = if live_reload { "'self' ws:" } else { "'self'" };
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data: blob:; connect-src {connect}; font-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Refuses state-changing requests (POST and the like) sent from another site, by the
/// browser's `Sec-Fetch-Site` and `Origin` headers: a forged form or script on another site
/// gets 403, same-site forms and the hydrated app's calls pass. Requests without either header
/// (not from a browser) pass too: they carry no victim's cookies to abuse.
pub fn csrf_layer() -> CsrfLayer<fn(ProtectionError) -> Response<Body>> {
    CsrfLayer::new().with_rejection_response(cross_site_refused as fn(_) -> _)
}

fn cross_site_refused(error: ProtectionError) -> Response<Body> {
    tracing::warn!(?error, "cross-site request refused");
    let body = serde_json::to_string(&crate::error::AppError::Forbidden(
        "This request came from another site and was refused. Please use PartWatch directly."
            .into(),
    ))
    .unwrap_or_default();
    Response::builder()
        .status(StatusCode::FORBIDDEN)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CACHE_CONTROL, "no-store")
        .body(Body::from(body))
        .unwrap_or_else(|_| Response::new(Body::empty()))
}

/// The headers every response gets unless it set its own: HSTS only when PartWatch is served
/// over HTTPS (secure cookies on).
pub fn default_headers(secure: bool) -> Vec<(HeaderName, HeaderValue)> {
    let mut headers = vec![
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(DEFAULT_CSP),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ),
        (
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
        ),
    ];
    if secure {
        headers.push((
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        ));
    }
    headers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_policy_allows_only_own_and_nonced_scripts() {
        let csp = page_csp("abc123", false);
        assert!(csp.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval';"));
        assert!(!csp.contains("unsafe-inline"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("ws:"));
        assert!(page_csp("n", true).contains("connect-src 'self' ws:"));
    }

    #[test]
    fn hsts_only_when_secure() {
        let has_hsts = |secure| {
            default_headers(secure)
                .iter()
                .any(|(name, _)| name == header::STRICT_TRANSPORT_SECURITY)
        };
        assert!(has_hsts(true));
        assert!(!has_hsts(false));
    }
}
