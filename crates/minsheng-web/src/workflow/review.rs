//! The office's review queue: the reports awaiting review, oldest first, each with an accept
//! button and a return form that needs a reason. Viewers read the queue without the buttons.

use super::msg::Msg;
use super::{amount, id_of, period_label, reached, time, words};
use crate::AppState;
use crate::auth::Chrome;
use crate::error::WebError;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minsheng_app::AppError;
use minsheng_app::reporting::Decision;
use minsheng_app::workspace::{self, ReviewQueue};
use minsheng_domain::{Action, PlanId, ReportId};

/// One report in the queue.
struct QueueRow {
    id: i64,
    unit: String,
    no: String,
    target: String,
    period: String,
    value: String,
    quota: String,
    narrative: String,
    evidence: i64,
    filed: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "review.html")]
pub(super) struct ReviewPage {
    chrome: Chrome,
    t: &'static Msg,
    plans: Vec<(i64, String, bool)>,
    plan: String,
    rows: Vec<QueueRow>,
    office: bool,
    note: Option<String>,
    /// A refusal on one row: the report, the message, the reason as typed.
    row_error: Option<(i64, String, String)>,
    /// A refusal of a report no longer in the queue (already reviewed).
    page_error: Option<String>,
}

impl ReviewPage {
    fn new(chrome: Chrome, q: ReviewQueue) -> ReviewPage {
        let rows = q
            .entries
            .iter()
            .map(|e| {
                let (r, p) = (&e.queued.report, &e.queued.placed);
                QueueRow {
                    id: r.id.0,
                    unit: e.unit.clone(),
                    no: format!("{}.{}", p.section_no, p.item_no),
                    target: p.target.phrase.clone(),
                    period: period_label(&chrome, r.period),
                    value: reached(&chrome, r, &p.target),
                    quota: p
                        .assignment
                        .quota
                        .map(|v| amount(v, &p.target))
                        .unwrap_or_else(|| chrome.t.none.to_string()),
                    narrative: r.narrative.clone(),
                    evidence: e.queued.evidence,
                    filed: time(r.filed_at),
                }
            })
            .collect();
        ReviewPage {
            t: words(&chrome),
            plans: q
                .plans
                .iter()
                .map(|p| (p.id.0, p.title.clone(), Some(p.id) == q.plan))
                .collect(),
            plan: q.plan.map(|p| p.to_string()).unwrap_or_default(),
            rows,
            office: chrome.can(Action::Review),
            note: None,
            row_error: None,
            page_error: None,
            chrome,
        }
    }
}

fn plan_of(s: Option<&str>) -> Result<Option<PlanId>, WebError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => Ok(Some(id_of(s)?)),
    }
}

#[derive(serde::Deserialize)]
pub(super) struct ReviewQuery {
    plan: Option<String>,
    accepted: Option<i64>,
    returned: Option<i64>,
}

/// `GET /review?plan=ID`.
pub(super) async fn page(
    State(st): State<AppState>,
    chrome: Chrome,
    Query(q): Query<ReviewQuery>,
) -> Result<ReviewPage, WebError> {
    let me = chrome.account()?.clone();
    let plan = plan_of(q.plan.as_deref())?;
    let queue = workspace::review_queue(&st.store, &me, plan, None).await?;
    let mut page = ReviewPage::new(chrome, queue);
    page.note = match (q.accepted, q.returned) {
        (Some(id), _) => Some(format!("{} {id}", page.t.accepted_ok)),
        (None, Some(id)) => Some(format!("{} {id}", page.t.returned_ok)),
        (None, None) => None,
    };
    Ok(page)
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(super) struct DecisionForm {
    plan: String,
    reason: String,
}

/// `POST /reports/{id}/accept`.
pub(super) async fn accept(
    st: State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    Form(f): Form<DecisionForm>,
) -> Result<Response, WebError> {
    decide(st, chrome, &id, f, false).await
}

/// `POST /reports/{id}/return` with a `reason`.
pub(super) async fn return_report(
    st: State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    Form(f): Form<DecisionForm>,
) -> Result<Response, WebError> {
    decide(st, chrome, &id, f, true).await
}

async fn decide(
    State(st): State<AppState>,
    chrome: Chrome,
    id: &str,
    f: DecisionForm,
    returning: bool,
) -> Result<Response, WebError> {
    let me = chrome.account()?.clone();
    let report: ReportId = id_of(id)?;
    let plan = plan_of(Some(&f.plan))?;
    let decision = if returning {
        Decision::Return(f.reason.clone())
    } else {
        Decision::Accept
    };
    // A refusal is shown on the queue itself: beside the row when it is still there, above
    // the queue when someone else reviewed it first (409).
    let (status, message) = match workspace::review(&st.store, &me, report, &decision).await {
        Ok(()) => {
            let done = if returning { "returned" } else { "accepted" };
            let plan = plan.map(|p| format!("plan={p}&")).unwrap_or_default();
            return Ok(Redirect::to(&format!("/review?{plan}{done}={report}")).into_response());
        }
        Err(AppError::Invalid { reason, .. }) => (StatusCode::UNPROCESSABLE_ENTITY, reason),
        Err(AppError::Conflict { reason }) => (StatusCode::CONFLICT, reason),
        Err(e) => return Err(e.into()),
    };
    let queue = workspace::review_queue(&st.store, &me, plan, None).await?;
    let mut page = ReviewPage::new(chrome, queue);
    if page.rows.iter().any(|r| r.id == report.0) {
        page.row_error = Some((report.0, message, f.reason));
    } else {
        page.page_error = Some(message);
    }
    Ok((status, page).into_response())
}
