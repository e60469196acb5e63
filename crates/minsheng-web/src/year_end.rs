//! Year end (年终结转) pages: closing a plan (`/plans/{id}/close`: every unfinished target
//! with its figures and the office's decision — carry over into a later plan, or close with a
//! reason — then the plan closed) and the plan diff (`/plans/{id}/diff?against={id}`: new,
//! dropped, raised, lowered, unchanged, matched by meaning). The same diff is shown on the
//! plan editor's preview ([`diff_panel`]). Everything they say is
//! [`minsheng_app::year_end`]'s and [`minsheng_app::plan_diff`]'s; pages only format it.

pub(crate) mod msg;

use crate::AppState;
use crate::auth::Chrome;
use crate::error::WebError;
use crate::i18n::Lang;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use minsheng_app::AppError;
use minsheng_app::plan_diff::{self, DiffView};
use minsheng_app::year_end::{self, CloseForm, CloseView};
use minsheng_domain::plan_diff::Entry;
use minsheng_domain::year_end::Decision;
use minsheng_domain::{Action, PlanId, Quantity, TargetId, TargetKind};
use msg::{EN, YearEndMsg, ZH};
use std::collections::HashMap;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/plans/{id}/close", get(close_page).post(close))
        .route("/plans/{id}/diff", get(diff_page))
}

pub(crate) fn words(lang: Lang) -> &'static YearEndMsg {
    lang.pick(&ZH, &EN)
}

fn id_of<T: std::str::FromStr>(s: &str) -> Result<T, WebError> {
    s.trim().parse().map_err(|_| WebError::NotFound)
}

fn optional_id<T: std::str::FromStr>(s: Option<&str>) -> Option<T> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .and_then(|s| s.parse().ok())
}

fn time(t: jiff::Timestamp) -> String {
    minsheng_app::clock::in_beijing(t)
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

/// A plan in a choice list: its year and title.
fn plan_label(p: &minsheng_domain::Plan) -> String {
    format!("{} · {}", p.year, p.title)
}

/// One unfinished target's row on the closing page.
struct CloseRow {
    target: i64,
    item: String,
    phrase: String,
    goal: String,
    achieved: String,
    status: &'static str,
    status_code: &'static str,
    remains: String,
    may_carry: bool,
    carry: bool,
    reason: String,
    continued: String,
}

/// One row of a closed plan: what became of the target.
struct ClosedRow {
    target: i64,
    phrase: String,
    achieved: String,
    outcome: &'static str,
    reason: String,
    next: Option<(i64, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "plan_close.html")]
struct ClosePage {
    chrome: Chrome,
    t: &'static YearEndMsg,
    plan_id: i64,
    title: String,
    period: String,
    finished: String,
    open: bool,
    closed_by: String,
    rows: Vec<CloseRow>,
    closed_rows: Vec<ClosedRow>,
    next: Option<(i64, String)>,
    next_choices: Vec<(i64, String, bool)>,
    error: Option<String>,
}

fn goal_of(kind: TargetKind, cmp: minsheng_domain::Cmp, q: &Quantity, lang: Lang) -> String {
    match kind {
        TargetKind::Stage => lang.pick("完成", "done").to_string(),
        TargetKind::Quantity => format!(
            "{} {}",
            lang.pick(cmp.label_zh(), cmp.label_en()),
            lang.quantity(q)
        ),
    }
}

fn achieved_of(line: &minsheng_app::tracking::TargetTracking, lang: Lang) -> String {
    match (line.target.kind, line.rollup.value) {
        (TargetKind::Quantity, Some(v)) => lang.amount(v, &line.target.quantity.unit),
        _ => "—".into(),
    }
}

/// What the office sent last, shown again beside a refusal.
type Sent = HashMap<i64, (bool, String)>;

fn close_page_of(
    chrome: Chrome,
    v: &CloseView,
    sent: Option<&Sent>,
    error: Option<String>,
) -> ClosePage {
    let lang = chrome.lang;
    let t = words(lang);
    let rows = v
        .lines
        .iter()
        .map(|l| {
            let target = &l.line.target;
            let (carry, reason) = sent
                .and_then(|s| s.get(&target.id.0).cloned())
                .unwrap_or((l.propose_carry, l.proposed_reason.clone()));
            CloseRow {
                target: target.id.0,
                item: t.item_no(l.line.item_no),
                phrase: target.phrase.clone(),
                goal: goal_of(target.kind, target.cmp, &target.quantity, lang),
                achieved: achieved_of(&l.line, lang),
                status: lang.pick(l.line.status.label_zh(), l.line.status.label_en()),
                status_code: l.line.status.colour().code(),
                remains: match &l.remainder {
                    Ok(q) => goal_of(target.kind, target.cmp, q, lang),
                    Err(e) => e.to_string(),
                },
                may_carry: l.remainder.is_ok() && v.next.is_some(),
                carry: carry && l.remainder.is_ok() && v.next.is_some(),
                reason,
                continued: l
                    .continued
                    .as_ref()
                    .map(|(no, phrase, change)| {
                        format!(
                            "{} {phrase}({})",
                            t.item_no(*no),
                            lang.pick(change.label_zh(), change.label_en())
                        )
                    })
                    .unwrap_or_default(),
            }
        })
        .collect();
    let closed_rows = v
        .closures
        .iter()
        .map(|(c, line, to)| ClosedRow {
            target: c.target.0,
            phrase: line
                .as_ref()
                .map(|l| format!("{} {}", t.item_no(l.item_no), l.target.phrase))
                .unwrap_or_else(|| format!("#{}", c.target)),
            achieved: line
                .as_ref()
                .map(|l| achieved_of(l, lang))
                .unwrap_or_default(),
            outcome: lang.pick(c.disposition.label_zh(), c.disposition.label_en()),
            reason: c.reason.clone().unwrap_or_default(),
            next: c.next_target.map(|n| {
                let label = to
                    .as_ref()
                    .map(|(y, phrase)| {
                        format!("{} · {phrase}", lang.pick(format!("{y}年"), y.to_string()))
                    })
                    .unwrap_or_else(|| format!("#{n}"));
                (n.0, label)
            }),
        })
        .collect();
    ClosePage {
        t,
        plan_id: v.plan.id.0,
        title: v.plan.title.clone(),
        period: lang.pick(v.period.label_zh(), v.period.label_en()),
        finished: format!("{} / {}", v.finished, v.total),
        open: v.closing.state == minsheng_domain::PlanState::Open,
        closed_by: v
            .closing
            .closed
            .as_ref()
            .map(|(by, at)| format!("{by} · {}", time(*at)))
            .unwrap_or_default(),
        rows,
        closed_rows,
        next: v.next.as_ref().map(|p| (p.id.0, plan_label(p))),
        next_choices: v
            .next_choices
            .iter()
            .map(|p| {
                (
                    p.id.0,
                    plan_label(p),
                    v.next.as_ref().is_some_and(|n| n.id == p.id),
                )
            })
            .collect(),
        error,
        chrome,
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct CloseQuery {
    next: Option<String>,
}

/// `GET /plans/{id}/close`: the closing page (`?next=` chooses the plan to carry into).
async fn close_page(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    Query(q): Query<CloseQuery>,
) -> Result<ClosePage, WebError> {
    let me = chrome.may(Action::ClosePlan)?.clone();
    let plan: PlanId = id_of(&id)?;
    let v = year_end::view(
        &st.store,
        &me,
        plan,
        optional_id(q.next.as_deref()),
        st.today(),
        &st.thresholds,
    )
    .await?;
    Ok(close_page_of(chrome, &v, None, None))
}

/// The closing form: `next`, and per target `decision-{id}` (`carry` or `close`) and
/// `reason-{id}`. A target with no decision is left out, for the domain to name.
fn close_form(pairs: &[(String, String)]) -> (CloseForm, Sent) {
    let mut form = CloseForm::default();
    let mut reasons: HashMap<i64, String> = HashMap::new();
    let mut carry: HashMap<i64, bool> = HashMap::new();
    for (name, value) in pairs {
        if name == "next" {
            form.next = optional_id(Some(value));
        } else if let Some(id) = name.strip_prefix("decision-").and_then(|s| s.parse().ok()) {
            match value.as_str() {
                "carry" => {
                    carry.insert(id, true);
                }
                "close" => {
                    carry.insert(id, false);
                }
                _ => {}
            }
        } else if let Some(id) = name.strip_prefix("reason-").and_then(|s| s.parse().ok()) {
            reasons.insert(id, value.clone());
        }
    }
    let mut sent = Sent::new();
    for (id, c) in carry {
        let reason = reasons.get(&id).cloned().unwrap_or_default();
        form.decisions.insert(
            TargetId(id),
            if c {
                Decision::CarryOver
            } else {
                Decision::Close {
                    reason: reason.clone(),
                }
            },
        );
        sent.insert(id, (c, reason));
    }
    (form, sent)
}

/// `POST /plans/{id}/close`: closes the plan as decided; a refusal shows the page again
/// (422) with what was sent and every reason, nothing written.
async fn close(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let me = chrome.may(Action::ClosePlan)?.clone();
    let plan: PlanId = id_of(&id)?;
    let (form, sent) = close_form(&pairs);
    let today = st.today();
    match year_end::close(&st.store, &me, plan, &form, today, &st.thresholds).await {
        Ok(_) => Ok(Redirect::to(&format!("/plans/{plan}/close")).into_response()),
        Err(AppError::Invalid { reason, .. }) => {
            let v = year_end::view(&st.store, &me, plan, form.next, today, &st.thresholds).await?;
            let page = close_page_of(chrome, &v, Some(&sent), Some(reason));
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// One line of a diff, formatted.
pub(crate) struct DiffRow {
    pub(crate) change: &'static str,
    pub(crate) label: &'static str,
    pub(crate) old: Option<Side>,
    pub(crate) new: Option<Side>,
    pub(crate) similarity: String,
}

/// One side of a diff line.
pub(crate) struct Side {
    pub(crate) no: String,
    pub(crate) phrase: String,
    pub(crate) value: String,
    pub(crate) href: Option<String>,
}

/// A diff as the standing page and the editor's preview show it.
pub(crate) struct DiffPanel {
    pub(crate) old_id: i64,
    pub(crate) old_title: String,
    pub(crate) counts: Vec<(&'static str, &'static str, usize)>,
    pub(crate) rows: Vec<DiffRow>,
    pub(crate) choices: Vec<(i64, String, bool)>,
}

fn side(e: &Entry, id: Option<TargetId>, t: &YearEndMsg, lang: Lang) -> Side {
    Side {
        no: t.item_no(e.item_no),
        phrase: e.phrase.clone(),
        value: if e.qualitative {
            String::new()
        } else {
            lang.quantity(&e.quantity)
        },
        href: id.map(|id| format!("/targets/{id}")),
    }
}

pub(crate) fn diff_panel(v: &DiffView, lang: Lang) -> DiffPanel {
    let t = words(lang);
    DiffPanel {
        old_id: v.old.id.0,
        old_title: plan_label(&v.old),
        counts: v
            .counts()
            .into_iter()
            .map(|(c, n)| (c.code(), lang.pick(c.label_zh(), c.label_en()), n))
            .collect(),
        rows: v
            .diff
            .lines
            .iter()
            .map(|l| DiffRow {
                change: l.change.code(),
                label: lang.pick(l.change.label_zh(), l.change.label_en()),
                old: l
                    .old
                    .map(|i| side(&v.old_entries[i], v.old_ids.get(i).copied(), t, lang)),
                new: l
                    .new
                    .map(|j| side(&v.new_entries[j], v.new_ids.get(j).copied(), t, lang)),
                similarity: if l.old.is_some() && l.new.is_some() {
                    format!("{}%", l.similarity / 10)
                } else {
                    String::new()
                },
            })
            .collect(),
        choices: v
            .choices
            .iter()
            .map(|p| (p.id.0, plan_label(p), p.id == v.old.id))
            .collect(),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "plan_diff.html")]
struct DiffPage {
    chrome: Chrome,
    /// The words, named as the shared diff table (`plan_diff_table.html`) reads them.
    ye: &'static YearEndMsg,
    plan_id: i64,
    title: String,
    diff: Option<DiffPanel>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct DiffQuery {
    against: Option<String>,
}

/// `GET /plans/{id}/diff?against={id}`: the plan against an earlier one (by default the
/// latest earlier plan of its kind).
async fn diff_page(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    Query(q): Query<DiffQuery>,
) -> Result<DiffPage, WebError> {
    let me = chrome.may(Action::ViewPlans)?.clone();
    let plan: PlanId = id_of(&id)?;
    let against = match q.against.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => Some(s.parse().map_err(|_| {
            WebError::from(AppError::Invalid {
                field: "against".into(),
                reason: format!("“{s}”不是计划编号 / '{s}' is not a plan id"),
            })
        })?),
    };
    let view = plan_diff::of_plan(&st.store, &me, plan, against).await?;
    let p = minsheng_app::visibility::plan(&st.store, Some(&me), plan).await?;
    let lang = chrome.lang;
    Ok(DiffPage {
        ye: words(lang),
        plan_id: plan.0,
        title: p.title.clone(),
        diff: view.as_ref().map(|v| diff_panel(v, lang)),
        chrome,
    })
}
