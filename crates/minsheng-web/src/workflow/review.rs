//! The office's review queue, `/review`: filters (plan, month, section, unit, state, and the
//! largest change since the last accepted value first), a page at a time, the last accepted
//! value and the evidence count beside each report; per row an accept button and a return
//! form that needs a reason; and a checkbox per row for accepting or returning many at once
//! (`POST /review/bulk`), with what happened to each said per row. No JavaScript: the per-row
//! forms sit after the table and their fields join them by the `form` attribute. Viewers read
//! the queue without the buttons.

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
use minsheng_app::workspace::{
    self, QUEUE_PAGE, QUEUE_PAGE_MAX, ReviewFilter, ReviewQueue, Reviewed,
};
use minsheng_domain::{Action, Period, ReportId, ReportStatus};

/// The filter of the queue as a request writes it (query string or hidden form fields); the
/// page and the API read it the same way ([`filter_of`]).
#[derive(serde::Deserialize, Default, Debug)]
#[serde(default)]
pub(crate) struct RawFilter {
    pub plan: Option<String>,
    pub period: Option<String>,
    pub section: Option<String>,
    pub unit: Option<String>,
    /// `submitted` (default), `accepted` or `returned`.
    pub state: Option<String>,
    /// `change`: the largest change since the last accepted value first.
    pub order: Option<String>,
    pub page: Option<String>,
    pub per_page: Option<String>,
}

fn given(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Reads a filter; `Err((field, message))` names what is wrong.
pub(crate) fn filter_of(raw: &RawFilter) -> Result<ReviewFilter, (&'static str, String)> {
    fn id<T: std::str::FromStr>(
        field: &'static str,
        s: Option<&str>,
    ) -> Result<Option<T>, (&'static str, String)> {
        s.map(|s| {
            s.parse().map_err(|_| {
                (
                    field,
                    format!("“{s}”不是有效的编号 / '{s}' is not a valid {field} id"),
                )
            })
        })
        .transpose()
    }
    fn count(
        field: &'static str,
        s: Option<&str>,
        max: u32,
    ) -> Result<Option<u32>, (&'static str, String)> {
        s.map(|s| {
            s.parse::<u32>()
                .ok()
                .filter(|n| (1..=max).contains(n))
                .ok_or_else(|| {
                    (
                        field,
                        format!(
                            "“{s}”须为 1 到 {max} 的整数 / '{s}' must be a whole number from 1 to {max}"
                        ),
                    )
                })
        })
        .transpose()
    }
    let period = match given(&raw.period) {
        None => None,
        Some(p) => match Period::parse(p) {
            Ok(p @ Period::Month { .. }) => Some(p),
            _ => {
                return Err((
                    "period",
                    format!(
                        "期间“{p}”应为 YYYY-MM 形式的月份 / the period '{p}' must be a month written YYYY-MM"
                    ),
                ));
            }
        },
    };
    let state = match given(&raw.state) {
        None => ReportStatus::Submitted,
        Some(s) => match ReportStatus::from_code(s) {
            Some(
                st @ (ReportStatus::Submitted | ReportStatus::Accepted | ReportStatus::Returned),
            ) => st,
            _ => {
                return Err((
                    "state",
                    format!(
                        "状态“{s}”应为 submitted、accepted 或 returned / the state '{s}' must be submitted, accepted or returned"
                    ),
                ));
            }
        },
    };
    let changed_most = match given(&raw.order) {
        None | Some("filed") => false,
        Some("change") => true,
        Some(o) => {
            return Err((
                "order",
                format!("排序“{o}”应为 filed 或 change / the order '{o}' must be filed or change"),
            ));
        }
    };
    Ok(ReviewFilter {
        plan: id("plan", given(&raw.plan))?,
        period,
        section: id("section", given(&raw.section))?,
        unit: id("unit", given(&raw.unit))?,
        state,
        changed_most,
        page: count("page", given(&raw.page), u32::MAX)?.unwrap_or(1),
        per_page: count("per_page", given(&raw.per_page), QUEUE_PAGE_MAX)?.unwrap_or(QUEUE_PAGE),
    })
}

/// The query string of a filter at `page` (only what differs from the defaults).
fn query_of(f: &ReviewFilter, page: u32) -> String {
    let mut q: Vec<String> = Vec::new();
    if let Some(p) = f.plan {
        q.push(format!("plan={p}"));
    }
    if let Some(p) = f.period {
        q.push(format!("period={p}"));
    }
    if let Some(s) = f.section {
        q.push(format!("section={s}"));
    }
    if let Some(u) = f.unit {
        q.push(format!("unit={u}"));
    }
    if f.state != ReportStatus::Submitted {
        q.push(format!("state={}", f.state.code()));
    }
    if f.changed_most {
        q.push("order=change".into());
    }
    if f.per_page != QUEUE_PAGE {
        q.push(format!("per_page={}", f.per_page));
    }
    if page > 1 {
        q.push(format!("page={page}"));
    }
    q.join("&")
}

/// One report in the queue.
struct QueueRow {
    id: i64,
    unit: String,
    no: String,
    target: String,
    period: String,
    value: String,
    quota: String,
    previous: String,
    narrative: String,
    evidence: i64,
    filed: String,
    /// Awaiting review: it can be selected, accepted or returned.
    open: bool,
    status_label: &'static str,
}

/// What happened to one report of a bulk review.
struct BulkRow {
    id: i64,
    /// `done`, `already` or `refused`.
    kind: &'static str,
    text: String,
}

/// A choice of a select: value, label, selected.
type Choice = (String, String, bool);

#[derive(Template, WebTemplate)]
#[template(path = "review.html")]
pub(super) struct ReviewPage {
    chrome: Chrome,
    t: &'static Msg,
    plans: Vec<Choice>,
    periods: Vec<Choice>,
    sections: Vec<Choice>,
    units: Vec<Choice>,
    states: Vec<Choice>,
    changed_most: bool,
    /// The filter's fields, carried by every form on the page.
    hidden: Vec<(&'static str, String)>,
    rows: Vec<QueueRow>,
    total: u64,
    page: u32,
    pages: u64,
    prev_href: Option<String>,
    next_href: Option<String>,
    office: bool,
    open_state: bool,
    note: Option<String>,
    bulk: Vec<BulkRow>,
    /// A refusal on one row: the report, the message, the reason as typed.
    row_error: Option<(i64, String, String)>,
    /// A refusal of a report no longer in the queue (already reviewed), or of a bulk review.
    page_error: Option<String>,
}

impl ReviewPage {
    fn new(chrome: Chrome, q: ReviewQueue, today: jiff::civil::Date) -> ReviewPage {
        let t = words(&chrome);
        let f = &q.filter;
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
                    previous: e
                        .queued
                        .previous
                        .map(|v| amount(v, &p.target))
                        .unwrap_or_else(|| chrome.t.none.to_string()),
                    narrative: r.narrative.clone(),
                    evidence: e.queued.evidence,
                    filed: time(r.filed_at),
                    open: r.status == ReportStatus::Submitted,
                    status_label: chrome.lang.pick(r.status.label_zh(), r.status.label_en()),
                }
            })
            .collect();
        let choice = |v: String, label: String, on: bool| (v, label, on);
        let plans = q
            .plans
            .iter()
            .map(|p| choice(p.id.to_string(), p.title.clone(), Some(p.id) == q.plan))
            .collect();
        // The months of the plan's year (or of this year and the last) up to now.
        let years: Vec<i16> = match q.plans.iter().find(|p| Some(p.id) == q.plan) {
            Some(p) => vec![p.year],
            None => {
                let mut ys: Vec<i16> = q.plans.iter().map(|p| p.year).collect();
                ys.sort_unstable_by(|a, b| b.cmp(a));
                ys.dedup();
                ys
            }
        };
        let periods = years
            .iter()
            .flat_map(|y| {
                Period::Year(*y)
                    .months()
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
            })
            .filter(|m| m.first_day() <= today || Some(*m) == f.period)
            .map(|m| choice(m.to_string(), period_label(&chrome, m), Some(m) == f.period))
            .collect();
        let sections = q
            .sections
            .iter()
            .map(|s| {
                let label = match &s.title {
                    Some(title) => format!("{}. {title}", s.no),
                    None => s.no.to_string(),
                };
                choice(s.id.to_string(), label, Some(s.id) == f.section)
            })
            .collect();
        let units = q
            .units
            .iter()
            .map(|(u, depth)| {
                let label = format!("{}{}", "　".repeat(*depth), u.name);
                choice(u.id.to_string(), label, Some(u.id) == f.unit)
            })
            .collect();
        let states = [
            ReportStatus::Submitted,
            ReportStatus::Accepted,
            ReportStatus::Returned,
        ]
        .into_iter()
        .map(|s| {
            choice(
                s.code().to_string(),
                chrome.lang.pick(s.label_zh(), s.label_en()).to_string(),
                s == f.state,
            )
        })
        .collect();
        let mut hidden: Vec<(&'static str, String)> = Vec::new();
        let mut keep = |k: &'static str, v: Option<String>| {
            if let Some(v) = v {
                hidden.push((k, v));
            }
        };
        keep("plan", f.plan.map(|p| p.to_string()));
        keep("period", f.period.map(|p| p.to_string()));
        keep("section", f.section.map(|s| s.to_string()));
        keep("unit", f.unit.map(|u| u.to_string()));
        keep(
            "state",
            (f.state != ReportStatus::Submitted).then(|| f.state.code().to_string()),
        );
        keep("order", f.changed_most.then(|| "change".to_string()));
        keep(
            "per_page",
            (f.per_page != QUEUE_PAGE).then(|| f.per_page.to_string()),
        );
        keep("page", (f.page > 1).then(|| f.page.to_string()));
        let pages = q.pages();
        ReviewPage {
            plans,
            periods,
            sections,
            units,
            states,
            changed_most: f.changed_most,
            hidden,
            rows,
            total: q.total,
            page: f.page,
            pages,
            prev_href: (f.page > 1).then(|| format!("/review?{}", query_of(f, f.page - 1))),
            next_href: (u64::from(f.page) < pages)
                .then(|| format!("/review?{}", query_of(f, f.page + 1))),
            office: chrome.can(Action::Review),
            open_state: f.state == ReportStatus::Submitted,
            note: None,
            bulk: Vec::new(),
            row_error: None,
            page_error: None,
            t,
            chrome,
        }
    }
}

#[derive(serde::Deserialize)]
pub(super) struct ReviewQuery {
    #[serde(flatten)]
    filter: RawFilter,
    accepted: Option<i64>,
    returned: Option<i64>,
}

fn bad_filter((_, message): (&'static str, String)) -> WebError {
    WebError::BadRequest(message)
}

/// The queue for `filter`; a page past the end shows the last one.
async fn queue(
    st: &AppState,
    chrome: &Chrome,
    filter: &ReviewFilter,
) -> Result<ReviewQueue, WebError> {
    let me = chrome.account()?;
    let q = workspace::review_queue(&st.store, me, filter).await?;
    if q.entries.is_empty() && filter.page > 1 {
        let last = ReviewFilter {
            page: 1,
            ..filter.clone()
        };
        return Ok(workspace::review_queue(&st.store, me, &last).await?);
    }
    Ok(q)
}

/// `GET /review?plan=&period=&section=&unit=&state=&order=&page=`.
pub(super) async fn page(
    State(st): State<AppState>,
    chrome: Chrome,
    Query(q): Query<ReviewQuery>,
) -> Result<ReviewPage, WebError> {
    chrome.may(Action::ViewReviewQueue)?;
    let filter = filter_of(&q.filter).map_err(bad_filter)?;
    let queue = queue(&st, &chrome, &filter).await?;
    let mut page = ReviewPage::new(chrome, queue, st.today());
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
    #[serde(flatten)]
    filter: RawFilter,
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
    let me = chrome.may(Action::Review)?.clone();
    let report: ReportId = id_of(id)?;
    let filter = filter_of(&f.filter).map_err(bad_filter)?;
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
            let q = query_of(&filter, filter.page);
            let q = if q.is_empty() { q } else { format!("{q}&") };
            return Ok(Redirect::to(&format!("/review?{q}{done}={report}")).into_response());
        }
        Err(AppError::Invalid { reason, .. }) => (StatusCode::UNPROCESSABLE_ENTITY, reason),
        Err(AppError::Conflict { reason }) => (StatusCode::CONFLICT, reason),
        Err(e) => return Err(e.into()),
    };
    let queue = queue(&st, &chrome, &filter).await?;
    let mut page = ReviewPage::new(chrome, queue, st.today());
    if page.rows.iter().any(|r| r.id == report.0) {
        page.row_error = Some((report.0, message, f.reason));
    } else {
        page.page_error = Some(message);
    }
    Ok((status, page).into_response())
}

/// `POST /review/bulk`: `report` once per selected row, `action` `accept` or `return` (with
/// a `reason`), and the filter to come back to. Each report is reviewed on its own; the page
/// says per row what happened. Read as pairs: a form repeats `report`.
pub(super) async fn bulk(
    State(st): State<AppState>,
    chrome: Chrome,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let me = chrome.may(Action::Review)?.clone();
    let mut raw = RawFilter::default();
    let (mut reports, mut action, mut reason) = (Vec::new(), String::new(), String::new());
    // Every open report the page showed: "accept all on this page", without JavaScript.
    let mut on_page = Vec::new();
    let report_id = |v: &str| {
        id_of::<i64>(v).map(ReportId).map_err(|_| {
            WebError::BadRequest(format!("“{v}”不是报告编号 / '{v}' is not a report id"))
        })
    };
    for (k, v) in pairs {
        match k.as_str() {
            "report" => reports.push(report_id(&v)?),
            "on_page" => on_page.push(report_id(&v)?),
            "action" => action = v,
            "reason" => reason = v,
            "plan" => raw.plan = Some(v),
            "period" => raw.period = Some(v),
            "section" => raw.section = Some(v),
            "unit" => raw.unit = Some(v),
            "state" => raw.state = Some(v),
            "order" => raw.order = Some(v),
            "page" => raw.page = Some(v),
            "per_page" => raw.per_page = Some(v),
            _ => {}
        }
    }
    let filter = filter_of(&raw).map_err(bad_filter)?;
    let decision = match action.as_str() {
        "accept" => Decision::Accept,
        "accept_page" => {
            reports = on_page;
            Decision::Accept
        }
        "return" => Decision::Return(reason.clone()),
        a => {
            return Err(WebError::BadRequest(format!(
                "操作“{a}”应为 accept 或 return / the action '{a}' must be accept or return"
            )));
        }
    };
    let outcome = workspace::review_many(&st.store, &me, &reports, &decision).await;
    let queue = queue(&st, &chrome, &filter).await?;
    let mut page = ReviewPage::new(chrome, queue, st.today());
    let t = page.t;
    match outcome {
        Ok(done) => {
            let n = done.iter().filter(|(_, o)| *o == Reviewed::Done).count();
            let verb = match decision {
                Decision::Accept => t.bulk_accepted,
                Decision::Return(_) => t.bulk_returned,
            };
            page.note = Some(format!("{verb} {n} / {}", done.len()));
            page.bulk = done
                .into_iter()
                .map(|(id, o)| match o {
                    Reviewed::Done => BulkRow {
                        id: id.0,
                        kind: "done",
                        text: verb.to_string(),
                    },
                    Reviewed::AlreadyReviewed(why) => BulkRow {
                        id: id.0,
                        kind: "already",
                        text: format!("{}:{why}", t.bulk_already),
                    },
                    Reviewed::Refused(why) => BulkRow {
                        id: id.0,
                        kind: "refused",
                        text: format!("{}:{why}", t.bulk_refused),
                    },
                })
                .collect();
            Ok(page.into_response())
        }
        Err(AppError::Invalid { reason, .. }) => {
            page.page_error = Some(reason);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
