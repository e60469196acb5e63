//! The JSON API, described by the OpenAPI document at `/api/openapi.json`. Route and
//! documentation are declared together (utoipa-axum), so they cannot drift apart.
//!
//! **Who may call what.** The session cookie of the pages authenticates the API too (a call
//! without one that needs it answers 401). The public reads published plans only; a
//! signed-in account reads every plan. Tracking and the dashboard rank units: they need an
//! account that sees all (the office or a viewer of all). Problems are scoped and checked as on
//! the problems board ([`minsheng_app::board`]); decomposition is the office's; reporting and
//! review are checked by the use-cases of the reporting pages ([`minsheng_app::workspace`]).
//! Cross-site
//! writes from a browser are refused before they arrive (the site's CSRF layer).
//!
//! **Errors.** Every failure answers with one envelope, `{ "errors": [{ "code", "field",
//! "detail" }] }`; a value that cannot be used is `422` with code `invalid` and the field
//! named.

mod audit;
mod decomposition;
pub(crate) mod dto;
mod goals;
mod implementation;
mod problems;
mod projects;
mod reporting;
mod year_end;

use crate::AppState;
use crate::auth::Chrome;
use crate::error::{Problem, Rendering, WebError};
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use dto::*;
use minsheng_app::{AppError, rollup, tracking, visibility};
use minsheng_domain::Action;
use minsheng_domain::{Period, PlanId};
use serde::de::DeserializeOwned;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "minsheng API",
        description = "民生实事跟踪:计划、目标、进度、协调事项与任务分解。/ Tracking quantified public commitments: plans, targets, progress, problems and decomposition.",
    ),
    modifiers(&SessionCookie),
    tags(
        (name = "plans", description = "计划与目标 / plans and their targets"),
        (name = "projects", description = "重大项目调度与 OC4IDS 导出 / major projects and their OC4IDS export"),
        (name = "tracking", description = "跟踪调度 / progress, status and roll-up"),
        (name = "accounts", description = "账号 / the signed-in account"),
        (name = "problems", description = "协调事项 / coordination matters"),
        (name = "decomposition", description = "任务分解 / who carries each target"),
        (name = "reporting", description = "上报与审核 / reports, review and evidence"),
        (name = "implementation", description = "实施方案 / the units' implementation plans"),
        (name = "audit", description = "审计记录 / who changed what, when, before → after"),
    )
)]
struct ApiDoc;

/// The session cookie set by signing in (`POST /login`) authenticates API calls.
struct SessionCookie;

impl Modify for SessionCookie {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "minsheng_session",
                "登录后的会话 / the session of a signed-in account (POST /login)",
            ))),
        );
    }
}

/// An error rendered as the JSON envelope `{ "errors": [{ "code", "field", "detail" }] }`:
/// the API's rendering of the one classification ([`WebError::classify`]).
#[derive(Debug)]
pub(crate) struct ApiError(pub WebError);

impl From<WebError> for ApiError {
    fn from(e: WebError) -> Self {
        ApiError(e)
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e.into())
    }
}

/// A value of `field` that cannot be used.
pub(crate) fn invalid(field: impl Into<String>, reason: impl Into<String>) -> ApiError {
    ApiError(WebError::Invalid {
        field: field.into(),
        reason: reason.into(),
    })
}

/// The envelope of a classified error, with its status (and `Retry-After` on 503).
pub(crate) fn envelope(problem: &Problem) -> Response {
    let errors = problem
        .details
        .iter()
        .map(|(field, text)| ErrorDto {
            code: problem.kind.code(),
            field: field.clone(),
            detail: text.both(),
        })
        .collect();
    let mut response = (
        problem.kind.status(Rendering::Api),
        Json(ErrorsDto { errors }),
    )
        .into_response();
    crate::error::finish(problem.kind, &mut response);
    response
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        envelope(&self.0.classify())
    }
}

/// A JSON request body; a body that does not fit answers with the envelope (422 naming the
/// field when serde names one).
pub(crate) struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(JsonBody(v)),
            Err(JsonRejection::JsonDataError(e)) => {
                let text = e.body_text();
                Err(invalid(
                    named_field(&text).unwrap_or_else(|| "body".into()),
                    format!("请求内容不符合要求 / the body does not fit: {text}"),
                ))
            }
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(ApiError(WebError::TooLarge {
                    field: "body".into(),
                    reason: "请求体过大 / the body is too large".into(),
                }))
            }
            Err(e) => Err(ApiError(WebError::BadRequest(format!(
                "请求须为 JSON(Content-Type: application/json)/ the body must be JSON: {}",
                e.body_text()
            )))),
        }
    }
}

/// A request's query parameters; parameters that do not fit (a required one missing, one
/// given twice) answer with the envelope: 422 naming the parameter when serde names one.
pub(crate) struct QueryParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> axum::extract::FromRequestParts<S> for QueryParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, ApiError> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(v)) => Ok(QueryParams(v)),
            Err(e) => {
                let text = e.body_text();
                Err(invalid(
                    named_field(&text).unwrap_or_else(|| "query".into()),
                    format!("查询参数不符合要求 / the query does not fit: {text}"),
                ))
            }
        }
    }
}

/// The field at fault in axum's account of a body that does not fit: the path to the value
/// (`value: invalid type …`, `shares[1]: missing field `quota``), with the field serde names
/// in "missing field `title`" or "unknown field `x`".
fn named_field(text: &str) -> Option<String> {
    let rest = text.split_once("target type: ").map_or(text, |(_, r)| r);
    let (path, message) = match rest.split_once(": ") {
        Some((p, m)) if !p.is_empty() && !p.contains(' ') => (Some(p), m),
        _ => (None, rest),
    };
    let named = message.find("field `").and_then(|at| {
        let rest = &message[at + "field `".len()..];
        rest.find('`').map(|end| &rest[..end])
    });
    match (path, named) {
        (Some(p), Some(n)) => Some(format!("{p}.{n}")),
        (Some(p), None) => Some(p.to_string()),
        (None, Some(n)) => Some(n.to_string()),
        (None, None) => None,
    }
}

/// An id in a path; anything else is not found.
pub(crate) fn path_id<T: std::str::FromStr>(s: &str) -> Result<T, ApiError> {
    s.parse().map_err(|_| ApiError(WebError::NotFound))
}

/// Every plan the caller may read, newest year first: the published ones for the public,
/// all for a signed-in account.
#[utoipa::path(get, path = "/api/plans", tag = "plans",
    responses((status = 200, body = [PlanDto]),
        (status = 500, body = ErrorsDto, description = "内部错误(附报告编号) / internal error, with a report id")))]
async fn list_plans(
    State(st): State<AppState>,
    chrome: Chrome,
) -> Result<Json<Vec<PlanDto>>, ApiError> {
    let plans = visibility::plans(&st.store, chrome.user.as_ref()).await?;
    Ok(Json(plans.iter().map(PlanDto::from).collect()))
}

/// A plan with its sections, items and targets. A plan not yet published is not found by
/// the public.
#[utoipa::path(get, path = "/api/plans/{id}", tag = "plans",
    params(("id" = i64, Path, description = "plan id")),
    responses((status = 200, body = PlanOutlineDto), (status = 404, body = ErrorsDto),
        (status = 500, body = ErrorsDto, description = "内部错误(附报告编号) / internal error, with a report id")))]
async fn get_plan(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
) -> Result<Json<PlanOutlineDto>, ApiError> {
    let outline =
        visibility::plan_outline(&st.store, chrome.user.as_ref(), path_id::<PlanId>(&id)?).await?;
    Ok(Json(PlanOutlineDto::from(&outline)))
}

/// The period asked for.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
struct PeriodParam {
    /// 2023-06, 2023-Q2, 2023-H1, 2023, or Chinese (2023年6月, 上半年).
    period: String,
}

fn period_of(p: &str, year: i16) -> Result<Period, ApiError> {
    Period::parse_zh(p, year).map_err(|e| invalid("period", e.to_string()))
}

/// The office's view of a plan at a period: every target's progress against 序时进度, status,
/// forecast; the ranking of units; reporting completeness. For accounts that see all.
#[utoipa::path(get, path = "/api/plans/{id}/tracking", tag = "tracking",
    params(("id" = i64, Path, description = "plan id"), PeriodParam),
    security(("session" = [])),
    responses((status = 200, body = TrackingDto), (status = 401, body = ErrorsDto),
        (status = 403, body = ErrorsDto), (status = 404, body = ErrorsDto),
        (status = 422, body = ErrorsDto),
        (status = 500, body = ErrorsDto, description = "内部错误(附报告编号) / internal error, with a report id")))]
async fn get_tracking(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    QueryParams(q): QueryParams<PeriodParam>,
) -> Result<Json<TrackingDto>, ApiError> {
    let me = chrome.may(Action::ViewDashboard)?;
    let plan = minsheng_app::visibility::plan(&st.store, Some(me), path_id(&id)?).await?;
    let period = period_of(&q.period, plan.year)?;
    let t = tracking::tracking(&st.store, plan.id, period, st.today(), &st.thresholds).await?;
    Ok(Json(TrackingDto::from(&t)))
}

/// The dashboard's figures for a month across every plan, from the materialized roll-up:
/// per target, and per city-level region and section. For accounts that see all.
#[utoipa::path(get, path = "/api/dashboard", tag = "tracking",
    params(PeriodParam),
    security(("session" = [])),
    responses((status = 200, body = DashboardDto), (status = 401, body = ErrorsDto),
        (status = 403, body = ErrorsDto), (status = 422, body = ErrorsDto),
        (status = 500, body = ErrorsDto, description = "内部错误(附报告编号) / internal error, with a report id")))]
async fn get_dashboard(
    State(st): State<AppState>,
    chrome: Chrome,
    QueryParams(q): QueryParams<PeriodParam>,
) -> Result<impl IntoResponse, ApiError> {
    chrome.may(Action::ViewDashboard)?;
    let period = Period::parse(&q.period).map_err(|e| invalid("period", e.to_string()))?;
    if !matches!(period, Period::Month { .. }) {
        return Err(invalid(
            "period",
            format!(
                "汇总按月提供,请给出月份(如 2023-06) / the roll-up is monthly: give a month, not {period}"
            ),
        ));
    }
    let (reader, from) = st.current_reader().await?;
    let d = rollup::dashboard(&reader, period).await?;
    Ok((
        [(crate::READ_FROM, from.code())],
        Json(DashboardDto::from(&d)),
    ))
}

/// The signed-in account: its name, role and unit.
#[utoipa::path(get, path = "/api/me", tag = "accounts",
    security(("session" = [])),
    responses((status = 200, body = MeDto), (status = 401, body = ErrorsDto),
        (status = 500, body = ErrorsDto, description = "内部错误(附报告编号) / internal error, with a report id")))]
async fn get_me(State(st): State<AppState>, chrome: Chrome) -> Result<Json<MeDto>, ApiError> {
    let me = chrome.account()?;
    let unit = visibility::unit_of(&st.store, me).await?;
    Ok(Json(MeDto::new(me, unit.as_ref())))
}

/// The answers any operation can give under load, added to every operation's description
/// in one place rather than to each: 503 (the database cannot take the request now — busy
/// past the wait, read-only, a full disk — with `Retry-After`; nothing written) on every
/// operation, and on every write 409 (someone else changed the record first, or a request
/// with the same `Idempotency-Key` is still under way) and the `Idempotency-Key` header.
fn document_load_answers(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::content::ContentBuilder;
    use utoipa::openapi::header::Header;
    use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn};
    use utoipa::openapi::response::ResponseBuilder;
    use utoipa::openapi::{Object, Ref, RefOr, Required, Type};
    let envelope = || {
        ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("ErrorsDto")))
            .build()
    };
    let unavailable = ResponseBuilder::new()
        .description(
            "数据库暂不能处理(繁忙、只读或磁盘已满),未作改动,请稍后重试 / the database cannot take this now (busy, read-only or disk full): nothing was changed, retry after Retry-After",
        )
        .content("application/json", envelope())
        .header(
            "retry-after",
            Header::new(Object::with_type(Type::Integer)),
        )
        .build();
    let conflict = ResponseBuilder::new()
        .description(
            "已被他人先行处理(如报告已审核),或同一幂等键的请求仍在处理 / changed by someone else first (a report already reviewed), or a request with the same Idempotency-Key is still under way",
        )
        .content("application/json", envelope())
        .build();
    let key = ParameterBuilder::new()
        .name("Idempotency-Key")
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(
            "重试安全:同一请求带同一键在一天内得到首次的答复 / safe retries: the same request with the same key within a day gets the first answer again",
        ))
        .schema(Some(Object::with_type(Type::String)))
        .build();
    for item in doc.paths.paths.values_mut() {
        let writes: [&mut Option<Operation>; 4] = [
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ];
        for op in writes.into_iter().flatten() {
            op.responses
                .responses
                .insert("409".into(), RefOr::T(conflict.clone()));
            op.parameters
                .get_or_insert_with(Vec::new)
                .push(RefOr::T(key.clone()));
        }
        let all: [&mut Option<Operation>; 5] = [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ];
        for op in all.into_iter().flatten() {
            op.responses
                .responses
                .insert("503".into(), RefOr::T(unavailable.clone()));
        }
    }
}

/// The API's routes and its OpenAPI document at `/api/openapi.json`. Writes honour an
/// `Idempotency-Key` header ([`crate::idempotency`]).
pub(crate) fn routes(state: AppState) -> axum::Router<AppState> {
    let (router, doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(list_plans))
        .routes(routes!(get_plan))
        .routes(routes!(get_tracking))
        .routes(routes!(get_dashboard))
        .routes(routes!(get_me))
        .routes(routes!(problems::list_problems, problems::raise_problem))
        .routes(routes!(problems::get_problem))
        .routes(routes!(problems::assign_problem))
        .routes(routes!(problems::resolve_problem))
        .routes(routes!(
            decomposition::get_assignments,
            decomposition::put_assignments
        ))
        .routes(routes!(decomposition::put_schedule))
        .routes(routes!(audit::get_audit))
        .routes(routes!(year_end::close_plan))
        .routes(routes!(projects::list_projects, projects::create_project))
        .routes(routes!(projects::get_project))
        .routes(routes!(projects::oc4ids))
        .routes(routes!(goals::get_goals))
        .routes(routes!(goals::put_path))
        .merge(reporting::routes())
        .merge(implementation::routes())
        .split_for_parts();
    let mut doc = doc;
    document_load_answers(&mut doc);
    router
        .route(
            "/api/openapi.json",
            axum::routing::get(move || async move { Json(doc) }),
        )
        .layer(axum::middleware::from_fn_with_state(
            state,
            crate::idempotency::layer,
        ))
}
