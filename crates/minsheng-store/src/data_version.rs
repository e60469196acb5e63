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

impl Store {
    /// How many transactions this process has committed through this store and its clones.
    pub fn local_commits(&self) -> u64 {
        self.commits.load(std::sync::atomic::Ordering::SeqCst)
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
