//! The one table of who may reach each route: every route the site serves is listed in
//! [`ROUTES`] with its [`Gate`], and [`enforce`] (a route layer in [`crate::router`]) holds
//! every request to it before the handler runs. A gate names one of the domain's actions,
//! so the answer for each role comes from [`minsheng_domain::Account::may`]; what an account
//! may do *to a record* (its unit's reports, a problem it owns) the use-cases decide after.
//!
//! A route missing from the table is answered 500 and fails the route × role test
//! (`tests/it/gates.rs`), which also reads the route declarations in `src/` and refuses any
//! that the table does not list — so a new route cannot go out without a decision.

use crate::AppState;
use crate::auth::Chrome;
use crate::error::WebError;
use axum::extract::{MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use minsheng_domain::Action;

/// Who may reach a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// Anyone, signed in or not: the public portal, sign-in, assets.
    Open,
    /// A signed-in account that may do this action.
    May(Action),
}

/// A route: its method, its path as declared (with `{id}`), and its gate.
#[derive(Debug, Clone, Copy)]
pub struct Route {
    /// `GET`, `POST`, `PUT`.
    pub method: &'static str,
    /// The path as the router declares it.
    pub path: &'static str,
    /// Who may reach it.
    pub gate: Gate,
}

const fn open(method: &'static str, path: &'static str) -> Route {
    Route {
        method,
        path,
        gate: Gate::Open,
    }
}

const fn may(method: &'static str, path: &'static str, action: Action) -> Route {
    Route {
        method,
        path,
        gate: Gate::May(action),
    }
}

/// Every route the site serves, with who may reach it.
pub static ROUTES: &[Route] = &[
    // The frame, the public and sign-in.
    open("GET", "/"),
    open("GET", "/healthz"),
    open("GET", "/assets/site.css"),
    open("GET", "/assets/charts.js"),
    open("GET", "/assets/editor.js"),
    open("GET", "/assets/split.js"),
    open("GET", "/assets/licenses"),
    open("GET", crate::assets::ECHARTS_PATH),
    open("GET", "/login"),
    open("POST", "/login"),
    open("POST", "/logout"),
    open("GET", "/lang/{code}"),
    open("GET", "/public"),
    // A published plan's page; also its open data `{id}.csv`, `{id}.json` and `{id}.xlsx`
    // (the router cannot put a suffix after a parameter: `portal::plan` answers them).
    open("GET", "/public/plans/{id}"),
    open("GET", "/public/plans/{id}/feed.atom"),
    open("GET", "/public/plans/{id}/iati.xml"),
    open("GET", "/api/openapi.json"),
    // Published plans are public; a signed-in account reads every plan (`visibility`).
    open("GET", "/api/plans"),
    open("GET", "/api/plans/{id}"),
    // Plans.
    may("GET", "/plans", Action::ViewPlans),
    may("GET", "/plans/{id}", Action::ViewPlans),
    may("GET", "/items/{id}", Action::ViewPlans),
    may("GET", "/targets/{id}", Action::ViewPlans),
    may("GET", "/api/me", Action::ViewPlans),
    // The plan editor.
    may("GET", "/plans/new", Action::EditPlan),
    may("POST", "/plans/new/preview", Action::EditPlan),
    may("POST", "/plans/new/revise", Action::EditPlan),
    may("POST", "/plans/new/confirm", Action::EditPlan),
    may("POST", "/plans/{id}/publish", Action::EditPlan),
    may("GET", "/plans/{id}/sources/{source}", Action::EditPlan),
    // Tracking.
    may("GET", "/office", Action::ViewDashboard),
    may("GET", "/plans/{id}/tracking", Action::ViewDashboard),
    may("GET", "/api/plans/{id}/tracking", Action::ViewDashboard),
    may("GET", "/api/dashboard", Action::ViewDashboard),
    // Decomposition.
    may("GET", "/api/targets/{id}/assignments", Action::Decompose),
    may("PUT", "/api/targets/{id}/assignments", Action::Decompose),
    may("PUT", "/api/assignments/{id}/schedule", Action::Decompose),
    may("GET", "/targets/{id}/decompose", Action::Decompose),
    may("POST", "/targets/{id}/decompose", Action::Decompose),
    may(
        "GET",
        "/targets/{id}/decompose/sheet.xlsx",
        Action::Decompose,
    ),
    may("POST", "/targets/{id}/decompose/sheet", Action::Decompose),
    may("POST", "/targets/{id}/decompose/weights", Action::Decompose),
    may("GET", "/plans/{id}/decomposition", Action::ViewDashboard),
    may("GET", "/units/population", Action::Decompose),
    may("POST", "/units/population", Action::Decompose),
    // Reporting.
    may("GET", "/workspace", Action::FileReport),
    may(
        "GET",
        "/workspace/assignments/{id}/report",
        Action::FileReport,
    ),
    may(
        "POST",
        "/workspace/assignments/{id}/report",
        Action::FileReport,
    ),
    may("POST", "/reports/{id}/evidence", Action::FileReport),
    may("GET", "/api/workspace", Action::FileReport),
    may("GET", "/api/assignments/{id}/report", Action::FileReport),
    may("POST", "/api/assignments/{id}/report", Action::FileReport),
    may("POST", "/api/reports/{id}/evidence", Action::FileReport),
    may("GET", "/reports/{id}", Action::ViewReports),
    may("GET", "/evidence/{id}", Action::ViewReports),
    may("GET", "/api/reports/{id}", Action::ViewReports),
    // Implementation plans (实施方案): the unit files, the office approves.
    may(
        "GET",
        "/workspace/assignments/{id}/plan",
        Action::FileImplementationPlan,
    ),
    may(
        "POST",
        "/workspace/assignments/{id}/plan",
        Action::FileImplementationPlan,
    ),
    may(
        "POST",
        "/implementation-plans/{id}/document",
        Action::FileImplementationPlan,
    ),
    may(
        "GET",
        "/implementation-plans/{id}/document",
        Action::ViewReports,
    ),
    may("GET", "/assignments/{id}/plan", Action::ViewReports),
    may(
        "POST",
        "/implementation-plans/{id}/approve",
        Action::ApproveImplementationPlan,
    ),
    may(
        "POST",
        "/implementation-plans/{id}/return",
        Action::ApproveImplementationPlan,
    ),
    may("GET", "/plans/{id}/implementation", Action::ViewDashboard),
    may(
        "GET",
        "/api/assignments/{id}/implementation-plan",
        Action::ViewReports,
    ),
    may(
        "POST",
        "/api/assignments/{id}/implementation-plan",
        Action::FileImplementationPlan,
    ),
    may(
        "POST",
        "/api/implementation-plans/{id}/approve",
        Action::ApproveImplementationPlan,
    ),
    may(
        "POST",
        "/api/implementation-plans/{id}/return",
        Action::ApproveImplementationPlan,
    ),
    // Review.
    may("GET", "/review", Action::ViewReviewQueue),
    may("POST", "/review/bulk", Action::Review),
    may("GET", "/api/review", Action::ViewReviewQueue),
    may("POST", "/reports/{id}/accept", Action::Review),
    may("POST", "/reports/{id}/return", Action::Review),
    may("POST", "/api/reports/{id}/accept", Action::Review),
    may("POST", "/api/reports/{id}/return", Action::Review),
    // Background jobs (issue #17): the office's queue, dead letters and rules; everyone's
    // channels (scoped by the use-case: one's own, one's unit's, the office any unit's).
    may("GET", "/jobs", Action::ManageJobs),
    may("POST", "/jobs/{id}/retry", Action::ManageJobs),
    may("GET", "/jobs/rules", Action::ManageJobs),
    may("POST", "/jobs/rules", Action::ManageJobs),
    may("GET", "/channels", Action::SetChannels),
    may("POST", "/channels", Action::SetChannels),
    may("POST", "/channels/{id}/delete", Action::SetChannels),
    // 催报: the office chases what is not reported.
    may("GET", "/chase", Action::Remind),
    may("POST", "/chase", Action::Remind),
    // Problems.
    may("GET", "/problems", Action::ViewProblems),
    may("GET", "/api/problems", Action::ViewProblems),
    may("GET", "/api/problems/{id}", Action::ViewProblems),
    may("POST", "/problems", Action::RaiseProblem),
    may("POST", "/api/problems", Action::RaiseProblem),
    may("POST", "/problems/{id}/assign", Action::HandleProblem),
    may("POST", "/problems/{id}/resolve", Action::HandleProblem),
    may("POST", "/api/problems/{id}/assign", Action::HandleProblem),
    may("POST", "/api/problems/{id}/resolve", Action::HandleProblem),
    may("POST", "/problems/escalate", Action::EscalateProblems),
    // 进展通报: the office drafts and issues; whoever may read them reads them.
    // Multi-year goals: a plan's goals against their paths, the office's path form.
    may("GET", "/plans/{id}/goals", Action::ViewPlans),
    may("GET", "/goals/{id}/path", Action::Decompose),
    may("POST", "/goals/{id}/path", Action::Decompose),
    may("GET", "/api/plans/{id}/goals", Action::ViewPlans),
    may("PUT", "/api/goals/{id}/path", Action::Decompose),
    // Year end: closing a plan, and the plan diff.
    // Major projects (重大项目调度).
    may("GET", "/projects", Action::ViewDashboard),
    may("GET", "/plans/{id}/projects", Action::ViewDashboard),
    may("GET", "/plans/{id}/projects/new", Action::EditPlan),
    may("POST", "/plans/{id}/projects/new", Action::EditPlan),
    may("GET", "/projects/{id}", Action::ViewPlans),
    may("GET", "/projects/{id}/edit", Action::EditPlan),
    may("POST", "/projects/{id}/edit", Action::EditPlan),
    may("GET", "/api/plans/{id}/projects", Action::ViewDashboard),
    may("POST", "/api/plans/{id}/projects", Action::EditPlan),
    may("GET", "/api/projects/{id}", Action::ViewPlans),
    may("GET", "/api/plans/{id}/oc4ids.json", Action::ViewDashboard),
    may("GET", "/plans/{id}/close", Action::ClosePlan),
    may("POST", "/plans/{id}/close", Action::ClosePlan),
    may("GET", "/plans/{id}/diff", Action::ViewPlans),
    may("POST", "/api/plans/{id}/close", Action::ClosePlan),
    may("GET", "/bulletins", Action::ViewBulletins),
    may("GET", "/plans/{id}/bulletins", Action::ViewBulletins),
    may("POST", "/plans/{id}/bulletins", Action::IssueBulletin),
    may("GET", "/bulletins/{id}", Action::ViewBulletins),
    may("POST", "/bulletins/{id}", Action::IssueBulletin),
    may("POST", "/bulletins/{id}/issue", Action::IssueBulletin),
    may("POST", "/bulletins/{id}/send", Action::IssueBulletin),
    may(
        "GET",
        "/bulletins/{id}/bulletin.docx",
        Action::ViewBulletins,
    ),
    may(
        "GET",
        "/bulletins/{id}/bulletin.xlsx",
        Action::ViewBulletins,
    ),
    open("GET", "/public/bulletins/{id}"),
    // 考核: the office writes rules, enters points and signs off; everyone signed in reads
    // the scores of the units it sees.
    may("GET", "/plans/{id}/assessment", Action::ViewScores),
    may("GET", "/plans/{id}/assessment/rules", Action::Assess),
    may("POST", "/plans/{id}/assessment/rules", Action::Assess),
    may("POST", "/plans/{id}/assessment/points", Action::Assess),
    may(
        "POST",
        "/plans/{id}/assessment/misstatements",
        Action::Assess,
    ),
    may(
        "POST",
        "/plans/{id}/assessment/entries/{entry}/remove",
        Action::Assess,
    ),
    may("POST", "/plans/{id}/assessment/sign-off", Action::Assess),
    may("GET", "/plans/{id}/assessment.xlsx", Action::ViewScores),
    // The audit trail.
    may("GET", "/audit", Action::ViewAudit),
    may("GET", "/api/audit", Action::ViewAudit),
];

/// The gate of `method` on the declared `path`; a `HEAD` is a `GET`.
pub fn gate_of(method: &Method, path: &str) -> Option<Gate> {
    let method = if method == Method::HEAD {
        "GET"
    } else {
        method.as_str()
    };
    ROUTES
        .iter()
        .find(|r| r.method == method && r.path == path)
        .map(|r| r.gate)
}

/// Holds a request to its route's gate: an action the account may not do is refused (a
/// sign-in for nobody, 403 for an account), before the handler reads the body.
pub(crate) async fn enforce(
    State(_): State<AppState>,
    chrome: Chrome,
    matched: Option<MatchedPath>,
    req: Request,
    next: Next,
) -> Response {
    let Some(path) = matched else {
        return next.run(req).await;
    };
    match gate_of(req.method(), path.as_str()) {
        Some(Gate::Open) => next.run(req).await,
        Some(Gate::May(action)) => match chrome.may(action) {
            Ok(_) => next.run(req).await,
            Err(e) => e.into_response(),
        },
        None => WebError::Internal(format!(
            "{} {} has no gate in gates::ROUTES",
            req.method(),
            path.as_str()
        ))
        .into_response(),
    }
}
