//! The office dashboard (调度总览): one plan at one month, summed up from the office's view
//! of it ([`tracking`]) — overall completion against 序时进度, the targets by status, each
//! section's progress, the lagging targets worst first, the units' ranking and reporting
//! completeness — and kept per data version ([`OverviewCache`], [`crate::freshness`]) so that
//! showing it again costs no computation until something is written.
//!
//! **Overall completion** is the mean of the targets' capped completion scores (each target
//! weighing the same; the score the roll-up and the ranking use). **序时进度** (expected
//! progress) is the mean, over the same targets, of the share of each target's time that has
//! passed by the end of the month: months elapsed / months to its deadline, at most 1. A
//! section's figures are the same means over its own targets.
//!
//! **Worst first**: at risk before lagging, then by how far the target's completion is behind
//! its 序时进度, then in document order.

use crate::error::AppError;
use crate::freshness::Kept;
use crate::tracking::{self, TargetPart, TargetTracking, Tracking};
use jiff::civil::Date;
use minsheng_domain::goal::Goal;
use minsheng_domain::{
    Account, Action, Period, Plan, PlanId, PlanStatus, Section, Status, StatusCounts, TargetId,
    UnitTree,
};
use minsheng_domain::{Thresholds, rollup::GroupSummary};
use minsheng_store::Store;
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The dashboard of one plan at one month.
#[derive(Debug, Clone)]
pub struct Overview {
    /// The office's view it sums up.
    pub tracking: Tracking,
    /// The plan's sections, in order.
    pub sections: Vec<SectionProgress>,
    /// The whole plan's figures.
    pub overall: Progress,
    /// Indexes into `tracking.targets` of the lagging and at-risk targets, worst first.
    pub lagging: Vec<usize>,
    /// Reports of the period filed and waiting for review: they count only once accepted.
    pub awaiting_review: i64,
}

/// Completion against 序时进度 over a group of targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    /// How many targets.
    pub targets: usize,
    /// Their statuses.
    pub counts: StatusCounts,
    /// Mean capped completion, 0..=1; `None` when no target has a figure.
    pub completion: Option<Decimal>,
    /// Mean share of time elapsed (序时进度), 0..=1; `None` for no target.
    pub expected: Option<Decimal>,
}

/// One section's progress.
#[derive(Debug, Clone)]
pub struct SectionProgress {
    /// The section.
    pub section: Section,
    /// Its targets' figures.
    pub progress: Progress,
}

impl Overview {
    /// The targets of section `no`, in document order.
    pub fn targets_of_section(&self, no: u32) -> impl Iterator<Item = &TargetTracking> {
        self.tracking
            .targets
            .iter()
            .map(Arc::as_ref)
            .filter(move |t| t.section_no == no)
    }

    /// The targets with `status`, in document order.
    pub fn targets_with(&self, status: Status) -> impl Iterator<Item = &TargetTracking> {
        self.tracking
            .targets
            .iter()
            .map(Arc::as_ref)
            .filter(move |t| t.status == status)
    }

    /// The units' shares summed up: their count, mean score and statuses.
    pub fn shares(&self) -> &GroupSummary {
        &self.tracking.shares
    }
}

/// The share of `t`'s time elapsed by the end of `period`, 0..=1.
fn time_share(t: &TargetTracking, period: Period) -> Decimal {
    let goal = Goal::for_target(&t.target);
    let whole = goal.deadline_months().max(1);
    let m = goal.months_elapsed(period).min(whole);
    Decimal::from(m) / Decimal::from(whole)
}

fn progress<'a>(targets: impl Iterator<Item = &'a TargetTracking>, period: Period) -> Progress {
    let mut p = Progress::default();
    let (mut scores, mut scored, mut elapsed) = (Decimal::ZERO, 0usize, Decimal::ZERO);
    for t in targets {
        p.targets += 1;
        p.counts.add(t.status);
        elapsed += time_share(t, period);
        if let Some(c) = t.rollup.completion {
            scores += c.score;
            scored += 1;
        }
    }
    p.completion = (scored > 0).then(|| scores / Decimal::from(scored));
    p.expected = (p.targets > 0).then(|| elapsed / Decimal::from(p.targets));
    p
}

/// How far a target's completion is behind its 序时进度, in fractions of the target.
fn behind(t: &TargetTracking, period: Period) -> Decimal {
    time_share(t, period) - t.rollup.completion.map_or(Decimal::ZERO, |c| c.score)
}

/// Sums up the office's view `t` of a plan; `sections` are the plan's sections.
pub fn overview(t: Tracking, sections: Vec<Section>) -> Overview {
    let period = t.period;
    let sections = sections
        .into_iter()
        .map(|section| SectionProgress {
            progress: progress(
                t.targets
                    .iter()
                    .map(Arc::as_ref)
                    .filter(|x| x.section_no == section.no),
                period,
            ),
            section,
        })
        .collect();
    let overall = progress(t.targets.iter().map(Arc::as_ref), period);
    let mut lagging: Vec<usize> = t
        .targets
        .iter()
        .enumerate()
        .filter(|(_, x)| matches!(x.status, Status::Lagging | Status::AtRisk))
        .map(|(i, _)| i)
        .collect();
    lagging.sort_by(|&a, &b| {
        let (x, y) = (&t.targets[a], &t.targets[b]);
        y.status
            .severity()
            .cmp(&x.status.severity())
            .then_with(|| behind(y, period).cmp(&behind(x, period)))
            .then_with(|| a.cmp(&b))
    });
    Overview {
        awaiting_review: t.awaiting_review,
        tracking: t,
        sections,
        overall,
        lagging,
    }
}

/// The plan the dashboard opens on when none is asked for: the newest confirmed or published
/// plan that has accepted reports, else the newest confirmed or published one — so that a new
/// plan not yet split or reported on does not hide the one that has figures.
pub async fn landing_plan<'p>(
    store: &Store,
    plans: &'p [Plan],
) -> Result<Option<&'p Plan>, AppError> {
    let mut candidates: Vec<&Plan> = plans
        .iter()
        .filter(|p| p.status != PlanStatus::Draft)
        .collect();
    candidates.sort_by_key(|p| std::cmp::Reverse((p.year, p.id)));
    for p in &candidates {
        if !store.months_with_accepted_data(p.id).await?.is_empty() {
            return Ok(Some(p));
        }
    }
    Ok(candidates.first().copied())
}

/// The month the dashboard opens at when none is asked for. Whoever reviews
/// ([`Action::Review`]) opens at the last month whose reports are due
/// ([`crate::tracking::default_period`]), where the work is; a reader opens at the latest month
/// with accepted figures up to that one, so that a leader lands on figures rather than on a
/// month still awaiting review — or at the due month when nothing is accepted yet.
pub async fn landing_period(
    store: &Store,
    plan: &Plan,
    account: &Account,
    today: Date,
) -> Result<Period, AppError> {
    let due = crate::tracking::default_period(plan.year, today);
    if account.may(Action::Review).is_ok() {
        return Ok(due);
    }
    let months = store.months_with_accepted_data(plan.id).await?;
    Ok(months
        .into_iter()
        .filter(|m| m.last_day() <= due.last_day())
        .max_by_key(|m| m.last_day())
        .unwrap_or(due))
}

/// Refuses unless `account` may see the whole dashboard (the office, or a viewer of all).
/// A viewer tied to a unit is refused: the dashboard's figures are the whole plan's.
pub fn ensure_sees_dashboard(account: &Account) -> Result<(), AppError> {
    crate::accounts::ensure(account, minsheng_domain::Action::ViewDashboard)
}

type Key = (PlanId, Period, Date);

/// What a dashboard was computed from, kept so that the next computation redoes only the
/// targets whose records changed since (their count in `target_changes` moved; see
/// `minsheng-store`'s migration 0014). A change of the plan's shape (the structure count)
/// computes it whole again.
#[derive(Debug)]
struct Basis {
    structure: i64,
    counts: HashMap<TargetId, i64>,
    plan: Plan,
    sections: Vec<Section>,
    tree: UnitTree,
    parts: Vec<TargetPart>,
    index: HashMap<TargetId, usize>,
}

impl Basis {
    /// Everything read and computed anew.
    async fn whole(
        store: &Store,
        (plan, period, today): Key,
        thresholds: &Thresholds,
        (structure, counts): (i64, HashMap<TargetId, i64>),
    ) -> Result<Basis, AppError> {
        let plan = store.plan(plan).await?;
        let parts = tracking::parts(store, &plan, period, today, thresholds).await?;
        let index = parts
            .iter()
            .enumerate()
            .map(|(i, p)| (p.line.target.id, i))
            .collect();
        Ok(Basis {
            structure,
            counts,
            sections: store.sections(plan.id).await?,
            tree: store.unit_tree().await?,
            plan,
            parts,
            index,
        })
    }

    /// The targets whose count moved computed again; `None` when the plan's shape changed
    /// (or a target is new or gone), and the basis must be computed whole.
    async fn update(
        mut self,
        store: &Store,
        (_, period, today): Key,
        thresholds: &Thresholds,
        (structure, counts): (i64, HashMap<TargetId, i64>),
    ) -> Result<Option<Basis>, AppError> {
        if structure != self.structure || self.counts.keys().any(|t| !counts.contains_key(t)) {
            return Ok(None);
        }
        for (t, n) in &counts {
            if self.counts.get(t) == Some(n) {
                continue;
            }
            let Some(&i) = self.index.get(t) else {
                return Ok(None);
            };
            self.parts[i] =
                tracking::part_of_target(store, &self.plan, *t, period, today, thresholds).await?;
        }
        self.counts = counts;
        Ok(Some(self))
    }

    fn overview(&self, period: Period, today: Date) -> Overview {
        let t = tracking::assemble(self.plan.clone(), period, today, &self.parts, &self.tree);
        overview(t, self.sections.clone())
    }
}

/// A dashboard computed at a data version, with what it was computed from.
#[derive(Debug)]
struct Computed {
    at: i64,
    overview: Arc<Overview>,
    basis: Basis,
}

/// The latest dashboard computed for one key; the lock is held while it is computed.
type Slot = Arc<tokio::sync::Mutex<Option<Computed>>>;

/// The dashboard of `plan` at `period` as of `today`, computed whole from the plan's records
/// with nothing kept: what [`OverviewCache::overview`] keeps current, for checking it.
pub async fn recompute(
    store: &Store,
    (plan, period, today): Key,
    thresholds: &Thresholds,
) -> Result<Overview, AppError> {
    let t = tracking::tracking(store, plan, period, today, thresholds).await?;
    let mut o = overview(t, store.sections(plan).await?);
    // Counted here by a query of its own, not from the parts, so that a comparison with the
    // dashboard kept current checks the parts' count too.
    o.awaiting_review = store.awaiting_review_count(plan, period).await?;
    Ok(o)
}

/// The plans and dashboards computed so far. A dashboard is served to a request at data
/// version `v` only if it was computed at `v` or later ([`crate::freshness`]): a write committed
/// since is computed again on demand — **only for the targets it changed** (issue #16 item 1):
/// every write counts the targets it touched in its own transaction (`target_changes`,
/// `changes = changes + 1`), and the next request reads those counts and computes again just
/// the targets whose count moved, then sums the plan up from its targets' parts in memory;
/// a change of a plan's shape computes it whole. At most one computation of a dashboard runs
/// at a time: requests that arrive while it runs wait for it, and when it was begun before
/// their version the first of them computes once more for all the others — so however many
/// readers come while writes land, the dashboard is computed one time after another, never
/// side by side. One cache serves one set of thresholds (a server's): they are not part of
/// its key.
#[derive(Debug, Clone)]
pub struct OverviewCache {
    plans: Kept<(), Arc<Vec<Plan>>>,
    overviews: Arc<Mutex<HashMap<Key, Slot>>>,
    limit: usize,
}

impl Default for OverviewCache {
    fn default() -> Self {
        OverviewCache::with_limit(48)
    }
}

impl OverviewCache {
    /// A cache of at most `limit` dashboards.
    pub fn with_limit(limit: usize) -> OverviewCache {
        OverviewCache {
            plans: Kept::default(),
            overviews: Arc::default(),
            limit: limit.max(1),
        }
    }

    /// Every plan, at data `version`.
    pub async fn plans(&self, store: &Store, version: i64) -> Result<Arc<Vec<Plan>>, AppError> {
        if let Some(p) = self.plans.get(version, &()) {
            return Ok(p);
        }
        let plans = Arc::new(store.plans().await?);
        self.plans.put(version, (), plans.clone());
        Ok(plans)
    }

    /// The dashboard of `plan` at `period` as of `today` under `thresholds`, as of data
    /// `version` or later.
    pub async fn overview(
        &self,
        store: &Store,
        version: i64,
        key: Key,
        thresholds: &Thresholds,
    ) -> Result<Arc<Overview>, AppError> {
        let slot = {
            let mut slots = self.overviews.lock().unwrap_or_else(|e| e.into_inner());
            if slots.len() >= self.limit && !slots.contains_key(&key) {
                slots.clear();
            }
            slots.entry(key).or_default().clone()
        };
        // Waits for a computation under way, then takes what it left if it is new enough.
        let mut latest = slot.lock().await;
        if let Some(c) = latest.as_ref()
            && c.at >= version
        {
            return Ok(c.overview.clone());
        }
        // The version is read before the counts, and the counts before the data, so the
        // figures are at least as new as both: the requests waiting behind this one, whose
        // versions were read before it, are served too; a target written meanwhile has a
        // count newer than the one kept, and is computed again next time.
        let at = store.data_version().await?;
        let counts = store.change_counts(key.0).await?;
        let kept = match latest.take() {
            Some(c) => {
                c.basis
                    .update(store, key, thresholds, counts.clone())
                    .await?
            }
            None => None,
        };
        let basis = match kept {
            Some(b) => b,
            None => Basis::whole(store, key, thresholds, counts).await?,
        };
        // The reports awaiting review are counted by the targets' parts, kept current with
        // them (every filing and review moves its target's count): no query over the plan.
        let o = Arc::new(basis.overview(key.1, key.2));
        *latest = Some(Computed {
            at,
            overview: o.clone(),
            basis,
        });
        Ok(o)
    }
}
