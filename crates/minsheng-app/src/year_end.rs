//! Year end (年终结转) for the office: the closing page's figures — every unfinished target of
//! a plan with what it achieved against its target and its status, from the plan's tracking
//! ([`crate::tracking`], never a second computation) — and the closing itself: each
//! unfinished target carried over into a later plan or closed with a reason, then the plan
//! closed, in one audited transaction. The rules are the domain's
//! ([`minsheng_domain::year_end`]).
//!
//! **Concurrency.** The figures are computed before the transaction, from the pool; inside it
//! the plan is closed first (`UPDATE … WHERE state = 'open'`: a second closing gets 409), which
//! on PostgreSQL waits for every write that share-locked the plan's row to commit and makes
//! every later one refuse; then the plan's per-target change counts (`target_changes`) are read
//! again and compared with those read before the figures. Equal counts mean the figures are
//! the final ones; otherwise the transaction is rolled back and the closing computed again.

use crate::accounts::ensure;
use crate::error::AppError;
use crate::plan_diff;
use crate::tracking::{self, TargetTracking};
use jiff::civil::Date;
use minsheng_domain::plan_diff::Change;
use minsheng_domain::year_end::{
    Decision, Disposition, NextPlan, Outcome, Unfinished, YearEndError, check_closing, remainder,
};
use minsheng_domain::*;
use minsheng_store::{CarriedTarget, Closure, NewTarget, PlanClosing, Store};
use std::collections::{BTreeMap, HashMap};
use tracing::info;

/// One unfinished target on the closing page.
#[derive(Debug, Clone)]
pub struct CloseLine {
    /// Its tracking line: the target, what was achieved (`rollup.value`), its status.
    pub line: TargetTracking,
    /// Its item's text.
    pub item_text: String,
    /// What a carry-over would create in the next plan, or why it cannot.
    pub remainder: Result<Quantity, YearEndError>,
    /// Carrying over is what the page proposes: a count with something left that the next
    /// plan does not list again (what it lists again is taken up there, see
    /// `proposed_reason`); a level is left to the office.
    pub propose_carry: bool,
    /// The reason the page proposes for closing a target the next plan lists again
    /// ("已列入2024年计划第3项…"); empty otherwise.
    pub proposed_reason: String,
    /// The same commitment in the next plan, as the plan diff matches it: its item number,
    /// phrase and how its figure changed.
    pub continued: Option<(u32, String, Change)>,
}

/// The closing page.
#[derive(Debug, Clone)]
pub struct CloseView {
    /// The plan.
    pub plan: Plan,
    /// Open, or closed by whom and when.
    pub closing: PlanClosing,
    /// The month its figures are taken at (the last one due, within its year).
    pub period: Period,
    /// The unfinished targets (while open).
    pub lines: Vec<CloseLine>,
    /// How many targets are done.
    pub finished: usize,
    /// Every target.
    pub total: usize,
    /// The plans it may carry into: open plans of a later year, nearest year first.
    pub next_choices: Vec<Plan>,
    /// The plan proposed (or chosen) to carry into.
    pub next: Option<Plan>,
    /// Once closed: what became of each unfinished target, with its tracking line and, when
    /// it was carried over, where to (the new target's plan year and phrase).
    pub closures: Vec<ClosedLine>,
}

/// One target of a closed plan: what became of it, its tracking line, and — carried over —
/// the new target's plan year and phrase.
pub type ClosedLine = (Closure, Option<TargetTracking>, Option<(i16, String)>);

/// What the office sent: the plan to carry into and a decision per unfinished target.
#[derive(Debug, Clone, Default)]
pub struct CloseForm {
    /// The plan to carry into.
    pub next: Option<PlanId>,
    /// Per target: carry over, or close with a reason.
    pub decisions: BTreeMap<TargetId, Decision>,
}

/// A plan closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosedPlan {
    /// The plan.
    pub plan: PlanId,
    /// Each target carried over, with the target created for it.
    pub carried: Vec<(TargetId, TargetId)>,
    /// How many were closed with a reason.
    pub closed: usize,
}

/// The month a plan's closing takes its figures at: the latest month with accepted figures up
/// to the last one due (December once the year is over), so that what was achieved is what the
/// office accepted, not reports still awaiting review; the month due when nothing is accepted.
pub async fn closing_period(store: &Store, plan: &Plan, today: Date) -> Result<Period, AppError> {
    let due = tracking::default_period(plan.year, today);
    Ok(store
        .months_with_accepted_data(plan.id)
        .await?
        .into_iter()
        .filter(|m| *m <= due)
        .max()
        .unwrap_or(due))
}

/// The open plans of a later year than `plan`, nearest first, of the same kind first.
async fn later_plans(store: &Store, plan: &Plan) -> Result<Vec<Plan>, AppError> {
    let mut out = Vec::new();
    for p in store.plans().await? {
        if p.year > plan.year
            && p.id != plan.id
            && store.plan_closing(p.id).await?.state == PlanState::Open
        {
            out.push(p);
        }
    }
    out.sort_by(|a, b| {
        (b.kind == plan.kind)
            .cmp(&(a.kind == plan.kind))
            .then(a.year.cmp(&b.year))
            .then(a.id.cmp(&b.id))
    });
    Ok(out)
}

fn name_of(line: &TargetTracking) -> String {
    format!("第{}项「{}」", line.item_no, line.target.phrase)
}

fn unfinished_of(line: &TargetTracking) -> Unfinished {
    Unfinished {
        target: line.target.id,
        name: name_of(line),
        quantity: line.target.quantity.clone(),
        cmp: line.target.cmp,
        accrual: line.target.accrual(),
        kind: line.target.kind,
        achieved: line.rollup.value,
    }
}

/// The closing page of `plan` for the office, carrying into `next` when given (else the
/// nearest later open plan).
pub async fn view(
    store: &Store,
    account: &Account,
    plan: PlanId,
    next: Option<PlanId>,
    today: Date,
    thresholds: &Thresholds,
) -> Result<CloseView, AppError> {
    ensure(account, Action::ClosePlan)?;
    let plan = store.plan(plan).await?;
    let closing = store.plan_closing(plan.id).await?;
    let period = closing_period(store, &plan, today).await?;
    let t = tracking::tracking(store, plan.id, period, today, thresholds).await?;
    let items: HashMap<ItemId, Item> = store
        .items(plan.id)
        .await?
        .into_iter()
        .map(|i| (i.id, i))
        .collect();
    let next_choices = later_plans(store, &plan).await?;
    let next = match next {
        Some(id) => next_choices.iter().find(|p| p.id == id).cloned(),
        None => next_choices.first().cloned(),
    };
    // The same commitments in the next plan, by the plan diff's matching.
    let mut continued: HashMap<TargetId, (u32, String, Change)> = HashMap::new();
    if let Some(n) = &next {
        let (old, old_ids) = plan_diff::entries_of_plan(store, plan.id).await?;
        let (new, _) = plan_diff::entries_of_plan(store, n.id).await?;
        for l in minsheng_domain::plan_diff::diff(&old, &new).lines {
            if let (Some(i), Some(j)) = (l.old, l.new) {
                continued.insert(
                    old_ids[i],
                    (new[j].item_no, new[j].phrase.clone(), l.change),
                );
            }
        }
    }
    let total = t.targets.len();
    let finished = t
        .targets
        .iter()
        .filter(|l| l.status == Status::Done)
        .count();
    let by_target: HashMap<TargetId, &TargetTracking> = t
        .targets
        .iter()
        .map(|l| (l.target.id, l.as_ref()))
        .collect();
    let (lines, closures) = if closing.state == PlanState::Open {
        let lines = t
            .targets
            .iter()
            .filter(|l| l.status != Status::Done)
            .map(|l| {
                let remainder = remainder(&unfinished_of(l));
                let counts = l.target.kind == TargetKind::Quantity
                    && l.target.accrual() == Accrual::Cumulative;
                let again = continued.get(&l.target.id).cloned();
                let proposed_reason = match (&again, &next) {
                    (Some((no, phrase, _)), Some(n)) => format!(
                        "已列入{}年计划第{no}项「{phrase}」,不再单独结转 / taken up by item {no} of the {} plan",
                        n.year, n.year
                    ),
                    _ => String::new(),
                };
                CloseLine {
                    item_text: items
                        .get(&l.target.item)
                        .map(|i| i.text.clone())
                        .unwrap_or_default(),
                    propose_carry: counts && remainder.is_ok() && again.is_none(),
                    proposed_reason,
                    remainder,
                    continued: again,
                    line: TargetTracking::clone(l),
                }
            })
            .collect();
        (lines, Vec::new())
    } else {
        let mut closures = Vec::new();
        for c in store.closures_of_plan(plan.id).await? {
            let line = by_target.get(&c.target).map(|l| (*l).clone());
            let to = links(store, c.target)
                .await?
                .carried_into
                .map(|(_, year, phrase)| (year, phrase));
            closures.push((c, line, to));
        }
        (Vec::new(), closures)
    };
    Ok(CloseView {
        plan,
        closing,
        period,
        lines,
        finished,
        total,
        next_choices,
        next,
        closures,
    })
}

/// How many times a closing is computed again when figures moved while it was written.
const ATTEMPTS: usize = 5;

/// Closes `plan` as the office decided: every unfinished target carried over into
/// `form.next` or closed with its reason, then the plan closed — one transaction, audited.
/// Refused, with nothing written, when a decision is missing or wrong (every refusal named by
/// target), when the plan is closed already (409 "已关闭"), or when the office may not.
pub async fn close(
    store: &Store,
    account: &Account,
    plan: PlanId,
    form: &CloseForm,
    today: Date,
    thresholds: &Thresholds,
) -> Result<ClosedPlan, AppError> {
    ensure(account, Action::ClosePlan)?;
    let actor = Actor::new(&account.name);
    for _ in 0..ATTEMPTS {
        let plan = store.plan(plan).await?;
        // The counts first: the figures read after them are at least as new.
        let (_, counts) = store.change_counts(plan.id).await?;
        let period = closing_period(store, &plan, today).await?;
        let t = tracking::tracking(store, plan.id, period, today, thresholds).await?;
        let items: HashMap<ItemId, Item> = store
            .items(plan.id)
            .await?
            .into_iter()
            .map(|i| (i.id, i))
            .collect();
        let unfinished: Vec<(Unfinished, &TargetTracking)> = t
            .targets
            .iter()
            .filter(|l| l.status != Status::Done)
            .map(|l| (unfinished_of(l), l.as_ref()))
            .collect();

        let mut tx = store.begin(&actor).await?;
        tx.close_plan(plan.id).await?;
        if tx.target_change_counts(plan.id).await? != counts {
            // A report or a split committed meanwhile: compute again from the final figures.
            tx.rollback().await?;
            continue;
        }
        let next = match form.next {
            None => None,
            Some(id) => {
                let p = tx.plan(id).await?;
                let state = tx.plan_closing(id).await?.state;
                Some(NextPlan {
                    plan: p.id,
                    year: p.year,
                    state,
                })
            }
        };
        let just: Vec<Unfinished> = unfinished.iter().map(|(u, _)| u.clone()).collect();
        let outcomes = check_closing(plan.id, plan.year, next, &just, &form.decisions)
            .map_err(|refused| refusal(&refused))?;
        let mut carried = Vec::new();
        let mut closed = 0;
        for (o, (_, line)) in outcomes.iter().zip(&unfinished) {
            match (o.disposition, next) {
                (Disposition::Closed, _) => {
                    tx.close_target(plan.id, o.target, o.reason.as_deref().unwrap_or(""))
                        .await?;
                    closed += 1;
                }
                (Disposition::CarriedOver, Some(n)) => {
                    let item = items.get(&line.target.item);
                    let what = carried_target(&plan, n, line, item, o)?;
                    let new = tx.carry_over(plan.id, n.plan, &what).await?;
                    carried.push((o.target, new));
                }
                (Disposition::CarriedOver, None) => {
                    return Err(refusal(&[YearEndError::NoNextPlan {
                        target: name_of(line),
                    }]));
                }
            }
        }
        tx.commit().await?;
        info!(
            plan.id = %plan.id,
            account = %account.name,
            carried = carried.len(),
            closed,
            "Closed plan {} at year end: {} targets carried over, {} closed with a reason",
            plan.id, carried.len(), closed
        );
        return Ok(ClosedPlan {
            plan: plan.id,
            carried,
            closed,
        });
    }
    Err(AppError::Conflict {
        reason: "计划的数据在关闭时不断变化,请稍后重试,未作任何改动 / the plan's figures kept changing while it was being closed: nothing was changed, try again".into(),
    })
}

/// Every refusal of a closing at once, one a line.
fn refusal(refused: &[YearEndError]) -> AppError {
    AppError::Invalid {
        field: "decisions".into(),
        reason: refused
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// The target created in the next plan for what remained of `line`.
fn carried_target(
    plan: &Plan,
    next: NextPlan,
    line: &TargetTracking,
    item: Option<&Item>,
    o: &Outcome,
) -> Result<CarriedTarget, AppError> {
    let t = &line.target;
    let quantity = o.carried.clone().unwrap_or_else(|| t.quantity.clone());
    let deadline = Date::new(next.year, 12, 31).map_err(|e| AppError::Invalid {
        field: "next".into(),
        reason: e.to_string(),
    })?;
    let text = item.map(|i| i.text.as_str()).unwrap_or(t.phrase.as_str());
    Ok(CarriedTarget {
        from: t.id,
        item_text: format!("【{}年结转】{text}", plan.year),
        leads: item.map(|i| i.leads.clone()).unwrap_or_default(),
        target: NewTarget {
            item: t.item,
            seq: 1,
            quantity: quantity.clone(),
            cmp: t.cmp,
            phrase: if quantity == t.quantity {
                t.phrase.clone()
            } else {
                format!(
                    "{}(剩余{}{})",
                    t.phrase,
                    minsheng_domain::quantity::format_zh_exact(quantity.value),
                    quantity.unit
                )
            },
            span: None,
            implicit: t.implicit,
            delta: t.delta,
            deadline,
            baseline: None,
            kind: t.kind,
            accrual_set: t.accrual_set,
        },
    })
}

/// Whether `plan` is closed at year end (for the plan's page; its state is public record).
pub async fn is_closed(store: &Store, plan: PlanId) -> Result<bool, AppError> {
    Ok(store.plan_closing(plan).await?.state == PlanState::Closed)
}

/// A target's links across years, as its page shows them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct YearLinks {
    /// The earlier target it continues: its id, its plan's year, its phrase.
    pub carried_from: Option<(TargetId, i16, String)>,
    /// The later target it was carried over into: its id, its plan's year, its phrase.
    pub carried_into: Option<(TargetId, i16, String)>,
    /// Why it was closed, when it was closed with a reason.
    pub closed: Option<String>,
}

/// A target's links across years — the target it was carried over from, and what became of
/// it when its plan was closed — for a caller who already reads the target.
pub async fn links(store: &Store, target: TargetId) -> Result<YearLinks, AppError> {
    let l = store.target_links(target).await?;
    let mut out = YearLinks::default();
    if let Some((from, _, year)) = l.carried_from {
        out.carried_from = Some((from, year, store.target(from).await?.phrase));
    }
    if let Some((c, next)) = l.closure {
        match (c.disposition, c.next_target, next) {
            (Disposition::CarriedOver, Some(n), Some((_, year))) => {
                out.carried_into = Some((n, year, store.target(n).await?.phrase));
            }
            _ => out.closed = c.reason,
        }
    }
    Ok(out)
}
