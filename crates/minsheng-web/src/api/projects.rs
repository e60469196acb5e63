//! Major projects over JSON: a plan's projects with their figures, one project, and the
//! OC4IDS export of a plan — all from [`minsheng_app::projects`]' dashboard, so the figures are
//! the pages'.

use super::dto::{
    CreatedProjectDto, ErrorsDto, NewProjectDto, Oc4idsPackage, Oc4idsProject, Oc4idsPublisher,
    ProjectDto,
};
use super::{ApiError, JsonBody, QueryParams, path_id};
use crate::AppState;
use crate::auth::Chrome;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use minsheng_app::AppError;
use minsheng_app::projects;
use minsheng_app::projects::{Capacity, NewProject};
use minsheng_domain::Period;
use minsheng_domain::project::{MilestoneKind, ProjectMilestone};
use minsheng_domain::{Action, ItemId, PlanId, UnitId};
use rust_decimal::Decimal;

/// The period asked for (`?period=2023-06`), or the default month.
#[derive(Debug, serde::Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
pub(crate) struct ProjectPeriod {
    /// A month of the plan's year (`2023-06`); the latest month due when absent.
    period: Option<String>,
}

/// A major-projects plan's projects with their figures at the period (the dashboard's).
#[utoipa::path(get, path = "/api/plans/{id}/projects", tag = "projects",
    params(("id" = i64, Path, description = "plan id"), ProjectPeriod),
    security(("session" = [])),
    responses((status = 200, body = Vec<ProjectDto>), (status = 401, body = ErrorsDto),
        (status = 403, body = ErrorsDto), (status = 404, body = ErrorsDto),
        (status = 422, body = ErrorsDto, description = "不是重大项目计划,或期间、查询参数有误 / not a major-projects plan, or a bad period or query"),
                (status = 500, body = ErrorsDto, description = "内部错误(附报告编号) / internal error, with a report id")))]
pub(crate) async fn list_projects(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    QueryParams(q): QueryParams<ProjectPeriod>,
) -> Result<Json<Vec<ProjectDto>>, ApiError> {
    let me = chrome.may(Action::ViewDashboard)?.clone();
    let plan: PlanId = path_id(&id)?;
    let d = projects::dashboard(&st.store, &me, plan, q.period.as_deref(), st.today()).await?;
    Ok(Json(d.lines.iter().map(ProjectDto::from).collect()))
}

/// One project with its figures at the period.
#[utoipa::path(get, path = "/api/projects/{id}", tag = "projects",
    params(("id" = i64, Path, description = "project (plan item) id"), ProjectPeriod),
    security(("session" = [])),
    responses((status = 200, body = ProjectDto), (status = 401, body = ErrorsDto),
        (status = 403, body = ErrorsDto), (status = 404, body = ErrorsDto),
        (status = 422, body = ErrorsDto, description = "期间或查询参数有误 / a bad period or query"),
                (status = 500, body = ErrorsDto, description = "内部错误(附报告编号) / internal error, with a report id")))]
pub(crate) async fn get_project(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    QueryParams(q): QueryParams<ProjectPeriod>,
) -> Result<Json<ProjectDto>, ApiError> {
    let me = chrome.may(Action::ViewPlans)?.clone();
    let item: ItemId = path_id(&id)?;
    let p = projects::page(&st.store, &me, item, q.period.as_deref(), st.today()).await?;
    Ok(Json(ProjectDto::from(&p.line)))
}

/// A major-projects plan as an OC4IDS 0.9.4 project package (the Open Contracting for
/// Infrastructure Data Standard): each project's budget and its breakdown by year, its
/// milestones with due and met dates, its financial and physical progress, its public
/// authority and location.
#[utoipa::path(get, path = "/api/plans/{id}/oc4ids.json", tag = "projects",
    params(("id" = i64, Path, description = "plan id"), ProjectPeriod),
    security(("session" = [])),
    responses((status = 200, body = Oc4idsPackage), (status = 401, body = ErrorsDto),
        (status = 403, body = ErrorsDto), (status = 404, body = ErrorsDto),
        (status = 422, body = ErrorsDto, description = "不是重大项目计划,或期间、查询参数有误 / not a major-projects plan, or a bad period or query"),
                (status = 500, body = ErrorsDto, description = "内部错误(附报告编号) / internal error, with a report id")))]
pub(crate) async fn oc4ids(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    QueryParams(q): QueryParams<ProjectPeriod>,
) -> Result<Json<Oc4idsPackage>, ApiError> {
    let me = chrome.may(Action::ViewDashboard)?.clone();
    let plan: PlanId = path_id(&id)?;
    let d = projects::dashboard(&st.store, &me, plan, q.period.as_deref(), st.today()).await?;
    let progress = projects::latest_progress(&st.store, &d).await?;
    let tree = st.store.unit_tree().await.map_err(AppError::from)?;
    let name = |u: UnitId| {
        tree.get(u)
            .map_or_else(|| u.to_string(), |u| u.name.clone())
    };
    let projects = d
        .lines
        .iter()
        .map(|l| {
            Oc4idsProject {
                line: l,
                year: d.plan.year,
                progress: progress.get(&l.project.item).cloned(),
                at: d.period.last_day(),
                region: name(l.project.region),
                responsible: name(l.project.responsible),
            }
            .to_json()
        })
        .collect();
    Ok(Json(Oc4idsPackage {
        // A URI that needs no host name (the server does not know under which it is seen).
        uri: format!("urn:minsheng:plan:{}:oc4ids", d.plan.id),
        published_date: minsheng_app::clock::in_beijing(st.store.now())
            .strftime("%Y-%m-%dT%H:%M:%S%:z")
            .to_string(),
        version: "0.9".into(),
        publisher: Oc4idsPublisher {
            name: name(d.plan.owner),
        },
        projects,
    }))
}

/// A decimal the request sent, or the refusal naming its field.
fn decimal(field: &str, text: &str) -> Result<Decimal, ApiError> {
    minsheng_domain::quantity::read_plain_decimal(text.trim()).map_err(|_| {
        invalid(
            field,
            format!("“{text}”不是数字 / '{text}' is not a number"),
        )
    })
}

fn invalid(field: &str, reason: String) -> ApiError {
    ApiError::from(AppError::Invalid {
        field: field.to_string(),
        reason,
    })
}

fn date_of(field: &str, text: Option<&str>) -> Result<Option<jiff::civil::Date>, ApiError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => t.parse().map(Some).map_err(|_| {
            invalid(
                field,
                format!("“{t}”不是日期(YYYY-MM-DD) / '{t}' is not a date (YYYY-MM-DD)"),
            )
        }),
    }
}

/// The office's input from the request, every field read or refused by name.
fn new_project(b: NewProjectDto) -> Result<NewProject, ApiError> {
    let mut schedule = Vec::new();
    for (i, p) in b.schedule.iter().enumerate() {
        let period = Period::parse(p.period.trim())
            .map_err(|e| invalid(&format!("schedule[{i}].period"), e.to_string()))?;
        schedule.push((period, decimal(&format!("schedule[{i}].value"), &p.value)?));
    }
    let mut milestones = Vec::new();
    for (i, m) in b.milestones.iter().enumerate() {
        let kind = MilestoneKind::from_code(m.kind.trim()).ok_or_else(|| {
            invalid(
                &format!("milestones[{i}].kind"),
                format!(
                    "未知的项目节点“{}” / unknown milestone '{}'",
                    m.kind, m.kind
                ),
            )
        })?;
        milestones.push(ProjectMilestone {
            kind,
            planned: date_of(&format!("milestones[{i}].planned"), m.planned.as_deref())?,
            actual: date_of(&format!("milestones[{i}].actual"), m.actual.as_deref())?,
        });
    }
    let mut capacities = Vec::new();
    for (i, c) in b.capacities.iter().enumerate() {
        capacities.push(Capacity {
            value: decimal(&format!("capacities[{i}].value"), &c.value)?,
            unit: c.unit.trim().to_string(),
            qualifier: c.qualifier.clone().filter(|q| !q.trim().is_empty()),
            phase: c.phase.clone().filter(|p| !p.trim().is_empty()),
            what: c.what.trim().to_string(),
        });
    }
    Ok(NewProject {
        name: b.name.trim().to_string(),
        code: b.code.filter(|c| !c.trim().is_empty()),
        owner: b.owner.trim().to_string(),
        responsible: UnitId(b.responsible),
        leader: b.leader.filter(|l| !l.trim().is_empty()),
        region: UnitId(b.region),
        place: b.place.trim().to_string(),
        industry: b.industry.trim().to_string(),
        total_investment: decimal("total_investment", &b.total_investment)?,
        invested_before: match b.invested_before.as_deref() {
            Some(t) if !t.trim().is_empty() => decimal("invested_before", t)?,
            _ => Decimal::ZERO,
        },
        start_year: b.start_year,
        end_year: b.end_year,
        annual_investment: match b.annual_investment.as_deref() {
            Some(t) if !t.trim().is_empty() => Some(decimal("annual_investment", t)?),
            _ => None,
        },
        investment_unit: "万元".into(),
        schedule,
        milestones,
        capacities,
    })
}

/// Creates a project in a major-projects plan for the office, as its form does: the item,
/// its investment target assigned to the responsible unit with the schedule's points, its
/// capacities, record and milestones, in one transaction. Every refusal names its field;
/// nothing is saved.
#[utoipa::path(post, path = "/api/plans/{id}/projects", tag = "projects",
    params(("id" = i64, Path, description = "plan id")),
    request_body = NewProjectDto,
    security(("session" = [])),
    responses((status = 201, body = CreatedProjectDto,
            headers(("location" = String, description = "/api/projects/{id} of the project"))),
        (status = 401, body = ErrorsDto), (status = 403, body = ErrorsDto),
        (status = 404, body = ErrorsDto),
        (status = 409, body = ErrorsDto, description = "计划已关闭 / the plan is closed"),
        (status = 422, body = ErrorsDto, description = "不是重大项目计划,或某一字段有误(字段名) / not a major-projects plan, or a field (named) is wrong"),
        (status = 400, body = ErrorsDto, description = "请求体不是 JSON / the body is not JSON"),
        (status = 413, body = ErrorsDto, description = "请求体过大 / the body is too large"),
        (status = 500, body = ErrorsDto, description = "内部错误(附报告编号) / internal error, with a report id")))]
pub(crate) async fn create_project(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<NewProjectDto>,
) -> Result<Response, ApiError> {
    let me = chrome.may(Action::EditPlan)?.clone();
    let plan: PlanId = path_id(&id)?;
    let input = new_project(body)?;
    let item = projects::create(&st.store, &me, plan, &input, st.today()).await?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/api/projects/{item}"))],
        Json(CreatedProjectDto { id: item.0 }),
    )
        .into_response())
}
