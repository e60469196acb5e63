//! The office dashboard (`/office`) and a target's page (`/targets/{id}`).
//!
//! Every number on the dashboard drills down: a status count or a section row lists its
//! targets (`/office?plan=…&period=…&status=…` or `&section=N`), a target opens its page, and
//! each unit's row there links to its latest report (`/reports/{id}`) and evidence
//! (`/evidence/{id}`). The dashboard's figures are computed once per data version
//! ([`minsheng_app::overview::OverviewCache`]); the target page reads only its target's
//! records.

mod msg;

use crate::AppState;
use crate::assets::{ECHARTS_BUNDLED, ECHARTS_PATH};
use crate::auth::Chrome;
use crate::charts::{ChartData, TrajectoryChart};
use crate::error::WebError;
use crate::highlight::{Piece, source_pieces};
use crate::i18n::Lang;
use crate::tracking_rows::{AsStatus, RankRow, TrackRow, month_options, pct, rank_rows, track_row};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use minsheng_app::overview::{self, Overview, Progress};
use minsheng_app::target_detail::{self, TargetDetail};
use minsheng_app::tracking;
use minsheng_domain::{
    Period, PlanId, ProblemStatus, ReportId, Stage, Status, TargetId, TargetKind, UnitId,
};
use msg::{EN, OfficeMsg, ZH};
use rust_decimal::Decimal;
use std::sync::Arc;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/office", get(dashboard))
        .route("/targets/{id}", get(target_page))
}

fn msg(lang: Lang) -> &'static OfficeMsg {
    lang.pick(&ZH, &EN)
}

fn status_label(s: Status, lang: Lang) -> &'static str {
    lang.pick(s.label_zh(), s.label_en())
}

fn period_label(p: Period, lang: Lang) -> String {
    match lang {
        Lang::Zh => p.label_zh(),
        Lang::En => p.label_en(),
    }
}

/// `/office?plan=…&period=…&section=…&status=…`
#[derive(serde::Deserialize, Default)]
struct DashboardQuery {
    plan: Option<String>,
    period: Option<String>,
    section: Option<String>,
    status: Option<String>,
}

/// A status count that links to its targets.
struct CountCard {
    /// `count-on-track`: the element id.
    id: String,
    status: Status,
    label: &'static str,
    n: usize,
    href: String,
}

/// A section's row.
struct SectionRow {
    no: u32,
    title: String,
    href: String,
    targets: usize,
    completion: String,
    expected: String,
    counts: Vec<(Status, usize)>,
}

/// The targets a count or a section row drills down to.
struct Drill {
    heading: String,
    rows: Vec<TrackRow>,
}

#[derive(Template, WebTemplate)]
#[template(path = "office.html")]
struct DashboardPage {
    chrome: Chrome,
    t: &'static OfficeMsg,
    o: Option<Arc<Overview>>,
    plan_title: String,
    /// `plan=1&period=2023-09`: the query every drill-down link carries.
    q: String,
    plans: Vec<(PlanId, String, bool)>,
    /// The multi-year plans, each linked to its goals page.
    goal_plans: Vec<(PlanId, String)>,
    months: Vec<(String, String, bool)>,
    period: String,
    overall: String,
    expected: String,
    counts: Vec<CountCard>,
    sections: Vec<SectionRow>,
    lagging: Vec<TrackRow>,
    ranking: Vec<RankRow>,
    received_rate: String,
    on_time_rate: String,
    drill: Option<Drill>,
}

impl DashboardPage {
    fn status_label(&self, s: impl AsStatus) -> &'static str {
        status_label(s.status(), self.chrome.lang)
    }
}

fn status_code_id(s: Status) -> String {
    s.code().replace('_', "-")
}

fn progress_counts(p: &Progress) -> Vec<(Status, usize)> {
    Status::ALL.iter().map(|s| (*s, p.counts.get(*s))).collect()
}

/// What a rendered dashboard page is kept under (with the data version): who reads it, in
/// which language, at which address, on which day.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct PageKey {
    user: minsheng_domain::UserId,
    lang: &'static str,
    here: String,
    today: jiff::civil::Date,
}

/// The dashboard: rendered once per reader, address and data version, then served as kept.
async fn dashboard(
    State(st): State<AppState>,
    chrome: Chrome,
    Query(q): Query<DashboardQuery>,
) -> Result<Response, WebError> {
    let me = chrome.account()?;
    overview::ensure_sees_dashboard(me)?;
    let version = st.caches.freshness.version(&st.store).await?;
    let key = PageKey {
        user: me.id,
        lang: chrome.lang.code(),
        here: chrome.here.clone(),
        today: st.today(),
    };
    if let Some(page) = st.caches.pages.get(version, &key) {
        return Ok(Html(page).into_response());
    }
    // The figures may come from a read replica that has caught up with `version`.
    let (reader, from) = st.reader(version).await;
    let page = dashboard_page(&st, &reader, chrome, &q, version)
        .await?
        .render()
        .map_err(|e| WebError::Internal(format!("dashboard template: {e}")))?;
    let page = Bytes::from(page);
    st.caches.pages.put(version, key, page.clone());
    Ok(([(crate::READ_FROM, from.code())], Html(page)).into_response())
}

async fn dashboard_page(
    st: &AppState,
    reader: &minsheng_app::Store,
    chrome: Chrome,
    q: &DashboardQuery,
    version: i64,
) -> Result<DashboardPage, WebError> {
    let lang = chrome.lang;
    let t = msg(lang);
    let plans = st.caches.overviews.plans(reader, version).await?;
    let plan = match q.plan.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) => {
            let id: PlanId = p.parse().map_err(|_| {
                WebError::BadRequest(format!(
                    "plan:“{p}”不是计划编号 / '{p}' is not a plan number"
                ))
            })?;
            Some(
                plans
                    .iter()
                    .find(|x| x.id == id)
                    .ok_or(WebError::NotFound)?,
            )
        }
        None => overview::landing_plan(reader, &plans).await?,
    };
    let Some(plan) = plan else {
        return Ok(DashboardPage::empty(chrome, t));
    };
    let today = st.today();
    let period = match q.period.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        Some(_) => tracking::period_or_default(plan.year, q.period.as_deref(), today)?,
        None => overview::landing_period(reader, plan, chrome.account()?, today).await?,
    };
    let o = st
        .caches
        .overviews
        .overview(reader, version, (plan.id, period, today), &st.thresholds)
        .await?;
    let base = format!("plan={}&period={}", plan.id, period);
    let drill = drill(&o, q, lang)?;
    let counts = Status::ALL
        .iter()
        .map(|&s| CountCard {
            id: format!("count-{}", status_code_id(s)),
            status: s,
            label: status_label(s, lang),
            n: o.overall.counts.get(s),
            href: format!("/office?{base}&status={}", s.code()),
        })
        .collect();
    let sections = o
        .sections
        .iter()
        .map(|s| SectionRow {
            no: s.section.no,
            title: s.section.title.clone().unwrap_or_default(),
            href: format!("/office?{base}&section={}", s.section.no),
            targets: s.progress.targets,
            completion: pct(s.progress.completion),
            expected: pct(s.progress.expected),
            counts: progress_counts(&s.progress),
        })
        .collect();
    let lagging = o
        .lagging
        .iter()
        .map(|&i| track_row(&o.tracking.targets[i], lang))
        .collect();
    let plan_options = plans
        .iter()
        .map(|p| (p.id, p.title.clone(), p.id == plan.id))
        .collect();
    Ok(DashboardPage {
        t,
        plan_title: plan.title.clone(),
        q: base,
        plans: plan_options,
        goal_plans: plans
            .iter()
            .filter(|p| p.kind == minsheng_domain::PlanKind::MultiYearGoals)
            .map(|p| (p.id, p.title.clone()))
            .collect(),
        months: month_options(plan.year, period, lang),
        period: period_label(period, lang),
        overall: pct(o.overall.completion),
        expected: pct(o.overall.expected),
        counts,
        sections,
        lagging,
        ranking: rank_rows(&o.tracking.ranking),
        received_rate: pct(o.tracking.completeness.received_rate()),
        on_time_rate: pct(o.tracking.completeness.on_time_rate()),
        drill,
        o: Some(o),
        chrome,
    })
}

/// The targets a `section` or `status` filter asks for.
fn drill(o: &Overview, q: &DashboardQuery, lang: Lang) -> Result<Option<Drill>, WebError> {
    let t = msg(lang);
    if let Some(s) = q
        .section
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let no: u32 = s.parse().map_err(|_| {
            WebError::BadRequest(format!(
                "section:“{s}”不是方面序号 / '{s}' is not a section number"
            ))
        })?;
        let section = o
            .sections
            .iter()
            .find(|x| x.section.no == no)
            .ok_or(WebError::NotFound)?;
        let title = section.section.title.as_deref().unwrap_or("");
        return Ok(Some(Drill {
            heading: format!("{no}. {title}{}", t.targets_of_section),
            rows: o
                .targets_of_section(no)
                .map(|x| track_row(x, lang))
                .collect(),
        }));
    }
    if let Some(s) = q.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let status = Status::from_code(s).ok_or_else(|| {
            WebError::BadRequest(format!(
                "status:“{s}”不是状态({})/ '{s}' is not a status",
                Status::codes("、")
            ))
        })?;
        return Ok(Some(Drill {
            heading: t
                .targets_with_status
                .replace("{}", status_label(status, lang)),
            rows: o.targets_with(status).map(|x| track_row(x, lang)).collect(),
        }));
    }
    Ok(None)
}

impl DashboardPage {
    /// The page when there is no plan to show.
    fn empty(chrome: Chrome, t: &'static OfficeMsg) -> DashboardPage {
        DashboardPage {
            chrome,
            t,
            o: None,
            plan_title: String::new(),
            q: String::new(),
            plans: Vec::new(),
            goal_plans: Vec::new(),
            months: Vec::new(),
            period: String::new(),
            overall: String::new(),
            expected: String::new(),
            counts: Vec::new(),
            sections: Vec::new(),
            lagging: Vec::new(),
            ranking: Vec::new(),
            received_rate: String::new(),
            on_time_rate: String::new(),
            drill: None,
        }
    }
}

/// `/targets/{id}?period=…`
#[derive(serde::Deserialize, Default)]
struct TargetQuery {
    period: Option<String>,
}

/// One unit's row on the target page.
struct UnitView {
    unit: UnitId,
    name: String,
    role: &'static str,
    quota: String,
    budget: String,
    carries: bool,
    value: String,
    /// What its schedule expects by the period.
    expected: String,
    /// Whether that schedule is its own (an approved implementation plan's) rather than
    /// 序时进度.
    scheduled: bool,
    completion: String,
    status: Option<Status>,
    latest: Option<ReportId>,
    history: Vec<HistoryLine>,
}

/// One report revision in a unit's history.
struct HistoryLine {
    id: ReportId,
    period: String,
    revision: u32,
    value: String,
    status: &'static str,
    filed: String,
    reviewed: String,
    reason: String,
    evidence: Vec<(i64, String)>,
}

/// A problem raised in the target's reports.
struct ProblemLine {
    title: String,
    owner: String,
    due: String,
    state: &'static str,
    overdue: bool,
    resolution: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "target.html")]
struct TargetPage {
    chrome: Chrome,
    t: &'static OfficeMsg,
    d: TargetDetail,
    title: String,
    goal: String,
    item_label: String,
    section_label: String,
    period: String,
    months: Vec<(String, String, bool)>,
    source: Vec<Piece>,
    row: TrackRow,
    chart: Option<TrajectoryChart>,
    chart_data: Option<ChartData>,
    echarts: bool,
    echarts_path: &'static str,
    units: Vec<UnitView>,
    problems: Vec<ProblemLine>,
    /// `plan=…&period=…` for links back to the dashboard (shown only to those who see it).
    q: String,
    /// Its links across years: carried over from, carried into, closed — (label, link or
    /// empty, text).
    year_links: Vec<(&'static str, String, String)>,
}

impl TargetPage {
    fn status_label(&self, s: impl AsStatus) -> &'static str {
        status_label(s.status(), self.chrome.lang)
    }
}

fn money(d: Option<Decimal>, lang: Lang) -> String {
    d.map(|d| lang.amount(d, "元"))
        .unwrap_or_else(|| "—".into())
}

/// A target's links across years, for its page (the target is read already).
async fn year_links(
    st: &AppState,
    id: TargetId,
    lang: Lang,
) -> Result<Vec<(&'static str, String, String)>, WebError> {
    let ye = crate::year_end::words(lang);
    let l = minsheng_app::year_end::links(&st.store, id).await?;
    let year = |y: i16| lang.pick(format!("{y}年"), format!("{y}"));
    let mut out = Vec::new();
    if let Some((from, y, phrase)) = l.carried_from {
        out.push((
            ye.carried_from,
            format!("/targets/{from}"),
            format!("{} · {phrase}", year(y)),
        ));
    }
    if let Some((to, y, phrase)) = l.carried_into {
        out.push((
            ye.carried_into,
            format!("/targets/{to}"),
            format!("{} · {phrase}", year(y)),
        ));
    }
    if let Some(reason) = l.closed {
        out.push((ye.closed_reason, String::new(), reason));
    }
    Ok(out)
}

fn stage_label(s: Stage, lang: Lang) -> &'static str {
    lang.pick(s.label_zh(), s.label_en())
}

async fn target_page(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    Query(q): Query<TargetQuery>,
) -> Result<TargetPage, WebError> {
    let me = chrome.account()?;
    let id: TargetId = id.parse().map_err(|_| WebError::NotFound)?;
    let today = st.today();
    let d = target_detail::target_detail(
        &st.store,
        me,
        id,
        q.period.as_deref(),
        today,
        &st.thresholds,
    )
    .await?;
    let lang = chrome.lang;
    let t = msg(lang);
    let year_links = year_links(&st, id, lang).await?;
    let people = crate::auth::people(&st).await?;
    let who = |name: &str| crate::auth::person(&people, name, lang);
    let target = &d.one.tracking.target;
    let unit_of_measure = &target.quantity.unit;
    let spans = target
        .span
        .map(|s| vec![(target.seq, s)])
        .unwrap_or_default();
    let source = source_pieces(&d.one.plan.source_text, d.item.span, &spans);
    let goal = match target.kind {
        TargetKind::Stage => t.stage_goal.to_string(),
        TargetKind::Quantity => format!(
            "{} {}",
            lang.pick(target.cmp.label_zh(), target.cmp.label_en()),
            lang.quantity(&target.quantity)
        ),
    };
    let title = if target.phrase.is_empty() {
        goal.clone()
    } else {
        target.phrase.clone()
    };
    let names: std::collections::HashMap<UnitId, String> = d
        .rows
        .iter()
        .map(|r| (r.unit.id, r.unit.name.clone()))
        .collect();
    let units = d
        .rows
        .iter()
        .map(|r| {
            let a = &r.assignment;
            // A lead that does not carry a split target is shown no figures of its own
            // unless it reported (a rate's lead does).
            let assessment = r.assessment.as_ref().filter(|s| r.carries || s.reported);
            UnitView {
                unit: r.unit.id,
                name: r.unit.name.clone(),
                role: lang.pick(a.role.label_zh(), a.role.label_en()),
                quota: a
                    .quota
                    .map(|q| lang.amount(q, unit_of_measure))
                    .unwrap_or_else(|| t.whole_target.to_string()),
                budget: money(a.budget, lang),
                carries: r.carries,
                value: assessment
                    .map(|s| match target.kind {
                        TargetKind::Quantity => lang.amount(s.value, unit_of_measure),
                        TargetKind::Stage => pct(Some(s.value)),
                    })
                    .unwrap_or_else(|| "—".into()),
                expected: r
                    .assessment
                    .as_ref()
                    .filter(|_| r.carries)
                    .and_then(|s| s.expected)
                    .map(|v| lang.amount(v, unit_of_measure))
                    .unwrap_or_else(|| "—".into()),
                scheduled: r.carries && r.assessment.as_ref().is_some_and(|s| s.scheduled),
                completion: pct(assessment.map(|s| s.score)),
                status: assessment.map(|s| s.status),
                latest: r.latest,
                history: r
                    .history
                    .iter()
                    .map(|(rep, ev)| HistoryLine {
                        id: rep.id,
                        period: period_label(rep.period, lang),
                        revision: rep.revision,
                        value: match (rep.cumulative, rep.stage) {
                            (Some(v), _) => lang.amount(v, unit_of_measure),
                            (None, Some(s)) => stage_label(s, lang).to_string(),
                            (None, None) => "—".into(),
                        },
                        status: lang.pick(rep.status.label_zh(), rep.status.label_en()),
                        filed: format!(
                            "{} {}",
                            who(&rep.filed_by),
                            minsheng_app::clock::date_in_beijing(rep.filed_at)
                        ),
                        reviewed: rep
                            .reviewed_by
                            .as_ref()
                            .map(|by| {
                                let on = rep
                                    .reviewed_at
                                    .map(|at| minsheng_app::clock::date_in_beijing(at).to_string())
                                    .unwrap_or_default();
                                format!("{} {on}", who(by))
                            })
                            .unwrap_or_default(),
                        reason: rep.return_reason.clone().unwrap_or_default(),
                        evidence: ev.iter().map(|e| (e.id.0, e.file_name.clone())).collect(),
                    })
                    .collect(),
            }
        })
        .collect();
    let problems = d
        .problems
        .iter()
        .map(|p| ProblemLine {
            title: p.title.clone(),
            owner: names
                .get(&p.owner)
                .cloned()
                .unwrap_or_else(|| p.owner.to_string()),
            due: p.due.to_string(),
            state: match p.status {
                ProblemStatus::Resolved => t.resolved,
                ProblemStatus::Open if p.is_overdue(today) => t.overdue,
                ProblemStatus::Open => t.open,
            },
            overdue: p.is_overdue(today),
            resolution: p.resolution.clone().unwrap_or_default(),
        })
        .collect();
    let chart = d
        .trajectory
        .as_ref()
        .map(|tr| TrajectoryChart::new(tr, lang));
    Ok(TargetPage {
        t,
        row: track_row(&d.one.tracking, lang),
        title,
        goal,
        item_label: t.item.replace("{}", &d.item.no.to_string()),
        section_label: format!(
            "{}. {}",
            d.section.no,
            d.section.title.as_deref().unwrap_or("")
        ),
        period: period_label(d.period, lang),
        months: month_options(d.one.plan.year, d.period, lang),
        q: format!("plan={}&period={}", d.one.plan.id, d.period),
        source,
        chart_data: chart.as_ref().map(|c| c.data.clone()),
        chart,
        echarts: ECHARTS_BUNDLED,
        echarts_path: ECHARTS_PATH,
        units,
        problems,
        year_links,
        d,
        chrome,
    })
}
