//! The guard around pages that need a login: visitors are sent to log in and come back here;
//! pages for suppliers explain themselves to customers.

use super::{layout::with_next, ErrorNotice};
use crate::auth::session::use_session;
use leptos::prelude::*;
use leptos_router::{components::Redirect, hooks::use_location};

/// Shows `children` to logged-in users (only to suppliers with `suppliers_only`). Visitors are
/// redirected to log in, with this address (query included) to come back to.
#[component]
pub fn LoginGate(
    children: ChildrenFn,
    /// Only supplier accounts may see the page; customers get an explanation.
    #[prop(optional)]
    suppliers_only: bool,
) -> impl IntoView {
    let session = use_session();
    let location = use_location();
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match session.user.await {
                    Ok(Some(user)) if user.is_supplier() || !suppliers_only => children.read_value()(),
                    Ok(Some(_)) => view! {
                        <section class="page status-page">
                            <h1>"Listings are for supplier accounts"</h1>
                            <p>"Your account is a customer account. To sell parts, register a supplier account."</p>
                            <div class="status-actions"><a class="btn btn-primary" href="/catalogue">"Browse the catalogue"</a></div>
                        </section>
                    }.into_any(),
                    Ok(None) => {
                        let search = location.search.get_untracked();
                        let here = if search.is_empty() {
                            location.pathname.get_untracked()
                        } else {
                            format!("{}?{search}", location.pathname.get_untracked())
                        };
                        view! { <Redirect path=with_next("/login", Some(&here)) /> }.into_any()
                    }
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
