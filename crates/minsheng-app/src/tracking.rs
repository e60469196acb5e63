//! Tracking (跟踪调度): the office's view of one plan at one period — every target's
//! progress, status and forecast, every share's status, the units' ranking and reporting
//! completeness — computed from the store's records with the domain's rules.
//!
//! The figures per target are the domain's (`minsheng_domain::rollup`), computed here from
//! the reports themselves; the materialized roll-up ([`crate::rollup`]) answers the same sums
//! without reading reports, for dashboards over many plans.

use crate::error::AppError;
use jiff::civil::Date;
use minsheng_domain::schedule::{Milestone, MilestoneSchedule, PointSchedule, Schedule};
use minsheng_domain::*;
use minsheng_store::Store;
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// One target's line in the office's view.
#[derive(Debug, Clone)]
pub struct TargetTracking {
    /// The target.
    pub target: Target,
    /// Its section's ordinal.
    pub section_no: u32,
    /// Its item's number.
    pub item_no: u32,
    /// Its shares' figures summed up.
    pub rollup: TargetRollup,
    /// The target's status as a whole, against 序时进度.
    pub status: Status,
    /// Expected cumulative value by the end of the period (序时进度), for a count.
    pub expected: Option<Decimal>,
    /// The forecast for the deadline from the trend so far.
    pub forecast: Option<Forecast>,
    /// Each share's assessment (the rolled-up assignments).
    pub shares: Vec<Assessment>,
    /// Every assignment's assessment, the lead of a split target included, lead first.
    pub assessed: Vec<Assessment>,
}

/// The office's view of a plan at a period.
#[derive(Debug, Clone)]
pub struct Tracking {
    /// The plan.
    pub plan: Plan,
    /// The period looked at.
    pub period: Period,
    /// The day it is computed for (reporting due dates are judged against it).
    pub today: Date,
    /// Every target, in document order (each line shared with the part it came from).
    pub targets: Vec<Arc<TargetTracking>>,
    /// Targets by status.
    pub target_counts: StatusCounts,
    /// Shares by status, and their mean score.
    pub shares: GroupSummary,
    /// The units that hold shares, ranked by mean score.
    pub ranking: Vec<UnitRank>,
    /// Reports expected by `today` for the months up to the period, received, on time.
    pub completeness: Completeness,
    /// Reports of the period filed and waiting for review, on any of the plan's assignments:
    /// they count only once accepted.
    pub awaiting_review: i64,
}

/// One target's part of a plan's tracking: its line, the assignments that carry it and their
/// reporting completeness — what [`assemble`] sums up, and what a dashboard kept current
/// ([`crate::overview::OverviewCache`]) computes again for a target whose records changed.
#[derive(Debug, Clone)]
pub struct TargetPart {
    /// The target's line (shared with the [`Tracking`]s assembled from it, not copied).
    pub line: Arc<TargetTracking>,
    /// The assignments that carry it (its shares with a quota, else its lead).
    pub carriers: Vec<Assignment>,
    /// Their reporting completeness.
    pub completeness: Completeness,
    /// Reports of the period waiting for review on any of the target's assignments.
    pub awaiting_review: i64,
}

/// Computes the office's view of `plan` at `period` as of `today`, holding progress to
/// `thresholds` (the office's own, or [`Thresholds::default`]: 10–30 points behind 序时进度
/// is yellow, more is red).
pub async fn tracking(
    store: &Store,
    plan: PlanId,
    period: Period,
    today: Date,
    thresholds: &Thresholds,
) -> Result<Tracking, AppError> {
    let plan = store.plan(plan).await?;
    let parts = parts(store, &plan, period, today, thresholds).await?;
    let tree = store.unit_tree().await?;
    Ok(assemble(plan, period, today, &parts, &tree))
}

/// Every target's part of `plan`'s tracking at `period`, in document order, from the plan's
/// records read once.
pub async fn parts(
    store: &Store,
    plan: &Plan,
    period: Period,
    today: Date,
    thresholds: &Thresholds,
) -> Result<Vec<TargetPart>, AppError> {
    check_period(plan, period)?;
    let sections: HashMap<SectionId, u32> = store
        .sections(plan.id)
        .await?
        .into_iter()
        .map(|s| (s.id, s.no))
        .collect();
    let items: HashMap<ItemId, (u32, u32)> = store
        .items(plan.id)
        .await?
        .into_iter()
        .map(|i| (i.id, (sections.get(&i.section).copied().unwrap_or(0), i.no)))
        .collect();
    let assignments = store.assignments_of_plan(plan.id).await?;
    let mut records = Records::default();
    // Figures only: every revision of the plan is read, so not their texts.
    for r in store.report_figures_of_plan(plan.id).await? {
        records.reports.entry(r.assignment).or_default().push(r);
    }
    for (a, p) in store.schedules_of_plan(plan.id).await? {
        records.points.entry(a).or_default().push(p);
    }
    for (a, m) in store.milestones_of_plan(plan.id).await? {
        records.milestones.entry(a).or_default().push(m);
    }
    let mut by_target: HashMap<TargetId, Vec<&Assignment>> = HashMap::new();
    for a in &assignments {
        by_target.entry(a.target).or_default().push(a);
    }
    let months = months_up_to(plan.year, period);
    let at = At {
        period,
        months: &months,
        thresholds,
    };
    // A major-projects plan is tracked by its projects' investment: a project's capacities
    // are targets of its item too, but facts of the project (shown on its page), never
    // reported month by month — counted here they would stand as not reported.
    let investment: Option<HashSet<TargetId>> = if plan.kind == PlanKind::MajorProjects {
        Some(
            store
                .projects_of_plan(plan.id)
                .await?
                .into_iter()
                .filter_map(|p| p.investment_target)
                .collect(),
        )
    } else {
        None
    };
    let mut parts = Vec::new();
    for target in store.targets(plan.id).await? {
        if investment.as_ref().is_some_and(|t| !t.contains(&target.id)) {
            continue;
        }
        let list = by_target.remove(&target.id).unwrap_or_default();
        let place = items.get(&target.item).copied().unwrap_or((0, 0));
        parts.push(part(target, place, &list, &mut records, &at, today)?);
    }
    Ok(parts)
}

/// One target's part of `plan`'s tracking at `period`, from that target's records only —
/// equal to its entry in [`parts`].
pub async fn part_of_target(
    store: &Store,
    plan: &Plan,
    target: TargetId,
    period: Period,
    today: Date,
    thresholds: &Thresholds,
) -> Result<TargetPart, AppError> {
    check_period(plan, period)?;
    let target = store.target(target).await?;
    let (item, _) = store.item(target.item).await?;
    let section_no = store
        .sections(plan.id)
        .await?
        .into_iter()
        .find(|s| s.id == item.section)
        .map_or(0, |s| s.no);
    let assignments = store.assignments_of_target(target.id).await?;
    let mut records = Records::default();
    for r in store.report_figures_of_target(target.id).await? {
        records.reports.entry(r.assignment).or_default().push(r);
    }
    for (a, p) in store.schedules_of_target(target.id).await? {
        records.points.entry(a).or_default().push(p);
    }
    for (a, m) in store.milestones_of_target(target.id).await? {
        records.milestones.entry(a).or_default().push(m);
    }
    let months = months_up_to(plan.year, period);
    let at = At {
        period,
        months: &months,
        thresholds,
    };
    let list: Vec<&Assignment> = assignments.iter().collect();
    part(
        target,
        (section_no, item.no),
        &list,
        &mut records,
        &at,
        today,
    )
}

fn part(
    target: Target,
    place: (u32, u32),
    list: &[&Assignment],
    records: &mut Records,
    at: &At<'_>,
    today: Date,
) -> Result<TargetPart, AppError> {
    let awaiting_review = list
        .iter()
        .filter_map(|a| records.reports.get(&a.id))
        .flatten()
        .filter(|r| r.period == at.period && r.status == ReportStatus::Submitted)
        .count();
    let (line, carriers) = track_target(target, place, list, records, at)?;
    let completeness = completeness_of(&carriers, at.months, &records.reports, today);
    Ok(TargetPart {
        line: Arc::new(line),
        carriers,
        completeness,
        awaiting_review: i64::try_from(awaiting_review).unwrap_or(i64::MAX),
    })
}

/// The office's view of `plan` from its targets' parts (in document order): the targets by
/// status, the shares summed up, the units ranked, reporting completeness.
pub fn assemble(
    plan: Plan,
    period: Period,
    today: Date,
    parts: &[TargetPart],
    tree: &UnitTree,
) -> Tracking {
    let mut target_counts = StatusCounts::default();
    let mut units: Vec<UnitId> = Vec::new();
    let mut completeness = Completeness::default();
    let mut awaiting_review = 0i64;
    for p in parts {
        target_counts.add(p.line.status);
        awaiting_review = awaiting_review.saturating_add(p.awaiting_review);
        units.extend(p.carriers.iter().map(|a| a.unit));
        completeness.expected += p.completeness.expected;
        completeness.received += p.completeness.received;
        completeness.on_time += p.completeness.on_time;
        completeness.late += p.completeness.late;
        completeness.missing += p.completeness.missing;
    }
    units.sort();
    units.dedup();
    // The shares are read where the parts keep them, never copied into one list.
    let all_shares = || parts.iter().flat_map(|p| p.line.shares.iter());
    let ranking = rank_units(tree, &units, all_shares());
    Tracking {
        shares: summarize(all_shares()),
        plan,
        period,
        today,
        targets: parts.iter().map(|p| p.line.clone()).collect(),
        target_counts,
        ranking,
        completeness,
        awaiting_review,
    }
}

/// One target at `period`, as the office's view of its plan shows it ([`tracking`]), with
/// the target's own records: its assignments and every report revision filed on them.
#[derive(Debug, Clone)]
pub struct OneTarget {
    /// The target's line.
    pub tracking: TargetTracking,
    /// Its plan.
    pub plan: Plan,
    /// Every assignment of the target: lead first, then the others by unit.
    pub assignments: Vec<Assignment>,
    /// The assignments that carry the target (its regional shares, else its lead).
    pub carriers: Vec<AssignmentId>,
    /// Every report revision filed on its assignments, by assignment, period and revision.
    pub reports: HashMap<AssignmentId, Vec<Report>>,
}

/// Computes one target's line of [`tracking`] at `period` from that target's records only.
pub async fn target_tracking(
    store: &Store,
    target: TargetId,
    period: Period,
    thresholds: &Thresholds,
) -> Result<OneTarget, AppError> {
    let target = store.target(target).await?;
    let (item, plan_id) = store.item(target.item).await?;
    let plan = store.plan(plan_id).await?;
    check_period(&plan, period)?;
    let section_no = store
        .sections(plan.id)
        .await?
        .into_iter()
        .find(|s| s.id == item.section)
        .map_or(0, |s| s.no);
    let assignments = store.assignments_of_target(target.id).await?;
    let mut records = Records::default();
    for a in &assignments {
        records.reports.insert(a.id, Vec::new());
    }
    for r in store.reports_of_target(target.id).await? {
        records.reports.entry(r.assignment).or_default().push(r);
    }
    let own = |a: &AssignmentId| records.reports.contains_key(a);
    for (a, p) in store.schedules_of_plan(plan.id).await? {
        if own(&a) {
            records.points.entry(a).or_default().push(p);
        }
    }
    for (a, m) in store.milestones_of_plan(plan.id).await? {
        if own(&a) {
            records.milestones.entry(a).or_default().push(m);
        }
    }
    let months = months_up_to(plan.year, period);
    let at = At {
        period,
        months: &months,
        thresholds,
    };
    let list: Vec<&Assignment> = assignments.iter().collect();
    let (tracking, carriers) =
        track_target(target, (section_no, item.no), &list, &mut records, &at)?;
    Ok(OneTarget {
        tracking,
        plan,
        carriers: carriers.iter().map(|a| a.id).collect(),
        assignments,
        reports: records.reports,
    })
}

/// The period asked for (`2023-06`, `2023年6月`, `6月`, `二季度` …, read in the plan's year),
/// or [`default_period`] when none is given.
pub fn period_or_default(
    plan_year: i16,
    asked: Option<&str>,
    today: Date,
) -> Result<Period, AppError> {
    match asked.map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) => Period::parse_zh(p, plan_year).map_err(|e| AppError::Invalid {
            field: "period".into(),
            reason: e.to_string(),
        }),
        None => Ok(default_period(plan_year, today)),
    }
}

/// The month the office looks at by default: the last one whose reports are due, within the
/// plan's year.
pub fn default_period(year: i16, today: Date) -> Period {
    let month = if today.year() > year {
        12
    } else if today.year() < year {
        1
    } else {
        (today.month() - 1).max(1)
    };
    Period::Month { year, month }
}

fn check_period(plan: &Plan, period: Period) -> Result<(), AppError> {
    if period.year() != plan.year {
        return Err(AppError::Invalid {
            field: "period".into(),
            reason: format!(
                "{} 不在计划年度 {} 内 / period {period} is outside the plan year",
                period.label_zh(),
                plan.year
            ),
        });
    }
    Ok(())
}

/// The months of the plan year up to the end of `period`.
fn months_up_to(year: i16, period: Period) -> Vec<Period> {
    Period::Year(year)
        .months()
        .filter(|m| *m <= period.last_month())
        .collect()
}

/// When tracking looks: the period, the plan year's months up to it, the thresholds.
struct At<'a> {
    period: Period,
    months: &'a [Period],
    thresholds: &'a Thresholds,
}

/// The records tracking reads, by assignment.
#[derive(Default)]
struct Records {
    reports: HashMap<AssignmentId, Vec<Report>>,
    points: HashMap<AssignmentId, Vec<SchedulePoint>>,
    milestones: HashMap<AssignmentId, Vec<Milestone>>,
}

/// Reporting completeness of the carrying assignments, each held to its own reports.
fn completeness_of(
    rolled: &[Assignment],
    months: &[Period],
    reports: &HashMap<AssignmentId, Vec<Report>>,
    today: Date,
) -> Completeness {
    let rule = ReportingRule::default();
    let mut total = Completeness::default();
    for a in rolled {
        let own = reports.get(&a.id).map_or(&[][..], Vec::as_slice);
        let c = completeness(std::iter::once(a), months, own, &rule, today);
        total.expected += c.expected;
        total.received += c.received;
        total.on_time += c.on_time;
        total.late += c.late;
        total.missing += c.missing;
    }
    total
}

/// One target's line from its assignments' records; also returns the assignments that
/// carry it (its shares with a quota, else its lead).
fn track_target(
    target: Target,
    (section_no, item_no): (u32, u32),
    list: &[&Assignment],
    records: &mut Records,
    &At {
        period,
        months,
        thresholds,
    }: &At<'_>,
) -> Result<(TargetTracking, Vec<Assignment>), AppError> {
    let tolerance = thresholds.approx_tolerance();
    let none: Vec<Report> = Vec::new();
    // The shares that carry the target: those with a quota, else its lead.
    let split = list.iter().any(|a| a.quota.is_some());
    let carriers: Vec<&Assignment> = list
        .iter()
        .copied()
        .filter(|a| {
            if split {
                a.quota.is_some()
            } else {
                a.role == AssignmentRole::Lead
            }
        })
        .collect();
    // Every assignment is assessed (the lead's own level can stand for a rate); the
    // shares are the ones ranked and counted for completeness.
    let carrying: HashSet<AssignmentId> = carriers.iter().map(|a| a.id).collect();
    let mut assessed = Vec::with_capacity(list.len());
    let mut shares = Vec::with_capacity(carriers.len());
    for a in list {
        let goal = Goal::for_assignment(&target, a);
        // Milestones if it has any, else points, else linear (序时进度).
        let schedule = match (
            records.milestones.remove(&a.id),
            records.points.remove(&a.id),
        ) {
            (Some(ms), _) => {
                Schedule::Milestones(MilestoneSchedule::new(goal.year(), ms).map_err(|e| {
                    AppError::Invalid {
                        field: format!("milestones of assignment {}", a.id),
                        reason: e.to_string(),
                    }
                })?)
            }
            (None, Some(points)) => {
                Schedule::Points(PointSchedule::new(points, &goal).map_err(|e| {
                    AppError::Invalid {
                        field: format!("schedule of assignment {}", a.id),
                        reason: e.to_string(),
                    }
                })?)
            }
            (None, None) => Schedule::Linear,
        };
        let reports = records.reports.get(&a.id).unwrap_or(&none);
        let assessment = match target.kind {
            TargetKind::Quantity => assess(&target, a, &schedule, reports, period, thresholds),
            TargetKind::Stage => {
                // A qualitative item: its stage, scored 1 / 0.5 / 0, stands as its value.
                let mut s = assess_stage(
                    a,
                    &schedule,
                    reports,
                    period,
                    Some(target.deadline),
                    thresholds,
                );
                s.value = s.score;
                s
            }
        };
        if carrying.contains(&a.id) {
            shares.push(assessment.clone());
        }
        assessed.push(assessment);
    }
    let rollup = roll_up_target(&target, &assessed, tolerance);
    let goal = Goal::for_target(&target);
    let status = target_status(
        &target,
        &assessed,
        &shares,
        rollup.value,
        period,
        thresholds,
    );
    let expected = if goal.accrual == Accrual::Cumulative {
        Schedule::Linear.expected(&goal, period)
    } else {
        None
    };
    // The trend of the target as a whole: its shares' values summed month by month.
    let reports_of = |a: &Assignment| records.reports.get(&a.id).unwrap_or(&none);
    let history: Vec<(i8, Decimal)> = months
        .iter()
        .filter(|m| {
            carriers
                .iter()
                .any(|a| is_reported(reports_of(a), a.id, **m))
        })
        .map(|m| {
            let v = minsheng_domain::quantity::saturating_sum(
                carriers.iter().map(|a| value_at(reports_of(a), a.id, *m)),
            );
            (m.months_into_year(), v)
        })
        .collect();
    let forecast = if goal.accrual == Accrual::Cumulative {
        forecast(&goal, &history, tolerance)
    } else {
        None
    };
    let rolled = carriers.iter().map(|a| (*a).clone()).collect();
    Ok((
        TargetTracking {
            target,
            section_no,
            item_no,
            rollup,
            status,
            expected,
            forecast,
            shares,
            assessed,
        },
        rolled,
    ))
}
