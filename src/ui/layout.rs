//! The page frame: header with logo, search, cart and user menu; the main area; the footer.

use super::{
    icons::{CartIcon, LogoMark, TruckIcon},
    search::SiteSearch,
};
use crate::{
    auth::{
        api::Logout,
        session::{provide_session, refresh_session_on_success, use_session},
        SessionUser,
    },
    error::AppError,
};
use leptos::{html::Details, prelude::*};
use leptos_router::hooks::use_location;

/// Wraps every page: provides the session context and draws header and footer around
/// `children` (the routes).
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    provide_session();
    crate::vehicles::context::provide_vehicle();
    view! {
        <a class="skip-link" href="#main">
            "Skip to content"
        </a>
        <Header />
        <main id="main" class="main">
            {children()}
        </main>
        <Footer />
    }
}

/// Percent-encodes a string for use as one query value.
pub fn encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// `path` with `?next=<next>` (encoded) when there is a `next`, else `path` alone.
pub fn with_next(path: &str, next: Option<&str>) -> String {
    match next {
        Some(next) => format!("{path}?next={}", encode_query_value(next)),
        None => path.to_string(),
    }
}

#[component]
fn Header() -> impl IntoView {
    let session = use_session();
    view! {
        <header class="site-header">
            <div class="header-inner">
                <a class="logo" href="/" aria-label="PartWatch home">
                    <LogoMark />
                    <span class="logo-text">"PartWatch"</span>
                </a>
                <SiteSearch />
                <VehicleBadge />
                <nav class="header-nav" aria-label="Your account">
                    <a class="cart-link" href="/cart">
                        <CartIcon />
                        <span class="cart-label">"Cart"</span>
                        <HeaderCount count=session.cart_count class="cart-count" />
                    </a>
                    <Transition fallback=|| view! { <span class="user-slot"></span> }>
                        {move || Suspend::new(async move {
                            match session.user.await {
                                Ok(Some(user)) => view! {
                                    {user.is_supplier().then(|| view! { <ToShipLink /> })}
                                    <UserMenu user />
                                }
                                .into_any(),
                                _ => view! { <GuestLinks /> }.into_any(),
                            }
                        })}
                    </Transition>
                </nav>
            </div>
        </header>
    }
}

/// The header's vehicle slot: the active vehicle with a link to change it, or a call to add
/// one. Once the page is interactive a plain click opens the quick picker under it instead
/// (year → make → model → engine without leaving the page); before that, and for a click
/// that opens a new tab, it is the link to `/vehicle`.
#[component]
pub fn VehicleBadge() -> impl IntoView {
    let vehicle = crate::vehicles::context::use_vehicle();
    let here = here_url();
    let picker_href = move || {
        let here = here();
        if here.starts_with("/vehicle") {
            "/vehicle".to_string()
        } else {
            with_next("/vehicle", Some(&here))
        }
    };
    let open = RwSignal::new(false);
    let toggle = move |ev: leptos::ev::MouseEvent| {
        if ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key() || ev.button() != 0 {
            return;
        }
        ev.prevent_default();
        open.update(|o| *o = !*o);
    };
    // Another page, or another vehicle: the panel has done its work.
    let location = use_location();
    Effect::watch(
        move || (location.pathname.get(), vehicle.changes()),
        move |_, _, _| open.set(false),
        false,
    );
    let expanded = move || open.get().to_string();
    view! {
        <div class="vehicle-slot">
            <Transition fallback=|| view! { <span class="vehicle-badge vehicle-badge-empty"></span> }>
                {move || Suspend::new(async move {
                    match vehicle.active.await {
                        Ok(Some(v)) => view! {
                            <a class="vehicle-badge" href=picker_href data-testid="active-vehicle" title="Change your vehicle" aria-expanded=expanded aria-controls="vehicle-quick" on:click=toggle>
                                <span class="vehicle-badge-label">"Your vehicle"</span>
                                <span class="vehicle-badge-name">{v.label()}</span>
                            </a>
                        }
                        .into_any(),
                        _ => view! {
                            <a class="vehicle-badge vehicle-badge-add" href=picker_href data-testid="add-vehicle" aria-expanded=expanded aria-controls="vehicle-quick" on:click=toggle>
                                <span class="vehicle-badge-label">"Does it fit?"</span>
                                <span class="vehicle-badge-name">"Add your vehicle"</span>
                            </a>
                        }
                        .into_any(),
                    }
                })}
            </Transition>
            {move || {
                open.get()
                    .then(|| {
                        view! {
                            <crate::vehicles::view::QuickPicker
                                more=picker_href()
                                on_close=Callback::new(move |_| open.set(false))
                            />
                        }
                    })
            }}
        </div>
    }
}

/// A live count in the header (`class` names it and is its test id): 0 until it is known.
#[component]
fn HeaderCount(
    count: Resource<Result<i64, AppError>>,
    class: &'static str,
    /// Says what the number counts, for screen readers; a 0 is shown dimmed.
    #[prop(optional)]
    label: Option<fn(i64) -> String>,
) -> impl IntoView {
    let badge = move |n: i64| {
        view! {
            <span class=class class:zero=label.is_some() && n == 0 data-testid=class aria-label=label.map(|l| l(n))>
                {n}
            </span>
        }
    };
    view! {
        <Transition fallback=move || badge(0)>
            {move || Suspend::new(async move { badge(count.await.unwrap_or(0)) })}
        </Transition>
    }
}

/// For suppliers: a link to the paid orders waiting to ship, with their count.
#[component]
fn ToShipLink() -> impl IntoView {
    let session = use_session();
    view! {
        <a class="to-ship-link" href="/orders?view=to_ship">
            <TruckIcon />
            <span class="to-ship-label">"To ship"</span>
            <HeaderCount count=session.to_ship class="to-ship-count" label=|n| format!("{n} orders to ship") />
        </a>
    }
}

/// The current address, path and query (`/catalogue?q=disc`): where a login comes back to.
/// Read (and tracked) each time it is called.
///
/// A plain function of the router's own signals, which live as long as the app, not a signal
/// of the caller's: a link on a card reads it when the address changes, and two quick
/// navigations (back, back) can remove the card between the change and that read, which
/// panicked ("already been disposed") when the value was a derived signal owned by the card.
pub fn here_url() -> impl Fn() -> String + Copy + Send + Sync + 'static {
    let location = use_location();
    let (pathname, search) = (location.pathname, location.search);
    move || {
        let path = pathname.get();
        let search = search.get();
        if search.is_empty() {
            path
        } else {
            format!("{path}?{search}")
        }
    }
}

/// Log in and register links for visitors; login comes back to the current page.
#[component]
fn GuestLinks() -> impl IntoView {
    let location = use_location();
    let here = here_url();
    let login_href = move || {
        let path = location.pathname.get();
        if path.starts_with("/login") || path.starts_with("/register") || path == "/" {
            "/login".to_string()
        } else {
            with_next("/login", Some(&here()))
        }
    };
    view! {
        <a class="btn btn-ghost" href=login_href>
            "Log in"
        </a>
        <a class="btn btn-primary" href="/register">
            "Register"
        </a>
    }
}

/// The logged-in user's menu: name and role, links, and log out.
#[component]
fn UserMenu(user: SessionUser) -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    refresh_session_on_success(logout);
    let menu = NodeRef::<Details>::new();
    let close = move |_| {
        if let Some(details) = menu.get() {
            details.set_open(false);
        }
    };
    let initial = user
        .username
        .chars()
        .next()
        .map(|c| c.to_uppercase().to_string())
        .unwrap_or_default();
    let is_supplier = user.is_supplier();
    view! {
        <details class="user-menu" node_ref=menu>
            <summary class="user-menu-button">
                <span class="avatar" aria-hidden="true">
                    {initial}
                </span>
                <span class="user-menu-name" data-testid="user-name">
                    {user.username.clone()}
                </span>
                <span class="role-badge" data-testid="user-role">
                    {user.role.label()}
                </span>
            </summary>
            <div class="user-menu-panel" on:click=close>
                <p class="user-menu-who">
                    <strong>{user.username.clone()}</strong>
                    " · "
                    {user.role.label()}
                </p>
                <a href="/orders">"Orders"</a>
                {is_supplier.then(|| view! {
                    <a href="/listings">"Listings"</a>
                    <a href="/demand">"Customer demand"</a>
                })}
                <a href="/profile">"Profile"</a>
                <ActionForm action=logout>
                    <button type="submit" class="user-menu-logout">
                        "Log out"
                    </button>
                </ActionForm>
            </div>
        </details>
    }
}

#[component]
fn Footer() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <div class="footer-inner">
                <div class="footer-brand">
                    <a class="logo logo-footer" href="/">
                        <LogoMark />
                        <span class="logo-text">"PartWatch"</span>
                    </a>
                    <p>"Genuine and quality aftermarket car parts from independent suppliers, delivered to your door."</p>
                </div>
                <nav class="footer-links" aria-label="Shop">
                    <h2>"Shop"</h2>
                    <a href="/catalogue">"Catalogue"</a>
                    <a href="/cart">"Cart"</a>
                    <a href="/orders">"Orders"</a>
                    <a href="/register">"Sell on PartWatch"</a>
                </nav>
                <nav class="footer-links" aria-label="Help and legal">
                    <h2>"Help"</h2>
                    <a href="/faq">"FAQ"</a>
                    <a href="/terms">"Terms"</a>
                    <a href="/privacy">"Privacy"</a>
                    <a href="/imprint">"Imprint"</a>
                </nav>
            </div>
            <p class="footer-copy">"© 2026 PartWatch GmbH · Prices include VAT"</p>
        </footer>
    }
}

#[cfg(test)]
mod tests {
    use super::{encode_query_value, with_next};

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(
            encode_query_value("/catalogue?q=a b&x=1"),
            "/catalogue%3Fq%3Da%20b%26x%3D1"
        );
        assert_eq!(encode_query_value("/parts/12"), "/parts/12");
        assert_eq!(
            with_next("/login", Some("/faq?a=1")),
            "/login?next=/faq%3Fa%3D1"
        );
        assert_eq!(with_next("/login", None), "/login");
    }
}
