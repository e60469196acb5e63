//! Private row structs, one per table, and their conversion into domain types. A value the
//! domain cannot take (an unknown code, a malformed decimal) is a [`StoreError::Corrupt`].

use crate::error::StoreError;
use minsheng_domain::*;
use rust_decimal::Decimal;

/// The columns a [`ReportRow`] is read from, in its order: one list for every query that
/// reads reports — `concat!("SELECT ", report_columns!(), " FROM reports …")`, or with a
/// table alias, `report_columns!("r")` for `FROM reports r JOIN …`.
macro_rules! report_columns {
    () => {
        "id, assignment_id, period, revision, cumulative, stage, funds_spent, narrative, status,
         return_reason, filed_by, filed_at, reviewed_by, reviewed_at"
    };
    ($t:literal) => {
        concat!(
            $t,
            ".id, ",
            $t,
            ".assignment_id, ",
            $t,
            ".period, ",
            $t,
            ".revision, ",
            $t,
            ".cumulative, ",
            $t,
            ".stage, ",
            $t,
            ".funds_spent, ",
            $t,
            ".narrative, ",
            $t,
            ".status, ",
            $t,
            ".return_reason, ",
            $t,
            ".filed_by, ",
            $t,
            ".filed_at, ",
            $t,
            ".reviewed_by, ",
            $t,
            ".reviewed_at"
        )
    };
}
pub(crate) use report_columns;

/// The columns a [`TargetRow`] is read from, in its order, from `targets t`.
macro_rules! target_columns {
    () => {
        "t.id, t.item_id, t.seq, t.value, t.unit, t.cmp, t.phrase, t.span_start, t.span_end,
         t.implicit, t.delta, t.deadline, t.baseline, t.kind, t.accrual"
    };
}
pub(crate) use target_columns;

fn corrupt(table: &'static str, column: &'static str, value: &str) -> StoreError {
    StoreError::Corrupt {
        table,
        column,
        value: value.to_string(),
    }
}

pub(crate) fn dec(
    table: &'static str,
    column: &'static str,
    s: &str,
) -> Result<Decimal, StoreError> {
    s.parse().map_err(|_| corrupt(table, column, s))
}

fn opt_dec(
    table: &'static str,
    column: &'static str,
    s: Option<String>,
) -> Result<Option<Decimal>, StoreError> {
    s.map(|s| dec(table, column, &s)).transpose()
}

fn code<T>(
    table: &'static str,
    column: &'static str,
    s: &str,
    f: fn(&str) -> Option<T>,
) -> Result<T, StoreError> {
    f(s).ok_or_else(|| corrupt(table, column, s))
}

fn u32_of(table: &'static str, column: &'static str, n: i64) -> Result<u32, StoreError> {
    u32::try_from(n).map_err(|_| corrupt(table, column, &n.to_string()))
}

fn span(start: Option<i64>, end: Option<i64>) -> Option<TargetSpan> {
    match (start, end) {
        (Some(s), Some(e)) if s >= 0 && e >= s => Some(TargetSpan {
            start: s as usize,
            end: e as usize,
        }),
        _ => None,
    }
}

/// Canonical decimal text: no trailing zeros, so "230000" and "230000.00" are one value.
pub(crate) fn dec_text(d: Decimal) -> String {
    d.normalize().to_string()
}

#[derive(sqlx::FromRow)]
pub(crate) struct UnitRow {
    id: i64,
    parent_id: Option<i64>,
    kind: String,
    name: String,
    code: Option<String>,
}

impl UnitRow {
    pub(crate) fn into_domain(self) -> Result<OrgUnit, StoreError> {
        Ok(OrgUnit {
            id: UnitId(self.id),
            parent: self.parent_id.map(UnitId),
            kind: code("units", "kind", &self.kind, UnitKind::from_code)?,
            name: self.name,
            code: self.code,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct PlanRow {
    id: i64,
    year: i64,
    title: String,
    owner_unit_id: i64,
    kind: String,
    status: String,
    source_text: String,
    declared_sections: Option<i64>,
    declared_items: Option<i64>,
}

impl PlanRow {
    pub(crate) fn into_domain(self) -> Result<Plan, StoreError> {
        Ok(Plan {
            id: PlanId(self.id),
            year: i16::try_from(self.year)
                .map_err(|_| corrupt("plans", "year", &self.year.to_string()))?,
            title: self.title,
            owner: UnitId(self.owner_unit_id),
            kind: code("plans", "kind", &self.kind, PlanKind::from_code)?,
            status: code("plans", "status", &self.status, PlanStatus::from_code)?,
            source_text: self.source_text,
            declared_sections: self
                .declared_sections
                .map(|n| u32_of("plans", "declared_sections", n))
                .transpose()?,
            declared_items: self
                .declared_items
                .map(|n| u32_of("plans", "declared_items", n))
                .transpose()?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct SectionRow {
    id: i64,
    plan_id: i64,
    no: i64,
    title: Option<String>,
    declared_items: Option<i64>,
}

impl SectionRow {
    pub(crate) fn into_domain(self) -> Result<Section, StoreError> {
        Ok(Section {
            id: SectionId(self.id),
            plan: PlanId(self.plan_id),
            no: u32_of("sections", "no", self.no)?,
            title: self.title,
            declared_items: self
                .declared_items
                .map(|n| u32_of("sections", "declared_items", n))
                .transpose()?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ItemRow {
    id: i64,
    section_id: i64,
    no: i64,
    text: String,
    leads: String,
    span_start: Option<i64>,
    span_end: Option<i64>,
}

/// Leads are stored one per line.
pub(crate) fn leads_text(leads: &[String]) -> String {
    leads.join("\n")
}

impl ItemRow {
    pub(crate) fn into_domain(self) -> Result<Item, StoreError> {
        Ok(Item {
            id: ItemId(self.id),
            section: SectionId(self.section_id),
            no: u32_of("items", "no", self.no)?,
            text: self.text,
            leads: self
                .leads
                .lines()
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect(),
            span: span(self.span_start, self.span_end),
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct TargetRow {
    id: i64,
    item_id: i64,
    seq: i64,
    value: String,
    unit: String,
    cmp: String,
    phrase: String,
    span_start: Option<i64>,
    span_end: Option<i64>,
    implicit: bool,
    delta: bool,
    deadline: jiff_sqlx::Date,
    baseline: Option<String>,
    kind: String,
    accrual: Option<String>,
}

impl TargetRow {
    pub(crate) fn into_domain(self) -> Result<Target, StoreError> {
        Ok(Target {
            id: TargetId(self.id),
            item: ItemId(self.item_id),
            seq: u32_of("targets", "seq", self.seq)?,
            quantity: Quantity::new(dec("targets", "value", &self.value)?, self.unit),
            cmp: code("targets", "cmp", &self.cmp, Cmp::from_code)?,
            phrase: self.phrase,
            span: span(self.span_start, self.span_end),
            implicit: self.implicit,
            delta: self.delta,
            deadline: self.deadline.to_jiff(),
            baseline: opt_dec("targets", "baseline", self.baseline)?,
            kind: code("targets", "kind", &self.kind, TargetKind::from_code)?,
            accrual_set: self
                .accrual
                .map(|a| code("targets", "accrual", &a, Accrual::from_code))
                .transpose()?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct AssignmentRow {
    id: i64,
    target_id: i64,
    unit_id: i64,
    role: String,
    quota: Option<String>,
    budget: Option<String>,
}

impl AssignmentRow {
    pub(crate) fn into_domain(self) -> Result<Assignment, StoreError> {
        Ok(Assignment {
            id: AssignmentId(self.id),
            target: TargetId(self.target_id),
            unit: UnitId(self.unit_id),
            role: code("assignments", "role", &self.role, AssignmentRole::from_code)?,
            quota: opt_dec("assignments", "quota", self.quota)?,
            budget: opt_dec("assignments", "budget", self.budget)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct SchedulePointRow {
    period: String,
    expected: String,
}

impl SchedulePointRow {
    pub(crate) fn new(period: String, expected: String) -> Self {
        SchedulePointRow { period, expected }
    }

    pub(crate) fn into_domain(self) -> Result<SchedulePoint, StoreError> {
        Ok(SchedulePoint {
            period: Period::parse(&self.period)
                .map_err(|_| corrupt("schedule_points", "period", &self.period))?,
            expected: dec("schedule_points", "expected", &self.expected)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ReportRow {
    pub(crate) id: i64,
    pub(crate) assignment_id: i64,
    pub(crate) period: String,
    pub(crate) revision: i64,
    pub(crate) cumulative: Option<String>,
    pub(crate) stage: Option<String>,
    pub(crate) funds_spent: Option<String>,
    pub(crate) narrative: String,
    pub(crate) status: String,
    pub(crate) return_reason: Option<String>,
    pub(crate) filed_by: String,
    pub(crate) filed_at: jiff_sqlx::Timestamp,
    pub(crate) reviewed_by: Option<String>,
    pub(crate) reviewed_at: Option<jiff_sqlx::Timestamp>,
}

impl ReportRow {
    pub(crate) fn into_domain(self) -> Result<Report, StoreError> {
        Ok(Report {
            id: ReportId(self.id),
            assignment: AssignmentId(self.assignment_id),
            period: Period::parse(&self.period)
                .map_err(|_| corrupt("reports", "period", &self.period))?,
            revision: u32_of("reports", "revision", self.revision)?,
            cumulative: opt_dec("reports", "cumulative", self.cumulative)?,
            stage: self
                .stage
                .map(|s| code("reports", "stage", &s, Stage::from_code))
                .transpose()?,
            funds_spent: opt_dec("reports", "funds_spent", self.funds_spent)?,
            narrative: self.narrative,
            status: code("reports", "status", &self.status, ReportStatus::from_code)?,
            return_reason: self.return_reason,
            filed_by: self.filed_by,
            filed_at: self.filed_at.to_jiff(),
            reviewed_by: self.reviewed_by,
            reviewed_at: self.reviewed_at.map(|t| t.to_jiff()),
        })
    }
}

/// A report's figures without its texts ([`crate::Store::report_figures_of_plan`]).
#[derive(sqlx::FromRow)]
pub(crate) struct ReportFiguresRow {
    id: i64,
    assignment_id: i64,
    period: String,
    revision: i64,
    cumulative: Option<String>,
    stage: Option<String>,
    funds_spent: Option<String>,
    status: String,
    filed_at: jiff_sqlx::Timestamp,
}

impl ReportFiguresRow {
    pub(crate) fn into_domain(self) -> Result<Report, StoreError> {
        ReportRow {
            id: self.id,
            assignment_id: self.assignment_id,
            period: self.period,
            revision: self.revision,
            cumulative: self.cumulative,
            stage: self.stage,
            funds_spent: self.funds_spent,
            narrative: String::new(),
            status: self.status,
            return_reason: None,
            filed_by: String::new(),
            filed_at: self.filed_at,
            reviewed_by: None,
            reviewed_at: None,
        }
        .into_domain()
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct AuditRow {
    id: i64,
    at: jiff_sqlx::Timestamp,
    actor: String,
    action: String,
    entity: String,
    entity_id: i64,
    before: Option<String>,
    after: Option<String>,
}

impl AuditRow {
    pub(crate) fn into_domain(self) -> AuditEvent {
        AuditEvent {
            id: AuditId(self.id),
            at: self.at.to_jiff(),
            actor: self.actor,
            action: self.action,
            entity: self.entity,
            entity_id: self.entity_id,
            before: self.before,
            after: self.after,
        }
    }
}

/// Converts a list of rows, stopping at the first unreadable one.
pub(crate) fn all<R, T>(
    rows: Vec<R>,
    f: fn(R) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    rows.into_iter().map(f).collect()
}
