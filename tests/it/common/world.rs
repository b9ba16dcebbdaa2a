//! One shop every test module starts from: accounts of every role, logged in, parts of two
//! suppliers and (with [`World::new`]) an order of the customer.

use super::{register_args, TestApp, PW};
use axum::http::StatusCode;
use partwatch::server::db::DbPool;
use partwatch::{
    cart::api::AddToCart,
    orders::api::{PlaceOrder, SetOrderStatus},
};

/// Two suppliers, two customers (session cookies as `name=value`), a part of each supplier.
pub struct World {
    pub app: TestApp,
    /// Supplier of `disc`, and so of anna's order.
    pub acme: String,
    /// The other supplier, of `pad`.
    pub brakeco: String,
    /// The customer whose `order` it is.
    pub anna: String,
    /// A customer with no stake in anything.
    pub bob: String,
    /// Acme's "Brake disc": €64.90, 5 in stock.
    pub disc: i64,
    /// Brakeco's "Brake pad set": €19.50, 3 in stock.
    pub pad: i64,
    /// Anna's order of one disc from acme, awaiting payment (0 from [`World::shop`]).
    pub order: i64,
}

impl World {
    /// The shop with anna's order of one disc placed (4 discs left).
    pub async fn new(pool: DbPool) -> Self {
        let world = Self::shop(pool).await;
        world.add_to_cart(&world.anna, world.disc, 1).await;
        let reply = world
            .app
            .call_fn(checkout("worldkey000000000001", 6490), Some(&world.anna))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let order = reply.json()[0].as_i64().unwrap();
        Self { order, ..world }
    }

    /// The accounts and parts only: no cart, no order.
    pub async fn shop(pool: DbPool) -> Self {
        let app = TestApp::new(pool);
        let account = |name: &'static str, role: &'static str| {
            let app = &app;
            async move {
                app.call_fn(
                    register_args(name, &format!("{name}@example.com"), PW, role),
                    None,
                )
                .await
                .session_cookie()
                .unwrap_or_else(|| panic!("{name} registered"))
            }
        };
        let acme = account("acme", "supplier").await;
        let brakeco = account("brakeco", "supplier").await;
        let anna = account("anna", "customer").await;
        let bob = account("bob", "customer").await;
        let disc = app.part("acme", "Brake disc", 6490, 5).await;
        let pad = app.part("brakeco", "Brake pad set", 1950, 3).await;
        Self {
            app,
            acme,
            brakeco,
            anna,
            bob,
            disc,
            pad,
            order: 0,
        }
    }

    /// `cookie`'s account puts `quantity` of `part` into its cart, which must succeed.
    pub async fn add_to_cart(&self, cookie: &str, part: i64, quantity: i64) {
        let reply = self
            .app
            .call_fn(
                AddToCart {
                    part_id: part,
                    quantity,
                },
                Some(cookie),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    }

    /// Moves order `id` to `status` as `cookie`'s account (a visitor with `None`).
    pub async fn step(&self, cookie: Option<&str>, id: i64, status: &str) -> super::Reply {
        self.app
            .call_fn(
                SetOrderStatus {
                    id,
                    status: status.into(),
                },
                cookie,
            )
            .await
    }

    /// A part's stock as stored.
    pub async fn stock(&self, part: i64) -> i64 {
        self.app.part_column(part, "stock").await
    }
}

/// The checkout form of anna's cart page: her shipping details, the form's one-time key and
/// the total she saw.
pub fn checkout(key: &str, expected_total: i64) -> PlaceOrder {
    PlaceOrder {
        shipping_name: "Anna Berg".into(),
        shipping_address: "Hauptstr. 1\n10115 Berlin".into(),
        checkout_key: key.into(),
        expected_total,
    }
}
