//! The parts a word query matches, kept in memory: the "fits my vehicle" searches intersect a
//! vehicle's fitting parts ([`super::fitset`]) with this set instead of reading the word
//! index's matches newest first until enough of them fit (at a million parts "brake" matched
//! 116,000 listed parts and a vehicle's 55,000 fitting parts held one in 18 of them: 20,000
//! matches read, packed and looked up on every search).
//!
//! A set is made once from the word index (every match) and kept under the words' generation
//! (`words_generation`, migrations `0016` on SQLite, `0013` on PostgreSQL), which triggers
//! change whenever a listed part's words may have changed: a part archived or restored, its
//! name, maker, model or description edited, or deleted. A new part does not change it: new
//! parts have higher ids than any in a set, so a use after a part was listed also asks the
//! index for the matches above the set's newest (a seek to the end of the word's list). Every
//! request reads the generation and the newest part's id (one row), so a change made through
//! any server is seen by all.
//!
//! A set is a bitmap of ids when that is smaller (more matches than one in 64 ids), else the
//! ids; at most [`MAX_BYTES`] are kept in all, the least recently used set going first.

use super::kept::Kept;
#[cfg(feature = "postgres")]
use super::postgres::{self as engine, Db, WordQuery};
#[cfg(not(feature = "postgres"))]
use super::sqlite::{self as engine, Db, WordQuery};
use std::sync::{Arc, LazyLock, Mutex};

/// How many bytes the sets hold in all, at most (a bitmap of a million ids is 125 kB).
const MAX_BYTES: usize = 8 << 20;

/// The listed parts matching a word query when the set was made.
#[derive(Debug)]
enum Members {
    /// Bit `id` is set for every match.
    Bits(Vec<u64>),
    /// The matches, newest (highest id) first.
    Ids(Vec<i64>),
}

/// A word query's matches at one time.
#[derive(Debug)]
pub struct WordSet {
    members: Members,
    len: usize,
    /// The newest match (0 without matches).
    newest: i64,
    /// The newest part when the set was made: while no part is newer, no match is newer.
    upto: i64,
}

impl WordSet {
    /// The set of these ids, in any order, repeats allowed, made when `upto` was the newest
    /// part.
    fn new(mut ids: Vec<i64>, upto: i64) -> Self {
        ids.sort_unstable_by(|a, b| b.cmp(a));
        ids.dedup();
        let newest = ids.first().copied().unwrap_or(0);
        let len = ids.len();
        let smallest = ids.last().copied().unwrap_or(0);
        // A bitmap needs newest / 64 words, the ids one word each.
        let members = if smallest >= 0 && (newest as u64 / 64) < len as u64 {
            let mut bits = vec![0u64; newest as usize / 64 + 1];
            for id in ids {
                bits[id as usize / 64] |= 1 << (id % 64);
            }
            Members::Bits(bits)
        } else {
            Members::Ids(ids)
        };
        WordSet {
            members,
            len,
            newest,
            upto: upto.max(newest),
        }
    }

    pub fn contains(&self, id: i64) -> bool {
        match &self.members {
            Members::Bits(bits) => {
                id >= 0
                    && bits
                        .get(id as usize / 64)
                        .is_some_and(|w| w & (1 << (id % 64)) != 0)
            }
            Members::Ids(ids) => ids.binary_search_by(|x| id.cmp(x)).is_ok(),
        }
    }

    fn bytes(&self) -> usize {
        match &self.members {
            Members::Bits(bits) => bits.len() * 8,
            Members::Ids(ids) => ids.len() * 8,
        }
    }
}

/// A word query's matches now: a kept set and the matches newer than its newest.
pub struct Matches {
    kept: Arc<WordSet>,
    /// Matches above the kept set's newest, newest first.
    newer: Vec<i64>,
}

impl Matches {
    /// Whether part `id` matches (in any order; SQLite's "every word in the name" check).
    #[cfg(any(test, not(feature = "postgres")))]
    pub fn contains(&self, id: i64) -> bool {
        if id > self.kept.newest {
            self.newer.binary_search_by(|x| id.cmp(x)).is_ok()
        } else {
            self.kept.contains(id)
        }
    }

    /// [`Matches::contains`] for ids asked about newest first (each lower than the one
    /// before): a walk down the ids instead of a search for each.
    pub fn descending(&self) -> impl FnMut(i64) -> bool + Send + '_ {
        let (mut newer_at, mut kept_at) = (0, 0);
        move |id| {
            let (ids, at) = if id > self.kept.newest {
                (self.newer.as_slice(), &mut newer_at)
            } else {
                match &self.kept.members {
                    Members::Bits(_) => return self.kept.contains(id),
                    Members::Ids(ids) => (ids.as_slice(), &mut kept_at),
                }
            };
            while ids.get(*at).is_some_and(|&x| x > id) {
                *at += 1;
            }
            ids.get(*at) == Some(&id)
        }
    }

    /// The newest `n` matches, newest first.
    pub fn newest(&self, n: usize) -> Vec<i64> {
        let mut found: Vec<i64> = self.newer.iter().copied().take(n).collect();
        let more = n - found.len();
        match &self.kept.members {
            Members::Ids(ids) => found.extend(ids.iter().copied().take(more)),
            Members::Bits(bits) => found.extend(
                bits.iter()
                    .enumerate()
                    .rev()
                    .filter(|(_, &w)| w != 0)
                    .flat_map(|(at, &w)| {
                        (0..64)
                            .rev()
                            .filter(move |b| w & (1 << b) != 0)
                            .map(move |b| (at * 64 + b) as i64)
                    })
                    .take(more),
            ),
        }
        found
    }

    /// How many parts match.
    pub fn len(&self) -> usize {
        self.kept.len + self.newer.len()
    }
}

/// What a set is kept under: the words' generation and the word query's text.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Key {
    generation: i64,
    query: String,
}

impl super::kept::Weight for WordSet {
    fn weight(&self) -> usize {
        self.bytes()
    }
}

/// The kept sets, at most [`MAX_BYTES`] in all.
static SETS: LazyLock<Kept<Key, WordSet>> = LazyLock::new(|| Kept::new(MAX_BYTES));

/// The word queries asked for once under their generation and not kept (see
/// [`kept_matches`]); forgotten all at once when [`MAX_ASKED`] are held.
static ASKED: LazyLock<Mutex<std::collections::HashSet<Key>>> = LazyLock::new(Mutex::default);

/// How many word queries [`ASKED`] remembers at most.
const MAX_ASKED: usize = 10_000;

/// The listed parts matching `query` now, if they are kept or it is asked for a second time
/// (then they are made and kept); `None` the first time (the caller asks the word index as
/// before). A plain search's newest matches come from the index quickly enough when asked
/// once, and making the whole set costs more than that for a common word; a search asked
/// again is served from memory from then on.
pub async fn kept_matches(db: &mut Db<'_>, query: &WordQuery) -> sqlx::Result<Option<Matches>> {
    if db.uncached() {
        return Ok(None);
    }
    let (generation, _) = words_generation(db).await?;
    let key = Key {
        generation,
        query: engine::word_query_text(query),
    };
    if !SETS.contains(&key) {
        let mut asked = ASKED.lock().unwrap_or_else(|e| e.into_inner());
        if asked.len() >= MAX_ASKED {
            asked.clear();
        }
        if asked.insert(key.clone()) {
            return Ok(None);
        }
        asked.remove(&key);
    }
    matches(db, query).await.map(Some)
}

/// The listed parts matching `query` now.
pub async fn matches(db: &mut Db<'_>, query: &WordQuery) -> sqlx::Result<Matches> {
    if db.uncached() {
        let all = engine::word_match_ids(db, query, 0).await?;
        return Ok(Matches {
            kept: Arc::new(WordSet::new(all, 0)),
            newer: Vec::new(),
        });
    }
    let (generation, upto) = words_generation(db).await?;
    let key = Key {
        generation,
        query: engine::word_query_text(query),
    };
    let (kept, fresh) = SETS
        .get_or_make(key, || async {
            let all = engine::word_match_ids(db, query, 0).await?;
            Ok(WordSet::new(all, upto))
        })
        .await?;
    if fresh {
        return Ok(Matches {
            kept,
            newer: Vec::new(),
        });
    }
    // Parts listed since the set was made: their matches are above its newest.
    let mut newer = if upto > kept.upto {
        engine::word_match_ids(db, query, kept.newest).await?
    } else {
        Vec::new()
    };
    newer.sort_unstable_by(|a, b| b.cmp(a));
    newer.dedup();
    Ok(Matches { kept, newer })
}

/// The words' generation and the newest part's id, read once per search (one query).
async fn words_generation(db: &mut Db<'_>) -> sqlx::Result<(i64, i64)> {
    if let Some(read) = db.words_generation {
        return Ok(read);
    }
    let read: (i64, i64) = db
        .rows(|prefix| {
            sqlx::QueryBuilder::new(format!(
                "{prefix}SELECT w.value, COALESCE((SELECT max(p.id) FROM parts p), 0) \
                 FROM words_generation w WHERE w.id = 1"
            ))
        })
        .await?
        .first()
        .copied()
        .unwrap_or_default();
    db.words_generation = Some(read);
    Ok(read)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_holds_its_ids_as_bits_or_as_ids() {
        let dense = WordSet::new((0..1000).rev().step_by(3).chain([999, 3]).collect(), 0);
        assert!(matches!(dense.members, Members::Bits(_)));
        let sparse = WordSet::new(vec![5, 1_000_000, 77], 0);
        assert!(matches!(sparse.members, Members::Ids(_)));
        for set in [&dense, &sparse] {
            let all: Vec<i64> = (-2..1_000_002).filter(|&id| set.contains(id)).collect();
            let expected: Vec<i64> = if std::ptr::eq(set, &dense) {
                (0..1000).filter(|id| id % 3 == 0).collect()
            } else {
                vec![5, 77, 1_000_000]
            };
            assert_eq!(all, expected);
            assert_eq!(set.len, expected.len());
            assert_eq!(set.newest, *expected.last().unwrap());
        }
        let empty = WordSet::new(Vec::new(), 0);
        assert!(!empty.contains(0) && empty.len == 0 && empty.newest == 0);
    }

    #[test]
    fn newer_matches_count_with_the_kept_ones() {
        let matches = Matches {
            kept: Arc::new(WordSet::new(vec![3, 9, 4], 9)),
            newer: vec![20, 12],
        };
        let found: Vec<i64> = (0..30).filter(|&id| matches.contains(id)).collect();
        assert_eq!(found, vec![3, 4, 9, 12, 20]);
        let mut descending = matches.descending();
        let found: Vec<i64> = (0..30).rev().filter(|&id| descending(id)).collect();
        assert_eq!(found, vec![20, 12, 9, 4, 3]);
        let sparse = Matches {
            kept: Arc::new(WordSet::new(vec![1_000_000, 500, 7], 1_000_000)),
            newer: Vec::new(),
        };
        let mut descending = sparse.descending();
        let asked = [2_000_000, 1_000_000, 999_999, 501, 500, 8, 7, 6, 0];
        let found: Vec<i64> = asked.into_iter().filter(|&id| descending(id)).collect();
        assert_eq!(found, vec![1_000_000, 500, 7]);
        assert_eq!(matches.len(), 5);
    }

    #[test]
    fn the_newest_matches_come_first() {
        for kept in [
            WordSet::new((0..1000).filter(|id| id % 7 == 0).collect(), 1000),
            WordSet::new(vec![700, 5_000_000, 14], 5_000_000),
        ] {
            let matches = Matches {
                kept: Arc::new(kept),
                newer: vec![9_000_003, 9_000_001],
            };
            let all: Vec<i64> = (0..10_000_000)
                .rev()
                .filter(|&id| matches.contains(id))
                .collect();
            for n in [0, 1, 2, 3, 5, all.len(), all.len() + 4] {
                assert_eq!(matches.newest(n), all[..n.min(all.len())], "{n}");
            }
        }
    }
}
