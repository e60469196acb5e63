//! One at a time per key, in this process: reviews of one report wait for each other here
//! before they wait for the database's writer, so the second of two office clerks pressing
//! "accept" on the same report at once is answered 409 from a read, without holding the
//! writer (on SQLite, the one connection every write waits for). This is a shortcut, not the
//! guarantee: the database's conditional update ([`crate::reporting::review_report`]) is what
//! makes a second accept impossible, across processes too.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

/// Keys being worked on, each with the lock its workers queue on.
#[derive(Debug)]
pub(crate) struct Turns<K> {
    held: Mutex<HashMap<K, Arc<tokio::sync::Mutex<()>>>>,
}

impl<K: Eq + Hash + Copy> Turns<K> {
    pub(crate) fn new() -> Self {
        Turns {
            held: Mutex::new(HashMap::new()),
        }
    }

    /// Waits for `key`'s turn; the turn lasts until the returned value is dropped.
    pub(crate) async fn turn(&self, key: K) -> Turn<'_, K> {
        let lock = self
            .map()
            .entry(key)
            .or_insert_with(|| Arc::new(tokio::sync::Mutex::new(())))
            .clone();
        let guard = lock.clone().lock_owned().await;
        Turn {
            turns: self,
            key,
            lock,
            _guard: Some(guard),
        }
    }

    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<K, Arc<tokio::sync::Mutex<()>>>> {
        self.held.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A key's turn; see [`Turns::turn`].
pub(crate) struct Turn<'a, K: Eq + Hash + Copy> {
    turns: &'a Turns<K>,
    key: K,
    lock: Arc<tokio::sync::Mutex<()>>,
    _guard: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl<K: Eq + Hash + Copy> Drop for Turn<'_, K> {
    fn drop(&mut self) {
        // Let the next worker in first, then forget the key if nobody else holds its lock
        // (the map's copy and this one are all there are).
        self._guard = None;
        let mut map = self.turns.map();
        if Arc::strong_count(&self.lock) == 2 {
            map.remove(&self.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn one_at_a_time_per_key_and_forgotten_after() {
        let turns = Arc::new(Turns::<i64>::new());
        let inside: Arc<[std::sync::atomic::AtomicI32; 2]> = Arc::default();
        let most = Arc::new(std::sync::atomic::AtomicI32::new(0));
        let mut tasks = Vec::new();
        for i in 0..32 {
            let (turns, inside, most) = (turns.clone(), inside.clone(), most.clone());
            tasks.push(tokio::spawn(async move {
                let key = i % 2;
                let _t = turns.turn(key).await;
                let now = inside[key as usize].fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                most.fetch_max(now + 1, std::sync::atomic::Ordering::SeqCst);
                tokio::time::sleep(std::time::Duration::from_millis(1)).await;
                inside[key as usize].fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(
            most.load(std::sync::atomic::Ordering::SeqCst),
            1,
            "one worker of a key at a time"
        );
        assert!(turns.map().is_empty(), "every key forgotten when done");
    }
}
