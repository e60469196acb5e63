//! The pages: the list of plans, a plan with its sections, items and targets, and one item.

use crate::AppState;
use crate::auth::{Chrome, home_of};
use crate::error::WebError;
use crate::highlight::{Piece, source_pieces};
use crate::i18n::Lang;
use crate::tracking_rows::{RankRow, TrackRow, month_options, pct, rank_rows, track_row};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Redirect;
use axum::routing::get;
use minsheng_app::queries::{self, ItemPage, PlanOutline};
use minsheng_app::tracking;
use minsheng_domain::{ItemId, Plan, PlanId, Status, TargetSpan};

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

#[derive(Template, WebTemplate)]
#[template(path = "index.html")]
struct IndexPage {
    chrome: Chrome,
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
    chrome.account()?;
    Ok(IndexPage {
        chrome,
        plans: queries::plans(&st.store).await?,
    })
}

/// What the document claims about itself that its content does not bear out.
struct Mismatch {
    zh: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "plan.html")]
struct PlanPage {
    chrome: Chrome,
    o: PlanOutline,
    mismatches: Vec<Mismatch>,
}

fn mismatches(o: &PlanOutline) -> Vec<Mismatch> {
    let mut out = Vec::new();
    if let Some(n) = o.plan.declared_sections
        && n as usize != o.sections.len()
    {
        out.push(Mismatch {
            zh: format!("文件称有 {n} 个方面,实际列出 {} 个。/ The document claims {n} sections and lists {}.", o.sections.len(), o.sections.len()),
        });
    }
    if let Some(n) = o.plan.declared_items
        && n as usize != o.item_count()
    {
        out.push(Mismatch {
            zh: format!(
                "文件称有 {n} 项,实际列出 {} 项。/ The document claims {n} items and lists {}.",
                o.item_count(),
                o.item_count()
            ),
        });
    }
    for s in &o.sections {
        if let Some(n) = s.section.declared_items
            && n as usize != s.items.len()
        {
            out.push(Mismatch {
                zh: format!(
                    "第{}部分“{}”标注 {n} 项,实际 {} 项。/ Section {} declares {n} items and holds {}.",
                    s.section.no,
                    s.section.title.as_deref().unwrap_or(""),
                    s.items.len(),
                    s.section.no,
                    s.items.len()
                ),
            });
        }
    }
    out
}

async fn plan(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
) -> Result<PlanPage, WebError> {
    chrome.account()?;
    let id: PlanId = id.parse().map_err(|_| WebError::NotFound)?;
    let o = queries::plan_outline(&st.store, id).await?;
    Ok(PlanPage {
        chrome,
        mismatches: mismatches(&o),
        o,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "item.html")]
struct ItemTemplate {
    chrome: Chrome,
    p: ItemPage,
    source: Vec<Piece>,
}

async fn item(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
) -> Result<ItemTemplate, WebError> {
    chrome.account()?;
    let id: ItemId = id.parse().map_err(|_| WebError::NotFound)?;
    let p = queries::item_page(&st.store, id).await?;
    let spans: Vec<(u32, TargetSpan)> = p
        .targets
        .iter()
        .filter_map(|t| t.target.span.map(|s| (t.target.seq, s)))
        .collect();
    let source = source_pieces(&p.plan.source_text, p.item.span, &spans);
    Ok(ItemTemplate { chrome, p, source })
}

#[derive(Template, WebTemplate)]
#[template(path = "tracking.html")]
struct TrackingPage {
    chrome: Chrome,
    t: tracking::Tracking,
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
    chrome.sees_all()?;
    let id: PlanId = id.parse().map_err(|_| WebError::NotFound)?;
    let plan = queries::plan(&st.store, id).await?;
    let today = st.today();
    let period = tracking::period_or_default(plan.year, q.period.as_deref(), today)?;
    let t = tracking::tracking(&st.store, id, period, today, &st.thresholds).await?;
    let rows = t.targets.iter().map(|x| track_row(x, Lang::Zh)).collect();
    let ranking = rank_rows(&t.ranking);
    let months = month_options(plan.year, period, Lang::Zh);
    let statuses = Status::ALL
        .iter()
        .map(|s| (*s, t.target_counts.get(*s)))
        .collect();
    Ok(TrackingPage {
        chrome,
        mean: pct(t.shares.mean_score),
        received_rate: pct(t.completeness.received_rate()),
        on_time_rate: pct(t.completeness.on_time_rate()),
        t,
        months,
        rows,
        ranking,
        statuses,
    })
}
