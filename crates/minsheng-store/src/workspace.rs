//! What the reporting pages read: a unit's assignments with their targets and places in the
//! plan, its reports for a period, the returns it still has to answer, and the office's queue
//! of reports awaiting review. "A unit's" always means the unit and every unit below it, walked
//! in SQL with a recursive query (the same walk as `UnitTree::is_within`).

use crate::error::StoreError;
use crate::rows::{ReportRow, TargetRow, all, dec};
use crate::{Store, on_pool};
use minsheng_domain::*;

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
    /// The value last accepted for an earlier period of the same assignment, if any.
    pub previous: Option<rust_decimal::Decimal>,
}

/// Which reports the review queue shows, and which page of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueQuery {
    /// Reports whose latest status this is (`submitted` for the queue itself).
    pub status: ReportStatus,
    /// Of one plan, or of every plan.
    pub plan: Option<PlanId>,
    /// For one period, or any.
    pub period: Option<Period>,
    /// Of one section's targets, or any.
    pub section: Option<SectionId>,
    /// Of one unit and the units below it, or of every unit.
    pub within: Option<UnitId>,
    /// Ordered by how far the value moved since the last accepted one, as a share of the
    /// assignment's quota (the target's value when it has none), largest first; otherwise by
    /// filing time, oldest first.
    pub changed_most: bool,
    /// At most this many.
    pub limit: u32,
    /// After skipping this many.
    pub offset: u64,
}

/// One page of the review queue and how many reports match in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuePage {
    /// The reports of the page.
    pub reports: Vec<QueuedReport>,
    /// How many reports match the query, on every page.
    pub total: u64,
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

/// A row of the review queue: an assignment in its place, one report of it (its columns
/// named as in `reports`, but its id as `report_id`: the target's is `id`), and what the queue
/// shows beside it.
#[derive(sqlx::FromRow)]
struct QueuedRow {
    #[sqlx(flatten)]
    placed: PlacedRow,
    report_id: i64,
    period: String,
    revision: i64,
    cumulative: Option<String>,
    stage: Option<String>,
    funds_spent: Option<String>,
    narrative: String,
    status: String,
    return_reason: Option<String>,
    filed_by: String,
    filed_at: jiff_sqlx::Timestamp,
    reviewed_by: Option<String>,
    reviewed_at: Option<jiff_sqlx::Timestamp>,
    evidence: i64,
    previous: Option<String>,
    total: i64,
}

impl QueuedRow {
    fn into_domain(self) -> Result<QueuedReport, StoreError> {
        let placed = self.placed.into_domain()?;
        let report = ReportRow {
            id: self.report_id,
            assignment_id: placed.assignment.id.0,
            period: self.period,
            revision: self.revision,
            cumulative: self.cumulative,
            stage: self.stage,
            funds_spent: self.funds_spent,
            narrative: self.narrative,
            status: self.status,
            return_reason: self.return_reason,
            filed_by: self.filed_by,
            filed_at: self.filed_at,
            reviewed_by: self.reviewed_by,
            reviewed_at: self.reviewed_at,
        }
        .into_domain()?;
        Ok(QueuedReport {
            previous: self
                .previous
                .map(|v| dec("reports", "cumulative", &v))
                .transpose()?,
            placed,
            report,
            evidence: self.evidence,
        })
    }
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

    /// One page of the review queue: the reports of a status that match `q`, each with its
    /// assignment in its place, its evidence count and the value last accepted before it, and
    /// how many match in all. One statement, whatever the page (`COUNT(*) OVER ()` counts
    /// the matches before `LIMIT`), so a page costs the same with thousands waiting.
    pub async fn review_page(&self, q: &QueueQuery) -> Result<QueuePage, StoreError> {
        // `CAST(… AS DOUBLE PRECISION)` reads the decimal text as a float on both backends
        // (SQLite's affinity rules take DOUBLE as REAL): only to order by, never stored.
        // language=SQL
        // The page is chosen first, and only its rows count their evidence and look up their
        // last accepted value: a queue of thousands costs one pass over the waiting reports,
        // not two lookups for each of them. Ordering by the change since last month needs
        // that value for every row, so only then is it read before the page is cut.
        const SQL: &str = concat!(
            within!(),
            ", q AS MATERIALIZED (SELECT ",
            placed_columns!(),
            ", r.id AS report_id, r.assignment_id AS report_assignment, r.period, r.revision,
               r.cumulative, r.stage, r.funds_spent,
               r.narrative, r.status, r.return_reason, r.filed_by, r.filed_at, r.reviewed_by,
               r.reviewed_at,
               CASE WHEN $6 THEN (SELECT pr.cumulative FROM reports pr
                 WHERE pr.assignment_id = r.assignment_id AND pr.status = 'accepted'
                   AND pr.period < r.period
                 ORDER BY pr.period DESC, pr.revision DESC LIMIT 1) END AS change_base
             FROM reports r JOIN assignments a ON a.id = r.assignment_id ",
            placed_joins!(),
            " WHERE r.status = $2
                AND (CAST($3 AS BIGINT) IS NULL OR s.plan_id = $3)
                AND (CAST($4 AS TEXT) IS NULL OR r.period = $4)
                AND (CAST($5 AS BIGINT) IS NULL OR s.id = $5)
                AND (CAST($1 AS BIGINT) IS NULL OR a.unit_id IN (SELECT id FROM within))),
             ranked AS (SELECT q.*, COUNT(*) OVER () AS total,
                  CASE WHEN $6 THEN
                    ABS(CAST(q.cumulative AS DOUBLE PRECISION)
                        - COALESCE(CAST(q.change_base AS DOUBLE PRECISION), 0))
                    / NULLIF(ABS(CAST(COALESCE(q.quota, q.value) AS DOUBLE PRECISION)), 0)
                  END AS change
                FROM q),
             page AS (SELECT * FROM ranked
                ORDER BY change DESC NULLS LAST, filed_at, report_id
                LIMIT $7 OFFSET $8)
             SELECT page.*,
               (SELECT COUNT(*) FROM report_evidence e WHERE e.report_id = page.report_id)
                 AS evidence,
               (SELECT pr.cumulative FROM reports pr
                 WHERE pr.assignment_id = page.report_assignment AND pr.status = 'accepted'
                   AND pr.period < page.period
                 ORDER BY pr.period DESC, pr.revision DESC LIMIT 1) AS previous
             FROM page
             ORDER BY page.change DESC NULLS LAST, page.filed_at, page.report_id"
        );
        let offset = i64::try_from(q.offset).unwrap_or(i64::MAX);
        let rows: Vec<QueuedRow> = on_pool!(self, p => sqlx::query_as(SQL)
            .bind(q.within.map(|u| u.0))
            .bind(q.status.code())
            .bind(q.plan.map(|p| p.0))
            .bind(q.period.map(|p| p.to_string()))
            .bind(q.section.map(|s| s.0))
            .bind(q.changed_most)
            .bind(i64::from(q.limit))
            .bind(offset)
            .fetch_all(p).await)?;
        let total = rows
            .first()
            .map_or(0, |r| u64::try_from(r.total).unwrap_or(0));
        Ok(QueuePage {
            reports: all(rows, QueuedRow::into_domain)?,
            total,
        })
    }

    /// The assignments of `plan` in plan order (section, item, target, then unit), each in
    /// its place.
    pub async fn placed_assignments_of_plan(
        &self,
        plan: PlanId,
    ) -> Result<Vec<PlacedAssignment>, StoreError> {
        // language=SQL
        const SQL: &str = concat!(
            "SELECT ",
            placed_columns!(),
            " FROM assignments a ",
            placed_joins!(),
            " WHERE s.plan_id = $1 ORDER BY s.position, i.position, t.seq, a.unit_id"
        );
        let rows: Vec<PlacedRow> =
            on_pool!(self, p => sqlx::query_as(SQL).bind(plan.0).fetch_all(p).await)?;
        all(rows, PlacedRow::into_domain)
    }

    /// Every revision filed or drafted for `period` on the assignments of `plan`, by
    /// assignment then revision.
    pub async fn reports_of_plan_in(
        &self,
        plan: PlanId,
        period: Period,
    ) -> Result<Vec<Report>, StoreError> {
        // language=SQL
        const SQL: &str = concat!(
            "SELECT ",
            crate::rows::report_columns!("r"),
            " FROM reports r JOIN assignments a ON a.id = r.assignment_id
               JOIN targets t ON t.id = a.target_id JOIN items i ON i.id = t.item_id
               JOIN sections s ON s.id = i.section_id
              WHERE s.plan_id = $1 AND r.period = $2
              ORDER BY r.assignment_id, r.revision"
        );
        let rows: Vec<ReportRow> = on_pool!(self, p => sqlx::query_as(SQL)
            .bind(plan.0).bind(period.to_string()).fetch_all(p).await)?;
        all(rows, ReportRow::into_domain)
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
