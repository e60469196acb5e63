//! The files a plan was read from (migration 0020): the office's upload in the editor, kept
//! with the confirmed plan — name, media type, size, SHA-256 and the bytes.

use crate::error::StoreError;
use crate::tx::Tx;
use crate::{Store, on_pool, on_tx};
use jiff::Timestamp;
use jiff_sqlx::ToSqlx;
use minsheng_domain::PlanId;
use serde_json::json;

/// A file a plan was read from, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanSource {
    /// Its id.
    pub id: i64,
    /// The plan read from it.
    pub plan: PlanId,
    /// The file's name as uploaded.
    pub file_name: String,
    /// Its media type (application/pdf …).
    pub media_type: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its SHA-256, lowercase hex.
    pub sha256: String,
    /// Who uploaded it.
    pub uploaded_by: String,
    /// When.
    pub uploaded_at: Timestamp,
}

#[derive(sqlx::FromRow)]
struct SourceRow {
    id: i64,
    plan_id: i64,
    file_name: String,
    media_type: String,
    size_bytes: i64,
    sha256: String,
    uploaded_by: String,
    uploaded_at: jiff_sqlx::Timestamp,
}

impl SourceRow {
    fn into_source(self) -> PlanSource {
        PlanSource {
            id: self.id,
            plan: PlanId(self.plan_id),
            file_name: self.file_name,
            media_type: self.media_type,
            size: u64::try_from(self.size_bytes).unwrap_or(0),
            sha256: self.sha256,
            uploaded_by: self.uploaded_by,
            uploaded_at: self.uploaded_at.to_jiff(),
        }
    }
}

impl Store {
    /// The files a plan was read from, oldest first (without the bytes).
    pub async fn plan_sources(&self, plan: PlanId) -> Result<Vec<PlanSource>, StoreError> {
        // language=SQL
        const SQL: &str = "SELECT id, plan_id, file_name, media_type, size_bytes, sha256,
                                  uploaded_by, uploaded_at
                           FROM plan_sources WHERE plan_id = $1 ORDER BY id";
        let rows: Vec<SourceRow> =
            on_pool!(self, p => sqlx::query_as(SQL).bind(plan.0).fetch_all(p).await)?;
        Ok(rows.into_iter().map(SourceRow::into_source).collect())
    }

    /// One file of a plan with its bytes; `NotFound` when it is not that plan's.
    pub async fn plan_source(
        &self,
        plan: PlanId,
        id: i64,
    ) -> Result<(PlanSource, Vec<u8>), StoreError> {
        // language=SQL
        const META: &str = "SELECT id, plan_id, file_name, media_type, size_bytes, sha256,
                                   uploaded_by, uploaded_at
                            FROM plan_sources WHERE id = $1 AND plan_id = $2";
        // language=SQL
        const CONTENT: &str = "SELECT content FROM plan_sources WHERE id = $1";
        let row: Option<SourceRow> = on_pool!(self, p => sqlx::query_as(META).bind(id).bind(plan.0).fetch_optional(p).await)?;
        let meta = row
            .ok_or(StoreError::NotFound {
                entity: "plan source",
                id,
            })?
            .into_source();
        let content: Vec<u8> =
            on_pool!(self, p => sqlx::query_scalar(CONTENT).bind(id).fetch_one(p).await)?;
        Ok((meta, content))
    }
}

impl Tx {
    /// Keeps the file a plan was read from. The audit log records what was kept (name, type,
    /// size, SHA-256), not the bytes.
    pub async fn add_plan_source(
        &mut self,
        plan: PlanId,
        file_name: &str,
        media_type: &str,
        sha256: &str,
        content: &[u8],
    ) -> Result<i64, StoreError> {
        // language=SQL
        const SQL: &str = "INSERT INTO plan_sources (plan_id, file_name, media_type, size_bytes,
                                                      sha256, content, uploaded_by, uploaded_at)
                           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";
        let (actor, now) = (self.actor.name().to_string(), self.now.to_sqlx());
        let size = i64::try_from(content.len()).unwrap_or(i64::MAX);
        let id: i64 = on_tx!(self, c => sqlx::query_scalar(SQL)
            .bind(plan.0).bind(file_name).bind(media_type).bind(size).bind(sha256).bind(content)
            .bind(&actor).bind(now)
            .fetch_one(&mut *c).await)?;
        let after = json!({
            "plan_id": plan.0, "file_name": file_name, "media_type": media_type,
            "size_bytes": size, "sha256": sha256,
        });
        self.audit("create", "plan_source", id, None, Some(after))
            .await?;
        Ok(id)
    }
}
