//! The fitment of listed parts kept in memory for a catalogue page's answers: a card's answer
//! needs the part's `universal` mark and its fitment rows, two queries and about a hundred rows
//! per page (at a million parts, the fits-only catalogue spent as long on them as on the
//! search). They are kept per part, for any vehicle, under the catalogue's [`Stamp`], which
//! the search has read for the same request anyway: fitment rows added, changed or removed
//! are counted (migrations sqlite `0019`, postgres `0016`), and a part archived, restored,
//! deleted or made universal or not is a logged edit. So a kept part is right exactly while
//! the stamp is the same; when it moves, everything kept goes at once. At most [`MAX_PARTS`]
//! parts are kept (then the lot is dropped and filled again); a model year's engines (for
//! "which engine is yours?") are kept the same way.

use super::{Answer, Fitment, Target};
use crate::server::db::DbConnection;
use crate::vehicles::Engine;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

/// How many parts' fitment is kept at most (a part holds a few rows: a few hundred bytes).
const MAX_PARTS: usize = 20_000;

/// The catalogue at one request, as far as answers go: its generation, its count of part
/// edits and its count of fitment row changes (see `catalogue::search::edits`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    pub generation: i64,
    pub edits: i64,
    pub fitment_edits: i64,
}

/// A listed part's fitment.
struct PartFit {
    universal: bool,
    fitments: Vec<Fitment>,
}

#[derive(Default)]
struct Kept {
    stamp: Option<Stamp>,
    /// By part id; `None`: not listed (archived or gone).
    parts: HashMap<i64, Option<Arc<PartFit>>>,
    /// A model year's engines, by vehicle id.
    engines: HashMap<i64, Arc<Vec<Engine>>>,
}

impl Kept {
    /// What is kept, if it is of `stamp` (else nothing is kept from now on but for `stamp`).
    fn at(&mut self, stamp: Stamp) -> &mut Self {
        if self.stamp != Some(stamp) {
            *self = Kept {
                stamp: Some(stamp),
                ..Kept::default()
            };
        }
        self
    }
}

static KEPT: LazyLock<Mutex<Kept>> = LazyLock::new(Mutex::default);

fn kept() -> std::sync::MutexGuard<'static, Kept> {
    KEPT.lock().unwrap_or_else(|e| e.into_inner())
}

/// The answers for `target` of those of `part_ids` that are listed (in no particular order),
/// as [`super::db::answers`] gives them, from memory for the parts kept under `stamp` (the
/// catalogue as this request's connection reads it); the others are read and kept.
pub async fn answers(
    db: &mut DbConnection,
    part_ids: &[i64],
    target: &Target,
    stamp: Stamp,
) -> sqlx::Result<Vec<(i64, Answer)>> {
    let mut found: Vec<(i64, Option<Arc<PartFit>>)> = Vec::with_capacity(part_ids.len());
    let mut missing: Vec<i64> = Vec::new();
    {
        let mut kept = kept();
        let kept = kept.at(stamp);
        for &id in part_ids {
            match kept.parts.get(&id) {
                Some(fit) => found.push((id, fit.clone())),
                None => missing.push(id),
            }
        }
    }
    if !missing.is_empty() {
        let (listed, mut fitments) = super::db::fitment_of(db, &missing).await?;
        let read: Vec<(i64, Option<Arc<PartFit>>)> = missing
            .iter()
            .map(|id| {
                let fit = listed.get(id).map(|&universal| {
                    Arc::new(PartFit {
                        universal,
                        fitments: fitments.remove(id).unwrap_or_default(),
                    })
                });
                (*id, fit)
            })
            .collect();
        let mut kept = kept();
        if kept.stamp == Some(stamp) {
            if kept.parts.len() + read.len() > MAX_PARTS {
                kept.parts.clear();
            }
            kept.parts.extend(read.iter().cloned());
        }
        found.extend(read);
    }
    Ok(found
        .into_iter()
        .filter_map(|(id, fit)| {
            fit.map(|fit| (id, super::check(fit.universal, &fit.fitments, target)))
        })
        .collect())
}

/// The engines of model year `vehicle_id` (as [`crate::vehicles::db::engines`] gives them),
/// kept under `stamp` like the parts' fitment.
pub async fn engines(
    db: &mut DbConnection,
    vehicle_id: i64,
    stamp: Stamp,
) -> sqlx::Result<Vec<Engine>> {
    if let Some(engines) = kept().at(stamp).engines.get(&vehicle_id) {
        return Ok(engines.as_ref().clone());
    }
    let engines = crate::vehicles::db::engines(&mut *db, vehicle_id).await?;
    let mut kept = kept();
    if kept.stamp == Some(stamp) && kept.engines.len() < MAX_PARTS {
        kept.engines.insert(vehicle_id, Arc::new(engines.clone()));
    }
    Ok(engines)
}
