//! Year end (年终结转, migration 0016): a plan's state (open or closed), what became of each
//! unfinished target when it was closed (`target_closures`), and the link from a target
//! carried over back to the one it continues (`targets.carried_from`).
//!
//! Closing is [`Tx::close_plan`], one conditional `UPDATE … WHERE state = 'open'`: of two
//! closings at once one finds the plan closed and gets [`StoreError::Conflict`]. Every write
//! that changes a plan's figures asks the domain's rule
//! ([`minsheng_domain::year_end::check_open`]) when it locks what it writes —
//! [`Tx::lock_assignment`] and [`Tx::lock_target_and_assignments`] — through
//! [`Tx::check_plan_open`], under a share lock of the plan's row on PostgreSQL, so a report
//! racing a closing either commits before the closing reads the figures or is refused.

use crate::error::StoreError;
use crate::rows::dec_text;
use crate::tx::{Tx, TxInner};
use crate::{Conn, Store, on_conn};
use jiff::Timestamp;
use jiff_sqlx::ToSqlx;
use minsheng_domain::year_end::{Disposition, PlanState, check_open};
use minsheng_domain::*;
use serde_json::json;

/// A plan's state and, once closed, who closed it and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanClosing {
    /// Open or closed.
    pub state: PlanState,
    /// Who closed it and when, once closed.
    pub closed: Option<(String, Timestamp)>,
}

/// What became of one unfinished target when its plan was closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closure {
    /// The target.
    pub target: TargetId,
    /// Its plan.
    pub plan: PlanId,
    /// Carried over or closed.
    pub disposition: Disposition,
    /// Why, for a target closed.
    pub reason: Option<String>,
    /// The target created for what remained, for a target carried over.
    pub next_target: Option<TargetId>,
    /// Who closed the plan.
    pub closed_by: String,
    /// When.
    pub closed_at: Timestamp,
}

/// A target's links across years: the target it continues and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TargetLinks {
    /// The earlier target it was carried over from, with that target's plan and year.
    pub carried_from: Option<(TargetId, PlanId, i16)>,
    /// What became of it when its plan was closed, with the next target's plan and year
    /// when it was carried over.
    pub closure: Option<(Closure, Option<(PlanId, i16)>)>,
}

/// A target to create in the next plan for what remained of one carried over.
#[derive(Debug, Clone)]
pub struct CarriedTarget {
    /// The target carried over.
    pub from: TargetId,
    /// The new target (its `item` is filled in by [`Tx::carry_over`]).
    pub target: crate::NewTarget,
    /// The item text to create it under.
    pub item_text: String,
    /// The responsible units of the item.
    pub leads: Vec<String>,
}

type ClosureRow = (
    i64,
    i64,
    String,
    Option<String>,
    Option<i64>,
    String,
    jiff_sqlx::Timestamp,
);

fn closure_of(r: ClosureRow) -> Result<Closure, StoreError> {
    let disposition = Disposition::from_code(&r.2).ok_or_else(|| StoreError::Corrupt {
        table: "target_closures",
        column: "disposition",
        value: r.2.clone(),
    })?;
    Ok(Closure {
        target: TargetId(r.0),
        plan: PlanId(r.1),
        disposition,
        reason: r.3,
        next_target: r.4.map(TargetId),
        closed_by: r.5,
        closed_at: r.6.to_jiff(),
    })
}

const CLOSURE_COLUMNS: &str =
    "target_id, plan_id, disposition, reason, next_target_id, closed_by, closed_at";

async fn read_plan_closing(conn: &mut Conn<'_>, plan: PlanId) -> Result<PlanClosing, StoreError> {
    // language=SQL
    const SQL: &str = "SELECT state, closed_by, closed_at FROM plans WHERE id = $1";
    let row: Option<(String, Option<String>, Option<jiff_sqlx::Timestamp>)> =
        on_conn!(conn, c => sqlx::query_as(SQL).bind(plan.0).fetch_optional(c).await)?;
    let (state, by, at) = row.ok_or(StoreError::NotFound {
        entity: "plan",
        id: plan.0,
    })?;
    let state = PlanState::from_code(&state).ok_or_else(|| StoreError::Corrupt {
        table: "plans",
        column: "state",
        value: state.clone(),
    })?;
    Ok(PlanClosing {
        state,
        closed: by.zip(at.map(|t| t.to_jiff())),
    })
}

impl Store {
    /// A plan's state: open, or closed by whom and when.
    pub async fn plan_closing(&self, plan: PlanId) -> Result<PlanClosing, StoreError> {
        read_plan_closing(&mut self.conn(), plan).await
    }

    /// What became of each unfinished target of a closed plan, by target.
    pub async fn closures_of_plan(&self, plan: PlanId) -> Result<Vec<Closure>, StoreError> {
        let sql = format!(
            "SELECT {CLOSURE_COLUMNS} FROM target_closures WHERE plan_id = $1 ORDER BY target_id"
        );
        let rows: Vec<ClosureRow> = crate::on_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(plan.0).fetch_all(p).await)?;
        rows.into_iter().map(closure_of).collect()
    }

    /// A target's links across years (carried from, carried into or closed).
    pub async fn target_links(&self, target: TargetId) -> Result<TargetLinks, StoreError> {
        // language=SQL
        const FROM: &str = "SELECT f.id, s.plan_id, p.year FROM targets t
                            JOIN targets f ON f.id = t.carried_from
                            JOIN items i ON i.id = f.item_id
                            JOIN sections s ON s.id = i.section_id
                            JOIN plans p ON p.id = s.plan_id
                            WHERE t.id = $1";
        // language=SQL
        const NEXT: &str = "SELECT s.plan_id, p.year FROM targets t
                            JOIN items i ON i.id = t.item_id
                            JOIN sections s ON s.id = i.section_id
                            JOIN plans p ON p.id = s.plan_id
                            WHERE t.id = $1";
        let from: Option<(i64, i64, i64)> = crate::on_pool!(self, p => sqlx::query_as(FROM).bind(target.0).fetch_optional(p).await)?;
        let sql = format!("SELECT {CLOSURE_COLUMNS} FROM target_closures WHERE target_id = $1");
        let closure: Option<ClosureRow> = crate::on_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(target.0).fetch_optional(p).await)?;
        let closure = match closure {
            None => None,
            Some(r) => {
                let c = closure_of(r)?;
                let next = match c.next_target {
                    None => None,
                    Some(n) => {
                        let row: Option<(i64, i64)> = crate::on_pool!(self, p => sqlx::query_as(NEXT)
                            .bind(n.0).fetch_optional(p).await)?;
                        row.map(|(p, y)| (PlanId(p), year_of(y)))
                    }
                };
                Some((c, next))
            }
        };
        Ok(TargetLinks {
            carried_from: from.map(|(t, p, y)| (TargetId(t), PlanId(p), year_of(y))),
            closure,
        })
    }
}

fn year_of(y: i64) -> i16 {
    i16::try_from(y).unwrap_or(i16::MAX)
}

impl Tx {
    /// A plan's state, read inside the transaction.
    pub async fn plan_closing(&mut self, plan: PlanId) -> Result<PlanClosing, StoreError> {
        read_plan_closing(&mut self.conn(), plan).await
    }

    /// Refuses a write to a closed plan ([`check_open`]): the plan of `target`, or of
    /// `assignment`'s target. On PostgreSQL the plan's row is share-locked until the
    /// transaction ends, so a closing waits for this write and this write for a closing.
    pub(crate) async fn check_plan_open(
        &mut self,
        target: Option<TargetId>,
        assignment: Option<AssignmentId>,
    ) -> Result<(), StoreError> {
        let (sql, id) = match (target, assignment) {
            (Some(t), _) => (
                "SELECT p.id, p.state FROM targets t
                 JOIN items i ON i.id = t.item_id JOIN sections s ON s.id = i.section_id
                 JOIN plans p ON p.id = s.plan_id WHERE t.id = $1",
                t.0,
            ),
            (None, Some(a)) => (
                "SELECT p.id, p.state FROM assignments a JOIN targets t ON t.id = a.target_id
                 JOIN items i ON i.id = t.item_id JOIN sections s ON s.id = i.section_id
                 JOIN plans p ON p.id = s.plan_id WHERE a.id = $1",
                a.0,
            ),
            (None, None) => return Ok(()),
        };
        let sql = match self.inner {
            TxInner::Postgres(_) => format!("{sql} FOR SHARE OF p"),
            TxInner::Sqlite(_) => sql.to_string(),
        };
        let row: Option<(i64, String)> = crate::on_tx!(self, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id).fetch_optional(&mut *c).await)?;
        let Some((plan, state)) = row else {
            return Ok(());
        };
        let state = PlanState::from_code(&state).ok_or_else(|| StoreError::Corrupt {
            table: "plans",
            column: "state",
            value: state.clone(),
        })?;
        check_open(PlanId(plan), state).map_err(|e| StoreError::PlanClosed { plan: e.plan.0 })
    }

    /// Refuses writing reports in bulk (an imported year of history) to a closed plan: the
    /// plans of `assignments`, share-locked on PostgreSQL as [`Tx::check_plan_open`] does.
    pub(crate) async fn check_plans_open_of_assignments(
        &mut self,
        assignments: &[i64],
    ) -> Result<(), StoreError> {
        if assignments.is_empty() {
            return Ok(());
        }
        let mut ids: Vec<i64> = assignments.to_vec();
        ids.sort_unstable();
        ids.dedup();
        // Our own integers, written into the text (an import names more than a statement may
        // bind).
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let plans_sql = format!(
            "SELECT DISTINCT s.plan_id FROM assignments a JOIN targets t ON t.id = a.target_id
             JOIN items i ON i.id = t.item_id JOIN sections s ON s.id = i.section_id
             WHERE a.id IN ({list})"
        );
        let plans: Vec<i64> = crate::on_tx!(self, c => sqlx::query_scalar(sqlx::AssertSqlSafe(plans_sql))
            .fetch_all(&mut *c).await)?;
        if plans.is_empty() {
            return Ok(());
        }
        let list = plans
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let lock = match self.inner {
            TxInner::Postgres(_) => " FOR SHARE",
            TxInner::Sqlite(_) => "",
        };
        let states_sql =
            format!("SELECT id, state FROM plans WHERE id IN ({list}) ORDER BY id{lock}");
        let states: Vec<(i64, String)> = crate::on_tx!(self, c => sqlx::query_as(sqlx::AssertSqlSafe(states_sql))
            .fetch_all(&mut *c).await)?;
        for (plan, state) in states {
            let state = PlanState::from_code(&state).ok_or_else(|| StoreError::Corrupt {
                table: "plans",
                column: "state",
                value: state.clone(),
            })?;
            check_open(PlanId(plan), state)
                .map_err(|e| StoreError::PlanClosed { plan: e.plan.0 })?;
        }
        Ok(())
    }

    /// Closes `plan`: one conditional `UPDATE … WHERE state = 'open'`, audited. A plan closed
    /// already is [`StoreError::Conflict`] ("已关闭"), nothing written.
    pub async fn close_plan(&mut self, plan: PlanId) -> Result<(), StoreError> {
        // language=SQL
        const SQL: &str = "UPDATE plans SET state = 'closed', closed_by = $2, closed_at = $3
                           WHERE id = $1 AND state = 'open' RETURNING id";
        let (actor, now) = (self.actor.name().to_string(), self.now.to_sqlx());
        let done: Option<i64> = crate::on_tx!(self, c => sqlx::query_scalar(SQL)
            .bind(plan.0).bind(&actor).bind(now).fetch_optional(&mut *c).await)?;
        if done.is_none() {
            // Missing, or closed by someone else first.
            self.plan_closing(plan).await?;
            return Err(StoreError::Conflict {
                entity: "plan",
                id: plan.0,
                found: "已关闭 / closed".into(),
            });
        }
        self.audit(
            "close",
            "plan",
            plan.0,
            Some(json!({ "state": "open" })),
            Some(json!({ "state": "closed", "closed_by": actor })),
        )
        .await
    }

    /// Records that `target` of `plan` was closed for `reason`, audited on the target.
    pub async fn close_target(
        &mut self,
        plan: PlanId,
        target: TargetId,
        reason: &str,
    ) -> Result<(), StoreError> {
        self.insert_closure(plan, target, Disposition::Closed, Some(reason), None)
            .await
    }

    /// Carries `what` over into `next` (a later plan): under the next plan's section of
    /// carried-over items (上年结转, created at its end when it has none), an item with the
    /// old item's text and leads and the new target for what remained, linked back by
    /// `carried_from`; the old target's closure names the new one. Audited on both targets.
    pub async fn carry_over(
        &mut self,
        plan: PlanId,
        next: PlanId,
        what: &CarriedTarget,
    ) -> Result<TargetId, StoreError> {
        let section = self.carry_section(next).await?;
        // language=SQL
        const NEXT_ITEM: &str = "SELECT COALESCE(MAX(i.position), 0) + 1,
                                        COALESCE((SELECT MAX(i2.no) FROM items i2
                                                  JOIN sections s2 ON s2.id = i2.section_id
                                                  WHERE s2.plan_id = $2), 0) + 1
                                 FROM items i WHERE i.section_id = $1";
        let (position, no): (i64, i64) = crate::on_tx!(self, c => sqlx::query_as(NEXT_ITEM)
            .bind(section.0).bind(next.0).fetch_one(&mut *c).await)?;
        let item = self
            .insert_item(&crate::NewItem {
                section,
                position: u32::try_from(position).unwrap_or(u32::MAX),
                no: u32::try_from(no).unwrap_or(u32::MAX),
                text: what.item_text.clone(),
                leads: what.leads.clone(),
                span: None,
            })
            .await?;
        let mut target = what.target.clone();
        target.item = item;
        let new = self.insert_target(&target).await?;
        // language=SQL
        const LINK: &str = "UPDATE targets SET carried_from = $2 WHERE id = $1";
        crate::on_tx!(self, c => sqlx::query(LINK).bind(new.0).bind(what.from.0)
            .execute(&mut *c).await.map(|r| r.rows_affected()))?;
        self.audit(
            "update",
            "target",
            new.0,
            Some(json!({ "carried_from": null })),
            Some(
                json!({ "carried_from": what.from.0, "value": dec_text(target.quantity.value),
                         "unit": target.quantity.unit }),
            ),
        )
        .await?;
        self.insert_closure(plan, what.from, Disposition::CarriedOver, None, Some(new))
            .await?;
        Ok(new)
    }

    /// The next plan's section of carried-over items, created at its end when it has none.
    async fn carry_section(&mut self, next: PlanId) -> Result<SectionId, StoreError> {
        // language=SQL
        const FIND: &str = "SELECT id FROM sections WHERE plan_id = $1 AND title = $2";
        // language=SQL
        const LAST: &str = "SELECT COALESCE(MAX(position), 0) + 1, COALESCE(MAX(no), 0) + 1
                            FROM sections WHERE plan_id = $1";
        let found: Option<i64> = crate::on_tx!(self, c => sqlx::query_scalar(FIND)
            .bind(next.0).bind(CARRY_SECTION).fetch_optional(&mut *c).await)?;
        if let Some(id) = found {
            return Ok(SectionId(id));
        }
        let (position, no): (i64, i64) =
            crate::on_tx!(self, c => sqlx::query_as(LAST).bind(next.0).fetch_one(&mut *c).await)?;
        self.insert_section(&crate::NewSection {
            plan: next,
            position: u32::try_from(position).unwrap_or(u32::MAX),
            no: u32::try_from(no).unwrap_or(u32::MAX),
            title: Some(CARRY_SECTION.into()),
            declared_items: None,
        })
        .await
    }

    async fn insert_closure(
        &mut self,
        plan: PlanId,
        target: TargetId,
        disposition: Disposition,
        reason: Option<&str>,
        next: Option<TargetId>,
    ) -> Result<(), StoreError> {
        // language=SQL
        const SQL: &str = "INSERT INTO target_closures (target_id, plan_id, disposition, reason,
                                                        next_target_id, closed_by, closed_at)
                           VALUES ($1, $2, $3, $4, $5, $6, $7)";
        let (actor, now) = (self.actor.name().to_string(), self.now.to_sqlx());
        crate::on_tx!(self, c => sqlx::query(SQL).bind(target.0).bind(plan.0)
            .bind(disposition.code()).bind(reason).bind(next.map(|t| t.0)).bind(&actor).bind(now)
            .execute(&mut *c).await.map(|r| r.rows_affected()))?;
        self.audit(
            "close",
            "target",
            target.0,
            None,
            Some(json!({ "disposition": disposition.code(), "reason": reason,
                         "next_target_id": next.map(|t| t.0), "plan_id": plan.0 })),
        )
        .await
    }
}

/// The title of the section a plan's carried-over items are kept under.
pub const CARRY_SECTION: &str = "上年结转事项";
