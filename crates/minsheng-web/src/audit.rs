//! The audit trail of a report, assignment, target, plan or account (`/audit?entity=…&id=…`):
//! who changed what and when, each change shown field by field as before → after, newest
//! first, 50 events a page. Who may read which trail is decided by
//! [`minsheng_app::audit`] (the JSON API `GET /api/audit` calls the same use-case).

mod msg;

use crate::AppState;
use crate::auth::Chrome;
use crate::error::WebError;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Query, State};
use axum::routing::get;
use minsheng_app::accounts::People;
use minsheng_app::audit::{self, AuditTrail, Subject};
use msg::Msg;

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/audit", get(page))
}

/// What a trail is asked for with: `entity`, `id` and `page` (from 1).
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub(crate) struct AuditParams {
    /// `report`, `assignment`, `target`, `plan` or `account`.
    pub entity: Option<String>,
    /// The record's id.
    pub id: Option<String>,
    /// The page, from 1 (50 events a page); 1 when absent.
    pub page: Option<String>,
}

impl AuditParams {
    /// The subject and page asked for, or the field at fault and why.
    pub(crate) fn read(&self) -> Result<(Subject, u32), (String, String)> {
        let subject = Subject::parse(
            self.entity.as_deref().unwrap_or_default(),
            self.id.as_deref().unwrap_or_default(),
        )
        .map_err(|e| match e {
            minsheng_app::AppError::Invalid { field, reason } => (field, reason),
            other => ("entity".to_string(), other.to_string()),
        })?;
        let page = match self
            .page
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            None => 1,
            Some(p) => p.parse::<u32>().ok().filter(|n| *n >= 1).ok_or_else(|| {
                (
                    "page".to_string(),
                    format!(
                        "页码“{p}”应为从 1 起的整数 / the page '{p}' must be a whole number from 1"
                    ),
                )
            })?,
        };
        Ok((subject, page))
    }
}

/// A moment as 北京时间, to the second.
pub(crate) fn time(t: jiff::Timestamp) -> String {
    minsheng_app::clock::in_beijing(t)
        .strftime("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// One field of an event as shown.
struct ChangeRow {
    field: String,
    before: String,
    after: String,
}

/// One event as shown.
struct EventRow {
    id: i64,
    at: String,
    actor: String,
    /// The login or name recorded, shown on hover.
    login: String,
    action: String,
    /// What record it changed (报送 #12).
    record: String,
    changes: Vec<ChangeRow>,
}

#[derive(Template, WebTemplate)]
#[template(path = "audit.html")]
pub(crate) struct AuditPage {
    chrome: Chrome,
    t: &'static Msg,
    heading: String,
    back: Option<String>,
    events: Vec<EventRow>,
    total: i64,
    page: u32,
    pages: u32,
    prev: Option<String>,
    next: Option<String>,
}

/// A recorded code (a report's `status`, a `stage`, a target's `cmp`) in the page's
/// language; any other value as recorded.
fn coded(lang: crate::i18n::Lang, field: &str, v: &str) -> String {
    use minsheng_domain::{Cmp, ReportStatus, Stage};
    let label = match field {
        "status" => ReportStatus::from_code(v).map(|s| (s.label_zh(), s.label_en())),
        "stage" => Stage::from_code(v).map(|s| (s.label_zh(), s.label_en())),
        "cmp" => Cmp::from_code(v).map(|c| (c.label_zh(), c.label_en())),
        _ => None,
    };
    match label {
        Some((zh, en)) => lang.pick(zh, en).to_string(),
        None => v.to_string(),
    }
}

/// The address of a trail's page.
pub(crate) fn href(subject: Subject, page: u32) -> String {
    let base = format!("/audit?entity={}&id={}", subject.kind(), subject.id());
    if page > 1 {
        format!("{base}&page={page}")
    } else {
        base
    }
}

impl AuditPage {
    fn new(chrome: Chrome, trail: &AuditTrail, people: &People) -> AuditPage {
        let t = chrome.lang.pick(&msg::ZH, &msg::EN);
        let s = trail.subject;
        let lang = chrome.lang;
        let shown = |field: &str, v: &Option<String>| match v {
            Some(v) => coded(lang, field, v),
            None => t.empty.to_string(),
        };
        let events = trail
            .entries
            .iter()
            .map(|e| {
                let ev = &e.event;
                let record = if ev.entity_id == 0 {
                    Msg::name(t.kinds, &ev.entity).to_string()
                } else {
                    format!("{} #{}", Msg::name(t.kinds, &ev.entity), ev.entity_id)
                };
                EventRow {
                    id: ev.id.0,
                    at: time(ev.at),
                    actor: crate::auth::person(people, &ev.actor, lang),
                    login: ev.actor.clone(),
                    action: Msg::name(t.actions, &ev.action).to_string(),
                    record,
                    changes: e
                        .changes
                        .iter()
                        .map(|c| ChangeRow {
                            field: Msg::name(t.fields, &c.field).to_string(),
                            before: shown(&c.field, &c.before),
                            after: shown(&c.field, &c.after),
                        })
                        .collect(),
                }
            })
            .collect();
        let back = match s {
            Subject::Report(id) => Some(format!("/reports/{id}")),
            Subject::Target(id) => Some(format!("/targets/{id}")),
            Subject::Plan(id) => Some(format!("/plans/{id}")),
            Subject::Assignment(_) | Subject::Account(_) => None,
        };
        AuditPage {
            heading: format!("{} · {} #{}", t.title, Msg::name(t.kinds, s.kind()), s.id()),
            back,
            events,
            total: trail.total,
            page: trail.page,
            pages: trail.pages,
            prev: (trail.page > 1).then(|| href(s, trail.page - 1)),
            next: (trail.page < trail.pages).then(|| href(s, trail.page + 1)),
            t,
            chrome,
        }
    }
}

/// `GET /audit?entity=…&id=…&page=…`.
async fn page(
    State(st): State<AppState>,
    chrome: Chrome,
    Query(q): Query<AuditParams>,
) -> Result<AuditPage, WebError> {
    let me = chrome.account()?.clone();
    let (subject, page) = q
        .read()
        .map_err(|(_, reason)| WebError::BadRequest(reason))?;
    let trail = audit::trail(&st.store, &me, subject, page).await?;
    let people = crate::auth::people(&st).await?;
    Ok(AuditPage::new(chrome, &trail, &people))
}
