//! The office dashboard (调度总览): one plan at one month, summed up from the office's view
//! of it ([`tracking`]) — overall completion against 序时进度, the targets by status, each
//! section's progress, the lagging targets worst first, the units' ranking and reporting
//! completeness — and kept per data version ([`OverviewCache`]) so that showing it again
//! costs one lookup until something is written.
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
use crate::tracking::{self, TargetTracking, Tracking};
use jiff::civil::Date;
use minsheng_domain::goal::Goal;
use minsheng_domain::{Account, Period, Plan, PlanId, PlanStatus, Section, Status, StatusCounts};
use minsheng_domain::{Thresholds, rollup::GroupSummary};
use minsheng_store::Store;
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::OnceCell;

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
            .filter(move |t| t.section_no == no)
    }

    /// The targets with `status`, in document order.
    pub fn targets_with(&self, status: Status) -> impl Iterator<Item = &TargetTracking> {
        self.tracking
            .targets
            .iter()
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
                t.targets.iter().filter(|x| x.section_no == section.no),
                period,
            ),
            section,
        })
        .collect();
    let overall = progress(t.targets.iter(), period);
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
        tracking: t,
        sections,
        overall,
        lagging,
    }
}

/// The plan the dashboard shows when none is asked for: the newest confirmed or published
/// plan (the latest year, then the latest made).
pub fn default_plan(plans: &[Plan]) -> Option<&Plan> {
    plans
        .iter()
        .filter(|p| p.status != PlanStatus::Draft)
        .max_by_key(|p| (p.year, p.id))
}

/// Refuses unless `account` may see the whole dashboard (the office, or a viewer of all).
/// A viewer tied to a unit is refused: the dashboard's figures are the whole plan's.
pub fn ensure_sees_dashboard(account: &Account) -> Result<(), AppError> {
    if account.sees_all() {
        Ok(())
    } else {
        Err(AppError::Forbidden {
            what: "查看调度总览",
            what_en: "see the office dashboard",
        })
    }
}

type Key = (PlanId, Period, Date);

/// What the cache holds for one data version.
#[derive(Debug, Default)]
struct Kept {
    version: i64,
    plans: Option<Arc<Vec<Plan>>>,
    overviews: HashMap<Key, Arc<OnceCell<Arc<Overview>>>>,
}

/// The dashboards computed so far, valid for one data version ([`Store::data_version`]):
/// when any write has been committed since (by this server or another sharing the
/// database), everything kept is dropped and computed again on demand. Requests for the same
/// dashboard that arrive while it is being computed wait for that one computation.
///
/// One cache serves one set of thresholds (a server's): they are not part of its key.
#[derive(Debug, Clone, Default)]
pub struct OverviewCache {
    kept: Arc<Mutex<Kept>>,
}

impl OverviewCache {
    /// Everything kept for `version`, emptied first when it was kept for an older one. `None`
    /// when the cache already holds a newer version than the one read (the caller then
    /// computes without keeping).
    fn at(&self, version: i64) -> Option<std::sync::MutexGuard<'_, Kept>> {
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        if kept.version < version {
            *kept = Kept {
                version,
                ..Kept::default()
            };
        }
        (kept.version == version).then_some(kept)
    }

    /// Every plan, newest data.
    pub async fn plans(&self, store: &Store) -> Result<Arc<Vec<Plan>>, AppError> {
        let version = store.data_version().await?;
        if let Some(p) = self.at(version).and_then(|k| k.plans.clone()) {
            return Ok(p);
        }
        let plans = Arc::new(store.plans().await?);
        if let Some(mut k) = self.at(version) {
            k.plans = Some(plans.clone());
        }
        Ok(plans)
    }

    /// The dashboard of `plan` at `period` as of `today` under `thresholds`, computed at most
    /// once per data version.
    pub async fn overview(
        &self,
        store: &Store,
        plan: PlanId,
        period: Period,
        today: Date,
        thresholds: &Thresholds,
    ) -> Result<Arc<Overview>, AppError> {
        let version = store.data_version().await?;
        let cell = self.at(version).map(|mut k| {
            k.overviews
                .entry((plan, period, today))
                .or_default()
                .clone()
        });
        let compute = || async {
            let t = tracking::tracking(store, plan, period, today, thresholds).await?;
            let sections = store.sections(plan).await?;
            Ok::<_, AppError>(Arc::new(overview(t, sections)))
        };
        match cell {
            Some(cell) => cell.get_or_try_init(compute).await.cloned(),
            None => compute().await,
        }
    }
}
