//! The problems board (协调事项): which coordination matters an account sees, what it may do
//! with each, and raising, assigning, resolving and escalating them as that account. The pages
//! and the JSON API both go through these functions, so they share one set of rules; the
//! rules of a problem's life itself (due dates, open/resolved, escalating once per missed
//! deadline) are [`crate::coordination`]'s.
//!
//! **Who sees what.** The office and a viewer of all see every problem. Any other account
//! sees the problems raised by, owned by, or escalated to its unit or a unit below it.
//!
//! **Who may do what.** Viewers only read.
//! - *Raise*: a unit account, as its unit; the office, as the unit it belongs to (or the top of
//!   the owner's tree). The owner must be a unit the account may address ([`addressable`]):
//!   for a unit, itself, the units below it and the region above it; for the office, any.
//! - *Assign* (a new owner and due date): the office, or a unit account whose unit is a region
//!   above the owner (the region a problem is escalated to is one); the new owner must be
//!   addressable by the account.
//! - *Resolve*: the office, or a unit account whose unit is the owner or above it.
//! - *Escalate the overdue ones*: the office.
//!
//! Every write is recorded in the audit log under the account's name.

use crate::accounts::ensure;
use crate::coordination::{self, ProblemInput, escalation_target};
use crate::error::AppError;
use jiff::Timestamp;
use jiff::civil::Date;
use minsheng_domain::{
    Account, Action, Actor, OrgUnit, Problem, ProblemId, ProblemStatus, Role, UnitId, UnitKind,
    UnitTree,
};
use minsheng_store::{Escalation, Store};
use std::collections::HashMap;

/// The board's filters by state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StateFilter {
    /// Every problem not yet resolved.
    Open,
    /// Open and past its due date.
    Overdue,
    /// Open and escalated at least once.
    Escalated,
    /// Resolved.
    Resolved,
}

impl StateFilter {
    /// Every filter, in the board's order.
    pub const ALL: [StateFilter; 4] = [
        StateFilter::Open,
        StateFilter::Overdue,
        StateFilter::Escalated,
        StateFilter::Resolved,
    ];

    /// The code in URLs and JSON: `open`, `overdue`, `escalated`, `resolved`.
    pub fn code(self) -> &'static str {
        match self {
            StateFilter::Open => "open",
            StateFilter::Overdue => "overdue",
            StateFilter::Escalated => "escalated",
            StateFilter::Resolved => "resolved",
        }
    }

    /// The filter for a code.
    pub fn from_code(s: &str) -> Option<StateFilter> {
        StateFilter::ALL.into_iter().find(|f| f.code() == s)
    }
}

/// A unit as the board names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitRef {
    /// Its id.
    pub id: UnitId,
    /// Its name.
    pub name: String,
}

impl UnitRef {
    fn of(tree: &UnitTree, id: UnitId) -> UnitRef {
        UnitRef {
            id,
            name: tree
                .get(id)
                .map_or_else(|| format!("#{id}"), |u| u.name.clone()),
        }
    }
}

/// One escalation in a problem's chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardEscalation {
    /// The owner that missed the deadline.
    pub from: UnitRef,
    /// The deadline missed.
    pub missed_due: Date,
    /// The region it went up to.
    pub to: UnitRef,
    /// When.
    pub at: Timestamp,
}

/// A problem as one account sees it on the board.
#[derive(Debug, Clone)]
pub struct BoardProblem {
    /// The problem.
    pub problem: Problem,
    /// The unit that raised it.
    pub raised_by: UnitRef,
    /// The unit that must solve it.
    pub owner: UnitRef,
    /// Its escalations, oldest first.
    pub escalations: Vec<BoardEscalation>,
    /// Open and past its due date.
    pub overdue: bool,
    /// The account may give it a new owner and due date.
    pub may_assign: bool,
    /// The account may resolve it.
    pub may_resolve: bool,
}

impl BoardProblem {
    /// Whether it is resolved.
    pub fn is_resolved(&self) -> bool {
        self.problem.status == ProblemStatus::Resolved
    }

    /// Whether it is open and was escalated at least once.
    pub fn is_escalated(&self) -> bool {
        !self.is_resolved() && !self.escalations.is_empty()
    }

    /// Whether the filter shows it.
    pub fn is_in(&self, filter: StateFilter) -> bool {
        match filter {
            StateFilter::Open => !self.is_resolved(),
            StateFilter::Overdue => self.overdue,
            StateFilter::Escalated => self.is_escalated(),
            StateFilter::Resolved => self.is_resolved(),
        }
    }

    /// Its state in one word: resolved, else escalated, else overdue, else open.
    pub fn state(&self) -> StateFilter {
        if self.is_resolved() {
            StateFilter::Resolved
        } else if self.is_escalated() {
            StateFilter::Escalated
        } else if self.overdue {
            StateFilter::Overdue
        } else {
            StateFilter::Open
        }
    }
}

/// What one account sees on the board.
#[derive(Debug, Clone)]
pub struct Board {
    /// The problems it sees: open ones soonest due first, then resolved ones newest first.
    pub problems: Vec<BoardProblem>,
    /// The units it may raise a problem for or hand one to.
    pub owners: Vec<OrgUnit>,
    /// It may raise problems.
    pub may_raise: bool,
    /// It may escalate the overdue problems (the office).
    pub may_escalate: bool,
    /// The day "overdue" is counted from.
    pub today: Date,
}

fn forbidden() -> AppError {
    AppError::Forbidden {
        what: "处理该协调事项",
        what_en: "act on this problem",
    }
}

fn invalid(field: &str, reason: String) -> AppError {
    AppError::Invalid {
        field: field.into(),
        reason,
    }
}

/// Whether `account` sees `p`, escalated as `escalations` say.
fn sees(account: &Account, tree: &UnitTree, p: &Problem, escalations: &[Escalation]) -> bool {
    if account.sees_all() {
        return true;
    }
    let Some(own) = account.unit else {
        return false;
    };
    tree.is_within(p.raised_by, own)
        || tree.is_within(p.owner, own)
        || escalations.iter().any(|e| tree.is_within(e.to, own))
}

/// The units `account` may raise a problem for or hand one to, in the tree's order: any for
/// the office; for a unit, itself, the units below it and the region above it; none for a
/// viewer.
pub fn addressable<'t>(account: &Account, tree: &'t UnitTree) -> Vec<&'t OrgUnit> {
    match (account.role, account.unit) {
        (Role::Office, _) => tree.units().iter().collect(),
        (Role::Unit, Some(own)) => {
            let above = escalation_target(tree, own);
            tree.units()
                .iter()
                .filter(|u| tree.is_within(u.id, own) || Some(u.id) == above)
                .collect()
        }
        _ => Vec::new(),
    }
}

fn check_addressable(account: &Account, tree: &UnitTree, owner: UnitId) -> Result<(), AppError> {
    let Some(unit) = tree.get(owner) else {
        return Err(invalid(
            "owner",
            format!("单位 {owner} 不存在 / unit {owner} does not exist"),
        ));
    };
    if addressable(account, tree).iter().any(|u| u.id == owner) {
        return Ok(());
    }
    let name = &unit.name;
    Err(invalid(
        "owner",
        format!(
            "不能交由 {name} 承办:只能交给本单位、下级单位或上级地区 / {name} cannot be made the owner: only your unit, the units below it or the region above it"
        ),
    ))
}

/// Whether `account` may give `p` a new owner (whatever its status: a resolved problem is
/// refused later, by name).
fn may_assign(account: &Account, tree: &UnitTree, p: &Problem) -> bool {
    if account.may(Action::HandleProblem).is_err() {
        return false;
    }
    match (account.role, account.unit) {
        (Role::Office, _) => true,
        (Role::Unit, Some(own)) => {
            own != p.owner
                && tree.is_within(p.owner, own)
                && tree
                    .get(own)
                    .is_some_and(|u| u.kind != UnitKind::Department)
        }
        _ => false,
    }
}

/// Whether `account` may resolve `p` (whatever its status).
fn may_resolve(account: &Account, tree: &UnitTree, p: &Problem) -> bool {
    account.may(Action::HandleProblem).is_ok()
        && (account.sees_all() || account.can_report_for(tree, p.owner))
}

/// The unit an account acts as on a problem owned by `owner` (the coordination rules need
/// one): a unit account's own unit; for the office, its unit when that is above the owner,
/// else the top of the owner's tree.
fn acting_unit(account: &Account, tree: &UnitTree, owner: UnitId) -> Result<UnitId, AppError> {
    match account.role {
        Role::Unit => account.unit.ok_or_else(forbidden),
        Role::Office => Ok(account
            .unit
            .filter(|u| tree.is_within(owner, *u))
            .or_else(|| tree.ancestors(owner).last().map(|u| u.id))
            .unwrap_or(owner)),
        Role::Viewer => Err(forbidden()),
    }
}

fn actor(account: &Account) -> Actor {
    Actor::new(account.name.clone())
}

/// The board as `account` sees it on `today`.
pub async fn board(store: &Store, account: &Account, today: Date) -> Result<Board, AppError> {
    let tree = store.unit_tree().await?;
    let mut escalations: HashMap<ProblemId, Vec<Escalation>> = HashMap::new();
    for e in store.all_escalations().await? {
        escalations.entry(e.problem).or_default().push(e);
    }
    let mut problems = Vec::new();
    for p in store.problems().await? {
        let mine = escalations.remove(&p.id).unwrap_or_default();
        if !sees(account, &tree, &p, &mine) {
            continue;
        }
        let open = p.status == ProblemStatus::Open;
        problems.push(BoardProblem {
            raised_by: UnitRef::of(&tree, p.raised_by),
            owner: UnitRef::of(&tree, p.owner),
            escalations: mine
                .iter()
                .map(|e| BoardEscalation {
                    from: UnitRef::of(&tree, e.from),
                    missed_due: e.missed_due,
                    to: UnitRef::of(&tree, e.to),
                    at: e.at,
                })
                .collect(),
            overdue: p.is_overdue(today),
            may_assign: open && may_assign(account, &tree, &p),
            may_resolve: open && may_resolve(account, &tree, &p),
            problem: p,
        });
    }
    problems.sort_by(|a, b| match (a.is_resolved(), b.is_resolved()) {
        (false, false) => (a.problem.due, a.problem.id).cmp(&(b.problem.due, b.problem.id)),
        (true, true) => b.problem.id.cmp(&a.problem.id),
        (x, y) => x.cmp(&y),
    });
    Ok(Board {
        problems,
        owners: addressable(account, &tree).into_iter().cloned().collect(),
        may_raise: account.may(Action::RaiseProblem).is_ok(),
        may_escalate: account.may(Action::EscalateProblems).is_ok(),
        today,
    })
}

/// One problem as `account` sees it on `today`: 404 when there is no such problem, 403 when
/// the account does not see it.
pub async fn problem(
    store: &Store,
    account: &Account,
    id: ProblemId,
    today: Date,
) -> Result<BoardProblem, AppError> {
    store.problem(id).await?;
    board(store, account, today)
        .await?
        .problems
        .into_iter()
        .find(|p| p.problem.id == id)
        .ok_or(AppError::Forbidden {
            what: "查看该协调事项",
            what_en: "see this problem",
        })
}

/// Refuses unless `account` may raise problems at all (before its input is looked at).
pub fn ensure_may_raise(account: &Account) -> Result<(), AppError> {
    crate::accounts::ensure(account, Action::RaiseProblem)
}

/// Raises a problem as `account` (see the module rules).
pub async fn raise(
    store: &Store,
    account: &Account,
    input: &ProblemInput,
    today: Date,
) -> Result<ProblemId, AppError> {
    ensure_may_raise(account)?;
    let tree = store.unit_tree().await?;
    check_addressable(account, &tree, input.owner)?;
    let as_unit = acting_unit(account, &tree, input.owner)?;
    coordination::raise_problem(store, &actor(account), as_unit, input, today).await
}

/// Problem `id` with the tree, if `allowed` lets `account` act on it: 403 otherwise, 404 when
/// there is no such problem.
async fn checked(
    store: &Store,
    account: &Account,
    id: ProblemId,
    allowed: fn(&Account, &UnitTree, &Problem) -> bool,
) -> Result<(UnitTree, Problem), AppError> {
    let tree = store.unit_tree().await?;
    let p = store.problem(id).await?;
    if allowed(account, &tree, &p) {
        Ok((tree, p))
    } else {
        Err(forbidden())
    }
}

/// Refuses (403) unless `account` may give problem `id` a new owner; 404 when there is no
/// such problem. For callers that check permission before reading the rest of a request.
pub async fn ensure_may_assign(
    store: &Store,
    account: &Account,
    id: ProblemId,
) -> Result<(), AppError> {
    checked(store, account, id, may_assign).await.map(drop)
}

/// Gives problem `id` to `owner`, due on `due`, as `account` (see the module rules).
pub async fn assign(
    store: &Store,
    account: &Account,
    id: ProblemId,
    owner: UnitId,
    due: Date,
    today: Date,
) -> Result<(), AppError> {
    let (tree, p) = checked(store, account, id, may_assign).await?;
    check_addressable(account, &tree, owner)?;
    let as_unit = acting_unit(account, &tree, p.owner)?;
    coordination::assign_problem(store, &actor(account), as_unit, id, owner, due, today).await
}

/// Refuses (403) unless `account` may resolve problem `id`; 404 when there is no such problem.
pub async fn ensure_may_resolve(
    store: &Store,
    account: &Account,
    id: ProblemId,
) -> Result<(), AppError> {
    checked(store, account, id, may_resolve).await.map(drop)
}

/// Resolves problem `id` with a written resolution, as `account` (see the module rules).
pub async fn resolve(
    store: &Store,
    account: &Account,
    id: ProblemId,
    resolution: &str,
) -> Result<(), AppError> {
    let (tree, p) = checked(store, account, id, may_resolve).await?;
    let as_unit = acting_unit(account, &tree, p.owner)?;
    coordination::resolve_problem(store, &actor(account), as_unit, id, resolution).await
}

/// Escalates every problem overdue on `today` whose deadline was not escalated yet, as the
/// office; returns what it escalated (nothing on a second run the same day).
pub async fn escalate(
    store: &Store,
    account: &Account,
    today: Date,
) -> Result<Vec<Escalation>, AppError> {
    ensure(account, Action::EscalateProblems)?;
    coordination::escalate_overdue(store, &actor(account), today).await
}
