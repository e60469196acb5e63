//! The office chases (催报), `/chase`: the units and shares of a plan that have not reported for
//! a month, with a 催报 button for one share, all of a unit's, or all listed
//! (`POST /chase`). What is outstanding and what a 催报 records is
//! [`minsheng_app::chase`]'s; the unit sees the reminder at the top of its `/workspace`.

use super::msg::Msg;
use super::{id_of, month_of, period_label, quota, status_label, time, words};
use crate::AppState;
use crate::auth::Chrome;
use crate::error::WebError;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minsheng_app::AppError;
use minsheng_app::chase::{self, ChaseList, Scope};
use minsheng_domain::{Action, Period, PlanId};

/// One share not reported.
struct ShareRow {
    assignment: i64,
    no: String,
    target: String,
    quota: String,
    status: String,
    chased: String,
    was_chased: bool,
}

/// A unit with its shares not reported.
struct UnitRow {
    id: i64,
    name: String,
    shares: Vec<ShareRow>,
}

#[derive(Template, WebTemplate)]
#[template(path = "chase.html")]
pub(super) struct ChasePage {
    chrome: Chrome,
    t: &'static Msg,
    plans: Vec<(i64, String, bool)>,
    months: Vec<(String, String, bool)>,
    plan: String,
    period: String,
    period_label: String,
    due: String,
    lateness: String,
    missing: usize,
    shares: usize,
    units: Vec<UnitRow>,
    note: Option<String>,
    error: Option<String>,
}

impl ChasePage {
    fn new(chrome: Chrome, list: ChaseList, today: jiff::civil::Date) -> ChasePage {
        let t = words(&chrome);
        let days = list
            .units
            .first()
            .and_then(|u| u.shares.first())
            .map(|s| s.days_late);
        let lateness = match days {
            Some(d) if d > 0 => format!("{}{d}{}", t.ch_late_a, t.ch_late_b),
            Some(d) => format!("{}{}{}", t.ch_left_a, -d, t.ch_left_b),
            None => String::new(),
        };
        let units = list
            .units
            .iter()
            .map(|u| UnitRow {
                id: u.unit.id.0,
                name: u.unit.name.clone(),
                shares: u
                    .shares
                    .iter()
                    .map(|s| ShareRow {
                        assignment: s.placed.assignment.id.0,
                        no: format!("{}.{}", s.placed.section_no, s.placed.item_no),
                        target: s.placed.target.phrase.clone(),
                        quota: quota(t, &s.placed.target, s.placed.assignment.quota),
                        status: s
                            .status
                            .map_or(t.ch_nothing, |st| status_label(&chrome, st))
                            .to_string(),
                        chased: match &s.last_chased {
                            Some(c) => format!(
                                "{} {} · {} {}",
                                t.ch_last,
                                time(c.at),
                                s.times_chased,
                                t.ch_times
                            ),
                            None => t.ch_never.to_string(),
                        },
                        was_chased: s.last_chased.is_some(),
                    })
                    .collect(),
            })
            .collect();
        let year = list.period.year();
        ChasePage {
            plans: list
                .plans
                .iter()
                .map(|p| (p.id.0, p.title.clone(), Some(p.id) == list.plan))
                .collect(),
            months: Period::Year(year)
                .months()
                .filter(|m| m.first_day() <= today)
                .map(|m| (m.to_string(), period_label(&chrome, m), m == list.period))
                .collect(),
            plan: list.plan.map(|p| p.to_string()).unwrap_or_default(),
            period: list.period.to_string(),
            period_label: period_label(&chrome, list.period),
            due: list.due.to_string(),
            lateness,
            missing: list.missing(),
            shares: list.shares,
            units,
            note: None,
            error: None,
            t,
            chrome,
        }
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(super) struct ChaseQuery {
    plan: String,
    period: String,
    recorded: Option<usize>,
    already: Option<usize>,
}

fn plan_of(s: &str) -> Result<Option<PlanId>, WebError> {
    match s.trim() {
        "" => Ok(None),
        s => Ok(Some(id_of(s)?)),
    }
}

/// `GET /chase?plan=ID&period=YYYY-MM`: the month defaults to the one now being collected.
pub(super) async fn page(
    State(st): State<AppState>,
    chrome: Chrome,
    Query(q): Query<ChaseQuery>,
) -> Result<ChasePage, WebError> {
    let me = chrome.may(Action::Remind)?.clone();
    let today = st.today();
    let period = month_of(Some(&q.period), today).map_err(WebError::BadRequest)?;
    let list = chase::chase_list(&st.store, &me, plan_of(&q.plan)?, period, today).await?;
    let mut page = ChasePage::new(chrome, list, today);
    if let Some(n) = q.recorded {
        let t = page.t;
        let mut note = format!("{} {n}", t.ch_recorded);
        if let Some(a) = q.already.filter(|a| *a > 0) {
            note.push_str(&format!(" · {} {a}", t.ch_already));
        }
        page.note = Some(note);
    }
    Ok(page)
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(super) struct ChaseForm {
    plan: String,
    period: String,
    /// One share.
    assignment: String,
    /// All of one unit's.
    unit: String,
}

/// `POST /chase` with `plan`, `period`, and `assignment` (one share), `unit` (all of a unit's)
/// or neither (all listed).
pub(super) async fn post(
    State(st): State<AppState>,
    chrome: Chrome,
    Form(f): Form<ChaseForm>,
) -> Result<Response, WebError> {
    let me = chrome.may(Action::Remind)?.clone();
    let today = st.today();
    let period = month_of(Some(&f.period), today).map_err(WebError::BadRequest)?;
    let plan = plan_of(&f.plan)?.ok_or(WebError::NotFound)?;
    let scope = match (f.assignment.trim(), f.unit.trim()) {
        ("", "") => Scope::All,
        (a, "") => Scope::Share(id_of(a)?),
        ("", u) => Scope::Unit(id_of(u)?),
        _ => {
            return Err(WebError::BadRequest(
                "只能指定一项任务或一个单位 / name one share or one unit, not both".into(),
            ));
        }
    };
    match chase::chase(&st.store, &me, plan, period, scope, today).await {
        Ok(done) => Ok(Redirect::to(&format!(
            "/chase?plan={plan}&period={period}&recorded={}&already={}",
            done.recorded, done.already
        ))
        .into_response()),
        Err(AppError::Invalid { reason, .. }) => {
            let list = chase::chase_list(&st.store, &me, Some(plan), period, today).await?;
            let mut page = ChasePage::new(chrome, list, today);
            page.error = Some(reason);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
