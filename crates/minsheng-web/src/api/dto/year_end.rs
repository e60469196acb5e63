//! The JSON shapes of year end (年终结转): a plan's closing as the office sends it, and what it
//! did.

use minsheng_app::year_end::ClosedPlan;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A plan's closing: the later plan to carry into, and a decision for every unfinished target.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ClosePlanDto {
    /// The plan (of a later year, open) that targets carried over go into; required when any
    /// target is carried over.
    #[serde(default)]
    pub next: Option<i64>,
    /// One decision per unfinished target of the plan.
    #[serde(default)]
    pub decisions: Vec<CloseDecisionDto>,
}

/// What becomes of one unfinished target.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CloseDecisionDto {
    /// The target.
    pub target: i64,
    /// `carried_over` (into `next`, as a target for what remains) or `closed` (with a reason).
    pub disposition: String,
    /// Why it is closed; required for `closed`.
    #[serde(default)]
    pub reason: Option<String>,
}

/// A target carried over and the target created for what remained.
#[derive(Debug, Serialize, ToSchema)]
pub struct CarriedDto {
    /// The target of the closed plan.
    pub from: i64,
    /// The target created in the next plan (its `carried_from` is `from`).
    pub to: i64,
}

/// A plan closed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClosedPlanDto {
    /// The plan, now closed.
    pub plan: i64,
    /// The targets carried over.
    pub carried: Vec<CarriedDto>,
    /// How many targets were closed with a reason.
    pub closed: usize,
}

impl From<&ClosedPlan> for ClosedPlanDto {
    fn from(c: &ClosedPlan) -> Self {
        ClosedPlanDto {
            plan: c.plan.0,
            carried: c
                .carried
                .iter()
                .map(|(from, to)| CarriedDto {
                    from: from.0,
                    to: to.0,
                })
                .collect(),
            closed: c.closed,
        }
    }
}
