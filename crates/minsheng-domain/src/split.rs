//! Decomposition check (任务分解): whether units' quotas add up to the target they split.
//!
//! **Rule** ([`check_split`]). A count (cumulative target, additive unit) is divided
//! among the units; a rate or time limit (level) is repeated for each of them.
//!
//! | target | the quotas must | refused as |
//! |---|---|---|
//! | count, `ge` (不少于) | sum to exactly the target | [`SplitError::SumMismatch`], with the difference |
//! | count, `eq` | sum to exactly the target | [`SplitError::SumMismatch`] |
//! | count, `le` (不超过, a cap) | sum to at most the cap; a lower sum is allowed (stricter local caps are fine) | [`SplitError::AboveCap`], with the excess |
//! | count, `approx` (左右, 约) | sum to within the tolerance of the target: \|sum − target\| ≤ tolerance × target | [`SplitError::OutsideTolerance`] |
//! | level, `ge` | each be at least the target (as strict or stricter) | [`SplitError::LooserShare`] |
//! | level, `le` | each be at most the target | [`SplitError::LooserShare`] |
//! | level, `approx` | each be within the tolerance of the target | [`SplitError::LooserShare`] |
//! | level, `eq` | each equal the target | [`SplitError::LooserShare`] |
//!
//! Which a target is — a count or a level — is [`Target::accrual`]: its unit decides
//! (%, 倍, 工作日 are levels) unless the extractor or the office said otherwise (a standard
//! such as "补助标准达到户均800元" is in 元 but is a level).
//!
//! A level share is a level, not a portion: splitting "覆盖率95%" over nine cities gives each
//! city 95% (or more), never 95/9; a split that divides a level is refused as
//! [`SplitError::LooserShare`], saying so. A count of things (人, 个, 家: see
//! [`Quantity::counts_things`](crate::Quantity::counts_things)) is divided in whole numbers:
//! a share with a fraction is [`SplitError::Fraction`] (no "9.75家"). For any target, an empty
//! list is [`SplitError::NoShares`] and a negative count share is [`SplitError::Negative`].
//! The first failing rule is reported; for shares, the first failing one (by index; messages
//! count from 1).

use crate::goal::Accrual;
use crate::plan::Target;
use crate::progress::meets;
use crate::quantity::Cmp;
use rust_decimal::Decimal;

/// Why a split was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SplitError {
    /// Nothing to check.
    #[error("未分解到任何单位 / the target is split among no units")]
    NoShares,
    /// A share of a count is negative.
    #[error("第{}个分解值{share}为负数 / share {} is negative ({share})", .index + 1, .index + 1)]
    Negative {
        /// Its index, from 0.
        index: usize,
        /// The share.
        share: Decimal,
    },
    /// A share of a count of things has a fraction.
    #[error(
        "第{}个分解值{share}{unit}不是整数:按{unit}计的任务量只能分解为整数 / share {} ({share} {unit}) is not a whole number: things counted in {unit} are split in whole numbers",
        .index + 1, .index + 1
    )]
    Fraction {
        /// Its index, from 0.
        index: usize,
        /// The share.
        share: Decimal,
        /// The unit counted.
        unit: String,
    },
    /// The shares are too large to add up (their sum is beyond any decimal this system
    /// holds, so far beyond the target).
    #[error("分解值合计超出可计算范围 / the shares are too large to add up")]
    SumOverflow,
    /// The shares of a `ge`/`eq` count do not sum to the target.
    #[error(
        "分解值合计{sum}与目标{target}不符,相差{difference} / the shares sum to {sum}, not the target {target} (off by {difference})"
    )]
    SumMismatch {
        /// The sum of the shares.
        sum: Decimal,
        /// The target.
        target: Decimal,
        /// `sum − target`: positive when the shares ask for more.
        difference: Decimal,
    },
    /// The shares of a cap sum above it.
    #[error(
        "分解值合计{sum}超过上限{cap},超出{excess} / the shares sum to {sum}, above the cap {cap} by {excess}"
    )]
    AboveCap {
        /// The sum of the shares.
        sum: Decimal,
        /// The cap.
        cap: Decimal,
        /// `sum − cap`.
        excess: Decimal,
    },
    /// The shares of an `approx` count sum outside the tolerance.
    #[error(
        "分解值合计{sum}超出目标{target}的允许偏差±{allowed} / the shares sum to {sum}, outside {target} ± {allowed}"
    )]
    OutsideTolerance {
        /// The sum of the shares.
        sum: Decimal,
        /// The target.
        target: Decimal,
        /// `tolerance × target`.
        allowed: Decimal,
    },
    /// A level share is looser than the target.
    #[error(
        "第{}个分解值{share}未达到目标{target}的要求:比率、标准、时限类指标是每个单位都须达到的水平,不分摊 / share {} ({share}) is looser than the target {target}: a rate, standard or time limit is a level every unit is held to, never divided",
        .index + 1, .index + 1
    )]
    LooserShare {
        /// Its index, from 0.
        index: usize,
        /// The share.
        share: Decimal,
        /// The target.
        target: Decimal,
    },
}

/// Checks units' quotas `shares` against the target they split; `tolerance` is the
/// fraction allowed for `approx` (0.1 = 10%). See the module docs for the rule.
pub fn check_split(
    target: &Target,
    shares: &[Decimal],
    tolerance: Decimal,
) -> Result<(), SplitError> {
    if shares.is_empty() {
        return Err(SplitError::NoShares);
    }
    let t = target.quantity.value;
    match target.accrual() {
        Accrual::Cumulative => {
            if let Some((index, &share)) = shares
                .iter()
                .enumerate()
                .find(|(_, s)| s.is_sign_negative())
            {
                return Err(SplitError::Negative { index, share });
            }
            if target.quantity.counts_things()
                && let Some((index, &share)) = shares
                    .iter()
                    .enumerate()
                    .find(|(_, s)| !s.fract().is_zero())
            {
                return Err(SplitError::Fraction {
                    index,
                    share,
                    unit: target.quantity.unit.clone(),
                });
            }
            let sum = shares
                .iter()
                .try_fold(Decimal::ZERO, |acc, s| acc.checked_add(*s))
                .ok_or(SplitError::SumOverflow)?;
            match target.cmp {
                Cmp::Ge | Cmp::Eq if sum != t => Err(SplitError::SumMismatch {
                    sum,
                    target: t,
                    difference: sum.saturating_sub(t),
                }),
                Cmp::Le if sum > t => Err(SplitError::AboveCap {
                    sum,
                    cap: t,
                    excess: sum.saturating_sub(t),
                }),
                Cmp::Approx if !meets(Cmp::Approx, sum, t, tolerance) => {
                    Err(SplitError::OutsideTolerance {
                        sum,
                        target: t,
                        allowed: tolerance.saturating_mul(t.abs()),
                    })
                }
                _ => Ok(()),
            }
        }
        Accrual::Level => match shares
            .iter()
            .enumerate()
            .find(|(_, s)| !meets(target.cmp, **s, t, tolerance))
        {
            Some((index, &share)) => Err(SplitError::LooserShare {
                index,
                share,
                target: t,
            }),
            None => Ok(()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assignment::split_by_weights;
    use crate::fixtures::{d, target};
    use proptest::prelude::*;

    fn ds(v: &[&str]) -> Vec<Decimal> {
        v.iter().map(|s| d(s)).collect()
    }

    #[test]
    fn counts_sum_the_right_way() {
        let tol = d("0.1");
        let jobs = target("230000", "人", Cmp::Ge);
        assert_eq!(check_split(&jobs, &ds(&["130000", "100000"]), tol), Ok(()));
        assert_eq!(
            check_split(&jobs, &ds(&["130000", "90000"]), tol),
            Err(SplitError::SumMismatch {
                sum: d("220000"),
                target: d("230000"),
                difference: d("-10000")
            })
        );
        let cap = target("200", "亿元", Cmp::Le);
        assert_eq!(check_split(&cap, &ds(&["100", "80"]), tol), Ok(()));
        assert!(matches!(
            check_split(&cap, &ds(&["120", "90"]), tol),
            Err(SplitError::AboveCap { excess, .. }) if excess == d("10")
        ));
        let about = target("1000", "个", Cmp::Approx);
        assert_eq!(check_split(&about, &ds(&["600", "500"]), tol), Ok(()));
        assert!(matches!(
            check_split(&about, &ds(&["600", "520"]), tol),
            Err(SplitError::OutsideTolerance { .. })
        ));
        assert!(matches!(
            check_split(&jobs, &ds(&["230001", "-1"]), tol),
            Err(SplitError::Negative { index: 1, .. })
        ));
        assert_eq!(check_split(&jobs, &[], tol), Err(SplitError::NoShares));
    }

    #[test]
    fn levels_are_repeated_not_divided() {
        let tol = d("0.1");
        let rate = target("95", "%", Cmp::Ge);
        assert_eq!(check_split(&rate, &ds(&["95", "97", "100"]), tol), Ok(()));
        assert_eq!(
            check_split(&rate, &ds(&["95", "10.5"]), tol),
            Err(SplitError::LooserShare {
                index: 1,
                share: d("10.5"),
                target: d("95")
            })
        );
        let limit = target("3", "工作日", Cmp::Le);
        assert_eq!(check_split(&limit, &ds(&["3", "2"]), tol), Ok(()));
        assert!(check_split(&limit, &ds(&["3", "5"]), tol).is_err());
        let msg = check_split(&limit, &ds(&["5"]), tol)
            .unwrap_err()
            .to_string();
        assert!(msg.starts_with("第1个分解值5未达到目标3的要求"), "{msg}");
    }

    #[test]
    fn a_standard_in_yuan_is_repeated_once_marked() {
        let tol = d("0.1");
        // 补助标准达到户均800元: by its unit a count, as a standard a level.
        let mut standard = target("800", "元", Cmp::Ge);
        assert_eq!(check_split(&standard, &ds(&["400", "400"]), tol), Ok(()));
        standard.accrual_set = Some(Accrual::Level);
        let msg = check_split(&standard, &ds(&["400", "400"]), tol)
            .unwrap_err()
            .to_string();
        assert!(msg.contains("不分摊"), "{msg}");
        assert_eq!(check_split(&standard, &ds(&["800", "900"]), tol), Ok(()));
    }

    #[test]
    fn things_are_split_in_whole_numbers() {
        let tol = d("0.1");
        let homes = target("39", "家", Cmp::Ge);
        assert_eq!(
            check_split(&homes, &ds(&["29.25", "9.75"]), tol),
            Err(SplitError::Fraction {
                index: 0,
                share: d("29.25"),
                unit: "家".into()
            })
        );
        assert_eq!(check_split(&homes, &ds(&["30", "9"]), tol), Ok(()));
        // Money may carry fractions.
        let funds = target("2.5", "亿元", Cmp::Ge);
        assert_eq!(check_split(&funds, &ds(&["1.25", "1.25"]), tol), Ok(()));
    }

    proptest! {
        #[test]
        fn a_split_by_weights_always_passes_and_one_off_fails(
            v in 1u64..10_000_000_000, ws in proptest::collection::vec(1u64..10_000, 1..30)
        ) {
            let t = target(&v.to_string(), "人", Cmp::Ge);
            let mut shares = split_by_weights(Decimal::from(v), &ws).unwrap();
            prop_assert_eq!(check_split(&t, &shares, d("0.1")), Ok(()));
            shares[0] += Decimal::ONE;
            let off_by_one = matches!(
                check_split(&t, &shares, d("0.1")),
                Err(SplitError::SumMismatch { difference, .. }) if difference == Decimal::ONE
            );
            prop_assert!(off_by_one);
        }
    }
}
