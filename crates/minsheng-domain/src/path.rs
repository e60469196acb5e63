//! Multi-year goals (中长期目标, 到2025年…): a target of a `multi_year_goals` plan whose
//! deadline lies years after the plan's start, tracked by year (or quarter) along a **path**.
//!
//! Beside [`schedule`](crate::schedule), not inside it: a schedule lays a goal out over the
//! months of *one* plan year (its months are 1..=12, its points in the deadline's year, and
//! a count accrues from 1 January); a path runs over years, from a base year to the deadline,
//! and what is reported on it is the goal's measure as it stands (a level: 总产值 of the year,
//! 整车产量 of the year), never a sum since 1 January of the plan.
//!
//! **The path.** Positions are months counted on one line across years (a period stands at
//! the end of its last month; a base year at the end of its December). Its anchors:
//!
//! - [`PathKind::Linear`] (the default): the base (year, value), then the target at the
//!   deadline; the expected value moves linearly by month between them;
//! - [`PathKind::Points`]: the base when known, the office's points (a year or a quarter →
//!   value), then the target at the deadline unless the last point stands there already.
//!
//! Before the first anchor the path holds the first anchor's value, after the last the last.
//! A path with no base starts from the **first accepted report** ([`Path::with_origin`]): the
//! office may not know the base year's figure, and the first report is then where the path
//! starts. A linear path with neither is expected at the target throughout.
//!
//! **Checks** ([`Path::new`], each refusal a [`PathError`] whose [`PathError::field`] names
//! the field): the deadline not before the plan's start; the base year before the deadline's
//! year and not after the plan's start year; points only years or quarters, not before the
//! base year (or the plan's start without a base), not after the deadline, strictly in order,
//! in the target's unit; every value within what a report may carry
//! ([`check_report_value`]); at most [`MAX_POINTS`] points.
//!
//! **Reporting** ([`Frequency`]): a yearly goal takes the year's figure (2024), a quarterly
//! goal each quarter's (2024-Q2) and the year's too (年报, which stands for the year's end);
//! a month or a half-year is refused, as is a period before the plan's start year or after
//! the deadline's year ([`Path::check_report_period`]).
//!
//! **Status and forecast.** The status at a period is the one-year rule of
//! [`status`](crate::status) with the path's expected value in place of 序时进度
//! ([`status_against`]): 10–30 points behind = yellow, more = red, met = done. The forecast is
//! [`forecast`](crate::forecast)'s least squares over the reported values by month, read at
//! the deadline's month ([`forecast_to`]). All arithmetic on the office's and units' numbers is
//! checked: a value too large to compute with gives no expectation, never a panic.

use crate::forecast::{Forecast, forecast_to};
use crate::goal::{Accrual, Goal};
use crate::period::Period;
use crate::quantity::{Cmp, Quantity, check_report_value};
use crate::status::{Status, Thresholds, status_against};
use jiff::civil::Date;
use rust_decimal::Decimal;

/// The most points a path may have.
pub const MAX_POINTS: usize = 200;

/// How often a multi-year goal is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Frequency {
    /// Once a year (年报).
    #[default]
    Yearly,
    /// Every quarter (季报), and the year's figure.
    Quarterly,
}

impl Frequency {
    /// Both, in order.
    pub const ALL: [Frequency; 2] = [Frequency::Yearly, Frequency::Quarterly];

    /// The stable code stored and exchanged: `yearly`, `quarterly`.
    pub fn code(self) -> &'static str {
        match self {
            Frequency::Yearly => "yearly",
            Frequency::Quarterly => "quarterly",
        }
    }

    /// Parses a stable code.
    pub fn from_code(s: &str) -> Option<Frequency> {
        Frequency::ALL.into_iter().find(|f| f.code() == s)
    }

    /// 按年报送 / 按季报送.
    pub fn label_zh(self) -> &'static str {
        match self {
            Frequency::Yearly => "按年报送",
            Frequency::Quarterly => "按季报送",
        }
    }

    /// Yearly / Quarterly.
    pub fn label_en(self) -> &'static str {
        match self {
            Frequency::Yearly => "Yearly",
            Frequency::Quarterly => "Quarterly",
        }
    }

    /// Whether a report for `period` is of this frequency (the year's figure always is).
    pub fn takes(self, period: Period) -> bool {
        matches!(
            (self, period),
            (_, Period::Year(_)) | (Frequency::Quarterly, Period::Quarter { .. })
        )
    }

    /// The periods of this frequency in `year`, in order.
    pub fn periods_of(self, year: i16) -> Vec<Period> {
        match self {
            Frequency::Yearly => vec![Period::Year(year)],
            Frequency::Quarterly => (1..=4)
                .map(|quarter| Period::Quarter { year, quarter })
                .chain([Period::Year(year)])
                .collect(),
        }
    }
}

/// Linear from the base to the target, or through the office's points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PathKind {
    /// Even progress by month from the base to the target.
    #[default]
    Linear,
    /// Through given points, then to the target.
    Points,
}

impl PathKind {
    /// The stable code: `linear`, `points`.
    pub fn code(self) -> &'static str {
        match self {
            PathKind::Linear => "linear",
            PathKind::Points => "points",
        }
    }

    /// Parses a stable code.
    pub fn from_code(s: &str) -> Option<PathKind> {
        match s {
            "linear" => Some(PathKind::Linear),
            "points" => Some(PathKind::Points),
            _ => None,
        }
    }

    /// 线性路径 / 分年节点.
    pub fn label_zh(self) -> &'static str {
        match self {
            PathKind::Linear => "线性路径",
            PathKind::Points => "分期节点",
        }
    }

    /// Linear / Points.
    pub fn label_en(self) -> &'static str {
        match self {
            PathKind::Linear => "Linear",
            PathKind::Points => "Given points",
        }
    }
}

/// The value at a base year (2022年 7000亿元).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Base {
    /// The year the value stands at the end of.
    pub year: i16,
    /// The value, in the target's unit.
    pub value: Decimal,
}

/// A point of a path: the value expected by the end of a year or quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathPoint {
    /// A year or a quarter.
    pub period: Period,
    /// The value expected by its end, in the target's unit.
    pub value: Decimal,
}

/// What the office asks of a goal: the terms of its target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoalTerms {
    /// The first year of the plan (2023 for 2023–2025).
    pub start_year: i16,
    /// When it is due (2025-12-31).
    pub deadline: Date,
    /// The target value and unit (11000 亿元).
    pub target: Quantity,
    /// How it is held (以上 → ge).
    pub cmp: Cmp,
}

/// A path as the office gives it, before it is checked: points carry the unit they were
/// written in.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PathInput {
    /// Linear or points.
    pub kind: PathKind,
    /// The base, when known, with the unit its value is written in.
    pub base: Option<(Base, String)>,
    /// The points (for [`PathKind::Points`]), in the order given, each with its unit.
    pub points: Vec<(PathPoint, String)>,
    /// How often it is reported.
    pub frequency: Frequency,
}

/// Why a path (or a report's period on it) was refused. [`PathError::field`] names the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    /// The deadline lies before the plan's first year.
    #[error(
        "截止日期{deadline}早于计划起始年份{start_year}年 / the deadline {deadline} is before the plan's start year {start_year}"
    )]
    DeadlineBeforeStart {
        /// The deadline.
        deadline: Date,
        /// The plan's first year.
        start_year: i16,
    },
    /// The base year is not before the deadline's year, or after the plan's start.
    #[error(
        "基期{base_year}年须不晚于计划起始年份{start_year}年且早于目标年份{deadline_year}年 / the base year {base_year} must be no later than the start year {start_year} and before the target year {deadline_year}"
    )]
    BaseYear {
        /// The base year given.
        base_year: i16,
        /// The plan's first year.
        start_year: i16,
        /// The deadline's year.
        deadline_year: i16,
    },
    /// A value is written in a unit other than the target's.
    #[error(
        "{field}的单位“{unit}”与目标单位“{expected}”不符 / {field}: unit '{unit}' is not the target's unit '{expected}'"
    )]
    Unit {
        /// The field (base_value, points[2].value).
        field: String,
        /// The unit given.
        unit: String,
        /// The target's unit.
        expected: String,
    },
    /// A value a report could not carry (negative, too large, too precise).
    #[error("{field}:{reason}")]
    Value {
        /// The field.
        field: String,
        /// Why.
        reason: String,
    },
    /// A point is a month or a half-year.
    #[error(
        "节点{index}的期间{period}须为年度或季度 / point {index}: {period} must be a year or a quarter"
    )]
    PointKind {
        /// The point's place, from 1.
        index: usize,
        /// Its period.
        period: Period,
    },
    /// A point lies before the base year (or the plan's start, without a base).
    #[error("节点{index}的期间{period}早于{from}年 / point {index}: {period} is before {from}")]
    PointTooEarly {
        /// The point's place, from 1.
        index: usize,
        /// Its period.
        period: Period,
        /// The base year (or the first year of the plan).
        from: i16,
    },
    /// A point lies after the deadline.
    #[error(
        "节点{index}的期间{period}晚于截止日期{deadline} / point {index}: {period} is after the deadline {deadline}"
    )]
    PointAfterDeadline {
        /// The point's place, from 1.
        index: usize,
        /// Its period.
        period: Period,
        /// The deadline.
        deadline: Date,
    },
    /// A point does not come after the one before it.
    #[error(
        "节点{index}的期间{period}不在前一节点{previous}之后,请按时间顺序填写 / point {index}: {period} does not come after {previous}; give points in order"
    )]
    PointsOutOfOrder {
        /// The point's place, from 1.
        index: usize,
        /// Its period.
        period: Period,
        /// The period before it.
        previous: Period,
    },
    /// A points path with no point, or too many.
    #[error(
        "分期节点路径须有1到{max}个节点(现有{count}个) / a points path needs 1 to {max} points ({count} given)"
    )]
    PointCount {
        /// How many were given.
        count: usize,
        /// The most allowed.
        max: usize,
    },
    /// A report for a period the goal is not reported on.
    #[error(
        "该目标{frequency},不接受{period}的报告 / this goal is reported {frequency_en}; a report for {period} is refused"
    )]
    NotReportedOn {
        /// The period.
        period: Period,
        /// 按年报送 / 按季报送.
        frequency: &'static str,
        /// yearly / quarterly.
        frequency_en: &'static str,
    },
    /// A report for a period outside the goal's years.
    #[error(
        "期间{period}不在目标年限{start_year}—{end_year}年内 / period {period} is outside the goal's years {start_year}–{end_year}"
    )]
    OutsideYears {
        /// The period.
        period: Period,
        /// The plan's first year.
        start_year: i16,
        /// The deadline's year.
        end_year: i16,
    },
}

impl PathError {
    /// The field the refusal is about, as the forms and the API name it: `deadline`,
    /// `base_year`, `base_value`, `points`, `points[2].period`, `points[2].value`, `period`.
    pub fn field(&self) -> String {
        match self {
            PathError::DeadlineBeforeStart { .. } => "deadline".into(),
            PathError::BaseYear { .. } => "base_year".into(),
            PathError::Unit { field, .. } | PathError::Value { field, .. } => field.clone(),
            PathError::PointKind { index, .. }
            | PathError::PointTooEarly { index, .. }
            | PathError::PointAfterDeadline { index, .. }
            | PathError::PointsOutOfOrder { index, .. } => format!("points[{index}].period"),
            PathError::PointCount { .. } => "points".into(),
            PathError::NotReportedOn { .. } | PathError::OutsideYears { .. } => "period".into(),
        }
    }
}

/// A checked path of one goal; see the module docs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    terms: GoalTerms,
    kind: PathKind,
    base: Option<Base>,
    points: Vec<PathPoint>,
    frequency: Frequency,
    origin: Option<(i32, Decimal)>,
}

/// A period's place on the line of months: `year × 12 + its last month`.
pub fn month_index(period: Period) -> i32 {
    i32::from(period.year()) * 12 + i32::from(period.month_range().1)
}

fn date_index(d: Date) -> i32 {
    i32::from(d.year()) * 12 + i32::from(d.month())
}

fn base_index(year: i16) -> i32 {
    i32::from(year) * 12 + 12
}

fn same_unit(a: &str, b: &str) -> bool {
    a == b || matches!((a, b), ("人", "名") | ("名", "人"))
}

impl Path {
    /// Checks `input` against the goal's `terms`; see the module docs.
    pub fn new(terms: GoalTerms, input: PathInput) -> Result<Path, PathError> {
        check_terms(&terms)?;
        let deadline_year = terms.deadline.year();
        let unit = terms.target.unit.clone();
        let check_value = |field: String, value: Decimal, written: &str| {
            if !written.is_empty() && !same_unit(written, &unit) {
                return Err(PathError::Unit {
                    field,
                    unit: written.to_string(),
                    expected: unit.clone(),
                });
            }
            check_report_value(value, &unit).map_err(|e| PathError::Value {
                field,
                reason: e.to_string(),
            })
        };
        let base = match input.base {
            None => None,
            Some((b, written)) => {
                if b.year > terms.start_year || b.year >= deadline_year {
                    return Err(PathError::BaseYear {
                        base_year: b.year,
                        start_year: terms.start_year,
                        deadline_year,
                    });
                }
                check_value("base_value".into(), b.value, &written)?;
                Some(b)
            }
        };
        let points = match input.kind {
            PathKind::Linear => Vec::new(),
            PathKind::Points => {
                if input.points.is_empty() || input.points.len() > MAX_POINTS {
                    return Err(PathError::PointCount {
                        count: input.points.len(),
                        max: MAX_POINTS,
                    });
                }
                let from = base.map_or(terms.start_year, |b| b.year);
                let deadline = date_index(terms.deadline);
                let mut previous: Option<Period> = None;
                let mut out = Vec::with_capacity(input.points.len());
                for (i, (p, written)) in input.points.iter().enumerate() {
                    let index = i + 1;
                    if !matches!(p.period, Period::Year(_) | Period::Quarter { .. }) {
                        return Err(PathError::PointKind {
                            index,
                            period: p.period,
                        });
                    }
                    if p.period.year() < from || (base.is_some() && p.period.year() == from) {
                        return Err(PathError::PointTooEarly {
                            index,
                            period: p.period,
                            from: if base.is_some() { from + 1 } else { from },
                        });
                    }
                    if month_index(p.period) > deadline {
                        return Err(PathError::PointAfterDeadline {
                            index,
                            period: p.period,
                            deadline: terms.deadline,
                        });
                    }
                    if let Some(prev) = previous
                        && month_index(p.period) <= month_index(prev)
                    {
                        return Err(PathError::PointsOutOfOrder {
                            index,
                            period: p.period,
                            previous: prev,
                        });
                    }
                    check_value(format!("points[{index}].value"), p.value, written)?;
                    previous = Some(p.period);
                    out.push(*p);
                }
                out
            }
        };
        Ok(Path {
            origin: base.map(|b| (base_index(b.year), b.value)),
            terms,
            kind: input.kind,
            base,
            points,
            frequency: input.frequency,
        })
    }

    /// The default path of a goal: linear, no base, reported yearly.
    pub fn linear(terms: GoalTerms) -> Result<Path, PathError> {
        Path::new(terms, PathInput::default())
    }

    /// A path with no base starts from `first` (the first accepted report: its period and
    /// value); a path with a base keeps it.
    pub fn with_origin(mut self, first: Option<(Period, Decimal)>) -> Path {
        if self.base.is_none() {
            self.origin = first.map(|(p, v)| (month_index(p), v));
        }
        self
    }

    /// The goal's terms.
    pub fn terms(&self) -> &GoalTerms {
        &self.terms
    }

    /// Linear or points.
    pub fn kind(&self) -> PathKind {
        self.kind
    }

    /// The base, when known.
    pub fn base(&self) -> Option<Base> {
        self.base
    }

    /// The office's points, in order.
    pub fn points(&self) -> &[PathPoint] {
        &self.points
    }

    /// How often it is reported.
    pub fn frequency(&self) -> Frequency {
        self.frequency
    }

    /// The years the goal runs over: the plan's first to the deadline's.
    pub fn years(&self) -> std::ops::RangeInclusive<i16> {
        self.terms.start_year..=self.terms.deadline.year()
    }

    /// What a tracking computation holds the goal to: its target as a level (reports carry
    /// the measure as it stands), from the base.
    pub fn goal(&self) -> Goal {
        Goal {
            value: self.terms.target.value,
            cmp: self.terms.cmp,
            accrual: Accrual::Level,
            deadline: self.terms.deadline,
            baseline: self.base.map(|b| b.value),
        }
    }

    /// Refuses a report for a period the goal is not reported on; see the module docs.
    pub fn check_report_period(&self, period: Period) -> Result<(), PathError> {
        check_report_period(
            self.frequency,
            self.terms.start_year,
            self.terms.deadline,
            period,
        )
    }

    fn anchors(&self) -> Vec<(i32, Decimal)> {
        let mut out: Vec<(i32, Decimal)> = Vec::new();
        let deadline = date_index(self.terms.deadline);
        if let Some(o) = self.origin {
            out.push(o);
        }
        for p in &self.points {
            let x = month_index(p.period);
            match out.last() {
                // A first report after a point: the point stands.
                Some(&(last, _)) if last >= x => {
                    out.retain(|&(m, _)| m < x);
                    out.push((x, p.value));
                }
                _ => out.push((x, p.value)),
            }
        }
        match out.last() {
            Some(&(last, _)) if last >= deadline => {}
            _ => out.push((deadline, self.terms.target.value)),
        }
        out
    }

    /// The value expected by the end of `period`; `None` only when the numbers are too large
    /// to compute with.
    pub fn expected(&self, period: Period) -> Option<Decimal> {
        expected_at(&self.anchors(), month_index(period))
    }

    /// The expected value at each period of the goal's frequency, from the base (or the
    /// plan's first year) to the deadline: the line a chart draws.
    pub fn line(&self) -> Vec<(Period, Option<Decimal>)> {
        let mut out = Vec::new();
        if let Some(b) = self.base {
            out.push((Period::Year(b.year), Some(b.value)));
        }
        for year in self.years() {
            for p in self.frequency.periods_of(year) {
                if matches!(p, Period::Year(_)) && self.frequency == Frequency::Quarterly {
                    continue; // Q4 stands at the same month
                }
                if month_index(p) <= date_index(self.terms.deadline) {
                    out.push((p, self.expected(p)));
                }
            }
        }
        out
    }

    /// The status at `period` from the value reported for it (`None`: not reported), against
    /// the path; see the module docs.
    pub fn status(
        &self,
        period: Period,
        actual: Option<Decimal>,
        thresholds: &Thresholds,
    ) -> Status {
        status_against(
            &self.goal(),
            period,
            actual,
            self.expected(period),
            thresholds,
        )
    }

    /// How far ahead of the path (percentage points of the target, positive = ahead) a value
    /// at `period` is.
    pub fn gap(&self, period: Period, actual: Decimal) -> Option<Decimal> {
        let expected = self.expected(period)?;
        Some(crate::progress::schedule_gap(
            &self.goal(),
            actual,
            expected,
        ))
    }

    /// The forecast at the deadline from the reported values (`(period, value)`, any order),
    /// by least squares over months; `None` without a report or beyond `Decimal`'s range.
    pub fn forecast(&self, history: &[(Period, Decimal)], tolerance: Decimal) -> Option<Forecast> {
        // Months counted from the end of the year before the plan's first (or the base year).
        let zero = self
            .base
            .map_or(base_index(self.terms.start_year - 1), |b| {
                base_index(b.year)
            });
        let mut points: Vec<(i32, Decimal)> = history
            .iter()
            .map(|&(p, v)| (month_index(p) - zero, v))
            .collect();
        points.sort_by_key(|&(m, _)| m);
        // The year's figure and its Q4 stand at one month: the later (the year) counts.
        let mut unique: Vec<(i32, Decimal)> = Vec::with_capacity(points.len());
        for (m, v) in points {
            match unique.last_mut() {
                Some(last) if last.0 == m => last.1 = v,
                _ => unique.push((m, v)),
            }
        }
        let at = date_index(self.terms.deadline) - zero;
        forecast_to(&self.goal(), &unique, at, tolerance)
    }
}

fn check_terms(terms: &GoalTerms) -> Result<(), PathError> {
    if terms.deadline.year() < terms.start_year {
        return Err(PathError::DeadlineBeforeStart {
            deadline: terms.deadline,
            start_year: terms.start_year,
        });
    }
    Ok(())
}

/// Refuses a report for `period` on a goal reported at `frequency` over `start_year` to the
/// deadline's year; see the module docs.
pub fn check_report_period(
    frequency: Frequency,
    start_year: i16,
    deadline: Date,
    period: Period,
) -> Result<(), PathError> {
    if !frequency.takes(period) {
        return Err(PathError::NotReportedOn {
            period,
            frequency: frequency.label_zh(),
            frequency_en: match frequency {
                Frequency::Yearly => "yearly",
                Frequency::Quarterly => "quarterly",
            },
        });
    }
    if period.year() < start_year || period.year() > deadline.year() {
        return Err(PathError::OutsideYears {
            period,
            start_year,
            end_year: deadline.year(),
        });
    }
    Ok(())
}

/// The value at month `x` on the polyline through `anchors` (ordered by month), held flat
/// before the first and after the last; `None` when the arithmetic overflows.
fn expected_at(anchors: &[(i32, Decimal)], x: i32) -> Option<Decimal> {
    let &(first_m, first_v) = anchors.first()?;
    if x <= first_m {
        return Some(first_v);
    }
    for w in anchors.windows(2) {
        let ((m0, v0), (m1, v1)) = (w[0], w[1]);
        if x <= m1 {
            let span = Decimal::from(m1 - m0);
            if span.is_zero() {
                return Some(v1);
            }
            let into = Decimal::from(x - m0);
            return v1
                .checked_sub(v0)?
                .checked_mul(into)?
                .checked_div(span)?
                .checked_add(v0);
        }
    }
    anchors.last().map(|&(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn p(s: &str) -> Period {
        Period::parse(s).unwrap()
    }

    /// 到2025年,长春国际汽车城总产值将达到11000亿元以上 (plan 2023–2025).
    fn output() -> GoalTerms {
        GoalTerms {
            start_year: 2023,
            deadline: date(2025, 12, 31),
            target: Quantity::new(d("11000"), "亿元"),
            cmp: Cmp::Ge,
        }
    }

    fn based(kind: PathKind, points: &[(&str, &str)], frequency: Frequency) -> PathInput {
        PathInput {
            kind,
            base: Some((
                Base {
                    year: 2022,
                    value: d("8000"),
                },
                "亿元".into(),
            )),
            points: points
                .iter()
                .map(|(per, v)| {
                    (
                        PathPoint {
                            period: p(per),
                            value: d(v),
                        },
                        "亿元".to_string(),
                    )
                })
                .collect(),
            frequency,
        }
    }

    #[test]
    fn linear_runs_from_the_base_to_the_target_by_month() {
        let path = Path::new(output(), based(PathKind::Linear, &[], Frequency::Yearly)).unwrap();
        assert_eq!(path.expected(p("2022")), Some(d("8000")));
        assert_eq!(path.expected(p("2023")), Some(d("9000")));
        assert_eq!(path.expected(p("2024")), Some(d("10000")));
        assert_eq!(path.expected(p("2024-Q2")), Some(d("9500")));
        assert_eq!(path.expected(p("2025")), Some(d("11000")));
        assert_eq!(path.expected(p("2026")), Some(d("11000")));
        assert_eq!(path.expected(p("2021")), Some(d("8000")));
        let line: Vec<String> = path
            .line()
            .iter()
            .map(|(p, v)| format!("{p}={}", v.unwrap()))
            .collect();
        assert_eq!(line, ["2022=8000", "2023=9000", "2024=10000", "2025=11000"]);
    }

    #[test]
    fn points_lead_the_way_and_the_target_closes_it() {
        let path = Path::new(
            output(),
            based(
                PathKind::Points,
                &[("2023", "8500"), ("2024-Q2", "9500")],
                Frequency::Quarterly,
            ),
        )
        .unwrap();
        assert_eq!(path.expected(p("2023")), Some(d("8500")));
        assert_eq!(path.expected(p("2023-Q2")), Some(d("8250")));
        assert_eq!(path.expected(p("2024-Q1")), Some(d("9000")));
        assert_eq!(path.expected(p("2024-Q2")), Some(d("9500")));
        // from 9500 at 2024-06 to 11000 at 2025-12: 18 months, 1500 → 250 a quarter
        assert_eq!(path.expected(p("2024-Q4")), Some(d("10000")));
        assert_eq!(path.expected(p("2025")), Some(d("11000")));
        assert_eq!(path.line().len(), 1 + 12);
    }

    #[test]
    fn without_a_base_the_first_report_starts_the_path() {
        let path = Path::linear(output()).unwrap();
        assert_eq!(path.expected(p("2023")), Some(d("11000")));
        let path = path.with_origin(Some((p("2023"), d("9500"))));
        assert_eq!(path.expected(p("2024")), Some(d("10250")));
        assert_eq!(path.expected(p("2023")), Some(d("9500")));
    }

    #[test]
    fn status_uses_the_one_year_thresholds_against_the_path() {
        let path = Path::new(output(), based(PathKind::Linear, &[], Frequency::Yearly)).unwrap();
        let t = Thresholds::default();
        // expected 9000 at 2023: 8950 is 0.45 points behind → on track
        assert_eq!(path.status(p("2023"), Some(d("8950")), &t), Status::OnTrack);
        // 10000 at 2024 expected; 8800 is 1200/11000 = 10.9 points behind → lagging
        assert_eq!(path.status(p("2024"), Some(d("8800")), &t), Status::Lagging);
        // 6000 is 36 points behind → at risk
        assert_eq!(path.status(p("2024"), Some(d("6000")), &t), Status::AtRisk);
        assert_eq!(path.status(p("2024"), Some(d("11200")), &t), Status::Done);
        assert_eq!(path.status(p("2024"), None, &t), Status::NotReported);
        assert_eq!(path.gap(p("2024"), d("8900")), Some(d("-10")));
    }

    #[test]
    fn forecast_by_least_squares_to_the_deadline() {
        let path = Path::new(output(), based(PathKind::Linear, &[], Frequency::Quarterly)).unwrap();
        // 2023 annual 9000, then 2024 by quarter on a line of 250 a quarter
        let h = [
            (p("2023"), d("9000")),
            (p("2024-Q1"), d("9250")),
            (p("2024-Q2"), d("9500")),
            (p("2024-Q3"), d("9750")),
        ];
        let f = path.forecast(&h, d("0.1")).unwrap();
        assert_eq!(f.value, d("11000"));
        assert!(f.meets);
        let slow = [(p("2023"), d("8200")), (p("2024"), d("8400"))];
        let f = path.forecast(&slow, d("0.1")).unwrap();
        assert_eq!((f.value, f.meets), (d("8600"), false));
        assert_eq!(path.forecast(&[], d("0.1")), None);
    }

    #[test]
    fn refusals_name_the_field_and_say_why() {
        let bad = |terms: GoalTerms, input: PathInput| Path::new(terms, input).unwrap_err();
        let e = bad(
            GoalTerms {
                deadline: date(2022, 12, 31),
                ..output()
            },
            PathInput::default(),
        );
        assert_eq!(e.field(), "deadline");
        assert!(e.to_string().contains("早于计划起始年份"), "{e}");

        let e = bad(
            output(),
            based(PathKind::Points, &[("2026", "11500")], Frequency::Yearly),
        );
        assert_eq!(e.field(), "points[1].period");
        assert!(matches!(e, PathError::PointAfterDeadline { .. }));

        let e = bad(
            output(),
            based(PathKind::Points, &[("2021", "7000")], Frequency::Yearly),
        );
        assert!(
            matches!(e, PathError::PointTooEarly { from: 2023, .. }),
            "{e}"
        );

        let e = bad(
            output(),
            based(
                PathKind::Points,
                &[("2024", "9000"), ("2023-Q4", "8800")],
                Frequency::Yearly,
            ),
        );
        assert_eq!(e.field(), "points[2].period");
        assert!(matches!(e, PathError::PointsOutOfOrder { .. }));

        let e = bad(
            output(),
            based(PathKind::Points, &[("2024-06", "9000")], Frequency::Yearly),
        );
        assert!(matches!(e, PathError::PointKind { .. }));

        let mut input = based(PathKind::Points, &[("2024", "9000")], Frequency::Yearly);
        input.points[0].1 = "万辆".into();
        let e = bad(output(), input);
        assert_eq!(e.field(), "points[1].value");
        assert!(matches!(e, PathError::Unit { .. }));

        let mut input = based(PathKind::Linear, &[], Frequency::Yearly);
        input.base.as_mut().unwrap().0.year = 2024;
        assert_eq!(bad(output(), input).field(), "base_year");

        let mut input = based(PathKind::Linear, &[], Frequency::Yearly);
        input.base.as_mut().unwrap().0.value = d("-1");
        assert_eq!(bad(output(), input).field(), "base_value");

        assert_eq!(
            bad(output(), based(PathKind::Points, &[], Frequency::Yearly)).field(),
            "points"
        );
    }

    #[test]
    fn reports_only_for_the_goals_periods_and_years() {
        let yearly = Path::linear(output()).unwrap();
        assert!(yearly.check_report_period(p("2024")).is_ok());
        let e = yearly.check_report_period(p("2024-Q2")).unwrap_err();
        assert_eq!(e.field(), "period");
        assert!(e.to_string().contains("按年报送"), "{e}");
        assert!(yearly.check_report_period(p("2024-06")).is_err());
        assert!(matches!(
            yearly.check_report_period(p("2026")),
            Err(PathError::OutsideYears { .. })
        ));
        assert!(yearly.check_report_period(p("2022")).is_err());
        let quarterly = Path::new(
            output(),
            PathInput {
                frequency: Frequency::Quarterly,
                ..PathInput::default()
            },
        )
        .unwrap();
        assert!(quarterly.check_report_period(p("2024-Q2")).is_ok());
        assert!(quarterly.check_report_period(p("2023")).is_ok());
        assert!(quarterly.check_report_period(p("2024-H1")).is_err());
        for f in Frequency::ALL {
            assert_eq!(Frequency::from_code(f.code()), Some(f));
        }
        for k in [PathKind::Linear, PathKind::Points] {
            assert_eq!(PathKind::from_code(k.code()), Some(k));
        }
    }

    fn any_period() -> impl Strategy<Value = Period> {
        (1990i16..2040, 0u8..4, 1i8..13).prop_map(|(year, kind, n)| match kind {
            0 => Period::Year(year),
            1 => Period::Quarter {
                year,
                quarter: (n - 1) % 4 + 1,
            },
            2 => Period::Half {
                year,
                half: (n - 1) % 2 + 1,
            },
            _ => Period::Month { year, month: n },
        })
    }

    fn any_decimal() -> impl Strategy<Value = Decimal> {
        prop_oneof![
            Just(Decimal::MAX),
            Just(Decimal::MIN),
            Just(Decimal::ZERO),
            (any::<i64>(), 0u32..28).prop_map(|(n, s)| Decimal::new(n, s)),
        ]
    }

    proptest! {
        /// Whatever the office types and the units report, nothing panics: a path is
        /// refused or computed, its expectations, statuses and forecasts answered.
        #[test]
        fn nothing_panics(
            start in 1990i16..2040, years in -3i16..12, target in any_decimal(),
            base in proptest::option::of((1985i16..2040, any_decimal())),
            points in proptest::collection::vec((any_period(), any_decimal()), 0..6),
            quarterly in any::<bool>(), linear in any::<bool>(),
            reports in proptest::collection::vec((any_period(), any_decimal()), 0..6),
            cmp in prop_oneof![Just(Cmp::Ge), Just(Cmp::Le), Just(Cmp::Approx), Just(Cmp::Eq)],
        ) {
            let end = (i32::from(start) + i32::from(years)).clamp(1900, 2200) as i16;
            let terms = GoalTerms {
                start_year: start,
                deadline: date(end, 12, 31),
                target: Quantity::new(target, "亿元"),
                cmp,
            };
            let input = PathInput {
                kind: if linear { PathKind::Linear } else { PathKind::Points },
                base: base.map(|(year, value)| (Base { year, value }, "亿元".to_string())),
                points: points
                    .iter()
                    .map(|&(period, value)| (PathPoint { period, value }, String::new()))
                    .collect(),
                frequency: if quarterly { Frequency::Quarterly } else { Frequency::Yearly },
            };
            if let Ok(path) = Path::new(terms, input) {
                let path = path.with_origin(reports.first().copied());
                for &(period, value) in &reports {
                    let _ = path.expected(period);
                    let _ = path.status(period, Some(value), &Thresholds::default());
                    let _ = path.gap(period, value);
                    let _ = path.check_report_period(period);
                }
                let _ = path.line();
                let _ = path.forecast(&reports, Decimal::new(1, 1));
                // The office's points are on the path.
                for pt in path.points() {
                    if path.base().is_some() {
                        prop_assert_eq!(path.expected(pt.period), Some(pt.value));
                    }
                }
            }
        }
    }
}
