//! What the search keeps in memory between requests (the parts that fit a vehicle,
//! `fitset`; the matches of a word query, `wordset`): a value per key, made once by the first
//! request that asks (the others wait for it), and the least recently used going first when
//! more than a budget is held. Keys carry the generations their values were made under, so an
//! out-of-date value is never found, only left to go as the least recently used (a generation
//! cannot tell which database it is of, and several may share this process, as the tests' do).

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use tokio::sync::OnceCell;

/// How much of the budget a kept value takes.
pub trait Weight {
    fn weight(&self) -> usize;
}

struct Slot<V> {
    value: Arc<OnceCell<Arc<V>>>,
    used: u64,
}

struct Slots<K, V> {
    slots: HashMap<K, Slot<V>>,
    clock: u64,
}

/// Values kept under keys, at most `budget` in weight (see [`Weight`]) in all.
pub struct Kept<K, V> {
    slots: Mutex<Slots<K, V>>,
    budget: usize,
}

impl<K: Eq + Hash + Clone, V: Weight> Kept<K, V> {
    pub fn new(budget: usize) -> Self {
        Self {
            slots: Mutex::new(Slots {
                slots: HashMap::new(),
                clock: 0,
            }),
            budget,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Slots<K, V>> {
        self.slots.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether a value is kept (or being made) under `key`.
    pub fn contains(&self, key: &K) -> bool {
        self.lock().slots.contains_key(key)
    }

    /// Drops the values whose keys `outdated` says are out of date.
    pub fn forget(&self, outdated: impl Fn(&K) -> bool) {
        self.lock().slots.retain(|k, _| !outdated(k));
    }

    /// The value under `key`, made by `make` if it is not kept yet, and whether this call
    /// made it.
    pub async fn get_or_make<F, Fut>(&self, key: K, make: F) -> sqlx::Result<(Arc<V>, bool)>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = sqlx::Result<V>>,
    {
        let cell = {
            let mut slots = self.lock();
            slots.clock += 1;
            let used = slots.clock;
            let slot = slots.slots.entry(key.clone()).or_insert_with(|| Slot {
                value: Arc::new(OnceCell::new()),
                used,
            });
            slot.used = used;
            slot.value.clone()
        };
        let mut fresh = false;
        let value = cell
            .get_or_try_init(|| {
                fresh = true;
                async { make().await.map(Arc::new) }
            })
            .await?
            .clone();
        if fresh {
            self.evict(&key);
        }
        Ok((value, fresh))
    }

    /// Keeps `new` under `key` in place of `old` (a value brought up to date), unless another
    /// value has taken `old`'s place meanwhile; then that one stays.
    pub fn replace(&self, key: &K, old: &Arc<V>, new: Arc<V>) {
        {
            let mut slots = self.lock();
            let Some(slot) = slots.slots.get_mut(key) else {
                return;
            };
            if !slot.value.get().is_some_and(|v| Arc::ptr_eq(v, old)) {
                return;
            }
            slot.value = Arc::new(OnceCell::new_with(Some(new)));
        }
        self.evict(key);
    }

    /// Drops the least recently used values (never `keep`'s) until at most the budget is held.
    fn evict(&self, keep: &K) {
        let mut slots = self.lock();
        let held = |s: &Slots<K, V>| -> usize {
            s.slots
                .values()
                .filter_map(|s| s.value.get())
                .map(|v| v.weight())
                .sum()
        };
        while held(&slots) > self.budget {
            let oldest = slots
                .slots
                .iter()
                .filter(|(k, _)| *k != keep)
                .min_by_key(|(_, s)| s.used)
                .map(|(k, _)| k.clone());
            match oldest {
                Some(k) => {
                    slots.slots.remove(&k);
                }
                None => break,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Heavy(usize);

    impl Weight for Heavy {
        fn weight(&self) -> usize {
            self.0
        }
    }

    #[tokio::test]
    async fn the_least_recently_used_values_go_first() {
        let kept: Kept<u64, Heavy> = Kept::new(100);
        // Three halves of the budget, made in the order 1, 0, 2: the one used longest ago (1)
        // goes when the third is made.
        for n in [1, 0, 2] {
            let (value, fresh) = kept
                .get_or_make(n, || async { Ok(Heavy(50)) })
                .await
                .unwrap();
            assert!(fresh && value.0 == 50);
        }
        assert!(kept.contains(&0) && kept.contains(&2) && !kept.contains(&1));
        // Kept: not made again.
        let (_, fresh) = kept
            .get_or_make(0, || async { Ok(Heavy(50)) })
            .await
            .unwrap();
        assert!(!fresh);
        // A value heavier than the budget is kept alone.
        kept.get_or_make(3, || async { Ok(Heavy(500)) })
            .await
            .unwrap();
        assert!(kept.contains(&3) && !kept.contains(&0) && !kept.contains(&2));
        kept.forget(|&k| k == 3);
        assert!(!kept.contains(&3));
    }

    #[tokio::test]
    async fn a_failed_make_is_tried_again() {
        let kept: Kept<u64, Heavy> = Kept::new(100);
        let failed = kept
            .get_or_make(7, || async { Err(sqlx::Error::PoolTimedOut) })
            .await;
        assert!(failed.is_err());
        let (value, fresh) = kept
            .get_or_make(7, || async { Ok(Heavy(1)) })
            .await
            .unwrap();
        assert!(fresh && value.0 == 1);
    }

    #[tokio::test]
    async fn a_value_is_replaced_only_if_it_is_still_the_one_kept() {
        let kept: Kept<u64, Heavy> = Kept::new(100);
        let (first, _) = kept
            .get_or_make(1, || async { Ok(Heavy(1)) })
            .await
            .unwrap();
        kept.replace(&1, &first, Arc::new(Heavy(2)));
        let (second, fresh) = kept
            .get_or_make(1, || async { Ok(Heavy(9)) })
            .await
            .unwrap();
        assert!(!fresh && second.0 == 2);
        // `first` is no longer the kept value: a late replacement of it is dropped.
        kept.replace(&1, &first, Arc::new(Heavy(3)));
        let (now, _) = kept
            .get_or_make(1, || async { Ok(Heavy(9)) })
            .await
            .unwrap();
        assert_eq!(now.0, 2);
        // Nothing kept under a key: nothing replaced.
        kept.replace(&5, &first, Arc::new(Heavy(4)));
        assert!(!kept.contains(&5));
    }
}
