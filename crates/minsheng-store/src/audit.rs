//! The audit log. Each write method of [`Tx`] records what it changed here, in the same
//! transaction, as JSON objects of the record's fields before and after.

use crate::error::StoreError;
use crate::rows::AuditRow;
use crate::tx::Tx;
use crate::{Store, on_pool, on_tx};
use jiff_sqlx::ToSqlx;
use minsheng_domain::AuditEvent;
use serde_json::Value;

impl Tx {
    /// Records one change. `before` is `None` for a creation, `after` for a deletion.
    pub(crate) async fn audit(
        &mut self,
        action: &str,
        entity: &str,
        entity_id: i64,
        before: Option<Value>,
        after: Option<Value>,
    ) -> Result<(), StoreError> {
        // language=SQL
        const SQL: &str =
            "INSERT INTO audit_events (at, actor, action, entity, entity_id, before, after)
                           VALUES ($1, $2, $3, $4, $5, $6, $7)";
        let at = self.now.to_sqlx();
        let actor = self.actor.name().to_string();
        let before = before.map(|v| v.to_string());
        let after = after.map(|v| v.to_string());
        on_tx!(self, c => sqlx::query(SQL)
            .bind(at).bind(&actor).bind(action).bind(entity).bind(entity_id)
            .bind(&before).bind(&after)
            .execute(&mut *c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }
}

impl Store {
    /// The audit events of one record, oldest first.
    pub async fn audit_events(
        &self,
        entity: &str,
        entity_id: i64,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        // language=SQL
        const SQL: &str = "SELECT id, at, actor, action, entity, entity_id, before, after
                           FROM audit_events WHERE entity = $1 AND entity_id = $2 ORDER BY id";
        let rows: Vec<AuditRow> = on_pool!(self, p => sqlx::query_as(SQL)
            .bind(entity).bind(entity_id).fetch_all(p).await)?;
        Ok(rows.into_iter().map(AuditRow::into_domain).collect())
    }

    /// How many audit events there are in all.
    pub async fn audit_count(&self) -> Result<i64, StoreError> {
        // language=SQL
        const SQL: &str = "SELECT COUNT(*) FROM audit_events";
        Ok(on_pool!(self, p => sqlx::query_scalar(SQL).fetch_one(p).await)?)
    }
}
