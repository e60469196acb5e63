//! 催报: the office's list of the units and shares that have not reported for a month, and the
//! reminder it records for one share, all of a unit's, or all listed. A share is outstanding
//! while no revision of its report for the month is submitted or accepted (the domain's
//! [`minsheng_domain::not_reported`]); its due date and days late are the domain's
//! [`ReportingRule`]'s. A reminder is recorded at most once per share, month and day, in one
//! audited transaction; the unit sees it at the top of its workspace until it files
//! ([`crate::workspace::Workspace::chased`]). Delivery by e-mail comes with the job queue.

use crate::accounts::ensure;
use crate::error::AppError;
use jiff::civil::Date;
use minsheng_domain::{
    Account, Action, Actor, Assignment, AssignmentId, OrgUnit, Period, Plan, PlanId, ReportStatus,
    ReportingRule, UnitId, not_reported,
};
use minsheng_store::{PlacedAssignment, ReportReminder, Store};
use std::collections::HashMap;

/// One share not reported.
#[derive(Debug, Clone)]
pub struct Share {
    /// The share with its target.
    pub placed: PlacedAssignment,
    /// Its latest revision's status for the month: `None` (nothing), a draft, or a return
    /// not yet refiled.
    pub status: Option<ReportStatus>,
    /// Days past the due date (negative: days left).
    pub days_late: i32,
    /// The latest 催报 of this share and month, if any.
    pub last_chased: Option<ReportReminder>,
    /// How many days it was chased on.
    pub times_chased: usize,
}

/// A unit with its shares not reported.
#[derive(Debug, Clone)]
pub struct UnitShares {
    /// The unit.
    pub unit: OrgUnit,
    /// Its shares not reported, in plan order.
    pub shares: Vec<Share>,
}

/// The office's 催报 list for a plan and month.
#[derive(Debug, Clone)]
pub struct ChaseList {
    /// Every plan, to choose from.
    pub plans: Vec<Plan>,
    /// The plan shown (`None` when there is no plan at all).
    pub plan: Option<PlanId>,
    /// The month.
    pub period: Period,
    /// When the month's reports are due.
    pub due: Date,
    /// How many shares the plan has.
    pub shares: usize,
    /// The units with shares not reported, in the order of their first share in the plan.
    pub units: Vec<UnitShares>,
}

impl ChaseList {
    /// How many shares are not reported.
    pub fn missing(&self) -> usize {
        self.units.iter().map(|u| u.shares.len()).sum()
    }
}

/// Which shares to chase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// One share.
    Share(AssignmentId),
    /// Every share of one unit not reported.
    Unit(UnitId),
    /// Every share listed.
    All,
}

/// What a 催报 recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Chased {
    /// Reminders recorded now.
    pub recorded: usize,
    /// Shares already chased today (nothing added).
    pub already: usize,
}

fn invalid(field: &str, reason: impl Into<String>) -> AppError {
    AppError::Invalid {
        field: field.to_string(),
        reason: reason.into(),
    }
}

/// The units and shares of `plan` (by default, the first plan of the month's year) that have
/// not reported for `period`, a month that has begun by `today`; the office only.
pub async fn chase_list(
    store: &Store,
    account: &Account,
    plan: Option<PlanId>,
    period: Period,
    today: Date,
) -> Result<ChaseList, AppError> {
    ensure(account, Action::Remind)?;
    if !matches!(period, Period::Month { .. }) || period.first_day() > today {
        return Err(invalid(
            "period",
            format!(
                "{} 不是已开始的月份 / {period} is not a month that has begun",
                period.label_zh()
            ),
        ));
    }
    let plans = store.plans().await?;
    let plan = match plan {
        Some(p) => Some(store.plan(p).await?.id),
        None => plans
            .iter()
            .find(|p| p.year == period.year())
            .or(plans.first())
            .map(|p| p.id),
    };
    let rule = ReportingRule::default();
    let due = rule.due_date(period);
    let Some(plan_id) = plan else {
        return Ok(ChaseList {
            plans,
            plan,
            period,
            due,
            shares: 0,
            units: Vec::new(),
        });
    };
    let placed = store.placed_assignments_of_plan(plan_id).await?;
    let reports = store.reports_of_plan_in(plan_id, period).await?;
    let chases = store.report_reminders_of_plan(plan_id, period).await?;
    let tree = store.unit_tree().await?;
    let assignments: Vec<Assignment> = placed.iter().map(|p| p.assignment.clone()).collect();
    let by_id: HashMap<AssignmentId, &PlacedAssignment> =
        placed.iter().map(|p| (p.assignment.id, p)).collect();
    // Reports come by assignment then revision: the last one seen is the latest.
    let latest: HashMap<AssignmentId, ReportStatus> =
        reports.iter().map(|r| (r.assignment, r.status)).collect();
    let days_late = due.until(today).map(|s| s.get_days()).unwrap_or(0);
    let mut units: Vec<UnitShares> = Vec::new();
    let mut at: HashMap<UnitId, usize> = HashMap::new();
    for a in not_reported(&assignments, &reports, period) {
        let Some(p) = by_id.get(&a.id) else { continue };
        let of_share: Vec<&ReportReminder> =
            chases.iter().filter(|c| c.assignment == a.id).collect();
        let share = Share {
            placed: (*p).clone(),
            status: latest.get(&a.id).copied(),
            days_late,
            last_chased: of_share.first().map(|c| (*c).clone()),
            times_chased: of_share.len(),
        };
        let k = *at.entry(a.unit).or_insert_with(|| {
            units.push(UnitShares {
                unit: tree.get(a.unit).cloned().unwrap_or_else(|| OrgUnit {
                    id: a.unit,
                    parent: None,
                    kind: minsheng_domain::UnitKind::Department,
                    name: a.unit.to_string(),
                    code: None,
                }),
                shares: Vec::new(),
            });
            units.len() - 1
        });
        units[k].shares.push(share);
    }
    Ok(ChaseList {
        plans,
        plan,
        period,
        due,
        shares: assignments.len(),
        units,
    })
}

/// Records a 催报 for the shares of `scope` among those of `plan` not reported for `period`,
/// dated `today`, in one transaction with one audit event per reminder recorded. A share
/// chased already today is counted, not chased again; a share that has reported meanwhile (or
/// is not listed) is not chased. The office only.
pub async fn chase(
    store: &Store,
    account: &Account,
    plan: PlanId,
    period: Period,
    scope: Scope,
    today: Date,
) -> Result<Chased, AppError> {
    let list = chase_list(store, account, Some(plan), period, today).await?;
    let targets: Vec<AssignmentId> = list
        .units
        .iter()
        .filter(|u| match scope {
            Scope::Unit(id) => u.unit.id == id,
            Scope::Share(_) | Scope::All => true,
        })
        .flat_map(|u| u.shares.iter().map(|s| s.placed.assignment.id))
        .filter(|a| match scope {
            Scope::Share(id) => *a == id,
            Scope::Unit(_) | Scope::All => true,
        })
        .collect();
    if targets.is_empty() {
        return Err(invalid(
            "scope",
            "所选范围内没有未报送的任务,未催报 / nothing in the chosen scope is outstanding: nobody was chased",
        ));
    }
    let (st, actor) = (store.clone(), Actor::new(&account.name));
    store
        .writing(async move {
            let mut tx = st.begin(&actor).await?;
            let mut done = Chased::default();
            for a in targets {
                if tx.insert_report_reminder(a, period, today).await? {
                    done.recorded += 1;
                } else {
                    done.already += 1;
                }
            }
            tx.commit().await?;
            Ok(done)
        })
        .await
}
