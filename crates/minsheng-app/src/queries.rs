//! What the pages and the API show, assembled from the store.

use crate::error::AppError;
use minsheng_domain::*;
use minsheng_store::Store;
use std::collections::HashMap;

/// A plan with everything in it, in document order.
#[derive(Debug, Clone)]
pub struct PlanOutline {
    /// The plan.
    pub plan: Plan,
    /// The unit that owns it.
    pub owner: OrgUnit,
    /// Its sections with their items and targets.
    pub sections: Vec<SectionOutline>,
}

/// A section with its items.
#[derive(Debug, Clone)]
pub struct SectionOutline {
    /// The section.
    pub section: Section,
    /// Its items.
    pub items: Vec<ItemOutline>,
}

/// An item with its targets.
#[derive(Debug, Clone)]
pub struct ItemOutline {
    /// The item.
    pub item: Item,
    /// Its targets.
    pub targets: Vec<Target>,
}

impl PlanOutline {
    /// Items across all sections.
    pub fn item_count(&self) -> usize {
        self.sections.iter().map(|s| s.items.len()).sum()
    }

    /// Quantitative targets across all sections.
    pub fn target_count(&self) -> usize {
        self.targets_of(TargetKind::Quantity)
    }

    /// Qualitative items (each tracked through one stage target).
    pub fn qualitative_count(&self) -> usize {
        self.targets_of(TargetKind::Stage)
    }

    fn targets_of(&self, kind: TargetKind) -> usize {
        self.sections
            .iter()
            .flat_map(|s| &s.items)
            .flat_map(|i| &i.targets)
            .filter(|t| t.kind == kind)
            .count()
    }
}

/// One item's page: the item, its section, its targets and who carries each.
#[derive(Debug, Clone)]
pub struct ItemPage {
    /// The plan it belongs to.
    pub plan: Plan,
    /// Its section.
    pub section: Section,
    /// The item.
    pub item: Item,
    /// Its targets, each with its assignments.
    pub targets: Vec<TargetAssignments>,
}

/// A target and the units that carry it.
#[derive(Debug, Clone)]
pub struct TargetAssignments {
    /// The target.
    pub target: Target,
    /// Its assignments with their units, lead first.
    pub assignments: Vec<(Assignment, OrgUnit)>,
    /// The sum of the regional quotas, when the target is split over regions.
    pub quota_sum: Option<rust_decimal::Decimal>,
}

/// All plans.
pub async fn plans(store: &Store) -> Result<Vec<Plan>, AppError> {
    Ok(store.plans().await?)
}

/// One plan.
pub async fn plan(store: &Store, id: PlanId) -> Result<Plan, AppError> {
    Ok(store.plan(id).await?)
}

/// A plan's whole outline.
pub async fn plan_outline(store: &Store, id: PlanId) -> Result<PlanOutline, AppError> {
    let plan = store.plan(id).await?;
    let owner = store.unit(plan.owner).await?;
    let sections = store.sections(id).await?;
    let items = store.items(id).await?;
    let mut targets_by_item: HashMap<ItemId, Vec<Target>> = HashMap::new();
    for t in store.targets(id).await? {
        targets_by_item.entry(t.item).or_default().push(t);
    }
    let mut items_by_section: HashMap<SectionId, Vec<ItemOutline>> = HashMap::new();
    for item in items {
        let targets = targets_by_item.remove(&item.id).unwrap_or_default();
        items_by_section
            .entry(item.section)
            .or_default()
            .push(ItemOutline { item, targets });
    }
    let sections = sections
        .into_iter()
        .map(|section| SectionOutline {
            items: items_by_section.remove(&section.id).unwrap_or_default(),
            section,
        })
        .collect();
    Ok(PlanOutline {
        plan,
        owner,
        sections,
    })
}

/// The section an item of `plan` belongs to.
pub async fn section_of(store: &Store, plan: PlanId, item: &Item) -> Result<Section, AppError> {
    store
        .sections(plan)
        .await?
        .into_iter()
        .find(|s| s.id == item.section)
        .ok_or(AppError::NotFound {
            what: "section",
            id: item.section.0,
        })
}

/// One item's page.
pub async fn item_page(store: &Store, id: ItemId) -> Result<ItemPage, AppError> {
    let (item, plan_id) = store.item(id).await?;
    let plan = store.plan(plan_id).await?;
    let section = section_of(store, plan_id, &item).await?;
    let tree = store.unit_tree().await?;
    let mut targets = Vec::new();
    for target in store
        .targets(plan_id)
        .await?
        .into_iter()
        .filter(|t| t.item == id)
    {
        targets.push(carried(store, &tree, target).await?);
    }
    Ok(ItemPage {
        plan,
        section,
        item,
        targets,
    })
}

/// One target and the units that carry it.
pub async fn target_assignments(
    store: &Store,
    id: TargetId,
) -> Result<TargetAssignments, AppError> {
    let target = store.target(id).await?;
    let tree = store.unit_tree().await?;
    carried(store, &tree, target).await
}

async fn carried(
    store: &Store,
    tree: &UnitTree,
    target: Target,
) -> Result<TargetAssignments, AppError> {
    let assignments: Vec<(Assignment, OrgUnit)> = store
        .assignments_of_target(target.id)
        .await?
        .into_iter()
        .filter_map(|a| tree.get(a.unit).cloned().map(|u| (a, u)))
        .collect();
    let quota_sum = (target.accrual() == minsheng_domain::Accrual::Cumulative).then(|| {
        assignments
            .iter()
            .filter(|(a, _)| a.role == AssignmentRole::Partner)
            .filter_map(|(a, _)| a.quota)
            .fold(
                rust_decimal::Decimal::ZERO,
                rust_decimal::Decimal::saturating_add,
            )
    });
    Ok(TargetAssignments {
        target,
        assignments,
        quota_sum,
    })
}
