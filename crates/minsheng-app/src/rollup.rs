//! Keeping the materialized roll-up (see `minsheng-store`'s migration 0002) true.
//!
//! **Which assignments roll up.** A target's regional shares — the assignments that carry a
//! quota. A target that is not split (no assignment has a quota) rolls up through its lead.
//!
//! **Values.** An assignment's value at month P is the cumulative value (or level) of its
//! accepted report with the latest period ≤ P, the highest revision within that period; 0
//! without one. Its score is the capped completion of that value against its goal
//! ([`minsheng_domain::progress::completion`]), rounded to 12 decimal places so that the
//! incremental updates of [`apply_accept`] and a [`recompute_in`] agree exactly.
//!
//! **Regions.** An assignment counts in its own unit (when that is a region) and in every
//! region above it; a department's assignment counts in the region it belongs to and above.

use crate::error::AppError;
use minsheng_domain::goal::Goal;
use minsheng_domain::progress::completion;
use minsheng_domain::*;
use minsheng_store::{
    AcceptedValue, NumberedRegionMonth, OwnedTargetMonth, RegionMonth, Store, TargetMonth, Tx,
};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap, HashSet};

/// The ±tolerance within which an `approx` target counts as met in the roll-up.
fn tolerance() -> Decimal {
    Decimal::new(1, 1)
}

/// Scores are kept to this many decimal places.
const SCORE_DP: u32 = 12;

/// One assignment's effective accepted report month by month (index 0 = January) and
/// whether each month has an accepted report of its own: [`minsheng_domain::effective`]'s
/// rule (latest period ≤ the month in [`Period`]'s order, then the highest revision).
fn monthly_effective(
    year: i16,
    accepted: &[AcceptedValue],
) -> ([Option<&AcceptedValue>; 12], [bool; 12]) {
    let mut effective = [None; 12];
    let mut reported = [false; 12];
    for m in 0..12 {
        let at = month(year, m);
        effective[m] = accepted
            .iter()
            .filter(|a| a.period <= at)
            .max_by_key(|a| (a.period, a.revision));
        reported[m] = accepted.iter().any(|a| a.period == at);
    }
    (effective, reported)
}

/// One assignment's values month by month (0 without an accepted report) and whether each
/// month has an accepted report of its own. For a qualitative item's stage target the value
/// is its stage's score (已完成 1, 推进中 0.5, 未启动 0), so its sums and means read as the
/// share of the work done.
pub fn monthly_values(
    year: i16,
    kind: TargetKind,
    accepted: &[AcceptedValue],
) -> ([Decimal; 12], [bool; 12]) {
    let (effective, reported) = monthly_effective(year, accepted);
    let values = effective.map(|e| match kind {
        TargetKind::Quantity => e.and_then(|a| a.value).unwrap_or(Decimal::ZERO),
        TargetKind::Stage => stage_score(e.and_then(|a| a.stage).unwrap_or(Stage::NotStarted)),
    });
    (values, reported)
}

/// The capped completion a value scores; a stage target's value is its score already.
fn score(kind: TargetKind, goal: &Goal, value: Decimal) -> Decimal {
    match kind {
        TargetKind::Quantity => completion(goal, value, tolerance())
            .score
            .round_dp(SCORE_DP),
        TargetKind::Stage => value,
    }
}

fn month(year: i16, m: usize) -> Period {
    Period::Month {
        year,
        month: (m + 1) as i8,
    }
}

/// The regions an assignment held by `unit` counts in, nearest first, with their levels.
fn regions_of(tree: &UnitTree, unit: UnitId) -> Vec<(UnitId, UnitKind)> {
    let mut out = Vec::new();
    if let Some(u) = tree.get(unit)
        && u.kind != UnitKind::Department
    {
        out.push((unit, u.kind));
    }
    out.extend(
        tree.ancestors(unit)
            .iter()
            .filter(|u| u.kind != UnitKind::Department)
            .map(|u| (u.id, u.kind)),
    );
    out
}

/// The assignments that roll up: the ones with a quota, or a target's lead when none has.
fn rolled_up(assignments: &[Assignment]) -> Vec<&Assignment> {
    let split: HashSet<TargetId> = assignments
        .iter()
        .filter(|a| a.quota.is_some())
        .map(|a| a.target)
        .collect();
    assignments
        .iter()
        .filter(|a| {
            a.quota.is_some() || (!split.contains(&a.target) && a.role == AssignmentRole::Lead)
        })
        .collect()
}

/// Roll-up rows summed from assignments, as a recompute writes them.
#[derive(Debug, Default)]
struct Sums {
    targets: BTreeMap<(TargetId, usize), TargetMonth>,
    regions: BTreeMap<(UnitId, SectionId, usize), RegionMonth>,
}

impl Sums {
    /// Adds what assignment `a` of `target` (in `section`) contributes, given its accepted
    /// reports and the regions it counts in.
    fn add(
        &mut self,
        a: &Assignment,
        (target, section): (&Target, SectionId),
        accepted: &[AcceptedValue],
        regions: &[(UnitId, UnitKind)],
    ) {
        let goal = Goal::for_assignment(target, a);
        let year = goal.year();
        let (values, reported) = monthly_values(year, target.kind, accepted);
        let quota = a.quota.unwrap_or(target.quantity.value);
        for m in 0..12 {
            let row = self
                .targets
                .entry((a.target, m))
                .or_insert_with(|| TargetMonth {
                    target: a.target,
                    period: month(year, m),
                    assignments: 0,
                    actual: Decimal::ZERO,
                    quota: Decimal::ZERO,
                    reported: 0,
                });
            row.assignments += 1;
            // Saturating: values stored before reports were bounded cannot overflow a
            // rebuild (a total held at the limit is shown as it is).
            row.actual = row.actual.saturating_add(values[m]);
            row.quota = row.quota.saturating_add(quota);
            row.reported += i64::from(reported[m]);
            let s = score(target.kind, &goal, values[m]);
            for (r, kind) in regions {
                let row = self
                    .regions
                    .entry((*r, section, m))
                    .or_insert_with(|| RegionMonth {
                        unit: *r,
                        unit_kind: *kind,
                        section,
                        period: month(year, m),
                        assignments: 0,
                        score_sum: Decimal::ZERO,
                    });
                row.assignments += 1;
                row.score_sum = row.score_sum.saturating_add(s);
            }
        }
    }
}

/// Rebuilds the whole roll-up from the reports, inside `tx` (so it sees the transaction's own
/// writes). Reads the accepted reports a slice of assignments at a time to bound memory.
pub async fn recompute_in(tx: &mut Tx) -> Result<(), AppError> {
    let tree = UnitTree::new(tx.units().await?);
    let targets: HashMap<TargetId, (Target, SectionId)> = tx
        .all_targets()
        .await?
        .into_iter()
        .map(|(t, s)| (t.id, (t, s)))
        .collect();
    let all = tx.all_assignments().await?;
    let chosen = rolled_up(&all);
    let mut regions: HashMap<UnitId, Vec<(UnitId, UnitKind)>> = HashMap::new();
    let mut sums = Sums::default();
    const SLICE: usize = 20_000;
    for slice in chosen.chunks(SLICE) {
        let (first, last) = (slice[0].id, slice[slice.len() - 1].id);
        let values = tx.accepted_values(first, last).await?;
        let mut by_assignment: HashMap<AssignmentId, Vec<AcceptedValue>> = HashMap::new();
        for v in values {
            by_assignment.entry(v.assignment).or_default().push(v);
        }
        for a in slice {
            let Some((target, section)) = targets.get(&a.target) else {
                continue;
            };
            let accepted = by_assignment.remove(&a.id).unwrap_or_default();
            let regs = regions
                .entry(a.unit)
                .or_insert_with(|| regions_of(&tree, a.unit));
            sums.add(a, (target, *section), &accepted, regs);
        }
    }
    tx.clear_rollup().await?;
    tx.insert_rollup_targets(&sums.targets.into_values().collect::<Vec<_>>())
        .await?;
    tx.insert_rollup_regions(&sums.regions.into_values().collect::<Vec<_>>())
        .await?;
    Ok(())
}

/// One target's part of the roll-up, summed from its assignments and accepted reports as
/// they stand inside `tx`: its target rows, and what it adds to each region row.
async fn part_of_target(tx: &mut Tx, target: TargetId) -> Result<(SectionId, Sums), AppError> {
    let t = tx.target(target).await?;
    let (item, _) = tx.item(t.item).await?;
    let assignments = tx.assignments_of_target(target).await?;
    let mut by_assignment: HashMap<AssignmentId, Vec<AcceptedValue>> = HashMap::new();
    for v in tx.accepted_values_of_target(target).await? {
        by_assignment.entry(v.assignment).or_default().push(v);
    }
    let mut sums = Sums::default();
    let chosen = rolled_up(&assignments);
    if !chosen.is_empty() {
        let tree = UnitTree::new(tx.units().await?);
        for a in chosen {
            let accepted = by_assignment.remove(&a.id).unwrap_or_default();
            sums.add(a, (&t, item.section), &accepted, &regions_of(&tree, a.unit));
        }
    }
    Ok((item.section, sums))
}

/// A local rebuild of one target's roll-up (issue #16 item 4): begun before the target's split
/// changes inside a transaction ([`Local::begin`], which takes the target's and its
/// assignments' locks and sums what the target contributes now), finished after
/// ([`Local::finish`], which writes the target's rows anew and moves each region row it
/// touches by the difference between its new and its old contribution). Other targets' rows
/// are not read, so a change of one split costs what that target has, not what the plan has.
#[derive(Debug)]
pub struct Local {
    target: TargetId,
    section: SectionId,
    before: Sums,
}

impl Local {
    /// Locks `target` and its assignments and sums its part of the roll-up, before any write
    /// to its split inside `tx`.
    pub async fn begin(tx: &mut Tx, target: TargetId) -> Result<Local, AppError> {
        tx.lock_target_and_assignments(target).await?;
        let (section, before) = part_of_target(tx, target).await?;
        Ok(Local {
            target,
            section,
            before,
        })
    }

    /// Brings the roll-up up to date with the target's split as it now stands inside `tx`.
    /// A region row missing or short of what the target contributed means the roll-up was
    /// behind: it is then rebuilt whole, as [`apply_accept`] does.
    pub async fn finish(self, tx: &mut Tx) -> Result<(), AppError> {
        let (section, after) = part_of_target(tx, self.target).await?;
        if section != self.section {
            return recompute_in(tx).await;
        }
        tx.set_rollup_of_target(
            self.target,
            &after.targets.into_values().collect::<Vec<_>>(),
        )
        .await?;
        // The difference per region row: new minus old contribution.
        let mut delta: BTreeMap<(UnitId, SectionId, usize), RegionMonth> = BTreeMap::new();
        for (k, r) in after.regions {
            delta.insert(k, r);
        }
        for (k, old) in self.before.regions {
            let row = delta.entry(k).or_insert_with(|| RegionMonth {
                assignments: 0,
                score_sum: Decimal::ZERO,
                ..old.clone()
            });
            row.assignments -= old.assignments;
            row.score_sum -= old.score_sum;
        }
        delta.retain(|_, d| d.assignments != 0 || !d.score_sum.is_zero());
        if delta.is_empty() {
            return Ok(());
        }
        let mut units: Vec<UnitId> = delta.keys().map(|(u, _, _)| *u).collect();
        units.sort();
        units.dedup();
        let stored: HashMap<(UnitId, Period), RegionMonth> = tx
            .rollup_regions_for_update(section, &units)
            .await?
            .into_iter()
            .map(|r| ((r.unit, r.period), r))
            .collect();
        let mut rows = Vec::with_capacity(delta.len());
        for d in delta.into_values() {
            let cur = stored.get(&(d.unit, d.period));
            let (n, s) = cur.map_or((0, Decimal::ZERO), |c| (c.assignments, c.score_sum));
            let assignments = n + d.assignments;
            let Some(score_sum) = s.checked_add(d.score_sum) else {
                return recompute_in(tx).await;
            };
            if assignments < 0 || (cur.is_none() && d.assignments <= 0) {
                return recompute_in(tx).await;
            }
            rows.push(RegionMonth {
                assignments,
                score_sum,
                ..d
            });
        }
        tx.set_rollup_regions(&rows).await?;
        Ok(())
    }
}

/// Rebuilds the whole roll-up in its own transaction.
pub async fn recompute(store: &Store, actor: &Actor) -> Result<(), AppError> {
    let mut tx = store.begin(actor).await?;
    recompute_in(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Brings the roll-up up to date after `report` was accepted inside `tx` (the report must
/// already be marked accepted there, under its assignment's lock). Only the months and
/// regions the report changes are touched; a missing row means the roll-up is behind the
/// assignments, and it is rebuilt.
///
/// **Lock order.** Rows are updated month by month, each month's target row first, then its
/// regions nearest first (county, city, province): an order every accept follows, so on
/// PostgreSQL, where each update holds its row's lock to the commit, two accepts never wait on
/// each other in a circle.
pub async fn apply_accept(tx: &mut Tx, report: &Report) -> Result<(), AppError> {
    let ctx = tx.assignment_context(report.assignment).await?;
    let a = &ctx.assignment;
    if a.quota.is_none() {
        let siblings = tx.assignments_of_target(a.target).await?;
        if siblings.iter().any(|s| s.quota.is_some()) || a.role != AssignmentRole::Lead {
            return Ok(()); // a lead of a split target: its shares carry the roll-up
        }
    }
    let goal = Goal::for_assignment(&ctx.target, a);
    let year = goal.year();
    let history: Vec<AcceptedValue> = tx
        .reports_of_assignment(a.id)
        .await?
        .into_iter()
        .filter(|r| r.status == ReportStatus::Accepted)
        .map(|r| AcceptedValue {
            assignment: r.assignment,
            period: r.period,
            revision: r.revision,
            value: r.cumulative,
            stage: r.stage,
        })
        .collect();
    let before: Vec<AcceptedValue> = history
        .iter()
        .copied()
        .filter(|v| !(v.period == report.period && v.revision == report.revision))
        .collect();
    let (old, old_rep) = monthly_values(year, ctx.target.kind, &before);
    let (new, new_rep) = monthly_values(year, ctx.target.kind, &history);
    let too_large = || AppError::Invalid {
        field: "value".into(),
        reason: "数值过大,无法汇总 / the value is too large to roll up".into(),
    };
    for m in 0..12 {
        let (d_actual, d_rep) = (
            new[m].checked_sub(old[m]).ok_or_else(too_large)?,
            i64::from(new_rep[m]) - i64::from(old_rep[m]),
        );
        if d_actual.is_zero() && d_rep == 0 {
            continue;
        }
        if !tx
            .add_to_target_month(a.target, month(year, m), d_actual, d_rep)
            .await?
        {
            return recompute_in(tx).await;
        }
        let d_score = score(ctx.target.kind, &goal, new[m])
            .checked_sub(score(ctx.target.kind, &goal, old[m]))
            .ok_or_else(too_large)?;
        if d_score.is_zero() {
            continue;
        }
        for r in &ctx.regions {
            if !tx
                .add_to_region_month(*r, ctx.section, month(year, m), d_score)
                .await?
            {
                return recompute_in(tx).await;
            }
        }
    }
    Ok(())
}

/// The office dashboard's figures for one month: every target (with its plan's owner) and
/// every city-level region per section — read from the materialized roll-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dashboard {
    /// The month.
    pub period: Period,
    /// Per target.
    pub targets: Vec<OwnedTargetMonth>,
    /// Per city (地级市/州) and section.
    pub regions: Vec<NumberedRegionMonth>,
}

impl Dashboard {
    /// Σ of the targets' actuals.
    pub fn sum_actual(&self) -> Decimal {
        minsheng_domain::quantity::saturating_sum(self.targets.iter().map(|t| t.row.actual))
    }

    /// Σ of the targets' quotas.
    pub fn sum_quota(&self) -> Decimal {
        minsheng_domain::quantity::saturating_sum(self.targets.iter().map(|t| t.row.quota))
    }

    /// Assignments with no accepted report for the month itself.
    pub fn sum_missing(&self) -> i64 {
        self.targets
            .iter()
            .map(|t| t.row.assignments - t.row.reported)
            .sum()
    }

    /// Mean capped completion over all assignments of the city-level regions.
    pub fn mean_completion(&self) -> f64 {
        let n: i64 = self.regions.iter().map(|r| r.row.assignments).sum();
        let s =
            minsheng_domain::quantity::saturating_sum(self.regions.iter().map(|r| r.row.score_sum));
        if n == 0 {
            return 0.0;
        }
        (s / Decimal::from(n)).try_into().unwrap_or(0.0)
    }
}

/// The dashboard for `period`.
pub async fn dashboard(store: &Store, period: Period) -> Result<Dashboard, AppError> {
    Ok(Dashboard {
        period,
        targets: store.rollup_targets_by_owner(period).await?,
        regions: store.rollup_regions_of_kind(UnitKind::City, period).await?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use minsheng_domain::effective::{is_reported, value_at};
    use proptest::prelude::*;

    fn report(period: Period, revision: u32, value: Option<i64>, status: ReportStatus) -> Report {
        Report {
            id: ReportId(0),
            assignment: AssignmentId(1),
            period,
            revision,
            cumulative: value.map(Decimal::from),
            stage: None,
            funds_spent: None,
            narrative: String::new(),
            status,
            return_reason: None,
            filed_by: String::new(),
            filed_at: jiff::Timestamp::UNIX_EPOCH,
            reviewed_by: None,
            reviewed_at: None,
        }
    }

    fn any_period() -> impl Strategy<Value = Period> {
        prop_oneof![
            (1i8..=12).prop_map(|month| Period::Month { year: 2023, month }),
            (1i8..=4).prop_map(|quarter| Period::Quarter {
                year: 2023,
                quarter
            }),
            (1i8..=2).prop_map(|half| Period::Half { year: 2023, half }),
            Just(Period::Month {
                year: 2022,
                month: 12
            }),
        ]
    }

    proptest! {
        /// The roll-up's month array follows the domain's rule for the value at a period.
        #[test]
        fn months_agree_with_the_domain_rule(
            rs in proptest::collection::vec((any_period(), 1u32..3, proptest::option::of(0i64..1000), 0u8..3), 0..12)
        ) {
            let reports: Vec<Report> = rs.iter().map(|(p, rev, v, s)| {
                let status = [ReportStatus::Accepted, ReportStatus::Returned, ReportStatus::Submitted][*s as usize];
                report(*p, *rev, *v, status)
            }).collect();
            let mut accepted: Vec<AcceptedValue> = reports.iter()
                .filter(|r| r.status == ReportStatus::Accepted)
                .map(|r| AcceptedValue { assignment: r.assignment, period: r.period, revision: r.revision, value: r.cumulative, stage: r.stage })
                .collect();
            accepted.sort_by_key(|a| (a.period, a.revision));
            let (values, reported) = monthly_values(2023, TargetKind::Quantity, &accepted);
            for m in 0..12 {
                let at = month(2023, m);
                prop_assert_eq!(values[m], value_at(&reports, AssignmentId(1), at));
                prop_assert_eq!(reported[m], is_reported(&reports, AssignmentId(1), at));
            }
        }
    }

    fn v(period: &str, revision: u32, value: i64) -> AcceptedValue {
        AcceptedValue {
            assignment: AssignmentId(1),
            period: period.parse().unwrap(),
            revision,
            value: Some(value.into()),
            stage: None,
        }
    }

    #[test]
    fn values_carry_forward_and_the_highest_revision_counts() {
        let (values, reported) = monthly_values(
            2023,
            TargetKind::Quantity,
            &[
                v("2023-02", 1, 10),
                v("2023-04", 1, 30),
                v("2023-04", 2, 25),
            ],
        );
        let got: Vec<i64> = values.iter().map(|d| i64::try_from(*d).unwrap()).collect();
        assert_eq!(got, [0, 10, 10, 25, 25, 25, 25, 25, 25, 25, 25, 25]);
        assert_eq!(reported.iter().filter(|r| **r).count(), 2);
        assert!(reported[1] && reported[3] && !reported[2]);
    }
}
