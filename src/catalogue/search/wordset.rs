//! The parts a word query matches, kept in memory: the "fits my vehicle" searches intersect a
//! vehicle's fitting parts ([`super::fitset`]) with this set instead of reading the word
//! index's matches newest first until enough of them fit (at a million parts "brake" matched
//! 116,000 listed parts and a vehicle's 55,000 fitting parts held one in 18 of them: 20,000
//! matches read, packed and looked up on every search).
//!
//! A set is made once from the word index (every match) and then brought up to date from the
//! log of edited parts (see [`super::edits`]): only the parts edited since are checked again
//! against the word index. New parts are not logged (unless universal): they have higher ids
//! than any in a set, so a use after a part was listed also asks the index for the matches
//! above the set's newest (a seek to the end of the word's list), and logged parts newer than
//! a set are left to that seek. Sets are kept under the catalogue's generation, which changes
//! only when they cannot be patched.
//!
//! A set is a bitmap of ids when that is smaller (more matches than one in 64 ids), else the
//! ids; at most [`MAX_BYTES`] are kept in all, the least recently used set going first.

use super::edits::{self, MAX_PATCH};
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
    /// The count of part edits the set is current to.
    edits: i64,
}

impl WordSet {
    /// The set of these ids, in any order, repeats allowed, made when `upto` was the newest
    /// part and `edits` the count of part edits.
    fn new(mut ids: Vec<i64>, upto: i64, edits: i64) -> Self {
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
            edits,
        }
    }

    /// This set brought up to the count `edits`: of the parts `edited` (logged since the set's
    /// count), those in `matching` match now and the others do not. Parts newer than the set's
    /// newest part are left out: their matches are asked for above the set's newest.
    fn patched(&self, edited: &[i64], matching: &[i64], edits: i64) -> WordSet {
        let matching: std::collections::HashSet<i64> = matching.iter().copied().collect();
        let edited = edited.iter().copied().filter(|&id| id <= self.upto);
        match &self.members {
            Members::Bits(bits) => {
                let mut bits = bits.clone();
                for id in edited.filter(|&id| id >= 0) {
                    let (word, bit) = (id as usize / 64, 1u64 << (id % 64));
                    if matching.contains(&id) {
                        if word >= bits.len() {
                            bits.resize(word + 1, 0);
                        }
                        bits[word] |= bit;
                    } else if let Some(w) = bits.get_mut(word) {
                        *w &= !bit;
                    }
                }
                let len = bits.iter().map(|w| w.count_ones() as usize).sum();
                let newest = bits.iter().rposition(|&w| w != 0).map_or(0, |at| {
                    (at * 64 + 63 - bits[at].leading_zeros() as usize) as i64
                });
                WordSet {
                    members: Members::Bits(bits),
                    len,
                    newest,
                    upto: self.upto,
                    edits,
                }
            }
            Members::Ids(ids) => {
                let edited: std::collections::HashSet<i64> = edited.collect();
                let now = ids
                    .iter()
                    .copied()
                    .filter(|id| !edited.contains(id))
                    .chain(edited.iter().copied().filter(|id| matching.contains(id)))
                    .collect();
                WordSet::new(now, self.upto, edits)
            }
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
    /// Whether part `id` matches (in any order; the "every word in the name" check).
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

/// What a set is kept under: the catalogue's generation and the word query's text.
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
    let (now, _) = edits::now(db, None).await?;
    let generation = now.generation;
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
            kept: Arc::new(WordSet::new(all, 0, 0)),
            newer: Vec::new(),
        });
    }
    let (now, _) = edits::now(db, None).await?;
    let (upto, edits) = (now.newest_part, now.edits);
    let key = Key {
        generation: now.generation,
        query: engine::word_query_text(query),
    };
    let (mut kept, fresh) = SETS
        .get_or_make(key.clone(), || async {
            let all = engine::word_match_ids(db, query, 0).await?;
            Ok(WordSet::new(all, upto, edits))
        })
        .await?;
    if fresh {
        return Ok(Matches {
            kept,
            newer: Vec::new(),
        });
    }
    if kept.edits < edits {
        let current = if edits - kept.edits > MAX_PATCH {
            let all = engine::word_match_ids(db, query, 0).await?;
            WordSet::new(all, upto, edits)
        } else {
            let edited = edits::edited_parts(db, kept.edits, edits).await?;
            let asked: Vec<i64> = edited
                .iter()
                .copied()
                .filter(|&id| id <= kept.upto)
                .collect();
            let matching = if asked.is_empty() {
                Vec::new()
            } else {
                engine::word_match_ids_among(db, query, &asked).await?
            };
            kept.patched(&edited, &matching, edits)
        };
        let current = Arc::new(current);
        SETS.replace(&key, &kept, current.clone());
        kept = current;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_holds_its_ids_as_bits_or_as_ids() {
        let dense = WordSet::new((0..1000).rev().step_by(3).chain([999, 3]).collect(), 0, 0);
        assert!(matches!(dense.members, Members::Bits(_)));
        let sparse = WordSet::new(vec![5, 1_000_000, 77], 0, 0);
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
        let empty = WordSet::new(Vec::new(), 0, 0);
        assert!(!empty.contains(0) && empty.len == 0 && empty.newest == 0);
    }

    #[test]
    fn newer_matches_count_with_the_kept_ones() {
        let matches = Matches {
            kept: Arc::new(WordSet::new(vec![3, 9, 4], 9, 0)),
            newer: vec![20, 12],
        };
        let found: Vec<i64> = (0..30).filter(|&id| matches.contains(id)).collect();
        assert_eq!(found, vec![3, 4, 9, 12, 20]);
        let mut descending = matches.descending();
        let found: Vec<i64> = (0..30).rev().filter(|&id| descending(id)).collect();
        assert_eq!(found, vec![20, 12, 9, 4, 3]);
        let sparse = Matches {
            kept: Arc::new(WordSet::new(vec![1_000_000, 500, 7], 1_000_000, 0)),
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
            WordSet::new((0..1000).filter(|id| id % 7 == 0).collect(), 1000, 0),
            WordSet::new(vec![700, 5_000_000, 14], 5_000_000, 0),
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

    #[test]
    fn a_patched_set_holds_what_matches_now() {
        // Bits (dense) and ids (sparse), each made when part 1,000 was the newest.
        for ids in [
            (0..1000).filter(|id| id % 3 == 0).collect::<Vec<i64>>(),
            vec![999, 600, 3],
        ] {
            let set = WordSet::new(ids.clone(), 1000, 4);
            // Edited: 999 no longer matches, 600 still does, 1,000 (newer than the set's newest
            // match, not than its newest part) and 10 now match; 2,000 is a part newer than the
            // set, left to the seek above its newest.
            let edited = [999, 600, 1000, 10, 2000, 10];
            let patched = set.patched(&edited, &[600, 1000, 10, 2000], 9);
            let mut expected: Vec<i64> = ids
                .into_iter()
                .filter(|&id| id != 999)
                .chain([1000, 10])
                .collect();
            expected.sort_unstable();
            expected.dedup();
            let found: Vec<i64> = (0..3000).filter(|&id| patched.contains(id)).collect();
            assert_eq!(found, expected);
            assert_eq!(patched.len, expected.len());
            assert_eq!(patched.newest, 1000);
            assert_eq!((patched.upto, patched.edits), (1000, 9));
            // Every match edited away: an empty set.
            let none = patched.patched(&expected, &[], 10);
            assert!(none.len == 0 && none.newest == 0 && !none.contains(1000));
        }
    }
}
