//! The JSON shapes of major projects (重大项目调度): a project as the API lists it, and the
//! OC4IDS 0.9.4 project package a `major_projects` plan is exported as
//! (`/api/plans/{id}/oc4ids.json`, checked against the published schema in a test).
//!
//! OC4IDS mapping: `id` is `minsheng-project-{item}` (or the 项目代码 when given), `status`
//! from the project's stage (planned/preparation → `preparation`, under construction →
//! `implementation`, completed or producing → `completion`); `budget.amount` is 总投资 in CNY
//! with `budgetBreakdowns` — before this year and this year's plan; each milestone with its
//! `dueDate` (planned), `dateMet` (actual) and `status` (`met`, `notMet` once overdue,
//! `scheduled`); `metrics` `financialProgress` (investment completed this year, in CNY) and
//! `physicalProgress` (the latest accepted 形象进度 and the stage); the responsible unit as
//! `publicAuthority` and in `parties` with the owner (`payer`); the region as a location.

use minsheng_app::projects::ProjectLine;
use minsheng_domain::project::{MilestoneKind, MilestoneStatus, ProjectStage};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;
use utoipa::ToSchema;

/// A project as the API lists it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectDto {
    /// The project (its plan item's id).
    pub id: i64,
    /// Its name.
    pub name: String,
    /// 项目代码, when known.
    pub code: Option<String>,
    /// 业主单位.
    pub owner: String,
    /// The responsible unit's id.
    pub responsible: i64,
    /// The region's id.
    pub region: i64,
    /// The industry, a 门类 letter of GB/T 4754-2017.
    pub industry: String,
    /// 总投资, 元, as exact decimal text.
    pub total_investment: String,
    /// Planned this year, 元.
    pub planned: String,
    /// Expected by the period, 元.
    pub expected: String,
    /// Completed this year by the period, 元 (accepted reports).
    pub completed: String,
    /// `planned`, `preparation`, `construction`, `registered`, `completed`, `operating`,
    /// `full_capacity`.
    pub stage: String,
    /// `green`, `yellow`, `red` or `grey`.
    pub light: String,
    /// Each milestone, in stage order.
    pub milestones: Vec<ProjectMilestoneDto>,
}

/// One milestone of a project.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectMilestoneDto {
    /// `signed`, `started`, `registered`, `completed`, `production`, `full_production`.
    pub kind: String,
    /// Planned date.
    pub planned: Option<String>,
    /// Date met.
    pub actual: Option<String>,
    /// Forecast date, for one not met.
    pub forecast: Option<String>,
    /// `met`, `met_late`, `missed`, `due`, `at_risk`, `pending`, `unplanned`.
    pub status: String,
}

fn dec(v: Decimal) -> String {
    v.normalize().to_string()
}

impl From<&ProjectLine> for ProjectDto {
    fn from(l: &ProjectLine) -> ProjectDto {
        let p = &l.project;
        ProjectDto {
            id: p.item.0,
            name: p.name.clone(),
            code: p.code.clone(),
            owner: p.owner.clone(),
            responsible: p.responsible.0,
            region: p.region.0,
            industry: p.industry.code(),
            total_investment: dec(p.total_investment),
            planned: dec(l.figures.planned),
            expected: dec(l.figures.expected),
            completed: dec(l.figures.completed),
            stage: l.state.stage.code().into(),
            light: l.state.light.code().into(),
            milestones: l
                .state
                .milestones
                .iter()
                .map(|m| ProjectMilestoneDto {
                    kind: m.milestone.kind.code().into(),
                    planned: m.milestone.planned.map(|d| d.to_string()),
                    actual: m.milestone.actual.map(|d| d.to_string()),
                    forecast: m.forecast.map(|d| d.to_string()),
                    status: m.status.code().into(),
                })
                .collect(),
        }
    }
}

/// An OC4IDS project package.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Oc4idsPackage {
    /// Where the package is published.
    pub uri: String,
    /// When.
    pub published_date: String,
    /// The OC4IDS version.
    pub version: String,
    /// Who publishes it.
    pub publisher: Oc4idsPublisher,
    /// The projects.
    #[schema(value_type = Vec<Object>)]
    pub projects: Vec<serde_json::Value>,
}

/// The publisher of a package.
#[derive(Debug, Serialize, ToSchema)]
pub struct Oc4idsPublisher {
    /// Its name.
    pub name: String,
}

fn date_time(d: jiff::civil::Date) -> String {
    format!("{d}T00:00:00+08:00")
}

fn cny(v: Decimal) -> serde_json::Value {
    serde_json::json!({ "amount": v.to_f64().unwrap_or(0.0), "currency": "CNY" })
}

/// One project in OC4IDS's project schema. `progress` is the latest accepted 形象进度, `plan`
/// the plan's year, `region` and `responsible` the units' names.
pub struct Oc4idsProject<'a> {
    /// The project's line.
    pub line: &'a ProjectLine,
    /// The plan's year.
    pub year: i16,
    /// The latest accepted 形象进度, if any.
    pub progress: Option<String>,
    /// The period the figures are at (its last day).
    pub at: jiff::civil::Date,
    /// The region's name.
    pub region: String,
    /// The responsible unit's name.
    pub responsible: String,
}

impl Oc4idsProject<'_> {
    /// The project as OC4IDS writes it.
    pub fn to_json(&self) -> serde_json::Value {
        let l = self.line;
        let p = &l.project;
        let id = p
            .code
            .clone()
            .unwrap_or_else(|| format!("minsheng-project-{}", p.item.0));
        let status = match l.state.stage {
            ProjectStage::Planned | ProjectStage::Preparation => "preparation",
            ProjectStage::Construction | ProjectStage::Registered => "implementation",
            ProjectStage::Completed | ProjectStage::Operating | ProjectStage::FullCapacity => {
                "completion"
            }
        };
        let authority = format!("minsheng-unit-{}", p.responsible.0);
        let owner = format!("minsheng-owner-{}", p.item.0);
        let milestones: Vec<serde_json::Value> = l
            .state
            .milestones
            .iter()
            .filter(|m| m.milestone.planned.is_some() || m.milestone.actual.is_some())
            .map(|m| {
                let k = m.milestone.kind;
                let status = match m.status {
                    MilestoneStatus::Met | MilestoneStatus::MetLate => "met",
                    MilestoneStatus::Missed => "notMet",
                    _ => "scheduled",
                };
                let mut o = serde_json::json!({
                    "id": k.code(),
                    "title": format!("{} / {}", k.label_zh(), k.label_en()),
                    "type": if k == MilestoneKind::Signed { "approval" } else { "delivery" },
                    "status": status,
                });
                if let Some(d) = m.milestone.planned {
                    o["dueDate"] = date_time(d).into();
                }
                if let Some(d) = m.milestone.actual {
                    o["dateMet"] = date_time(d).into();
                }
                o
            })
            .collect();
        let at = date_time(self.at);
        let start = date_time(jiff::civil::date(self.year, 1, 1));
        let mut physical = vec![serde_json::json!({
            "id": "stage",
            "period": { "startDate": start, "endDate": at },
            "measure": format!("{} / {}", l.state.stage.label_zh(), l.state.stage.label_en()),
        })];
        if let Some(text) = &self.progress {
            physical.push(serde_json::json!({
                "id": "progress",
                "period": { "startDate": start, "endDate": at },
                "measure": text,
            }));
        }
        let mut project = serde_json::json!({
            "id": id,
            "title": p.name,
            "status": status,
            "sector": [],
            "budget": {
                "amount": cny(p.total_investment),
                "budgetBreakdowns": [{
                    "id": "by-year",
                    "description": "以前年度累计完成与本年度计划投资 / completed before this year and this year's plan",
                    "budgetBreakdown": [
                        {
                            "id": "before",
                            "description": "以前年度累计完成投资 / completed in earlier years",
                            "amount": cny(p.invested_before),
                            "period": { "endDate": date_time(jiff::civil::date(self.year - 1, 12, 31)) },
                        },
                        {
                            "id": self.year.to_string(),
                            "description": "本年度计划投资 / planned this year",
                            "amount": cny(l.figures.planned),
                            "period": {
                                "startDate": start,
                                "endDate": date_time(jiff::civil::date(self.year, 12, 31)),
                            },
                        },
                    ],
                }],
            },
            "period": {
                "startDate": date_time(jiff::civil::date(p.start_year, 1, 1)),
                "endDate": date_time(jiff::civil::date(p.end_year, 12, 31)),
            },
            "publicAuthority": { "id": authority, "name": self.responsible },
            "parties": [
                { "id": authority, "name": self.responsible, "roles": ["publicAuthority"] },
                { "id": owner, "name": p.owner, "roles": ["payer"] },
            ],
            "locations": [{ "id": "region", "description": format!("{} {}", self.region, p.place) }],
            "metrics": [
                {
                    "id": "financialProgress",
                    "title": "本年度累计完成投资 / investment completed this year",
                    "observations": [
                        {
                            "id": "planned",
                            "period": { "startDate": start, "endDate": at },
                            "value": cny(l.figures.expected),
                            "notes": "序时应完成 / expected by the period",
                        },
                        {
                            "id": "actual",
                            "period": { "startDate": start, "endDate": at },
                            "value": cny(l.figures.completed),
                        },
                    ],
                },
                {
                    "id": "physicalProgress",
                    "title": "形象进度 / physical progress",
                    "observations": physical,
                },
            ],
        });
        // OC4IDS wants a non-empty sector list or none.
        if let Some(o) = project.as_object_mut() {
            o.remove("sector");
            if !milestones.is_empty() {
                o.insert("milestones".into(), milestones.into());
            }
        }
        project
    }
}

/// A new project as the office gives it (`POST /api/plans/{id}/projects`): the fields of the
/// office's form. Amounts are decimal text; a refusal names the field.
#[derive(Debug, serde::Deserialize, ToSchema)]
pub struct NewProjectDto {
    /// The project's name.
    #[schema(example = "奥迪一汽新能源汽车项目")]
    pub name: String,
    /// 项目代码, when known.
    #[serde(default)]
    pub code: Option<String>,
    /// 业主单位.
    pub owner: String,
    /// The responsible unit's id (its investment target's lead).
    pub responsible: i64,
    /// 包保领导 / 专班.
    #[serde(default)]
    pub leader: Option<String>,
    /// The id of the region it is built in.
    pub region: i64,
    /// Where, in words.
    #[serde(default)]
    pub place: String,
    /// Its industry: a 门类 letter of GB/T 4754-2017 (`C` 制造业).
    #[schema(example = "C")]
    pub industry: String,
    /// 总投资, in 元.
    #[schema(example = "35000000000")]
    pub total_investment: String,
    /// 以前年度累计完成投资, in 元.
    #[serde(default)]
    pub invested_before: Option<String>,
    /// The project's first year.
    pub start_year: i16,
    /// Its last year.
    pub end_year: i16,
    /// This year's planned investment, in 万元; absent: no investment target.
    #[serde(default)]
    #[schema(example = "1200000")]
    pub annual_investment: Option<String>,
    /// The planned investment by the end of periods of the year (cumulative, in 万元):
    /// the schedule's points; empty for 序时进度.
    #[serde(default)]
    pub schedule: Vec<SchedulePointInDto>,
    /// Its milestones.
    #[serde(default)]
    pub milestones: Vec<MilestoneInDto>,
    /// Its capacities.
    #[serde(default)]
    pub capacities: Vec<CapacityInDto>,
}

/// A schedule point of a new project's investment.
#[derive(Debug, serde::Deserialize, ToSchema)]
pub struct SchedulePointInDto {
    /// A month or quarter of the plan's year (`2023-06`, `2023-Q2`).
    pub period: String,
    /// The cumulative investment expected by its end, in 万元.
    pub value: String,
}

/// A milestone of a new project.
#[derive(Debug, serde::Deserialize, ToSchema)]
pub struct MilestoneInDto {
    /// `signed`, `started`, `registered`, `completed`, `production` or `full_production`.
    pub kind: String,
    /// The planned date.
    #[serde(default)]
    pub planned: Option<String>,
    /// The date it was met.
    #[serde(default)]
    pub actual: Option<String>,
}

/// A capacity of a new project.
#[derive(Debug, serde::Deserialize, ToSchema)]
pub struct CapacityInDto {
    /// The figure.
    pub value: String,
    /// Its unit (辆, GWh, 元).
    pub unit: String,
    /// 规划, 可达, 极限 … when the text says.
    #[serde(default)]
    pub qualifier: Option<String>,
    /// 一期, 二期 … when the text says.
    #[serde(default)]
    pub phase: Option<String>,
    /// What it measures (年产量, 产能, 年产值).
    pub what: String,
}

/// The project created.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedProjectDto {
    /// The project's id (its plan item's).
    pub id: i64,
}
