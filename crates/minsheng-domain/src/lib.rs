//! The minsheng model: org units, plans, targets, assignments, schedules, reports, problems
//! and audit events, plus the pure computations over them.
//!
//! **Architecture invariant:** this crate does no I/O, reads no clock and knows nothing of
//! SQL, HTTP or JSON. Anything that depends on "today" takes it as an argument.
#![deny(missing_docs)]

pub mod assignment;
pub mod audit;
pub mod ids;
pub mod period;
pub mod plan;
pub mod problem;
pub mod quantity;
pub mod report;
pub mod unit;

pub use assignment::{Assignment, AssignmentRole, SchedulePoint, split_by_weights};
pub use audit::{Actor, AuditEvent};
pub use ids::*;
pub use period::{Period, PeriodError};
pub use plan::{Item, Plan, PlanKind, PlanStatus, Section, Target, TargetSpan};
pub use problem::{Problem, ProblemStatus};
pub use quantity::{Cmp, Quantity};
pub use report::{Report, ReportStatus, Stage};
pub use unit::{OrgUnit, UnitKind, UnitTree};
