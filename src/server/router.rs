//! The axum router: Leptos pages and server functions, uploaded images, static files, and the
//! layers every request passes (sessions and auth, panics, headers, request log).

use super::{
    assets,
    cookies::{cookie_name, SESSION_COOKIE},
    pages, security,
    state::AppState,
};
use crate::app::{shell, App};
use crate::auth::backend::Backend;
use crate::error::AppError;
use crate::media::storage::Storage;
use crate::media::uploads;
use axum::{
    body::Body,
    extract::{Request, State},
    http::{header, HeaderValue, Method, Response, StatusCode},
    middleware::Next,
    response::IntoResponse,
    Router,
};
use axum_login::AuthManagerLayerBuilder;
use leptos::prelude::provide_context;
use leptos::server_fn::error::SERVER_FN_ERROR_HEADER;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use std::any::Any;
use std::convert::Infallible;
use std::sync::LazyLock;
use tower::{util::BoxCloneSyncService, ServiceExt};
use tower_http::{
    catch_panic::CatchPanicLayer,
    compression::{CompressionLayer, CompressionLevel},
    limit::RequestBodyLimitLayer,
    services::ServeDir,
    set_header::SetResponseHeaderLayer,
    timeout::TimeoutLayer,
    trace::TraceLayer,
};
use tower_sessions::{
    cookie::{time::Duration, SameSite},
    Expiry, SessionManagerLayer,
};

/// How long a session lives without being used.
pub const SESSION_IDLE_DAYS: i64 = 7;

/// The whole application: routes plus every layer, the app's own files beside them, and
/// compression around all.
pub fn app_router(state: AppState) -> Router {
    with_layers(routes(&state), &state)
        .merge(site_files(&state))
        // Pages and API answers are sent gzipped (level 4: most of the saving for little
        // time); the files under /pkg were compressed with brotli at build time and are sent
        // as they are. No brotli on the fly: its encoder takes megabytes per response, and 32
        // connections at once grew the server to 3 GB.
        .layer(
            CompressionLayer::new()
                .no_br()
                .quality(CompressionLevel::Precise(4)),
        )
}

/// The wasm, JS and CSS bundle under `/pkg`: straight from disk (the brotli or gzip copy made
/// at build time when the browser takes it), outside the session and auth layers, which a
/// file does not need. Cached for a year under content-hashed names, else revalidated on
/// every use (`no-cache` with `Last-Modified`): see [`assets`].
fn site_files(state: &AppState) -> Router {
    let pkg_dir = std::path::Path::new(&*state.leptos_options.site_root)
        .join(&*state.leptos_options.site_pkg_dir);
    let mut files = Router::new().nest_service(
        &format!("/{}", state.leptos_options.site_pkg_dir),
        ServeDir::new(pkg_dir)
            .precompressed_br()
            .precompressed_gzip(),
    );
    files = files.layer(SetResponseHeaderLayer::overriding(
        header::CACHE_CONTROL,
        HeaderValue::from_static(assets::cache_control(&state.leptos_options)),
    ));
    for (name, value) in security::default_headers(state.config.secure_cookies) {
        files = files.layer(SetResponseHeaderLayer::if_not_present(name, value));
    }
    files.layer(TraceLayer::new_for_http())
}

/// A picture's medium size (`<key>-800.jpg`) that is not stored: a picture stored before
/// that size existed. Made from its display file on first request, stored, and served; any
/// other missing file is a 404 that is not cached.
async fn medium_on_demand(storage: Storage, request: Request) -> Response<Body> {
    let key = request
        .uri()
        .path()
        .strip_prefix('/')
        .and_then(|name| name.strip_suffix(uploads::MEDIUM_SUFFIX))
        .filter(|key| super::random::is_valid_key(key))
        .map(str::to_owned);
    let made = match key {
        Some(key) => storage.make_medium(&key).await.ok(),
        None => None,
    };
    match made {
        Some(bytes) => ([(header::CONTENT_TYPE, "image/jpeg")], bytes).into_response(),
        None => upload_not_found(),
    }
}

/// A missing or impossible picture file: 404, never cached.
fn upload_not_found() -> Response<Body> {
    (
        StatusCode::NOT_FOUND,
        [(header::CACHE_CONTROL, "no-store")],
        "Not found",
    )
        .into_response()
}

/// `/uploads/<file>` from a bucket: only a picture's file name is looked up (anything else is
/// the same 404 as a missing file), through the `ServeDir` that serves the disk, so the answers
/// are the same.
async fn bucket_file<F>(storage: Storage, medium: F, request: Request) -> Response<Body>
where
    F: tower::Service<Request, Response = Response<Body>, Error = Infallible>
        + Clone
        + Send
        + 'static,
    F::Future: Send + 'static,
{
    let method = request.method();
    let reads = method == Method::GET || method == Method::HEAD;
    let named = request
        .uri()
        .path()
        .strip_prefix('/')
        .is_some_and(uploads::is_file_name);
    if reads && !named {
        return upload_not_found();
    }
    let Some(files) = storage.bucket_files(method == Method::HEAD) else {
        return upload_not_found();
    };
    let Ok(response) = ServeDir::with_backend("", files)
        .fallback(medium)
        .oneshot(request)
        .await;
    response.into_response()
}

/// The uploaded pictures under `/uploads`: from the disk with `ServeDir`, or from the bucket
/// through the same `ServeDir` ([`bucket_file`]); a missing medium size is made on demand.
/// Image files never change under a name (a new image gets a new random name): cached for a
/// year. They are images we re-encoded ourselves; still, they are served sandboxed so a
/// browser never runs anything in them.
fn upload_files(state: &AppState) -> BoxCloneSyncService<Request, Response<Body>, Infallible> {
    let storage = state.storage.clone();
    let medium = tower::service_fn(move |request: Request| {
        let storage = storage.clone();
        async move { Ok::<_, Infallible>(medium_on_demand(storage, request).await) }
    });
    let files = match state.storage.upload_dir() {
        Some(dir) => BoxCloneSyncService::new(
            ServeDir::new(dir)
                .fallback(medium)
                .map_response(IntoResponse::into_response),
        ),
        None => {
            let storage = state.storage.clone();
            BoxCloneSyncService::new(tower::service_fn(move |request: Request| {
                let (storage, medium) = (storage.clone(), medium.clone());
                async move { Ok::<_, Infallible>(bucket_file(storage, medium, request).await) }
            }))
        }
    };
    BoxCloneSyncService::new(
        tower::ServiceBuilder::new()
            // A failure to read (the bucket unreachable, a disk error) is not cached.
            .map_response(|mut response: Response<Body>| {
                if response.status().is_server_error() {
                    response
                        .headers_mut()
                        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                }
                response
            })
            .layer(SetResponseHeaderLayer::if_not_present(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ))
            .layer(SetResponseHeaderLayer::overriding(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(security::UPLOAD_CSP),
            ))
            .service(files),
    )
}

/// The app's pages, listed once per process. Listing them runs the app with resource loading
/// suppressed, and leptos_server keeps that switch in one process-wide flag
/// (`SuppressResourceLoad`): a page rendering on another thread meanwhile waits forever for
/// its data. Listed per router (each test builds one) it stalled renders in parallel tests.
pub static ROUTE_LIST: LazyLock<Vec<AxumRouteListing>> = LazyLock::new(|| generate_route_list(App));

/// Pages, server functions, uploads and static files, without the layers.
pub fn routes(state: &AppState) -> Router<AppState> {
    let route_list = ROUTE_LIST.clone();
    let page_state = state.clone();
    let options = state.leptos_options.clone();
    // The listing form posts multipart (it carries a photo): plain routes, not server
    // functions. The handler counts the photo's bytes itself (5 MB) as they stream in; the body
    // limit is higher so that a somewhat larger photo still gets its message beside the field
    // with the other fields kept, and anything far larger is cut off early.
    let listing_posts = Router::new()
        .route(
            "/listings/new",
            axum::routing::post(crate::listings::upload::create_listing),
        )
        .route(
            "/listings/{id}/edit",
            axum::routing::post(crate::listings::upload::update_listing),
        )
        .layer(axum::extract::DefaultBodyLimit::max(
            security::UPLOAD_BODY_LIMIT,
        ))
        .layer(RequestBodyLimitLayer::new(security::UPLOAD_BODY_LIMIT));
    Router::new()
        .leptos_routes_with_context(
            state,
            route_list,
            move || {
                provide_context(page_state.clone());
                provide_context(super::memo::RequestMemo::default());
            },
            move || shell(options.clone()),
        )
        .nest_service("/uploads", upload_files(state))
        .fallback(fallback)
        // Forms and server-function calls are small: anything larger is refused (413).
        .layer(RequestBodyLimitLayer::new(security::FORM_BODY_LIMIT))
        .merge(listing_posts)
}

/// Anything no route matched: a static file from the site root if there is one, otherwise the
/// app renders it (its router answers unknown paths with the 404 page). Rendered whole, like
/// every page, so it works without JavaScript.
async fn fallback(State(state): State<AppState>, request: Request) -> Response<Body> {
    let (parts, body) = request.into_parts();
    let mut file_request = Request::new(Body::empty());
    *file_request.uri_mut() = parts.uri.clone();
    if let Some(encoding) = parts.headers.get(header::ACCEPT_ENCODING) {
        file_request
            .headers_mut()
            .insert(header::ACCEPT_ENCODING, encoding.clone());
    }
    let site_root = state.leptos_options.site_root.to_string();
    let Ok(file) = ServeDir::new(site_root)
        .precompressed_br()
        .precompressed_gzip()
        .oneshot(file_request)
        .await;
    if file.status() == StatusCode::OK || file.status() == StatusCode::NOT_MODIFIED {
        return file.into_response();
    }
    pages::render(&state, Request::from_parts(parts, body), || ()).await
}

/// Puts sessions, auth, cross-site refusal, panic handling, time limit, security headers and the
/// request log around `routes`.
pub fn with_layers(routes: Router<AppState>, state: &AppState) -> Router {
    let session_layer =
        SessionManagerLayer::new(crate::server::db::session_store(state.pool.clone()))
            .with_name(cookie_name(SESSION_COOKIE, state.config.secure_cookies))
            .with_path("/")
            .with_http_only(true)
            .with_same_site(SameSite::Lax)
            .with_secure(state.config.secure_cookies)
            .with_expiry(Expiry::OnInactivity(Duration::days(SESSION_IDLE_DAYS)));
    let auth_layer =
        AuthManagerLayerBuilder::new(Backend::new(state.pool.clone()), session_layer).build();
    let mut router = routes
        .layer(axum::middleware::from_fn(server_fn_error_status))
        .layer(axum::middleware::from_fn(no_store_for_dynamic_answers))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            super::form_echo::sign_form_errors,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            super::sessions::enforce_session_lifetime,
        ))
        .layer(auth_layer)
        // Cross-site POSTs are refused before they reach the session.
        .layer(security::csrf_layer())
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            state.config.request_timeout,
        ));
    // Every response, refusals and errors included, gets these unless it set its own (pages set
    // a Content-Security-Policy with their nonce).
    for (name, value) in security::default_headers(state.config.secure_cookies) {
        router = router.layer(SetResponseHeaderLayer::if_not_present(name, value));
    }
    router
        .layer(TraceLayer::new_for_http())
        .with_state(state.clone())
}

/// Pages, server-function answers and redirects are never stored by a browser or a shared
/// cache (`Cache-Control: no-store`): they carry the visitor's name, cart, orders, profile or
/// shop, and a page at one URL differs from one user to the next. Files (pictures, the site's
/// static files) keep their own caching.
async fn no_store_for_dynamic_answers(request: Request, next: Next) -> Response<Body> {
    let api = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    let headers = response.headers();
    let dynamic = api
        || response.status().is_redirection()
        || headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("text/html") || t.starts_with("application/json"));
    if dynamic && !headers.contains_key(header::CACHE_CONTROL) {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// Gives a failed server function the HTTP status its [`AppError`] names.
///
/// Leptos answers every server-function error with 500 and the error as JSON in the body; this
/// reads that body back (it is small) and sets 401, 403, 404, 409, 422, 429 or 400 as fits, so
/// clients, logs and tests see what really happened. Plain form posts are redirects and pass
/// untouched.
async fn server_fn_error_status(request: Request, next: Next) -> Response<Body> {
    let response = next.run(request).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key(SERVER_FN_ERROR_HEADER)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, 64 * 1024).await {
        Ok(bytes) => bytes,
        Err(_) => return Response::from_parts(parts, Body::empty()),
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status =
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if let AppError::RateLimited(wait) = error {
            parts
                .headers
                .insert(header::RETRY_AFTER, HeaderValue::from(wait));
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// The page shown when a handler panics: a plain apology, never the panic message.
fn panic_response(err: Box<dyn Any + Send + 'static>) -> Response<Body> {
    let detail = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    tracing::error!(panic = detail, "request handler panicked");
    Response::builder()
        .status(StatusCode::INTERNAL_SERVER_ERROR)
        .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
        .header(header::CACHE_CONTROL, "no-store")
        .body(Body::from(pages::server_error_page()))
        .unwrap_or_else(|_| Response::new(Body::from("Internal Server Error")))
}
