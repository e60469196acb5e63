//! Implementation plans (实施方案) of the shares units hold (migration 0012): one row per
//! revision, a draft changed in place, every other change a conditional state transition.

use crate::error::StoreError;
use crate::rows::{dec, dec_text};
use crate::tx::Tx;
use crate::{Conn, Store, on_conn, on_pool, on_tx};
use jiff_sqlx::ToSqlx;
use minsheng_domain::schedule::{Milestone, MilestoneGoal};
use minsheng_domain::*;
use serde_json::{Value, json};

/// The columns of a revision, without the document's bytes.
macro_rules! plan_columns {
    () => {
        "id, assignment_id, revision, status, measures, body, document_name, document_type,
         document_size, filed_by, filed_at, reviewed_by, reviewed_at, return_reason"
    };
}

#[derive(sqlx::FromRow)]
struct PlanRow {
    id: i64,
    assignment_id: i64,
    revision: i64,
    status: String,
    measures: String,
    body: String,
    document_name: Option<String>,
    document_type: Option<String>,
    document_size: Option<i64>,
    filed_by: String,
    filed_at: jiff_sqlx::Timestamp,
    reviewed_by: Option<String>,
    reviewed_at: Option<jiff_sqlx::Timestamp>,
    return_reason: Option<String>,
}

const TABLE: &str = "implementation_plans";

fn corrupt(column: &'static str, value: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt {
        table: TABLE,
        column,
        value: value.to_string(),
    }
}

/// The parts of a plan kept as JSON in `body`.
fn body_json(c: &ImplementationContent) -> Value {
    json!({
        "points": c.points.iter().map(|p| json!({
            "period": p.period.to_string(), "expected": dec_text(p.expected),
        })).collect::<Vec<_>>(),
        "milestones": c.milestones.iter().map(|m| {
            let (value, stage) = match m.goal {
                MilestoneGoal::Value(v) => (Some(dec_text(v)), None),
                MilestoneGoal::Stage(s) => (None, Some(s.code())),
            };
            json!({ "due": m.due.to_string(), "name": m.name, "value": value, "stage": stage })
        }).collect::<Vec<_>>(),
        "sub_split": c.sub_split.iter().map(|s| json!({
            "unit_id": s.unit.0, "quota": s.quota.map(dec_text), "budget": s.budget.map(dec_text),
        })).collect::<Vec<_>>(),
        "funds": c.funds.iter().map(|f| json!({
            "source": f.source.code(), "amount": dec_text(f.amount),
        })).collect::<Vec<_>>(),
    })
}

/// A plan's content as the audit log records it.
fn content_json(c: &ImplementationContent) -> Value {
    let mut v = body_json(c);
    v["measures"] = Value::String(c.measures.clone());
    v
}

fn read_body(measures: String, body: &str) -> Result<ImplementationContent, StoreError> {
    let v: Value = serde_json::from_str(body).map_err(|_| corrupt("body", body))?;
    let list = |key: &str| v[key].as_array().cloned().unwrap_or_default();
    let text = |o: &Value, key: &str| o[key].as_str().map(str::to_string);
    let number = |o: &Value, key: &str| -> Result<Option<rust_decimal::Decimal>, StoreError> {
        text(o, key).map(|s| dec(TABLE, "body", &s)).transpose()
    };
    let mut c = ImplementationContent {
        measures,
        ..ImplementationContent::default()
    };
    for p in list("points") {
        let period = text(&p, "period")
            .and_then(|s| Period::parse(&s).ok())
            .ok_or_else(|| corrupt("body", &p))?;
        let expected = number(&p, "expected")?.ok_or_else(|| corrupt("body", &p))?;
        c.points.push(SchedulePoint { period, expected });
    }
    for m in list("milestones") {
        let due = text(&m, "due")
            .and_then(|s| s.parse::<jiff::civil::Date>().ok())
            .ok_or_else(|| corrupt("body", &m))?;
        let goal = match (number(&m, "value")?, text(&m, "stage")) {
            (Some(v), None) => MilestoneGoal::Value(v),
            (None, Some(s)) => {
                MilestoneGoal::Stage(Stage::from_code(&s).ok_or_else(|| corrupt("body", &m))?)
            }
            _ => return Err(corrupt("body", &m)),
        };
        let name = text(&m, "name").unwrap_or_default();
        c.milestones.push(Milestone { due, goal, name });
    }
    for s in list("sub_split") {
        let unit = s["unit_id"]
            .as_i64()
            .map(UnitId)
            .ok_or_else(|| corrupt("body", &s))?;
        c.sub_split.push(SubShare {
            unit,
            quota: number(&s, "quota")?,
            budget: number(&s, "budget")?,
        });
    }
    for f in list("funds") {
        let source = text(&f, "source")
            .and_then(|s| FundSource::from_code(&s))
            .ok_or_else(|| corrupt("body", &f))?;
        let amount = number(&f, "amount")?.ok_or_else(|| corrupt("body", &f))?;
        c.funds.push(Fund { source, amount });
    }
    Ok(c)
}

impl PlanRow {
    fn into_domain(self) -> Result<ImplementationPlan, StoreError> {
        let document = match (self.document_name, self.document_type, self.document_size) {
            (Some(file_name), Some(content_type), Some(size)) => Some(PlanDocument {
                file_name,
                content_type,
                size: u64::try_from(size).map_err(|_| corrupt("document_size", size))?,
            }),
            _ => None,
        };
        Ok(ImplementationPlan {
            id: ImplementationPlanId(self.id),
            assignment: AssignmentId(self.assignment_id),
            revision: u32::try_from(self.revision)
                .map_err(|_| corrupt("revision", self.revision))?,
            status: ImplementationStatus::from_code(&self.status)
                .ok_or_else(|| corrupt("status", &self.status))?,
            content: read_body(self.measures, &self.body)?,
            document,
            filed_by: self.filed_by,
            filed_at: self.filed_at.to_jiff(),
            reviewed_by: self.reviewed_by,
            reviewed_at: self.reviewed_at.map(|t| t.to_jiff()),
            return_reason: self.return_reason,
        })
    }
}

fn all(rows: Vec<PlanRow>) -> Result<Vec<ImplementationPlan>, StoreError> {
    rows.into_iter().map(PlanRow::into_domain).collect()
}

async fn read_plan(
    conn: &mut Conn<'_>,
    id: ImplementationPlanId,
) -> Result<ImplementationPlan, StoreError> {
    // language=SQL
    const SQL: &str = concat!(
        "SELECT ",
        plan_columns!(),
        " FROM implementation_plans WHERE id = $1"
    );
    let row: Option<PlanRow> =
        on_conn!(conn, c => sqlx::query_as(SQL).bind(id.0).fetch_optional(c).await)?;
    row.ok_or(StoreError::NotFound {
        entity: "implementation plan",
        id: id.0,
    })?
    .into_domain()
}

async fn read_of_assignment(
    conn: &mut Conn<'_>,
    assignment: AssignmentId,
) -> Result<Vec<ImplementationPlan>, StoreError> {
    // language=SQL
    const SQL: &str = concat!(
        "SELECT ",
        plan_columns!(),
        " FROM implementation_plans WHERE assignment_id = $1 ORDER BY revision"
    );
    let rows: Vec<PlanRow> =
        on_conn!(conn, c => sqlx::query_as(SQL).bind(assignment.0).fetch_all(c).await)?;
    all(rows)
}

impl Store {
    /// One revision of an implementation plan (without the document's bytes).
    pub async fn implementation_plan(
        &self,
        id: ImplementationPlanId,
    ) -> Result<ImplementationPlan, StoreError> {
        read_plan(&mut self.conn(), id).await
    }

    /// Every revision of a share's implementation plan, oldest first.
    pub async fn implementation_plans_of_assignment(
        &self,
        assignment: AssignmentId,
    ) -> Result<Vec<ImplementationPlan>, StoreError> {
        read_of_assignment(&mut self.conn(), assignment).await
    }

    /// Every revision of every implementation plan of a plan's shares, by share and revision.
    pub async fn implementation_plans_of_plan(
        &self,
        plan: PlanId,
    ) -> Result<Vec<ImplementationPlan>, StoreError> {
        // language=SQL
        const SQL: &str = concat!(
            "SELECT ",
            plan_columns!(),
            " FROM implementation_plans WHERE assignment_id IN (
                SELECT a.id FROM assignments a JOIN targets t ON t.id = a.target_id
                JOIN items i ON i.id = t.item_id JOIN sections s ON s.id = i.section_id
                WHERE s.plan_id = $1)
              ORDER BY assignment_id, revision"
        );
        let rows: Vec<PlanRow> =
            on_pool!(self, p => sqlx::query_as(SQL).bind(plan.0).fetch_all(p).await)?;
        all(rows)
    }

    /// For each of `assignments` that has a plan: the status of its newest revision and
    /// whether an approved revision is in force. Read a thousand shares a statement.
    pub async fn implementation_states(
        &self,
        assignments: &[AssignmentId],
    ) -> Result<std::collections::HashMap<AssignmentId, (ImplementationStatus, bool)>, StoreError>
    {
        let mut out = std::collections::HashMap::new();
        for chunk in assignments.chunks(1000) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT assignment_id, revision, status FROM implementation_plans
                 WHERE assignment_id IN ({}) ORDER BY assignment_id, revision",
                marks.join(", ")
            );
            // Only numbered placeholders are formatted in; every value is bound.
            let rows: Vec<(i64, i64, String)> = on_pool!(self, p => {
                let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
                for a in chunk {
                    q = q.bind(a.0);
                }
                q.fetch_all(p).await
            })?;
            for (assignment, _, status) in rows {
                let status = ImplementationStatus::from_code(&status)
                    .ok_or_else(|| corrupt("status", &status))?;
                let slot = out
                    .entry(AssignmentId(assignment))
                    .or_insert((status, false));
                slot.0 = status;
                slot.1 |= status == ImplementationStatus::Approved;
            }
        }
        Ok(out)
    }

    /// The document attached to a revision, with its bytes; `None` when there is none.
    pub async fn implementation_plan_document(
        &self,
        id: ImplementationPlanId,
    ) -> Result<Option<(PlanDocument, Vec<u8>)>, StoreError> {
        // language=SQL
        const SQL: &str = "SELECT document FROM implementation_plans WHERE id = $1";
        let plan = self.implementation_plan(id).await?;
        let Some(meta) = plan.document else {
            return Ok(None);
        };
        let bytes: Option<Vec<u8>> =
            on_pool!(self, p => sqlx::query_scalar(SQL).bind(id.0).fetch_one(p).await)?;
        Ok(bytes.map(|b| (meta, b)))
    }
}

impl Tx {
    /// Every revision of a share's implementation plan, read inside the transaction.
    pub async fn implementation_plans_of_assignment(
        &mut self,
        assignment: AssignmentId,
    ) -> Result<Vec<ImplementationPlan>, StoreError> {
        read_of_assignment(&mut self.conn(), assignment).await
    }

    /// One revision, read inside the transaction.
    pub async fn implementation_plan(
        &mut self,
        id: ImplementationPlanId,
    ) -> Result<ImplementationPlan, StoreError> {
        read_plan(&mut self.conn(), id).await
    }

    /// Writes a new revision of a share's plan. A second revision being written or awaiting
    /// approval for the same share — another session's, at the same moment — is refused as
    /// [`StoreError::Conflict`] (the database's unique index decides, on both backends).
    pub async fn insert_implementation_plan(
        &mut self,
        assignment: AssignmentId,
        revision: u32,
        status: ImplementationStatus,
        content: &ImplementationContent,
    ) -> Result<ImplementationPlanId, StoreError> {
        // language=SQL
        const SQL: &str = "INSERT INTO implementation_plans (assignment_id, revision, status,
                               measures, body, filed_by, filed_at)
                           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
        let (actor, now) = (self.actor.name().to_string(), self.now.to_sqlx());
        let body = body_json(content).to_string();
        let id: Result<i64, StoreError> = on_tx!(self, c => sqlx::query_scalar(SQL)
            .bind(assignment.0).bind(i64::from(revision)).bind(status.code())
            .bind(&content.measures).bind(&body).bind(&actor).bind(now)
            .fetch_one(&mut *c).await.map_err(StoreError::from));
        let id = match id {
            Ok(id) => id,
            Err(StoreError::Duplicate { .. }) => {
                return Err(StoreError::Conflict {
                    entity: "implementation plan of assignment",
                    id: assignment.0,
                    found: "draft".into(),
                });
            }
            Err(e) => return Err(e),
        };
        let mut after = content_json(content);
        after["assignment_id"] = json!(assignment.0);
        after["revision"] = json!(revision);
        after["status"] = json!(status.code());
        self.audit("create", "implementation_plan", id, None, Some(after))
            .await?;
        Ok(ImplementationPlanId(id))
    }

    /// Rewrites a draft (only a draft), recording it before and after; a revision that is no
    /// longer a draft is [`StoreError::Conflict`] naming what it is now.
    pub async fn update_implementation_draft(
        &mut self,
        id: ImplementationPlanId,
        content: &ImplementationContent,
    ) -> Result<(), StoreError> {
        // language=SQL
        const SQL: &str = "UPDATE implementation_plans SET measures = $2, body = $3, filed_at = $4
                           WHERE id = $1 AND status = 'draft'";
        let before = self.implementation_plan(id).await?;
        let body = body_json(content).to_string();
        let now = self.now.to_sqlx();
        let n = on_tx!(self, c => sqlx::query(SQL)
            .bind(id.0).bind(&content.measures).bind(&body).bind(now)
            .execute(&mut *c).await.map(|r| r.rows_affected()))?;
        if n == 0 {
            return Err(StoreError::Conflict {
                entity: "implementation plan",
                id: id.0,
                found: before.status.code().into(),
            });
        }
        self.audit(
            "update",
            "implementation_plan",
            id.0,
            Some(content_json(&before.content)),
            Some(content_json(content)),
        )
        .await
    }

    /// Attaches the plan document to a draft, replacing any before it. The audit log records
    /// what was attached (name, type, size), not the bytes.
    pub async fn attach_plan_document(
        &mut self,
        id: ImplementationPlanId,
        file_name: &str,
        content_type: &str,
        content: &[u8],
    ) -> Result<(), StoreError> {
        // language=SQL
        const SQL: &str = "UPDATE implementation_plans SET document_name = $2, document_type = $3,
                               document_size = $4, document = $5
                           WHERE id = $1 AND status = 'draft'";
        let before = self.implementation_plan(id).await?;
        let size = i64::try_from(content.len()).unwrap_or(i64::MAX);
        let n = on_tx!(self, c => sqlx::query(SQL)
            .bind(id.0).bind(file_name).bind(content_type).bind(size).bind(content)
            .execute(&mut *c).await.map(|r| r.rows_affected()))?;
        if n == 0 {
            return Err(StoreError::Conflict {
                entity: "implementation plan",
                id: id.0,
                found: before.status.code().into(),
            });
        }
        let doc = |d: Option<&PlanDocument>| {
            d.map(|d| json!({ "file_name": d.file_name, "content_type": d.content_type, "size_bytes": d.size }))
        };
        self.audit(
            "update",
            "implementation_plan",
            id.0,
            Some(json!({ "document": doc(before.document.as_ref()) })),
            Some(json!({ "document": { "file_name": file_name, "content_type": content_type, "size_bytes": size } })),
        )
        .await
    }

    /// Moves a revision from `from` to `to`: a draft → submitted when its unit files it
    /// (recording the time), submitted → approved or returned with a reason by the office
    /// (recording who and when). Conditional (`UPDATE … WHERE status = from RETURNING …`):
    /// when someone moved it first nothing is written and the answer is
    /// [`StoreError::Conflict`] naming the state it is in now — never a second success.
    pub async fn set_implementation_status(
        &mut self,
        id: ImplementationPlanId,
        from: ImplementationStatus,
        to: ImplementationStatus,
        return_reason: Option<&str>,
    ) -> Result<ImplementationPlan, StoreError> {
        // language=SQL
        const FILE: &str = concat!(
            "UPDATE implementation_plans SET status = $2, filed_at = $3
             WHERE id = $1 AND status = $4 RETURNING ",
            plan_columns!()
        );
        // language=SQL
        const REVIEW: &str = concat!(
            "UPDATE implementation_plans SET status = $2, return_reason = $3, reviewed_by = $4,
                 reviewed_at = $5
             WHERE id = $1 AND status = $6 RETURNING ",
            plan_columns!()
        );
        let (actor, now) = (self.actor.name().to_string(), self.now.to_sqlx());
        let row: Option<PlanRow> = if to == ImplementationStatus::Submitted {
            on_tx!(self, c => sqlx::query_as(FILE).bind(id.0).bind(to.code()).bind(now)
                .bind(from.code()).fetch_optional(&mut *c).await)?
        } else {
            on_tx!(self, c => sqlx::query_as(REVIEW).bind(id.0).bind(to.code())
                .bind(return_reason).bind(&actor).bind(now).bind(from.code())
                .fetch_optional(&mut *c).await)?
        };
        let Some(row) = row else {
            let now_is = self.implementation_plan(id).await?;
            return Err(StoreError::Conflict {
                entity: "implementation plan",
                id: id.0,
                found: now_is.status.code().into(),
            });
        };
        let action = match to {
            ImplementationStatus::Approved => "approve",
            ImplementationStatus::Returned => "return",
            ImplementationStatus::Submitted => "submit",
            ImplementationStatus::Draft => "update",
        };
        self.audit(
            action,
            "implementation_plan",
            id.0,
            Some(json!({ "status": from.code() })),
            Some(json!({ "status": to.code(), "return_reason": return_reason })),
        )
        .await?;
        row.into_domain()
    }
}
