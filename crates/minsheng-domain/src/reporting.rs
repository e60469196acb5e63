//! When reports are due, and how complete and timely a group's reporting is.
//!
//! **Due date** ([`ReportingRule::due_date`]): a period's report is due on day `due_day`
//! (default 5) of the month after the period (the last day of that month when it is
//! shorter). Filing times are read as dates at the rule's UTC offset (default UTC+8,
//! 北京时间; China keeps no daylight saving).
//!
//! **Completeness** ([`completeness`]): a pair (assignment, period) is *expected* once its
//! due date has passed (`due < today`, so nothing counts as missing while it can still be
//! filed on time). It is *received* when it has a filed revision (submitted, returned or
//! accepted — a draft is not filed), *on time* when its first filing was on or before the
//! due date (a later return for corrections does not make it late), *late* otherwise, and
//! *missing* when nothing was filed by today. A region's figure counts the assignments of
//! every unit within it ([`completeness_within`]).

use crate::assignment::Assignment;
use crate::ids::{AssignmentId, UnitId};
use crate::period::Period;
use crate::report::{Report, ReportStatus};
use crate::unit::UnitTree;
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::Offset;
use rust_decimal::Decimal;

/// When reports are due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportingRule {
    due_day: u8,
    offset: Offset,
}

/// Why a reporting rule was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportingRuleError {
    /// The day of the month is not 1..=31.
    #[error("报送截止日{0}须在1到31之间 / the due day {0} must be 1..=31")]
    DueDay(u8),
}

impl Default for ReportingRule {
    /// Due on the 5th of the next month, 北京时间.
    fn default() -> Self {
        ReportingRule {
            due_day: 5,
            offset: Offset::constant(8),
        }
    }
}

impl ReportingRule {
    /// Reports due on day `due_day` (1..=31) of the month after the period; filing times
    /// read at `offset`.
    pub fn new(due_day: u8, offset: Offset) -> Result<ReportingRule, ReportingRuleError> {
        if !(1..=31).contains(&due_day) {
            return Err(ReportingRuleError::DueDay(due_day));
        }
        Ok(ReportingRule { due_day, offset })
    }

    /// The day of the month reports are due.
    pub fn due_day(&self) -> u8 {
        self.due_day
    }

    /// The UTC offset filing times are read at.
    pub fn offset(&self) -> Offset {
        self.offset
    }

    /// The day the report for `period` is due.
    pub fn due_date(&self, period: Period) -> Date {
        let first = period.next_month().first_day();
        let day = i8::try_from(self.due_day)
            .unwrap_or(31)
            .min(first.days_in_month());
        first.with().day(day).build().unwrap_or(first)
    }

    /// The local date of a filing time.
    pub fn filed_on(&self, at: Timestamp) -> Date {
        self.offset.to_datetime(at).date()
    }
}

/// The local date the assignment first filed a report for `period` (any revision that is not
/// a draft), if it did.
pub fn first_filed(
    reports: &[Report],
    assignment: AssignmentId,
    period: Period,
    rule: &ReportingRule,
) -> Option<Date> {
    reports
        .iter()
        .filter(|r| r.assignment == assignment && r.period == period)
        .filter(|r| r.status != ReportStatus::Draft)
        .map(|r| rule.filed_on(r.filed_at))
        .min()
}

/// How complete and timely reporting is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Completeness {
    /// Reports due by today.
    pub expected: usize,
    /// Of those, filed.
    pub received: usize,
    /// Of those filed, first filed by the due date.
    pub on_time: usize,
    /// Of those filed, first filed after the due date.
    pub late: usize,
    /// Not filed.
    pub missing: usize,
}

impl Completeness {
    /// received / expected (报送率); `None` when nothing is expected.
    pub fn received_rate(&self) -> Option<Decimal> {
        ratio(self.received, self.expected)
    }

    /// on time / expected (及时率); `None` when nothing is expected.
    pub fn on_time_rate(&self) -> Option<Decimal> {
        ratio(self.on_time, self.expected)
    }
}

fn ratio(a: usize, b: usize) -> Option<Decimal> {
    (b > 0).then(|| Decimal::from(a) / Decimal::from(b))
}

/// Completeness of `assignments` over the reporting `periods`, as of `today`; see the
/// module docs.
pub fn completeness<'a>(
    assignments: impl IntoIterator<Item = &'a Assignment>,
    periods: &[Period],
    reports: &[Report],
    rule: &ReportingRule,
    today: Date,
) -> Completeness {
    let mut c = Completeness::default();
    for a in assignments {
        for &p in periods {
            let due = rule.due_date(p);
            if due >= today {
                continue;
            }
            c.expected += 1;
            match first_filed(reports, a.id, p, rule) {
                Some(day) if day <= due => {
                    c.received += 1;
                    c.on_time += 1;
                }
                Some(_) => {
                    c.received += 1;
                    c.late += 1;
                }
                None => c.missing += 1,
            }
        }
    }
    c
}

/// [`completeness`] of the assignments of units within `region`.
pub fn completeness_within(
    tree: &UnitTree,
    region: UnitId,
    assignments: &[Assignment],
    periods: &[Period],
    reports: &[Report],
    rule: &ReportingRule,
    today: Date,
) -> Completeness {
    let inside = assignments
        .iter()
        .filter(|a| tree.is_within(a.unit, region));
    completeness(inside, periods, reports, rule, today)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{assignment, d, jilin, p, report};
    use jiff::civil::date;

    #[test]
    fn due_on_the_fifth_of_the_next_month() {
        let r = ReportingRule::default();
        assert_eq!(r.due_date(p("2023-06")), date(2023, 7, 5));
        assert_eq!(r.due_date(p("2023-Q4")), date(2024, 1, 5));
        let r31 = ReportingRule::new(31, Offset::UTC).unwrap();
        assert_eq!(r31.due_date(p("2023-01")), date(2023, 2, 28));
        assert!(ReportingRule::new(0, Offset::UTC).is_err());
        // 23:30 UTC on 4 July is 5 July in Beijing
        assert_eq!(
            r.filed_on("2023-07-04T23:30:00Z".parse().unwrap()),
            date(2023, 7, 5)
        );
    }

    #[test]
    fn expected_received_on_time_late_missing() {
        use ReportStatus::*;
        let tree = jilin();
        let asg = [
            assignment(1, 2, Some(d("1"))),
            assignment(2, 3, Some(d("1"))),
            assignment(3, 5, Some(d("1"))),
        ];
        let periods = [p("2023-05"), p("2023-06"), p("2023-07")];
        let rs = [
            // on time in Beijing (06-05 07:59 +08), then returned and refiled late: on time
            report(
                1,
                1,
                "2023-05",
                1,
                Some("1"),
                Returned,
                "2023-06-04T23:59:00Z",
            ),
            report(
                2,
                1,
                "2023-05",
                2,
                Some("1"),
                Accepted,
                "2023-06-20T02:00:00Z",
            ),
            report(
                3,
                1,
                "2023-06",
                1,
                Some("1"),
                Submitted,
                "2023-07-09T02:00:00Z",
            ),
            report(4, 2, "2023-05", 1, Some("1"), Draft, "2023-06-01T02:00:00Z"),
            report(
                5,
                2,
                "2023-06",
                1,
                Some("1"),
                Accepted,
                "2023-07-01T02:00:00Z",
            ),
            report(
                6,
                3,
                "2023-07",
                1,
                Some("1"),
                Accepted,
                "2023-08-01T02:00:00Z",
            ),
        ];
        let rule = ReportingRule::default();
        // on 10 July: May and June are due (5 June, 5 July); July is not
        let c = completeness(&asg, &periods, &rs, &rule, date(2023, 7, 10));
        assert_eq!(
            c,
            Completeness {
                expected: 6,
                received: 3,
                on_time: 2,
                late: 1,
                missing: 3
            }
        );
        assert_eq!(c.received_rate(), Some(d("0.5")));
        let cc = completeness_within(
            &tree,
            UnitId(2),
            &asg,
            &periods,
            &rs,
            &rule,
            date(2023, 7, 10),
        );
        assert_eq!((cc.expected, cc.received, cc.missing), (4, 3, 1));
        let none = completeness(&asg, &periods, &rs, &rule, date(2023, 6, 5));
        assert_eq!((none.expected, none.on_time_rate()), (0, None));
    }
}
