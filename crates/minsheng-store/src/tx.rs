//! Transactions: every write happens inside one, with its audit events.

use crate::error::StoreError;
use crate::{Backend, Store};
use jiff::Timestamp;
use minsheng_domain::Actor;
use sqlx::{Postgres, Sqlite, Transaction};

/// A write transaction on behalf of an actor. Nothing it writes is visible to others, or
/// kept, until [`Tx::commit`]; dropping it rolls everything back.
#[derive(Debug)]
pub struct Tx {
    pub(crate) inner: TxInner,
    pub(crate) commits: std::sync::Arc<crate::data_version::WriteStats>,
    /// Adds this transaction's time to the store's figures when it ends.
    pub(crate) _held: crate::data_version::HoldTimer,
    pub(crate) actor: Actor,
    pub(crate) now: Timestamp,
    /// What its writes touched, counted in its commit (`target_changes`).
    pub(crate) touched: crate::target_changes::Touched,
}

#[derive(Debug)]
pub(crate) enum TxInner {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl Store {
    /// The time this store writes into the records it changes (audit events, filing and
    /// review times): the real time, moved by [`Store::with_clock_shift`] if it was.
    pub fn now(&self) -> Timestamp {
        Timestamp::now()
            .checked_add(self.clock_shift)
            .unwrap_or_else(|_| Timestamp::now())
    }

    /// The same store with its clock moved by `shift`: a demo's records are stamped on the
    /// demo's day (its invented data stands at one day), the time of day running on. Sessions
    /// and sign-in throttling keep the real time.
    #[must_use]
    pub fn with_clock_shift(mut self, shift: jiff::SignedDuration) -> Store {
        self.clock_shift = shift;
        self
    }

    /// Begins a write transaction for `actor`. On SQLite it waits its turn for the one writer
    /// connection, then takes the write lock at once (`BEGIN IMMEDIATE`, which waits only for
    /// another process), so writers queue instead of failing half-way and readers never wait.
    /// Every read the write depends on goes through the `Tx` (see [`Tx::assignment`] and its
    /// kin): a transaction never asks the pool for a second connection.
    pub async fn begin(&self, actor: &Actor) -> Result<Tx, StoreError> {
        let inner = match &self.backend {
            Backend::Sqlite { write, .. } => {
                TxInner::Sqlite(write.begin_with("BEGIN IMMEDIATE").await?)
            }
            Backend::Postgres(p) => TxInner::Postgres(p.begin().await?),
        };
        // From the moment the connection is ours: the time it is held, not waited for.
        let started = std::time::Instant::now();
        Ok(Tx {
            inner,
            commits: self.commits.clone(),
            _held: crate::data_version::HoldTimer {
                stats: self.commits.clone(),
                started,
            },
            actor: actor.clone(),
            now: self.now(),
            touched: Default::default(),
        })
    }
}

impl Tx {
    /// Which backend this transaction runs on.
    pub(crate) fn backend(&self) -> crate::BackendKind {
        match self.inner {
            TxInner::Sqlite(_) => crate::BackendKind::Sqlite,
            TxInner::Postgres(_) => crate::BackendKind::Postgres,
        }
    }

    /// Reads inside the transaction.
    pub(crate) fn conn(&mut self) -> crate::Conn<'_> {
        crate::Conn::Tx(&mut self.inner)
    }

    /// Keeps everything written in this transaction, and raises the data version
    /// ([`Store::data_version`]) with it.
    pub async fn commit(mut self) -> Result<(), StoreError> {
        self.count_changes().await?;
        self.bump_data_version().await?;
        match self.inner {
            TxInner::Sqlite(t) => t.commit().await?,
            TxInner::Postgres(t) => t.commit().await?,
        }
        self.commits.committed();
        Ok(())
    }

    /// Discards everything written in this transaction.
    pub async fn rollback(self) -> Result<(), StoreError> {
        match self.inner {
            TxInner::Sqlite(t) => t.rollback().await?,
            TxInner::Postgres(t) => t.rollback().await?,
        }
        Ok(())
    }

    /// Who the writes are recorded as.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// The moment the transaction began; every row it stamps carries it.
    pub fn now(&self) -> Timestamp {
        self.now
    }

    /// Sets a value of the database's facts table.
    pub async fn set_meta(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        // language=SQL
        const SQL: &str = "INSERT INTO minsheng_meta (key, value) VALUES ($1, $2)
                           ON CONFLICT (key) DO UPDATE SET value = excluded.value";
        crate::on_tx!(self, c => sqlx::query(SQL).bind(key).bind(value).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }
}
