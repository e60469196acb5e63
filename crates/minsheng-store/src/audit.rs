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
        self.note_change(action, entity, entity_id, before.as_ref(), after.as_ref())
            .await?;
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

    /// One page of the audit events of several records at once, newest first, and how many
    /// there are in all. Each subject is a kind of record (`report`, `assignment`, …) and the
    /// ids of those records whose events to read.
    pub async fn audit_trail(
        &self,
        subjects: &[(&str, Vec<i64>)],
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<AuditEvent>, i64), StoreError> {
        let wanted: Vec<&(&str, Vec<i64>)> =
            subjects.iter().filter(|(_, ids)| !ids.is_empty()).collect();
        if wanted.is_empty() {
            return Ok((Vec::new(), 0));
        }
        // The ids are our own integers, written into the text (a plan's trail names thousands
        // of records: more than a statement may bind); the kinds are bound.
        let mut filter = String::new();
        for (n, (_, ids)) in wanted.iter().enumerate() {
            if n > 0 {
                filter.push_str(" OR ");
            }
            let list: Vec<String> = ids.iter().map(i64::to_string).collect();
            filter.push_str(&format!(
                "(entity = ${} AND entity_id IN ({}))",
                n + 1,
                list.join(",")
            ));
        }
        let count_sql = format!("SELECT COUNT(*) FROM audit_events WHERE {filter}");
        let page_sql = format!(
            "SELECT id, at, actor, action, entity, entity_id, before, after FROM audit_events
             WHERE {filter} ORDER BY id DESC LIMIT ${} OFFSET ${}",
            wanted.len() + 1,
            wanted.len() + 2
        );
        let total: i64 = on_pool!(self, p => {
            let mut q = sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql.clone()));
            for (entity, _) in &wanted {
                q = q.bind(*entity);
            }
            q.fetch_one(p).await
        })?;
        let rows: Vec<AuditRow> = on_pool!(self, p => {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(page_sql.clone()));
            for (entity, _) in &wanted {
                q = q.bind(*entity);
            }
            q.bind(limit).bind(offset).fetch_all(p).await
        })?;
        Ok((rows.into_iter().map(AuditRow::into_domain).collect(), total))
    }

    /// How many audit events there are in all.
    pub async fn audit_count(&self) -> Result<i64, StoreError> {
        // language=SQL
        const SQL: &str = "SELECT COUNT(*) FROM audit_events";
        Ok(on_pool!(self, p => sqlx::query_scalar(SQL).fetch_one(p).await)?)
    }
}

/// The fields of a `before` or `after` object as this store writes them, each with its value
/// as text (`None` for null), in the object's order. A list (an assignment's milestones) gives
/// one field per element, numbered from 1; anything else is one field named `""`.
pub fn audit_fields(json: &str) -> Vec<(String, Option<String>)> {
    fn text(v: &Value) -> Option<String> {
        match v {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            Value::Bool(_) | Value::Number(_) | Value::Array(_) | Value::Object(_) => {
                Some(v.to_string())
            }
        }
    }
    match serde_json::from_str::<Value>(json) {
        Ok(Value::Object(map)) => map.iter().map(|(k, v)| (k.clone(), text(v))).collect(),
        Ok(Value::Array(list)) => list
            .iter()
            .enumerate()
            .map(|(n, v)| ((n + 1).to_string(), text(v)))
            .collect(),
        Ok(other) => vec![(String::new(), text(&other))],
        Err(_) => vec![(String::new(), Some(json.to_string()))],
    }
}

#[cfg(test)]
mod tests {
    use super::audit_fields;

    #[test]
    fn fields_are_read_back_as_text() {
        let mut fields = audit_fields(r#"{"status":"accepted","return_reason":null,"rows":3}"#);
        fields.sort();
        assert_eq!(
            fields,
            vec![
                ("return_reason".to_string(), None),
                ("rows".to_string(), Some("3".to_string())),
                ("status".to_string(), Some("accepted".to_string())),
            ]
        );
        assert_eq!(
            audit_fields(r#"[{"due":"2023-06-30"}]"#),
            vec![("1".to_string(), Some(r#"{"due":"2023-06-30"}"#.to_string()))]
        );
        assert_eq!(
            audit_fields("not json"),
            vec![(String::new(), Some("not json".to_string()))]
        );
    }
}
