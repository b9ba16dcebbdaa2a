//! The catalogue as the sets kept in memory see it (the parts that fit a vehicle, `fitset`; a
//! word query's matches, `wordset`): its generation, the count of part edits, and the newest
//! part, read once per request; and the log of edited parts that brings a kept set up to date
//! (`part_edits`, migrations `0017` on SQLite, `0014` on PostgreSQL).
//!
//! Triggers log each part edited in a way that may move it into or out of a kept set (archived
//! or restored, made universal or not, given another maker, name, model or description,
//! deleted; a new universal part) under the next count. A set knows the count it is current
//! to: when the count has moved on, only the parts logged since are checked again, and the set
//! is patched. The log keeps the newest 20,000 edits; a set more than [`MAX_PATCH`] behind is
//! made again. The generation is part of every set's key and changes only when sets cannot be
//! patched (on SQLite, when the newest part is deleted: its id may be given again).

#[cfg(feature = "postgres")]
use super::postgres::Db;
#[cfg(not(feature = "postgres"))]
use super::sqlite::Db;

/// How many edits behind a set may be and still be patched; further behind, it is made again
/// (checking that many parts costs about as much). The log keeps twice as many. Small in the
/// tests, so that they reach it.
pub const MAX_PATCH: i64 = if cfg!(test) { 3 } else { 10_000 };

/// The catalogue at one request.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Now {
    /// The catalogue's generation.
    pub generation: i64,
    /// How many part edits are logged in all.
    pub edits: i64,
    /// The newest part's id (0 without parts).
    pub newest_part: i64,
    /// How many fitment rows were added, changed or removed in all (statements, on
    /// PostgreSQL).
    pub fitment_edits: i64,
}

impl Now {
    /// What the fitment of parts kept in memory for their answers is kept under (see
    /// [`crate::fitment::kept`]).
    pub fn fitment_stamp(&self) -> crate::fitment::kept::Stamp {
        crate::fitment::kept::Stamp {
            generation: self.generation,
            edits: self.edits,
            fitment_edits: self.fitment_edits,
        }
    }
}

/// The catalogue now, and the generation of `model`'s fitment rows when one is given (0
/// otherwise): one query, once per request (the catalogue part is kept in `db`).
pub async fn now(db: &mut Db<'_>, model: Option<i64>) -> sqlx::Result<(Now, i64)> {
    if let (Some(now), None) = (read_before(db), model) {
        return Ok((now, 0));
    }
    let read: Option<(i64, i64, i64, i64, i64)> = db
        .rows(|prefix| {
            let mut q = sqlx::QueryBuilder::new(format!(
                "{prefix}SELECT c.value, c.edits, COALESCE((SELECT max(p.id) FROM parts p), 0), \
                 c.fitment_edits, COALESCE((SELECT m.value FROM model_generation m WHERE m.model_id = "
            ));
            q.push_bind(model.unwrap_or(0))
                .push("), 0) FROM catalogue_generation c WHERE c.id = 1");
            q
        })
        .await?
        .first()
        .copied();
    let (generation, edits, newest_part, fitment_edits, model_generation) =
        read.unwrap_or_default();
    let now = Now {
        generation,
        edits,
        newest_part,
        fitment_edits,
    };
    db.catalogue_now = Some((generation, edits, newest_part, fitment_edits));
    Ok((now, model_generation))
}

/// The catalogue as [`now`] read it for this request, if it did.
pub fn read_before(db: &Db<'_>) -> Option<Now> {
    db.catalogue_now
        .map(|(generation, edits, newest_part, fitment_edits)| Now {
            generation,
            edits,
            newest_part,
            fitment_edits,
        })
}

/// The parts edited after the count `after` up to the count `upto`, in any order, repeats
/// allowed; read once per request for the same counts.
pub async fn edited_parts(db: &mut Db<'_>, after: i64, upto: i64) -> sqlx::Result<Vec<i64>> {
    if let Some((a, u, parts)) = &db.edited {
        if (*a, *u) == (after, upto) {
            return Ok(parts.clone());
        }
    }
    let parts: Vec<i64> = db
        .scalars(|prefix| {
            let mut q = sqlx::QueryBuilder::new(format!(
                "{prefix}SELECT e.part_id FROM part_edits e WHERE e.seq > "
            ));
            q.push_bind(after).push(" AND e.seq <= ").push_bind(upto);
            q
        })
        .await?;
    db.edited = Some((after, upto, parts.clone()));
    Ok(parts)
}
