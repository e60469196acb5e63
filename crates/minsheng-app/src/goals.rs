//! Multi-year goals (中长期目标): a `multi_year_goals` plan written from plain goal inputs
//! (what the extractor's goal drafts or the office give: deadline year, subject, value, unit,
//! comparison, phrase, parent, path), the office's change of a goal's path, and the goals view
//! — each goal with its path, its reported values by year or quarter, its status against the
//! path at the latest reported period and the forecast at the deadline
//! ([`minsheng_domain::path`]).
//!
//! A goal is a target of the plan (its own item, or an item shared with the goals written with
//! the same subject), held as a level (reports carry the measure as it stands), with a lead
//! assignment for its responsible unit: it is reported, reviewed and audited through the
//! existing reporting flow ([`crate::workspace`], [`crate::reporting`]), which asks the goal's
//! frequency and years instead of the one plan year. Permissions: writing the plan is
//! [`Action::EditPlan`], setting a path [`Action::Decompose`] (a target's schedule), the view
//! [`Action::ViewPlans`] on a plan the account may read.

use crate::accounts::ensure;
use crate::error::AppError;
use crate::visibility;
use jiff::civil::date;
use minsheng_domain::path::{GoalTerms, Path, PathError, PathInput};
use minsheng_domain::*;
use minsheng_store::{
    GoalPath, NewAssignment, NewItem, NewPlan, NewSection, NewTarget, Store, StoredGoal,
};
use rust_decimal::Decimal;
use std::collections::HashMap;

/// One goal to write.
#[derive(Debug, Clone)]
pub struct GoalInput {
    /// The year it is due by (2025): due on that year's last day.
    pub deadline_year: i16,
    /// What it measures, as the item's text (长春国际汽车城总产值).
    pub subject: String,
    /// The target value, magnitudes applied (11000 for 11000亿元).
    pub value: Decimal,
    /// Its unit (亿元).
    pub unit: String,
    /// How it is held (以上 → ge).
    pub cmp: Cmp,
    /// The clause that states it (总产值将达到11000亿元以上).
    pub phrase: String,
    /// The goal it is part of (其中 …): the index of an earlier goal of the same input.
    pub parent: Option<usize>,
    /// The unit that reports on it; `None`: the plan's owner.
    pub lead: Option<UnitId>,
    /// Its path, base and reporting frequency.
    pub path: PathInput,
}

/// A multi-year plan to write.
#[derive(Debug, Clone)]
pub struct GoalPlanInput {
    /// Its title.
    pub title: String,
    /// Its first year (2023 for 2023–2025).
    pub start_year: i16,
    /// The unit that owns it.
    pub owner: UnitId,
    /// The text the goals come from (their phrases are found in it).
    pub source_text: String,
    /// The goals, parents before their parts.
    pub goals: Vec<GoalInput>,
}

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenGoals {
    /// The plan.
    pub plan: PlanId,
    /// The goals' targets, in the order of the input.
    pub targets: Vec<TargetId>,
    /// Their lead assignments, in the same order.
    pub assignments: Vec<AssignmentId>,
}

/// The most goals one plan takes.
pub const MAX_GOALS: usize = 200;

fn invalid(field: impl Into<String>, reason: impl Into<String>) -> AppError {
    AppError::Invalid {
        field: field.into(),
        reason: reason.into(),
    }
}

fn too_long(field: &str, text: &str, max: usize) -> Result<(), AppError> {
    let n = text.chars().count();
    if n > max {
        return Err(invalid(
            field,
            format!("长度{n}字超过上限{max}字 / {n} characters, more than the {max} allowed"),
        ));
    }
    Ok(())
}

fn path_refused(prefix: &str, e: PathError) -> AppError {
    invalid(format!("{prefix}{}", e.field()), e.to_string())
}

fn terms_of(start_year: i16, g: &GoalInput) -> GoalTerms {
    GoalTerms {
        start_year,
        deadline: date(g.deadline_year.clamp(1900, 2200), 12, 31),
        target: Quantity::new(g.value, g.unit.clone()),
        cmp: g.cmp,
    }
}

/// The goals the extractor read from a text ([`minsheng_extract::Goal`], "到2025年…") as the
/// office's input, each reported by `lead` (`None`: the plan's owner) on a linear path with
/// no base until the office gives one: the value in 亿元 or 万元 when a yuan amount is a whole
/// number of them, as such figures are written ("11000亿元"), else as read; a 其中 part under
/// the goal it belongs to.
pub fn from_extraction(read: &[minsheng_extract::Goal], lead: Option<UnitId>) -> Vec<GoalInput> {
    read.iter()
        .map(|g| {
            let (value, unit) = written_as(g.value, &g.unit);
            GoalInput {
                deadline_year: i16::try_from(g.year).unwrap_or(i16::MAX),
                subject: g.subject.clone(),
                value,
                unit,
                cmp: match g.cmp {
                    minsheng_extract::Cmp::Ge => Cmp::Ge,
                    minsheng_extract::Cmp::Le => Cmp::Le,
                    minsheng_extract::Cmp::Approx => Cmp::Approx,
                    minsheng_extract::Cmp::Eq => Cmp::Eq,
                },
                phrase: g.phrase.clone(),
                parent: g.parent,
                lead,
                path: PathInput::default(),
            }
        })
        .collect()
}

/// A yuan amount in the largest of 亿元 and 万元 it is a whole number of.
fn written_as(value: Decimal, unit: &str) -> (Decimal, String) {
    if unit == "元" {
        for (scale, name) in [(100_000_000i64, "亿元"), (10_000, "万元")] {
            let scale = Decimal::from(scale);
            if let Some(v) = value.checked_div(scale)
                && v.fract().is_zero()
                && !v.is_zero()
            {
                return (v.normalize(), name.into());
            }
        }
    }
    (value, unit.into())
}

/// Checks every goal of `input` (nothing is written): the field of each refusal is
/// `goals[i].…`, from 1. Returns each goal's checked path.
pub fn check(input: &GoalPlanInput) -> Result<Vec<Path>, AppError> {
    too_long("title", &input.title, 200)?;
    if input.title.trim().is_empty() {
        return Err(invalid("title", "须填写计划名称 / the plan needs a title"));
    }
    if !(1900..=2200).contains(&input.start_year) {
        return Err(invalid(
            "start_year",
            format!(
                "起始年份{}超出范围 / the start year {} is out of range",
                input.start_year, input.start_year
            ),
        ));
    }
    if input.goals.is_empty() || input.goals.len() > MAX_GOALS {
        return Err(invalid(
            "goals",
            format!(
                "须有1到{MAX_GOALS}个目标(现有{}个) / a plan needs 1 to {MAX_GOALS} goals ({} given)",
                input.goals.len(),
                input.goals.len()
            ),
        ));
    }
    let mut paths = Vec::with_capacity(input.goals.len());
    for (i, g) in input.goals.iter().enumerate() {
        let prefix = format!("goals[{}].", i + 1);
        if !(1900..=2200).contains(&g.deadline_year) {
            return Err(invalid(
                format!("{prefix}deadline"),
                format!(
                    "目标年份{}超出范围 / the target year {} is out of range",
                    g.deadline_year, g.deadline_year
                ),
            ));
        }
        if g.subject.trim().is_empty() {
            return Err(invalid(
                format!("{prefix}subject"),
                "须写明目标内容 / the goal needs its subject",
            ));
        }
        too_long(&format!("{prefix}subject"), &g.subject, 2_000)?;
        too_long(&format!("{prefix}phrase"), &g.phrase, 500)?;
        check_report_value(g.value, &g.unit)
            .map_err(|e| invalid(format!("{prefix}value"), e.to_string()))?;
        if let Some(p) = g.parent
            && p >= i
        {
            return Err(invalid(
                format!("{prefix}parent"),
                format!(
                    "上级目标须为排在前面的目标(第{}个) / the parent must be an earlier goal (goal {})",
                    p + 1,
                    p + 1
                ),
            ));
        }
        let path = Path::new(terms_of(input.start_year, g), g.path.clone())
            .map_err(|e| path_refused(&prefix, e))?;
        paths.push(path);
    }
    Ok(paths)
}

fn checked_path(path: &Path) -> GoalPath {
    GoalPath {
        base: path.base(),
        kind: path.kind(),
        frequency: path.frequency(),
        points: path.points().to_vec(),
    }
}

fn span_of(text: &str, phrase: &str) -> Option<TargetSpan> {
    if phrase.is_empty() {
        return None;
    }
    text.find(phrase).map(|start| TargetSpan {
        start,
        end: start + phrase.len(),
    })
}

/// Writes a multi-year plan and its goals, each with its path and a lead assignment, in one
/// transaction (the office's, [`Action::EditPlan`]); every refusal names the field, nothing
/// written.
pub async fn create_plan(
    store: &Store,
    account: &Account,
    input: &GoalPlanInput,
) -> Result<WrittenGoals, AppError> {
    ensure(account, Action::EditPlan)?;
    let paths = check(input)?;
    let tree = store.unit_tree().await?;
    for (i, g) in input.goals.iter().enumerate() {
        let unit = g.lead.unwrap_or(input.owner);
        if tree.get(unit).is_none() {
            return Err(invalid(
                format!("goals[{}].lead", i + 1),
                format!("单位 {unit} 不存在 / unit {unit} does not exist"),
            ));
        }
    }
    if tree.get(input.owner).is_none() {
        return Err(invalid(
            "owner",
            format!(
                "单位 {} 不存在 / unit {} does not exist",
                input.owner, input.owner
            ),
        ));
    }
    let mut tx = store.begin(&Actor::new(&account.name)).await?;
    let plan = tx
        .insert_plan(&NewPlan {
            year: input.start_year,
            title: input.title.trim().to_string(),
            owner: input.owner,
            kind: PlanKind::MultiYearGoals,
            status: PlanStatus::Confirmed,
            source_text: input.source_text.clone(),
            declared_sections: None,
            declared_items: None,
        })
        .await?;
    let section = tx
        .insert_section(&NewSection {
            plan,
            position: 0,
            no: 1,
            title: None,
            declared_items: None,
        })
        .await?;
    let mut items: HashMap<&str, (ItemId, u32)> = HashMap::new();
    let (mut targets, mut assignments) = (Vec::new(), Vec::new());
    for (g, path) in input.goals.iter().zip(&paths) {
        let subject = g.subject.trim();
        let next_no = u32::try_from(items.len() + 1).unwrap_or(u32::MAX);
        let (item, seq) = match items.get(subject).copied() {
            Some((item, seq)) => (item, seq + 1),
            None => {
                let lead_name = tree
                    .get(g.lead.unwrap_or(input.owner))
                    .map(|u| u.name.clone())
                    .unwrap_or_default();
                let item = tx
                    .insert_item(&NewItem {
                        section,
                        position: next_no - 1,
                        no: next_no,
                        text: subject.to_string(),
                        leads: vec![lead_name],
                        span: span_of(&input.source_text, subject),
                    })
                    .await?;
                (item, 1)
            }
        };
        items.insert(subject, (item, seq));
        let target = tx
            .insert_target(&NewTarget {
                item,
                seq,
                quantity: Quantity::new(g.value, g.unit.clone()),
                cmp: g.cmp,
                phrase: g.phrase.clone(),
                span: span_of(&input.source_text, &g.phrase),
                implicit: false,
                delta: false,
                deadline: path.terms().deadline,
                baseline: path.base().map(|b| b.value),
                kind: TargetKind::Quantity,
                accrual_set: Some(Accrual::Level),
            })
            .await?;
        let parent = g.parent.and_then(|p| targets.get(p).copied());
        tx.insert_goal(target, parent, &checked_path(path)).await?;
        let assignment = tx
            .insert_assignment(&NewAssignment {
                target,
                unit: g.lead.unwrap_or(input.owner),
                role: AssignmentRole::Lead,
                quota: None,
                budget: None,
            })
            .await?;
        targets.push(target);
        assignments.push(assignment);
    }
    tx.commit().await?;
    Ok(WrittenGoals {
        plan,
        targets,
        assignments,
    })
}

/// Sets the path of the goal of `target`, read by the office at `revision` ([`Action::Decompose`]):
/// checked by the domain against the goal's terms (the field named, nothing written), written
/// by one conditional update (a stale revision is a conflict). Returns the new revision.
pub async fn set_path(
    store: &Store,
    account: &Account,
    target: TargetId,
    revision: i64,
    input: PathInput,
) -> Result<i64, AppError> {
    ensure(account, Action::Decompose)?;
    let (st, actor) = (store.clone(), Actor::new(&account.name));
    store
        .writing(async move {
            let mut tx = st.begin(&actor).await?;
            // A closed plan takes no change (the lock asks).
            tx.lock_target_and_assignments(target).await?;
            let (t, start_year) = tx.target_with_year(target).await?;
            if tx.goal(target).await?.is_none() {
                return Err(AppError::NotFound {
                    what: "goal",
                    id: target.0,
                });
            }
            let terms = GoalTerms {
                start_year,
                deadline: t.deadline,
                target: t.quantity.clone(),
                cmp: t.cmp,
            };
            let path = Path::new(terms, input).map_err(|e| path_refused("", e))?;
            let new = tx
                .set_goal_path(target, revision, &checked_path(&path))
                .await?;
            tx.commit().await?;
            Ok(new)
        })
        .await
}

/// A goal as the office's path form shows it: its plan, target, subject and stored path
/// ([`Action::Decompose`]).
pub async fn for_path(
    store: &Store,
    account: &Account,
    target: TargetId,
) -> Result<(Plan, Target, String, StoredGoal), AppError> {
    ensure(account, Action::Decompose)?;
    let stored = store.goal(target).await?.ok_or(AppError::NotFound {
        what: "goal",
        id: target.0,
    })?;
    let t = store.target(target).await?;
    let (item, plan) = store.item(t.item).await?;
    let plan = visibility::plan(store, Some(account), plan).await?;
    Ok((plan, t, item.text, stored))
}

/// One reported value of a goal: the latest accepted revision for a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reported {
    /// The period.
    pub period: Period,
    /// The value.
    pub value: Decimal,
    /// The value the path expects by its end.
    pub expected: Option<Decimal>,
    /// The status against the path at that period.
    pub status: Status,
}

/// One goal as the goals page shows it.
#[derive(Debug, Clone)]
pub struct GoalView {
    /// Its target.
    pub target: Target,
    /// What it measures (its item's text).
    pub subject: String,
    /// How deep under its parents (0 for a goal of its own).
    pub depth: usize,
    /// As stored: parent, base, path kind, frequency, points, revision.
    pub stored: StoredGoal,
    /// Its path, started from the first report when it has no base.
    pub path: Path,
    /// The path's expected value at each period of its frequency.
    pub line: Vec<(Period, Option<Decimal>)>,
    /// What was reported and accepted, by period.
    pub reported: Vec<Reported>,
    /// The status at the latest reported period (awaiting review, or not reported, without
    /// one).
    pub status: Status,
    /// The latest reported period and value.
    pub latest: Option<(Period, Decimal)>,
    /// How far ahead of the path at that period, in points of the target.
    pub gap: Option<Decimal>,
    /// The forecast at the deadline.
    pub forecast: Option<Forecast>,
    /// Reports filed and not yet reviewed.
    pub awaiting: usize,
    /// The assignment reports are filed on, and its unit's name.
    pub reporter: Option<(AssignmentId, String)>,
    /// Whether the account may file reports on it (its unit, or one above it).
    pub may_report: bool,
}

/// A multi-year plan's goals.
#[derive(Debug, Clone)]
pub struct GoalsView {
    /// The plan.
    pub plan: Plan,
    /// The last year of its goals.
    pub end_year: i16,
    /// Its goals, each parent followed by its parts.
    pub goals: Vec<GoalView>,
}

/// The goals of `plan` for `account` ([`Action::ViewPlans`], a plan it may read); a plan that
/// is not a multi-year plan is not found.
pub async fn view(store: &Store, account: &Account, plan: PlanId) -> Result<GoalsView, AppError> {
    let plan = visibility::plan(store, Some(account), plan).await?;
    if plan.kind != PlanKind::MultiYearGoals {
        return Err(AppError::NotFound {
            what: "multi-year plan",
            id: plan.id.0,
        });
    }
    let stored = store.goals_of_plan(plan.id).await?;
    let targets: HashMap<TargetId, Target> = store
        .targets(plan.id)
        .await?
        .into_iter()
        .map(|t| (t.id, t))
        .collect();
    let items: HashMap<ItemId, String> = store
        .items(plan.id)
        .await?
        .into_iter()
        .map(|i| (i.id, i.text))
        .collect();
    let assignments = store.assignments_of_plan(plan.id).await?;
    let reports = store.reports_of_plan(plan.id).await?;
    let tree = store.unit_tree().await?;
    let thresholds = Thresholds::default();
    let mut views = Vec::with_capacity(stored.len());
    for g in &stored {
        let Some(target) = targets.get(&g.target) else {
            continue;
        };
        let lead = assignments
            .iter()
            .filter(|a| a.target == g.target)
            .min_by_key(|a| (a.role != AssignmentRole::Lead, a.id));
        let may_report = account.may(Action::FileReport).is_ok()
            && lead.is_some_and(|a| account.can_report_for(&tree, a.unit));
        views.push(goal_view(
            &plan,
            target,
            items.get(&target.item).cloned().unwrap_or_default(),
            g,
            (
                lead.map(|a| {
                    (
                        a.id,
                        tree.get(a.unit).map(|u| u.name.clone()).unwrap_or_default(),
                    )
                }),
                may_report,
            ),
            &reports,
            &thresholds,
        )?);
    }
    let end_year = views
        .iter()
        .map(|v| v.target.deadline.year())
        .max()
        .unwrap_or(plan.year);
    Ok(GoalsView {
        goals: nest(views),
        end_year,
        plan,
    })
}

fn goal_view(
    plan: &Plan,
    target: &Target,
    subject: String,
    g: &StoredGoal,
    (reporter, may_report): (Option<(AssignmentId, String)>, bool),
    reports: &[Report],
    thresholds: &Thresholds,
) -> Result<GoalView, AppError> {
    let terms = GoalTerms {
        start_year: plan.year,
        deadline: target.deadline,
        target: target.quantity.clone(),
        cmp: target.cmp,
    };
    let input = PathInput {
        kind: g.kind,
        base: g.base.map(|b| (b, target.quantity.unit.clone())),
        points: g
            .points
            .iter()
            .map(|p| (*p, target.quantity.unit.clone()))
            .collect(),
        frequency: g.frequency,
    };
    // Stored paths were checked when written; one that no longer checks (a target changed
    // since) is drawn linear rather than not at all.
    let path = Path::new(terms.clone(), input)
        .or_else(|_| Path::linear(terms))
        .map_err(|e| invalid("path", e.to_string()))?;
    let own: Vec<&Report> = match &reporter {
        Some((a, _)) => reports.iter().filter(|r| r.assignment == *a).collect(),
        None => Vec::new(),
    };
    let mut accepted: Vec<(Period, u32, Decimal)> = own
        .iter()
        .filter(|r| r.status == ReportStatus::Accepted)
        .filter_map(|r| r.cumulative.map(|v| (r.period, r.revision, v)))
        .collect();
    accepted.sort_by_key(|&(p, rev, _)| (p, rev));
    let mut by_period: Vec<(Period, Decimal)> = Vec::new();
    for (p, _, v) in accepted {
        match by_period.last_mut() {
            Some(last) if last.0 == p => last.1 = v,
            _ => by_period.push((p, v)),
        }
    }
    let path = path.with_origin(by_period.first().copied());
    let reported: Vec<Reported> = by_period
        .iter()
        .map(|&(period, value)| Reported {
            period,
            value,
            expected: path.expected(period),
            status: path.status(period, Some(value), thresholds),
        })
        .collect();
    let latest = by_period.last().copied();
    let awaiting = own
        .iter()
        .filter(|r| r.status == ReportStatus::Submitted)
        .count();
    let status = match (latest, awaiting) {
        (Some((p, v)), _) => path.status(p, Some(v), thresholds),
        (None, n) if n > 0 => Status::AwaitingReview,
        (None, _) => Status::NotReported,
    };
    Ok(GoalView {
        gap: latest.and_then(|(p, v)| path.gap(p, v)),
        forecast: path.forecast(&by_period, thresholds.approx_tolerance()),
        line: path.line(),
        target: target.clone(),
        subject,
        depth: 0,
        stored: g.clone(),
        path,
        reported,
        status,
        latest,
        awaiting,
        reporter,
        may_report,
    })
}

/// Orders goals parent first, each followed by its parts (depth-first), with their depth; a
/// goal whose parent is not among them stands on its own.
fn nest(views: Vec<GoalView>) -> Vec<GoalView> {
    let ids: std::collections::HashSet<TargetId> = views.iter().map(|v| v.target.id).collect();
    let mut children: HashMap<Option<TargetId>, Vec<GoalView>> = HashMap::new();
    for v in views {
        let parent = v.stored.parent.filter(|p| ids.contains(p));
        children.entry(parent).or_default().push(v);
    }
    let mut out = Vec::new();
    let mut stack: Vec<(GoalView, usize)> = children
        .remove(&None)
        .unwrap_or_default()
        .into_iter()
        .rev()
        .map(|v| (v, 0))
        .collect();
    while let Some((mut v, depth)) = stack.pop() {
        v.depth = depth;
        let id = v.target.id;
        out.push(v);
        if let Some(kids) = children.remove(&Some(id)) {
            stack.extend(kids.into_iter().rev().map(|k| (k, depth + 1)));
        }
    }
    out
}
