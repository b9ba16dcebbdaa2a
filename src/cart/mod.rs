//! The shopping cart, kept on the server so it survives logout and other devices. This
//! feature owns the cart_items table.

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod page;
pub mod view;

use crate::parts::Cents;
use serde::{Deserialize, Serialize};

/// The most units of one part a cart line may hold (the schema's limit too).
pub const MAX_LINE_QUANTITY: i64 = 1_000_000;

/// Checks a quantity to add or set: a whole number from 1 up.
pub fn parse_quantity(quantity: i64) -> Result<i64, String> {
    if quantity < 1 {
        Err("Choose at least one.".into())
    } else if quantity > MAX_LINE_QUANTITY {
        Err("That is more than anyone stocks.".into())
    } else {
        Ok(quantity)
    }
}

/// Why a cart line cannot be ordered as it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LineIssue {
    /// The supplier took the part out of the catalogue.
    Archived,
    /// None left.
    OutOfStock,
    /// Fewer left than the line holds.
    NotEnoughStock {
        /// Units left.
        stock: i64,
    },
    /// The buyer's own listing.
    OwnPart,
}

impl LineIssue {
    /// What stands in the way of a line of `quantity` units, if anything.
    pub fn of(quantity: i64, stock: i64, archived: bool, own: bool) -> Option<Self> {
        if own {
            Some(LineIssue::OwnPart)
        } else if archived {
            Some(LineIssue::Archived)
        } else if stock <= 0 {
            Some(LineIssue::OutOfStock)
        } else if quantity > stock {
            Some(LineIssue::NotEnoughStock { stock })
        } else {
            None
        }
    }

    /// The issue in a sentence, with what to do.
    pub fn message(self) -> String {
        match self {
            LineIssue::Archived => "No longer sold. Remove it to order the rest.".into(),
            LineIssue::OutOfStock => "Out of stock. Remove it to order the rest.".into(),
            LineIssue::NotEnoughStock { stock } => {
                format!("Only {stock} left. Lower the quantity to order.")
            }
            LineIssue::OwnPart => "Your own listing cannot be bought. Remove it.".into(),
        }
    }
}

/// One line of the cart, with what the cart page shows and checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartLine {
    /// The part.
    pub part_id: i64,
    /// The part's name.
    pub name: String,
    /// The part's maker.
    pub manufacturer: String,
    /// The part number.
    pub model: String,
    /// The seller's shop name.
    pub supplier: String,
    /// The seller.
    pub supplier_id: i64,
    /// The part's picture.
    pub image_key: Option<String>,
    /// The current price per unit.
    pub unit_price: Cents,
    /// Units in the cart.
    pub quantity: i64,
    /// Units in stock now.
    pub stock: i64,
    /// Why the line cannot be ordered, if it cannot.
    pub issue: Option<LineIssue>,
}

impl CartLine {
    /// quantity × current unit price.
    pub fn subtotal(&self) -> Cents {
        Cents(self.unit_price.0.saturating_mul(self.quantity))
    }

    /// The most units the stepper offers: the stock, at least what the line holds now.
    pub fn max_quantity(&self) -> i64 {
        self.stock.clamp(1, MAX_LINE_QUANTITY)
    }
}

/// The cart page's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cart {
    /// The lines, grouped by supplier (each supplier becomes one order).
    pub lines: Vec<CartLine>,
    /// The sum of all line subtotals.
    pub total: Cents,
    /// A fresh idempotency key for this checkout form.
    pub checkout_key: String,
    /// The shipping name of the customer's last order, to start from.
    pub shipping_name: String,
    /// The shipping address of the customer's last order.
    pub shipping_address: String,
}

impl Cart {
    /// Units over all lines.
    pub fn units(&self) -> i64 {
        self.lines.iter().map(|l| l.quantity).sum()
    }

    /// Whether every line can be ordered as it stands.
    pub fn orderable(&self) -> bool {
        !self.lines.is_empty() && self.lines.iter().all(|l| l.issue.is_none())
    }

    /// The lines grouped by supplier, in order of first appearance.
    pub fn by_supplier(&self) -> Vec<(String, Vec<CartLine>)> {
        let mut groups: Vec<(i64, String, Vec<CartLine>)> = Vec::new();
        for line in &self.lines {
            match groups.iter_mut().find(|(id, ..)| *id == line.supplier_id) {
                Some(group) => group.2.push(line.clone()),
                None => groups.push((line.supplier_id, line.supplier.clone(), vec![line.clone()])),
            }
        }
        groups
            .into_iter()
            .map(|(_, name, lines)| (name, lines))
            .collect()
    }
}

/// The sum of the lines' subtotals.
pub fn cart_total(lines: &[CartLine]) -> Cents {
    Cents(
        lines
            .iter()
            .map(|l| l.subtotal().0)
            .fold(0i64, i64::saturating_add),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_issues_in_order_of_weight() {
        assert_eq!(LineIssue::of(2, 5, false, false), None);
        assert_eq!(LineIssue::of(5, 5, false, false), None);
        assert_eq!(
            LineIssue::of(6, 5, false, false),
            Some(LineIssue::NotEnoughStock { stock: 5 })
        );
        assert_eq!(
            LineIssue::of(1, 0, false, false),
            Some(LineIssue::OutOfStock)
        );
        assert_eq!(LineIssue::of(1, 9, true, false), Some(LineIssue::Archived));
        assert_eq!(LineIssue::of(1, 9, true, true), Some(LineIssue::OwnPart));
        assert!(LineIssue::NotEnoughStock { stock: 2 }
            .message()
            .contains("Only 2 left"));
    }

    #[test]
    fn quantities_are_positive_and_bounded() {
        assert!(parse_quantity(0).is_err());
        assert!(parse_quantity(-3).is_err());
        assert_eq!(parse_quantity(1), Ok(1));
        assert!(parse_quantity(1_000_001).is_err());
    }
}
