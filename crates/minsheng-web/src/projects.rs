//! Major projects (重大项目调度) pages: the dashboard of a `major_projects` plan
//! (`/plans/{id}/projects`: investment planned, expected and completed by the period, the
//! milestones due and missed, 亮灯, by region, industry and responsible unit), a project's
//! page (`/projects/{id}`: its facts, milestone timeline, investment chart — the server's
//! SVG trajectory —, reports and problems), and the office's form to add or edit a project
//! and its milestones (`/plans/{id}/projects/new`, `/projects/{id}/edit`; a refusal is shown
//! again with 422, the field named, what was typed kept). `/projects` leads to the newest
//! plan's dashboard (the menu's link). Everything shown is [`minsheng_app::projects`]'; the
//! pages only format it. The project part of the report form is in `workflow::form`.

pub(crate) mod msg;

use crate::AppState;
use crate::auth::Chrome;
use crate::charts::TrajectoryChart;
use crate::error::WebError;
use crate::i18n::Lang;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use jiff::civil::Date;
use minsheng_app::AppError;
use minsheng_app::projects::{self, Capacity, NewProject};
use minsheng_domain::project::{INDUSTRIES, MilestoneKind, ProjectMilestone};
use minsheng_domain::status::Colour;
use minsheng_domain::{Action, ItemId, Period, PlanId, PlanKind, UnitId};
use msg::{EN, ProjectsMsg, ZH};
use rust_decimal::Decimal;
use std::collections::HashMap;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/projects", get(latest))
        .route("/plans/{id}/projects", get(dashboard))
        .route("/plans/{id}/projects/new", get(new_page).post(create))
        .route("/projects/{id}", get(page))
        .route("/projects/{id}/edit", get(edit_page).post(edit))
}

pub(crate) fn words(lang: Lang) -> &'static ProjectsMsg {
    lang.pick(&ZH, &EN)
}

fn id_of(s: &str) -> Result<i64, WebError> {
    s.trim().parse().map_err(|_| WebError::NotFound)
}

const YI: i64 = 100_000_000;

/// An amount in 元 written in 亿元 to two places ("60.00").
fn yi(v: Decimal) -> String {
    v.checked_div(Decimal::from(YI))
        .map(|x| x.round_dp(2).to_string())
        .unwrap_or_else(|| "—".into())
}

fn light_label(t: &ProjectsMsg, c: Colour) -> &'static str {
    match c {
        Colour::Green => t.green,
        Colour::Yellow => t.yellow,
        Colour::Red => t.red,
        Colour::Grey => t.grey,
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct PeriodQuery {
    period: Option<String>,
    saved: Option<String>,
}

/// `GET /projects`: the newest major-projects plan's dashboard.
async fn latest(State(st): State<AppState>, chrome: Chrome) -> Result<Response, WebError> {
    chrome.may(Action::ViewDashboard)?;
    let plans = st.store.plans().await.map_err(AppError::from)?;
    let newest = plans
        .iter()
        .filter(|p| p.kind == PlanKind::MajorProjects)
        .max_by_key(|p| (p.year, p.id));
    match newest {
        Some(p) => Ok(Redirect::to(&format!("/plans/{}/projects", p.id)).into_response()),
        None => Ok(Redirect::to("/plans").into_response()),
    }
}

/// One project's row on the dashboard.
struct Row {
    id: i64,
    name: String,
    region: String,
    industry: &'static str,
    responsible: String,
    stage: &'static str,
    planned: String,
    expected: String,
    completed: String,
    percent: String,
    status: &'static str,
    status_code: &'static str,
    light: &'static str,
    light_code: &'static str,
    due: u32,
    missed: u32,
}

/// One group's row (region, industry, responsible unit).
struct GroupRow {
    name: String,
    projects: u32,
    green: u32,
    yellow: u32,
    red: u32,
    grey: u32,
    planned: String,
    expected: String,
    completed: String,
    percent: String,
    due: u32,
    missed: u32,
}

fn group_row(lang: Lang, g: &projects::Group) -> GroupRow {
    let f = &g.figures;
    GroupRow {
        name: lang.pick(g.name_zh.clone(), g.name_en.clone()),
        projects: f.projects,
        green: f.green,
        yellow: f.yellow,
        red: f.red,
        grey: f.grey,
        planned: yi(f.planned),
        expected: yi(f.expected),
        completed: yi(f.completed),
        percent: f.percent().map(|p| format!("{p}%")).unwrap_or("—".into()),
        due: f.due,
        missed: f.missed,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "projects_dashboard.html")]
struct DashboardPage {
    chrome: Chrome,
    t: &'static ProjectsMsg,
    plan_id: i64,
    title: String,
    period: String,
    months: Vec<(String, String, bool)>,
    total: GroupRow,
    rows: Vec<Row>,
    groups: Vec<(&'static str, &'static str, Vec<GroupRow>)>,
    editable: bool,
    /// The projects the plan's text proposes, for the office: (draft, name, what was read).
    proposed: Vec<(usize, String, String)>,
}

/// `GET /plans/{id}/projects?period=2023-06`: the projects dashboard.
async fn dashboard(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> Result<DashboardPage, WebError> {
    let me = chrome.may(Action::ViewDashboard)?.clone();
    let plan = PlanId(id_of(&id)?);
    let d = projects::dashboard(&st.store, &me, plan, q.period.as_deref(), st.today()).await?;
    let lang = chrome.lang;
    let t = words(lang);
    let proposed = if chrome.can(Action::EditPlan) {
        minsheng_app::project_drafts::proposals(&st.store, &me, plan)
            .await?
            .into_iter()
            .map(|p| (p.draft, p.input.name.clone(), proposed_line(lang, &p.input)))
            .collect()
    } else {
        Vec::new()
    };
    let tree = st.store.unit_tree().await.map_err(AppError::from)?;
    let name = |u: UnitId| {
        tree.get(u)
            .map_or_else(|| u.to_string(), |u| u.name.clone())
    };
    let rows = d
        .lines
        .iter()
        .map(|l| {
            let f = &l.figures;
            let status = l.investment.as_ref().map(|i| i.status);
            Row {
                id: l.project.item.0,
                name: l.project.name.clone(),
                region: name(l.project.region),
                industry: lang.pick(l.project.industry.label_zh(), l.project.industry.label_en()),
                responsible: name(l.project.responsible),
                stage: lang.pick(l.state.stage.label_zh(), l.state.stage.label_en()),
                planned: yi(f.planned),
                expected: yi(f.expected),
                completed: yi(f.completed),
                percent: minsheng_domain::project::total(std::slice::from_ref(f))
                    .percent()
                    .map(|p| format!("{p}%"))
                    .unwrap_or("—".into()),
                status: status.map_or("—", |s| lang.pick(s.label_zh(), s.label_en())),
                status_code: status.map_or("grey", |s| s.colour().code()),
                light: light_label(t, l.state.light),
                light_code: l.state.light.code(),
                due: f.due,
                missed: f.missed,
            }
        })
        .collect();
    let months = (1..=12)
        .filter_map(|m| Period::month(d.plan.year, m).ok())
        .map(|p| {
            (
                p.to_string(),
                lang.pick(p.label_zh(), p.label_en()),
                p == d.period,
            )
        })
        .collect();
    Ok(DashboardPage {
        t,
        plan_id: d.plan.id.0,
        title: d.plan.title.clone(),
        period: lang.pick(d.period.label_zh(), d.period.label_en()),
        months,
        total: group_row(
            lang,
            &projects::Group {
                name_zh: String::new(),
                name_en: String::new(),
                figures: d.total.clone(),
            },
        ),
        rows,
        groups: vec![
            (
                t.by_region,
                "by-region",
                d.by_region.iter().map(|g| group_row(lang, g)).collect(),
            ),
            (
                t.by_industry,
                "by-industry",
                d.by_industry.iter().map(|g| group_row(lang, g)).collect(),
            ),
            (
                t.by_responsible,
                "by-responsible",
                d.by_responsible
                    .iter()
                    .map(|g| group_row(lang, g))
                    .collect(),
            ),
        ],
        editable: chrome.can(Action::EditPlan),
        proposed,
        chrome,
    })
}

/// What was read of a proposed project, in a line: 总投资, planned milestones, capacities.
pub(crate) fn proposed_line(lang: Lang, p: &NewProject) -> String {
    let mut parts = Vec::new();
    if p.total_investment > Decimal::ZERO {
        let total = p
            .total_investment
            .checked_div(Decimal::from(YI))
            .map(dec_text)
            .unwrap_or_default();
        parts.push(lang.pick(
            format!("总投资{total}亿元"),
            format!("total {total} (100M yuan)"),
        ));
    }
    for m in &p.milestones {
        if let Some(d) = m.planned {
            parts.push(format!(
                "{} {d}",
                lang.pick(m.kind.label_zh(), m.kind.label_en())
            ));
        }
    }
    for c in &p.capacities {
        parts.push(format!(
            "{}{}{}{}",
            c.qualifier.as_deref().unwrap_or(""),
            c.what,
            dec_text(c.value),
            c.unit
        ));
    }
    parts.join(" · ")
}

/// A milestone on the timeline.
struct MilestoneRow {
    code: &'static str,
    name: &'static str,
    planned: String,
    actual: String,
    forecast: String,
    status: &'static str,
    status_code: &'static str,
    light_code: &'static str,
    opens: &'static str,
}

/// A report on the project's page.
struct ReportRow {
    id: i64,
    period: String,
    value: String,
    status: &'static str,
    progress: String,
    reached: String,
}

/// A month of the investment table.
struct MonthRow {
    month: String,
    expected: String,
    completed: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "project.html")]
struct ProjectPage {
    chrome: Chrome,
    t: &'static ProjectsMsg,
    id: i64,
    plan_id: i64,
    plan_title: String,
    name: String,
    facts: Vec<(&'static str, String)>,
    light: &'static str,
    light_code: &'static str,
    stage: &'static str,
    reasons: Vec<String>,
    milestones: Vec<MilestoneRow>,
    chart: Option<TrajectoryChart>,
    investment: Vec<(&'static str, String)>,
    months: Vec<MonthRow>,
    capacities: Vec<String>,
    reports: Vec<ReportRow>,
    problems: Vec<(i64, String, &'static str)>,
    editable: bool,
    note: Option<&'static str>,
}

/// `GET /projects/{id}?period=2023-06`: a project's page.
async fn page(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> Result<ProjectPage, WebError> {
    let me = chrome.may(Action::ViewPlans)?.clone();
    let item = ItemId(id_of(&id)?);
    let p = projects::page(&st.store, &me, item, q.period.as_deref(), st.today()).await?;
    let lang = chrome.lang;
    let t = words(lang);
    let pr = &p.line.project;
    let mut facts = vec![
        (t.code, pr.code.clone().unwrap_or("—".into())),
        (t.owner, pr.owner.clone()),
        (t.responsible, p.responsible_name.clone()),
        (t.leader, pr.leader.clone().unwrap_or("—".into())),
        (t.region, format!("{} · {}", p.region_name, pr.place)),
        (
            t.industry,
            lang.pick(pr.industry.label_zh(), pr.industry.label_en())
                .to_string(),
        ),
        (t.total_investment, yi(pr.total_investment)),
        (t.invested_before, yi(pr.invested_before)),
    ];
    facts.push((t.years, format!("{}—{}", pr.start_year, pr.end_year)));
    let milestones = p
        .line
        .state
        .milestones
        .iter()
        .map(|m| {
            let k = m.milestone.kind;
            let date = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_default();
            MilestoneRow {
                code: k.code(),
                name: lang.pick(k.label_zh(), k.label_en()),
                planned: date(m.milestone.planned),
                actual: date(m.milestone.actual),
                forecast: date(m.forecast),
                status: lang.pick(m.status.label_zh(), m.status.label_en()),
                status_code: m.status.code(),
                light_code: m.light.code(),
                opens: lang.pick(k.opens().label_zh(), k.opens().label_en()),
            }
        })
        .collect();
    let unit = p
        .line
        .investment
        .as_ref()
        .map(|i| i.target.quantity.unit.clone())
        .unwrap_or_default();
    let f = &p.line.figures;
    let investment = vec![
        (t.planned, yi(f.planned)),
        (t.expected, yi(f.expected)),
        (t.completed, yi(f.completed)),
        (
            t.percent,
            minsheng_domain::project::total(std::slice::from_ref(f))
                .percent()
                .map(|p| format!("{p}%"))
                .unwrap_or("—".into()),
        ),
    ];
    let months = p
        .months
        .iter()
        .map(|m| MonthRow {
            month: lang.pick(m.period.label_zh(), m.period.label_en()),
            expected: m
                .expected
                .map(|v| lang.amount(v, &unit))
                .unwrap_or("—".into()),
            completed: m
                .completed
                .map(|v| lang.amount(v, &unit))
                .unwrap_or("—".into()),
        })
        .collect();
    let reports = p
        .reports
        .iter()
        .map(|(r, extra)| ReportRow {
            id: r.id.0,
            period: lang.pick(r.period.label_zh(), r.period.label_en()),
            value: r
                .cumulative
                .map(|v| lang.amount(v, &unit))
                .unwrap_or("—".into()),
            status: lang.pick(r.status.label_zh(), r.status.label_en()),
            progress: extra
                .as_ref()
                .map(|e| e.progress.clone())
                .unwrap_or_default(),
            reached: extra
                .as_ref()
                .map(|e| {
                    e.milestones
                        .iter()
                        .map(|(k, d)| format!("{} {d}", lang.pick(k.label_zh(), k.label_en())))
                        .collect::<Vec<_>>()
                        .join(";")
                })
                .unwrap_or_default(),
        })
        .collect();
    Ok(ProjectPage {
        t,
        id: item.0,
        plan_id: p.plan.id.0,
        plan_title: p.plan.title.clone(),
        name: pr.name.clone(),
        facts,
        light: light_label(t, p.line.state.light),
        light_code: p.line.state.light.code(),
        stage: lang.pick(p.line.state.stage.label_zh(), p.line.state.stage.label_en()),
        reasons: p
            .line
            .state
            .reasons
            .iter()
            .map(|r| lang.pick(r.zh(), r.en()))
            .collect(),
        milestones,
        chart: p
            .trajectory
            .as_ref()
            .map(|tr| TrajectoryChart::new(tr, lang)),
        investment,
        months,
        capacities: p.line.capacities.iter().map(|c| c.phrase.clone()).collect(),
        reports,
        problems: p
            .problems
            .iter()
            .map(|x| (x.id.0, x.title.clone(), x.status.code()))
            .collect(),
        editable: p.editable,
        note: q.saved.map(|_| t.saved),
        chrome,
    })
}

/// The form's fields as typed, by name.
#[derive(Debug, Default)]
struct Values(HashMap<String, String>);

impl Values {
    fn get(&self, k: &str) -> &str {
        self.0.get(k).map(String::as_str).unwrap_or("")
    }

    fn selected(&self, k: &str, v: &str) -> bool {
        self.get(k) == v
    }
}

fn dec_text(v: Decimal) -> String {
    v.normalize().to_string()
}

fn values_of(p: &NewProject) -> Values {
    let mut m = HashMap::new();
    let mut put = |k: String, v: String| {
        m.insert(k, v);
    };
    put("name".into(), p.name.clone());
    put("code".into(), p.code.clone().unwrap_or_default());
    put("owner".into(), p.owner.clone());
    put("responsible".into(), p.responsible.0.to_string());
    put("leader".into(), p.leader.clone().unwrap_or_default());
    put("region".into(), p.region.0.to_string());
    put("place".into(), p.place.clone());
    put("industry".into(), p.industry.clone());
    let yi_of = |v: Decimal| {
        v.checked_div(Decimal::from(YI))
            .map(dec_text)
            .unwrap_or_default()
    };
    put("total_investment".into(), yi_of(p.total_investment));
    put("invested_before".into(), yi_of(p.invested_before));
    put("start_year".into(), p.start_year.to_string());
    put("end_year".into(), p.end_year.to_string());
    put(
        "annual_investment".into(),
        p.annual_investment.map(dec_text).unwrap_or_default(),
    );
    for (period, v) in &p.schedule {
        let q = (period.month_range().1 + 2) / 3;
        put(format!("q{q}"), dec_text(*v));
    }
    for m in &p.milestones {
        if let Some(d) = m.planned {
            put(format!("planned_{}", m.kind.code()), d.to_string());
        }
        if let Some(d) = m.actual {
            put(format!("actual_{}", m.kind.code()), d.to_string());
        }
    }
    for (i, c) in p.capacities.iter().enumerate() {
        put(format!("cap_value_{i}"), dec_text(c.value));
        put(format!("cap_unit_{i}"), c.unit.clone());
        put(format!("cap_what_{i}"), c.what.clone());
        put(
            format!("cap_qualifier_{i}"),
            c.qualifier.clone().unwrap_or_default(),
        );
        put(
            format!("cap_phase_{i}"),
            c.phase.clone().unwrap_or_default(),
        );
    }
    Values(m)
}

/// Capacity rows the form offers.
const CAPACITY_ROWS: usize = 3;

/// Reads the form into a project, or the field and message of what cannot be read.
fn read_form(v: &Values, year: i16, t: &ProjectsMsg) -> Result<NewProject, (String, String)> {
    let bad = |f: &str, m: &str| (f.to_string(), m.to_string());
    let num = |f: &str| -> Result<Option<Decimal>, (String, String)> {
        crate::input::number(v.get(f)).map_err(|_| bad(f, t.not_a_number))
    };
    let money = |f: &str, factor: i64| -> Result<Option<Decimal>, (String, String)> {
        num(f)?
            .map(|x| {
                x.checked_mul(Decimal::from(factor))
                    .ok_or(bad(f, t.not_a_number))
            })
            .transpose()
    };
    let unit = |f: &str| -> Result<UnitId, (String, String)> {
        v.get(f)
            .trim()
            .parse()
            .map(UnitId)
            .map_err(|_| bad(f, t.not_a_unit))
    };
    let year_of = |f: &str| -> Result<i16, (String, String)> {
        v.get(f).trim().parse().map_err(|_| bad(f, t.not_a_year))
    };
    let date = |f: &str| -> Result<Option<Date>, (String, String)> {
        match v.get(f).trim() {
            "" => Ok(None),
            s => s.parse().map(Some).map_err(|_| bad(f, t.not_a_date)),
        }
    };
    let text = |f: &str| v.get(f).trim().to_string();
    let optional = |f: &str| Some(text(f)).filter(|s| !s.is_empty());
    let mut schedule = Vec::new();
    for q in 1..=4i8 {
        if let Some(x) = num(&format!("q{q}"))? {
            let period = Period::month(year, q * 3).map_err(|e| bad("schedule", &e.to_string()))?;
            schedule.push((period, x));
        }
    }
    let mut milestones = Vec::new();
    for k in MilestoneKind::ALL {
        let planned = date(&format!("planned_{}", k.code()))?;
        let actual = date(&format!("actual_{}", k.code()))?;
        if planned.is_some() || actual.is_some() {
            milestones.push(ProjectMilestone {
                kind: k,
                planned,
                actual,
            });
        }
    }
    let mut capacities = Vec::new();
    for i in 0..CAPACITY_ROWS {
        let Some(value) = num(&format!("cap_value_{i}"))? else {
            continue;
        };
        capacities.push(Capacity {
            value,
            unit: text(&format!("cap_unit_{i}")),
            qualifier: optional(&format!("cap_qualifier_{i}")),
            phase: optional(&format!("cap_phase_{i}")),
            what: text(&format!("cap_what_{i}")),
        });
    }
    Ok(NewProject {
        name: text("name"),
        code: optional("code"),
        owner: text("owner"),
        responsible: unit("responsible")?,
        leader: optional("leader"),
        region: unit("region")?,
        place: text("place"),
        industry: text("industry"),
        total_investment: money("total_investment", YI)?.unwrap_or_default(),
        invested_before: money("invested_before", YI)?.unwrap_or_default(),
        start_year: year_of("start_year")?,
        end_year: year_of("end_year")?,
        annual_investment: num("annual_investment")?,
        investment_unit: "万元".into(),
        schedule,
        milestones,
        capacities,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "project_form.html")]
struct FormPage {
    chrome: Chrome,
    t: &'static ProjectsMsg,
    heading: &'static str,
    action: String,
    back: String,
    revision: i64,
    v: Values,
    units: Vec<(i64, String)>,
    industries: Vec<(String, &'static str)>,
    kinds: Vec<(&'static str, &'static str)>,
    caps: Vec<usize>,
    error: Option<(String, String)>,
}

impl FormPage {
    async fn new(
        st: &AppState,
        chrome: Chrome,
        target: FormTarget,
        v: Values,
        error: Option<(String, String)>,
    ) -> Result<FormPage, WebError> {
        let lang = chrome.lang;
        let t = words(lang);
        let tree = st.store.unit_tree().await.map_err(AppError::from)?;
        let (heading, action, back, revision) = match target {
            FormTarget::New(plan) => (
                t.new_title,
                format!("/plans/{plan}/projects/new"),
                format!("/plans/{plan}/projects"),
                0,
            ),
            FormTarget::Edit(item, revision) => (
                t.edit_title,
                format!("/projects/{item}/edit"),
                format!("/projects/{item}"),
                revision,
            ),
        };
        Ok(FormPage {
            t,
            heading,
            action,
            back,
            revision,
            v,
            units: tree
                .units()
                .iter()
                .map(|u| (u.id.0, u.name.clone()))
                .collect(),
            industries: INDUSTRIES
                .iter()
                .map(|(c, zh, en)| (c.to_string(), lang.pick(*zh, *en)))
                .collect(),
            kinds: MilestoneKind::ALL
                .iter()
                .map(|k| (k.code(), lang.pick(k.label_zh(), k.label_en())))
                .collect(),
            caps: (0..CAPACITY_ROWS).collect(),
            error,
            chrome,
        })
    }
}

enum FormTarget {
    New(PlanId),
    Edit(ItemId, i64),
}

/// Which of the plan text's projects the new-project form starts from.
#[derive(serde::Deserialize)]
struct DraftQuery {
    draft: Option<usize>,
}

/// `GET /plans/{id}/projects/new`: the office's form for a new project; `?draft=N`, the
/// plan text's `N`th project as the extractor read it, the units left for the office.
async fn new_page(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    Query(q): Query<DraftQuery>,
) -> Result<FormPage, WebError> {
    let me = chrome.may(Action::EditPlan)?.clone();
    let plan = PlanId(id_of(&id)?);
    let p = st.store.plan(plan).await.map_err(AppError::from)?;
    let mut v = match q.draft {
        Some(n) => {
            let mut v =
                values_of(&minsheng_app::project_drafts::proposal(&st.store, &me, plan, n).await?);
            // The text names no unit: the office chooses them.
            v.0.remove("responsible");
            v.0.remove("region");
            v
        }
        None => {
            let mut v = Values::default();
            v.0.insert("start_year".into(), p.year.to_string());
            v.0.insert("end_year".into(), p.year.to_string());
            v
        }
    };
    if v.0.get("industry").is_none_or(String::is_empty) {
        v.0.insert("industry".into(), "C".into());
    }
    FormPage::new(&st, chrome, FormTarget::New(plan), v, None).await
}

/// What the office sent, and the revision it edited.
fn pairs_to_values(pairs: Vec<(String, String)>) -> (Values, i64) {
    let mut m = HashMap::new();
    for (k, v) in pairs {
        m.insert(k, v);
    }
    let revision = m
        .get("revision")
        .and_then(|r| r.trim().parse().ok())
        .unwrap_or(0);
    (Values(m), revision)
}

/// `POST /plans/{id}/projects/new`: creates the project, then its page; a refusal comes back
/// with 422 and the field named, nothing saved.
async fn create(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let me = chrome.may(Action::EditPlan)?.clone();
    let plan = PlanId(id_of(&id)?);
    let year = st.store.plan(plan).await.map_err(AppError::from)?.year;
    let (v, _) = pairs_to_values(pairs);
    let t = words(chrome.lang);
    let error = match read_form(&v, year, t) {
        Err(e) => e,
        Ok(input) => match projects::create(&st.store, &me, plan, &input, st.today()).await {
            Ok(item) => {
                return Ok(Redirect::to(&format!("/projects/{item}?saved=1")).into_response());
            }
            Err(AppError::Invalid { field, reason }) => (field, reason),
            Err(e) => return Err(e.into()),
        },
    };
    let page = FormPage::new(&st, chrome, FormTarget::New(plan), v, Some(error)).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// `GET /projects/{id}/edit`: the office's form with the project as it stands.
async fn edit_page(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
) -> Result<FormPage, WebError> {
    let me = chrome.may(Action::EditPlan)?.clone();
    let item = ItemId(id_of(&id)?);
    let (_, input, revision) = projects::edit_form(&st.store, &me, item).await?;
    FormPage::new(
        &st,
        chrome,
        FormTarget::Edit(item, revision),
        values_of(&input),
        None,
    )
    .await
}

/// `POST /projects/{id}/edit`: saves the project made from the revision the form showed; a
/// refusal comes back with 422, a change by someone else meanwhile is 409.
async fn edit(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let me = chrome.may(Action::EditPlan)?.clone();
    let item = ItemId(id_of(&id)?);
    let (plan, _, _) = projects::edit_form(&st.store, &me, item).await?;
    let year = st.store.plan(plan).await.map_err(AppError::from)?.year;
    let (v, revision) = pairs_to_values(pairs);
    let t = words(chrome.lang);
    let error = match read_form(&v, year, t) {
        Err(e) => e,
        Ok(input) => {
            match projects::update(&st.store, &me, item, revision, &input, st.today()).await {
                Ok(_) => {
                    return Ok(Redirect::to(&format!("/projects/{item}?saved=1")).into_response());
                }
                Err(AppError::Invalid { field, reason }) => (field, reason),
                Err(e) => return Err(e.into()),
            }
        }
    };
    let page = FormPage::new(
        &st,
        chrome,
        FormTarget::Edit(item, revision),
        v,
        Some(error),
    )
    .await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}
