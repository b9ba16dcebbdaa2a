//! Inline SVG icons (no icon font, no external requests).

use leptos::prelude::*;

/// The PartWatch mark: a gear with a check.
#[component]
pub fn LogoMark() -> impl IntoView {
    view! {
        <svg class="logo-mark" viewBox="0 0 32 32" width="32" height="32" aria-hidden="true">
            <circle cx="16" cy="16" r="15" fill="#1d4ed8"></circle>
            <circle cx="16" cy="16" r="9.5" fill="none" stroke="#fff" stroke-width="2.5" stroke-dasharray="4.2 3.2"></circle>
            <path d="M11.5 16.3l3.1 3.1 6-6.4" fill="none" stroke="#fbbf24" stroke-width="2.6" stroke-linecap="round" stroke-linejoin="round"></path>
        </svg>
    }
}

/// A magnifying glass.
#[component]
pub fn SearchIcon() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
            <circle cx="11" cy="11" r="7" fill="none" stroke="currentColor" stroke-width="2"></circle>
            <path d="M20 20l-4-4" stroke="currentColor" stroke-width="2" stroke-linecap="round"></path>
        </svg>
    }
}

/// A shopping cart.
#[component]
pub fn CartIcon() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
            <path d="M3 4h2l2.4 11h10.2L20 7H6.2" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"></path>
            <circle cx="9" cy="19.5" r="1.5" fill="currentColor"></circle>
            <circle cx="17" cy="19.5" r="1.5" fill="currentColor"></circle>
        </svg>
    }
}

/// A delivery truck.
#[component]
pub fn TruckIcon() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
            <path d="M2 6h11v10H2zM13 10h4l3 3v3h-7z" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round"></path>
            <circle cx="6.5" cy="17.5" r="1.8" fill="currentColor"></circle>
            <circle cx="16.5" cy="17.5" r="1.8" fill="currentColor"></circle>
        </svg>
    }
}
