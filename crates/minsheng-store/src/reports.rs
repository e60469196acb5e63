//! Assignments, their schedules, and the reports filed on them.

use crate::error::StoreError;
use crate::rows::{AssignmentRow, ReportRow, SchedulePointRow, all, dec_text, report_columns};
use crate::tx::Tx;
use crate::tx::TxInner;
use crate::{Conn, Store, on_conn, on_pool, on_tx};
use jiff_sqlx::ToSqlx;
use minsheng_domain::schedule::{Milestone, MilestoneGoal};
use minsheng_domain::*;
use rust_decimal::Decimal;
use serde_json::{Value, json};

/// An assignment to create.
#[derive(Debug, Clone)]
pub struct NewAssignment {
    /// The target.
    pub target: TargetId,
    /// The unit that carries it.
    pub unit: UnitId,
    /// Lead or partner.
    pub role: AssignmentRole,
    /// The unit's share, in the target's unit.
    pub quota: Option<Decimal>,
    /// Funds budgeted, in 元.
    pub budget: Option<Decimal>,
}

/// A report revision to file.
#[derive(Debug, Clone)]
pub struct NewReport {
    /// The assignment reported on.
    pub assignment: AssignmentId,
    /// The period it answers for.
    pub period: Period,
    /// Its revision number.
    pub revision: u32,
    /// Cumulative value since the start of the year.
    pub cumulative: Option<Decimal>,
    /// Stage, for a qualitative item.
    pub stage: Option<Stage>,
    /// Funds spent so far.
    pub funds_spent: Option<Decimal>,
    /// What was done.
    pub narrative: String,
    /// Draft or submitted.
    pub status: ReportStatus,
}

#[derive(sqlx::FromRow)]
struct MilestoneRow {
    due: jiff_sqlx::Date,
    name: String,
    value: Option<String>,
    stage: Option<String>,
}

#[derive(sqlx::FromRow)]
struct PlanMilestoneRow {
    assignment_id: i64,
    due: jiff_sqlx::Date,
    name: String,
    value: Option<String>,
    stage: Option<String>,
}

impl MilestoneRow {
    fn into_domain(self) -> Result<Milestone, StoreError> {
        let corrupt = |column: &'static str, value: String| StoreError::Corrupt {
            table: "schedule_milestones",
            column,
            value,
        };
        let goal = match (self.value, self.stage) {
            (Some(v), None) => {
                MilestoneGoal::Value(crate::rows::dec("schedule_milestones", "value", &v)?)
            }
            (None, Some(s)) => MilestoneGoal::Stage(
                Stage::from_code(&s).ok_or_else(|| corrupt("stage", s.clone()))?,
            ),
            _ => return Err(corrupt("value", "value and stage".into())),
        };
        Ok(Milestone {
            due: self.due.to_jiff(),
            goal,
            name: self.name,
        })
    }
}

fn milestone_json(m: &Milestone) -> Value {
    let (value, stage) = match m.goal {
        MilestoneGoal::Value(v) => (Some(dec_text(v)), None),
        MilestoneGoal::Stage(s) => (None, Some(s.code())),
    };
    json!({ "due": m.due.to_string(), "name": m.name, "value": value, "stage": stage })
}

fn assignment_json(a: &NewAssignment) -> Value {
    json!({
        "target_id": a.target.0, "unit_id": a.unit.0, "role": a.role.code(),
        "quota": a.quota.map(dec_text), "budget": a.budget.map(dec_text),
    })
}

fn report_json(r: &NewReport) -> Value {
    json!({
        "assignment_id": r.assignment.0, "period": r.period.to_string(), "revision": r.revision,
        "cumulative": r.cumulative.map(dec_text), "stage": r.stage.map(Stage::code),
        "funds_spent": r.funds_spent.map(dec_text), "narrative": r.narrative,
        "status": r.status.code(),
    })
}

impl Store {
    /// Every assignment of a plan's targets.
    pub async fn assignments_of_plan(&self, plan: PlanId) -> Result<Vec<Assignment>, StoreError> {
        // language=SQL
        const SQL: &str = "SELECT a.id, a.target_id, a.unit_id, a.role, a.quota, a.budget
                           FROM assignments a JOIN targets t ON t.id = a.target_id
                           JOIN items i ON i.id = t.item_id JOIN sections s ON s.id = i.section_id
                           WHERE s.plan_id = $1 ORDER BY a.target_id, a.role, a.unit_id";
        let rows: Vec<AssignmentRow> =
            on_pool!(self, p => sqlx::query_as(SQL).bind(plan.0).fetch_all(p).await)?;
        all(rows, AssignmentRow::into_domain)
    }

    /// A target's assignments: the lead first, then the others by unit.
    pub async fn assignments_of_target(
        &self,
        target: TargetId,
    ) -> Result<Vec<Assignment>, StoreError> {
        read_assignments_of_target(&mut self.conn(), target).await
    }

    /// An assignment's schedule, by period.
    pub async fn schedule(
        &self,
        assignment: AssignmentId,
    ) -> Result<Vec<SchedulePoint>, StoreError> {
        // language=SQL
        const SQL: &str = "SELECT period, expected FROM schedule_points WHERE assignment_id = $1";
        let rows: Vec<SchedulePointRow> =
            on_pool!(self, p => sqlx::query_as(SQL).bind(assignment.0).fetch_all(p).await)?;
        let mut points = all(rows, SchedulePointRow::into_domain)?;
        points.sort_by_key(|p| p.period);
        Ok(points)
    }

    /// One assignment.
    pub async fn assignment(&self, id: AssignmentId) -> Result<Assignment, StoreError> {
        read_assignment(&mut self.conn(), id).await
    }

    /// The assignments a unit holds itself.
    pub async fn assignments_of_unit(&self, unit: UnitId) -> Result<Vec<Assignment>, StoreError> {
        // language=SQL
        const SQL: &str = "SELECT id, target_id, unit_id, role, quota, budget FROM assignments
                           WHERE unit_id = $1 ORDER BY target_id";
        let rows: Vec<AssignmentRow> =
            on_pool!(self, p => sqlx::query_as(SQL).bind(unit.0).fetch_all(p).await)?;
        all(rows, AssignmentRow::into_domain)
    }

    /// One report revision.
    pub async fn report(&self, id: ReportId) -> Result<Report, StoreError> {
        read_report(&mut self.conn(), id).await
    }

    /// Reports waiting for review, oldest first.
    pub async fn submitted_reports(&self) -> Result<Vec<Report>, StoreError> {
        // language=SQL
        const SQL: &str = concat!(
            "SELECT ",
            report_columns!(),
            " FROM reports WHERE status = 'submitted' ORDER BY filed_at, id"
        );
        let rows: Vec<ReportRow> = on_pool!(self, p => sqlx::query_as(SQL).fetch_all(p).await)?;
        all(rows, ReportRow::into_domain)
    }

    /// Every report revision of a plan's assignments, by assignment, period and revision.
    pub async fn reports_of_plan(&self, plan: PlanId) -> Result<Vec<Report>, StoreError> {
        // language=SQL
        const SQL: &str = concat!(
            "SELECT ",
            report_columns!("r"),
            " FROM reports r JOIN assignments a ON a.id = r.assignment_id
                      JOIN targets t ON t.id = a.target_id JOIN items i ON i.id = t.item_id
                      JOIN sections s ON s.id = i.section_id
                      WHERE s.plan_id = $1 ORDER BY r.assignment_id, r.period, r.revision"
        );
        let rows: Vec<ReportRow> =
            on_pool!(self, p => sqlx::query_as(SQL).bind(plan.0).fetch_all(p).await)?;
        all(rows, ReportRow::into_domain)
    }

    /// Every report revision of a plan's assignments, by assignment, period and revision, with
    /// only what figures are computed from: period, revision, value, stage, funds, status and
    /// when it was filed. The texts (narrative, return reason) and the filer and reviewer are
    /// left empty — for the dashboard's computation, which reads every revision of a plan and
    /// so pays for each column of each row; never for showing a report.
    pub async fn report_figures_of_plan(&self, plan: PlanId) -> Result<Vec<Report>, StoreError> {
        // language=SQL
        const SQL: &str =
            "SELECT r.id, r.assignment_id, r.period, r.revision, r.cumulative, r.stage,
                    r.funds_spent, r.status, r.filed_at
             FROM reports r JOIN assignments a ON a.id = r.assignment_id
             JOIN targets t ON t.id = a.target_id JOIN items i ON i.id = t.item_id
             JOIN sections s ON s.id = i.section_id
             WHERE s.plan_id = $1 ORDER BY r.assignment_id, r.period, r.revision";
        let rows: Vec<crate::rows::ReportFiguresRow> =
            on_pool!(self, p => sqlx::query_as(SQL).bind(plan.0).fetch_all(p).await)?;
        all(rows, crate::rows::ReportFiguresRow::into_domain)
    }

    /// [`Store::report_figures_of_plan`] for one target's assignments: what a dashboard kept
    /// current reads again when that target changed.
    pub async fn report_figures_of_target(
        &self,
        target: TargetId,
    ) -> Result<Vec<Report>, StoreError> {
        // language=SQL
        const SQL: &str =
            "SELECT r.id, r.assignment_id, r.period, r.revision, r.cumulative, r.stage,
                    r.funds_spent, r.status, r.filed_at
             FROM reports r JOIN assignments a ON a.id = r.assignment_id
             WHERE a.target_id = $1 ORDER BY r.assignment_id, r.period, r.revision";
        let rows: Vec<crate::rows::ReportFiguresRow> =
            on_pool!(self, p => sqlx::query_as(SQL).bind(target.0).fetch_all(p).await)?;
        all(rows, crate::rows::ReportFiguresRow::into_domain)
    }

    /// Every schedule point of a plan's assignments.
    pub async fn schedules_of_plan(
        &self,
        plan: PlanId,
    ) -> Result<Vec<(AssignmentId, SchedulePoint)>, StoreError> {
        // language=SQL
        const SQL: &str = "SELECT p.assignment_id, p.period, p.expected
                           FROM schedule_points p JOIN assignments a ON a.id = p.assignment_id
                           JOIN targets t ON t.id = a.target_id JOIN items i ON i.id = t.item_id
                           JOIN sections s ON s.id = i.section_id WHERE s.plan_id = $1";
        let rows: Vec<(i64, String, String)> =
            on_pool!(self, p => sqlx::query_as(SQL).bind(plan.0).fetch_all(p).await)?;
        schedule_points(rows)
    }

    /// Every schedule point of one target's assignments: what a dashboard kept current reads
    /// again when that target changed, whatever the size of its plan.
    pub async fn schedules_of_target(
        &self,
        target: TargetId,
    ) -> Result<Vec<(AssignmentId, SchedulePoint)>, StoreError> {
        // language=SQL
        const SQL: &str = "SELECT p.assignment_id, p.period, p.expected
                           FROM schedule_points p JOIN assignments a ON a.id = p.assignment_id
                           WHERE a.target_id = $1";
        let rows: Vec<(i64, String, String)> =
            on_pool!(self, p => sqlx::query_as(SQL).bind(target.0).fetch_all(p).await)?;
        schedule_points(rows)
    }

    /// Every milestone of a plan's assignments, by assignment and date.
    pub async fn milestones_of_plan(
        &self,
        plan: PlanId,
    ) -> Result<Vec<(AssignmentId, Milestone)>, StoreError> {
        // language=SQL
        const SQL: &str = "SELECT m.assignment_id, m.due, m.name, m.value, m.stage
                           FROM schedule_milestones m JOIN assignments a ON a.id = m.assignment_id
                           JOIN targets t ON t.id = a.target_id JOIN items i ON i.id = t.item_id
                           JOIN sections s ON s.id = i.section_id
                           WHERE s.plan_id = $1 ORDER BY m.assignment_id, m.due, m.id";
        let rows: Vec<PlanMilestoneRow> =
            on_pool!(self, p => sqlx::query_as(SQL).bind(plan.0).fetch_all(p).await)?;
        plan_milestones(rows)
    }

    /// Every milestone of one target's assignments, by assignment and date.
    pub async fn milestones_of_target(
        &self,
        target: TargetId,
    ) -> Result<Vec<(AssignmentId, Milestone)>, StoreError> {
        // language=SQL
        const SQL: &str = "SELECT m.assignment_id, m.due, m.name, m.value, m.stage
                           FROM schedule_milestones m JOIN assignments a ON a.id = m.assignment_id
                           WHERE a.target_id = $1 ORDER BY m.assignment_id, m.due, m.id";
        let rows: Vec<PlanMilestoneRow> =
            on_pool!(self, p => sqlx::query_as(SQL).bind(target.0).fetch_all(p).await)?;
        plan_milestones(rows)
    }

    /// How many report revisions there are in each status.
    pub async fn report_counts(&self) -> Result<Vec<(ReportStatus, i64)>, StoreError> {
        // language=SQL
        const SQL: &str = "SELECT status, COUNT(*) FROM reports GROUP BY status ORDER BY status";
        let rows: Vec<(String, i64)> = on_pool!(self, p => sqlx::query_as(SQL).fetch_all(p).await)?;
        rows.into_iter()
            .map(|(s, n)| {
                let status = ReportStatus::from_code(&s).ok_or(StoreError::Corrupt {
                    table: "reports",
                    column: "status",
                    value: s.clone(),
                })?;
                Ok((status, n))
            })
            .collect()
    }

    /// Every revision filed on an assignment, by period then revision.
    pub async fn reports_of_assignment(
        &self,
        assignment: AssignmentId,
    ) -> Result<Vec<Report>, StoreError> {
        read_reports_of_assignment(&mut self.conn(), assignment).await
    }
}

/// One assignment, on the pool or inside a transaction.
pub(crate) async fn read_assignment(
    conn: &mut Conn<'_>,
    id: AssignmentId,
) -> Result<Assignment, StoreError> {
    // language=SQL
    const SQL: &str =
        "SELECT id, target_id, unit_id, role, quota, budget FROM assignments WHERE id = $1";
    let row: Option<AssignmentRow> =
        on_conn!(conn, c => sqlx::query_as(SQL).bind(id.0).fetch_optional(c).await)?;
    row.ok_or(StoreError::NotFound {
        entity: "assignment",
        id: id.0,
    })?
    .into_domain()
}

/// A target's assignments, the lead first, on the pool or inside a transaction.
async fn read_assignments_of_target(
    conn: &mut Conn<'_>,
    target: TargetId,
) -> Result<Vec<Assignment>, StoreError> {
    // language=SQL
    const SQL: &str = "SELECT id, target_id, unit_id, role, quota, budget FROM assignments
                       WHERE target_id = $1 ORDER BY role, unit_id";
    let rows: Vec<AssignmentRow> =
        on_conn!(conn, c => sqlx::query_as(SQL).bind(target.0).fetch_all(c).await)?;
    all(rows, AssignmentRow::into_domain)
}

/// One report revision, on the pool or inside a transaction.
pub(crate) async fn read_report(conn: &mut Conn<'_>, id: ReportId) -> Result<Report, StoreError> {
    // language=SQL
    const SQL: &str = concat!("SELECT ", report_columns!(), " FROM reports WHERE id = $1");
    let row: Option<ReportRow> =
        on_conn!(conn, c => sqlx::query_as(SQL).bind(id.0).fetch_optional(c).await)?;
    row.ok_or(StoreError::NotFound {
        entity: "report",
        id: id.0,
    })?
    .into_domain()
}

/// Every revision filed on an assignment, by period then revision.
async fn read_reports_of_assignment(
    conn: &mut Conn<'_>,
    assignment: AssignmentId,
) -> Result<Vec<Report>, StoreError> {
    // language=SQL
    const SQL: &str = concat!(
        "SELECT ",
        report_columns!(),
        " FROM reports WHERE assignment_id = $1 ORDER BY period, revision"
    );
    let rows: Vec<ReportRow> =
        on_conn!(conn, c => sqlx::query_as(SQL).bind(assignment.0).fetch_all(c).await)?;
    all(rows, ReportRow::into_domain)
}

impl Tx {
    /// A target's assignments, read inside the transaction.
    pub async fn assignments_of_target(
        &mut self,
        target: TargetId,
    ) -> Result<Vec<Assignment>, StoreError> {
        read_assignments_of_target(&mut self.conn(), target).await
    }

    /// One assignment, read inside the transaction.
    pub async fn assignment(&mut self, id: AssignmentId) -> Result<Assignment, StoreError> {
        read_assignment(&mut self.conn(), id).await
    }

    /// Takes the assignment's row lock until the transaction ends (PostgreSQL; on SQLite the
    /// one writer already excludes every other), so two writes that read the assignment's
    /// reports and write from what they read — two filings, two accepts — run one after the
    /// other and each sees the other's commit.
    ///
    /// A write that locks an assignment changes its plan's figures: a plan closed at year end
    /// refuses it ([`StoreError::PlanClosed`], [`Tx::check_plan_open`]).
    pub async fn lock_assignment(&mut self, id: AssignmentId) -> Result<(), StoreError> {
        // language=SQL
        const SQL: &str = "SELECT id FROM assignments WHERE id = $1 FOR UPDATE";
        if let TxInner::Postgres(t) = &mut self.inner {
            let found: Option<i64> = sqlx::query_scalar(SQL)
                .bind(id.0)
                .fetch_optional(&mut **t)
                .await?;
            if found.is_none() {
                return Err(StoreError::NotFound {
                    entity: "assignment",
                    id: id.0,
                });
            }
        }
        self.check_plan_open(None, Some(id)).await
    }

    /// Assigns a targetimpl Tx {
    /// Assigns a target to a unit.
    pub async fn insert_assignment(
        &mut self,
        a: &NewAssignment,
    ) -> Result<AssignmentId, StoreError> {
        // language=SQL
        const SQL: &str = "INSERT INTO assignments (target_id, unit_id, role, quota, budget)
                           VALUES ($1, $2, $3, $4, $5) RETURNING id";
        let id: i64 = on_tx!(self, c => sqlx::query_scalar(SQL)
            .bind(a.target.0).bind(a.unit.0).bind(a.role.code())
            .bind(a.quota.map(dec_text)).bind(a.budget.map(dec_text))
            .fetch_one(&mut *c).await)?;
        self.audit("create", "assignment", id, None, Some(assignment_json(a)))
            .await?;
        Ok(AssignmentId(id))
    }

    /// Changes an assignment's role, quota and budget, recording it before and after.
    pub async fn update_assignment(
        &mut self,
        id: AssignmentId,
        role: AssignmentRole,
        quota: Option<Decimal>,
        budget: Option<Decimal>,
    ) -> Result<(), StoreError> {
        // language=SQL
        const GET: &str =
            "SELECT id, target_id, unit_id, role, quota, budget FROM assignments WHERE id = $1";
        // language=SQL
        const SET: &str = "UPDATE assignments SET role = $2, quota = $3, budget = $4 WHERE id = $1";
        let row: Option<AssignmentRow> =
            on_tx!(self, c => sqlx::query_as(GET).bind(id.0).fetch_optional(&mut *c).await)?;
        let before = row
            .ok_or(StoreError::NotFound {
                entity: "assignment",
                id: id.0,
            })?
            .into_domain()?;
        on_tx!(self, c => sqlx::query(SET).bind(id.0).bind(role.code()).bind(quota.map(dec_text))
            .bind(budget.map(dec_text)).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        let json_of = |role: AssignmentRole, quota: Option<Decimal>, budget: Option<Decimal>| json!({ "role": role.code(), "quota": quota.map(dec_text), "budget": budget.map(dec_text) });
        self.audit(
            "update",
            "assignment",
            id.0,
            Some(json_of(before.role, before.quota, before.budget)),
            Some(json_of(role, quota, budget)),
        )
        .await
    }

    /// Removes an assignment that has no reports (one with reports is history and stays),
    /// recording what it was.
    pub async fn delete_assignment(&mut self, id: AssignmentId) -> Result<(), StoreError> {
        // language=SQL
        const GET: &str =
            "SELECT id, target_id, unit_id, role, quota, budget FROM assignments WHERE id = $1";
        // language=SQL
        const REPORTS: &str = "SELECT COUNT(*) FROM reports WHERE assignment_id = $1";
        // language=SQL
        const DELETE: &str = "DELETE FROM assignments WHERE id = $1";
        // language=SQL
        const SCHEDULE: &str = "DELETE FROM schedule_points WHERE assignment_id = $1";
        let row: Option<AssignmentRow> =
            on_tx!(self, c => sqlx::query_as(GET).bind(id.0).fetch_optional(&mut *c).await)?;
        let before = row
            .ok_or(StoreError::NotFound {
                entity: "assignment",
                id: id.0,
            })?
            .into_domain()?;
        let n: i64 =
            on_tx!(self, c => sqlx::query_scalar(REPORTS).bind(id.0).fetch_one(&mut *c).await)?;
        if n > 0 {
            return Err(StoreError::Integrity {
                detail: format!("assignment {id} has {n} reports"),
                by_database: false,
            });
        }
        on_tx!(self, c => sqlx::query(SCHEDULE).bind(id.0).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        on_tx!(self, c => sqlx::query(DELETE).bind(id.0).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        let was = NewAssignment {
            target: before.target,
            unit: before.unit,
            role: before.role,
            quota: before.quota,
            budget: before.budget,
        };
        self.audit(
            "delete",
            "assignment",
            id.0,
            Some(assignment_json(&was)),
            None,
        )
        .await
    }

    /// Replaces an assignment's milestones with `milestones` (an empty list clears them),
    /// recording both.
    pub async fn set_milestones(
        &mut self,
        assignment: AssignmentId,
        milestones: &[Milestone],
    ) -> Result<(), StoreError> {
        // language=SQL
        const GET: &str = "SELECT due, name, value, stage FROM schedule_milestones
                           WHERE assignment_id = $1 ORDER BY due, id";
        // language=SQL
        const DELETE: &str = "DELETE FROM schedule_milestones WHERE assignment_id = $1";
        // language=SQL
        const INSERT: &str =
            "INSERT INTO schedule_milestones (assignment_id, due, name, value, stage)
                              VALUES ($1, $2, $3, $4, $5)";
        let before: Vec<MilestoneRow> =
            on_tx!(self, c => sqlx::query_as(GET).bind(assignment.0).fetch_all(&mut *c).await)?;
        on_tx!(self, c => sqlx::query(DELETE).bind(assignment.0).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        for m in milestones {
            let (value, stage) = match m.goal {
                MilestoneGoal::Value(v) => (Some(dec_text(v)), None),
                MilestoneGoal::Stage(s) => (None, Some(s.code())),
            };
            on_tx!(self, c => sqlx::query(INSERT)
                .bind(assignment.0).bind(m.due.to_sqlx()).bind(&m.name).bind(value).bind(stage)
                .execute(&mut *c).await.map(|r| r.rows_affected()))?;
        }
        let as_json =
            |ms: Vec<Milestone>| -> Value { Value::Array(ms.iter().map(milestone_json).collect()) };
        let before = before
            .into_iter()
            .map(MilestoneRow::into_domain)
            .collect::<Result<Vec<_>, _>>()?;
        self.audit(
            "update",
            "milestones",
            assignment.0,
            Some(as_json(before)),
            Some(as_json(milestones.to_vec())),
        )
        .await
    }

    /// Replaces an assignment's schedule with `points`, recording both.
    pub async fn set_schedule(
        &mut self,
        assignment: AssignmentId,
        points: &[SchedulePoint],
    ) -> Result<(), StoreError> {
        // language=SQL
        const GET: &str =
            "SELECT period, expected FROM schedule_points WHERE assignment_id = $1 ORDER BY period";
        // language=SQL
        const DELETE: &str = "DELETE FROM schedule_points WHERE assignment_id = $1";
        // language=SQL
        const INSERT: &str =
            "INSERT INTO schedule_points (assignment_id, period, expected) VALUES ($1, $2, $3)";
        let before: Vec<(String, String)> =
            on_tx!(self, c => sqlx::query_as(GET).bind(assignment.0).fetch_all(&mut *c).await)?;
        on_tx!(self, c => sqlx::query(DELETE).bind(assignment.0).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        for p in points {
            on_tx!(self, c => sqlx::query(INSERT)
                .bind(assignment.0).bind(p.period.to_string()).bind(dec_text(p.expected))
                .execute(&mut *c).await.map(|r| r.rows_affected()))?;
        }
        let as_json = |pts: Vec<(String, String)>| -> Value {
            Value::Object(
                pts.into_iter()
                    .map(|(k, v)| (k, Value::String(v)))
                    .collect(),
            )
        };
        let after = points
            .iter()
            .map(|p| (p.period.to_string(), dec_text(p.expected)))
            .collect();
        self.audit(
            "update",
            "schedule",
            assignment.0,
            Some(as_json(before)),
            Some(as_json(after)),
        )
        .await
    }

    /// Every revision of an assignment's reports, read inside the transaction (so a use-case
    /// checks against exactly what it is about to change).
    pub async fn reports_of_assignment(
        &mut self,
        assignment: AssignmentId,
    ) -> Result<Vec<Report>, StoreError> {
        read_reports_of_assignment(&mut self.conn(), assignment).await
    }

    /// Moves a report from `from` to `to`: submitted → accepted, or submitted → returned with
    /// a reason; a draft → submitted when its unit files it. Records the reviewer (or the filing
    /// time) and returns the report as it now is.
    ///
    /// The change is conditional (`UPDATE … WHERE status = from RETURNING …`): when another
    /// transaction moved the report first, nothing is written and the answer is
    /// [`StoreError::Conflict`] naming the state it is in now — never a second success.
    pub async fn set_report_status(
        &mut self,
        id: ReportId,
        from: ReportStatus,
        to: ReportStatus,
        return_reason: Option<&str>,
    ) -> Result<Report, StoreError> {
        // language=SQL
        const REVIEW: &str = concat!(
            "UPDATE reports SET status = $2, return_reason = $3, reviewed_by = $4, reviewed_at = $5
             WHERE id = $1 AND status = $6 RETURNING ",
            report_columns!()
        );
        // language=SQL
        const FILE: &str = concat!(
            "UPDATE reports SET status = $2, filed_at = $3 WHERE id = $1 AND status = $4 RETURNING ",
            report_columns!()
        );
        let (actor, now) = (self.actor.name().to_string(), self.now.to_sqlx());
        let row: Option<ReportRow> = if to == ReportStatus::Submitted {
            on_tx!(self, c => sqlx::query_as(FILE).bind(id.0).bind(to.code()).bind(now)
                .bind(from.code()).fetch_optional(&mut *c).await)?
        } else {
            on_tx!(self, c => sqlx::query_as(REVIEW).bind(id.0).bind(to.code()).bind(return_reason)
                .bind(&actor).bind(now).bind(from.code()).fetch_optional(&mut *c).await)?
        };
        let Some(row) = row else {
            // Nothing matched: the report is gone, or someone moved it first.
            let now_is = self.report(id).await?;
            return Err(StoreError::Conflict {
                entity: "report",
                id: id.0,
                found: now_is.status.code().to_string(),
            });
        };
        let action = match to {
            ReportStatus::Accepted => "accept",
            ReportStatus::Returned => "return",
            ReportStatus::Submitted => "submit",
            ReportStatus::Draft => "update",
        };
        self.audit(
            action,
            "report",
            id.0,
            Some(json!({ "status": from.code() })),
            Some(json!({ "status": to.code(), "return_reason": return_reason })),
        )
        .await?;
        row.into_domain()
    }

    /// Rewrites a draft (only a draft: a filed report is never changed, a new revision is
    /// filed instead), recording it before and after.
    pub async fn update_draft(&mut self, id: ReportId, r: &NewReport) -> Result<(), StoreError> {
        // language=SQL
        const SET: &str =
            "UPDATE reports SET cumulative = $2, stage = $3, funds_spent = $4, narrative = $5,
                                              filed_at = $6
                           WHERE id = $1 AND status = 'draft'";
        let now = self.now.to_sqlx();
        let before = self.report(id).await?;
        let n = on_tx!(self, c => sqlx::query(SET)
            .bind(id.0).bind(r.cumulative.map(dec_text)).bind(r.stage.map(Stage::code))
            .bind(r.funds_spent.map(dec_text)).bind(&r.narrative).bind(now)
            .execute(&mut *c).await.map(|r| r.rows_affected()))?;
        if n == 0 {
            return Err(StoreError::Integrity {
                detail: format!("report {id} is not a draft"),
                by_database: false,
            });
        }
        let before = json!({
            "cumulative": before.cumulative.map(dec_text), "stage": before.stage.map(Stage::code),
            "funds_spent": before.funds_spent.map(dec_text), "narrative": before.narrative,
        });
        self.audit("update", "report", id.0, Some(before), Some(report_json(r)))
            .await
    }

    /// One report revision, read inside the transaction.
    pub async fn report(&mut self, id: ReportId) -> Result<Report, StoreError> {
        read_report(&mut self.conn(), id).await
    }

    /// Files a report revision.
    pub async fn insert_report(&mut self, r: &NewReport) -> Result<ReportId, StoreError> {
        // language=SQL
        const SQL: &str = "INSERT INTO reports (assignment_id, period, revision, cumulative, stage,
                                                funds_spent, narrative, status, filed_by, filed_at)
                           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id";
        let (actor, now) = (self.actor.name().to_string(), self.now.to_sqlx());
        let id: i64 = on_tx!(self, c => sqlx::query_scalar(SQL)
            .bind(r.assignment.0).bind(r.period.to_string()).bind(i64::from(r.revision))
            .bind(r.cumulative.map(dec_text)).bind(r.stage.map(Stage::code))
            .bind(r.funds_spent.map(dec_text)).bind(&r.narrative).bind(r.status.code())
            .bind(&actor).bind(now)
            .fetch_one(&mut *c).await)?;
        self.audit("create", "report", id, None, Some(report_json(r)))
            .await?;
        Ok(ReportId(id))
    }
}

/// Schedule points as read (assignment, period, expected) into the domain's.
fn schedule_points(
    rows: Vec<(i64, String, String)>,
) -> Result<Vec<(AssignmentId, SchedulePoint)>, StoreError> {
    rows.into_iter()
        .map(|(a, period, expected)| {
            let point = crate::rows::SchedulePointRow::new(period, expected).into_domain()?;
            Ok((AssignmentId(a), point))
        })
        .collect()
}

/// Milestones as read with their assignment into the domain's.
fn plan_milestones(
    rows: Vec<PlanMilestoneRow>,
) -> Result<Vec<(AssignmentId, Milestone)>, StoreError> {
    rows.into_iter()
        .map(|r| {
            let a = AssignmentId(r.assignment_id);
            let m = MilestoneRow {
                due: r.due,
                name: r.name,
                value: r.value,
                stage: r.stage,
            }
            .into_domain()?;
            Ok((a, m))
        })
        .collect()
}
