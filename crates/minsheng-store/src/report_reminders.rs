//! 催报: the reminders the office records for shares whose report for a period is
//! outstanding (migration 0010). A unit sees them at the top of its workspace until it files;
//! one row per share, period and day, so chasing again the same day adds nothing.

use crate::error::StoreError;
use crate::tx::Tx;
use crate::{Store, on_pool, on_tx};
use jiff_sqlx::ToSqlx;
use minsheng_domain::{AssignmentId, Period, PlanId, UnitId};
use serde_json::json;

/// One 催报 as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportReminder {
    /// The share chased.
    pub assignment: AssignmentId,
    /// The period whose report is outstanding.
    pub period: Period,
    /// The day (北京时间) it was recorded for: one per share, period and day.
    pub day: jiff::civil::Date,
    /// Who chased.
    pub by: String,
    /// When.
    pub at: jiff::Timestamp,
}

#[derive(sqlx::FromRow)]
struct ReminderRow {
    assignment_id: i64,
    period: String,
    day: jiff_sqlx::Date,
    reminded_by: String,
    reminded_at: jiff_sqlx::Timestamp,
}

impl ReminderRow {
    fn into_domain(self) -> Result<ReportReminder, StoreError> {
        Ok(ReportReminder {
            assignment: AssignmentId(self.assignment_id),
            period: Period::parse(&self.period).map_err(|_| StoreError::Corrupt {
                table: "report_reminders",
                column: "period",
                value: self.period.clone(),
            })?,
            day: self.day.to_jiff(),
            by: self.reminded_by,
            at: self.reminded_at.to_jiff(),
        })
    }
}

fn all(rows: Vec<ReminderRow>) -> Result<Vec<ReportReminder>, StoreError> {
    rows.into_iter().map(ReminderRow::into_domain).collect()
}

impl Store {
    /// The reminders still standing for `unit` and the units below it: those whose report is
    /// still outstanding (no revision of the share and period submitted or accepted), newest
    /// first.
    pub async fn report_reminders_within(
        &self,
        unit: UnitId,
    ) -> Result<Vec<ReportReminder>, StoreError> {
        // language=SQL
        const SQL: &str = "WITH RECURSIVE within (id, depth) AS (
                 SELECT id, 0 FROM units WHERE id = $1
                 UNION ALL
                 SELECT u.id, w.depth + 1 FROM units u JOIN within w ON u.parent_id = w.id
                 WHERE w.depth < 16)
             SELECT m.assignment_id, m.period, m.day, m.reminded_by, m.reminded_at
               FROM report_reminders m JOIN assignments a ON a.id = m.assignment_id
              WHERE a.unit_id IN (SELECT id FROM within)
                AND NOT EXISTS (SELECT 1 FROM reports r
                                 WHERE r.assignment_id = m.assignment_id
                                   AND r.period = m.period
                                   AND r.status IN ('submitted', 'accepted'))
              ORDER BY m.reminded_at DESC, m.id DESC";
        let rows: Vec<ReminderRow> =
            on_pool!(self, p => sqlx::query_as(SQL).bind(unit.0).fetch_all(p).await)?;
        all(rows)
    }

    /// Every reminder recorded for `period` on the assignments of `plan`, newest first.
    pub async fn report_reminders_of_plan(
        &self,
        plan: PlanId,
        period: Period,
    ) -> Result<Vec<ReportReminder>, StoreError> {
        // language=SQL
        const SQL: &str = "SELECT m.assignment_id, m.period, m.day, m.reminded_by, m.reminded_at
               FROM report_reminders m JOIN assignments a ON a.id = m.assignment_id
               JOIN targets t ON t.id = a.target_id JOIN items i ON i.id = t.item_id
               JOIN sections s ON s.id = i.section_id
              WHERE s.plan_id = $1 AND m.period = $2
              ORDER BY m.reminded_at DESC, m.id DESC";
        let rows: Vec<ReminderRow> = on_pool!(self, p => sqlx::query_as(SQL)
            .bind(plan.0).bind(period.to_string()).fetch_all(p).await)?;
        all(rows)
    }
}

impl Tx {
    /// Records a 催报 of `assignment` for `period` on `day`, audited on the assignment.
    /// `false`, and nothing written, when that share and period were already chased that day
    /// (even by a concurrent transaction: the unique key decides).
    pub async fn insert_report_reminder(
        &mut self,
        assignment: AssignmentId,
        period: Period,
        day: jiff::civil::Date,
    ) -> Result<bool, StoreError> {
        // language=SQL
        const SQL: &str = "INSERT INTO report_reminders (assignment_id, period, day, reminded_by,
                                                          reminded_at)
                           VALUES ($1, $2, $3, $4, $5)
                           ON CONFLICT (assignment_id, period, day) DO NOTHING
                           RETURNING id";
        let by = self.actor.name().to_string();
        let now = self.now.to_sqlx();
        let id: Option<i64> = on_tx!(self, c => sqlx::query_scalar(SQL)
            .bind(assignment.0).bind(period.to_string()).bind(day.to_sqlx()).bind(&by)
            .bind(now).fetch_optional(&mut *c).await)?;
        if id.is_none() {
            return Ok(false);
        }
        let after = json!({ "reminded": period.to_string(), "day": day.to_string() });
        self.audit("remind", "assignment", assignment.0, None, Some(after))
            .await?;
        Ok(true)
    }
}
