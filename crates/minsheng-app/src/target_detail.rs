//! One target's page: where it comes from in the plan, who carries it with what quota and
//! budget, its trajectory (序时进度 vs the cumulative actual vs the forecast to the
//! deadline), each unit's status at a month with its report history and evidence, and the
//! problems raised in its reports.
//!
//! **Who sees what.** The office and viewers of all see every unit's rows. Any other account
//! (a unit, or a viewer tied to a unit) sees the target only if an assignment of it is held
//! within the account's unit subtree, and then only the rows of units within that subtree —
//! their reports, evidence and problems. The target's own figures (its goal, trajectory and
//! status) are the whole target's: the public portal shows them too. Drafts are shown only to
//! the unit that may file them.
//!
//! **Trajectory.** By month, from January to the deadline's month: the expected cumulative
//! value on the linear schedule (序时进度), the actual — the sum over the target's carrying
//! assignments of each one's accepted value at that month — up to the month looked at, and
//! from that month to the deadline the straight line to the forecast value. Only a
//! cumulative count has one; a level or a qualitative item has none.

use crate::error::AppError;
use crate::tracking::{self, OneTarget};
use jiff::civil::Date;
use minsheng_domain::effective::value_at;
use minsheng_domain::goal::{Accrual, Goal};
use minsheng_domain::schedule::Schedule;
use minsheng_domain::*;
use minsheng_store::Store;
use rust_decimal::Decimal;
use std::collections::HashMap;

/// Everything the target's page shows, already cut to what the account may see.
#[derive(Debug, Clone)]
pub struct TargetDetail {
    /// The target's line of the office's view at the month, with its records.
    pub one: OneTarget,
    /// Its section.
    pub section: Section,
    /// Its item.
    pub item: Item,
    /// The month looked at.
    pub period: Period,
    /// Whether every unit's rows are shown (`false`: only those within the account's unit).
    pub whole: bool,
    /// The assignments the account may see, lead first, with their units and records.
    pub rows: Vec<AssignmentDetail>,
    /// The trajectory, for a cumulative count.
    pub trajectory: Option<Trajectory>,
    /// The problems raised in the shown units' reports.
    pub problems: Vec<Problem>,
}

/// One assignment on the target's page.
#[derive(Debug, Clone)]
pub struct AssignmentDetail {
    /// The assignment.
    pub assignment: Assignment,
    /// Its unit.
    pub unit: OrgUnit,
    /// Its assessment at the month.
    pub assessment: Option<Assessment>,
    /// Whether it carries the target (a regional share, or the lead of a target not split).
    pub carries: bool,
    /// Its latest filed revision (the highest period, then revision).
    pub latest: Option<ReportId>,
    /// Every revision the account may see, newest first, each with its evidence files.
    pub history: Vec<(Report, Vec<Evidence>)>,
}

/// A target's trajectory by month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trajectory {
    /// The target's value (the goal at the deadline).
    pub goal: Decimal,
    /// Its unit of measure.
    pub unit: String,
    /// January to the deadline's month.
    pub months: Vec<TrajectoryMonth>,
}

/// One month of a trajectory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrajectoryMonth {
    /// The month.
    pub month: Period,
    /// Expected cumulative value by its end (序时进度).
    pub expected: Decimal,
    /// The cumulative actual, up to the month looked at.
    pub actual: Option<Decimal>,
    /// The forecast line, from the month looked at to the deadline.
    pub forecast: Option<Decimal>,
}

/// The trajectory of a target from its carrying assignments' reports, looked at in `period`.
pub fn trajectory(
    target: &Target,
    carriers: &[AssignmentId],
    reports: &HashMap<AssignmentId, Vec<Report>>,
    period: Period,
    forecast: Option<&Forecast>,
) -> Option<Trajectory> {
    let goal = Goal::for_target(target);
    if target.kind != TargetKind::Quantity || goal.accrual != Accrual::Cumulative {
        return None;
    }
    let none = Vec::new();
    let last = goal.deadline_months();
    let now = goal.months_elapsed(period).min(last);
    let actual_at = |m: Period| -> Decimal {
        carriers
            .iter()
            .map(|a| value_at(reports.get(a).unwrap_or(&none), *a, m))
            .fold(Decimal::ZERO, Decimal::saturating_add)
    };
    let now_value = (now > 0).then(|| {
        actual_at(Period::Month {
            year: goal.year(),
            month: now,
        })
    });
    let months = (1..=last)
        .map(|m| {
            let month = Period::Month {
                year: goal.year(),
                month: m,
            };
            let forecast = match (forecast, now_value) {
                (Some(f), Some(v)) if m >= now && now < last => {
                    let into = Decimal::from(m - now) / Decimal::from(last - now);
                    Some(v.saturating_add(f.value.saturating_sub(v).saturating_mul(into)))
                }
                _ => None,
            };
            TrajectoryMonth {
                month,
                expected: Schedule::Linear
                    .expected(&goal, month)
                    .unwrap_or(Decimal::ZERO),
                actual: (m <= now).then(|| actual_at(month)),
                forecast,
            }
        })
        .collect();
    Some(Trajectory {
        goal: goal.value,
        unit: target.quantity.unit.clone(),
        months,
    })
}

/// The target's page for `account` at the month asked for (or the default month), as of
/// `today`; see the module docs for who sees what.
pub async fn target_detail(
    store: &Store,
    account: &Account,
    id: TargetId,
    asked: Option<&str>,
    today: Date,
    thresholds: &Thresholds,
) -> Result<TargetDetail, AppError> {
    let target = store.target(id).await?;
    let tree = store.unit_tree().await?;
    let assignments = store.assignments_of_target(id).await?;
    let whole = account.sees_all();
    if !whole && !assignments.iter().any(|a| account.can_see(&tree, a.unit)) {
        return Err(AppError::Forbidden {
            what: "查看该目标(本单位及下级单位未承担此目标)",
            what_en: "see this target (no unit within yours carries it)",
        });
    }
    let (item, plan_id) = store.item(target.item).await?;
    let plan = store.plan(plan_id).await?;
    let period = tracking::period_or_default(plan.year, asked, today)?;
    let section = crate::queries::section_of(store, plan_id, &item).await?;
    let one = tracking::target_tracking(store, id, period, thresholds).await?;
    let mut evidence: HashMap<ReportId, Vec<Evidence>> = HashMap::new();
    for e in store.evidence_of_target(id).await? {
        evidence.entry(e.report).or_default().push(e);
    }
    let visible = |unit: UnitId| whole || account.can_see(&tree, unit);
    let none = Vec::new();
    let mut rows = Vec::new();
    let mut report_unit: HashMap<ReportId, UnitId> = HashMap::new();
    for a in &one.assignments {
        let reports = one.reports.get(&a.id).unwrap_or(&none);
        for r in reports {
            report_unit.insert(r.id, a.unit);
        }
        if !visible(a.unit) {
            continue;
        }
        let Some(unit) = tree.get(a.unit).cloned() else {
            continue;
        };
        let drafts = account.can_report_for(&tree, a.unit);
        let mut history: Vec<(Report, Vec<Evidence>)> = reports
            .iter()
            .filter(|r| drafts || r.status != ReportStatus::Draft)
            .map(|r| (r.clone(), evidence.remove(&r.id).unwrap_or_default()))
            .collect();
        history.sort_by_key(|(r, _)| std::cmp::Reverse((r.period, r.revision)));
        let latest = history
            .iter()
            .find(|(r, _)| r.status != ReportStatus::Draft)
            .map(|(r, _)| r.id);
        rows.push(AssignmentDetail {
            assessment: one
                .tracking
                .assessed
                .iter()
                .find(|s| s.assignment == a.id)
                .cloned(),
            carries: one.carriers.contains(&a.id),
            assignment: a.clone(),
            unit,
            latest,
            history,
        });
    }
    let problems = store
        .problems_of_target(id)
        .await?
        .into_iter()
        .filter(|p| {
            p.report
                .and_then(|r| report_unit.get(&r))
                .is_some_and(|u| visible(*u))
        })
        .collect();
    let trajectory = trajectory(
        &one.tracking.target,
        &one.carriers,
        &one.reports,
        period,
        one.tracking.forecast.as_ref(),
    );
    Ok(TargetDetail {
        one,
        section,
        item,
        period,
        whole,
        rows,
        trajectory,
        problems,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;

    fn target(value: i64) -> Target {
        Target {
            id: TargetId(1),
            item: ItemId(1),
            seq: 1,
            quantity: Quantity::new(Decimal::from(value), "人"),
            cmp: Cmp::Ge,
            phrase: String::new(),
            span: None,
            implicit: false,
            delta: false,
            deadline: jiff::civil::date(2023, 12, 31),
            baseline: None,
            kind: TargetKind::Quantity,
            accrual_set: None,
        }
    }

    fn accepted(id: i64, assignment: i64, month: i8, value: i64) -> Report {
        Report {
            id: ReportId(id),
            assignment: AssignmentId(assignment),
            period: Period::Month { year: 2023, month },
            revision: 1,
            cumulative: Some(Decimal::from(value)),
            stage: None,
            funds_spent: None,
            narrative: String::new(),
            status: ReportStatus::Accepted,
            return_reason: None,
            filed_by: String::new(),
            filed_at: Timestamp::UNIX_EPOCH,
            reviewed_by: None,
            reviewed_at: None,
        }
    }

    #[test]
    fn the_actual_sums_the_carriers_and_the_forecast_runs_to_the_deadline() {
        let t = target(1200);
        let mut reports = HashMap::new();
        reports.insert(
            AssignmentId(1),
            vec![accepted(1, 1, 1, 50), accepted(2, 1, 3, 150)],
        );
        reports.insert(AssignmentId(2), vec![accepted(3, 2, 2, 100)]);
        // A lead that does not carry the split target: never summed.
        reports.insert(AssignmentId(3), vec![accepted(4, 3, 3, 9999)]);
        let f = Forecast {
            value: Decimal::from(1100),
            meets: false,
            points: 3,
        };
        let carriers = [AssignmentId(1), AssignmentId(2)];
        let march = Period::Month {
            year: 2023,
            month: 3,
        };
        let tr = trajectory(&t, &carriers, &reports, march, Some(&f)).unwrap();
        assert_eq!(tr.months.len(), 12);
        let actual: Vec<Option<i64>> = tr
            .months
            .iter()
            .map(|m| m.actual.map(|d| i64::try_from(d).unwrap()))
            .collect();
        assert_eq!(
            actual[..4],
            [Some(50), Some(150), Some(250), None],
            "values carry forward"
        );
        assert_eq!(tr.months[2].expected, Decimal::from(300));
        assert_eq!(tr.months[11].expected, Decimal::from(1200));
        assert_eq!(tr.months[1].forecast, None);
        assert_eq!(tr.months[2].forecast, Some(Decimal::from(250)));
        assert_eq!(tr.months[11].forecast, Some(Decimal::from(1100)));
        // A rate has no trajectory.
        let mut rate = target(95);
        rate.quantity = Quantity::new(Decimal::from(95), "%");
        assert_eq!(trajectory(&rate, &carriers, &reports, march, None), None);
    }
}
