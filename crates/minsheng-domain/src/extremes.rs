//! Property test: the tracking computations never panic, whatever decimals they are handed —
//! values already stored before reports were bounded at the door
//! ([`crate::quantity::check_report_value`]) included: `Decimal::MAX`/`MIN`, the tiniest
//! fractions, values with 28 decimal places.

use crate::assignment::Assignment;
use crate::fixtures::{accepted, assignment, p, target};
use crate::quantity::{Cmp, format_en, format_zh};
use crate::schedule::{PointSchedule, Schedule};
use crate::{
    Goal, SchedulePoint, Thresholds, assess, check_split, completion, forecast, roll_up_target,
    schedule_gap, summarize,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

/// Any decimal, weighted towards the edges.
fn any_decimal() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        Just(Decimal::MAX),
        Just(Decimal::MIN),
        Just(Decimal::ZERO),
        Just(Decimal::new(1, 28)),
        Just(Decimal::new(-1, 28)),
        Just(Decimal::from_i128_with_scale(
            79_228_162_514_264_337_593_543_950_335,
            28
        )),
        (any::<i64>(), 0u32..=28).prop_map(|(m, s)| Decimal::new(m, s)),
        (
            any::<u32>(),
            any::<u32>(),
            any::<u32>(),
            any::<bool>(),
            0u32..=28
        )
            .prop_map(|(lo, mid, hi, neg, s)| Decimal::from_parts(lo, mid, hi, neg, s)),
    ]
}

fn any_cmp() -> impl Strategy<Value = Cmp> {
    prop_oneof![
        Just(Cmp::Ge),
        Just(Cmp::Le),
        Just(Cmp::Approx),
        Just(Cmp::Eq)
    ]
}

proptest! {
    #[test]
    fn no_computation_panics_on_extreme_values(
        goal_value in any_decimal(),
        values in proptest::collection::vec(any_decimal(), 1..5),
        quotas in proptest::collection::vec(any_decimal(), 1..5),
        point in any_decimal(),
        cmp in any_cmp(),
        rate in any::<bool>(),
    ) {
        let unit = if rate { "%" } else { "人" };
        let mut t = target("1", unit, cmp);
        t.quantity.value = goal_value;
        t.baseline = Some(point);
        let th = Thresholds::default();
        let goal = Goal::for_target(&t);
        let schedules = [
            Schedule::Linear,
            PointSchedule::new(vec![
                SchedulePoint { period: p("2023-06"), expected: point },
                SchedulePoint { period: p("2023-12"), expected: goal_value },
            ], &goal)
            .map(Schedule::Points)
            .unwrap_or(Schedule::Linear),
        ];
        let assignments: Vec<Assignment> = quotas
            .iter()
            .enumerate()
            .map(|(i, q)| assignment(i as i64 + 1, i as i64 + 10, Some(*q)))
            .collect();
        let mut reports = Vec::new();
        for (i, v) in values.iter().enumerate() {
            let month = format!("2023-{:02}", i + 1);
            for a in &assignments {
                reports.push(accepted(reports.len() as i64 + 1, a.id.0, &month, 1, &v.to_string()));
            }
        }
        let history: Vec<(i8, Decimal)> =
            values.iter().enumerate().map(|(i, v)| (i as i8 + 1, *v)).collect();
        for v in &values {
            let _ = completion(&goal, *v, th.approx_tolerance());
            let _ = schedule_gap(&goal, *v, point);
            let _ = format_zh(*v);
            let _ = format_en(*v);
        }
        let _ = forecast(&goal, &history, th.approx_tolerance());
        let _ = check_split(&t, &quotas, th.approx_tolerance());
        for schedule in &schedules {
            for period in ["2023-01", "2023-06", "2023-Q3", "2023"] {
                let _ = schedule.expected(&goal, p(period));
                let rows: Vec<_> = assignments
                    .iter()
                    .map(|a| assess(&t, a, schedule, &reports, p(period), &th))
                    .collect();
                let _ = roll_up_target(&t, &rows, th.approx_tolerance());
                let _ = summarize(&rows);
            }
        }
    }
}
