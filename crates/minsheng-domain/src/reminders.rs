//! What needs chasing today (催报、催审、督办).
//!
//! **Rules** ([`reminders`]), with due dates from the [`ReportingRule`]. A report for an
//! (assignment, period) is *outstanding* while no revision of it is submitted or accepted
//! (a draft or a returned report still has to be filed).
//!
//! - [`Reminder::DueSoon`]: outstanding and due within `due_soon_days` (default 3) from
//!   today, today included;
//! - [`Reminder::Overdue`]: outstanding and its due date has passed;
//! - [`Reminder::AwaitingReview`]: a submitted report filed more than `review_days`
//!   (default 5) days ago and not yet reviewed;
//! - [`Reminder::ProblemOverdue`]: an open problem past its due date
//!   ([`Problem::is_overdue`]), escalated to the unit one level up from its owner
//!   (`UnitTree::ancestors(owner)[0]`; `None` at the root).
//!
//! Reminders come grouped by kind in the order above, each group in the order of the inputs.

use crate::assignment::Assignment;
use crate::ids::{AssignmentId, ProblemId, ReportId, UnitId};
use crate::period::Period;
use crate::problem::Problem;
use crate::report::{Report, ReportStatus};
use crate::reporting::ReportingRule;
use crate::unit::UnitTree;
use jiff::civil::Date;

/// The records reminders are drawn from.
#[derive(Debug, Clone, Copy)]
pub struct Records<'a> {
    /// The assignments that report.
    pub assignments: &'a [Assignment],
    /// The reporting periods (the cadence: months, or quarters).
    pub periods: &'a [Period],
    /// Their reports, every revision.
    pub reports: &'a [Report],
    /// Coordination matters.
    pub problems: &'a [Problem],
    /// The unit tree, for escalation.
    pub tree: &'a UnitTree,
}

/// How far ahead and how long to wait before reminding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReminderRule {
    due_soon_days: i32,
    review_days: i32,
}

/// Why a reminder rule was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReminderRuleError {
    /// A number of days is negative.
    #[error("提醒天数{0}不能为负数 / a reminder period of {0} days cannot be negative")]
    NegativeDays(i32),
}

impl Default for ReminderRule {
    /// Remind 3 days before a report is due; chase reviews waiting more than 5 days.
    fn default() -> Self {
        ReminderRule {
            due_soon_days: 3,
            review_days: 5,
        }
    }
}

impl ReminderRule {
    /// A rule with both numbers of days at least 0.
    pub fn new(due_soon_days: i32, review_days: i32) -> Result<ReminderRule, ReminderRuleError> {
        for n in [due_soon_days, review_days] {
            if n < 0 {
                return Err(ReminderRuleError::NegativeDays(n));
            }
        }
        Ok(ReminderRule {
            due_soon_days,
            review_days,
        })
    }

    /// Days ahead of a due date to remind.
    pub fn due_soon_days(&self) -> i32 {
        self.due_soon_days
    }

    /// Days a submitted report may wait for review.
    pub fn review_days(&self) -> i32 {
        self.review_days
    }
}

/// Something to chase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reminder {
    /// 即将到期: a report due soon.
    DueSoon {
        /// The assignment.
        assignment: AssignmentId,
        /// Its unit.
        unit: UnitId,
        /// The period.
        period: Period,
        /// The due date.
        due: Date,
        /// Days left, 0 on the day.
        days_left: i32,
    },
    /// 逾期未报: a report past its due date.
    Overdue {
        /// The assignment.
        assignment: AssignmentId,
        /// Its unit.
        unit: UnitId,
        /// The period.
        period: Period,
        /// The due date.
        due: Date,
        /// Days past it.
        days_late: i32,
    },
    /// 待审核: a report waiting for review.
    AwaitingReview {
        /// The report (revision).
        report: ReportId,
        /// Its assignment.
        assignment: AssignmentId,
        /// Its period.
        period: Period,
        /// Days since it was filed.
        waiting_days: i32,
    },
    /// 问题逾期: an open problem past its due date.
    ProblemOverdue {
        /// The problem.
        problem: ProblemId,
        /// The unit that must solve it.
        owner: UnitId,
        /// The unit one level up, to escalate to.
        escalate_to: Option<UnitId>,
        /// Days past its due date.
        days_late: i32,
    },
}

impl Reminder {
    /// The stable code of its kind: `due_soon`, `overdue`, `awaiting_review`,
    /// `problem_overdue`.
    pub fn code(&self) -> &'static str {
        match self {
            Reminder::DueSoon { .. } => "due_soon",
            Reminder::Overdue { .. } => "overdue",
            Reminder::AwaitingReview { .. } => "awaiting_review",
            Reminder::ProblemOverdue { .. } => "problem_overdue",
        }
    }

    /// The Chinese name of its kind.
    pub fn label_zh(&self) -> &'static str {
        match self {
            Reminder::DueSoon { .. } => "即将到期",
            Reminder::Overdue { .. } => "逾期未报",
            Reminder::AwaitingReview { .. } => "待审核",
            Reminder::ProblemOverdue { .. } => "问题逾期",
        }
    }
}

fn days(from: Date, to: Date) -> i32 {
    from.until(to).map(|s| s.get_days()).unwrap_or(0)
}

fn outstanding(reports: &[Report], assignment: AssignmentId, period: Period) -> bool {
    !reports.iter().any(|r| {
        r.assignment == assignment
            && r.period == period
            && matches!(r.status, ReportStatus::Submitted | ReportStatus::Accepted)
    })
}

/// The assignments whose report for `period` is outstanding (no revision submitted or
/// accepted: nothing filed, a draft, or a return not yet refiled), in the order given: the
/// shares the office chases (催报) for that period, whether or not they are due yet.
pub fn not_reported<'a>(
    assignments: &'a [Assignment],
    reports: &[Report],
    period: Period,
) -> Vec<&'a Assignment> {
    assignments
        .iter()
        .filter(|a| outstanding(reports, a.id, period))
        .collect()
}

/// Everything to chase on `today`; see the module docs.
pub fn reminders(
    records: &Records<'_>,
    reporting: &ReportingRule,
    rule: &ReminderRule,
    today: Date,
) -> Vec<Reminder> {
    let mut due_soon = Vec::new();
    let mut overdue = Vec::new();
    for a in records.assignments {
        for &period in records.periods {
            if !outstanding(records.reports, a.id, period) {
                continue;
            }
            let due = reporting.due_date(period);
            let left = days(today, due);
            if left < 0 {
                overdue.push(Reminder::Overdue {
                    assignment: a.id,
                    unit: a.unit,
                    period,
                    due,
                    days_late: -left,
                });
            } else if left <= rule.due_soon_days {
                due_soon.push(Reminder::DueSoon {
                    assignment: a.id,
                    unit: a.unit,
                    period,
                    due,
                    days_left: left,
                });
            }
        }
    }
    let review = records.reports.iter().filter_map(|r| {
        let waiting = days(reporting.filed_on(r.filed_at), today);
        (r.status == ReportStatus::Submitted && waiting > rule.review_days).then_some(
            Reminder::AwaitingReview {
                report: r.id,
                assignment: r.assignment,
                period: r.period,
                waiting_days: waiting,
            },
        )
    });
    let problems = records
        .problems
        .iter()
        .filter(|p| p.is_overdue(today))
        .map(|p| Reminder::ProblemOverdue {
            problem: p.id,
            owner: p.owner,
            escalate_to: records.tree.ancestors(p.owner).first().map(|u| u.id),
            days_late: days(p.due, today),
        });
    due_soon
        .into_iter()
        .chain(overdue)
        .chain(review)
        .chain(problems)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{assignment, d, jilin, p, report};
    use crate::problem::ProblemStatus;
    use jiff::civil::date;

    fn problem(id: i64, owner: i64, due: Date, status: ProblemStatus) -> Problem {
        Problem {
            id: ProblemId(id),
            title: "用地指标不足".into(),
            description: String::new(),
            raised_by: UnitId(owner),
            owner: UnitId(owner),
            report: None,
            due,
            status,
            resolution: None,
            raised_at: "2023-05-01T00:00:00Z".parse().unwrap(),
        }
    }

    #[test]
    fn chases_what_is_due_late_waiting_and_stuck() {
        use ReportStatus::*;
        let tree = jilin();
        let asg = [
            assignment(1, 3, Some(d("1"))),
            assignment(2, 5, Some(d("1"))),
        ];
        let periods = [p("2023-05"), p("2023-06")];
        let reports = [
            report(
                1,
                1,
                "2023-05",
                1,
                Some("1"),
                Accepted,
                "2023-06-03T02:00:00Z",
            ),
            report(
                2,
                2,
                "2023-05",
                1,
                Some("1"),
                Returned,
                "2023-06-03T02:00:00Z",
            ),
            report(
                3,
                2,
                "2023-06",
                1,
                Some("1"),
                Submitted,
                "2023-06-26T02:00:00Z",
            ),
        ];
        let problems = [
            problem(1, 3, date(2023, 6, 30), ProblemStatus::Open),
            problem(2, 1, date(2023, 6, 30), ProblemStatus::Open),
            problem(3, 3, date(2023, 6, 1), ProblemStatus::Resolved),
            problem(4, 3, date(2023, 7, 2), ProblemStatus::Open),
        ];
        let records = Records {
            assignments: &asg,
            periods: &periods,
            reports: &reports,
            problems: &problems,
            tree: &tree,
        };
        let got = reminders(
            &records,
            &ReportingRule::default(),
            &ReminderRule::default(),
            date(2023, 7, 2),
        );
        assert_eq!(
            got,
            [
                Reminder::DueSoon {
                    assignment: AssignmentId(1),
                    unit: UnitId(3),
                    period: p("2023-06"),
                    due: date(2023, 7, 5),
                    days_left: 3
                },
                Reminder::Overdue {
                    assignment: AssignmentId(2),
                    unit: UnitId(5),
                    period: p("2023-05"),
                    due: date(2023, 6, 5),
                    days_late: 27
                },
                Reminder::AwaitingReview {
                    report: ReportId(3),
                    assignment: AssignmentId(2),
                    period: p("2023-06"),
                    waiting_days: 6
                },
                Reminder::ProblemOverdue {
                    problem: ProblemId(1),
                    owner: UnitId(3),
                    escalate_to: Some(UnitId(2)),
                    days_late: 2
                },
                Reminder::ProblemOverdue {
                    problem: ProblemId(2),
                    owner: UnitId(1),
                    escalate_to: None,
                    days_late: 2
                },
            ]
        );
        assert_eq!(got[1].label_zh(), "逾期未报");
        // a day earlier the waiting report is 5 days old: not yet chased
        let earlier = reminders(
            &records,
            &ReportingRule::default(),
            &ReminderRule::default(),
            date(2023, 7, 1),
        );
        assert!(!earlier.iter().any(|r| r.code() == "awaiting_review"));
        assert!(ReminderRule::new(-1, 5).is_err());
    }

    #[test]
    fn not_reported_counts_drafts_and_returns_as_outstanding() {
        let a = [
            assignment(1, 2, None),
            assignment(2, 3, None),
            assignment(3, 4, None),
        ];
        let at = "2023-07-02T00:00:00Z";
        let reports = [
            report(1, 1, "2023-06", 1, Some("5"), ReportStatus::Draft, at),
            report(2, 2, "2023-06", 1, Some("5"), ReportStatus::Submitted, at),
            report(3, 3, "2023-06", 1, Some("5"), ReportStatus::Returned, at),
        ];
        let left = not_reported(&a, &reports, p("2023-06"));
        let ids: Vec<i64> = left.iter().map(|a| a.id.0).collect();
        assert_eq!(ids, [1, 3]);
        assert_eq!(not_reported(&a, &[], p("2023-07")).len(), 3);
    }
}
