//! What the reporting pages read: a unit's assignments with their targets and places in the
//! plan, its reports for a period, the returns it still has to answer, and the office's queue
//! of reports awaiting review. "A unit's" always means the unit and every unit below it, walked
//! in SQL with a recursive query (the same walk as `UnitTree::is_within`).

use crate::error::StoreError;
use crate::rows::{ReportRow, TargetRow, all, dec};
use crate::{Store, on_pool};
use minsheng_domain::*;
use std::collections::HashMap;

/// An assignment with its target and where the target sits in its plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacedAssignment {
    /// The assignment.
    pub assignment: Assignment,
    /// Its target.
    pub target: Target,
    /// The plan the target belongs to.
    pub plan: PlanId,
    /// The plan's year: the only year its assignments are reported for.
    pub year: i16,
    /// The section's number in the plan (一、二 … as 1, 2 …).
    pub section_no: u32,
    /// The item's number in the plan.
    pub item_no: u32,
}

/// A report awaiting review, with what a reviewer reads beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedReport {
    /// The report revision.
    pub report: Report,
    /// The assignment it reports on.
    pub placed: PlacedAssignment,
    /// How many evidence files go with it.
    pub evidence: i64,
}

#[derive(sqlx::FromRow)]
struct PlacedRow {
    assignment_id: i64,
    unit_id: i64,
    role: String,
    quota: Option<String>,
    budget: Option<String>,
    #[sqlx(flatten)]
    target: TargetRow,
    plan_id: i64,
    year: i64,
    section_no: i64,
    item_no: i64,
}

impl PlacedRow {
    fn into_domain(self) -> Result<PlacedAssignment, StoreError> {
        let corrupt =
            |table: &'static str, column: &'static str, value: String| StoreError::Corrupt {
                table,
                column,
                value,
            };
        let number = |table, column, n: i64| {
            u32::try_from(n).map_err(|_| corrupt(table, column, n.to_string()))
        };
        let target = self.target.into_domain()?;
        let opt_dec =
            |column, v: Option<String>| v.map(|v| dec("assignments", column, &v)).transpose();
        Ok(PlacedAssignment {
            assignment: Assignment {
                id: AssignmentId(self.assignment_id),
                target: target.id,
                unit: UnitId(self.unit_id),
                role: AssignmentRole::from_code(&self.role)
                    .ok_or_else(|| corrupt("assignments", "role", self.role.clone()))?,
                quota: opt_dec("quota", self.quota)?,
                budget: opt_dec("budget", self.budget)?,
            },
            target,
            plan: PlanId(self.plan_id),
            year: i16::try_from(self.year)
                .map_err(|_| corrupt("plans", "year", self.year.to_string()))?,
            section_no: number("sections", "no", self.section_no)?,
            item_no: number("items", "no", self.item_no)?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct QueuedRow {
    #[sqlx(flatten)]
    report: ReportRow,
    evidence: i64,
}

/// The columns of a [`PlacedRow`], from `assignments a`, `targets t`, `items i`, `sections s`
/// and `plans p`.
macro_rules! placed_columns {
    () => {
        "a.id AS assignment_id, a.unit_id, a.role, a.quota, a.budget,
         t.id, t.item_id, t.seq, t.value, t.unit, t.cmp, t.phrase, t.span_start, t.span_end,
         t.implicit, t.delta, t.deadline, t.baseline, t.kind, t.accrual,
         s.plan_id, p.year, s.no AS section_no, i.no AS item_no"
    };
}

/// The joins from `assignments a` to its place in the plan.
macro_rules! placed_joins {
    () => {
        "JOIN targets t ON t.id = a.target_id JOIN items i ON i.id = t.item_id
         JOIN sections s ON s.id = i.section_id JOIN plans p ON p.id = s.plan_id"
    };
}

/// `within (id)`: unit `$1` and every unit below it.
macro_rules! within {
    () => {
        "WITH RECURSIVE within (id, depth) AS (
             SELECT id, 0 FROM units WHERE id = $1
             UNION ALL
             SELECT u.id, w.depth + 1 FROM units u JOIN within w ON u.parent_id = w.id
             WHERE w.depth < 16)"
    };
}

impl Store {
    /// The assignments of `unit` and of every unit below it, in plan order (latest year
    /// first, then section, item and target, then unit).
    pub async fn placed_assignments_within(
        &self,
        unit: UnitId,
    ) -> Result<Vec<PlacedAssignment>, StoreError> {
        // language=SQL
        const SQL: &str = concat!(
            within!(),
            " SELECT ",
            placed_columns!(),
            " FROM assignments a ",
            placed_joins!(),
            " WHERE a.unit_id IN (SELECT id FROM within)
              ORDER BY p.year DESC, p.id, s.position, i.position, t.seq, a.unit_id"
        );
        let rows: Vec<PlacedRow> =
            on_pool!(self, p => sqlx::query_as(SQL).bind(unit.0).fetch_all(p).await)?;
        all(rows, PlacedRow::into_domain)
    }

    /// One assignment with its target and place in the plan.
    pub async fn placed_assignment(
        &self,
        id: AssignmentId,
    ) -> Result<PlacedAssignment, StoreError> {
        // language=SQL
        const SQL: &str = concat!(
            "SELECT ",
            placed_columns!(),
            " FROM assignments a ",
            placed_joins!(),
            " WHERE a.id = $1"
        );
        let row: Option<PlacedRow> =
            on_pool!(self, p => sqlx::query_as(SQL).bind(id.0).fetch_optional(p).await)?;
        row.ok_or(StoreError::NotFound {
            entity: "assignment",
            id: id.0,
        })?
        .into_domain()
    }

    /// Every revision filed for `period` on the assignments of `unit` and the units below it,
    /// by assignment then revision.
    pub async fn reports_within(
        &self,
        unit: UnitId,
        period: Period,
    ) -> Result<Vec<Report>, StoreError> {
        // language=SQL
        const SQL: &str = concat!(
            within!(),
            " SELECT ",
            crate::rows::report_columns!("r"),
            " FROM reports r JOIN assignments a ON a.id = r.assignment_id
              WHERE a.unit_id IN (SELECT id FROM within) AND r.period = $2
              ORDER BY r.assignment_id, r.revision"
        );
        let rows: Vec<ReportRow> = on_pool!(self, p => sqlx::query_as(SQL)
            .bind(unit.0).bind(period.to_string()).fetch_all(p).await)?;
        all(rows, ReportRow::into_domain)
    }

    /// The returned reports of `unit` and the units below it that have not been filed again:
    /// no later revision for the same assignment and period other than a draft. Oldest
    /// period first.
    pub async fn open_returns_within(&self, unit: UnitId) -> Result<Vec<Report>, StoreError> {
        // language=SQL
        const SQL: &str = concat!(
            within!(),
            " SELECT ",
            crate::rows::report_columns!("r"),
            " FROM reports r JOIN assignments a ON a.id = r.assignment_id
              WHERE a.unit_id IN (SELECT id FROM within) AND r.status = 'returned'
                AND NOT EXISTS (SELECT 1 FROM reports n
                                WHERE n.assignment_id = r.assignment_id AND n.period = r.period
                                  AND n.revision > r.revision AND n.status <> 'draft')
              ORDER BY r.period, r.assignment_id, r.revision"
        );
        let rows: Vec<ReportRow> =
            on_pool!(self, p => sqlx::query_as(SQL).bind(unit.0).fetch_all(p).await)?;
        all(rows, ReportRow::into_domain)
    }

    /// The reports awaiting review, oldest filing first, of one plan or (with `None`) of
    /// every plan, each with its assignment and the number of its evidence files; the first
    /// `limit` of them when a limit is given.
    pub async fn review_queue(
        &self,
        plan: Option<PlanId>,
        limit: Option<u32>,
    ) -> Result<Vec<QueuedReport>, StoreError> {
        // Two reads joined here: a report row and a target row both have an `id` column.
        // language=SQL
        const REPORTS: &str = concat!(
            "SELECT ",
            crate::rows::report_columns!("r"),
            ", (SELECT COUNT(*) FROM report_evidence e WHERE e.report_id = r.id) AS evidence
              FROM reports r WHERE r.status = 'submitted'
               AND (CAST($1 AS BIGINT) IS NULL OR r.assignment_id IN (
                    SELECT a.id FROM assignments a JOIN targets t ON t.id = a.target_id
                    JOIN items i ON i.id = t.item_id JOIN sections s ON s.id = i.section_id
                    WHERE s.plan_id = $1))
              ORDER BY r.filed_at, r.id LIMIT $2"
        );
        // language=SQL
        const PLACED: &str = concat!(
            "SELECT ",
            placed_columns!(),
            " FROM assignments a ",
            placed_joins!(),
            " WHERE a.id IN (SELECT assignment_id FROM reports WHERE status = 'submitted')
                AND (CAST($1 AS BIGINT) IS NULL OR s.plan_id = $1)"
        );
        let placed: Vec<PlacedRow> = on_pool!(self, p => sqlx::query_as(PLACED)
            .bind(plan.map(|p| p.0)).fetch_all(p).await)?;
        let placed: HashMap<AssignmentId, PlacedAssignment> = all(placed, PlacedRow::into_domain)?
            .into_iter()
            .map(|a| (a.assignment.id, a))
            .collect();
        let limit = limit.map_or(i64::MAX, i64::from);
        let rows: Vec<QueuedRow> = on_pool!(self, p => sqlx::query_as(REPORTS)
            .bind(plan.map(|p| p.0)).bind(limit).fetch_all(p).await)?;
        let mut out = Vec::new();
        for row in rows {
            let report = row.report.into_domain()?;
            // A report of another plan, or filed between the two reads: not in this queue.
            if let Some(a) = placed.get(&report.assignment) {
                out.push(QueuedReport {
                    placed: a.clone(),
                    report,
                    evidence: row.evidence,
                });
            }
        }
        Ok(out)
    }
}

impl Store {
    /// How many reports of `plan` for `period` wait for review (their latest revision is
    /// submitted).
    pub async fn awaiting_review_count(
        &self,
        plan: PlanId,
        period: Period,
    ) -> Result<i64, StoreError> {
        // language=SQL
        const SQL: &str = "SELECT COUNT(*) FROM reports r
                           JOIN assignments a ON a.id = r.assignment_id
                           JOIN targets t ON t.id = a.target_id
                           JOIN items i ON i.id = t.item_id
                           JOIN sections s ON s.id = i.section_id
                           WHERE s.plan_id = $1 AND r.period = $2 AND r.status = 'submitted'";
        Ok(
            on_pool!(self, p => sqlx::query_scalar(SQL).bind(plan.0).bind(period.to_string())
            .fetch_one(p).await)?,
        )
    }
}
