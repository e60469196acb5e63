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
//! **What a target is.** A count is divided; a level — a rate, a time limit, a standard
//! such as "补助标准达到户均800元" — is repeated, every unit held to it
//! ([`Target::accrual`]). The office may say which a target is ([`Decomposition::accrual`],
//! audited as a change of the target): a level in a unit that does not add up (%, 倍) can
//! never be made a count.
//!
//! **Where an error is.** A refusal names its field by place: `lead`, `lead_budget`,
//! `partners[i]`, `shares[i].unit`, `shares[i].quota`, `shares[i].budget`, `accrual`, and
//! `quota` for the split as a whole (a sum that does not match the target).
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
    /// What the target is held as from now on — a count divided among the shares, or a
    /// level every share is held to; `None` leaves it as it is.
    pub accrual: Option<Accrual>,
}

/// [`assign`] for a signed-in account, which must be allowed to decompose targets.
pub async fn assign_as(
    store: &Store,
    account: &Account,
    d: &Decomposition,
) -> Result<Vec<AssignmentId>, AppError> {
    crate::accounts::ensure(account, Action::Decompose)?;
    assign(store, &Actor::new(account.name.clone()), d).await
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
    let mut target = store.target(d.target).await?;
    let (_, plan_id) = store.item(target.item).await?;
    let plan = store.plan(plan_id).await?;
    let tree = store.unit_tree().await?;
    let name = |u: UnitId| {
        tree.get(u)
            .map(|u| u.name.clone())
            .unwrap_or_else(|| format!("#{u}"))
    };
    let owner = name(plan.owner);

    let changed_accrual = match d.accrual {
        Some(a) if a != target.accrual() || target.accrual_set.is_none() => {
            if a == Accrual::Cumulative && !target.quantity.is_additive() {
                return Err(invalid(
                    "accrual",
                    format!(
                        "{}以“{}”计,是比率或时限,不能作为数量分摊 / {} is a rate or time limit ('{}'), never a count to divide",
                        target.quantity,
                        target.quantity.unit,
                        target.quantity,
                        target.quantity.unit
                    ),
                ));
            }
            if target.is_qualitative() {
                return Err(invalid(
                    "accrual",
                    "定性事项按阶段报告,没有数量或水平可选 / a qualitative item is reported by stage"
                        .to_string(),
                ));
            }
            target.accrual_set = Some(a);
            true
        }
        _ => false,
    };

    let mut seen = HashSet::new();
    let everyone = std::iter::once((d.lead, "lead".to_string()))
        .chain(
            d.partners
                .iter()
                .enumerate()
                .map(|(i, u)| (*u, format!("partners[{i}]"))),
        )
        .chain(
            d.shares
                .iter()
                .enumerate()
                .map(|(i, s)| (s.unit, format!("shares[{i}].unit"))),
        );
    for (u, field) in everyone {
        if tree.get(u).is_none() {
            return Err(invalid(
                &field,
                format!("单位 {u} 不存在 / unit {u} does not exist"),
            ));
        }
        if !tree.is_within(u, plan.owner) {
            return Err(invalid(
                &field,
                format!(
                    "{} 不在计划所属单位 {owner} 的范围内 / {} is outside {owner}, which owns the plan",
                    name(u),
                    name(u)
                ),
            ));
        }
        if !seen.insert(u) {
            return Err(invalid(
                &field,
                format!("{} 重复出现 / {} appears twice", name(u), name(u)),
            ));
        }
    }
    for (i, s) in d.shares.iter().enumerate() {
        if tree
            .get(s.unit)
            .is_some_and(|u| u.kind == UnitKind::Department)
        {
            return Err(invalid(
                &format!("shares[{i}].unit"),
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
        .enumerate()
        .map(|(i, s)| (s.unit, s.budget, format!("shares[{i}].budget")))
        .chain([(d.lead, d.lead_budget, "lead_budget".to_string())]);
    for (u, b, field) in budgets {
        if b.is_some_and(|b| b.is_sign_negative()) {
            return Err(invalid(
                &field,
                format!(
                    "{} 的预算不能为负 / {}'s budget cannot be negative",
                    name(u),
                    name(u)
                ),
            ));
        }
        if let Some(Err(e)) = b.map(|b| minsheng_domain::check_report_value(b, "元")) {
            return Err(invalid(&field, format!("{}:{e}", name(u))));
        }
    }
    for (i, s) in d.shares.iter().enumerate() {
        // A negative quota is the split rule's to refuse, with its own message.
        if let Err(e) = minsheng_domain::check_report_value(s.quota, &target.quantity.unit)
            && !s.quota.is_sign_negative()
        {
            return Err(invalid(
                &format!("shares[{i}].quota"),
                format!("{}:{e}", name(s.unit)),
            ));
        }
    }
    if !d.shares.is_empty() {
        let quotas: Vec<Decimal> = d.shares.iter().map(|s| s.quota).collect();
        check_split(&target, &quotas, Thresholds::default().approx_tolerance()).map_err(|e| {
            let field = match &e {
                SplitError::Negative { index, .. }
                | SplitError::Fraction { index, .. }
                | SplitError::LooserShare { index, .. } => format!("shares[{index}].quota"),
                _ => "quota".to_string(),
            };
            let who = match &e {
                SplitError::Negative { index, .. }
                | SplitError::Fraction { index, .. }
                | SplitError::LooserShare { index, .. } => d
                    .shares
                    .get(*index)
                    .map(|s| format!("{}:", name(s.unit)))
                    .unwrap_or_default(),
                _ => String::new(),
            };
            invalid(&field, format!("{who}{e}"))
        })?;
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
    // Only this target's part of the roll-up is rebuilt (issue #16 item 4).
    let rollup = crate::rollup::Local::begin(&mut tx, d.target).await?;
    if changed_accrual {
        tx.update_target(
            d.target,
            &minsheng_store::TargetChange {
                accrual_set: Some(target.accrual_set),
                ..Default::default()
            },
        )
        .await?;
    }
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
    rollup.finish(&mut tx).await?;
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
/// forward, dates lie in the plan year and not after the target's deadline) before anything
/// is written.
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
    minsheng_domain::implementation::check_deadline(&points, &milestones, goal.deadline)
        .map_err(|e| invalid("schedule", e.to_string()))?;
    let mut tx = store.begin(actor).await?;
    tx.lock_assignment(assignment).await?;
    tx.set_schedule(assignment, &points).await?;
    tx.set_milestones(assignment, &milestones).await?;
    tx.commit().await?;
    Ok(())
}

/// The name of the weight "resident population" (常住人口), in people.
pub const POPULATION: &str = minsheng_store::POPULATION;

/// What the decomposition page shows for one target: the target in its plan, who carries it
/// now, and the units it may go to.
#[derive(Debug, Clone)]
pub struct DecompositionView {
    /// The plan.
    pub plan: Plan,
    /// The item the target belongs to.
    pub item: Item,
    /// The target.
    pub target: Target,
    /// The lead now, with its budget.
    pub lead: Option<(UnitId, Option<Decimal>)>,
    /// The partners now (units without a quota that are not the lead).
    pub partners: Vec<UnitId>,
    /// The regional shares now.
    pub shares: Vec<Share>,
    /// The regions a share may go to: the plan owner's sub-regions, then any other region
    /// holding a share now.
    pub regions: Vec<OrgUnit>,
    /// The units that may lead or partner: everything within the plan's owner, departments
    /// first.
    pub units: Vec<OrgUnit>,
    /// Other targets whose split may be copied or followed in proportion: this plan's, then
    /// those of the owner's other plans (last year's), newest first.
    pub others: Vec<OtherTarget>,
    /// The named weights with data for at least one of [`Self::regions`].
    pub weights: Vec<&'static str>,
}

/// A target whose split another may follow.
#[derive(Debug, Clone)]
pub struct OtherTarget {
    /// The target.
    pub target: Target,
    /// Whether it is split over regions (only then can it be followed).
    pub split: bool,
    /// The year of its plan.
    pub year: i16,
    /// Whether it is in the same plan.
    pub same_plan: bool,
}

/// The decomposition page's data for an account that may decompose targets.
pub async fn view(
    store: &Store,
    account: &Account,
    id: TargetId,
) -> Result<DecompositionView, AppError> {
    crate::accounts::ensure(account, Action::Decompose)?;
    let target = store.target(id).await?;
    let (item, plan_id) = store.item(target.item).await?;
    let plan = store.plan(plan_id).await?;
    let tree = store.unit_tree().await?;
    let assignments = store.assignments_of_target(id).await?;
    let lead = assignments
        .iter()
        .find(|a| a.role == AssignmentRole::Lead)
        .map(|a| (a.unit, a.budget));
    let partners = assignments
        .iter()
        .filter(|a| a.role == AssignmentRole::Partner && a.quota.is_none())
        .map(|a| a.unit)
        .collect();
    let shares: Vec<Share> = assignments
        .iter()
        .filter_map(|a| {
            a.quota.map(|quota| Share {
                unit: a.unit,
                quota,
                budget: a.budget,
            })
        })
        .collect();
    let mut regions: Vec<OrgUnit> = tree.sub_regions(plan.owner).cloned().collect();
    for s in &shares {
        if !regions.iter().any(|r| r.id == s.unit)
            && let Some(u) = tree.get(s.unit)
        {
            regions.push(u.clone());
        }
    }
    let mut units: Vec<OrgUnit> = tree
        .units()
        .iter()
        .filter(|u| tree.is_within(u.id, plan.owner))
        .cloned()
        .collect();
    units.sort_by_key(|u| (u.kind != UnitKind::Department, u.kind.region_depth(), u.id));
    // This plan first, then the owner's other plans, newest first (last year's shares).
    let mut plans: Vec<Plan> = store
        .plans()
        .await?
        .into_iter()
        .filter(|p| p.owner == plan.owner)
        .collect();
    plans.sort_by_key(|p| (p.id != plan_id, std::cmp::Reverse(p.year), p.id));
    let mut others = Vec::new();
    for p in &plans {
        let split_targets: HashSet<TargetId> = store
            .assignments_of_plan(p.id)
            .await?
            .into_iter()
            .filter(|a| a.quota.is_some())
            .map(|a| a.target)
            .collect();
        for t in store.targets(p.id).await? {
            if t.id == id || t.is_qualitative() {
                continue;
            }
            let split = split_targets.contains(&t.id);
            if p.id != plan_id && !split {
                continue;
            }
            others.push(OtherTarget {
                target: t,
                split,
                year: p.year,
                same_plan: p.id == plan_id,
            });
        }
    }
    let population = store.unit_weights(minsheng_store::POPULATION).await?;
    let weights = if regions.iter().any(|r| population.contains_key(&r.id)) {
        vec![minsheng_store::POPULATION]
    } else {
        Vec::new()
    };
    Ok(DecompositionView {
        plan,
        item,
        target,
        lead,
        partners,
        shares,
        regions,
        units,
        others,
        weights,
    })
}

/// What a proposed split is in proportion to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WeightSource {
    /// A named weight of the regions, such as [`minsheng_store::POPULATION`].
    Named(&'static str),
    /// The same share for every region.
    Equal,
    /// Another target's split (last year's, or a like target's): the same regions, in the
    /// same proportions — its very quotas when the two targets are equal.
    Target(TargetId),
    /// Weights the office uploaded by region (a column of a spreadsheet:
    /// [`crate::split_sheet::read_weights`]).
    Given(Vec<(UnitId, u64)>),
}

/// A split of `view`'s target proposed in proportion to `source`, for the office to check
/// and save: a count divided (in whole numbers when it counts things, largest remainder
/// first), a level repeated. Budgets are kept where a region had one. Nothing is written.
pub async fn propose(
    store: &Store,
    view: &DecompositionView,
    source: WeightSource,
) -> Result<Vec<Share>, AppError> {
    let (units, weights): (Vec<UnitId>, Vec<u64>) = match source {
        WeightSource::Named(name) => {
            let w = store.unit_weights(name).await?;
            view.regions
                .iter()
                .filter_map(|r| w.get(&r.id).map(|v| (r.id, *v)))
                .unzip()
        }
        WeightSource::Equal => view.regions.iter().map(|r| (r.id, 1)).unzip(),
        WeightSource::Given(given) => given.into_iter().unzip(),
        WeightSource::Target(other) => {
            let quotas: Vec<(UnitId, Decimal)> = store
                .assignments_of_target(other)
                .await?
                .into_iter()
                .filter_map(|a| a.quota.map(|q| (a.unit, q)))
                .collect();
            // Whole-number weights in the same proportions: scaled by the finest fraction.
            let places = quotas
                .iter()
                .map(|(_, q)| q.normalize().scale())
                .max()
                .unwrap_or(0)
                .min(6);
            let scale = Decimal::from(10u64.pow(places));
            quotas
                .into_iter()
                .filter_map(|(u, q)| {
                    let w = q
                        .checked_mul(scale)?
                        .trunc()
                        .to_string()
                        .parse::<u64>()
                        .ok()?;
                    Some((u, w))
                })
                .unzip()
        }
    };
    if units.is_empty() || weights.iter().all(|w| *w == 0) {
        return Err(invalid(
            "weights",
            "所选依据没有可用的数据,无法按比例分解 / the chosen basis has no data to split by"
                .to_string(),
        ));
    }
    let quotas = shares_by_weights(&view.target, &weights).ok_or_else(|| {
        invalid(
            "weights",
            format!(
                "目标{}不能按比例分解为整数 / the target {} cannot be divided so",
                view.target.quantity, view.target.quantity
            ),
        )
    })?;
    Ok(units
        .into_iter()
        .zip(quotas)
        .filter(|(_, q)| view.target.accrual() == Accrual::Level || !q.is_zero())
        .map(|(unit, quota)| Share {
            unit,
            quota,
            budget: view
                .shares
                .iter()
                .find(|s| s.unit == unit)
                .and_then(|s| s.budget),
        })
        .collect())
}

/// How far a target is decomposed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SplitState {
    /// No unit carries it yet.
    Unassigned,
    /// A lead (and perhaps partners) carry it whole; no regional shares.
    LeadOnly,
    /// Split over regions, and the split holds under the rule.
    Split,
    /// Split over regions, but the split no longer holds (the target was corrected since).
    Broken,
}

impl SplitState {
    /// The stable code, for pages and tests.
    pub fn code(self) -> &'static str {
        match self {
            SplitState::Unassigned => "unassigned",
            SplitState::LeadOnly => "lead_only",
            SplitState::Split => "split",
            SplitState::Broken => "broken",
        }
    }
}

/// One target's row on the plan's decomposition page.
#[derive(Debug, Clone)]
pub struct TargetSplit {
    /// The target.
    pub target: Target,
    /// Its item's section number and item number.
    pub place: (u32, u32),
    /// The lead's name.
    pub lead: Option<String>,
    /// How many regional shares.
    pub shares: usize,
    /// The sum of the quotas (counts only).
    pub quota_sum: Option<Decimal>,
    /// Funds budgeted over all its assignments, in 元.
    pub budget: Decimal,
    /// Where it stands.
    pub state: SplitState,
}

/// What one unit holds in a plan.
#[derive(Debug, Clone)]
pub struct UnitHolding {
    /// The unit.
    pub unit: OrgUnit,
    /// Targets it leads.
    pub leads: usize,
    /// Targets it partners on without a quota.
    pub partners: usize,
    /// Its shares: the target and its quota.
    pub shares: Vec<(Target, Decimal)>,
    /// Funds budgeted over its assignments, in 元.
    pub budget: Decimal,
}

/// A plan's decomposition at a glance: every target's state, and what each unit holds.
#[derive(Debug, Clone)]
pub struct PlanDecomposition {
    /// The plan.
    pub plan: Plan,
    /// Every target, in plan order.
    pub targets: Vec<TargetSplit>,
    /// Every unit that holds something, departments first, then regions by name order.
    pub units: Vec<UnitHolding>,
}

impl PlanDecomposition {
    /// How many targets are in each state.
    pub fn count(&self, state: SplitState) -> usize {
        self.targets.iter().filter(|t| t.state == state).count()
    }
}

/// The plan's decomposition status, for an account that may decompose targets (the office)
/// or read everything.
pub async fn plan_status(
    store: &Store,
    account: &Account,
    plan_id: PlanId,
) -> Result<PlanDecomposition, AppError> {
    crate::accounts::ensure(account, Action::ViewDashboard)?;
    let plan = store.plan(plan_id).await?;
    let tree = store.unit_tree().await?;
    let sections = store.sections(plan_id).await?;
    let items = store.items(plan_id).await?;
    let targets = store.targets(plan_id).await?;
    let assignments = store.assignments_of_plan(plan_id).await?;
    let tolerance = Thresholds::default().approx_tolerance();
    let name = |u: UnitId| tree.get(u).map(|u| u.name.clone());
    let mut rows = Vec::new();
    for t in &targets {
        let mine: Vec<&Assignment> = assignments.iter().filter(|a| a.target == t.id).collect();
        let quotas: Vec<Decimal> = mine.iter().filter_map(|a| a.quota).collect();
        let lead = mine
            .iter()
            .find(|a| a.role == AssignmentRole::Lead)
            .and_then(|a| name(a.unit));
        let state = if mine.is_empty() {
            SplitState::Unassigned
        } else if quotas.is_empty() {
            SplitState::LeadOnly
        } else if check_split(t, &quotas, tolerance).is_ok() {
            SplitState::Split
        } else {
            SplitState::Broken
        };
        let place = items
            .iter()
            .find(|i| i.id == t.item)
            .map(|i| {
                let s = sections
                    .iter()
                    .find(|s| s.id == i.section)
                    .map_or(0, |s| s.no);
                (s, i.no)
            })
            .unwrap_or_default();
        rows.push(TargetSplit {
            target: t.clone(),
            place,
            lead,
            shares: quotas.len(),
            quota_sum: (t.accrual() == Accrual::Cumulative && !quotas.is_empty()).then(|| {
                quotas
                    .iter()
                    .fold(Decimal::ZERO, |acc, q| acc.saturating_add(*q))
            }),
            budget: mine
                .iter()
                .filter_map(|a| a.budget)
                .fold(Decimal::ZERO, Decimal::saturating_add),
            state,
        });
    }
    let mut units: Vec<UnitHolding> = Vec::new();
    for a in &assignments {
        let Some(unit) = tree.get(a.unit) else {
            continue;
        };
        let Some(t) = targets.iter().find(|t| t.id == a.target) else {
            continue;
        };
        let i = match units.iter().position(|h| h.unit.id == a.unit) {
            Some(i) => i,
            None => {
                units.push(UnitHolding {
                    unit: unit.clone(),
                    leads: 0,
                    partners: 0,
                    shares: Vec::new(),
                    budget: Decimal::ZERO,
                });
                units.len() - 1
            }
        };
        let h = &mut units[i];
        match (a.role, a.quota) {
            (AssignmentRole::Lead, _) => h.leads += 1,
            (AssignmentRole::Partner, None) => h.partners += 1,
            (AssignmentRole::Partner, Some(q)) => h.shares.push((t.clone(), q)),
        }
        h.budget = h.budget.saturating_add(a.budget.unwrap_or_default());
    }
    units.sort_by_key(|h| {
        (
            h.unit.kind != UnitKind::Department,
            h.unit.kind.region_depth(),
            h.unit.id,
        )
    });
    Ok(PlanDecomposition {
        plan,
        targets: rows,
        units,
    })
}

/// The regions whose population the office enters on one page: the units directly under one
/// region (the account's own when none is asked for), with the weight each holds now.
#[derive(Debug, Clone)]
pub struct WeightsView {
    /// The region whose sub-regions are listed.
    pub parent: OrgUnit,
    /// The regions above it, from the top (to walk back up).
    pub above: Vec<OrgUnit>,
    /// Its sub-regions (departments are not weighted), each with its value now and whether it
    /// has regions under it in turn.
    pub rows: Vec<(OrgUnit, Option<u64>, bool)>,
}

/// The population page's data for `under` (or the account's unit, or the top region).
pub async fn weights(
    store: &Store,
    account: &Account,
    under: Option<UnitId>,
) -> Result<WeightsView, AppError> {
    crate::accounts::ensure(account, Action::Decompose)?;
    let tree = store.unit_tree().await?;
    let top = under
        .or(account.unit)
        .or_else(|| {
            tree.units()
                .iter()
                .find(|u| u.parent.is_none())
                .map(|u| u.id)
        })
        .ok_or(AppError::NotFound {
            what: "unit",
            id: 0,
        })?;
    crate::accounts::ensure_can_see(account, &tree, top)?;
    let parent = tree.get(top).cloned().ok_or(AppError::NotFound {
        what: "unit",
        id: top.0,
    })?;
    let values = store.unit_weights(POPULATION).await?;
    let rows = tree
        .children(top)
        .filter(|u| u.kind.region_depth().is_some())
        .map(|u| {
            let deeper = tree.children(u.id).any(|c| c.kind.region_depth().is_some());
            (u.clone(), values.get(&u.id).copied(), deeper)
        })
        .collect();
    let mut above: Vec<OrgUnit> = tree.ancestors(top).into_iter().cloned().collect();
    above.reverse();
    Ok(WeightsView {
        parent,
        above,
        rows,
    })
}

/// Sets the resident population (常住人口, in people) of regions, as the office enters them:
/// every value checked first (a region the account sees, a whole number of people), then all
/// written in one transaction, each audited on its unit. Nothing is written when one is
/// refused; the refusal names the region.
pub async fn set_population(
    store: &Store,
    account: &Account,
    values: &[(UnitId, Decimal)],
) -> Result<usize, AppError> {
    crate::accounts::ensure(account, Action::Decompose)?;
    let tree = store.unit_tree().await?;
    let mut checked = Vec::with_capacity(values.len());
    for &(unit, value) in values {
        let Some(u) = tree.get(unit).filter(|u| u.kind.region_depth().is_some()) else {
            return Err(invalid(
                "unit",
                format!("单位 {unit} 不是行政区划 / unit {unit} is not a region"),
            ));
        };
        crate::accounts::ensure_can_see(account, &tree, unit)?;
        // A whole, non-negative number of people that fits: anything else fails to parse.
        let Ok(people) = value.normalize().to_string().parse::<u32>() else {
            return Err(invalid(
                &format!("population-{unit}"),
                format!(
                    "{}的常住人口“{value}”应为不超过42.9亿的非负整数(人) / the population of {} ('{value}') must be a whole number of people",
                    u.name, u.name
                ),
            ));
        };
        checked.push((unit, people));
    }
    let (st, actor) = (store.clone(), Actor::new(&account.name));
    let n = checked.len();
    store
        .writing(async move {
            let mut tx = st.begin(&actor).await?;
            for (unit, people) in checked {
                tx.set_unit_weight(unit, POPULATION, people).await?;
            }
            tx.commit().await?;
            Ok::<(), AppError>(())
        })
        .await?;
    Ok(n)
}
