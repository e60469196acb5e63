//! Multi-year goals (中长期目标) over JSON: a plan's goals with path, reported values, status
//! and forecast, and the office's change of a goal's path — through the use-cases the pages
//! call ([`minsheng_app::goals`]), so every rule is decided once.

use super::dto::{ErrorsDto, GoalsDto, PathSetDto, SetPathDto};
use super::{ApiError, JsonBody, invalid, path_id};
use crate::AppState;
use crate::auth::Chrome;
use axum::Json;
use axum::extract::{Path, State};
use minsheng_app::goals;
use minsheng_domain::path::{Base, Frequency, PathInput, PathKind, PathPoint};
use minsheng_domain::quantity::read_plain_decimal;
use minsheng_domain::{Action, Period, PlanId, TargetId};

/// A multi-year plan's goals, each parent followed by its parts: the path (its expected value
/// by year or quarter), what was reported and accepted, the status against the path at the
/// latest report and the forecast at the deadline. A plan that is not a multi-year plan is 404.
#[utoipa::path(get, path = "/api/plans/{id}/goals", tag = "plans",
    params(("id" = i64, Path, description = "plan id")),
    security(("session" = [])),
    responses((status = 200, body = GoalsDto), (status = 401, body = ErrorsDto),
        (status = 403, body = ErrorsDto), (status = 404, body = ErrorsDto),
        (status = 500, body = ErrorsDto, description = "内部错误(附报告编号) / internal error, with a report id")))]
pub(crate) async fn get_goals(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
) -> Result<Json<GoalsDto>, ApiError> {
    let me = chrome.may(Action::ViewPlans)?;
    let plan: PlanId = path_id(&id)?;
    let v = goals::view(&st.store, me, plan).await?;
    Ok(Json(GoalsDto::from(&v)))
}

/// Sets a goal's path: linear or points, the base, the reporting frequency; checked against the
/// goal (a point after the deadline or before the base year, points out of order, a month —
/// 422 naming the field, nothing written); a path changed since `revision` is 409. The office
/// only.
#[utoipa::path(put, path = "/api/goals/{id}/path", tag = "plans",
    params(("id" = i64, Path, description = "the goal's target id")),
    request_body = SetPathDto,
    security(("session" = [])),
    responses((status = 200, body = PathSetDto), (status = 401, body = ErrorsDto),
        (status = 403, body = ErrorsDto), (status = 404, body = ErrorsDto),
        (status = 409, body = ErrorsDto, description = "路径已被他人修改 / the path was changed meanwhile"),
        (status = 422, body = ErrorsDto),
        (status = 400, body = ErrorsDto, description = "请求体不是 JSON / the body is not JSON"),
        (status = 413, body = ErrorsDto, description = "请求体过大 / the body is too large"),
        (status = 500, body = ErrorsDto, description = "内部错误(附报告编号) / internal error, with a report id")))]
pub(crate) async fn put_path(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<SetPathDto>,
) -> Result<Json<PathSetDto>, ApiError> {
    let me = chrome.may(Action::Decompose)?.clone();
    let target: TargetId = path_id(&id)?;
    let (_, t, _, _) = goals::for_path(&st.store, &me, target).await?;
    let unit = t.quantity.unit.clone();
    let kind = PathKind::from_code(body.kind.trim())
        .ok_or_else(|| invalid("kind", "应为 linear 或 points / must be linear or points"))?;
    let frequency = Frequency::from_code(body.frequency.trim()).ok_or_else(|| {
        invalid(
            "frequency",
            "应为 yearly 或 quarterly / must be yearly or quarterly",
        )
    })?;
    let base = match (body.base_year, body.base_value.as_deref()) {
        (None, None) => None,
        (Some(year), Some(v)) => Some((
            Base {
                year,
                value: read_plain_decimal(v).map_err(|e| invalid("base_value", e.to_string()))?,
            },
            unit.clone(),
        )),
        _ => {
            return Err(invalid(
                "base_year",
                "基期年份与基期值须同时填写 / the base year and value go together",
            ));
        }
    };
    let mut points = Vec::with_capacity(body.points.len());
    for (i, p) in body.points.iter().enumerate() {
        let index = i + 1;
        let period = Period::parse(&p.period)
            .map_err(|e| invalid(format!("points[{index}].period"), e.to_string()))?;
        let value = read_plain_decimal(&p.value)
            .map_err(|e| invalid(format!("points[{index}].value"), e.to_string()))?;
        points.push((PathPoint { period, value }, unit.clone()));
    }
    let input = PathInput {
        kind,
        base,
        points,
        frequency,
    };
    let revision = goals::set_path(&st.store, &me, target, body.revision, input).await?;
    Ok(Json(PathSetDto {
        target: target.0,
        revision,
    }))
}
