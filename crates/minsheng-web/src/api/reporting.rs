//! Reporting (上报) and review (审核) over JSON: a unit's workspace, the report form, saving a
//! draft or submitting, the review queue with accept and return, a report with its revisions,
//! and evidence upload. Every handler calls the use-case the reporting pages call
//! ([`minsheng_app::workspace`]), so who may do what, and every rule of filing and review, is
//! decided once; the body is read by the report form's own rules
//! ([`crate::input::read_fields`]).

use super::dto::{
    ErrorsDto, EvidenceDto, EvidenceUploadDto, ReportFormDto, ReportInputDto, ReportViewDto,
    ReturnReportDto, ReviewQueueDto, RevisionDto, WorkspaceDto,
};
use super::{ApiError, JsonBody, QueryParams, invalid, path_id};
use crate::AppState;
use crate::auth::Chrome;
use crate::error::WebError;
use crate::input::{Fields, read_fields, read_project_part, read_upload};
use crate::workflow::review::{RawFilter, filter_of};
use crate::workflow::{UPLOAD_LIMIT, month_of};
use axum::Json;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use minsheng_app::AppError;
use minsheng_app::reporting::Decision;
use minsheng_app::workspace;
use minsheng_app::workspace::QUEUE_PAGE_MAX;
use minsheng_domain::project::MilestoneKind;
use minsheng_domain::{Account, AssignmentId, Period, ReportId};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

/// The routes of reporting and review.
pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_workspace))
        .routes(routes!(get_report_form, post_report))
        .routes(routes!(get_report))
        .routes(routes!(get_review_queue))
        .routes(routes!(accept_report))
        .routes(routes!(return_report))
        // An evidence file may be up to 20 MiB: this route alone takes a body that large.
        .routes(routes!(post_evidence).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)))
}

/// The month asked for.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub(crate) struct MonthParam {
    /// A month, `2023-09`; the month now being reported (the last one ended) when absent.
    period: Option<String>,
}

fn month(p: Option<&str>, st: &AppState) -> Result<Period, ApiError> {
    month_of(p, st.today()).map_err(|e| invalid("period", e))
}

/// A revision as `me` sees it once written, with its evidence.
async fn revision(st: &AppState, me: &Account, id: ReportId) -> Result<RevisionDto, ApiError> {
    let v = workspace::report_view(&st.store, me, id).await?;
    ReportViewDto::revision(&v, id).ok_or(ApiError(WebError::NotFound))
}

/// A refusal of the filing rules, naming the field of the request body.
fn filing_error(e: AppError) -> ApiError {
    match e {
        AppError::Invalid { field, reason } => {
            let field = match field.as_str() {
                "funds_spent" => "spent".to_string(),
                _ => field,
            };
            invalid(field, reason)
        }
        e => e.into(),
    }
}

/// The signed-in unit's workspace for a month: its assignments (and those of the units below
/// it) with where each month's report stands, and its returned reports still to correct. For
/// unit accounts.
#[utoipa::path(get, path = "/api/workspace", tag = "reporting",
    params(MonthParam),
    security(("session" = [])),
    responses((status = 200, body = WorkspaceDto), (status = 401, body = ErrorsDto),
        (status = 403, body = ErrorsDto), (status = 422, body = ErrorsDto),
        (status = 500, body = ErrorsDto, description = "内部错误(附报告编号) / internal error, with a report id")))]
pub(crate) async fn get_workspace(
    State(st): State<AppState>,
    chrome: Chrome,
    QueryParams(q): QueryParams<MonthParam>,
) -> Result<Json<WorkspaceDto>, ApiError> {
    let me = chrome.account()?;
    let period = month(q.period.as_deref(), &st)?;
    let w = workspace::workspace(&st.store, me, period, st.today()).await?;
    Ok(Json(WorkspaceDto::from(&w)))
}

/// The report form of an assignment for a month: its revisions so far (the latest is the
/// draft or the one that counts), the evidence of the latest, and what may be done now. For
/// the unit that carries the assignment (or a unit above it); 403 for any other.
#[utoipa::path(get, path = "/api/assignments/{id}/report", tag = "reporting",
    params(("id" = i64, Path, description = "assignment id"), MonthParam),
    security(("session" = [])),
    responses((status = 200, body = ReportFormDto), (status = 401, body = ErrorsDto),
        (status = 403, body = ErrorsDto), (status = 404, body = ErrorsDto),
        (status = 422, body = ErrorsDto),
        (status = 500, body = ErrorsDto, description = "内部错误(附报告编号) / internal error, with a report id")))]
pub(crate) async fn get_report_form(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    QueryParams(q): QueryParams<MonthParam>,
) -> Result<Json<ReportFormDto>, ApiError> {
    let me = chrome.account()?;
    let assignment: AssignmentId = path_id(&id)?;
    let period = month(q.period.as_deref(), &st)?;
    let form = workspace::report_form(&st.store, me, assignment, period, st.today()).await?;
    Ok(Json(ReportFormDto::from(&form)))
}

/// Saves a draft (`action: draft`, kept and editable) or submits for review (`action:
/// submit`), as the unit that carries the assignment. Refused, naming the field, with nothing
/// written: a value that is not a number, a cumulative count below the last accepted one
/// without `correction`, a correction without its reason in `narrative`, a month not begun or
/// outside the plan year, a month awaiting review or already accepted (locked: field
/// `period`). Another unit's assignment: 403.
#[utoipa::path(post, path = "/api/assignments/{id}/report", tag = "reporting",
    params(("id" = i64, Path, description = "assignment id")),
    request_body = ReportInputDto,
    security(("session" = [])),
    responses((status = 201, body = RevisionDto,
            headers(("location" = String, description = "/api/reports/{id} of the revision"))),
        (status = 401, body = ErrorsDto), (status = 403, body = ErrorsDto),
        (status = 404, body = ErrorsDto), (status = 422, body = ErrorsDto),
        (status = 400, body = ErrorsDto, description = "请求体不是 JSON / the body is not JSON"),
        (status = 413, body = ErrorsDto, description = "请求体过大 / the body is too large"),
        (status = 500, body = ErrorsDto, description = "内部错误(附报告编号) / internal error, with a report id")))]
pub(crate) async fn post_report(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ReportInputDto>,
) -> Result<Response, ApiError> {
    let me = chrome.account()?;
    let today = st.today();
    let assignment: AssignmentId = path_id(&id)?;
    let period = month(Some(&body.period), &st)?;
    // The form as it stands; this checks that the account reports for the assignment.
    let form = workspace::report_form(&st.store, me, assignment, period, today).await?;
    let refused = |field: &str, message: String| {
        ApiError(WebError::Fields(vec![(field.to_string(), message)]))
    };
    let mut reached = std::collections::BTreeMap::new();
    for (i, m) in body.milestones.iter().enumerate() {
        let Some(kind) = MilestoneKind::from_code(m.kind.trim()) else {
            return Err(refused(
                &format!("milestones[{i}].kind"),
                format!(
                    "未知的项目节点“{}” / unknown milestone '{}'",
                    m.kind, m.kind
                ),
            ));
        };
        reached.insert(format!("reached_{}", kind.code()), m.date.clone());
    }
    let project = minsheng_app::projects::report_part(&st.store, form.placed.target.id, None)
        .await?
        .is_some();
    let states_project =
        !body.progress.trim().is_empty() || body.revised_total.is_some() || !reached.is_empty();
    if states_project && !project {
        return Err(refused(
            "progress",
            "形象进度、项目节点与调整后总投资只用于重大项目的投资报告 / progress, milestones and a revised total are for a major project's investment report only".into(),
        ));
    }
    let fields = Fields {
        value: body.value.unwrap_or_default(),
        stage: body.stage.unwrap_or_default(),
        spent: body.spent.unwrap_or_default(),
        narrative: body.narrative,
        correction: body.correction.then(|| "1".to_string()),
        action: body.action,
        progress: body.progress,
        revised_total: body.revised_total.unwrap_or_default(),
        reached,
    };
    let (input, file_as) = read_fields(&fields, &form, chrome.lang).map_err(|errors| {
        ApiError(WebError::Fields(
            errors
                .into_iter()
                .map(|(f, m)| (f.to_string(), m))
                .collect(),
        ))
    })?;
    let part = if project {
        let part = read_project_part(&fields, chrome.lang).map_err(|(f, m)| refused(f, m))?;
        Some(part)
    } else {
        None
    };
    let id = workspace::save_report_with(&st.store, me, &input, part.as_ref(), file_as, today)
        .await
        .map_err(filing_error)?;
    let saved = revision(&st, me, id).await?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/api/reports/{id}"))],
        Json(saved),
    )
        .into_response())
}

/// A report revision with every revision of its assignment and month, each with its evidence
/// files, for whoever may see the unit (403 otherwise).
#[utoipa::path(get, path = "/api/reports/{id}", tag = "reporting",
    params(("id" = i64, Path, description = "report id (one revision)")),
    security(("session" = [])),
    responses((status = 200, body = ReportViewDto), (status = 401, body = ErrorsDto),
        (status = 403, body = ErrorsDto), (status = 404, body = ErrorsDto),
        (status = 500, body = ErrorsDto, description = "内部错误(附报告编号) / internal error, with a report id")))]
pub(crate) async fn get_report(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
) -> Result<Json<ReportViewDto>, ApiError> {
    let me = chrome.account()?;
    let v = workspace::report_view(&st.store, me, path_id(&id)?).await?;
    Ok(Json(ReportViewDto::from(&v)))
}

/// Which reports of the queue, and which page: the review page's filters.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub(crate) struct PlanParam {
    /// A plan id; every plan when absent.
    plan: Option<String>,
    /// A month, `YYYY-MM`; every month when absent.
    period: Option<String>,
    /// A section id of the plan (needs `plan`); every section when absent.
    section: Option<String>,
    /// A unit id: that unit and those below it; every unit the caller sees when absent.
    unit: Option<String>,
    /// `submitted` (awaiting review, the default), `accepted` or `returned`.
    state: Option<String>,
    /// `filed` (oldest filing first, the default) or `change` (largest change since the last
    /// accepted value first, as a share of the quota).
    order: Option<String>,
    /// The page, from 1.
    page: Option<String>,
    /// Reports per page (1 to 10000); 10000 when absent.
    limit: Option<String>,
}

/// One page of the review queue, by the review page's filters (reports awaiting review,
/// oldest filing first, by default), with how many match in all: for the office and viewers
/// (a viewer of a unit sees that unit's and those below it); 403 for unit accounts.
#[utoipa::path(get, path = "/api/review", tag = "reporting",
    params(PlanParam),
    security(("session" = [])),
    responses((status = 200, body = ReviewQueueDto), (status = 401, body = ErrorsDto),
        (status = 403, body = ErrorsDto), (status = 404, body = ErrorsDto),
        (status = 422, body = ErrorsDto),
        (status = 500, body = ErrorsDto, description = "内部错误(附报告编号) / internal error, with a report id")))]
pub(crate) async fn get_review_queue(
    State(st): State<AppState>,
    chrome: Chrome,
    QueryParams(q): QueryParams<PlanParam>,
) -> Result<Json<ReviewQueueDto>, ApiError> {
    let me = chrome.account()?;
    let raw = RawFilter {
        plan: q.plan,
        period: q.period,
        section: q.section,
        unit: q.unit,
        state: q.state,
        order: q.order,
        page: q.page,
        per_page: Some(q.limit.unwrap_or_else(|| QUEUE_PAGE_MAX.to_string())),
    };
    let filter = filter_of(&raw).map_err(|(field, message)| {
        // The API calls the page size `limit`.
        invalid(if field == "per_page" { "limit" } else { field }, message)
    })?;
    let queue = workspace::review_queue(&st.store, me, &filter).await?;
    Ok(Json(ReviewQueueDto::from(&queue)))
}

/// Accepts or returns a report as the office, then the reviewed revision.
async fn decide(
    st: &AppState,
    chrome: &Chrome,
    id: &str,
    decision: Decision,
) -> Result<Json<RevisionDto>, ApiError> {
    let me = chrome.account()?;
    let id: ReportId = path_id(id)?;
    workspace::review(&st.store, me, id, &decision).await?;
    Ok(Json(revision(st, me, id).await?))
}

/// Accepts a submitted report: its value counts in the roll-up and its month is locked. The
/// office only; a report not awaiting review is refused (field `status`).
#[utoipa::path(post, path = "/api/reports/{id}/accept", tag = "reporting",
    params(("id" = i64, Path, description = "report id")),
    security(("session" = [])),
    responses((status = 200, body = RevisionDto), (status = 401, body = ErrorsDto),
        (status = 403, body = ErrorsDto), (status = 404, body = ErrorsDto),
        (status = 422, body = ErrorsDto),
        (status = 500, body = ErrorsDto, description = "内部错误(附报告编号) / internal error, with a report id")))]
pub(crate) async fn accept_report(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
) -> Result<Json<RevisionDto>, ApiError> {
    decide(&st, &chrome, &id, Decision::Accept).await
}

/// Returns a submitted report to its unit with a reason (required: field `reason`); the unit
/// files a new revision and this one is kept. The office only.
#[utoipa::path(post, path = "/api/reports/{id}/return", tag = "reporting",
    params(("id" = i64, Path, description = "report id")),
    request_body = ReturnReportDto,
    security(("session" = [])),
    responses((status = 200, body = RevisionDto), (status = 401, body = ErrorsDto),
        (status = 403, body = ErrorsDto), (status = 404, body = ErrorsDto),
        (status = 422, body = ErrorsDto),
        (status = 400, body = ErrorsDto, description = "请求体不是 JSON / the body is not JSON"),
        (status = 413, body = ErrorsDto, description = "请求体过大 / the body is too large"),
        (status = 500, body = ErrorsDto, description = "内部错误(附报告编号) / internal error, with a report id")))]
pub(crate) async fn return_report(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ReturnReportDto>,
) -> Result<Json<RevisionDto>, ApiError> {
    decide(&st, &chrome, &id, Decision::Return(body.reason)).await
}

/// Attaches an evidence file (multipart/form-data, field `file`) to a draft or a report
/// awaiting review, as the unit that filed it. A kind not accepted, an empty file or a name
/// that cannot be kept: 422 naming the field; over 20 MiB: 413; another unit's report: 403.
/// The file is downloaded at its `href` (`/evidence/{id}`).
#[utoipa::path(post, path = "/api/reports/{id}/evidence", tag = "reporting",
    params(("id" = i64, Path, description = "report id")),
    request_body(content = EvidenceUploadDto, content_type = "multipart/form-data"),
    security(("session" = [])),
    responses((status = 201, body = EvidenceDto), (status = 400, body = ErrorsDto),
        (status = 401, body = ErrorsDto), (status = 403, body = ErrorsDto),
        (status = 404, body = ErrorsDto), (status = 413, body = ErrorsDto),
        (status = 422, body = ErrorsDto),
        (status = 500, body = ErrorsDto, description = "内部错误(附报告编号) / internal error, with a report id")))]
pub(crate) async fn post_evidence(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<EvidenceDto>), ApiError> {
    let me = chrome.account()?;
    let report: ReportId = path_id(&id)?;
    // Who may attach is checked before the body is read.
    workspace::report_form_of(&st.store, me, report, st.today()).await?;
    let (name, content_type, bytes) =
        read_upload(multipart, chrome.lang)
            .await
            .map_err(|(status, m)| {
                let reason = m.to_string();
                match status {
                    StatusCode::PAYLOAD_TOO_LARGE => ApiError(WebError::TooLarge {
                        field: "file".into(),
                        reason,
                    }),
                    StatusCode::UNPROCESSABLE_ENTITY => invalid("file", reason),
                    _ => ApiError(WebError::BadRequest(reason)),
                }
            })?;
    let evidence = workspace::attach(&st.store, me, report, &name, &content_type, &bytes).await?;
    let attached = revision(&st, me, report)
        .await?
        .evidence
        .into_iter()
        .find(|e| e.id == evidence.0)
        .ok_or(ApiError(WebError::NotFound))?;
    Ok((StatusCode::CREATED, Json(attached)))
}
