//! The JSON shapes of the public API — defined here and nowhere else. Exact numbers (target
//! values, sums, scores) are decimal strings ("230000", "0.4739"), never floats; dates are
//! ISO-8601 (`2023-12-31`); periods are codes (`2023-06`, `2023-Q2`, `2023-H1`, `2023`).

use minsheng_app::board::{BoardProblem, UnitRef};
use minsheng_app::rollup::Dashboard;
use minsheng_app::tracking::{TargetTracking, Tracking};
use minsheng_app::visibility::{PlanOutline, TargetAssignments};
use minsheng_domain::{Account, OrgUnit, Plan, Status, Target};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

mod audit;
mod goals;
mod implementation;
mod projects;
mod reporting;
mod year_end;
pub use audit::*;
pub use goals::*;
pub use implementation::*;
pub use projects::*;
pub use reporting::*;
pub use year_end::*;

fn dec(d: Decimal) -> String {
    d.normalize().to_string()
}

/// A plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanDto {
    /// Its id.
    pub id: i64,
    /// The year it is for.
    pub year: i16,
    /// Its title.
    pub title: String,
    /// `livelihood`, `major_projects` or `multi_year_goals`.
    pub kind: &'static str,
    /// `draft`, `confirmed` or `published`.
    pub status: &'static str,
    /// Sections the document says it has (may disagree with what it lists).
    pub declared_sections: Option<u32>,
    /// Items the document says it has.
    pub declared_items: Option<u32>,
}

impl From<&Plan> for PlanDto {
    fn from(p: &Plan) -> Self {
        PlanDto {
            id: p.id.0,
            year: p.year,
            title: p.title.clone(),
            kind: p.kind.code(),
            status: p.status.code(),
            declared_sections: p.declared_sections,
            declared_items: p.declared_items,
        }
    }
}

/// A quantitative target.
#[derive(Debug, Serialize, ToSchema)]
pub struct TargetDto {
    /// Its id.
    pub id: i64,
    /// Its place in the item.
    pub seq: u32,
    /// The value, as an exact decimal string.
    #[schema(example = "230000")]
    pub value: String,
    /// The unit (人, 个, %, ""…).
    pub unit: String,
    /// `ge`, `le`, `approx` or `eq`.
    pub cmp: &'static str,
    /// The clause of the item that states it.
    pub phrase: String,
    /// Byte span of the phrase in the plan's source text.
    pub span: Option<[usize; 2]>,
    /// No digit is written; the wording fixes the value.
    pub implicit: bool,
    /// A change rather than a level.
    pub delta: bool,
    /// When it is due.
    #[schema(example = "2023-12-31")]
    pub deadline: String,
    /// `quantity`, or `stage` for a qualitative item (reported as 未启动 / 推进中 / 已完成;
    /// its value is 1, done).
    pub kind: &'static str,
}

impl From<&Target> for TargetDto {
    fn from(t: &Target) -> Self {
        TargetDto {
            id: t.id.0,
            seq: t.seq,
            value: dec(t.quantity.value),
            unit: t.quantity.unit.clone(),
            cmp: t.cmp.code(),
            phrase: t.phrase.clone(),
            span: t.span.map(|s| [s.start, s.end]),
            implicit: t.implicit,
            delta: t.delta,
            deadline: t.deadline.to_string(),
            kind: t.kind.code(),
        }
    }
}

/// An item with its targets.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemDto {
    /// Its id.
    pub id: i64,
    /// Its number as printed.
    pub no: u32,
    /// Its text.
    pub text: String,
    /// The responsible units the document names, lead first.
    pub leads: Vec<String>,
    /// Its targets; empty for a qualitative item.
    pub targets: Vec<TargetDto>,
}

/// A section with its items.
#[derive(Debug, Serialize, ToSchema)]
pub struct SectionDto {
    /// Its ordinal.
    pub no: u32,
    /// Its heading.
    pub title: Option<String>,
    /// The "(N项)" count.
    pub declared_items: Option<u32>,
    /// Its items.
    pub items: Vec<ItemDto>,
}

/// A plan with everything in it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanOutlineDto {
    /// The plan.
    pub plan: PlanDto,
    /// The unit that owns it.
    pub owner: String,
    /// Its sections.
    pub sections: Vec<SectionDto>,
}

impl From<&PlanOutline> for PlanOutlineDto {
    fn from(o: &PlanOutline) -> Self {
        PlanOutlineDto {
            plan: PlanDto::from(&o.plan),
            owner: o.owner.name.clone(),
            sections: o
                .sections
                .iter()
                .map(|s| SectionDto {
                    no: s.section.no,
                    title: s.section.title.clone(),
                    declared_items: s.section.declared_items,
                    items: s
                        .items
                        .iter()
                        .map(|i| ItemDto {
                            id: i.item.id.0,
                            no: i.item.no,
                            text: i.item.text.clone(),
                            leads: i.item.leads.clone(),
                            targets: i.targets.iter().map(TargetDto::from).collect(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// How many of something are in each status: one field per status code, in the order of
/// `Status::ALL` (`done`, `on_track`, `lagging`, `at_risk`, `not_reported`), serialized and
/// described from that list, so a new status appears here by itself.
#[derive(Debug)]
pub struct StatusCountsDto(minsheng_domain::StatusCounts);

impl From<&minsheng_domain::StatusCounts> for StatusCountsDto {
    fn from(c: &minsheng_domain::StatusCounts) -> Self {
        StatusCountsDto(*c)
    }
}

impl Serialize for StatusCountsDto {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(Status::COUNT))?;
        for (status, n) in self.0.iter() {
            map.serialize_entry(status.code(), &n)?;
        }
        map.end()
    }
}

impl utoipa::PartialSchema for StatusCountsDto {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        let mut o =
            ObjectBuilder::new().description(Some("How many of something are in each status."));
        for s in Status::ALL {
            o = o
                .property(
                    s.code(),
                    ObjectBuilder::new()
                        .schema_type(Type::Integer)
                        .minimum(Some(0))
                        .description(Some(format!("{} / {}", s.label_zh(), s.label_en()))),
                )
                .required(s.code());
        }
        o.into()
    }
}

impl ToSchema for StatusCountsDto {}

/// The schema of a status code: one of `Status::ALL`'s codes.
pub(crate) fn status_code_schema() -> utoipa::openapi::schema::Object {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(Status::ALL.map(Status::code)))
        .description(Some(format!("状态 / status: {}", Status::codes(", "))))
        .build()
}

/// One target's progress.
#[derive(Debug, Serialize, ToSchema)]
pub struct TargetTrackingDto {
    /// The target.
    pub target: TargetDto,
    /// Its section's ordinal.
    pub section_no: u32,
    /// Its item's number.
    pub item_no: u32,
    /// Σ of its shares' values at the period (a count), or the lead's level (a rate).
    pub actual: Option<String>,
    /// Expected by the end of the period on a linear schedule (counts only).
    pub expected: Option<String>,
    /// Capped completion, 0–1.
    pub score: Option<String>,
    /// Its status (one of the status codes).
    #[schema(schema_with = status_code_schema)]
    pub status: &'static str,
    /// Forecast value at the deadline from the trend so far.
    pub forecast: Option<String>,
    /// Shares rolled up.
    pub shares: usize,
    /// Shares with no accepted report for the period itself.
    pub missing: usize,
}

impl From<&TargetTracking> for TargetTrackingDto {
    fn from(t: &TargetTracking) -> Self {
        TargetTrackingDto {
            target: TargetDto::from(&t.target),
            section_no: t.section_no,
            item_no: t.item_no,
            actual: t.rollup.value.map(dec),
            expected: t.expected.map(dec),
            score: t.rollup.completion.map(|c| dec(c.score.round_dp(6))),
            status: t.status.code(),
            forecast: t.forecast.as_ref().map(|f| dec(f.value.round_dp(2))),
            shares: t.rollup.counted,
            missing: t.rollup.missing,
        }
    }
}

/// One unit's place in the ranking.
#[derive(Debug, Serialize, ToSchema)]
pub struct RankDto {
    /// 1 = best.
    pub rank: usize,
    /// The unit's id.
    pub unit_id: i64,
    /// Its name.
    pub name: String,
    /// Mean capped completion of its shares.
    pub mean_score: Option<String>,
    /// Its shares by status.
    pub counts: StatusCountsDto,
}

/// Reports expected, received and on time.
#[derive(Debug, Serialize, ToSchema)]
pub struct CompletenessDto {
    /// Reports due by the day computed for.
    pub expected: usize,
    /// Filed.
    pub received: usize,
    /// Filed by the due day.
    pub on_time: usize,
    /// Filed after it.
    pub late: usize,
    /// Not filed.
    pub missing: usize,
}

/// The office's view of a plan at a period.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrackingDto {
    /// The plan.
    pub plan: PlanDto,
    /// The period.
    #[schema(example = "2023-06")]
    pub period: String,
    /// The day it was computed for.
    pub today: String,
    /// Targets by status.
    pub target_counts: StatusCountsDto,
    /// Mean capped completion over all shares.
    pub mean_score: Option<String>,
    /// Every target.
    pub targets: Vec<TargetTrackingDto>,
    /// Units by mean completion.
    pub ranking: Vec<RankDto>,
    /// Reporting completeness and timeliness.
    pub completeness: CompletenessDto,
}

impl From<&Tracking> for TrackingDto {
    fn from(t: &Tracking) -> Self {
        TrackingDto {
            plan: PlanDto::from(&t.plan),
            period: t.period.to_string(),
            today: t.today.to_string(),
            target_counts: StatusCountsDto::from(&t.target_counts),
            mean_score: t.shares.mean_score.map(|d| dec(d.round_dp(6))),
            targets: t
                .targets
                .iter()
                .map(|x| TargetTrackingDto::from(x.as_ref()))
                .collect(),
            ranking: t
                .ranking
                .iter()
                .map(|r| RankDto {
                    rank: r.rank,
                    unit_id: r.unit.0,
                    name: r.name.clone(),
                    mean_score: r.summary.mean_score.map(|d| dec(d.round_dp(6))),
                    counts: StatusCountsDto::from(&r.summary.counts),
                })
                .collect(),
            completeness: CompletenessDto {
                expected: t.completeness.expected,
                received: t.completeness.received,
                on_time: t.completeness.on_time,
                late: t.completeness.late,
                missing: t.completeness.missing,
            },
        }
    }
}

/// One target's row of the materialized roll-up.
#[derive(Debug, Serialize, ToSchema)]
pub struct DashboardTargetDto {
    /// The unit that owns the target's plan.
    pub owner_id: i64,
    /// The target.
    pub target_id: i64,
    /// Shares rolled up.
    pub assignments: i64,
    /// Σ of their values at the period.
    pub actual: String,
    /// Σ of their quotas.
    pub quota: String,
    /// Shares with no accepted report for the period itself.
    pub missing: i64,
}

/// One region's row for one section.
#[derive(Debug, Serialize, ToSchema)]
pub struct DashboardRegionDto {
    /// The city-level region.
    pub unit_id: i64,
    /// The section's ordinal.
    pub section_no: u32,
    /// Shares.
    pub assignments: i64,
    /// Mean capped completion.
    pub mean_score: String,
}

/// The dashboard's figures for a period across every plan, from the materialized roll-up.
#[derive(Debug, Serialize, ToSchema)]
pub struct DashboardDto {
    /// The period.
    pub period: String,
    /// Per target.
    pub targets: Vec<DashboardTargetDto>,
    /// Per city and section.
    pub regions: Vec<DashboardRegionDto>,
}

impl From<&Dashboard> for DashboardDto {
    fn from(d: &Dashboard) -> Self {
        DashboardDto {
            period: d.period.to_string(),
            targets: d
                .targets
                .iter()
                .map(|t| DashboardTargetDto {
                    owner_id: t.owner.0,
                    target_id: t.row.target.0,
                    assignments: t.row.assignments,
                    actual: dec(t.row.actual),
                    quota: dec(t.row.quota),
                    missing: t.row.assignments - t.row.reported,
                })
                .collect(),
            regions: d
                .regions
                .iter()
                .map(|r| DashboardRegionDto {
                    unit_id: r.row.unit.0,
                    section_no: r.section_no,
                    assignments: r.row.assignments,
                    mean_score: if r.row.assignments > 0 {
                        dec((r.row.score_sum / Decimal::from(r.row.assignments)).round_dp(6))
                    } else {
                        "0".into()
                    },
                })
                .collect(),
        }
    }
}

/// The error envelope: every failed API call answers with it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorsDto {
    /// What went wrong.
    pub errors: Vec<ErrorDto>,
}

/// One error.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDto {
    /// A stable code: `not_found`, `bad_request`, `invalid` (a field's value cannot be used),
    /// `too_large` (an upload over its limit), `unauthenticated`, `forbidden`, `internal`.
    pub code: &'static str,
    /// The field at fault, for `invalid` (`title`, `due`, `quota`, `shares[1].quota`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// What was wrong, Chinese first.
    pub detail: String,
}

/// A unit.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitDto {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its division code (GB/T 2260), for a region.
    pub code: Option<String>,
}

/// The signed-in account.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeDto {
    /// The sign-in name.
    pub name: String,
    /// `office`, `unit` or `viewer`.
    pub role: &'static str,
    /// The unit it acts for, if any.
    pub unit: Option<UnitDto>,
}

impl MeDto {
    /// The account, with its unit looked up.
    pub fn new(a: &Account, unit: Option<&OrgUnit>) -> MeDto {
        MeDto {
            name: a.name.clone(),
            role: a.role.code(),
            unit: unit.map(|u| UnitDto {
                id: u.id.0,
                name: u.name.clone(),
                code: u.code.clone(),
            }),
        }
    }
}

/// A unit named in a problem or an assignment.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitRefDto {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
}

impl From<&UnitRef> for UnitRefDto {
    fn from(u: &UnitRef) -> Self {
        UnitRefDto {
            id: u.id.0,
            name: u.name.clone(),
        }
    }
}

/// One escalation of a problem (督办升级).
#[derive(Debug, Serialize, ToSchema)]
pub struct EscalationDto {
    /// The owner that missed the deadline.
    pub from: UnitRefDto,
    /// The deadline missed.
    #[schema(example = "2023-09-30")]
    pub missed_due: String,
    /// The region it went up to.
    pub to: UnitRefDto,
    /// When it was escalated.
    pub at: String,
}

/// A coordination matter (协调事项), as the caller sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemDto {
    /// Its id.
    pub id: i64,
    /// A one-line summary.
    pub title: String,
    /// The whole description.
    pub description: String,
    /// The unit that raised it.
    pub raised_by: UnitRefDto,
    /// The unit that must solve it.
    pub owner: UnitRefDto,
    /// The report it was raised in, if any.
    pub report_id: Option<i64>,
    /// When it must be solved by.
    #[schema(example = "2023-11-30")]
    pub due: String,
    /// `open` or `resolved`.
    pub status: &'static str,
    /// In one word: `resolved`, else `escalated`, else `overdue`, else `open`.
    pub state: &'static str,
    /// Open and past its due date.
    pub overdue: bool,
    /// How it was solved.
    pub resolution: Option<String>,
    /// When it was raised.
    pub raised_at: String,
    /// Its escalations, oldest first.
    pub escalations: Vec<EscalationDto>,
    /// The caller may give it a new owner and due date.
    pub may_assign: bool,
    /// The caller may resolve it.
    pub may_resolve: bool,
}

impl From<&BoardProblem> for ProblemDto {
    fn from(b: &BoardProblem) -> Self {
        let p = &b.problem;
        ProblemDto {
            id: p.id.0,
            title: p.title.clone(),
            description: p.description.clone(),
            raised_by: UnitRefDto::from(&b.raised_by),
            owner: UnitRefDto::from(&b.owner),
            report_id: p.report.map(|r| r.0),
            due: p.due.to_string(),
            status: p.status.code(),
            state: b.state().code(),
            overdue: b.overdue,
            resolution: p.resolution.clone(),
            raised_at: p.raised_at.to_string(),
            escalations: b
                .escalations
                .iter()
                .map(|e| EscalationDto {
                    from: UnitRefDto::from(&e.from),
                    missed_due: e.missed_due.to_string(),
                    to: UnitRefDto::from(&e.to),
                    at: e.at.to_string(),
                })
                .collect(),
            may_assign: b.may_assign,
            may_resolve: b.may_resolve,
        }
    }
}

/// A problem to raise.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewProblemDto {
    /// A one-line summary; required.
    pub title: String,
    /// The whole description.
    #[serde(default)]
    pub description: String,
    /// The unit that must solve it (its id): for a unit account, itself, a unit below it or
    /// the region above it.
    pub owner: i64,
    /// When it must be solved by; not before today.
    #[schema(example = "2023-11-30")]
    pub due: String,
    /// The report it is raised in, if any: one filed by the caller's unit or a unit below it.
    #[serde(default)]
    pub report: Option<i64>,
}

/// A new owner and due date for an open problem.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AssignProblemDto {
    /// The unit that must now solve it (its id).
    pub owner: i64,
    /// The new due date; not before today.
    #[schema(example = "2023-11-30")]
    pub due: String,
}

/// How an open problem was solved.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ResolveProblemDto {
    /// The resolution; required.
    pub resolution: String,
}

/// One unit's assignment of a target.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssignmentDto {
    /// Its id.
    pub id: i64,
    /// The unit that carries it.
    pub unit: UnitRefDto,
    /// `lead` (牵头) or `partner` (配合, or a regional share when it has a quota).
    pub role: &'static str,
    /// The unit's share of the target, as an exact decimal string.
    pub quota: Option<String>,
    /// Funds budgeted for it, in 元.
    pub budget: Option<String>,
}

/// A target and who carries it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TargetAssignmentsDto {
    /// The target.
    pub target: TargetDto,
    /// Its assignments, lead first.
    pub assignments: Vec<AssignmentDto>,
    /// Σ of the regional quotas, for a count split over regions.
    pub quota_sum: Option<String>,
}

impl From<&TargetAssignments> for TargetAssignmentsDto {
    fn from(t: &TargetAssignments) -> Self {
        TargetAssignmentsDto {
            target: TargetDto::from(&t.target),
            assignments: t
                .assignments
                .iter()
                .map(|(a, u)| AssignmentDto {
                    id: a.id.0,
                    unit: UnitRefDto {
                        id: u.id.0,
                        name: u.name.clone(),
                    },
                    role: a.role.code(),
                    quota: a.quota.map(dec),
                    budget: a.budget.map(dec),
                })
                .collect(),
            quota_sum: t.quota_sum.map(dec),
        }
    }
}

/// Who carries a target: its lead, partners and regional shares. Replaces what was there;
/// a unit left out is removed if it has filed nothing.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DecompositionDto {
    /// The lead unit (牵头单位), by id.
    pub lead: i64,
    /// Funds budgeted for the lead's own work, in 元, as a decimal string.
    #[serde(default)]
    pub lead_budget: Option<String>,
    /// Partner units (配合单位) without a quota, by id.
    #[serde(default)]
    pub partners: Vec<i64>,
    /// The regional shares; their quotas must add up to the target (or stay within its cap,
    /// or its tolerance), or, for a rate, each be at least as strict.
    #[serde(default)]
    pub shares: Vec<ShareDto>,
}

/// A region's share of a target.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ShareDto {
    /// The region, by id.
    pub unit: i64,
    /// Its quota, in the target's unit, as a decimal string.
    #[schema(example = "25000")]
    pub quota: String,
    /// Funds budgeted for it, in 元, as a decimal string.
    #[serde(default)]
    pub budget: Option<String>,
}

/// An assignment's schedule (进度安排).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ScheduleDto {
    /// Linear over the plan year (序时进度), the default.
    Linear,
    /// Cumulative values expected by the end of given periods.
    Points {
        /// The points, any order.
        points: Vec<SchedulePointDto>,
    },
    /// Dated milestones, each a value or a stage.
    Milestones {
        /// The milestones, any order.
        milestones: Vec<MilestoneDto>,
    },
}

/// A cumulative value expected by the end of a period.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SchedulePointDto {
    /// The period: `2023-06`, `2023-Q2`, `2023-H1`, `2023`.
    #[schema(example = "2023-06")]
    pub period: String,
    /// The cumulative value expected by its end, as a decimal string.
    pub expected: String,
}

/// A dated milestone: a value or a stage to reach by a day.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MilestoneDto {
    /// The day it is due by.
    #[schema(example = "2023-06-30")]
    pub due: String,
    /// What it is, in the plan's words (6月底前完成招标).
    pub name: String,
    /// The value to reach, as a decimal string; or
    #[serde(default)]
    pub value: Option<String>,
    /// the stage to reach: `not_started`, `in_progress`, `done`.
    #[serde(default)]
    pub stage: Option<String>,
}

/// An assignment's schedule as set.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssignmentScheduleDto {
    /// The assignment.
    pub assignment_id: i64,
    /// Its schedule.
    pub schedule: ScheduleDto,
}
