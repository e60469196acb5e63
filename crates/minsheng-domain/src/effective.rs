//! The value of an assignment at a period, from its reports.
//!
//! **Rule.** An assignment's value at P: among the assignment's reports with status
//! accepted and period ≤ P, take the one with the latest period and, within that period,
//! the highest revision; its cumulative value is the value at P. If none, 0.
//!
//! "≤" and "latest" are [`Period`]'s order: by last day, then the longer period last. So a
//! report for 2023-Q2 is *after* one for 2023-06 and is not counted at P = 2023-06; it is
//! counted from P = 2023-Q2 on. An effective report with no number (a stage-only report)
//! counts as 0 in [`value_at`].
//!
//! An assignment is **not reported for P** when it has no accepted report whose period is
//! P itself ([`is_reported`]), whatever it filed for earlier periods.

use crate::ids::AssignmentId;
use crate::period::Period;
use crate::report::{Report, ReportStatus};
use rust_decimal::Decimal;

/// The report that gives the assignment's value at `at`; see the module docs.
pub fn effective_report<'a>(
    reports: impl IntoIterator<Item = &'a Report>,
    assignment: AssignmentId,
    at: Period,
) -> Option<&'a Report> {
    reports
        .into_iter()
        .filter(|r| r.assignment == assignment && r.status == ReportStatus::Accepted)
        .filter(|r| r.period <= at)
        .max_by_key(|r| (r.period, r.revision))
}

/// The assignment's value at `at`: the effective report's cumulative value, else 0.
pub fn value_at<'a>(
    reports: impl IntoIterator<Item = &'a Report>,
    assignment: AssignmentId,
    at: Period,
) -> Decimal {
    effective_report(reports, assignment, at)
        .and_then(|r| r.cumulative)
        .unwrap_or(Decimal::ZERO)
}

/// Whether the assignment has an accepted report whose period is `period` itself.
pub fn is_reported<'a>(
    reports: impl IntoIterator<Item = &'a Report>,
    assignment: AssignmentId,
    period: Period,
) -> bool {
    reports.into_iter().any(|r| {
        r.assignment == assignment && r.status == ReportStatus::Accepted && r.period == period
    })
}

/// The accepted history of an assignment in `year`: for each month that ends a reported
/// period, the value of the effective report at that period, as `(months into the year,
/// value)`, ordered by month. Used by [`forecast()`](crate::forecast()).
pub fn accepted_history<'a>(
    reports: impl IntoIterator<Item = &'a Report> + Clone,
    assignment: AssignmentId,
    year: i16,
) -> Vec<(i8, Decimal)> {
    let mut periods: Vec<Period> = reports
        .clone()
        .into_iter()
        .filter(|r| r.assignment == assignment && r.status == ReportStatus::Accepted)
        .filter(|r| r.period.year() == year && r.cumulative.is_some())
        .map(|r| r.period)
        .collect();
    periods.sort();
    periods.dedup();
    let mut out: Vec<(i8, Decimal)> = Vec::new();
    for p in periods {
        let v = value_at(reports.clone(), assignment, p);
        let m = p.months_into_year();
        match out.last_mut() {
            // Q2 after 06: the later (longer) period's value stands for the month.
            Some(last) if last.0 == m => last.1 = v,
            _ => out.push((m, v)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{accepted, d, p, report};
    use proptest::prelude::*;

    const A: AssignmentId = AssignmentId(7);

    #[test]
    fn latest_period_then_highest_revision() {
        let rs = vec![
            accepted(1, 7, "2023-03", 1, "10"),
            accepted(2, 7, "2023-03", 2, "12"),
            accepted(3, 7, "2023-05", 1, "30"),
            report(
                4,
                7,
                "2023-06",
                1,
                Some("99"),
                ReportStatus::Submitted,
                "2023-07-02T00:00:00Z",
            ),
            accepted(5, 8, "2023-06", 1, "500"),
            accepted(6, 7, "2023-Q2", 1, "40"),
        ];
        assert_eq!(value_at(&rs, A, p("2023-02")), d("0"));
        assert_eq!(value_at(&rs, A, p("2023-03")), d("12"));
        assert_eq!(value_at(&rs, A, p("2023-04")), d("12"));
        assert_eq!(value_at(&rs, A, p("2023-06")), d("30"));
        assert_eq!(value_at(&rs, A, p("2023-Q2")), d("40"));
        assert_eq!(value_at(&rs, A, p("2023-07")), d("40"));
        assert_eq!(effective_report(&rs, A, p("2023-03")).unwrap().id.0, 2);
        assert!(is_reported(&rs, A, p("2023-05")));
        assert!(!is_reported(&rs, A, p("2023-06")));
        assert!(!is_reported(&rs, A, p("2023-04")));
        assert_eq!(
            accepted_history(&rs, A, 2023),
            [(3, d("12")), (5, d("30")), (6, d("40"))]
        );
    }

    proptest! {
        #[test]
        fn matches_the_written_rule(
            rows in proptest::collection::btree_map((1i8..13, 1u32..4, 7i64..9), (0u8..4, 0u64..1000), 0..20),
            at in 1i8..13,
        ) {
            let statuses = [ReportStatus::Draft, ReportStatus::Submitted, ReportStatus::Returned, ReportStatus::Accepted];
            let rs: Vec<Report> = rows.iter().enumerate().map(|(i, (&(m, rev, a), &(st, v)))| {
                let mut r = accepted(i as i64, a, &format!("2023-{m:02}"), rev, &v.to_string());
                r.status = statuses[st as usize];
                r
            }).collect();
            let at_p = Period::Month { year: 2023, month: at };
            // the rule, written the slow way
            let mut best: Option<&Report> = None;
            for r in &rs {
                if r.assignment != A || r.status != ReportStatus::Accepted || r.period > at_p { continue; }
                best = match best {
                    Some(b) if (b.period, b.revision) >= (r.period, r.revision) => Some(b),
                    _ => Some(r),
                };
            }
            let want = best.and_then(|r| r.cumulative).unwrap_or(Decimal::ZERO);
            prop_assert_eq!(value_at(&rs, A, at_p), want);
        }
    }
}
