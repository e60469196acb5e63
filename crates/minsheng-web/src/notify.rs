//! The background jobs and the channels they deliver through (issue #17): the office's jobs
//! page (`/jobs`: counts, jobs by status, failures, dead letters with a retry button, the
//! channels that keep failing), its rules (`/jobs/rules`), and the channel settings of one's
//! own account and of a unit (`/channels`). What may be done, and every check of a channel, is
//! [`minsheng_app::notify`]'s and [`minsheng_app::jobs`]'; the handlers parse and render.

mod msg;

use crate::AppState;
use crate::auth::Chrome;
use crate::error::WebError;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use minsheng_app::AppError;
use minsheng_app::jobs::{Job, JobStatus};
use minsheng_app::notify::{self, ChannelInput};
use minsheng_app::notify::{ChannelOwner, StoredChannel};
use minsheng_domain::{Action, ChannelKind, NotifyRules, Role, UnitId};
use msg::Msg;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/jobs", get(jobs_page))
        .route("/jobs/{id}/retry", post(retry))
        .route("/jobs/rules", get(rules_page).post(rules_post))
        .route("/channels", get(channels_page).post(channels_post))
        .route("/channels/{id}/delete", post(channel_delete))
}

fn words(chrome: &Chrome) -> &'static Msg {
    chrome.lang.pick(&msg::ZH, &msg::EN)
}

fn time_ms(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| {
            minsheng_app::clock::in_beijing(t)
                .strftime("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

fn status_label(t: &Msg, s: JobStatus) -> &'static str {
    match s {
        JobStatus::Queued => t.queued,
        JobStatus::Running => t.running,
        JobStatus::Done => t.done,
        JobStatus::Dead => t.dead,
    }
}

fn kind_label(chrome: &Chrome, k: ChannelKind) -> &'static str {
    chrome.lang.pick(k.label_zh(), k.label_en())
}

/// A job as a row.
struct JobRow {
    id: i64,
    kind: String,
    key: String,
    status: &'static str,
    code: &'static str,
    attempts: String,
    when: String,
    error: String,
    dead: bool,
}

impl JobRow {
    fn of(t: &Msg, j: &Job) -> JobRow {
        JobRow {
            id: j.id,
            kind: j.kind.clone(),
            key: j.key.clone(),
            status: status_label(t, j.status),
            code: j.status.code(),
            attempts: format!("{}/{}", j.attempts, j.max_attempts),
            when: match j.status {
                JobStatus::Queued => time_ms(j.run_at),
                JobStatus::Running => j.claimed_until.map(time_ms).unwrap_or_default(),
                JobStatus::Done | JobStatus::Dead => j.finished_at.map(time_ms).unwrap_or_default(),
            },
            error: j.last_error.clone().unwrap_or_default(),
            dead: j.status == JobStatus::Dead,
        }
    }
}

/// A channel as a row.
struct ChannelRow {
    id: i64,
    owner: String,
    kind: &'static str,
    target: String,
    secret: &'static str,
    keyword: String,
    state: String,
    failing: bool,
}

impl ChannelRow {
    fn of(chrome: &Chrome, t: &Msg, c: &StoredChannel, owner: String) -> ChannelRow {
        let failing = c.failures >= minsheng_domain::notify::FAILING_AFTER;
        ChannelRow {
            id: c.id,
            owner,
            kind: kind_label(chrome, c.kind),
            target: c.target.clone(),
            secret: match (c.kind, &c.secret) {
                (ChannelKind::Email, _) => "—",
                (_, Some(_)) => t.ch_secret_set,
                (_, None) => t.ch_secret_unset,
            },
            keyword: c.keyword.clone().unwrap_or_default(),
            state: if c.failures > 0 {
                format!(
                    "{} {} {}{}",
                    t.ch_failing_a,
                    c.failures,
                    t.ch_failing_b,
                    c.last_error
                        .as_deref()
                        .map(|e| format!(":{e}"))
                        .unwrap_or_default()
                )
            } else {
                t.ch_ok.to_string()
            },
            failing,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "jobs.html")]
pub(crate) struct JobsPage {
    chrome: Chrome,
    t: &'static Msg,
    counts: Vec<(&'static str, &'static str, i64)>,
    retrying: i64,
    filter: String,
    jobs: Vec<JobRow>,
    failing: Vec<ChannelRow>,
    note: Option<&'static str>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct JobsQuery {
    status: String,
    retried: Option<i64>,
}

async fn owner_name(st: &AppState, c: &StoredChannel) -> String {
    match c.owner {
        ChannelOwner::Unit(u) => st
            .store
            .unit_tree()
            .await
            .ok()
            .and_then(|t| t.get(u).map(|n| n.name.clone()))
            .unwrap_or_else(|| u.0.to_string()),
        ChannelOwner::Account(a) => st
            .store
            .account(a)
            .await
            .ok()
            .flatten()
            .map(|s| s.account.name)
            .unwrap_or_else(|| a.0.to_string()),
    }
}

/// `GET /jobs?status=dead`: the queue as the office sees it.
pub(crate) async fn jobs_page(
    State(st): State<AppState>,
    chrome: Chrome,
    Query(q): Query<JobsQuery>,
) -> Result<JobsPage, WebError> {
    let me = chrome.may(Action::ManageJobs)?.clone();
    let t = words(&chrome);
    let status = match q.status.trim() {
        "" => None,
        s => Some(JobStatus::from_code(s).ok_or_else(|| WebError::Invalid {
            field: "status".into(),
            reason: format!("未知的任务状态“{s}” / unknown job status '{s}'"),
        })?),
    };
    let view = minsheng_app::jobs::view(&st.store, &me, status).await?;
    let mut failing = Vec::new();
    for c in &view.failing {
        let owner = owner_name(&st, c).await;
        failing.push(ChannelRow::of(&chrome, t, c, owner));
    }
    Ok(JobsPage {
        counts: view
            .counts
            .iter()
            .map(|(s, n)| (s.code(), status_label(t, *s), *n))
            .collect(),
        retrying: view.retrying,
        filter: q.status.trim().to_string(),
        jobs: view.jobs.iter().map(|j| JobRow::of(t, j)).collect(),
        failing,
        note: q.retried.map(|_| t.retried),
        t,
        chrome,
    })
}

/// `POST /jobs/{id}/retry`: a dead job queued again (409 when it is not dead).
pub(crate) async fn retry(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let me = chrome.may(Action::ManageJobs)?.clone();
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    minsheng_app::jobs::retry(&st.store, &me, id).await?;
    Ok(Redirect::to(&format!("/jobs?status=queued&retried={id}")).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "notify_rules.html")]
pub(crate) struct RulesPage {
    chrome: Chrome,
    t: &'static Msg,
    due_soon: bool,
    overdue: bool,
    awaiting_review: bool,
    problem_overdue: bool,
    due_soon_days: String,
    review_days: String,
    quiet_from: String,
    quiet_to: String,
    note: Option<&'static str>,
    error: Option<String>,
}

impl RulesPage {
    fn of(chrome: Chrome, r: &NotifyRules) -> RulesPage {
        let (from, to) = r.quiet().unwrap_or((0, 0));
        RulesPage {
            t: words(&chrome),
            due_soon: r.due_soon,
            overdue: r.overdue,
            awaiting_review: r.awaiting_review,
            problem_overdue: r.problem_overdue,
            due_soon_days: r.reminder_rule().due_soon_days().to_string(),
            review_days: r.reminder_rule().review_days().to_string(),
            quiet_from: from.to_string(),
            quiet_to: to.to_string(),
            note: None,
            error: None,
            chrome,
        }
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct SavedQuery {
    saved: Option<u8>,
}

/// `GET /jobs/rules`.
pub(crate) async fn rules_page(
    State(st): State<AppState>,
    chrome: Chrome,
    Query(q): Query<SavedQuery>,
) -> Result<RulesPage, WebError> {
    let me = chrome.may(Action::ManageJobs)?.clone();
    let rules = notify::rules(&st.store, &me).await?;
    let mut page = RulesPage::of(chrome, &rules);
    page.note = q.saved.map(|_| page.t.saved);
    Ok(page)
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct RulesForm {
    due_soon: Option<String>,
    overdue: Option<String>,
    awaiting_review: Option<String>,
    problem_overdue: Option<String>,
    due_soon_days: String,
    review_days: String,
    quiet_from: String,
    quiet_to: String,
}

fn number(field: &str, s: &str) -> Result<i64, AppError> {
    s.trim().parse().map_err(|_| AppError::Invalid {
        field: field.into(),
        reason: format!("“{s}”不是整数 / '{s}' is not a whole number"),
    })
}

/// `POST /jobs/rules`: the rules checked by the domain, saved (audited), or the form again
/// with the field named (422).
pub(crate) async fn rules_post(
    State(st): State<AppState>,
    chrome: Chrome,
    Form(f): Form<RulesForm>,
) -> Result<Response, WebError> {
    let me = chrome.may(Action::ManageJobs)?.clone();
    let kinds = [
        f.due_soon.is_some(),
        f.overdue.is_some(),
        f.awaiting_review.is_some(),
        f.problem_overdue.is_some(),
    ];
    let parsed = (|| -> Result<NotifyRules, AppError> {
        NotifyRules::new(
            kinds,
            number("due_soon_days", &f.due_soon_days)?,
            number("review_days", &f.review_days)?,
            number("quiet_from", &f.quiet_from)?,
            number("quiet_to", &f.quiet_to)?,
        )
        .map_err(|e| AppError::Invalid {
            field: "rules".into(),
            reason: e.to_string(),
        })
    })();
    match parsed {
        Ok(rules) => {
            notify::set_rules(&st.store, &me, &rules).await?;
            Ok(Redirect::to("/jobs/rules?saved=1").into_response())
        }
        Err(AppError::Invalid { field, reason }) => {
            let current = notify::rules(&st.store, &me).await?;
            let mut page = RulesPage::of(chrome, &current);
            page.due_soon_days = f.due_soon_days;
            page.review_days = f.review_days;
            page.quiet_from = f.quiet_from;
            page.quiet_to = f.quiet_to;
            page.error = Some(format!("{field}:{reason}"));
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// One owner's channels with the form to add one.
struct Section {
    /// `account` or `unit`.
    owner: &'static str,
    unit: String,
    title: String,
    rows: Vec<ChannelRow>,
}

#[derive(Template, WebTemplate)]
#[template(path = "channels.html")]
pub(crate) struct ChannelsPage {
    chrome: Chrome,
    t: &'static Msg,
    kinds: Vec<(&'static str, &'static str)>,
    units: Vec<(i64, String, bool)>,
    sections: Vec<Section>,
    note: Option<&'static str>,
    error: Option<String>,
    input: ChannelForm,
}

#[derive(serde::Deserialize, Default, Clone)]
#[serde(default)]
pub(crate) struct ChannelsQuery {
    unit: String,
    added: Option<u8>,
    deleted: Option<u8>,
}

/// The unit whose channels are shown: the one asked for (the office), else the account's own.
fn unit_of(chrome: &Chrome, q: &str) -> Result<Option<UnitId>, WebError> {
    let me = chrome.account()?;
    match q.trim() {
        "" => Ok(me.unit),
        s => Ok(Some(UnitId(s.parse().map_err(|_| WebError::NotFound)?))),
    }
}

async fn channels_view(
    st: &AppState,
    chrome: Chrome,
    unit: Option<UnitId>,
) -> Result<ChannelsPage, WebError> {
    let me = chrome.may(Action::SetChannels)?.clone();
    let t = words(&chrome);
    let tree = st.store.unit_tree().await.map_err(AppError::from)?;
    let mut sections = Vec::new();
    let mine = notify::channels(&st.store, &me, ChannelOwner::Account(me.id)).await?;
    sections.push(Section {
        owner: "account",
        unit: String::new(),
        title: format!("{}({})", t.ch_mine, me.name),
        rows: mine
            .iter()
            .map(|c| ChannelRow::of(&chrome, t, c, me.name.clone()))
            .collect(),
    });
    if let Some(u) = unit {
        let name = tree
            .get(u)
            .map(|n| n.name.clone())
            .ok_or(WebError::NotFound)?;
        let theirs = notify::channels(&st.store, &me, ChannelOwner::Unit(u)).await?;
        sections.push(Section {
            owner: "unit",
            unit: u.0.to_string(),
            title: format!("{}({name})", t.ch_unit),
            rows: theirs
                .iter()
                .map(|c| ChannelRow::of(&chrome, t, c, name.clone()))
                .collect(),
        });
    }
    let units = if me.role == Role::Office {
        tree.units()
            .iter()
            .map(|n| (n.id.0, n.name.clone(), Some(n.id) == unit))
            .collect()
    } else {
        Vec::new()
    };
    Ok(ChannelsPage {
        kinds: ChannelKind::ALL
            .into_iter()
            .map(|k| (k.code(), kind_label(&chrome, k)))
            .collect(),
        units,
        sections,
        note: None,
        error: None,
        input: ChannelForm::default(),
        t,
        chrome,
    })
}

/// `GET /channels?unit=ID`: one's own channels and a unit's (one's own unit; the office any).
pub(crate) async fn channels_page(
    State(st): State<AppState>,
    chrome: Chrome,
    Query(q): Query<ChannelsQuery>,
) -> Result<ChannelsPage, WebError> {
    let unit = unit_of(&chrome, &q.unit)?;
    let mut page = channels_view(&st, chrome, unit).await?;
    page.note = q
        .added
        .map(|_| page.t.ch_added)
        .or(q.deleted.map(|_| page.t.ch_deleted));
    Ok(page)
}

#[derive(serde::Deserialize, Default, Clone)]
#[serde(default)]
pub(crate) struct ChannelForm {
    /// `account` or `unit`.
    owner: String,
    unit: String,
    kind: String,
    target: String,
    secret: String,
    keyword: String,
}

fn owner_of(chrome: &Chrome, f: &ChannelForm) -> Result<ChannelOwner, WebError> {
    let me = chrome.account()?;
    match f.owner.as_str() {
        "account" => Ok(ChannelOwner::Account(me.id)),
        "unit" => Ok(ChannelOwner::Unit(UnitId(f.unit.trim().parse().map_err(
            |_| WebError::Invalid {
                field: "unit".into(),
                reason: "请指定单位 / name the unit".into(),
            },
        )?))),
        other => Err(WebError::Invalid {
            field: "owner".into(),
            reason: format!("未知的所属“{other}” / unknown owner '{other}'"),
        }),
    }
}

fn back(f: &ChannelForm, what: &str) -> String {
    match f.unit.trim() {
        "" => format!("/channels?{what}=1"),
        u => format!("/channels?unit={u}&{what}=1"),
    }
}

/// `POST /channels`: a channel added (checked, its secret sealed), or the page again with the
/// field named (422) and nothing saved.
pub(crate) async fn channels_post(
    State(st): State<AppState>,
    chrome: Chrome,
    Form(f): Form<ChannelForm>,
) -> Result<Response, WebError> {
    let me = chrome.may(Action::SetChannels)?.clone();
    let owner = owner_of(&chrome, &f)?;
    let input = ChannelInput {
        kind: f.kind.clone(),
        target: f.target.clone(),
        secret: f.secret.clone(),
        keyword: f.keyword.clone(),
    };
    match notify::add_channel(&st.store, st.sealer.as_deref(), &me, owner, &input).await {
        Ok(_) => Ok(Redirect::to(&back(&f, "added")).into_response()),
        Err(AppError::Invalid { field, reason }) => {
            let unit = match owner {
                ChannelOwner::Unit(u) => Some(u),
                ChannelOwner::Account(_) => me.unit,
            };
            let mut page = channels_view(&st, chrome, unit).await?;
            page.error = Some(format!("{field}:{reason}"));
            // The secret is never sent back, not even the one just typed.
            page.input = ChannelForm {
                secret: String::new(),
                ..f
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /channels/{id}/delete` with `owner` (and `unit`).
pub(crate) async fn channel_delete(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    Form(f): Form<ChannelForm>,
) -> Result<Response, WebError> {
    let me = chrome.may(Action::SetChannels)?.clone();
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    let owner = owner_of(&chrome, &f)?;
    notify::delete_channel(&st.store, &me, owner, id).await?;
    Ok(Redirect::to(&back(&f, "deleted")).into_response())
}
