//! The public portal (no sign-in): `GET /public` lists the published plans,
//! `GET /public/plans/{id}?period=…` shows every commitment's progress and status
//! (`table#commitments`, `tr.commitment`) and each prefecture's completion (`#regions`,
//! `tr.region`). Built only from [`minsheng_app::portal`]'s types, which carry public fields
//! alone.
//!
//! Open data (`minsheng_app::open_data`, read through the same portal): `GET
//! /public/plans/{id}.csv`, `.json` and `.xlsx` — the router cannot put a suffix after a
//! parameter, so [`plan`] answers them when its `{id}` ends with one —, `GET
//! /public/plans/{id}/feed.atom` (status changes and public bulletins) and `GET
//! /public/plans/{id}/iati.xml` (IATI activity XML 2.03). The plan page links them
//! (`#open-data`).

mod msg;

use crate::AppState;
use crate::READ_FROM;
use crate::auth::Chrome;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::tracking_rows::pct;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderName, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use minsheng_app::open_data::{self, Format};
use minsheng_app::portal::{self, PublicPlan, PublicPlanSummary, PublicTarget};
use minsheng_domain::{PlanId, Status, TargetKind};
use msg::PortalMsg;
use rust_decimal::Decimal;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/public", get(index))
        .route("/public/plans/{id}", get(plan))
        .route("/public/plans/{id}/feed.atom", get(feed))
        .route("/public/plans/{id}/iati.xml", get(iati))
}

/// A published plan in an open-data format, as a download.
async fn export(st: &AppState, id: PlanId, format: Format) -> Result<Response, WebError> {
    let (reader, from) = st.current_reader().await?;
    let open = open_data::gather(&reader, id, st.today(), &st.thresholds).await?;
    let bytes = format.write(&open).map_err(WebError::Internal)?;
    let disposition = match format {
        // A feed is read where it is, not saved.
        Format::Atom => "inline".to_string(),
        f => format!("attachment; filename=\"{}\"", open.file_name(f)),
    };
    Ok((
        [
            (header::CONTENT_TYPE, format.media_type().to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            (HeaderName::from_static(READ_FROM), from.code().to_string()),
        ],
        bytes,
    )
        .into_response())
}

/// `GET /public/plans/{id}/feed.atom`
async fn feed(State(st): State<AppState>, Path(id): Path<String>) -> Result<Response, WebError> {
    let id: PlanId = id.parse().map_err(|_| WebError::NotFound)?;
    export(&st, id, Format::Atom).await
}

/// `GET /public/plans/{id}/iati.xml`
async fn iati(State(st): State<AppState>, Path(id): Path<String>) -> Result<Response, WebError> {
    let id: PlanId = id.parse().map_err(|_| WebError::NotFound)?;
    export(&st, id, Format::Iati).await
}

fn words(lang: Lang) -> &'static PortalMsg {
    lang.pick(&msg::ZH, &msg::EN)
}

#[derive(Template, WebTemplate)]
#[template(path = "portal_index.html")]
struct IndexPage {
    chrome: Chrome,
    t: &'static PortalMsg,
    plans: Vec<PublicPlanSummary>,
}

async fn index(State(st): State<AppState>, chrome: Chrome) -> Result<Response, WebError> {
    let (reader, from) = st.current_reader().await?;
    let page = IndexPage {
        t: words(chrome.lang),
        chrome,
        plans: portal::published_plans(&reader).await?,
    };
    Ok(([(READ_FROM, from.code())], page).into_response())
}

/// One target's line, formatted for reading.
struct TargetRow {
    goal: String,
    progress: String,
    completion: String,
    /// The completion bar's width, 0–100.
    bar: u32,
    status: Option<Status>,
}

struct CommitmentRow {
    no: u32,
    text: String,
    leads: String,
    first: TargetRow,
    more: Vec<TargetRow>,
}

impl CommitmentRow {
    fn rows(&self) -> usize {
        1 + self.more.len()
    }
}

struct SectionRow {
    no: u32,
    title: String,
    completion: String,
    commitments: Vec<CommitmentRow>,
}

struct RegionRow {
    name: String,
    completion: String,
    bar: u32,
    sections: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "portal_plan.html")]
struct PlanPage {
    chrome: Chrome,
    t: &'static PortalMsg,
    p: PublicPlanSummary,
    period: Option<String>,
    today: String,
    months: Vec<(String, String, bool)>,
    statuses: Vec<(Status, usize)>,
    completion: String,
    sections: Vec<SectionRow>,
    section_nos: Vec<(u32, String)>,
    regions: Vec<RegionRow>,
    /// The plan's issued bulletins marked public.
    bulletins: Vec<crate::bulletins::Link>,
    /// The open-data downloads: (id, href, words).
    downloads: Vec<(&'static str, String, &'static str)>,
    bt: &'static crate::bulletins::msg::BulletinMsg,
}

#[derive(serde::Deserialize)]
struct PeriodQuery {
    period: Option<String>,
}

fn bar(d: Option<Decimal>) -> u32 {
    d.map(|d| d.saturating_mul(Decimal::ONE_HUNDRED).round())
        .and_then(|d| u32::try_from(d).ok())
        .unwrap_or(0)
        .min(100)
}

fn target_row(lang: Lang, t: &PortalMsg, x: &PublicTarget) -> TargetRow {
    // A qualitative item's one target is the item itself: its goal is its stage.
    let (goal, progress) = match x.kind {
        TargetKind::Stage => (t.stage_goal.to_string(), "—".to_string()),
        TargetKind::Quantity => {
            let unit = &x.quantity.unit;
            (
                format!(
                    "{}({} {})",
                    x.phrase,
                    lang.pick(x.cmp.label_zh(), x.cmp.label_en()),
                    lang.quantity(&x.quantity)
                ),
                x.value
                    .map(|v| lang.amount(v, unit))
                    .unwrap_or_else(|| "—".into()),
            )
        }
    };
    TargetRow {
        goal,
        progress,
        completion: pct(x.completion),
        bar: bar(x.completion),
        status: x.status,
    }
}

async fn plan(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, WebError> {
    // `7.csv`, `7.json`, `7.xlsx`: the plan's open data.
    for f in [Format::Csv, Format::Json, Format::Xlsx] {
        if let Some(n) = id.strip_suffix(&format!(".{}", f.ext())) {
            let n: PlanId = n.parse().map_err(|_| WebError::NotFound)?;
            return export(&st, n, f).await;
        }
    }
    let id: PlanId = id.parse().map_err(|_| WebError::NotFound)?;
    let lang = chrome.lang;
    let t = words(lang);
    let (reader, from) = st.current_reader().await?;
    let pp: PublicPlan =
        portal::public_plan(&reader, id, q.period.as_deref(), st.today(), &st.thresholds).await?;
    let mut months: Vec<(String, String, bool)> = pp
        .months
        .iter()
        .map(|m| {
            (
                m.to_string(),
                lang.pick(m.label_zh(), m.label_en()),
                Some(*m) == pp.period,
            )
        })
        .collect();
    if let Some(p) = pp.period
        && !pp.months.contains(&p)
    {
        months.push((p.to_string(), lang.pick(p.label_zh(), p.label_en()), true));
    }
    let sections = pp
        .sections
        .iter()
        .map(|s| SectionRow {
            no: s.no,
            title: s.title.clone().unwrap_or_default(),
            completion: pct(s.completion),
            commitments: s
                .commitments
                .iter()
                .map(|c| {
                    let mut rows = c.targets.iter().map(|x| target_row(lang, t, x));
                    let first = rows.next().unwrap_or(TargetRow {
                        goal: String::new(),
                        progress: "—".into(),
                        completion: "—".into(),
                        bar: 0,
                        status: None,
                    });
                    CommitmentRow {
                        no: c.no,
                        text: c.text.clone(),
                        leads: c.leads.join("、"),
                        first,
                        more: rows.collect(),
                    }
                })
                .collect(),
        })
        .collect();
    let regions = pp
        .regions
        .iter()
        .map(|r| RegionRow {
            name: r.name.clone(),
            completion: pct(r.completion),
            bar: bar(r.completion),
            sections: r.sections.iter().map(|s| pct(*s)).collect(),
        })
        .collect();
    let bulletins = crate::bulletins::for_portal(&st, lang, id).await?;
    let downloads = [
        ("csv", format!("/public/plans/{id}.csv")),
        ("xlsx", format!("/public/plans/{id}.xlsx")),
        ("json", format!("/public/plans/{id}.json")),
        ("atom", format!("/public/plans/{id}/feed.atom")),
        ("iati", format!("/public/plans/{id}/iati.xml")),
    ]
    .into_iter()
    .zip(t.downloads)
    .map(|((code, href), words)| (code, href, words))
    .collect();
    let page = PlanPage {
        t,
        bulletins,
        downloads,
        bt: crate::bulletins::words(lang),
        period: pp.period.map(|p| lang.pick(p.label_zh(), p.label_en())),
        today: pp.today.to_string(),
        months,
        statuses: Status::ALL
            .iter()
            .map(|s| (*s, pp.counts.get(*s)))
            .collect(),
        completion: pct(pp.completion),
        section_nos: pp
            .sections
            .iter()
            .map(|s| (s.no, s.title.clone().unwrap_or_default()))
            .collect(),
        sections,
        regions,
        p: pp.summary,
        chrome,
    };
    Ok(([(READ_FROM, from.code())], page).into_response())
}
