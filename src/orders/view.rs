//! `/orders` (a customer's orders; for suppliers also the orders for their parts) and
//! `/orders/:id` (one order, for its customer and its supplier only).

use super::{
    api::{my_orders, order_detail, SetOrderStatus},
    Order, OrderStatus, OrdersView, Party, BANK_ACCOUNT_HOLDER, BANK_BIC, BANK_IBAN,
};
use crate::{
    auth::session::use_session,
    parts::thumb_url,
    time::format_time,
    ui::{
        form::{on_success, own_error},
        use_route_id, ByIdPage, EmptyState, ErrorNotice, LoginGate, Pager, PostErrorNotice,
    },
};
use leptos::{prelude::*, server_fn::ServerFn};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/orders`.
#[component]
pub fn OrdersPage() -> impl IntoView {
    view! { <Title text="Your orders" /> <LoginGate><OrdersList /></LoginGate> }
}

#[component]
fn OrdersList() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let view_param = move || query.read().get("view").unwrap_or_default();
    let page = move || {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse::<u32>().ok())
            .unwrap_or(1)
            .max(1)
    };
    let placed = move || {
        query
            .read()
            .get("placed")
            .and_then(|p| p.parse::<u32>().ok())
    };
    let orders = Resource::new(
        move || (view_param(), page(), session.orders_version.get()),
        |(view, page, _)| my_orders(view, page),
    );
    view! {
        <section class="page orders-page">
            <header class="orders-head">
                <h1>"Orders"</h1>
            </header>
            {move || placed().map(|n| view! { <PlacedNotice count=n /> })}
            <StatusErrorNotice />
            <Transition fallback=|| view! { <p class="loading">"Loading your orders…"</p> }>
                {move || Suspend::new(async move {
                    // Only the page's own resource is read here: reading the session too would
                    // re-run this after logout, when the page is already gone.
                    match orders.await {
                        Ok(found) => {
                            let tabs = found.is_supplier.then(|| view! { <OrdersTabs current=found.view /> });
                            let empty = found.orders.is_empty();
                            let shown = found.view;
                            let pager = view! {
                                <Pager page=found.page has_next=found.has_more href=move |p: u32| format!("/orders?view={}&page={p}", shown.as_str()) previous="← Newer" next="Older →" />
                            };
                            view! {
                                {tabs}
                                {if empty {
                                    view! { <NoOrders view=found.view /> }.into_any()
                                } else {
                                    view! {
                                        <div class="order-list">
                                            {found.orders.into_iter().map(|order| view! { <OrderCard order /> }).collect_view()}
                                        </div>
                                    }.into_any()
                                }}
                                {pager}
                            }.into_any()
                        }
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The confirmation after checkout.
#[component]
fn PlacedNotice(count: u32) -> impl IntoView {
    let text = if count > 1 {
        format!("Thank you! Your order is placed as {count} orders, one per supplier. Pay each by bank transfer with its own payment reference.")
    } else {
        "Thank you! Your order is placed. Pay it by bank transfer with the payment reference below."
            .to_string()
    };
    view! {
        <div class="notice notice-success" role="status" data-testid="placed-notice">
            <p class="notice-title">"Order placed"</p>
            <p>{text}</p>
        </div>
    }
}

/// Supplier tabs: orders for my parts, those to ship, my own purchases.
#[component]
fn OrdersTabs(current: OrdersView) -> impl IntoView {
    let session = use_session();
    let tab = move |view: OrdersView, label: &'static str| {
        view! {
            <a class="tab" class:active=current == view href=format!("/orders?view={}", view.as_str()) aria-current=(current == view).then_some("page")>
                {label}
                {(view == OrdersView::ToShip).then(|| view! {
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            let n = session.to_ship.await.unwrap_or(0);
                            (n > 0).then(|| view! { <span class="tab-count">{n}</span> })
                        })}
                    </Transition>
                })}
            </a>
        }
    };
    view! {
        <nav class="tabs orders-tabs" aria-label="Which orders">
            {tab(OrdersView::Sales, "Orders for my parts")}
            {tab(OrdersView::ToShip, "To ship")}
            {tab(OrdersView::Purchases, "My purchases")}
        </nav>
    }
}

#[component]
fn NoOrders(view: OrdersView) -> impl IntoView {
    let (title, text) = match view {
        OrdersView::Purchases => (
            "No orders yet",
            "When you place an order, it appears here with its payment details and status.",
        ),
        OrdersView::Sales => (
            "No orders for your parts yet",
            "When customers buy your parts, their orders appear here.",
        ),
        OrdersView::ToShip => (
            "Nothing to ship",
            "Paid orders waiting for you to ship them appear here.",
        ),
    };
    view! {
        <EmptyState title text>
            <a class="btn btn-primary" href="/catalogue">"Browse the catalogue"</a>
        </EmptyState>
    }
}

/// Why a plain (no-JavaScript) status change failed: shown once, above the orders.
#[component]
fn StatusErrorNotice() -> impl IntoView {
    view! { <PostErrorNotice action={ServerAction::<SetOrderStatus>::new()} lead="The order was not changed: " /> }
}

/// One order in the list: reference, date, status, the other party, lines, total, what comes
/// next and the actions that fit.
#[component]
fn OrderCard(order: Order) -> impl IntoView {
    let id = order.id;
    let status = order.status;
    let counterpart = order.counterpart();
    let placed = format_time(order.created_at);
    let reference = order.reference.clone();
    let total = order.total.display();
    let next = order.next_step();
    let deadline = order.deadline_note();
    let show_address = order.viewer == Party::Supplier && status != OrderStatus::Cancelled;
    let awaiting_payment = order.payment_due();
    let bank = awaiting_payment.then(|| view! { <BankTransfer order=order.clone() /> });
    let address = show_address.then(|| view! { <ShippingAddress order=order.clone() /> });
    let lines = view! { <OrderLines order=order.clone() /> };
    view! {
        <article class="order-card" data-testid="order" data-order-id=id data-status=status.as_str()>
            <header class="order-card-head">
                <div>
                    <h2 class="order-title">
                        <a href=format!("/orders/{id}")>"Order " <span data-testid="order-reference">{reference}</span></a>
                    </h2>
                    <p class="muted">"Placed " {placed} " · " {counterpart}</p>
                </div>
                <div class="order-card-status">
                    <span class=status.css_class() data-testid="order-status">{status.label()}</span>
                    <strong class="order-total">{total}</strong>
                </div>
            </header>
            {lines}
            <p class="order-next">{next}</p>
            <PayByNote deadline />
            {(bank.is_some() || address.is_some()).then(|| view! { <div class="order-card-body">{bank}{address}</div> })}
            <footer class="order-card-foot">
                <a class="btn btn-ghost btn-small" href=format!("/orders/{id}")>"Details"</a>
                <OrderActions order />
            </footer>
        </article>
    }
}

#[component]
fn OrderLines(order: Order) -> impl IntoView {
    view! {
        <ul class="order-lines">
            {order
                .lines
                .into_iter()
                .map(|line| view! {
                    <li class="order-line">
                        <img src=thumb_url(line.image_key.as_deref()) alt="" width="64" height="48" />
                        <span class="order-line-name">{line.name}</span>
                        <span class="order-line-qty muted">{format!("{} × {}", line.quantity, line.unit_price.display())}</span>
                        <span class="order-line-total">{line.line_total.display()}</span>
                    </li>
                })
                .collect_view()}
        </ul>
    }
}

/// While an order awaits payment: by when it must be paid before it is cancelled. The date
/// comes from the server with the order, so it reads the same before and after hydration.
#[component]
fn PayByNote(deadline: Option<String>) -> impl IntoView {
    deadline.map(|text| {
        view! { <p class="order-next order-deadline" data-testid="pay-by">{text}</p> }
    })
}

/// How to pay: the account, the amount, the order's reference and the deadline.
#[component]
fn BankTransfer(order: Order) -> impl IntoView {
    let pay_by = format_time(order.pay_by);
    view! {
        <section class="bank-transfer" aria-label="Payment by bank transfer">
            <h3>"Pay by bank transfer"</h3>
            <dl>
                <div><dt>"Account holder"</dt><dd>{BANK_ACCOUNT_HOLDER}</dd></div>
                <div><dt>"IBAN"</dt><dd class="mono">{BANK_IBAN}</dd></div>
                <div><dt>"BIC"</dt><dd class="mono">{BANK_BIC}</dd></div>
                <div><dt>"Amount"</dt><dd><strong>{order.total.display()}</strong></dd></div>
                <div><dt>"Payment reference"</dt><dd class="mono" data-testid="payment-reference"><strong>{order.reference}</strong></dd></div>
                <div><dt>"Pay by"</dt><dd data-testid="pay-by-date"><strong>{pay_by}</strong></dd></div>
            </dl>
            <p class="muted">"Use exactly this reference so your payment reaches this order. The supplier ships once it is paid. An order not paid by this date is cancelled, and its parts go back on sale."</p>
        </section>
    }
}

#[component]
fn ShippingAddress(order: Order) -> impl IntoView {
    view! {
        <section class="ship-to" aria-label="Shipping address">
            <h3>"Ship to"</h3>
            <address data-testid="ship-to">
                <strong>{order.shipping_name}</strong>
                <br />
                <span class="pre-line">{order.shipping_address}</span>
            </address>
        </section>
    }
}

/// The buttons for the steps the viewer can take now. Each is a plain form post (it works
/// without JavaScript); after hydration it updates the page in place. Cancelling asks first.
#[component]
fn OrderActions(order: Order) -> impl IntoView {
    let session = use_session();
    let action = ServerAction::<SetOrderStatus>::new();
    on_success(action, move |_| session.orders_changed());
    let error = move || own_error(action).map(|e| e.to_string());
    let id = order.id;
    let buttons = order
        .actions()
        .into_iter()
        .map(|(to, label)| {
            let cancel = to == OrderStatus::Cancelled;
            let on_submit = move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                let sure = !cancel
                    || window()
                        .confirm_with_message("Cancel this order? Its parts go back on sale.")
                        .unwrap_or(false);
                if sure {
                    action.dispatch(SetOrderStatus {
                        id,
                        status: to.as_str().to_string(),
                    });
                }
            };
            view! {
                <form method="post" action=SetOrderStatus::url() on:submit=on_submit>
                    <input type="hidden" name="id" value=id />
                    <input type="hidden" name="status" value=to.as_str() />
                    <button
                        type="submit"
                        class=if cancel { "btn btn-ghost btn-small btn-danger" } else { "btn btn-primary btn-small" }
                        data-testid=format!("order-action-{}", to.as_str())
                        disabled=move || action.pending().get()
                    >
                        {label}
                    </button>
                </form>
            }
        })
        .collect_view();
    view! {
        <div class="order-actions">
            {buttons}
            <p class="field-error" aria-live="polite">{error}</p>
        </div>
    }
}

/// `/orders/:id`.
#[component]
pub fn OrderDetailPage() -> impl IntoView {
    view! { <LoginGate><OrderDetail /></LoginGate> }
}

#[component]
fn OrderDetail() -> impl IntoView {
    let session = use_session();
    let id = use_route_id();
    let order = Resource::new(
        move || (id(), session.orders_version.get()),
        |(id, _)| async move { order_detail(id.or_not_found("No such order.")?).await },
    );
    view! {
        <StatusErrorNotice />
        <ByIdPage item=order loading="Loading the order…" keep_while_reloading=true render=|order| async move { view! { <OrderSheet order /> } } />
    }
}

/// The whole of one order: status history, lines with totals, addresses, payment and actions.
#[component]
fn OrderSheet(order: Order) -> impl IntoView {
    let id = order.id;
    let status = order.status;
    let title = format!("Order {}", order.reference);
    let awaiting_payment = order.payment_due();
    let (back_href, back_label) = match order.viewer {
        Party::Customer => ("/orders?view=purchases", "← Your orders"),
        Party::Supplier => ("/orders?view=sales", "← Orders for your parts"),
    };
    let counterpart = order.counterpart();
    let placed = format_time(order.created_at);
    let units = order.units();
    let total = order.total.display();
    let next = order.next_step();
    let deadline = order.deadline_note();
    let reference = order.reference.clone();
    let timeline = order
        .timeline()
        .into_iter()
        .map(|(label, at)| {
            view! {
                <li><span class="timeline-label">{label}</span> <time class="muted">{format_time(at)}</time></li>
            }
        })
        .collect_view();
    let bank = awaiting_payment.then(|| view! { <BankTransfer order=order.clone() /> });
    let lines = view! { <OrderLines order=order.clone() /> };
    let address = view! { <ShippingAddress order=order.clone() /> };
    view! {
        <Title text=title.clone() />
        <section class="page order-page" data-testid="order" data-order-id=id data-status=status.as_str()>
            <a class="back-link" href=back_href>{back_label}</a>
            <header class="order-page-head">
                <div>
                    <h1>{title}</h1>
                    <p class="muted">"Placed " {placed} " · " {counterpart}</p>
                </div>
                <span class=status.css_class() data-testid="order-status">{status.label()}</span>
            </header>
            <div class="order-page-grid">
                <div class="order-page-main">
                    <section class="panel">
                        <h2>"Items"</h2>
                        {lines}
                        <dl class="summary-list">
                            <div><dt>"Items"</dt><dd>{units}</dd></div>
                            <div><dt>"Delivery"</dt><dd>"Included"</dd></div>
                            <div class="summary-total"><dt>"Total"</dt><dd>{total}</dd></div>
                        </dl>
                    </section>
                    {bank}
                </div>
                <aside class="order-page-side">
                    <section class="panel">
                        <h2>"Status"</h2>
                        <p class="order-next">{next}</p>
                        <PayByNote deadline />
                        <ol class="timeline">{timeline}</ol>
                        <OrderActions order />
                    </section>
                    {address}
                    <section class="panel">
                        <h2>"Payment"</h2>
                        <p>"Bank transfer · reference " <span class="mono">{reference}</span></p>
                    </section>
                </aside>
            </div>
        </section>
    }
}
