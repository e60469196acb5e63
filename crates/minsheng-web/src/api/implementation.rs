//! Implementation plans (实施方案) over JSON: a share's plan with its revisions, the unit's save
//! or submit, the office's approve and return. Every handler calls the use-case the pages call
//! ([`minsheng_app::implementation`]), so who may do what, and every rule of a plan, is
//! decided once.

use super::dto::{
    ErrorsDto, ImplementationFileDto, ImplementationInputDto, ImplementationPlanDto,
    ReturnReportDto,
};
use super::{ApiError, JsonBody, invalid, path_id};
use crate::AppState;
use crate::auth::Chrome;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use minsheng_app::AppError;
use minsheng_app::decomposition::ScheduleInput;
use minsheng_app::implementation::{self, SaveAs};
use minsheng_app::reporting::Decision;
use minsheng_domain::{
    AssignmentId, Fund, FundSource, ImplementationContent, ImplementationPlanId, SubShare, UnitId,
};
use rust_decimal::Decimal;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The routes of implementation plans.
pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_plan_file, post_plan))
        .routes(routes!(approve_plan))
        .routes(routes!(return_plan))
}

fn decimal(field: &str, s: &str) -> Result<Decimal, ApiError> {
    minsheng_domain::quantity::read_plain_decimal(s.trim())
        .map_err(|e| invalid(field, format!("“{s}”:{e}")))
}

fn content_of(body: &ImplementationInputDto) -> Result<ImplementationContent, ApiError> {
    let (points, milestones) = match body.schedule.as_ref().map(|s| s.to_domain()).transpose()? {
        None | Some(ScheduleInput::Linear) => (Vec::new(), Vec::new()),
        Some(ScheduleInput::Points(p)) => (p, Vec::new()),
        Some(ScheduleInput::Milestones(m)) => (Vec::new(), m),
    };
    let sub_split = body
        .sub_split
        .iter()
        .map(|s| {
            Ok(SubShare {
                unit: UnitId(s.unit),
                quota: s
                    .quota
                    .as_deref()
                    .map(|q| decimal("sub_split", q))
                    .transpose()?,
                budget: s
                    .budget
                    .as_deref()
                    .map(|b| decimal("sub_split", b))
                    .transpose()?,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let funds = body
        .funds
        .iter()
        .map(|f| {
            let source = FundSource::from_code(&f.source).ok_or_else(|| {
                invalid(
                    "funds",
                    format!(
                        "资金来源“{}”应为 central、provincial、local、social 或 other / the source '{}' must be central, provincial, local, social or other",
                        f.source, f.source
                    ),
                )
            })?;
            Ok(Fund {
                source,
                amount: decimal("funds", &f.amount)?,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(ImplementationContent {
        measures: body.measures.trim().to_string(),
        points,
        milestones,
        sub_split,
        funds,
    })
}

/// A share's implementation plan with every revision, for anyone who sees the unit.
#[utoipa::path(get, path = "/api/assignments/{id}/implementation-plan", tag = "implementation",
    params(("id" = i64, Path, description = "assignment id")),
    security(("session" = [])),
    responses((status = 200, body = ImplementationFileDto), (status = 401, body = ErrorsDto),
        (status = 403, body = ErrorsDto), (status = 404, body = ErrorsDto),
        (status = 500, body = ErrorsDto, description = "内部错误(附报告编号) / internal error, with a report id")))]
pub(crate) async fn get_plan_file(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
) -> Result<Json<ImplementationFileDto>, ApiError> {
    let me = chrome.account()?;
    let assignment: AssignmentId = path_id(&id)?;
    let file = implementation::view(&st.store, me, assignment).await?;
    Ok(Json(ImplementationFileDto::of(&file)))
}

/// Saves the signed-in unit's implementation plan for a share as a draft, or submits it
/// (`submit`): the draft is rewritten, or a new revision follows a returned or approved one;
/// refused while a revision awaits approval (409). Every rule of the plan names its field
/// (`measures`, `schedule`, `sub_split`, `funds`) with 422; nothing is saved then.
#[utoipa::path(post, path = "/api/assignments/{id}/implementation-plan", tag = "implementation",
    params(("id" = i64, Path, description = "assignment id")),
    request_body = ImplementationInputDto,
    security(("session" = [])),
    responses((status = 201, body = ImplementationPlanDto,
            headers(("location" = String, description = "/api/assignments/{id}/implementation-plan"))),
        (status = 401, body = ErrorsDto), (status = 403, body = ErrorsDto),
        (status = 404, body = ErrorsDto), (status = 409, body = ErrorsDto),
        (status = 422, body = ErrorsDto),
        (status = 400, body = ErrorsDto, description = "请求体不是 JSON / the body is not JSON"),
        (status = 413, body = ErrorsDto, description = "请求体过大 / the body is too large"),
        (status = 500, body = ErrorsDto, description = "内部错误(附报告编号) / internal error, with a report id")))]
pub(crate) async fn post_plan(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ImplementationInputDto>,
) -> Result<Response, ApiError> {
    let me = chrome.account()?;
    let assignment: AssignmentId = path_id(&id)?;
    // Who may file is checked before the body's rules are.
    implementation::form(&st.store, me, assignment).await?;
    let content = content_of(&body)?;
    let save_as = if body.submit {
        SaveAs::Submitted
    } else {
        SaveAs::Draft
    };
    let plan = implementation::save(&st.store, me, assignment, &content, save_as).await?;
    let saved = st
        .store
        .implementation_plan(plan)
        .await
        .map_err(AppError::from)?;
    Ok((
        StatusCode::CREATED,
        [(
            header::LOCATION,
            format!("/api/assignments/{assignment}/implementation-plan"),
        )],
        Json(ImplementationPlanDto::of(&saved)),
    )
        .into_response())
}

async fn decide(
    st: &AppState,
    chrome: &Chrome,
    id: &str,
    decision: Decision,
) -> Result<Json<ImplementationPlanDto>, ApiError> {
    let me = chrome.account()?;
    let plan: ImplementationPlanId = path_id(id)?;
    implementation::review(&st.store, me, plan, &decision).await?;
    let now = st
        .store
        .implementation_plan(plan)
        .await
        .map_err(AppError::from)?;
    Ok(Json(ImplementationPlanDto::of(&now)))
}

/// Approves a submitted implementation plan: its schedule becomes the share's. The office
/// only; a plan not awaiting approval is 409.
#[utoipa::path(post, path = "/api/implementation-plans/{id}/approve", tag = "implementation",
    params(("id" = i64, Path, description = "implementation plan id (one revision)")),
    security(("session" = [])),
    responses((status = 200, body = ImplementationPlanDto), (status = 401, body = ErrorsDto),
        (status = 403, body = ErrorsDto), (status = 404, body = ErrorsDto),
        (status = 409, body = ErrorsDto),
        (status = 500, body = ErrorsDto, description = "内部错误(附报告编号) / internal error, with a report id")))]
pub(crate) async fn approve_plan(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
) -> Result<Json<ImplementationPlanDto>, ApiError> {
    decide(&st, &chrome, &id, Decision::Accept).await
}

/// Returns a submitted implementation plan to its unit with a reason (required: field
/// `reason`). The office only; a plan not awaiting approval is 409.
#[utoipa::path(post, path = "/api/implementation-plans/{id}/return", tag = "implementation",
    params(("id" = i64, Path, description = "implementation plan id (one revision)")),
    request_body = ReturnReportDto,
    security(("session" = [])),
    responses((status = 200, body = ImplementationPlanDto), (status = 401, body = ErrorsDto),
        (status = 403, body = ErrorsDto), (status = 404, body = ErrorsDto),
        (status = 409, body = ErrorsDto), (status = 422, body = ErrorsDto),
        (status = 400, body = ErrorsDto, description = "请求体不是 JSON / the body is not JSON"),
        (status = 413, body = ErrorsDto, description = "请求体过大 / the body is too large"),
        (status = 500, body = ErrorsDto, description = "内部错误(附报告编号) / internal error, with a report id")))]
pub(crate) async fn return_plan(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ReturnReportDto>,
) -> Result<Json<ImplementationPlanDto>, ApiError> {
    decide(&st, &chrome, &id, Decision::Return(body.reason)).await
}
