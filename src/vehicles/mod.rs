//! Vehicles a part can fit: makes, models, model years and engines (NHTSA's vPIC, through
//! `data/vehicles.csv.gz`), and the picker that finds the customer's own.

pub mod api;
pub mod context;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod garage;
pub mod view;
pub mod vin;

/// The cookie that holds the visitor's active vehicle: `<vehicle id>` or
/// `<vehicle id>-<engine id>` for one of the vehicle list, or a typed-in vehicle as a
/// form-encoded `year=…&make=…&model=…` ([`TypedVehicle::cookie_value`]).
pub const VEHICLE_COOKIE: &str = "pw_vehicle";

/// What a [`VEHICLE_COOKIE`] value names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VehicleCookie {
    /// A model year of the vehicle list, and maybe one of its engines.
    Listed(i64, Option<i64>),
    /// A vehicle the list does not have, as the customer typed it.
    Typed(TypedVehicle),
}

impl VehicleCookie {
    /// The cookie's value.
    pub fn value(&self) -> String {
        match self {
            VehicleCookie::Listed(vehicle, engine) => vehicle_cookie_value(*vehicle, *engine),
            VehicleCookie::Typed(typed) => typed.cookie_value(),
        }
    }
}

/// What a [`VEHICLE_COOKIE`] value names, if it is well-formed (a typed-in vehicle passes the
/// same checks as when it was typed).
pub fn parse_vehicle_cookie(value: &str) -> Option<VehicleCookie> {
    if value.contains('=') {
        return TypedVehicle::from_cookie(value).map(VehicleCookie::Typed);
    }
    let id = |s: &str| {
        (!s.is_empty() && s.len() <= 18 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<i64>().ok())
            .flatten()
            .filter(|n| *n > 0)
    };
    match value.split_once('-') {
        Some((vehicle, engine)) => Some(VehicleCookie::Listed(id(vehicle)?, Some(id(engine)?))),
        None => Some(VehicleCookie::Listed(id(value)?, None)),
    }
}

/// The cookie value for a vehicle and maybe its engine.
pub fn vehicle_cookie_value(vehicle_id: i64, engine_id: Option<i64>) -> String {
    match engine_id {
        Some(engine) => format!("{vehicle_id}-{engine}"),
        None => vehicle_id.to_string(),
    }
}

/// The years a typed-in vehicle may have: the first cars to the next model year.
pub const TYPED_YEARS: std::ops::RangeInclusive<i64> = 1886..=2100;

/// The longest make or model name a customer may type (in characters).
pub const TYPED_NAME_MAX: usize = 40;

/// A vehicle the vehicle list does not have (vPIC knows the cars sold in North America; a
/// 2009 Skoda Octavia is not among them), as the customer typed it. Parts cannot be checked
/// against it: each says what it is made for instead.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypedVehicle {
    pub year: i64,
    pub make: String,
    pub model: String,
}

impl TypedVehicle {
    /// Checks what was typed: a year in [`TYPED_YEARS`] and up to `max_year`, a make and a
    /// model of 1 to [`TYPED_NAME_MAX`] characters (letters, digits, spaces and `-./&'+`;
    /// runs of spaces count as one). An error names the field and says what is wrong.
    pub fn new(
        year: &str,
        make: &str,
        model: &str,
        max_year: i64,
    ) -> Result<Self, (&'static str, String)> {
        let year = year
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|y| TYPED_YEARS.contains(y) && *y <= max_year)
            .ok_or_else(|| {
                (
                    "year",
                    format!(
                        "Enter the model year as four digits, {} to {max_year}.",
                        TYPED_YEARS.start()
                    ),
                )
            })?;
        let name = |field: &'static str, what: &str, typed: &str| {
            let clean = typed.split_whitespace().collect::<Vec<_>>().join(" ");
            let length = clean.chars().count();
            if length == 0 {
                return Err((field, format!("Enter the {what}.")));
            }
            if length > TYPED_NAME_MAX {
                return Err((
                    field,
                    format!("The {what} is at most {TYPED_NAME_MAX} characters."),
                ));
            }
            if !clean
                .chars()
                .all(|c| c.is_alphanumeric() || " -./&'+".contains(c))
            {
                return Err((
                    field,
                    format!("The {what} may hold letters, digits, spaces and - . / & ' + only."),
                ));
            }
            Ok(clean)
        };
        Ok(TypedVehicle {
            year,
            make: name("make", "make", make)?,
            model: name("model", "model", model)?,
        })
    }

    /// Its [`VEHICLE_COOKIE`] value: `year=2009&make=Skoda&model=Octavia+RS` (only
    /// characters a cookie may hold).
    pub fn cookie_value(&self) -> String {
        form_urlencoded::Serializer::new(String::new())
            .append_pair("year", &self.year.to_string())
            .append_pair("make", &self.make)
            .append_pair("model", &self.model)
            .finish()
    }

    /// Reads [`TypedVehicle::cookie_value`], with the checks of [`TypedVehicle::new`].
    pub fn from_cookie(value: &str) -> Option<Self> {
        if value.len() > 400 {
            return None;
        }
        let (mut year, mut make, mut model) = (None, None, None);
        for (key, value) in form_urlencoded::parse(value.as_bytes()) {
            let slot = match key.as_ref() {
                "year" => &mut year,
                "make" => &mut make,
                "model" => &mut model,
                _ => return None,
            };
            if slot.replace(value.into_owned()).is_some() {
                return None;
            }
        }
        TypedVehicle::new(&year?, &make?, &model?, *TYPED_YEARS.end()).ok()
    }

    /// The vehicle as pages show it (id 0, no engine, [`Vehicle::typed`]).
    pub fn vehicle(&self) -> Vehicle {
        Vehicle {
            id: 0,
            year: self.year,
            make: self.make.clone(),
            model: self.model.clone(),
            engine: None,
            typed: true,
        }
    }
}

/// What the picker offers for the choices made so far: each list is filled once the choice
/// before it is made (and exists).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PickerChoices {
    pub years: Vec<i64>,
    pub makes: Vec<Choice>,
    /// Model years of the chosen make: each id is a vehicle's.
    pub models: Vec<Choice>,
    pub engines: Vec<Engine>,
}

use serde::{Deserialize, Serialize};

/// An engine a model year was built with; 0 and "" are parts vPIC does not know.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Engine {
    pub id: i64,
    /// Displacement in tenths of a litre (18 = 1.8 L).
    pub liters_x10: i64,
    pub cylinders: i64,
    pub code: String,
}

impl Engine {
    /// "1.8 L", the way engines are told apart in a shop; `None` when the size is not known.
    pub fn size(&self) -> Option<String> {
        (self.liters_x10 > 0)
            .then(|| format!("{}.{} L", self.liters_x10 / 10, self.liters_x10 % 10))
    }

    /// "1.8 L, 4 cylinders (R18A9)": everything known, for the picker.
    pub fn label(&self) -> String {
        let mut parts = Vec::new();
        if let Some(size) = self.size() {
            parts.push(size);
        }
        if self.cylinders > 0 {
            parts.push(format!("{} cylinders", self.cylinders));
        }
        let known = parts.join(", ");
        match (known.is_empty(), self.code.is_empty()) {
            (true, true) => "Engine not known".to_string(),
            (true, false) => format!("Engine {}", self.code),
            (false, true) => known,
            (false, false) => format!("{known} ({})", self.code),
        }
    }
}

/// One model year ("2014 Honda Civic"), with the engine when the customer chose one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vehicle {
    pub id: i64,
    pub year: i64,
    pub make: String,
    pub model: String,
    pub engine: Option<Engine>,
    /// Typed in by the customer, not one of the vehicle list ([`TypedVehicle`]): `id` is 0
    /// and parts cannot be checked against it.
    #[serde(default)]
    pub typed: bool,
}

impl Vehicle {
    /// What tells this vehicle apart in a garage (a form's `vehicle` field): the model year's
    /// id, or a typed-in vehicle's cookie value.
    pub fn garage_key(&self) -> String {
        match self.cookie() {
            VehicleCookie::Listed(id, _) => id.to_string(),
            typed => typed.value(),
        }
    }

    /// What the vehicle cookie holds for it: the model year and its engine, or the vehicle as
    /// typed in.
    pub fn cookie(&self) -> VehicleCookie {
        if self.typed {
            VehicleCookie::Typed(TypedVehicle {
                year: self.year,
                make: self.make.clone(),
                model: self.model.clone(),
            })
        } else {
            VehicleCookie::Listed(self.id, self.engine.as_ref().map(|e| e.id))
        }
    }

    /// "2014 Honda Civic".
    pub fn name(&self) -> String {
        format!("{} {} {}", self.year, self.make, self.model)
    }

    /// "2014 Honda Civic 1.8 L" (the engine's size, or its code, when one is chosen).
    pub fn label(&self) -> String {
        match &self.engine {
            Some(engine) => match engine.size() {
                Some(size) => format!("{} {size}", self.name()),
                None if !engine.code.is_empty() => format!("{} {}", self.name(), engine.code),
                None => self.name(),
            },
            None => self.name(),
        }
    }
}

/// A logged-in customer's garage: the vehicles kept, most recently used first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Garage {
    pub vehicles: Vec<Vehicle>,
    /// The active vehicle's [`Vehicle::garage_key`] (the vehicle cookie's), if one is.
    pub active: Option<String>,
}

/// A choice in the picker: an id and what it is called.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub id: i64,
    pub name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine(liters_x10: i64, cylinders: i64, code: &str) -> Engine {
        Engine {
            id: 1,
            liters_x10,
            cylinders,
            code: code.to_string(),
        }
    }

    #[test]
    fn vehicle_cookies_hold_ids_or_a_typed_vehicle() {
        use VehicleCookie::Listed;
        assert_eq!(parse_vehicle_cookie("12"), Some(Listed(12, None)));
        assert_eq!(parse_vehicle_cookie("12-7"), Some(Listed(12, Some(7))));
        assert_eq!(
            parse_vehicle_cookie(&vehicle_cookie_value(3, Some(4))),
            Some(Listed(3, Some(4)))
        );
        for bad in [
            "",
            "-",
            "12-",
            "-7",
            "0",
            "a",
            "12-x",
            "+5",
            "1 2",
            "99999999999999999999",
            "1-2-3",
            "year=2009&make=Skoda",
            "year=2009&make=Skoda&model=Octavia&model=Fabia",
            "year=2009&make=Skoda&model=Octavia&engine=1",
            "year=1700&make=Skoda&model=Octavia",
            "year=2009&make=Sk%3Coda&model=Octavia",
            "year=2009&make=&model=Octavia",
        ] {
            assert_eq!(parse_vehicle_cookie(bad), None, "{bad}");
        }
        let typed = TypedVehicle::new(" 2009 ", " Škoda ", "Octavia   RS 2.0/TSI", 2027).unwrap();
        assert_eq!(typed.make, "Škoda");
        assert_eq!(typed.model, "Octavia RS 2.0/TSI");
        let value = typed.cookie_value();
        // Only what a cookie value may hold: no spaces, quotes, commas, semicolons, backslashes.
        assert!(
            value
                .bytes()
                .all(|b| b.is_ascii_graphic() && !b"\",;\\".contains(&b)),
            "{value}"
        );
        assert_eq!(
            parse_vehicle_cookie(&value),
            Some(VehicleCookie::Typed(typed.clone()))
        );
        assert_eq!(VehicleCookie::Typed(typed.clone()).value(), value);
        assert_eq!(typed.vehicle().garage_key(), value);
        assert_eq!(typed.vehicle().label(), "2009 Škoda Octavia RS 2.0/TSI");
    }

    #[test]
    fn a_typed_vehicle_is_refused_with_what_is_wrong() {
        let field = |year: &str, make: &str, model: &str| {
            TypedVehicle::new(year, make, model, 2027).unwrap_err().0
        };
        assert_eq!(field("", "Skoda", "Octavia"), "year");
        assert_eq!(field("09", "Skoda", "Octavia"), "year");
        assert_eq!(field("2028", "Skoda", "Octavia"), "year");
        assert_eq!(field("1885", "Skoda", "Octavia"), "year");
        assert_eq!(field("2009", "   ", "Octavia"), "make");
        assert_eq!(field("2009", "Skoda", &"x".repeat(41)), "model");
        assert_eq!(field("2009", "<script>", "Octavia"), "make");
        assert_eq!(field("2009", "Skoda", "Octavia; DROP"), "model");
        let (_, message) = TypedVehicle::new("1700", "Skoda", "Octavia", 2027).unwrap_err();
        assert_eq!(
            message,
            "Enter the model year as four digits, 1886 to 2027."
        );
        assert!(TypedVehicle::new("2009", "Skoda", &"x".repeat(40), 2027).is_ok());
    }

    #[test]
    fn engines_say_what_is_known_of_them() {
        assert_eq!(engine(18, 4, "R18A9").label(), "1.8 L, 4 cylinders (R18A9)");
        assert_eq!(engine(30, 0, "").label(), "3.0 L");
        assert_eq!(engine(0, 6, "").label(), "6 cylinders");
        assert_eq!(engine(0, 0, "J30A4").label(), "Engine J30A4");
        assert_eq!(engine(0, 0, "").label(), "Engine not known");
        assert_eq!(engine(0, 0, "").size(), None);
    }

    #[test]
    fn vehicles_are_named_by_year_make_model_and_engine_size() {
        let mut civic = Vehicle {
            id: 7,
            year: 2014,
            make: "Honda".into(),
            model: "Civic".into(),
            engine: None,
            typed: false,
        };
        assert_eq!(civic.label(), "2014 Honda Civic");
        civic.engine = Some(engine(18, 4, "R18A9"));
        assert_eq!(civic.label(), "2014 Honda Civic 1.8 L");
        civic.engine = Some(engine(0, 0, "LEA2"));
        assert_eq!(civic.label(), "2014 Honda Civic LEA2");
    }
}
