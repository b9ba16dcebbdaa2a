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

/// The most lines one bulk entry takes (a listing's whole allowance).
pub const MAX_BULK_LINES: usize = 1000;

/// One line of a bulk entry, read but not yet checked against the vehicle tables: the make and
/// model by name, the rest as the editor's fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BulkLine {
    /// Its line number in the text (1-based), for messages.
    pub line: usize,
    pub make: String,
    pub model: String,
    /// The editor's fields (`model` left empty: the caller fills in the model's id).
    pub input: FitmentInput,
}

/// The fields of one line of pasted rows: separated by tabs (a spreadsheet's copy), else by
/// semicolons, else by commas; a field in double quotes may hold the separator ("750Li, Alpina
/// B7") and doubled quotes.
fn split_fields(line: &str) -> Vec<String> {
    let separator = if line.contains('\t') {
        '\t'
    } else if line.contains(';') {
        ';'
    } else {
        ','
    };
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' if quoted => quoted = false,
            '"' if field.trim().is_empty() => {
                field.clear();
                quoted = true;
            }
            c if c == separator && !quoted => fields.push(std::mem::take(&mut field)),
            c => field.push(c),
        }
    }
    fields.push(field);
    fields.into_iter().map(|f| f.trim().to_string()).collect()
}

/// A position as people write it: the stored name ("front_left"), or in words ("front left",
/// "Front axle", "any").
fn bulk_position(text: &str) -> String {
    let words = text.trim().to_lowercase().replace(['-', ' '], "_");
    words.trim_end_matches("_axle").to_string()
}

/// Reads pasted or CSV rows, one fitment a line:
/// `make, model, first year, last year, engine litres, position, per vehicle, note`; all after
/// the first year may be empty or left out. Empty lines, lines starting with `#` and a first
/// line that starts with "make" (a header) are skipped. `Err`: what is wrong, each "Line N: …".
pub fn parse_bulk(text: &str) -> Result<Vec<BulkLine>, Vec<String>> {
    let mut lines = Vec::new();
    let mut problems = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty()
            || trimmed.starts_with('#')
            || (lines.is_empty()
                && problems.is_empty()
                && trimmed.to_lowercase().starts_with("make"))
        {
            continue;
        }
        if lines.len() + problems.len() == MAX_BULK_LINES {
            problems.push(format!(
                "Line {line}: at most {MAX_BULK_LINES} rows at once; send the rest in another go."
            ));
            break;
        }
        let fields = split_fields(trimmed);
        if fields.len() > 8 {
            problems.push(format!(
                "Line {line}: {} fields; a row has at most 8 (make, model, first year, last year, \
                 engine litres, position, per vehicle, note).",
                fields.len()
            ));
            continue;
        }
        let field = |i: usize| fields.get(i).cloned().unwrap_or_default();
        if field(0).is_empty() || field(1).is_empty() || field(2).is_empty() {
            problems.push(format!(
                "Line {line}: a row starts with the make, the model and the first model year."
            ));
            continue;
        }
        lines.push(BulkLine {
            line,
            make: field(0),
            model: field(1),
            input: FitmentInput {
                model: String::new(),
                year_from: field(2),
                year_to: field(3),
                liters: field(4),
                position: bulk_position(&field(5)),
                quantity: field(6),
                note: field(7),
                ..FitmentInput::default()
            },
        });
    }
    if lines.is_empty() && problems.is_empty() {
        problems.push("Paste at least one row: make, model, first year (and the rest).".into());
    }
    if problems.is_empty() {
        Ok(lines)
    } else {
        Err(problems)
    }
}

/// The problems of a bulk entry in one message: the first ten, and how many more.
pub fn bulk_message(problems: &[String]) -> String {
    let mut text = problems
        .iter()
        .take(10)
        .cloned()
        .collect::<Vec<_>>()
        .join(" ");
    if problems.len() > 10 {
        text.push_str(&format!(" … and {} more.", problems.len() - 10));
    }
    format!("Nothing was added. {text}")
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

    #[test]
    fn bulk_rows_are_read_from_csv_tabs_or_semicolons() {
        let text = "make,model,first year,last year,litres,position,per vehicle,note\n\
                    Honda,Civic,2012,2015,1.8,front axle,2\n\
                    \n# a comment\n\
                    Honda;Accord;2014\n\
                    BMW\t\"750Li, Alpina B7\"\t2014\t\t\tfront left\t1\t\"Not for the \"\"M\"\"\"\n";
        let rows = parse_bulk(text).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].line, 2);
        assert_eq!(
            (rows[0].make.as_str(), rows[0].model.as_str()),
            ("Honda", "Civic")
        );
        assert_eq!(rows[0].input.liters, "1.8");
        assert_eq!(rows[0].input.position, "front");
        assert_eq!(rows[0].input.quantity, "2");
        assert_eq!(rows[1].line, 5);
        assert_eq!(rows[1].input.year_to, "");
        assert_eq!(rows[2].model, "750Li, Alpina B7");
        assert_eq!(rows[2].input.position, "front_left");
        assert_eq!(rows[2].input.note, "Not for the \"M\"");
        // Each line's problem, by number; nothing is taken when one is wrong.
        let problems =
            parse_bulk("Honda,Civic\nHonda,Civic,2014,,,,,,,\nHonda,Civic,2014").unwrap_err();
        assert_eq!(problems.len(), 2);
        assert!(
            problems[0].starts_with("Line 1: a row starts with"),
            "{problems:?}"
        );
        assert!(problems[1].starts_with("Line 2: 10 fields"), "{problems:?}");
        assert!(parse_bulk(" \n# only a comment").is_err());
        let many = "Honda,Civic,2014\n".repeat(MAX_BULK_LINES + 5);
        let problems = parse_bulk(&many).unwrap_err();
        assert!(problems[0].contains("at most 1000 rows"), "{problems:?}");
        let message = bulk_message(&vec!["Line 1: x.".to_string(); 12]);
        assert!(message.starts_with("Nothing was added. Line 1: x."));
        assert!(message.ends_with("… and 2 more."));
    }
}
