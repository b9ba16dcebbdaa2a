//! Vehicle identification numbers (ISO 3779, 17 characters): the checks a VIN must pass before
//! it is looked up, each with a message a customer can act on.

/// A VIN that passed the checks: upper case, 17 characters, valid check digit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vin(String);

/// Why a VIN was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VinError {
    Empty,
    Length(usize),
    /// A character that is never in a VIN (I, O and Q are left out so they are not read as
    /// 1 and 0), with its position (1-based).
    Character(char, usize),
    /// The check digit (position 9) does not match: a typo, or a VIN from outside North
    /// America, where the check digit is not required.
    CheckDigit,
}

impl std::fmt::Display for VinError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VinError::Empty => write!(
                f,
                "Enter the 17-character VIN from your registration or the windscreen."
            ),
            VinError::Length(n) => write!(
                f,
                "A VIN has 17 characters; this one has {n}. Check it on your registration document."
            ),
            VinError::Character(c, at) if matches!(c, 'I' | 'O' | 'Q') => write!(
                f,
                "Character {at} is the letter {c}, which VINs never use: it is probably {}.",
                if *c == 'I' {
                    "the digit 1"
                } else {
                    "the digit 0"
                }
            ),
            VinError::Character(_, at) => write!(
                f,
                "Character {at} is not a letter or digit; a VIN has only those."
            ),
            VinError::CheckDigit => write!(
                f,
                "This VIN's check digit (the 9th character) does not match the others: check it \
                 for a typo. Many VINs from outside North America have no check digit; choose \
                 that vehicle by year, make and model instead."
            ),
        }
    }
}

/// A character's value in the check-digit sum.
fn transliterate(c: char) -> Option<u32> {
    Some(match c {
        '0'..='9' => c as u32 - '0' as u32,
        'A' | 'J' => 1,
        'B' | 'K' | 'S' => 2,
        'C' | 'L' | 'T' => 3,
        'D' | 'M' | 'U' => 4,
        'E' | 'N' | 'V' => 5,
        'F' | 'W' => 6,
        'G' | 'P' | 'X' => 7,
        'H' | 'Y' => 8,
        'R' | 'Z' => 9,
        _ => return None,
    })
}

const WEIGHTS: [u32; 17] = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

/// The check digit the other 16 characters call for ('0'–'9' or 'X').
fn check_digit(chars: &[char; 17]) -> Option<char> {
    let mut sum = 0;
    for (c, w) in chars.iter().zip(WEIGHTS) {
        sum += transliterate(*c)? * w;
    }
    Some(match sum % 11 {
        10 => 'X',
        n => char::from_digit(n, 10)?,
    })
}

impl Vin {
    /// Checks `text` (spaces and dashes ignored, any case).
    pub fn parse(text: &str) -> Result<Vin, VinError> {
        let cleaned: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .flat_map(char::to_uppercase)
            .collect();
        if cleaned.is_empty() {
            return Err(VinError::Empty);
        }
        let count = cleaned.chars().count();
        if count != 17 {
            return Err(VinError::Length(count));
        }
        let chars: Vec<char> = cleaned.chars().collect();
        for (i, c) in chars.iter().enumerate() {
            if !c.is_ascii_alphanumeric() || matches!(c, 'I' | 'O' | 'Q') {
                return Err(VinError::Character(*c, i + 1));
            }
        }
        let array: [char; 17] = chars.try_into().map_err(|_| VinError::Length(count))?;
        if check_digit(&array) != Some(array[8]) {
            return Err(VinError::CheckDigit);
        }
        Ok(Vin(cleaned))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The model year position 10 means. Its code repeats every 30 years ('A' is 1980 or
    /// 2010); for cars and light trucks, position 7 tells the cycle: a letter from 2010 on, a
    /// digit before.
    pub fn model_years(&self) -> Vec<i64> {
        const CODES: &str = "ABCDEFGHJKLMNPRSTVWXY123456789";
        let bytes = self.0.as_bytes();
        let Some(i) = CODES.find(bytes[9] as char) else {
            return Vec::new();
        };
        let early = 1980 + i as i64;
        if bytes[6].is_ascii_alphabetic() {
            vec![early + 30]
        } else {
            vec![early]
        }
    }

    /// The world manufacturer identifier (first three characters).
    pub fn wmi(&self) -> &str {
        &self.0[..3]
    }
}

/// A VIN's vehicle, as NHTSA's vPIC data registers it.
#[derive(Clone, Debug, PartialEq)]
pub struct Decoded {
    pub year: i64,
    pub make: String,
    pub model: String,
    /// Engine displacement in tenths of a litre, when registered.
    pub liters_x10: Option<i64>,
    pub cylinders: Option<i64>,
    /// The engine's code ("J30A4"), when registered.
    pub engine_code: Option<String>,
}

impl Decoded {
    /// "2003 Honda Accord".
    pub fn name(&self) -> String {
        format!("{} {} {}", self.year, self.make, self.model)
    }
}

/// Why a VIN that passed its checks could not be decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// The decoder's tables are missing on this server.
    Unavailable,
    /// Not in the data (a make or model NHTSA does not have: often a VIN from outside North
    /// America), or not to the model.
    Unknown,
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::Unavailable => write!(
                f,
                "Looking up VINs is not available right now. Choose your vehicle by year, make \
                 and model instead."
            ),
            DecodeError::Unknown => write!(
                f,
                "We could not find this VIN in the vehicle data (it covers vehicles sold in North \
                 America). Check it, or choose your vehicle by year, make and model."
            ),
        }
    }
}

/// Decodes `vin` offline with NHTSA's vPIC data (corgi-rs; its tables are read once, from
/// `MAPS_DIR`).
#[cfg(feature = "ssr")]
pub fn decode(vin: &Vin) -> Result<Decoded, DecodeError> {
    use std::sync::OnceLock;
    static DECODER: OnceLock<Option<corgi_rs::VinDecoder>> = OnceLock::new();
    let decoder = DECODER.get_or_init(|| match corgi_rs::VinDecoder::try_new() {
        Ok(decoder) => Some(decoder),
        Err(error) => {
            tracing::error!(%error, "the VIN decoder's tables are missing: set MAPS_DIR");
            None
        }
    });
    let decoder = decoder.as_ref().ok_or(DecodeError::Unavailable)?;
    let info = decoder
        .decode(vin.as_str())
        .map_err(|_| DecodeError::Unknown)?;
    let model = info
        .model
        .filter(|m| !m.trim().is_empty())
        .ok_or(DecodeError::Unknown)?;
    if info.make.trim().is_empty() {
        return Err(DecodeError::Unknown);
    }
    Ok(Decoded {
        year: i64::from(info.year),
        make: info.make,
        model,
        liters_x10: info
            .displacement_l
            .map(|l| (l * 10.0).round() as i64)
            .filter(|l| (1..=200).contains(l)),
        cylinders: info.engine_cylinders.map(i64::from),
        engine_code: info.engine_type.filter(|c| !c.trim().is_empty()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_vins_pass_and_tell_their_model_year() {
        // 2003 Honda Accord EX-V6 (the classic example of the check-digit rule).
        let vin = Vin::parse("1HGCM82633A004352").unwrap();
        assert_eq!(vin.model_years(), [2003]);
        assert_eq!(vin.wmi(), "1HG");
        // Lower case, spaces and dashes are what people type.
        assert_eq!(Vin::parse(" 1hgcm8263-3a004352 ").unwrap(), vin);
        // A check digit of X; position 7 a digit: the earlier cycle ('K' is 1989).
        let x = Vin::parse("1m8gdm9axkp042788").unwrap();
        assert_eq!(x.as_str(), "1M8GDM9AXKP042788");
        assert_eq!(x.model_years(), [1989]);
    }

    #[test]
    fn each_wrong_vin_gets_its_own_reason() {
        assert_eq!(Vin::parse("  "), Err(VinError::Empty));
        assert_eq!(Vin::parse("1HGCM82633A00435"), Err(VinError::Length(16)));
        assert_eq!(
            Vin::parse("1HGCM82633AO04352"),
            Err(VinError::Character('O', 12))
        );
        assert_eq!(
            Vin::parse("1HGCM82633A00435é"),
            Err(VinError::Character('É', 17))
        );
        assert_eq!(Vin::parse("1HGCM82643A004352"), Err(VinError::CheckDigit));
        for e in [
            VinError::Empty,
            VinError::Length(3),
            VinError::Character('O', 12),
            VinError::Character('I', 2),
            VinError::Character('#', 2),
            VinError::CheckDigit,
        ] {
            let text = e.to_string();
            assert!(text.ends_with('.'), "{text}");
        }
        assert!(VinError::Character('O', 12).to_string().contains("digit 0"));
        assert!(VinError::CheckDigit
            .to_string()
            .contains("outside North America"));
    }

    #[test]
    fn the_check_digit_catches_every_single_character_typo_in_an_example() {
        let good = "1HGCM82633A004352";
        let mut caught = 0;
        let mut tried = 0;
        for at in (0..17).filter(|i| *i != 8) {
            for c in "0123456789ABCDEFGHJKLMNPRSTUVWXYZ".chars() {
                let mut typo: Vec<char> = good.chars().collect();
                if typo[at] == c {
                    continue;
                }
                let same_value = transliterate(typo[at]) == transliterate(c);
                typo[at] = c;
                let typo: String = typo.into_iter().collect();
                if !same_value {
                    tried += 1;
                    caught += usize::from(Vin::parse(&typo) == Err(VinError::CheckDigit));
                }
            }
        }
        // A changed value changes the sum by weight × difference, both nonzero and below 11,
        // which is prime: never a multiple of 11, so every such typo is caught.
        assert!(tried > 400);
        assert_eq!(caught, tried);
    }
}

#[cfg(all(test, feature = "ssr"))]
mod decode_tests {
    use super::*;

    #[test]
    fn vins_decode_offline_to_year_make_model_and_engine() {
        let accord = decode(&Vin::parse("1HGCM82633A004352").unwrap()).unwrap();
        assert_eq!(accord.name(), "2003 Honda Accord");
        assert_eq!(accord.liters_x10, Some(30));
        assert_eq!(accord.cylinders, Some(6));
        assert_eq!(accord.engine_code.as_deref(), Some("J30A4"));
        // A valid check digit on a VIN the data does not know.
        let unknown = with_check_digit("9ZZZZ99999Z000001");
        assert_eq!(
            decode(&Vin::parse(&unknown).unwrap()),
            Err(DecodeError::Unknown)
        );
    }
}

/// `vin` (17 VIN characters) with its check digit (position 9) made right: for tests.
pub fn with_check_digit(vin: &str) -> String {
    let mut chars: Vec<char> = vin.chars().collect();
    let array: [char; 17] = chars.clone().try_into().expect("17 characters");
    chars[8] = check_digit(&array).expect("VIN characters");
    chars.into_iter().collect()
}
