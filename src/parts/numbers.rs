//! A listing's OEM and cross-reference numbers (migrations: sqlite 0011, postgres 0008): the
//! vehicle maker's number for the part, or another parts maker's equivalent. The catalogue
//! finds a part by any of them (separators and case ignored, as its own number).

use serde::{Deserialize, Serialize};

/// The most numbers one listing carries.
pub const MAX_PER_PART: i64 = 50;

/// Whose number it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NumberKind {
    /// The vehicle maker's (original equipment) number.
    Oem,
    /// Another parts maker's number for the same part.
    Cross,
}

impl NumberKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NumberKind::Oem => "oem",
            NumberKind::Cross => "cross",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "oem" => Some(NumberKind::Oem),
            "cross" => Some(NumberKind::Cross),
            _ => None,
        }
    }

    /// "OEM number", for lists.
    pub fn label(self) -> &'static str {
        match self {
            NumberKind::Oem => "OEM number",
            NumberKind::Cross => "Cross-reference",
        }
    }
}

/// One number of a listing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartNumber {
    pub id: i64,
    pub kind: NumberKind,
    /// "Honda", "ATE".
    pub maker: String,
    /// As printed: "45022-TR0-A00".
    pub number: String,
}

/// A number to add, checked ([`NewNumber::parse`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewNumber {
    pub kind: NumberKind,
    pub maker: String,
    pub number: String,
    /// The number as searches read it (`text::normalize_part_number`).
    pub key: String,
}

impl NewNumber {
    /// Reads the editor's fields; `Err` names the field and says what is wrong.
    pub fn parse(
        kind: &str,
        maker: &str,
        number: &str,
    ) -> Result<NewNumber, (&'static str, String)> {
        let kind = NumberKind::parse(kind).ok_or_else(|| {
            (
                "kind",
                String::from("Choose OEM number or cross-reference."),
            )
        })?;
        let clean = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let (maker, number) = (clean(maker), clean(number));
        if maker.is_empty() {
            return Err((
                "maker",
                String::from("Whose number is it? Enter the maker (Honda, ATE, …)."),
            ));
        }
        if maker.chars().count() > 60 || maker.chars().any(char::is_control) {
            return Err((
                "maker",
                String::from(
                    "A maker's name has at most 60 characters, without control characters.",
                ),
            ));
        }
        let key = crate::text::normalize_part_number(&number);
        if key.is_empty() {
            return Err(("number", String::from("Enter the number as printed.")));
        }
        if number.chars().count() > 60 || !key.chars().all(char::is_alphanumeric) {
            return Err((
                "number",
                String::from(
                    "A part number has letters, digits and the separators - . / _ and space, at \
                     most 60 characters.",
                ),
            ));
        }
        Ok(NewNumber {
            kind,
            maker,
            number,
            key,
        })
    }
}

#[cfg(feature = "ssr")]
pub mod db {
    //! Part numbers in the database.
    use super::{NewNumber, NumberKind, PartNumber, MAX_PER_PART};
    use crate::server::db::{DbExecutor, DbPool};

    /// A listing's numbers, OEM first, each kind by maker and number.
    pub async fn of_part(db: impl DbExecutor<'_>, part_id: i64) -> sqlx::Result<Vec<PartNumber>> {
        let rows = crate::db_query!(
            r#"SELECT id AS "id!", kind, maker, number FROM part_numbers WHERE part_id = $1
               ORDER BY kind DESC, maker, number, id"#,
            part_id
        )
        .fetch_all(db)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| PartNumber {
                id: r.id,
                // The table's check admits only the names this reads.
                kind: NumberKind::parse(&r.kind).unwrap_or(NumberKind::Cross),
                maker: r.maker,
                number: r.number,
            })
            .collect())
    }

    /// What adding a number did.
    #[derive(Debug, PartialEq, Eq)]
    pub enum AddedNumber {
        Id(i64),
        /// The listing carries this number (separators and case aside) already.
        Duplicate,
        /// The listing carries [`MAX_PER_PART`] numbers already.
        Full,
        /// The part is not the supplier's.
        NotYours,
    }

    /// Adds a number to `supplier_id`'s listing `part_id`.
    pub async fn add(
        pool: &DbPool,
        part_id: i64,
        supplier_id: i64,
        new: &NewNumber,
    ) -> sqlx::Result<AddedNumber> {
        // The write lock first (SQLite), so the checks cannot change before the row goes in.
        let mut tx = crate::server::db::begin_write(pool, Some(supplier_id)).await?;
        let owned = crate::db_query_scalar!(
            r#"SELECT COUNT(*) AS "n!: i64" FROM parts WHERE id = $1 AND supplier_id = $2"#,
            part_id,
            supplier_id
        )
        .fetch_one(&mut *tx)
        .await?;
        if owned == 0 {
            tx.rollback().await?;
            return Ok(AddedNumber::NotYours);
        }
        let existing = crate::db_query!(
            r#"SELECT COUNT(*) AS "n!: i64",
                      COUNT(*) FILTER (WHERE number_key = $2) AS "same!: i64"
               FROM part_numbers WHERE part_id = $1"#,
            part_id,
            new.key
        )
        .fetch_one(&mut *tx)
        .await?;
        if existing.same > 0 {
            tx.rollback().await?;
            return Ok(AddedNumber::Duplicate);
        }
        if existing.n >= MAX_PER_PART {
            tx.rollback().await?;
            return Ok(AddedNumber::Full);
        }
        let kind = new.kind.as_str();
        let id = crate::db_query_scalar!(
            r#"INSERT INTO part_numbers (part_id, kind, maker, number, number_key)
               VALUES ($1, $2, $3, $4, $5) RETURNING id AS "id!""#,
            part_id,
            kind,
            new.maker,
            new.number,
            new.key
        )
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(AddedNumber::Id(id))
    }

    /// Removes number `id` from `supplier_id`'s listing `part_id`; whether it did.
    pub async fn remove(
        db: impl DbExecutor<'_>,
        part_id: i64,
        supplier_id: i64,
        id: i64,
    ) -> sqlx::Result<bool> {
        let done = crate::db_query!(
            "DELETE FROM part_numbers WHERE id = $1 AND part_id = $2 \
             AND part_id IN (SELECT id FROM parts WHERE supplier_id = $3)",
            id,
            part_id,
            supplier_id
        )
        .execute(db)
        .await?;
        Ok(done.rows_affected() > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_read_as_printed_and_keyed_as_searched() {
        let n = NewNumber::parse("oem", " Honda ", " 45022-TR0-A00 ").unwrap();
        assert_eq!(n.kind, NumberKind::Oem);
        assert_eq!(n.maker, "Honda");
        assert_eq!(n.number, "45022-TR0-A00");
        assert_eq!(n.key, "45022tr0a00");
        let n = NewNumber::parse("cross", "ATE", "13.0460-5671.2").unwrap();
        assert_eq!(n.key, "13046056712");
        let field = |r: Result<NewNumber, (&'static str, String)>| r.unwrap_err().0;
        assert_eq!(field(NewNumber::parse("both", "ATE", "1")), "kind");
        assert_eq!(field(NewNumber::parse("oem", " ", "1")), "maker");
        assert_eq!(field(NewNumber::parse("oem", "Honda", " - . ")), "number");
        assert_eq!(
            field(NewNumber::parse("oem", "Honda", "45022#TR0")),
            "number"
        );
        assert_eq!(
            field(NewNumber::parse("oem", "Honda", &"1".repeat(61))),
            "number"
        );
        assert_eq!(
            field(NewNumber::parse("oem", &"H".repeat(61), "1")),
            "maker"
        );
    }
}
