//! What a caller may read of the plans: the public (nobody signed in) sees published plans
//! only — a draft or a confirmed plan does not exist for it — while any signed-in account sees
//! every plan. What an account may see of units' data is [`crate::accounts`]'s and the
//! use-cases'.

use crate::error::AppError;
use crate::queries::{self, PlanOutline};
use minsheng_domain::{Account, OrgUnit, Plan, PlanId, PlanStatus};
use minsheng_store::Store;

/// Whether `viewer` (`None` for the public) may read `plan`.
pub fn may_read(viewer: Option<&Account>, plan: &Plan) -> bool {
    viewer.is_some() || plan.status == PlanStatus::Published
}

/// The plans `viewer` may read, newest year first.
pub async fn plans(store: &Store, viewer: Option<&Account>) -> Result<Vec<Plan>, AppError> {
    Ok(queries::plans(store)
        .await?
        .into_iter()
        .filter(|p| may_read(viewer, p))
        .collect())
}

/// A plan's outline, if `viewer` may read it; a plan it may not read is not found.
pub async fn plan_outline(
    store: &Store,
    viewer: Option<&Account>,
    id: PlanId,
) -> Result<PlanOutline, AppError> {
    let plan = queries::plan(store, id).await?;
    if !may_read(viewer, &plan) {
        return Err(AppError::NotFound {
            what: "plan",
            id: id.0,
        });
    }
    queries::plan_outline(store, id).await
}

/// The unit an account acts for, if any.
pub async fn unit_of(store: &Store, account: &Account) -> Result<Option<OrgUnit>, AppError> {
    match account.unit {
        Some(id) => Ok(Some(store.unit(id).await?)),
        None => Ok(None),
    }
}
