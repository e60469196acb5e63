//! Org units.

use crate::error::StoreError;
use crate::rows::{UnitRow, all};
use crate::tx::Tx;
use crate::{Conn, Store, on_conn, on_pool, on_tx};
use minsheng_domain::{OrgUnit, UnitId, UnitKind, UnitTree};
use serde_json::json;

/// A unit to create.
#[derive(Debug, Clone)]
pub struct NewUnit {
    /// Its parent; `None` for a province.
    pub parent: Option<UnitId>,
    /// What it is.
    pub kind: UnitKind,
    /// Its full name.
    pub name: String,
    /// An optional short code, unique when set.
    pub code: Option<String>,
}

impl Store {
    /// All units, in the order they were created.
    pub async fn units(&self) -> Result<Vec<OrgUnit>, StoreError> {
        read_units(&mut self.conn()).await
    }

    /// The whole unit tree.
    pub async fn unit_tree(&self) -> Result<UnitTree, StoreError> {
        Ok(UnitTree::new(self.units().await?))
    }

    /// One unit.
    pub async fn unit(&self, id: UnitId) -> Result<OrgUnit, StoreError> {
        // language=SQL
        const SQL: &str = "SELECT id, parent_id, kind, name, code FROM units WHERE id = $1";
        let row: Option<UnitRow> =
            on_pool!(self, p => sqlx::query_as(SQL).bind(id.0).fetch_optional(p).await)?;
        row.ok_or(StoreError::NotFound {
            entity: "unit",
            id: id.0,
        })?
        .into_domain()
    }

    /// The unit with this exact name, if any.
    pub async fn unit_by_name(&self, name: &str) -> Result<Option<OrgUnit>, StoreError> {
        // language=SQL
        const SQL: &str =
            "SELECT id, parent_id, kind, name, code FROM units WHERE name = $1 ORDER BY id LIMIT 1";
        let row: Option<UnitRow> =
            on_pool!(self, p => sqlx::query_as(SQL).bind(name).fetch_optional(p).await)?;
        row.map(UnitRow::into_domain).transpose()
    }
}

/// Every unit, on the pool or inside a transaction.
async fn read_units(conn: &mut Conn<'_>) -> Result<Vec<OrgUnit>, StoreError> {
    // language=SQL
    const SQL: &str = "SELECT id, parent_id, kind, name, code FROM units ORDER BY id";
    let rows: Vec<UnitRow> = on_conn!(conn, c => sqlx::query_as(SQL).fetch_all(c).await)?;
    all(rows, UnitRow::into_domain)
}

impl Tx {
    /// Every unit, inside the transaction.
    pub async fn units(&mut self) -> Result<Vec<OrgUnit>, StoreError> {
        read_units(&mut self.conn()).await
    }

    /// The whole unit tree, inside the transaction.
    pub async fn unit_tree(&mut self) -> Result<UnitTree, StoreError> {
        Ok(UnitTree::new(self.units().await?))
    }

    /// Creates a unit.
    pub async fn insert_unit(&mut self, u: &NewUnit) -> Result<UnitId, StoreError> {
        // language=SQL
        const SQL: &str =
            "INSERT INTO units (parent_id, kind, name, code) VALUES ($1, $2, $3, $4) RETURNING id";
        let id: i64 = on_tx!(self, c => sqlx::query_scalar(SQL)
            .bind(u.parent.map(|p| p.0)).bind(u.kind.code()).bind(&u.name).bind(&u.code)
            .fetch_one(&mut *c).await)?;
        let after = json!({
            "parent_id": u.parent.map(|p| p.0), "kind": u.kind.code(), "name": u.name, "code": u.code,
        });
        self.audit("create", "unit", id, None, Some(after)).await?;
        Ok(UnitId(id))
    }
}
