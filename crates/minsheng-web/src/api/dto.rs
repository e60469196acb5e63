//! The JSON shapes of the public API — defined here and nowhere else. Exact numbers (target
//! values, sums, scores) are decimal strings ("230000", "0.4739"), never floats; dates are
//! ISO-8601 (`2023-12-31`); periods are codes (`2023-06`, `2023-Q2`, `2023-H1`, `2023`).

use minsheng_app::queries::PlanOutline;
use minsheng_app::rollup::Dashboard;
use minsheng_app::tracking::{TargetTracking, Tracking};
use minsheng_domain::{Plan, Target};
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;

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

/// How many of something are in each status.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatusCountsDto {
    /// 已完成.
    pub done: usize,
    /// 正常推进.
    pub on_track: usize,
    /// 滞后 (10–30 points behind 序时进度).
    pub lagging: usize,
    /// 严重滞后 (more than 30 points behind, or a cap exceeded).
    pub at_risk: usize,
    /// 未报送.
    pub not_reported: usize,
}

impl From<&minsheng_domain::StatusCounts> for StatusCountsDto {
    fn from(c: &minsheng_domain::StatusCounts) -> Self {
        StatusCountsDto {
            done: c.done,
            on_track: c.on_track,
            lagging: c.lagging,
            at_risk: c.at_risk,
            not_reported: c.not_reported,
        }
    }
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
    /// `done`, `on_track`, `lagging`, `at_risk` or `not_reported`.
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
            targets: t.targets.iter().map(TargetTrackingDto::from).collect(),
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
    /// A stable code: `not_found`, `bad_request`, `internal`.
    pub code: &'static str,
    /// What was wrong, Chinese first.
    pub detail: String,
}
