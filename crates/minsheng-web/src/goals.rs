//! Multi-year goals (中长期目标) pages: a plan's goals `/plans/{id}/goals` — each goal with
//! its path against the values reported by year or quarter (an SVG chart,
//! [`crate::charts::path::PathChart`]), its status light, the forecast, its parts under it, a
//! unit's way into the report form for the goal's periods — and the office's path form
//! `/goals/{id}/path` (linear or points, the base, the reporting frequency; a refusal shown
//! again with 422, the field named and what was typed). Everything they say is
//! [`minsheng_app::goals`]'; pages only format it.

pub(crate) mod msg;

use crate::AppState;
use crate::auth::Chrome;
use crate::charts::path::PathChart;
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
use minsheng_app::goals::{self, GoalView};
use minsheng_domain::path::{Base, Frequency, PathInput, PathKind, PathPoint};
use minsheng_domain::quantity::read_plain_decimal;
use minsheng_domain::{Action, Period, PlanId, Status, TargetId};
use msg::{EN, GoalsMsg, ZH};
use rust_decimal::Decimal;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/plans/{id}/goals", get(page))
        .route("/goals/{id}/path", get(path_page).post(path_post))
}

fn words(lang: Lang) -> &'static GoalsMsg {
    lang.pick(&ZH, &EN)
}

fn id_of<T: std::str::FromStr>(s: &str) -> Result<T, WebError> {
    s.trim().parse().map_err(|_| WebError::NotFound)
}

fn period_label(lang: Lang, p: Period) -> String {
    lang.pick(p.label_zh(), p.label_en())
}

fn status_of(lang: Lang, s: Status) -> (&'static str, &'static str) {
    (lang.pick(s.label_zh(), s.label_en()), s.colour().code())
}

/// One reported period of a goal.
struct ReportedRow {
    period: String,
    value: String,
    expected: String,
    status: &'static str,
    colour: &'static str,
}

/// One goal on the page.
struct GoalRow {
    id: i64,
    depth: usize,
    subject: String,
    phrase: String,
    target: String,
    due: String,
    base: String,
    path: String,
    frequency: &'static str,
    reporter: String,
    status: &'static str,
    colour: &'static str,
    latest: String,
    expected: String,
    gap: String,
    forecast: String,
    forecast_meets: Option<bool>,
    awaiting: usize,
    chart: PathChart,
    reported: Vec<ReportedRow>,
    /// The report form's address and the periods that may be reported, for a unit that
    /// reports on it.
    report: Option<(String, Vec<(String, String)>)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "goals.html")]
struct GoalsPage {
    chrome: Chrome,
    t: &'static GoalsMsg,
    plan_id: i64,
    title: String,
    years: String,
    goals: Vec<GoalRow>,
    may_set_path: bool,
    notice: Option<&'static str>,
}

fn row_of(g: &GoalView, lang: Lang, today: jiff::civil::Date) -> GoalRow {
    let t = words(lang);
    let unit = &g.target.quantity.unit;
    let (status, colour) = status_of(lang, g.status);
    let expected_latest = g.latest.and_then(|(p, _)| g.path.expected(p));
    let report = match (&g.reporter, g.may_report) {
        (Some((a, _)), true) => {
            let periods = g
                .path
                .years()
                .flat_map(|y| g.path.frequency().periods_of(y))
                .filter(|p| p.first_day() <= today)
                .map(|p| (p.to_string(), period_label(lang, p)))
                .collect();
            Some((format!("/workspace/assignments/{a}/report"), periods))
        }
        _ => None,
    };
    GoalRow {
        id: g.target.id.0,
        depth: g.depth.min(3),
        subject: g.subject.clone(),
        phrase: g.target.phrase.clone(),
        target: format!(
            "{} {}",
            lang.pick(g.target.cmp.label_zh(), g.target.cmp.label_en()),
            lang.quantity(&g.target.quantity)
        ),
        due: g.target.deadline.to_string(),
        base: match g.path.base() {
            Some(b) => format!(
                "{} {}",
                lang.pick(format!("{}年", b.year), b.year.to_string()),
                lang.amount(b.value, unit)
            ),
            None => t.no_base.to_string(),
        },
        path: match g.path.kind() {
            PathKind::Linear => lang
                .pick(PathKind::Linear.label_zh(), PathKind::Linear.label_en())
                .to_string(),
            PathKind::Points => format!(
                "{}:{}",
                lang.pick(PathKind::Points.label_zh(), PathKind::Points.label_en()),
                g.path
                    .points()
                    .iter()
                    .map(|p| format!(
                        "{} {}",
                        period_label(lang, p.period),
                        lang.amount(p.value, unit)
                    ))
                    .collect::<Vec<_>>()
                    .join(lang.pick(";", "; "))
            ),
        },
        frequency: lang.pick(g.path.frequency().label_zh(), g.path.frequency().label_en()),
        reporter: g
            .reporter
            .as_ref()
            .map(|(_, n)| n.clone())
            .unwrap_or_default(),
        status,
        colour,
        latest: match g.latest {
            Some((p, v)) => format!("{} {}", period_label(lang, p), lang.amount(v, unit)),
            None => t.not_reported.to_string(),
        },
        expected: expected_latest
            .map(|v| lang.amount(v, unit))
            .unwrap_or_default(),
        gap: g
            .gap
            .map(|gap| {
                let gap = gap.round_dp(1);
                let way = if gap.is_sign_negative() {
                    t.behind
                } else {
                    t.ahead
                };
                lang.pick(
                    format!("{way}{}{}", gap.abs(), t.points_word),
                    format!("{} {} {way}", gap.abs(), t.points_word),
                )
            })
            .unwrap_or_default(),
        forecast: g
            .forecast
            .map(|f| lang.amount(f.value, unit))
            .unwrap_or_else(|| t.no_forecast.to_string()),
        forecast_meets: g.forecast.map(|f| f.meets),
        awaiting: g.awaiting,
        chart: PathChart::new(g, lang),
        reported: g
            .reported
            .iter()
            .map(|r| {
                let (status, colour) = status_of(lang, r.status);
                ReportedRow {
                    period: period_label(lang, r.period),
                    value: lang.amount(r.value, unit),
                    expected: r.expected.map(|v| lang.amount(v, unit)).unwrap_or_default(),
                    status,
                    colour,
                }
            })
            .collect(),
        report,
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct PageQuery {
    filed: Option<String>,
    saved: Option<String>,
}

/// `GET /plans/{id}/goals`: the plan's goals against their paths.
async fn page(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<GoalsPage, WebError> {
    let me = chrome.may(Action::ViewPlans)?.clone();
    let plan: PlanId = id_of(&id)?;
    let v = goals::view(&st.store, &me, plan).await?;
    let lang = chrome.lang;
    let t = words(lang);
    let today = st.today();
    Ok(GoalsPage {
        t,
        plan_id: plan.0,
        title: v.plan.title.clone(),
        years: lang.pick(
            format!("{}—{}年", v.plan.year, v.end_year),
            format!("{}–{}", v.plan.year, v.end_year),
        ),
        goals: v.goals.iter().map(|g| row_of(g, lang, today)).collect(),
        may_set_path: chrome.can(Action::Decompose),
        notice: if q.filed.is_some() {
            Some(t.filed)
        } else if q.saved.is_some() {
            Some(t.saved)
        } else {
            None
        },
        chrome,
    })
}

/// The path form as sent (or as stored), to show again.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
struct PathFields {
    kind: String,
    frequency: String,
    base_year: String,
    base_value: String,
    points: String,
    revision: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "goal_path.html")]
struct PathPage {
    chrome: Chrome,
    t: &'static GoalsMsg,
    target_id: i64,
    plan_id: i64,
    subject: String,
    phrase: String,
    goal: String,
    unit: String,
    f: PathFields,
    kinds: Vec<(&'static str, &'static str)>,
    frequencies: Vec<(&'static str, &'static str)>,
    error: Option<(String, String)>,
}

fn invalid(field: impl Into<String>, reason: impl Into<String>) -> AppError {
    AppError::Invalid {
        field: field.into(),
        reason: reason.into(),
    }
}

/// Reads the path form into what the domain checks; a field that does not read is named.
fn read_path(f: &PathFields, unit: &str) -> Result<(i64, PathInput), AppError> {
    let revision: i64 = f.revision.trim().parse().map_err(|_| {
        invalid(
            "revision",
            "表单已过期,请刷新 / the form is stale: reload it",
        )
    })?;
    let kind = PathKind::from_code(f.kind.trim())
        .ok_or_else(|| invalid("kind", "请选择路径类型 / choose the kind of path"))?;
    let frequency = Frequency::from_code(f.frequency.trim()).ok_or_else(|| {
        invalid(
            "frequency",
            "请选择报送频次 / choose how often it is reported",
        )
    })?;
    let base = match (f.base_year.trim(), f.base_value.trim()) {
        ("", "") => None,
        (y, v) => {
            let year: i16 = y.parse().map_err(|_| {
                invalid(
                    "base_year",
                    format!("基期年份“{y}”不是年份 / the base year '{y}' is not a year"),
                )
            })?;
            let value = read_plain_decimal(v).map_err(|e| invalid("base_value", e.to_string()))?;
            Some((Base { year, value }, unit.to_string()))
        }
    };
    let mut points = Vec::new();
    if kind == PathKind::Points {
        for (i, line) in f
            .points
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .enumerate()
        {
            let index = i + 1;
            let line = line.replace(['：', ':', '=', ',', '，'], " ");
            let mut parts = line.split_whitespace();
            let (Some(period), Some(value)) = (parts.next(), parts.next()) else {
                return Err(invalid(
                    format!("points[{index}]"),
                    format!("第{index}行应为“期间 数值” / line {index} must be 'period value'"),
                ));
            };
            let period = Period::parse(period)
                .map_err(|e| invalid(format!("points[{index}].period"), e.to_string()))?;
            let value = read_plain_decimal(value)
                .map_err(|e| invalid(format!("points[{index}].value"), e.to_string()))?;
            points.push((PathPoint { period, value }, unit.to_string()));
        }
    }
    Ok((
        revision,
        PathInput {
            kind,
            base,
            points,
            frequency,
        },
    ))
}

fn path_page_of(
    chrome: Chrome,
    plan: PlanId,
    target: &minsheng_domain::Target,
    subject: String,
    f: PathFields,
    error: Option<(String, String)>,
) -> PathPage {
    let lang = chrome.lang;
    PathPage {
        t: words(lang),
        target_id: target.id.0,
        plan_id: plan.0,
        subject,
        phrase: target.phrase.clone(),
        goal: format!(
            "{} {} · {}",
            lang.pick(target.cmp.label_zh(), target.cmp.label_en()),
            lang.quantity(&target.quantity),
            target.deadline
        ),
        unit: target.quantity.unit.clone(),
        kinds: [PathKind::Linear, PathKind::Points]
            .map(|k| (k.code(), lang.pick(k.label_zh(), k.label_en())))
            .to_vec(),
        frequencies: Frequency::ALL
            .map(|k| (k.code(), lang.pick(k.label_zh(), k.label_en())))
            .to_vec(),
        f,
        error,
        chrome,
    }
}

fn value_text(v: Decimal) -> String {
    v.normalize().to_string()
}

/// `GET /goals/{id}/path`: the office's form for a goal's path, filled with the stored one.
async fn path_page(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
) -> Result<PathPage, WebError> {
    let me = chrome.may(Action::Decompose)?.clone();
    let target: TargetId = id_of(&id)?;
    let (plan, t, subject, g) = goals::for_path(&st.store, &me, target).await?;
    let f = PathFields {
        kind: g.kind.code().into(),
        frequency: g.frequency.code().into(),
        base_year: g.base.map(|b| b.year.to_string()).unwrap_or_default(),
        base_value: g.base.map(|b| value_text(b.value)).unwrap_or_default(),
        points: g
            .points
            .iter()
            .map(|p| format!("{} {}", p.period, value_text(p.value)))
            .collect::<Vec<_>>()
            .join("\n"),
        revision: g.revision.to_string(),
    };
    Ok(path_page_of(chrome, plan.id, &t, subject, f, None))
}

/// `POST /goals/{id}/path`: sets the path; a refusal shows the form again (422) with the
/// field named and what was typed, nothing written; a stale form is 409.
async fn path_post(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    axum::Form(f): axum::Form<PathFields>,
) -> Result<Response, WebError> {
    let me = chrome.may(Action::Decompose)?.clone();
    let target: TargetId = id_of(&id)?;
    let (plan, t, subject, _) = goals::for_path(&st.store, &me, target).await?;
    let result = match read_path(&f, &t.quantity.unit) {
        Ok((revision, input)) => goals::set_path(&st.store, &me, target, revision, input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(
            Redirect::to(&format!("/plans/{}/goals?saved=1#goal-{target}", plan.id))
                .into_response(),
        ),
        Err(AppError::Invalid { field, reason }) => {
            let page = path_page_of(chrome, plan.id, &t, subject, f, Some((field, reason)));
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
