//! How far an actual value is from its goal, counted the right way round.
//!
//! [`completion`] holds an actual (a cumulative count or a current level, see
//! [`Accrual`]) against a [`Goal`]:
//!
//! | cmp | met ([`Completion::met`]) | score (0..=1) | ratio (uncapped) |
//! |---|---|---|---|
//! | `ge` | actual ≥ goal | min(actual / goal, 1) | actual / goal |
//! | `le` | actual ≤ goal | 1 while actual ≤ goal, else goal / actual | goal / actual |
//! | `approx` | \|actual − goal\| ≤ tolerance × \|goal\| | 1 when met, else min/max of the two | actual / goal |
//! | `eq` | actual = goal | 1 when met, else min/max of the two | actual / goal |
//!
//! `le` reads the same for a cumulative cap (新增债务不超过…: used so far against the cap) and
//! for a level (3个工作日内办结: the current time limit); the difference is in
//! [`status`](crate::status): a level that is met is done, a cap is done only at its
//! deadline. The ratio is `None` where it would divide by zero (a goal of 0, or an `le`
//! actual of 0). Scores are clamped to 0..=1 (a negative actual scores 0).
//!
//! [`schedule_gap`] is progress *against the schedule*: the signed distance between the
//! actual and the expected value, in percentage points of the goal, positive = ahead:
//! `(actual − expected) / goal × 100` for `ge`, and for `approx`/`eq` counts (an overshoot
//! mid-year is not a delay); `(expected − actual) / goal × 100` for `le` (using less of a cap
//! than its pace, or a shorter time limit, is ahead); `−|actual − expected| / goal × 100` for
//! an `approx`/`eq` level. Against a goal of 0, any deviation counts as 100 points.
//!
//! Nothing here overflows, whatever the values: differences and products saturate at
//! `Decimal::MAX`/`MIN` and a quotient too large to hold is held there (values a report may
//! carry are bounded far below, [`crate::quantity::check_report_value`]).

use crate::goal::{Accrual, Goal};
use crate::quantity::Cmp;
use rust_decimal::Decimal;

/// An actual held against a goal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Completion {
    /// The uncapped ratio in the good direction (1.2 = 20% better than the goal); `None`
    /// where it would divide by zero.
    pub ratio: Option<Decimal>,
    /// The capped score, 0..=1, used in roll-ups and rankings.
    pub score: Decimal,
    /// Whether the actual satisfies the comparison now.
    pub met: bool,
}

/// Whether `actual` satisfies `cmp` against `goal`; `tolerance` is the fraction allowed
/// either side for `approx` (0.1 = 10%).
pub fn meets(cmp: Cmp, actual: Decimal, goal: Decimal, tolerance: Decimal) -> bool {
    match cmp {
        Cmp::Ge => actual >= goal,
        Cmp::Le => actual <= goal,
        Cmp::Approx => actual.saturating_sub(goal).abs() <= tolerance.saturating_mul(goal.abs()),
        Cmp::Eq => actual == goal,
    }
}

/// Holds `actual` against `goal`; see the module docs for the rules.
pub fn completion(goal: &Goal, actual: Decimal, tolerance: Decimal) -> Completion {
    let g = goal.value;
    let met = meets(goal.cmp, actual, g, tolerance);
    let ratio = |num: Decimal, den: Decimal| num.checked_div(den).filter(|_| !den.is_zero());
    let (ratio, score) = match goal.cmp {
        Cmp::Ge => {
            let r = ratio(actual, g);
            let score = match r {
                Some(r) => r,
                None if met => Decimal::ONE,
                None => Decimal::ZERO,
            };
            (r, score)
        }
        Cmp::Le => {
            let r = ratio(g, actual);
            let score = if met {
                Decimal::ONE
            } else {
                r.unwrap_or(Decimal::ZERO)
            };
            (r, score)
        }
        Cmp::Approx | Cmp::Eq => {
            let r = ratio(actual, g);
            let score = if met {
                Decimal::ONE
            } else {
                let (lo, hi) = (actual.min(g), actual.max(g));
                ratio(lo, hi).unwrap_or(Decimal::ZERO)
            };
            (r, score)
        }
    };
    Completion {
        ratio,
        score: score.clamp(Decimal::ZERO, Decimal::ONE),
        met,
    }
}

/// Progress against the schedule in percentage points of the goal, positive = ahead; see
/// the module docs.
pub fn schedule_gap(goal: &Goal, actual: Decimal, expected: Decimal) -> Decimal {
    let ahead = match (goal.cmp, goal.accrual) {
        (Cmp::Ge, _) | (Cmp::Approx | Cmp::Eq, Accrual::Cumulative) => {
            actual.saturating_sub(expected)
        }
        (Cmp::Le, _) => expected.saturating_sub(actual),
        (Cmp::Approx | Cmp::Eq, Accrual::Level) => -actual.saturating_sub(expected).abs(),
    };
    if ahead.is_zero() {
        return Decimal::ZERO;
    }
    let hundred = Decimal::ONE_HUNDRED;
    if goal.value.is_zero() {
        return if ahead.is_sign_negative() {
            -hundred
        } else {
            hundred
        };
    }
    // Values far outside any real goal (a stored value near `Decimal::MAX` against a goal of
    // 0.001) are held at the largest gap rather than overflowing.
    ahead
        .saturating_mul(hundred)
        .checked_div(goal.value.abs())
        .unwrap_or(if ahead.is_sign_negative() {
            Decimal::MIN
        } else {
            Decimal::MAX
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{d, target};
    use proptest::prelude::*;

    fn goal(value: &str, unit: &str, cmp: Cmp) -> Goal {
        Goal::for_target(&target(value, unit, cmp))
    }

    fn tol() -> Decimal {
        d("0.1")
    }

    #[test]
    fn ge_counts_are_uncapped_and_capped() {
        let g = goal("230000", "人", Cmp::Ge);
        let c = completion(&g, d("253000"), tol());
        assert_eq!((c.ratio, c.score, c.met), (Some(d("1.1")), d("1"), true));
        let c = completion(&g, d("115000"), tol());
        assert_eq!((c.ratio, c.score, c.met), (Some(d("0.5")), d("0.5"), false));
    }

    #[test]
    fn le_is_the_right_way_round() {
        // a cap: within is full marks, over it scores cap/actual
        let cap = goal("200", "亿元", Cmp::Le);
        let c = completion(&cap, d("150"), tol());
        assert_eq!((c.score, c.met), (d("1"), true));
        let c = completion(&cap, d("250"), tol());
        assert_eq!((c.score, c.met), (d("0.8"), false));
        // a time limit: 3个工作日内办结
        let limit = goal("3", "工作日", Cmp::Le);
        let c = completion(&limit, d("2"), tol());
        assert_eq!((c.ratio, c.score, c.met), (Some(d("1.5")), d("1"), true));
        let c = completion(&limit, d("6"), tol());
        assert_eq!((c.ratio, c.score, c.met), (Some(d("0.5")), d("0.5"), false));
        let c = completion(&limit, d("0"), tol());
        assert_eq!((c.ratio, c.score, c.met), (None, d("1"), true));
        // 清零: a goal of zero
        let zero = goal("0", "", Cmp::Le);
        assert_eq!(completion(&zero, d("4"), tol()).score, d("0"));
        assert!(completion(&zero, d("0"), tol()).met);
    }

    #[test]
    fn approx_and_eq() {
        let g = goal("1000", "个", Cmp::Approx);
        assert!(completion(&g, d("1100"), tol()).met);
        assert!(completion(&g, d("900"), tol()).met);
        let c = completion(&g, d("1250"), tol());
        assert_eq!((c.score, c.met), (d("0.8"), false));
        assert!(!completion(&g, d("1100"), d("0.05")).met);
        let e = goal("12", "个", Cmp::Eq);
        assert!(completion(&e, d("12.0"), tol()).met);
        assert_eq!(completion(&e, d("6"), tol()).score, d("0.5"));
    }

    #[test]
    fn gaps_in_points_of_the_goal() {
        let g = goal("230000", "人", Cmp::Ge);
        assert_eq!(schedule_gap(&g, d("92000"), d("115000")), d("-10"));
        let cap = goal("200", "亿元", Cmp::Le);
        assert_eq!(schedule_gap(&cap, d("120"), d("100")), d("-10"));
        assert_eq!(schedule_gap(&cap, d("80"), d("100")), d("10"));
        let rate = goal("50", "%", Cmp::Approx);
        assert_eq!(schedule_gap(&rate, d("55"), d("50")), d("-10"));
        let zero = goal("0", "", Cmp::Le);
        assert_eq!(schedule_gap(&zero, d("3"), d("0")), d("-100"));
        assert_eq!(schedule_gap(&zero, d("0"), d("0")), d("0"));
    }

    proptest! {
        #[test]
        fn score_is_capped_and_ge_score_grows_with_the_actual(
            goal_v in 1u64..1_000_000, a in 0u64..2_000_000, b in 0u64..2_000_000, cmp in 0u8..4
        ) {
            let cmp = [Cmp::Ge, Cmp::Le, Cmp::Approx, Cmp::Eq][cmp as usize];
            let g = Goal { value: Decimal::from(goal_v), ..goal("1", "人", cmp) };
            let (lo, hi) = (a.min(b), a.max(b));
            let (clo, chi) = (completion(&g, Decimal::from(lo), tol()), completion(&g, Decimal::from(hi), tol()));
            for c in [clo, chi] {
                prop_assert!(c.score >= Decimal::ZERO && c.score <= Decimal::ONE);
                prop_assert_eq!(c.met, c.score == Decimal::ONE);
            }
            match cmp {
                Cmp::Ge => prop_assert!(clo.score <= chi.score),
                Cmp::Le => prop_assert!(clo.score >= chi.score),
                _ => {}
            }
        }
    }
}
