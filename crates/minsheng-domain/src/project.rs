//! Major projects (重大项目调度): a project is an item of a plan whose kind is
//! [`PlanKind::MajorProjects`](crate::PlanKind::MajorProjects). What a project office tracks
//! beyond the item lives here: the project record ([`Project`]: 项目代码, 业主单位, the
//! responsible unit, 包保领导/专班, location, industry, 总投资, the project's period), its
//! milestones ([`MilestoneKind`]: 签约, 开工, 入库入统, 竣工, 投产, 达产, each planned and
//! actual, each opening a [`ProjectStage`]), and the rules of lighting (亮灯).
//!
//! The project's **annual planned investment is a target of its item** (万元 or 亿元, a count,
//! `ge`), assigned to the responsible unit; its split by month or quarter is that target's
//! schedule points. So 累计完成投资 (1–N月) is an ordinary report on that assignment and its
//! status against 序时 is [`crate::status::quantitative_status`], its forecast
//! [`crate::forecast()`]. Capacities (年产15万辆, 15GWh, 产值400亿元) are further targets of the
//! item, reported only when the office asks.
//!
//! **Rules** (each refusal a [`ProjectError`] naming the field):
//! - a name, an owner, a positive 总投资 in 元, a period `start_year ≤ end_year` within
//!   1949–2100, 以前年度累计完成投资 not above 总投资;
//! - 项目代码, when given (GB/T 40058-2021, 全国固定资产投资项目代码): what we could confirm of
//!   the standard is that the code is made of a time code, a region code, the central
//!   business-guidance department's code, a project-type code, a random code and a check
//!   code. We did not confirm each part's length or the check-code algorithm, so the check is
//!   only what those parts allow: ASCII digits, capital letters and hyphens, 10–40
//!   characters, beginning with a four-digit year (the time code) — [`check_code`];
//! - milestones in stage order: no milestone planned (or met) before the one before it that
//!   has a date ([`check_milestones`]); 投产 (planned or met) within the project's period;
//!   an actual date not after today;
//! - investment completed (元) plus what was completed before this year not above 总投资,
//!   unless the report states a revised 总投资 ([`check_investment`]);
//! - a capacity given in a unit its target does not use is refused ([`check_capacity_unit`]).
//!
//! **Lighting** ([`assess_project`], at `today`): a milestone planned and not met by its date
//! is missed — yellow, red once it is three months overdue; a project started (actual 开工)
//! and not 入库入统 a month later is yellow, red after three months; investment behind 序时 is
//! the status's own colour (10–30 points behind yellow, more red). A project's light is the
//! worst of these. Each milestone is met, met late, missed, due (within 30 days), at risk (its
//! forecast lies after its plan) or pending; its forecast date is its plan moved by the delay
//! carried so far along the chain (the last milestone's lateness, or how long a missed one
//! has been overdue). Nothing here panics on any date or `Decimal`: date arithmetic saturates,
//! sums are checked or saturate.

use crate::ids::{ItemId, TargetId, UnitId};
use crate::quantity::saturating_sum;
use crate::status::{Colour, Status};
use jiff::civil::Date;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// A project's milestones, in the order of its stages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MilestoneKind {
    /// 签约: the investment agreement signed.
    Signed,
    /// 开工: construction started.
    Started,
    /// 入库入统: entered in the statistics' project register.
    Registered,
    /// 竣工: construction finished.
    Completed,
    /// 投产: production started.
    Production,
    /// 达产: production at design capacity.
    FullProduction,
}

impl MilestoneKind {
    /// Every milestone, in stage order.
    pub const ALL: [MilestoneKind; 6] = [
        MilestoneKind::Signed,
        MilestoneKind::Started,
        MilestoneKind::Registered,
        MilestoneKind::Completed,
        MilestoneKind::Production,
        MilestoneKind::FullProduction,
    ];

    /// The stable code stored and exchanged.
    pub fn code(self) -> &'static str {
        match self {
            MilestoneKind::Signed => "signed",
            MilestoneKind::Started => "started",
            MilestoneKind::Registered => "registered",
            MilestoneKind::Completed => "completed",
            MilestoneKind::Production => "production",
            MilestoneKind::FullProduction => "full_production",
        }
    }

    /// Parses a stable code.
    pub fn from_code(s: &str) -> Option<MilestoneKind> {
        MilestoneKind::ALL.into_iter().find(|k| k.code() == s)
    }

    /// The Chinese name.
    pub fn label_zh(self) -> &'static str {
        match self {
            MilestoneKind::Signed => "签约",
            MilestoneKind::Started => "开工",
            MilestoneKind::Registered => "入库入统",
            MilestoneKind::Completed => "竣工",
            MilestoneKind::Production => "投产",
            MilestoneKind::FullProduction => "达产",
        }
    }

    /// The English name.
    pub fn label_en(self) -> &'static str {
        match self {
            MilestoneKind::Signed => "Signed",
            MilestoneKind::Started => "Construction started",
            MilestoneKind::Registered => "Registered in statistics",
            MilestoneKind::Completed => "Construction completed",
            MilestoneKind::Production => "Production started",
            MilestoneKind::FullProduction => "Full production",
        }
    }

    /// The stage of the project it opens.
    pub fn opens(self) -> ProjectStage {
        match self {
            MilestoneKind::Signed => ProjectStage::Preparation,
            MilestoneKind::Started => ProjectStage::Construction,
            MilestoneKind::Registered => ProjectStage::Registered,
            MilestoneKind::Completed => ProjectStage::Completed,
            MilestoneKind::Production => ProjectStage::Operating,
            MilestoneKind::FullProduction => ProjectStage::FullCapacity,
        }
    }

    /// Its place in stage order, from 0.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// Where a project stands: the stage its latest milestone met opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProjectStage {
    /// 谋划储备: no milestone met yet.
    Planned,
    /// 前期推进: signed, not started.
    Preparation,
    /// 在建: started.
    Construction,
    /// 在建(已入统): started and in the statistics' register.
    Registered,
    /// 竣工: construction finished.
    Completed,
    /// 投产: producing.
    Operating,
    /// 达产: producing at design capacity.
    FullCapacity,
}

impl ProjectStage {
    /// Every stage, in order.
    pub const ALL: [ProjectStage; 7] = [
        ProjectStage::Planned,
        ProjectStage::Preparation,
        ProjectStage::Construction,
        ProjectStage::Registered,
        ProjectStage::Completed,
        ProjectStage::Operating,
        ProjectStage::FullCapacity,
    ];

    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            ProjectStage::Planned => "planned",
            ProjectStage::Preparation => "preparation",
            ProjectStage::Construction => "construction",
            ProjectStage::Registered => "registered",
            ProjectStage::Completed => "completed",
            ProjectStage::Operating => "operating",
            ProjectStage::FullCapacity => "full_capacity",
        }
    }

    /// The Chinese name.
    pub fn label_zh(self) -> &'static str {
        match self {
            ProjectStage::Planned => "谋划储备",
            ProjectStage::Preparation => "前期推进",
            ProjectStage::Construction => "在建",
            ProjectStage::Registered => "在建(已入统)",
            ProjectStage::Completed => "已竣工",
            ProjectStage::Operating => "已投产",
            ProjectStage::FullCapacity => "已达产",
        }
    }

    /// The English name.
    pub fn label_en(self) -> &'static str {
        match self {
            ProjectStage::Planned => "Planned",
            ProjectStage::Preparation => "Preparation",
            ProjectStage::Construction => "Under construction",
            ProjectStage::Registered => "Under construction (registered)",
            ProjectStage::Completed => "Completed",
            ProjectStage::Operating => "Operating",
            ProjectStage::FullCapacity => "At full capacity",
        }
    }
}

/// The industry a project is filed under: the 门类 (sections) of 国民经济行业分类
/// (GB/T 4754-2017), as data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Industry(char);

/// The sections of GB/T 4754-2017: code, Chinese name, English name.
pub const INDUSTRIES: [(char, &str, &str); 20] = [
    (
        'A',
        "农、林、牧、渔业",
        "Agriculture, forestry, animal husbandry and fishery",
    ),
    ('B', "采矿业", "Mining"),
    ('C', "制造业", "Manufacturing"),
    (
        'D',
        "电力、热力、燃气及水生产和供应业",
        "Electricity, heat, gas and water supply",
    ),
    ('E', "建筑业", "Construction"),
    ('F', "批发和零售业", "Wholesale and retail trade"),
    ('G', "交通运输、仓储和邮政业", "Transport, storage and post"),
    ('H', "住宿和餐饮业", "Accommodation and catering"),
    (
        'I',
        "信息传输、软件和信息技术服务业",
        "Information transmission, software and IT services",
    ),
    ('J', "金融业", "Finance"),
    ('K', "房地产业", "Real estate"),
    ('L', "租赁和商务服务业", "Leasing and business services"),
    (
        'M',
        "科学研究和技术服务业",
        "Scientific research and technical services",
    ),
    (
        'N',
        "水利、环境和公共设施管理业",
        "Water conservancy, environment and public facilities",
    ),
    (
        'O',
        "居民服务、修理和其他服务业",
        "Resident, repair and other services",
    ),
    ('P', "教育", "Education"),
    ('Q', "卫生和社会工作", "Health and social work"),
    (
        'R',
        "文化、体育和娱乐业",
        "Culture, sports and entertainment",
    ),
    (
        'S',
        "公共管理、社会保障和社会组织",
        "Public administration, social security and social organisations",
    ),
    ('T', "国际组织", "International organisations"),
];

impl Industry {
    /// Every industry, in the standard's order.
    pub fn all() -> impl Iterator<Item = Industry> {
        INDUSTRIES.iter().map(|(c, _, _)| Industry(*c))
    }

    /// The section's letter as a code (`C` for 制造业).
    pub fn from_code(s: &str) -> Option<Industry> {
        let mut chars = s.chars();
        let (Some(c), None) = (chars.next(), chars.next()) else {
            return None;
        };
        INDUSTRIES
            .iter()
            .any(|(x, _, _)| *x == c)
            .then_some(Industry(c))
    }

    /// The section's letter.
    pub fn code(self) -> String {
        self.0.to_string()
    }

    fn entry(self) -> (char, &'static str, &'static str) {
        INDUSTRIES
            .iter()
            .copied()
            .find(|(c, _, _)| *c == self.0)
            .unwrap_or(('?', "未知行业", "Unknown industry"))
    }

    /// The Chinese name.
    pub fn label_zh(self) -> &'static str {
        self.entry().1
    }

    /// The English name.
    pub fn label_en(self) -> &'static str {
        self.entry().2
    }
}

/// A project as the office records it (the item's own fields — its text, leads — are the
/// plan's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    /// The plan item that is the project.
    pub item: ItemId,
    /// The project's name.
    pub name: String,
    /// 项目代码 (GB/T 40058-2021), when the office has it.
    pub code: Option<String>,
    /// 业主单位: the enterprise that builds it.
    pub owner: String,
    /// The responsible unit in the tree (the lead of its investment target).
    pub responsible: UnitId,
    /// 包保领导 / 专班, when named.
    pub leader: Option<String>,
    /// The region it is built in: a unit of the tree.
    pub region: UnitId,
    /// Where, in words (长春汽开区).
    pub place: String,
    /// Its industry.
    pub industry: Industry,
    /// 总投资, in 元.
    pub total_investment: Decimal,
    /// 以前年度累计完成投资: completed before the plan year, in 元.
    pub invested_before: Decimal,
    /// The first year of the project's period.
    pub start_year: i16,
    /// The last year of the project's period.
    pub end_year: i16,
    /// The item's target for this year's planned investment, once set.
    pub investment_target: Option<TargetId>,
    /// Raised by every change; a change names the revision it was made from.
    pub revision: i64,
}

/// One milestone of a project: planned and met.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProjectMilestone {
    /// Which milestone.
    pub kind: MilestoneKind,
    /// When it is planned.
    pub planned: Option<Date>,
    /// When it was met.
    pub actual: Option<Date>,
}

/// Why a project, its milestones or a report on it was refused: each names its field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProjectError {
    /// A required text is empty.
    #[error("{zh}不能为空 / the {en} is required")]
    Required {
        /// The field.
        field: &'static str,
        /// Its Chinese name.
        zh: &'static str,
        /// Its English name.
        en: &'static str,
    },
    /// The project code does not have the structure of GB/T 40058-2021.
    #[error(
        "项目代码“{0}”不符合GB/T 40058-2021的结构(年份开头,仅含数字、大写字母和连字符,10–40位) / project code '{0}' does not have the GB/T 40058-2021 structure (a year first; digits, capitals and hyphens; 10–40 characters)"
    )]
    Code(String),
    /// 总投资 is not positive, or too large.
    #[error("总投资须大于零 / the total investment must be above zero")]
    Total,
    /// The period is reversed or outside 1949–2100.
    #[error("项目建设期{start}—{end}年无效 / the project's period {start}–{end} is not valid")]
    Period {
        /// First year.
        start: i16,
        /// Last year.
        end: i16,
    },
    /// Investment completed before the year is negative or above 总投资.
    #[error(
        "以前年度累计完成投资{before}元须在0与总投资{total}元之间 / investment completed before this year ({before} yuan) must lie between 0 and the total investment ({total} yuan)"
    )]
    InvestedBefore {
        /// What was given.
        before: Decimal,
        /// 总投资.
        total: Decimal,
    },
    /// A milestone is dated before the one before it.
    #[error(
        "{}日期{date}早于{}的{date_before} / the {} date {date} is before {}'s {date_before}",
        kind.label_zh(), before.label_zh(), kind.label_en(), before.label_en()
    )]
    MilestoneOrder {
        /// The field (`milestones.started.planned`).
        field: String,
        /// The milestone.
        kind: MilestoneKind,
        /// Its date.
        date: Date,
        /// The milestone before it.
        before: MilestoneKind,
        /// That one's date.
        date_before: Date,
    },
    /// 投产 lies outside the project's period.
    #[error(
        "投产日期{date}不在项目建设期{start}—{end}年内 / the production date {date} is outside the project's period {start}–{end}"
    )]
    ProductionOutsidePeriod {
        /// The field (`milestones.production.planned` or `.actual`).
        field: String,
        /// The date.
        date: Date,
        /// First year.
        start: i16,
        /// Last year.
        end: i16,
    },
    /// A milestone reported met after today.
    #[error(
        "{}的实际日期{date}晚于今天 / the {} cannot be met in the future ({date})",
        kind.label_zh(), kind.label_en()
    )]
    FutureActual {
        /// The field.
        field: String,
        /// The milestone.
        kind: MilestoneKind,
        /// The date given.
        date: Date,
    },
    /// A milestone given twice.
    #[error("{}重复填写 / the {} is given twice", kind.label_zh(), kind.label_en())]
    Duplicate {
        /// The field.
        field: String,
        /// The milestone.
        kind: MilestoneKind,
    },
    /// Investment completed above 总投资 without a revised 总投资.
    #[error(
        "累计完成投资{done}元已超过总投资{total}元;如总投资已调整,请填写调整后总投资 / investment completed ({done} yuan) is above the total investment ({total} yuan): state the revised total"
    )]
    AboveTotal {
        /// Completed so far (before this year and this year), in 元.
        done: Decimal,
        /// 总投资 held to.
        total: Decimal,
    },
    /// A revised total that is not positive.
    #[error("调整后总投资须大于零 / the revised total investment must be above zero")]
    RevisedTotal,
    /// An amount too large to compute with.
    #[error("{field}数值过大 / {field}: the value is too large")]
    TooLarge {
        /// The field.
        field: &'static str,
    },
    /// A capacity in a unit its target does not use.
    #[error(
        "产能单位“{given}”与目标单位“{expected}”不符 / capacity unit '{given}' does not match the target's unit '{expected}'"
    )]
    CapacityUnit {
        /// The unit given.
        given: String,
        /// The target's unit.
        expected: String,
    },
    /// An investment in a unit that is not money.
    #[error("投资单位“{0}”须为元、万元或亿元 / investment must be in 元, 万元 or 亿元, not '{0}'")]
    MoneyUnit(String),
}

impl ProjectError {
    /// The field it names, as the forms and the API call it.
    pub fn field(&self) -> String {
        match self {
            ProjectError::Required { field, .. } | ProjectError::TooLarge { field } => {
                (*field).to_string()
            }
            ProjectError::Code(_) => "code".into(),
            ProjectError::Total => "total_investment".into(),
            ProjectError::Period { .. } => "end_year".into(),
            ProjectError::InvestedBefore { .. } => "invested_before".into(),
            ProjectError::MilestoneOrder { field, .. }
            | ProjectError::ProductionOutsidePeriod { field, .. }
            | ProjectError::FutureActual { field, .. }
            | ProjectError::Duplicate { field, .. } => field.clone(),
            ProjectError::AboveTotal { .. } => "value".into(),
            ProjectError::RevisedTotal => "revised_total".into(),
            ProjectError::CapacityUnit { .. } => "capacity.unit".into(),
            ProjectError::MoneyUnit(_) => "unit".into(),
        }
    }
}

/// Checks a 项目代码 against what we could confirm of GB/T 40058-2021 (see the module docs).
pub fn check_code(code: &str) -> Result<(), ProjectError> {
    let bad = || ProjectError::Code(code.chars().take(60).collect());
    let n = code.chars().count();
    if !(10..=40).contains(&n) {
        return Err(bad());
    }
    if !code
        .chars()
        .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase() || c == '-')
    {
        return Err(bad());
    }
    let year: Option<u16> = code.get(..4).and_then(|y| y.parse().ok());
    if !year.is_some_and(|y| (1990..=2100).contains(&y)) {
        return Err(bad());
    }
    Ok(())
}

/// Checks a project's own fields (not its milestones).
pub fn check_project(p: &Project) -> Result<(), ProjectError> {
    if p.name.trim().is_empty() {
        return Err(ProjectError::Required {
            field: "name",
            zh: "项目名称",
            en: "project name",
        });
    }
    if p.owner.trim().is_empty() {
        return Err(ProjectError::Required {
            field: "owner",
            zh: "业主单位",
            en: "owner",
        });
    }
    if let Some(code) = &p.code {
        check_code(code)?;
    }
    if p.total_investment <= Decimal::ZERO
        || crate::quantity::check_report_value(p.total_investment, "元").is_err()
    {
        return Err(ProjectError::Total);
    }
    if p.start_year > p.end_year || p.start_year < 1949 || p.end_year > 2100 {
        return Err(ProjectError::Period {
            start: p.start_year,
            end: p.end_year,
        });
    }
    if p.invested_before.is_sign_negative() || p.invested_before > p.total_investment {
        return Err(ProjectError::InvestedBefore {
            before: p.invested_before,
            total: p.total_investment,
        });
    }
    Ok(())
}

/// Checks a project's milestones: one of each kind at most, planned and met dates in stage
/// order, 投产 within the project's period, nothing met after `today`.
pub fn check_milestones(
    p: &Project,
    milestones: &[ProjectMilestone],
    today: Date,
) -> Result<(), ProjectError> {
    let mut by_kind: BTreeMap<MilestoneKind, ProjectMilestone> = BTreeMap::new();
    for m in milestones {
        if by_kind.insert(m.kind, *m).is_some() {
            return Err(ProjectError::Duplicate {
                field: format!("milestones.{}", m.kind.code()),
                kind: m.kind,
            });
        }
    }
    for (which, pick) in [
        (
            "planned",
            (|m: &ProjectMilestone| m.planned) as fn(&ProjectMilestone) -> Option<Date>,
        ),
        ("actual", |m: &ProjectMilestone| m.actual),
    ] {
        let mut last: Option<(MilestoneKind, Date)> = None;
        for m in by_kind.values() {
            let Some(date) = pick(m) else { continue };
            if let Some((before, date_before)) = last
                && date < date_before
            {
                return Err(ProjectError::MilestoneOrder {
                    field: format!("milestones.{}.{which}", m.kind.code()),
                    kind: m.kind,
                    date,
                    before,
                    date_before,
                });
            }
            last = Some((m.kind, date));
        }
    }
    for m in by_kind.values() {
        if let Some(a) = m.actual
            && a > today
        {
            return Err(ProjectError::FutureActual {
                field: format!("milestones.{}.actual", m.kind.code()),
                kind: m.kind,
                date: a,
            });
        }
    }
    if let Some(m) = by_kind.get(&MilestoneKind::Production) {
        for (which, date) in [("planned", m.planned), ("actual", m.actual)] {
            if let Some(date) = date
                && (date.year() < p.start_year || date.year() > p.end_year)
            {
                return Err(ProjectError::ProductionOutsidePeriod {
                    field: format!("milestones.production.{which}"),
                    date,
                    start: p.start_year,
                    end: p.end_year,
                });
            }
        }
    }
    Ok(())
}

/// A money amount in 元 from a value in 元, 万元 or 亿元; `None` for another unit or a value
/// too large.
pub fn to_yuan(value: Decimal, unit: &str) -> Option<Decimal> {
    let factor = match unit {
        "元" => 1i64,
        "万元" => 10_000,
        "亿元" => 100_000_000,
        _ => return None,
    };
    value.checked_mul(Decimal::from(factor))
}

/// Whether `unit` is money this module converts.
pub fn is_money(unit: &str) -> bool {
    matches!(unit, "元" | "万元" | "亿元")
}

/// Checks this year's investment completed (`cumulative`, in `unit`) against 总投资: with
/// what was completed before this year it may not exceed 总投资, or the revised total the
/// report states (in 元). Returns the total the project is held to afterwards.
pub fn check_investment(
    p: &Project,
    cumulative: Decimal,
    unit: &str,
    revised_total: Option<Decimal>,
) -> Result<Decimal, ProjectError> {
    let this_year = to_yuan(cumulative, unit).ok_or_else(|| {
        if is_money(unit) {
            ProjectError::TooLarge { field: "value" }
        } else {
            ProjectError::MoneyUnit(unit.to_string())
        }
    })?;
    let done = p
        .invested_before
        .checked_add(this_year)
        .ok_or(ProjectError::TooLarge { field: "value" })?;
    let total = match revised_total {
        Some(r) if r <= Decimal::ZERO || crate::quantity::check_report_value(r, "元").is_err() => {
            return Err(ProjectError::RevisedTotal);
        }
        Some(r) => r,
        None => p.total_investment,
    };
    if done > total {
        return Err(ProjectError::AboveTotal { done, total });
    }
    Ok(total)
}

/// Checks that a capacity given in `given` is in the unit its target uses (`expected`).
pub fn check_capacity_unit(given: &str, expected: &str) -> Result<(), ProjectError> {
    if given.trim() == expected.trim() {
        Ok(())
    } else {
        Err(ProjectError::CapacityUnit {
            given: given.to_string(),
            expected: expected.to_string(),
        })
    }
}

/// Where a milestone stands at a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MilestoneStatus {
    /// 已完成: met by its planned date (or met with no plan).
    Met,
    /// 延期完成: met after its planned date.
    MetLate,
    /// 已逾期: planned before today and not met.
    Missed,
    /// 临期: planned within the next 30 days.
    Due,
    /// 有延期风险: its forecast lies after its plan.
    AtRisk,
    /// 未到期.
    Pending,
    /// 未计划: no planned date and not met.
    Unplanned,
}

impl MilestoneStatus {
    /// Every status.
    pub const ALL: [MilestoneStatus; 7] = [
        MilestoneStatus::Met,
        MilestoneStatus::MetLate,
        MilestoneStatus::Missed,
        MilestoneStatus::Due,
        MilestoneStatus::AtRisk,
        MilestoneStatus::Pending,
        MilestoneStatus::Unplanned,
    ];

    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            MilestoneStatus::Met => "met",
            MilestoneStatus::MetLate => "met_late",
            MilestoneStatus::Missed => "missed",
            MilestoneStatus::Due => "due",
            MilestoneStatus::AtRisk => "at_risk",
            MilestoneStatus::Pending => "pending",
            MilestoneStatus::Unplanned => "unplanned",
        }
    }

    /// The Chinese name.
    pub fn label_zh(self) -> &'static str {
        match self {
            MilestoneStatus::Met => "已完成",
            MilestoneStatus::MetLate => "延期完成",
            MilestoneStatus::Missed => "已逾期",
            MilestoneStatus::Due => "临期",
            MilestoneStatus::AtRisk => "有延期风险",
            MilestoneStatus::Pending => "未到期",
            MilestoneStatus::Unplanned => "未计划",
        }
    }

    /// The English name.
    pub fn label_en(self) -> &'static str {
        match self {
            MilestoneStatus::Met => "Met",
            MilestoneStatus::MetLate => "Met late",
            MilestoneStatus::Missed => "Missed",
            MilestoneStatus::Due => "Due",
            MilestoneStatus::AtRisk => "At risk",
            MilestoneStatus::Pending => "Pending",
            MilestoneStatus::Unplanned => "Unplanned",
        }
    }

    /// Whether it is met.
    pub fn is_met(self) -> bool {
        matches!(self, MilestoneStatus::Met | MilestoneStatus::MetLate)
    }
}

/// One milestone as assessed at a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MilestoneState {
    /// The milestone.
    pub milestone: ProjectMilestone,
    /// Where it stands.
    pub status: MilestoneStatus,
    /// When it is expected, for one not met that has a plan.
    pub forecast: Option<Date>,
    /// Its light.
    pub light: Colour,
}

/// Why a project is lit yellow or red.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LightReason {
    /// A planned milestone not met, overdue by so many days.
    Missed {
        /// The milestone.
        kind: MilestoneKind,
        /// Planned for.
        planned: Date,
        /// Days overdue.
        days: i32,
    },
    /// Started and not 入库入统 within a month.
    NotRegistered {
        /// The actual 开工.
        started: Date,
        /// Days since.
        days: i32,
    },
    /// Investment behind 序时.
    Investment(Status),
}

impl LightReason {
    /// In Chinese.
    pub fn zh(&self) -> String {
        match self {
            LightReason::Missed {
                kind,
                planned,
                days,
            } => format!("计划{planned}{}未完成,已逾期{days}天", kind.label_zh()),
            LightReason::NotRegistered { started, days } => {
                format!("{started}开工已{days}天,尚未入库入统")
            }
            LightReason::Investment(s) => format!("投资完成{}", s.label_zh()),
        }
    }

    /// In English.
    pub fn en(&self) -> String {
        match self {
            LightReason::Missed {
                kind,
                planned,
                days,
            } => format!(
                "{} planned for {planned} not met, {days} days overdue",
                kind.label_en()
            ),
            LightReason::NotRegistered { started, days } => {
                format!("started on {started}, {days} days ago, not yet registered in statistics")
            }
            LightReason::Investment(s) => format!("investment {}", s.label_en()),
        }
    }
}

/// A project assessed at a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectState {
    /// Each milestone, in stage order (every kind, planned or not).
    pub milestones: Vec<MilestoneState>,
    /// The stage the latest milestone met opened.
    pub stage: ProjectStage,
    /// The project's light: the worst of its milestones' and its investment's.
    pub light: Colour,
    /// Why it is not green.
    pub reasons: Vec<LightReason>,
}

/// The rank of a light, worst highest (grey, nothing to judge, lowest).
pub fn light_rank(c: Colour) -> u8 {
    match c {
        Colour::Grey => 0,
        Colour::Green => 1,
        Colour::Yellow => 2,
        Colour::Red => 3,
    }
}

fn days_between(from: Date, to: Date) -> i32 {
    // Whole days from `from` to `to` (a span in days by default); saturating if ever refused.
    match from.until(to) {
        Ok(span) => span.get_days(),
        Err(_) if to > from => i32::MAX,
        Err(_) => i32::MIN,
    }
}

fn add_months(d: Date, months: i32) -> Option<Date> {
    d.checked_add(jiff::Span::new().months(months)).ok()
}

fn add_days(d: Date, days: i32) -> Date {
    d.checked_add(jiff::Span::new().days(days))
        .unwrap_or(if days >= 0 { Date::MAX } else { Date::MIN })
}

/// The light of a lapse that began on `since`: yellow from `yellow_after` months after it,
/// red from three months after `since` plus `yellow_after`.
fn lapse_light(since: Date, yellow_after: i32, today: Date) -> Option<Colour> {
    let yellow_from = add_months(since, yellow_after)?;
    if today <= yellow_from {
        return None;
    }
    let red_from = add_months(since, yellow_after.saturating_add(3));
    if red_from.is_some_and(|r| today > r) {
        Some(Colour::Red)
    } else {
        Some(Colour::Yellow)
    }
}

/// Assesses a project's milestones at `today`, with its investment's status against 序时
/// (`None` when it has no investment target yet). See the module docs.
pub fn assess_project(
    milestones: &[ProjectMilestone],
    investment: Option<Status>,
    today: Date,
) -> ProjectState {
    let mut states = Vec::with_capacity(MilestoneKind::ALL.len());
    let mut reasons = Vec::new();
    let mut light = Colour::Grey;
    let mut carry: i32 = 0;
    let mut stage = ProjectStage::Planned;
    for kind in MilestoneKind::ALL {
        let m = milestones
            .iter()
            .find(|m| m.kind == kind)
            .copied()
            .unwrap_or(ProjectMilestone {
                kind,
                planned: None,
                actual: None,
            });
        let (status, forecast, m_light) = match (m.planned, m.actual) {
            (planned, Some(actual)) => {
                stage = stage.max(kind.opens());
                let late = planned.map(|p| days_between(p, actual)).unwrap_or(0);
                carry = late.max(0);
                let status = if late > 0 {
                    MilestoneStatus::MetLate
                } else {
                    MilestoneStatus::Met
                };
                (status, None, Colour::Green)
            }
            (Some(planned), None) if planned < today => {
                let days = days_between(planned, today);
                carry = carry.max(days);
                let l = lapse_light(planned, 0, today).unwrap_or(Colour::Yellow);
                reasons.push(LightReason::Missed {
                    kind,
                    planned,
                    days,
                });
                (MilestoneStatus::Missed, Some(today), l)
            }
            (Some(planned), None) => {
                let forecast = add_days(planned, carry).max(today);
                let status = if forecast > planned {
                    MilestoneStatus::AtRisk
                } else if days_between(today, planned) <= 30 {
                    MilestoneStatus::Due
                } else {
                    MilestoneStatus::Pending
                };
                (status, Some(forecast), Colour::Green)
            }
            (None, None) => (MilestoneStatus::Unplanned, None, Colour::Grey),
        };
        if light_rank(m_light) > light_rank(light) {
            light = m_light;
        }
        states.push(MilestoneState {
            milestone: m,
            status,
            forecast,
            light: m_light,
        });
    }
    // Started and not registered within a month.
    let started = states[MilestoneKind::Started.index()].milestone.actual;
    let registered = states[MilestoneKind::Registered.index()].milestone.actual;
    if let (Some(started), None) = (started, registered)
        && let Some(l) = lapse_light(started, 1, today)
    {
        reasons.push(LightReason::NotRegistered {
            started,
            days: days_between(started, today),
        });
        if light_rank(l) > light_rank(light) {
            light = l;
        }
        let reg = &mut states[MilestoneKind::Registered.index()];
        if light_rank(l) > light_rank(reg.light) {
            reg.light = l;
        }
    }
    if let Some(s) = investment {
        let c = s.colour();
        if matches!(c, Colour::Yellow | Colour::Red) {
            reasons.push(LightReason::Investment(s));
        }
        if light_rank(c) > light_rank(light) {
            light = c;
        }
    }
    ProjectState {
        milestones: states,
        stage,
        light,
        reasons,
    }
}

/// One project's figures for a roll-up: where it is, its light, and its investment (元).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectFigures {
    /// The project.
    pub item: ItemId,
    /// Its region.
    pub region: UnitId,
    /// Its industry.
    pub industry: Industry,
    /// Its responsible unit.
    pub responsible: UnitId,
    /// Its light.
    pub light: Colour,
    /// This year's planned investment, in 元.
    pub planned: Decimal,
    /// Expected by now (序时 or the schedule's points), in 元.
    pub expected: Decimal,
    /// Completed this year, in 元 (accepted reports).
    pub completed: Decimal,
    /// Milestones due within 30 days.
    pub due: u32,
    /// Milestones missed.
    pub missed: u32,
}

impl ProjectFigures {
    /// The figures of one project from its state.
    pub fn of(
        p: &Project,
        state: &ProjectState,
        planned: Decimal,
        expected: Decimal,
        completed: Decimal,
    ) -> ProjectFigures {
        let count = |s: MilestoneStatus| {
            u32::try_from(
                state
                    .milestones
                    .iter()
                    .filter(|m| {
                        m.status == s
                            || (s == MilestoneStatus::Due && m.status == MilestoneStatus::AtRisk)
                    })
                    .count(),
            )
            .unwrap_or(u32::MAX)
        };
        ProjectFigures {
            item: p.item,
            region: p.region,
            industry: p.industry,
            responsible: p.responsible,
            light: state.light,
            planned,
            expected,
            completed,
            due: count(MilestoneStatus::Due),
            missed: count(MilestoneStatus::Missed),
        }
    }
}

/// What a roll-up groups by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GroupBy {
    /// The region it is built in.
    Region,
    /// Its industry.
    Industry,
    /// Its responsible unit.
    Responsible,
}

/// A group's key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GroupKey {
    /// A unit (region or responsible unit).
    Unit(UnitId),
    /// An industry.
    Industry(Industry),
}

/// One group's figures.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GroupFigures {
    /// Projects.
    pub projects: u32,
    /// Projects by light: green, yellow, red, grey.
    pub green: u32,
    /// Yellow.
    pub yellow: u32,
    /// Red.
    pub red: u32,
    /// Grey (nothing to judge yet).
    pub grey: u32,
    /// Planned this year, 元.
    pub planned: Decimal,
    /// Expected by now, 元.
    pub expected: Decimal,
    /// Completed this year, 元.
    pub completed: Decimal,
    /// Milestones due.
    pub due: u32,
    /// Milestones missed.
    pub missed: u32,
}

impl GroupFigures {
    /// Completed as a percentage of planned, to one decimal; `None` when nothing is planned.
    pub fn percent(&self) -> Option<Decimal> {
        if self.planned <= Decimal::ZERO {
            return None;
        }
        self.completed
            .checked_mul(Decimal::ONE_HUNDRED)
            .and_then(|x| x.checked_div(self.planned))
            .map(|x| x.round_dp(1))
    }
}

/// Rolls project figures up by region, industry or responsible unit; groups in key order.
pub fn roll_up(rows: &[ProjectFigures], by: GroupBy) -> Vec<(GroupKey, GroupFigures)> {
    let mut out: BTreeMap<GroupKey, GroupFigures> = BTreeMap::new();
    for r in rows {
        let key = match by {
            GroupBy::Region => GroupKey::Unit(r.region),
            GroupBy::Industry => GroupKey::Industry(r.industry),
            GroupBy::Responsible => GroupKey::Unit(r.responsible),
        };
        let g = out.entry(key).or_default();
        g.projects = g.projects.saturating_add(1);
        match r.light {
            Colour::Green => g.green = g.green.saturating_add(1),
            Colour::Yellow => g.yellow = g.yellow.saturating_add(1),
            Colour::Red => g.red = g.red.saturating_add(1),
            Colour::Grey => g.grey = g.grey.saturating_add(1),
        }
        g.planned = saturating_sum([g.planned, r.planned]);
        g.expected = saturating_sum([g.expected, r.expected]);
        g.completed = saturating_sum([g.completed, r.completed]);
        g.due = g.due.saturating_add(r.due);
        g.missed = g.missed.saturating_add(r.missed);
    }
    out.into_iter().collect()
}

/// All rows as one group (the plan's totals).
pub fn total(rows: &[ProjectFigures]) -> GroupFigures {
    roll_up(
        &rows
            .iter()
            .map(|r| ProjectFigures {
                region: UnitId(0),
                ..r.clone()
            })
            .collect::<Vec<_>>(),
        GroupBy::Region,
    )
    .into_iter()
    .next()
    .map(|(_, g)| g)
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    fn project() -> Project {
        Project {
            item: ItemId(1),
            name: "奥迪一汽新能源汽车项目".into(),
            code: None,
            owner: "奥迪一汽新能源汽车有限公司".into(),
            responsible: UnitId(2),
            leader: None,
            region: UnitId(2),
            place: "长春汽开区".into(),
            industry: Industry::from_code("C").unwrap(),
            total_investment: "35000000000".parse().unwrap(),
            invested_before: "10000000000".parse().unwrap(),
            start_year: 2022,
            end_year: 2024,
            investment_target: None,
            revision: 1,
        }
    }

    fn ms(kind: MilestoneKind, planned: Option<Date>, actual: Option<Date>) -> ProjectMilestone {
        ProjectMilestone {
            kind,
            planned,
            actual,
        }
    }

    #[test]
    fn kinds_are_in_stage_order() {
        for w in MilestoneKind::ALL.windows(2) {
            assert!(w[0] < w[1]);
            assert!(w[0].opens() < w[1].opens());
        }
        for k in MilestoneKind::ALL {
            assert_eq!(MilestoneKind::from_code(k.code()), Some(k));
        }
        assert_eq!(Industry::all().count(), 20);
        assert_eq!(Industry::from_code("C").unwrap().label_zh(), "制造业");
        assert_eq!(Industry::from_code("Z"), None);
    }

    #[test]
    fn project_fields_are_checked_by_name() {
        assert_eq!(check_project(&project()), Ok(()));
        let mut p = project();
        p.name = " ".into();
        assert_eq!(check_project(&p).unwrap_err().field(), "name");
        let mut p = project();
        p.total_investment = Decimal::ZERO;
        assert_eq!(check_project(&p).unwrap_err().field(), "total_investment");
        let mut p = project();
        p.start_year = 2025;
        assert_eq!(check_project(&p).unwrap_err().field(), "end_year");
        let mut p = project();
        p.invested_before = "40000000000".parse().unwrap();
        assert_eq!(check_project(&p).unwrap_err().field(), "invested_before");
        let mut p = project();
        p.code = Some("2022-220171-36-01-000001".into());
        assert_eq!(check_project(&p), Ok(()));
        p.code = Some("二〇二二-1".into());
        assert_eq!(check_project(&p).unwrap_err().field(), "code");
        p.code = Some("ABCD-220171-36-01-000001".into());
        assert_eq!(check_project(&p).unwrap_err().field(), "code");
    }

    #[test]
    fn milestones_in_order_and_production_within_the_period() {
        let p = project();
        let today = date(2023, 6, 30);
        let good = [
            ms(
                MilestoneKind::Signed,
                Some(date(2022, 1, 10)),
                Some(date(2022, 1, 10)),
            ),
            ms(
                MilestoneKind::Started,
                Some(date(2022, 6, 1)),
                Some(date(2022, 6, 20)),
            ),
            ms(MilestoneKind::Production, Some(date(2024, 12, 31)), None),
        ];
        assert_eq!(check_milestones(&p, &good, today), Ok(()));
        let reversed = [
            ms(MilestoneKind::Started, Some(date(2022, 6, 1)), None),
            ms(MilestoneKind::Completed, Some(date(2022, 5, 1)), None),
        ];
        let e = check_milestones(&p, &reversed, today).unwrap_err();
        assert_eq!(e.field(), "milestones.completed.planned");
        assert!(e.to_string().contains("竣工日期2022-05-01早于开工"), "{e}");
        let late = [ms(MilestoneKind::Production, Some(date(2025, 3, 1)), None)];
        assert_eq!(
            check_milestones(&p, &late, today).unwrap_err().field(),
            "milestones.production.planned"
        );
        let future = [ms(MilestoneKind::Started, None, Some(date(2023, 7, 1)))];
        assert_eq!(
            check_milestones(&p, &future, today).unwrap_err().field(),
            "milestones.started.actual"
        );
        let twice = [
            ms(MilestoneKind::Signed, None, None),
            ms(MilestoneKind::Signed, None, None),
        ];
        assert_eq!(
            check_milestones(&p, &twice, today).unwrap_err().field(),
            "milestones.signed"
        );
    }

    #[test]
    fn investment_above_the_total_needs_a_revision() {
        let p = project();
        // 100 亿 before + 250 亿 this year = 350 亿: exactly the total.
        assert!(check_investment(&p, "250".parse().unwrap(), "亿元", None).is_ok());
        let e = check_investment(&p, "2500001".parse().unwrap(), "万元", None).unwrap_err();
        assert_eq!(e.field(), "value");
        let revised = "36000000000".parse().unwrap();
        assert_eq!(
            check_investment(&p, "2500001".parse().unwrap(), "万元", Some(revised)),
            Ok(revised)
        );
        assert_eq!(
            check_investment(&p, Decimal::ONE, "万元", Some(Decimal::ZERO))
                .unwrap_err()
                .field(),
            "revised_total"
        );
        assert_eq!(
            check_investment(&p, Decimal::ONE, "辆", None)
                .unwrap_err()
                .field(),
            "unit"
        );
        assert_eq!(
            check_capacity_unit("GWh", "万辆").unwrap_err().field(),
            "capacity.unit"
        );
        assert!(check_capacity_unit("万辆", "万辆").is_ok());
    }

    #[test]
    fn a_missed_start_is_yellow_then_red_after_three_months() {
        let plan = [ms(MilestoneKind::Started, Some(date(2023, 3, 31)), None)];
        let s = assess_project(&plan, None, date(2023, 3, 31));
        assert_eq!(s.milestones[1].status, MilestoneStatus::Due);
        assert_eq!(s.light, Colour::Green);
        let s = assess_project(&plan, None, date(2023, 4, 15));
        assert_eq!(s.milestones[1].status, MilestoneStatus::Missed);
        assert_eq!(s.light, Colour::Yellow);
        assert!(
            s.reasons[0].zh().contains("开工未完成"),
            "{}",
            s.reasons[0].zh()
        );
        let s = assess_project(&plan, None, date(2023, 7, 1));
        assert_eq!(s.light, Colour::Red);
    }

    #[test]
    fn not_registered_within_a_month_of_the_start() {
        let plan = [ms(
            MilestoneKind::Started,
            Some(date(2023, 3, 1)),
            Some(date(2023, 3, 1)),
        )];
        assert_eq!(
            assess_project(&plan, None, date(2023, 3, 31)).light,
            Colour::Green
        );
        let s = assess_project(&plan, None, date(2023, 4, 2));
        assert_eq!(s.light, Colour::Yellow);
        assert_eq!(s.stage, ProjectStage::Construction);
        assert!(matches!(s.reasons[0], LightReason::NotRegistered { .. }));
        assert_eq!(
            assess_project(&plan, None, date(2023, 7, 2)).light,
            Colour::Red
        );
        let done = [
            plan[0],
            ms(MilestoneKind::Registered, None, Some(date(2023, 3, 20))),
        ];
        let s = assess_project(&done, Some(Status::OnTrack), date(2023, 7, 2));
        assert_eq!(s.light, Colour::Green);
        assert_eq!(s.stage, ProjectStage::Registered);
        // Investment behind 序时 lights it as its status does.
        let s = assess_project(&done, Some(Status::AtRisk), date(2023, 7, 2));
        assert_eq!(s.light, Colour::Red);
    }

    #[test]
    fn a_late_start_moves_the_forecast_of_what_follows() {
        let plan = [
            ms(
                MilestoneKind::Started,
                Some(date(2023, 3, 1)),
                Some(date(2023, 5, 1)),
            ),
            ms(
                MilestoneKind::Registered,
                Some(date(2023, 4, 1)),
                Some(date(2023, 5, 10)),
            ),
            ms(MilestoneKind::Production, Some(date(2024, 6, 30)), None),
        ];
        let s = assess_project(&plan, None, date(2023, 6, 1));
        assert_eq!(
            s.milestones[MilestoneKind::Registered.index()].status,
            MilestoneStatus::MetLate
        );
        let p = &s.milestones[MilestoneKind::Production.index()];
        assert_eq!(p.status, MilestoneStatus::AtRisk);
        // Registered 39 days late: production forecast 39 days after its plan.
        assert_eq!(p.forecast, Some(date(2024, 8, 8)));
        assert_eq!(
            s.milestones[MilestoneKind::Started.index()].status,
            MilestoneStatus::MetLate
        );
    }

    #[test]
    fn roll_up_by_region_industry_and_unit() {
        let p = project();
        let mut q = project();
        q.item = ItemId(2);
        q.region = UnitId(3);
        q.industry = Industry::from_code("D").unwrap();
        let state = |light| ProjectState {
            milestones: vec![],
            stage: ProjectStage::Planned,
            light,
            reasons: vec![],
        };
        let rows = [
            ProjectFigures::of(&p, &state(Colour::Green), 100.into(), 50.into(), 60.into()),
            ProjectFigures::of(&q, &state(Colour::Red), 300.into(), 150.into(), 40.into()),
        ];
        let by_region = roll_up(&rows, GroupBy::Region);
        assert_eq!(by_region.len(), 2);
        assert_eq!(by_region[0].1.green, 1);
        assert_eq!(by_region[1].1.red, 1);
        let by_unit = roll_up(&rows, GroupBy::Responsible);
        assert_eq!(by_unit.len(), 1);
        assert_eq!(by_unit[0].1.planned, Decimal::from(400));
        assert_eq!(by_unit[0].1.percent(), Some(Decimal::from(25)));
        assert_eq!(roll_up(&rows, GroupBy::Industry).len(), 2);
        assert_eq!(total(&rows).completed, Decimal::from(100));
    }

    fn any_date() -> impl Strategy<Value = Date> {
        prop_oneof![
            Just(Date::MIN),
            Just(Date::MAX),
            (-9999i16..=9999, 1i8..=12, 1i8..=28).prop_map(|(y, m, d)| date(y, m, d)),
        ]
    }

    fn any_decimal() -> impl Strategy<Value = Decimal> {
        prop_oneof![
            Just(Decimal::MAX),
            Just(Decimal::MIN),
            Just(Decimal::ZERO),
            Just(Decimal::new(1, 28)),
            (any::<i64>(), 0u32..=28).prop_map(|(m, s)| Decimal::new(m, s)),
        ]
    }

    proptest! {
        #[test]
        fn nothing_panics_on_any_date_or_decimal(
            dates in proptest::collection::vec((any_date(), proptest::option::of(any_date()), proptest::option::of(any_date())), 0..8),
            today in any_date(),
            total in any_decimal(), before in any_decimal(), value in any_decimal(),
            revised in proptest::option::of(any_decimal()),
            start in any::<i16>(), end in any::<i16>(),
        ) {
            let mut p = project();
            p.total_investment = total;
            p.invested_before = before;
            p.start_year = start;
            p.end_year = end;
            let milestones: Vec<ProjectMilestone> = dates
                .iter()
                .enumerate()
                .map(|(i, (_, planned, actual))| ms(MilestoneKind::ALL[i % 6], *planned, *actual))
                .collect();
            let _ = check_project(&p);
            let _ = check_milestones(&p, &milestones, today);
            for unit in ["元", "万元", "亿元", "辆"] {
                let _ = check_investment(&p, value, unit, revised);
            }
            let s = assess_project(&milestones, Some(Status::Lagging), today);
            prop_assert_eq!(s.milestones.len(), 6);
            for r in &s.reasons { let _ = (r.zh(), r.en()); }
            let rows = vec![ProjectFigures::of(&p, &s, total, before, value); 3];
            for by in [GroupBy::Region, GroupBy::Industry, GroupBy::Responsible] {
                for (_, g) in roll_up(&rows, by) { let _ = g.percent(); }
            }
        }
    }
}
