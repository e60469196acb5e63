//! The audit trail over JSON: the same use-case and the same rules as the page `/audit`.

use super::dto::{AuditTrailDto, ErrorsDto};
use super::{ApiError, invalid};
use crate::AppState;
use crate::audit::AuditParams;
use crate::auth::Chrome;
use axum::Json;
use axum::extract::{Query, State};
use minsheng_app::audit;

/// One page (50 events) of the audit trail of a report (every revision of its month, with
/// their evidence files), an assignment (with its schedule and milestones), a target (with its
/// assignments), a plan (its sections, items and targets) or an account: who, when, what, and
/// each changed field before → after, newest first. The office and viewers of all read every
/// trail; any other account reads those of its own unit and the units below it (a target's
/// only if its unit carries it, and then only its units' assignments), any plan's, and its
/// own account's: 403 otherwise. A kind, id or page that cannot be read: 422 naming it.
#[utoipa::path(get, path = "/api/audit", tag = "audit",
    params(AuditParams),
    security(("session" = [])),
    responses((status = 200, body = AuditTrailDto), (status = 401, body = ErrorsDto),
        (status = 403, body = ErrorsDto), (status = 404, body = ErrorsDto),
        (status = 422, body = ErrorsDto)))]
pub(super) async fn get_audit(
    State(st): State<AppState>,
    chrome: Chrome,
    Query(q): Query<AuditParams>,
) -> Result<Json<AuditTrailDto>, ApiError> {
    let me = chrome.account()?;
    let (subject, page) = q.read().map_err(|(field, reason)| invalid(field, reason))?;
    let trail = audit::trail(&st.store, me, subject, page).await?;
    Ok(Json(AuditTrailDto::from(&trail)))
}
