//! The minsheng model: org units, plans, targets, assignments, schedules, reports, problems
//! and audit events, plus the pure computations over them.
//!
//! **Architecture invariant:** this crate does no I/O, reads no clock and knows nothing of
//! SQL, HTTP or JSON. Anything that depends on "today" takes it as an argument.
#![deny(missing_docs)]

pub mod access;
pub mod assessment;
pub mod assignment;
pub mod audit;
pub mod bulletin;
pub mod effective;
#[cfg(test)]
mod extremes;
#[cfg(test)]
mod fixtures;
pub mod forecast;
pub mod goal;
pub mod ids;
pub mod implementation;
pub mod notify;
pub mod path;
pub mod period;
pub mod plan;
pub mod plan_diff;
pub mod problem;
pub mod progress;
pub mod project;
pub mod quantity;
pub mod reminders;
pub mod report;
pub mod reporting;
pub mod rollup;
pub mod schedule;
pub mod scoring;
pub mod split;
pub mod status;
pub mod text;
pub mod unit;
pub mod year_end;

pub use access::{Account, AccountError, Action, Refusal, Role, check_account};
pub use assessment::{Assessment, assess, assess_stage};
pub use assignment::{
    Assignment, AssignmentRole, SchedulePoint, shares_by_weights, split_by_weights,
    split_by_weights_to, split_quantity,
};
pub use audit::{Actor, AuditEvent};
pub use bulletin::{Bucket, Bulletin, BulletinStatus, DocNo, DocNoError, honour_roll};
pub use effective::{accepted_history, effective_report, is_reported, value_at};
pub use forecast::{Forecast, forecast, forecast_to};
pub use goal::{Accrual, Goal};
pub use ids::*;
pub use implementation::{
    Fund, FundSource, ImplementationContent, ImplementationError, ImplementationPlan,
    ImplementationPlanId, ImplementationStatus, PlanDocument, SubShare,
};
pub use notify::{ChannelKind, NotifyRules, NotifyRulesError};
pub use period::{Period, PeriodError};
pub use plan::{Item, Plan, PlanKind, PlanStatus, Section, Target, TargetKind, TargetSpan};
pub use problem::{Problem, ProblemStatus};
pub use progress::{Completion, completion, meets, schedule_gap};
pub use quantity::{Cmp, Quantity, ValueError, check_report_value};
pub use reminders::{Records, Reminder, ReminderRule, ReminderRuleError, not_reported, reminders};
pub use report::{Evidence, Report, ReportStatus, Stage};
pub use reporting::{
    Completeness, ReportingRule, ReportingRuleError, completeness, completeness_within, first_filed,
};
pub use rollup::{
    GroupSummary, StatusCounts, TargetRollup, UnitRank, rank_units, roll_up_target, summarize,
    summarize_within, target_status,
};
pub use schedule::{
    Milestone, MilestoneGoal, MilestoneSchedule, PointSchedule, Schedule, ScheduleError,
};
pub use split::{SplitError, check_split};
pub use status::{
    Colour, Status, Thresholds, ThresholdsError, classify_gap, quantitative_status, stage_score,
    stage_status, status_against,
};
pub use text::{TextField, TooLong, check_length};
pub use unit::{OrgUnit, UnitKind, UnitTree};
pub use year_end::{Disposition, PlanClosed, PlanState, check_open};
