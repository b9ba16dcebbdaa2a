//! Parts: the listings suppliers put up for sale. This feature owns the parts table.

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod numbers;
pub mod view;

use serde::{Deserialize, Serialize};

/// An amount of money in euro cents. Never a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Cents(pub i64);

impl Cents {
    /// The highest amount PartWatch handles: €1,000,000.00.
    pub const MAX: Cents = Cents(100_000_000);

    /// Reads an amount typed in euros, such as `12`, `12.5`, `12,50`, `€1,234.56`, between 0
    /// and €1,000,000.00.
    pub fn parse_euros(value: &str) -> Result<Cents, String> {
        let invalid = || "Enter an amount in euros, like 12.99.".to_string();
        let cleaned: String = value
            .trim()
            .trim_start_matches('€')
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        // A lone comma followed by one or two digits is a decimal comma; other commas group
        // thousands.
        let normalised = match (cleaned.matches(',').count(), cleaned.contains('.')) {
            (1, false)
                if cleaned
                    .rsplit(',')
                    .next()
                    .is_some_and(|f| (1..=2).contains(&f.len())) =>
            {
                cleaned.replace(',', ".")
            }
            _ => cleaned.replace(',', ""),
        };
        if normalised.ends_with('.') {
            return Err(invalid());
        }
        let (whole, fraction) = normalised.split_once('.').unwrap_or((&normalised, ""));
        let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
        if !digits(whole)
            || whole.len() > 9
            || fraction.len() > 2
            || !(fraction.is_empty() || digits(fraction))
        {
            return Err(invalid());
        }
        let whole: i64 = whole.parse().map_err(|_| invalid())?;
        let fraction: i64 = format!("{fraction:0<2}").parse().map_err(|_| invalid())?;
        let cents = Cents(whole * 100 + fraction);
        if cents > Cents::MAX {
            return Err("Amounts go up to €1,000,000.00.".into());
        }
        Ok(cents)
    }

    /// The amount as a form field shows it: `12.50`.
    pub fn euros_input(self) -> String {
        format!("{}.{:02}", self.0 / 100, self.0 % 100)
    }

    /// The amount as a shop shows it, e.g. `€1,234.50`.
    pub fn display(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let euros = (abs / 100).to_string();
        let mut grouped = String::new();
        for (i, ch) in euros.chars().enumerate() {
            if i > 0 && (euros.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        format!("{sign}€{grouped}.{:02}", abs % 100)
    }
}

/// The most units a part may have in stock (the schema's CHECK says the same).
pub const MAX_STOCK: i64 = 1_000_000;

/// How available a part is, derived from its stock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Availability {
    /// More than five in stock.
    InStock,
    /// One to five in stock.
    LowStock,
    /// None in stock.
    OutOfStock,
}

impl Availability {
    /// The stock level at or below which a part counts as low.
    pub const LOW_STOCK: i64 = 5;

    /// The availability of a part with `stock` units.
    pub fn from_stock(stock: i64) -> Self {
        match stock {
            s if s <= 0 => Availability::OutOfStock,
            s if s <= Self::LOW_STOCK => Availability::LowStock,
            _ => Availability::InStock,
        }
    }

    /// How it is shown.
    pub fn label(self) -> &'static str {
        match self {
            Availability::InStock => "In stock",
            Availability::LowStock => "Low stock",
            Availability::OutOfStock => "Out of stock",
        }
    }

    /// The CSS modifier for its badge.
    pub fn css_class(self) -> &'static str {
        match self {
            Availability::InStock => "badge badge-ok",
            Availability::LowStock => "badge badge-warn",
            Availability::OutOfStock => "badge badge-off",
        }
    }
}

/// How long delivery takes, as a supplier promises it. Stored as the spellings of
/// [`Self::as_str`] (the CHECK constraint's list); reading any other is an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(type_name = "text"))]
pub enum DeliveryEstimate {
    /// 1–2 business days.
    #[cfg_attr(feature = "ssr", sqlx(rename = "1-2_days"))]
    Days1To2,
    /// 3–5 business days.
    #[cfg_attr(feature = "ssr", sqlx(rename = "3-5_days"))]
    Days3To5,
    /// 1–2 weeks.
    #[cfg_attr(feature = "ssr", sqlx(rename = "1-2_weeks"))]
    Weeks1To2,
    /// 2–4 weeks.
    #[cfg_attr(feature = "ssr", sqlx(rename = "2-4_weeks"))]
    Weeks2To4,
}

impl DeliveryEstimate {
    /// Every estimate, fastest first.
    pub const ALL: [DeliveryEstimate; 4] = [
        DeliveryEstimate::Days1To2,
        DeliveryEstimate::Days3To5,
        DeliveryEstimate::Weeks1To2,
        DeliveryEstimate::Weeks2To4,
    ];

    /// The database and form spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryEstimate::Days1To2 => "1-2_days",
            DeliveryEstimate::Days3To5 => "3-5_days",
            DeliveryEstimate::Weeks1To2 => "1-2_weeks",
            DeliveryEstimate::Weeks2To4 => "2-4_weeks",
        }
    }

    /// Reads the database and form spelling.
    pub fn parse(value: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|d| d.as_str() == value)
            .ok_or_else(|| "Choose one of the delivery times offered.".to_string())
    }

    /// How it is shown.
    pub fn label(self) -> &'static str {
        match self {
            DeliveryEstimate::Days1To2 => "1–2 business days",
            DeliveryEstimate::Days3To5 => "3–5 business days",
            DeliveryEstimate::Weeks1To2 => "1–2 weeks",
            DeliveryEstimate::Weeks2To4 => "2–4 weeks",
        }
    }
}

/// A part as a card in a grid shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartSummary {
    /// Database id.
    pub id: i64,
    /// Product name.
    pub name: String,
    /// Maker of the part.
    pub manufacturer: String,
    /// Model or part number.
    pub model: String,
    /// Current price.
    pub price: Cents,
    /// Units in stock.
    pub stock: i64,
    /// Promised delivery time.
    pub delivery: DeliveryEstimate,
    /// Image file stem, if the part has a picture.
    pub image_key: Option<String>,
    /// The supplier's public name.
    pub supplier: String,
    /// The supplier's id (a supplier cannot buy its own parts).
    pub supplier_id: i64,
}

impl PartSummary {
    /// Availability derived from stock.
    pub fn availability(&self) -> Availability {
        Availability::from_stock(self.stock)
    }
}

/// A part with everything its page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartDetail {
    /// What a card shows.
    pub summary: PartSummary,
    /// The supplier's description.
    pub description: String,
    /// Its OEM and cross-reference numbers.
    pub numbers: Vec<numbers::PartNumber>,
}

/// URL of a part's thumbnail, or of the placeholder picture.
pub fn thumb_url(image_key: Option<&str>) -> String {
    match image_key {
        Some(key) => format!("/uploads/{key}-thumb.jpg"),
        None => "/placeholder-part.svg".into(),
    }
}

/// `srcset` of a part's card picture: the thumbnail and, for dense screens and one-column
/// phones, the medium size (`None` for the placeholder, which is a drawing).
pub fn card_srcset(image_key: Option<&str>) -> Option<String> {
    image_key.map(|key| format!("/uploads/{key}-thumb.jpg 400w, /uploads/{key}-800.jpg 800w"))
}

/// `srcset` of a part page's picture: the medium size for phones, the display size for
/// the rest (`None` for the placeholder).
pub fn photo_srcset(image_key: Option<&str>) -> Option<String> {
    image_key.map(|key| format!("/uploads/{key}-800.jpg 800w, /uploads/{key}.jpg 1200w"))
}

/// URL of a part's display-size picture, or of the placeholder picture.
pub fn image_url(image_key: Option<&str>) -> String {
    match image_key {
        Some(key) => format!("/uploads/{key}.jpg"),
        None => "/placeholder-part.svg".into(),
    }
}

/// What a supplier's shop holds at the moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopStats {
    /// Listings in the catalogue.
    pub active_listings: i64,
    /// Archived listings.
    pub archived_listings: i64,
    /// Units in stock across active listings.
    pub units_in_stock: i64,
    /// Active listings with five or fewer units.
    pub low_stock_listings: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_grouped_and_padded() {
        assert_eq!(Cents(0).display(), "€0.00");
        assert_eq!(Cents(5).display(), "€0.05");
        assert_eq!(Cents(12_345).display(), "€123.45");
        assert_eq!(Cents(123_456_789).display(), "€1,234,567.89");
        assert_eq!(Cents(100_000_000).display(), "€1,000,000.00");
        assert_eq!(Cents(-250).display(), "-€2.50");
    }

    #[test]
    fn euros_are_read_in_the_usual_spellings() {
        for (typed, cents) in [
            ("12", 1200),
            ("12.5", 1250),
            ("12.50", 1250),
            ("12,50", 1250),
            ("€ 1,234.56", 123_456),
            ("1,234", 123_400),
            ("0", 0),
            ("0.01", 1),
            ("1000000", 100_000_000),
        ] {
            assert_eq!(Cents::parse_euros(typed), Ok(Cents(cents)), "{typed}");
        }
        for bad in [
            "",
            "abc",
            "1.234",
            "-5",
            "1e9",
            "12.",
            ".5",
            "1000000.01",
            "NaN",
            "99999999999999",
        ] {
            assert!(Cents::parse_euros(bad).is_err(), "{bad} should be refused");
        }
        assert_eq!(Cents(1250).euros_input(), "12.50");
        assert_eq!(Cents::parse_euros(&Cents(7).euros_input()), Ok(Cents(7)));
    }

    #[test]
    fn availability_follows_stock() {
        assert_eq!(Availability::from_stock(0), Availability::OutOfStock);
        assert_eq!(Availability::from_stock(1), Availability::LowStock);
        assert_eq!(Availability::from_stock(5), Availability::LowStock);
        assert_eq!(Availability::from_stock(6), Availability::InStock);
    }

    #[test]
    fn delivery_estimates_round_trip() {
        for d in DeliveryEstimate::ALL {
            assert_eq!(DeliveryEstimate::parse(d.as_str()), Ok(d));
        }
        assert!(DeliveryEstimate::parse("tomorrow").is_err());
    }
}
