//! A forecast of the value at the deadline from the trend of the year so far.
//!
//! **Rule.** The history is the accepted values of the plan year as `(months into the
//! year, value)` points ([`accepted_history`](crate::effective::accepted_history)), and the
//! forecast is read at the end of the deadline's month `M`:
//!
//! - two or more distinct months: the least-squares line through the points, at `M`;
//! - one month `m` (or all points in one month, the last of them counting): the pace since
//!   1 January, `v × M / m` for a count; for a level, the pace from the baseline,
//!   `b + (v − b) × M / m`, or the level itself when no baseline is known;
//! - no point, or values too large to compute with (beyond `Decimal`'s range): no forecast.
//!
//! A cumulative count never falls, so its forecast is never below the latest value. The
//! forecast meets the goal by the goal's comparison ([`meets`]). A perfectly linear history
//! forecasts exactly (exact decimal arithmetic, no floats).

use crate::goal::{Accrual, Goal};
use crate::progress::meets;
use rust_decimal::Decimal;

/// A forecast of the value at the deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Forecast {
    /// The forecast value at the end of the deadline's month.
    pub value: Decimal,
    /// Whether that value meets the goal.
    pub meets: bool,
    /// How many points it was drawn from.
    pub points: usize,
}

/// Forecasts `goal` from `history` (`(months into the year, value)`, any order); `tolerance`
/// is the `approx` tolerance. See the module docs.
pub fn forecast(goal: &Goal, history: &[(i8, Decimal)], tolerance: Decimal) -> Option<Forecast> {
    let history: Vec<(i32, Decimal)> = history.iter().map(|&(m, v)| (i32::from(m), v)).collect();
    forecast_to(goal, &history, i32::from(goal.deadline_months()), tolerance)
}

/// Forecasts `goal` at month `at` from `history` (`(month, value)`, months counted from any
/// origin where the goal's baseline stands, any order): [`forecast`]'s rule for a goal whose
/// months run over more than one year (a multi-year goal's [`Path`](crate::path::Path)).
pub fn forecast_to(
    goal: &Goal,
    history: &[(i32, Decimal)],
    at: i32,
    tolerance: Decimal,
) -> Option<Forecast> {
    let &(_, latest) = history.iter().max_by_key(|(m, _)| *m)?;
    let value = trend(goal, history, at, latest)?;
    let value = match goal.accrual {
        Accrual::Cumulative => value.max(latest),
        Accrual::Level => value,
    };
    Some(Forecast {
        value,
        meets: meets(goal.cmp, value, goal.value, tolerance),
        points: history.len(),
    })
}

/// The trend's value at the deadline, or `None` when it cannot be held in a `Decimal` (stored
/// values near its limits): no forecast rather than a wrong one.
fn trend(goal: &Goal, history: &[(i32, Decimal)], at: i32, latest: Decimal) -> Option<Decimal> {
    let target_month = Decimal::from(at);
    let n = Decimal::from(history.len());
    let mut sx = Decimal::ZERO;
    let mut sy = Decimal::ZERO;
    let mut sxx = Decimal::ZERO;
    let mut sxy = Decimal::ZERO;
    for &(m, v) in history {
        let m = Decimal::from(m);
        sx = sx.checked_add(m)?;
        sy = sy.checked_add(v)?;
        sxx = sxx.checked_add(m.checked_mul(m)?)?;
        sxy = sxy.checked_add(m.checked_mul(v)?)?;
    }
    let den = n.checked_mul(sxx)?.checked_sub(sx.checked_mul(sx)?)?;
    if den.is_zero() {
        // one month only: the pace since 1 January
        let m = Decimal::from(history.iter().map(|(m, _)| *m).max()?);
        let start = match goal.accrual {
            Accrual::Cumulative => Decimal::ZERO,
            Accrual::Level => goal.baseline.unwrap_or(latest),
        };
        if m.is_zero() {
            Some(latest)
        } else {
            let pace = latest
                .checked_sub(start)?
                .checked_mul(target_month)?
                .checked_div(m)?;
            start.checked_add(pace)
        }
    } else {
        let slope = n
            .checked_mul(sxy)?
            .checked_sub(sx.checked_mul(sy)?)?
            .checked_div(den)?;
        let intercept = sy.checked_sub(slope.checked_mul(sx)?)?.checked_div(n)?;
        intercept.checked_add(slope.checked_mul(target_month)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{d, target};
    use crate::quantity::Cmp;
    use proptest::prelude::*;

    fn goal(value: &str, unit: &str, cmp: Cmp) -> Goal {
        Goal::for_target(&target(value, unit, cmp))
    }

    #[test]
    fn one_point_is_the_pace_since_january() {
        let g = goal("230000", "人", Cmp::Ge);
        let f = forecast(&g, &[(3, d("60000"))], d("0.1")).unwrap();
        assert_eq!((f.value, f.meets, f.points), (d("240000"), true, 1));
        let f = forecast(&g, &[(6, d("100000"))], d("0.1")).unwrap();
        assert_eq!((f.value, f.meets), (d("200000"), false));
        assert_eq!(forecast(&g, &[], d("0.1")), None);
    }

    #[test]
    fn a_trend_by_least_squares() {
        let g = goal("230000", "人", Cmp::Ge);
        // 2万 a month, a little noisy: slope 2万, intercept 0 → 24万
        let h = [
            (1, d("19000")),
            (2, d("41000")),
            (3, d("61000")),
            (4, d("79000")),
        ];
        let f = forecast(&g, &h, d("0.1")).unwrap();
        assert_eq!(f.value, d("240000"));
        assert!(f.meets);
        // a cap on its way to being broken
        let cap = goal("200", "亿元", Cmp::Le);
        let f = forecast(&cap, &[(3, d("60")), (6, d("120"))], d("0.1")).unwrap();
        assert_eq!((f.value, f.meets), (d("240"), false));
    }

    #[test]
    fn levels_and_falling_counts() {
        let rate = Goal {
            baseline: Some(d("80")),
            ..goal("95", "%", Cmp::Ge)
        };
        let f = forecast(&rate, &[(6, d("88"))], d("0.1")).unwrap();
        assert_eq!((f.value, f.meets), (d("96"), true));
        let g = goal("100", "个", Cmp::Ge);
        // a count that was revised down still cannot be forecast below its latest value
        let f = forecast(&g, &[(1, d("50")), (2, d("40"))], d("0.1")).unwrap();
        assert_eq!(f.value, d("40"));
    }

    proptest! {
        #[test]
        fn a_linear_history_forecasts_exactly(
            a in 0i64..100_000, b in 0i64..100_000, scale in 0u32..3,
            months in proptest::collection::btree_set(1i8..13, 2..12),
        ) {
            let (a, b) = (Decimal::new(a, scale), Decimal::new(b, scale));
            let h: Vec<(i8, Decimal)> = months.iter().map(|&m| (m, a + b * Decimal::from(m))).collect();
            let g = goal("1", "人", Cmp::Ge);
            let f = forecast(&g, &h, d("0.1")).unwrap();
            prop_assert_eq!(f.value, a + b * Decimal::from(12));
            prop_assert_eq!(f.meets, f.value >= Decimal::ONE);
        }
    }
}
