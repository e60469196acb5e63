//! The JSON API, described by the OpenAPI document at `/api/openapi.json`. Route and
//! documentation are declared together (utoipa-axum), so they cannot drift apart.
//!
//! This first part reads what the public may see: plans, their outlines, the tracking view
//! and the dashboard's roll-up. Reports, narratives and problems are internal and come with
//! sign-in and roles.

pub(crate) mod dto;

use crate::AppState;
use crate::error::WebError;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use dto::*;
use minsheng_app::{queries, rollup, tracking};
use minsheng_domain::{Period, PlanId};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "minsheng API",
        description = "民生实事跟踪:计划、目标、进度与汇总。/ Tracking quantified public commitments: plans, targets, progress and roll-up.",
    ),
    tags(
        (name = "plans", description = "计划与目标 / plans and their targets"),
        (name = "tracking", description = "跟踪调度 / progress, status and roll-up"),
    )
)]
struct ApiDoc;

/// An error rendered as the JSON envelope `{ "errors": [{ "code", "detail" }] }`.
pub(crate) struct ApiError(WebError);

impl<E: Into<WebError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, detail) = match self.0 {
            WebError::NotFound => (
                StatusCode::NOT_FOUND,
                "not_found",
                "不存在 / not found".to_string(),
            ),
            WebError::BadRequest(msg) => (StatusCode::BAD_REQUEST, "bad_request", msg),
            WebError::SignInRequired { .. } => (
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "请先登录 / sign in first".to_string(),
            ),
            WebError::Forbidden(msg) => (StatusCode::FORBIDDEN, "forbidden", msg),
            WebError::Internal(cause) => {
                tracing::error!(error.cause = %cause, "Internal error while serving the API: {cause}");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "服务器内部错误,已记录日志 / internal error, logged".into(),
                )
            }
        };
        (
            status,
            Json(ErrorsDto {
                errors: vec![ErrorDto { code, detail }],
            }),
        )
            .into_response()
    }
}

fn plan_id(s: &str) -> Result<PlanId, ApiError> {
    s.parse().map_err(|_| ApiError(WebError::NotFound))
}

/// Every plan, newest year first.
#[utoipa::path(get, path = "/api/plans", tag = "plans",
    responses((status = 200, body = [PlanDto])))]
async fn list_plans(State(st): State<AppState>) -> Result<Json<Vec<PlanDto>>, ApiError> {
    let plans = queries::plans(&st.store).await?;
    Ok(Json(plans.iter().map(PlanDto::from).collect()))
}

/// A plan with its sections, items and targets.
#[utoipa::path(get, path = "/api/plans/{id}", tag = "plans",
    params(("id" = i64, Path, description = "plan id")),
    responses((status = 200, body = PlanOutlineDto), (status = 404, body = ErrorsDto)))]
async fn get_plan(
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<PlanOutlineDto>, ApiError> {
    let outline = queries::plan_outline(&st.store, plan_id(&id)?).await?;
    Ok(Json(PlanOutlineDto::from(&outline)))
}

/// The period asked for.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
struct PeriodParam {
    /// 2023-06, 2023-Q2, 2023-H1, 2023, or Chinese (2023年6月, 上半年).
    period: String,
}

fn period_of(p: &str, year: i16) -> Result<Period, ApiError> {
    Period::parse_zh(p, year).map_err(|e| ApiError(WebError::BadRequest(e.to_string())))
}

/// The office's view of a plan at a period: every target's progress against 序时进度, status,
/// forecast; the ranking of units; reporting completeness.
#[utoipa::path(get, path = "/api/plans/{id}/tracking", tag = "tracking",
    params(("id" = i64, Path, description = "plan id"), PeriodParam),
    responses((status = 200, body = TrackingDto), (status = 400, body = ErrorsDto), (status = 404, body = ErrorsDto)))]
async fn get_tracking(
    State(st): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<PeriodParam>,
) -> Result<Json<TrackingDto>, ApiError> {
    let plan = queries::plan(&st.store, plan_id(&id)?).await?;
    let period = period_of(&q.period, plan.year)?;
    let t = tracking::tracking(&st.store, plan.id, period, st.today(), &st.thresholds).await?;
    Ok(Json(TrackingDto::from(&t)))
}

/// The dashboard's figures for a month across every plan, from the materialized roll-up:
/// per target, and per city-level region and section.
#[utoipa::path(get, path = "/api/dashboard", tag = "tracking",
    params(PeriodParam),
    responses((status = 200, body = DashboardDto), (status = 400, body = ErrorsDto)))]
async fn get_dashboard(
    State(st): State<AppState>,
    Query(q): Query<PeriodParam>,
) -> Result<Json<DashboardDto>, ApiError> {
    let period =
        Period::parse(&q.period).map_err(|e| ApiError(WebError::BadRequest(e.to_string())))?;
    if !matches!(period, Period::Month { .. }) {
        return Err(ApiError(WebError::BadRequest(format!(
            "汇总按月提供,请给出月份(如 2023-06) / the roll-up is monthly: give a month, not {period}"
        ))));
    }
    let d = rollup::dashboard(&st.store, period).await?;
    Ok(Json(DashboardDto::from(&d)))
}

/// The API's routes and its OpenAPI document at `/api/openapi.json`.
pub(crate) fn routes() -> axum::Router<AppState> {
    let (router, doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(list_plans))
        .routes(routes!(get_plan))
        .routes(routes!(get_tracking))
        .routes(routes!(get_dashboard))
        .split_for_parts();
    router.route(
        "/api/openapi.json",
        axum::routing::get(move || async move { Json(doc) }),
    )
}
