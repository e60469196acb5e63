//! Builders shared by the unit tests of the tracking modules (test-only).

use crate::assignment::{Assignment, AssignmentRole};
use crate::ids::{AssignmentId, ItemId, ReportId, TargetId, UnitId};
use crate::period::Period;
use crate::plan::Target;
use crate::quantity::{Cmp, Quantity};
use crate::report::{Report, ReportStatus, Stage};
use crate::unit::{OrgUnit, UnitKind, UnitTree};
use jiff::Timestamp;
use jiff::civil::date;
use rust_decimal::Decimal;

/// A decimal from text.
pub fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// A period from its code.
pub fn p(s: &str) -> Period {
    Period::parse(s).unwrap()
}

/// Target 1 of the 2023 plan, due at the year's end.
pub fn target(value: &str, unit: &str, cmp: Cmp) -> Target {
    Target {
        id: TargetId(1),
        item: ItemId(1),
        seq: 1,
        quantity: Quantity::new(d(value), unit),
        cmp,
        phrase: String::new(),
        span: None,
        implicit: false,
        delta: false,
        deadline: date(2023, 12, 31),
        baseline: None,
        kind: crate::plan::TargetKind::Quantity,
        accrual_set: None,
    }
}

/// An assignment of target 1: a partner with a quota, or the lead without one.
pub fn assignment(id: i64, unit: i64, quota: Option<Decimal>) -> Assignment {
    Assignment {
        id: AssignmentId(id),
        target: TargetId(1),
        unit: UnitId(unit),
        role: if quota.is_some() {
            AssignmentRole::Partner
        } else {
            AssignmentRole::Lead
        },
        quota,
        budget: None,
    }
}

/// A report filed at `filed_at` (RFC 3339).
pub fn report(
    id: i64,
    assignment: i64,
    period: &str,
    revision: u32,
    cumulative: Option<&str>,
    status: ReportStatus,
    filed_at: &str,
) -> Report {
    Report {
        id: ReportId(id),
        assignment: AssignmentId(assignment),
        period: p(period),
        revision,
        cumulative: cumulative.map(d),
        stage: None,
        funds_spent: None,
        narrative: String::new(),
        status,
        return_reason: None,
        filed_by: "填报人".into(),
        filed_at: filed_at.parse::<Timestamp>().unwrap(),
        reviewed_by: None,
        reviewed_at: None,
    }
}

/// An accepted report for a period, filed on the 3rd of the next month.
pub fn accepted(id: i64, assignment: i64, period: &str, revision: u32, value: &str) -> Report {
    let due = p(period).next_month().first_day();
    let at = format!(
        "{}T02:00:00Z",
        due.saturating_add(jiff::Span::new().days(2))
    );
    report(
        id,
        assignment,
        period,
        revision,
        Some(value),
        ReportStatus::Accepted,
        &at,
    )
}

/// A stage report.
pub fn staged(id: i64, assignment: i64, period: &str, stage: Stage) -> Report {
    Report {
        stage: Some(stage),
        cumulative: None,
        ..accepted(id, assignment, period, 1, "0")
    }
}

fn unit(id: i64, parent: Option<i64>, kind: UnitKind, name: &str) -> OrgUnit {
    OrgUnit {
        id: UnitId(id),
        parent: parent.map(UnitId),
        kind,
        name: name.into(),
        code: None,
    }
}

/// 吉林省 (1) → 长春市 (2) → 农安县 (3); 省人社厅 (4); 吉林市 (5); 四平市 (6).
pub fn jilin() -> UnitTree {
    UnitTree::new(vec![
        unit(1, None, UnitKind::Province, "吉林省"),
        unit(2, Some(1), UnitKind::City, "长春市"),
        unit(3, Some(2), UnitKind::County, "农安县"),
        unit(4, Some(1), UnitKind::Department, "省人力资源和社会保障厅"),
        unit(5, Some(1), UnitKind::City, "吉林市"),
        unit(6, Some(1), UnitKind::City, "四平市"),
    ])
}
