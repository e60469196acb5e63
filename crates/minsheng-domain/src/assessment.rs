//! One assignment at one period: its value, score and status, the row every roll-up reads.
//!
//! **Rule** ([`assess`]). The value is the assignment's value at P ([`value_at`]: the latest
//! accepted report with period ≤ P, highest revision; 0 if none). The score is the capped
//! completion of that value against the assignment's goal ([`Goal::for_assignment`]). The
//! status is [`quantitative_status`] of that value, except that an assignment with no
//! accepted report for P itself is [`Status::NotReported`] — unless its value from an
//! earlier period is already [`Status::Done`] (a finished target owes no more reports) —
//! and [`Status::AwaitingReview`] instead when its report for P is filed (submitted) and not
//! yet reviewed.
//! [`assess_stage`] does the same for a qualitative item with the reported stage, scored by
//! [`stage_score`].

use crate::assignment::{Assignment, AssignmentRole};
use crate::effective::{effective_report, is_reported, value_at};
use crate::goal::Goal;
use crate::ids::{AssignmentId, TargetId, UnitId};
use crate::period::Period;
use crate::plan::Target;
use crate::progress::completion;
use crate::report::{Report, ReportStatus, Stage};
use crate::schedule::Schedule;
use crate::status::{Status, Thresholds, quantitative_status, stage_score, stage_status};
use jiff::civil::Date;
use rust_decimal::Decimal;

/// One assignment assessed at one period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    /// The target.
    pub target: TargetId,
    /// The assignment.
    pub assignment: AssignmentId,
    /// The unit that carries it.
    pub unit: UnitId,
    /// Lead or partner.
    pub role: AssignmentRole,
    /// Its quota, if it holds a share.
    pub quota: Option<Decimal>,
    /// The period assessed.
    pub period: Period,
    /// The value at the period (0 when nothing was accepted yet).
    pub value: Decimal,
    /// Whether an accepted report for the period itself exists.
    pub reported: bool,
    /// The capped completion score, 0..=1.
    pub score: Decimal,
    /// The status.
    pub status: Status,
    /// What its schedule expects by the end of the period (a count's cumulative value, a
    /// rate's level); `None` for a qualitative item.
    pub expected: Option<Decimal>,
    /// Whether it is held to a schedule of its own (points or milestones — an approved
    /// implementation plan's, or the office's) rather than 序时进度.
    pub scheduled: bool,
}

/// Assesses a quantitative assignment at `period`; see the module docs.
pub fn assess(
    target: &Target,
    assignment: &Assignment,
    schedule: &Schedule,
    reports: &[Report],
    period: Period,
    thresholds: &Thresholds,
) -> Assessment {
    let goal = Goal::for_assignment(target, assignment);
    let value = value_at(reports, assignment.id, period);
    let reported = is_reported(reports, assignment.id, period);
    let status = quantitative_status(&goal, schedule, period, Some(value), thresholds);
    let has_value = effective_report(reports, assignment.id, period).is_some();
    let status = if reported || (has_value && status == Status::Done) {
        status
    } else {
        unreported(reports, assignment, period)
    };
    Assessment {
        target: target.id,
        assignment: assignment.id,
        unit: assignment.unit,
        role: assignment.role,
        quota: assignment.quota,
        period,
        value,
        reported,
        score: completion(&goal, value, thresholds.approx_tolerance()).score,
        status,
        expected: schedule
            .expected(&goal, period)
            .or_else(|| Schedule::Linear.expected(&goal, period)),
        scheduled: *schedule != Schedule::Linear,
    }
}

/// Assesses a qualitative assignment at `period` from the stage of its effective report;
/// `deadline` is when the item is due, if dated. See the module docs.
pub fn assess_stage(
    assignment: &Assignment,
    schedule: &Schedule,
    reports: &[Report],
    period: Period,
    deadline: Option<Date>,
    thresholds: &Thresholds,
) -> Assessment {
    let stage = effective_report(reports, assignment.id, period).and_then(|r| r.stage);
    let reported = is_reported(reports, assignment.id, period);
    let shown = if reported || stage == Some(Stage::Done) {
        stage
    } else {
        None
    };
    Assessment {
        target: assignment.target,
        assignment: assignment.id,
        unit: assignment.unit,
        role: assignment.role,
        quota: assignment.quota,
        period,
        value: value_at(reports, assignment.id, period),
        reported,
        score: stage_score(stage.unwrap_or(Stage::NotStarted)),
        status: match shown {
            None => unreported(reports, assignment, period),
            Some(_) => stage_status(shown, schedule, period, deadline, thresholds),
        },
        expected: None,
        scheduled: *schedule != Schedule::Linear,
    }
}

/// The status of an assignment with nothing accepted to show for `period`: awaiting review
/// when its report for the period itself is filed and not yet reviewed, else not reported.
fn unreported(reports: &[Report], assignment: &Assignment, period: Period) -> Status {
    let filed = reports.iter().any(|r| {
        r.assignment == assignment.id && r.period == period && r.status == ReportStatus::Submitted
    });
    if filed {
        Status::AwaitingReview
    } else {
        Status::NotReported
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{accepted, assignment, d, p, staged, target};
    use crate::quantity::Cmp;

    #[test]
    fn a_filed_report_not_yet_reviewed_awaits_review() {
        let t = target("230000", "人", Cmp::Ge);
        let a = assignment(7, 2, Some(d("100000")));
        let mut filed = accepted(1, 7, "2023-06", 1, "60000");
        filed.status = ReportStatus::Submitted;
        let thresholds = Thresholds::default();
        let x = assess(
            &t,
            &a,
            &Schedule::Linear,
            &[filed.clone()],
            p("2023-06"),
            &thresholds,
        );
        assert_eq!((x.reported, x.status), (false, Status::AwaitingReview));
        // Filed for another month, it is not this month's.
        let x = assess(
            &t,
            &a,
            &Schedule::Linear,
            &[filed.clone()],
            p("2023-07"),
            &thresholds,
        );
        assert_eq!(x.status, Status::NotReported);
        // Accepted, it is judged by its value.
        filed.status = ReportStatus::Accepted;
        let x = assess(
            &t,
            &a,
            &Schedule::Linear,
            &[filed],
            p("2023-06"),
            &thresholds,
        );
        assert!(x.reported && x.status != Status::AwaitingReview);
    }

    #[test]
    fn value_score_and_status() {
        let t = target("230000", "人", Cmp::Ge);
        let a = assignment(7, 2, Some(d("100000")));
        let rs = vec![
            accepted(1, 7, "2023-05", 1, "30000"),
            accepted(2, 7, "2023-06", 1, "40000"),
        ];
        let th = Thresholds::default();
        let x = assess(&t, &a, &Schedule::Linear, &rs, p("2023-06"), &th);
        assert_eq!((x.value, x.score, x.reported), (d("40000"), d("0.4"), true));
        assert_eq!(x.status, Status::Lagging); // 10 points behind 50%
        let x = assess(&t, &a, &Schedule::Linear, &rs, p("2023-07"), &th);
        assert_eq!(
            (x.value, x.reported, x.status),
            (d("40000"), false, Status::NotReported)
        );
        let x = assess(&t, &a, &Schedule::Linear, &rs, p("2023-04"), &th);
        assert_eq!(
            (x.value, x.score, x.status),
            (d("0"), d("0"), Status::NotReported)
        );
        // done earlier: no more reports owed
        let rs = vec![accepted(3, 7, "2023-09", 1, "100000")];
        let x = assess(&t, &a, &Schedule::Linear, &rs, p("2023-11"), &th);
        assert_eq!((x.reported, x.status), (false, Status::Done));
    }

    #[test]
    fn stages() {
        let a = assignment(7, 2, None);
        let rs = vec![staged(1, 7, "2023-05", Stage::InProgress)];
        let th = Thresholds::default();
        let x = assess_stage(&a, &Schedule::Linear, &rs, p("2023-05"), None, &th);
        assert_eq!((x.score, x.status), (d("0.5"), Status::OnTrack));
        let x = assess_stage(&a, &Schedule::Linear, &rs, p("2023-06"), None, &th);
        assert_eq!(x.status, Status::NotReported);
    }
}
