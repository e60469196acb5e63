//! 考核 pages: a plan's assessment for a year (`/plans/{id}/assessment`: the ranking, each
//! unit's traceable breakdown, the monthly scores; for the office the hand-entry forms and the
//! sign-off), the rules editor (`/plans/{id}/assessment/rules`) and the XLSX of the scores.
//! Everything is [`minsheng_app::scoring`]'s; the pages only format it in the reader's
//! language.

pub(crate) mod msg;

use crate::AppState;
use crate::auth::Chrome;
use crate::error::WebError;
use crate::i18n::Lang;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use minsheng_app::AppError;
use minsheng_app::scoring::{self, AssessmentView, Scores};
use minsheng_domain::{Action, PlanId, UnitId};
use msg::{AssessmentMsg, EN, ZH};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/plans/{id}/assessment", get(page))
        .route(
            "/plans/{id}/assessment/rules",
            get(rules_page).post(save_rules),
        )
        .route("/plans/{id}/assessment/points", post(enter_points))
        .route(
            "/plans/{id}/assessment/misstatements",
            post(add_misstatement),
        )
        .route(
            "/plans/{id}/assessment/entries/{entry}/remove",
            post(remove_entry),
        )
        .route("/plans/{id}/assessment/sign-off", post(sign_off))
        .route("/plans/{id}/assessment.xlsx", get(xlsx))
}

pub(crate) fn words(lang: Lang) -> &'static AssessmentMsg {
    lang.pick(&ZH, &EN)
}

fn id_of<T: std::str::FromStr>(s: &str) -> Result<T, WebError> {
    s.trim().parse().map_err(|_| WebError::NotFound)
}

fn time(t: jiff::Timestamp) -> String {
    minsheng_app::clock::in_beijing(t)
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct YearQuery {
    year: Option<i16>,
    saved: Option<u8>,
    entered: Option<u8>,
}

/// The year asked for, or the plan's.
async fn year_of(st: &AppState, plan: PlanId, year: Option<i16>) -> Result<i16, WebError> {
    match year {
        Some(y) => Ok(y),
        None => Ok(st.store.plan(plan).await.map_err(AppError::from)?.year),
    }
}

struct Cell {
    points: String,
    negative: bool,
}

struct UnitRow {
    unit: i64,
    rank: usize,
    name: String,
    total: String,
    cells: Vec<Cell>,
    lines: Vec<(String, String, String, String, bool)>,
}

struct MonthRow {
    name: String,
    totals: Vec<String>,
}

struct EntryRow {
    id: i64,
    unit: String,
    rule: String,
    points: String,
    note: String,
    by: String,
}

fn points(d: rust_decimal::Decimal) -> String {
    d.normalize().to_string()
}

fn rows(s: &Scores, lang: Lang) -> Vec<UnitRow> {
    s.units
        .iter()
        .map(|u| UnitRow {
            unit: u.unit,
            rank: u.rank,
            name: u.name.clone(),
            total: points(u.total),
            cells: s
                .columns
                .iter()
                .map(|c| {
                    let p = u.points_of(&c.id);
                    Cell {
                        points: points(p),
                        negative: p.is_sign_negative() && !p.is_zero(),
                    }
                })
                .collect(),
            lines: u
                .lines
                .iter()
                .map(|l| {
                    (
                        l.rule.clone(),
                        l.name.clone(),
                        lang.pick(&l.figure_zh, &l.figure_en).clone(),
                        points(l.points),
                        l.points.is_sign_negative() && !l.points.is_zero(),
                    )
                })
                .collect(),
        })
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "assessment.html")]
struct Page {
    chrome: Chrome,
    t: &'static AssessmentMsg,
    plan_id: i64,
    plan_title: String,
    year: i16,
    status: &'static str,
    signed: bool,
    signed_by: String,
    has_rules: bool,
    is_office: bool,
    may_assess: bool,
    months_used: String,
    columns: Vec<String>,
    units: Vec<UnitRow>,
    unit_count: usize,
    months: Vec<String>,
    month_rows: Vec<MonthRow>,
    hand_rules: Vec<(String, String, String)>,
    misstatement: Option<(String, String)>,
    choices: Vec<(i64, String)>,
    entries: Vec<EntryRow>,
    note: Option<&'static str>,
    error: Option<String>,
}

impl Page {
    fn new(chrome: Chrome, v: &AssessmentView) -> Page {
        let lang = chrome.lang;
        let t = words(lang);
        let status = v.status();
        let (columns, units, months_used) = match &v.scores {
            Some(s) => (
                s.columns.iter().map(|c| c.name.clone()).collect(),
                rows(s, lang),
                s.months.join(lang.pick("、", ", ")),
            ),
            None => (Vec::new(), Vec::new(), String::new()),
        };
        // The monthly totals, one column per month, one row per unit.
        let mut names: Vec<(i64, String)> = Vec::new();
        for m in &v.months {
            for u in &m.scores.units {
                if !names.iter().any(|(id, _)| *id == u.unit) {
                    names.push((u.unit, u.name.clone()));
                }
            }
        }
        names.sort_by(|a, b| a.1.cmp(&b.1));
        let month_rows = names
            .iter()
            .map(|(id, name)| MonthRow {
                name: name.clone(),
                totals: v
                    .months
                    .iter()
                    .map(|m| {
                        m.scores
                            .units
                            .iter()
                            .find(|u| u.unit == *id)
                            .map(|u| format!("{}({})", points(u.total), u.rank))
                            .unwrap_or_else(|| "—".into())
                    })
                    .collect(),
            })
            .collect();
        Page {
            t,
            plan_id: v.plan.id.0,
            plan_title: v.plan.title.clone(),
            year: v.year,
            status: lang.pick(status.label_zh(), status.label_en()),
            signed: v.is_signed(),
            signed_by: v
                .stored
                .as_ref()
                .and_then(|a| a.signed.as_ref())
                .map(|(by, at)| format!("{by} · {}", time(*at)))
                .unwrap_or_default(),
            has_rules: v.rules.is_some(),
            is_office: chrome.can(Action::Assess),
            may_assess: v.may_assess,
            months_used,
            columns,
            unit_count: v.unit_count,
            units,
            months: v
                .months
                .iter()
                .map(|m| lang.pick(m.period.label_zh(), m.period.label_en()))
                .collect(),
            month_rows,
            hand_rules: v
                .hand_rules()
                .into_iter()
                .map(|(id, name, max)| (id, name, points(max)))
                .collect(),
            misstatement: v.misstatement_range().map(|(a, b)| (points(a), points(b))),
            choices: v.units.iter().map(|(u, n)| (u.0, n.clone())).collect(),
            entries: v
                .entries
                .iter()
                .map(|e| EntryRow {
                    id: e.id,
                    unit: v.unit_name(e.unit),
                    rule: v
                        .rules
                        .as_ref()
                        .and_then(|r| r.rule(&e.rule))
                        .map_or_else(|| e.rule.clone(), |r| r.name.clone()),
                    points: points(e.points),
                    note: e.note.clone(),
                    by: format!("{} · {}", e.entered.0, time(e.entered.1)),
                })
                .collect(),
            note: None,
            error: None,
            chrome,
        }
    }
}

async fn view_of(
    st: &AppState,
    chrome: &Chrome,
    plan: PlanId,
    year: i16,
) -> Result<AssessmentView, WebError> {
    let me = chrome.may(Action::ViewScores)?;
    Ok(scoring::view(&st.store, me, plan, year).await?)
}

/// `GET /plans/{id}/assessment?year=2023`
async fn page(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    Query(q): Query<YearQuery>,
) -> Result<Page, WebError> {
    let plan: PlanId = id_of(&id)?;
    let year = year_of(&st, plan, q.year).await?;
    let v = view_of(&st, &chrome, plan, year).await?;
    let mut page = Page::new(chrome, &v);
    page.note = match (q.saved, q.entered) {
        (Some(_), _) => Some(page.t.rules_saved),
        (_, Some(_)) => Some(page.t.entered),
        _ => None,
    };
    Ok(page)
}

/// Answers a refused write with the page and the reason (422 for bad input, 409 for a
/// signed-off assessment), or redirects back.
async fn answer(
    st: &AppState,
    chrome: Chrome,
    plan: PlanId,
    year: i16,
    result: Result<(), AppError>,
    then: &str,
) -> Result<Response, WebError> {
    let status = match &result {
        Ok(()) => {
            return Ok(
                Redirect::to(&format!("/plans/{plan}/assessment?year={year}&{then}=1"))
                    .into_response(),
            );
        }
        Err(AppError::Invalid { .. }) => StatusCode::UNPROCESSABLE_ENTITY,
        Err(AppError::Conflict { .. }) => StatusCode::CONFLICT,
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let reason = match result {
        Err(AppError::Invalid { reason, .. } | AppError::Conflict { reason }) => reason,
        Err(e) => return Err(e.into()),
        Ok(()) => String::new(),
    };
    let v = view_of(st, &chrome, plan, year).await?;
    let mut page = Page::new(chrome, &v);
    page.error = Some(reason);
    Ok((status, page).into_response())
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct PointsForm {
    year: i16,
    unit: i64,
    rule: String,
    points: String,
    note: String,
}

/// `POST /plans/{id}/assessment/points` with `year`, `unit`, `rule`, `points`.
async fn enter_points(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    Form(f): Form<PointsForm>,
) -> Result<Response, WebError> {
    let me = chrome.may(Action::Assess)?.clone();
    let plan: PlanId = id_of(&id)?;
    let r = scoring::enter_points(
        &st.store,
        &me,
        plan,
        f.year,
        UnitId(f.unit),
        &f.rule,
        &f.points,
    )
    .await;
    answer(&st, chrome, plan, f.year, r, "entered").await
}

/// `POST /plans/{id}/assessment/misstatements` with `year`, `unit`, `points`, `note`.
async fn add_misstatement(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    Form(f): Form<PointsForm>,
) -> Result<Response, WebError> {
    let me = chrome.may(Action::Assess)?.clone();
    let plan: PlanId = id_of(&id)?;
    let r = scoring::add_misstatement(
        &st.store,
        &me,
        plan,
        f.year,
        UnitId(f.unit),
        &f.points,
        &f.note,
    )
    .await;
    answer(&st, chrome, plan, f.year, r, "entered").await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct YearForm {
    year: i16,
}

/// `POST /plans/{id}/assessment/entries/{entry}/remove` with `year`.
async fn remove_entry(
    State(st): State<AppState>,
    chrome: Chrome,
    Path((id, entry)): Path<(String, String)>,
    Form(f): Form<YearForm>,
) -> Result<Response, WebError> {
    let me = chrome.may(Action::Assess)?.clone();
    let plan: PlanId = id_of(&id)?;
    let entry: i64 = id_of(&entry)?;
    let r = scoring::remove_entry(&st.store, &me, plan, f.year, entry).await;
    answer(&st, chrome, plan, f.year, r, "entered").await
}

/// `POST /plans/{id}/assessment/sign-off` with `year`.
async fn sign_off(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    Form(f): Form<YearForm>,
) -> Result<Response, WebError> {
    let me = chrome.may(Action::Assess)?.clone();
    let plan: PlanId = id_of(&id)?;
    let r = scoring::sign_off(&st.store, &me, plan, f.year)
        .await
        .map(|_| ());
    answer(&st, chrome, plan, f.year, r, "signed").await
}

#[derive(Template, WebTemplate)]
#[template(path = "assessment_rules.html")]
struct RulesPage {
    chrome: Chrome,
    t: &'static AssessmentMsg,
    plan_id: i64,
    plan_title: String,
    year: i16,
    text: String,
    locked: bool,
    error: Option<String>,
}

/// `GET /plans/{id}/assessment/rules?year=2023`: the rules as saved, or the starter text.
async fn rules_page(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    Query(q): Query<YearQuery>,
) -> Result<RulesPage, WebError> {
    chrome.may(Action::Assess)?;
    let plan: PlanId = id_of(&id)?;
    let year = year_of(&st, plan, q.year).await?;
    let v = view_of(&st, &chrome, plan, year).await?;
    Ok(RulesPage {
        t: words(chrome.lang),
        plan_id: plan.0,
        plan_title: v.plan.title.clone(),
        year,
        locked: v.is_signed(),
        text: v.rules_text,
        error: None,
        chrome,
    })
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct RulesForm {
    year: i16,
    rules: String,
}

/// `POST /plans/{id}/assessment/rules` with `year` and `rules`: saved, or the form again with
/// every problem named and the text as typed.
async fn save_rules(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    Form(f): Form<RulesForm>,
) -> Result<Response, WebError> {
    let me = chrome.may(Action::Assess)?.clone();
    let plan: PlanId = id_of(&id)?;
    match scoring::save_rules(&st.store, &me, plan, f.year, &f.rules).await {
        Ok(()) => Ok(
            Redirect::to(&format!("/plans/{plan}/assessment?year={}&saved=1", f.year))
                .into_response(),
        ),
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            let (status, reason) = match e {
                AppError::Conflict { reason } => (StatusCode::CONFLICT, reason),
                AppError::Invalid { reason, .. } => (StatusCode::UNPROCESSABLE_ENTITY, reason),
                other => return Err(other.into()),
            };
            let v = view_of(&st, &chrome, plan, f.year).await?;
            let page = RulesPage {
                t: words(chrome.lang),
                plan_id: plan.0,
                plan_title: v.plan.title.clone(),
                year: f.year,
                text: f.rules,
                locked: v.is_signed(),
                error: Some(reason),
                chrome,
            };
            Ok((status, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /plans/{id}/assessment.xlsx?year=2023`
async fn xlsx(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    Query(q): Query<YearQuery>,
) -> Result<Response, WebError> {
    let plan: PlanId = id_of(&id)?;
    let year = year_of(&st, plan, q.year).await?;
    let v = view_of(&st, &chrome, plan, year).await?;
    let bytes = minsheng_app::scoring_xlsx::write(&v).map_err(|reason| WebError::Invalid {
        field: "year".into(),
        reason,
    })?;
    let stem = v.file_stem();
    let encoded: String = format!("{stem}.xlsx")
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"assessment-{plan}-{year}.xlsx\"; filename*=UTF-8''{encoded}"
                ),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// A plan's assessment as one HTML file, in Chinese, its stylesheet inlined (`minsheng
/// assess --format html`): the ranking and every unit's breakdown.
pub fn standalone_html(v: &AssessmentView) -> String {
    #[derive(Template)]
    #[template(path = "assessment_standalone.html")]
    struct Standalone {
        css: &'static str,
        t: &'static AssessmentMsg,
        plan_title: String,
        year: i16,
        status: &'static str,
        months_used: String,
        columns: Vec<String>,
        units: Vec<UnitRow>,
    }
    let (columns, units, months_used) = match &v.scores {
        Some(s) => (
            s.columns.iter().map(|c| c.name.clone()).collect(),
            rows(s, Lang::Zh),
            s.months.join("、"),
        ),
        None => (Vec::new(), Vec::new(), String::new()),
    };
    Standalone {
        css: crate::assets::SITE_CSS,
        t: &ZH,
        plan_title: v.plan.title.clone(),
        year: v.year,
        status: v.status().label_zh(),
        months_used,
        columns,
        units,
    }
    .render()
    .unwrap_or_else(|e| format!("<!DOCTYPE html><p>assessment template: {e}</p>"))
}

/// The assessments a unit account's workspace links to: (href, label) for each plan it holds
/// shares in (as its issued bulletins show) whose assessment of the plan's year was started.
pub(crate) async fn for_workspace(
    st: &AppState,
    chrome: &Chrome,
) -> Result<Vec<(String, String)>, WebError> {
    let Ok(me) = chrome.account() else {
        return Ok(Vec::new());
    };
    let Some(unit) = me.unit else {
        return Ok(Vec::new());
    };
    if me.may(Action::ViewScores).is_err() {
        return Ok(Vec::new());
    }
    let mut plans: Vec<PlanId> = st
        .store
        .issued_bulletins_within(unit)
        .await
        .map_err(AppError::from)?
        .iter()
        .map(|b| b.plan)
        .collect();
    plans.sort();
    plans.dedup();
    let mut out = Vec::new();
    for p in plans {
        let plan = st.store.plan(p).await.map_err(AppError::from)?;
        if st
            .store
            .assessment(p, plan.year)
            .await
            .map_err(AppError::from)?
            .is_some()
        {
            out.push((
                format!("/plans/{p}/assessment?year={}#mine", plan.year),
                format!("{} · {}", plan.title, plan.year),
            ));
        }
    }
    Ok(out)
}
