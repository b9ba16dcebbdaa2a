//! All SQL of the orders, purchases and checkouts tables, which this feature owns. Checkout
//! also calls the cart feature (to read and clear the cart) and the parts feature (to take and
//! return stock), passing its transaction in.
//!
//! Every order awaiting payment has a deadline: when it was placed plus the shop's payment
//! window (`PARTWATCH_PAYMENT_DAYS`), passed in by the caller. [`expire_unpaid`] cancels the
//! orders past it.
//!
//! This file only declares and re-exports; each child uses its siblings by their own path:
//! `checkout` places orders, `read` reads them, `status` moves them through the workflow,
//! `cancel` is the one way an order is cancelled (by `status` and by `expiry`), and `seconds`
//! is the shared unit conversion.

mod cancel;
mod checkout;
mod expiry;
mod read;
mod seconds;
mod status;

#[cfg(test)]
mod tests;

pub use checkout::{place_order, unpaid_units, CapProblem, CheckoutOutcome, LineProblem};
pub use expiry::expire_unpaid;
pub use read::{last_shipping, list_orders, order_for, to_ship_count};
pub use status::{change_status, StepOutcome};
