//! Evidence files attached to reports (migration 0006).

use crate::error::StoreError;
use crate::tx::Tx;
use crate::{Store, on_pool, on_tx};
use jiff_sqlx::ToSqlx;
use minsheng_domain::{Evidence, EvidenceId, ReportId};
use serde_json::json;

#[derive(sqlx::FromRow)]
pub(crate) struct EvidenceRow {
    id: i64,
    report_id: i64,
    file_name: String,
    content_type: String,
    size_bytes: i64,
    uploaded_by: String,
    uploaded_at: jiff_sqlx::Timestamp,
}

impl EvidenceRow {
    pub(crate) fn into_domain(self) -> Evidence {
        Evidence {
            id: EvidenceId(self.id),
            report: ReportId(self.report_id),
            file_name: self.file_name,
            content_type: self.content_type,
            size: u64::try_from(self.size_bytes).unwrap_or(0),
            uploaded_by: self.uploaded_by,
            uploaded_at: self.uploaded_at.to_jiff(),
        }
    }
}

impl Store {
    /// The evidence attached to a report, oldest first (without the bytes).
    pub async fn evidence_of_report(&self, report: ReportId) -> Result<Vec<Evidence>, StoreError> {
        // language=SQL
        const SQL: &str =
            "SELECT id, report_id, file_name, content_type, size_bytes, uploaded_by, uploaded_at
                           FROM report_evidence WHERE report_id = $1 ORDER BY id";
        let rows: Vec<EvidenceRow> =
            on_pool!(self, p => sqlx::query_as(SQL).bind(report.0).fetch_all(p).await)?;
        Ok(rows.into_iter().map(EvidenceRow::into_domain).collect())
    }

    /// What one evidence file is, without its bytes (to check who may have them first).
    pub async fn evidence_meta(&self, id: EvidenceId) -> Result<Evidence, StoreError> {
        // language=SQL
        const META: &str =
            "SELECT id, report_id, file_name, content_type, size_bytes, uploaded_by, uploaded_at
                            FROM report_evidence WHERE id = $1";
        let row: Option<EvidenceRow> =
            on_pool!(self, p => sqlx::query_as(META).bind(id.0).fetch_optional(p).await)?;
        Ok(row
            .ok_or(StoreError::NotFound {
                entity: "evidence",
                id: id.0,
            })?
            .into_domain())
    }

    /// One evidence file with its bytes.
    pub async fn evidence(&self, id: EvidenceId) -> Result<(Evidence, Vec<u8>), StoreError> {
        // language=SQL
        const CONTENT: &str = "SELECT content FROM report_evidence WHERE id = $1";
        let meta = self.evidence_meta(id).await?;
        let content: Vec<u8> =
            on_pool!(self, p => sqlx::query_scalar(CONTENT).bind(id.0).fetch_one(p).await)?;
        Ok((meta, content))
    }
}

impl Tx {
    /// Attaches a file to a report. The audit log records what was attached (name, type, size),
    /// not the bytes.
    pub async fn attach_evidence(
        &mut self,
        report: ReportId,
        file_name: &str,
        content_type: &str,
        content: &[u8],
    ) -> Result<EvidenceId, StoreError> {
        // language=SQL
        const SQL: &str =
            "INSERT INTO report_evidence (report_id, file_name, content_type, size_bytes, content,
                                                        uploaded_by, uploaded_at)
                           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
        let (actor, now) = (self.actor.name().to_string(), self.now.to_sqlx());
        let size = i64::try_from(content.len()).unwrap_or(i64::MAX);
        let id: i64 = on_tx!(self, c => sqlx::query_scalar(SQL)
            .bind(report.0).bind(file_name).bind(content_type).bind(size).bind(content)
            .bind(&actor).bind(now)
            .fetch_one(&mut *c).await)?;
        let after = json!({
            "report_id": report.0, "file_name": file_name, "content_type": content_type, "size_bytes": size,
        });
        self.audit("create", "evidence", id, None, Some(after))
            .await?;
        Ok(EvidenceId(id))
    }
}
