//! Problems (协调事项) over JSON: the same use-cases, scoping and permission checks as the
//! problems board ([`minsheng_app::board`]).

use super::dto::{AssignProblemDto, ErrorsDto, NewProblemDto, ProblemDto, ResolveProblemDto};
use super::{ApiError, JsonBody, QueryParams, invalid, path_id};
use crate::AppState;
use crate::auth::Chrome;
use crate::input::parse_due;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use minsheng_app::board::{self, StateFilter};
use minsheng_app::coordination::ProblemInput;
use minsheng_domain::{Account, ProblemId, ReportId, UnitId};

/// Which problems to list.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub(crate) struct StateParam {
    /// `open`, `overdue`, `escalated` or `resolved`; every problem when absent.
    state: Option<String>,
}

/// One problem as `me` sees it, once it has been written.
async fn seen(st: &AppState, me: &Account, id: ProblemId) -> Result<ProblemDto, ApiError> {
    let p = board::problem(&st.store, me, id, st.today()).await?;
    Ok(ProblemDto::from(&p))
}

/// The problems the caller sees: all for the office and a viewer of all; for anyone else,
/// those raised by, owned by or escalated to its unit or a unit below it.
#[utoipa::path(get, path = "/api/problems", tag = "problems",
    params(StateParam),
    security(("session" = [])),
    responses((status = 200, body = [ProblemDto]), (status = 401, body = ErrorsDto),
        (status = 422, body = ErrorsDto),
        (status = 500, body = ErrorsDto, description = "内部错误(附报告编号) / internal error, with a report id")))]
pub(crate) async fn list_problems(
    State(st): State<AppState>,
    chrome: Chrome,
    QueryParams(q): QueryParams<StateParam>,
) -> Result<Json<Vec<ProblemDto>>, ApiError> {
    let me = chrome.account()?;
    let filter = match q.state.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(StateFilter::from_code(s).ok_or_else(|| {
            invalid(
                "state",
                format!("状态“{s}”无效,可选 open、overdue、escalated、resolved / unknown state '{s}': open, overdue, escalated or resolved"),
            )
        })?),
        None => None,
    };
    let b = board::board(&st.store, me, st.today()).await?;
    Ok(Json(
        b.problems
            .iter()
            .filter(|p| filter.is_none_or(|f| p.is_in(f)))
            .map(ProblemDto::from)
            .collect(),
    ))
}

/// One problem, if the caller sees it (403 otherwise).
#[utoipa::path(get, path = "/api/problems/{id}", tag = "problems",
    params(("id" = i64, Path, description = "problem id")),
    security(("session" = [])),
    responses((status = 200, body = ProblemDto), (status = 401, body = ErrorsDto),
        (status = 403, body = ErrorsDto), (status = 404, body = ErrorsDto),
        (status = 500, body = ErrorsDto, description = "内部错误(附报告编号) / internal error, with a report id")))]
pub(crate) async fn get_problem(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
) -> Result<Json<ProblemDto>, ApiError> {
    let me = chrome.account()?;
    Ok(Json(seen(&st, me, path_id(&id)?).await?))
}

/// Raises a problem: a unit account for itself, a unit below it or the region above it; the
/// office for any unit.
#[utoipa::path(post, path = "/api/problems", tag = "problems",
    request_body = NewProblemDto,
    security(("session" = [])),
    responses((status = 201, body = ProblemDto), (status = 401, body = ErrorsDto),
        (status = 403, body = ErrorsDto), (status = 422, body = ErrorsDto),
        (status = 400, body = ErrorsDto, description = "请求体不是 JSON / the body is not JSON"),
        (status = 413, body = ErrorsDto, description = "请求体过大 / the body is too large"),
        (status = 500, body = ErrorsDto, description = "内部错误(附报告编号) / internal error, with a report id")))]
pub(crate) async fn raise_problem(
    State(st): State<AppState>,
    chrome: Chrome,
    JsonBody(body): JsonBody<NewProblemDto>,
) -> Result<(StatusCode, Json<ProblemDto>), ApiError> {
    let me = chrome.account()?;
    board::ensure_may_raise(me)?;
    let input = ProblemInput {
        title: body.title,
        description: body.description,
        owner: UnitId(body.owner),
        due: parse_due(&body.due, chrome.lang).map_err(|e| invalid("due", e))?,
        report: body.report.map(ReportId),
    };
    let id = board::raise(&st.store, me, &input, st.today()).await?;
    Ok((StatusCode::CREATED, Json(seen(&st, me, id).await?)))
}

/// Gives an open problem a new owner and due date: the office, or a region above the owner.
#[utoipa::path(post, path = "/api/problems/{id}/assign", tag = "problems",
    params(("id" = i64, Path, description = "problem id")),
    request_body = AssignProblemDto,
    security(("session" = [])),
    responses((status = 200, body = ProblemDto), (status = 401, body = ErrorsDto),
        (status = 403, body = ErrorsDto), (status = 404, body = ErrorsDto),
        (status = 422, body = ErrorsDto),
        (status = 400, body = ErrorsDto, description = "请求体不是 JSON / the body is not JSON"),
        (status = 413, body = ErrorsDto, description = "请求体过大 / the body is too large"),
        (status = 500, body = ErrorsDto, description = "内部错误(附报告编号) / internal error, with a report id")))]
pub(crate) async fn assign_problem(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<AssignProblemDto>,
) -> Result<Json<ProblemDto>, ApiError> {
    let me = chrome.account()?;
    let id: ProblemId = path_id(&id)?;
    board::ensure_may_assign(&st.store, me, id).await?;
    let due = parse_due(&body.due, chrome.lang).map_err(|e| invalid("due", e))?;
    board::assign(&st.store, me, id, UnitId(body.owner), due, st.today()).await?;
    Ok(Json(seen(&st, me, id).await?))
}

/// Resolves an open problem with a written resolution: the office, or the owner (or a unit
/// above it).
#[utoipa::path(post, path = "/api/problems/{id}/resolve", tag = "problems",
    params(("id" = i64, Path, description = "problem id")),
    request_body = ResolveProblemDto,
    security(("session" = [])),
    responses((status = 200, body = ProblemDto), (status = 401, body = ErrorsDto),
        (status = 403, body = ErrorsDto), (status = 404, body = ErrorsDto),
        (status = 422, body = ErrorsDto),
        (status = 400, body = ErrorsDto, description = "请求体不是 JSON / the body is not JSON"),
        (status = 413, body = ErrorsDto, description = "请求体过大 / the body is too large"),
        (status = 500, body = ErrorsDto, description = "内部错误(附报告编号) / internal error, with a report id")))]
pub(crate) async fn resolve_problem(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ResolveProblemDto>,
) -> Result<Json<ProblemDto>, ApiError> {
    let me = chrome.account()?;
    let id: ProblemId = path_id(&id)?;
    board::resolve(&st.store, me, id, &body.resolution).await?;
    Ok(Json(seen(&st, me, id).await?))
}
