//! The data version: a number every committed write transaction raises, so a reader can tell
//! in one lookup whether anything changed since it computed a figure (the office dashboard
//! keeps its figures per version). It lives in the database (`minsheng_meta`,
//! `data_version`), so every server sharing the database sees every server's writes.
//!
//! [`Store::local_commits`] counts the transactions committed through this process's store,
//! so a server can tell its own writes at once without asking the database.
//!
//! The counter is raised by an `UPDATE` of one row just before `COMMIT`: on PostgreSQL the
//! row lock orders concurrent committers, so versions follow commit order; SQLite writers are
//! serialized anyway (`BEGIN IMMEDIATE`). A reader that reads the version first and the data
//! after sees data at least as new as the version, so a figure kept under a version is never
//! older than it.

use crate::error::StoreError;
use crate::tx::Tx;
use crate::{Store, on_pool, on_tx};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// This process's write transactions: how many committed, how many ended either way, and how
/// long they held their connection in all (on SQLite the one writer, which every write waits
/// for: the figure that bounds write throughput).
#[derive(Debug, Default)]
pub(crate) struct WriteStats {
    commits: AtomicU64,
    ended: AtomicU64,
    held_micros: AtomicU64,
}

impl WriteStats {
    pub(crate) fn committed(&self) {
        self.commits.fetch_add(1, Ordering::SeqCst);
    }
}

/// Adds a transaction's time to [`WriteStats`] when it ends (committed, rolled back or
/// dropped).
#[derive(Debug)]
pub(crate) struct HoldTimer {
    pub(crate) stats: std::sync::Arc<WriteStats>,
    pub(crate) started: Instant,
}

impl Drop for HoldTimer {
    fn drop(&mut self) {
        let micros = u64::try_from(self.started.elapsed().as_micros()).unwrap_or(u64::MAX);
        self.stats.ended.fetch_add(1, Ordering::Relaxed);
        self.stats.held_micros.fetch_add(micros, Ordering::Relaxed);
    }
}

/// How many write transactions this process ran and how long they held their connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteHold {
    /// Transactions ended (committed, rolled back or dropped).
    pub transactions: u64,
    /// Their time from `BEGIN` to the end, summed.
    pub held: Duration,
}

impl Store {
    /// How many transactions this process has committed through this store and its clones.
    pub fn local_commits(&self) -> u64 {
        self.commits.commits.load(Ordering::SeqCst)
    }

    /// How many write transactions this process ran and how long they held their connection
    /// in all (for benchmarks: on SQLite the writer is one connection, so this bounds the
    /// writes per second).
    pub fn write_hold(&self) -> WriteHold {
        WriteHold {
            transactions: self.commits.ended.load(Ordering::Relaxed),
            held: Duration::from_micros(self.commits.held_micros.load(Ordering::Relaxed)),
        }
    }

    /// The current data version (0 before the first write).
    pub async fn data_version(&self) -> Result<i64, StoreError> {
        // language=SQL
        const SQL: &str = "SELECT value FROM minsheng_meta WHERE key = 'data_version'";
        let v: Option<String> =
            on_pool!(self, p => sqlx::query_scalar(SQL).fetch_optional(p).await)?;
        match v {
            None => Ok(0),
            Some(v) => v.parse().map_err(|_| StoreError::Corrupt {
                table: "minsheng_meta",
                column: "data_version",
                value: v,
            }),
        }
    }
}

impl Tx {
    /// Raises the data version; called by [`Tx::commit`] as the transaction's last write.
    pub(crate) async fn bump_data_version(&mut self) -> Result<(), StoreError> {
        // language=SQL
        const SQL: &str = "INSERT INTO minsheng_meta (key, value) VALUES ('data_version', '1')
                           ON CONFLICT (key) DO UPDATE
                           SET value = CAST(CAST(minsheng_meta.value AS BIGINT) + 1 AS TEXT)";
        on_tx!(self, c => sqlx::query(SQL).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }
}
