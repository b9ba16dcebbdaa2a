//! Cart components used on other pages: the Add to cart control and its error notice.

use super::api::AddToCart;
use crate::{
    auth::session::use_session,
    ui::{
        form::{error_text, on_success, own_error},
        here_url,
        layout::with_next,
        PostErrorNotice, SubmitButton,
    },
};
use leptos::prelude::*;

/// Add to cart for one part: for visitors a link to log in (and come back here), for the
/// part's own supplier a note, for everyone else a form with an optional quantity picker.
/// Works as a plain form post without JavaScript; after hydration it updates the header's
/// cart count without a reload.
///
/// `viewer` is the logged-in user's id, resolved once by the page (`SessionContext::viewer`) rather than
/// by each button: a catalogue page has 24 of them, and a suspense boundary per card made up
/// a large part of the page's render time.
#[component]
pub fn AddToCartButton(
    /// The part.
    part_id: i64,
    /// Units in stock (the picker's maximum; 0 disables the button).
    stock: i64,
    /// The part's supplier (who cannot buy it).
    supplier_id: Option<i64>,
    /// The logged-in user's id; `None` for visitors.
    viewer: Option<i64>,
    /// Show a quantity picker.
    #[prop(optional)]
    picker: bool,
) -> impl IntoView {
    let inner = match viewer {
        _ if stock <= 0 => view! {
            <button type="button" class="btn btn-primary" disabled=true>"Out of stock"</button>
        }
        .into_any(),
        None => {
            let here = here_url();
            let login_href = move || with_next("/login", Some(&here()));
            view! { <a class="btn btn-primary" href=login_href>"Add to cart"</a> }.into_any()
        }
        Some(user) if Some(user) == supplier_id => view! {
            <p class="muted own-listing">"This is your listing."</p>
        }
        .into_any(),
        Some(_) => view! { <AddToCartForm part_id stock picker /> }.into_any(),
    };
    view! { <div class="add-to-cart">{inner}</div> }
}

/// The Add to cart form of a logged-in customer, with its status line.
#[component]
fn AddToCartForm(part_id: i64, stock: i64, picker: bool) -> impl IntoView {
    let session = use_session();
    let action = ServerAction::<AddToCart>::new();
    on_success(action, move |_| session.cart_changed());
    // Errors of a submission made on this page (a plain form post's error arrives in the URL
    // and is shown once, by `CartErrorNotice`).
    let error = move || own_error(action).map(|e| error_text(&e, Some("quantity")));
    let added = move || matches!(action.value().get(), Some(Ok(_))) && action.version().get() > 0;
    view! {
        <ActionForm action=action>
            <input type="hidden" name="part_id" value=part_id />
            {if picker {
                view! {
                    <label class="qty">
                        <span>"Quantity"</span>
                        <input type="number" name="quantity" value="1" min="1" max=stock required=true inputmode="numeric" />
                    </label>
                }
                .into_any()
            } else {
                view! { <input type="hidden" name="quantity" value="1" /> }.into_any()
            }}
            <SubmitButton pending=action.pending() label="Add to cart" busy="Adding…" />
        </ActionForm>
        <p class="add-to-cart-status" aria-live="polite">
            {move || error().map(|m| view! { <span class="field-error">{m}</span> })}
            {move || added().then(|| view! { <span class="added">"Added to your cart. " <a href="/cart">"View cart"</a></span> })}
        </p>
    }
}

/// Shows, once per page, why a plain (no-JavaScript) Add to cart post failed.
#[component]
pub fn CartErrorNotice() -> impl IntoView {
    view! { <PostErrorNotice action={ServerAction::<AddToCart>::new()} lead="Could not add to your cart: " field="quantity" /> }
}
