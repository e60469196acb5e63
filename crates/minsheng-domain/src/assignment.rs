//! Assignments (责任分工): a target given to a unit, and the schedule it is held to.

use crate::goal::Accrual;
use crate::ids::{AssignmentId, TargetId, UnitId};
use crate::period::Period;
use crate::plan::Target;
use crate::quantity::Quantity;
use rust_decimal::Decimal;

/// A unit's part in a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AssignmentRole {
    /// 牵头单位: answers for the whole target.
    Lead,
    /// 配合单位 or a region holding a share (quota) of the target.
    Partner,
}

impl AssignmentRole {
    /// The stable code stored and exchanged.
    pub fn code(self) -> &'static str {
        match self {
            AssignmentRole::Lead => "lead",
            AssignmentRole::Partner => "partner",
        }
    }

    /// Parses a stable code.
    pub fn from_code(s: &str) -> Option<AssignmentRole> {
        Some(match s {
            "lead" => AssignmentRole::Lead,
            "partner" => AssignmentRole::Partner,
            _ => return None,
        })
    }

    /// The Chinese name of the role.
    pub fn label_zh(self) -> &'static str {
        match self {
            AssignmentRole::Lead => "牵头",
            AssignmentRole::Partner => "配合",
        }
    }

    /// The English name of the role.
    pub fn label_en(self) -> &'static str {
        match self {
            AssignmentRole::Lead => "Lead",
            AssignmentRole::Partner => "Partner",
        }
    }
}

/// A target assigned to a unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// Its id.
    pub id: AssignmentId,
    /// The target.
    pub target: TargetId,
    /// The unit that carries it.
    pub unit: UnitId,
    /// Lead or partner.
    pub role: AssignmentRole,
    /// The unit's share of the target, in the target's unit; `None` when the unit answers
    /// for the whole (a lead department) or the target is a rate that holds everywhere.
    pub quota: Option<Decimal>,
    /// Funds budgeted for this assignment, in 元.
    pub budget: Option<Decimal>,
}

/// One point of an assignment's schedule: the cumulative value expected by the end of a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchedulePoint {
    /// The period whose end the value is due by.
    pub period: Period,
    /// The cumulative value expected by then.
    pub expected: Decimal,
}

/// Splits a whole-number `value` over shares in proportion to `weights`, by largest
/// remainder, so the shares are whole numbers that sum to exactly `value`. A value with a
/// fraction, or weights that sum to zero, cannot be split this way: `None`.
pub fn split_by_weights(value: Decimal, weights: &[u64]) -> Option<Vec<Decimal>> {
    if !value.fract().is_zero() || value.is_sign_negative() {
        return None;
    }
    let total: u128 = weights.iter().map(|&w| u128::from(w)).sum();
    if total == 0 {
        return None;
    }
    let v: u128 = value.trunc().to_string().parse().ok()?;
    let mut shares: Vec<(usize, u128, u128)> = weights
        .iter()
        .enumerate()
        .map(|(i, &w)| {
            let exact = v.checked_mul(u128::from(w))?;
            Some((i, exact / total, exact % total))
        })
        .collect::<Option<_>>()?;
    let assigned: u128 = shares.iter().map(|s| s.1).sum();
    let mut left = v - assigned;
    // Hand the remainder out one by one to the largest remainders (ties: the earlier share).
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by(|&a, &b| shares[b].2.cmp(&shares[a].2).then(a.cmp(&b)));
    for i in order {
        if left == 0 {
            break;
        }
        shares[i].1 += 1;
        left -= 1;
    }
    shares
        .into_iter()
        .map(|(_, n, _)| n.to_string().parse().ok())
        .collect()
}

/// Splits `value` in proportion to `weights` to `places` decimal places (0: whole numbers),
/// by largest remainder, so the shares sum to exactly `value`. `None` when `value` has more
/// places than that, is negative, or the weights sum to zero.
pub fn split_by_weights_to(value: Decimal, weights: &[u64], places: u32) -> Option<Vec<Decimal>> {
    let scale = Decimal::from(10u64.checked_pow(places)?);
    let parts = split_by_weights(value.checked_mul(scale)?, weights)?;
    parts
        .into_iter()
        .map(|p| p.checked_div(scale).map(|x| x.normalize()))
        .collect()
}

/// The shares of `target` in proportion to `weights` (population, last year's shares …):
/// a count is divided — in whole numbers when it counts things (人, 个, 家), else to the
/// places its value is written with — and a level (a rate, a standard, a time limit) is
/// repeated, since every unit is held to it. `None` when a count cannot be divided so (its
/// value has a fraction finer than allowed, or the weights sum to zero).
pub fn shares_by_weights(target: &Target, weights: &[u64]) -> Option<Vec<Decimal>> {
    split_quantity(&target.quantity, target.accrual(), weights)
}

/// [`shares_by_weights`] for a quantity that accrues as `accrual`.
pub fn split_quantity(
    quantity: &Quantity,
    accrual: Accrual,
    weights: &[u64],
) -> Option<Vec<Decimal>> {
    let value = quantity.value;
    match accrual {
        Accrual::Level => Some(vec![value; weights.len()]),
        Accrual::Cumulative => {
            let places = if quantity.counts_things() {
                0
            } else {
                value.normalize().scale()
            };
            split_by_weights_to(value, weights, places)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(n: u64) -> Decimal {
        Decimal::from(n)
    }

    #[test]
    fn splits_like_a_person_would() {
        let got = split_by_weights(d(100), &[50, 30, 20]).unwrap();
        assert_eq!(got, [d(50), d(30), d(20)]);
        let got = split_by_weights(d(10), &[1, 1, 1]).unwrap();
        assert_eq!(got, [d(4), d(3), d(3)]);
        let got = split_by_weights(d(2), &[907, 362, 99]).unwrap();
        assert_eq!(got, [d(1), d(1), d(0)]);
        assert_eq!(split_by_weights("1.3".parse().unwrap(), &[1, 2]), None);
        assert_eq!(split_by_weights(d(5), &[0, 0]), None);
    }

    #[test]
    fn counts_of_things_whole_money_to_its_places_levels_repeated() {
        use crate::fixtures::target;
        use crate::quantity::Cmp;
        let homes = target("39", "家", Cmp::Ge);
        let got = shares_by_weights(&homes, &[1, 1, 1, 1]).unwrap();
        assert_eq!(got, [d(10), d(10), d(10), d(9)]);
        let funds = target("2.5", "亿元", Cmp::Ge);
        let got = shares_by_weights(&funds, &[1, 1, 1]).unwrap();
        assert_eq!(got.iter().copied().sum::<Decimal>(), "2.5".parse().unwrap());
        assert_eq!(got[0], "0.9".parse().unwrap());
        let mut standard = target("800", "元", Cmp::Ge);
        standard.accrual_set = Some(Accrual::Level);
        assert_eq!(
            shares_by_weights(&standard, &[3, 1]).unwrap(),
            [d(800), d(800)]
        );
    }

    proptest! {
        #[test]
        fn shares_always_sum_to_the_value(v in 0u64..10_000_000_000, ws in proptest::collection::vec(0u64..10_000, 1..40)) {
            prop_assume!(ws.iter().any(|&w| w > 0));
            let shares = split_by_weights(d(v), &ws).unwrap();
            prop_assert_eq!(shares.iter().copied().sum::<Decimal>(), d(v));
            prop_assert_eq!(shares.len(), ws.len());
            for (s, w) in shares.iter().zip(&ws) {
                if *w == 0 { prop_assert_eq!(*s, d(0)); }
            }
        }
    }
}
