//! The public portal (公开进度): what anyone may see without signing in — the published plans,
//! every commitment's progress and status, each region's completion.
//!
//! **Only public fields leave this module.** Its types carry the plan's own words (titles,
//! item texts, the responsible units the document names), targets, and figures from the
//! roll-up and the tracking rules — never a report's narrative, a problem, evidence, a
//! reviewer's reason, an account or an unpublished plan. Pages build on these types alone,
//! so nothing internal can reach them by a template's accident.

use crate::error::AppError;
use crate::tracking;
use jiff::civil::Date;
use minsheng_domain::{
    Cmp, ItemId, Period, PlanId, PlanKind, PlanStatus, Quantity, SectionId, Status, StatusCounts,
    TargetId, TargetKind, Thresholds, UnitKind,
};
use minsheng_store::Store;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};

/// A published plan in the portal's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicPlanSummary {
    /// Its id.
    pub id: PlanId,
    /// The year it is for.
    pub year: i16,
    /// Its title.
    pub title: String,
    /// The unit that owns it.
    pub owner: String,
    /// What it lists.
    pub kind: PlanKind,
}

/// A published plan with every commitment's progress at one month.
#[derive(Debug, Clone)]
pub struct PublicPlan {
    /// What the list shows of it.
    pub summary: PublicPlanSummary,
    /// The month shown: the one asked for, else the latest with accepted data; `None` while
    /// nothing has been accepted.
    pub period: Option<Period>,
    /// The months with accepted data up to today, for the period picker.
    pub months: Vec<Period>,
    /// The day the figures are computed for.
    pub today: Date,
    /// Commitments by section, in document order.
    pub sections: Vec<PublicSection>,
    /// Each prefecture's completion across the plan.
    pub regions: Vec<PublicRegion>,
    /// Targets by status.
    pub counts: StatusCounts,
    /// The mean completion of all targets.
    pub completion: Option<Decimal>,
}

/// A section and its commitments.
#[derive(Debug, Clone)]
pub struct PublicSection {
    /// Its ordinal.
    pub no: u32,
    /// Its heading.
    pub title: Option<String>,
    /// The mean completion of its targets.
    pub completion: Option<Decimal>,
    /// Its numbered items.
    pub commitments: Vec<PublicCommitment>,
}

/// A numbered item: one commitment.
#[derive(Debug, Clone)]
pub struct PublicCommitment {
    /// Its number as printed.
    pub no: u32,
    /// Its text.
    pub text: String,
    /// The responsible units the document names.
    pub leads: Vec<String>,
    /// Its targets (a qualitative item has one, followed as a stage).
    pub targets: Vec<PublicTarget>,
}

/// A target's progress.
#[derive(Debug, Clone)]
pub struct PublicTarget {
    /// Its id (stable: the open-data exports name entries by it).
    pub id: TargetId,
    /// A number, or a qualitative item's stage.
    pub kind: TargetKind,
    /// The clause that states it.
    pub phrase: String,
    /// How progress is held against it.
    pub cmp: Cmp,
    /// The value and unit promised.
    pub quantity: Quantity,
    /// When it is due.
    pub deadline: Date,
    /// The accepted cumulative value (or level) at the period; `None` before any data.
    pub value: Option<Decimal>,
    /// Completion, 0–1 (capped); `None` before any data.
    pub completion: Option<Decimal>,
    /// The status against 序时进度.
    pub status: Option<Status>,
    /// Its regional shares at the period, in the order the split lists them (empty for a
    /// target that is not split over regions, or before any data).
    pub regions: Vec<PublicShare>,
}

/// A region's share of a target at a period: the figures of the roll-up, nothing the region
/// wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicShare {
    /// The region's name.
    pub region: String,
    /// Its quota (a count's part, or the level it is held to).
    pub quota: Option<Decimal>,
    /// The accepted cumulative value (or level) at the period; 0 before any accepted report.
    pub value: Decimal,
    /// Completion, 0–1 (capped).
    pub completion: Decimal,
    /// The share's status against its schedule.
    pub status: Status,
}

/// A status as the public reads it, in Chinese: a report awaiting review is "审核中" (being
/// checked), not the office's "待审核" (for me to review). The portal's pages and the open-data
/// exports both say it this way.
pub fn status_zh(s: Status) -> &'static str {
    match s {
        Status::AwaitingReview => "审核中",
        s => s.label_zh(),
    }
}

/// The same in English.
pub fn status_en(s: Status) -> &'static str {
    match s {
        Status::AwaitingReview => "Under review",
        s => s.label_en(),
    }
}

/// A prefecture's completion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicRegion {
    /// Its name.
    pub name: String,
    /// Its mean completion over all its shares of the plan.
    pub completion: Option<Decimal>,
    /// Its mean completion per section, in the plan's section order (`None` where it holds
    /// no share of the section).
    pub sections: Vec<Option<Decimal>>,
}

/// The published plans, newest year first.
pub async fn published_plans(store: &Store) -> Result<Vec<PublicPlanSummary>, AppError> {
    let tree = store.unit_tree().await?;
    Ok(store
        .plans()
        .await?
        .into_iter()
        .filter(|p| p.status == PlanStatus::Published)
        .map(|p| PublicPlanSummary {
            owner: tree
                .get(p.owner)
                .map(|u| u.name.clone())
                .unwrap_or_default(),
            id: p.id,
            year: p.year,
            title: p.title,
            kind: p.kind,
        })
        .collect())
}

/// A published plan's commitments and regions at `period` — a month, quarter or half of the
/// plan's year up to today, as a code (2023-06) or as officials write it (6月, 上半年: in
/// the plan's year) — or, without one, at the latest month with accepted data. An
/// unpublished plan is "not found", exactly as a plan that does not exist.
pub async fn public_plan(
    store: &Store,
    id: PlanId,
    period: Option<&str>,
    today: Date,
    thresholds: &Thresholds,
) -> Result<PublicPlan, AppError> {
    let plan = store.plan(id).await?;
    if plan.status != PlanStatus::Published {
        return Err(AppError::NotFound {
            what: "plan",
            id: id.0,
        });
    }
    let period = match period.map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) => Some(
            Period::parse_zh(p, plan.year).map_err(|e| AppError::Invalid {
                field: "period".into(),
                reason: e.to_string(),
            })?,
        ),
        None => None,
    };
    let this_month = Period::month_of(today);
    let months: Vec<Period> = store
        .months_with_accepted_data(id)
        .await?
        .into_iter()
        .filter(|m| m.year() == plan.year && *m <= this_month)
        .collect();
    if let Some(p) = period
        && (p.year() != plan.year || p.first_day() > today)
    {
        return Err(AppError::Invalid {
            field: "period".into(),
            reason: format!(
                "{} 不在计划年度 {} 的已过时段内 / {p} is not a past period of the plan's year {}",
                p.label_zh(),
                plan.year,
                plan.year
            ),
        });
    }
    let period = period.or_else(|| months.last().copied());
    let tree = store.unit_tree().await?;
    let summary = PublicPlanSummary {
        owner: tree
            .get(plan.owner)
            .map(|u| u.name.clone())
            .unwrap_or_default(),
        id: plan.id,
        year: plan.year,
        title: plan.title.clone(),
        kind: plan.kind,
    };
    let sections = store.sections(id).await?;
    let items = store.items(id).await?;
    // Figures per target, when there is a period to show.
    let tracked: HashMap<_, _> = match period {
        Some(p) => tracking::tracking(store, id, p, today, thresholds)
            .await?
            .targets
            .into_iter()
            .map(|t| (t.target.id, t))
            .collect(),
        None => HashMap::new(),
    };
    let mut by_item: HashMap<ItemId, Vec<PublicTarget>> = HashMap::new();
    let mut counts = StatusCounts::default();
    let mut all_scores = Vec::new();
    for t in store.targets(id).await? {
        let x = tracked.get(&t.id);
        let completion = x.and_then(|x| x.rollup.completion.map(|c| c.score));
        if let Some(x) = x {
            counts.add(x.status);
        }
        all_scores.extend(completion);
        let regions = x
            .map(|x| {
                x.shares
                    .iter()
                    .filter(|a| a.quota.is_some())
                    .map(|a| PublicShare {
                        region: tree.get(a.unit).map(|u| u.name.clone()).unwrap_or_default(),
                        quota: a.quota,
                        value: a.value,
                        completion: a.score,
                        status: a.status,
                    })
                    .collect()
            })
            .unwrap_or_default();
        by_item.entry(t.item).or_default().push(PublicTarget {
            id: t.id,
            regions,
            kind: t.kind,
            cmp: t.cmp,
            deadline: t.deadline,
            value: x.and_then(|x| x.rollup.value),
            completion,
            status: x.map(|x| x.status),
            phrase: t.phrase,
            quantity: t.quantity,
        });
    }
    let mut by_section: HashMap<SectionId, Vec<PublicCommitment>> = HashMap::new();
    for it in items {
        by_section
            .entry(it.section)
            .or_default()
            .push(PublicCommitment {
                no: it.no,
                targets: by_item.remove(&it.id).unwrap_or_default(),
                text: it.text,
                leads: it.leads,
            });
    }
    let regions = match period {
        Some(p) => regions(store, &tree, &sections, p.last_month()).await?,
        None => Vec::new(),
    };
    let sections = sections
        .into_iter()
        .map(|s| {
            let commitments = by_section.remove(&s.id).unwrap_or_default();
            let scores: Vec<Decimal> = commitments
                .iter()
                .flat_map(|c| &c.targets)
                .filter_map(|t| t.completion)
                .collect();
            PublicSection {
                no: s.no,
                title: s.title,
                completion: mean(&scores),
                commitments,
            }
        })
        .collect();
    Ok(PublicPlan {
        summary,
        period,
        months,
        today,
        sections,
        regions,
        counts,
        completion: mean(&all_scores),
    })
}

/// Each prefecture's mean capped completion over its shares of the plan's sections at
/// `month`, from the materialized roll-up.
async fn regions(
    store: &Store,
    tree: &minsheng_domain::UnitTree,
    sections: &[minsheng_domain::Section],
    month: Period,
) -> Result<Vec<PublicRegion>, AppError> {
    let index: HashMap<SectionId, usize> = sections
        .iter()
        .enumerate()
        .map(|(k, s)| (s.id, k))
        .collect();
    // By unit: (Σ scores, Σ assignments) per section.
    let mut sums: BTreeMap<minsheng_domain::UnitId, Vec<(Decimal, i64)>> = BTreeMap::new();
    for r in store.rollup_regions_of_kind(UnitKind::City, month).await? {
        let Some(&k) = index.get(&r.row.section) else {
            continue; // another plan's section
        };
        let row = sums
            .entry(r.row.unit)
            .or_insert_with(|| vec![(Decimal::ZERO, 0); sections.len()]);
        row[k].0 = row[k].0.saturating_add(r.row.score_sum);
        row[k].1 += r.row.assignments;
    }
    Ok(sums
        .into_iter()
        .map(|(unit, row)| {
            let (s, n) = row.iter().fold((Decimal::ZERO, 0i64), |(s, n), (a, b)| {
                (s.saturating_add(*a), n + b)
            });
            PublicRegion {
                name: tree.get(unit).map(|u| u.name.clone()).unwrap_or_default(),
                completion: ratio(s, n),
                sections: row.iter().map(|(s, n)| ratio(*s, *n)).collect(),
            }
        })
        .collect())
}

fn ratio(sum: Decimal, n: i64) -> Option<Decimal> {
    (n > 0).then(|| sum / Decimal::from(n))
}

fn mean(xs: &[Decimal]) -> Option<Decimal> {
    ratio(
        xs.iter()
            .copied()
            .fold(Decimal::ZERO, Decimal::saturating_add),
        i64::try_from(xs.len()).unwrap_or(i64::MAX),
    )
}
