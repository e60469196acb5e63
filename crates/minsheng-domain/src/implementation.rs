//! Implementation plans (实施方案): what a unit holding a share of a target files to say how it
//! will deliver it — "各地、各部门要…抓紧制定本地区、本部门具体实施方案,…明确进度安排,细化责任分工,
//! 保障资金落实".
//!
//! A plan holds the schedule (进度安排: expected values at month ends, or dated milestones; none
//! of either keeps 序时进度), the measures in a sentence or two (工作措施), the unit's own split
//! over its sub-units (细化责任分工: a city over its counties), the funds by source (资金落实)
//! and, beside it, the plan document itself. It moves like a report: a draft is saved and
//! changed freely, submitted once, then approved or returned with a reason; after a return or
//! an approval the unit files a new revision. The latest approved revision is in force: its
//! schedule replaces the linear 序时进度 for that share (the approval writes it as the
//! assignment's schedule).
//!
//! **Rule** ([`check_content`]) — a plan is refused, naming the field, when:
//!
//! | field | refused when |
//! |---|---|
//! | `measures` | empty, or longer than [`TextField::Measures`] allows |
//! | `schedule` | both points and milestones; a schedule [`PointSchedule::new`] / [`MilestoneSchedule::new`] refuses (decreasing for a cumulative count, outside the plan year, above the goal); a point or milestone after the target's deadline |
//! | `sub_split` | a unit that is not directly under the share's unit; a unit twice; quotas that break the split rule against the share ([`check_split`](crate::split::check_split): a count must add up to the share, a level is repeated, never divided); a negative budget |
//! | `funds` | a source twice; an amount that is not positive |

use crate::assignment::SchedulePoint;
use crate::goal::Goal;
use crate::ids::{AssignmentId, UnitId};
use crate::plan::Target;
use crate::schedule::{Milestone, MilestoneSchedule, PointSchedule, ScheduleError};
use crate::split::{SplitError, check_split};
use crate::text::{TextField, TooLong, check_length};
use jiff::Timestamp;
use jiff::civil::Date;
use rust_decimal::Decimal;

/// An implementation plan's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ImplementationPlanId(pub i64);

impl std::fmt::Display for ImplementationPlanId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::str::FromStr for ImplementationPlanId {
    type Err = std::num::ParseIntError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.parse().map(Self)
    }
}

/// Where a revision of an implementation plan stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImplementationStatus {
    /// 草稿: the unit is still writing it.
    Draft,
    /// 待审核: filed, awaiting the office.
    Submitted,
    /// 已退回: the office sent it back with a reason; the unit files a new revision.
    Returned,
    /// 已批准: in force (the latest approved revision).
    Approved,
}

impl ImplementationStatus {
    /// Every status, in the order a plan moves through them.
    pub const ALL: [ImplementationStatus; 4] = [
        ImplementationStatus::Draft,
        ImplementationStatus::Submitted,
        ImplementationStatus::Returned,
        ImplementationStatus::Approved,
    ];

    /// The stable code stored and exchanged.
    pub fn code(self) -> &'static str {
        match self {
            ImplementationStatus::Draft => "draft",
            ImplementationStatus::Submitted => "submitted",
            ImplementationStatus::Returned => "returned",
            ImplementationStatus::Approved => "approved",
        }
    }

    /// Parses a stable code.
    pub fn from_code(s: &str) -> Option<ImplementationStatus> {
        ImplementationStatus::ALL
            .into_iter()
            .find(|st| st.code() == s)
    }

    /// The Chinese name.
    pub fn label_zh(self) -> &'static str {
        match self {
            ImplementationStatus::Draft => "草稿",
            ImplementationStatus::Submitted => "待审核",
            ImplementationStatus::Returned => "已退回",
            ImplementationStatus::Approved => "已批准",
        }
    }

    /// The English name.
    pub fn label_en(self) -> &'static str {
        match self {
            ImplementationStatus::Draft => "draft",
            ImplementationStatus::Submitted => "awaiting approval",
            ImplementationStatus::Returned => "returned",
            ImplementationStatus::Approved => "approved",
        }
    }
}

/// Where the money for a share comes from (资金来源).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FundSource {
    /// 中央资金.
    Central,
    /// 省级资金.
    Provincial,
    /// 市县资金: the city's and counties' own budgets.
    Local,
    /// 社会资金: enterprises, banks, donations.
    Social,
    /// 其他资金.
    Other,
}

impl FundSource {
    /// Every source, in the order offices list them.
    pub const ALL: [FundSource; 5] = [
        FundSource::Central,
        FundSource::Provincial,
        FundSource::Local,
        FundSource::Social,
        FundSource::Other,
    ];

    /// The stable code stored and exchanged.
    pub fn code(self) -> &'static str {
        match self {
            FundSource::Central => "central",
            FundSource::Provincial => "provincial",
            FundSource::Local => "local",
            FundSource::Social => "social",
            FundSource::Other => "other",
        }
    }

    /// Parses a stable code.
    pub fn from_code(s: &str) -> Option<FundSource> {
        FundSource::ALL.into_iter().find(|f| f.code() == s)
    }

    /// The Chinese name.
    pub fn label_zh(self) -> &'static str {
        match self {
            FundSource::Central => "中央资金",
            FundSource::Provincial => "省级资金",
            FundSource::Local => "市县资金",
            FundSource::Social => "社会资金",
            FundSource::Other => "其他资金",
        }
    }

    /// The English name.
    pub fn label_en(self) -> &'static str {
        match self {
            FundSource::Central => "central government",
            FundSource::Provincial => "provincial government",
            FundSource::Local => "city and county budgets",
            FundSource::Social => "private and social funds",
            FundSource::Other => "other sources",
        }
    }
}

/// Money from one source, in 元.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fund {
    /// Where it comes from.
    pub source: FundSource,
    /// How much, in 元.
    pub amount: Decimal,
}

/// One sub-unit's part of the share (a county's part of its city's quota).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubShare {
    /// The sub-unit.
    pub unit: UnitId,
    /// Its quota, in the target's unit (a level for a rate).
    pub quota: Option<Decimal>,
    /// Its budget, in 元.
    pub budget: Option<Decimal>,
}

/// What a unit writes in its implementation plan.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImplementationContent {
    /// The measures (工作措施), in a sentence or two.
    pub measures: String,
    /// Expected cumulative values (or levels) at the ends of months, quarters or halves.
    pub points: Vec<SchedulePoint>,
    /// Dated milestones; at most one of `points` and `milestones` is given, and with neither
    /// the share keeps 序时进度.
    pub milestones: Vec<Milestone>,
    /// The split over the unit's own sub-units (may be empty).
    pub sub_split: Vec<SubShare>,
    /// The funds by source (may be empty).
    pub funds: Vec<Fund>,
}

impl ImplementationContent {
    /// The funds of every source together, saturating (amounts are checked one by one).
    pub fn funds_total(&self) -> Decimal {
        self.funds
            .iter()
            .fold(Decimal::ZERO, |sum, f| sum.saturating_add(f.amount))
    }

    /// Whether it keeps 序时进度 (no points and no milestones).
    pub fn is_linear(&self) -> bool {
        self.points.is_empty() && self.milestones.is_empty()
    }
}

/// The plan document attached to a revision (its bytes are kept by the store).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanDocument {
    /// The file's name as uploaded.
    pub file_name: String,
    /// Its media type.
    pub content_type: String,
    /// Its size in bytes.
    pub size: u64,
}

/// One revision of a share's implementation plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImplementationPlan {
    /// Its id.
    pub id: ImplementationPlanId,
    /// The share it plans.
    pub assignment: AssignmentId,
    /// 1 for the first, one more for each refiling after a return or an approval.
    pub revision: u32,
    /// Where it stands.
    pub status: ImplementationStatus,
    /// What it says.
    pub content: ImplementationContent,
    /// The plan document, when one is attached.
    pub document: Option<PlanDocument>,
    /// Who wrote it (an account name).
    pub filed_by: String,
    /// When it was last saved or submitted.
    pub filed_at: Timestamp,
    /// Who approved or returned it.
    pub reviewed_by: Option<String>,
    /// When.
    pub reviewed_at: Option<Timestamp>,
    /// Why it was returned.
    pub return_reason: Option<String>,
}

/// Why an implementation plan was refused; [`ImplementationError::field`] says where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImplementationError {
    /// No measures written.
    #[error("请填写工作措施 / the measures are missing")]
    NoMeasures,
    /// A text over its limit.
    #[error(transparent)]
    TooLong(#[from] TooLong),
    /// Both points and milestones.
    #[error(
        "进度安排只能按节点值或按里程碑填写其一 / a schedule is either values by period or milestones, not both"
    )]
    TwoSchedules,
    /// The schedule breaks the schedule rules.
    #[error(transparent)]
    Schedule(#[from] ScheduleError),
    /// A point or milestone after the target's deadline.
    #[error(
        "进度安排“{what}”晚于任务完成时限{deadline} / the schedule's '{what}' falls after the deadline {deadline}"
    )]
    AfterDeadline {
        /// The point's period or the milestone's name.
        what: String,
        /// The target's deadline.
        deadline: Date,
    },
    /// A sub-split names a unit that is not directly under the share's unit.
    #[error(
        "{unit}不是{owner}的下级单位,不能分解给它 / {unit} is not directly under {owner}: it cannot take a part of the share"
    )]
    NotASubUnit {
        /// The unit named.
        unit: String,
        /// The share's unit.
        owner: String,
    },
    /// A sub-unit twice.
    #[error("{unit}重复出现 / {unit} appears twice")]
    SubUnitTwice {
        /// The unit.
        unit: String,
    },
    /// Quotas given to some sub-units but not all.
    #[error(
        "{unit}未填写分解值:要么每个下级单位都填,要么都不填 / {unit} has no quota: give every sub-unit a quota, or none"
    )]
    MissingQuota {
        /// The unit without a quota.
        unit: String,
    },
    /// The quotas break the split rule against the share.
    #[error("下级分解:{0}")]
    SubSplit(SplitError),
    /// A negative budget.
    #[error("{unit}的资金{amount}元为负数 / the budget of {unit} ({amount}) is negative")]
    NegativeBudget {
        /// The unit.
        unit: String,
        /// The amount.
        amount: Decimal,
    },
    /// A source twice.
    #[error("资金来源“{0}”重复 / the source '{0}' appears twice")]
    SourceTwice(&'static str),
    /// A source with nothing or less.
    #[error(
        "{from}的金额{amount}元应大于零 / the amount from {from} ({amount}) must be above zero"
    )]
    NotPositive {
        /// The source's Chinese name.
        from: &'static str,
        /// The amount.
        amount: Decimal,
    },
}

impl ImplementationError {
    /// The field the refusal belongs beside: `measures`, `schedule`, `sub_split` or `funds`.
    pub fn field(&self) -> &'static str {
        match self {
            ImplementationError::NoMeasures | ImplementationError::TooLong(_) => "measures",
            ImplementationError::TwoSchedules
            | ImplementationError::Schedule(_)
            | ImplementationError::AfterDeadline { .. } => "schedule",
            ImplementationError::NotASubUnit { .. }
            | ImplementationError::SubUnitTwice { .. }
            | ImplementationError::MissingQuota { .. }
            | ImplementationError::SubSplit(_)
            | ImplementationError::NegativeBudget { .. } => "sub_split",
            ImplementationError::SourceTwice(_) | ImplementationError::NotPositive { .. } => {
                "funds"
            }
        }
    }
}

/// Refuses a schedule that reaches past the target's deadline: a point whose period ends
/// after it, or a milestone dated after it. The one rule for the office's schedules and the
/// units' plans alike.
pub fn check_deadline(
    points: &[SchedulePoint],
    milestones: &[Milestone],
    deadline: Date,
) -> Result<(), ImplementationError> {
    if let Some(p) = points.iter().find(|p| p.period.last_day() > deadline) {
        return Err(ImplementationError::AfterDeadline {
            what: p.period.label_zh(),
            deadline,
        });
    }
    if let Some(m) = milestones.iter().find(|m| m.due > deadline) {
        return Err(ImplementationError::AfterDeadline {
            what: m.name.clone(),
            deadline,
        });
    }
    Ok(())
}

/// The sub-units a share may be split over, with their names: the units directly under the
/// share's unit.
#[derive(Debug, Clone, Copy)]
pub struct SubUnits<'a> {
    /// The share's unit's name.
    pub owner: &'a str,
    /// The units directly under it, with their names.
    pub under: &'a [(UnitId, String)],
}

/// Checks what a unit wrote against the share it plans (`goal`, of `target`) and the units
/// under it; see the module docs for the rule. The first refusal is returned.
pub fn check_content(
    content: &ImplementationContent,
    target: &Target,
    goal: &Goal,
    sub_units: SubUnits<'_>,
) -> Result<(), ImplementationError> {
    if content.measures.trim().is_empty() {
        return Err(ImplementationError::NoMeasures);
    }
    check_length(TextField::Measures, &content.measures)?;
    match (content.points.is_empty(), content.milestones.is_empty()) {
        (false, false) => return Err(ImplementationError::TwoSchedules),
        (false, true) => {
            PointSchedule::new(content.points.clone(), goal)?;
        }
        (true, false) => {
            MilestoneSchedule::new(goal.year(), content.milestones.clone())?;
        }
        (true, true) => {}
    }
    check_deadline(&content.points, &content.milestones, goal.deadline)?;
    check_sub_split(&content.sub_split, target, goal, sub_units)?;
    let mut seen = Vec::new();
    for f in &content.funds {
        if seen.contains(&f.source) {
            return Err(ImplementationError::SourceTwice(f.source.label_zh()));
        }
        seen.push(f.source);
        if f.amount <= Decimal::ZERO {
            return Err(ImplementationError::NotPositive {
                from: f.source.label_zh(),
                amount: f.amount,
            });
        }
    }
    Ok(())
}

fn check_sub_split(
    shares: &[SubShare],
    target: &Target,
    goal: &Goal,
    sub_units: SubUnits<'_>,
) -> Result<(), ImplementationError> {
    let name = |u: UnitId| {
        sub_units
            .under
            .iter()
            .find(|(id, _)| *id == u)
            .map(|(_, n)| n.clone())
    };
    let mut seen = Vec::new();
    for s in shares {
        let Some(unit) = name(s.unit) else {
            return Err(ImplementationError::NotASubUnit {
                unit: format!("单位{}", s.unit),
                owner: sub_units.owner.to_string(),
            });
        };
        if seen.contains(&s.unit) {
            return Err(ImplementationError::SubUnitTwice { unit });
        }
        seen.push(s.unit);
        if let Some(amount) = s.budget.filter(|b| b.is_sign_negative() && !b.is_zero()) {
            return Err(ImplementationError::NegativeBudget { unit, amount });
        }
    }
    let quotas: Vec<Decimal> = shares.iter().filter_map(|s| s.quota).collect();
    if quotas.is_empty() {
        return Ok(());
    }
    if let Some(s) = shares.iter().find(|s| s.quota.is_none()) {
        return Err(ImplementationError::MissingQuota {
            unit: name(s.unit).unwrap_or_default(),
        });
    }
    // The share is the target this split divides: the same rule as the office's split,
    // held against the unit's quota.
    let share = Target {
        quantity: crate::Quantity {
            value: goal.value,
            ..target.quantity.clone()
        },
        ..target.clone()
    };
    check_split(
        &share,
        &quotas,
        crate::status::Thresholds::default().approx_tolerance(),
    )
    .map_err(ImplementationError::SubSplit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;
    use crate::period::Period;

    fn sub_units() -> Vec<(UnitId, String)> {
        vec![
            (UnitId(11), "南关区".to_string()),
            (UnitId(12), "朝阳区".to_string()),
        ]
    }

    fn content() -> ImplementationContent {
        ImplementationContent {
            measures: "分季度推进,6月底前完成招标".into(),
            ..ImplementationContent::default()
        }
    }

    fn check(c: &ImplementationContent, target: &Target) -> Result<(), ImplementationError> {
        let under = sub_units();
        let goal = Goal::for_target(target);
        check_content(
            c,
            target,
            &goal,
            SubUnits {
                owner: "长春市",
                under: &under,
            },
        )
    }

    fn point(p: &str, v: i64) -> SchedulePoint {
        SchedulePoint {
            period: Period::parse(p).unwrap(),
            expected: Decimal::from(v),
        }
    }

    #[test]
    fn a_plan_with_measures_only_keeps_the_linear_schedule() {
        let t = fixtures::target("800", "个", crate::Cmp::Ge);
        assert_eq!(check(&content(), &t), Ok(()));
        assert!(content().is_linear());
    }

    #[test]
    fn measures_are_required_and_bounded() {
        let t = fixtures::target("800", "个", crate::Cmp::Ge);
        let empty = ImplementationContent::default();
        assert_eq!(check(&empty, &t), Err(ImplementationError::NoMeasures));
        let long = ImplementationContent {
            measures: "字".repeat(TextField::Measures.max_chars() + 1),
            ..content()
        };
        assert_eq!(check(&long, &t).unwrap_err().field(), "measures");
    }

    #[test]
    fn a_decreasing_schedule_and_one_past_the_deadline_are_refused() {
        let t = fixtures::target("800", "个", crate::Cmp::Ge);
        let down = ImplementationContent {
            points: vec![point("2023-06", 500), point("2023-09", 400)],
            ..content()
        };
        let e = check(&down, &t).unwrap_err();
        assert_eq!(e.field(), "schedule");
        assert!(e.to_string().contains("背离目标方向"), "{e}");
        let mut mid_year = t.clone();
        mid_year.deadline = jiff::civil::date(2023, 6, 30);
        let late = ImplementationContent {
            points: vec![point("2023-03", 100), point("2023-09", 800)],
            ..content()
        };
        let e = check(&late, &mid_year).unwrap_err();
        assert!(
            matches!(e, ImplementationError::AfterDeadline { .. }),
            "{e:?}"
        );
        assert!(e.to_string().contains("2023-06-30"), "{e}");
        let fine = ImplementationContent {
            points: vec![point("2023-03", 100), point("2023-06", 800)],
            ..content()
        };
        assert_eq!(check(&fine, &mid_year), Ok(()));
    }

    #[test]
    fn a_sub_split_must_add_up_to_the_share_over_units_under_it() {
        let t = fixtures::target("800", "个", crate::Cmp::Ge);
        let sub = |u, q| SubShare {
            unit: UnitId(u),
            quota: Some(Decimal::from(q)),
            budget: None,
        };
        let good = ImplementationContent {
            sub_split: vec![sub(11, 500), sub(12, 300)],
            ..content()
        };
        assert_eq!(check(&good, &t), Ok(()));
        let short = ImplementationContent {
            sub_split: vec![sub(11, 500), sub(12, 200)],
            ..content()
        };
        let e = check(&short, &t).unwrap_err();
        assert!(matches!(
            e,
            ImplementationError::SubSplit(SplitError::SumMismatch { .. })
        ));
        let stranger = ImplementationContent {
            sub_split: vec![sub(11, 500), sub(99, 300)],
            ..content()
        };
        let e = check(&stranger, &t).unwrap_err();
        assert!(e.to_string().contains("不是长春市的下级单位"), "{e}");
        let twice = ImplementationContent {
            sub_split: vec![sub(11, 400), sub(11, 400)],
            ..content()
        };
        assert!(matches!(
            check(&twice, &t),
            Err(ImplementationError::SubUnitTwice { .. })
        ));
    }

    #[test]
    fn a_rate_is_repeated_in_a_sub_split_never_divided() {
        let t = fixtures::target("95", "%", crate::Cmp::Ge);
        let sub = |u, q| SubShare {
            unit: UnitId(u),
            quota: Some(Decimal::from(q)),
            budget: None,
        };
        let divided = ImplementationContent {
            sub_split: vec![sub(11, 50), sub(12, 45)],
            ..content()
        };
        assert!(matches!(
            check(&divided, &t),
            Err(ImplementationError::SubSplit(
                SplitError::LooserShare { .. }
            ))
        ));
        let repeated = ImplementationContent {
            sub_split: vec![sub(11, 95), sub(12, 96)],
            ..content()
        };
        assert_eq!(check(&repeated, &t), Ok(()));
    }

    #[test]
    fn funds_are_positive_and_each_source_once() {
        let t = fixtures::target("800", "个", crate::Cmp::Ge);
        let f = |source, a| Fund {
            source,
            amount: Decimal::from(a),
        };
        let good = ImplementationContent {
            funds: vec![
                f(FundSource::Central, 3_000_000),
                f(FundSource::Local, 1_200_000),
            ],
            ..content()
        };
        assert_eq!(check(&good, &t), Ok(()));
        assert_eq!(good.funds_total(), Decimal::from(4_200_000));
        let twice = ImplementationContent {
            funds: vec![f(FundSource::Local, 1), f(FundSource::Local, 2)],
            ..content()
        };
        assert_eq!(check(&twice, &t).unwrap_err().field(), "funds");
        let zero = ImplementationContent {
            funds: vec![f(FundSource::Social, 0)],
            ..content()
        };
        assert!(
            check(&zero, &t)
                .unwrap_err()
                .to_string()
                .contains("社会资金")
        );
    }

    #[test]
    fn statuses_and_sources_round_trip_their_codes() {
        for s in ImplementationStatus::ALL {
            assert_eq!(ImplementationStatus::from_code(s.code()), Some(s));
        }
        for f in FundSource::ALL {
            assert_eq!(FundSource::from_code(f.code()), Some(f));
        }
    }
}
