//! Who is logged in, as the pages see it: a context with the current user and cart count
//! that refreshes when a form logs someone in or out.

use super::{api::current_user, SessionUser};
use crate::{cart::api::cart_count, error::AppError, orders::api::orders_to_ship};
use leptos::prelude::*;

/// The session as pages see it. Provided once by the layout.
#[derive(Clone, Copy)]
pub struct SessionContext {
    /// Bumped whenever the logged-in user may have changed (login, logout, register,
    /// profile changes).
    pub auth_version: RwSignal<u32>,
    /// Bumped whenever the cart may have changed.
    pub cart_version: RwSignal<u32>,
    /// Bumped whenever an order may have changed status.
    pub orders_version: RwSignal<u32>,
    /// The logged-in user, if any.
    pub user: Resource<Result<Option<SessionUser>, AppError>>,
    /// Units in the cart (0 for visitors).
    pub cart_count: Resource<Result<i64, AppError>>,
    /// Paid orders waiting to ship (suppliers; 0 for everyone else).
    pub to_ship: Resource<Result<i64, AppError>>,
}

impl SessionContext {
    /// Tells the pages that the logged-in user may have changed.
    pub fn auth_changed(&self) {
        self.auth_version.update(|v| *v += 1);
    }

    /// Tells the pages that the cart may have changed.
    pub fn cart_changed(&self) {
        self.cart_version.update(|v| *v += 1);
    }

    /// The logged-in user's id (`None` for visitors, and when the session cannot be read):
    /// what the Add to cart buttons of a page need, awaited once in the page's suspense.
    pub async fn viewer(self) -> Option<i64> {
        self.user.await.ok().flatten().map(|u| u.id)
    }

    /// Tells the pages that an order may have changed status.
    pub fn orders_changed(&self) {
        self.orders_version.update(|v| *v += 1);
    }
}

/// Creates the session context; call once, inside the router.
pub fn provide_session() -> SessionContext {
    let auth_version = RwSignal::new(0);
    let cart_version = RwSignal::new(0);
    let orders_version = RwSignal::new(0);
    let user = Resource::new(move || auth_version.get(), |_| current_user());
    let cart_count = Resource::new(
        move || (auth_version.get(), cart_version.get()),
        |_| cart_count(),
    );
    let to_ship = Resource::new(
        move || (auth_version.get(), orders_version.get()),
        |_| orders_to_ship(),
    );
    let ctx = SessionContext {
        auth_version,
        cart_version,
        orders_version,
        user,
        cart_count,
        to_ship,
    };
    provide_context(ctx);
    ctx
}

/// The session context provided by the layout.
pub fn use_session() -> SessionContext {
    expect_context::<SessionContext>()
}

/// Tells the session that the user changed whenever `action` succeeds.
pub fn refresh_session_on_success<S>(action: ServerAction<S>)
where
    S: leptos::server_fn::ServerFn + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
    S::Error: Clone + Send + Sync + 'static,
{
    let session = use_session();
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            session.auth_changed();
        }
    });
}
