//! Coordination matters (协调事项) and their escalations (督办升级).
//!
//! A problem is raised open, may be reassigned (a new owner, a new due date) while open, and
//! is resolved once, with a resolution. An open problem past its due date is escalated to the
//! region above its owner, at most once per deadline it misses: the pair (owner, due date) is
//! unique per problem in `problem_escalations`, so a second attempt writes nothing. Every write records an audit event on the
//! problem (`create`, `assign`, `resolve`, `escalate`).

use crate::error::StoreError;
use crate::rows::all;
use crate::tx::Tx;
use crate::{Store, on_pool, on_tx};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff_sqlx::ToSqlx;
use minsheng_domain::*;
use serde_json::{Value, json};

/// A problem to raise. It starts open, stamped with the transaction's time.
#[derive(Debug, Clone)]
pub struct NewProblem {
    /// A one-line summary.
    pub title: String,
    /// The whole description.
    pub description: String,
    /// The unit that raises it.
    pub raised_by: UnitId,
    /// The unit that must solve it.
    pub owner: UnitId,
    /// The report it is raised in, if any.
    pub report: Option<ReportId>,
    /// When it must be solved by.
    pub due: Date,
}

/// One escalation of a problem: its owner missed `missed_due`, and the problem was raised to
/// the region `to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Escalation {
    /// The problem.
    pub problem: ProblemId,
    /// The owner whose deadline was missed.
    pub from: UnitId,
    /// That deadline.
    pub missed_due: Date,
    /// The region it was escalated to.
    pub to: UnitId,
    /// When it was escalated.
    pub at: Timestamp,
}

#[derive(sqlx::FromRow)]
pub(crate) struct ProblemRow {
    id: i64,
    title: String,
    description: String,
    raised_by: i64,
    owner_id: i64,
    report_id: Option<i64>,
    due: jiff_sqlx::Date,
    status: String,
    resolution: Option<String>,
    raised_at: jiff_sqlx::Timestamp,
}

impl ProblemRow {
    pub(crate) fn into_domain(self) -> Result<Problem, StoreError> {
        Ok(Problem {
            id: ProblemId(self.id),
            title: self.title,
            description: self.description,
            raised_by: UnitId(self.raised_by),
            owner: UnitId(self.owner_id),
            report: self.report_id.map(ReportId),
            due: self.due.to_jiff(),
            status: ProblemStatus::from_code(&self.status).ok_or_else(|| StoreError::Corrupt {
                table: "problems",
                column: "status",
                value: self.status.clone(),
            })?,
            resolution: self.resolution,
            raised_at: self.raised_at.to_jiff(),
        })
    }
}

#[derive(sqlx::FromRow)]
struct EscalationRow {
    problem_id: i64,
    from_unit_id: i64,
    missed_due: jiff_sqlx::Date,
    to_unit_id: i64,
    escalated_at: jiff_sqlx::Timestamp,
}

impl EscalationRow {
    fn into_domain(self) -> Result<Escalation, StoreError> {
        Ok(Escalation {
            problem: ProblemId(self.problem_id),
            from: UnitId(self.from_unit_id),
            missed_due: self.missed_due.to_jiff(),
            to: UnitId(self.to_unit_id),
            at: self.escalated_at.to_jiff(),
        })
    }
}

fn not_found(id: ProblemId) -> StoreError {
    StoreError::NotFound {
        entity: "problem",
        id: id.0,
    }
}

fn problem_json(p: &Problem) -> Value {
    json!({
        "title": p.title, "description": p.description, "raised_by": p.raised_by.0,
        "owner_id": p.owner.0, "report_id": p.report.map(|r| r.0), "due": p.due.to_string(),
        "status": p.status.code(), "resolution": p.resolution,
    })
}

impl Store {
    /// One problem.
    pub async fn problem(&self, id: ProblemId) -> Result<Problem, StoreError> {
        // language=SQL
        const SQL: &str = "SELECT id, title, description, raised_by, owner_id, report_id, due,
                                  status, resolution, raised_at
                           FROM problems WHERE id = $1";
        let row: Option<ProblemRow> =
            on_pool!(self, p => sqlx::query_as(SQL).bind(id.0).fetch_optional(p).await)?;
        row.ok_or_else(|| not_found(id))?.into_domain()
    }

    /// Every problem, in the order raised.
    pub async fn problems(&self) -> Result<Vec<Problem>, StoreError> {
        // language=SQL
        const SQL: &str = "SELECT id, title, description, raised_by, owner_id, report_id, due,
                                  status, resolution, raised_at
                           FROM problems ORDER BY id";
        let rows: Vec<ProblemRow> = on_pool!(self, p => sqlx::query_as(SQL).fetch_all(p).await)?;
        all(rows, ProblemRow::into_domain)
    }

    /// The open problems, soonest due first.
    pub async fn open_problems(&self) -> Result<Vec<Problem>, StoreError> {
        // language=SQL
        const SQL: &str = "SELECT id, title, description, raised_by, owner_id, report_id, due,
                                  status, resolution, raised_at
                           FROM problems WHERE status = 'open' ORDER BY due, id";
        let rows: Vec<ProblemRow> = on_pool!(self, p => sqlx::query_as(SQL).fetch_all(p).await)?;
        all(rows, ProblemRow::into_domain)
    }

    /// A problem's escalations, oldest first.
    pub async fn escalations(&self, problem: ProblemId) -> Result<Vec<Escalation>, StoreError> {
        // language=SQL
        const SQL: &str = "SELECT problem_id, from_unit_id, missed_due, to_unit_id, escalated_at
                           FROM problem_escalations WHERE problem_id = $1 ORDER BY id";
        let rows: Vec<EscalationRow> =
            on_pool!(self, p => sqlx::query_as(SQL).bind(problem.0).fetch_all(p).await)?;
        all(rows, EscalationRow::into_domain)
    }

    /// Every escalation, by problem, oldest first (the problems board shows each problem's
    /// chain without asking once per problem).
    pub async fn all_escalations(&self) -> Result<Vec<Escalation>, StoreError> {
        // language=SQL
        const SQL: &str = "SELECT problem_id, from_unit_id, missed_due, to_unit_id, escalated_at
                           FROM problem_escalations ORDER BY problem_id, id";
        let rows: Vec<EscalationRow> = on_pool!(self, p => sqlx::query_as(SQL).fetch_all(p).await)?;
        all(rows, EscalationRow::into_domain)
    }

    /// The escalations that reached a unit, oldest first.
    pub async fn escalations_to(&self, unit: UnitId) -> Result<Vec<Escalation>, StoreError> {
        // language=SQL
        const SQL: &str = "SELECT problem_id, from_unit_id, missed_due, to_unit_id, escalated_at
                           FROM problem_escalations WHERE to_unit_id = $1 ORDER BY id";
        let rows: Vec<EscalationRow> =
            on_pool!(self, p => sqlx::query_as(SQL).bind(unit.0).fetch_all(p).await)?;
        all(rows, EscalationRow::into_domain)
    }
}

impl Tx {
    /// One problem, read inside the transaction (so a use-case checks against exactly what
    /// it is about to change).
    pub async fn problem(&mut self, id: ProblemId) -> Result<Problem, StoreError> {
        // language=SQL
        const SQL: &str = "SELECT id, title, description, raised_by, owner_id, report_id, due,
                                  status, resolution, raised_at
                           FROM problems WHERE id = $1";
        let row: Option<ProblemRow> =
            on_tx!(self, c => sqlx::query_as(SQL).bind(id.0).fetch_optional(&mut *c).await)?;
        row.ok_or_else(|| not_found(id))?.into_domain()
    }

    /// The open problems, soonest due first, read inside the transaction.
    pub async fn open_problems(&mut self) -> Result<Vec<Problem>, StoreError> {
        // language=SQL
        const SQL: &str = "SELECT id, title, description, raised_by, owner_id, report_id, due,
                                  status, resolution, raised_at
                           FROM problems WHERE status = 'open' ORDER BY due, id";
        let rows: Vec<ProblemRow> =
            on_tx!(self, c => sqlx::query_as(SQL).fetch_all(&mut *c).await)?;
        all(rows, ProblemRow::into_domain)
    }

    /// A problem's escalations, oldest first, read inside the transaction.
    pub async fn escalations(&mut self, problem: ProblemId) -> Result<Vec<Escalation>, StoreError> {
        // language=SQL
        const SQL: &str = "SELECT problem_id, from_unit_id, missed_due, to_unit_id, escalated_at
                           FROM problem_escalations WHERE problem_id = $1 ORDER BY id";
        let rows: Vec<EscalationRow> =
            on_tx!(self, c => sqlx::query_as(SQL).bind(problem.0).fetch_all(&mut *c).await)?;
        all(rows, EscalationRow::into_domain)
    }

    /// Raises a problem, open, stamped with the transaction's time.
    pub async fn insert_problem(&mut self, p: &NewProblem) -> Result<ProblemId, StoreError> {
        // language=SQL
        const SQL: &str =
            "INSERT INTO problems (title, description, raised_by, owner_id, report_id,
                                                 due, status, raised_at)
                           VALUES ($1, $2, $3, $4, $5, $6, 'open', $7) RETURNING id";
        let now = self.now.to_sqlx();
        let id: i64 = on_tx!(self, c => sqlx::query_scalar(SQL)
            .bind(&p.title).bind(&p.description).bind(p.raised_by.0).bind(p.owner.0)
            .bind(p.report.map(|r| r.0)).bind(p.due.to_sqlx()).bind(now)
            .fetch_one(&mut *c).await)?;
        let after = json!({
            "title": p.title, "description": p.description, "raised_by": p.raised_by.0,
            "owner_id": p.owner.0, "report_id": p.report.map(|r| r.0), "due": p.due.to_string(),
            "status": ProblemStatus::Open.code(), "resolution": null,
        });
        self.audit("create", "problem", id, None, Some(after))
            .await?;
        Ok(ProblemId(id))
    }

    /// Gives an open problem to `owner`, due on `due`. A resolved problem is not changed
    /// ([`StoreError::Integrity`]).
    pub async fn reassign_problem(
        &mut self,
        id: ProblemId,
        owner: UnitId,
        due: Date,
    ) -> Result<(), StoreError> {
        // language=SQL
        const SQL: &str =
            "UPDATE problems SET owner_id = $2, due = $3 WHERE id = $1 AND status = 'open'";
        let before = self.problem(id).await?;
        let n = on_tx!(self, c => sqlx::query(SQL)
            .bind(id.0).bind(owner.0).bind(due.to_sqlx())
            .execute(&mut *c).await.map(|r| r.rows_affected()))?;
        if n == 0 {
            return Err(StoreError::Integrity {
                detail: format!("problem {id} is not open"),
                by_database: false,
            });
        }
        let after = Problem {
            owner,
            due,
            ..before.clone()
        };
        self.audit(
            "assign",
            "problem",
            id.0,
            Some(problem_json(&before)),
            Some(problem_json(&after)),
        )
        .await
    }

    /// Resolves an open problem with `resolution`. A resolved problem is not changed
    /// ([`StoreError::Integrity`]).
    pub async fn resolve_problem(
        &mut self,
        id: ProblemId,
        resolution: &str,
    ) -> Result<(), StoreError> {
        // language=SQL
        const SQL: &str = "UPDATE problems SET status = 'resolved', resolution = $2
                           WHERE id = $1 AND status = 'open'";
        let before = self.problem(id).await?;
        let n = on_tx!(self, c => sqlx::query(SQL)
            .bind(id.0).bind(resolution)
            .execute(&mut *c).await.map(|r| r.rows_affected()))?;
        if n == 0 {
            return Err(StoreError::Integrity {
                detail: format!("problem {id} is not open"),
                by_database: false,
            });
        }
        let after = Problem {
            status: ProblemStatus::Resolved,
            resolution: Some(resolution.to_string()),
            ..before.clone()
        };
        self.audit(
            "resolve",
            "problem",
            id.0,
            Some(problem_json(&before)),
            Some(problem_json(&after)),
        )
        .await
    }

    /// Escalates an open problem to the region `to`, recording that its current owner missed
    /// its current due date. `None` (and nothing written) when that deadline was already
    /// escalated, even by a concurrent transaction; a resolved problem is a
    /// [`StoreError::Integrity`].
    pub async fn escalate_problem(
        &mut self,
        id: ProblemId,
        to: UnitId,
    ) -> Result<Option<Escalation>, StoreError> {
        // language=SQL
        const SQL: &str = "INSERT INTO problem_escalations (problem_id, from_unit_id, missed_due,
                                                            to_unit_id, escalated_at)
                           VALUES ($1, $2, $3, $4, $5)
                           ON CONFLICT (problem_id, from_unit_id, missed_due) DO NOTHING
                           RETURNING problem_id, from_unit_id, missed_due, to_unit_id,
                                     escalated_at";
        let p = self.problem(id).await?;
        if p.status != ProblemStatus::Open {
            return Err(StoreError::Integrity {
                detail: format!("problem {id} is not open"),
                by_database: false,
            });
        }
        let now = self.now;
        // Read back as stored (PostgreSQL keeps microseconds), or nothing on a conflict.
        let row: Option<EscalationRow> = on_tx!(self, c => sqlx::query_as(SQL)
            .bind(id.0).bind(p.owner.0).bind(p.due.to_sqlx()).bind(to.0).bind(now.to_sqlx())
            .fetch_optional(&mut *c).await)?;
        let Some(row) = row else {
            return Ok(None);
        };
        let state = json!({ "owner_id": p.owner.0, "due": p.due.to_string() });
        let mut after = state.clone();
        after["escalated_to"] = json!(to.0);
        self.audit("escalate", "problem", id.0, Some(state), Some(after))
            .await?;
        row.into_domain().map(Some)
    }
}
