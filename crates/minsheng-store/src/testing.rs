//! Test support: run one test body on every configured backend.
//!
//! [`backends`] always yields a fresh, migrated SQLite database in a temporary file. When
//! `MINSHENG_TEST_POSTGRES_URL` is set it also yields a fresh schema in that PostgreSQL
//! database (dropped by [`TestDb::finish`]). With `CI=true` and no such URL it panics, so
//! PostgreSQL coverage cannot vanish silently.

use crate::connect::OpenMode;
use crate::{Backend, Store, StoreError};
use sqlx::AssertSqlSafe;
use sqlx::postgres::PgConnectOptions;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::atomic::{AtomicU32, Ordering};

mod replica;
pub use replica::StreamingReplica;

/// The environment variable naming the PostgreSQL database tests may create schemas in.
pub const POSTGRES_URL_VAR: &str = "MINSHENG_TEST_POSTGRES_URL";

/// One test database.
#[derive(Debug)]
pub struct TestDb {
    /// The migrated store.
    pub store: Store,
    /// `sqlite` or `postgres`, for assertion messages.
    pub label: &'static str,
    /// A URL that opens the same database (for tests of the binary and of opening).
    pub url: String,
    cleanup: Cleanup,
}

#[derive(Debug)]
enum Cleanup {
    File(PathBuf),
    Schema { base_url: String, schema: String },
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{prefix}_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// A fresh temporary SQLite file path (not created).
pub fn temp_sqlite_path() -> PathBuf {
    std::env::temp_dir().join(format!("{}.db", unique("minsheng_test")))
}

/// The PostgreSQL URL tests should use, if any; panics under CI when it is missing.
pub fn postgres_url() -> Option<String> {
    match std::env::var(POSTGRES_URL_VAR) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!(
                    "CI=true but {POSTGRES_URL_VAR} is not set: the PostgreSQL half of the store suite would be skipped"
                );
            }
            None
        }
    }
}

/// Fresh, migrated databases: SQLite always, PostgreSQL when configured.
pub async fn backends() -> Vec<TestDb> {
    let mut out = vec![sqlite().await];
    if let Some(url) = postgres_url() {
        out.push(postgres(&url).await);
    }
    out
}

/// Fresh databases that no migration has touched: SQLite always, PostgreSQL when configured
/// (for migration tests and restores that migrate their target).
pub async fn empty_backends() -> Vec<TestDb> {
    let mut out = vec![sqlite_unmigrated().await];
    if let Some(url) = postgres_url() {
        out.push(postgres_unmigrated(&url).await);
    }
    out
}

/// A fresh, migrated SQLite database in a temporary file.
pub async fn sqlite() -> TestDb {
    let db = sqlite_unmigrated().await;
    db.store.migrate().await.expect("migrate test sqlite");
    db
}

/// A fresh SQLite database in a temporary file, not migrated.
pub async fn sqlite_unmigrated() -> TestDb {
    let path = temp_sqlite_path();
    let url = format!("sqlite://{}", path.display());
    let store = Store::open(&url, OpenMode::CreateIfMissing)
        .await
        .expect("open test sqlite");
    TestDb {
        store,
        label: "sqlite",
        url,
        cleanup: Cleanup::File(path),
    }
}

/// A fresh, migrated schema in the PostgreSQL database at `base_url`.
pub async fn postgres(base_url: &str) -> TestDb {
    let db = postgres_unmigrated(base_url).await;
    db.store.migrate().await.expect("migrate test postgres");
    db
}

/// A fresh schema in the PostgreSQL database at `base_url`, not migrated.
pub async fn postgres_unmigrated(base_url: &str) -> TestDb {
    let schema = unique("minsheng_test");
    let admin = Store::open_with(base_url, OpenMode::MustExist, 1)
        .await
        .expect("connect to MINSHENG_TEST_POSTGRES_URL");
    admin
        .exec(&format!("CREATE SCHEMA \"{schema}\""))
        .await
        .expect("create test schema");
    admin.close().await;
    let opts = PgConnectOptions::from_str(base_url)
        .expect("MINSHENG_TEST_POSTGRES_URL")
        .options([("search_path", schema.as_str())]);
    let store = Store::open_postgres(opts, base_url, 3)
        .await
        .expect("open test schema");
    let sep = if base_url.contains('?') { '&' } else { '?' };
    let url = format!("{base_url}{sep}options=-csearch_path%3D{schema}");
    TestDb {
        store,
        label: "postgres",
        url,
        cleanup: Cleanup::Schema {
            base_url: base_url.to_string(),
            schema,
        },
    }
}

impl TestDb {
    /// Closes the store and removes the database.
    pub async fn finish(self) {
        self.store.close().await;
        match self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut p = path.clone().into_os_string();
                    p.push(suffix);
                    let _ = std::fs::remove_file(PathBuf::from(p));
                }
            }
            Cleanup::Schema { base_url, schema } => {
                if let Ok(admin) = Store::open_with(&base_url, OpenMode::MustExist, 1).await {
                    let _ = admin
                        .exec(&format!("DROP SCHEMA \"{schema}\" CASCADE"))
                        .await;
                    admin.close().await;
                }
            }
        }
    }
}

impl Store {
    /// Applies the migrations up to and including `version`, and no further.
    pub async fn migrate_to(&self, version: i64) -> Result<(), StoreError> {
        let m = self.migrator();
        crate::on_pool!(self, p => m.run_to(version, p).await)?;
        Ok(())
    }

    /// The versions of this build's migrations, oldest first.
    pub fn migration_versions(&self) -> Vec<i64> {
        self.migrator().iter().map(|m| m.version).collect()
    }

    /// Runs raw SQL. For tests only: production code goes through typed methods.
    pub async fn exec(&self, sql: &str) -> Result<u64, StoreError> {
        let sql = AssertSqlSafe(sql.to_string());
        Ok(
            crate::on_write!(self, p => sqlx::query(sql).execute(p).await.map(|r| r.rows_affected()))?,
        )
    }

    /// Runs a raw query returning one integer. For tests only.
    pub async fn scalar_i64(&self, sql: &str) -> Result<i64, StoreError> {
        let sql = AssertSqlSafe(sql.to_string());
        Ok(crate::on_pool!(self, p => sqlx::query_scalar(sql).fetch_one(p).await)?)
    }

    /// Runs a raw query returning one text value. For tests only.
    pub async fn scalar_text(&self, sql: &str) -> Result<String, StoreError> {
        let sql = AssertSqlSafe(sql.to_string());
        Ok(crate::on_pool!(self, p => sqlx::query_scalar(sql).fetch_one(p).await)?)
    }

    /// SQLite's `PRAGMA integrity_check`: `ok` when the file is sound, otherwise what is
    /// wrong. PostgreSQL has no such check: `ok`. For tests only.
    pub async fn integrity_check(&self) -> Result<String, StoreError> {
        match &self.backend {
            Backend::Sqlite { read: p, .. } => {
                let rows: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
                    .fetch_all(p)
                    .await?;
                Ok(rows.join("\n"))
            }
            Backend::Postgres(_) => Ok("ok".to_string()),
        }
    }

    /// Every (table, column) of the schema, sorted, migration bookkeeping left out.
    pub async fn schema_columns(&self) -> Result<Vec<(String, String)>, StoreError> {
        // language=SQL
        const SQLITE: &str =
            "SELECT m.name, c.name FROM sqlite_master m, pragma_table_info(m.name) c
                              WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
                                AND m.name <> '_sqlx_migrations'";
        // language=SQL
        const PG: &str = "SELECT table_name::text, column_name::text FROM information_schema.columns
                          WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations'";
        let mut cols: Vec<(String, String)> = match &self.backend {
            Backend::Sqlite { read, .. } => sqlx::query_as(SQLITE).fetch_all(read).await?,
            Backend::Postgres(p) => sqlx::query_as(PG).fetch_all(p).await?,
        };
        cols.sort();
        Ok(cols)
    }
}
