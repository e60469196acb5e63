//! The benchmark's baseline: the generated data (`shared/bench`) as plain tables of integers,
//! and the canonical roll-up asked of them in plain SQL. The tables get the indexes and query
//! form that suit SQLite best, so the comparison with minsheng's materialized roll-up is fair.
//! Nothing of minsheng reads these tables.

use crate::error::StoreError;
use crate::{Store, on_pool, on_write};

/// A report row of the data set, as the baseline stores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlainReport {
    /// The assignment's id in the data set.
    pub assignment_id: i64,
    /// The month.
    pub period: minsheng_domain::Period,
    /// The cumulative value.
    pub cumulative_value: i64,
    /// accepted, submitted or returned.
    pub status: minsheng_domain::ReportStatus,
    /// 1 or 2.
    pub revision: u32,
}

/// One row of the canonical query 1 (per target).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PlainTargetRow {
    /// The province's id in the data set.
    pub province_id: i64,
    /// The target's id in the data set.
    pub target_id: i64,
    /// Its assignments.
    pub assignments: i64,
    /// Σ value at P.
    pub actual: i64,
    /// Σ quota.
    pub quota: i64,
    /// actual / quota.
    pub ratio: f64,
    /// Assignments with no accepted report for P itself.
    pub missing: i64,
}

/// One row of the canonical query 2 (per city and section).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PlainCityRow {
    /// The city's id in the data set.
    pub city_id: i64,
    /// The section.
    pub section_no: i64,
    /// Its assignments.
    pub assignments: i64,
    /// Mean capped completion.
    pub mean_ratio: f64,
}

// language=SQL
const SCHEMA: [&str; 8] = [
    "DROP TABLE IF EXISTS plain_reports",
    "DROP TABLE IF EXISTS plain_assignments",
    "DROP TABLE IF EXISTS plain_targets",
    "DROP TABLE IF EXISTS plain_units",
    "CREATE TABLE plain_units (id INTEGER PRIMARY KEY, parent_id INTEGER, level TEXT NOT NULL, name TEXT NOT NULL)",
    "CREATE TABLE plain_targets (id INTEGER PRIMARY KEY, province_id INTEGER NOT NULL, section_no INTEGER NOT NULL,
                                 item_no INTEGER NOT NULL, value INTEGER NOT NULL, unit TEXT NOT NULL, cmp TEXT NOT NULL)",
    "CREATE TABLE plain_assignments (id INTEGER PRIMARY KEY, target_id INTEGER NOT NULL, unit_id INTEGER NOT NULL,
                                     quota INTEGER NOT NULL)",
    "CREATE TABLE plain_reports (assignment_id INTEGER NOT NULL, period TEXT NOT NULL, cumulative_value INTEGER NOT NULL,
                                 status TEXT NOT NULL, revision INTEGER NOT NULL)",
];

// The index that serves "latest accepted report per assignment up to P": accepted rows only,
// in (assignment, period, revision) order, covering the value.
// language=SQL
const INDEXES: [&str; 2] = [
    "CREATE INDEX plain_reports_accepted ON plain_reports (assignment_id, period, revision, cumulative_value) WHERE status = 'accepted'",
    "CREATE INDEX plain_assignments_target ON plain_assignments (target_id, unit_id, quota)",
];

/// Query 1, per target. The value at P is found with one ordered, covering index probe per
/// assignment (a correlated subquery), the form SQLite plans best for "latest row per group".
// language=SQL
const Q1: &str = "
WITH v AS (
  SELECT a.id, a.target_id, a.quota,
         COALESCE((SELECT r.cumulative_value FROM plain_reports r
                   WHERE r.status = 'accepted' AND r.assignment_id = a.id AND r.period <= $1
                   ORDER BY r.period DESC, r.revision DESC LIMIT 1), 0) AS value,
         CASE WHEN EXISTS (SELECT 1 FROM plain_reports r
                 WHERE r.status = 'accepted' AND r.assignment_id = a.id AND r.period = $1)
              THEN 1 ELSE 0 END AS has
  FROM plain_assignments a)
SELECT t.province_id, t.id AS target_id, COUNT(*) AS assignments, CAST(SUM(v.value) AS BIGINT) AS actual,
       CAST(SUM(v.quota) AS BIGINT) AS quota, CAST(SUM(v.value) AS DOUBLE PRECISION) / SUM(v.quota) AS ratio,
       CAST(SUM(1 - v.has) AS BIGINT) AS missing
FROM v JOIN plain_targets t ON t.id = v.target_id
GROUP BY t.province_id, t.id ORDER BY t.province_id, t.id";

/// Query 2, per city and section.
// language=SQL
const Q2: &str = "
WITH v AS (
  SELECT a.id, a.target_id, a.unit_id, a.quota,
         COALESCE((SELECT r.cumulative_value FROM plain_reports r
                   WHERE r.status = 'accepted' AND r.assignment_id = a.id AND r.period <= $1
                   ORDER BY r.period DESC, r.revision DESC LIMIT 1), 0) AS value
  FROM plain_assignments a),
city_of AS (
  SELECT u.id, CASE WHEN u.level = 'county' THEN u.parent_id ELSE p.parent_id END AS city_id
  FROM plain_units u LEFT JOIN plain_units p ON p.id = u.parent_id
  WHERE u.level IN ('county', 'township'))
SELECT c.city_id, t.section_no, COUNT(*) AS assignments,
       AVG(CASE WHEN t.cmp = 'le'
                THEN CASE WHEN v.value <= v.quota THEN 1.0 ELSE CAST(v.quota AS DOUBLE PRECISION) / v.value END
                ELSE CASE WHEN v.value >= v.quota THEN 1.0 ELSE CAST(v.value AS DOUBLE PRECISION) / v.quota END
           END) AS mean_ratio
FROM v JOIN plain_targets t ON t.id = v.target_id JOIN city_of c ON c.id = v.unit_id
GROUP BY c.city_id, t.section_no ORDER BY c.city_id, t.section_no";

impl Store {
    /// Creates the baseline tables afresh (dropping earlier ones).
    pub async fn baseline_create(&self) -> Result<(), StoreError> {
        for sql in SCHEMA {
            // SQLite keeps its best case (INTEGER PRIMARY KEY is the rowid); PostgreSQL's
            // INTEGER is four bytes, so it gets BIGINT.
            let sql = match self.backend() {
                crate::BackendKind::Sqlite => sql.to_string(),
                crate::BackendKind::Postgres => sql.replace(" INTEGER", " BIGINT"),
            };
            let sql = sqlx::AssertSqlSafe(sql);
            on_write!(self, p => sqlx::query(sql).execute(p).await.map(|r| r.rows_affected()))?;
        }
        Ok(())
    }

    /// Loads rows into one baseline table, in one transaction. `table` is one of
    /// `plain_units`, `plain_targets`, `plain_assignments`; each row is the
    /// CSV's fields in order (integers and text as the data set writes them).
    pub async fn baseline_load(
        &self,
        table: &str,
        columns: &[&str],
        rows: &[Vec<String>],
    ) -> Result<(), StoreError> {
        let ints: &[&str] = &[
            "id",
            "parent_id",
            "province_id",
            "section_no",
            "item_no",
            "value",
            "target_id",
            "unit_id",
            "quota",
            "assignment_id",
            "cumulative_value",
            "revision",
        ];
        if !["plain_units", "plain_targets", "plain_assignments"].contains(&table) {
            return Err(StoreError::Integrity {
                detail: format!("not a baseline table: {table}"),
                by_database: false,
            });
        }
        let per = crate::bulk::PARAMS / columns.len().max(1);
        let kind = self.backend();
        crate::on_write!(self, p => {
            let mut tx = p.begin().await?;
            for chunk in rows.chunks(per.max(1)) {
                let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
                crate::bulk::placeholders(&mut sql, chunk.len(), columns.len(), kind);
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for row in chunk {
                    for (c, field) in row.iter().enumerate() {
                        if ints.contains(&columns[c]) {
                            q = q.bind(if field.is_empty() { None } else { Some(field.parse::<i64>().map_err(|_| StoreError::Integrity { detail: format!("{table}.{}: not an integer: {field}", columns[c]), by_database: false })?) });
                        } else {
                            q = q.bind(field.clone());
                        }
                    }
                }
                q.execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok::<(), StoreError>(())
        })
    }

    /// Loads the data set's reports into `plain_reports`, in one transaction: the plain load a minsheng import is measured against: prepared multi-row INSERTs in one
    /// transaction on SQLite, PostgreSQL's own `COPY` on PostgreSQL.
    pub async fn baseline_load_reports(&self, rows: &[PlainReport]) -> Result<(), StoreError> {
        const COLS: usize = 5;
        if let crate::Backend::Postgres(p) = &self.backend {
            let mut tx = p.begin().await?;
            crate::bulk::copy_in(
                &mut tx,
                "COPY plain_reports (assignment_id, period, cumulative_value, status, revision) FROM STDIN",
                rows,
                |buf, r| {
                    use std::fmt::Write;
                    let _ = writeln!(
                        buf,
                        "{}\t{}\t{}\t{}\t{}",
                        r.assignment_id,
                        r.period,
                        r.cumulative_value,
                        r.status.code(),
                        r.revision
                    );
                },
            )
            .await?;
            tx.commit().await?;
            return Ok(());
        }
        let kind = self.backend();
        crate::on_write!(self, p => {
            let mut tx = p.begin().await?;
            for chunk in rows.chunks(crate::bulk::PARAMS / COLS) {
                let mut sql = String::from("INSERT INTO plain_reports (assignment_id, period, cumulative_value, status, revision) VALUES ");
                crate::bulk::placeholders(&mut sql, chunk.len(), COLS, kind);
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for r in chunk {
                    q = q.bind(r.assignment_id).bind(r.period.to_string()).bind(r.cumulative_value)
                        .bind(r.status.code()).bind(i64::from(r.revision));
                }
                q.execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok::<(), StoreError>(())
        })
    }

    /// Adds the baseline's indexes and refreshes the planner's statistics.
    pub async fn baseline_index(&self) -> Result<(), StoreError> {
        for sql in INDEXES {
            on_write!(self, p => sqlx::query(sql).execute(p).await.map(|r| r.rows_affected()))?;
        }
        on_write!(self, p => sqlx::query("ANALYZE").execute(p).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// The canonical query 1 at period `p` (YYYY-MM).
    pub async fn baseline_q1(&self, period: &str) -> Result<Vec<PlainTargetRow>, StoreError> {
        Ok(on_pool!(self, p => sqlx::query_as(Q1).bind(period).fetch_all(p).await)?)
    }

    /// The canonical query 2 at period `p` (YYYY-MM).
    pub async fn baseline_q2(&self, period: &str) -> Result<Vec<PlainCityRow>, StoreError> {
        Ok(on_pool!(self, p => sqlx::query_as(Q2).bind(period).fetch_all(p).await)?)
    }
}
