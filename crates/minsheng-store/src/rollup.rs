//! The materialized roll-up (migration 0002): per target × month and per region × section ×
//! month. The store only keeps and serves the rows; what goes into them is computed by the
//! use-cases from the domain's rules.

use crate::bulk::AcceptedValue;
use crate::error::StoreError;
use crate::rows::{AssignmentRow, TargetRow, dec, dec_text};
use crate::tx::Tx;
use crate::{Store, on_pool, on_tx};
use minsheng_domain::*;
use rust_decimal::Decimal;

/// One target's figures for one month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetMonth {
    /// The target.
    pub target: TargetId,
    /// The month.
    pub period: Period,
    /// How many of its assignments carry a quota (the ones rolled up).
    pub assignments: i64,
    /// Σ of their values at the month.
    pub actual: Decimal,
    /// Σ of their quotas.
    pub quota: Decimal,
    /// How many have an accepted report for the month itself.
    pub reported: i64,
}

/// One region's figures for one section and month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionMonth {
    /// The region (it and everything below it).
    pub unit: UnitId,
    /// The region's level.
    pub unit_kind: UnitKind,
    /// The section.
    pub section: SectionId,
    /// The month.
    pub period: Period,
    /// How many assignments.
    pub assignments: i64,
    /// Σ of their capped completion scores.
    pub score_sum: Decimal,
}

/// What an assignment contributes to, for keeping the roll-up current.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignmentContext {
    /// The assignment.
    pub assignment: Assignment,
    /// Its target.
    pub target: Target,
    /// The target's section.
    pub section: SectionId,
    /// The regions it rolls up into, with their levels: its own unit when that is a region,
    /// then every ancestor region, nearest first.
    pub regions: Vec<(UnitId, UnitKind)>,
}

#[derive(sqlx::FromRow)]
struct TargetMonthRow {
    target_id: i64,
    period: String,
    assignments: i64,
    actual: String,
    quota: String,
    reported: i64,
}

impl TargetMonthRow {
    fn into_domain(self) -> Result<TargetMonth, StoreError> {
        Ok(TargetMonth {
            target: TargetId(self.target_id),
            period: period("rollup_target_month", &self.period)?,
            assignments: self.assignments,
            actual: dec("rollup_target_month", "actual", &self.actual)?,
            quota: dec("rollup_target_month", "quota", &self.quota)?,
            reported: self.reported,
        })
    }
}

#[derive(sqlx::FromRow)]
struct RegionMonthRow {
    unit_kind: String,
    unit_id: i64,
    section_id: i64,
    period: String,
    assignments: i64,
    score_sum: String,
}

impl RegionMonthRow {
    fn into_domain(self) -> Result<RegionMonth, StoreError> {
        Ok(RegionMonth {
            unit: UnitId(self.unit_id),
            unit_kind: UnitKind::from_code(&self.unit_kind).ok_or_else(|| StoreError::Corrupt {
                table: "rollup_region_month",
                column: "unit_kind",
                value: self.unit_kind.clone(),
            })?,
            section: SectionId(self.section_id),
            period: period("rollup_region_month", &self.period)?,
            assignments: self.assignments,
            score_sum: dec("rollup_region_month", "score_sum", &self.score_sum)?,
        })
    }
}

/// A roll-up sum that would leave the range of an exact decimal: values stored before the door
/// for report values existed. Refused as the request's (nothing is written), not a failure.
fn overflow(table: &'static str, column: &'static str, cur: &str, delta: Decimal) -> StoreError {
    StoreError::Integrity {
        detail: format!(
            "汇总值超出范围({table}.{column}:{cur} + {delta}) / a roll-up total is out of range ({table}.{column}: {cur} + {delta})"
        ),
        by_database: false,
    }
}

fn period(table: &'static str, s: &str) -> Result<Period, StoreError> {
    Period::parse(s).map_err(|_| StoreError::Corrupt {
        table,
        column: "period",
        value: s.to_string(),
    })
}

/// Rows per multi-row INSERT (six parameters a row).
const BATCH: usize = crate::bulk::PARAMS / 6;

impl Store {
    /// Every target's figures for a month, by target.
    pub async fn rollup_targets(&self, period: Period) -> Result<Vec<TargetMonth>, StoreError> {
        // language=SQL
        const SQL: &str = "SELECT target_id, period, assignments, actual, quota, reported
                           FROM rollup_target_month WHERE period = $1 ORDER BY target_id";
        let rows: Vec<TargetMonthRow> =
            on_pool!(self, p => sqlx::query_as(SQL).bind(period.to_string()).fetch_all(p).await)?;
        rows.into_iter().map(TargetMonthRow::into_domain).collect()
    }

    /// Every region's figures for a month, by region then section.
    pub async fn rollup_regions(&self, period: Period) -> Result<Vec<RegionMonth>, StoreError> {
        // language=SQL
        const SQL: &str = "SELECT unit_kind, unit_id, section_id, period, assignments, score_sum
                           FROM rollup_region_month WHERE period = $1 ORDER BY unit_id, section_id";
        let rows: Vec<RegionMonthRow> =
            on_pool!(self, p => sqlx::query_as(SQL).bind(period.to_string()).fetch_all(p).await)?;
        rows.into_iter().map(RegionMonthRow::into_domain).collect()
    }

    /// The figures of the direct sub-regions of `parent` (and of `parent` itself) for a month.
    pub async fn rollup_regions_under(
        &self,
        parent: UnitId,
        period: Period,
    ) -> Result<Vec<RegionMonth>, StoreError> {
        // language=SQL
        const SQL: &str =
            "SELECT r.unit_kind, r.unit_id, r.section_id, r.period, r.assignments, r.score_sum
                           FROM rollup_region_month r JOIN units u ON u.id = r.unit_id
                           WHERE r.period = $2 AND (u.parent_id = $1 OR u.id = $1)
                           ORDER BY r.unit_id, r.section_id";
        let rows: Vec<RegionMonthRow> = on_pool!(self, p => sqlx::query_as(SQL)
            .bind(parent.0).bind(period.to_string()).fetch_all(p).await)?;
        rows.into_iter().map(RegionMonthRow::into_domain).collect()
    }
}

/// A target-month row with the unit that owns the target's plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedTargetMonth {
    /// The plan's owner (the province, for a provincial list).
    pub owner: UnitId,
    /// The figures.
    pub row: TargetMonth,
}

/// A region-month row with its section's printed number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberedRegionMonth {
    /// The section's ordinal.
    pub section_no: u32,
    /// The figures.
    pub row: RegionMonth,
}

impl Store {
    /// Every target's figures for a month with its plan's owner, by owner then target: what
    /// the office dashboard shows per target.
    pub async fn rollup_targets_by_owner(
        &self,
        period: Period,
    ) -> Result<Vec<OwnedTargetMonth>, StoreError> {
        // language=SQL
        const SQL: &str = "SELECT p.owner_unit_id, r.target_id, r.period, r.assignments, r.actual, r.quota, r.reported
                           FROM rollup_target_month r JOIN targets t ON t.id = r.target_id
                           JOIN items i ON i.id = t.item_id JOIN sections s ON s.id = i.section_id
                           JOIN plans p ON p.id = s.plan_id
                           WHERE r.period = $1 ORDER BY p.owner_unit_id, r.target_id";
        let rows: Vec<(i64, i64, String, i64, String, String, i64)> =
            on_pool!(self, p => sqlx::query_as(SQL).bind(period.to_string()).fetch_all(p).await)?;
        rows.into_iter()
            .map(
                |(owner, target_id, period, assignments, actual, quota, reported)| {
                    Ok(OwnedTargetMonth {
                        owner: UnitId(owner),
                        row: TargetMonthRow {
                            target_id,
                            period,
                            assignments,
                            actual,
                            quota,
                            reported,
                        }
                        .into_domain()?,
                    })
                },
            )
            .collect()
    }

    /// The figures of every region of one kind (`city`, `county`, …) for a month, per section,
    /// by region then section number.
    pub async fn rollup_regions_of_kind(
        &self,
        kind: UnitKind,
        period: Period,
    ) -> Result<Vec<NumberedRegionMonth>, StoreError> {
        // language=SQL
        const SQL: &str = "SELECT s.no, r.unit_kind, r.unit_id, r.section_id, r.period, r.assignments, r.score_sum
                           FROM rollup_region_month r JOIN sections s ON s.id = r.section_id
                           WHERE r.period = $1 AND r.unit_kind = $2 ORDER BY r.unit_id, s.no";
        let rows: Vec<(i64, String, i64, i64, String, i64, String)> = on_pool!(self, p => sqlx::query_as(SQL)
            .bind(period.to_string()).bind(kind.code()).fetch_all(p).await)?;
        rows.into_iter()
            .map(
                |(no, unit_kind, unit_id, section_id, period, assignments, score_sum)| {
                    Ok(NumberedRegionMonth {
                        section_no: u32::try_from(no).unwrap_or(0),
                        row: RegionMonthRow {
                            unit_kind,
                            unit_id,
                            section_id,
                            period,
                            assignments,
                            score_sum,
                        }
                        .into_domain()?,
                    })
                },
            )
            .collect()
    }
}

impl Tx {
    /// Empties the roll-up, before a recompute writes it anew.
    pub async fn clear_rollup(&mut self) -> Result<(), StoreError> {
        on_tx!(self, c => sqlx::query("DELETE FROM rollup_target_month").execute(&mut *c).await.map(|r| r.rows_affected()))?;
        on_tx!(self, c => sqlx::query("DELETE FROM rollup_region_month").execute(&mut *c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Writes target rows in batches (after [`Tx::clear_rollup`]).
    pub async fn insert_rollup_targets(&mut self, rows: &[TargetMonth]) -> Result<(), StoreError> {
        for chunk in rows.chunks(BATCH) {
            let mut sql = String::from(
                "INSERT INTO rollup_target_month (target_id, period, assignments, actual, quota, reported) VALUES ",
            );
            crate::bulk::placeholders(&mut sql, chunk.len(), 6, self.backend());
            on_tx!(self, c => {
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
                for r in chunk {
                    q = q.bind(r.target.0).bind(r.period.to_string()).bind(r.assignments)
                        .bind(dec_text(r.actual)).bind(dec_text(r.quota)).bind(r.reported);
                }
                q.execute(&mut *c).await.map(|r| r.rows_affected())
            })?;
        }
        Ok(())
    }

    /// Writes region rows in batches (after [`Tx::clear_rollup`]).
    pub async fn insert_rollup_regions(&mut self, rows: &[RegionMonth]) -> Result<(), StoreError> {
        for chunk in rows.chunks(BATCH) {
            let mut sql = String::from(
                "INSERT INTO rollup_region_month (unit_kind, unit_id, section_id, period, assignments, score_sum) VALUES ",
            );
            crate::bulk::placeholders(&mut sql, chunk.len(), 6, self.backend());
            on_tx!(self, c => {
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
                for r in chunk {
                    q = q.bind(r.unit_kind.code()).bind(r.unit.0).bind(r.section.0).bind(r.period.to_string())
                        .bind(r.assignments).bind(dec_text(r.score_sum));
                }
                q.execute(&mut *c).await.map(|r| r.rows_affected())
            })?;
        }
        Ok(())
    }

    /// `plain` on SQLite, whose one writer excludes every other; `locked` (the same with
    /// `FOR UPDATE`) on PostgreSQL, where the row lock makes a read-then-write of a roll-up
    /// row safe against a concurrent accept (which waits, then reads the committed sum).
    fn for_update(&self, plain: &'static str, locked: &'static str) -> &'static str {
        match self.backend() {
            crate::BackendKind::Sqlite => plain,
            crate::BackendKind::Postgres => locked,
        }
    }

    /// Adds to one target-month row; `false` (and nothing written) when the row is missing,
    /// which means the roll-up must be recomputed. The stored sums are exact decimals kept
    /// as text, so the addition is done here under the row's lock (see [`Tx::for_update`]);
    /// callers touch rows in one global order (targets before regions, each by key), so two
    /// accepts never wait on each other in a circle.
    pub async fn add_to_target_month(
        &mut self,
        target: TargetId,
        period: Period,
        d_actual: Decimal,
        d_reported: i64,
    ) -> Result<bool, StoreError> {
        // language=SQL
        const GET: &str =
            "SELECT actual FROM rollup_target_month WHERE period = $1 AND target_id = $2";
        // language=SQL
        const GET_LOCKED: &str = "SELECT actual FROM rollup_target_month
                                  WHERE period = $1 AND target_id = $2 FOR UPDATE";
        // language=SQL
        const SET: &str = "UPDATE rollup_target_month SET actual = $3, reported = reported + $4
                           WHERE period = $1 AND target_id = $2";
        let p = period.to_string();
        let get = self.for_update(GET, GET_LOCKED);
        let cur: Option<String> = on_tx!(self, c => sqlx::query_scalar(get)
            .bind(&p).bind(target.0).fetch_optional(&mut *c).await)?;
        let Some(cur) = cur else { return Ok(false) };
        let actual = dec("rollup_target_month", "actual", &cur)?
            .checked_add(d_actual)
            .ok_or_else(|| overflow("rollup_target_month", "actual", &cur, d_actual))?;
        on_tx!(self, c => sqlx::query(SET).bind(&p).bind(target.0).bind(dec_text(actual)).bind(d_reported)
            .execute(&mut *c).await.map(|r| r.rows_affected()))?;
        Ok(true)
    }

    /// Adds to one region-section-month row's score; `false` when the row is missing.
    pub async fn add_to_region_month(
        &mut self,
        (unit, kind): (UnitId, UnitKind),
        section: SectionId,
        period: Period,
        d_score: Decimal,
    ) -> Result<bool, StoreError> {
        // language=SQL
        const GET: &str = "SELECT score_sum FROM rollup_region_month
                           WHERE period = $1 AND unit_kind = $4 AND unit_id = $2 AND section_id = $3";
        // language=SQL
        const GET_LOCKED: &str = "SELECT score_sum FROM rollup_region_month
                           WHERE period = $1 AND unit_kind = $4 AND unit_id = $2 AND section_id = $3
                           FOR UPDATE";
        // language=SQL
        const SET: &str = "UPDATE rollup_region_month SET score_sum = $4
                           WHERE period = $1 AND unit_kind = $5 AND unit_id = $2 AND section_id = $3";
        let p = period.to_string();
        let get = self.for_update(GET, GET_LOCKED);
        let cur: Option<String> = on_tx!(self, c => sqlx::query_scalar(get)
            .bind(&p).bind(unit.0).bind(section.0).bind(kind.code()).fetch_optional(&mut *c).await)?;
        let Some(cur) = cur else { return Ok(false) };
        let sum = dec("rollup_region_month", "score_sum", &cur)?
            .checked_add(d_score)
            .ok_or_else(|| overflow("rollup_region_month", "score_sum", &cur, d_score))?;
        on_tx!(self, c => sqlx::query(SET).bind(&p).bind(unit.0).bind(section.0).bind(dec_text(sum))
            .bind(kind.code()).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        Ok(true)
    }

    /// What an assignment rolls up into, read inside the transaction.
    pub async fn assignment_context(
        &mut self,
        id: AssignmentId,
    ) -> Result<AssignmentContext, StoreError> {
        // language=SQL
        const A: &str =
            "SELECT id, target_id, unit_id, role, quota, budget FROM assignments WHERE id = $1";
        // language=SQL
        const T: &str = concat!(
            "SELECT ",
            crate::rows::target_columns!(),
            "
                         FROM targets t WHERE t.id = $1"
        );
        // language=SQL
        const S: &str =
            "SELECT i.section_id FROM targets t JOIN items i ON i.id = t.item_id WHERE t.id = $1";
        // language=SQL
        const UP: &str = "WITH RECURSIVE up (id, parent_id, kind, depth) AS (
                              SELECT id, parent_id, kind, 0 FROM units WHERE id = $1
                              UNION ALL
                              SELECT u.id, u.parent_id, u.kind, up.depth + 1
                              FROM units u JOIN up ON u.id = up.parent_id WHERE up.depth < 16)
                          SELECT id, kind FROM up WHERE kind <> 'department' ORDER BY depth";
        let row: Option<AssignmentRow> =
            on_tx!(self, c => sqlx::query_as(A).bind(id.0).fetch_optional(&mut *c).await)?;
        let assignment = row
            .ok_or(StoreError::NotFound {
                entity: "assignment",
                id: id.0,
            })?
            .into_domain()?;
        let t = assignment.target.0;
        let target: TargetRow =
            on_tx!(self, c => sqlx::query_as(T).bind(t).fetch_one(&mut *c).await)?;
        let section: i64 =
            on_tx!(self, c => sqlx::query_scalar(S).bind(t).fetch_one(&mut *c).await)?;
        let regions: Vec<(i64, String)> = on_tx!(self, c => sqlx::query_as(UP)
            .bind(assignment.unit.0).fetch_all(&mut *c).await)?;
        let regions = regions
            .into_iter()
            .map(|(id, kind)| {
                let kind = UnitKind::from_code(&kind).ok_or(StoreError::Corrupt {
                    table: "units",
                    column: "kind",
                    value: kind.clone(),
                })?;
                Ok((UnitId(id), kind))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(AssignmentContext {
            assignment,
            target: target.into_domain()?,
            section: SectionId(section),
            regions,
        })
    }
}

/// One target's part of the roll-up, rebuilt on its own when its split changes (a local
/// rebuild, `minsheng-app::rollup::Local`).
impl Tx {
    /// Takes the target's row lock, then its assignments' by id, until the transaction ends
    /// (PostgreSQL; on SQLite the one writer already excludes every other): two changes of one
    /// target's split run one after the other, and an accept on one of its shares (which locks
    /// its assignment first) either committed before or waits until this transaction ends.
    /// A plan closed at year end refuses it ([`StoreError::PlanClosed`]).
    pub async fn lock_target_and_assignments(
        &mut self,
        target: TargetId,
    ) -> Result<(), StoreError> {
        // language=SQL
        const T: &str = "SELECT id FROM targets WHERE id = $1 FOR UPDATE";
        // language=SQL
        const A: &str = "SELECT id FROM assignments WHERE target_id = $1 ORDER BY id FOR UPDATE";
        if let crate::tx::TxInner::Postgres(t) = &mut self.inner {
            let found: Option<i64> = sqlx::query_scalar(T)
                .bind(target.0)
                .fetch_optional(&mut **t)
                .await?;
            if found.is_none() {
                return Err(StoreError::NotFound {
                    entity: "target",
                    id: target.0,
                });
            }
            let _: Vec<i64> = sqlx::query_scalar(A)
                .bind(target.0)
                .fetch_all(&mut **t)
                .await?;
        }
        // A change of the split changes the plan's figures: refused once it is closed.
        self.check_plan_open(Some(target), None).await
    }

    /// The accepted reports of one target's assignments, by assignment, period and revision.
    pub async fn accepted_values_of_target(
        &mut self,
        target: TargetId,
    ) -> Result<Vec<AcceptedValue>, StoreError> {
        // language=SQL
        const SQL: &str = "SELECT r.assignment_id, r.period, r.revision, r.cumulative, r.stage
                           FROM reports r JOIN assignments a ON a.id = r.assignment_id
                           WHERE r.status = 'accepted' AND a.target_id = $1
                           ORDER BY r.assignment_id, r.period, r.revision";
        let rows: Vec<crate::bulk::AcceptedRow> = on_tx!(self, c => sqlx::query_as(SQL)
            .bind(target.0).fetch_all(&mut *c).await)?;
        crate::bulk::accepted(rows)
    }

    /// Replaces one target's rows with `rows` (all of that target): rows kept are updated in
    /// place, so an accept waiting on one of them updates the new figures.
    pub async fn set_rollup_of_target(
        &mut self,
        target: TargetId,
        rows: &[TargetMonth],
    ) -> Result<(), StoreError> {
        // language=SQL
        const UPSERT: &str = "INSERT INTO rollup_target_month
                                  (target_id, period, assignments, actual, quota, reported)
                              VALUES ($1, $2, $3, $4, $5, $6)
                              ON CONFLICT (period, target_id) DO UPDATE SET
                                  assignments = excluded.assignments, actual = excluded.actual,
                                  quota = excluded.quota, reported = excluded.reported";
        // language=SQL
        const CLEAR: &str = "DELETE FROM rollup_target_month WHERE target_id = $1";
        if rows.is_empty() {
            on_tx!(self, c => sqlx::query(CLEAR).bind(target.0).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        }
        for r in rows {
            on_tx!(self, c => sqlx::query(UPSERT).bind(target.0).bind(r.period.to_string())
                .bind(r.assignments).bind(dec_text(r.actual)).bind(dec_text(r.quota)).bind(r.reported)
                .execute(&mut *c).await.map(|r| r.rows_affected()))?;
        }
        Ok(())
    }

    /// The stored rows of `section` for the regions `units`, taking their locks (PostgreSQL)
    /// in the roll-up's one order: month by month, nearest region first (township, county,
    /// city, province), then by id — the order every accept follows for its own regions.
    pub async fn rollup_regions_for_update(
        &mut self,
        section: SectionId,
        units: &[UnitId],
    ) -> Result<Vec<RegionMonth>, StoreError> {
        let mut out = Vec::new();
        for chunk in units.chunks(crate::bulk::PARAMS - 1) {
            let mut sql = String::from(
                "SELECT unit_kind, unit_id, section_id, period, assignments, score_sum
                 FROM rollup_region_month WHERE section_id = $1 AND unit_id IN (",
            );
            for i in 0..chunk.len() {
                if i > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(&format!("${}", i + 2));
            }
            sql.push_str(
                ") ORDER BY period, CASE unit_kind WHEN 'township' THEN 0 WHEN 'county' THEN 1
                   WHEN 'city' THEN 2 ELSE 3 END, unit_id",
            );
            if matches!(self.inner, crate::tx::TxInner::Postgres(_)) {
                sql.push_str(" FOR UPDATE");
            }
            let rows: Vec<RegionMonthRow> = on_tx!(self, c => {
                let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(section.0);
                for u in chunk {
                    q = q.bind(u.0);
                }
                q.fetch_all(&mut *c).await
            })?;
            for r in rows {
                out.push(r.into_domain()?);
            }
        }
        Ok(out)
    }

    /// Writes region rows whatever they held (absolute figures, under the locks of
    /// [`Tx::rollup_regions_for_update`]); a row left with no assignment is deleted, as a
    /// recompute would not have it.
    pub async fn set_rollup_regions(&mut self, rows: &[RegionMonth]) -> Result<(), StoreError> {
        // language=SQL
        const UPSERT: &str = "INSERT INTO rollup_region_month
                                  (unit_kind, unit_id, section_id, period, assignments, score_sum)
                              VALUES ($1, $2, $3, $4, $5, $6)
                              ON CONFLICT (period, unit_kind, unit_id, section_id) DO UPDATE SET
                                  assignments = excluded.assignments,
                                  score_sum = excluded.score_sum";
        // language=SQL
        const DELETE: &str = "DELETE FROM rollup_region_month
                              WHERE period = $1 AND unit_kind = $2 AND unit_id = $3 AND section_id = $4";
        for r in rows {
            let (p, kind) = (r.period.to_string(), r.unit_kind.code());
            if r.assignments == 0 {
                on_tx!(self, c => sqlx::query(DELETE).bind(&p).bind(kind).bind(r.unit.0).bind(r.section.0)
                    .execute(&mut *c).await.map(|r| r.rows_affected()))?;
            } else {
                on_tx!(self, c => sqlx::query(UPSERT).bind(kind).bind(r.unit.0).bind(r.section.0).bind(&p)
                    .bind(r.assignments).bind(dec_text(r.score_sum))
                    .execute(&mut *c).await.map(|r| r.rows_affected()))?;
            }
        }
        Ok(())
    }
}
