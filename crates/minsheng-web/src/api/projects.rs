//! Major projects over JSON: a plan's projects with their figures, one project, and the
//! OC4IDS export of a plan — all from [`minsheng_app::projects`]' dashboard, so the figures are
//! the pages'.

use super::dto::{ErrorsDto, Oc4idsPackage, Oc4idsProject, Oc4idsPublisher, ProjectDto};
use super::{ApiError, QueryParams, path_id};
use crate::AppState;
use crate::auth::Chrome;
use axum::Json;
use axum::extract::{Path, State};
use minsheng_app::AppError;
use minsheng_app::projects;
use minsheng_domain::{Action, ItemId, PlanId, UnitId};

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
