//! Coordination (协调督办): problems raised on their own or from a report, assigned to the
//! unit that must solve them, escalated when overdue, resolved; and the day's reminders.
//!
//! **Rules.**
//! - *Raise* ([`raise_problem`]): a title, an owner that is a unit, a due date not before
//!   today; a problem raised from a report names a report filed on an assignment of the
//!   raising unit or of a unit below it.
//! - *Who may act on a problem* ([`assign_problem`], [`resolve_problem`]): its owner, the unit
//!   that raised it, or any unit above either (so the region a problem is escalated to may
//!   take it over or close it).
//! - *Assign* ([`assign_problem`]): only an open problem; the new owner must be a unit and the
//!   new due date not before today.
//! - *Resolve* ([`resolve_problem`]): only an open problem, with a written resolution.
//! - *Escalate* ([`escalate_overdue`]): an open problem past its due date
//!   ([`Problem::is_overdue`]) is escalated to its owner's parent region: the nearest
//!   ancestor that is a region (`UnitTree::ancestors`), the unit the reminders name. A problem
//!   escalates once per deadline it misses, that is per (owner, due date): running the sweep
//!   again escalates nothing new, while an assignment to a new owner or a new due date sets a
//!   new deadline that can be escalated in its turn. An owner at the top of the tree has no
//!   one to escalate to and is left to the reminders.
//!
//! Each use-case owns its transaction; a refusal names the field and the reason and leaves
//! the database as it was. "Today" is always an argument.

use crate::error::AppError;
use jiff::civil::Date;
use minsheng_domain::{
    Actor, Period, PlanStatus, Problem, ProblemId, ProblemStatus, Records, Reminder, ReminderRule,
    ReportId, ReportingRule, TextField, UnitId, UnitKind, UnitTree, check_length,
};
use minsheng_store::{Escalation, NewProblem, Store, StoreError};

/// A problem to raise.
#[derive(Debug, Clone)]
pub struct ProblemInput {
    /// A one-line summary; required.
    pub title: String,
    /// The whole description; may be empty.
    pub description: String,
    /// The unit that must solve it.
    pub owner: UnitId,
    /// When it must be solved by; not before today.
    pub due: Date,
    /// The report it is raised in, if any.
    pub report: Option<ReportId>,
}

fn invalid(field: &str, reason: impl Into<String>) -> AppError {
    AppError::Invalid {
        field: field.to_string(),
        reason: reason.into(),
    }
}

fn name(tree: &UnitTree, id: UnitId) -> String {
    tree.get(id)
        .map(|u| u.name.clone())
        .unwrap_or_else(|| id.to_string())
}

/// The unit must exist; `field` names it in the refusal.
fn check_unit(tree: &UnitTree, id: UnitId, field: &str) -> Result<(), AppError> {
    if tree.get(id).is_none() {
        return Err(invalid(
            field,
            format!("单位 {id} 不存在 / unit {id} does not exist"),
        ));
    }
    Ok(())
}

fn check_due(due: Date, today: Date) -> Result<(), AppError> {
    if due < today {
        return Err(invalid(
            "due",
            format!("办结时限 {due} 早于今天 {today} / the due date {due} is before today {today}"),
        ));
    }
    Ok(())
}

fn check_open(p: &Problem) -> Result<(), AppError> {
    if p.status != ProblemStatus::Open {
        return Err(invalid(
            "status",
            format!(
                "问题 {} 已办结,不能再更改 / problem {} is already resolved and cannot be changed",
                p.id, p.id
            ),
        ));
    }
    Ok(())
}

/// `as_unit` is the owner, the raiser, or above either.
fn check_may_act(tree: &UnitTree, p: &Problem, as_unit: UnitId) -> Result<(), AppError> {
    check_unit(tree, as_unit, "unit")?;
    if tree.is_within(p.owner, as_unit) || tree.is_within(p.raised_by, as_unit) {
        return Ok(());
    }
    let who = name(tree, as_unit);
    Err(invalid(
        "unit",
        format!(
            "{who} 既不是问题 {} 的承办或提出单位,也不是其上级 / {who} neither owns nor raised problem {}, nor is above either",
            p.id, p.id
        ),
    ))
}

/// The region a problem owned by `owner` escalates to: the nearest ancestor that is a region.
pub fn escalation_target(tree: &UnitTree, owner: UnitId) -> Option<UnitId> {
    tree.ancestors(owner)
        .into_iter()
        .find(|u| u.kind != UnitKind::Department)
        .map(|u| u.id)
}

/// Raises a problem for `as_unit`, on its own or from one of its (or its subtree's) reports.
pub async fn raise_problem(
    store: &Store,
    actor: &Actor,
    as_unit: UnitId,
    input: &ProblemInput,
    today: Date,
) -> Result<ProblemId, AppError> {
    let tree = store.unit_tree().await?;
    check_unit(&tree, as_unit, "unit")?;
    let title = input.title.trim();
    if title.is_empty() {
        return Err(invalid("title", "须填写问题标题 / a problem needs a title"));
    }
    check_length(TextField::ProblemTitle, title).map_err(|e| invalid("title", e.to_string()))?;
    check_length(TextField::ProblemDescription, input.description.trim())
        .map_err(|e| invalid("description", e.to_string()))?;
    check_unit(&tree, input.owner, "owner")?;
    check_due(input.due, today)?;
    if let Some(report) = input.report {
        let missing = || {
            invalid(
                "report",
                format!("报告 {report} 不存在 / report {report} does not exist"),
            )
        };
        let r = match store.report(report).await {
            Ok(r) => r,
            Err(StoreError::NotFound { .. }) => return Err(missing()),
            Err(e) => return Err(e.into()),
        };
        let assignment = store.assignment(r.assignment).await?;
        if !tree.is_within(assignment.unit, as_unit) {
            let who = name(&tree, as_unit);
            return Err(invalid(
                "report",
                format!(
                    "报告 {report} 不是 {who} 或其下级单位报送的 / report {report} was not filed by {who} or a unit below it"
                ),
            ));
        }
    }
    let mut tx = store.begin(actor).await?;
    let id = tx
        .insert_problem(&NewProblem {
            title: title.to_string(),
            description: input.description.trim().to_string(),
            raised_by: as_unit,
            owner: input.owner,
            report: input.report,
            due: input.due,
        })
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// Gives an open problem to `owner`, due on `due`, for `as_unit` (see the module rules).
pub async fn assign_problem(
    store: &Store,
    actor: &Actor,
    as_unit: UnitId,
    problem: ProblemId,
    owner: UnitId,
    due: Date,
    today: Date,
) -> Result<(), AppError> {
    let tree = store.unit_tree().await?;
    let mut tx = store.begin(actor).await?;
    let p = tx.problem(problem).await?;
    check_may_act(&tree, &p, as_unit)?;
    check_open(&p)?;
    check_unit(&tree, owner, "owner")?;
    check_due(due, today)?;
    tx.reassign_problem(problem, owner, due).await?;
    tx.commit().await?;
    Ok(())
}

/// Resolves an open problem with a written resolution, for `as_unit` (see the module rules).
pub async fn resolve_problem(
    store: &Store,
    actor: &Actor,
    as_unit: UnitId,
    problem: ProblemId,
    resolution: &str,
) -> Result<(), AppError> {
    let tree = store.unit_tree().await?;
    let mut tx = store.begin(actor).await?;
    let p = tx.problem(problem).await?;
    check_may_act(&tree, &p, as_unit)?;
    check_open(&p)?;
    let resolution = resolution.trim();
    if resolution.is_empty() {
        return Err(invalid(
            "resolution",
            "办结须写明办理结果 / resolving needs a written resolution",
        ));
    }
    check_length(TextField::Resolution, resolution)
        .map_err(|e| invalid("resolution", e.to_string()))?;
    tx.resolve_problem(problem, resolution).await?;
    tx.commit().await?;
    Ok(())
}

/// Escalates every open problem past its due date whose current deadline has not been
/// escalated yet, to its owner's parent region, in one transaction; returns what it
/// escalated (nothing on a second run the same day).
pub async fn escalate_overdue(
    store: &Store,
    actor: &Actor,
    today: Date,
) -> Result<Vec<Escalation>, AppError> {
    let tree = store.unit_tree().await?;
    let mut tx = store.begin(actor).await?;
    let mut done = Vec::new();
    for p in tx.open_problems().await? {
        if !p.is_overdue(today) {
            continue;
        }
        let Some(to) = escalation_target(&tree, p.owner) else {
            continue;
        };
        // `None` when this deadline was escalated before (the store keeps one escalation per
        // problem, owner and due date).
        if let Some(e) = tx.escalate_problem(p.id, to).await? {
            done.push(e);
        }
    }
    tx.commit().await?;
    if !done.is_empty() {
        tracing::info!(
            problems.escalated = done.len(),
            "Escalated {} overdue problems",
            done.len()
        );
    }
    Ok(done)
}

/// Everything to chase on `today` across the database, with the default rules (reports due
/// on the 5th of the next month, reminded 3 days ahead; reviews chased after 5 days).
pub async fn reminders(store: &Store, today: Date) -> Result<Vec<Reminder>, AppError> {
    reminders_with(
        store,
        today,
        &ReportingRule::default(),
        &ReminderRule::default(),
    )
    .await
}

/// [`reminders`] under given rules. Reports are chased monthly over each plan's year, for
/// every plan past its draft; problems across the database. Grouped by kind as
/// [`minsheng_domain::reminders()`] groups them.
pub async fn reminders_with(
    store: &Store,
    today: Date,
    reporting: &ReportingRule,
    rule: &ReminderRule,
) -> Result<Vec<Reminder>, AppError> {
    let tree = store.unit_tree().await?;
    let mut out = Vec::new();
    for plan in store.plans().await? {
        if plan.status == PlanStatus::Draft {
            continue;
        }
        let periods: Vec<Period> = (1..=12)
            .filter_map(|m| Period::month(plan.year, m).ok())
            .collect();
        let assignments = store.assignments_of_plan(plan.id).await?;
        let reports = store.reports_of_plan(plan.id).await?;
        let records = Records {
            assignments: &assignments,
            periods: &periods,
            reports: &reports,
            problems: &[],
            tree: &tree,
        };
        out.extend(minsheng_domain::reminders(&records, reporting, rule, today));
    }
    let problems = store.open_problems().await?;
    let records = Records {
        assignments: &[],
        periods: &[],
        reports: &[],
        problems: &problems,
        tree: &tree,
    };
    out.extend(minsheng_domain::reminders(&records, reporting, rule, today));
    // Plan by plan, each kind came in order; bring the kinds together (a stable sort keeps
    // the order within each).
    out.sort_by_key(|r| match r {
        Reminder::DueSoon { .. } => 0,
        Reminder::Overdue { .. } => 1,
        Reminder::AwaitingReview { .. } => 2,
        Reminder::ProblemOverdue { .. } => 3,
    });
    Ok(out)
}
