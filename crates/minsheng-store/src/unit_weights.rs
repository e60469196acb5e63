//! Named weights of units (migration 0011): a unit's resident population and the like, for
//! splitting a count in proportion to it (按人口分解).

use crate::error::StoreError;
use crate::tx::Tx;
use crate::{Store, on_pool, on_tx};
use minsheng_domain::UnitId;
use serde_json::json;
use std::collections::BTreeMap;

/// A weight's stable name; the only one so far is [`POPULATION`].
pub type WeightName = &'static str;

/// Resident population (常住人口), in people.
pub const POPULATION: WeightName = "population";

impl Store {
    /// Every unit's value of the weight `name`, for the units that have one.
    pub async fn unit_weights(&self, name: &str) -> Result<BTreeMap<UnitId, u64>, StoreError> {
        // language=SQL
        const SQL: &str =
            "SELECT unit_id, value FROM unit_weights WHERE name = $1 ORDER BY unit_id";
        let rows: Vec<(i64, i64)> =
            on_pool!(self, p => sqlx::query_as(SQL).bind(name).fetch_all(p).await)?;
        Ok(rows
            .into_iter()
            .filter_map(|(u, v)| Some((UnitId(u), u64::try_from(v).ok()?)))
            .collect())
    }
}

impl Tx {
    /// Sets a unit's value of the weight `name` (audited as an update of the unit).
    pub async fn set_unit_weight(
        &mut self,
        unit: UnitId,
        name: WeightName,
        value: u32,
    ) -> Result<(), StoreError> {
        let v = i64::from(value);
        // language=SQL
        const GET: &str = "SELECT value FROM unit_weights WHERE unit_id = $1 AND name = $2";
        // language=SQL
        const SET: &str = "INSERT INTO unit_weights (unit_id, name, value) VALUES ($1, $2, $3)
                           ON CONFLICT (unit_id, name) DO UPDATE SET value = excluded.value";
        let before: Option<i64> = on_tx!(self, c => sqlx::query_scalar(GET)
            .bind(unit.0).bind(name).fetch_optional(&mut *c).await)?;
        on_tx!(self, c => sqlx::query(SET).bind(unit.0).bind(name).bind(v)
            .execute(&mut *c).await.map(|_| ()))?;
        self.audit(
            "update",
            "unit",
            unit.0,
            before.map(|b| json!({ name: b })),
            Some(json!({ name: v })),
        )
        .await?;
        Ok(())
    }
}
