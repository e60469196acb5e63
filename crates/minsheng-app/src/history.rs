//! Importing reports in bulk — a unit's batch of filings, or an office moving its past year
//! into minsheng with the review outcomes. Every row is checked first; if any row is wrong,
//! the import names each bad row, field and reason, and writes nothing. Otherwise all rows are
//! written in one transaction and the roll-up is rebuilt in the same transaction.

use crate::error::{AppError, RowRefusal};
use crate::rollup;
use minsheng_domain::{Actor, AssignmentId, Period, ReportStatus};
use minsheng_store::{ImportedReport, NewReport, Store};
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};

/// One row to import, as read from a file.
#[derive(Debug, Clone)]
pub struct HistoryRow {
    /// Where the row stands in its file (1 = the first data row after the header), for
    /// messages.
    pub line: usize,
    /// The assignment.
    pub assignment: AssignmentId,
    /// The period.
    pub period: Period,
    /// Cumulative value (a count) or level (a rate).
    pub value: Decimal,
    /// Status after review.
    pub status: ReportStatus,
    /// Revision number, from 1.
    pub revision: u32,
}

/// Checks every row against the database and the other rows; all errors, in line order.
pub async fn check(store: &Store, rows: &[HistoryRow]) -> Result<Vec<RowRefusal>, AppError> {
    let assignments: HashMap<AssignmentId, minsheng_domain::Assignment> = store
        .all_assignments()
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let targets: HashMap<_, _> = store
        .all_targets()
        .await?
        .into_iter()
        .map(|(t, _)| (t.id, t))
        .collect();
    let mut errors = Vec::new();
    let mut seen: HashSet<(AssignmentId, Period, u32)> = HashSet::new();
    let mut err = |line, field: &str, reason: String| {
        errors.push(RowRefusal {
            line,
            field: field.to_string(),
            reason,
        })
    };
    for r in rows {
        let Some(a) = assignments.get(&r.assignment) else {
            err(
                r.line,
                "assignment_id",
                format!(
                    "任务分工 {} 不存在 / no assignment {}",
                    r.assignment, r.assignment
                ),
            );
            continue;
        };
        let Some(t) = targets.get(&a.target) else {
            continue;
        };
        if r.period.year() != t.deadline.year() {
            err(
                r.line,
                "period",
                format!(
                    "{} 不在计划年度 {} 内 / outside the plan year",
                    r.period,
                    t.deadline.year()
                ),
            );
        }
        if !matches!(r.period, Period::Month { .. }) {
            err(
                r.line,
                "period",
                format!("{} 不是月份(应为 YYYY-MM) / not a month", r.period),
            );
        }
        if r.value.is_sign_negative() {
            err(
                r.line,
                "cumulative_value",
                "数值不能为负 / negative value".into(),
            );
        }
        // A negative value has its own message below.
        if let Err(e) = minsheng_domain::check_report_value(r.value, &t.quantity.unit)
            && !r.value.is_sign_negative()
        {
            err(r.line, "cumulative_value", e.to_string());
        }
        if r.status == ReportStatus::Draft {
            err(
                r.line,
                "status",
                "不能导入草稿 / drafts are not imported".into(),
            );
        }
        if r.revision == 0 {
            err(
                r.line,
                "revision",
                "修订号从 1 开始 / revisions start at 1".into(),
            );
        }
        if !seen.insert((r.assignment, r.period, r.revision)) {
            err(
                r.line,
                "revision",
                format!(
                    "任务分工 {} 的 {} 第 {} 版重复 / duplicate revision",
                    r.assignment, r.period, r.revision
                ),
            );
        }
    }
    for r in rows {
        if r.revision > 1 && !seen.contains(&(r.assignment, r.period, r.revision - 1)) {
            err(
                r.line,
                "revision",
                format!(
                    "缺少第 {} 版 / revision {} is missing",
                    r.revision - 1,
                    r.revision - 1
                ),
            );
        }
    }
    // Accepted cumulative counts never go down from one month to the next.
    let mut by_assignment: HashMap<AssignmentId, Vec<&HistoryRow>> = HashMap::new();
    for r in rows.iter().filter(|r| r.status == ReportStatus::Accepted) {
        by_assignment.entry(r.assignment).or_default().push(r);
    }
    for (a, mut list) in by_assignment {
        let additive = assignments
            .get(&a)
            .and_then(|a| targets.get(&a.target))
            .is_some_and(|t| t.accrual() == minsheng_domain::Accrual::Cumulative);
        if !additive {
            continue;
        }
        list.sort_by_key(|r| (r.period, r.revision));
        // The value that counts for a period is its highest accepted revision.
        let mut effective: Vec<&HistoryRow> = Vec::new();
        for r in list {
            if effective.last().is_some_and(|prev| prev.period == r.period) {
                effective.pop();
            }
            effective.push(r);
        }
        let mut last: Option<(Period, Decimal)> = None;
        for r in effective {
            if let Some((p, v)) = last
                && r.value < v
            {
                err(
                    r.line,
                    "cumulative_value",
                    format!(
                        "累计值 {} 低于 {p} 的 {v} / the cumulative value falls below {p}'s {v}",
                        r.value
                    ),
                );
            }
            last = Some((r.period, r.value));
        }
    }
    errors.sort_by_key(|e| e.line);
    Ok(errors)
}

/// How far an [`import`] has come, for a progress bar: every row checked, `n` rows written,
/// the roll-up built (the commit follows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Every row checked; nothing written yet.
    Checked,
    /// This many rows written, inside the import's one transaction.
    Written(usize),
    /// The roll-up rebuilt from the rows; the commit follows.
    RolledUp,
}

/// Imports the rows whole, or not at all: [`AppError::Rows`] lists the bad rows and nothing
/// is written.
pub async fn import(
    store: &Store,
    actor: &Actor,
    rows: &[HistoryRow],
    source: &str,
    progress: &mut (dyn FnMut(Step) + Send),
) -> Result<usize, AppError> {
    let errors = check(store, rows).await?;
    if !errors.is_empty() {
        return Err(AppError::Rows(errors));
    }
    progress(Step::Checked);
    let mut tx = store.begin(actor).await?;
    // Converted and written a chunk at a time, so a large import never holds two copies.
    let mut written = 0;
    for chunk in rows.chunks(50_000) {
        let imported: Vec<ImportedReport> = chunk
            .iter()
            .map(|r| ImportedReport {
                report: NewReport {
                    assignment: r.assignment,
                    period: r.period,
                    revision: r.revision,
                    cumulative: Some(r.value),
                    stage: None,
                    funds_spent: None,
                    narrative: String::new(),
                    status: r.status,
                },
                status: r.status,
                filed_at: None,
                return_reason: None,
            })
            .collect();
        tx.insert_reports_bulk(&imported).await?;
        written += chunk.len();
        progress(Step::Written(written));
    }
    tx.audit_import("report", rows.len(), source).await?;
    rollup::recompute_in(&mut tx).await?;
    progress(Step::RolledUp);
    tx.commit().await?;
    // The planner must know the rows are there before the first dashboard asks for them.
    store.refresh_statistics().await?;
    Ok(rows.len())
}
