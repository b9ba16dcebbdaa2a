//! `/cart`: the lines with quantity steppers and remove, the total, the shipping details and
//! Place order. Every control is a plain form post without JavaScript; after hydration they
//! update the page and the header count without a reload.

use super::{
    api::{RemoveCartLine, UpdateCartLine},
    Cart, CartLine,
};
use crate::{
    auth::session::use_session,
    error::AppError,
    orders::{
        api::PlaceOrder, parse_shipping_address, parse_shipping_name, MAX_SHIPPING_ADDRESS,
        MAX_SHIPPING_NAME,
    },
    parts::thumb_url,
    ui::{
        form::{action_error, check, error_text, on_success, own_error},
        Control, EmptyState, ErrorNotice, Field, PostErrorNotice,
    },
};
use leptos::{prelude::*, server_fn::ServerFn};
use leptos_meta::Title;

/// The shipping details the customer typed, which survive the cart reloading around the form
/// (`None`: not typed; the form shows the last order's).
#[derive(Clone, Copy, Default)]
struct Typed {
    name: RwSignal<Option<String>>,
    address: RwSignal<Option<String>>,
}

/// `/cart`.
#[component]
pub fn CartPage() -> impl IntoView {
    let session = use_session();
    let cart = Resource::new(
        move || (session.auth_version.get(), session.cart_version.get()),
        |_| crate::orders::api::cart_for_checkout(),
    );
    let place = ServerAction::<PlaceOrder>::new();
    let typed = Typed::default();
    Effect::new(move |_| match place.value().get() {
        Some(Ok(_)) => session.cart_changed(),
        // A line may have lost stock or changed price: show the cart as it is now.
        Some(Err(AppError::Validation(ref fields)))
            if fields.iter().any(|f| f.field.starts_with("line-")) =>
        {
            session.cart_changed()
        }
        Some(Err(AppError::Conflict(_))) => session.cart_changed(),
        _ => {}
    });
    view! {
        <Title text="Your cart" />
        <section class="page cart-page">
            <h1>"Your cart"</h1>
            <PostErrorNotice action={ServerAction::<UpdateCartLine>::new()} lead="Could not change the quantity: " field="quantity" />
            <Transition fallback=|| view! { <p class="loading">"Loading your cart…"</p> }>
                {move || Suspend::new(async move {
                    match cart.await {
                        Ok(cart) if cart.lines.is_empty() => view! { <EmptyCart /> }.into_any(),
                        Ok(cart) => view! { <CartContents cart place typed /> }.into_any(),
                        Err(AppError::Unauthorized) => view! { <LoggedOutCart /> }.into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn EmptyCart() -> impl IntoView {
    view! {
        <EmptyState title="Your cart is empty" text="Find the parts you need in the catalogue; they wait here until you order.">
            <a class="btn btn-primary" href="/catalogue">"Browse the catalogue"</a>
        </EmptyState>
    }
}

#[component]
fn LoggedOutCart() -> impl IntoView {
    view! {
        <EmptyState title="Log in to see your cart" text="Your cart is kept with your account, so it is there on every device.">
            <div class="status-actions">
                <a class="btn btn-primary" href="/login?next=/cart">"Log in"</a>
                <a class="btn btn-ghost" href="/register">"Create an account"</a>
            </div>
        </EmptyState>
    }
}

#[component]
fn CartContents(cart: Cart, place: ServerAction<PlaceOrder>, typed: Typed) -> impl IntoView {
    let groups = cart.by_supplier();
    let orders = groups.len();
    let units = cart.units();
    view! {
        <div class="cart-layout">
            <div class="cart-groups">
                {groups
                    .into_iter()
                    .map(|(supplier, lines)| {
                        let subtotal = super::cart_total(&lines);
                        view! {
                            <section class="cart-group" data-testid="cart-group">
                                <header class="cart-group-head">
                                    <h2>"Sold by " <span class="supplier-name">{supplier}</span></h2>
                                    <span class="muted">"Subtotal " {subtotal.display()}</span>
                                </header>
                                <ul class="cart-lines">
                                    {lines.into_iter().map(|line| view! { <CartLineItem line /> }).collect_view()}
                                </ul>
                            </section>
                        }
                    })
                    .collect_view()}
            </div>
            <aside class="cart-summary" aria-label="Order summary">
                <h2>"Summary"</h2>
                <dl class="summary-list">
                    <div><dt>"Items"</dt><dd>{units}</dd></div>
                    <div><dt>"Delivery"</dt><dd>"Included"</dd></div>
                    <div class="summary-total"><dt>"Total"</dt><dd data-testid="cart-total">{cart.total.display()}</dd></div>
                </dl>
                {(orders > 1).then(|| view! {
                    <p class="muted split-note">
                        {format!("Your parts come from {orders} suppliers, so this becomes {orders} orders, one per supplier, each paid and shipped on its own.")}
                    </p>
                })}
                <CheckoutForm cart place typed />
            </aside>
        </div>
    }
}

/// One cart line: picture, name, supplier's price, stepper, subtotal, remove, and a flag when
/// it cannot be ordered as it stands.
#[component]
fn CartLineItem(line: CartLine) -> impl IntoView {
    let session = use_session();
    let update = ServerAction::<UpdateCartLine>::new();
    let remove = ServerAction::<RemoveCartLine>::new();
    on_success(update, move |_| session.cart_changed());
    on_success(remove, move |_| session.cart_changed());
    // Only errors of this line's own submissions (a no-JS post's error is shown once, above).
    let error = move || {
        own_error(update)
            .or_else(|| own_error(remove))
            .map(|e| error_text(&e, Some("quantity")))
    };
    let id = line.part_id;
    let quantity = line.quantity;
    let stock = line.stock;
    let subtotal = line.subtotal().display();
    let busy = move || update.pending().get() || remove.pending().get();
    // Stepping down from more than is left goes straight to what is left.
    let lower = if quantity > stock && stock > 0 {
        stock
    } else {
        quantity - 1
    };
    let can_lower = lower >= 1 && line.issue != Some(super::LineIssue::Archived);
    let can_raise = quantity < stock && line.issue.is_none();
    let set = move |q: i64| {
        update.dispatch(UpdateCartLine {
            part_id: id,
            quantity: q,
        })
    };
    let name_link = if line.issue == Some(super::LineIssue::Archived) {
        view! { <span class="cart-line-name">{line.name.clone()}</span> }.into_any()
    } else {
        view! { <a class="cart-line-name" href=format!("/parts/{id}")>{line.name.clone()}</a> }
            .into_any()
    };
    let input_id = format!("qty-{id}");
    view! {
        <li class="cart-line" class:cart-line-flagged=line.issue.is_some() data-testid="cart-line" data-part-id=id>
            <img class="cart-line-img" src=thumb_url(line.image_key.as_deref()) alt="" width="96" height="72" />
            <div class="cart-line-info">
                {name_link}
                <p class="muted">{line.manufacturer.clone()} " · " {line.model.clone()}</p>
                <p class="cart-line-unit">{line.unit_price.display()} " each"</p>
                {line.issue.map(|issue| view! { <p class="line-issue" data-testid="line-issue">{issue.message()}</p> })}
            </div>
            <div class="cart-line-qty">
                <div class="stepper" aria-busy=move || busy().to_string()>
                    <form method="post" action=UpdateCartLine::url() on:submit=move |ev| {
                        ev.prevent_default();
                        set(lower);
                    }>
                        <input type="hidden" name="part_id" value=id />
                        <input type="hidden" name="quantity" value=lower />
                        <button type="submit" class="stepper-btn" aria-label=format!("One fewer {}", line.name) disabled=move || !can_lower || busy()>"−"</button>
                    </form>
                    <form method="post" action=UpdateCartLine::url() class="stepper-value" on:submit=move |ev| {
                        ev.prevent_default();
                        if let Some(q) = form_quantity(&ev) {
                            set(q);
                        }
                    }>
                        <input type="hidden" name="part_id" value=id />
                        <label class="visually-hidden" for=input_id.clone()>{format!("Quantity of {}", line.name)}</label>
                        <input
                            id=input_id
                            type="number"
                            name="quantity"
                            value=quantity
                            min="1"
                            max=line.max_quantity()
                            inputmode="numeric"
                            required=true
                            data-testid="line-quantity"
                            disabled=busy
                            on:change=move |ev| {
                                if let Ok(q) = event_target_value(&ev).trim().parse::<i64>() {
                                    if q != quantity {
                                        set(q);
                                    }
                                }
                            }
                        />
                        <button type="submit" class="btn btn-ghost btn-small no-js-only">"Update"</button>
                    </form>
                    <form method="post" action=UpdateCartLine::url() on:submit=move |ev| {
                        ev.prevent_default();
                        set(quantity + 1);
                    }>
                        <input type="hidden" name="part_id" value=id />
                        <input type="hidden" name="quantity" value=quantity + 1 />
                        <button type="submit" class="stepper-btn" aria-label=format!("One more {}", line.name) disabled=move || !can_raise || busy()>"+"</button>
                    </form>
                </div>
                {(line.issue.is_none()).then(|| view! { <p class="muted stock-note">{format!("{stock} in stock")}</p> })}
            </div>
            <div class="cart-line-end">
                <strong class="cart-line-subtotal">{subtotal}</strong>
                <form method="post" action=RemoveCartLine::url() on:submit=move |ev| {
                    ev.prevent_default();
                    remove.dispatch(RemoveCartLine { part_id: id });
                }>
                    <input type="hidden" name="part_id" value=id />
                    <button type="submit" class="link-button" disabled=busy>"Remove"</button>
                </form>
            </div>
            <p class="cart-line-error field-error" aria-live="polite">{error}</p>
        </li>
    }
}

/// The `quantity` field of the submitted form, as a number.
fn form_quantity(ev: &leptos::ev::SubmitEvent) -> Option<i64> {
    use wasm_bindgen::JsCast;
    let form = ev.target()?.dyn_into::<web_sys::Element>().ok()?;
    let input = form
        .query_selector("input[name=quantity]")
        .ok()??
        .dyn_into::<web_sys::HtmlInputElement>()
        .ok()?;
    input.value().trim().parse().ok()
}

/// Shipping name and address, and Place order. The idempotency key and the total the customer
/// sees travel with the form.
#[component]
fn CheckoutForm(cart: Cart, place: ServerAction<PlaceOrder>, typed: Typed) -> impl IntoView {
    let orderable = cart.orderable();
    let name = typed
        .name
        .get_untracked()
        .unwrap_or_else(|| cart.shipping_name.clone());
    let address = typed
        .address
        .get_untracked()
        .unwrap_or_else(|| cart.shipping_address.clone());
    let errors = action_error(place);
    let pending = place.pending();
    let total = cart.total;
    view! {
        <div class="checkout-form">
        <ActionForm action=place>
            <input type="hidden" name="checkout_key" value=cart.checkout_key.clone() />
            <input type="hidden" name="expected_total" value=total.0 />
            <h3>"Deliver to"</h3>
            <Field
                name="shipping_name"
                id="shipping-name"
                label="Full name"
                autocomplete="shipping name"
                maxlength=MAX_SHIPPING_NAME
                initial=name
                validate=check(parse_shipping_name)
                on_input=move |text: String| typed.name.set(Some(text))
                errors
            />
            <Field
                name="shipping_address"
                id="shipping-address"
                label="Address"
                control=Control::TextArea(4)
                autocomplete="shipping street-address"
                maxlength=MAX_SHIPPING_ADDRESS
                placeholder="Street and number\nPostcode and town\nCountry"
                initial=address
                validate=check(parse_shipping_address)
                on_input=move |text: String| typed.address.set(Some(text))
                errors
            />
            <CheckoutAlert place />
            {(!orderable).then(|| view! {
                <p class="notice notice-error" role="status">"Fix the flagged lines to place your order."</p>
            })}
            <button type="submit" class="btn btn-primary btn-block" data-testid="place-order" disabled=move || !orderable || pending.get()>
                {move || if pending.get() { "Placing your order…".to_string() } else { format!("Place order · {}", total.display()) }}
            </button>
            <p class="muted pay-note">"You pay by bank transfer after placing the order; the payment details follow on the next page."</p>
        </ActionForm>
        </div>
    }
}

/// What went wrong with the last Place order, beyond the shipping fields: the lines that cannot
/// be served, or a cart that changed.
#[component]
fn CheckoutAlert(place: ServerAction<PlaceOrder>) -> impl IntoView {
    move || {
        let error = place.value().get().and_then(Result::err)?;
        let lines: Vec<String> = match &error {
            AppError::Validation(fields) => fields
                .iter()
                .filter(|f| f.field.starts_with("line-"))
                .map(|f| f.message.clone())
                .collect(),
            _ => Vec::new(),
        };
        let message = match &error {
            AppError::Validation(_) if lines.is_empty() => return None,
            AppError::Validation(_) => "Some parts cannot be ordered as they are:".to_string(),
            AppError::Conflict(f) if f.field == "cart" => f.message.clone(),
            other => other.to_string(),
        };
        Some(view! {
            <div class="notice notice-error" role="alert" data-testid="checkout-error">
                <p>{message}</p>
                {(!lines.is_empty()).then(|| view! {
                    <ul>{lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul>
                })}
            </div>
        })
    }
}
