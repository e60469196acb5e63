//! The pages: the list of plans, a plan with its sections, items and targets, and one item.
//! Their words are in [`msg`].

pub(crate) mod msg;

use crate::AppState;
use crate::auth::{Chrome, home_of};
use crate::error::{Problem, Rendering, WebError};
use crate::highlight::{Piece, source_pieces};
use crate::i18n::Lang;
use crate::tracking_rows::{RankRow, TrackRow, month_options, pct, rank_rows, track_row};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use minsheng_app::tracking;
use minsheng_app::visibility::{self, ItemPage, PlanOutline};
use minsheng_domain::Action;
use minsheng_domain::{ItemId, Plan, PlanId, Status, TargetSpan};
use msg::PlansMsg;

/// The plan pages' words in `lang`.
pub(crate) fn words(lang: Lang) -> &'static PlansMsg {
    lang.pick(&msg::ZH, &msg::EN)
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/plans", get(index))
        .route("/plans/{id}", get(plan))
        .route("/items/{id}", get(item))
        .route("/plans/{id}/tracking", get(tracking_page))
        .route("/healthz", get(|| async { "ok" }))
}

pub(crate) async fn not_found() -> WebError {
    WebError::NotFound
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    status: u16,
    title: String,
    detail: String,
    chrome: Chrome,
}

/// The page rendering of a classified error, in the frame (language, account) of the
/// request it answers; a page that needs a signed-in account redirects to the sign-in page.
pub(crate) fn error_page(problem: &Problem, chrome: Chrome) -> Response {
    if let Some(next) = &problem.sign_in_next {
        let to = format!("/login?next={}", crate::auth::encode_query(next));
        return Redirect::to(&to).into_response();
    }
    let status = problem.kind.status(Rendering::Page);
    let lang = chrome.lang;
    let page = ErrorPage {
        status: status.as_u16(),
        title: problem.kind.title().for_page(lang),
        detail: problem.detail(lang),
        chrome,
    };
    let mut response = match page.render() {
        Ok(body) => (status, Html(body)).into_response(),
        Err(_) => (status, page.title).into_response(),
    };
    crate::error::finish(problem.kind, &mut response);
    response
}

#[derive(Template, WebTemplate)]
#[template(path = "index.html")]
struct IndexPage {
    chrome: Chrome,
    t: &'static PlansMsg,
    plans: Vec<Plan>,
}

/// The front door: the public portal for the public, each account's own home once signed in.
async fn home(chrome: Chrome) -> Redirect {
    match &chrome.user {
        Some(me) => Redirect::to(home_of(me.role)),
        None => Redirect::to("/public"),
    }
}

async fn index(State(st): State<AppState>, chrome: Chrome) -> Result<IndexPage, WebError> {
    let plans = visibility::plans(&st.store, Some(chrome.account()?)).await?;
    Ok(IndexPage {
        t: words(chrome.lang),
        chrome,
        plans,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "plan.html")]
struct PlanPage {
    chrome: Chrome,
    t: &'static PlansMsg,
    /// The year-end words (the diff and closing links, the closed state).
    ye: &'static crate::year_end::msg::YearEndMsg,
    /// Whether the plan is closed at year end.
    closed: bool,
    o: PlanOutline,
    /// What the document claims about itself that its content does not bear out.
    mismatches: Vec<String>,
    /// The files the plan was read from (the office's): id, name, format, size.
    sources: Vec<(i64, String, String, String)>,
}

fn mismatches(t: &PlansMsg, o: &PlanOutline) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(n) = o.plan.declared_sections
        && n as usize != o.sections.len()
    {
        out.push(t.claims_sections(n, o.sections.len()));
    }
    if let Some(n) = o.plan.declared_items
        && n as usize != o.item_count()
    {
        out.push(t.claims_items(n, o.item_count()));
    }
    for s in &o.sections {
        if let Some(n) = s.section.declared_items
            && n as usize != s.items.len()
        {
            out.push(t.section_claims(
                s.section.no,
                s.section.title.as_deref().unwrap_or(""),
                n,
                s.items.len(),
            ));
        }
    }
    out
}

async fn plan(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
) -> Result<PlanPage, WebError> {
    let me = chrome.account()?;
    let id: PlanId = id.parse().map_err(|_| WebError::NotFound)?;
    let o = visibility::plan_outline(&st.store, Some(me), id).await?;
    let t = words(chrome.lang);
    let closed = minsheng_app::year_end::is_closed(&st.store, id).await?;
    let sources = if chrome.can(minsheng_domain::Action::EditPlan) {
        minsheng_app::intake::plan_sources(&st.store, me, id)
            .await?
            .into_iter()
            .map(|s| {
                let kb = s.size.div_ceil(1024);
                (s.id, s.file_name, s.media_type, format!("{kb} KB"))
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(PlanPage {
        sources,
        ye: crate::year_end::words(chrome.lang),
        closed,
        chrome,
        t,
        mismatches: mismatches(t, &o),
        o,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "item.html")]
struct ItemTemplate {
    chrome: Chrome,
    t: &'static PlansMsg,
    p: ItemPage,
    source: Vec<Piece>,
}

async fn item(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
) -> Result<ItemTemplate, WebError> {
    let me = chrome.account()?;
    let id: ItemId = id.parse().map_err(|_| WebError::NotFound)?;
    let p = visibility::item_page(&st.store, me, id).await?;
    let spans: Vec<(u32, TargetSpan)> = p
        .targets
        .iter()
        .filter_map(|t| t.target.span.map(|s| (t.target.seq, s)))
        .collect();
    let source = source_pieces(&p.plan.source_text, p.item.span, &spans);
    Ok(ItemTemplate {
        t: words(chrome.lang),
        chrome,
        p,
        source,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "tracking.html")]
struct TrackingPage {
    chrome: Chrome,
    t: &'static PlansMsg,
    tk: tracking::Tracking,
    months: Vec<(String, String, bool)>,
    rows: Vec<TrackRow>,
    ranking: Vec<RankRow>,
    statuses: Vec<(Status, usize)>,
    mean: String,
    received_rate: String,
    on_time_rate: String,
}

#[derive(serde::Deserialize)]
struct PeriodQuery {
    period: Option<String>,
}

async fn tracking_page(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> Result<TrackingPage, WebError> {
    let me = chrome.may(Action::ViewDashboard)?;
    let id: PlanId = id.parse().map_err(|_| WebError::NotFound)?;
    let plan = visibility::plan(&st.store, Some(me), id).await?;
    let today = st.today();
    let period = tracking::period_or_default(plan.year, q.period.as_deref(), today)?;
    let tk = tracking::tracking(&st.store, id, period, today, &st.thresholds).await?;
    let t = words(chrome.lang);
    let rows = tk
        .targets
        .iter()
        .map(|x| track_row(x, chrome.lang))
        .collect();
    let ranking = rank_rows(&tk.ranking);
    let months = month_options(plan.year, period, chrome.lang);
    let statuses = Status::ALL
        .iter()
        .map(|s| (*s, tk.target_counts.get(*s)))
        .collect();
    Ok(TrackingPage {
        chrome,
        mean: pct(tk.shares.mean_score),
        received_rate: pct(tk.completeness.received_rate()),
        on_time_rate: pct(tk.completeness.on_time_rate()),
        t,
        tk,
        months,
        rows,
        ranking,
        statuses,
    })
}
