//! The guard around pages that need a login: visitors are sent to log in and come back here;
//! pages for suppliers explain themselves to customers.

use super::{
    layout::{here_url, with_next},
    notice::ErrorNotice,
};
use crate::auth::session::use_session;
use leptos::prelude::*;
use leptos_router::components::Redirect;

/// Shows `children` to logged-in users (with `suppliers_only`, only to suppliers). Visitors are
/// redirected to log in, with this address (query included) to come back to.
#[component]
pub fn LoginGate(
    children: ChildrenFn,
    /// Only supplier accounts may see the page; customers see this heading (e.g. "Listings are
    /// for supplier accounts") and the way to a supplier account instead.
    #[prop(optional)]
    suppliers_only: Option<&'static str>,
) -> impl IntoView {
    let session = use_session();
    let here = here_url();
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match (session.user.await, suppliers_only) {
                    (Ok(Some(user)), Some(heading)) if !user.is_supplier() => view! { <SuppliersOnly heading /> }.into_any(),
                    (Ok(Some(_)), _) => children.read_value()().into_any(),
                    (Ok(None), _) => view! { <Redirect path=with_next("/login", Some(&untrack(here))) /> }.into_any(),
                    (Err(error), _) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// What a customer sees on a page for suppliers.
#[component]
fn SuppliersOnly(heading: &'static str) -> impl IntoView {
    view! {
        <section class="page status-page">
            <h1>{heading}</h1>
            <p>"Your account is a customer account. To sell parts, register a supplier account."</p>
            <div class="status-actions"><a class="btn btn-primary" href="/catalogue">"Browse the catalogue"</a></div>
        </section>
    }
}
