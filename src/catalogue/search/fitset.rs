//! The parts that fit a vehicle, kept in memory: the "fits my vehicle" view's searches, maker
//! filters and pages intersect with this set instead of checking fitment rows part by part
//! (at a million parts and 4.7M fitment rows a search for "brake" checked 20,000 parts one
//! by one for the most-fitted vehicle).
//!
//! A set is the ids (newest first) of the listed parts with a fitment row for the vehicle's
//! model year (and engine size, when known), each with its maker; the universal parts are one
//! more set, shared by every vehicle. Sets are kept under the catalogue's generation, and a
//! vehicle's set also under its model's generation (`model_generation`, migrations `0015` on
//! SQLite, `0012` on PostgreSQL), which triggers change whenever a fitment row for the model is
//! added, changed or removed, so one supplier's fitment rows make only the sets of the models
//! they name be read again. A part archived or restored, made universal or not, or given
//! another maker (and a new universal part) is logged instead (see [`super::edits`]): a kept
//! set is patched by reading its query again for the parts logged since it was made. Every
//! request reads the generations and the count of edits (one query), so a change made through
//! any server is seen at once by all.
//! At most [`MAX_IDS`] ids are kept in all (about 12 MB), the least recently used set going
//! first.

use super::edits::{self, MAX_PATCH};
use super::kept::Kept;
#[cfg(feature = "postgres")]
use super::postgres::Db;
#[cfg(not(feature = "postgres"))]
use super::sqlite::Db;
use crate::fitment::Target;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

/// How many ids the sets hold in all, at most (12 bytes each).
const MAX_IDS: usize = 1_000_000;

/// Listed parts (newest first), each with its maker and price.
#[derive(Debug, Default)]
pub struct IdSet {
    ids: Vec<i64>,
    maker: Vec<u32>,
    makers: Vec<String>,
    /// Each part's price in cents (a price change is a logged edit, see [`super::edits`]).
    price: Vec<i64>,
    /// The count of part edits the set is current to.
    edits: i64,
}

impl IdSet {
    /// The set of these (id, maker, price) rows, in any order, repeats allowed.
    fn new(mut pairs: Vec<(i64, String, i64)>) -> Self {
        pairs.sort_unstable_by_key(|p| std::cmp::Reverse(p.0));
        pairs.dedup_by_key(|p| p.0);
        let mut index: HashMap<String, u32> = HashMap::new();
        let mut set = IdSet::default();
        for (id, maker, price) in pairs {
            let next = index.len() as u32;
            let i = *index.entry(maker).or_insert_with_key(|m| {
                set.makers.push(m.clone());
                next
            });
            set.ids.push(id);
            set.maker.push(i);
            set.price.push(price);
        }
        set
    }

    fn len(&self) -> usize {
        self.ids.len()
    }

    /// This set brought up to the count `edits`: of the parts `edited`, those in `now` (with
    /// their makers and prices) are in the set and the others are not.
    fn patched(&self, edited: &[i64], now: Vec<(i64, String, i64)>, edits: i64) -> IdSet {
        let edited: std::collections::HashSet<i64> = edited.iter().copied().collect();
        let mut makers = self.makers.clone();
        let mut added: Vec<(i64, u32, i64)> = now
            .into_iter()
            .filter(|(id, _, _)| edited.contains(id))
            .map(|(id, maker, price)| {
                let at = makers.iter().position(|m| *m == maker).unwrap_or_else(|| {
                    makers.push(maker);
                    makers.len() - 1
                });
                (id, at as u32, price)
            })
            .collect();
        added.sort_unstable_by_key(|p| std::cmp::Reverse(p.0));
        added.dedup_by_key(|p| p.0);
        // Merge the kept parts that were not edited with the added ones, newest first.
        let kept = (0..self.len())
            .map(|at| (self.ids[at], self.maker[at], self.price[at]))
            .filter(|(id, _, _)| !edited.contains(id));
        let mut set = IdSet {
            ids: Vec::with_capacity(self.len() + added.len()),
            maker: Vec::with_capacity(self.len() + added.len()),
            makers,
            price: Vec::with_capacity(self.len() + added.len()),
            edits,
        };
        let mut added = added.into_iter().peekable();
        for part in kept {
            while let Some(&new) = added.peek() {
                if new.0 < part.0 {
                    break;
                }
                set.push(new);
                added.next();
            }
            set.push(part);
        }
        for part in added {
            set.push(part);
        }
        set
    }

    fn push(&mut self, (id, maker, price): (i64, u32, i64)) {
        self.ids.push(id);
        self.maker.push(maker);
        self.price.push(price);
    }

    /// Which of this set's makers are among `makers` (`None`: no maker filter).
    fn chosen(&self, makers: &[String]) -> Option<Vec<bool>> {
        (!makers.is_empty()).then(|| self.makers.iter().map(|m| makers.contains(m)).collect())
    }

    fn passes(&self, at: usize, chosen: &Option<Vec<bool>>) -> bool {
        chosen.as_ref().is_none_or(|c| c[self.maker[at] as usize])
    }
}

/// The listed parts that fit one vehicle: those with fitment rows for it, and the universal
/// ones.
pub struct Fitting {
    vehicle: Arc<IdSet>,
    universal: Arc<IdSet>,
}

impl Fitting {
    /// The fitting parts by one of `makers` (any maker if none), newest first, all at once.
    #[cfg(test)]
    pub fn newest(&self, makers: &[String]) -> Vec<i64> {
        self.newest_iter(makers).collect()
    }

    /// The fitting parts by one of `makers` (any maker if none), newest first, as they are
    /// asked for: a search that needs the newest thousand does not merge fifty thousand.
    pub fn newest_iter<'a>(&'a self, makers: &[String]) -> impl Iterator<Item = i64> + Send + 'a {
        self.newest_with_makers(makers).map(|(id, _)| id)
    }

    /// [`Fitting::newest_iter`] with each part's maker.
    pub fn newest_with_makers<'a>(
        &'a self,
        makers: &[String],
    ) -> impl Iterator<Item = (i64, &'a str)> + Send + 'a {
        self.newest_parts(makers).map(|(id, maker, _)| (id, maker))
    }

    /// [`Fitting::newest_iter`] with each part's maker and price (cents).
    pub fn newest_parts<'a>(
        &'a self,
        makers: &[String],
    ) -> impl Iterator<Item = (i64, &'a str, i64)> + Send + 'a {
        Newest {
            sets: [&self.vehicle, &self.universal].map(|set| Cursor {
                set,
                chosen: set.chosen(makers),
                at: 0,
            }),
        }
    }
}

/// A walk down one set, past the parts of makers not chosen.
struct Cursor<'a> {
    set: &'a IdSet,
    chosen: Option<Vec<bool>>,
    at: usize,
}

impl Cursor<'_> {
    /// The next part's id, without taking it.
    fn peek(&mut self) -> Option<i64> {
        while self.at < self.set.len() && !self.set.passes(self.at, &self.chosen) {
            self.at += 1;
        }
        self.set.ids.get(self.at).copied()
    }
}

/// The merge of a vehicle's set and the universal one, newest first, each part once.
struct Newest<'a> {
    sets: [Cursor<'a>; 2],
}

impl<'a> Iterator for Newest<'a> {
    type Item = (i64, &'a str, i64);

    fn next(&mut self) -> Option<Self::Item> {
        let [a, b] = &mut self.sets;
        let take = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if x == y => {
                b.at += 1;
                a
            }
            (Some(x), Some(y)) if x > y => a,
            (Some(_), None) => a,
            (_, Some(_)) => b,
            (None, None) => return None,
        };
        let set = take.set;
        let at = take.at;
        take.at += 1;
        Some((
            set.ids[at],
            set.makers[set.maker[at] as usize].as_str(),
            set.price[at],
        ))
    }
}

/// What a set is kept under: the catalogue's generation, the vehicle (or none: the universal
/// parts) and its model's generation (0 for the universal parts).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Key {
    generation: i64,
    vehicle: Option<(i64, i64, Option<i64>)>,
    model_generation: i64,
}

impl Key {
    /// Whether a set kept under `self` is known to be out of date once `now` is asked for:
    /// a set of the same model (and catalogue generation) under another model generation.
    /// (Sets of another catalogue generation go as the least recently used: several databases
    /// may share this process, as the tests' do.)
    fn outdated_by(&self, now: &Key) -> bool {
        let same_model = matches!(
            (self.vehicle, now.vehicle),
            (Some(a), Some(b)) if a.0 == b.0
        );
        same_model
            && self.generation == now.generation
            && self.model_generation != now.model_generation
    }
}

impl super::kept::Weight for IdSet {
    fn weight(&self) -> usize {
        self.len()
    }
}

/// The kept sets, at most [`MAX_IDS`] ids in all.
static SETS: LazyLock<Kept<Key, IdSet>> = LazyLock::new(|| Kept::new(MAX_IDS));

/// The parts that fit `target` now.
pub async fn fitting(db: &mut Db<'_>, target: &Target) -> sqlx::Result<Fitting> {
    let (now, model_generation) = edits::now(db, Some(target.model_id)).await?;
    let generation = now.generation;
    let vehicle_key = Key {
        generation,
        vehicle: Some((target.model_id, target.year, target.liters_x10)),
        model_generation,
    };
    let universal_key = Key {
        generation,
        vehicle: None,
        model_generation: 0,
    };
    Ok(Fitting {
        vehicle: kept(db, vehicle_key, target, now.edits).await?,
        universal: kept(db, universal_key, target, now.edits).await?,
    })
}

/// The set under `key`, made once (by the first request that asks; the others wait for it)
/// and kept, brought up to the count `edits` if it is behind; made afresh and not kept when
/// `db` records plans or is the tests' reference.
async fn kept(db: &mut Db<'_>, key: Key, target: &Target, edits: i64) -> sqlx::Result<Arc<IdSet>> {
    if db.uncached() {
        return Ok(Arc::new(made(db, key, target, edits).await?));
    }
    SETS.forget(|k| k.outdated_by(&key));
    let (set, fresh) = SETS
        .get_or_make(key, || made(db, key, target, edits))
        .await?;
    if fresh || set.edits >= edits {
        return Ok(set);
    }
    let current = if edits - set.edits > MAX_PATCH {
        made(db, key, target, edits).await?
    } else {
        let edited = edits::edited_parts(db, set.edits, edits).await?;
        let now = if edited.is_empty() {
            Vec::new()
        } else {
            db.fit_rows(|prefix| set_query(prefix, key.vehicle.is_some(), target, Some(&edited)))
                .await?
        };
        set.patched(&edited, now, edits)
    };
    let current = Arc::new(current);
    SETS.replace(&key, &set, current.clone());
    Ok(current)
}

/// Reads the set under `key` from the database (see [`set_query`]), current to the count
/// `edits`.
async fn made(db: &mut Db<'_>, key: Key, target: &Target, edits: i64) -> sqlx::Result<IdSet> {
    let pairs = db
        .fit_rows(|prefix| set_query(prefix, key.vehicle.is_some(), target, None))
        .await?;
    Ok(IdSet {
        edits,
        ..IdSet::new(pairs)
    })
}

/// The query of a set's ids, makers and prices, after `prefix`: with `vehicle`, the listed parts with
/// a fitment row for `target` (an index range of `fitments_newest`, then each part's row for
/// its listing and maker); else the listed universal parts (`parts_universal_maker` alone).
/// With `among`, only those of these parts (seeks by part).
pub(crate) fn set_query<'a>(
    prefix: &str,
    vehicle: bool,
    target: &'a Target,
    among: Option<&'a [i64]>,
) -> sqlx::QueryBuilder<'a, crate::server::db::Db> {
    let mut q = if vehicle {
        let mut q = sqlx::QueryBuilder::new(format!(
            "{prefix}SELECT f.part_id AS id, p.manufacturer AS maker, p.price_cents AS price \
             FROM fitments f \
             JOIN parts p ON p.id = f.part_id WHERE "
        ));
        super::filters::push_fitment_match(&mut q, target);
        q.push(" AND p.archived = 0");
        q
    } else {
        sqlx::QueryBuilder::new(format!(
            "{prefix}SELECT p.id AS id, p.manufacturer AS maker, p.price_cents AS price \
             FROM parts p WHERE {}",
            if among.is_some() {
                "+p.archived = 0"
            } else {
                "p.universal = 1 AND p.archived = 0"
            }
        ))
    };
    if let Some(ids) = among {
        // The universal parts' index would be walked whole, the ids checked on each: `+`
        // keeps it out, so that each id is a seek.
        q.push(if vehicle {
            " AND f.part_id IN ("
        } else {
            " AND +p.universal = 1 AND p.id IN ("
        });
        let mut list = q.separated(", ");
        for id in ids {
            list.push_bind(*id);
        }
        q.push(")");
    }
    q
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A set of these (id, maker) pairs, each priced at 100 cents times its id.
    fn set(pairs: &[(i64, &str)]) -> Arc<IdSet> {
        Arc::new(IdSet::new(
            pairs
                .iter()
                .map(|(id, m)| (*id, m.to_string(), id * 100))
                .collect(),
        ))
    }

    #[test]
    fn a_vehicles_parts_and_the_universal_ones_merge_newest_first() {
        let fitting = Fitting {
            vehicle: set(&[(3, "ATE"), (9, "Bosch"), (5, "Bosch"), (9, "Bosch")]),
            universal: set(&[(7, "NGK"), (5, "Bosch"), (1, "ATE")]),
        };
        assert_eq!(fitting.newest(&[]), vec![9, 7, 5, 3, 1]);
        assert_eq!(fitting.newest(&["Bosch".into()]), vec![9, 5]);
        assert_eq!(fitting.newest(&["ATE".into(), "NGK".into()]), vec![7, 3, 1]);
        let with_makers: Vec<(i64, &str)> = fitting.newest_with_makers(&[]).collect();
        assert_eq!(
            with_makers,
            [
                (9, "Bosch"),
                (7, "NGK"),
                (5, "Bosch"),
                (3, "ATE"),
                (1, "ATE")
            ]
        );
        assert!(fitting.newest(&["Febi".into()]).is_empty());
        let empty = Fitting {
            vehicle: set(&[]),
            universal: set(&[]),
        };
        assert!(empty.newest(&[]).is_empty());
    }

    /// A fitment row added, moved or removed makes its model's sets be read again, and no
    /// other vehicle's: the sets of another model and the universal parts stay as they were.
    #[tokio::test]
    async fn a_fitment_change_reads_again_only_its_models_sets() {
        use crate::demo::generate;
        let (dir, pool) = generate::test_catalogue("fitset-models", 400, 3, 1, 5).await;
        let models: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT model_id, MIN(year_from) FROM fitments GROUP BY model_id \
             ORDER BY COUNT(*) DESC, model_id LIMIT 2",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        let [a, b] = [models[0], models[1]].map(|(model_id, year)| Target {
            model_id,
            year,
            liters_x10: None,
        });
        let mut db = Db::new(&pool);
        let a1 = fitting(&mut db, &a).await.unwrap();
        let b1 = fitting(&mut db, &b).await.unwrap();
        let again = fitting(&mut db, &a).await.unwrap();
        assert!(
            Arc::ptr_eq(&a1.vehicle, &again.vehicle),
            "kept, not read again"
        );

        // A part that does not fit model a yet gets a fitment row for it.
        let part: i64 = sqlx::query_scalar(
            "SELECT id FROM parts WHERE archived = 0 AND universal = 0 AND id NOT IN \
             (SELECT part_id FROM fitments WHERE model_id = $1) ORDER BY id LIMIT 1",
        )
        .bind(a.model_id)
        .fetch_one(&pool)
        .await
        .unwrap();
        assert!(!a1.newest(&[]).contains(&part));
        sqlx::query(
            "INSERT INTO fitments (part_id, model_id, year_from, year_to, position, quantity, \
             body, drive, built_from, built_to, note) \
             VALUES ($1, $2, $3, $3, 'any', 1, '', '', '', '', '')",
        )
        .bind(part)
        .bind(a.model_id)
        .bind(a.year)
        .execute(&pool)
        .await
        .unwrap();
        let a2 = fitting(&mut db, &a).await.unwrap();
        let b2 = fitting(&mut db, &b).await.unwrap();
        assert!(a2.newest(&[]).contains(&part), "model a's set read again");
        assert!(Arc::ptr_eq(&b1.vehicle, &b2.vehicle), "model b's set kept");
        assert!(
            Arc::ptr_eq(&a1.universal, &a2.universal),
            "universal set kept"
        );

        // Moved to model b: both models' sets are read again.
        sqlx::query("UPDATE fitments SET model_id = $1, year_from = $2, year_to = $2 WHERE part_id = $3 AND model_id = $4")
            .bind(b.model_id)
            .bind(b.year)
            .bind(part)
            .bind(a.model_id)
            .execute(&pool)
            .await
            .unwrap();
        let a3 = fitting(&mut db, &a).await.unwrap();
        let b3 = fitting(&mut db, &b).await.unwrap();
        assert!(!a3.newest(&[]).contains(&part));
        assert!(b3.newest(&[]).contains(&part));

        // Removed: model b's set is read again without it; model a's is kept.
        sqlx::query("DELETE FROM fitments WHERE part_id = $1 AND model_id = $2")
            .bind(part)
            .bind(b.model_id)
            .execute(&pool)
            .await
            .unwrap();
        let a4 = fitting(&mut db, &a).await.unwrap();
        let b4 = fitting(&mut db, &b).await.unwrap();
        assert!(Arc::ptr_eq(&a3.vehicle, &a4.vehicle));
        assert!(!b4.newest(&[]).contains(&part));
        pool.close().await;
        std::fs::remove_dir_all(&dir).ok();
    }

    /// A part archived, restored, given another maker or made universal, and a new universal
    /// part, patch the kept sets from the log of edits: the sets stay under their key and hold
    /// exactly what a set read afresh holds. More edits than a set is patched for make it be
    /// read again.
    #[tokio::test]
    async fn part_edits_patch_the_kept_sets() {
        use crate::demo::generate;
        let (dir, pool) = generate::test_catalogue("fitset-edits", 400, 3, 1, 5).await;
        let (model_id, year): (i64, i64) = sqlx::query_as(
            "SELECT model_id, MIN(year_from) FROM fitments GROUP BY model_id \
             ORDER BY COUNT(*) DESC, model_id LIMIT 1",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        let target = Target {
            model_id,
            year,
            liters_x10: None,
        };
        let all = |fit: &Fitting| -> Vec<(i64, String, i64)> {
            fit.newest_parts(&[])
                .map(|(id, m, price)| (id, m.to_string(), price))
                .collect()
        };
        let fresh = || async {
            let mut db = Db::new(&pool);
            db.reference = true;
            all(&fitting(&mut db, &target).await.unwrap())
        };
        let run = |sql: &'static str, id: i64| {
            let pool = pool.clone();
            async move {
                sqlx::query(sql).bind(id).execute(&pool).await.unwrap();
            }
        };
        let generation = || async {
            sqlx::query_scalar::<_, i64>("SELECT value FROM catalogue_generation")
                .fetch_one(&pool)
                .await
                .unwrap()
        };
        let before = generation().await;
        let first = fitting(&mut Db::new(&pool), &target).await.unwrap();
        assert_eq!(all(&first), fresh().await);
        let fits: Vec<i64> = first.vehicle.ids.clone();
        let other: i64 = sqlx::query_scalar(
            "SELECT id FROM parts WHERE archived = 0 AND universal = 0 AND id NOT IN \
             (SELECT part_id FROM fitments WHERE model_id = $1) ORDER BY id LIMIT 1",
        )
        .bind(model_id)
        .fetch_one(&pool)
        .await
        .unwrap();

        let mut last = first;
        for (sql, id) in [
            ("UPDATE parts SET archived = 1 WHERE id = $1", fits[0]),
            (
                "UPDATE parts SET manufacturer = 'Zeta Parts' WHERE id = $1",
                fits[1],
            ),
            ("UPDATE parts SET universal = 1 WHERE id = $1", other),
            (
                "UPDATE parts SET price_cents = 12345 WHERE id = $1",
                fits[2],
            ),
            ("UPDATE parts SET archived = 0 WHERE id = $1", fits[0]),
            ("UPDATE parts SET universal = 0 WHERE id = $1", other),
        ] {
            run(sql, id).await;
            let now = fitting(&mut Db::new(&pool), &target).await.unwrap();
            assert_eq!(all(&now), fresh().await, "{sql} ({id})");
            let again = fitting(&mut Db::new(&pool), &target).await.unwrap();
            assert!(
                Arc::ptr_eq(&now.vehicle, &again.vehicle)
                    && Arc::ptr_eq(&now.universal, &again.universal),
                "the patched sets are kept"
            );
            assert!(!Arc::ptr_eq(&last.universal, &now.universal) || sql.contains("archived"));
            last = now;
        }
        assert!(all(&last)
            .iter()
            .any(|(id, maker, _)| *id == fits[1] && maker == "Zeta Parts"));
        assert!(all(&last)
            .iter()
            .any(|(id, _, price)| *id == fits[2] && *price == 12345));
        assert_eq!(generation().await, before, "no edit changed the generation");

        // A new universal part.
        let supplier: i64 = sqlx::query_scalar("SELECT supplier_id FROM parts LIMIT 1")
            .fetch_one(&pool)
            .await
            .unwrap();
        let new: i64 = sqlx::query_scalar(
            "INSERT INTO parts (supplier_id, name, manufacturer, model, description, \
             price_cents, stock, delivery_estimate, universal) \
             VALUES ($1, 'Wiper fluid', 'Acme', 'WF-1', 'Fluid.', 500, 3, '1-2_days', 1) \
             RETURNING id",
        )
        .bind(supplier)
        .fetch_one(&pool)
        .await
        .unwrap();
        let now = fitting(&mut Db::new(&pool), &target).await.unwrap();
        assert_eq!(all(&now)[0], (new, "Acme".to_string(), 500));
        assert_eq!(all(&now), fresh().await);

        // More edits at once than a set is patched for: read again, as fresh.
        sqlx::query(
            "UPDATE parts SET archived = 1 WHERE id IN (SELECT id FROM parts ORDER BY id LIMIT 40)",
        )
        .execute(&pool)
        .await
        .unwrap();
        let now = fitting(&mut Db::new(&pool), &target).await.unwrap();
        assert_eq!(all(&now), fresh().await);
        pool.close().await;
        std::fs::remove_dir_all(&dir).ok();
    }
}
