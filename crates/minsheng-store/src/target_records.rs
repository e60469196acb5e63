//! One target's records, read at once for its page: every report revision filed on its
//! assignments, the evidence attached to them, and the problems raised in them.

use crate::error::StoreError;
use crate::evidence::EvidenceRow;
use crate::problems::ProblemRow;
use crate::rows::{ReportRow, all};
use crate::{Store, on_pool};
use minsheng_domain::{Evidence, Problem, Report, TargetId};

impl Store {
    /// Every report revision filed on a target's assignments, by assignment, period and
    /// revision.
    pub async fn reports_of_target(&self, target: TargetId) -> Result<Vec<Report>, StoreError> {
        // language=SQL
        const SQL: &str = concat!(
            "SELECT ",
            crate::rows::report_columns!("r"),
            " FROM reports r JOIN assignments a ON a.id = r.assignment_id
                      WHERE a.target_id = $1 ORDER BY r.assignment_id, r.period, r.revision"
        );
        let rows: Vec<ReportRow> =
            on_pool!(self, p => sqlx::query_as(SQL).bind(target.0).fetch_all(p).await)?;
        all(rows, ReportRow::into_domain)
    }

    /// The evidence attached to any report on a target's assignments (without the bytes),
    /// by report then upload.
    pub async fn evidence_of_target(&self, target: TargetId) -> Result<Vec<Evidence>, StoreError> {
        // language=SQL
        const SQL: &str = "SELECT e.id, e.report_id, e.file_name, e.content_type, e.size_bytes,
                                  e.uploaded_by, e.uploaded_at
                           FROM report_evidence e JOIN reports r ON r.id = e.report_id
                           JOIN assignments a ON a.id = r.assignment_id
                           WHERE a.target_id = $1 ORDER BY e.report_id, e.id";
        let rows: Vec<EvidenceRow> =
            on_pool!(self, p => sqlx::query_as(SQL).bind(target.0).fetch_all(p).await)?;
        Ok(rows.into_iter().map(EvidenceRow::into_domain).collect())
    }

    /// The problems raised in reports on a target's assignments, in the order raised.
    pub async fn problems_of_target(&self, target: TargetId) -> Result<Vec<Problem>, StoreError> {
        // language=SQL
        const SQL: &str = "SELECT p.id, p.title, p.description, p.raised_by, p.owner_id,
                                  p.report_id, p.due, p.status, p.resolution, p.raised_at
                           FROM problems p JOIN reports r ON r.id = p.report_id
                           JOIN assignments a ON a.id = r.assignment_id
                           WHERE a.target_id = $1 ORDER BY p.id";
        let rows: Vec<ProblemRow> =
            on_pool!(self, p => sqlx::query_as(SQL).bind(target.0).fetch_all(p).await)?;
        all(rows, ProblemRow::into_domain)
    }
}
