//! The pages: the list of plans, a plan with its sections, items and targets, and one item.
//! Their words are in [`msg`].

pub(crate) mod msg;

use crate::AppState;
use crate::auth::{Chrome, home_of};
use crate::error::WebError;
use crate::i18n::Lang;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Redirect;
use axum::routing::get;
use minsheng_app::queries::{self, ItemPage, PlanOutline};
use minsheng_app::tracking;
use minsheng_domain::quantity::format_zh_rounded;
use minsheng_domain::{ItemId, Period, Plan, PlanId, Status, TargetKind, TargetSpan};
use msg::PlansMsg;
use rust_decimal::Decimal;

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
    chrome.account()?;
    Ok(IndexPage {
        t: words(chrome.lang),
        chrome,
        plans: queries::plans(&st.store).await?,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "plan.html")]
struct PlanPage {
    chrome: Chrome,
    t: &'static PlansMsg,
    o: PlanOutline,
    /// What the document claims about itself that its content does not bear out.
    mismatches: Vec<String>,
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
    chrome.account()?;
    let id: PlanId = id.parse().map_err(|_| WebError::NotFound)?;
    let o = queries::plan_outline(&st.store, id).await?;
    let t = words(chrome.lang);
    Ok(PlanPage {
        chrome,
        t,
        mismatches: mismatches(t, &o),
        o,
    })
}

/// A piece of the item's source text, highlighted when a target was read from it.
pub(crate) struct Piece {
    pub text: String,
    pub target: Option<u32>,
}

#[derive(Template, WebTemplate)]
#[template(path = "item.html")]
struct ItemTemplate {
    chrome: Chrome,
    t: &'static PlansMsg,
    p: ItemPage,
    source: Vec<Piece>,
}

/// Cuts the item's source text at its targets' spans, so each phrase can be highlighted.
pub(crate) fn source_pieces(
    text: &str,
    item: Option<TargetSpan>,
    targets: &[(u32, TargetSpan)],
) -> Vec<Piece> {
    let Some(item) = item.filter(|s| {
        s.end <= text.len() && text.is_char_boundary(s.start) && text.is_char_boundary(s.end)
    }) else {
        return Vec::new();
    };
    let mut spans: Vec<(u32, TargetSpan)> = targets
        .iter()
        .copied()
        .filter(|(_, s)| item.start <= s.start && s.end <= item.end && s.start < s.end)
        .filter(|(_, s)| text.is_char_boundary(s.start) && text.is_char_boundary(s.end))
        .collect();
    spans.sort_by_key(|(_, s)| s.start);
    let mut out = Vec::new();
    let mut at = item.start;
    for (seq, s) in spans {
        if s.start < at {
            continue; // overlapping phrases: keep the first
        }
        if s.start > at {
            out.push(Piece {
                text: text[at..s.start].to_string(),
                target: None,
            });
        }
        out.push(Piece {
            text: text[s.start..s.end].to_string(),
            target: Some(seq),
        });
        at = s.end;
    }
    if at < item.end {
        out.push(Piece {
            text: text[at..item.end].to_string(),
            target: None,
        });
    }
    out
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
    Ok(ItemTemplate {
        t: words(chrome.lang),
        chrome,
        p,
        source,
    })
}

/// One target's line on the tracking page, formatted for reading.
struct TrackRow {
    item: ItemId,
    no: String,
    phrase: String,
    goal: String,
    actual: String,
    expected: String,
    completion: String,
    status: Status,
    forecast: String,
    missing: usize,
    shares: usize,
}

/// One unit's line of the ranking.
struct RankRow {
    rank: usize,
    name: String,
    mean: String,
    lagging: usize,
    at_risk: usize,
    not_reported: usize,
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

pub(crate) fn pct(d: Option<Decimal>) -> String {
    d.map(|d| format!("{}%", (d * Decimal::ONE_HUNDRED).round_dp(1).normalize()))
        .unwrap_or_else(|| "—".into())
}

/// The month an office looks at by default: the last one whose reports are due, within the
/// plan's year.
fn default_period(year: i16, today: jiff::civil::Date) -> Period {
    let month = if today.year() > year {
        12
    } else if today.year() < year {
        1
    } else {
        (today.month() - 1).max(1)
    };
    Period::Month { year, month }
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
    let period = match q.period.as_deref().filter(|p| !p.is_empty()) {
        Some(p) => {
            Period::parse_zh(p, plan.year).map_err(|e| WebError::BadRequest(e.to_string()))?
        }
        None => default_period(plan.year, today),
    };
    let tk = tracking::tracking(&st.store, id, period, today, &st.thresholds).await?;
    let t = words(chrome.lang);
    let lang = chrome.lang;
    let rows = tk
        .targets
        .iter()
        .map(|x| {
            let unit = &x.target.quantity.unit;
            let q = |d: Decimal| format!("{}{unit}", format_zh_rounded(d));
            TrackRow {
                item: x.target.item,
                no: format!("{}.{}", x.section_no, x.item_no),
                phrase: x.target.phrase.clone(),
                goal: match x.target.kind {
                    TargetKind::Stage => t.stage_goal.to_string(),
                    TargetKind::Quantity => format!(
                        "{} {}",
                        lang.pick(x.target.cmp.label_zh(), x.target.cmp.label_en()),
                        x.target.quantity
                    ),
                },
                actual: x.rollup.value.map(q).unwrap_or_else(|| "—".into()),
                expected: x.expected.map(q).unwrap_or_else(|| "—".into()),
                completion: pct(x.rollup.completion.map(|c| c.score)),
                status: x.status,
                forecast: x
                    .forecast
                    .as_ref()
                    .map(|f| format!("{}{}", q(f.value), if f.meets { "" } else { " ⚠" }))
                    .unwrap_or_else(|| "—".into()),
                missing: x.rollup.missing,
                shares: x.rollup.counted,
            }
        })
        .collect();
    let ranking = tk
        .ranking
        .iter()
        .map(|r| RankRow {
            rank: r.rank,
            name: r.name.clone(),
            mean: pct(r.summary.mean_score),
            lagging: r.summary.counts.lagging,
            at_risk: r.summary.counts.at_risk,
            not_reported: r.summary.counts.not_reported,
        })
        .collect();
    let months = Period::Year(plan.year)
        .months()
        .map(|m| (m.to_string(), t.period(&m), m == period))
        .collect();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_each_phrase_once() {
        let text = "前言\n1.城镇新增就业23万人;实现零就业家庭动态清零。\n";
        let start = text.find("1.").unwrap();
        let end = text.rfind('\n').unwrap();
        let t1 = text.find("城镇新增就业23万人").unwrap();
        let t1 = TargetSpan {
            start: t1,
            end: t1 + "城镇新增就业23万人".len(),
        };
        let pieces = source_pieces(text, Some(TargetSpan { start, end }), &[(1, t1)]);
        let marked: Vec<_> = pieces
            .iter()
            .filter(|p| p.target.is_some())
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(marked, ["城镇新增就业23万人"]);
        let whole: String = pieces.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(whole, &text[start..end]);
        // A span off a char boundary is dropped, never panics.
        let bad = TargetSpan {
            start: t1.start + 1,
            end: t1.end,
        };
        assert_eq!(
            source_pieces(text, Some(TargetSpan { start, end }), &[(1, bad)]).len(),
            1
        );
    }
}
