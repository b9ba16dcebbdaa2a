//! Notices: an error, the error of a plain form post, an empty list, loading placeholders.

use super::form::{error_text, posted_error};
use crate::error::AppError;
use leptos::{prelude::*, server_fn::ServerFn};

/// A full-width notice that something failed, with what to do next. Shows only the error's
/// user-facing message.
#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    view! {
        <div class="notice notice-error" role="alert">
            <p class="notice-title">"Sorry, this did not work."</p>
            <p>{error.to_string()}</p>
        </div>
    }
}

/// Shows, once above the page, why a plain (no-JavaScript) form post to `action` failed:
/// `lead`, then the message (for `field`, when the error has one for it). Errors of
/// submissions made with JavaScript are shown beside their controls instead.
#[component]
pub fn PostErrorNotice<S>(
    /// A fresh action of the server function the form posts to.
    action: ServerAction<S>,
    /// The start of the message, e.g. "Could not add to your cart: ".
    lead: &'static str,
    /// The form field whose message to prefer.
    #[prop(optional)]
    field: Option<&'static str>,
) -> impl IntoView
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    move || {
        posted_error(action).map(|e| {
            view! {
                <div class="notice notice-error" role="alert">
                    {lead}{error_text(&e, field)}
                </div>
            }
        })
    }
}

/// What stands where a list would be when it has nothing: a heading, a sentence and what to
/// do next (`children`: links).
#[component]
pub fn EmptyState(title: &'static str, text: &'static str, children: Children) -> impl IntoView {
    view! {
        <div class="empty-state">
            <h2>{title}</h2>
            <p>{text}</p>
            {children()}
        </div>
    }
}

/// A placeholder grid while part cards load.
#[component]
pub fn CardSkeletons(count: usize) -> impl IntoView {
    view! {
        <div class="part-grid" aria-busy="true">
            {(0..count)
                .map(|_| view! { <div class="part-card part-card-skeleton"></div> })
                .collect_view()}
        </div>
    }
}
