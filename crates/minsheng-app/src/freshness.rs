//! What a server keeps in memory between requests, and how fresh it is.
//!
//! Everything kept is tied to a **data version** ([`Store::data_version`], raised by every
//! committed transaction, kept in the database so all servers share it). [`Freshness`] says
//! which version a request is served at:
//!
//! - after a write through this process (any [`Tx`](minsheng_store::Tx) committed on this
//!   store), the version is read from the database at once: a server's own writes show on
//!   its next request;
//! - otherwise the version read at most [`MAX_AGE`] ago stands: a write made by another
//!   server, or by the command line on the same database, shows within [`MAX_AGE`].
//!
//! [`Kept`] holds values for one version only: when a newer one is seen, everything kept for
//! the older one is dropped. So a dashboard, an account or a page is never served older than
//! the version of its request, and every request costs at most one small read of the database
//! for all the caches together.

use crate::error::AppError;
use minsheng_store::Store;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long another process's write may take to show on this server.
pub const MAX_AGE: Duration = Duration::from_secs(1);

/// The data version a server serves at; see the module docs. Clones share one clock.
#[derive(Debug, Clone)]
pub struct Freshness {
    seen: Arc<Mutex<Seen>>,
    max_age: Duration,
}

#[derive(Debug, Default)]
struct Seen {
    version: i64,
    /// [`Store::local_commits`] when `version` was read.
    local: u64,
    at: Option<Instant>,
}

impl Default for Freshness {
    fn default() -> Self {
        Freshness::with_max_age(MAX_AGE)
    }
}

impl Freshness {
    /// A clock that trusts a version read within `max_age` (zero: read it every time).
    pub fn with_max_age(max_age: Duration) -> Freshness {
        Freshness {
            seen: Arc::default(),
            max_age,
        }
    }

    /// The data version to serve a request at.
    pub async fn version(&self, store: &Store) -> Result<i64, AppError> {
        // Read this process's commits before the database: a commit landing in between is
        // in the version read, and is seen again (harmlessly) next time.
        let local = store.local_commits();
        {
            let seen = lock(&self.seen);
            if let Some(at) = seen.at
                && seen.local == local
                && at.elapsed() < self.max_age
            {
                return Ok(seen.version);
            }
        }
        let version = store.data_version().await?;
        let mut seen = lock(&self.seen);
        if version >= seen.version {
            *seen = Seen {
                version,
                local,
                at: Some(Instant::now()),
            };
        }
        Ok(version)
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Values kept for one data version, at most `limit` of them (when full, all are dropped and
/// kept afresh). Clones share what is kept.
#[derive(Debug, Clone)]
pub struct Kept<K, V> {
    inner: Arc<Mutex<KeptAt<K, V>>>,
    limit: usize,
}

#[derive(Debug)]
struct KeptAt<K, V> {
    version: i64,
    values: HashMap<K, V>,
}

impl<K, V> Default for Kept<K, V> {
    fn default() -> Self {
        Kept::with_limit(10_000)
    }
}

impl<K, V> Kept<K, V> {
    /// An empty store of at most `limit` values.
    pub fn with_limit(limit: usize) -> Kept<K, V> {
        Kept {
            inner: Arc::new(Mutex::new(KeptAt {
                version: i64::MIN,
                values: HashMap::new(),
            })),
            limit: limit.max(1),
        }
    }
}

impl<K: Eq + Hash, V: Clone> Kept<K, V> {
    /// The value kept for `key` at `version`.
    pub fn get(&self, version: i64, key: &K) -> Option<V> {
        let kept = lock(&self.inner);
        (kept.version == version)
            .then(|| kept.values.get(key).cloned())
            .flatten()
    }

    /// Keeps `value` for `key` at `version` (nothing, when a newer version is kept already).
    pub fn put(&self, version: i64, key: K, value: V) {
        self.with(version, |values| {
            values.insert(key, value);
        });
    }

    /// The value kept for `key` at `version`, kept first from `make` when there is none;
    /// `None` when a newer version is kept already (the caller then works without keeping).
    pub fn get_or_insert_with(&self, version: i64, key: K, make: impl FnOnce() -> V) -> Option<V> {
        self.with(version, |values| {
            values.entry(key).or_insert_with(make).clone()
        })
    }

    /// Forgets `key` at every version.
    pub fn remove(&self, key: &K) {
        lock(&self.inner).values.remove(key);
    }

    fn with<R>(&self, version: i64, f: impl FnOnce(&mut HashMap<K, V>) -> R) -> Option<R> {
        let mut kept = lock(&self.inner);
        if kept.version > version {
            return None;
        }
        if kept.version < version || kept.values.len() >= self.limit {
            kept.version = version;
            kept.values.clear();
        }
        Some(f(&mut kept.values))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_live_for_one_version() {
        let k: Kept<&str, i32> = Kept::with_limit(2);
        k.put(1, "a", 1);
        assert_eq!(k.get(1, &"a"), Some(1));
        assert_eq!(k.get(2, &"a"), None, "another version sees nothing");
        k.put(2, "b", 2);
        assert_eq!(k.get(1, &"a"), None, "a newer version drops the older");
        k.put(1, "c", 3);
        assert_eq!(k.get(1, &"c"), None, "an older version is not kept");
        assert_eq!(k.get_or_insert_with(2, "b", || 9), Some(2));
        assert_eq!(k.get_or_insert_with(1, "x", || 9), None);
        k.put(2, "d", 4);
        k.put(2, "e", 5);
        assert_eq!(k.get(2, &"b"), None, "full: dropped and kept afresh");
        assert_eq!(k.get(2, &"e"), Some(5));
        k.remove(&"e");
        assert_eq!(k.get(2, &"e"), None);
    }
}

/// Where a page's figures were read from; see [`Replica::reader`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadFrom {
    /// The read replica, which had replayed the version the request is served at.
    Replica,
    /// The primary: no replica is configured.
    Primary,
    /// The primary, because the replica had not yet replayed the request's version.
    PrimaryReplicaBehind,
    /// The primary, because the replica could not be reached (tried again after
    /// [`Replica::RETRY`]).
    PrimaryReplicaDown,
}

impl ReadFrom {
    /// How the `X-Minsheng-Read-From` header names it.
    pub fn code(self) -> &'static str {
        match self {
            ReadFrom::Replica => "replica",
            ReadFrom::Primary => "primary",
            ReadFrom::PrimaryReplicaBehind => "primary; replica behind",
            ReadFrom::PrimaryReplicaDown => "primary; replica down",
        }
    }
}

/// A PostgreSQL hot standby that dashboards and the portal may read from (`serve --read-db`)
/// while every write, session and permission goes to the primary.
///
/// A read is sent to the replica only when it has replayed at least the data version the
/// request is served at ([`Freshness`]): one small read of the replica's version per page
/// computed. A replica that lags is not read — the primary answers — so no page is ever older
/// than the freshness promise. A replica that cannot be reached is not tried again for
/// [`Replica::RETRY`], so it costs a page at most one refused connection
/// ([`Replica::CONNECT_TIMEOUT`]) in that time.
#[derive(Debug)]
pub struct Replica {
    url: String,
    state: tokio::sync::Mutex<ReplicaState>,
}

#[derive(Debug)]
enum ReplicaState {
    /// Not opened yet, or dropped after a failure; `retry_at` says when to try again.
    Closed {
        retry_at: Option<Instant>,
    },
    Open(Store),
}

impl Replica {
    /// How long a replica that failed is left alone.
    pub const RETRY: Duration = Duration::from_secs(5);
    /// How long a read waits for a connection to the replica.
    pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);

    /// The replica at `url`, opened when first read from (a server starts even while its
    /// replica is down).
    pub fn new(url: &str) -> Replica {
        Replica {
            url: url.to_string(),
            state: tokio::sync::Mutex::new(ReplicaState::Closed { retry_at: None }),
        }
    }

    /// The store to read a page served at `version` from, and which it is.
    pub async fn reader(&self, primary: &Store, version: i64) -> (Store, ReadFrom) {
        let store = {
            let mut state = self.state.lock().await;
            match &*state {
                ReplicaState::Open(s) => s.clone(),
                ReplicaState::Closed { retry_at } => {
                    if retry_at.is_some_and(|at| Instant::now() < at) {
                        return (primary.clone(), ReadFrom::PrimaryReplicaDown);
                    }
                    let settings = minsheng_store::PoolSettings {
                        acquire_timeout: Self::CONNECT_TIMEOUT,
                        ..minsheng_store::PoolSettings::default()
                    };
                    match Store::open_configured(
                        &self.url,
                        minsheng_store::OpenMode::MustExist,
                        settings,
                    )
                    .await
                    {
                        Ok(s) => {
                            *state = ReplicaState::Open(s.clone());
                            s
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, "read replica unreachable; reading from the primary");
                            *state = ReplicaState::Closed {
                                retry_at: Some(Instant::now() + Self::RETRY),
                            };
                            return (primary.clone(), ReadFrom::PrimaryReplicaDown);
                        }
                    }
                }
            }
        };
        match store.data_version().await {
            Ok(v) if v >= version => (store, ReadFrom::Replica),
            Ok(_) => (primary.clone(), ReadFrom::PrimaryReplicaBehind),
            Err(e) => {
                tracing::warn!(error = %e, "read replica failed; reading from the primary");
                *self.state.lock().await = ReplicaState::Closed {
                    retry_at: Some(Instant::now() + Self::RETRY),
                };
                store.close().await;
                (primary.clone(), ReadFrom::PrimaryReplicaDown)
            }
        }
    }
}
