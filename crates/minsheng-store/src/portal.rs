//! What the public portal reads beyond the plans themselves: which months of a plan have
//! accepted data, from the materialized roll-up (never from the reports).

use crate::error::StoreError;
use crate::{Store, on_pool};
use minsheng_domain::{Period, PlanId};

impl Store {
    /// The months for which at least one of the plan's rolled-up assignments has an accepted
    /// report of its own, earliest first.
    pub async fn months_with_accepted_data(&self, plan: PlanId) -> Result<Vec<Period>, StoreError> {
        // language=SQL
        const SQL: &str = "SELECT DISTINCT r.period FROM rollup_target_month r
                           JOIN targets t ON t.id = r.target_id
                           JOIN items i ON i.id = t.item_id
                           JOIN sections s ON s.id = i.section_id
                           WHERE s.plan_id = $1 AND r.reported > 0";
        let rows: Vec<String> =
            on_pool!(self, p => sqlx::query_scalar(SQL).bind(plan.0).fetch_all(p).await)?;
        let mut months = rows
            .iter()
            .map(|s| {
                Period::parse(s).map_err(|_| StoreError::Corrupt {
                    table: "rollup_target_month",
                    column: "period",
                    value: s.clone(),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        months.sort();
        Ok(months)
    }
}
