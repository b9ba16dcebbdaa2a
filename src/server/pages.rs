//! Whole pages answered from outside the Leptos routes: the app rendered for a request (the
//! router's fallback, the listing form's answer to its POST), and the self-contained 500 and
//! 429 pages.

use super::{assets, state::AppState};
use crate::app::shell;
use crate::error::AppError;
use axum::{
    body::Body,
    extract::Request,
    http::{header, StatusCode},
    response::{IntoResponse, Response},
};
use leptos::prelude::provide_context;

/// The app's page for `request`, rendered whole (it works without JavaScript), with the state
/// and whatever `context` provides in the Leptos context.
pub async fn render(
    state: &AppState,
    request: Request<Body>,
    context: impl Fn() + Clone + Send + Sync + 'static,
) -> Response<Body> {
    let options = state.leptos_options.clone();
    let page_state = state.clone();
    let render = leptos_axum::render_app_async_with_context(
        move || {
            provide_context(page_state.clone());
            provide_context(super::memo::RequestMemo::default());
            context();
        },
        move || shell(options.clone()),
    );
    render(request).await.into_response()
}

/// An error as a page: its status and the self-contained error page.
pub fn error_page(error: AppError) -> Response {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        server_error_page(),
    )
        .into_response()
}

/// 429 with `Retry-After` and a page saying how long to wait, titled `title`, with a way
/// back (`back_href`, `back_label`).
pub fn too_many(wait: u64, title: &str, back_href: &str, back_label: &str) -> Response {
    let message = AppError::RateLimited(wait).to_string();
    let stylesheet = assets::stylesheet_href();
    let page = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title} · \
         PartWatch</title><link rel=\"stylesheet\" href=\"{stylesheet}\"></head><body><main \
         class=\"main\"><section class=\"page status-page\"><p class=\"status-code\">429</p><h1>\
         {title}</h1><p>{message}</p><div class=\"status-actions\"><a class=\"btn btn-primary\" \
         href=\"{back_href}\">{back_label}</a></div></section></main></body></html>"
    );
    (
        StatusCode::TOO_MANY_REQUESTS,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8".to_string()),
            (header::RETRY_AFTER, wait.to_string()),
        ],
        page,
    )
        .into_response()
}

/// A self-contained error page (no scripts; the stylesheet may be unavailable too).
pub fn server_error_page() -> String {
    SERVER_ERROR_PAGE.replace("{stylesheet}", assets::stylesheet_href())
}

const SERVER_ERROR_PAGE: &str = r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Something went wrong · PartWatch</title>
<link rel="stylesheet" href="{stylesheet}"></head>
<body><main class="main"><section class="page status-page">
<p class="status-code">500</p>
<h1>Something went wrong on our side</h1>
<p>We have logged the problem. Please try again in a moment; your cart and orders are safe.</p>
<div class="status-actions"><a class="btn btn-primary" href="/">Go to the home page</a></div>
</section></main></body></html>"#;
