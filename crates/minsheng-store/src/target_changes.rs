//! What each committed transaction changed, for keeping dashboards current (migration 0014):
//! per target, how many transactions changed its figures (`target_changes`), and how many
//! changed a plan's shape (`minsheng_meta.structure_changes`). A [`Tx`] notes what each audited
//! write touched ([`Tx::note_change`], called by the audit log) and adds one to each count in
//! its commit — `changes = changes + 1` in SQL, never read then written — so a reader that
//! kept a plan's figures recomputes only the targets whose count moved.

use crate::error::StoreError;
use crate::tx::Tx;
use crate::{Store, on_pool, on_tx};
use minsheng_domain::{PlanId, TargetId};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};

/// What a transaction's writes touched so far.
#[derive(Debug, Default)]
pub(crate) struct Touched {
    /// Targets whose figures changed.
    targets: BTreeSet<i64>,
    /// Whether a plan's shape changed (or something this list does not know of).
    structure: bool,
}

impl Tx {
    /// Notes what one audited write touched: a report, an assignment, its schedule or
    /// milestones touch their target; evidence, problems and accounts touch no figure; an
    /// import, a restore and any other record touch the structure (whole dashboards).
    pub(crate) async fn note_change(
        &mut self,
        action: &str,
        entity: &str,
        entity_id: i64,
        before: Option<&Value>,
        after: Option<&Value>,
    ) -> Result<(), StoreError> {
        // language=SQL
        const OF_REPORT: &str = "SELECT a.target_id FROM reports r
                                 JOIN assignments a ON a.id = r.assignment_id WHERE r.id = $1";
        // language=SQL
        const OF_ASSIGNMENT: &str = "SELECT target_id FROM assignments WHERE id = $1";
        if action == "import" {
            self.touched.structure = true;
            return Ok(());
        }
        let sql = match entity {
            // An assessment (考核) reads issued bulletins; it changes no figure.
            "evidence" | "problem" | "user" | "assessment" => return Ok(()),
            "report" => OF_REPORT,
            "assignment" | "schedule" | "milestones" => {
                let named = [after, before]
                    .into_iter()
                    .flatten()
                    .find_map(|v| v.get("target_id").and_then(Value::as_i64));
                if let Some(t) = named {
                    self.touched.targets.insert(t);
                    return Ok(());
                }
                OF_ASSIGNMENT
            }
            _ => {
                self.touched.structure = true;
                return Ok(());
            }
        };
        let target: Option<i64> = on_tx!(self, c => sqlx::query_scalar(sql)
            .bind(entity_id).fetch_optional(&mut *c).await)?;
        match target {
            Some(t) => {
                self.touched.targets.insert(t);
            }
            None => self.touched.structure = true,
        }
        Ok(())
    }

    /// Adds one to the count of every target this transaction touched (in target order, so
    /// that two commits never wait on each other in a circle) and to the structure count if
    /// it changed a plan's shape; called by [`Tx::commit`].
    pub(crate) async fn count_changes(&mut self) -> Result<(), StoreError> {
        // language=SQL
        const TARGET: &str = "INSERT INTO target_changes (target_id, changes)
                              SELECT id, 1 FROM targets WHERE id = $1
                              ON CONFLICT (target_id) DO UPDATE
                              SET changes = target_changes.changes + 1";
        // language=SQL
        const STRUCTURE: &str =
            "INSERT INTO minsheng_meta (key, value) VALUES ('structure_changes', '1')
                                 ON CONFLICT (key) DO UPDATE
                                 SET value = CAST(CAST(minsheng_meta.value AS BIGINT) + 1 AS TEXT)";
        let touched = std::mem::take(&mut self.touched);
        for t in touched.targets {
            on_tx!(self, c => sqlx::query(TARGET).bind(t).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        }
        if touched.structure {
            on_tx!(self, c => sqlx::query(STRUCTURE).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        }
        Ok(())
    }
}

impl Store {
    /// The structure count, and the change count of each of `plan`'s targets that has one.
    /// Read it before the figures it guards: they are then at least as new as the counts.
    pub async fn change_counts(
        &self,
        plan: PlanId,
    ) -> Result<(i64, HashMap<TargetId, i64>), StoreError> {
        // language=SQL
        const STRUCTURE: &str = "SELECT value FROM minsheng_meta WHERE key = 'structure_changes'";
        let structure: Option<String> =
            on_pool!(self, p => sqlx::query_scalar(STRUCTURE).fetch_optional(p).await)?;
        let structure = match structure {
            None => 0,
            Some(v) => v.parse().map_err(|_| StoreError::Corrupt {
                table: "minsheng_meta",
                column: "value",
                value: v.clone(),
            })?,
        };
        Ok((structure, read_target_counts(&mut self.conn(), plan).await?))
    }
}

impl Tx {
    /// The change count of each of `plan`'s targets that has one, read inside the
    /// transaction: a write that computed from figures read before it began checks, under its
    /// locks, that they have not moved since (a closing at year end).
    pub async fn target_change_counts(
        &mut self,
        plan: PlanId,
    ) -> Result<HashMap<TargetId, i64>, StoreError> {
        read_target_counts(&mut self.conn(), plan).await
    }
}

async fn read_target_counts(
    conn: &mut crate::Conn<'_>,
    plan: PlanId,
) -> Result<HashMap<TargetId, i64>, StoreError> {
    // language=SQL
    const TARGETS: &str = "SELECT c.target_id, c.changes FROM target_changes c
                           JOIN targets t ON t.id = c.target_id
                           JOIN items i ON i.id = t.item_id
                           JOIN sections s ON s.id = i.section_id
                           WHERE s.plan_id = $1";
    let rows: Vec<(i64, i64)> =
        crate::on_conn!(conn, c => sqlx::query_as(TARGETS).bind(plan.0).fetch_all(c).await)?;
    Ok(rows.into_iter().map(|(t, n)| (TargetId(t), n)).collect())
}
