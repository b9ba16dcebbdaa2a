//! The shopping cart, kept on the server so it survives logout and other devices. This
//! feature owns the cart_items table.

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod view;

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

#[cfg(test)]
mod tests {
    use super::parse_quantity;

    #[test]
    fn quantities_are_positive_and_bounded() {
        assert!(parse_quantity(0).is_err());
        assert!(parse_quantity(-3).is_err());
        assert_eq!(parse_quantity(1), Ok(1));
        assert!(parse_quantity(1_000_001).is_err());
    }
}
