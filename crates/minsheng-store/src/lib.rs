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
mod assessments;
mod audit;
pub mod backup;
pub mod baseline;
mod bulk;
mod bulletins;
mod channels;
mod connect;
mod corrections;
mod data_version;
mod error;
mod evidence;
mod goals;
mod idempotency;
mod implementation_plans;
mod jobs;
mod plan_sources;
mod plans;
mod portal;
mod problems;
mod projects;
mod report_reminders;
mod reports;
mod rollup;
mod rows;
mod target_changes;
mod target_records;
#[cfg(feature = "testing")]
pub mod testing;
mod tx;
mod unit_weights;
mod units;
mod workspace;
mod writer;
mod year_end;

pub use accounts::{Failures, SignInRecord, StoredAccount};
pub use assessments::{AssessmentStatus, Entry, StoredAssessment};
pub use audit::audit_fields;
pub use bulk::{AcceptedValue, ImportedReport};
pub use bulletins::{DraftText, IssuedAs, ShareNarrative};
pub use channels::{ChannelOwner, NewChannel, StoredChannel};
pub use connect::{BackendKind, OpenMode, PoolSettings, redact_url};
pub use corrections::{Correction, ItemFacts, TargetFacts};
pub use data_version::WriteHold;
pub use error::StoreError;
pub use goals::{GoalPath, StoredGoal};
pub use idempotency::KeyState;
pub use jobs::{DeliveryStart, Failed, Job, JobStatus, NewJob};
pub use plan_sources::PlanSource;
pub use plans::{NewItem, NewPlan, NewSection, NewTarget, TargetChange};
pub use problems::{Escalation, NewProblem};
pub use projects::ProjectReport;
pub use report_reminders::ReportReminder;
pub use reports::{NewAssignment, NewReport};
pub use rollup::{
    AssignmentContext, NumberedRegionMonth, OwnedTargetMonth, RegionMonth, TargetMonth,
};
pub use tx::Tx;
pub use unit_weights::{POPULATION, WeightName};
pub use units::NewUnit;
pub use workspace::{PlacedAssignment, QueuePage, QueueQuery, QueuedReport};
pub use year_end::{CARRY_SECTION, CarriedTarget, Closure, PlanClosing, TargetLinks};

use sqlx::{PgPool, SqlitePool};

/// A handle on the database. Cheap to clone; all clones share one pool.
#[derive(Debug, Clone)]
pub struct Store {
    backend: Backend,
    /// Transactions committed through this store and its clones (this process's writes), and
    /// how long write transactions held their connection.
    commits: std::sync::Arc<data_version::WriteStats>,
    /// SQLite's writer thread ([`writer`]); `None` on PostgreSQL.
    writer: Option<std::sync::Arc<writer::WriterThread>>,
    /// How far this store's clock stands from the real one ([`Store::with_clock_shift`]):
    /// zero but for a demo, whose invented data stands at one day.
    clock_shift: jiff::SignedDuration,
}

#[derive(Debug, Clone)]
enum Backend {
    /// SQLite takes one writer at a time, so writes are serialised here on purpose: `write`
    /// is a pool of one connection, and a writer waits for it in the pool's fair queue instead
    /// of spinning on SQLite's lock; `read` serves everything else and, in WAL mode, never
    /// waits on a writer. (An in-memory database is one connection, both pools the same.)
    Sqlite {
        read: SqlitePool,
        write: SqlitePool,
    },
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to the backend's pool for reads. The body is written once
/// and compiled for each backend, so one SQL string serves both.
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.backend {
            $crate::Backend::Sqlite { read: $pool, .. } => $body,
            $crate::Backend::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

/// Like [`on_pool!`], for a single statement that writes outside a [`Tx`] (sessions, sign-in
/// counters): on SQLite it goes through the one writer connection.
macro_rules! on_write {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.backend {
            $crate::Backend::Sqlite { write: $pool, .. } => $body,
            $crate::Backend::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_write;

/// Where a read runs: on the store's pool, or inside a transaction (so it sees the
/// transaction's own writes and, on SQLite, needs no second connection while the writer is
/// held). Read functions take a `Conn` and are exposed on both [`Store`] and [`Tx`].
pub(crate) enum Conn<'a> {
    Pool(&'a Backend),
    Tx(&'a mut tx::TxInner),
}

/// Runs `$body` with `$c` bound to an executor for `$conn` (a `&mut Conn`): the read pool or
/// the transaction's connection. The body is compiled four times, once per backend and kind.
macro_rules! on_conn {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            $crate::Conn::Pool($crate::Backend::Sqlite { read, .. }) => {
                let $c = read;
                $body
            }
            $crate::Conn::Pool($crate::Backend::Postgres(pool)) => {
                let $c = pool;
                $body
            }
            $crate::Conn::Tx($crate::tx::TxInner::Sqlite(t)) => {
                let $c = &mut **t;
                $body
            }
            $crate::Conn::Tx($crate::tx::TxInner::Postgres(t)) => {
                let $c = &mut **t;
                $body
            }
        }
    };
}
pub(crate) use on_conn;

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
    /// Reads through the pool.
    pub(crate) fn conn(&self) -> Conn<'_> {
        Conn::Pool(&self.backend)
    }

    /// Which backend this store talks to.
    pub fn backend(&self) -> BackendKind {
        match self.backend {
            Backend::Sqlite { .. } => BackendKind::Sqlite,
            Backend::Postgres(_) => BackendKind::Postgres,
        }
    }

    /// Closes every connection of the pool (and checkpoints SQLite's WAL).
    pub async fn close(&self) {
        match &self.backend {
            Backend::Sqlite { read, write } => {
                read.close().await;
                write.close().await;
            }
            Backend::Postgres(p) => p.close().await,
        }
    }

    /// A value of the database's own facts table, such as `demo`.
    pub async fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        // language=SQL
        const SQL: &str = "SELECT value FROM minsheng_meta WHERE key = $1";
        Ok(on_pool!(self, p => sqlx::query_scalar(SQL).bind(key).fetch_optional(p).await)?)
    }
}
