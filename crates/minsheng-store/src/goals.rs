//! Multi-year goals (中长期目标, migration 0018): what a target of a `multi_year_goals` plan
//! needs beyond the target itself — its base, its path (linear or the office's points, in
//! `goal_points`), how often it is reported, and the goal it is part of.
//!
//! A goal is created with its target ([`Tx::insert_goal`]); its path is changed by
//! [`Tx::set_goal_path`], one conditional `UPDATE … WHERE revision = $n RETURNING` that moves
//! the revision: a change made from a form read before someone else's change finds zero rows
//! and is [`StoreError::Conflict`], nothing written. Both audited on the goal's target.

use crate::error::StoreError;
use crate::rows::{dec, dec_text};
use crate::tx::Tx;
use crate::{Conn, Store, on_conn};
use minsheng_domain::path::{Base, Frequency, PathKind, PathPoint};
use minsheng_domain::*;
use serde_json::{Value, json};

/// A goal as stored: its target, the goal it is part of, and its path's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredGoal {
    /// Its target.
    pub target: TargetId,
    /// The goal it is part of (其中 …), when it is.
    pub parent: Option<TargetId>,
    /// The value at a base year, when known.
    pub base: Option<Base>,
    /// Linear or points.
    pub kind: PathKind,
    /// How often it is reported.
    pub frequency: Frequency,
    /// The office's points, by period.
    pub points: Vec<PathPoint>,
    /// Raised by every change of the path.
    pub revision: i64,
}

/// A goal's path as the office sets it (checked by the domain's `Path::new` first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoalPath {
    /// The value at a base year, when known.
    pub base: Option<Base>,
    /// Linear or points.
    pub kind: PathKind,
    /// How often it is reported.
    pub frequency: Frequency,
    /// The points, in order (empty for a linear path).
    pub points: Vec<PathPoint>,
}

type GoalRow = (
    i64,
    Option<i64>,
    Option<i64>,
    Option<String>,
    String,
    String,
    i64,
);

const GOAL_COLUMNS: &str =
    "target_id, parent_target_id, base_year, base_value, path_kind, frequency, revision";

fn corrupt(column: &'static str, value: impl ToString) -> StoreError {
    StoreError::Corrupt {
        table: "goals",
        column,
        value: value.to_string(),
    }
}

fn goal_of(r: GoalRow, points: Vec<PathPoint>) -> Result<StoredGoal, StoreError> {
    let base = match (r.2, r.3) {
        (Some(y), Some(v)) => Some(Base {
            year: i16::try_from(y).map_err(|_| corrupt("base_year", y))?,
            value: dec("goals", "base_value", &v)?,
        }),
        _ => None,
    };
    Ok(StoredGoal {
        target: TargetId(r.0),
        parent: r.1.map(TargetId),
        base,
        kind: PathKind::from_code(&r.4).ok_or_else(|| corrupt("path_kind", &r.4))?,
        frequency: Frequency::from_code(&r.5).ok_or_else(|| corrupt("frequency", &r.5))?,
        points,
        revision: r.6,
    })
}

fn point_of((period, value): (String, String)) -> Result<PathPoint, StoreError> {
    Ok(PathPoint {
        period: Period::parse(&period).map_err(|_| StoreError::Corrupt {
            table: "goal_points",
            column: "period",
            value: period.clone(),
        })?,
        value: dec("goal_points", "value", &value)?,
    })
}

async fn read_points(conn: &mut Conn<'_>, target: TargetId) -> Result<Vec<PathPoint>, StoreError> {
    // language=SQL
    const SQL: &str = "SELECT period, value FROM goal_points WHERE target_id = $1";
    let rows: Vec<(String, String)> =
        on_conn!(conn, c => sqlx::query_as(SQL).bind(target.0).fetch_all(c).await)?;
    let mut points = rows
        .into_iter()
        .map(point_of)
        .collect::<Result<Vec<_>, _>>()?;
    points.sort_by_key(|p| p.period);
    Ok(points)
}

async fn read_goal(
    conn: &mut Conn<'_>,
    target: TargetId,
) -> Result<Option<StoredGoal>, StoreError> {
    let sql = format!("SELECT {GOAL_COLUMNS} FROM goals WHERE target_id = $1");
    let row: Option<GoalRow> = on_conn!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(target.0).fetch_optional(c).await)?;
    match row {
        None => Ok(None),
        Some(r) => {
            let points = read_points(conn, target).await?;
            goal_of(r, points).map(Some)
        }
    }
}

fn path_json(path: &GoalPath) -> Value {
    json!({
        "base_year": path.base.map(|b| b.year),
        "base_value": path.base.map(|b| dec_text(b.value)),
        "path_kind": path.kind.code(),
        "frequency": path.frequency.code(),
        "points": path.points.iter().map(|p| json!({
            "period": p.period.to_string(),
            "value": dec_text(p.value),
        })).collect::<Vec<_>>(),
    })
}

fn stored_path(g: &StoredGoal) -> GoalPath {
    GoalPath {
        base: g.base,
        kind: g.kind,
        frequency: g.frequency,
        points: g.points.clone(),
    }
}

impl Store {
    /// The goal of `target`, if the target is a multi-year goal.
    pub async fn goal(&self, target: TargetId) -> Result<Option<StoredGoal>, StoreError> {
        read_goal(&mut self.conn(), target).await
    }

    /// Every goal of a plan, by target.
    pub async fn goals_of_plan(&self, plan: PlanId) -> Result<Vec<StoredGoal>, StoreError> {
        // language=SQL
        const SQL: &str = "SELECT g.target_id, g.parent_target_id, g.base_year, g.base_value,
                    g.path_kind, g.frequency, g.revision
             FROM goals g JOIN targets t ON t.id = g.target_id
             JOIN items i ON i.id = t.item_id JOIN sections s ON s.id = i.section_id
             WHERE s.plan_id = $1 ORDER BY g.target_id";
        let rows: Vec<GoalRow> =
            crate::on_pool!(self, p => sqlx::query_as(SQL).bind(plan.0).fetch_all(p).await)?;
        // language=SQL
        const POINTS: &str = "SELECT gp.target_id, gp.period, gp.value FROM goal_points gp
             JOIN targets t ON t.id = gp.target_id
             JOIN items i ON i.id = t.item_id JOIN sections s ON s.id = i.section_id
             WHERE s.plan_id = $1";
        let points: Vec<(i64, String, String)> =
            crate::on_pool!(self, p => sqlx::query_as(POINTS).bind(plan.0).fetch_all(p).await)?;
        let mut by_target: std::collections::HashMap<i64, Vec<PathPoint>> = Default::default();
        for (t, period, value) in points {
            by_target
                .entry(t)
                .or_default()
                .push(point_of((period, value))?);
        }
        rows.into_iter()
            .map(|r| {
                let mut pts = by_target.remove(&r.0).unwrap_or_default();
                pts.sort_by_key(|p| p.period);
                goal_of(r, pts)
            })
            .collect()
    }
}

impl Tx {
    /// The goal of `target`, read inside the transaction.
    pub async fn goal(&mut self, target: TargetId) -> Result<Option<StoredGoal>, StoreError> {
        read_goal(&mut self.conn(), target).await
    }

    /// Makes `target` a multi-year goal with `path`, part of `parent` when given; audited on
    /// the target.
    pub async fn insert_goal(
        &mut self,
        target: TargetId,
        parent: Option<TargetId>,
        path: &GoalPath,
    ) -> Result<(), StoreError> {
        // language=SQL
        const SQL: &str = "INSERT INTO goals (target_id, parent_target_id, base_year, base_value,
                                              path_kind, frequency, revision)
                           VALUES ($1, $2, $3, $4, $5, $6, 1)";
        crate::on_tx!(self, c => sqlx::query(SQL)
            .bind(target.0)
            .bind(parent.map(|p| p.0))
            .bind(path.base.map(|b| i64::from(b.year)))
            .bind(path.base.map(|b| dec_text(b.value)))
            .bind(path.kind.code())
            .bind(path.frequency.code())
            .execute(&mut *c).await.map(|r| r.rows_affected()))?;
        self.write_points(target, &path.points).await?;
        let mut after = path_json(path);
        after["parent_target_id"] = json!(parent.map(|p| p.0));
        after["revision"] = json!(1);
        self.audit("create", "goal", target.0, None, Some(after))
            .await
    }

    async fn write_points(
        &mut self,
        target: TargetId,
        points: &[PathPoint],
    ) -> Result<(), StoreError> {
        // language=SQL
        const DELETE: &str = "DELETE FROM goal_points WHERE target_id = $1";
        // language=SQL
        const INSERT: &str =
            "INSERT INTO goal_points (target_id, period, value) VALUES ($1, $2, $3)";
        crate::on_tx!(self, c => sqlx::query(DELETE).bind(target.0).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        for p in points {
            crate::on_tx!(self, c => sqlx::query(INSERT)
                .bind(target.0)
                .bind(p.period.to_string())
                .bind(dec_text(p.value))
                .execute(&mut *c).await.map(|r| r.rows_affected()))?;
        }
        Ok(())
    }

    /// Sets the path of the goal of `target`, which the caller read at `revision`: one
    /// conditional `UPDATE … WHERE revision = $n RETURNING`, so a change from a stale form
    /// (someone changed it since) is [`StoreError::Conflict`] and nothing is written. Returns
    /// the new revision. Audited on the goal, before and after.
    pub async fn set_goal_path(
        &mut self,
        target: TargetId,
        revision: i64,
        path: &GoalPath,
    ) -> Result<i64, StoreError> {
        let before = self.goal(target).await?.ok_or(StoreError::NotFound {
            entity: "goal",
            id: target.0,
        })?;
        // language=SQL
        const SQL: &str = "UPDATE goals SET base_year = $3, base_value = $4, path_kind = $5,
                                  frequency = $6, revision = revision + 1
                           WHERE target_id = $1 AND revision = $2 RETURNING revision";
        let done: Option<i64> = crate::on_tx!(self, c => sqlx::query_scalar(SQL)
            .bind(target.0)
            .bind(revision)
            .bind(path.base.map(|b| i64::from(b.year)))
            .bind(path.base.map(|b| dec_text(b.value)))
            .bind(path.kind.code())
            .bind(path.frequency.code())
            .fetch_optional(&mut *c).await)?;
        let Some(new_revision) = done else {
            return Err(StoreError::Conflict {
                entity: "goal",
                id: target.0,
                found: format!(
                    "路径已被他人修改(第{}版) / the path was changed meanwhile (revision {})",
                    before.revision, before.revision
                ),
            });
        };
        self.write_points(target, &path.points).await?;
        let mut old = path_json(&stored_path(&before));
        old["revision"] = json!(before.revision);
        let mut new = path_json(path);
        new["revision"] = json!(new_revision);
        self.audit("update", "goal", target.0, Some(old), Some(new))
            .await?;
        Ok(new_revision)
    }
}
