//! Schedules: the value (or stage) an assignment is expected to have reached by the end of
//! each period.
//!
//! - [`Schedule::Linear`] — 序时进度. A cumulative goal is expected at
//!   `goal × m / M` by the end of month `m`, where `M` is the deadline's month (12 for a goal
//!   due at the year's end, so `goal × m / 12`); from month `M` on, the whole goal. A level
//!   goal with a known baseline moves the same way from the baseline to the goal; a level
//!   goal without a baseline is expected all year.
//! - [`Schedule::Points`] — expected cumulative values given at the end of months, quarters
//!   or halves of the plan year ([`PointSchedule`]). Between points the expectation moves
//!   linearly by month, starting from 0 on 1 January (from the baseline, or else the first
//!   point, for a level); after the last point it holds that point's value.
//! - [`Schedule::Milestones`] — dated milestones, each with a value or a stage
//!   ([`MilestoneSchedule`]). The expectation is a step: the latest milestone due by the
//!   period's last day, and before the first one 0 (a stage of [`Stage::NotStarted`]).
//!
//! A point schedule is accepted only when ([`ScheduleError`] names what is wrong): it has at
//! least one point; every point lies in the plan year; no two points end in the same month;
//! values move towards the goal (non-decreasing for a cumulative goal and for a `ge` level,
//! non-increasing for an `le` level, any order for an `approx`/`eq` level); cumulative values
//! are not negative; and for a cumulative `ge`, `le` or `eq` goal no point lies above the goal
//! (a schedule above the share would ask for more than was committed; above a cap it would
//! plan a breach). A milestone schedule needs at least one milestone, all in the plan year,
//! with values and stages non-decreasing by date.

use crate::assignment::SchedulePoint;
use crate::goal::{Accrual, Goal};
use crate::period::Period;
use crate::quantity::Cmp;
use crate::report::Stage;
use jiff::civil::Date;
use rust_decimal::Decimal;

/// How an assignment's expected progress is laid out over the year.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Schedule {
    /// 序时进度: even progress by month up to the deadline.
    #[default]
    Linear,
    /// Expected values at the end of given periods, interpolated by month.
    Points(PointSchedule),
    /// Dated milestones, each a value or a stage.
    Milestones(MilestoneSchedule),
}

/// A checked list of schedule points, ordered by period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PointSchedule {
    points: Vec<SchedulePoint>,
}

/// What a milestone asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MilestoneGoal {
    /// A cumulative value (or a level) reached by the date.
    Value(Decimal),
    /// A stage reached by the date (qualitative items).
    Stage(Stage),
}

/// A dated milestone: 6月底前完成招标.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Milestone {
    /// The day it is due by.
    pub due: Date,
    /// What must be reached.
    pub goal: MilestoneGoal,
    /// What it is, in the plan's words.
    pub name: String,
}

/// A checked list of milestones, ordered by date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MilestoneSchedule {
    milestones: Vec<Milestone>,
}

/// Why a schedule was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    /// No point or milestone at all.
    #[error("进度计划为空 / the schedule has no points")]
    Empty,
    /// A point lies outside the plan year.
    #[error(
        "进度节点“{period}”不在计划年度{year}年内 / schedule point {period} is outside the plan year {year}"
    )]
    OutsideYear {
        /// The point's period.
        period: Period,
        /// The plan year.
        year: i16,
    },
    /// A milestone is dated outside the plan year.
    #[error(
        "节点“{name}”的日期{due}不在计划年度{year}年内 / milestone '{name}' on {due} is outside the plan year {year}"
    )]
    MilestoneOutsideYear {
        /// The milestone's name.
        name: String,
        /// Its date.
        due: Date,
        /// The plan year.
        year: i16,
    },
    /// Two points end in the same month.
    #[error(
        "进度节点“{first}”与“{second}”截止于同一月份 / schedule points {first} and {second} end in the same month"
    )]
    SameMonth {
        /// The earlier point.
        first: Period,
        /// The later point.
        second: Period,
    },
    /// A value moves away from the goal.
    #[error(
        "进度节点“{period}”的值{value}背离目标方向(前一节点为{previous}) / schedule point {period} ({value}) moves away from the goal (previous {previous})"
    )]
    WrongDirection {
        /// The point's period (for a milestone: the month of its date).
        period: Period,
        /// Its value.
        value: Decimal,
        /// The value before it.
        previous: Decimal,
    },
    /// A stage milestone asks for less than an earlier one.
    #[error(
        "节点“{name}”要求的阶段早于前一节点 / milestone '{name}' asks for an earlier stage than the one before it"
    )]
    StageGoesBack {
        /// The milestone's name.
        name: String,
    },
    /// A cumulative value is negative.
    #[error(
        "进度节点“{period}”的累计值{value}为负数 / schedule point {period} has a negative cumulative value {value}"
    )]
    Negative {
        /// The point's period.
        period: Period,
        /// Its value.
        value: Decimal,
    },
    /// A point lies above the goal of a cumulative target.
    #[error(
        "进度节点“{period}”的值{value}超过任务值{goal} / schedule point {period} ({value}) is above the goal {goal}"
    )]
    AboveGoal {
        /// The point's period.
        period: Period,
        /// Its value.
        value: Decimal,
        /// The goal.
        goal: Decimal,
    },
}

impl PointSchedule {
    /// Checks points (in any order) against the goal they lead to; see the module docs.
    pub fn new(
        mut points: Vec<SchedulePoint>,
        goal: &Goal,
    ) -> Result<PointSchedule, ScheduleError> {
        if points.is_empty() {
            return Err(ScheduleError::Empty);
        }
        points.sort_by_key(|p| p.period);
        let year = goal.year();
        for p in &points {
            if p.period.year() != year {
                return Err(ScheduleError::OutsideYear {
                    period: p.period,
                    year,
                });
            }
            if goal.accrual == Accrual::Cumulative && p.expected.is_sign_negative() {
                return Err(ScheduleError::Negative {
                    period: p.period,
                    value: p.expected,
                });
            }
            let capped = matches!(goal.cmp, Cmp::Ge | Cmp::Le | Cmp::Eq);
            if goal.accrual == Accrual::Cumulative && capped && p.expected > goal.value {
                return Err(ScheduleError::AboveGoal {
                    period: p.period,
                    value: p.expected,
                    goal: goal.value,
                });
            }
        }
        for w in points.windows(2) {
            let (a, b) = (w[0], w[1]);
            if a.period.months_into_year() == b.period.months_into_year() {
                return Err(ScheduleError::SameMonth {
                    first: a.period,
                    second: b.period,
                });
            }
            let wrong = match (goal.accrual, goal.cmp) {
                (Accrual::Cumulative, _) | (Accrual::Level, Cmp::Ge) => b.expected < a.expected,
                (Accrual::Level, Cmp::Le) => b.expected > a.expected,
                (Accrual::Level, Cmp::Approx | Cmp::Eq) => false,
            };
            if wrong {
                return Err(ScheduleError::WrongDirection {
                    period: b.period,
                    value: b.expected,
                    previous: a.expected,
                });
            }
        }
        Ok(PointSchedule { points })
    }

    /// The points, ordered by period.
    pub fn points(&self) -> &[SchedulePoint] {
        &self.points
    }
}

impl MilestoneSchedule {
    /// Checks milestones (in any order) of plan year `year`; see the module docs.
    pub fn new(
        year: i16,
        mut milestones: Vec<Milestone>,
    ) -> Result<MilestoneSchedule, ScheduleError> {
        if milestones.is_empty() {
            return Err(ScheduleError::Empty);
        }
        milestones.sort_by_key(|m| m.due);
        let mut value: Option<Decimal> = None;
        let mut stage: Option<Stage> = None;
        for m in &milestones {
            if m.due.year() != year {
                return Err(ScheduleError::MilestoneOutsideYear {
                    name: m.name.clone(),
                    due: m.due,
                    year,
                });
            }
            match m.goal {
                MilestoneGoal::Value(v) => {
                    if let Some(previous) = value.filter(|&prev| v < prev) {
                        return Err(ScheduleError::WrongDirection {
                            period: Period::month_of(m.due),
                            value: v,
                            previous,
                        });
                    }
                    value = Some(v);
                }
                MilestoneGoal::Stage(s) => {
                    if stage.is_some_and(|prev| s < prev) {
                        return Err(ScheduleError::StageGoesBack {
                            name: m.name.clone(),
                        });
                    }
                    stage = Some(s);
                }
            }
        }
        Ok(MilestoneSchedule { milestones })
    }

    /// The milestones, ordered by date.
    pub fn milestones(&self) -> &[Milestone] {
        &self.milestones
    }

    fn due_by(&self, period: Period) -> impl Iterator<Item = &Milestone> {
        let end = period.last_day();
        self.milestones.iter().filter(move |m| m.due <= end)
    }

    fn has_values(&self) -> bool {
        self.milestones
            .iter()
            .any(|m| matches!(m.goal, MilestoneGoal::Value(_)))
    }

    fn has_stages(&self) -> bool {
        self.milestones
            .iter()
            .any(|m| matches!(m.goal, MilestoneGoal::Stage(_)))
    }
}

/// The value `into / span` of the way from `v0` to `v1`: exactly `v0 + (v1 − v0) × into /
/// span`, or, for values near `Decimal`'s limits where that product overflows, the fraction
/// taken first and the result held within range (never a panic).
fn between(v0: Decimal, v1: Decimal, into: Decimal, span: Decimal) -> Decimal {
    if span.is_zero() {
        return v1;
    }
    v1.checked_sub(v0)
        .and_then(|d| d.checked_mul(into))
        .and_then(|d| d.checked_div(span))
        .and_then(|d| v0.checked_add(d))
        .unwrap_or_else(|| {
            let fraction = into / span;
            v0.saturating_add(v1.saturating_sub(v0).saturating_mul(fraction))
        })
}

impl Schedule {
    /// The value expected by the end of `period` for `goal`: cumulative for a count, the level
    /// for a rate. `None` only for a milestone schedule with no value milestones (stages
    /// only); callers then fall back to [`Schedule::Linear`].
    pub fn expected(&self, goal: &Goal, period: Period) -> Option<Decimal> {
        let m = goal.months_elapsed(period);
        match self {
            Schedule::Linear => {
                let whole = goal.deadline_months();
                let m = Decimal::from(m.min(whole));
                let whole = Decimal::from(whole);
                let start = match goal.accrual {
                    Accrual::Cumulative => Decimal::ZERO,
                    Accrual::Level => goal.baseline.unwrap_or(goal.value),
                };
                Some(between(start, goal.value, m, whole))
            }
            Schedule::Points(s) => {
                let points = s.points();
                let start = match goal.accrual {
                    Accrual::Cumulative => Decimal::ZERO,
                    Accrual::Level => goal.baseline.unwrap_or(points[0].expected),
                };
                let (mut m0, mut v0) = (0i8, start);
                for p in points {
                    let m1 = p.period.months_into_year();
                    if m <= m1 {
                        let span = Decimal::from(m1 - m0);
                        let into = Decimal::from(m - m0);
                        return Some(between(v0, p.expected, into, span));
                    }
                    (m0, v0) = (m1, p.expected);
                }
                Some(v0)
            }
            Schedule::Milestones(s) => {
                if !s.has_values() {
                    return None;
                }
                let start = match goal.accrual {
                    Accrual::Cumulative => Decimal::ZERO,
                    Accrual::Level => goal.baseline.unwrap_or(goal.value),
                };
                let last = s.due_by(period).filter_map(|m| match m.goal {
                    MilestoneGoal::Value(v) => Some(v),
                    MilestoneGoal::Stage(_) => None,
                });
                Some(last.last().unwrap_or(start))
            }
        }
    }

    /// The stage expected by the end of `period`: `None` unless the schedule has stage
    /// milestones; [`Stage::NotStarted`] before the first of them.
    pub fn expected_stage(&self, period: Period) -> Option<Stage> {
        let Schedule::Milestones(s) = self else {
            return None;
        };
        if !s.has_stages() {
            return None;
        }
        let last = s.due_by(period).filter_map(|m| match m.goal {
            MilestoneGoal::Stage(st) => Some(st),
            MilestoneGoal::Value(_) => None,
        });
        Some(last.last().unwrap_or(Stage::NotStarted))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{d, p, target};
    use jiff::civil::date;
    use proptest::prelude::*;

    fn goal(value: &str, unit: &str, cmp: Cmp) -> Goal {
        Goal::for_target(&target(value, unit, cmp))
    }

    fn pt(period: &str, v: &str) -> SchedulePoint {
        SchedulePoint {
            period: p(period),
            expected: d(v),
        }
    }

    #[test]
    fn linear_is_the_share_of_months_elapsed() {
        let g = goal("230000", "人", Cmp::Ge);
        let s = Schedule::Linear;
        assert_eq!(s.expected(&g, p("2023-06")), Some(d("115000")));
        assert_eq!(s.expected(&g, p("2023-Q1")), Some(d("57500")));
        assert_eq!(s.expected(&g, p("2023")), Some(d("230000")));
        assert_eq!(s.expected(&g, p("2022-12")), Some(d("0")));
        assert_eq!(s.expected(&g, p("2024-03")), Some(d("230000")));
        // due at the end of June: the whole by June
        let g = Goal {
            deadline: date(2023, 6, 30),
            ..g
        };
        assert_eq!(s.expected(&g, p("2023-03")), Some(d("115000")));
        assert_eq!(s.expected(&g, p("2023-09")), Some(d("230000")));
    }

    #[test]
    fn a_level_is_expected_all_year_or_moves_from_its_baseline() {
        let g = goal("95", "%", Cmp::Ge);
        assert_eq!(Schedule::Linear.expected(&g, p("2023-01")), Some(d("95")));
        let g = Goal {
            baseline: Some(d("83")),
            ..g
        };
        assert_eq!(Schedule::Linear.expected(&g, p("2023-06")), Some(d("89")));
    }

    #[test]
    fn points_interpolate_by_month_and_hold_after_the_last() {
        let g = goal("100", "个", Cmp::Ge);
        let s = PointSchedule::new(vec![pt("2023-Q2", "30"), pt("2023-09", "90")], &g).unwrap();
        let s = Schedule::Points(s);
        assert_eq!(s.expected(&g, p("2023-03")), Some(d("15")));
        assert_eq!(s.expected(&g, p("2023-06")), Some(d("30")));
        assert_eq!(s.expected(&g, p("2023-08")), Some(d("70")));
        assert_eq!(s.expected(&g, p("2023-09")), Some(d("90")));
        assert_eq!(s.expected(&g, p("2023-12")), Some(d("90")));
    }

    #[test]
    fn refuses_bad_points_by_name() {
        let g = goal("100", "个", Cmp::Ge);
        let err = |pts| PointSchedule::new(pts, &g).unwrap_err();
        assert_eq!(err(vec![]), ScheduleError::Empty);
        assert!(matches!(
            err(vec![pt("2024-03", "10")]),
            ScheduleError::OutsideYear { year: 2023, .. }
        ));
        assert!(matches!(
            err(vec![pt("2023-Q2", "30"), pt("2023-06", "30")]),
            ScheduleError::SameMonth { .. }
        ));
        assert!(matches!(
            err(vec![pt("2023-Q2", "50"), pt("2023-Q3", "40")]),
            ScheduleError::WrongDirection { .. }
        ));
        assert!(matches!(
            err(vec![pt("2023-12", "120")]),
            ScheduleError::AboveGoal { .. }
        ));
        assert!(matches!(
            err(vec![pt("2023-03", "-1")]),
            ScheduleError::Negative { .. }
        ));
        // a time limit coming down is the right way round
        let le = goal("3", "工作日", Cmp::Le);
        assert!(PointSchedule::new(vec![pt("2023-Q1", "10"), pt("2023-Q4", "3")], &le).is_ok());
        assert!(PointSchedule::new(vec![pt("2023-Q1", "3"), pt("2023-Q4", "10")], &le).is_err());
        let msg = err(vec![pt("2023-12", "120")]).to_string();
        assert!(
            msg.starts_with("进度节点“2023-12”的值120超过任务值100"),
            "{msg}"
        );
    }

    #[test]
    fn milestones_are_steps() {
        let g = goal("100", "个", Cmp::Ge);
        let ms = MilestoneSchedule::new(
            2023,
            vec![
                Milestone {
                    due: date(2023, 9, 30),
                    goal: MilestoneGoal::Value(d("100")),
                    name: "全部建成".into(),
                },
                Milestone {
                    due: date(2023, 5, 15),
                    goal: MilestoneGoal::Value(d("40")),
                    name: "建成一批".into(),
                },
                Milestone {
                    due: date(2023, 3, 31),
                    goal: MilestoneGoal::Stage(Stage::InProgress),
                    name: "开工".into(),
                },
            ],
        )
        .unwrap();
        let s = Schedule::Milestones(ms);
        assert_eq!(s.expected(&g, p("2023-04")), Some(d("0")));
        assert_eq!(s.expected(&g, p("2023-05")), Some(d("40")));
        assert_eq!(s.expected(&g, p("2023-Q3")), Some(d("100")));
        assert_eq!(s.expected_stage(p("2023-02")), Some(Stage::NotStarted));
        assert_eq!(s.expected_stage(p("2023-Q1")), Some(Stage::InProgress));
        assert_eq!(Schedule::Linear.expected_stage(p("2023-Q1")), None);
        let back = MilestoneSchedule::new(
            2023,
            vec![
                Milestone {
                    due: date(2023, 3, 1),
                    goal: MilestoneGoal::Stage(Stage::Done),
                    name: "完成".into(),
                },
                Milestone {
                    due: date(2023, 6, 1),
                    goal: MilestoneGoal::Stage(Stage::InProgress),
                    name: "推进".into(),
                },
            ],
        );
        assert!(matches!(back, Err(ScheduleError::StageGoesBack { .. })));
        assert!(matches!(
            MilestoneSchedule::new(2024, vec![]),
            Err(ScheduleError::Empty)
        ));
    }

    fn month(m: i8) -> Period {
        Period::Month {
            year: 2023,
            month: m,
        }
    }

    proptest! {
        #[test]
        fn linear_is_monotone_and_ends_at_the_goal(v in 0u64..1_000_000_000, scale in 0u32..4, deadline_month in 1i8..13) {
            let value = Decimal::new(v as i64, scale);
            let g = Goal {
                deadline: date(2023, deadline_month, 1).last_of_month(),
                ..goal("1", "人", Cmp::Ge)
            };
            let g = Goal { value, ..g };
            let s = Schedule::Linear;
            let mut prev = Decimal::ZERO;
            for m in 1..=12 {
                let e = s.expected(&g, month(m)).unwrap();
                prop_assert!(e >= prev, "month {m}: {e} < {prev}");
                prev = e;
            }
            prop_assert_eq!(s.expected(&g, Period::Year(2023)), Some(value));
            prop_assert_eq!(s.expected(&g, month(deadline_month)), Some(value));
        }

        #[test]
        fn points_are_monotone_and_pass_through_every_point(
            picks in proptest::collection::btree_map(1i8..13, 0u64..1000, 1..8)
        ) {
            let g = goal("100000", "个", Cmp::Ge);
            let mut acc = 0u64;
            let pts: Vec<SchedulePoint> = picks.iter().map(|(&m, &inc)| {
                acc += inc;
                SchedulePoint { period: month(m), expected: Decimal::from(acc) }
            }).collect();
            let s = Schedule::Points(PointSchedule::new(pts.clone(), &g).unwrap());
            let mut prev = Decimal::ZERO;
            for m in 1..=12 {
                let e = s.expected(&g, month(m)).unwrap();
                prop_assert!(e >= prev);
                prev = e;
            }
            for pt in &pts {
                prop_assert_eq!(s.expected(&g, pt.period), Some(pt.expected));
            }
            prop_assert_eq!(s.expected(&g, Period::Year(2023)), Some(pts.last().unwrap().expected));
        }
    }
}
