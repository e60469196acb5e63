//! Opening a database from a URL, and migrating it. Bad input here gets one clear error and
//! leaves everything as it was: no file is created unless asked, no foreign file is touched.

use crate::error::StoreError;
use crate::{Backend, Store};
use sqlx::ConnectOptions;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");
/// The same migrations without the advisory lock, for CockroachDB (which has none).
/// `set_locking` cannot run in a static, so the field is set directly.
static POSTGRES_MIGRATIONS_UNLOCKED: Migrator = Migrator {
    locking: false,
    ..sqlx::migrate!("migrations/postgres")
};

/// Which database engine a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendKind {
    /// SQLite, the embedded default.
    Sqlite,
    /// PostgreSQL (or a Postgres-compatible engine).
    Postgres,
}

/// Whether opening may create the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// Create a missing SQLite file (`serve`, `migrate`, `demo`).
    CreateIfMissing,
    /// The database must already exist.
    MustExist,
}

/// The URL with any password replaced by `***`, for messages and logs.
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    match authority.rfind('@') {
        Some(at) => match authority[..at].find(':') {
            Some(colon) => format!(
                "{}{}:***{}",
                &url[..scheme_end + 3],
                &authority[..colon],
                &rest[at..]
            ),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

/// How many connections a store keeps and how long work waits, before it is refused with
/// [`StoreError::Busy`] (nothing written). The defaults suit one server on a small machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolSettings {
    /// Connections for reads (SQLite; the writer is one more) or for everything
    /// (PostgreSQL).
    pub max_connections: u32,
    /// How long a request waits for a connection (on SQLite, a writer for the writer).
    pub acquire_timeout: Duration,
    /// How long a statement waits for a lock held by someone else: another process's write
    /// on SQLite (`busy_timeout`), a row lock on PostgreSQL (`lock_timeout`).
    pub lock_timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        PoolSettings {
            max_connections: 8,
            acquire_timeout: Duration::from_secs(10),
            lock_timeout: Duration::from_secs(10),
        }
    }
}

impl PoolSettings {
    /// The defaults with another bound on the connections.
    pub fn with_max_connections(max_connections: u32) -> Self {
        PoolSettings {
            max_connections: max_connections.max(1),
            ..PoolSettings::default()
        }
    }
}

/// The newest migration this build carries (the same in both folders).
pub(crate) fn newest_migration() -> i64 {
    SQLITE_MIGRATIONS
        .iter()
        .map(|m| m.version)
        .max()
        .unwrap_or(0)
}

enum Parsed {
    Sqlite { path: Option<PathBuf>, url: String },
    Postgres(String),
}

fn parse(url: &str) -> Result<Parsed, StoreError> {
    let bad = |reason: &str| StoreError::BadUrl {
        url: redact_url(url),
        reason: reason.into(),
    };
    if url.trim().is_empty() {
        return Err(bad("为空 / empty"));
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok(Parsed::Postgres(url.to_string()));
    }
    if let Some(rest) = url.strip_prefix("sqlite:") {
        if rest == ":memory:" || rest.starts_with(":memory:?") {
            return Ok(Parsed::Sqlite {
                path: None,
                url: url.to_string(),
            });
        }
        let path = rest.strip_prefix("//").unwrap_or(rest);
        let path = path.split('?').next().unwrap_or(path);
        if path.is_empty() {
            return Err(bad("缺少文件路径 / no file path"));
        }
        return Ok(Parsed::Sqlite {
            path: Some(PathBuf::from(path)),
            url: url.to_string(),
        });
    }
    if url.contains("://") {
        return Err(bad(
            "只支持 sqlite 与 postgres / only sqlite and postgres are supported",
        ));
    }
    // A bare path is a SQLite file.
    Ok(Parsed::Sqlite {
        path: Some(PathBuf::from(url)),
        url: format!("sqlite://{url}"),
    })
}

impl Store {
    /// Opens the database at `url`: `sqlite://path`, `sqlite::memory:`, a bare file path, or
    /// `postgres://user@host/db`. Does not migrate: see [`Store::migrate`] and
    /// [`Store::check_schema`].
    pub async fn open(url: &str, mode: OpenMode) -> Result<Store, StoreError> {
        Store::open_configured(url, mode, PoolSettings::default()).await
    }

    /// [`Store::open`] with a bound on the pool's connections.
    pub async fn open_with(
        url: &str,
        mode: OpenMode,
        max_connections: u32,
    ) -> Result<Store, StoreError> {
        Store::open_configured(
            url,
            mode,
            PoolSettings::with_max_connections(max_connections),
        )
        .await
    }

    /// [`Store::open`] with the pool's sizes and waits given.
    pub async fn open_configured(
        url: &str,
        mode: OpenMode,
        settings: PoolSettings,
    ) -> Result<Store, StoreError> {
        match parse(url)? {
            Parsed::Sqlite { path, url: full } => {
                open_sqlite(path, &full, url, mode, settings).await
            }
            Parsed::Postgres(full) => {
                let opts = PgConnectOptions::from_str(&full).map_err(|e| StoreError::BadUrl {
                    url: redact_url(url),
                    reason: e.to_string(),
                })?;
                Store::open_postgres_configured(opts, url, settings).await
            }
        }
    }

    /// Opens PostgreSQL with ready-made options (tests use this to set `search_path`).
    pub async fn open_postgres(
        opts: PgConnectOptions,
        url_for_messages: &str,
        max_connections: u32,
    ) -> Result<Store, StoreError> {
        Store::open_postgres_configured(
            opts,
            url_for_messages,
            PoolSettings::with_max_connections(max_connections),
        )
        .await
    }

    /// [`Store::open_postgres`] with the pool's sizes and waits given.
    pub async fn open_postgres_configured(
        opts: PgConnectOptions,
        url_for_messages: &str,
        settings: PoolSettings,
    ) -> Result<Store, StoreError> {
        let opts = opts
            // A write waiting on another's row lock gives up (Busy, nothing written) rather
            // than holding its connection for ever.
            .options([(
                "lock_timeout",
                format!("{}ms", settings.lock_timeout.as_millis()),
            )])
            .log_statements(tracing::log::LevelFilter::Trace)
            // A bulk insert's statement is megabytes of placeholders: never log it whole.
            .log_slow_statements(tracing::log::LevelFilter::Off, Duration::from_secs(1))
            .application_name("minsheng");
        // One direct attempt first: a pool would retry a refused connection until its
        // timeout, and a wrong URL should fail at once.
        let unreachable = |e: sqlx::Error| StoreError::Unreachable {
            url: redact_url(url_for_messages),
            reason: e.to_string(),
        };
        sqlx::Connection::close(opts.connect().await.map_err(unreachable)?)
            .await
            .map_err(unreachable)?;
        let pool = PgPoolOptions::new()
            .max_connections(settings.max_connections.max(1))
            .acquire_timeout(settings.acquire_timeout)
            .before_acquire(|conn, _| Box::pin(async move { Ok(reusable(conn)) }))
            .connect_with(opts)
            .await
            .map_err(unreachable)?;
        Ok(Store {
            backend: Backend::Postgres(pool),
            commits: Default::default(),
            writer: None,
            clock_shift: jiff::SignedDuration::ZERO,
        })
    }

    /// The newest migration this build carries.
    pub fn supported_schema_version(&self) -> i64 {
        self.migrator().iter().map(|m| m.version).max().unwrap_or(0)
    }

    pub(crate) fn migrator(&self) -> &'static Migrator {
        match self.backend {
            Backend::Sqlite { .. } => &SQLITE_MIGRATIONS,
            Backend::Postgres(_) => &POSTGRES_MIGRATIONS,
        }
    }

    /// The newest migration applied to the database, `None` if it was never migrated.
    pub async fn applied_schema_version(&self) -> Result<Option<i64>, StoreError> {
        // language=SQL
        const EXISTS_SQLITE: &str =
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'";
        // language=SQL
        const EXISTS_PG: &str = "SELECT COUNT(*) FROM information_schema.tables
             WHERE table_schema = current_schema() AND table_name = '_sqlx_migrations'";
        // language=SQL
        const MAX: &str = "SELECT MAX(version) FROM _sqlx_migrations WHERE success";
        let exists: i64 = match &self.backend {
            Backend::Sqlite { read, .. } => {
                sqlx::query_scalar(EXISTS_SQLITE).fetch_one(read).await?
            }
            Backend::Postgres(p) => sqlx::query_scalar(EXISTS_PG).fetch_one(p).await?,
        };
        if exists == 0 {
            return Ok(None);
        }
        Ok(crate::on_pool!(self, p => sqlx::query_scalar(MAX).fetch_one(p).await)?)
    }

    /// Refuses a database migrated by a newer minsheng, before anything is written to it.
    async fn refuse_newer(&self) -> Result<Option<i64>, StoreError> {
        let found = self.applied_schema_version().await?;
        let supported = self.supported_schema_version();
        match found {
            Some(found) if found > supported => Err(StoreError::SchemaTooNew { found, supported }),
            _ => Ok(found),
        }
    }

    /// Brings the schema up to this build's migrations. Refuses (changing nothing) a database
    /// migrated by a newer minsheng.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        self.refuse_newer().await?;
        match &self.backend {
            Backend::Sqlite { write, .. } => SQLITE_MIGRATIONS.run(write).await?,
            Backend::Postgres(p) => {
                // CockroachDB has no advisory locks; everything else uses them.
                let version: String = sqlx::query_scalar("SELECT version()").fetch_one(p).await?;
                if version.contains("CockroachDB") {
                    POSTGRES_MIGRATIONS_UNLOCKED.run(p).await?;
                } else {
                    POSTGRES_MIGRATIONS.run(p).await?;
                }
            }
        }
        Ok(())
    }

    /// Checks that the database is at exactly this build's schema, without changing it.
    pub async fn check_schema(&self) -> Result<(), StoreError> {
        let found = self.refuse_newer().await?;
        let supported = self.supported_schema_version();
        if found != Some(supported) {
            return Err(StoreError::NotMigrated { found, supported });
        }
        Ok(())
    }
}

async fn open_sqlite(
    path: Option<PathBuf>,
    full_url: &str,
    given: &str,
    mode: OpenMode,
    settings: PoolSettings,
) -> Result<Store, StoreError> {
    let shown = path
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| ":memory:".into());
    if let Some(path) = &path {
        if path.is_dir() {
            return Err(StoreError::NotADatabase { path: shown });
        }
        if !path.exists() {
            if mode == OpenMode::MustExist {
                return Err(StoreError::Missing { path: shown });
            }
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
                && !parent.is_dir()
            {
                return Err(StoreError::Unreachable {
                    url: given.to_string(),
                    reason: format!(
                        "目录 {} 不存在 / directory does not exist",
                        parent.display()
                    ),
                });
            }
        } else if !looks_like_sqlite(path) {
            // Check the header ourselves: opening a foreign file in WAL mode must not leave
            // -wal/-shm files beside it.
            return Err(StoreError::NotADatabase { path: shown });
        }
    }
    let (full_url, synchronous) = take_synchronous(full_url, given)?;
    let opts = SqliteConnectOptions::from_str(&full_url)
        .map_err(|e| StoreError::BadUrl {
            url: given.to_string(),
            reason: e.to_string(),
        })?
        .create_if_missing(mode == OpenMode::CreateIfMissing)
        .foreign_keys(true)
        .journal_mode(if path.is_some() {
            SqliteJournalMode::Wal
        } else {
            SqliteJournalMode::Memory
        })
        .synchronous(synchronous)
        // Another process's write (a `report import` beside the server) is waited for.
        .busy_timeout(settings.lock_timeout)
        .log_statements(tracing::log::LevelFilter::Trace)
        .log_slow_statements(tracing::log::LevelFilter::Off, Duration::from_secs(1));
    let open_error = |e: sqlx::Error| match &e {
        sqlx::Error::Database(db) if db.code().as_deref() == Some("26") => {
            StoreError::NotADatabase {
                path: shown.clone(),
            }
        }
        _ => StoreError::Unreachable {
            url: given.to_string(),
            reason: e.to_string(),
        },
    };
    let pool = |max: u32| {
        SqlitePoolOptions::new()
            .max_connections(max)
            .acquire_timeout(settings.acquire_timeout)
            // A file in this process cannot drop a connection the way a server can: no ping
            // before each use (a round trip to the connection's thread, paid by every write
            // while it holds the one writer).
            .test_before_acquire(false)
            .before_acquire(|conn, _| Box::pin(async move { Ok(reusable(conn)) }))
    };
    // The writer is opened first: it creates the file and switches it to WAL.
    let write = pool(1)
        .connect_with(opts.clone())
        .await
        .map_err(open_error)?;
    // An in-memory database lives in one connection: readers share the writer's.
    let read = if path.is_none() {
        write.clone()
    } else {
        pool(settings.max_connections.max(1))
            .connect_with(opts)
            .await
            .map_err(open_error)?
    };
    Ok(Store {
        backend: Backend::Sqlite { read, write },
        commits: Default::default(),
        writer: crate::writer::WriterThread::start().map(std::sync::Arc::new),
        clock_shift: jiff::SignedDuration::ZERO,
    })
}

/// Whether a pooled connection may be handed out again: not if a transaction on it could not
/// be rolled back (a full disk, a dropped server), which would make every later `BEGIN` on
/// it fail. Such a connection is closed and a fresh one opened.
fn reusable<C: sqlx::Connection>(conn: &mut C) -> bool {
    if conn.is_in_transaction() {
        tracing::warn!("closing a pooled connection left inside a transaction");
        return false;
    }
    true
}

/// Our own `synchronous=normal|full` parameter of a SQLite URL, taken out of it: NORMAL (the
/// default) in WAL mode can lose the last transactions on an OS crash or power loss, never the
/// database; FULL syncs every commit and loses none, at some cost in commit time.
fn take_synchronous(url: &str, given: &str) -> Result<(String, SqliteSynchronous), StoreError> {
    let Some((base, query)) = url.split_once('?') else {
        return Ok((url.to_string(), SqliteSynchronous::Normal));
    };
    let mut mode = SqliteSynchronous::Normal;
    let mut rest = Vec::new();
    for pair in query.split('&') {
        match pair.split_once('=') {
            Some(("synchronous", v)) => {
                mode = match v.to_ascii_lowercase().as_str() {
                    "normal" => SqliteSynchronous::Normal,
                    "full" => SqliteSynchronous::Full,
                    "extra" => SqliteSynchronous::Extra,
                    _ => {
                        return Err(StoreError::BadUrl {
                            url: given.to_string(),
                            reason: format!(
                                "synchronous 只能是 normal、full 或 extra,而非“{v}” / synchronous must be normal, full or extra, not '{v}'"
                            ),
                        });
                    }
                }
            }
            _ => rest.push(pair),
        }
    }
    let url = if rest.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", rest.join("&"))
    };
    Ok((url, mode))
}

/// An empty file is a database SQLite will initialise; anything else must carry the header.
fn looks_like_sqlite(path: &std::path::Path) -> bool {
    use std::io::Read;
    let Ok(mut f) = std::fs::File::open(path) else {
        return true; // let SQLite report the permission problem itself
    };
    let mut header = [0u8; 16];
    match f.read(&mut header) {
        Ok(0) => true,
        Ok(16) => &header == b"SQLite format 3\0",
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hides_passwords() {
        assert_eq!(
            redact_url("postgres://app:s3cret@db.example:5432/minsheng"),
            "postgres://app:***@db.example:5432/minsheng"
        );
        assert_eq!(
            redact_url("postgres://app@db/minsheng"),
            "postgres://app@db/minsheng"
        );
        assert_eq!(
            redact_url("sqlite://./minsheng.db"),
            "sqlite://./minsheng.db"
        );
    }

    #[test]
    fn reads_urls() {
        assert!(matches!(
            parse("minsheng.db"),
            Ok(Parsed::Sqlite { path: Some(_), .. })
        ));
        assert!(matches!(
            parse("sqlite::memory:"),
            Ok(Parsed::Sqlite { path: None, .. })
        ));
        assert!(matches!(
            parse("postgresql://x@y/z"),
            Ok(Parsed::Postgres(_))
        ));
        assert!(matches!(
            parse("mysql://x@y/z"),
            Err(StoreError::BadUrl { .. })
        ));
        assert!(matches!(parse("sqlite://"), Err(StoreError::BadUrl { .. })));
    }
}
