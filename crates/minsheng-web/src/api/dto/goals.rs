//! The JSON shapes of multi-year goals (中长期目标): a plan's goals with their paths, reported
//! values, status and forecast, and a path as the office sets it.

use minsheng_app::goals::{GoalView, GoalsView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

fn dec(d: rust_decimal::Decimal) -> String {
    d.normalize().to_string()
}

/// A point of a path: the value expected by the end of a year or a quarter.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PathPointDto {
    /// A year (`2024`) or a quarter (`2024-Q2`).
    #[schema(example = "2024-Q2")]
    pub period: String,
    /// The value, a decimal string in the target's unit.
    #[schema(example = "9500")]
    pub value: String,
}

/// A goal's path as the office sets it.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SetPathDto {
    /// The revision the office read (`revision` of the goal): a change made since is a 409.
    pub revision: i64,
    /// `linear` (from the base to the target) or `points` (through `points`, then to the target).
    pub kind: String,
    /// `yearly` or `quarterly`.
    pub frequency: String,
    /// The base year, with `base_value`; both or neither.
    #[serde(default)]
    pub base_year: Option<i16>,
    /// The value at the base year, a decimal string in the target's unit.
    #[serde(default)]
    pub base_value: Option<String>,
    /// The points of a `points` path, in order.
    #[serde(default)]
    pub points: Vec<PathPointDto>,
}

/// What a change of path left.
#[derive(Debug, Serialize, ToSchema)]
pub struct PathSetDto {
    /// The goal's target.
    pub target: i64,
    /// Its new revision.
    pub revision: i64,
}

/// The path's expected value at one period.
#[derive(Debug, Serialize, ToSchema)]
pub struct PathLineDto {
    /// The period.
    pub period: String,
    /// The value expected by its end; null beyond what can be computed.
    pub expected: Option<String>,
}

/// A value reported and accepted for a period.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportedDto {
    /// The period.
    pub period: String,
    /// The value.
    pub value: String,
    /// The value the path expects by its end.
    pub expected: Option<String>,
    /// The status against the path at that period (`on_track`, `lagging`, …).
    pub status: String,
}

/// The forecast at the deadline.
#[derive(Debug, Serialize, ToSchema)]
pub struct GoalForecastDto {
    /// The value forecast at the deadline.
    pub value: String,
    /// Whether it meets the target.
    pub meets: bool,
}

/// One multi-year goal.
#[derive(Debug, Serialize, ToSchema)]
pub struct GoalDto {
    /// Its target.
    pub target: i64,
    /// The goal it is part of (其中 …).
    pub parent: Option<i64>,
    /// What it measures.
    pub subject: String,
    /// The clause that states it.
    pub phrase: String,
    /// The target value, a decimal string.
    pub value: String,
    /// Its unit.
    pub unit: String,
    /// `ge`, `le`, `approx`, `eq`.
    pub cmp: String,
    /// When it is due.
    pub deadline: String,
    /// The base year, when known.
    pub base_year: Option<i16>,
    /// The value at the base year.
    pub base_value: Option<String>,
    /// `linear` or `points`.
    pub path_kind: String,
    /// `yearly` or `quarterly`.
    pub frequency: String,
    /// The office's points.
    pub points: Vec<PathPointDto>,
    /// The revision a change of path names.
    pub revision: i64,
    /// The path's expected value at each period of its frequency.
    pub path: Vec<PathLineDto>,
    /// What was reported and accepted, by period.
    pub reported: Vec<ReportedDto>,
    /// The status at the latest reported period.
    pub status: String,
    /// The light: `green`, `yellow`, `red`, `grey`.
    pub colour: String,
    /// How far ahead of the path at the latest report, in points of the target (negative:
    /// behind).
    pub gap: Option<String>,
    /// The forecast at the deadline, once anything is reported.
    pub forecast: Option<GoalForecastDto>,
    /// Reports filed and awaiting review.
    pub awaiting: usize,
    /// The assignment reports are filed on.
    pub assignment: Option<i64>,
}

/// A multi-year plan's goals.
#[derive(Debug, Serialize, ToSchema)]
pub struct GoalsDto {
    /// The plan.
    pub plan: i64,
    /// Its title.
    pub title: String,
    /// Its first year.
    pub start_year: i16,
    /// The last year of its goals.
    pub end_year: i16,
    /// Its goals, each parent followed by its parts.
    pub goals: Vec<GoalDto>,
}

impl From<&GoalView> for GoalDto {
    fn from(g: &GoalView) -> Self {
        GoalDto {
            target: g.target.id.0,
            parent: g.stored.parent.map(|p| p.0),
            subject: g.subject.clone(),
            phrase: g.target.phrase.clone(),
            value: dec(g.target.quantity.value),
            unit: g.target.quantity.unit.clone(),
            cmp: g.target.cmp.code().into(),
            deadline: g.target.deadline.to_string(),
            base_year: g.path.base().map(|b| b.year),
            base_value: g.path.base().map(|b| dec(b.value)),
            path_kind: g.path.kind().code().into(),
            frequency: g.path.frequency().code().into(),
            points: g
                .path
                .points()
                .iter()
                .map(|p| PathPointDto {
                    period: p.period.to_string(),
                    value: dec(p.value),
                })
                .collect(),
            revision: g.stored.revision,
            path: g
                .line
                .iter()
                .map(|(p, e)| PathLineDto {
                    period: p.to_string(),
                    expected: e.map(dec),
                })
                .collect(),
            reported: g
                .reported
                .iter()
                .map(|r| ReportedDto {
                    period: r.period.to_string(),
                    value: dec(r.value),
                    expected: r.expected.map(dec),
                    status: r.status.code().into(),
                })
                .collect(),
            status: g.status.code().into(),
            colour: g.status.colour().code().into(),
            gap: g.gap.map(|x| dec(x.round_dp(2))),
            forecast: g.forecast.map(|f| GoalForecastDto {
                value: dec(f.value),
                meets: f.meets,
            }),
            awaiting: g.awaiting,
            assignment: g.reporter.as_ref().map(|(a, _)| a.0),
        }
    }
}

impl From<&GoalsView> for GoalsDto {
    fn from(v: &GoalsView) -> Self {
        GoalsDto {
            plan: v.plan.id.0,
            title: v.plan.title.clone(),
            start_year: v.plan.year,
            end_year: v.end_year,
            goals: v.goals.iter().map(GoalDto::from).collect(),
        }
    }
}
