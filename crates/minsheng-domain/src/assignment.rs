//! Assignments (责任分工): a target given to a unit, and the schedule it is held to.

use crate::ids::{AssignmentId, TargetId, UnitId};
use crate::period::Period;
use rust_decimal::Decimal;

/// A unit's part in a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AssignmentRole {
    /// 牵头单位: answers for the whole target.
    Lead,
    /// 配合单位 or a region holding a share (quota) of the target.
    Partner,
}

impl AssignmentRole {
    /// The stable code stored and exchanged.
    pub fn code(self) -> &'static str {
        match self {
            AssignmentRole::Lead => "lead",
            AssignmentRole::Partner => "partner",
        }
    }

    /// Parses a stable code.
    pub fn from_code(s: &str) -> Option<AssignmentRole> {
        Some(match s {
            "lead" => AssignmentRole::Lead,
            "partner" => AssignmentRole::Partner,
            _ => return None,
        })
    }

    /// The Chinese name of the role.
    pub fn label_zh(self) -> &'static str {
        match self {
            AssignmentRole::Lead => "牵头",
            AssignmentRole::Partner => "配合",
        }
    }
}

/// A target assigned to a unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// Its id.
    pub id: AssignmentId,
    /// The target.
    pub target: TargetId,
    /// The unit that carries it.
    pub unit: UnitId,
    /// Lead or partner.
    pub role: AssignmentRole,
    /// The unit's share of the target, in the target's unit; `None` when the unit answers
    /// for the whole (a lead department) or the target is a rate that holds everywhere.
    pub quota: Option<Decimal>,
    /// Funds budgeted for this assignment, in 元.
    pub budget: Option<Decimal>,
}

/// One point of an assignment's schedule: the cumulative value expected by the end of a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchedulePoint {
    /// The period whose end the value is due by.
    pub period: Period,
    /// The cumulative value expected by then.
    pub expected: Decimal,
}
