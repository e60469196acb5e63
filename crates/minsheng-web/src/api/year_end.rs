//! Year end (年终结转) over JSON: closing a plan, through the use-case the closing page calls
//! ([`minsheng_app::year_end::close`]), so every rule is decided once.

use super::dto::{ClosePlanDto, ClosedPlanDto, ErrorsDto};
use super::{ApiError, JsonBody, invalid, path_id};
use crate::AppState;
use crate::auth::Chrome;
use axum::Json;
use axum::extract::{Path, State};
use minsheng_app::year_end::{self, CloseForm};
use minsheng_domain::year_end::{Decision, Disposition};
use minsheng_domain::{Action, PlanId, TargetId};

/// Closes a plan at year end: every unfinished target carried over into `next` (a later open
/// plan: a target for what remains, linked back) or closed with a reason; then the plan takes
/// no more reports, splits or edits. The office only. Every refusal names the target and why
/// (422, nothing written); a plan closed already is 409.
#[utoipa::path(post, path = "/api/plans/{id}/close", tag = "plans",
    params(("id" = i64, Path, description = "plan id")),
    request_body = ClosePlanDto,
    security(("session" = [])),
    responses((status = 200, body = ClosedPlanDto), (status = 401, body = ErrorsDto),
        (status = 403, body = ErrorsDto), (status = 404, body = ErrorsDto),
        (status = 409, body = ErrorsDto, description = "已关闭 / the plan is closed already"),
        (status = 422, body = ErrorsDto),
        (status = 400, body = ErrorsDto, description = "请求体不是 JSON / the body is not JSON"),
        (status = 413, body = ErrorsDto, description = "请求体过大 / the body is too large"),
        (status = 500, body = ErrorsDto, description = "内部错误(附报告编号) / internal error, with a report id")))]
pub(crate) async fn close_plan(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ClosePlanDto>,
) -> Result<Json<ClosedPlanDto>, ApiError> {
    let me = chrome.may(Action::ClosePlan)?.clone();
    let plan: PlanId = path_id(&id)?;
    let mut form = CloseForm {
        next: body.next.map(PlanId),
        ..CloseForm::default()
    };
    for d in body.decisions {
        let decision = match Disposition::from_code(&d.disposition) {
            Some(Disposition::CarriedOver) => Decision::CarryOver,
            Some(Disposition::Closed) => Decision::Close {
                reason: d.reason.unwrap_or_default(),
            },
            None => {
                return Err(invalid(
                    "decisions",
                    format!(
                        "目标 {} 的处理“{}”应为 carried_over 或 closed / the disposition '{}' of target {} must be carried_over or closed",
                        d.target, d.disposition, d.disposition, d.target
                    ),
                ));
            }
        };
        form.decisions.insert(TargetId(d.target), decision);
    }
    let closed = year_end::close(&st.store, &me, plan, &form, st.today(), &st.thresholds).await?;
    Ok(Json(ClosedPlanDto::from(&closed)))
}
