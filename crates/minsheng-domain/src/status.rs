//! The status of a target × unit × period: 已完成, 正常推进, 滞后, 严重滞后, 待审核, 未报送.
//!
//! **Quantitative** ([`quantitative_status`]), with `actual` the value at the period (see
//! [`effective`](crate::effective)) and the thresholds as data ([`Thresholds`]):
//!
//! 1. no value → [`Status::NotReported`];
//! 2. a cumulative `le` cap (新增债务不超过…): exceeded → [`Status::AtRisk`]; within it and
//!    the period ends on or after the deadline → [`Status::Done`]; within it before the
//!    deadline → step 4 (spending faster than the cap's pace is "behind");
//! 3. anything else that meets its comparison now ([`Completion::met`]) → [`Status::Done`]
//!    (a count reached, a rate reached, a time limit kept);
//! 4. otherwise by how far it is *behind* the schedule, `behind = −`[`schedule_gap`] in
//!    percentage points of the goal ([`classify_gap`]): behind < `lagging_points` →
//!    [`Status::OnTrack`]; `lagging_points` ≤ behind ≤ `at_risk_points` → [`Status::Lagging`];
//!    behind > `at_risk_points` → [`Status::AtRisk`]. The defaults are the rule offices use:
//!    10–30 points behind 序时进度 is yellow, more than 30 is red. A schedule with no value
//!    for the period (stage milestones only) is read as [`Schedule::Linear`]. A level goal
//!    with no baseline is expected from January on, so a rate below its goal lags at once.
//!    From the deadline on, an `approx`/`eq` goal that is not met is behind by its distance
//!    from the goal either way (`−|actual − goal| / goal × 100`): an overshoot of 左右 is
//!    off too. Note that a `ge` goal missed by less than `lagging_points` at its deadline is
//!    still [`Status::OnTrack`] (green): the status set has no "missed".
//!
//! **Qualitative** ([`stage_status`]), from the reported [`Stage`]:
//!
//! 1. no stage → [`Status::NotReported`]; [`Stage::Done`] → [`Status::Done`];
//! 2. the period ends on or after the item's deadline (when it has one) and it is not done →
//!    [`Status::AtRisk`];
//! 3. with stage milestones: the stage expected by the period's end
//!    ([`Schedule::expected_stage`]) against the reported one — reached → OnTrack, one stage
//!    short → Lagging, two stages short → AtRisk;
//! 4. without them: [`Stage::InProgress`] → OnTrack; [`Stage::NotStarted`] → OnTrack up to
//!    the end of the first quarter (`stage_grace_months`, default 3), Lagging after it.

use crate::goal::{Accrual, Goal};
use crate::period::Period;
use crate::progress::{Completion, completion, schedule_gap};
use crate::quantity::Cmp;
use crate::report::Stage;
use crate::schedule::Schedule;
use jiff::civil::Date;
use rust_decimal::Decimal;

/// Where a target stands for a unit and period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// 已完成: the goal is met.
    Done,
    /// 正常推进: at or close enough to the schedule.
    OnTrack,
    /// 滞后: behind the schedule (yellow).
    Lagging,
    /// 严重滞后: far behind the schedule, or a cap exceeded (red).
    AtRisk,
    /// 待审核: the report for the period is filed and not yet reviewed, and nothing accepted
    /// for the period yet.
    AwaitingReview,
    /// 未报送: no accepted report for the period, and none awaiting review.
    NotReported,
}

/// The colour a status is shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Colour {
    /// 绿: done or on track.
    Green,
    /// 黄: lagging.
    Yellow,
    /// 红: at risk.
    Red,
    /// 灰: not reported.
    Grey,
}

impl Status {
    /// How many statuses there are: the length of [`Status::ALL`], and of anything kept per
    /// status ([`StatusCounts`](crate::StatusCounts)).
    pub const COUNT: usize = Status::ALL.len();

    /// Every status, best first. Lists, counts, columns and codes everywhere are derived
    /// from it, so a new status is added here and in the matches below (the compiler finds
    /// them), and in the pages' catalogs.
    pub const ALL: [Status; 6] = [
        Status::Done,
        Status::OnTrack,
        Status::Lagging,
        Status::AtRisk,
        Status::AwaitingReview,
        Status::NotReported,
    ];

    /// The stable code stored and exchanged.
    pub fn code(self) -> &'static str {
        match self {
            Status::Done => "done",
            Status::OnTrack => "on_track",
            Status::Lagging => "lagging",
            Status::AtRisk => "at_risk",
            Status::AwaitingReview => "awaiting_review",
            Status::NotReported => "not_reported",
        }
    }

    /// Parses a stable code.
    pub fn from_code(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.code() == s)
    }

    /// Its place in [`Status::ALL`].
    pub fn index(self) -> usize {
        match self {
            Status::Done => 0,
            Status::OnTrack => 1,
            Status::Lagging => 2,
            Status::AtRisk => 3,
            Status::AwaitingReview => 4,
            Status::NotReported => 5,
        }
    }

    /// Every stable code, in the order of [`Status::ALL`], joined by `sep` (for messages
    /// that list what is accepted).
    pub fn codes(sep: &str) -> String {
        Status::ALL.map(Status::code).join(sep)
    }

    /// Whether a unit holding a share in this status falls short of what the office asks
    /// (behind, at risk, or not reported): the statuses a ranking of units counts, in the
    /// order of [`Status::ALL`].
    pub fn is_shortfall(self) -> bool {
        match self {
            Status::Done | Status::OnTrack | Status::AwaitingReview => false,
            Status::Lagging | Status::AtRisk | Status::NotReported => true,
        }
    }

    /// The statuses a ranking of units counts ([`Status::is_shortfall`]), best first.
    pub fn shortfalls() -> impl Iterator<Item = Status> {
        Status::ALL.into_iter().filter(|s| s.is_shortfall())
    }

    /// The Chinese name of the status.
    pub fn label_zh(self) -> &'static str {
        match self {
            Status::Done => "已完成",
            Status::OnTrack => "正常推进",
            Status::Lagging => "滞后",
            Status::AtRisk => "严重滞后",
            Status::AwaitingReview => "待审核",
            Status::NotReported => "未报送",
        }
    }

    /// The English name of the status.
    pub fn label_en(self) -> &'static str {
        match self {
            Status::Done => "Done",
            Status::OnTrack => "On track",
            Status::Lagging => "Lagging",
            Status::AtRisk => "At risk",
            Status::AwaitingReview => "Awaiting review",
            Status::NotReported => "Not reported",
        }
    }

    /// The colour it is shown in.
    pub fn colour(self) -> Colour {
        match self {
            Status::Done | Status::OnTrack => Colour::Green,
            Status::Lagging => Colour::Yellow,
            Status::AtRisk => Colour::Red,
            Status::AwaitingReview | Status::NotReported => Colour::Grey,
        }
    }

    /// How bad it is, for reported statuses: Done 0, OnTrack 1, Lagging 2, AtRisk 3;
    /// `None` for AwaitingReview and NotReported (no figure for the period yet).
    pub fn severity(self) -> Option<u8> {
        match self {
            Status::Done => Some(0),
            Status::OnTrack => Some(1),
            Status::Lagging => Some(2),
            Status::AtRisk => Some(3),
            Status::AwaitingReview | Status::NotReported => None,
        }
    }
}

impl Colour {
    /// The stable code: `green`, `yellow`, `red`, `grey`.
    pub fn code(self) -> &'static str {
        match self {
            Colour::Green => "green",
            Colour::Yellow => "yellow",
            Colour::Red => "red",
            Colour::Grey => "grey",
        }
    }

    /// Parses a stable code.
    pub fn from_code(s: &str) -> Option<Colour> {
        [Colour::Green, Colour::Yellow, Colour::Red, Colour::Grey]
            .into_iter()
            .find(|c| c.code() == s)
    }

    /// The Chinese name: 绿灯, 黄灯, 红灯, 灰灯.
    pub fn label_zh(self) -> &'static str {
        match self {
            Colour::Green => "绿灯",
            Colour::Yellow => "黄灯",
            Colour::Red => "红灯",
            Colour::Grey => "灰灯",
        }
    }
}

/// The thresholds of the status rules. Data, not code: an office may set its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    lagging_points: Decimal,
    at_risk_points: Decimal,
    approx_tolerance: Decimal,
    stage_grace_months: i8,
}

/// Why thresholds were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ThresholdsError {
    /// The yellow line is negative or beyond the red line.
    #[error(
        "滞后阈值{lagging}须不小于0且不大于严重滞后阈值{at_risk} / the lagging threshold {lagging} must be between 0 and the at-risk threshold {at_risk}"
    )]
    Order {
        /// Points behind for Lagging.
        lagging: Decimal,
        /// Points behind for AtRisk.
        at_risk: Decimal,
    },
    /// The approx tolerance is not a fraction in 0..1.
    #[error("“左右/约”的容差{0}须在0到1之间 / the approx tolerance {0} must be between 0 and 1")]
    Tolerance(Decimal),
    /// The grace period for a stage is not 0..=12 months.
    #[error(
        "未启动宽限期{0}个月须在0到12之间 / the not-started grace of {0} months must be 0..=12"
    )]
    Grace(i8),
}

impl Default for Thresholds {
    /// 10 points behind 序时进度 is yellow, more than 30 red; 左右 means within 10%; a
    /// qualitative item may be not started until the end of the first quarter.
    fn default() -> Self {
        Thresholds {
            lagging_points: Decimal::TEN,
            at_risk_points: Decimal::from(30),
            approx_tolerance: Decimal::new(1, 1),
            stage_grace_months: 3,
        }
    }
}

impl Thresholds {
    /// Checked thresholds: `0 ≤ lagging_points ≤ at_risk_points`, `0 ≤ approx_tolerance < 1`,
    /// `0 ≤ stage_grace_months ≤ 12`.
    pub fn new(
        lagging_points: Decimal,
        at_risk_points: Decimal,
        approx_tolerance: Decimal,
        stage_grace_months: i8,
    ) -> Result<Thresholds, ThresholdsError> {
        if lagging_points.is_sign_negative() || lagging_points > at_risk_points {
            return Err(ThresholdsError::Order {
                lagging: lagging_points,
                at_risk: at_risk_points,
            });
        }
        if approx_tolerance.is_sign_negative() || approx_tolerance >= Decimal::ONE {
            return Err(ThresholdsError::Tolerance(approx_tolerance));
        }
        if !(0..=12).contains(&stage_grace_months) {
            return Err(ThresholdsError::Grace(stage_grace_months));
        }
        Ok(Thresholds {
            lagging_points,
            at_risk_points,
            approx_tolerance,
            stage_grace_months,
        })
    }

    /// Points behind the schedule from which a target is Lagging (default 10).
    pub fn lagging_points(&self) -> Decimal {
        self.lagging_points
    }

    /// Points behind the schedule beyond which a target is AtRisk (default 30).
    pub fn at_risk_points(&self) -> Decimal {
        self.at_risk_points
    }

    /// The fraction either side of an `approx` goal that meets it (default 0.1).
    pub fn approx_tolerance(&self) -> Decimal {
        self.approx_tolerance
    }

    /// Months into the year a qualitative item may stay not started (default 3).
    pub fn stage_grace_months(&self) -> i8 {
        self.stage_grace_months
    }
}

/// OnTrack, Lagging or AtRisk from a gap (percentage points, positive = ahead).
pub fn classify_gap(gap: Decimal, thresholds: &Thresholds) -> Status {
    let behind = -gap;
    if behind > thresholds.at_risk_points {
        Status::AtRisk
    } else if behind >= thresholds.lagging_points {
        Status::Lagging
    } else {
        Status::OnTrack
    }
}

/// The status of a quantitative goal at the end of `period`, from the value at that period
/// (`None`: not reported); see the module docs.
pub fn quantitative_status(
    goal: &Goal,
    schedule: &Schedule,
    period: Period,
    actual: Option<Decimal>,
    thresholds: &Thresholds,
) -> Status {
    let expected = schedule
        .expected(goal, period)
        .or_else(|| Schedule::Linear.expected(goal, period));
    status_against(goal, period, actual, expected, thresholds)
}

/// The status of a quantitative goal at the end of `period` against a given expected value
/// (`None`: the goal itself): the rule of [`quantitative_status`] with the expectation
/// computed elsewhere — by a schedule within one year, or by a multi-year goal's
/// [`Path`](crate::path::Path).
pub fn status_against(
    goal: &Goal,
    period: Period,
    actual: Option<Decimal>,
    expected: Option<Decimal>,
    thresholds: &Thresholds,
) -> Status {
    let Some(actual) = actual else {
        return Status::NotReported;
    };
    let c: Completion = completion(goal, actual, thresholds.approx_tolerance);
    if goal.cmp == Cmp::Le && goal.accrual == Accrual::Cumulative {
        if !c.met {
            return Status::AtRisk;
        }
        if goal.is_due_by(period) {
            return Status::Done;
        }
    } else if c.met {
        return Status::Done;
    }
    let gap = if goal.is_due_by(period) && matches!(goal.cmp, Cmp::Approx | Cmp::Eq) {
        // At the deadline an overshoot is as far off as a shortfall.
        let either_way = Goal {
            accrual: Accrual::Level,
            ..*goal
        };
        schedule_gap(&either_way, actual, goal.value)
    } else {
        schedule_gap(goal, actual, expected.unwrap_or(goal.value))
    };
    classify_gap(gap, thresholds)
}

/// The status of a qualitative item at the end of `period`, from its reported stage
/// (`None`: not reported); `deadline` is when the item is due, if it has a date. See the
/// module docs.
pub fn stage_status(
    stage: Option<Stage>,
    schedule: &Schedule,
    period: Period,
    deadline: Option<Date>,
    thresholds: &Thresholds,
) -> Status {
    let Some(stage) = stage else {
        return Status::NotReported;
    };
    if stage == Stage::Done {
        return Status::Done;
    }
    if deadline.is_some_and(|d| period.last_day() >= d) {
        return Status::AtRisk;
    }
    if let Some(expected) = schedule.expected_stage(period) {
        return match stage_rank(expected).saturating_sub(stage_rank(stage)) {
            0 => Status::OnTrack,
            1 => Status::Lagging,
            _ => Status::AtRisk,
        };
    }
    match stage {
        Stage::NotStarted if period.months_into_year() > thresholds.stage_grace_months => {
            Status::Lagging
        }
        _ => Status::OnTrack,
    }
}

/// The score of a stage in roll-ups: Done 1, InProgress 0.5, NotStarted 0.
pub fn stage_score(stage: Stage) -> Decimal {
    match stage {
        Stage::Done => Decimal::ONE,
        Stage::InProgress => Decimal::new(5, 1),
        Stage::NotStarted => Decimal::ZERO,
    }
}

fn stage_rank(stage: Stage) -> u8 {
    match stage {
        Stage::NotStarted => 0,
        Stage::InProgress => 1,
        Stage::Done => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{d, p, target};
    use crate::schedule::{Milestone, MilestoneGoal, MilestoneSchedule};
    use jiff::civil::date;
    use proptest::prelude::*;

    fn goal(value: &str, unit: &str, cmp: Cmp) -> Goal {
        Goal::for_target(&target(value, unit, cmp))
    }

    fn status(g: &Goal, period: &str, actual: Option<&str>) -> Status {
        quantitative_status(
            g,
            &Schedule::Linear,
            p(period),
            actual.map(d),
            &Thresholds::default(),
        )
    }

    #[test]
    fn all_is_in_index_order_with_distinct_codes() {
        for (i, s) in Status::ALL.into_iter().enumerate() {
            assert_eq!(s.index(), i, "{s:?}");
            assert_eq!(Status::from_code(s.code()), Some(s));
        }
    }

    #[test]
    fn codes_labels_colours() {
        for s in Status::ALL {
            assert_eq!(Status::from_code(s.code()), Some(s));
            assert_eq!(Colour::from_code(s.colour().code()), Some(s.colour()));
        }
        assert_eq!(Status::from_code("late"), None);
        let labels: Vec<_> = Status::ALL.iter().map(|s| s.label_zh()).collect();
        assert_eq!(
            labels,
            ["已完成", "正常推进", "滞后", "严重滞后", "待审核", "未报送"]
        );
        assert_eq!(Status::Lagging.colour(), Colour::Yellow);
        assert_eq!(Status::AtRisk.colour(), Colour::Red);
        assert_eq!(Status::NotReported.colour(), Colour::Grey);
    }

    #[test]
    fn the_red_yellow_green_rule() {
        // 23万人 by the year's end: June expects 11.5万 (50%).
        let g = goal("230000", "人", Cmp::Ge);
        assert_eq!(status(&g, "2023-06", Some("115000")), Status::OnTrack);
        assert_eq!(status(&g, "2023-06", Some("94300")), Status::OnTrack); // 9 points behind
        assert_eq!(status(&g, "2023-06", Some("92000")), Status::Lagging); // 10
        assert_eq!(status(&g, "2023-06", Some("46000")), Status::Lagging); // 30
        assert_eq!(status(&g, "2023-06", Some("45770")), Status::AtRisk); // 30.1
        assert_eq!(status(&g, "2023-06", Some("230000")), Status::Done);
        assert_eq!(status(&g, "2023-06", None), Status::NotReported);
    }

    #[test]
    fn caps_and_time_limits() {
        let cap = goal("200", "亿元", Cmp::Le);
        assert_eq!(status(&cap, "2023-06", Some("201")), Status::AtRisk);
        assert_eq!(status(&cap, "2023-06", Some("90")), Status::OnTrack);
        assert_eq!(status(&cap, "2023-06", Some("130")), Status::Lagging); // 15 points over pace
        assert_eq!(status(&cap, "2023-12", Some("199")), Status::Done);
        let limit = goal("3", "工作日", Cmp::Le);
        assert_eq!(status(&limit, "2023-03", Some("3")), Status::Done);
        assert_eq!(status(&limit, "2023-03", Some("3.2")), Status::OnTrack);
        assert_eq!(status(&limit, "2023-03", Some("5")), Status::AtRisk);
        let about = goal("1000", "个", Cmp::Approx);
        assert_eq!(status(&about, "2023-12", Some("950")), Status::Done);
        assert_eq!(status(&about, "2023-06", Some("700")), Status::OnTrack);
        assert_eq!(status(&about, "2023-12", Some("1150")), Status::Lagging);
        assert_eq!(status(&about, "2023-12", Some("1500")), Status::AtRisk);
        assert_eq!(status(&about, "2023-12", Some("500")), Status::AtRisk);
    }

    #[test]
    fn qualitative_items() {
        let th = Thresholds::default();
        let st = |stage, period: &str, sched: &Schedule| {
            stage_status(stage, sched, p(period), Some(date(2023, 12, 31)), &th)
        };
        let lin = Schedule::Linear;
        assert_eq!(st(None, "2023-03", &lin), Status::NotReported);
        assert_eq!(st(Some(Stage::Done), "2023-03", &lin), Status::Done);
        assert_eq!(
            st(Some(Stage::NotStarted), "2023-03", &lin),
            Status::OnTrack
        );
        assert_eq!(
            st(Some(Stage::NotStarted), "2023-04", &lin),
            Status::Lagging
        );
        assert_eq!(
            st(Some(Stage::InProgress), "2023-11", &lin),
            Status::OnTrack
        );
        assert_eq!(st(Some(Stage::InProgress), "2023-12", &lin), Status::AtRisk);
        let ms = Schedule::Milestones(
            MilestoneSchedule::new(
                2023,
                vec![
                    Milestone {
                        due: date(2023, 2, 28),
                        goal: MilestoneGoal::Stage(Stage::InProgress),
                        name: "开工".into(),
                    },
                    Milestone {
                        due: date(2023, 9, 30),
                        goal: MilestoneGoal::Stage(Stage::Done),
                        name: "完工".into(),
                    },
                ],
            )
            .unwrap(),
        );
        assert_eq!(st(Some(Stage::NotStarted), "2023-01", &ms), Status::OnTrack);
        assert_eq!(st(Some(Stage::NotStarted), "2023-02", &ms), Status::Lagging);
        assert_eq!(st(Some(Stage::InProgress), "2023-09", &ms), Status::Lagging);
        assert_eq!(st(Some(Stage::NotStarted), "2023-10", &ms), Status::AtRisk);
    }

    #[test]
    fn thresholds_are_checked() {
        assert!(Thresholds::new(d("30"), d("10"), d("0.1"), 3).is_err());
        assert!(Thresholds::new(d("5"), d("20"), d("1"), 3).is_err());
        assert!(Thresholds::new(d("5"), d("20"), d("0.05"), 13).is_err());
        let th = Thresholds::new(d("5"), d("20"), d("0.05"), 6).unwrap();
        assert_eq!(classify_gap(d("-6"), &th), Status::Lagging);
        assert_eq!(
            classify_gap(d("-6"), &Thresholds::default()),
            Status::OnTrack
        );
        let msg = Thresholds::new(d("30"), d("10"), d("0.1"), 3)
            .unwrap_err()
            .to_string();
        assert!(msg.starts_with("滞后阈值30"), "{msg}");
    }

    proptest! {
        #[test]
        fn status_is_monotone_in_the_gap(a in -20_000i64..20_000, b in -20_000i64..20_000) {
            let (lo, hi) = (Decimal::new(a.min(b), 2), Decimal::new(a.max(b), 2));
            let th = Thresholds::default();
            prop_assert!(classify_gap(lo, &th).severity() >= classify_gap(hi, &th).severity());
        }

        #[test]
        fn more_done_is_never_worse(a in 0u64..300_000, b in 0u64..300_000, month in 1i8..13, cmp in 0u8..2) {
            let (cmp, unit) = [(Cmp::Ge, "人"), (Cmp::Le, "亿元")][cmp as usize];
            let g = Goal { value: Decimal::from(230_000), ..goal("1", unit, cmp) };
            let period = Period::Month { year: 2023, month };
            let th = Thresholds::default();
            let s = |v: u64| quantitative_status(&g, &Schedule::Linear, period, Some(Decimal::from(v)), &th).severity();
            let (lo, hi) = (a.min(b), a.max(b));
            match cmp {
                Cmp::Ge => prop_assert!(s(lo) >= s(hi)),
                _ => prop_assert!(s(lo) <= s(hi)),
            }
        }
    }
}
