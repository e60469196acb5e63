//! The plan diff (计划对比) for a caller: a plan — stored, or a text being imported — against an
//! earlier plan (by default the latest earlier plan of the same kind in the system), matched
//! by meaning with the domain's rule ([`minsheng_domain::plan_diff`]).

use crate::error::AppError;
use crate::import::PlanDraft;
use crate::visibility;
use minsheng_domain::plan_diff::{Change, Entry, PlanDiff, diff};
use minsheng_domain::{Account, Plan, PlanId, PlanKind, Target, TargetKind};
use minsheng_store::Store;
use std::collections::HashMap;

/// A diff as a page shows it.
#[derive(Debug, Clone)]
pub struct DiffView {
    /// The earlier plan compared against.
    pub old: Plan,
    /// The new plan, when it is stored (`None` for a text being imported).
    pub new: Option<Plan>,
    /// The earlier plan's targets.
    pub old_entries: Vec<Entry>,
    /// The new plan's targets.
    pub new_entries: Vec<Entry>,
    /// The stored targets' ids, by index, for links (empty for a text being imported).
    pub new_ids: Vec<minsheng_domain::TargetId>,
    /// The earlier plan's targets' ids, by index.
    pub old_ids: Vec<minsheng_domain::TargetId>,
    /// The lines.
    pub diff: PlanDiff,
    /// The plans that may be compared against: every plan of an earlier year the caller
    /// reads, newest first.
    pub choices: Vec<Plan>,
}

impl DiffView {
    /// How many lines of each change, in [`Change::ALL`]'s order.
    pub fn counts(&self) -> Vec<(Change, usize)> {
        Change::ALL
            .into_iter()
            .map(|c| (c, self.diff.count(c)))
            .collect()
    }
}

/// The diff's entries of a stored plan's targets, in document order, with their ids.
pub async fn entries_of_plan(
    store: &Store,
    plan: PlanId,
) -> Result<(Vec<Entry>, Vec<minsheng_domain::TargetId>), AppError> {
    let items: HashMap<_, _> = store
        .items(plan)
        .await?
        .into_iter()
        .map(|i| (i.id, i))
        .collect();
    let targets = store.targets(plan).await?;
    let mut out = Vec::with_capacity(targets.len());
    let mut ids = Vec::with_capacity(targets.len());
    for t in targets {
        let Some(item) = items.get(&t.item) else {
            continue;
        };
        ids.push(t.id);
        out.push(entry(item.no, &item.text, &t));
    }
    Ok((out, ids))
}

fn entry(item_no: u32, item_text: &str, t: &Target) -> Entry {
    Entry {
        item_no,
        item_text: item_text.to_string(),
        phrase: t.phrase.clone(),
        quantity: t.quantity.clone(),
        qualitative: t.kind == TargetKind::Stage,
    }
}

/// The diff's entries of a plan about to be written: a qualitative item (no target) is one
/// entry, as it becomes one stage target.
pub fn entries_of_draft(draft: &PlanDraft) -> Vec<Entry> {
    let mut out = Vec::new();
    for item in draft.sections.iter().flat_map(|s| &s.items) {
        if item.targets.is_empty() {
            out.push(Entry {
                item_no: item.no,
                item_text: item.text.clone(),
                phrase: item.text.clone(),
                quantity: minsheng_domain::Quantity::new(rust_decimal::Decimal::ONE, ""),
                qualitative: true,
            });
        }
        for t in &item.targets {
            out.push(Entry {
                item_no: item.no,
                item_text: item.text.clone(),
                phrase: t.phrase.clone(),
                quantity: t.quantity.clone(),
                qualitative: false,
            });
        }
    }
    out
}

/// The plans of an earlier year than `year` that `viewer` reads, newest first; those of
/// `kind` before the others, so that the first is the default to compare against.
async fn earlier_plans(
    store: &Store,
    viewer: &Account,
    year: i16,
    kind: PlanKind,
    except: Option<PlanId>,
) -> Result<Vec<Plan>, AppError> {
    let mut plans: Vec<Plan> = visibility::plans(store, Some(viewer))
        .await?
        .into_iter()
        .filter(|p| p.year < year && Some(p.id) != except)
        .collect();
    plans.sort_by(|a, b| {
        (b.kind == kind)
            .cmp(&(a.kind == kind))
            .then(b.year.cmp(&a.year))
            .then(b.id.cmp(&a.id))
    });
    Ok(plans)
}

/// Which earlier plan to compare against: the one asked for (any plan the caller reads other
/// than the new one), else the latest earlier plan of the same kind. `None` when there is none.
async fn against_plan(
    store: &Store,
    viewer: &Account,
    choices: &[Plan],
    asked: Option<PlanId>,
    new: Option<PlanId>,
    year: i16,
) -> Result<Option<Plan>, AppError> {
    match asked {
        Some(id) if Some(id) == new => Err(AppError::Invalid {
            field: "against".into(),
            reason: format!(
                "不能与计划自身对比(计划 {id}) / a plan cannot be compared with itself (plan {id})"
            ),
        }),
        Some(id) => {
            let old = visibility::plan(store, Some(viewer), id).await?;
            if old.year >= year {
                return Err(AppError::Invalid {
                    field: "against".into(),
                    reason: format!(
                        "对比的计划 {id} 为 {} 年,须早于 {year} 年 / plan {id} is for {}, it must be earlier than {year}",
                        old.year, old.year
                    ),
                });
            }
            Ok(Some(old))
        }
        None => Ok(choices.first().cloned()),
    }
}

/// A stored plan against an earlier one (`against`, or the default). `None` when there is no
/// earlier plan to compare with.
pub async fn of_plan(
    store: &Store,
    viewer: &Account,
    plan: PlanId,
    against: Option<PlanId>,
) -> Result<Option<DiffView>, AppError> {
    let new = visibility::plan(store, Some(viewer), plan).await?;
    let choices = earlier_plans(store, viewer, new.year, new.kind, Some(new.id)).await?;
    let Some(old) = against_plan(store, viewer, &choices, against, Some(new.id), new.year).await?
    else {
        return Ok(None);
    };
    let (old_entries, old_ids) = entries_of_plan(store, old.id).await?;
    let (new_entries, new_ids) = entries_of_plan(store, new.id).await?;
    let diff = diff(&old_entries, &new_entries);
    Ok(Some(DiffView {
        old,
        new: Some(new),
        old_entries,
        new_entries,
        new_ids,
        old_ids,
        diff,
        choices,
    }))
}

/// A plan being imported (`draft`, of `kind`) against an earlier one, before it is written.
/// `None` when there is no earlier plan to compare with.
pub async fn of_draft(
    store: &Store,
    viewer: &Account,
    draft: &PlanDraft,
    kind: PlanKind,
    against: Option<PlanId>,
) -> Result<Option<DiffView>, AppError> {
    let choices = earlier_plans(store, viewer, draft.year, kind, None).await?;
    let Some(old) = against_plan(store, viewer, &choices, against, None, draft.year).await? else {
        return Ok(None);
    };
    let (old_entries, old_ids) = entries_of_plan(store, old.id).await?;
    let new_entries = entries_of_draft(draft);
    let diff = diff(&old_entries, &new_entries);
    Ok(Some(DiffView {
        old,
        new: None,
        old_entries,
        new_entries,
        new_ids: Vec::new(),
        old_ids,
        diff,
        choices,
    }))
}
