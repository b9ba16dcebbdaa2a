//! Accounts: registration, login, logout and the profile.
//!
//! The validated values here are compiled for the browser too, so forms check what the user
//! typed before sending it, with the very rules the server applies.

pub mod api;
#[cfg(feature = "ssr")]
pub mod backend;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod password;
pub mod session;
pub mod view;

use crate::error::{AppError, FieldError};
use serde::{Deserialize, Serialize};
use std::fmt;

/// What an account may do. Chosen at registration. Stored as [`Role::as_str`] spells it (the
/// CHECK constraint's list); reading any other spelling is an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "text", rename_all = "snake_case")
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Buys parts.
    Customer,
    /// Lists parts for sale, and may buy other suppliers' parts.
    Supplier,
}

impl Role {
    /// Reads the form and database spelling (`customer`, `supplier`).
    pub fn parse(value: &str) -> Result<Self, String> {
        match value.trim() {
            "customer" => Ok(Role::Customer),
            "supplier" => Ok(Role::Supplier),
            _ => Err("Choose whether you want to buy or to sell parts.".into()),
        }
    }

    /// The database and form spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::Supplier => "supplier",
        }
    }

    /// How the role is shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Role::Customer => "Customer",
            Role::Supplier => "Supplier",
        }
    }
}

/// A username: 3–32 characters, letters, digits, `_`, `-` and `.`, starting with a letter or
/// digit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    /// Validates a username as typed (surrounding spaces are ignored).
    pub fn parse(value: &str) -> Result<Self, String> {
        let value = value.trim();
        let len = value.chars().count();
        if len < 3 {
            return Err("Usernames have at least 3 characters.".into());
        }
        if len > 32 {
            return Err("Usernames have at most 32 characters.".into());
        }
        if !value.chars().next().is_some_and(char::is_alphanumeric) {
            return Err("Start the username with a letter or a digit.".into());
        }
        if !value
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
        {
            return Err("Use only letters, digits, '_', '-' and '.' in the username.".into());
        }
        #[cfg(feature = "ssr")]
        {
            use unicode_security::MixedScript;
            // "NordBrаke" with a Cyrillic а reads as "NordBrake": a shop's name is what
            // customers trust, so one name keeps to one alphabet.
            if !value.is_single_script() {
                return Err(
                    "Use letters of one alphabet only: this name mixes alphabets (for example \
                     Latin and Cyrillic letters that look alike)."
                        .into(),
                );
            }
        }
        Ok(Self(value.to_owned()))
    }

    /// What the name looks like, for finding look-alikes: its confusable skeleton (Unicode
    /// TS #39: Cyrillic "а" and Latin "a", "0" and "O", "rn" and "m" become the same) with
    /// letter case ignored. Two names with one skeleton cannot both exist.
    #[cfg(feature = "ssr")]
    pub fn skeleton(&self) -> String {
        Self::skeleton_of(&self.0)
    }

    /// [`Username::skeleton`] of a stored name.
    #[cfg(feature = "ssr")]
    pub fn skeleton_of(name: &str) -> String {
        unicode_security::skeleton(name)
            .collect::<String>()
            .to_lowercase()
    }

    /// The username.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An email address, trimmed and lower-cased (addresses are unique regardless of case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Validates an email address as typed.
    pub fn parse(value: &str) -> Result<Self, String> {
        let value = value.trim().to_lowercase();
        if value.is_empty() {
            return Err("Enter your email address.".into());
        }
        if value.chars().count() > 254 {
            return Err("Email addresses have at most 254 characters.".into());
        }
        let invalid = || "Enter a valid email address, like name@example.com.".to_string();
        let (local, domain) = value.split_once('@').ok_or_else(invalid)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !domain.contains('@');
        if local.is_empty()
            || !domain_ok
            || value.chars().any(|c| {
                c.is_whitespace()
                    || crate::text::is_hidden_control(c)
                    || matches!(c, '<' | '>' | '"')
            })
        {
            return Err(invalid());
        }
        Ok(Self(value))
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password: 8–128 characters of any kind, taken exactly as typed (never trimmed or
/// truncated).
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// The most common passwords of 8 characters or more (from the public breach-frequency lists),
/// plus the obvious ones for this shop. Compared ignoring case and surrounding spaces.
const COMMON_PASSWORDS: &[&str] = &[
    "password",
    "12345678",
    "123456789",
    "1234567890",
    "12345678910",
    "qwertyuiop",
    "qwerty123",
    "password1",
    "password12",
    "password123",
    "passw0rd",
    "p@ssw0rd",
    "p@ssword",
    "iloveyou",
    "iloveyou1",
    "11111111",
    "00000000",
    "88888888",
    "12341234",
    "87654321",
    "11223344",
    "abc12345",
    "abcd1234",
    "1q2w3e4r",
    "1q2w3e4r5t",
    "1qaz2wsx",
    "zaq12wsx",
    "q1w2e3r4",
    "qwertyui",
    "asdfghjk",
    "asdfasdf",
    "zxcvbnm1",
    "sunshine",
    "princess",
    "football",
    "baseball",
    "basketball",
    "welcome1",
    "welcome123",
    "superman",
    "batman123",
    "trustno1",
    "letmein1",
    "letmein123",
    "starwars",
    "whatever",
    "dragon123",
    "computer",
    "michelle",
    "jennifer",
    "corvette",
    "mercedes",
    "mustang1",
    "porsche1",
    "ferrari1",
    "123qweasd",
    "qwe123qwe",
    "aa123456",
    "a1234567",
    "1234qwer",
    "qwer1234",
    "changeme",
    "changeme1",
    "secret123",
    "admin123",
    "administrator",
    "master123",
    "monkey123",
    "shadow123",
    "liverpool",
    "chelsea1",
    "arsenal1",
    "charlie1",
    "michael1",
    "jordan23",
    "hello123",
    "freedom1",
    "pokemon1",
    "blink182",
    "partwatch",
    "partwatch1",
    "partwatch123",
    "autoparts",
    "carparts1",
    "mechanic",
    "motorrad",
    "passwort",
    "passwort1",
    "hallo123",
    "schalke04",
    "fussball",
    "ichliebedich",
    "qwertzuiop",
    "123456789a",
];

/// Why a password is too easy to guess, if it is: Dropbox's zxcvbn estimate (its list of the
/// 30,000 most common passwords from breaches, plus words, names, keyboard rows, repeats,
/// sequences and dates) below a million guesses, which is what an attacker tries first. The
/// answer says why and what to do instead. Server only: the list stays out of the browser's
/// download; the form shows the server's answer.
#[cfg(feature = "ssr")]
fn guessable(value: &str) -> Option<String> {
    // zxcvbn multiplies its guess counts without checking for overflow (a long keyboard
    // pattern such as "/*/*/*…" goes past u64): a count too large to hold is no weak password.
    // Overflow checks are on for it in every profile (Cargo.toml), so such a count panics
    // here rather than wrapping round to a small number.
    let estimate = std::panic::catch_unwind(|| zxcvbn::zxcvbn(value, &[])).ok()?;
    if estimate.score() >= zxcvbn::Score::Two {
        return None;
    }
    let mut message = String::from("Attackers would guess this password quickly.");
    if let Some(feedback) = estimate.feedback() {
        if let Some(warning) = feedback.warning() {
            message.push(' ');
            message.push_str(&warning.to_string());
        }
        for suggestion in feedback.suggestions() {
            message.push(' ');
            message.push_str(&suggestion.to_string());
        }
    } else {
        message.push_str(" Add another word or two. Uncommon words are better.");
    }
    Some(message)
}

impl Password {
    /// Validates a new password: 8–128 characters, not one of the most common passwords and
    /// not a single character repeated.
    pub fn parse(value: &str) -> Result<Self, String> {
        let len = value.chars().count();
        if len < 8 {
            return Err("Passwords have at least 8 characters.".into());
        }
        if len > 128 {
            return Err("Passwords have at most 128 characters.".into());
        }
        let folded = value.trim().to_lowercase();
        let mut chars = value.chars();
        let first = chars.next();
        if COMMON_PASSWORDS.contains(&folded.as_str()) || chars.all(|c| Some(c) == first) {
            return Err(
                "This password is one of the first that attackers try. Please choose another."
                    .into(),
            );
        }
        #[cfg(feature = "ssr")]
        if let Some(why) = guessable(value) {
            return Err(why);
        }
        Ok(Self(value.to_owned()))
    }

    /// Validates a new password and its repetition together.
    pub fn parse_confirmed(value: &str, confirm: &str) -> Result<Self, String> {
        let password = Self::parse(value)?;
        if value != confirm {
            return Err("The two passwords do not match.".into());
        }
        Ok(password)
    }

    /// The password as typed.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// The logged-in user as pages see it: no password hash, nothing private beyond the email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    /// Database id.
    pub id: i64,
    /// Public name.
    pub username: String,
    /// Login email (shown on the profile page only).
    pub email: String,
    /// What the user may do.
    pub role: Role,
}

impl SessionUser {
    /// Whether the user may manage listings.
    pub fn is_supplier(&self) -> bool {
        self.role == Role::Supplier
    }
}

/// A validated registration form.
#[derive(Debug, Clone)]
pub struct NewAccount {
    /// Public name.
    pub username: Username,
    /// Login email.
    pub email: Email,
    /// Password as typed.
    pub password: Password,
    /// Customer or supplier.
    pub role: Role,
}

impl NewAccount {
    /// Validates every field of the registration form, collecting all messages at once.
    pub fn parse(
        username: &str,
        email: &str,
        password: &str,
        password_confirm: &str,
        role: &str,
    ) -> Result<Self, AppError> {
        let mut errors = Vec::new();
        let username = Username::parse(username)
            .map_err(|m| errors.push(FieldError::new("username", m)))
            .ok();
        let email = Email::parse(email)
            .map_err(|m| errors.push(FieldError::new("email", m)))
            .ok();
        let password = Password::parse(password)
            .map_err(|m| errors.push(FieldError::new("password", m)))
            .ok();
        if password.is_some() && password_confirm != password.as_ref().map_or("", |p| p.expose()) {
            errors.push(FieldError::new(
                "password_confirm",
                "The two passwords do not match.",
            ));
        }
        let role = Role::parse(role)
            .map_err(|m| errors.push(FieldError::new("role", m)))
            .ok();
        match (username, email, password, role) {
            (Some(username), Some(email), Some(password), Some(role)) if errors.is_empty() => {
                Ok(Self {
                    username,
                    email,
                    password,
                    role,
                })
            }
            _ => Err(AppError::Validation(errors)),
        }
    }
}

/// Where to go after logging in: only a path on this site, otherwise the home page.
///
/// Refuses absolute URLs, protocol-relative `//host` and `/\host` forms, and anything with
/// control characters, so a crafted login link cannot send the user elsewhere.
pub fn safe_next_path(next: Option<&str>) -> String {
    let Some(next) = next.map(str::trim).filter(|n| !n.is_empty()) else {
        return "/".into();
    };
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.chars().any(|c| c.is_control() || c == '\\')
        && next.len() <= 2048
        && !next.starts_with("/login")
        && !next.starts_with("/register");
    if ok {
        next.to_owned()
    } else {
        "/".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_follow_the_rules() {
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse("abc").is_ok());
        assert!(Username::parse(&"a".repeat(32)).is_ok());
        assert!(Username::parse(&"a".repeat(33)).is_err());
        assert!(Username::parse("_abc").is_err());
        assert!(Username::parse("has space").is_err());
        assert!(Username::parse("<script>").is_err());
        assert_eq!(Username::parse("  jörg.m  ").unwrap().as_str(), "jörg.m");
    }

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse(" Ann@Example.COM ").unwrap().as_str(),
            "ann@example.com"
        );
        for bad in [
            "",
            "ann",
            "ann@",
            "@example.com",
            "ann@example",
            "ann@.example.com",
            "a b@example.com",
            "ann@example..com",
            "a@b@c.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn common_and_repeated_passwords_are_refused() {
        for weak in [
            "password",
            "PASSWORD1",
            " 12345678 ",
            "Passw0rd",
            "iloveyou",
            "aaaaaaaaaa",
            "ääääääää",
        ] {
            let message = Password::parse(weak).unwrap_err();
            assert!(message.contains("attackers try"), "{weak}: {message}");
        }
        assert!(Password::parse("partwatch-demo").is_ok());
        assert!(Password::parse("correct horse battery").is_ok());
        for listed in COMMON_PASSWORDS {
            assert!(
                listed.chars().count() >= 8,
                "{listed} is refused for length anyway"
            );
            assert_eq!(*listed, listed.to_lowercase());
        }
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn guessable_passwords_are_refused_saying_why_and_what_to_do() {
        // Each passed the old list of about a hundred.
        for (weak, why) in [
            ("123123123", "Repeats like"),
            ("987654321", "commonly used password"),
            ("asdfghjkl", "very common password"),
            ("qazwsxedc", "very common password"),
            ("monkey2020", ""),
            ("Liverpool1", ""),
            ("23456781", "Sequences like abc"),
        ] {
            let message = Password::parse(weak).unwrap_err();
            assert!(
                message.starts_with("Attackers would guess this password quickly.")
                    && message.contains(why)
                    && message.contains("Add another word or two"),
                "{weak}: {message}"
            );
        }
        // Passphrases and the passwords the demo and the tests use still pass; so does a
        // password whose estimate overflows zxcvbn's counters (found by the fuzz test).
        for fine in [
            "/*/*/*/*/*/*/*/*/*/*/*/*/*/*/*",
            "correct horse battery",
            "partwatch-demo",
            "a-long-password",
            "brand-new-password",
            "cancel-me-please",
            "taken-over-1",
            "Zylinderkopf-7",
        ] {
            assert!(Password::parse(fine).is_ok(), "{fine}");
        }
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn usernames_keep_to_one_alphabet_and_look_alikes_share_a_skeleton() {
        let cyrillic_a = "NordBr\u{430}ke";
        let message = Username::parse(cyrillic_a).unwrap_err();
        assert!(message.contains("one alphabet"), "{message}");
        // One alphabet of any kind is fine, with digits and separators.
        for fine in ["jörg.m", "Иван_2", "李明商店", "NordBrake-2"] {
            assert!(Username::parse(fine).is_ok(), "{fine}");
        }
        let skeleton = |name: &str| Username::parse(name).unwrap().skeleton();
        assert_eq!(skeleton("NordBrake"), skeleton("nordbrake"));
        assert_eq!(skeleton("NordBrake"), skeleton("N0RDBRAKE"));
        assert_eq!(skeleton("nordbrake"), skeleton("n0rdbrake"));
        assert_eq!(skeleton("Brembo"), skeleton("Brernbo"));
        // All-Cyrillic "ВОСН" reads as Latin "BOCH".
        assert_eq!(skeleton("BOCH"), skeleton("\u{412}\u{41e}\u{421}\u{41d}"));
        assert_ne!(skeleton("NordBrake"), skeleton("NordBrakes"));
    }

    #[test]
    fn passwords_count_characters_not_bytes() {
        assert!(Password::parse("1234567").is_err());
        assert!(Password::parse("tq8-vxz4").is_ok());
        // Eight multi-byte characters are eight characters.
        assert!(Password::parse("äöüßÄÖÜé").is_ok());
        assert!(Password::parse("äöü").is_err());
        // 128 characters that are not a pattern.
        let mut seed = 7u32;
        let long: String = (0..128)
            .map(|_| {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                char::from(b'a' + ((seed >> 16) % 26) as u8)
            })
            .collect();
        assert!(Password::parse(&long).is_ok());
        assert!(Password::parse(&"xy".repeat(64).replace("xyxy", "xyxyz")).is_err());
        // Spaces are kept, never trimmed.
        assert_eq!(
            Password::parse(" spaced gearbox  ").unwrap().expose(),
            " spaced gearbox  "
        );
        assert!(Password::parse_confirmed("23456781", "23456782").is_err());
        assert!(format!("{:?}", Password::parse("secret-gearbox-pw").unwrap()).contains("***"));
    }

    #[test]
    fn registration_reports_every_bad_field() {
        let err = NewAccount::parse("x", "nope", "short", "other", "admin").unwrap_err();
        for field in ["username", "email", "password", "role"] {
            assert!(err.field_message(field).is_some(), "{field} missing");
        }
        let err = NewAccount::parse("anna", "a@b.de", "long enough", "long enougH", "customer")
            .unwrap_err();
        assert!(err.field_message("password_confirm").is_some());
        assert!(
            NewAccount::parse("anna", "a@b.de", "long enough", "long enough", "supplier").is_ok()
        );
    }

    #[test]
    fn next_path_stays_on_site() {
        assert_eq!(safe_next_path(Some("/catalogue?q=x")), "/catalogue?q=x");
        assert_eq!(safe_next_path(None), "/");
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "javascript:alert(1)",
            "/login",
            "/x\u{7}y",
            "/a\r\nSet-Cookie: x",
        ] {
            assert_eq!(safe_next_path(Some(bad)), "/", "{bad}");
        }
    }
}
