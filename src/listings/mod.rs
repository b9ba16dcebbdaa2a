//! Supplier listings: the reactive listings table and the listing form with picture upload.
//! The parts table belongs to the parts feature; this feature's own queries of it (one
//! supplier's parts) are in `db`.

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod upload;
pub mod view;

use crate::{
    error::{AppError, FieldError},
    parts::{Availability, Cents, DeliveryEstimate},
};
use serde::{Deserialize, Serialize};

/// The largest picture upload (checked in the browser before sending, and on the server).
pub const MAX_IMAGE_BYTES: usize = 5 * 1024 * 1024;

/// The most units a listing may have in stock.
pub use crate::parts::MAX_STOCK;

/// A listing as the supplier's table shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingRow {
    /// Database id.
    pub id: i64,
    /// Product name.
    pub name: String,
    /// Maker.
    pub manufacturer: String,
    /// Model or part number.
    pub model: String,
    /// Current price.
    pub price: Cents,
    /// Units in stock.
    pub stock: i64,
    /// Picture file stem.
    pub image_key: Option<String>,
    /// Out of the catalogue.
    pub archived: bool,
    /// Marked as fitting every vehicle.
    pub universal: bool,
    /// How many fitment rows it has.
    pub fitments: i64,
}

impl ListingRow {
    /// The fitment completeness mark: its text, and whether customers get an answer (universal
    /// or with fitment rows) rather than "no fitment data".
    pub fn fitment_mark(&self) -> (String, bool) {
        match (self.universal, self.fitments) {
            (true, _) => ("Universal".into(), true),
            (false, 0) => ("No fitment".into(), false),
            (false, 1) => ("1 range".into(), true),
            (false, n) => (format!("{n} ranges"), true),
        }
    }

    /// Availability derived from stock.
    pub fn availability(&self) -> Availability {
        Availability::from_stock(self.stock)
    }
}

/// The listing form as typed: every field a string, so a form with errors can be shown again
/// exactly as it was.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ListingInput {
    /// Product name.
    pub name: String,
    /// Maker.
    pub manufacturer: String,
    /// Model or part number.
    pub model: String,
    /// Description.
    pub description: String,
    /// Price in euros, e.g. `64.90`.
    pub price: String,
    /// Units in stock.
    pub stock: String,
    /// One of the delivery estimate spellings.
    pub delivery: String,
}

/// A listing's fields, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingFields {
    /// 1–150 characters.
    pub name: String,
    /// 1–100 characters.
    pub manufacturer: String,
    /// 1–100 characters.
    pub model: String,
    /// 1–5000 characters.
    pub description: String,
    /// €0.01–€1,000,000.00.
    pub price: Cents,
    /// 0–1,000,000.
    pub stock: i64,
    /// Delivery time.
    pub delivery: DeliveryEstimate,
}

/// Checks a text field: trimmed, between `min` and `max` characters, no control characters
/// (line breaks allowed where `multiline`).
pub fn parse_text(
    value: &str,
    what: &str,
    min: usize,
    max: usize,
    multiline: bool,
) -> Result<String, String> {
    let value = value.trim();
    let len = value.chars().count();
    if len < min {
        return Err(format!("Enter the {what}."));
    }
    if len > max {
        return Err(format!(
            "The {what} can have at most {max} characters (this has {len})."
        ));
    }
    let bad = value.chars().any(|c| {
        crate::text::is_hidden_control(c) && !(multiline && matches!(c, '\n' | '\r' | '\t'))
    });
    if bad {
        return Err(format!(
            "The {what} contains characters that cannot be shown."
        ));
    }
    Ok(value.replace("\r\n", "\n"))
}

/// Checks a price typed in euros: €0.01 to €1,000,000.00.
pub fn parse_price(value: &str) -> Result<Cents, String> {
    if value.trim().is_empty() {
        return Err("Enter the price in euros, like 12.99.".into());
    }
    let cents = Cents::parse_euros(value)?;
    if cents.0 < 1 {
        return Err("The price must be at least €0.01.".into());
    }
    Ok(cents)
}

/// Checks a stock count typed as text: a whole number from 0 to 1,000,000.
pub fn parse_stock(value: &str) -> Result<i64, String> {
    let value = value.trim();
    if value.is_empty() {
        return Err("Enter how many are in stock (0 if none).".into());
    }
    match value.parse::<i64>() {
        Ok(n) if (0..=MAX_STOCK).contains(&n) => Ok(n),
        Ok(_) => Err("Stock must be between 0 and 1,000,000.".into()),
        Err(_) => Err("Enter stock as a whole number, like 12.".into()),
    }
}

impl ListingInput {
    /// Validates every field, collecting all messages at once.
    pub fn parse(&self) -> Result<ListingFields, AppError> {
        let mut errors = Vec::new();
        fn take<T>(
            errors: &mut Vec<FieldError>,
            field: &str,
            result: Result<T, String>,
        ) -> Option<T> {
            result
                .map_err(|m| errors.push(FieldError::new(field, m)))
                .ok()
        }
        let e = &mut errors;
        let name = take(e, "name", parse_text(&self.name, "name", 1, 150, false));
        let manufacturer = take(
            e,
            "manufacturer",
            parse_text(&self.manufacturer, "manufacturer", 1, 100, false),
        );
        let model = take(
            e,
            "model",
            parse_text(&self.model, "model or part number", 1, 100, false),
        );
        let description = take(
            e,
            "description",
            parse_text(&self.description, "description", 1, 5000, true),
        );
        let price = take(e, "price", parse_price(&self.price));
        let stock = take(e, "stock", parse_stock(&self.stock));
        let delivery = take(e, "delivery", DeliveryEstimate::parse(&self.delivery));
        match (
            name,
            manufacturer,
            model,
            description,
            price,
            stock,
            delivery,
        ) {
            (
                Some(name),
                Some(manufacturer),
                Some(model),
                Some(description),
                Some(price),
                Some(stock),
                Some(delivery),
            ) => Ok(ListingFields {
                name,
                manufacturer,
                model,
                description,
                price,
                stock,
                delivery,
            }),
            _ => Err(AppError::Validation(errors)),
        }
    }
}

/// What the listing form shows: the values and, after a failed submission, the errors.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ListingFormState {
    /// The listing being edited (`None` for a new one).
    pub id: Option<i64>,
    /// The field values.
    pub input: ListingInput,
    /// The current picture, if any.
    pub image_key: Option<String>,
    /// Per-field messages.
    pub errors: Vec<FieldError>,
    /// A message for the whole form.
    pub form_error: Option<String>,
}

/// A supplier's own part as stored (`db::owned_part`): its fields and its picture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedPart {
    /// What the listing says (the schema's checks hold what the form's rules hold).
    pub fields: ListingFields,
    /// Picture file stem.
    pub image_key: Option<String>,
}

impl ListingFormState {
    /// The form for editing the stored part `id`, filled in as the supplier would type it.
    #[cfg(feature = "ssr")]
    pub fn for_part(id: i64, part: OwnedPart) -> Self {
        let OwnedPart { fields, image_key } = part;
        ListingFormState {
            id: Some(id),
            input: ListingInput {
                name: fields.name,
                manufacturer: fields.manufacturer,
                model: fields.model,
                description: fields.description,
                price: fields.price.euros_input(),
                stock: fields.stock.to_string(),
                delivery: fields.delivery.as_str().to_string(),
            },
            image_key,
            errors: Vec::new(),
            form_error: None,
        }
    }

    /// The message for one field, if any.
    pub fn error(&self, field: &str) -> Option<String> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.clone())
    }
}

/// A listing form that was posted and refused, handed by the upload handler to the page it
/// renders so the form shows again as typed, with its messages.
#[derive(Clone)]
pub struct SubmittedListing(pub ListingFormState);

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> ListingInput {
        ListingInput {
            name: "Brake disc".into(),
            manufacturer: "Brembo".into(),
            model: "BP-123".into(),
            description: "Vented.\r\nFits many cars.".into(),
            price: "64,90".into(),
            stock: "12".into(),
            delivery: "1-2_days".into(),
        }
    }

    #[test]
    fn a_good_listing_parses() {
        let fields = good().parse().unwrap();
        assert_eq!(fields.price, Cents(6490));
        assert_eq!(fields.stock, 12);
        assert_eq!(fields.description, "Vented.\nFits many cars.");
        assert_eq!(fields.delivery, DeliveryEstimate::Days1To2);
    }

    #[test]
    fn every_rule_has_a_message_beside_its_field() {
        let bad = ListingInput {
            name: " ".into(),
            manufacturer: "x".repeat(101),
            model: "bad\u{0}model".into(),
            description: "d".repeat(5001),
            price: "0".into(),
            stock: "-1".into(),
            delivery: "tomorrow".into(),
        };
        let err = bad.parse().unwrap_err();
        for field in [
            "name",
            "manufacturer",
            "model",
            "description",
            "price",
            "stock",
            "delivery",
        ] {
            assert!(err.field_message(field).is_some(), "{field}");
        }
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn a_stored_part_fills_the_form_as_typed() {
        let form = ListingFormState::for_part(
            7,
            OwnedPart {
                fields: ListingFields {
                    name: "Disc".into(),
                    manufacturer: "Brembo".into(),
                    model: "BP-123".into(),
                    description: "Vented.".into(),
                    price: Cents(1999),
                    stock: 12,
                    delivery: DeliveryEstimate::Weeks1To2,
                },
                image_key: Some("k".into()),
            },
        );
        assert_eq!(form.id, Some(7));
        assert_eq!(
            (form.input.price.as_str(), form.input.stock.as_str()),
            ("19.99", "12")
        );
        assert_eq!(form.input.delivery, "1-2_weeks");
        assert_eq!(
            form.input.parse().unwrap().delivery,
            DeliveryEstimate::Weeks1To2
        );
        assert_eq!(form.image_key.as_deref(), Some("k"));
        assert!(form.errors.is_empty() && form.form_error.is_none());
    }

    #[test]
    fn limits_are_inclusive() {
        let mut input = good();
        input.name = "n".repeat(150);
        input.description = "d".repeat(5000);
        input.price = "1000000.00".into();
        input.stock = "1000000".into();
        assert!(input.parse().is_ok());
        input.price = "0.01".into();
        input.stock = "0".into();
        assert!(input.parse().is_ok());
        input.price = "1000000.01".into();
        assert!(input.parse().is_err());
        assert!(parse_stock("1000001").is_err());
        assert!(parse_stock("12.5").is_err());
        assert!(parse_stock("99999999999999999999").is_err());
    }
}
