//! The reporting flow as a signed-in person meets it: a unit's workspace (its assignments with
//! their status for a period, its returned reports, its open problems), the report form with
//! its drafts, the office's review queue, and a report with its revisions and evidence files.
//!
//! Every use-case here takes the signed-in [`Account`] and checks it before reading or
//! writing anything, so the pages and the JSON API share one set of checks:
//! - a unit account reads and writes only the assignments, reports and evidence of its own
//!   unit and the units below it ([`ensure_can_report_for`]);
//! - whoever may see a unit ([`ensure_can_see`]) reads its filed reports and downloads their
//!   evidence; a draft is its unit's until it is filed: the office and viewers do not see it
//!   (it is not found), nor its evidence;
//! - only the office reviews (`Action::Review`); the office and viewers read the queue.
//!
//! A refusal of permission is [`AppError::Forbidden`]; a record that does not exist is
//! [`AppError::NotFound`]. The rules of filing and review themselves are
//! [`crate::reporting`]'s; this module adds those that depend on the calendar: a report is
//! for a month of its plan's year that has begun.

use crate::accounts::{ensure, ensure_can_report_for, ensure_can_see};
use crate::error::AppError;
use crate::reporting::{self, Decision, FileAs, ReportInput};
use jiff::civil::Date;
use minsheng_domain::goal::Accrual;
use minsheng_domain::{
    Account, Action, Actor, Assignment, AssignmentId, Evidence, EvidenceId, OrgUnit, Period, Plan,
    PlanId, Problem, Records, Reminder, ReminderRule, Report, ReportId, ReportStatus,
    ReportingRule, Role, Section, SectionId, TextField, UnitId, UnitTree, check_length,
};
use minsheng_store::Store;
pub use minsheng_store::{PlacedAssignment, QueueQuery, QueuedReport, ReportReminder};
use rust_decimal::Decimal;
use std::collections::HashMap;

/// The month a unit reports for by default on `today`: the last month that has ended, whose
/// report is the one now being collected (due early in the month after).
pub fn reporting_month(today: Date) -> Period {
    match today.month() {
        1 => Period::Month {
            year: today.year() - 1,
            month: 12,
        },
        m => Period::Month {
            year: today.year(),
            month: m - 1,
        },
    }
}

/// One assignment in a unit's workspace.
#[derive(Debug, Clone)]
pub struct Line {
    /// The assignment with its target.
    pub placed: PlacedAssignment,
    /// The name of the unit that holds it (the account's own unit or one below it).
    pub unit: String,
    /// The latest revision filed or drafted for the period, if any.
    pub latest: Option<Report>,
}

impl Line {
    /// Where this period's report stands; `None` when nothing is filed or drafted.
    pub fn status(&self) -> Option<ReportStatus> {
        self.latest.as_ref().map(|r| r.status)
    }
}

/// A returned report the unit has not filed again.
#[derive(Debug, Clone)]
pub struct Returned {
    /// The returned revision, with its reason.
    pub report: Report,
    /// What it reports on.
    pub placed: PlacedAssignment,
    /// The name of the unit that holds the assignment.
    pub unit: String,
}

/// An open problem a unit owns or raised.
#[derive(Debug, Clone)]
pub struct UnitProblem {
    /// The problem.
    pub problem: Problem,
    /// The owner's name.
    pub owner: String,
    /// The raiser's name.
    pub raised_by: String,
    /// Whether it is past its due date.
    pub overdue: bool,
}

/// A unit's workspace for a period.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// The account's unit.
    pub unit: OrgUnit,
    /// The period shown.
    pub period: Period,
    /// The assignments of plans of the period's year, in plan order.
    pub lines: Vec<Line>,
    /// Returned reports still to be corrected, of any period.
    pub returned: Vec<Returned>,
    /// The open problems the unit (or a unit below it) owns or raised, soonest due first.
    pub problems: Vec<UnitProblem>,
    /// Reports of the unit (or a unit below it) due within the reminder window or past due
    /// and not filed, as of today: latest due first, then by assignment.
    pub reminders: Vec<UnitReminder>,
    /// The office's 催报 still standing (the report is still outstanding), one per share and
    /// period (the latest): latest period first, then in plan order.
    pub chased: Vec<Chased>,
}

/// A 催报 from the office the unit has not answered by filing.
#[derive(Debug, Clone)]
pub struct Chased {
    /// The reminder: period, day, who.
    pub reminder: ReportReminder,
    /// The share it is about, with its target.
    pub placed: PlacedAssignment,
    /// The name of the unit that holds the share.
    pub unit: String,
}

/// A report to file soon, or overdue (催报).
#[derive(Debug, Clone)]
pub struct UnitReminder {
    /// Due soon or overdue, with its dates (only `DueSoon` and `Overdue` appear here).
    pub reminder: Reminder,
    /// The assignment it is about, with its target.
    pub placed: PlacedAssignment,
}

/// A unit of the tree, or not found.
fn unit_of(tree: &UnitTree, id: UnitId) -> Result<OrgUnit, AppError> {
    tree.get(id).cloned().ok_or(AppError::NotFound {
        what: "unit",
        id: id.0,
    })
}

fn name(tree: &UnitTree, id: UnitId) -> String {
    tree.get(id)
        .map(|u| u.name.clone())
        .unwrap_or_else(|| id.to_string())
}

/// The unit a unit account acts for, or a refusal for any other account.
fn own_unit(account: &Account) -> Result<UnitId, AppError> {
    match (account.role, account.unit) {
        (Role::Unit, Some(u)) => Ok(u),
        _ => Err(AppError::Forbidden {
            what: "使用责任单位的工作台(仅责任单位账号可用)",
            what_en: "use a responsible unit's workspace (unit accounts only)",
        }),
    }
}

fn invalid(field: &str, reason: impl Into<String>) -> AppError {
    AppError::Invalid {
        field: field.to_string(),
        reason: reason.into(),
    }
}

/// A report is for a month of its plan's year that has begun by `today`.
/// The period rule of the report form: a month of the plan's year that has begun; for a
/// multi-year goal ([`minsheng_domain::path`]), a period of its frequency (a year, or a quarter
/// too) within its years that has begun.
async fn check_period(
    store: &Store,
    placed: &PlacedAssignment,
    period: Period,
    today: Date,
) -> Result<(), AppError> {
    if let Some(goal) = store.goal(placed.target.id).await? {
        minsheng_domain::path::check_report_period(
            goal.frequency,
            placed.year,
            placed.target.deadline,
            period,
        )
        .map_err(|e| invalid("period", e.to_string()))?;
        return check_begun(period, today);
    }
    if !matches!(period, Period::Month { .. }) {
        return Err(invalid(
            "period",
            format!(
                "按月填报,{} 不是月份 / reports are monthly: {period} is not a month",
                period.label_zh()
            ),
        ));
    }
    if period.year() != placed.year {
        return Err(invalid(
            "period",
            format!(
                "{} 不在计划年度 {} 内 / {period} is outside the plan year {}",
                period.label_zh(),
                placed.year,
                placed.year
            ),
        ));
    }
    check_begun(period, today)
}

fn check_begun(period: Period, today: Date) -> Result<(), AppError> {
    if period.first_day() > today {
        return Err(invalid(
            "period",
            format!(
                "{} 尚未开始,不能填报 / {period} has not begun: nothing can be reported for it yet",
                period.label_zh()
            ),
        ));
    }
    Ok(())
}

/// The signed-in unit's workspace for `period`.
pub async fn workspace(
    store: &Store,
    account: &Account,
    period: Period,
    today: Date,
) -> Result<Workspace, AppError> {
    let unit = own_unit(account)?;
    let tree = store.unit_tree().await?;
    ensure_can_report_for(account, &tree, unit)?;
    let placed = store.placed_assignments_within(unit).await?;
    let mut latest: HashMap<AssignmentId, Report> = HashMap::new();
    for r in store.reports_within(unit, period).await? {
        // By assignment, then revision: the last one seen is the latest.
        latest.insert(r.assignment, r);
    }
    let by_id: HashMap<AssignmentId, &PlacedAssignment> =
        placed.iter().map(|p| (p.assignment.id, p)).collect();
    let returned = store
        .open_returns_within(unit)
        .await?
        .into_iter()
        .filter_map(|report| {
            let placed = (*by_id.get(&report.assignment)?).clone();
            Some(Returned {
                unit: name(&tree, placed.assignment.unit),
                report,
                placed,
            })
        })
        .collect();
    let problems = store
        .open_problems()
        .await?
        .into_iter()
        .filter(|p| tree.is_within(p.owner, unit) || tree.is_within(p.raised_by, unit))
        .map(|problem| UnitProblem {
            owner: name(&tree, problem.owner),
            raised_by: name(&tree, problem.raised_by),
            overdue: problem.is_overdue(today),
            problem,
        })
        .collect();
    let reminders = unit_reminders(store, unit, &tree, &placed, period.year(), today).await?;
    let mut once = std::collections::HashSet::new();
    let mut chased: Vec<Chased> = store
        .report_reminders_within(unit)
        .await?
        .into_iter()
        .filter(|r| once.insert((r.assignment, r.period)))
        .filter_map(|reminder| {
            let placed = (*by_id.get(&reminder.assignment)?).clone();
            Some(Chased {
                unit: name(&tree, placed.assignment.unit),
                reminder,
                placed,
            })
        })
        .collect();
    chased.sort_by_key(|c| {
        (
            std::cmp::Reverse(c.reminder.period),
            c.placed.section_no,
            c.placed.item_no,
            c.placed.target.seq,
        )
    });
    let lines = placed
        .iter()
        .filter(|p| p.year == period.year())
        .map(|p| Line {
            placed: p.clone(),
            unit: name(&tree, p.assignment.unit),
            latest: latest.remove(&p.assignment.id),
        })
        .collect();
    Ok(Workspace {
        unit: unit_of(&tree, unit)?,
        period,
        lines,
        returned,
        problems,
        reminders,
        chased,
    })
}

/// The reports a unit's subtree has due soon or overdue in `year`, under the default reporting
/// and reminder rules (due on the 5th of the next month; reminded 3 days ahead).
async fn unit_reminders(
    store: &Store,
    unit: UnitId,
    tree: &UnitTree,
    placed: &[PlacedAssignment],
    year: i16,
    today: Date,
) -> Result<Vec<UnitReminder>, AppError> {
    let of_year: Vec<&PlacedAssignment> = placed.iter().filter(|p| p.year == year).collect();
    if of_year.is_empty() {
        return Ok(Vec::new());
    }
    let periods: Vec<Period> = Period::Year(year)
        .months()
        .filter(|m| m.first_day() <= today)
        .collect();
    let mut reports = Vec::new();
    for p in &periods {
        reports.extend(store.reports_within(unit, *p).await?);
    }
    let assignments: Vec<Assignment> = of_year.iter().map(|p| p.assignment.clone()).collect();
    let records = Records {
        assignments: &assignments,
        periods: &periods,
        reports: &reports,
        problems: &[],
        tree,
    };
    let by_id: HashMap<AssignmentId, &PlacedAssignment> =
        of_year.iter().map(|p| (p.assignment.id, *p)).collect();
    let mut out: Vec<UnitReminder> = minsheng_domain::reminders(
        &records,
        &ReportingRule::default(),
        &ReminderRule::default(),
        today,
    )
    .into_iter()
    .filter_map(|r| {
        let a = match &r {
            Reminder::DueSoon { assignment, .. } | Reminder::Overdue { assignment, .. } => {
                *assignment
            }
            _ => return None,
        };
        let placed = (*by_id.get(&a)?).clone();
        Some(UnitReminder {
            reminder: r,
            placed,
        })
    })
    .collect();
    out.sort_by_key(|u| {
        let due = match u.reminder {
            Reminder::DueSoon { due, .. } | Reminder::Overdue { due, .. } => due,
            _ => today,
        };
        (
            std::cmp::Reverse(due),
            u.placed.section_no,
            u.placed.item_no,
        )
    });
    Ok(out)
}

/// The report form of one assignment and period: what is filed or drafted so far.
#[derive(Debug, Clone)]
pub struct ReportForm {
    /// The assignment with its target.
    pub placed: PlacedAssignment,
    /// The unit that holds it.
    pub unit: OrgUnit,
    /// The period reported for.
    pub period: Period,
    /// This period's revisions, oldest first.
    pub revisions: Vec<Report>,
    /// The last accepted report of an earlier period: a cumulative count may not fall below
    /// its value without a correction.
    pub floor: Option<Report>,
    /// The evidence files of the latest revision.
    pub evidence: Vec<Evidence>,
}

impl ReportForm {
    /// The latest revision of the period.
    pub fn latest(&self) -> Option<&Report> {
        self.revisions.last()
    }

    /// Whether the unit may save or submit now: nothing filed yet, a draft, or a return to
    /// correct. A report awaiting review, or accepted (the period is locked), is not.
    pub fn editable(&self) -> bool {
        self.latest()
            .is_none_or(|r| matches!(r.status, ReportStatus::Draft | ReportStatus::Returned))
    }

    /// The last accepted value a cumulative count may not fall below without a correction,
    /// with its period; `None` for a level or a stage (which may move either way) and before
    /// anything is accepted.
    pub fn floor_value(&self) -> Option<(Period, Decimal)> {
        let r = self
            .floor
            .as_ref()
            .filter(|_| self.placed.target.accrual() == Accrual::Cumulative)?;
        Some((r.period, r.cumulative?))
    }

    /// Whether evidence files may be attached now: to a draft or a report awaiting review.
    pub fn takes_evidence(&self) -> bool {
        self.latest()
            .is_some_and(|r| matches!(r.status, ReportStatus::Draft | ReportStatus::Submitted))
    }
}

/// The report form of `assignment` for `period`, for a unit account that reports for it.
pub async fn report_form(
    store: &Store,
    account: &Account,
    assignment: AssignmentId,
    period: Period,
    today: Date,
) -> Result<ReportForm, AppError> {
    let placed = store.placed_assignment(assignment).await?;
    let tree = store.unit_tree().await?;
    ensure_can_report_for(account, &tree, placed.assignment.unit)?;
    check_period(store, &placed, period, today).await?;
    let history = store.reports_of_assignment(assignment).await?;
    let floor = history
        .iter()
        .filter(|r| r.status == ReportStatus::Accepted && r.period < period)
        .max_by_key(|r| (r.period, r.revision))
        .cloned();
    let revisions: Vec<Report> = history.into_iter().filter(|r| r.period == period).collect();
    let evidence = match revisions.last() {
        Some(r) => store.evidence_of_report(r.id).await?,
        None => Vec::new(),
    };
    Ok(ReportForm {
        unit: unit_of(&tree, placed.assignment.unit)?,
        placed,
        period,
        revisions,
        floor,
        evidence,
    })
}

/// The report form a report belongs to (its assignment and period).
pub async fn report_form_of(
    store: &Store,
    account: &Account,
    report: ReportId,
    today: Date,
) -> Result<ReportForm, AppError> {
    let r = store.report(report).await?;
    report_form(store, account, r.assignment, r.period, today).await
}

/// Saves a draft or submits a report for review, as the signed-in unit. Besides the rules of
/// [`reporting::file_report`]: the period is a month of the plan's year that has begun, and a
/// correction says why in the narrative.
pub async fn save_report(
    store: &Store,
    account: &Account,
    input: &ReportInput,
    file_as: FileAs,
    today: Date,
) -> Result<ReportId, AppError> {
    save_report_with(store, account, input, None, file_as, today).await
}

/// [`save_report`] for a report on a major project's investment, with the milestones
/// reached and 形象进度 ([`reporting::file_report_with`]).
pub async fn save_report_with(
    store: &Store,
    account: &Account,
    input: &ReportInput,
    project: Option<&crate::projects::ProjectReportInput>,
    file_as: FileAs,
    today: Date,
) -> Result<ReportId, AppError> {
    let placed = store.placed_assignment(input.assignment).await?;
    let tree = store.unit_tree().await?;
    ensure_can_report_for(account, &tree, placed.assignment.unit)?;
    let unit = own_unit(account)?;
    check_period(store, &placed, input.period, today).await?;
    if input.correction.is_some() && input.narrative.trim().is_empty() {
        return Err(invalid(
            "narrative",
            "更正数据须在情况说明中写明原因 / a correction needs its reason in the narrative",
        ));
    }
    reporting::file_report_with(
        store,
        &Actor::new(&account.name),
        unit,
        input,
        project,
        file_as,
    )
    .await
}

/// A report awaiting review, as the queue shows it.
#[derive(Debug, Clone)]
pub struct QueueEntry {
    /// The report with its assignment and evidence count.
    pub queued: QueuedReport,
    /// The name of the unit that filed it.
    pub unit: String,
}

/// How many reports a page of the review queue shows by default.
pub const QUEUE_PAGE: u32 = 50;

/// The most reports a page of the review queue shows.
pub const QUEUE_PAGE_MAX: u32 = 10_000;

/// The most reports one bulk review takes.
pub const BULK_MAX: usize = 500;

/// Which reports the review queue shows: filters and the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewFilter {
    /// Of one plan, or of every plan.
    pub plan: Option<PlanId>,
    /// For one month, or any.
    pub period: Option<Period>,
    /// Of one section of the plan, or any.
    pub section: Option<SectionId>,
    /// Of one unit and those below it, or of every unit the account sees.
    pub unit: Option<UnitId>,
    /// Reports in this state: awaiting review (the queue itself), accepted or returned.
    pub state: ReportStatus,
    /// Largest move since the last accepted value first (as a share of the quota), instead
    /// of the oldest filing first.
    pub changed_most: bool,
    /// The page, from 1.
    pub page: u32,
    /// Reports per page (1 to [`QUEUE_PAGE_MAX`]).
    pub per_page: u32,
}

impl Default for ReviewFilter {
    fn default() -> Self {
        ReviewFilter {
            plan: None,
            period: None,
            section: None,
            unit: None,
            state: ReportStatus::Submitted,
            changed_most: false,
            page: 1,
            per_page: QUEUE_PAGE,
        }
    }
}

/// The office's review queue: one page of it, with what the filters offer.
#[derive(Debug, Clone)]
pub struct ReviewQueue {
    /// Every plan, to choose from.
    pub plans: Vec<Plan>,
    /// The plan shown; `None` for all.
    pub plan: Option<PlanId>,
    /// The sections of the plan shown, to choose from (none without a plan).
    pub sections: Vec<Section>,
    /// The units the account may filter by, in tree order, each with its depth.
    pub units: Vec<(OrgUnit, usize)>,
    /// The filter and page shown.
    pub filter: ReviewFilter,
    /// The reports of the page.
    pub entries: Vec<QueueEntry>,
    /// How many reports match, on every page.
    pub total: u64,
}

impl ReviewQueue {
    /// How many pages the matches fill (at least 1).
    pub fn pages(&self) -> u64 {
        self.total
            .div_ceil(u64::from(self.filter.per_page.max(1)))
            .max(1)
    }
}

/// The units of the tree below (and including) `top`, or every unit, in tree order with
/// their depth.
fn units_in_order(tree: &UnitTree, top: Option<UnitId>) -> Vec<(OrgUnit, usize)> {
    fn walk(tree: &UnitTree, u: &OrgUnit, depth: usize, out: &mut Vec<(OrgUnit, usize)>) {
        out.push((u.clone(), depth));
        for c in tree.children(u.id) {
            walk(tree, c, depth + 1, out);
        }
    }
    let mut out = Vec::new();
    let roots: Vec<&OrgUnit> = match top {
        Some(t) => tree.get(t).into_iter().collect(),
        None => tree.units().iter().filter(|u| u.parent.is_none()).collect(),
    };
    for r in roots {
        walk(tree, r, 0, &mut out);
    }
    out
}

/// One page of the reports the account may see that match `filter` (see [`ReviewFilter`]):
/// the office and viewers read the queue; a unit account does not. A viewer of one unit sees
/// that unit's and those below it; asking for another unit is refused.
pub async fn review_queue(
    store: &Store,
    account: &Account,
    filter: &ReviewFilter,
) -> Result<ReviewQueue, AppError> {
    ensure(account, Action::ViewReviewQueue)?;
    if filter.state == ReportStatus::Draft {
        return Err(invalid(
            "state",
            "草稿属于填报单位,不在审核队列中 / drafts are their unit's: they are not in the review queue",
        ));
    }
    if !(1..=QUEUE_PAGE_MAX).contains(&filter.per_page) || filter.page == 0 {
        return Err(invalid(
            "page",
            format!(
                "每页条数须为 1 到 {QUEUE_PAGE_MAX},页码从 1 起 / a page holds 1 to {QUEUE_PAGE_MAX} reports and pages count from 1"
            ),
        ));
    }
    let sections = match filter.plan {
        Some(p) => {
            store.plan(p).await?;
            store.sections(p).await?
        }
        None => Vec::new(),
    };
    if let Some(s) = filter.section
        && !sections.iter().any(|x| x.id == s)
    {
        return Err(invalid(
            "section",
            format!("方面 {s} 不属于所选计划 / section {s} is not one of the chosen plan's"),
        ));
    }
    let tree = store.unit_tree().await?;
    // The account's own scope, narrowed by the unit asked for.
    let own = if account.sees_all() {
        None
    } else {
        account.unit
    };
    let within = match (filter.unit, own) {
        (Some(u), _) => {
            unit_of(&tree, u)?;
            ensure_can_see(account, &tree, u)?;
            Some(u)
        }
        (None, own) => own,
    };
    let page = store
        .review_page(&QueueQuery {
            status: filter.state,
            plan: filter.plan,
            period: filter.period,
            section: filter.section,
            within,
            changed_most: filter.changed_most,
            limit: filter.per_page,
            offset: u64::from(filter.page - 1) * u64::from(filter.per_page),
        })
        .await?;
    let entries = page
        .reports
        .into_iter()
        .map(|queued| QueueEntry {
            unit: name(&tree, queued.placed.assignment.unit),
            queued,
        })
        .collect();
    Ok(ReviewQueue {
        plans: store.plans().await?,
        plan: filter.plan,
        sections,
        units: units_in_order(&tree, own),
        filter: filter.clone(),
        entries,
        total: page.total,
    })
}

/// Accepts a submitted report or returns it with a reason; the office only.
pub async fn review(
    store: &Store,
    account: &Account,
    report: ReportId,
    decision: &Decision,
) -> Result<(), AppError> {
    ensure(account, Action::Review)?;
    if let Decision::Return(reason) = decision {
        check_length(TextField::ReturnReason, reason.trim()).map_err(|e| AppError::Invalid {
            field: "reason".into(),
            reason: e.to_string(),
        })?;
    }
    reporting::review_report(store, &Actor::new(&account.name), report, decision).await
}

/// What happened to one report of a bulk review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reviewed {
    /// Accepted or returned as asked.
    Done,
    /// Someone else reviewed it first; nothing was changed (the message says how it stands).
    AlreadyReviewed(String),
    /// Refused for a reason of its own (not awaiting review, not found); nothing changed.
    Refused(String),
}

/// Accepts or returns several reports at once, each exactly as [`review`] would, one at a
/// time: each through the same conditional transition in its own transaction, audited on its
/// own. A report reviewed meanwhile by someone else, or refused for a reason of its own, is
/// said per row and does not stop the others; only a failure of the system itself ends the
/// batch (what was done before it stays done). At most [`BULK_MAX`] reports, each once.
pub async fn review_many(
    store: &Store,
    account: &Account,
    reports: &[ReportId],
    decision: &Decision,
) -> Result<Vec<(ReportId, Reviewed)>, AppError> {
    ensure(account, Action::Review)?;
    if reports.is_empty() {
        return Err(invalid(
            "reports",
            "请先勾选要审核的报告 / choose the reports to review first",
        ));
    }
    if let Decision::Return(reason) = decision
        && reason.trim().is_empty()
    {
        return Err(invalid(
            "reason",
            "退回须说明理由 / a return needs a reason",
        ));
    }
    if reports.len() > BULK_MAX {
        return Err(invalid(
            "reports",
            format!("一次最多审核 {BULK_MAX} 份报告 / at most {BULK_MAX} reports at once"),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for &id in reports.iter().filter(|id| seen.insert(**id)) {
        let outcome = match review(store, account, id, decision).await {
            Ok(()) => Reviewed::Done,
            Err(AppError::Conflict { reason }) => Reviewed::AlreadyReviewed(reason),
            Err(e @ (AppError::Invalid { .. } | AppError::NotFound { .. })) => {
                Reviewed::Refused(e.to_string())
            }
            Err(e) => return Err(e),
        };
        out.push((id, outcome));
    }
    Ok(out)
}

/// One revision with its evidence files.
#[derive(Debug, Clone)]
pub struct Revision {
    /// The revision.
    pub report: Report,
    /// Its evidence files, oldest first.
    pub evidence: Vec<Evidence>,
}

/// A report with every revision filed for its assignment and period.
#[derive(Debug, Clone)]
pub struct ReportView {
    /// The revision asked for.
    pub report: Report,
    /// What it reports on.
    pub placed: PlacedAssignment,
    /// The plan.
    pub plan: Plan,
    /// The unit that holds the assignment.
    pub unit: OrgUnit,
    /// Every revision of the assignment and period, oldest first, with its evidence.
    pub revisions: Vec<Revision>,
}

/// A draft is its unit's until it is filed: only accounts that report for the unit (it and
/// the units above it) see it; to anyone else it does not exist.
fn ensure_draft_visible(
    account: &Account,
    tree: &UnitTree,
    unit: UnitId,
    report: &Report,
) -> Result<(), AppError> {
    if report.status == ReportStatus::Draft && !account.can_report_for(tree, unit) {
        return Err(AppError::NotFound {
            what: "report",
            id: report.id.0,
        });
    }
    Ok(())
}

/// A report and its history, for anyone who may see its unit; drafts only for the units
/// that report for it ([`ensure_draft_visible`]).
pub async fn report_view(
    store: &Store,
    account: &Account,
    id: ReportId,
) -> Result<ReportView, AppError> {
    let report = store.report(id).await?;
    let placed = store.placed_assignment(report.assignment).await?;
    let tree = store.unit_tree().await?;
    ensure_can_see(account, &tree, placed.assignment.unit)?;
    ensure_draft_visible(account, &tree, placed.assignment.unit, &report)?;
    let drafts = account.can_report_for(&tree, placed.assignment.unit);
    let mut revisions = Vec::new();
    for r in store.reports_of_assignment(report.assignment).await? {
        if r.period == report.period && (drafts || r.status != ReportStatus::Draft) {
            revisions.push(Revision {
                evidence: store.evidence_of_report(r.id).await?,
                report: r,
            });
        }
    }
    Ok(ReportView {
        plan: store.plan(placed.plan).await?,
        unit: unit_of(&tree, placed.assignment.unit)?,
        report,
        placed,
        revisions,
    })
}

/// Attaches an evidence file to a report of the signed-in unit (see
/// [`reporting::attach_evidence`] for what is accepted).
pub async fn attach(
    store: &Store,
    account: &Account,
    report: ReportId,
    file_name: &str,
    content_type: &str,
    content: &[u8],
) -> Result<EvidenceId, AppError> {
    let r = store.report(report).await?;
    let assignment = store.assignment(r.assignment).await?;
    let tree = store.unit_tree().await?;
    ensure_can_report_for(account, &tree, assignment.unit)?;
    let unit = own_unit(account)?;
    reporting::attach_evidence(
        store,
        &Actor::new(&account.name),
        unit,
        report,
        file_name,
        content_type,
        content,
    )
    .await
}

/// An evidence file with its bytes, for anyone who may see the report's unit.
pub async fn evidence_file(
    store: &Store,
    account: &Account,
    id: EvidenceId,
) -> Result<(Evidence, Vec<u8>), AppError> {
    let meta = store.evidence_meta(id).await?;
    let report = store.report(meta.report).await?;
    let assignment = store.assignment(report.assignment).await?;
    let tree = store.unit_tree().await?;
    ensure_can_see(account, &tree, assignment.unit)?;
    ensure_draft_visible(account, &tree, assignment.unit, &report).map_err(|_| {
        AppError::NotFound {
            what: "evidence",
            id: id.0,
        }
    })?;
    Ok(store.evidence(id).await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn the_reporting_month_is_the_last_one_ended() {
        assert_eq!(
            reporting_month(date(2023, 10, 15)),
            Period::Month {
                year: 2023,
                month: 9
            }
        );
        assert_eq!(
            reporting_month(date(2024, 1, 3)),
            Period::Month {
                year: 2023,
                month: 12
            }
        );
    }
}
