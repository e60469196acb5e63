//! Coordination matters (协调事项): problems raised in reports or on their own.

use crate::ids::{ProblemId, ReportId, UnitId};
use jiff::Timestamp;
use jiff::civil::Date;

/// Where a problem stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProblemStatus {
    /// Raised and not yet resolved.
    Open,
    /// Resolved, with a resolution written down.
    Resolved,
}

impl ProblemStatus {
    /// The stable code stored and exchanged.
    pub fn code(self) -> &'static str {
        match self {
            ProblemStatus::Open => "open",
            ProblemStatus::Resolved => "resolved",
        }
    }

    /// Parses a stable code.
    pub fn from_code(s: &str) -> Option<ProblemStatus> {
        Some(match s {
            "open" => ProblemStatus::Open,
            "resolved" => ProblemStatus::Resolved,
            _ => return None,
        })
    }
}

/// A coordination matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Its id.
    pub id: ProblemId,
    /// A one-line summary.
    pub title: String,
    /// The whole description.
    pub description: String,
    /// The unit that raised it.
    pub raised_by: UnitId,
    /// The unit that must solve it.
    pub owner: UnitId,
    /// The report it was raised in, if any.
    pub report: Option<ReportId>,
    /// When it must be solved by.
    pub due: Date,
    /// Where it stands.
    pub status: ProblemStatus,
    /// How it was solved.
    pub resolution: Option<String>,
    /// When it was raised.
    pub raised_at: Timestamp,
}

impl Problem {
    /// Whether it is still open after its due date.
    pub fn is_overdue(&self, today: Date) -> bool {
        self.status == ProblemStatus::Open && today > self.due
    }
}
