//! The problems board (协调事项, `/problems`): open, overdue and escalated matters, the resolved
//! ones folded away below; raising one, giving one a new owner, resolving one, and (the
//! office) escalating the overdue ones. Who sees and may do what is
//! [`minsheng_app::board`]'s; a form with bad input is shown again (422) with each message
//! beside its field.

use crate::AppState;
use crate::auth::Chrome;
use crate::error::WebError;
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

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/problems", get(board_page).post(raise))
        .route("/problems/escalate", post(escalate))
        .route("/problems/{id}/assign", post(assign))
        .route("/problems/{id}/resolve", post(resolve))
}

/// The board's words.
#[derive(Debug)]
pub(crate) struct ProblemsMsg {
    title: &'static str,
    intro: &'static str,
    read_only: &'static str,
    today: &'static str,
    filter_all: &'static str,
    filter_open: &'static str,
    filter_overdue: &'static str,
    filter_escalated: &'static str,
    filter_resolved: &'static str,
    state_open: &'static str,
    state_overdue: &'static str,
    state_escalated: &'static str,
    state_resolved: &'static str,
    col_no: &'static str,
    col_problem: &'static str,
    col_raised_by: &'static str,
    col_owner: &'static str,
    col_due: &'static str,
    col_state: &'static str,
    col_chain: &'static str,
    col_actions: &'static str,
    missed: &'static str,
    escalated_to: &'static str,
    from_report: &'static str,
    resolution: &'static str,
    empty: &'static str,
    resolved_heading: &'static str,
    raise_heading: &'static str,
    field_title: &'static str,
    field_description: &'static str,
    field_owner: &'static str,
    choose: &'static str,
    field_due: &'static str,
    field_report: &'static str,
    submit_raise: &'static str,
    assign: &'static str,
    field_new_owner: &'static str,
    field_new_due: &'static str,
    resolve: &'static str,
    field_resolution: &'static str,
    escalate_heading: &'static str,
    escalate_note: &'static str,
    submit_escalate: &'static str,
    form_error: &'static str,
    notice_raised: &'static str,
    notice_assigned: &'static str,
    notice_resolved: &'static str,
    notice_escalated_pre: &'static str,
    notice_escalated_post: &'static str,
}

static ZH: ProblemsMsg = ProblemsMsg {
    title: "协调事项",
    intro: "工作推进中需要协调解决的问题:逾期未办结的事项由系统升级至承办单位的上级地区督办。",
    read_only: "只读:本账号可以查看协调事项,不能提出或处理。",
    today: "截至",
    filter_all: "全部",
    filter_open: "未办结",
    filter_overdue: "已逾期",
    filter_escalated: "已升级督办",
    filter_resolved: "已办结",
    state_open: "办理中",
    state_overdue: "逾期",
    state_escalated: "已升级",
    state_resolved: "已办结",
    col_no: "编号",
    col_problem: "事项",
    col_raised_by: "提出单位",
    col_owner: "承办单位",
    col_due: "办结时限",
    col_state: "状态",
    col_chain: "督办记录",
    col_actions: "办理",
    missed: "逾期未办结(时限",
    escalated_to: ")→ 升级至",
    from_report: "来自报告",
    resolution: "办理结果",
    empty: "没有符合条件的协调事项。",
    resolved_heading: "已办结事项",
    raise_heading: "提出协调事项",
    field_title: "标题",
    field_description: "情况说明",
    field_owner: "承办单位",
    choose: "请选择",
    field_due: "办结时限",
    field_report: "关联报告编号(可选)",
    submit_raise: "提出",
    assign: "交办",
    field_new_owner: "新承办单位",
    field_new_due: "新办结时限",
    resolve: "办结",
    field_resolution: "办理结果",
    escalate_heading: "逾期升级",
    escalate_note: "将今天已逾期、本次时限尚未升级的事项升级至承办单位的上级地区;同一时限只升级一次。",
    submit_escalate: "升级逾期事项",
    form_error: "请按提示更正后再提交。",
    notice_raised: "已提出协调事项。",
    notice_assigned: "已交办。",
    notice_resolved: "已办结。",
    notice_escalated_pre: "已升级 ",
    notice_escalated_post: " 件逾期事项。",
};

static EN: ProblemsMsg = ProblemsMsg {
    title: "Problems",
    intro: "Matters that need coordinating to keep the work going; one still open after its due date is escalated to the region above its owner.",
    read_only: "Read only: this account sees the problems but cannot raise or handle them.",
    today: "As of",
    filter_all: "All",
    filter_open: "Open",
    filter_overdue: "Overdue",
    filter_escalated: "Escalated",
    filter_resolved: "Resolved",
    state_open: "Open",
    state_overdue: "Overdue",
    state_escalated: "Escalated",
    state_resolved: "Resolved",
    col_no: "No.",
    col_problem: "Problem",
    col_raised_by: "Raised by",
    col_owner: "Owner",
    col_due: "Due",
    col_state: "State",
    col_chain: "Escalations",
    col_actions: "Handle",
    missed: "missed its due date (",
    escalated_to: ") → escalated to",
    from_report: "From report",
    resolution: "Resolution",
    empty: "No problems match.",
    resolved_heading: "Resolved problems",
    raise_heading: "Raise a problem",
    field_title: "Title",
    field_description: "Description",
    field_owner: "Owner",
    choose: "Choose…",
    field_due: "Due by",
    field_report: "Report id (optional)",
    submit_raise: "Raise",
    assign: "Reassign",
    field_new_owner: "New owner",
    field_new_due: "New due date",
    resolve: "Resolve",
    field_resolution: "Resolution",
    escalate_heading: "Escalate overdue problems",
    escalate_note: "Escalates every problem overdue today whose deadline was not escalated yet to the region above its owner; a deadline is escalated once.",
    submit_escalate: "Escalate overdue problems",
    form_error: "Please correct what is marked and submit again.",
    notice_raised: "The problem was raised.",
    notice_assigned: "The problem was reassigned.",
    notice_resolved: "The problem was resolved.",
    notice_escalated_pre: "Escalated ",
    notice_escalated_post: " overdue problems.",
};

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

    /// Records a use-case's refusal of a value; any other error is the caller's to return.
    fn refused(&mut self, e: AppError) -> Result<(), WebError> {
        match e {
            AppError::Invalid { field, reason } => {
                self.0.push((field, reason));
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

fn parse_owner(s: &str) -> Result<UnitId, String> {
    let s = s.trim();
    if s.is_empty() {
        return Err("请选择承办单位 / choose the owner".into());
    }
    s.parse()
        .map_err(|_| format!("承办单位“{s}”无效 / '{s}' is not a unit"))
}

fn parse_report(s: &str) -> Result<Option<ReportId>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse()
        .map(Some)
        .map_err(|_| format!("报告编号“{s}”应为数字 / the report id '{s}' must be a number"))
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
    let owner = errors.take("owner", parse_owner(&f.owner));
    let due = errors.take("due", input::parse_due(&f.due, chrome.lang));
    let report = errors.take("report", parse_report(&f.report));
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
            Err(e) => errors.refused(e)?,
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
    let owner = errors.take("owner", parse_owner(&f.owner));
    let due = errors.take("due", input::parse_due(&f.due, chrome.lang));
    if let (Some(owner), Some(due)) = (owner, due) {
        match board::assign(&st.store, &me, id, owner, due, st.today()).await {
            Ok(()) => return Ok(done("assigned", id)),
            Err(e) => errors.refused(e)?,
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
        Err(e) => errors.refused(e)?,
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
