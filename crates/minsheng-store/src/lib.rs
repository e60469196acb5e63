//! minsheng's persistence: one typed interface over SQLite (the embedded default) and
//! PostgreSQL, with embedded migrations and an audit log written in the same transaction as
//! every change it records.
//!
//! **Architecture invariant:** this is the only crate that names sqlx. It takes and returns
//! domain types; its row structs are private. SQL strings are written once with `$N`
//! placeholders and run unchanged on both backends; the two migration folders differ only
//! in dialect, and a test checks they define the same tables and columns.
//!
//! Reads go through [`Store`]; every write goes through a [`Tx`], begun with
//! [`Store::begin`] for an [`Actor`](minsheng_domain::Actor) and committed as a whole.
#![deny(missing_docs)]

mod accounts;
mod audit;
pub mod baseline;
mod bulk;
mod connect;
mod data_version;
mod error;
mod evidence;
mod plans;
mod portal;
mod problems;
mod reports;
mod rollup;
mod rows;
mod target_records;
#[cfg(feature = "testing")]
pub mod testing;
mod tx;
mod units;
mod workspace;

pub use accounts::{Failures, SignInRecord, StoredAccount};
pub use bulk::{AcceptedValue, ImportedReport};
pub use connect::{BackendKind, OpenMode, redact_url};
pub use error::StoreError;
pub use plans::{NewItem, NewPlan, NewSection, NewTarget, TargetChange};
pub use problems::{Escalation, NewProblem};
pub use reports::{NewAssignment, NewReport};
pub use rollup::{
    AssignmentContext, NumberedRegionMonth, OwnedTargetMonth, RegionMonth, TargetMonth,
};
pub use tx::Tx;
pub use units::NewUnit;
pub use workspace::{PlacedAssignment, QueuedReport};

use sqlx::{PgPool, SqlitePool};

/// A handle on the database. Cheap to clone; all clones share one pool.
#[derive(Debug, Clone)]
pub struct Store {
    backend: Backend,
    /// Transactions committed through this store and its clones (this process's writes).
    commits: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

#[derive(Debug, Clone)]
enum Backend {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to the backend's pool. The body is written once and
/// compiled for each backend, so one SQL string serves both.
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.backend {
            $crate::Backend::Sqlite($pool) => $body,
            $crate::Backend::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

/// Runs `$body` with `$conn` bound to the transaction's connection, once per backend.
macro_rules! on_tx {
    ($tx:expr, $conn:ident => $body:expr) => {
        match &mut $tx.inner {
            $crate::tx::TxInner::Sqlite(t) => {
                let $conn = &mut **t;
                $body
            }
            $crate::tx::TxInner::Postgres(t) => {
                let $conn = &mut **t;
                $body
            }
        }
    };
}
pub(crate) use on_tx;

impl Store {
    /// Which backend this store talks to.
    pub fn backend(&self) -> BackendKind {
        match self.backend {
            Backend::Sqlite(_) => BackendKind::Sqlite,
            Backend::Postgres(_) => BackendKind::Postgres,
        }
    }

    /// Closes every connection of the pool (and checkpoints SQLite's WAL).
    pub async fn close(&self) {
        on_pool!(self, p => p.close().await)
    }

    /// A value of the database's own facts table, such as `demo`.
    pub async fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        // language=SQL
        const SQL: &str = "SELECT value FROM minsheng_meta WHERE key = $1";
        Ok(on_pool!(self, p => sqlx::query_scalar(SQL).bind(key).fetch_optional(p).await)?)
    }
}
