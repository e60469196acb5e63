//! What can go wrong talking to the database, split into what the user can fix (a wrong URL,
//! a file that is not a database, a record that does not exist) and what they cannot.

/// A store error. Messages are Chinese first, English second, and name what was wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database URL is not one minsheng reads.
    #[error(
        "数据库地址“{url}”无法识别:{reason}。应为 sqlite://文件路径 或 postgres://用户@主机/库 / unrecognised database URL '{url}': {reason}"
    )]
    BadUrl {
        /// The URL as given, password hidden.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The database server could not be reached or refused the connection.
    #[error("无法连接数据库 {url}:{reason} / cannot connect to the database {url}: {reason}")]
    Unreachable {
        /// The URL, password hidden.
        url: String,
        /// The driver's reason.
        reason: String,
    },
    /// The SQLite file does not exist and may not be created here.
    #[error(
        "数据库文件 {path} 不存在(可先运行 `minsheng migrate` 创建) / database file {path} does not exist (create it with `minsheng migrate`)"
    )]
    Missing {
        /// The file.
        path: String,
    },
    /// The file exists but is not a SQLite database.
    #[error(
        "文件 {path} 不是 SQLite 数据库,未作任何改动 / {path} is not a SQLite database; it was left untouched"
    )]
    NotADatabase {
        /// The file.
        path: String,
    },
    /// The database was migrated by a newer minsheng than this one.
    #[error(
        "数据库结构版本 {found} 比本程序支持的版本 {supported} 新:它由更新版本的 minsheng 迁移过,请升级 minsheng,未作任何改动 / the database schema is at version {found}, newer than the {supported} this minsheng knows: upgrade minsheng; nothing was changed"
    )]
    SchemaTooNew {
        /// The newest migration applied to the database.
        found: i64,
        /// The newest migration this build carries.
        supported: i64,
    },
    /// The database has not been migrated to this build's schema.
    #[error(
        "数据库尚未迁移到当前结构(已迁移至 {found:?},需要 {supported}):请运行 `minsheng migrate` / the database is not migrated (at {found:?}, needs {supported}): run `minsheng migrate`"
    )]
    NotMigrated {
        /// The newest migration applied, if any.
        found: Option<i64>,
        /// The newest migration this build carries.
        supported: i64,
    },
    /// A migration failed; the database is as it was before that migration.
    #[error("数据库迁移失败:{0} / migration failed: {0}")]
    Migrate(sqlx::migrate::MigrateError),
    /// The record asked for does not exist.
    #[error("{entity} {id} 不存在 / {entity} {id} not found")]
    NotFound {
        /// The kind of record.
        entity: &'static str,
        /// Its id.
        id: i64,
    },
    /// A write would break a uniqueness rule.
    #[error(
        "与已有记录重复(约束 {constraint}) / duplicates an existing record (constraint {constraint})"
    )]
    Duplicate {
        /// The constraint, as the database names it.
        constraint: String,
    },
    /// A write refers to a record that does not exist, or a check failed: one of the store's
    /// own rules (a problem that is no longer open), or a constraint the database enforced.
    #[error(
        "引用的记录不存在或取值不合规({detail}) / refers to a missing record or breaks a rule ({detail})"
    )]
    Integrity {
        /// What was refused: the store's words, or the database's description.
        detail: String,
        /// Whether the database found it (a foreign key, a check): the request should have
        /// been refused before, so it is an internal failure whose driver message is logged,
        /// never shown.
        by_database: bool,
    },
    /// A stored value could not be read back into its domain type.
    #[error(
        "数据库中 {table}.{column} 的值“{value}”无法读取 / stored value '{value}' in {table}.{column} is unreadable"
    )]
    Corrupt {
        /// The table.
        table: &'static str,
        /// The column.
        column: &'static str,
        /// The value.
        value: String,
    },
    /// A state change found the record changed by someone else first (a report accepted
    /// twice at once): nothing was written.
    #[error(
        "{entity} {id} 已被他人先行处理,当前状态为“{found}”,未作改动 / {entity} {id} was changed by someone else first (it is now {found}); nothing was changed"
    )]
    Conflict {
        /// The kind of record.
        entity: &'static str,
        /// Its id.
        id: i64,
        /// The state it is in now.
        found: String,
    },
    /// A write to a plan closed at year end (the domain's rule,
    /// `minsheng_domain::year_end::check_open`): nothing was written.
    #[error(
        "计划 {plan} 已关闭(年终结转),不再接受填报、分解或修改 / plan {plan} is closed at year end: it takes no more reports, splits or edits"
    )]
    PlanClosed {
        /// The plan.
        plan: i64,
    },
    /// The database could not take the work in time (every connection busy, a lock held too
    /// long): nothing was written, and the same request may be tried again.
    #[error(
        "数据库繁忙,请稍后重试,未作任何改动 / the database is busy: nothing was changed, try again shortly"
    )]
    Busy,
    /// The database is read-only (a read-only file or replica, a server in recovery): reads
    /// go on, writes are paused.
    #[error("数据库只读,暂停写入 / read-only: writes are paused")]
    ReadOnly,
    /// The database's disk is full: reads go on, writes are paused until space is freed.
    #[error("数据库磁盘已满,暂停写入 / disk full: writes are paused")]
    DiskFull,
    /// A backup could not be made or restored.
    #[error(transparent)]
    Backup(#[from] crate::backup::BackupError),
    /// Anything else the driver reports.
    #[error("数据库错误:{0} / database error: {0}")]
    Database(sqlx::Error),
}

impl StoreError {
    /// Whether the user can fix this by changing what they asked for (as opposed to an
    /// internal failure that should be logged and answered with a generic message).
    ///
    /// Infrastructure is never the user's: a server that cannot be reached, a migration that
    /// failed, a constraint the database had to enforce, a driver error, a corrupt value, or
    /// the database busy, read-only or full.
    pub fn is_user_error(&self) -> bool {
        match self {
            StoreError::BadUrl { .. }
            | StoreError::Missing { .. }
            | StoreError::NotADatabase { .. }
            | StoreError::SchemaTooNew { .. }
            | StoreError::NotMigrated { .. }
            | StoreError::NotFound { .. }
            | StoreError::Duplicate { .. }
            | StoreError::Conflict { .. }
            | StoreError::PlanClosed { .. }
            | StoreError::Backup(_) => true,
            StoreError::Integrity { by_database, .. } => !by_database,
            StoreError::Unreachable { .. }
            | StoreError::Migrate(_)
            | StoreError::Corrupt { .. }
            | StoreError::Busy
            | StoreError::ReadOnly
            | StoreError::DiskFull
            | StoreError::Database(_) => false,
        }
    }

    /// Whether the database cannot take writes now, for a reason that passes (busy, read-only,
    /// a full disk): answered "unavailable, try later", never as an internal failure.
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            StoreError::Busy | StoreError::ReadOnly | StoreError::DiskFull
        )
    }
}

/// What a driver error code says about the database's state, if anything: SQLite's result
/// codes (extended codes carry the primary one in their low byte) and PostgreSQL's SQLSTATEs.
fn unavailable(code: &str) -> Option<StoreError> {
    // A SQLSTATE has five characters; SQLite's codes are at most four digits.
    if code.len() < 5
        && let Ok(n) = code.parse::<i32>()
    {
        return match n & 0xff {
            5 | 6 => Some(StoreError::Busy),  // SQLITE_BUSY, SQLITE_LOCKED
            8 => Some(StoreError::ReadOnly),  // SQLITE_READONLY
            13 => Some(StoreError::DiskFull), // SQLITE_FULL
            _ => None,
        };
    }
    match code {
        // read_only_sql_transaction (a standby, default_transaction_read_only)
        "25006" => Some(StoreError::ReadOnly),
        // disk_full
        "53100" => Some(StoreError::DiskFull),
        // serialization_failure, deadlock_detected, lock_not_available (lock_timeout),
        // query_canceled (statement_timeout), insufficient_resources, out_of_memory,
        // too_many_connections, cannot_connect_now
        "40001" | "40P01" | "55P03" | "57014" | "53000" | "53200" | "53300" | "57P03" => {
            Some(StoreError::Busy)
        }
        _ => None,
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        use sqlx::migrate::MigrateError;
        // A migration that could not write (a read-only or full database) says so plainly.
        if let MigrateError::Execute(inner) | MigrateError::ExecuteMigration(inner, _) = &e
            && let sqlx::Error::Database(db) = inner
            && let Some(state) = db.code().as_deref().and_then(unavailable)
        {
            return state;
        }
        StoreError::Migrate(e)
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if matches!(e, sqlx::Error::PoolTimedOut) {
            return StoreError::Busy;
        }
        if let sqlx::Error::Database(db) = &e {
            if let Some(state) = db.code().as_deref().and_then(unavailable) {
                return state;
            }
            use sqlx::error::ErrorKind;
            let constraint = db.constraint().unwrap_or_default().to_string();
            match db.kind() {
                ErrorKind::UniqueViolation => {
                    let constraint = if constraint.is_empty() {
                        db.message().to_string()
                    } else {
                        constraint
                    };
                    return StoreError::Duplicate { constraint };
                }
                ErrorKind::ForeignKeyViolation
                | ErrorKind::CheckViolation
                | ErrorKind::NotNullViolation => {
                    return StoreError::Integrity {
                        detail: db.message().to_string(),
                        by_database: true,
                    };
                }
                _ => {}
            }
        }
        StoreError::Database(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn driver_codes_say_busy_read_only_or_full() {
        // SQLite result codes, primary and extended.
        assert!(matches!(unavailable("5"), Some(StoreError::Busy)));
        assert!(matches!(unavailable("517"), Some(StoreError::Busy))); // BUSY_SNAPSHOT
        assert!(matches!(unavailable("8"), Some(StoreError::ReadOnly)));
        assert!(matches!(unavailable("1032"), Some(StoreError::ReadOnly))); // READONLY_DBMOVED
        assert!(matches!(unavailable("13"), Some(StoreError::DiskFull)));
        assert!(unavailable("19").is_none(), "a constraint is the caller's");
        // PostgreSQL SQLSTATEs.
        assert!(matches!(unavailable("25006"), Some(StoreError::ReadOnly)));
        assert!(matches!(unavailable("53100"), Some(StoreError::DiskFull)));
        assert!(matches!(unavailable("55P03"), Some(StoreError::Busy)));
        assert!(matches!(unavailable("40P01"), Some(StoreError::Busy)));
        assert!(unavailable("23505").is_none());
        assert!(matches!(
            StoreError::from(sqlx::Error::PoolTimedOut),
            StoreError::Busy
        ));
        assert!(!StoreError::Busy.is_user_error() && StoreError::Busy.is_unavailable());
    }

    #[test]
    fn infrastructure_is_never_the_users_fault() {
        let by = |by_database| StoreError::Integrity {
            detail: "x".into(),
            by_database,
        };
        assert!(by(false).is_user_error(), "the store's own rule");
        assert!(
            !by(true).is_user_error(),
            "the driver's message is not shown"
        );
        let unreachable = StoreError::Unreachable {
            url: "postgres://h/db".into(),
            reason: "refused".into(),
        };
        assert!(!unreachable.is_user_error());
        assert!(
            !StoreError::Migrate(sqlx::migrate::MigrateError::VersionMissing(1)).is_user_error()
        );
        assert!(
            StoreError::NotFound {
                entity: "plan",
                id: 1
            }
            .is_user_error()
        );
    }
}
