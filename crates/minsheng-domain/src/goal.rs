//! What one assignment is held to: a [`Goal`] (value, comparison, accrual, deadline), built
//! from a [`Target`] and, for a unit holding a share, its [`Assignment`] quota.
//!
//! **Accrual.** A count target (an additive unit: 人, 个, 公里, 亿元) is *cumulative*: a
//! report carries the cumulative value done since 1 January of the plan year. A rate or
//! time-limit target (%, 倍, 工作日, no unit) is a *level*: a report carries the level as it
//! stands. Which one a target is follows [`Quantity::is_additive`], unless the target says
//! otherwise ([`Target::accrual`]): a standard in 元 ("户均800元") is a level.
//!
//! **Plan year.** The year a goal is scheduled in is the year of its deadline; months are
//! counted from 1 January of that year to the end of the month that holds the deadline.

use crate::assignment::Assignment;
use crate::period::Period;
use crate::plan::Target;
use crate::quantity::{Cmp, Quantity};
use jiff::civil::Date;
use rust_decimal::Decimal;

/// How reported values of a target accrue over the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Accrual {
    /// A count: reports carry the cumulative value since 1 January (新增就业23万人).
    Cumulative,
    /// A rate or time limit: reports carry the current level (覆盖率95%, 3个工作日内办结).
    Level,
}

impl Accrual {
    /// The accrual of a quantity: cumulative when its unit is additive, a level otherwise.
    pub fn of(quantity: &Quantity) -> Accrual {
        if quantity.is_additive() {
            Accrual::Cumulative
        } else {
            Accrual::Level
        }
    }

    /// The stable code stored and exchanged: `cumulative`, `level`.
    pub fn code(self) -> &'static str {
        match self {
            Accrual::Cumulative => "cumulative",
            Accrual::Level => "level",
        }
    }

    /// Parses a stable code; `None` for anything else.
    pub fn from_code(s: &str) -> Option<Accrual> {
        Some(match s {
            "cumulative" => Accrual::Cumulative,
            "level" => Accrual::Level,
            _ => return None,
        })
    }

    /// The Chinese name: 累计值 or 当期水平.
    pub fn label_zh(self) -> &'static str {
        match self {
            Accrual::Cumulative => "累计值",
            Accrual::Level => "当期水平",
        }
    }

    /// What it means for a split, in Chinese: 数量(分解到各单位,合计等于目标) or
    /// 水平或标准(各单位均须达到,不分摊).
    pub fn split_label_zh(self) -> &'static str {
        match self {
            Accrual::Cumulative => "数量:分解到各单位,合计等于目标",
            Accrual::Level => "比率、标准或时限:各单位均须达到,不分摊",
        }
    }

    /// What it means for a split, in English.
    pub fn split_label_en(self) -> &'static str {
        match self {
            Accrual::Cumulative => "Count: divided among units, summing to the target",
            Accrual::Level => {
                "Rate, standard or time limit: every unit is held to it, never divided"
            }
        }
    }
}

/// What one assignment (or a whole target) is held to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Goal {
    /// The value: the unit's quota when it holds one, else the target's value.
    pub value: Decimal,
    /// How the actual is held against the value.
    pub cmp: Cmp,
    /// Whether reports are cumulative counts or levels.
    pub accrual: Accrual,
    /// When the value is due.
    pub deadline: Date,
    /// The level at the start of the year, when known (levels only; used by schedules).
    pub baseline: Option<Decimal>,
}

impl Goal {
    /// The goal of a whole target.
    pub fn for_target(target: &Target) -> Goal {
        Goal {
            value: target.quantity.value,
            cmp: target.cmp,
            accrual: target.accrual(),
            deadline: target.deadline,
            baseline: target.baseline,
        }
    }

    /// The goal of one assignment of `target`: its quota when it has one (a share of a count,
    /// or a local level for a rate), else the target's own value (a lead answering for the
    /// whole, or a rate that holds everywhere).
    pub fn for_assignment(target: &Target, assignment: &Assignment) -> Goal {
        Goal {
            value: assignment.quota.unwrap_or(target.quantity.value),
            ..Goal::for_target(target)
        }
    }

    /// The plan year: the deadline's year.
    pub fn year(&self) -> i16 {
        self.deadline.year()
    }

    /// Months from 1 January to the end of the deadline's month, 1..=12.
    pub fn deadline_months(&self) -> i8 {
        self.deadline.month()
    }

    /// Months of the plan year elapsed by the end of `period`: 0 for a period before the
    /// plan year, 12 for one after it.
    pub fn months_elapsed(&self, period: Period) -> i8 {
        match period.year().cmp(&self.year()) {
            std::cmp::Ordering::Less => 0,
            std::cmp::Ordering::Equal => period.months_into_year(),
            std::cmp::Ordering::Greater => 12,
        }
    }

    /// Whether `period` ends on or after the deadline.
    pub fn is_due_by(&self, period: Period) -> bool {
        period.last_day() >= self.deadline
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{d, target};

    #[test]
    fn counts_accrue_and_rates_are_levels() {
        assert_eq!(
            Accrual::of(&Quantity::new(d("230000"), "人")),
            Accrual::Cumulative
        );
        assert_eq!(
            Accrual::of(&Quantity::new(d("3"), "工作日")),
            Accrual::Level
        );
        assert_eq!(Accrual::of(&Quantity::new(d("95"), "%")), Accrual::Level);
        for a in [Accrual::Cumulative, Accrual::Level] {
            assert_eq!(Accrual::from_code(a.code()), Some(a));
        }
        assert_eq!(Accrual::from_code("sum"), None);
    }

    #[test]
    fn a_quota_replaces_the_target_value() {
        let t = target("230000", "人", Cmp::Ge);
        let mut a = crate::fixtures::assignment(1, 2, Some(d("50000")));
        assert_eq!(Goal::for_assignment(&t, &a).value, d("50000"));
        a.quota = None;
        assert_eq!(Goal::for_assignment(&t, &a).value, d("230000"));
        let g = Goal::for_target(&t);
        assert_eq!(g.months_elapsed(Period::parse("2022-11").unwrap()), 0);
        assert_eq!(g.months_elapsed(Period::parse("2023-Q2").unwrap()), 6);
        assert_eq!(g.months_elapsed(Period::parse("2024-01").unwrap()), 12);
        assert!(g.is_due_by(Period::Year(2023)));
        assert!(!g.is_due_by(Period::parse("2023-11").unwrap()));
    }
}
