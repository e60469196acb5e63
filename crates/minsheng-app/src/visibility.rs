//! What a caller may read of the plans, and the one door to the plain reads in `queries`
//! (which check nothing and are private to this crate). The public (nobody signed in) sees
//! published plans only — a draft or a confirmed plan does not exist for it — while a
//! signed-in account sees every plan, as far as [`Action::ViewPlans`] lets it; a target's
//! split is read by whoever may set it ([`Action::Decompose`]) or see it. What an account may
//! see of units' data is [`crate::accounts`]'s and the use-cases'.

use crate::accounts::ensure;
use crate::error::AppError;
use crate::queries;
use minsheng_domain::{Account, Action, ItemId, OrgUnit, Plan, PlanId, PlanStatus, TargetId};
use minsheng_store::Store;

pub use crate::queries::{ItemOutline, ItemPage, PlanOutline, SectionOutline, TargetAssignments};

/// Whether `viewer` (`None` for the public) may read `plan`.
pub fn may_read(viewer: Option<&Account>, plan: &Plan) -> bool {
    match viewer {
        Some(me) => me.may(Action::ViewPlans).is_ok(),
        None => plan.status == PlanStatus::Published,
    }
}

/// Refuses an account that may not read plans at all; the public is let through, to be
/// cut to published plans.
fn ensure_reader(viewer: Option<&Account>) -> Result<(), AppError> {
    viewer.map_or(Ok(()), |me| ensure(me, Action::ViewPlans))
}

/// The plans `viewer` may read, newest year first.
pub async fn plans(store: &Store, viewer: Option<&Account>) -> Result<Vec<Plan>, AppError> {
    ensure_reader(viewer)?;
    Ok(queries::plans(store)
        .await?
        .into_iter()
        .filter(|p| may_read(viewer, p))
        .collect())
}

/// One plan, if `viewer` may read it; a plan it may not read is not found.
pub async fn plan(store: &Store, viewer: Option<&Account>, id: PlanId) -> Result<Plan, AppError> {
    ensure_reader(viewer)?;
    let plan = queries::plan(store, id).await?;
    if !may_read(viewer, &plan) {
        return Err(AppError::NotFound {
            what: "plan",
            id: id.0,
        });
    }
    Ok(plan)
}

/// A plan's outline, if `viewer` may read it; a plan it may not read is not found.
pub async fn plan_outline(
    store: &Store,
    viewer: Option<&Account>,
    id: PlanId,
) -> Result<PlanOutline, AppError> {
    plan(store, viewer, id).await?;
    queries::plan_outline(store, id).await
}

/// One item's page (its plan, section, targets and who carries them) for a signed-in account.
pub async fn item_page(store: &Store, me: &Account, id: ItemId) -> Result<ItemPage, AppError> {
    ensure(me, Action::ViewPlans)?;
    queries::item_page(store, id).await
}

/// One target and the units that carry it, for an account that sets splits.
pub async fn target_assignments(
    store: &Store,
    me: &Account,
    id: TargetId,
) -> Result<TargetAssignments, AppError> {
    ensure(me, Action::Decompose)?;
    queries::target_assignments(store, id).await
}

/// The unit an account acts for, if any.
pub async fn unit_of(store: &Store, account: &Account) -> Result<Option<OrgUnit>, AppError> {
    match account.unit {
        Some(id) => Ok(Some(store.unit(id).await?)),
        None => Ok(None),
    }
}
