//! Shared components: the page layout, header and footer, form fields and notices.

pub mod form;
pub mod gate;
pub mod icons;
pub mod layout;

pub use form::{FormAlert, RoleChoice, TextField};
pub use gate::LoginGate;
pub use layout::Layout;

use crate::error::AppError;
use leptos::prelude::*;

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
