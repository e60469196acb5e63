//! Reports: what a unit files for an assignment and period, and its review.

use crate::ids::{AssignmentId, EvidenceId, ReportId};
use crate::period::Period;
use jiff::Timestamp;
use rust_decimal::Decimal;

/// Where a report stands in review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportStatus {
    /// Being written by the unit; not yet seen by the office.
    Draft,
    /// Filed, waiting for review.
    Submitted,
    /// Sent back with a reason; the unit files a new revision.
    Returned,
    /// Reviewed and counted; the period is locked for this assignment.
    Accepted,
}

impl ReportStatus {
    /// The stable code stored and exchanged.
    pub fn code(self) -> &'static str {
        match self {
            ReportStatus::Draft => "draft",
            ReportStatus::Submitted => "submitted",
            ReportStatus::Returned => "returned",
            ReportStatus::Accepted => "accepted",
        }
    }

    /// Parses a stable code.
    pub fn from_code(s: &str) -> Option<ReportStatus> {
        Some(match s {
            "draft" => ReportStatus::Draft,
            "submitted" => ReportStatus::Submitted,
            "returned" => ReportStatus::Returned,
            "accepted" => ReportStatus::Accepted,
            _ => return None,
        })
    }

    /// The Chinese name of the status.
    pub fn label_zh(self) -> &'static str {
        match self {
            ReportStatus::Draft => "草稿",
            ReportStatus::Submitted => "已报送",
            ReportStatus::Returned => "已退回",
            ReportStatus::Accepted => "已审核",
        }
    }

    /// The English name of the status.
    pub fn label_en(self) -> &'static str {
        match self {
            ReportStatus::Draft => "Draft",
            ReportStatus::Submitted => "Submitted",
            ReportStatus::Returned => "Returned",
            ReportStatus::Accepted => "Accepted",
        }
    }
}

/// The stage of a qualitative item, reported instead of a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stage {
    /// 未启动.
    NotStarted,
    /// 推进中.
    InProgress,
    /// 已完成.
    Done,
}

impl Stage {
    /// The stable code stored and exchanged.
    pub fn code(self) -> &'static str {
        match self {
            Stage::NotStarted => "not_started",
            Stage::InProgress => "in_progress",
            Stage::Done => "done",
        }
    }

    /// Parses a stable code.
    pub fn from_code(s: &str) -> Option<Stage> {
        Some(match s {
            "not_started" => Stage::NotStarted,
            "in_progress" => Stage::InProgress,
            "done" => Stage::Done,
            _ => return None,
        })
    }

    /// The Chinese name of the stage.
    pub fn label_zh(self) -> &'static str {
        match self {
            Stage::NotStarted => "未启动",
            Stage::InProgress => "推进中",
            Stage::Done => "已完成",
        }
    }

    /// The English name of the stage.
    pub fn label_en(self) -> &'static str {
        match self {
            Stage::NotStarted => "Not started",
            Stage::InProgress => "In progress",
            Stage::Done => "Done",
        }
    }
}

/// One revision of a report. A returned report is never edited: the unit files revision n+1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Its id.
    pub id: ReportId,
    /// The assignment it reports on.
    pub assignment: AssignmentId,
    /// The period it answers for.
    pub period: Period,
    /// 1 for the first filing, then one more for each resubmission.
    pub revision: u32,
    /// The cumulative value done since the start of the plan year, in the target's unit;
    /// `None` for a qualitative item.
    pub cumulative: Option<Decimal>,
    /// The stage, for a qualitative item (or as a complement to the number).
    pub stage: Option<Stage>,
    /// Funds spent so far, in 元.
    pub funds_spent: Option<Decimal>,
    /// What was done, in the unit's words.
    pub narrative: String,
    /// Where it stands.
    pub status: ReportStatus,
    /// Why it was returned.
    pub return_reason: Option<String>,
    /// Who filed it.
    pub filed_by: String,
    /// When it was last saved or filed.
    pub filed_at: Timestamp,
    /// Who reviewed it.
    pub reviewed_by: Option<String>,
    /// When it was reviewed.
    pub reviewed_at: Option<Timestamp>,
}

/// An evidence file (佐证材料) attached to a report: what it is, not its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    /// Its id.
    pub id: EvidenceId,
    /// The report it supports.
    pub report: ReportId,
    /// The file's name as uploaded.
    pub file_name: String,
    /// Its media type (application/pdf, image/jpeg …).
    pub content_type: String,
    /// Its size in bytes.
    pub size: u64,
    /// Who attached it.
    pub uploaded_by: String,
    /// When.
    pub uploaded_at: Timestamp,
}
