//! Reporting (上报) and review (审核): a unit files a report on one of its assignments for a
//! period; the office accepts it, or returns it with a reason and the unit files a new
//! revision. Nothing filed is ever overwritten, and an accepted period is locked.
//!
//! Each refusal names the field and the reason, and leaves the database as it was.

use crate::error::{AppError, RowRefusal};
use minsheng_domain::goal::Accrual;
use minsheng_domain::{
    Actor, AssignmentId, Period, Report, ReportId, ReportStatus, Stage, Target, TargetKind,
    TextField, UnitId, UnitTree, check_length, check_report_value,
};
use minsheng_store::{NewReport, Store, Tx};
use rust_decimal::Decimal;

/// What a unit reports for one assignment and period.
#[derive(Debug, Clone)]
pub struct ReportInput {
    /// The assignment reported on.
    pub assignment: AssignmentId,
    /// The period it answers for, inside the plan's year.
    pub period: Period,
    /// Cumulative value since 1 January (for a count) or the current level (for a rate).
    pub value: Option<Decimal>,
    /// The unit the value is written in; `None` means the target's own. 万X and 亿X are
    /// converted (2.3万人 for a target in 人).
    pub value_unit: Option<String>,
    /// Stage, for a qualitative item.
    pub stage: Option<Stage>,
    /// Funds spent so far, in 元.
    pub funds_spent: Option<Decimal>,
    /// What was done.
    pub narrative: String,
    /// Why a cumulative value is lower than the last accepted one, when it is.
    pub correction: Option<String>,
}

/// What separates a report's narrative from its correction statement in the stored narrative.
pub const CORRECTION_MARK: &str = "\n【更正说明】";

/// A stored narrative split back into what the unit wrote and its correction statement, if
/// it made one (the inverse of how a report is filed).
pub fn split_correction(stored: &str) -> (&str, Option<&str>) {
    match stored.split_once(CORRECTION_MARK) {
        Some((narrative, correction)) => (narrative, Some(correction)),
        None => (stored, None),
    }
}

/// Whether to keep the report as a draft or file it for review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileAs {
    /// Kept, editable, not yet seen by the office.
    Draft,
    /// Filed for review.
    Submitted,
}

/// The office's decision on a submitted report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Accept: the value counts and the period locks.
    Accept,
    /// Return with a reason; the unit files a new revision.
    Return(String),
}

fn invalid(field: &str, reason: impl Into<String>) -> AppError {
    AppError::Invalid {
        field: field.to_string(),
        reason: reason.into(),
    }
}

/// The value converted into the target's unit, or a refusal naming both units.
pub fn to_target_unit(value: Decimal, written: &str, target: &str) -> Result<Decimal, AppError> {
    let same = |a: &str, b: &str| a == b || matches!((a, b), ("人", "名") | ("名", "人"));
    if written.is_empty() || same(written, target) {
        return Ok(value);
    }
    for (prefix, factor) in [("万", 10_000i64), ("亿", 100_000_000)] {
        if let Some(rest) = written.strip_prefix(prefix)
            && same(rest, target)
        {
            return value
                .checked_mul(Decimal::from(factor))
                .ok_or_else(|| invalid("value", "数值过大 / value too large"));
        }
    }
    Err(invalid(
        "unit",
        format!(
            "单位“{written}”与目标单位“{target}”不符 / unit '{written}' does not match the target's unit '{target}'"
        ),
    ))
}

/// Files (or keeps as a draft) a report for `as_unit`, which must hold the assignment itself
/// or be above the unit that does.
pub async fn file_report(
    store: &Store,
    actor: &Actor,
    as_unit: UnitId,
    input: &ReportInput,
    file_as: FileAs,
) -> Result<ReportId, AppError> {
    file_report_with(store, actor, as_unit, input, None, file_as).await
}

/// [`file_report`] with what a report on a major project carries beside its figure
/// (形象进度, milestones reached, a revised 总投资): checked by
/// [`crate::projects`]' rules in the same transaction and recorded with the report, applied
/// to the project only when the report is accepted.
pub async fn file_report_with(
    store: &Store,
    actor: &Actor,
    as_unit: UnitId,
    input: &ReportInput,
    project: Option<&crate::projects::ProjectReportInput>,
    file_as: FileAs,
) -> Result<ReportId, AppError> {
    // Who holds what is read before the writer is taken (a permission, checked as of the
    // request, like the session's); everything the write itself depends on is read inside.
    let tree = store.unit_tree().await?;
    let (st, actor, input) = (store.clone(), actor.clone(), input.clone());
    let project = project.cloned();
    store
        .writing(async move {
            let mut tx = st.begin(&actor).await?;
            let checked = check_request(&mut tx, &tree, as_unit, &input, file_as).await?;
            let extra = match &project {
                Some(p) => {
                    let today = crate::clock::date_in_beijing(tx.now());
                    Some(
                        crate::projects::check_report(
                            &mut tx,
                            &checked.target,
                            checked.value,
                            p,
                            today,
                        )
                        .await?,
                    )
                }
                None => None,
            };
            let filed = file_checked(&mut tx, &input, file_as, checked).await?;
            if let Some(mut extra) = extra {
                extra.report = filed.id;
                tx.set_project_report(&extra).await?;
            }
            tx.commit().await?;
            Ok(filed.id)
        })
        .await
}

/// One row of a batch as filed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Filed {
    /// The report.
    pub id: ReportId,
    /// Whether it rewrote a draft the unit had kept, rather than creating a report.
    pub updated_draft: bool,
}

/// Files many reports for `as_unit` all or nothing: every row goes through the rules of
/// [`file_report`] in one transaction (a row sees the rows before it), and a batch may hold
/// one report per assignment and period. If any row is refused, [`AppError::Rows`] lists
/// each (`line`, field, reason) and nothing is saved.
pub async fn file_reports(
    store: &Store,
    actor: &Actor,
    as_unit: UnitId,
    rows: &[(usize, ReportInput)],
    file_as: FileAs,
) -> Result<Vec<Filed>, AppError> {
    let tree = store.unit_tree().await?;
    let mut tx = store.begin(actor).await?;
    let (filed, errors) = batch(&mut tx, &tree, as_unit, rows, file_as).await?;
    if !errors.is_empty() {
        return Err(AppError::Rows(errors));
    }
    tx.audit_import("report", filed.len(), actor.name()).await?;
    tx.commit().await?;
    Ok(filed)
}

/// Checks a batch against every rule of [`file_reports`] without keeping anything (the
/// transaction is rolled back): each refused row, or none. For a caller that has other
/// problems to report alongside (a file's unreadable cells).
pub async fn check_reports(
    store: &Store,
    actor: &Actor,
    as_unit: UnitId,
    rows: &[(usize, ReportInput)],
    file_as: FileAs,
) -> Result<Vec<RowRefusal>, AppError> {
    let tree = store.unit_tree().await?;
    let mut tx = store.begin(actor).await?;
    let (_, errors) = batch(&mut tx, &tree, as_unit, rows, file_as).await?;
    tx.rollback().await?;
    Ok(errors)
}

async fn batch(
    tx: &mut Tx,
    tree: &UnitTree,
    as_unit: UnitId,
    rows: &[(usize, ReportInput)],
    file_as: FileAs,
) -> Result<(Vec<Filed>, Vec<RowRefusal>), AppError> {
    let mut filed = Vec::with_capacity(rows.len());
    let mut errors = Vec::new();
    let mut seen: std::collections::HashMap<(AssignmentId, Period), usize> = Default::default();
    for (line, input) in rows {
        let checked = match check_request(tx, tree, as_unit, input, file_as).await {
            Ok(c) => c,
            Err(AppError::Invalid { field, reason }) => {
                errors.push(RowRefusal {
                    line: *line,
                    field,
                    reason,
                });
                continue;
            }
            Err(other) => return Err(other),
        };
        if let Some(first) = seen.insert((input.assignment, input.period), *line) {
            errors.push(RowRefusal {
                line: *line,
                field: "period".into(),
                reason: format!(
                    "任务分工 {} 的 {} 在第 {first} 行已有一份,同一批中不能重复 / assignment {} already has a report for {} at line {first}",
                    input.assignment,
                    input.period.label_zh(),
                    input.assignment,
                    input.period
                ),
            });
            continue;
        }
        match file_checked(tx, input, file_as, checked).await {
            Ok(f) => filed.push(f),
            Err(AppError::Invalid { field, reason }) => errors.push(RowRefusal {
                line: *line,
                field,
                reason,
            }),
            Err(other) => return Err(other),
        }
    }
    errors.sort();
    Ok((filed, errors))
}

/// What the rules that need no transaction found: the target, and the value in its unit.
struct Checked {
    target: Target,
    value: Option<Decimal>,
}

/// The rules of filing that look only at the request and the plan: the assignment exists
/// and `as_unit` holds it (or is above the unit that does), the period is in the plan year,
/// the value converts to the target's unit, nothing is negative, a filed report says
/// something. The assignment, target and plan year are read inside the filing's
/// transaction, like everything a write depends on; the unit tree (who holds what, a
/// permission) is the caller's, read before the writer is taken.
async fn check_request(
    tx: &mut Tx,
    tree: &UnitTree,
    as_unit: UnitId,
    input: &ReportInput,
    file_as: FileAs,
) -> Result<Checked, AppError> {
    let assignment = match tx.assignment(input.assignment).await {
        Ok(a) => a,
        Err(minsheng_store::StoreError::NotFound { .. }) => {
            return Err(invalid(
                "assignment",
                format!(
                    "任务分工 {} 不存在 / assignment {} does not exist",
                    input.assignment, input.assignment
                ),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    if !tree.is_within(assignment.unit, as_unit) {
        let name = tree.get(as_unit).map(|u| u.name.as_str()).unwrap_or("?");
        return Err(invalid(
            "unit",
            format!(
                "{name} 不承担任务分工 {} / {name} holds no assignment {}",
                input.assignment, input.assignment
            ),
        ));
    }
    let (target, plan_year) = tx.target_with_year(assignment.target).await?;
    if let Some(goal) = tx.goal(target.id).await? {
        // A multi-year goal: reported at its frequency, over its years (its plan's first to
        // its deadline's), not in one plan year.
        minsheng_domain::path::check_report_period(
            goal.frequency,
            plan_year,
            target.deadline,
            input.period,
        )
        .map_err(|e| invalid(&e.field(), e.to_string()))?;
    } else if input.period.year() != plan_year {
        return Err(invalid(
            "period",
            format!(
                "期间 {} 不在计划年度 {} 内 / period {} is outside the plan year {}",
                input.period.label_zh(),
                plan_year,
                input.period,
                plan_year
            ),
        ));
    }
    let value = match (input.value, &input.value_unit) {
        (Some(v), Some(u)) => Some(to_target_unit(v, u, &target.quantity.unit)?),
        (v, None) => v,
        (None, Some(_)) => None,
    };
    // Bounded at the door by the target's unit (and funds in 元): no value a later sum or
    // ratio cannot hold.
    if let Some(v) = value {
        check_report_value(v, &target.quantity.unit)
            .map_err(|e| invalid("value", e.to_string()))?;
    }
    check_length(TextField::Narrative, &input.narrative)
        .map_err(|e| invalid("narrative", e.to_string()))?;
    if let Some(c) = &input.correction {
        check_length(TextField::Correction, c).map_err(|e| invalid("correction", e.to_string()))?;
    }
    if value.is_some_and(|v| v.is_sign_negative()) {
        return Err(invalid(
            "value",
            "数值不能为负 / the value cannot be negative",
        ));
    }
    if input.funds_spent.is_some_and(|v| v.is_sign_negative()) {
        return Err(invalid(
            "funds_spent",
            "资金不能为负 / funds cannot be negative",
        ));
    }
    if let Some(f) = input.funds_spent {
        check_report_value(f, "元").map_err(|e| invalid("funds_spent", e.to_string()))?;
    }
    if target.kind == TargetKind::Stage {
        if value.is_some() {
            return Err(invalid(
                "value",
                "定性事项按阶段报告,不填完成值 / a qualitative item is reported as a stage, not a value",
            ));
        }
        if file_as == FileAs::Submitted && input.stage.is_none() {
            return Err(invalid(
                "stage",
                "定性事项须填写进展阶段(未启动、推进中、已完成) / a qualitative item needs its stage",
            ));
        }
    }
    if file_as == FileAs::Submitted && value.is_none() && input.stage.is_none() {
        return Err(invalid(
            "value",
            "报送时须填写完成值或进展阶段 / a filed report needs a value or a stage",
        ));
    }
    Ok(Checked { target, value })
}

/// The rules of filing that depend on what is already filed, checked and written inside the
/// transaction: an accepted period is locked, a filed one awaits review, a count does not
/// fall without a correction; then the draft is rewritten or a new revision filed. The
/// assignment is locked first, so two filings (or a filing and an accept) of one assignment
/// run one after the other and each checks what the other committed.
async fn file_checked(
    tx: &mut Tx,
    input: &ReportInput,
    file_as: FileAs,
    Checked { target, value }: Checked,
) -> Result<Filed, AppError> {
    tx.lock_assignment(input.assignment).await?;
    let history = tx.reports_of_assignment(input.assignment).await?;
    let this_period: Vec<&Report> = history
        .iter()
        .filter(|r| r.period == input.period)
        .collect();
    if this_period
        .iter()
        .any(|r| r.status == ReportStatus::Accepted)
    {
        return Err(invalid(
            "period",
            format!(
                "{} 的报告已审核,该期已锁定 / the report for {} is accepted and the period is locked",
                input.period.label_zh(),
                input.period
            ),
        ));
    }
    if this_period
        .iter()
        .any(|r| r.status == ReportStatus::Submitted)
    {
        return Err(invalid(
            "period",
            format!(
                "{} 的报告已报送,正在审核 / a report for {} is already awaiting review",
                input.period.label_zh(),
                input.period
            ),
        ));
    }
    check_not_lower(&target, &history, input, value)?;

    let draft = this_period
        .iter()
        .find(|r| r.status == ReportStatus::Draft)
        .map(|r| (r.id, r.revision));
    let revision = draft
        .map(|d| d.1)
        .unwrap_or_else(|| this_period.iter().map(|r| r.revision).max().unwrap_or(0) + 1);
    let mut narrative = input.narrative.clone();
    if let Some(c) = &input.correction {
        narrative = format!("{narrative}{CORRECTION_MARK}{c}");
    }
    let new = NewReport {
        assignment: input.assignment,
        period: input.period,
        revision,
        cumulative: value,
        stage: input.stage,
        funds_spent: input.funds_spent,
        narrative,
        status: ReportStatus::Draft,
    };
    let id = match draft {
        Some((id, _)) => {
            tx.update_draft(id, &new).await?;
            id
        }
        None => tx.insert_report(&new).await?,
    };
    if file_as == FileAs::Submitted {
        tx.set_report_status(id, ReportStatus::Draft, ReportStatus::Submitted, None)
            .await?;
    }
    Ok(Filed {
        id,
        updated_draft: draft.is_some(),
    })
}

/// A cumulative count may not fall below the last accepted value of an earlier period unless
/// the report says why (a correction). A level (a rate, a time limit) may move either way.
fn check_not_lower(
    target: &Target,
    history: &[Report],
    input: &ReportInput,
    value: Option<Decimal>,
) -> Result<(), AppError> {
    let (Some(value), true) = (value, target.accrual() == Accrual::Cumulative) else {
        return Ok(());
    };
    let last = history
        .iter()
        .filter(|r| r.status == ReportStatus::Accepted && r.period < input.period)
        .max_by_key(|r| (r.period, r.revision));
    if let Some(last) = last
        && let Some(prev) = last.cumulative
        && value < prev
        && input
            .correction
            .as_deref()
            .is_none_or(|c| c.trim().is_empty())
    {
        return Err(invalid(
            "value",
            format!(
                "累计值 {value} 低于 {} 已审核的 {prev};如确需更正,请填写更正说明 / the cumulative value {value} is below the accepted {prev} of {}: state a correction",
                last.period.label_zh(),
                last.period
            ),
        ));
    }
    Ok(())
}

/// The office's review of a submitted report.
///
/// Safe to run many at once: the report's assignment is locked before anything is read, the
/// status changes only if it is still `submitted` (`UPDATE … WHERE status = 'submitted'`),
/// and a report someone else reviewed first is [`AppError::Conflict`] ("already reviewed"),
/// never a second accept; the roll-up follows in the same transaction.
pub async fn review_report(
    store: &Store,
    actor: &Actor,
    report: ReportId,
    decision: &Decision,
) -> Result<(), AppError> {
    if let Decision::Return(reason) = decision
        && reason.trim().is_empty()
    {
        return Err(invalid(
            "reason",
            "退回须说明理由 / a return needs a reason",
        ));
    }
    // Reviews of one report in this process take turns, and a report already reviewed is
    // answered without waiting for the writer (the answer is the same as it would be
    // inside); a report still awaiting review is read again under the lock below, and only a
    // conditional update moves it.
    let _turn = REVIEWS.turn(report).await;
    let seen = store.report(report).await?;
    if matches!(seen.status, ReportStatus::Accepted | ReportStatus::Returned) {
        return Err(already_reviewed(report, seen.status));
    }
    let (st, actor, decision) = (store.clone(), actor.clone(), decision.clone());
    store
        .writing(async move { review_in(&st, &actor, report, &decision).await })
        .await
}

/// [`review_report`]'s transaction.
async fn review_in(
    store: &Store,
    actor: &Actor,
    report: ReportId,
    decision: &Decision,
) -> Result<(), AppError> {
    let mut tx = store.begin(actor).await?;
    let current = tx.report(report).await?;
    tx.lock_assignment(current.assignment).await?;
    // Read again under the lock: another reviewer may have finished meanwhile.
    let current = tx.report(report).await?;
    match current.status {
        ReportStatus::Submitted => {}
        ReportStatus::Draft => {
            return Err(invalid(
                "status",
                format!(
                    "报告状态为“{}”,只有已报送的报告可以审核 / only a submitted report can be reviewed (this one is {})",
                    current.status.label_zh(),
                    current.status.code()
                ),
            ));
        }
        ReportStatus::Accepted | ReportStatus::Returned => {
            return Err(already_reviewed(report, current.status));
        }
    }
    let moved = match decision {
        Decision::Accept => {
            tx.set_report_status(
                report,
                ReportStatus::Submitted,
                ReportStatus::Accepted,
                None,
            )
            .await
        }
        Decision::Return(reason) => {
            tx.set_report_status(
                report,
                ReportStatus::Submitted,
                ReportStatus::Returned,
                Some(reason.trim()),
            )
            .await
        }
    };
    let moved = match moved {
        Ok(r) => r,
        Err(minsheng_store::StoreError::Conflict { found, .. }) => {
            let now = ReportStatus::from_code(&found).unwrap_or(ReportStatus::Accepted);
            return Err(already_reviewed(report, now));
        }
        Err(e) => return Err(e.into()),
    };
    if moved.status == ReportStatus::Accepted {
        // The roll-up follows in the same transaction: an accept and its effect on the
        // dashboards are one change.
        crate::rollup::apply_accept(&mut tx, &moved).await?;
        // A project report's milestones pass review with its figure.
        crate::projects::on_accept(&mut tx, &moved).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Reviews under way in this process, by report ([`crate::turns`]).
static REVIEWS: std::sync::LazyLock<crate::turns::Turns<ReportId>> =
    std::sync::LazyLock::new(crate::turns::Turns::new);

/// The answer to reviewing a report that someone has reviewed already.
fn already_reviewed(report: ReportId, now: ReportStatus) -> AppError {
    AppError::Conflict {
        reason: format!(
            "报告 {report} 已审核(当前状态:{}),未作改动 / report {report} has already been reviewed (it is {}); nothing was changed",
            now.label_zh(),
            now.code()
        ),
    }
}

/// The largest evidence file accepted: scans of documents and photos, not video.
pub const MAX_EVIDENCE_BYTES: usize = 20 * 1024 * 1024;

/// The kinds of evidence file accepted, by extension, with the media type each is kept and
/// sent as: documents (PDF, OFD, Word, WPS, Excel, PowerPoint, text, CSV) and photos. Nothing
/// a browser or a desktop would run (HTML, SVG, scripts, programs), and no archives, whose
/// contents no one can check.
pub const EVIDENCE_TYPES: [(&str, &str); 20] = [
    ("pdf", "application/pdf"),
    ("ofd", "application/ofd"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("png", "image/png"),
    ("gif", "image/gif"),
    ("webp", "image/webp"),
    ("bmp", "image/bmp"),
    ("tif", "image/tiff"),
    ("tiff", "image/tiff"),
    ("doc", "application/msword"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("wps", "application/vnd.ms-works"),
    ("xls", "application/vnd.ms-excel"),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("et", "application/vnd.ms-excel"),
    ("ppt", "application/vnd.ms-powerpoint"),
    (
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    ("txt", "text/plain; charset=utf-8"),
    ("csv", "text/csv; charset=utf-8"),
];

/// The media type an evidence file is kept as, by its name's extension; `None` when files of
/// that kind are not accepted.
pub fn evidence_type(file_name: &str) -> Option<&'static str> {
    let ext = file_name.rsplit_once('.')?.1.to_lowercase();
    EVIDENCE_TYPES
        .iter()
        .find(|(e, _)| *e == ext)
        .map(|(_, t)| *t)
}

/// Attaches an evidence file (佐证材料) to a report of `as_unit` (or of a unit below it).
/// Evidence goes with a draft or a report awaiting review: an accepted report is locked, and a
/// returned one is refiled as a new revision, which carries its own evidence. Only the kinds
/// of [`EVIDENCE_TYPES`] are accepted, kept as the media type their extension names.
pub async fn attach_evidence(
    store: &Store,
    actor: &Actor,
    as_unit: UnitId,
    report: ReportId,
    file_name: &str,
    content_type: &str,
    content: &[u8],
) -> Result<minsheng_domain::EvidenceId, AppError> {
    let name = file_name.trim();
    if name.is_empty()
        || name.chars().count() > 200
        || name.contains(['/', '\\'])
        || name.chars().any(char::is_control)
    {
        return Err(invalid(
            "file_name",
            format!(
                "文件名“{name}”无效(不能为空、含路径或超过200字) / the file name '{name}' is not valid"
            ),
        ));
    }
    if content.is_empty() || content.len() > MAX_EVIDENCE_BYTES {
        return Err(invalid(
            "file",
            format!(
                "文件大小须在 1 字节到 20 MiB 之间(收到 {} 字节) / the file must be 1 byte to 20 MiB (got {})",
                content.len(),
                content.len()
            ),
        ));
    }
    match content_type.trim() {
        "" => {}
        t if t.contains('/') && !t.contains(char::is_whitespace) => {}
        t => {
            return Err(invalid(
                "content_type",
                format!("“{t}”不是媒体类型 / '{t}' is not a media type"),
            ));
        }
    }
    // The name's extension decides the kind and the type the file is kept and sent as: what
    // the uploading browser claims is not trusted.
    let Some(content_type) = evidence_type(name) else {
        return Err(invalid(
            "file",
            format!(
                "不接受“{name}”这类文件;可上传 PDF、OFD、Word、WPS、Excel、PowerPoint、TXT、CSV 文档或 JPG、PNG 等图片 / files like '{name}' are not accepted: upload PDF, OFD, Word, WPS, Excel, PowerPoint, text or CSV documents, or JPG, PNG … photos"
            ),
        ));
    };
    let mut tx = store.begin(actor).await?;
    let tree = tx.unit_tree().await?;
    let r = match tx.report(report).await {
        Ok(r) => r,
        Err(minsheng_store::StoreError::NotFound { .. }) => {
            return Err(invalid(
                "report",
                format!("报告 {report} 不存在 / report {report} does not exist"),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    let assignment = tx.assignment(r.assignment).await?;
    // Under the assignment's lock, so an accept cannot slip in between the check and the
    // attachment.
    tx.lock_assignment(assignment.id).await?;
    let r = tx.report(report).await?;
    if !tree.is_within(assignment.unit, as_unit) {
        return Err(invalid(
            "unit",
            format!("报告 {report} 不属于本单位 / report {report} is not this unit's"),
        ));
    }
    if !matches!(r.status, ReportStatus::Draft | ReportStatus::Submitted) {
        return Err(invalid(
            "status",
            format!(
                "报告状态为“{}”,只能为草稿或待审核的报告补充佐证材料 / evidence goes with a draft or a report awaiting review (this one is {})",
                r.status.label_zh(),
                r.status.code()
            ),
        ));
    }
    let id = tx
        .attach_evidence(report, name, content_type, content)
        .await?;
    tx.commit().await?;
    Ok(id)
}
