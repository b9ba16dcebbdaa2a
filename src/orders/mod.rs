//! Orders: checkout turns a cart into one order per supplier, and each order then moves through
//! the workflow SPEC fixes. This feature owns the orders, purchases and checkouts tables.
//!
//! The workflow rules live here, in shared code, so the server enforces them and the pages
//! offer exactly the actions the server would accept.

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod expiry;
pub mod view;

use crate::{parts::Cents, time::format_time};
use serde::{Deserialize, Serialize};

/// Orders per page on `/orders`.
pub const ORDERS_PAGE_SIZE: u32 = 20;

/// Who receives bank transfers for orders (PartWatch collects and pays the suppliers out).
pub const BANK_ACCOUNT_HOLDER: &str = "PartWatch GmbH";
/// The account bank transfers go to.
pub const BANK_IBAN: &str = "DE89 3704 0044 0532 0130 00";
/// The bank's BIC.
pub const BANK_BIC: &str = "COBADEFFXXX";

/// The most units of one part a customer may hold in orders awaiting payment, the checkout
/// being placed included. Checkout takes the stock at once, so without a cap one account could
/// take a part's whole stock off sale for the whole payment window, and again after every
/// expiry. A fixed rule rather than a setting: it is part of what the shop promises every
/// customer, and the browser knows it too. Paying (or cancelling) frees the units again.
pub const MAX_UNPAID_UNITS_PER_PART: i64 = 20;

/// Why a checkout line is refused by [`MAX_UNPAID_UNITS_PER_PART`], given the units of the part
/// the customer's unpaid orders `held` already: what they may still order and what to do.
pub fn unpaid_cap_message(held: i64) -> String {
    let max = MAX_UNPAID_UNITS_PER_PART;
    if held <= 0 {
        format!(
            "At most {max} units of one part can wait for payment at a time. Lower the \
             quantity to {max} or fewer, and order more once this order is paid."
        )
    } else if held < max {
        let more = max - held;
        format!(
            "Your unpaid orders already hold {held} of this part, and at most {max} can wait \
             for payment at a time: you may order {more} more now. Pay your open orders to \
             order more."
        )
    } else {
        format!(
            "Your unpaid orders already hold {held} of this part, the most that can wait for \
             payment at a time: you cannot order more of it now. Pay or cancel your open \
             orders to order more."
        )
    }
}

/// Why an order was cancelled. Stored as [`Self::as_str`] spells it; reading any other spelling
/// is an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "text", rename_all = "snake_case")
)]
pub enum CancelReason {
    /// Its customer cancelled it before paying.
    Customer,
    /// It was still unpaid at its payment deadline.
    NotPaid,
}

impl CancelReason {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            CancelReason::Customer => "customer",
            CancelReason::NotPaid => "not_paid",
        }
    }

    /// Reads the stored spelling.
    pub fn parse(value: &str) -> Result<Self, String> {
        [CancelReason::Customer, CancelReason::NotPaid]
            .into_iter()
            .find(|r| r.as_str() == value)
            .ok_or_else(|| "That is not a reason for cancelling.".to_string())
    }
}

/// Where an order stands. Stored as [`Self::as_str`] spells it (the CHECK constraint's list);
/// reading any other spelling is an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "text", rename_all = "snake_case")
)]
pub enum OrderStatus {
    /// Placed; the customer still has to transfer the money.
    AwaitingPayment,
    /// The customer says the money is sent; the supplier ships next.
    Paid,
    /// The supplier sent the parts.
    Shipped,
    /// The customer confirmed receipt.
    Completed,
    /// The customer cancelled before paying; the stock went back.
    Cancelled,
}

/// Who acts on an order: its customer or the supplier it is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Party {
    /// The customer who placed the order.
    Customer,
    /// The supplier whose parts the order holds.
    Supplier,
}

/// Every allowed step: from, to, who may take it, and the button that takes it.
const STEPS: [(OrderStatus, OrderStatus, Party, &str); 4] = [
    (
        OrderStatus::AwaitingPayment,
        OrderStatus::Paid,
        Party::Customer,
        "I have paid",
    ),
    (
        OrderStatus::AwaitingPayment,
        OrderStatus::Cancelled,
        Party::Customer,
        "Cancel order",
    ),
    (
        OrderStatus::Paid,
        OrderStatus::Shipped,
        Party::Supplier,
        "Mark shipped",
    ),
    (
        OrderStatus::Shipped,
        OrderStatus::Completed,
        Party::Customer,
        "Confirm receipt",
    ),
];

impl OrderStatus {
    /// Every status, in workflow order.
    pub const ALL: [OrderStatus; 5] = [
        OrderStatus::AwaitingPayment,
        OrderStatus::Paid,
        OrderStatus::Shipped,
        OrderStatus::Completed,
        OrderStatus::Cancelled,
    ];

    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::AwaitingPayment => "awaiting_payment",
            OrderStatus::Paid => "paid",
            OrderStatus::Shipped => "shipped",
            OrderStatus::Completed => "completed",
            OrderStatus::Cancelled => "cancelled",
        }
    }

    /// Reads the stored spelling (also what the order forms send).
    pub fn parse(value: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == value)
            .ok_or_else(|| "That is not an order status.".to_string())
    }

    /// How the status reads on a badge.
    pub fn label(self) -> &'static str {
        match self {
            OrderStatus::AwaitingPayment => "Awaiting payment",
            OrderStatus::Paid => "Paid",
            OrderStatus::Shipped => "Shipped",
            OrderStatus::Completed => "Completed",
            OrderStatus::Cancelled => "Cancelled",
        }
    }

    /// The badge's style.
    pub fn css_class(self) -> &'static str {
        match self {
            OrderStatus::AwaitingPayment => "badge badge-warn",
            OrderStatus::Paid => "badge badge-info",
            OrderStatus::Shipped => "badge badge-info",
            OrderStatus::Completed => "badge badge-ok",
            OrderStatus::Cancelled => "badge badge-off",
        }
    }

    /// Whether `by` may move an order from this status to `to`; if not, why, in words for the
    /// person who tried.
    pub fn check_step(self, to: OrderStatus, by: Party) -> Result<(), String> {
        if let Some((.., who, _)) = STEPS.iter().find(|(f, t, ..)| *f == self && *t == to) {
            return if *who == by {
                Ok(())
            } else {
                Err(match to {
                    OrderStatus::Paid => "Only the customer can mark an order as paid.",
                    OrderStatus::Cancelled => "Only the customer can cancel an order.",
                    OrderStatus::Shipped => "Only the supplier can mark an order as shipped.",
                    _ => "Only the customer can confirm receipt.",
                }
                .to_string())
            };
        }
        let now = self.label().to_lowercase();
        Err(match (self, to) {
            (from, to) if from == to => format!("This order is already {now}."),
            (_, OrderStatus::AwaitingPayment) => {
                "An order cannot go back to awaiting payment.".to_string()
            }
            (_, OrderStatus::Paid) => {
                format!("Only an order awaiting payment can be marked as paid; this one is {now}.")
            }
            (OrderStatus::AwaitingPayment, OrderStatus::Shipped) => {
                "This order cannot be shipped before it is paid.".to_string()
            }
            (_, OrderStatus::Shipped) => {
                format!("Only a paid order can be shipped; this one is {now}.")
            }
            (_, OrderStatus::Completed) => {
                format!("Receipt can be confirmed once the order has shipped; this one is {now}.")
            }
            (_, OrderStatus::Cancelled) => {
                format!("Only an order awaiting payment can be cancelled; this one is {now}.")
            }
        })
    }

    /// The steps `by` can take from this status, as (target, button label).
    pub fn actions_for(self, by: Party) -> Vec<(OrderStatus, &'static str)> {
        STEPS
            .iter()
            .filter(|(from, _, who, _)| *from == self && *who == by)
            .map(|(_, to, _, label)| (*to, *label))
            .collect()
    }

    /// What happens next, in a sentence for `viewer`.
    pub fn next_step(self, viewer: Party) -> &'static str {
        match (self, viewer) {
            (OrderStatus::AwaitingPayment, Party::Customer) => {
                "Transfer the total with the payment reference, then tell us you have paid."
            }
            (OrderStatus::AwaitingPayment, Party::Supplier) => {
                "Waiting for the customer's payment. Do not ship yet."
            }
            (OrderStatus::Paid, Party::Customer) => {
                "Payment noted. The supplier is preparing your parts."
            }
            (OrderStatus::Paid, Party::Supplier) => "Paid: pack the parts and ship them.",
            (OrderStatus::Shipped, Party::Customer) => {
                "On its way. Confirm receipt once the parts have arrived."
            }
            (OrderStatus::Shipped, Party::Supplier) => {
                "Shipped. Waiting for the customer to confirm receipt."
            }
            (OrderStatus::Completed, _) => "Delivered and confirmed.",
            (OrderStatus::Cancelled, _) => "Cancelled before payment; the stock went back.",
        }
    }
}

/// The payment reference of an order: what the customer writes on the bank transfer.
pub fn payment_reference(order_id: i64) -> String {
    format!("PW-{order_id:06}")
}

/// Where the parts go: validated shipping name and address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shipping {
    /// The recipient.
    pub name: String,
    /// Street, postcode, town and country; may span lines.
    pub address: String,
}

/// The most characters in a shipping name.
pub const MAX_SHIPPING_NAME: usize = 100;
/// The most characters in a shipping address.
pub const MAX_SHIPPING_ADDRESS: usize = 500;

/// Checks the recipient's name: 2–100 characters, one line.
pub fn parse_shipping_name(value: &str) -> Result<String, String> {
    let name = value.trim();
    let len = name.chars().count();
    if len == 0 {
        Err("Enter the name of the person receiving the parts.".into())
    } else if len < 2 {
        Err("Enter the full name.".into())
    } else if len > MAX_SHIPPING_NAME {
        Err(format!("Keep the name to {MAX_SHIPPING_NAME} characters."))
    } else if name.chars().any(crate::text::is_hidden_control) {
        Err("The name cannot contain line breaks or control characters.".into())
    } else {
        Ok(name.to_string())
    }
}

/// Checks the address: 10–500 characters, at most 6 lines, no control characters but line
/// breaks. Line endings are normalised and blank lines dropped.
pub fn parse_shipping_address(value: &str) -> Result<String, String> {
    let lines: Vec<&str> = value
        .split('\n')
        .map(|l| l.trim_end_matches('\r').trim())
        .filter(|l| !l.is_empty())
        .collect();
    let address = lines.join("\n");
    let len = address.chars().count();
    if len == 0 {
        Err("Enter the delivery address.".into())
    } else if len < 10 {
        Err("Enter the full address: street and number, postcode, town and country.".into())
    } else if len > MAX_SHIPPING_ADDRESS {
        Err(format!(
            "Keep the address to {MAX_SHIPPING_ADDRESS} characters."
        ))
    } else if lines.len() > 6 {
        Err("Keep the address to at most 6 lines.".into())
    } else if address
        .chars()
        .any(|c| crate::text::is_hidden_control(c) && c != '\n')
    {
        Err("The address cannot contain control characters.".into())
    } else {
        Ok(address)
    }
}

impl Shipping {
    /// Checks both fields; the messages are keyed by the form field names.
    pub fn parse(name: &str, address: &str) -> Result<Self, Vec<(&'static str, String)>> {
        let name = parse_shipping_name(name);
        let address = parse_shipping_address(address);
        match (name, address) {
            (Ok(name), Ok(address)) => Ok(Shipping { name, address }),
            (name, address) => Err([("shipping_name", name), ("shipping_address", address)]
                .into_iter()
                .filter_map(|(field, r)| r.err().map(|m| (field, m)))
                .collect()),
        }
    }
}

/// Checks a checkout's idempotency key: 16–64 letters and digits (the cart page makes them).
pub fn parse_checkout_key(value: &str) -> Result<&str, String> {
    if (16..=64).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Ok(value)
    } else {
        Err("This checkout form has expired. Please reload your cart and try again.".into())
    }
}

/// One line of an order, with the name and unit price as they were at checkout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLine {
    /// The part (it may be archived by now).
    pub part_id: i64,
    /// The part's name at checkout.
    pub name: String,
    /// Units ordered.
    pub quantity: i64,
    /// The price per unit at checkout.
    pub unit_price: Cents,
    /// quantity × unit price.
    pub line_total: Cents,
    /// The part's current picture, if any.
    pub image_key: Option<String>,
}

/// An order as its customer or its supplier sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    /// The database id.
    pub id: i64,
    /// The bank-transfer reference.
    pub reference: String,
    /// Where it stands.
    pub status: OrderStatus,
    /// Which side the viewer is on.
    pub viewer: Party,
    /// The customer's username.
    pub customer: String,
    /// The supplier's username.
    pub supplier: String,
    /// The sum of the lines.
    pub total: Cents,
    /// The recipient.
    pub shipping_name: String,
    /// The delivery address.
    pub shipping_address: String,
    /// When it was placed (Unix seconds), and when each later status was reached.
    pub created_at: i64,
    /// When the customer said it was paid.
    pub paid_at: Option<i64>,
    /// When the supplier shipped it.
    pub shipped_at: Option<i64>,
    /// When the customer confirmed receipt.
    pub completed_at: Option<i64>,
    /// When it was cancelled.
    pub cancelled_at: Option<i64>,
    /// Why it was cancelled, if it was.
    pub cancel_reason: Option<CancelReason>,
    /// The payment deadline (Unix seconds): when it was placed plus the shop's payment window.
    /// An order still awaiting payment then is cancelled and its stock put back on sale. It
    /// comes with the order from the server, so the page reads the same when it is rendered on
    /// the server and when it hydrates.
    pub pay_by: i64,
    /// What was ordered.
    pub lines: Vec<OrderLine>,
}

impl Order {
    /// Units over all lines.
    pub fn units(&self) -> i64 {
        self.lines.iter().map(|l| l.quantity).sum()
    }

    /// Who the other side is, as the viewer reads it: "Sold by …" or "Ordered by …".
    pub fn counterpart(&self) -> String {
        match self.viewer {
            Party::Customer => format!("Sold by {}", self.supplier),
            Party::Supplier => format!("Ordered by {}", self.customer),
        }
    }

    /// Whether the viewer is the customer and still has to pay (bank details are shown).
    pub fn payment_due(&self) -> bool {
        self.viewer == Party::Customer && self.status == OrderStatus::AwaitingPayment
    }

    /// The steps the viewer can take now.
    pub fn actions(&self) -> Vec<(OrderStatus, &'static str)> {
        self.status.actions_for(self.viewer)
    }

    /// Whether it was cancelled because it was not paid in time.
    pub fn expired(&self) -> bool {
        self.status == OrderStatus::Cancelled && self.cancel_reason == Some(CancelReason::NotPaid)
    }

    /// What happens next, in a sentence for the viewer.
    pub fn next_step(&self) -> String {
        if self.expired() {
            format!(
                "Cancelled: not paid by {}. The parts went back on sale.",
                format_time(self.pay_by)
            )
        } else {
            self.status.next_step(self.viewer).to_string()
        }
    }

    /// While it awaits payment: the deadline in a sentence for the viewer.
    pub fn deadline_note(&self) -> Option<String> {
        if self.status != OrderStatus::AwaitingPayment {
            return None;
        }
        let by = format_time(self.pay_by);
        Some(match self.viewer {
            Party::Customer => format!(
                "Pay by {by}. Unpaid orders are cancelled then, and the parts go back on sale."
            ),
            Party::Supplier => format!(
                "If it is not paid by {by}, it is cancelled and the parts go back into your stock."
            ),
        })
    }

    /// The history so far: each reached status with its time, oldest first.
    pub fn timeline(&self) -> Vec<(&'static str, i64)> {
        [
            ("Placed", Some(self.created_at)),
            ("Paid", self.paid_at),
            ("Shipped", self.shipped_at),
            ("Completed", self.completed_at),
            (
                if self.expired() {
                    "Cancelled (not paid in time)"
                } else {
                    "Cancelled"
                },
                self.cancelled_at,
            ),
        ]
        .into_iter()
        .filter_map(|(label, at)| at.map(|at| (label, at)))
        .collect()
    }
}

/// Which orders `/orders` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrdersView {
    /// The orders the viewer placed.
    Purchases,
    /// Orders for the viewer's parts (suppliers), all of them.
    Sales,
    /// Orders for the viewer's parts that are paid and waiting to ship.
    ToShip,
}

impl OrdersView {
    /// Reads the `view` query value; anything unknown is the default for the role.
    pub fn parse(value: &str, is_supplier: bool) -> Self {
        match (value, is_supplier) {
            ("purchases", _) | (_, false) => OrdersView::Purchases,
            ("to_ship", true) => OrdersView::ToShip,
            _ => OrdersView::Sales,
        }
    }

    /// The query value.
    pub fn as_str(self) -> &'static str {
        match self {
            OrdersView::Purchases => "purchases",
            OrdersView::Sales => "sales",
            OrdersView::ToShip => "to_ship",
        }
    }
}

/// One page of `/orders`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrdersList {
    /// What is listed.
    pub view: OrdersView,
    /// Whether the viewer is a supplier (and so has the other views too).
    pub is_supplier: bool,
    /// The orders, newest first.
    pub orders: Vec<Order>,
    /// This page (from 1).
    pub page: u32,
    /// Whether older orders follow.
    pub has_more: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrderStatus::*;

    #[test]
    fn exactly_the_spec_steps_are_allowed() {
        let allowed = [
            (AwaitingPayment, Paid, Party::Customer),
            (AwaitingPayment, Cancelled, Party::Customer),
            (Paid, Shipped, Party::Supplier),
            (Shipped, Completed, Party::Customer),
        ];
        for from in OrderStatus::ALL {
            for to in OrderStatus::ALL {
                for by in [Party::Customer, Party::Supplier] {
                    let result = from.check_step(to, by);
                    assert_eq!(
                        result.is_ok(),
                        allowed.contains(&(from, to, by)),
                        "{from:?} → {to:?} by {by:?}: {result:?}"
                    );
                    if let Err(message) = result {
                        assert!(message.ends_with('.'), "{message}");
                    }
                }
            }
        }
    }

    #[test]
    fn refusals_explain_themselves() {
        assert_eq!(
            AwaitingPayment.check_step(Shipped, Party::Supplier),
            Err("This order cannot be shipped before it is paid.".into())
        );
        assert_eq!(
            Paid.check_step(Shipped, Party::Customer),
            Err("Only the supplier can mark an order as shipped.".into())
        );
        assert_eq!(
            Paid.check_step(Cancelled, Party::Customer),
            Err("Only an order awaiting payment can be cancelled; this one is paid.".into())
        );
        assert_eq!(
            Shipped.check_step(Shipped, Party::Supplier),
            Err("This order is already shipped.".into())
        );
    }

    #[test]
    fn actions_match_the_steps() {
        assert_eq!(
            AwaitingPayment.actions_for(Party::Customer),
            vec![(Paid, "I have paid"), (Cancelled, "Cancel order")]
        );
        assert!(AwaitingPayment.actions_for(Party::Supplier).is_empty());
        assert_eq!(
            Paid.actions_for(Party::Supplier),
            vec![(Shipped, "Mark shipped")]
        );
        assert_eq!(
            Shipped.actions_for(Party::Customer),
            vec![(Completed, "Confirm receipt")]
        );
        assert!(Completed.actions_for(Party::Customer).is_empty());
        for status in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(status.as_str()), Ok(status));
        }
        assert!(OrderStatus::parse("refunded").is_err());
    }

    #[test]
    fn shipping_details_are_checked() {
        assert_eq!(
            Shipping::parse("  Anna Berg ", "Hauptstr. 1\r\n\r\n10115 Berlin\n"),
            Ok(Shipping {
                name: "Anna Berg".into(),
                address: "Hauptstr. 1\n10115 Berlin".into()
            })
        );
        let errors = Shipping::parse("", "x").unwrap_err();
        assert_eq!(
            errors.iter().map(|(f, _)| *f).collect::<Vec<_>>(),
            ["shipping_name", "shipping_address"]
        );
        assert!(parse_shipping_name("A").is_err());
        assert!(parse_shipping_name("Anna\nBerg").is_err());
        assert!(parse_shipping_name(&"x".repeat(101)).is_err());
        assert!(parse_shipping_name("Zoë Ørsted-Łukasz").is_ok());
        assert!(parse_shipping_address("Street 1\u{0}0115 Berlin").is_err());
        assert!(parse_shipping_address("Hauptstr. 1\n\u{202E}nilreB 51101").is_err());
        assert!(parse_shipping_name("Anna \u{202E}greB").is_err());
        assert!(parse_shipping_address(&"y".repeat(501)).is_err());
        assert!(parse_shipping_address("a1\nb2\nc3\nd4\ne5\nf6\ng7").is_err());
    }

    #[test]
    fn checkout_keys_and_references() {
        assert!(parse_checkout_key("abcdefghijklmnop0123").is_ok());
        assert!(parse_checkout_key("short").is_err());
        assert!(parse_checkout_key("abcdefghijklmnop'; --").is_err());
        assert_eq!(payment_reference(42), "PW-000042");
        assert_eq!(payment_reference(1_234_567), "PW-1234567");
    }

    fn order(status: OrderStatus, viewer: Party, cancel_reason: Option<CancelReason>) -> Order {
        Order {
            id: 7,
            reference: payment_reference(7),
            status,
            viewer,
            customer: "anna".into(),
            supplier: "acme".into(),
            total: Cents(1000),
            shipping_name: "Anna Berg".into(),
            shipping_address: "Hauptstr. 1\n10115 Berlin".into(),
            // 2026-11-24 08:00 UTC, and a week later.
            created_at: 1_795_507_200,
            paid_at: None,
            shipped_at: None,
            completed_at: None,
            cancelled_at: (status == Cancelled).then_some(1_796_112_000),
            cancel_reason,
            pay_by: 1_795_507_200 + 7 * 86_400,
            lines: Vec::new(),
        }
    }

    #[test]
    fn an_unpaid_order_names_its_deadline() {
        let unpaid = order(AwaitingPayment, Party::Customer, None);
        assert_eq!(
            unpaid.deadline_note().as_deref(),
            Some(
                "Pay by 1 Dec 2026, 09:00. Unpaid orders are cancelled then, and the parts go \
                 back on sale."
            )
        );
        let supplier = order(AwaitingPayment, Party::Supplier, None);
        assert!(supplier
            .deadline_note()
            .is_some_and(|n| n.starts_with("If it is not paid by 1 Dec 2026, 09:00")));
        for status in [Paid, Shipped, Completed, Cancelled] {
            assert_eq!(order(status, Party::Customer, None).deadline_note(), None);
        }
        assert_eq!(
            unpaid.next_step(),
            AwaitingPayment.next_step(Party::Customer)
        );
    }

    #[test]
    fn an_expired_order_says_it_was_not_paid_in_time() {
        let expired = order(Cancelled, Party::Customer, Some(CancelReason::NotPaid));
        assert!(expired.expired());
        assert_eq!(
            expired.next_step(),
            "Cancelled: not paid by 1 Dec 2026, 09:00. The parts went back on sale."
        );
        assert_eq!(
            expired.timeline().last().map(|(l, _)| *l),
            Some("Cancelled (not paid in time)")
        );
        let by_customer = order(Cancelled, Party::Customer, Some(CancelReason::Customer));
        assert!(!by_customer.expired());
        assert_eq!(
            by_customer.next_step(),
            Cancelled.next_step(Party::Customer)
        );
        assert_eq!(
            by_customer.timeline().last().map(|(l, _)| *l),
            Some("Cancelled")
        );
        for reason in [CancelReason::Customer, CancelReason::NotPaid] {
            assert_eq!(CancelReason::parse(reason.as_str()), Ok(reason));
        }
        assert!(CancelReason::parse("supplier").is_err());
    }

    #[test]
    fn the_unpaid_cap_message_says_how_many_more() {
        assert_eq!(MAX_UNPAID_UNITS_PER_PART, 20);
        assert!(unpaid_cap_message(0).starts_with("At most 20 units of one part"));
        assert!(unpaid_cap_message(15).contains("already hold 15"));
        assert!(unpaid_cap_message(15).contains("you may order 5 more now"));
        assert!(unpaid_cap_message(20).contains("you cannot order more of it now"));
        assert!(unpaid_cap_message(25).contains("already hold 25"));
        for held in [0, 1, 19, 20, 21] {
            assert!(unpaid_cap_message(held).ends_with('.'));
        }
    }

    #[test]
    fn the_orders_view_depends_on_the_role() {
        assert_eq!(OrdersView::parse("sales", false), OrdersView::Purchases);
        assert_eq!(OrdersView::parse("", true), OrdersView::Sales);
        assert_eq!(OrdersView::parse("to_ship", true), OrdersView::ToShip);
        assert_eq!(OrdersView::parse("purchases", true), OrdersView::Purchases);
    }
}
