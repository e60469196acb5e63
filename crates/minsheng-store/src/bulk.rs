//! Bulk writes for imports: many rows in multi-row INSERTs inside the caller's transaction,
//! with one audit event for the whole import (the rows themselves carry who filed them and
//! when). What is written is validated by the use-case before any of it is.

use crate::error::StoreError;
use crate::reports::NewReport;
use crate::rows::{AssignmentRow, dec_text};
use crate::tx::Tx;
use crate::{BackendKind, Store, on_pool, on_tx};
use jiff_sqlx::ToSqlx;
use minsheng_domain::*;
use rust_decimal::Decimal;
use serde_json::json;
use std::fmt::Write;

/// A report row of a history import: a filing together with its review outcome.
#[derive(Debug, Clone)]
pub struct ImportedReport {
    /// The filing.
    pub report: NewReport,
    /// Its status after review (accepted, returned, submitted).
    pub status: ReportStatus,
    /// When it was filed, when the source says; else the import's own time.
    pub filed_at: Option<jiff::Timestamp>,
    /// Why it was returned, for a returned report.
    pub return_reason: Option<String>,
}

/// An accepted report's value, as the roll-up reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AcceptedValue {
    /// The assignment.
    pub assignment: AssignmentId,
    /// The period.
    pub period: Period,
    /// The revision.
    pub revision: u32,
    /// The value.
    pub value: Option<Decimal>,
    /// The stage, for a qualitative item.
    pub stage: Option<Stage>,
}

/// Bound parameters per multi-row statement.
pub(crate) const PARAMS: usize = 1_000;

/// Appends `rows` groups of `cols` placeholders for a multi-row `VALUES` list whose values
/// are bound in order: numbered on PostgreSQL (`($1, $2), ($3, $4)`), anonymous on SQLite
/// (`(?, ?), (?, ?)`). SQLite looks a numbered parameter's name up in a list of all of a
/// statement's names, once per parameter bound, so binding `n` numbered parameters costs
/// `n²` — 39 % of a county import's time in `sqlite3_bind_parameter_name` (`perf record` of
/// `minsheng bench rollup`, 2026-12-07) — where anonymous ones cost nothing to find.
pub(crate) fn placeholders(sql: &mut String, rows: usize, cols: usize, backend: BackendKind) {
    for r in 0..rows {
        sql.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..cols {
            if c > 0 {
                sql.push_str(", ");
            }
            match backend {
                BackendKind::Sqlite => sql.push('?'),
                BackendKind::Postgres => {
                    let _ = write!(sql, "${}", r * cols + c + 1);
                }
            }
        }
        sql.push(')');
    }
}

impl Tx {
    /// Inserts many units; returns their ids in order.
    pub async fn insert_units_bulk(
        &mut self,
        units: &[crate::NewUnit],
    ) -> Result<Vec<UnitId>, StoreError> {
        let mut ids = Vec::with_capacity(units.len());
        for u in units {
            // Units are few (thousands) and each may be the parent of the next: one by one,
            // without per-row audit events.
            // language=SQL
            const SQL: &str = "INSERT INTO units (parent_id, kind, name, code) VALUES ($1, $2, $3, $4) RETURNING id";
            let id: i64 = on_tx!(self, c => sqlx::query_scalar(SQL)
                .bind(u.parent.map(|p| p.0)).bind(u.kind.code()).bind(&u.name).bind(&u.code)
                .fetch_one(&mut *c).await)?;
            ids.push(UnitId(id));
        }
        self.audit(
            "import",
            "unit",
            0,
            None,
            Some(json!({ "rows": units.len() })),
        )
        .await?;
        Ok(ids)
    }

    /// Inserts many assignments; returns their ids in order.
    pub async fn insert_assignments_bulk(
        &mut self,
        rows: &[crate::NewAssignment],
    ) -> Result<Vec<AssignmentId>, StoreError> {
        let mut ids = Vec::with_capacity(rows.len());
        for chunk in rows.chunks(PARAMS / 5) {
            let mut sql = String::from(
                "INSERT INTO assignments (target_id, unit_id, role, quota, budget) VALUES ",
            );
            placeholders(&mut sql, chunk.len(), 5, self.backend());
            sql.push_str(" RETURNING id");
            let got: Vec<i64> = on_tx!(self, c => {
                let mut q = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.clone()));
                for a in chunk {
                    q = q.bind(a.target.0).bind(a.unit.0).bind(a.role.code())
                        .bind(a.quota.map(dec_text)).bind(a.budget.map(dec_text));
                }
                q.fetch_all(&mut *c).await
            })?;
            ids.extend(got.into_iter().map(AssignmentId));
        }
        self.audit(
            "import",
            "assignment",
            0,
            None,
            Some(json!({ "rows": rows.len() })),
        )
        .await?;
        Ok(ids)
    }

    /// Records one audit event for a whole import of `rows` records of `entity` from `source`.
    pub async fn audit_import(
        &mut self,
        entity: &str,
        rows: usize,
        source: &str,
    ) -> Result<(), StoreError> {
        self.audit(
            "import",
            entity,
            0,
            None,
            Some(json!({ "rows": rows, "source": source })),
        )
        .await
    }

    /// Inserts many report rows as given (a history import or a unit's batch of filings);
    /// the caller records the import with [`Tx::audit_import`].
    pub async fn insert_reports_bulk(&mut self, rows: &[ImportedReport]) -> Result<(), StoreError> {
        // A closed plan's figures are final: an import into one is refused, nothing written.
        let assignments: Vec<i64> = rows.iter().map(|r| r.report.assignment.0).collect();
        self.check_plans_open_of_assignments(&assignments).await?;
        let (actor, now) = (self.actor.name().to_string(), self.now);
        // PostgreSQL's own bulk path is one COPY inside the caller's transaction, so a failure
        // part-way leaves nothing behind; SQLite's, multi-row INSERTs in it.
        match &mut self.inner {
            crate::tx::TxInner::Sqlite(t) => insert_reports_sqlite(t, rows, &actor, now).await,
            crate::tx::TxInner::Postgres(t) => copy_reports(t, rows, &actor, now).await,
        }
    }
}

/// Writes `rows` into `reports` on SQLite with multi-row INSERTs.
///
/// **The CHECK constraints are off for these statements.** SQLite evaluates `reports`' two
/// `CHECK (… IN ('…', …))` constraints (status, stage) by building a temporary lookup table
/// for every row, which more than doubled the time of a bulk insert of the county data set
/// (2.7 million rows through Python's `sqlite3`: 44 s with them against 13–20 s without them
/// or with the same constraints written as `=`/`OR`; `BENCHMARKS.md`). Every row here carries
/// a status and a stage written
/// from their enums' own codes ([`ReportStatus::code`], [`Stage::code`]), which is all the
/// constraints guard, so `ignore_check_constraints` is on for the inserts and off again
/// before anything else runs on the connection — on failure too. Nothing else is skipped:
/// the foreign key, the unique index and `NOT NULL` still hold row by row.
async fn insert_reports_sqlite(
    conn: &mut sqlx::SqliteConnection,
    rows: &[ImportedReport],
    actor: &str,
    now: jiff::Timestamp,
) -> Result<(), StoreError> {
    sqlx::query("PRAGMA ignore_check_constraints = ON")
        .execute(&mut *conn)
        .await?;
    let written = insert_report_rows(conn, rows, actor, now).await;
    let restored = sqlx::query("PRAGMA ignore_check_constraints = OFF")
        .execute(&mut *conn)
        .await;
    written?;
    restored?;
    Ok(())
}

/// The multi-row INSERTs themselves, on whatever `conn`'s constraint settings are.
async fn insert_report_rows(
    conn: &mut sqlx::SqliteConnection,
    rows: &[ImportedReport],
    actor: &str,
    now: jiff::Timestamp,
) -> Result<(), StoreError> {
    let now = now.to_sqlx();
    for chunk in rows.chunks(PARAMS / 11) {
        let mut sql = String::from(
            "INSERT INTO reports (assignment_id, period, revision, cumulative, stage, funds_spent,
                                  narrative, status, filed_by, filed_at, return_reason) VALUES ",
        );
        placeholders(&mut sql, chunk.len(), 11, BackendKind::Sqlite);
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for r in chunk {
            let n = &r.report;
            q = q
                .bind(n.assignment.0)
                .bind(n.period.to_string())
                .bind(i64::from(n.revision))
                .bind(n.cumulative.map(dec_text))
                .bind(n.stage.map(Stage::code))
                .bind(n.funds_spent.map(dec_text))
                .bind(&n.narrative)
                .bind(r.status.code())
                .bind(actor)
                .bind(r.filed_at.map(|t| t.to_sqlx()).unwrap_or(now))
                .bind(&r.return_reason);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Rows sent to the server per COPY data message.
const COPY_BATCH: usize = 5_000;

/// Runs `statement` (a `COPY … FROM STDIN` in text format) on `conn`, sending each of `rows` as
/// the line `line` writes (tab-separated fields, [`copy_field`] for text, ending in `\n`), a
/// batch at a time. On a failed send the COPY is aborted and the error returned; the caller's
/// transaction then keeps nothing.
pub(crate) async fn copy_in<T>(
    conn: &mut sqlx::PgConnection,
    statement: &str,
    rows: &[T],
    line: impl Fn(&mut String, &T),
) -> Result<(), StoreError> {
    let mut copy = conn.copy_in_raw(statement).await?;
    let mut buf = String::new();
    for chunk in rows.chunks(COPY_BATCH) {
        buf.clear();
        for r in chunk {
            line(&mut buf, r);
        }
        if let Err(e) = copy.send(buf.as_bytes()).await {
            // The connection is in COPY mode until told otherwise; the error is the caller's.
            let _ = copy.abort("minsheng: a COPY data message failed").await;
            return Err(e.into());
        }
    }
    copy.finish().await?;
    Ok(())
}

/// Writes `rows` with `COPY reports FROM STDIN` on `conn`.
async fn copy_reports(
    conn: &mut sqlx::PgConnection,
    rows: &[ImportedReport],
    actor: &str,
    now: jiff::Timestamp,
) -> Result<(), StoreError> {
    copy_in(
        conn,
        "COPY reports (assignment_id, period, revision, cumulative, stage, funds_spent,
                       narrative, status, filed_by, filed_at, return_reason) FROM STDIN",
        rows,
        |buf, r| {
            let n = &r.report;
            let _ = write!(buf, "{}\t{}\t{}\t", n.assignment.0, n.period, n.revision);
            copy_field(buf, n.cumulative.map(dec_text).as_deref());
            buf.push('\t');
            copy_field(buf, n.stage.map(Stage::code));
            buf.push('\t');
            copy_field(buf, n.funds_spent.map(dec_text).as_deref());
            buf.push('\t');
            copy_field(buf, Some(&n.narrative));
            buf.push('\t');
            copy_field(buf, Some(r.status.code()));
            buf.push('\t');
            copy_field(buf, Some(actor));
            let _ = write!(buf, "\t{}\t", r.filed_at.unwrap_or(now));
            copy_field(buf, r.return_reason.as_deref());
            buf.push('\n');
        },
    )
    .await
}

/// One field of COPY's text format: `\N` for none, else the text with backslash, tab, newline
/// and carriage return escaped.
fn copy_field(buf: &mut String, value: Option<&str>) {
    let Some(v) = value else {
        buf.push_str("\\N");
        return;
    };
    for c in v.chars() {
        match c {
            '\\' => buf.push_str("\\\\"),
            '\t' => buf.push_str("\\t"),
            '\n' => buf.push_str("\\n"),
            '\r' => buf.push_str("\\r"),
            c => buf.push(c),
        }
    }
}

// language=SQL
const ALL_ASSIGNMENTS: &str =
    "SELECT id, target_id, unit_id, role, quota, budget FROM assignments ORDER BY id";
// language=SQL
const ALL_TARGETS: &str = concat!(
    "SELECT ",
    crate::rows::target_columns!(),
    "
                           FROM targets t ORDER BY t.id"
);
// language=SQL
const TARGET_SECTIONS: &str =
    "SELECT t.id, i.section_id FROM targets t JOIN items i ON i.id = t.item_id ORDER BY t.id";
// language=SQL
const ACCEPTED: &str = "SELECT assignment_id, period, revision, cumulative, stage FROM reports
                        WHERE status = 'accepted' AND assignment_id BETWEEN $1 AND $2
                        ORDER BY assignment_id, period, revision";

pub(crate) type AcceptedRow = (i64, String, i64, Option<String>, Option<String>);

fn targets_with_sections(
    rows: Vec<crate::rows::TargetRow>,
    sections: Vec<(i64, i64)>,
) -> Result<Vec<(Target, SectionId)>, StoreError> {
    rows.into_iter()
        .zip(sections)
        .map(|(r, (_, s))| Ok((r.into_domain()?, SectionId(s))))
        .collect()
}

pub(crate) fn accepted(rows: Vec<AcceptedRow>) -> Result<Vec<AcceptedValue>, StoreError> {
    rows.into_iter()
        .map(|(a, p, r, v, stage)| {
            Ok(AcceptedValue {
                assignment: AssignmentId(a),
                period: Period::parse(&p).map_err(|_| StoreError::Corrupt {
                    table: "reports",
                    column: "period",
                    value: p.clone(),
                })?,
                revision: u32::try_from(r).unwrap_or(0),
                value: v
                    .map(|v| crate::rows::dec("reports", "cumulative", &v))
                    .transpose()?,
                stage: stage
                    .map(|s| {
                        Stage::from_code(&s).ok_or(StoreError::Corrupt {
                            table: "reports",
                            column: "stage",
                            value: s.clone(),
                        })
                    })
                    .transpose()?,
            })
        })
        .collect()
}

/// The roll-up's inputs, read through the pool ([`Store`]) or inside a transaction ([`Tx`],
/// which sees its own uncommitted writes).
impl Store {
    /// Refreshes the query planner's statistics after a bulk write, outside its transaction:
    /// `ANALYZE` of the tables an import fills on PostgreSQL — whose planner, left with the
    /// statistics of an empty table until autovacuum comes round, scanned all 2.7 million
    /// reports for one target's figures (455 ms against 0.9 ms; `minsheng bench mixed`) —
    /// and `PRAGMA optimize` on SQLite.
    pub async fn refresh_statistics(&self) -> Result<(), StoreError> {
        match &self.backend {
            crate::Backend::Postgres(p) => {
                sqlx::query("ANALYZE reports, assignments, targets")
                    .execute(p)
                    .await?;
            }
            crate::Backend::Sqlite { write, .. } => {
                sqlx::query("PRAGMA optimize").execute(write).await?;
            }
        }
        Ok(())
    }
    /// Refreshes the query planner's statistics of every table, after a restore (or the
    /// restore half of `minsheng copy`) wrote them all: `ANALYZE` on PostgreSQL — whose
    /// autovacuum may take minutes to come round, leaving the planner with an empty
    /// database's statistics — and `ANALYZE` on SQLite under a bounded `analysis_limit`, so a large
    /// table costs a sample of each index, not a scan.
    pub async fn refresh_all_statistics(&self) -> Result<(), StoreError> {
        match &self.backend {
            crate::Backend::Postgres(p) => {
                sqlx::query("ANALYZE").execute(p).await?;
            }
            crate::Backend::Sqlite { write, .. } => {
                let mut c = write.acquire().await?;
                sqlx::query("PRAGMA analysis_limit = 1000")
                    .execute(&mut *c)
                    .await?;
                sqlx::query("ANALYZE").execute(&mut *c).await?;
            }
        }
        Ok(())
    }

    /// Every assignment, by id.
    pub async fn all_assignments(&self) -> Result<Vec<Assignment>, StoreError> {
        let rows: Vec<AssignmentRow> =
            on_pool!(self, p => sqlx::query_as(ALL_ASSIGNMENTS).fetch_all(p).await)?;
        rows.into_iter().map(AssignmentRow::into_domain).collect()
    }

    /// Every target with its section, by target id.
    pub async fn all_targets(&self) -> Result<Vec<(Target, SectionId)>, StoreError> {
        let rows = on_pool!(self, p => sqlx::query_as(ALL_TARGETS).fetch_all(p).await)?;
        let sections = on_pool!(self, p => sqlx::query_as(TARGET_SECTIONS).fetch_all(p).await)?;
        targets_with_sections(rows, sections)
    }

    /// Accepted reports of the assignments with ids in `first..=last`, by assignment, period
    /// and revision: the roll-up's input, read a slice at a time to bound memory.
    pub async fn accepted_values(
        &self,
        first: AssignmentId,
        last: AssignmentId,
    ) -> Result<Vec<AcceptedValue>, StoreError> {
        let rows: Vec<AcceptedRow> = on_pool!(self, p => sqlx::query_as(ACCEPTED)
            .bind(first.0).bind(last.0).fetch_all(p).await)?;
        accepted(rows)
    }
}

impl Tx {
    /// [`Store::all_assignments`], inside the transaction.
    pub async fn all_assignments(&mut self) -> Result<Vec<Assignment>, StoreError> {
        let rows: Vec<AssignmentRow> =
            on_tx!(self, c => sqlx::query_as(ALL_ASSIGNMENTS).fetch_all(&mut *c).await)?;
        rows.into_iter().map(AssignmentRow::into_domain).collect()
    }

    /// [`Store::all_targets`], inside the transaction.
    pub async fn all_targets(&mut self) -> Result<Vec<(Target, SectionId)>, StoreError> {
        let rows = on_tx!(self, c => sqlx::query_as(ALL_TARGETS).fetch_all(&mut *c).await)?;
        let sections = on_tx!(self, c => sqlx::query_as(TARGET_SECTIONS).fetch_all(&mut *c).await)?;
        targets_with_sections(rows, sections)
    }

    /// [`Store::accepted_values`], inside the transaction.
    pub async fn accepted_values(
        &mut self,
        first: AssignmentId,
        last: AssignmentId,
    ) -> Result<Vec<AcceptedValue>, StoreError> {
        let rows: Vec<AcceptedRow> = on_tx!(self, c => sqlx::query_as(ACCEPTED)
            .bind(first.0).bind(last.0).fetch_all(&mut *c).await)?;
        accepted(rows)
    }
}
