//! The reporting flow's pages: a unit's workspace (`/workspace`), the report form
//! (`/workspace/assignments/{id}/report`) with evidence upload, the office's review queue
//! (`/review`: filters, pages, accept and return one or many), the office's 催报 (`/chase`), a report with its revisions (`/reports/{id}`) and the
//! download of an evidence file (`/evidence/{id}`).
//!
//! The handlers parse and render only: who may see or do what, and every rule of filing and
//! review, is decided by [`minsheng_app::workspace`] (which the JSON API calls too). A unit
//! account asking for another unit's assignment, report or evidence gets 403 on every route.

mod chase;
pub(crate) mod form;
mod msg;
mod plan;
mod plan_msg;
mod report;
pub(crate) mod review;

use crate::AppState;
use crate::auth::Chrome;
use crate::error::WebError;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::routing::{get, post};
use jiff::Timestamp;
use minsheng_app::accounts::People;
use minsheng_app::reporting::MAX_EVIDENCE_BYTES;
use minsheng_app::workspace::{self, Line};
use minsheng_domain::quantity::format_zh;
use minsheng_domain::{
    AssignmentId, Evidence, ImplementationStatus, Period, Reminder, Report, ReportStatus, Target,
    TargetKind,
};
use msg::Msg;
use rust_decimal::Decimal;

/// The largest upload body: the largest evidence file and its multipart framing. A file just
/// over the limit still arrives whole and is refused by the use-case with its size named.
pub(crate) const UPLOAD_LIMIT: usize = MAX_EVIDENCE_BYTES + 64 * 1024;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/workspace", get(workspace_page))
        .route(
            "/workspace/assignments/{id}/report",
            get(form::page).post(form::post),
        )
        .route(
            "/reports/{id}/evidence",
            post(form::upload).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/reports/{id}", get(report::page))
        .route("/evidence/{id}", get(report::download))
        .route("/review", get(review::page))
        .route("/reports/{id}/accept", post(review::accept))
        .route("/reports/{id}/return", post(review::return_report))
        .route("/review/bulk", post(review::bulk))
        .route("/chase", get(chase::page).post(chase::post))
        .merge(plan::routes())
}

/// The reporting pages' words in the page's language.
fn words(chrome: &Chrome) -> &'static Msg {
    chrome.lang.pick(&msg::ZH, &msg::EN)
}

/// An id in a path; anything else is a page that does not exist.
fn id_of<T: std::str::FromStr>(s: &str) -> Result<T, WebError> {
    s.parse().map_err(|_| WebError::NotFound)
}

/// The month asked for (`2023-09`), or the current reporting month; otherwise why not.
pub(crate) fn month_of(q: Option<&str>, today: jiff::civil::Date) -> Result<Period, String> {
    match q.map(str::trim).filter(|p| !p.is_empty()) {
        None => Ok(workspace::reporting_month(today)),
        Some(p) => match Period::parse(p) {
            Ok(p @ Period::Month { .. }) => Ok(p),
            Ok(_) | Err(_) => Err(format!(
                "期间“{p}”应为 YYYY-MM 形式的月份 / the period '{p}' must be a month written YYYY-MM"
            )),
        },
    }
}

/// The period of a report form: a month (2023-09), or — for a multi-year goal reported by
/// year or quarter — a year (2024) or a quarter (2024-Q2); without one, the current reporting
/// month. Whether the assignment takes that period is the use-case's to say.
fn form_period_of(q: Option<&str>, today: jiff::civil::Date) -> Result<Period, WebError> {
    match q
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(Period::parse)
    {
        Some(Ok(p @ (Period::Year(_) | Period::Quarter { .. }))) => Ok(p),
        _ => period_of(q, today),
    }
}

/// The month asked for, or the current reporting month; anything else is a bad request.
fn period_of(q: Option<&str>, today: jiff::civil::Date) -> Result<Period, WebError> {
    month_of(q, today).map_err(WebError::BadRequest)
}

fn period_label(chrome: &Chrome, p: Period) -> String {
    chrome.lang.pick(p.label_zh(), p.to_string())
}

fn status_label(chrome: &Chrome, s: ReportStatus) -> &'static str {
    chrome.lang.pick(s.label_zh(), s.label_en())
}

/// A moment as 北京时间, to the minute.
fn time(t: Timestamp) -> String {
    minsheng_app::clock::in_beijing(t)
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

/// A value in the target's unit as officials write it (23万人).
fn amount(v: Decimal, target: &Target) -> String {
    format!("{}{}", format_zh(v), target.quantity.unit)
}

/// What a report says it reached: its stage, or its value in the target's unit.
fn reached(chrome: &Chrome, r: &Report, target: &Target) -> String {
    match (r.stage, r.cumulative) {
        (Some(s), _) => chrome.lang.pick(s.label_zh(), s.label_en()).to_string(),
        (None, Some(v)) => amount(v, target),
        (None, None) => chrome.t.none.to_string(),
    }
}

/// An assignment's quota as shown beside its target.
fn quota(t: &Msg, line_target: &Target, q: Option<Decimal>) -> String {
    match (line_target.kind, q) {
        (TargetKind::Stage, _) => t.stage_target.to_string(),
        (TargetKind::Quantity, Some(q)) => amount(q, line_target),
        (TargetKind::Quantity, None) => format!("{}({})", t.whole_target, line_target.quantity),
    }
}

/// The report form's address for an assignment and period.
fn form_href(assignment: impl std::fmt::Display, period: Period) -> String {
    format!("/workspace/assignments/{assignment}/report?period={period}")
}

/// One evidence file as listed.
struct EvidenceRow {
    id: i64,
    name: String,
    size: String,
    by: String,
    at: String,
}

impl EvidenceRow {
    fn of(e: &Evidence) -> EvidenceRow {
        let size = match e.size {
            n if n >= 1024 * 1024 => format!("{:.1} MiB", n as f64 / (1024.0 * 1024.0)),
            n if n >= 1024 => format!("{:.0} KiB", n as f64 / 1024.0),
            n => format!("{n} B"),
        };
        EvidenceRow {
            id: e.id.0,
            name: e.file_name.clone(),
            size,
            by: e.uploaded_by.clone(),
            at: time(e.uploaded_at),
        }
    }
}

/// One revision of a report as its history lists it.
struct RevisionRow {
    id: i64,
    revision: u32,
    status: &'static str,
    status_label: &'static str,
    value: String,
    spent: String,
    narrative: String,
    reason: Option<String>,
    filed_by: String,
    filed_at: String,
    reviewed: String,
    evidence: Vec<EvidenceRow>,
}

impl RevisionRow {
    fn of(
        chrome: &Chrome,
        people: &People,
        r: &Report,
        target: &Target,
        evidence: &[Evidence],
    ) -> RevisionRow {
        let who = |name: &str| crate::auth::person(people, name, chrome.lang);
        RevisionRow {
            id: r.id.0,
            revision: r.revision,
            status: r.status.code(),
            status_label: status_label(chrome, r.status),
            value: reached(chrome, r, target),
            spent: r
                .funds_spent
                .map(|v| chrome.lang.amount(v, "元"))
                .unwrap_or_else(|| chrome.t.none.to_string()),
            narrative: r.narrative.clone(),
            reason: r.return_reason.clone(),
            filed_by: who(&r.filed_by),
            filed_at: time(r.filed_at),
            reviewed: match (&r.reviewed_by, r.reviewed_at) {
                (Some(by), Some(at)) => format!("{} · {}", who(by), time(at)),
                _ => chrome.t.none.to_string(),
            },
            evidence: evidence.iter().map(EvidenceRow::of).collect(),
        }
    }
}

#[derive(serde::Deserialize)]
struct WorkspaceQuery {
    period: Option<String>,
    filed: Option<i64>,
}

/// One assignment's row in the workspace.
struct AssignmentRow {
    id: i64,
    no: String,
    target: String,
    holder: Option<String>,
    quota: String,
    status: &'static str,
    status_label: &'static str,
    href: String,
    link: &'static str,
    /// The implementation plan: its newest revision's status code and label.
    plan: (&'static str, &'static str),
    plan_href: String,
}

/// A returned report still to correct.
struct ReturnedRow {
    report: i64,
    target: String,
    period: String,
    reason: String,
    href: String,
}

/// An open problem of the unit.
struct ProblemRow {
    title: String,
    owner: String,
    raised_by: String,
    due: String,
    overdue: bool,
}

/// A report due soon or overdue.
struct ReminderRow {
    /// `due_soon` or `overdue`.
    kind: &'static str,
    label: &'static str,
    target: String,
    period: String,
    due: String,
    /// Days left, or days late.
    days: i32,
    href: String,
}

/// A 催报 from the office still standing.
struct ChasedRow {
    assignment: i64,
    target: String,
    period: String,
    day: String,
    href: String,
}

/// How many reminders the workspace lists; the rest are counted.
const REMINDERS_SHOWN: usize = 12;

#[derive(Template, WebTemplate)]
#[template(path = "workspace.html")]
struct WorkspacePage {
    chrome: Chrome,
    t: &'static Msg,
    unit: String,
    period: String,
    period_label: String,
    months: Vec<(String, String, bool)>,
    rows: Vec<AssignmentRow>,
    returned: Vec<ReturnedRow>,
    problems: Vec<ProblemRow>,
    reminders: Vec<ReminderRow>,
    reminders_more: usize,
    chased: Vec<ChasedRow>,
    chased_more: usize,
    filed: Option<i64>,
    /// The issued bulletins that concern the unit.
    bulletins: Vec<crate::bulletins::Link>,
    assessments: Vec<(String, String)>,
    bt: &'static crate::bulletins::msg::BulletinMsg,
}

fn assignment_row(
    chrome: &Chrome,
    t: &'static Msg,
    own: &str,
    l: &Line,
    p: Period,
    plan: Option<ImplementationStatus>,
) -> AssignmentRow {
    let status = l.status();
    let id = l.placed.assignment.id;
    AssignmentRow {
        id: l.placed.assignment.id.0,
        no: format!("{}.{}", l.placed.section_no, l.placed.item_no),
        target: l.placed.target.phrase.clone(),
        holder: (l.unit != own).then(|| l.unit.clone()),
        quota: quota(t, &l.placed.target, l.placed.assignment.quota),
        status: status.map_or("none", ReportStatus::code),
        status_label: status.map_or(t.not_filed, |s| status_label(chrome, s)),
        href: form_href(l.placed.assignment.id, p),
        link: match status {
            None => t.link_fill,
            Some(ReportStatus::Draft) => t.link_continue,
            Some(ReportStatus::Returned) => t.link_correct,
            Some(ReportStatus::Submitted | ReportStatus::Accepted) => t.link_view,
        },
        plan: match plan {
            Some(s) => (s.code(), chrome.lang.pick(s.label_zh(), s.label_en())),
            None => ("none", t.plan_not_filed),
        },
        plan_href: format!("/workspace/assignments/{id}/plan"),
    }
}

async fn workspace_page(
    State(st): State<AppState>,
    chrome: Chrome,
    Query(q): Query<WorkspaceQuery>,
) -> Result<WorkspacePage, WebError> {
    let me = chrome.account()?.clone();
    let today = st.today();
    let period = period_of(q.period.as_deref(), today)?;
    let w = workspace::workspace(&st.store, &me, period, today).await?;
    let t = words(&chrome);
    let ids: Vec<AssignmentId> = w.lines.iter().map(|l| l.placed.assignment.id).collect();
    let plans = minsheng_app::implementation::states(&st.store, &me, &ids).await?;
    let rows = w
        .lines
        .iter()
        .map(|l| {
            let plan = plans.get(&l.placed.assignment.id).map(|s| s.0);
            assignment_row(&chrome, t, &w.unit.name, l, period, plan)
        })
        .collect();
    let returned = w
        .returned
        .iter()
        .map(|r| ReturnedRow {
            report: r.report.id.0,
            target: match r.unit == w.unit.name {
                true => r.placed.target.phrase.clone(),
                false => format!("{}({})", r.placed.target.phrase, r.unit),
            },
            period: period_label(&chrome, r.report.period),
            reason: r.report.return_reason.clone().unwrap_or_default(),
            href: form_href(r.placed.assignment.id, r.report.period),
        })
        .collect();
    let problems = w
        .problems
        .iter()
        .map(|p| ProblemRow {
            title: p.problem.title.clone(),
            owner: p.owner.clone(),
            raised_by: p.raised_by.clone(),
            due: p.problem.due.to_string(),
            overdue: p.overdue,
        })
        .collect();
    let reminders = w
        .reminders
        .iter()
        .take(REMINDERS_SHOWN)
        .filter_map(|r| {
            let (kind, label, p, due, days) = match r.reminder {
                Reminder::DueSoon {
                    period,
                    due,
                    days_left,
                    ..
                } => ("due_soon", t.due_soon, period, due, days_left),
                Reminder::Overdue {
                    period,
                    due,
                    days_late,
                    ..
                } => ("overdue", t.overdue_report, period, due, days_late),
                _ => return None,
            };
            Some(ReminderRow {
                kind,
                label,
                target: r.placed.target.phrase.clone(),
                period: period_label(&chrome, p),
                due: due.to_string(),
                days,
                href: form_href(r.placed.assignment.id, p),
            })
        })
        .collect();
    let chased = w
        .chased
        .iter()
        .take(REMINDERS_SHOWN)
        .map(|c| ChasedRow {
            assignment: c.placed.assignment.id.0,
            target: match c.unit == w.unit.name {
                true => c.placed.target.phrase.clone(),
                false => format!("{}({})", c.placed.target.phrase, c.unit),
            },
            period: period_label(&chrome, c.reminder.period),
            day: c.reminder.day.to_string(),
            href: form_href(c.placed.assignment.id, c.reminder.period),
        })
        .collect();
    let months = Period::Year(period.year())
        .months()
        .filter(|m| *m == period || m.first_day() <= today)
        .map(|m| (m.to_string(), period_label(&chrome, m), m == period))
        .collect();
    let bulletins = crate::bulletins::for_workspace(&st, &chrome).await?;
    let assessments = crate::assessment::for_workspace(&st, &chrome).await?;
    Ok(WorkspacePage {
        t,
        bulletins,
        assessments,
        bt: crate::bulletins::words(chrome.lang),
        unit: w.unit.name.clone(),
        period: period.to_string(),
        period_label: period_label(&chrome, period),
        months,
        rows,
        returned,
        problems,
        reminders,
        reminders_more: w.reminders.len().saturating_sub(REMINDERS_SHOWN),
        chased,
        chased_more: w.chased.len().saturating_sub(REMINDERS_SHOWN),
        filed: q.filed,
        chrome,
    })
}
