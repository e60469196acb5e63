//! Backup and restore in minsheng's own portable format, the same for SQLite and PostgreSQL,
//! so a backup of one backend restores into the other (`minsheng copy` is exactly that).
//!
//! **The format** is UTF-8 JSON, one value per line:
//!
//! 1. a header `{"minsheng_backup":1,"schema_version":7,"backend":"sqlite","made_at":"…","tables":19}`;
//! 2. for every table of [`TABLES`], in dependency order (a row's references come first):
//!    `{"table":"units","columns":["id",…],"last_id":12}` (`last_id`, for tables with an
//!    identity column, is the highest id ever handed out, so restored sequences never reuse
//!    a deleted row's id), then one JSON array per row in primary-key order, then
//!    `{"end":"units","rows":N}`;
//! 3. a footer `{"end":"backup","rows":TOTAL,"sha256":"…"}`, the SHA-256 of every byte before it.
//!
//! Values are JSON numbers (integers), strings (text; timestamps as RFC 3339 in UTC to the
//! microsecond, PostgreSQL's precision, so a copy either way is exact; dates as `YYYY-MM-DD`), booleans, `null`, and base64 strings for bytes (evidence files, sessions).
//! Decimal values are already canonical text in both databases.
//!
//! **Consistency.** A backup is read inside one read transaction (SQLite: one deferred read
//! transaction, a snapshot in WAL mode that does not block writers; PostgreSQL: `REPEATABLE
//! READ, READ ONLY`), so it is the database at one instant even while a server is filing and
//! accepting reports.
//!
//! **Restore** writes into an empty database at the backup's schema version, in one
//! transaction, recorded as one audit event (`restore`). A file that is not a backup, is cut
//! short, has a wrong checksum, a value of the wrong type, or comes from a newer schema is
//! refused and nothing is written; so is a target that holds any row.
//!
//! **Coverage.** [`TABLES`] is the one list of what a backup holds. Backing up a database with
//! a table or column the list does not know is refused, so a new migration cannot be left out
//! of backups silently (and a test compares the list with the migrated schema).

use crate::error::StoreError;
use crate::tx::{Tx, TxInner};
use crate::{Backend, Store, on_tx};
use base64::Engine as _;
use futures_util::TryStreamExt as _;
use jiff_sqlx::ToSqlx;
use serde_json::{Value as Json, json};
use sha2::{Digest, Sha256};
use sqlx::{AssertSqlSafe, Row};
use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::io::{BufRead, Write};

/// The version of the file format this build writes and reads.
pub const FORMAT_VERSION: i64 = 1;

/// How a column's values are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A 64-bit integer.
    Int,
    /// Text (decimals are canonical decimal text).
    Text,
    /// A boolean.
    Bool,
    /// An instant (TEXT on SQLite, TIMESTAMPTZ on PostgreSQL).
    Time,
    /// A civil date (TEXT on SQLite, DATE on PostgreSQL).
    Date,
    /// Bytes (BLOB on SQLite, BYTEA on PostgreSQL).
    Bytes,
}

/// A column of a backed-up table.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// Its name.
    pub name: &'static str,
    /// How its values are kept.
    pub kind: Kind,
}

/// A backed-up table.
#[derive(Debug, Clone, Copy)]
pub struct Table {
    /// Its name.
    pub name: &'static str,
    /// Its columns, in the order the backup writes them.
    pub columns: &'static [Column],
    /// The `ORDER BY` of its rows: its primary key.
    pub order_by: &'static str,
    /// Whether `id` is an identity column whose sequence a restore sets.
    pub identity: bool,
    /// A column referring to the same table (a unit's parent).
    pub self_reference: Option<&'static str>,
}

macro_rules! cols {
    ($($name:ident: $kind:ident),* $(,)?) => {
        &[$(Column { name: stringify!($name), kind: Kind::$kind }),*]
    };
}

const fn table(name: &'static str, order_by: &'static str, columns: &'static [Column]) -> Table {
    Table {
        name,
        columns,
        order_by,
        identity: false,
        self_reference: None,
    }
}

const fn with_id(name: &'static str, columns: &'static [Column]) -> Table {
    Table {
        name,
        columns,
        order_by: "id",
        identity: true,
        self_reference: None,
    }
}

/// Every table a backup holds, in dependency order: each table after those it refers to.
/// This is the one list: backing up a database whose schema has a table or column missing
/// here is refused ([`BackupError::Uncovered`]).
pub const TABLES: &[Table] = &[
    table("minsheng_meta", "key", cols![key: Text, value: Text]),
    Table {
        self_reference: Some("parent_id"),
        ..with_id(
            "units",
            cols![id: Int, parent_id: Int, kind: Text, name: Text, code: Text],
        )
    },
    with_id(
        "plans",
        cols![id: Int, year: Int, title: Text, owner_unit_id: Int, kind: Text, status: Text,
              source_text: Text, declared_sections: Int, declared_items: Int, created_at: Time,
              state: Text, closed_by: Text, closed_at: Time],
    ),
    with_id(
        "plan_sources",
        cols![id: Int, plan_id: Int, file_name: Text, media_type: Text, size_bytes: Int,
              sha256: Text, content: Bytes, uploaded_by: Text, uploaded_at: Time],
    ),
    with_id(
        "sections",
        cols![id: Int, plan_id: Int, position: Int, no: Int, title: Text, declared_items: Int],
    ),
    with_id(
        "items",
        cols![id: Int, section_id: Int, position: Int, no: Int, text: Text, leads: Text,
              span_start: Int, span_end: Int],
    ),
    with_id(
        "targets",
        cols![id: Int, item_id: Int, seq: Int, value: Text, unit: Text, cmp: Text, phrase: Text,
              span_start: Int, span_end: Int, implicit: Bool, delta: Bool, deadline: Date,
              baseline: Text, kind: Text, accrual: Text, carried_from: Int],
    ),
    // A target carried over is created after the one it continues, so its `carried_from`
    // always names a smaller id: rows in id order restore without a second pass.
    with_id(
        "assignments",
        cols![id: Int, target_id: Int, unit_id: Int, role: Text, quota: Text, budget: Text],
    ),
    table(
        "unit_weights",
        "unit_id, name",
        cols![unit_id: Int, name: Text, value: Int],
    ),
    table(
        "schedule_points",
        "assignment_id, period",
        cols![assignment_id: Int, period: Text, expected: Text],
    ),
    with_id(
        "schedule_milestones",
        cols![id: Int, assignment_id: Int, due: Date, name: Text, value: Text, stage: Text],
    ),
    with_id(
        "reports",
        cols![id: Int, assignment_id: Int, period: Text, revision: Int, cumulative: Text,
              stage: Text, funds_spent: Text, narrative: Text, status: Text, return_reason: Text,
              filed_by: Text, filed_at: Time, reviewed_by: Text, reviewed_at: Time],
    ),
    with_id(
        "report_evidence",
        cols![id: Int, report_id: Int, file_name: Text, content_type: Text, size_bytes: Int,
              content: Bytes, uploaded_by: Text, uploaded_at: Time],
    ),
    with_id(
        "implementation_plans",
        cols![id: Int, assignment_id: Int, revision: Int, status: Text, measures: Text, body: Text,
              document_name: Text, document_type: Text, document_size: Int, document: Bytes,
              filed_by: Text, filed_at: Time, reviewed_by: Text, reviewed_at: Time,
              return_reason: Text],
    ),
    with_id(
        "report_reminders",
        cols![id: Int, assignment_id: Int, period: Text, day: Date, reminded_by: Text,
              reminded_at: Time],
    ),
    Table {
        self_reference: Some("corrects_id"),
        ..with_id(
            "bulletins",
            cols![id: Int, plan_id: Int, period: Text, status: Text, no: Int, doc_no: Text,
                  public: Bool, opening: Text, closing: Text, corrects_id: Int, snapshot: Text,
                  created_by: Text, created_at: Time, issued_by: Text, issued_at: Time],
        )
    },
    table(
        "target_closures",
        "target_id",
        cols![target_id: Int, plan_id: Int, disposition: Text, reason: Text, next_target_id: Int,
              closed_by: Text, closed_at: Time],
    ),
    table(
        "projects",
        "item_id",
        cols![item_id: Int, name: Text, code: Text, owner: Text, responsible_unit_id: Int,
              leader: Text, region_unit_id: Int, place: Text, industry: Text,
              total_investment: Text, invested_before: Text, start_year: Int, end_year: Int,
              investment_target_id: Int, revision: Int],
    ),
    table(
        "project_milestones",
        "item_id, kind",
        cols![item_id: Int, kind: Text, planned: Date, actual: Date],
    ),
    table(
        "project_reports",
        "report_id",
        cols![report_id: Int, item_id: Int, progress: Text, revised_total: Text],
    ),
    table(
        "project_report_milestones",
        "report_id, kind",
        cols![report_id: Int, kind: Text, actual: Date],
    ),
    table(
        "goals",
        "target_id",
        cols![target_id: Int, parent_target_id: Int, base_year: Int, base_value: Text,
              path_kind: Text, frequency: Text, revision: Int],
    ),
    table(
        "goal_points",
        "target_id, period",
        cols![target_id: Int, period: Text, value: Text],
    ),
    table(
        "bulletin_reasons",
        "bulletin_id, target_id",
        cols![bulletin_id: Int, target_id: Int, reason: Text],
    ),
    with_id(
        "problems",
        cols![id: Int, title: Text, description: Text, raised_by: Int, owner_id: Int,
              report_id: Int, due: Date, status: Text, resolution: Text, raised_at: Time],
    ),
    with_id(
        "problem_escalations",
        cols![id: Int, problem_id: Int, from_unit_id: Int, missed_due: Date, to_unit_id: Int,
              escalated_at: Time],
    ),
    with_id(
        "audit_events",
        cols![id: Int, at: Time, actor: Text, action: Text, entity: Text, entity_id: Int,
              before: Text, after: Text],
    ),
    table(
        "rollup_target_month",
        "period, target_id",
        cols![target_id: Int, period: Text, assignments: Int, actual: Text, quota: Text,
              reported: Int],
    ),
    with_id(
        "assessments",
        cols![id: Int, plan_id: Int, year: Int, rules: Text, status: Text, revision: Int,
              result: Text, updated_by: Text, updated_at: Time, signed_by: Text, signed_at: Time],
    ),
    with_id(
        "assessment_entries",
        cols![id: Int, assessment_id: Int, unit_id: Int, rule_key: Text, points: Text, note: Text,
              entered_by: Text, entered_at: Time],
    ),
    table(
        "target_changes",
        "target_id",
        cols![target_id: Int, changes: Int],
    ),
    table(
        "rollup_region_month",
        "period, unit_kind, unit_id, section_id",
        cols![unit_kind: Text, unit_id: Int, section_id: Int, period: Text, assignments: Int,
              score_sum: Text],
    ),
    with_id(
        "users",
        cols![id: Int, name: Text, password_hash: Text, role: Text, unit_id: Int, disabled: Bool,
              created_at: Time],
    ),
    table(
        "sessions",
        "id",
        cols![id: Text, user_id: Int, data: Bytes, expires_at: Int],
    ),
    with_id(
        "sign_in_failures",
        cols![id: Int, name: Text, client: Text, at: Time],
    ),
    table(
        "sign_in_known_clients",
        "name, client",
        cols![name: Text, client: Text, last_at: Time],
    ),
    with_id(
        "jobs",
        cols![id: Int, kind: Text, key: Text, payload: Text, status: Text, attempts: Int,
              max_attempts: Int, run_at: Int, claimed_by: Text, claimed_until: Int,
              last_error: Text, created_at: Int, finished_at: Int],
    ),
    with_id(
        "channels",
        cols![id: Int, unit_id: Int, user_id: Int, kind: Text, target: Text, secret: Text,
              keyword: Text, enabled: Bool, failures: Int, last_error: Text, created_at: Int],
    ),
    with_id(
        "deliveries",
        cols![id: Int, job_id: Int, channel_id: Int, key: Text, status: Text, attempts: Int,
              error: Text, updated_at: Int],
    ),
    table(
        "notify_rules",
        "id",
        cols![id: Int, due_soon: Bool, due_soon_days: Int, overdue: Bool, awaiting_review: Bool,
              review_days: Int, problem_overdue: Bool, quiet_from: Int, quiet_to: Int,
              updated_by: Text, updated_at: Int],
    ),
    table(
        "idempotency_keys",
        "user_id, key",
        cols![user_id: Int, key: Text, request_hash: Text, status: Int, content_type: Text,
              body: Bytes, created_at: Int],
    ),
];

/// Tables in a minsheng database that are not minsheng's records and are not backed up:
/// sqlx's migration bookkeeping (the header carries the schema version instead) and the
/// plain tables `minsheng bench rollup` builds for its baseline.
pub const NOT_BACKED_UP: &[&str] = &[
    "_sqlx_migrations",
    "plain_units",
    "plain_targets",
    "plain_assignments",
    "plain_reports",
];

/// What is wrong with a backup, or with backing up or restoring.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BackupError {
    /// The file is not a backup minsheng can read, or is damaged.
    #[error(
        "备份文件第 {line} 行有误:{reason};未写入任何数据 / the backup file is invalid at line {line}: {reason}; nothing was written"
    )]
    Invalid {
        /// The line (1-based).
        line: usize,
        /// What is wrong, Chinese first.
        reason: String,
    },
    /// The backup was made from a newer schema than this build knows.
    #[error(
        "备份的数据库结构版本 {found} 比本程序的 {supported} 新:请用更新版本的 minsheng 恢复,未写入任何数据 / the backup is of schema version {found}, newer than this minsheng's {supported}: restore it with a newer minsheng; nothing was written"
    )]
    TooNew {
        /// The backup's schema version.
        found: i64,
        /// This build's.
        supported: i64,
    },
    /// The backup's schema is not the target database's.
    #[error(
        "备份的数据库结构版本为 {found},目标数据库为 {target:?}:请用与备份同版本的 minsheng 恢复到新库,再运行 `minsheng migrate`;未写入任何数据 / the backup is of schema version {found} but the target is at {target:?}: restore it with the minsheng that made it, then run `minsheng migrate`; nothing was written"
    )]
    SchemaMismatch {
        /// The backup's schema version.
        found: i64,
        /// The target's.
        target: Option<i64>,
    },
    /// The target of a restore already holds data.
    #[error(
        "目标数据库不是空库(表 {table} 已有 {rows} 行):恢复只写入新建的空库,未作任何改动 / the target database is not empty ({table} has {rows} rows): restore writes only into a new, empty database; nothing was changed"
    )]
    NotEmpty {
        /// The first table found with rows.
        table: String,
        /// How many.
        rows: i64,
    },
    /// The database has a table or column that backups do not cover.
    #[error(
        "数据库中的 {what} 不在备份范围内(minsheng_store::backup::TABLES),拒绝做不完整的备份 / {what} is not covered by backups (minsheng_store::backup::TABLES): refusing to make an incomplete backup"
    )]
    Uncovered {
        /// The table, or table.column.
        what: String,
    },
    /// A native copy was asked of PostgreSQL.
    #[error(
        "PostgreSQL 没有 VACUUM INTO:原生备份请用 pg_dump -Fc,或去掉 --native 使用可移植格式 / PostgreSQL has no VACUUM INTO: for a native backup use pg_dump -Fc, or drop --native for the portable format"
    )]
    NoNativeCopy,
    /// Reading or writing the file failed.
    #[error("读写备份文件失败 / cannot read or write the backup file: {0}")]
    Io(#[from] std::io::Error),
}

/// What a backup holds, as counted while writing or reading it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupSummary {
    /// The schema version of the database it was made from.
    pub schema_version: i64,
    /// The backend it was made from (`sqlite` or `postgres`).
    pub backend: String,
    /// When it was made.
    pub made_at: String,
    /// Rows per table, in the file's order.
    pub tables: Vec<(String, u64)>,
}

impl BackupSummary {
    /// Rows in all.
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|(_, n)| n).sum()
    }
}

/// A whole backup read into memory, for comparisons (tests, `copy`'s check).
#[derive(Debug, Clone, PartialEq)]
pub struct BackupContents {
    /// The header's facts and the row counts.
    pub summary: BackupSummary,
    /// Each table's rows as written (JSON values in column order), by table name.
    pub tables: BTreeMap<String, Vec<Vec<Json>>>,
}

/// One value of a row.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Null,
    Int(i64),
    Text(String),
    Bool(bool),
    Time(jiff::Timestamp),
    Date(jiff::civil::Date),
    Bytes(Vec<u8>),
}

impl Value {
    fn to_json(&self) -> Json {
        match self {
            Value::Null => Json::Null,
            Value::Int(n) => json!(n),
            Value::Text(s) => json!(s),
            Value::Bool(b) => json!(b),
            // PostgreSQL keeps microseconds; so does a backup, so copies are exact both ways.
            Value::Time(t) => json!(t.round(jiff::Unit::Microsecond).unwrap_or(*t).to_string()),
            Value::Date(d) => json!(d.to_string()),
            Value::Bytes(b) => json!(base64::engine::general_purpose::STANDARD.encode(b)),
        }
    }

    /// Reads a value of `kind`; `Err` says what was expected, Chinese first.
    fn from_json(kind: Kind, v: &Json) -> Result<Value, String> {
        if v.is_null() {
            return Ok(Value::Null);
        }
        let text = || v.as_str().ok_or("应为字符串 / expected a string");
        Ok(match kind {
            Kind::Int => Value::Int(v.as_i64().ok_or("应为整数 / expected an integer")?),
            Kind::Text => Value::Text(text()?.to_string()),
            Kind::Bool => Value::Bool(v.as_bool().ok_or("应为 true/false / expected a boolean")?),
            Kind::Time => Value::Time(
                text()?
                    .parse()
                    .map_err(|_| "应为 RFC 3339 时间 / expected an RFC 3339 instant")?,
            ),
            Kind::Date => Value::Date(
                text()?
                    .parse()
                    .map_err(|_| "应为日期 YYYY-MM-DD / expected a date YYYY-MM-DD")?,
            ),
            Kind::Bytes => Value::Bytes(
                base64::engine::general_purpose::STANDARD
                    .decode(text()?)
                    .map_err(|_| "应为 base64 / expected base64")?,
            ),
        })
    }
}

/// Reads column `i` of `row` as `kind`. A macro, so one text serves both backends' rows.
macro_rules! get_value {
    ($row:expr, $i:expr, $kind:expr) => {
        match $kind {
            Kind::Int => $row.try_get::<Option<i64>, _>($i)?.map(Value::Int),
            Kind::Text => $row.try_get::<Option<String>, _>($i)?.map(Value::Text),
            Kind::Bool => $row.try_get::<Option<bool>, _>($i)?.map(Value::Bool),
            Kind::Time => $row
                .try_get::<Option<jiff_sqlx::Timestamp>, _>($i)?
                .map(|t| Value::Time(t.to_jiff())),
            Kind::Date => $row
                .try_get::<Option<jiff_sqlx::Date>, _>($i)?
                .map(|d| Value::Date(d.to_jiff())),
            Kind::Bytes => $row.try_get::<Option<Vec<u8>>, _>($i)?.map(Value::Bytes),
        }
        .unwrap_or(Value::Null)
    };
}

/// Binds `v` as a value of `kind` (a NULL is bound with the column's type).
macro_rules! bind_value {
    ($q:expr, $kind:expr, $v:expr) => {{
        let v: &Value = $v;
        match ($kind, v) {
            (Kind::Int, Value::Int(n)) => $q.bind(Some(*n)),
            (Kind::Int, _) => $q.bind(None::<i64>),
            (Kind::Text, Value::Text(s)) => $q.bind(Some(s.clone())),
            (Kind::Text, _) => $q.bind(None::<String>),
            (Kind::Bool, Value::Bool(b)) => $q.bind(Some(*b)),
            (Kind::Bool, _) => $q.bind(None::<bool>),
            (Kind::Time, Value::Time(t)) => $q.bind(Some(t.to_sqlx())),
            (Kind::Time, _) => $q.bind(None::<jiff_sqlx::Timestamp>),
            (Kind::Date, Value::Date(d)) => $q.bind(Some(d.to_sqlx())),
            (Kind::Date, _) => $q.bind(None::<jiff_sqlx::Date>),
            (Kind::Bytes, Value::Bytes(b)) => $q.bind(Some(b.clone())),
            (Kind::Bytes, _) => $q.bind(None::<Vec<u8>>),
        }
    }};
}

/// Counts and hashes every byte written.
struct HashingWriter<W: Write> {
    inner: W,
    hash: Sha256,
}

impl<W: Write> HashingWriter<W> {
    fn line(&mut self, v: &Json) -> std::io::Result<()> {
        let mut s = v.to_string();
        s.push('\n');
        self.hash.update(s.as_bytes());
        self.inner.write_all(s.as_bytes())
    }
}

fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

impl Store {
    /// Every (table, column) of the database's schema, migration bookkeeping and the
    /// benchmark's plain tables left out.
    async fn catalog(&self) -> Result<Vec<(String, String)>, StoreError> {
        // language=SQL
        const SQLITE: &str =
            "SELECT m.name, c.name FROM sqlite_master m, pragma_table_info(m.name) c
                              WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'";
        // language=SQL
        const PG: &str =
            "SELECT table_name::text, column_name::text FROM information_schema.columns
                          WHERE table_schema = current_schema()";
        let cols: Vec<(String, String)> = match &self.backend {
            Backend::Sqlite { read: p, .. } => sqlx::query_as(SQLITE).fetch_all(p).await?,
            Backend::Postgres(p) => sqlx::query_as(PG).fetch_all(p).await?,
        };
        Ok(cols
            .into_iter()
            .filter(|(t, _)| !NOT_BACKED_UP.contains(&t.as_str()))
            .collect())
    }

    /// What in the database's schema [`TABLES`] does not cover, and what it names that the
    /// schema lacks: empty when they agree.
    pub async fn backup_coverage(&self) -> Result<Vec<String>, StoreError> {
        let found: HashSet<(String, String)> = self.catalog().await?.into_iter().collect();
        let listed: HashSet<(String, String)> = TABLES
            .iter()
            .flat_map(|t| {
                t.columns
                    .iter()
                    .map(|c| (t.name.to_string(), c.name.to_string()))
            })
            .collect();
        let mut out: Vec<String> = found
            .difference(&listed)
            .map(|(t, c)| format!("{t}.{c}"))
            .chain(
                listed
                    .difference(&found)
                    .map(|(t, c)| format!("{t}.{c} (不在数据库中 / not in the database)")),
            )
            .collect();
        out.sort();
        Ok(out)
    }

    /// Writes a backup of the whole database to `out`, read in one snapshot (see the module
    /// docs). Refuses a database whose schema has anything [`TABLES`] does not cover.
    pub async fn backup(&self, out: impl Write) -> Result<BackupSummary, StoreError> {
        if let Some(what) = self.backup_coverage().await?.into_iter().next() {
            return Err(BackupError::Uncovered { what }.into());
        }
        let schema_version =
            self.applied_schema_version()
                .await?
                .ok_or(StoreError::NotMigrated {
                    found: None,
                    supported: self.supported_schema_version(),
                })?;
        let backend = match self.backend {
            Backend::Sqlite { .. } => "sqlite",
            Backend::Postgres(_) => "postgres",
        };
        let made_at = jiff::Timestamp::now().to_string();
        let mut w = HashingWriter {
            inner: std::io::BufWriter::new(out),
            hash: Sha256::new(),
        };
        let io = |e: std::io::Error| StoreError::from(BackupError::Io(e));
        w.line(&json!({
            "minsheng_backup": FORMAT_VERSION,
            "schema_version": schema_version,
            "backend": backend,
            "made_at": made_at,
            "tables": TABLES.len(),
        }))
        .map_err(io)?;
        // One snapshot for every table.
        let mut snap = Snapshot {
            inner: match &self.backend {
                Backend::Sqlite { read: p, .. } => TxInner::Sqlite(p.begin().await?),
                Backend::Postgres(p) => TxInner::Postgres(
                    p.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                        .await?,
                ),
            },
        };
        let mut counts = Vec::with_capacity(TABLES.len());
        for t in TABLES {
            let names: Vec<&str> = t.columns.iter().map(|c| c.name).collect();
            let last_id = if t.identity {
                Some(snap.last_id(t.name).await?)
            } else {
                None
            };
            let mut start = json!({ "table": t.name, "columns": names });
            if let Some(id) = last_id {
                start["last_id"] = json!(id);
            }
            w.line(&start).map_err(io)?;
            let sql = format!(
                "SELECT {} FROM {} ORDER BY {}",
                names.join(", "),
                t.name,
                t.order_by
            );
            let mut n: u64 = 0;
            on_tx!(snap, c => {
                let mut rows = sqlx::query(AssertSqlSafe(sql)).fetch(&mut *c);
                while let Some(row) = rows.try_next().await? {
                    let mut vals = Vec::with_capacity(t.columns.len());
                    for (i, col) in t.columns.iter().enumerate() {
                        vals.push(get_value!(row, i, col.kind).to_json());
                    }
                    w.line(&Json::Array(vals)).map_err(io)?;
                    n += 1;
                }
            });
            w.line(&json!({ "end": t.name, "rows": n })).map_err(io)?;
            counts.push((t.name.to_string(), n));
        }
        // It wrote nothing: ending it either way is the same.
        match snap.inner {
            TxInner::Sqlite(t) => t.rollback().await?,
            TxInner::Postgres(t) => t.rollback().await?,
        }
        let total: u64 = counts.iter().map(|(_, n)| n).sum();
        let digest = hex(&w.hash.clone().finalize());
        w.line(&json!({ "end": "backup", "rows": total, "sha256": digest }))
            .map_err(io)?;
        w.inner.flush().map_err(io)?;
        Ok(BackupSummary {
            schema_version,
            backend: backend.to_string(),
            made_at,
            tables: counts,
        })
    }

    /// Restores a backup into this database, which must be empty and at the backup's schema
    /// version, in one transaction recorded as one audit event. Anything wrong with the file
    /// or the target: an error, and nothing written. Returns what was restored.
    pub async fn restore(
        &self,
        actor: &minsheng_domain::Actor,
        input: impl BufRead,
    ) -> Result<BackupSummary, StoreError> {
        let mut reader = BackupReader::new(input);
        let header = reader.header()?;
        let target = self.applied_schema_version().await?;
        if target != Some(header.schema_version) {
            return Err(BackupError::SchemaMismatch {
                found: header.schema_version,
                target,
            }
            .into());
        }
        let mut tx = self.begin(actor).await?;
        // The data version is the one row a database that was never written to may hold
        // (any commit sets it); it is not data. The restored one is kept above it, so a
        // server that saw the old number does not take the restored data for old news.
        // language=SQL
        const VERSION: &str = "SELECT value FROM minsheng_meta WHERE key = 'data_version'";
        let version_before: Option<String> =
            on_tx!(tx, c => sqlx::query_scalar(VERSION).fetch_optional(&mut *c).await)?;
        // So is the structure count (migration 0014), kept above the one before the same way.
        // language=SQL
        const STRUCTURE: &str = "SELECT value FROM minsheng_meta WHERE key = 'structure_changes'";
        let structure_before: Option<String> =
            on_tx!(tx, c => sqlx::query_scalar(STRUCTURE).fetch_optional(&mut *c).await)?;
        for t in TABLES {
            let filter = if t.name == "minsheng_meta" {
                " WHERE key NOT IN ('data_version', 'structure_changes')"
            } else {
                ""
            };
            let sql = format!("SELECT COUNT(*) FROM {}{filter}", t.name);
            let rows: i64 =
                on_tx!(tx, c => sqlx::query_scalar(AssertSqlSafe(sql)).fetch_one(&mut *c).await)?;
            if rows > 0 {
                return Err(BackupError::NotEmpty {
                    table: t.name.to_string(),
                    rows,
                }
                .into());
            }
        }
        // language=SQL
        const CLEAR: &str =
            "DELETE FROM minsheng_meta WHERE key IN ('data_version', 'structure_changes')";
        on_tx!(tx, c => sqlx::query(CLEAR).execute(&mut *c).await.map(|_| ()))?;
        let mut counts = Vec::with_capacity(TABLES.len());
        for t in TABLES {
            let last_id = reader.table_start(t)?;
            let mut batch: Vec<Vec<Value>> = Vec::new();
            let mut batch_bytes = 0usize;
            let mut seen: HashSet<i64> = HashSet::new();
            let mut parents_later: Vec<(i64, i64)> = Vec::new();
            let mut n = 0u64;
            while let Some(mut row) = reader.row(t)? {
                n += 1;
                if let Some(col) = t.self_reference {
                    // A row whose parent comes later gets it once the whole table is in.
                    let at = t.columns.iter().position(|c| c.name == col).unwrap_or(0);
                    if let (Value::Int(id), Value::Int(parent)) = (row[0].clone(), row[at].clone())
                    {
                        if !seen.contains(&parent) {
                            parents_later.push((id, parent));
                            row[at] = Value::Null;
                        }
                        seen.insert(id);
                    }
                    insert_rows(&mut tx, t, std::slice::from_ref(&row)).await?;
                    continue;
                }
                batch_bytes += row_bytes(&row);
                batch.push(row);
                if (batch.len() + 1) * t.columns.len() > crate::bulk::PARAMS
                    || batch_bytes > BATCH_BYTES
                {
                    insert_rows(&mut tx, t, &batch).await?;
                    batch.clear();
                    batch_bytes = 0;
                }
            }
            if !batch.is_empty() {
                insert_rows(&mut tx, t, &batch).await?;
            }
            if let Some(col) = t.self_reference {
                let sql = format!("UPDATE {} SET {col} = $1 WHERE id = $2", t.name);
                for (id, parent) in parents_later {
                    on_tx!(tx, c => sqlx::query(AssertSqlSafe(sql.clone())).bind(parent).bind(id)
                        .execute(&mut *c).await.map(|_| ()))?;
                }
            }
            if let Some(last) = last_id {
                set_sequence(&mut tx, t.name, last).await?;
            }
            counts.push((t.name.to_string(), n));
        }
        reader.footer()?;
        let restored: Option<String> =
            on_tx!(tx, c => sqlx::query_scalar(VERSION).fetch_optional(&mut *c).await)?;
        let number = |v: &Option<String>| v.as_deref().and_then(|v| v.parse::<i64>().ok());
        if let Some(before) = number(&version_before)
            && number(&restored).is_none_or(|r| r < before)
        {
            tx.set_meta("data_version", &before.to_string()).await?;
        }
        let restored: Option<String> =
            on_tx!(tx, c => sqlx::query_scalar(STRUCTURE).fetch_optional(&mut *c).await)?;
        if let Some(before) = number(&structure_before)
            && number(&restored).is_none_or(|r| r < before)
        {
            tx.set_meta("structure_changes", &before.to_string())
                .await?;
        }
        let summary = BackupSummary {
            schema_version: header.schema_version,
            backend: header.backend,
            made_at: header.made_at,
            tables: counts,
        };
        tx.audit(
            "restore",
            "database",
            0,
            None,
            Some(json!({
                "backup_made_at": summary.made_at,
                "from_backend": summary.backend,
                "schema_version": summary.schema_version,
                "rows": summary.rows(),
            })),
        )
        .await?;
        tx.commit().await?;
        // Every table was just filled: the planner must know before the first page asks.
        self.refresh_all_statistics().await?;
        Ok(summary)
    }
}

/// Bytes of row data per multi-row INSERT, at most (evidence files are up to 20 MiB each).
const BATCH_BYTES: usize = 8 << 20;

fn row_bytes(row: &[Value]) -> usize {
    row.iter()
        .map(|v| match v {
            Value::Text(s) => s.len(),
            Value::Bytes(b) => b.len(),
            _ => 8,
        })
        .sum()
}

async fn insert_rows(tx: &mut Tx, t: &Table, rows: &[Vec<Value>]) -> Result<(), StoreError> {
    let names: Vec<&str> = t.columns.iter().map(|c| c.name).collect();
    let mut sql = format!("INSERT INTO {} ({}) VALUES ", t.name, names.join(", "));
    crate::bulk::placeholders(&mut sql, rows.len(), t.columns.len(), tx.backend());
    on_tx!(tx, c => {
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for row in rows {
            for (col, v) in t.columns.iter().zip(row) {
                q = bind_value!(q, col.kind, v);
            }
        }
        q.execute(&mut *c).await.map(|_| ())
    })?;
    Ok(())
}

/// Makes the table's identity hand out ids above `last` (and above every restored row).
async fn set_sequence(tx: &mut Tx, table: &str, last: i64) -> Result<(), StoreError> {
    let max_sql = format!("SELECT COALESCE(MAX(id), 0) FROM {table}");
    let max: i64 =
        on_tx!(tx, c => sqlx::query_scalar(AssertSqlSafe(max_sql)).fetch_one(&mut *c).await)?;
    let last = last.max(max);
    if last < 1 {
        return Ok(());
    }
    match &mut tx.inner {
        TxInner::Sqlite(c) => {
            // language=SQL
            const HAS: &str = "SELECT COUNT(*) FROM sqlite_sequence WHERE name = $1";
            let has: i64 = sqlx::query_scalar(HAS)
                .bind(table)
                .fetch_one(&mut **c)
                .await?;
            // language=SQL
            let sql = if has > 0 {
                "UPDATE sqlite_sequence SET seq = $2 WHERE name = $1"
            } else {
                "INSERT INTO sqlite_sequence (name, seq) VALUES ($1, $2)"
            };
            sqlx::query(sql)
                .bind(table)
                .bind(last)
                .execute(&mut **c)
                .await?;
        }
        TxInner::Postgres(c) => {
            // language=SQL
            const SQL: &str = "SELECT setval(pg_get_serial_sequence($1, 'id'), $2, true)";
            sqlx::query(SQL)
                .bind(table)
                .bind(last)
                .execute(&mut **c)
                .await?;
        }
    }
    Ok(())
}

/// The read transaction a backup is made in.
struct Snapshot {
    inner: TxInner,
}

impl Snapshot {
    /// The highest id the table's identity has handed out (0 if none).
    async fn last_id(&mut self, table: &str) -> Result<i64, StoreError> {
        let max_sql = format!("SELECT COALESCE(MAX(id), 0) FROM {table}");
        let max: i64 =
            on_tx!(self, c => sqlx::query_scalar(AssertSqlSafe(max_sql)).fetch_one(&mut *c).await)?;
        let seq: Option<i64> = match &mut self.inner {
            TxInner::Sqlite(c) => {
                // language=SQL
                const SQL: &str = "SELECT seq FROM sqlite_sequence WHERE name = $1";
                sqlx::query_scalar(SQL)
                    .bind(table)
                    .fetch_optional(&mut **c)
                    .await?
            }
            TxInner::Postgres(c) => {
                // language=SQL
                const SQL: &str =
                    "SELECT pg_sequence_last_value(pg_get_serial_sequence($1, 'id')::regclass)";
                sqlx::query_scalar(SQL)
                    .bind(table)
                    .fetch_one(&mut **c)
                    .await?
            }
        };
        Ok(max.max(seq.unwrap_or(0)))
    }
}

/// The header's facts.
#[derive(Debug)]
struct Header {
    schema_version: i64,
    backend: String,
    made_at: String,
}

/// Reads a backup line by line, checking each against the format and [`TABLES`]; the hash
/// of what it read is checked against the footer's.
struct BackupReader<R: BufRead> {
    input: R,
    line: usize,
    buf: String,
    hash: Sha256,
    rows: u64,
    table_rows: u64,
}

impl<R: BufRead> BackupReader<R> {
    fn new(input: R) -> Self {
        BackupReader {
            input,
            line: 0,
            buf: String::new(),
            hash: Sha256::new(),
            rows: 0,
            table_rows: 0,
        }
    }

    fn bad(&self, reason: impl Into<String>) -> StoreError {
        BackupError::Invalid {
            line: self.line,
            reason: reason.into(),
        }
        .into()
    }

    /// The next line as JSON, hashed unless it is the footer.
    fn next(&mut self, hashed: bool) -> Result<Json, StoreError> {
        self.buf.clear();
        self.line += 1;
        let n = match self.input.read_line(&mut self.buf) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                return Err(self.bad("不是 UTF-8 文本 / not UTF-8 text"));
            }
            Err(e) => return Err(BackupError::Io(e).into()),
        };
        if n == 0 || !self.buf.ends_with('\n') {
            return Err(self.bad(
                "文件不完整(在结尾行之前结束) / the file ends early, before its closing line",
            ));
        }
        if hashed {
            self.hash.update(self.buf.as_bytes());
        }
        serde_json::from_str(&self.buf).map_err(|e| self.bad(format!("不是 JSON / not JSON: {e}")))
    }

    fn header(&mut self) -> Result<Header, StoreError> {
        let h = self.next(true).map_err(|_| {
            StoreError::from(BackupError::Invalid {
                line: 1,
                reason: "不是 minsheng 备份文件 / not a minsheng backup file".into(),
            })
        })?;
        let format = h.get("minsheng_backup").and_then(Json::as_i64);
        match format {
            Some(FORMAT_VERSION) => {}
            Some(v) => {
                return Err(self.bad(format!(
                    "备份格式版本 {v} 不受支持(本程序读 {FORMAT_VERSION}) / format version {v} is not supported (this minsheng reads {FORMAT_VERSION})"
                )));
            }
            None => return Err(self.bad("不是 minsheng 备份文件 / not a minsheng backup file")),
        }
        let schema_version = h
            .get("schema_version")
            .and_then(Json::as_i64)
            .ok_or_else(|| self.bad("缺少 schema_version / no schema_version"))?;
        let supported = crate::connect::newest_migration();
        if schema_version > supported {
            return Err(BackupError::TooNew {
                found: schema_version,
                supported,
            }
            .into());
        }
        let text = |k: &str| h.get(k).and_then(Json::as_str).unwrap_or("").to_string();
        Ok(Header {
            schema_version,
            backend: text("backend"),
            made_at: text("made_at"),
        })
    }

    /// The start of table `t`; its `last_id`, if it has one.
    fn table_start(&mut self, t: &Table) -> Result<Option<i64>, StoreError> {
        let v = self.next(true)?;
        let name = v.get("table").and_then(Json::as_str);
        if name != Some(t.name) {
            return Err(self.bad(format!(
                "应为表 {} 的开头,读到 {v} / expected the start of table {}",
                t.name, t.name
            )));
        }
        let columns: Option<Vec<&str>> = v
            .get("columns")
            .and_then(Json::as_array)
            .map(|a| a.iter().filter_map(Json::as_str).collect());
        let expected: Vec<&str> = t.columns.iter().map(|c| c.name).collect();
        if columns.as_ref() != Some(&expected) {
            return Err(self.bad(format!(
                "表 {} 的列应为 {expected:?} / table {}'s columns should be {expected:?}",
                t.name, t.name
            )));
        }
        self.table_rows = 0;
        match v.get("last_id") {
            None if !t.identity => Ok(None),
            Some(id) if t.identity => id
                .as_i64()
                .map(Some)
                .ok_or_else(|| self.bad("last_id 应为整数 / last_id should be an integer")),
            _ => Err(self.bad(format!(
                "表 {} 的 last_id 有误 / table {}'s last_id is wrong",
                t.name, t.name
            ))),
        }
    }

    /// The next row of `t`, or `None` at its end line (whose count is checked).
    fn row(&mut self, t: &Table) -> Result<Option<Vec<Value>>, StoreError> {
        let v = self.next(true)?;
        if let Json::Array(vals) = v {
            if vals.len() != t.columns.len() {
                return Err(self.bad(format!(
                    "表 {} 的行应有 {} 个值,此行有 {} 个 / a row of {} should have {} values, this has {}",
                    t.name,
                    t.columns.len(),
                    vals.len(),
                    t.name,
                    t.columns.len(),
                    vals.len()
                )));
            }
            let mut row = Vec::with_capacity(vals.len());
            for (col, v) in t.columns.iter().zip(&vals) {
                row.push(
                    Value::from_json(col.kind, v)
                        .map_err(|why| self.bad(format!("{}.{}:{why}", t.name, col.name)))?,
                );
            }
            self.table_rows += 1;
            self.rows += 1;
            return Ok(Some(row));
        }
        if v.get("end").and_then(Json::as_str) != Some(t.name) {
            return Err(self.bad(format!(
                "应为表 {} 的一行或结尾 / expected a row of {} or its end",
                t.name, t.name
            )));
        }
        if v.get("rows").and_then(Json::as_u64) != Some(self.table_rows) {
            return Err(self.bad(format!(
                "表 {} 应有 {} 行,结尾行所记不符 / table {} has {} rows, not what its end line says",
                t.name, self.table_rows, t.name, self.table_rows
            )));
        }
        Ok(None)
    }

    /// The closing line: total rows and checksum.
    fn footer(&mut self) -> Result<(), StoreError> {
        let digest = hex(&self.hash.clone().finalize());
        let v = self.next(false)?;
        if v.get("end").and_then(Json::as_str) != Some("backup") {
            return Err(self.bad("应为结尾行 / expected the closing line"));
        }
        if v.get("rows").and_then(Json::as_u64) != Some(self.rows) {
            return Err(self.bad("总行数不符 / the total of rows does not match"));
        }
        if v.get("sha256").and_then(Json::as_str) != Some(digest.as_str()) {
            return Err(self
                .bad("校验和不符,文件已损坏 / the checksum does not match: the file is damaged"));
        }
        let mut rest = String::new();
        if self.input.read_line(&mut rest).map_err(BackupError::Io)? > 0 {
            self.line += 1;
            return Err(self.bad("结尾行之后还有内容 / there is more after the closing line"));
        }
        Ok(())
    }
}

/// Reads and checks a whole backup without touching any database: its format, every value
/// against its column, the counts and the checksum. `restore` checks the same as it goes;
/// this lets a command refuse a bad file before it creates a target.
pub fn verify_backup(input: impl BufRead) -> Result<BackupSummary, StoreError> {
    read(input, |_, _| ()).map(|(s, ())| s)
}

/// Reads a whole backup into memory (checked as [`verify_backup`] does).
pub fn read_backup(input: impl BufRead) -> Result<BackupContents, StoreError> {
    let mut tables: BTreeMap<String, Vec<Vec<Json>>> = BTreeMap::new();
    let (summary, ()) = read(input, |t, row| {
        tables
            .entry(t.name.to_string())
            .or_default()
            .push(row.iter().map(Value::to_json).collect());
    })?;
    for t in TABLES {
        tables.entry(t.name.to_string()).or_default();
    }
    Ok(BackupContents { summary, tables })
}

fn read(
    input: impl BufRead,
    mut each: impl FnMut(&Table, &[Value]),
) -> Result<(BackupSummary, ()), StoreError> {
    let mut reader = BackupReader::new(input);
    let header = reader.header()?;
    let mut counts = Vec::with_capacity(TABLES.len());
    for t in TABLES {
        reader.table_start(t)?;
        let mut n = 0;
        while let Some(row) = reader.row(t)? {
            each(t, &row);
            n += 1;
        }
        counts.push((t.name.to_string(), n));
    }
    reader.footer()?;
    Ok((
        BackupSummary {
            schema_version: header.schema_version,
            backend: header.backend,
            made_at: header.made_at,
            tables: counts,
        },
        (),
    ))
}

#[cfg(feature = "testing")]
impl Store {
    /// The rows of `table` restricted to `columns` (all listed in [`TABLES`]), in key order,
    /// each value as a backup writes it. Test support: migration tests compare a table before
    /// and after a migration with it.
    pub async fn table_rows(
        &self,
        table: &str,
        columns: &[String],
    ) -> Result<Vec<Vec<Json>>, StoreError> {
        let unknown = |what: String| StoreError::from(BackupError::Uncovered { what });
        let t = TABLES
            .iter()
            .find(|t| t.name == table)
            .ok_or_else(|| unknown(table.to_string()))?;
        let mut kinds = Vec::with_capacity(columns.len());
        for c in columns {
            let col = t
                .columns
                .iter()
                .find(|x| x.name == c)
                .ok_or_else(|| unknown(format!("{table}.{c}")))?;
            kinds.push(col.kind);
        }
        let sql = format!(
            "SELECT {} FROM {} ORDER BY {}",
            columns.join(", "),
            t.name,
            t.order_by
        );
        let mut out = Vec::new();
        crate::on_pool!(self, p => {
            let rows = sqlx::query(AssertSqlSafe(sql)).fetch_all(p).await?;
            for row in rows {
                let mut vals = Vec::with_capacity(kinds.len());
                for (i, kind) in kinds.iter().enumerate() {
                    vals.push(get_value!(row, i, *kind).to_json());
                }
                out.push(vals);
            }
        });
        Ok(out)
    }
}

/// How `restored` (a backup of a database restored from `source`) differs from `source`,
/// table by table and row by row, beyond what a restore adds on purpose: its own audit event
/// (`restore`) and a new data version. Empty when the copy is exact.
pub fn differences(source: &BackupContents, restored: &BackupContents) -> Vec<String> {
    let is_counter = |k: &Json| k == "data_version" || k == "structure_changes";
    let empty = Vec::new();
    let mut out = Vec::new();
    for t in TABLES {
        let a = source.tables.get(t.name).unwrap_or(&empty);
        let b = restored.tables.get(t.name).unwrap_or(&empty);
        let (a, b): (Vec<&Vec<Json>>, Vec<&Vec<Json>>) = match t.name {
            // Counters of commits, not data (the restore's own commit raises them).
            "minsheng_meta" => (
                a.iter().filter(|r| !is_counter(&r[0])).collect(),
                b.iter().filter(|r| !is_counter(&r[0])).collect(),
            ),
            // The restore's own event comes last.
            "audit_events" => match b.last() {
                Some(last) if b.len() == a.len() + 1 && last[3] == "restore" => {
                    (a.iter().collect(), b[..a.len()].iter().collect())
                }
                _ => {
                    out.push(format!(
                        "audit_events:应多出一条 restore 事件 / should hold one more event, the restore ({} vs {})",
                        a.len(),
                        b.len()
                    ));
                    continue;
                }
            },
            _ => (a.iter().collect(), b.iter().collect()),
        };
        if a.len() != b.len() {
            out.push(format!(
                "{}:{} 行 ≠ {} 行 / {} rows vs {}",
                t.name,
                a.len(),
                b.len(),
                a.len(),
                b.len()
            ));
            continue;
        }
        if let Some(i) = a.iter().zip(&b).position(|(x, y)| x != y) {
            out.push(format!(
                "{}:第 {} 行不同 / row {} differs: {} vs {}",
                t.name,
                i + 1,
                i + 1,
                Json::Array(a[i].clone()),
                Json::Array(b[i].clone())
            ));
        }
    }
    out
}

impl Store {
    /// SQLite's own copy of the database file (`VACUUM INTO`), consistent while others write.
    /// Refused on PostgreSQL (use `pg_dump`) and for a file that exists.
    pub async fn vacuum_into(&self, path: &std::path::Path) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Sqlite { read: p, .. } => {
                // language=SQL
                const SQL: &str = "VACUUM INTO $1";
                let file = path.to_string_lossy().into_owned();
                sqlx::query(SQL).bind(file).execute(p).await?;
                Ok(())
            }
            Backend::Postgres(_) => Err(BackupError::NoNativeCopy.into()),
        }
    }
}
