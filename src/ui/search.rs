//! The shop's one search box, in the header.

use super::icons::SearchIcon;
use crate::catalogue::{CatalogueQuery, FILTER_FORM};
use leptos::{html::Input, prelude::*};
use leptos_router::hooks::use_location;
use std::time::Duration;

/// How long typing must pause before the results follow.
const SEARCH_DEBOUNCE: Duration = Duration::from_millis(300);

/// The shop's one search box, in the header (`role="search"`). Elsewhere it is a GET form to
/// `/catalogue?q=…`. On `/catalogue` it belongs to the page's filter form (the `form`
/// attribute), so the text travels with the filters and the filters with the text, with and
/// without JavaScript; once hydrated, the results follow as you type, and the box follows the
/// address (back and forward).
#[component]
pub fn SiteSearch() -> impl IntoView {
    let location = use_location();
    let on_catalogue = Memo::new(move |_| location.pathname.get() == "/catalogue");
    let q = Memo::new(move |_| {
        if on_catalogue.get() {
            CatalogueQuery::parse(&location.search.get()).q
        } else {
            String::new()
        }
    });
    let joins = move || on_catalogue.get().then_some(FILTER_FORM);

    // Keep the box in step with the URL, without fighting the typist.
    let search_box = NodeRef::<Input>::new();
    Effect::new(move |_| {
        let q = q.get();
        if let Some(input) = search_box.get() {
            if input.value().trim() != q {
                input.set_value(&q);
            }
        }
    });
    let pending_search = StoredValue::new(None::<TimeoutHandle>);
    let on_input = move |ev: leptos::ev::Event| {
        if let Some(handle) = pending_search.get_value() {
            handle.clear();
        }
        // Elsewhere the box waits for Enter: results do not chase the typist across pages.
        if !on_catalogue.get_untracked() {
            return;
        }
        let input = event_target::<web_sys::HtmlInputElement>(&ev);
        let handle = set_timeout_with_handle(
            move || {
                // Enter or a filter may have sent this text already.
                if input.value().trim() == q.get_untracked() {
                    return;
                }
                if let Some(form) = input.form() {
                    let _ = form.request_submit();
                }
            },
            SEARCH_DEBOUNCE,
        )
        .ok();
        pending_search.set_value(handle);
    };
    view! {
        <form class="header-search" action="/catalogue" method="get" role="search">
            <label class="visually-hidden" for="header-q">
                "Search parts"
            </label>
            <input
                id="header-q"
                node_ref=search_box
                type="search"
                name="q"
                maxlength="200"
                placeholder="Search parts, makers, models or part numbers"
                value=q.get_untracked()
                autocomplete=move || on_catalogue.get().then_some("off")
                form=joins
                on:input=on_input
            />
            <button type="submit" class="header-search-btn" aria-label="Search" form=joins>
                <SearchIcon />
            </button>
        </form>
    }
}
