//! Major projects (重大项目调度) for a signed-in account: the office creates and edits a
//! project of a `major_projects` plan ([`create`], [`update`]), units file reports on its
//! investment with the milestones reached and 形象进度 ([`ProjectReportInput`], through
//! [`crate::reporting::file_report_with`] and [`crate::workspace::save_report_with`]), the
//! office's accept applies those milestones in its own transaction ([`on_accept`]), and the
//! dashboard ([`dashboard`]) and a project's page ([`page`]) show the figures.
//!
//! A project is an item of the plan; its annual planned investment is a target of the item
//! (in 万元 or 亿元, a count, `ge`) assigned to the responsible unit as lead, its monthly or
//! quarterly split that assignment's schedule points. Its capacities (年产15万辆, 15GWh) are
//! further targets of the item, each a level (never divided), with no assignment unless the
//! office gives it one: they are commitments to show, not figures reported monthly. Status,
//! forecast and completion of the investment are [`crate::tracking`]'s, computed once; the
//! milestones, lights and roll-ups are [`minsheng_domain::project`]'s.

use crate::accounts::{ensure, ensure_can_see};
use crate::error::AppError;
use crate::tracking::{self, TargetTracking};
use jiff::civil::{Date, date};
use minsheng_domain::project::{
    self as domain, GroupBy, GroupFigures, GroupKey, Industry, MilestoneKind, Project,
    ProjectError, ProjectFigures, ProjectMilestone, ProjectState,
};
use minsheng_domain::schedule::PointSchedule;
use minsheng_domain::*;
use minsheng_store::{
    NewAssignment, NewTarget, ProjectReport, Store, StoreError, TargetChange, Tx,
};
use rust_decimal::Decimal;
use std::collections::HashMap;

/// The section a plan's projects are listed under when the office adds them one by one.
pub const SECTION: &str = "重大项目";

/// A capacity the project commits to (年产15万辆, 规划 / 可达 / 极限, 一期).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capacity {
    /// The figure.
    pub value: Decimal,
    /// Its unit (万辆, GWh, 亿元).
    pub unit: String,
    /// 规划, 可达, 极限 …, when the text says.
    pub qualifier: Option<String>,
    /// 一期, 二期 …, when the text says.
    pub phase: Option<String>,
    /// What it measures (年产量, 产能, 年产值), in the text's words.
    pub what: String,
}

/// A project as the office (or the extractor's draft) gives it: plain fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProject {
    /// The project's name.
    pub name: String,
    /// 项目代码, when known.
    pub code: Option<String>,
    /// 业主单位.
    pub owner: String,
    /// The responsible unit (its investment target's lead).
    pub responsible: UnitId,
    /// 包保领导 / 专班.
    pub leader: Option<String>,
    /// The region it is built in.
    pub region: UnitId,
    /// Where, in words.
    pub place: String,
    /// Its industry, a 门类 letter of GB/T 4754-2017.
    pub industry: String,
    /// 总投资, in 元.
    pub total_investment: Decimal,
    /// 以前年度累计完成投资, in 元.
    pub invested_before: Decimal,
    /// The project's first year.
    pub start_year: i16,
    /// Its last year.
    pub end_year: i16,
    /// This year's planned investment, in `investment_unit`; `None`: no investment target.
    pub annual_investment: Option<Decimal>,
    /// 万元 or 亿元.
    pub investment_unit: String,
    /// The planned investment by the end of given periods (cumulative, in
    /// `investment_unit`): the schedule's points; empty for 序时进度.
    pub schedule: Vec<(Period, Decimal)>,
    /// Each milestone's planned and actual dates.
    pub milestones: Vec<ProjectMilestone>,
    /// Its capacities.
    pub capacities: Vec<Capacity>,
}

/// What a report on a project's investment carries beside the figure.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProjectReportInput {
    /// 形象进度, in the unit's words.
    pub progress: String,
    /// A revised 总投资 in 元, when the unit states one.
    pub revised_total: Option<Decimal>,
    /// Milestones reached, with their dates.
    pub milestones: Vec<(MilestoneKind, Date)>,
}

fn invalid(field: impl Into<String>, reason: impl Into<String>) -> AppError {
    AppError::Invalid {
        field: field.into(),
        reason: reason.into(),
    }
}

fn refused(e: ProjectError) -> AppError {
    invalid(e.field(), e.to_string())
}

/// The project record `input` describes, checked.
fn record(input: &NewProject, item: ItemId, tree: &UnitTree) -> Result<Project, AppError> {
    let industry = Industry::from_code(input.industry.trim()).ok_or_else(|| {
        invalid(
            "industry",
            format!(
                "行业“{}”不在国民经济行业分类门类中 / '{}' is not a section of the industry classification",
                input.industry, input.industry
            ),
        )
    })?;
    for (field, unit) in [("responsible", input.responsible), ("region", input.region)] {
        if tree.get(unit).is_none() {
            return Err(invalid(
                field,
                format!("单位 {unit} 不存在 / unit {unit} does not exist"),
            ));
        }
    }
    for (field, text) in [
        ("name", input.name.as_str()),
        ("owner", input.owner.as_str()),
        ("place", input.place.as_str()),
        ("leader", input.leader.as_deref().unwrap_or("")),
    ] {
        check_length(TextField::ProjectField, text).map_err(|e| invalid(field, e.to_string()))?;
    }
    let p = Project {
        item,
        name: input.name.trim().to_string(),
        code: input
            .code
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string),
        owner: input.owner.trim().to_string(),
        responsible: input.responsible,
        leader: input
            .leader
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string),
        region: input.region,
        place: input.place.trim().to_string(),
        industry,
        total_investment: input.total_investment,
        invested_before: input.invested_before,
        start_year: input.start_year,
        end_year: input.end_year,
        investment_target: None,
        revision: 1,
    };
    domain::check_project(&p).map_err(refused)?;
    Ok(p)
}

fn check_capacity(c: &Capacity, i: usize) -> Result<(), AppError> {
    let field = |f: &str| format!("capacities.{i}.{f}");
    if c.unit.trim().is_empty() {
        return Err(invalid(
            field("unit"),
            "产能须有单位 / a capacity needs its unit",
        ));
    }
    if c.value <= Decimal::ZERO {
        return Err(invalid(
            field("value"),
            "产能须大于零 / a capacity must be above zero",
        ));
    }
    check_report_value(c.value, c.unit.trim()).map_err(|e| invalid(field("value"), e.to_string()))
}

fn capacity_phrase(c: &Capacity) -> String {
    format!(
        "{}{}{}{}{}",
        c.phase.as_deref().unwrap_or(""),
        c.qualifier.as_deref().unwrap_or(""),
        c.what,
        quantity::format_zh_exact(c.value),
        c.unit.trim()
    )
}

fn capacity_target(item: ItemId, seq: u32, c: &Capacity, year: i16) -> NewTarget {
    NewTarget {
        item,
        seq,
        quantity: Quantity::new(c.value, c.unit.trim()),
        cmp: Cmp::Ge,
        phrase: capacity_phrase(c),
        span: None,
        implicit: false,
        delta: false,
        deadline: year_end(year),
        baseline: None,
        kind: TargetKind::Quantity,
        accrual_set: Some(Accrual::Level),
    }
}

fn year_end(year: i16) -> Date {
    date(year, 12, 31)
}

/// Checks the annual investment's unit and value, and its schedule against it.
fn investment_goal(
    input: &NewProject,
    year: i16,
) -> Result<Option<(Quantity, Vec<SchedulePoint>)>, AppError> {
    let Some(value) = input.annual_investment else {
        if !input.schedule.is_empty() {
            return Err(invalid(
                "schedule",
                "未填年度计划投资,不能分解到月 / no annual planned investment to split",
            ));
        }
        return Ok(None);
    };
    let unit = input.investment_unit.trim();
    if !matches!(unit, "万元" | "亿元") {
        return Err(refused(ProjectError::MoneyUnit(unit.to_string())));
    }
    if value <= Decimal::ZERO {
        return Err(invalid(
            "annual_investment",
            "年度计划投资须大于零 / the annual planned investment must be above zero",
        ));
    }
    check_report_value(value, unit).map_err(|e| invalid("annual_investment", e.to_string()))?;
    let q = Quantity::new(value, unit);
    let points: Vec<SchedulePoint> = input
        .schedule
        .iter()
        .map(|(period, expected)| SchedulePoint {
            period: *period,
            expected: *expected,
        })
        .collect();
    if !points.is_empty() {
        let goal = Goal {
            value,
            cmp: Cmp::Ge,
            accrual: Accrual::Cumulative,
            deadline: year_end(year),
            baseline: None,
        };
        PointSchedule::new(points.clone(), &goal)
            .map_err(|e| invalid("schedule", e.to_string()))?;
    }
    Ok(Some((q, points)))
}

fn investment_target(item: ItemId, q: &Quantity, year: i16) -> NewTarget {
    NewTarget {
        item,
        seq: 1,
        quantity: q.clone(),
        cmp: Cmp::Ge,
        phrase: format!(
            "年度计划投资{}{}",
            quantity::format_zh_exact(q.value),
            q.unit
        ),
        span: None,
        implicit: false,
        delta: false,
        deadline: year_end(year),
        baseline: None,
        kind: TargetKind::Quantity,
        accrual_set: Some(Accrual::Cumulative),
    }
}

async fn major_projects_plan(store: &Store, plan: PlanId) -> Result<Plan, AppError> {
    let plan = store.plan(plan).await?;
    if plan.kind != PlanKind::MajorProjects {
        return Err(invalid(
            "plan",
            format!(
                "计划“{}”不是重大项目计划 / plan '{}' is not a major-projects plan",
                plan.title, plan.title
            ),
        ));
    }
    Ok(plan)
}

/// Creates a project in `plan` (a `major_projects` plan) for the office: its item, its
/// investment target assigned to the responsible unit with the schedule's points, its
/// capacity targets, its record and milestones, in one transaction. Every refusal names its
/// field and nothing is saved.
pub async fn create(
    store: &Store,
    account: &Account,
    plan: PlanId,
    input: &NewProject,
    today: Date,
) -> Result<ItemId, AppError> {
    ensure(account, Action::EditPlan)?;
    ensure(account, Action::Decompose)?;
    let plan = major_projects_plan(store, plan).await?;
    let tree = store.unit_tree().await?;
    let checked = record(input, ItemId(0), &tree)?;
    domain::check_milestones(&checked, &input.milestones, today).map_err(refused)?;
    let investment = investment_goal(input, plan.year)?;
    for (i, c) in input.capacities.iter().enumerate() {
        check_capacity(c, i)?;
    }
    let lead = tree
        .get(input.responsible)
        .map(|u| u.name.clone())
        .unwrap_or_default();
    let (st, actor, input) = (store.clone(), Actor::new(&account.name), input.clone());
    store
        .writing(async move {
            let mut tx = st.begin(&actor).await?;
            let item = tx
                .append_project_item(plan.id, SECTION, &checked.name, &[lead])
                .await?;
            let mut project = Project { item, ..checked };
            if let Some((q, points)) = &investment {
                let t = investment_target(item, q, plan.year);
                project.investment_target =
                    Some(add_investment(&mut tx, &t, project.responsible, points).await?);
            }
            for (i, c) in input.capacities.iter().enumerate() {
                let seq = u32::try_from(i + 2).unwrap_or(u32::MAX);
                tx.insert_target(&capacity_target(item, seq, c, plan.year))
                    .await?;
            }
            tx.insert_project(&project).await?;
            tx.set_project_milestones(item, &input.milestones).await?;
            tx.commit().await?;
            Ok(item)
        })
        .await
}

/// Changes a project for the office, made from revision `from` (what the form showed): its
/// record, milestones, this year's planned investment and schedule, and its capacities (each
/// in the unit its target uses; more are added). A project changed by someone else meanwhile
/// is [`AppError::Conflict`]; every refusal names its field and nothing is saved.
pub async fn update(
    store: &Store,
    account: &Account,
    item: ItemId,
    from: i64,
    input: &NewProject,
    today: Date,
) -> Result<i64, AppError> {
    ensure(account, Action::EditPlan)?;
    ensure(account, Action::Decompose)?;
    let (_, plan) = store.item(item).await?;
    let plan = major_projects_plan(store, plan).await?;
    let tree = store.unit_tree().await?;
    let checked = record(input, item, &tree)?;
    domain::check_milestones(&checked, &input.milestones, today).map_err(refused)?;
    let investment = investment_goal(input, plan.year)?;
    for (i, c) in input.capacities.iter().enumerate() {
        check_capacity(c, i)?;
    }
    let capacity_ids: Vec<TargetId> = store
        .targets(plan.id)
        .await?
        .into_iter()
        .filter(|t| t.item == item)
        .map(|t| t.id)
        .collect();
    let (st, actor, input) = (store.clone(), Actor::new(&account.name), input.clone());
    store
        .writing(async move {
            let mut tx = st.begin(&actor).await?;
            let old = tx.project(item).await?;
            let mut project = Project {
                investment_target: old.investment_target,
                ..checked
            };
            match (&investment, old.investment_target) {
                (Some((q, points)), Some(target)) => {
                    let local = crate::rollup::Local::begin(&mut tx, target).await?;
                    tx.update_target(
                        target,
                        &TargetChange {
                            quantity: Some(q.clone()),
                            ..TargetChange::default()
                        },
                    )
                    .await?;
                    if let Some(a) = tx
                        .assignments_of_target(target)
                        .await?
                        .into_iter()
                        .find(|a| a.role == AssignmentRole::Lead)
                    {
                        tx.set_schedule(a.id, points).await?;
                    }
                    local.finish(&mut tx).await?;
                }
                (Some((q, points)), None) => {
                    let mut t = investment_target(item, q, plan.year);
                    t.seq = next_seq(&mut tx, &capacity_ids).await?;
                    project.investment_target =
                        Some(add_investment(&mut tx, &t, project.responsible, points).await?);
                }
                (None, _) => {}
            }
            // Capacities: the item's targets other than the investment's, in order.
            let mut existing = Vec::new();
            for id in &capacity_ids {
                if Some(*id) != project.investment_target {
                    existing.push(tx.target(*id).await?);
                }
            }
            existing.sort_by_key(|t| t.seq);
            let mut seq = next_seq(&mut tx, &capacity_ids).await?;
            for (i, c) in input.capacities.iter().enumerate() {
                match existing.get(i) {
                    Some(t) => {
                        domain::check_capacity_unit(c.unit.trim(), &t.quantity.unit)
                            .map_err(|e| invalid(format!("capacities.{i}.unit"), e.to_string()))?;
                        if t.quantity.value != c.value {
                            tx.lock_target_and_assignments(t.id).await?;
                            tx.update_target(
                                t.id,
                                &TargetChange {
                                    quantity: Some(Quantity::new(c.value, c.unit.trim())),
                                    ..TargetChange::default()
                                },
                            )
                            .await?;
                        }
                    }
                    None => {
                        tx.insert_target(&capacity_target(item, seq, c, plan.year))
                            .await?;
                        seq = seq.saturating_add(1);
                    }
                }
            }
            let revision = tx.update_project(&project, from).await?;
            tx.set_project_milestones(item, &input.milestones).await?;
            tx.commit().await?;
            Ok(revision)
        })
        .await
}

/// Writes a project's investment target `t`, assigned to the `responsible` unit as lead with
/// the schedule's `points`: the target locked (refusing a closed plan) and its part of the
/// roll-up kept current, as a split does.
async fn add_investment(
    tx: &mut Tx,
    t: &NewTarget,
    responsible: UnitId,
    points: &[SchedulePoint],
) -> Result<TargetId, AppError> {
    let target = tx.insert_target(t).await?;
    let local = crate::rollup::Local::begin(tx, target).await?;
    let a = tx
        .insert_assignment(&NewAssignment {
            target,
            unit: responsible,
            role: AssignmentRole::Lead,
            quota: None,
            budget: None,
        })
        .await?;
    if !points.is_empty() {
        tx.set_schedule(a, points).await?;
    }
    local.finish(tx).await?;
    Ok(target)
}

async fn next_seq(tx: &mut Tx, ids: &[TargetId]) -> Result<u32, StoreError> {
    let mut max = 0;
    for id in ids {
        max = max.max(tx.target(*id).await?.seq);
    }
    Ok(max.saturating_add(1))
}

/// The rules a report on a project's investment obeys beside the figure's own
/// ([`crate::reporting`]'s), checked inside the filing's transaction: the target is a
/// project's; the investment completed with what came before this year does not pass 总投资
/// unless the report states a revised total; the milestones reached are in order with those
/// already met and none lies after today; 形象进度 fits. Returns what to record.
pub(crate) async fn check_report(
    tx: &mut Tx,
    target: &Target,
    value: Option<Decimal>,
    extra: &ProjectReportInput,
    today: Date,
) -> Result<ProjectReport, AppError> {
    let Some(project) = tx.project_of_target(target.id).await? else {
        return Err(invalid(
            "assignment",
            "该任务不是重大项目的投资任务,不能填写项目进展 / this target is not a project's: no milestones or 形象进度 can be reported on it",
        ));
    };
    check_length(TextField::Progress, &extra.progress)
        .map_err(|e| invalid("progress", e.to_string()))?;
    if let Some(v) = value
        && project.investment_target == Some(target.id)
    {
        domain::check_investment(&project, v, &target.quantity.unit, extra.revised_total)
            .map_err(refused)?;
    } else if let Some(r) = extra.revised_total
        && r <= Decimal::ZERO
    {
        return Err(refused(ProjectError::RevisedTotal));
    }
    let mut seen = std::collections::BTreeSet::new();
    for (kind, _) in &extra.milestones {
        if !seen.insert(*kind) {
            return Err(refused(ProjectError::Duplicate {
                field: format!("milestones.{}", kind.code()),
                kind: *kind,
            }));
        }
    }
    let merged = merge(
        tx.project_milestones(project.item).await?,
        &extra.milestones,
    );
    domain::check_milestones(&project, &merged, today).map_err(refused)?;
    let mut milestones = extra.milestones.clone();
    milestones.sort();
    Ok(ProjectReport {
        report: ReportId(0),
        item: project.item,
        progress: extra.progress.trim().to_string(),
        revised_total: extra.revised_total,
        milestones,
    })
}

/// The project's milestones with those a report says were reached.
fn merge(
    mut milestones: Vec<ProjectMilestone>,
    reached: &[(MilestoneKind, Date)],
) -> Vec<ProjectMilestone> {
    for (kind, actual) in reached {
        match milestones.iter_mut().find(|m| m.kind == *kind) {
            Some(m) => m.actual = Some(*actual),
            None => milestones.push(ProjectMilestone {
                kind: *kind,
                planned: None,
                actual: Some(*actual),
            }),
        }
    }
    milestones.sort_by_key(|m| m.kind);
    milestones
}

/// Applies an accepted report's milestones and revised total to its project, inside the
/// accept's transaction (so they pass review with the figure). The milestones are checked
/// again against the project as it is now: one that no longer fits (another report moved an
/// earlier milestone meanwhile) refuses the accept, naming the milestone.
pub(crate) async fn on_accept(tx: &mut Tx, report: &Report) -> Result<(), AppError> {
    let Some(extra) = tx.project_report(report.id).await? else {
        return Ok(());
    };
    let project = tx.project(extra.item).await?;
    let today = crate::clock::date_in_beijing(tx.now());
    let merged = merge(tx.project_milestones(extra.item).await?, &extra.milestones);
    domain::check_milestones(&project, &merged, today).map_err(refused)?;
    tx.apply_project_report(&extra).await?;
    Ok(())
}

/// One project's line on the dashboard and its page.
#[derive(Debug, Clone)]
pub struct ProjectLine {
    /// The project.
    pub project: Project,
    /// Its milestones and light at the day.
    pub state: ProjectState,
    /// Its investment target's line in the plan's tracking, when it has one.
    pub investment: Option<TargetTracking>,
    /// Its figures for the roll-ups (元).
    pub figures: ProjectFigures,
    /// Its capacity targets.
    pub capacities: Vec<Target>,
}

/// A group of the dashboard's roll-ups, named.
#[derive(Debug, Clone)]
pub struct Group {
    /// The region, industry or unit, in Chinese.
    pub name_zh: String,
    /// In English.
    pub name_en: String,
    /// Its figures.
    pub figures: GroupFigures,
}

/// The projects dashboard of a plan at a period.
#[derive(Debug, Clone)]
pub struct Dashboard {
    /// The plan.
    pub plan: Plan,
    /// The period looked at.
    pub period: Period,
    /// The day the milestones are judged at.
    pub today: Date,
    /// Every project.
    pub lines: Vec<ProjectLine>,
    /// The plan's totals.
    pub total: GroupFigures,
    /// By region.
    pub by_region: Vec<Group>,
    /// By industry.
    pub by_industry: Vec<Group>,
    /// By responsible unit.
    pub by_responsible: Vec<Group>,
}

fn yuan(value: Option<Decimal>, unit: &str) -> Decimal {
    value
        .and_then(|v| domain::to_yuan(v, unit))
        .unwrap_or(Decimal::ZERO)
}

/// The project lines of a plan at `period`, judged at `today`, from the plan's tracking.
async fn lines(
    store: &Store,
    plan: &Plan,
    period: Period,
    today: Date,
) -> Result<Vec<ProjectLine>, AppError> {
    let thresholds = Thresholds::default();
    let tracked = tracking::tracking(store, plan.id, period, today, &thresholds).await?;
    let by_target: HashMap<TargetId, TargetTracking> = tracked
        .targets
        .into_iter()
        .map(|t| (t.target.id, std::sync::Arc::unwrap_or_clone(t)))
        .collect();
    let mut milestones = store.project_milestones_of_plan(plan.id).await?;
    let targets = store.targets(plan.id).await?;
    let mut out = Vec::new();
    for project in store.projects_of_plan(plan.id).await? {
        let investment = project
            .investment_target
            .and_then(|t| by_target.get(&t).cloned());
        let ms = milestones.remove(&project.item).unwrap_or_default();
        let state = domain::assess_project(&ms, investment.as_ref().map(|t| t.status), today);
        let (planned, expected, completed) = match &investment {
            Some(t) => {
                let unit = t.target.quantity.unit.as_str();
                (
                    yuan(Some(t.target.quantity.value), unit),
                    yuan(t.expected, unit),
                    yuan(t.rollup.value, unit),
                )
            }
            None => (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO),
        };
        let figures = ProjectFigures::of(&project, &state, planned, expected, completed);
        let capacities = targets
            .iter()
            .filter(|t| t.item == project.item && Some(t.id) != project.investment_target)
            .cloned()
            .collect();
        out.push(ProjectLine {
            project,
            state,
            investment,
            figures,
            capacities,
        });
    }
    Ok(out)
}

fn named(tree: &UnitTree, groups: Vec<(GroupKey, GroupFigures)>) -> Vec<Group> {
    groups
        .into_iter()
        .map(|(key, figures)| {
            let (name_zh, name_en) = match key {
                GroupKey::Unit(u) => {
                    let n = tree
                        .get(u)
                        .map_or_else(|| u.to_string(), |u| u.name.clone());
                    (n.clone(), n)
                }
                GroupKey::Industry(i) => (i.label_zh().to_string(), i.label_en().to_string()),
            };
            Group {
                name_zh,
                name_en,
                figures,
            }
        })
        .collect()
}

/// The projects dashboard of `plan` at `period` (`None`: the default month) for the
/// office and leaders ([`Action::ViewDashboard`]).
pub async fn dashboard(
    store: &Store,
    account: &Account,
    plan: PlanId,
    period: Option<&str>,
    today: Date,
) -> Result<Dashboard, AppError> {
    ensure(account, Action::ViewDashboard)?;
    let plan = major_projects_plan(store, plan).await?;
    let period = tracking::period_or_default(plan.year, period, today)?;
    let lines = lines(store, &plan, period, today).await?;
    let tree = store.unit_tree().await?;
    let rows: Vec<ProjectFigures> = lines.iter().map(|l| l.figures.clone()).collect();
    Ok(Dashboard {
        total: domain::total(&rows),
        by_region: named(&tree, domain::roll_up(&rows, GroupBy::Region)),
        by_industry: named(&tree, domain::roll_up(&rows, GroupBy::Industry)),
        by_responsible: named(&tree, domain::roll_up(&rows, GroupBy::Responsible)),
        plan,
        period,
        today,
        lines,
    })
}

/// One month of a project's investment chart: expected and completed, in the target's unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Month {
    /// The month.
    pub period: Period,
    /// Expected by its end (序时 or the schedule's points).
    pub expected: Option<Decimal>,
    /// Completed by its end (accepted).
    pub completed: Option<Decimal>,
}

/// A project's page.
#[derive(Debug, Clone)]
pub struct Page {
    /// The plan.
    pub plan: Plan,
    /// The period looked at.
    pub period: Period,
    /// The project's line.
    pub line: ProjectLine,
    /// Its investment by month, January to the period.
    pub months: Vec<Month>,
    /// Its investment's trajectory for the chart (序时, actual, forecast), in the target's
    /// unit.
    pub trajectory: Option<crate::target_detail::Trajectory>,
    /// Reports on its investment target, newest first, with what each says beside the figure.
    pub reports: Vec<(Report, Option<ProjectReport>)>,
    /// Problems raised in those reports.
    pub problems: Vec<Problem>,
    /// Its responsible unit's and region's names.
    pub responsible_name: String,
    /// The region's name.
    pub region_name: String,
    /// Whether the account may edit it.
    pub editable: bool,
}

/// A project's page for anyone who may read plans and sees its responsible unit.
pub async fn page(
    store: &Store,
    account: &Account,
    item: ItemId,
    period: Option<&str>,
    today: Date,
) -> Result<Page, AppError> {
    ensure(account, Action::ViewPlans)?;
    let project = store.project(item).await?;
    let tree = store.unit_tree().await?;
    ensure_can_see(account, &tree, project.responsible)?;
    let (_, plan) = store.item(item).await?;
    let plan = major_projects_plan(store, plan).await?;
    let period = tracking::period_or_default(plan.year, period, today)?;
    let line = lines(store, &plan, period, today)
        .await?
        .into_iter()
        .find(|l| l.project.item == item)
        .ok_or(AppError::NotFound {
            what: "project",
            id: item.0,
        })?;
    let mut months = Vec::new();
    let (mut reports, mut problems) = (Vec::new(), Vec::new());
    let mut trajectory = None;
    if let Some(target) = project.investment_target {
        let one = tracking::target_tracking(store, target, period, &Thresholds::default()).await?;
        trajectory = crate::target_detail::trajectory(
            &one.tracking.target,
            &one.carriers,
            &one.reports,
            period,
            one.tracking.forecast.as_ref(),
        );
        let mut m = Period::month(plan.year, 1).map_err(|e| invalid("period", e.to_string()))?;
        let last = period.last_month();
        loop {
            let one = tracking::target_tracking(store, target, m, &Thresholds::default()).await?;
            months.push(Month {
                period: m,
                expected: one.tracking.expected,
                completed: one.tracking.rollup.value,
            });
            if m >= last || m.month_range().1 >= 12 {
                break;
            }
            m = m.next_month();
        }
        let extras: HashMap<ReportId, ProjectReport> = store
            .project_reports(item)
            .await?
            .into_iter()
            .map(|r| (r.report, r))
            .collect();
        let mut rs = store.reports_of_target(target).await?;
        rs.retain(|r| r.status != ReportStatus::Draft);
        rs.sort_by_key(|r| std::cmp::Reverse((r.period, r.revision, r.id)));
        reports = rs
            .into_iter()
            .map(|r| {
                let extra = extras.get(&r.id).cloned();
                (r, extra)
            })
            .collect();
        problems = store.problems_of_target(target).await?;
    }
    let name = |u: UnitId| {
        tree.get(u)
            .map_or_else(|| u.to_string(), |u| u.name.clone())
    };
    Ok(Page {
        responsible_name: name(project.responsible),
        region_name: name(project.region),
        editable: account.may(Action::EditPlan).is_ok(),
        plan,
        period,
        line,
        months,
        trajectory,
        reports,
        problems,
    })
}

/// What the office's form shows to edit a project: its input as it stands and its revision.
pub async fn edit_form(
    store: &Store,
    account: &Account,
    item: ItemId,
) -> Result<(PlanId, NewProject, i64), AppError> {
    ensure(account, Action::EditPlan)?;
    let p = store.project(item).await?;
    let (_, plan) = store.item(item).await?;
    let targets: Vec<Target> = store
        .targets(plan)
        .await?
        .into_iter()
        .filter(|t| t.item == item)
        .collect();
    let investment = targets.iter().find(|t| Some(t.id) == p.investment_target);
    let mut schedule = Vec::new();
    if let Some(t) = investment
        && let Some(a) = store
            .assignments_of_target(t.id)
            .await?
            .into_iter()
            .find(|a| a.role == AssignmentRole::Lead)
    {
        schedule = store
            .schedule(a.id)
            .await?
            .into_iter()
            .map(|s| (s.period, s.expected))
            .collect();
    }
    let capacities = targets
        .iter()
        .filter(|t| Some(t.id) != p.investment_target)
        .map(|t| Capacity {
            value: t.quantity.value,
            unit: t.quantity.unit.clone(),
            qualifier: None,
            phase: None,
            what: t.phrase.clone(),
        })
        .collect();
    let input = NewProject {
        name: p.name.clone(),
        code: p.code.clone(),
        owner: p.owner.clone(),
        responsible: p.responsible,
        leader: p.leader.clone(),
        region: p.region,
        place: p.place.clone(),
        industry: p.industry.code(),
        total_investment: p.total_investment,
        invested_before: p.invested_before,
        start_year: p.start_year,
        end_year: p.end_year,
        annual_investment: investment.map(|t| t.quantity.value),
        investment_unit: investment.map_or_else(|| "万元".to_string(), |t| t.quantity.unit.clone()),
        schedule,
        milestones: store.project_milestones(item).await?,
        capacities,
    };
    Ok((plan, input, p.revision))
}

/// Whether `target` is a project's (so its report form carries the project part), with what
/// `report` said beside its figure when it is a report on it: for the report form.
pub async fn report_part(
    store: &Store,
    target: TargetId,
    report: Option<ReportId>,
) -> Result<Option<(Project, Option<ProjectReport>)>, AppError> {
    let Some(project) = store.project_of_target(target).await? else {
        return Ok(None);
    };
    let extra = match report {
        Some(r) => store.project_report(r).await?,
        None => None,
    };
    Ok(Some((project, extra)))
}

/// The latest accepted 形象进度 of each project of a dashboard (for the OC4IDS export's
/// physical progress), by project.
pub async fn latest_progress(
    store: &Store,
    dashboard: &Dashboard,
) -> Result<HashMap<ItemId, String>, AppError> {
    let mut out = HashMap::new();
    for l in &dashboard.lines {
        let Some(target) = l.project.investment_target else {
            continue;
        };
        let accepted: HashMap<ReportId, Period> = store
            .reports_of_target(target)
            .await?
            .into_iter()
            .filter(|r| r.status == ReportStatus::Accepted && r.period <= dashboard.period)
            .map(|r| (r.id, r.period))
            .collect();
        let latest = store
            .project_reports(l.project.item)
            .await?
            .into_iter()
            .filter(|e| accepted.contains_key(&e.report) && !e.progress.is_empty())
            .max_by_key(|e| (accepted[&e.report], e.report));
        if let Some(e) = latest {
            out.insert(l.project.item, e.progress);
        }
    }
    Ok(out)
}
