//! The frame of a page that shows one thing named by the route's `:id` (a part, an order, a
//! listing): loading text, the thing, the 404 page for an unknown one, or the error.

use super::notice::ErrorNotice;
use crate::{error::AppError, info::NotFound};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use std::future::Future;

/// What the route's `:id` says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RouteId {
    /// The route has no `:id` (e.g. the new-listing form).
    Absent,
    /// A number.
    Number(i64),
    /// Something that is not a number: no such thing.
    Malformed,
}

impl RouteId {
    /// The number, or the NotFound error with `message` (e.g. "No such part.").
    pub fn or_not_found(self, message: &str) -> Result<i64, AppError> {
        match self {
            RouteId::Number(id) => Ok(id),
            RouteId::Absent | RouteId::Malformed => Err(AppError::NotFound(message.into())),
        }
    }
}

/// The current route's `:id`, read reactively (a resource source).
pub fn use_route_id() -> impl Fn() -> RouteId + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || match params.read().get("id") {
        None => RouteId::Absent,
        Some(id) => id.parse().map_or(RouteId::Malformed, RouteId::Number),
    }
}

/// Shows the thing `item` loads with `render`; a NotFound error gets the 404 page (status
/// 404), any other error its notice.
#[component]
pub fn ByIdPage<T, F, Fut, V>(
    /// The page's thing, loaded by id.
    item: Resource<Result<T, AppError>>,
    /// What the page says while it loads.
    loading: &'static str,
    /// Keep showing the page while it reloads (e.g. after a change), instead of `loading`.
    #[prop(optional)]
    keep_while_reloading: bool,
    /// Draws the thing (may wait for more, e.g. who is looking).
    render: F,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    Resource<Result<T, AppError>>: std::future::IntoFuture<Output = Result<T, AppError>>,
    <Resource<Result<T, AppError>> as std::future::IntoFuture>::IntoFuture: Send,
    F: Fn(T) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = V> + Send + 'static,
    V: IntoView + 'static,
{
    let body = move || {
        let render = render.clone();
        Suspend::new(async move {
            match item.await {
                Ok(found) => render(found).await.into_any(),
                Err(AppError::NotFound(_)) => view! { <NotFound /> }.into_any(),
                Err(error) => view! { <ErrorNotice error /> }.into_any(),
            }
        })
    };
    let fallback = move || view! { <p class="loading">{loading}</p> };
    if keep_while_reloading {
        view! { <Transition fallback>{body}</Transition> }.into_any()
    } else {
        view! { <Suspense fallback>{body}</Suspense> }.into_any()
    }
}
