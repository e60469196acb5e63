//! Decomposition (责任分工): a target's lead unit, its partners, and its split into quotas
//! over regions — checked before anything is written.
//!
//! **Rules.** Every unit must lie within the unit that owns the plan (a provincial list is
//! split over that province's cities and departments, never another province's). Quotas go
//! to regions, not departments. A unit appears once. The quotas must satisfy
//! [`minsheng_domain::split::check_split`]: a count's quotas add up to the target (`ge`,
//! `eq`), stay within a cap (`le`) or within the tolerance (`approx`); a rate's quota is a
//! level at least as strict as the target's. A split that does not satisfy it is refused with
//! the difference, never silently accepted.
//!
//! **Changing a decomposition.** Units kept get their new role and quota; new units are
//! added; a unit dropped is removed only if it has filed nothing (its reports are history).
//! The roll-up is rebuilt in the same transaction.

use crate::error::AppError;
use minsheng_domain::*;
use minsheng_store::{NewAssignment, Store};
use rust_decimal::Decimal;
use std::collections::HashSet;

/// A region's share of a target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Share {
    /// The region.
    pub unit: UnitId,
    /// Its quota, in the target's unit.
    pub quota: Decimal,
    /// Funds budgeted for it (资金落实), in 元.
    pub budget: Option<Decimal>,
}

/// Who carries a target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decomposition {
    /// The target.
    pub target: TargetId,
    /// The lead unit (牵头单位), answering for the whole.
    pub lead: UnitId,
    /// Partner units (配合单位) without a quota.
    pub partners: Vec<UnitId>,
    /// The regional quotas; empty when the target is not split.
    pub shares: Vec<Share>,
    /// Funds budgeted for the lead's own work, in 元.
    pub lead_budget: Option<Decimal>,
}

fn invalid(field: &str, reason: String) -> AppError {
    AppError::Invalid {
        field: field.into(),
        reason,
    }
}

/// Sets (or changes) who carries a target, all or nothing.
pub async fn assign(
    store: &Store,
    actor: &Actor,
    d: &Decomposition,
) -> Result<Vec<AssignmentId>, AppError> {
    let target = store.target(d.target).await?;
    let (_, plan_id) = store.item(target.item).await?;
    let plan = store.plan(plan_id).await?;
    let tree = store.unit_tree().await?;
    let name = |u: UnitId| {
        tree.get(u)
            .map(|u| u.name.clone())
            .unwrap_or_else(|| format!("#{u}"))
    };
    let owner = name(plan.owner);

    let mut seen = HashSet::new();
    let everyone = std::iter::once(d.lead)
        .chain(d.partners.iter().copied())
        .chain(d.shares.iter().map(|s| s.unit));
    for u in everyone {
        if tree.get(u).is_none() {
            return Err(invalid(
                "unit",
                format!("单位 {u} 不存在 / unit {u} does not exist"),
            ));
        }
        if !tree.is_within(u, plan.owner) {
            return Err(invalid(
                "unit",
                format!(
                    "{} 不在计划所属单位 {owner} 的范围内 / {} is outside {owner}, which owns the plan",
                    name(u),
                    name(u)
                ),
            ));
        }
        if !seen.insert(u) {
            return Err(invalid(
                "unit",
                format!("{} 重复出现 / {} appears twice", name(u), name(u)),
            ));
        }
    }
    for s in &d.shares {
        if tree
            .get(s.unit)
            .is_some_and(|u| u.kind == UnitKind::Department)
        {
            return Err(invalid(
                "quota",
                format!(
                    "任务量只分解到地区,{} 是部门 / quotas go to regions; {} is a department",
                    name(s.unit),
                    name(s.unit)
                ),
            ));
        }
    }
    let budgets = d
        .shares
        .iter()
        .map(|s| (s.unit, s.budget))
        .chain([(d.lead, d.lead_budget)]);
    for (u, b) in budgets {
        if b.is_some_and(|b| b.is_sign_negative()) {
            return Err(invalid(
                "budget",
                format!(
                    "{} 的预算不能为负 / {}'s budget cannot be negative",
                    name(u),
                    name(u)
                ),
            ));
        }
        if let Some(Err(e)) = b.map(|b| minsheng_domain::check_report_value(b, "元")) {
            return Err(invalid("budget", format!("{}:{e}", name(u))));
        }
    }
    for s in &d.shares {
        // A negative quota is the split rule's to refuse, with its own message.
        if let Err(e) = minsheng_domain::check_report_value(s.quota, &target.quantity.unit)
            && !s.quota.is_sign_negative()
        {
            return Err(invalid("quota", format!("{}:{e}", name(s.unit))));
        }
    }
    if !d.shares.is_empty() {
        let quotas: Vec<Decimal> = d.shares.iter().map(|s| s.quota).collect();
        check_split(&target, &quotas, Thresholds::default().approx_tolerance())
            .map_err(|e| invalid("quota", e.to_string()))?;
    }

    // (unit, role, quota, budget)
    type Wanted = (UnitId, AssignmentRole, Option<Decimal>, Option<Decimal>);
    let mut wanted: Vec<Wanted> = vec![(d.lead, AssignmentRole::Lead, None, d.lead_budget)];
    wanted.extend(
        d.partners
            .iter()
            .map(|u| (*u, AssignmentRole::Partner, None, None)),
    );
    wanted.extend(
        d.shares
            .iter()
            .map(|s| (s.unit, AssignmentRole::Partner, Some(s.quota), s.budget)),
    );

    let mut tx = store.begin(actor).await?;
    let existing = tx.assignments_of_target(d.target).await?;
    let mut ids = Vec::new();
    for (unit, role, quota, budget) in &wanted {
        match existing.iter().find(|a| a.unit == *unit) {
            Some(a) => {
                if a.role != *role || a.quota != *quota || a.budget != *budget {
                    tx.update_assignment(a.id, *role, *quota, *budget).await?;
                }
                ids.push(a.id);
            }
            None => ids.push(
                tx.insert_assignment(&NewAssignment {
                    target: d.target,
                    unit: *unit,
                    role: *role,
                    quota: *quota,
                    budget: *budget,
                })
                .await?,
            ),
        }
    }
    for a in existing
        .iter()
        .filter(|a| !wanted.iter().any(|w| w.0 == a.unit))
    {
        match tx.delete_assignment(a.id).await {
            Ok(()) => {}
            Err(minsheng_store::StoreError::Integrity { .. }) => {
                return Err(invalid(
                    "unit",
                    format!(
                        "{} 已报送过进展,不能移出分工 / {} has filed reports and cannot be dropped",
                        name(a.unit),
                        name(a.unit)
                    ),
                ));
            }
            Err(e) => return Err(e.into()),
        }
    }
    crate::rollup::recompute_in(&mut tx).await?;
    tx.commit().await?;
    Ok(ids)
}

/// An assignment's schedule (进度安排) as the office sets it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScheduleInput {
    /// Linear over the plan year (序时进度): the default.
    Linear,
    /// Cumulative values expected by the end of given months or quarters.
    Points(Vec<SchedulePoint>),
    /// Dated milestones, each with a value or a stage.
    Milestones(Vec<minsheng_domain::schedule::Milestone>),
}

/// Sets an assignment's schedule, checked against its goal (values rise towards it, stages go
/// forward, dates lie in the plan year) before anything is written.
pub async fn set_schedule(
    store: &Store,
    actor: &Actor,
    assignment: AssignmentId,
    schedule: &ScheduleInput,
) -> Result<(), AppError> {
    use minsheng_domain::schedule::{MilestoneSchedule, PointSchedule};
    let a = store.assignment(assignment).await?;
    let target = store.target(a.target).await?;
    let goal = Goal::for_assignment(&target, &a);
    let bad = |e: minsheng_domain::schedule::ScheduleError| invalid("schedule", e.to_string());
    let (points, milestones) = match schedule {
        ScheduleInput::Linear => (Vec::new(), Vec::new()),
        ScheduleInput::Points(p) => {
            PointSchedule::new(p.clone(), &goal).map_err(bad)?;
            (p.clone(), Vec::new())
        }
        ScheduleInput::Milestones(m) => {
            MilestoneSchedule::new(goal.year(), m.clone()).map_err(bad)?;
            (Vec::new(), m.clone())
        }
    };
    let mut tx = store.begin(actor).await?;
    tx.set_schedule(assignment, &points).await?;
    tx.set_milestones(assignment, &milestones).await?;
    tx.commit().await?;
    Ok(())
}
