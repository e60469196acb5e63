//! The problems board (协调事项, `/problems`): open, overdue and escalated matters, the resolved
//! ones folded away below; raising one, giving one a new owner, resolving one, and (the
//! office) escalating the overdue ones. Who sees and may do what is
//! [`minsheng_app::board`]'s; a form with bad input is shown again (422) with each message
//! beside its field.

mod msg;

use crate::AppState;
use crate::auth::Chrome;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::input;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jiff::civil::Date;
use minsheng_app::AppError;
use minsheng_app::board::{self, BoardProblem, StateFilter};
use minsheng_app::coordination::ProblemInput;
use minsheng_domain::{Account, OrgUnit, ProblemId, ReportId, UnitId};
use msg::{EN, ProblemsMsg, ZH};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/problems", get(board_page).post(raise))
        .route("/problems/escalate", post(escalate))
        .route("/problems/{id}/assign", post(assign))
        .route("/problems/{id}/resolve", post(resolve))
}

impl ProblemsMsg {
    fn filter_label(&self, f: StateFilter) -> &'static str {
        match f {
            StateFilter::Open => self.filter_open,
            StateFilter::Overdue => self.filter_overdue,
            StateFilter::Escalated => self.filter_escalated,
            StateFilter::Resolved => self.filter_resolved,
        }
    }
}

/// Messages by field, Chinese first.
#[derive(Debug, Default)]
struct FieldErrors(Vec<(String, String)>);

impl FieldErrors {
    /// The value, or its message recorded under `field`.
    fn take<T>(&mut self, field: &str, r: Result<T, String>) -> Option<T> {
        r.map_err(|e| self.0.push((field.to_string(), e))).ok()
    }

    /// Records a use-case's refusal of a value, in the page's language; any other error is
    /// the caller's to return.
    fn refused(&mut self, e: AppError, lang: Lang) -> Result<(), WebError> {
        match e {
            AppError::Invalid { field, reason } => {
                self.0
                    .push((field, crate::error::Text::split(&reason).for_page(lang)));
                Ok(())
            }
            e => Err(e.into()),
        }
    }

    /// The message for `field`.
    fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    /// The messages for none of the form's `fields` (the problem's state, the acting unit).
    fn others(&self, fields: &[&str]) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(f, _)| !fields.contains(&f.as_str()))
            .map(|(_, m)| m.as_str())
            .collect()
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

const RAISE_FIELDS: [&str; 5] = ["title", "description", "owner", "due", "report"];
const ASSIGN_FIELDS: [&str; 2] = ["owner", "due"];
const RESOLVE_FIELDS: [&str; 1] = ["resolution"];

/// The raise form's fields as posted.
#[derive(Debug, Default, serde::Deserialize)]
struct RaiseFields {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    due: String,
    #[serde(default)]
    report: String,
}

/// A row's assign or resolve form as posted.
#[derive(Debug, Default, serde::Deserialize)]
struct RowFields {
    #[serde(default)]
    owner: String,
    #[serde(default)]
    due: String,
    #[serde(default)]
    resolution: String,
}

/// A row's form shown again with its errors.
#[derive(Debug)]
struct RowForm {
    problem: ProblemId,
    action: &'static str,
    fields: RowFields,
    errors: FieldErrors,
}

/// One table of problems.
#[derive(Debug)]
struct ProblemTable {
    id: &'static str,
    /// Folded away under a heading.
    folded: bool,
    rows: Vec<BoardProblem>,
}

/// A filter's link with its count.
#[derive(Debug)]
struct FilterLink {
    code: &'static str,
    label: &'static str,
    count: usize,
    selected: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "problems.html")]
struct BoardPage {
    chrome: Chrome,
    t: &'static ProblemsMsg,
    filters: Vec<FilterLink>,
    /// The main table (`table#problems`): what the filter picks, or every open problem; then,
    /// when no filter is chosen, the resolved ones folded away (`table#resolved-problems`).
    tables: Vec<ProblemTable>,
    owners: Vec<OrgUnit>,
    may_raise: bool,
    may_escalate: bool,
    today: Date,
    notice: Option<String>,
    raise: RaiseFields,
    raise_errors: FieldErrors,
    row_form: Option<RowForm>,
}

impl BoardPage {
    fn state_label(&self, p: &BoardProblem) -> &'static str {
        match p.state() {
            StateFilter::Open => self.t.state_open,
            StateFilter::Overdue => self.t.state_overdue,
            StateFilter::Escalated => self.t.state_escalated,
            StateFilter::Resolved => self.t.state_resolved,
        }
    }

    fn row(&self, id: &ProblemId, action: &str) -> Option<&RowForm> {
        self.row_form
            .as_ref()
            .filter(|r| r.problem == *id && r.action == action)
    }

    /// Whether a row's form is shown again (and so unfolded).
    fn row_open(&self, id: &ProblemId, action: &str) -> bool {
        self.row(id, action).is_some()
    }

    fn row_error(&self, id: &ProblemId, action: &str, field: &str) -> Option<&str> {
        self.row(id, action).and_then(|r| r.errors.get(field))
    }

    /// The messages of a row's form that belong to none of its fields.
    fn row_others(&self, id: &ProblemId, action: &str) -> Vec<&str> {
        let fields: &[&str] = if action == "assign" {
            &ASSIGN_FIELDS
        } else {
            &RESOLVE_FIELDS
        };
        self.row(id, action)
            .map(|r| r.errors.others(fields))
            .unwrap_or_default()
    }

    fn row_value(&self, id: &ProblemId, action: &str, field: &str) -> &str {
        self.row(id, action).map_or("", |r| match field {
            "owner" => r.fields.owner.as_str(),
            "due" => r.fields.due.as_str(),
            _ => r.fields.resolution.as_str(),
        })
    }

    fn raise_others(&self) -> Vec<&str> {
        self.raise_errors.others(&RAISE_FIELDS)
    }
}

fn parse_owner(s: &str, lang: Lang) -> Result<UnitId, String> {
    let t = lang.pick(&ZH, &EN);
    let s = s.trim();
    if s.is_empty() {
        return Err(t.owner_missing.into());
    }
    s.parse().map_err(|_| t.owner_invalid.replace("{}", s))
}

fn parse_report(s: &str, lang: Lang) -> Result<Option<ReportId>, String> {
    let t = lang.pick(&ZH, &EN);
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse()
        .map(Some)
        .map_err(|_| t.report_invalid.replace("{}", s))
}

fn problem_id(s: &str) -> Result<ProblemId, WebError> {
    s.parse().map_err(|_| WebError::NotFound)
}

#[derive(Debug, Default, serde::Deserialize)]
struct BoardQuery {
    state: Option<String>,
    notice: Option<String>,
    n: Option<usize>,
}

/// What the page shows besides the board itself.
#[derive(Debug, Default)]
struct View {
    filter: Option<StateFilter>,
    notice: Option<String>,
    raise: RaiseFields,
    raise_errors: FieldErrors,
    row_form: Option<RowForm>,
}

async fn render(
    st: &AppState,
    chrome: Chrome,
    me: &Account,
    view: View,
    status: StatusCode,
) -> Result<Response, WebError> {
    let t = chrome.lang.pick(&ZH, &EN);
    let b = board::board(&st.store, me, st.today()).await?;
    let mut filters = vec![FilterLink {
        code: "",
        label: t.filter_all,
        count: b.problems.len(),
        selected: view.filter.is_none(),
    }];
    filters.extend(StateFilter::ALL.into_iter().map(|f| FilterLink {
        code: f.code(),
        label: t.filter_label(f),
        count: b.problems.iter().filter(|p| p.is_in(f)).count(),
        selected: view.filter == Some(f),
    }));
    let (rows, resolved): (Vec<_>, Vec<_>) = match view.filter {
        Some(f) => (
            b.problems.into_iter().filter(|p| p.is_in(f)).collect(),
            Vec::new(),
        ),
        None => b.problems.into_iter().partition(|p| !p.is_resolved()),
    };
    let mut tables = vec![ProblemTable {
        id: "problems",
        folded: false,
        rows,
    }];
    if !resolved.is_empty() {
        tables.push(ProblemTable {
            id: "resolved-problems",
            folded: true,
            rows: resolved,
        });
    }
    let page = BoardPage {
        chrome,
        t,
        filters,
        tables,
        owners: b.owners,
        may_raise: b.may_raise,
        may_escalate: b.may_escalate,
        today: b.today,
        notice: view.notice,
        raise: view.raise,
        raise_errors: view.raise_errors,
        row_form: view.row_form,
    };
    Ok((status, page).into_response())
}

async fn board_page(
    State(st): State<AppState>,
    chrome: Chrome,
    Query(q): Query<BoardQuery>,
) -> Result<Response, WebError> {
    let me = chrome.account()?.clone();
    let t = chrome.lang.pick(&ZH, &EN);
    let notice = match q.notice.as_deref() {
        Some("raised") => Some(t.notice_raised.to_string()),
        Some("assigned") => Some(t.notice_assigned.to_string()),
        Some("resolved") => Some(t.notice_resolved.to_string()),
        Some("escalated") => Some(format!(
            "{}{}{}",
            t.notice_escalated_pre,
            q.n.unwrap_or(0),
            t.notice_escalated_post
        )),
        _ => None,
    };
    let view = View {
        filter: q.state.as_deref().and_then(StateFilter::from_code),
        notice,
        ..View::default()
    };
    render(&st, chrome, &me, view, StatusCode::OK).await
}

fn done(notice: &str, id: ProblemId) -> Response {
    Redirect::to(&format!("/problems?notice={notice}#problem-{id}")).into_response()
}

async fn raise(
    State(st): State<AppState>,
    chrome: Chrome,
    Form(f): Form<RaiseFields>,
) -> Result<Response, WebError> {
    let me = chrome.account()?.clone();
    board::ensure_may_raise(&me)?;
    let mut errors = FieldErrors::default();
    let owner = errors.take("owner", parse_owner(&f.owner, chrome.lang));
    let due = errors.take("due", input::parse_due(&f.due, chrome.lang));
    let report = errors.take("report", parse_report(&f.report, chrome.lang));
    if let (Some(owner), Some(due), Some(report)) = (owner, due, report) {
        let input = ProblemInput {
            title: f.title.clone(),
            description: f.description.clone(),
            owner,
            due,
            report,
        };
        match board::raise(&st.store, &me, &input, st.today()).await {
            Ok(id) => return Ok(done("raised", id)),
            Err(e) => errors.refused(e, chrome.lang)?,
        }
    }
    let view = View {
        raise: f,
        raise_errors: errors,
        ..View::default()
    };
    render(&st, chrome, &me, view, StatusCode::UNPROCESSABLE_ENTITY).await
}

async fn assign(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    Form(f): Form<RowFields>,
) -> Result<Response, WebError> {
    let me = chrome.account()?.clone();
    let id = problem_id(&id)?;
    board::ensure_may_assign(&st.store, &me, id).await?;
    let mut errors = FieldErrors::default();
    let owner = errors.take("owner", parse_owner(&f.owner, chrome.lang));
    let due = errors.take("due", input::parse_due(&f.due, chrome.lang));
    if let (Some(owner), Some(due)) = (owner, due) {
        match board::assign(&st.store, &me, id, owner, due, st.today()).await {
            Ok(()) => return Ok(done("assigned", id)),
            Err(e) => errors.refused(e, chrome.lang)?,
        }
    }
    row_again(&st, chrome, &me, id, "assign", f, errors).await
}

async fn resolve(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    Form(f): Form<RowFields>,
) -> Result<Response, WebError> {
    let me = chrome.account()?.clone();
    let id = problem_id(&id)?;
    board::ensure_may_resolve(&st.store, &me, id).await?;
    let mut errors = FieldErrors::default();
    match board::resolve(&st.store, &me, id, &f.resolution).await {
        Ok(()) => return Ok(done("resolved", id)),
        Err(e) => errors.refused(e, chrome.lang)?,
    }
    row_again(&st, chrome, &me, id, "resolve", f, errors).await
}

/// The board again, with one row's form unfolded and its errors shown (422).
async fn row_again(
    st: &AppState,
    chrome: Chrome,
    me: &Account,
    problem: ProblemId,
    action: &'static str,
    fields: RowFields,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    debug_assert!(!errors.is_empty());
    let view = View {
        row_form: Some(RowForm {
            problem,
            action,
            fields,
            errors,
        }),
        ..View::default()
    };
    render(st, chrome, me, view, StatusCode::UNPROCESSABLE_ENTITY).await
}

async fn escalate(State(st): State<AppState>, chrome: Chrome) -> Result<Response, WebError> {
    let me = chrome.account()?;
    let done = board::escalate(&st.store, me, st.today()).await?;
    Ok(Redirect::to(&format!("/problems?notice=escalated&n={}", done.len())).into_response())
}
