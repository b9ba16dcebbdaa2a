//! A fitment as a supplier enters it: the editor's fields, checked before anything is stored.
//! Every refusal names its field and says what to type instead.

use super::{Drive, Position, Qualifiers};
use serde::{Deserialize, Serialize};

/// The earliest and latest model years a fitment may name (the vehicle tables' own bounds).
pub const YEARS: std::ops::RangeInclusive<i64> = 1900..=2100;

/// The editor's fields, as typed (every one a string, so that nothing typed is lost when one of
/// them is refused).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FitmentInput {
    /// The model's id (from the make and model lists).
    pub model: String,
    pub year_from: String,
    pub year_to: String,
    /// The engine size in litres ("1.8"), or empty for every engine.
    pub liters: String,
    pub position: String,
    pub quantity: String,
    pub body: String,
    pub drive: String,
    /// Production months, "2014-03", or empty.
    pub built_from: String,
    pub built_to: String,
    pub note: String,
}

/// A checked fitment, ready to store (the model's existence and years are the database's to
/// check).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewFitment {
    pub model_id: i64,
    pub year_from: i64,
    pub year_to: i64,
    pub liters_x10: Option<i64>,
    pub position: Position,
    pub quantity: i64,
    pub qualifiers: Qualifiers,
}

/// A refused field: its name and why.
pub type FieldError = (&'static str, String);

/// Reads "1.8", "1,8", "2" or "1.8 L" as tenths of a litre (0.1 to 20.0 L); empty is `None`.
pub fn parse_liters(text: &str) -> Result<Option<i64>, String> {
    let text = text.trim();
    let text = text
        .strip_suffix(['L', 'l'])
        .map(str::trim_end)
        .unwrap_or(text);
    if text.is_empty() {
        return Ok(None);
    }
    let invalid = || "Enter the engine size in litres, like 1.8, or leave it empty.".to_string();
    let text = text.replace(',', ".");
    let (whole, tenth) = text.split_once('.').unwrap_or((&text, "0"));
    let digits = |s: &str| !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit());
    if !(digits(whole) && tenth.len() == 1 && digits(tenth)) {
        return Err(invalid());
    }
    let liters_x10 = whole.parse::<i64>().map_err(|_| invalid())? * 10
        + tenth.parse::<i64>().map_err(|_| invalid())?;
    if !(1..=200).contains(&liters_x10) {
        return Err("Engine sizes go from 0.1 to 20.0 litres.".into());
    }
    Ok(Some(liters_x10))
}

/// Reads a production month, "2014-03" (or "2014/03", "03/2014"); empty is "".
pub fn parse_month(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(String::new());
    }
    let invalid = || "Enter a month like 2014-03, or leave it empty.".to_string();
    let parts: Vec<&str> = text.split(['-', '/', '.']).collect();
    let (year, month) = match parts.as_slice() {
        [y, m] if y.len() == 4 && (1..=2).contains(&m.len()) => (*y, *m),
        [m, y] if y.len() == 4 && (1..=2).contains(&m.len()) => (*y, *m),
        _ => return Err(invalid()),
    };
    let year: i64 = year.parse().map_err(|_| invalid())?;
    let month: i64 = month.parse().map_err(|_| invalid())?;
    if !YEARS.contains(&year) || !(1..=12).contains(&month) {
        return Err(invalid());
    }
    Ok(format!("{year:04}-{month:02}"))
}

impl FitmentInput {
    /// The fitment these fields describe, or the first refused field.
    pub fn parse(&self) -> Result<NewFitment, FieldError> {
        let model_id = self
            .model
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .ok_or(("model", "Choose the make and then the model.".to_string()))?;
        let year = |field: &'static str, text: &str| {
            text.trim()
                .parse::<i64>()
                .ok()
                .filter(|y| YEARS.contains(y))
                .ok_or((field, "Enter a model year, like 2014.".to_string()))
        };
        let year_from = year("year_from", &self.year_from)?;
        let year_to = if self.year_to.trim().is_empty() {
            year_from
        } else {
            year("year_to", &self.year_to)?
        };
        if year_from > year_to {
            return Err((
                "year_to",
                format!("The last year ({year_to}) is before the first ({year_from})."),
            ));
        }
        let liters_x10 = parse_liters(&self.liters).map_err(|m| ("liters", m))?;
        let position = if self.position.trim().is_empty() {
            Position::Any
        } else {
            Position::parse(self.position.trim())
                .ok_or(("position", "Choose a position from the list.".to_string()))?
        };
        let quantity = if self.quantity.trim().is_empty() {
            1
        } else {
            self.quantity
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|q| (1..=99).contains(q))
                .ok_or((
                    "quantity",
                    "Enter how many one vehicle needs, from 1 to 99.".to_string(),
                ))?
        };
        let body = self.body.trim();
        if body.chars().count() > 40 || body.chars().any(char::is_control) {
            return Err((
                "body",
                "Name the body in up to 40 characters, like Sedan.".into(),
            ));
        }
        let drive = Drive::parse(self.drive.trim())
            .ok_or(("drive", "Choose a drive from the list.".to_string()))?;
        let built_from = parse_month(&self.built_from).map_err(|m| ("built_from", m))?;
        let built_to = parse_month(&self.built_to).map_err(|m| ("built_to", m))?;
        if !built_from.is_empty() && !built_to.is_empty() && built_from > built_to {
            return Err((
                "built_to",
                "The last production month is before the first.".into(),
            ));
        }
        for (field, month) in [("built_from", &built_from), ("built_to", &built_to)] {
            let in_years = month
                .get(..4)
                .and_then(|y| y.parse::<i64>().ok())
                .is_none_or(|y| (year_from - 1..=year_to).contains(&y));
            if !in_years {
                return Err((
                    field,
                    format!(
                        "Production months must fall in the model years {year_from}–{year_to} (or the year before)."
                    ),
                ));
            }
        }
        let note = self.note.trim();
        if note.chars().count() > 200 {
            return Err(("note", "Keep the note to 200 characters.".into()));
        }
        let note: String = note
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        Ok(NewFitment {
            model_id,
            year_from,
            year_to,
            liters_x10,
            position,
            quantity,
            qualifiers: Qualifiers {
                body: body.to_string(),
                drive,
                built_from,
                built_to,
                note,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn civic() -> FitmentInput {
        FitmentInput {
            model: "7".into(),
            year_from: "2012".into(),
            year_to: "2015".into(),
            liters: "1.8".into(),
            position: "front".into(),
            quantity: "2".into(),
            ..FitmentInput::default()
        }
    }

    fn refused(input: FitmentInput) -> &'static str {
        input.parse().unwrap_err().0
    }

    #[test]
    fn a_full_fitment_is_read() {
        let mut input = civic();
        input.body = " Sedan ".into();
        input.drive = "fwd".into();
        input.built_from = "03/2012".into();
        input.note = "Not for the Si".into();
        let fitment = input.parse().unwrap();
        assert_eq!(fitment.model_id, 7);
        assert_eq!((fitment.year_from, fitment.year_to), (2012, 2015));
        assert_eq!(fitment.liters_x10, Some(18));
        assert_eq!(fitment.position, Position::Front);
        assert_eq!(fitment.quantity, 2);
        assert_eq!(fitment.qualifiers.body, "Sedan");
        assert_eq!(fitment.qualifiers.drive, Drive::Fwd);
        assert_eq!(fitment.qualifiers.built_from, "2012-03");
        assert_eq!(fitment.qualifiers.note, "Not for the Si");
    }

    #[test]
    fn empty_optional_fields_take_their_defaults() {
        let input = FitmentInput {
            model: "7".into(),
            year_from: "2014".into(),
            ..FitmentInput::default()
        };
        let fitment = input.parse().unwrap();
        assert_eq!((fitment.year_from, fitment.year_to), (2014, 2014));
        assert_eq!(fitment.liters_x10, None);
        assert_eq!(fitment.position, Position::Any);
        assert_eq!(fitment.quantity, 1);
        assert_eq!(fitment.qualifiers, Qualifiers::default());
    }

    #[test]
    fn impossible_fitments_are_refused_by_field() {
        let with = |f: fn(&mut FitmentInput)| {
            let mut input = civic();
            f(&mut input);
            refused(input)
        };
        assert_eq!(with(|i| i.model = "".into()), "model");
        assert_eq!(with(|i| i.model = "-3".into()), "model");
        assert_eq!(with(|i| i.year_from = "".into()), "year_from");
        assert_eq!(with(|i| i.year_from = "14".into()), "year_from");
        assert_eq!(with(|i| i.year_to = "2011".into()), "year_to");
        assert_eq!(with(|i| i.year_to = "3000".into()), "year_to");
        assert_eq!(with(|i| i.liters = "big".into()), "liters");
        assert_eq!(with(|i| i.liters = "25".into()), "liters");
        assert_eq!(with(|i| i.liters = "1.85".into()), "liters");
        assert_eq!(with(|i| i.position = "roof".into()), "position");
        assert_eq!(with(|i| i.quantity = "0".into()), "quantity");
        assert_eq!(with(|i| i.quantity = "100".into()), "quantity");
        assert_eq!(with(|i| i.drive = "6x6".into()), "drive");
        assert_eq!(with(|i| i.body = "x".repeat(41)), "body");
        assert_eq!(with(|i| i.built_from = "2014-13".into()), "built_from");
        assert_eq!(with(|i| i.built_from = "1999-01".into()), "built_from");
        assert_eq!(
            with(|i| {
                i.built_from = "2015-01".into();
                i.built_to = "2014-12".into();
            }),
            "built_to"
        );
        assert_eq!(with(|i| i.note = "n".repeat(201)), "note");
        let message = {
            let mut input = civic();
            input.year_to = "2011".into();
            input.parse().unwrap_err().1
        };
        assert_eq!(message, "The last year (2011) is before the first (2012).");
    }

    #[test]
    fn engine_sizes_read_as_tenths_of_a_litre() {
        assert_eq!(parse_liters("1.8"), Ok(Some(18)));
        assert_eq!(parse_liters("1,8 L"), Ok(Some(18)));
        assert_eq!(parse_liters(" 2 "), Ok(Some(20)));
        assert_eq!(parse_liters("2.0l"), Ok(Some(20)));
        assert_eq!(parse_liters(""), Ok(None));
        for bad in [
            "0", "0.0", "20.1", "1.", ".8", "1.8.1", "-1", "1e1", "１.８",
        ] {
            assert!(parse_liters(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn months_read_in_either_order() {
        assert_eq!(parse_month("2014-03").unwrap(), "2014-03");
        assert_eq!(parse_month("2014/3").unwrap(), "2014-03");
        assert_eq!(parse_month("03/2014").unwrap(), "2014-03");
        assert_eq!(parse_month(" ").unwrap(), "");
        for bad in ["2014", "2014-00", "2014-13", "14-03", "2014-003", "x-y"] {
            assert!(parse_month(bad).is_err(), "{bad}");
        }
    }
}
