//! 考核: a plan's assessment for a year — the scoring rules the office writes, the monthly
//! scores of the units from the issued bulletins, the year-end assessment, and its sign-off.
//!
//! **One computation.** The figures are the issued bulletins' frozen rankings
//! ([`crate::bulletin`], the latest issued bulletin of each month of the year, so a
//! correction replaces what it corrects), never a second computation of progress; the rules
//! and the arithmetic are [`minsheng_domain::scoring`]'s. What the office enters by hand
//! (satisfaction points, misstatements with their notes) and the units' implementation plans
//! not filed come from the store.
//!
//! **Draft → signed off.** While a draft, the scores are computed whenever they are looked
//! at. Signing off ([`sign_off`]) computes them once more inside the write's transaction and
//! keeps them ([`Scores`], JSON) for good: the rules and entries are then locked, and every
//! change is refused with a message naming the assessment and why. A sign-off that raced a
//! change is refused rather than kept stale (the store's revision check).
//!
//! **Who.** The office writes rules, enters points and signs off ([`Action::Assess`]);
//! whoever may [`Action::ViewScores`] reads — the office and leaders of all every unit, a
//! unit (or a leader of one) the units it sees, each with its full breakdown.

use crate::accounts::ensure;
use crate::bulletin::{self, dec};
use crate::error::AppError;
use minsheng_domain::scoring::{
    self, EntryError, Month, RuleKind, RuleSet, UnitInputs, UnitMonth, UnitScore,
};
use minsheng_domain::{
    Account, Action, Actor, ImplementationStatus, Period, Plan, PlanId, TextField, UnitId,
    check_length,
};
use minsheng_store::{AssessmentStatus, Entry, Store, StoreError, StoredAssessment};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use tracing::info;

/// The starter text of the rules editor: the examples, commented.
pub const STARTER_TEXT: &str = scoring::STARTER;

/// The version of [`Scores`]' stored shape.
pub const SCORES_VERSION: u32 = 1;

/// The scores of the units, as shown and as kept at sign-off.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scores {
    /// The version of this shape ([`SCORES_VERSION`]).
    pub v: u32,
    /// The columns of the ranking: the base, then each rule, in the rule set's order.
    pub columns: Vec<Column>,
    /// The months whose bulletins were used (`2023-08`), oldest first.
    pub months: Vec<String>,
    /// The units, best first.
    pub units: Vec<ScoredUnit>,
}

/// A column of the ranking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    /// The rule's id (`base` for the base).
    pub id: String,
    /// Its name.
    pub name: String,
}

/// A unit's score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoredUnit {
    /// The unit's id.
    pub unit: i64,
    /// Its name.
    pub name: String,
    /// Its place, 1 for the best.
    pub rank: usize,
    /// Its total.
    #[serde(with = "dec")]
    pub total: Decimal,
    /// Every line.
    pub lines: Vec<ScoredLine>,
}

impl ScoredUnit {
    /// The points of the column `id`.
    pub fn points_of(&self, id: &str) -> Decimal {
        self.lines
            .iter()
            .filter(|l| l.rule == id)
            .fold(Decimal::ZERO, |a, l| a.saturating_add(l.points))
    }
}

/// One traceable line: the rule, the figure that produced the points, the points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoredLine {
    /// The rule's id.
    pub rule: String,
    /// The rule's name.
    pub name: String,
    /// The figure, in Chinese ("完成率 92.5%(2023年8月通报)").
    pub figure_zh: String,
    /// The figure, in English.
    pub figure_en: String,
    /// The points.
    #[serde(with = "dec")]
    pub points: Decimal,
}

impl Scores {
    fn of(rules: &RuleSet, months: &[Month], list: Vec<UnitScore>) -> Scores {
        let mut columns = vec![Column {
            id: "base".into(),
            name: "基础分".into(),
        }];
        columns.extend(rules.rules.iter().map(|r| Column {
            id: r.id.clone(),
            name: r.name.clone(),
        }));
        let mut periods: Vec<Period> = months.iter().map(|m| m.period).collect();
        periods.sort();
        Scores {
            v: SCORES_VERSION,
            columns,
            months: periods.iter().map(ToString::to_string).collect(),
            units: list
                .into_iter()
                .map(|u| ScoredUnit {
                    unit: u.unit.0,
                    name: u.name,
                    rank: u.rank,
                    total: u.total,
                    lines: u
                        .lines
                        .into_iter()
                        .map(|l| ScoredLine {
                            figure_zh: l.figure.zh(),
                            figure_en: l.figure.en(),
                            rule: l.rule,
                            name: l.name,
                            points: l.points.normalize(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    /// The columns a monthly score has (the base and the rules a month alone scores).
    fn monthly_columns(rules: &RuleSet) -> Vec<Column> {
        std::iter::once(Column {
            id: "base".into(),
            name: "基础分".into(),
        })
        .chain(
            rules
                .rules
                .iter()
                .filter(|r| r.kind.is_monthly())
                .map(|r| Column {
                    id: r.id.clone(),
                    name: r.name.clone(),
                }),
        )
        .collect()
    }
}

/// One month's scores, from its issued bulletin.
#[derive(Debug, Clone)]
pub struct MonthScores {
    /// The month.
    pub period: Period,
    /// The bulletin they come from ("第8期通报(吉民办〔2023〕8号)").
    pub bulletin: String,
    /// The scores.
    pub scores: Scores,
}

/// A plan's assessment for a year, as the pages and the command line show it.
#[derive(Debug, Clone)]
pub struct AssessmentView {
    /// The plan.
    pub plan: Plan,
    /// The year.
    pub year: i16,
    /// The assessment, once the office has saved rules.
    pub stored: Option<StoredAssessment>,
    /// The rules' text: the saved one, or the starter text.
    pub rules_text: String,
    /// The rules, once saved.
    pub rules: Option<RuleSet>,
    /// The year-end scores: kept at sign-off, or computed now for a draft.
    pub scores: Option<Scores>,
    /// Each month's scores, oldest first.
    pub months: Vec<MonthScores>,
    /// What the office entered (for the office only).
    pub entries: Vec<Entry>,
    /// The units assessed, an entry may be for: those the year's issued bulletins rank, by
    /// name.
    pub units: Vec<(UnitId, String)>,
    /// Whether the account may change it (the office, while a draft).
    pub may_assess: bool,
    /// How many units the year-end ranking places (a unit's account sees its own only).
    pub unit_count: usize,
}

impl AssessmentView {
    /// Whether it is signed off.
    pub fn is_signed(&self) -> bool {
        self.stored
            .as_ref()
            .is_some_and(|a| a.status == AssessmentStatus::Signed)
    }

    /// Its status.
    pub fn status(&self) -> AssessmentStatus {
        self.stored
            .as_ref()
            .map_or(AssessmentStatus::Draft, |a| a.status)
    }

    /// The `hand` rules, for the entry form: (id, name, maximum).
    pub fn hand_rules(&self) -> Vec<(String, String, Decimal)> {
        self.rules
            .iter()
            .flat_map(|r| r.hand_rules())
            .filter_map(|r| match r.kind {
                RuleKind::Hand { max } => Some((r.id.clone(), r.name.clone(), max)),
                _ => None,
            })
            .collect()
    }

    /// The misstatement rule's range, for the entry form.
    pub fn misstatement_range(&self) -> Option<(Decimal, Decimal)> {
        match self.rules.as_ref()?.misstatement_rule()?.kind {
            RuleKind::Misstatement { min, max, .. } => Some((min, max)),
            _ => None,
        }
    }

    /// A unit's name.
    pub fn unit_name(&self, id: UnitId) -> String {
        self.units
            .iter()
            .find(|(u, _)| *u == id)
            .map_or_else(|| id.to_string(), |(_, n)| n.clone())
    }

    /// A file name for a download: `考核-2023-第1号计划`.
    pub fn file_stem(&self) -> String {
        format!("考核-{}-计划{}", self.year, self.plan.id)
    }
}

/// The latest issued bulletin of each month of `year`, as the scoring reads it.
async fn months(store: &Store, plan: PlanId, year: i16) -> Result<Vec<(Month, String)>, AppError> {
    let mut latest: BTreeMap<Period, minsheng_domain::Bulletin> = BTreeMap::new();
    for b in store.bulletins_of_plan(plan).await? {
        if b.is_draft() || !matches!(b.period, Period::Month { .. }) || b.period.year() != year {
            continue;
        }
        let newer = latest
            .get(&b.period)
            .is_none_or(|x| x.no.unwrap_or(0) < b.no.unwrap_or(0));
        if newer {
            latest.insert(b.period, b);
        }
    }
    let mut out = Vec::with_capacity(latest.len());
    for (period, b) in latest {
        let body = bulletin::frozen(store, &b).await?;
        let units = body
            .ranking
            .iter()
            .map(|r| UnitMonth {
                unit: UnitId(r.unit),
                name: r.name.clone(),
                rank: r.rank,
                completion: r.mean,
                missing_reports: r.not_reported,
            })
            .collect();
        out.push((Month { period, units }, b.name_zh()));
    }
    Ok(out)
}

/// What the scores are computed from besides the rules and the entries: the bulletins'
/// months, the implementation plans not filed per unit, the units' names. Read from the pool
/// before a sign-off's transaction begins, so the transaction never asks for a second
/// connection.
#[derive(Debug, Clone)]
struct Gathered {
    months: Vec<(Month, String)>,
    plans_not_filed: BTreeMap<UnitId, usize>,
    /// The units assessed: those the bulletins rank (the units holding shares), by name.
    ranked: BTreeMap<UnitId, String>,
}

async fn gather(store: &Store, plan: PlanId, year: i16) -> Result<Gathered, AppError> {
    let months = months(store, plan, year).await?;
    let placed = store.placed_assignments_of_plan(plan).await?;
    let ids: Vec<_> = placed.iter().map(|p| p.assignment.id).collect();
    let states = store.implementation_states(&ids).await?;
    let mut plans_not_filed: BTreeMap<UnitId, usize> = BTreeMap::new();
    for p in &placed {
        // Filed: submitted, returned or approved (a draft is the unit's, not yet filed).
        let filed = states
            .get(&p.assignment.id)
            .is_some_and(|(s, in_force)| *in_force || *s != ImplementationStatus::Draft);
        let n = plans_not_filed.entry(p.assignment.unit).or_default();
        if !filed {
            *n += 1;
        }
    }
    let mut ranked = BTreeMap::new();
    for (m, _) in &months {
        for u in &m.units {
            ranked.insert(u.unit, u.name.clone());
        }
    }
    Ok(Gathered {
        months,
        plans_not_filed,
        ranked,
    })
}

/// What the office entered and the implementation plans not filed, per unit assessed (a unit
/// the bulletins do not rank is not assessed).
fn inputs(g: &Gathered, rules: &RuleSet, entries: &[Entry]) -> BTreeMap<UnitId, UnitInputs> {
    let mut out: BTreeMap<UnitId, UnitInputs> = BTreeMap::new();
    for (u, n) in &g.plans_not_filed {
        if g.ranked.contains_key(u) {
            out.entry(*u).or_default().plans_not_filed = *n;
        }
    }
    for e in entries.iter().filter(|e| g.ranked.contains_key(&e.unit)) {
        let Some(rule) = rules.rule(&e.rule) else {
            continue;
        };
        let slot = out.entry(e.unit).or_default();
        match rule.kind {
            RuleKind::Hand { .. } => {
                slot.hand.insert(e.rule.clone(), e.points);
            }
            RuleKind::Misstatement { .. } => {
                slot.misstatements.push((e.points, e.note.clone()));
            }
            _ => {}
        }
    }
    out
}

fn overflow(e: scoring::Overflow) -> AppError {
    AppError::Invalid {
        field: "rules".into(),
        reason: e.to_string(),
    }
}

/// The year-end scores and each month's, from what was gathered, the rules and the entries:
/// pure.
fn score(
    g: &Gathered,
    rules: &RuleSet,
    entries: &[Entry],
) -> Result<(Scores, Vec<MonthScores>), AppError> {
    let only: Vec<Month> = g.months.iter().map(|(m, _)| m.clone()).collect();
    let given = inputs(g, rules, entries);
    let year_end = scoring::year_end(rules, &only, &given, &g.ranked).map_err(overflow)?;
    let mut monthly = Vec::with_capacity(g.months.len());
    for (m, name) in &g.months {
        let list = scoring::monthly(rules, m).map_err(overflow)?;
        let mut scores = Scores::of(rules, std::slice::from_ref(m), list);
        scores.columns = Scores::monthly_columns(rules);
        monthly.push(MonthScores {
            period: m.period,
            bulletin: name.clone(),
            scores,
        });
    }
    Ok((Scores::of(rules, &only, year_end), monthly))
}

fn parse_rules(text: &str) -> Result<RuleSet, AppError> {
    RuleSet::parse(text).map_err(|e| AppError::Invalid {
        field: "rules".into(),
        reason: e.to_string(),
    })
}

fn kept(a: &StoredAssessment) -> Result<Scores, AppError> {
    let text = a.result.as_deref().unwrap_or("");
    serde_json::from_str(text).map_err(|e| {
        AppError::Store(StoreError::Corrupt {
            table: "assessments",
            column: "result",
            value: e.to_string(),
        })
    })
}

/// The assessment of `plan` for `year` as `account` may see it: the office every unit and
/// what it entered; a leader of all every unit; a unit the units it sees.
pub async fn view(
    store: &Store,
    account: &Account,
    plan: PlanId,
    year: i16,
) -> Result<AssessmentView, AppError> {
    ensure(account, Action::ViewScores)?;
    let mut v = assemble(store, plan, year).await?;
    v.may_assess = account.may(Action::Assess).is_ok() && !v.is_signed();
    if account.may(Action::Assess).is_err() {
        v.entries.clear();
    }
    if !account.sees_all() {
        let tree = store.unit_tree().await?;
        let keep = |s: &mut Scores| s.units.retain(|u| account.can_see(&tree, UnitId(u.unit)));
        if let Some(s) = v.scores.as_mut() {
            keep(s);
        }
        for m in &mut v.months {
            keep(&mut m.scores);
        }
        v.units.retain(|(u, _)| account.can_see(&tree, *u));
    }
    Ok(v)
}

/// The assessment of `plan` for `year` as the command line writes it: everything, run by
/// whoever holds the database.
pub async fn for_year(store: &Store, plan: PlanId, year: i16) -> Result<AssessmentView, AppError> {
    assemble(store, plan, year).await
}

async fn assemble(store: &Store, plan: PlanId, year: i16) -> Result<AssessmentView, AppError> {
    let plan = store.plan(plan).await?;
    let stored = store.assessment(plan.id, year).await?;
    let g = gather(store, plan.id, year).await?;
    let mut units: Vec<(UnitId, String)> = g.ranked.iter().map(|(u, n)| (*u, n.clone())).collect();
    units.sort_by(|a, b| a.1.cmp(&b.1));
    let Some(a) = stored else {
        return Ok(AssessmentView {
            plan,
            year,
            stored: None,
            rules_text: scoring::STARTER.to_string(),
            rules: None,
            scores: None,
            months: Vec::new(),
            entries: Vec::new(),
            units,
            may_assess: false,
            unit_count: 0,
        });
    };
    let rules = parse_rules(&a.rules)?;
    let entries = store.assessment_entries(a.id).await?;
    let (computed, monthly) = score(&g, &rules, &entries)?;
    let scores = if a.status == AssessmentStatus::Signed {
        kept(&a)?
    } else {
        computed
    };
    let unit_count = scores.units.len();
    Ok(AssessmentView {
        plan,
        year,
        rules_text: a.rules.clone(),
        stored: Some(a),
        rules: Some(rules),
        scores: Some(scores),
        months: monthly,
        entries,
        units,
        may_assess: false,
        unit_count,
    })
}

/// The year-end scores computed now from the stored rules and entries, whatever the
/// assessment's status: for checking that what a sign-off kept is what they give.
pub async fn recompute(store: &Store, plan: PlanId, year: i16) -> Result<Option<Scores>, AppError> {
    let Some(a) = store.assessment(plan, year).await? else {
        return Ok(None);
    };
    let rules = parse_rules(&a.rules)?;
    let entries = store.assessment_entries(a.id).await?;
    let g = gather(store, plan, year).await?;
    Ok(Some(score(&g, &rules, &entries)?.0))
}

/// The refusal of a change to a signed-off assessment.
fn signed_off(plan: &Plan, year: i16, what_zh: &str, what_en: &str) -> AppError {
    AppError::Conflict {
        reason: format!(
            "“{}”{year}年度考核已签发并锁定,不能{what_zh},未作改动 / the {year} assessment of '{}' is signed off and locked: {what_en} refused, nothing changed",
            plan.title, plan.title
        ),
    }
}

/// Refuses a year the plan does not cover.
fn ensure_year(plan: &Plan, year: i16) -> Result<(), AppError> {
    if plan.year == year {
        return Ok(());
    }
    Err(AppError::Invalid {
        field: "year".into(),
        reason: format!(
            "计划“{}”是{}年度的,不能按{year}年考核 / plan '{}' is for {}, not {year}",
            plan.title, plan.year, plan.title, plan.year
        ),
    })
}

/// Saves the scoring rules of `plan` for `year` (starting the assessment). Refused, nothing
/// saved: rules with any problem (each named), an assessment signed off, a year the plan
/// does not cover.
#[tracing::instrument(skip_all, fields(plan.id = %plan, year))]
pub async fn save_rules(
    store: &Store,
    account: &Account,
    plan: PlanId,
    year: i16,
    text: &str,
) -> Result<(), AppError> {
    ensure(account, Action::Assess)?;
    let plan = store.plan(plan).await?;
    ensure_year(&plan, year)?;
    parse_rules(text)?;
    let mut tx = store.begin(&Actor::new(&account.name)).await?;
    match tx.save_assessment_rules(plan.id, year, text).await {
        Ok(_) => {}
        Err(StoreError::Conflict { .. }) => {
            return Err(signed_off(
                &plan,
                year,
                "修改考核细则",
                "changing the rules",
            ));
        }
        Err(e) => return Err(e.into()),
    }
    tx.commit().await?;
    info!(plan.id = %plan.id, year, "Saved the scoring rules of plan {} for {year}", plan.id);
    Ok(())
}

/// The assessment and its rules, for an entry; refused when there are no rules yet or it is
/// signed off.
async fn draft(
    store: &Store,
    plan: PlanId,
    year: i16,
    what_zh: &str,
    what_en: &str,
) -> Result<(Plan, StoredAssessment, RuleSet), AppError> {
    let plan = store.plan(plan).await?;
    let Some(a) = store.assessment(plan.id, year).await? else {
        return Err(AppError::Invalid {
            field: "rules".into(),
            reason: format!(
                "“{}”{year}年度尚未制定考核细则,请先保存考核细则 / the {year} assessment of '{}' has no rules yet: save the rules first",
                plan.title, plan.title
            ),
        });
    };
    if a.status == AssessmentStatus::Signed {
        return Err(signed_off(&plan, year, what_zh, what_en));
    }
    let rules = parse_rules(&a.rules)?;
    Ok((plan, a, rules))
}

fn points(field: &str, s: &str) -> Result<Decimal, AppError> {
    s.trim().parse::<Decimal>().map_err(|_| AppError::Invalid {
        field: field.into(),
        reason: format!("“{}”不是数字 / '{}' is not a number", s.trim(), s.trim()),
    })
}

fn entry_refused(e: EntryError) -> AppError {
    AppError::Invalid {
        field: "points".into(),
        reason: e.to_string(),
    }
}

/// Refuses a unit the year's issued bulletins do not rank: it is not assessed.
async fn ensure_unit(store: &Store, plan: &Plan, year: i16, unit: UnitId) -> Result<(), AppError> {
    let g = gather(store, plan.id, year).await?;
    if g.ranked.contains_key(&unit) {
        return Ok(());
    }
    Err(AppError::Invalid {
        field: "unit".into(),
        reason: format!(
            "单位 {unit} 不在“{}”{year}年已印发通报的排名中,不参加考核 / unit {unit} is ranked in no issued bulletin of '{}' for {year}: it is not assessed",
            plan.title, plan.title
        ),
    })
}

/// Maps a store conflict of an entry to the signed-off refusal.
fn entry_write(plan: &Plan, year: i16, e: StoreError) -> AppError {
    match e {
        StoreError::Conflict { .. } => signed_off(plan, year, "录入或修改分值", "entering points"),
        e => e.into(),
    }
}

/// Enters the points of a `hand` rule (a satisfaction survey) for `unit`, replacing what was
/// entered before. Refused, nothing saved: a rule that is not a hand rule, points outside
/// 0 to its maximum, a unit with no share, an assessment signed off.
#[tracing::instrument(skip_all, fields(plan.id = %plan, year, unit.id = %unit))]
pub async fn enter_points(
    store: &Store,
    account: &Account,
    plan: PlanId,
    year: i16,
    unit: UnitId,
    rule: &str,
    value: &str,
) -> Result<(), AppError> {
    ensure(account, Action::Assess)?;
    let (plan, a, rules) = draft(store, plan, year, "录入分值", "entering points").await?;
    let value = points("points", value)?;
    rules.check_hand(rule, value).map_err(entry_refused)?;
    ensure_unit(store, &plan, year, unit).await?;
    let mut tx = store.begin(&Actor::new(&account.name)).await?;
    tx.set_hand_entry(a.id, unit, rule, value)
        .await
        .map_err(|e| entry_write(&plan, year, e))?;
    tx.commit().await?;
    Ok(())
}

/// Enters a misstatement deduction (its size, positive) for `unit`, with the office's note.
/// Refused, nothing saved: no misstatement rule, a size outside its range, no note, a unit
/// with no share, an assessment signed off.
#[tracing::instrument(skip_all, fields(plan.id = %plan, year, unit.id = %unit))]
pub async fn add_misstatement(
    store: &Store,
    account: &Account,
    plan: PlanId,
    year: i16,
    unit: UnitId,
    value: &str,
    note: &str,
) -> Result<(), AppError> {
    ensure(account, Action::Assess)?;
    let (plan, a, rules) = draft(store, plan, year, "录入扣分", "entering a deduction").await?;
    let value = points("points", value)?;
    let rule = rules.check_misstatement(value).map_err(entry_refused)?;
    let note = note.trim();
    if note.is_empty() {
        return Err(AppError::Invalid {
            field: "note".into(),
            reason: "请说明哪份报告、如何失实 / say which report misstated what".into(),
        });
    }
    check_length(TextField::AssessmentNote, note).map_err(|e| AppError::Invalid {
        field: "note".into(),
        reason: e.to_string(),
    })?;
    ensure_unit(store, &plan, year, unit).await?;
    let mut tx = store.begin(&Actor::new(&account.name)).await?;
    tx.add_misstatement(a.id, unit, &rule.id, value, note)
        .await
        .map_err(|e| entry_write(&plan, year, e))?;
    tx.commit().await?;
    Ok(())
}

/// Removes an entry. Refused once signed off.
pub async fn remove_entry(
    store: &Store,
    account: &Account,
    plan: PlanId,
    year: i16,
    entry: i64,
) -> Result<(), AppError> {
    ensure(account, Action::Assess)?;
    let (plan, a, _) = draft(store, plan, year, "删除录入", "removing an entry").await?;
    let mut tx = store.begin(&Actor::new(&account.name)).await?;
    tx.remove_entry(a.id, entry)
        .await
        .map_err(|e| entry_write(&plan, year, e))?;
    tx.commit().await?;
    Ok(())
}

/// Signs off the assessment of `plan` for `year`: computes the scores once more inside the
/// write's transaction (the assessment's row held) and keeps them for good. Refused, nothing
/// changed: no rules yet, already signed off (by someone else a moment ago too), or changed
/// while the scores were being computed.
#[tracing::instrument(skip_all, fields(plan.id = %plan, year))]
pub async fn sign_off(
    store: &Store,
    account: &Account,
    plan: PlanId,
    year: i16,
) -> Result<Scores, AppError> {
    ensure(account, Action::Assess)?;
    let (plan, _, _) = draft(store, plan, year, "再次签发", "signing off again").await?;
    // The bulletins are frozen and the implementation plans are read as they stand, before
    // the transaction; the rules and entries are read inside it, the assessment's row held.
    let g = gather(store, plan.id, year).await?;
    let mut tx = store.begin(&Actor::new(&account.name)).await?;
    let Some(a) = tx.lock_assessment(plan.id, year).await? else {
        return Err(AppError::NotFound {
            what: "assessment",
            id: plan.id.0,
        });
    };
    if a.status == AssessmentStatus::Signed {
        return Err(signed_off(&plan, year, "再次签发", "signing off again"));
    }
    let rules = parse_rules(&a.rules)?;
    let entries = tx.assessment_entries(a.id).await?;
    let (scores, _) = score(&g, &rules, &entries)?;
    let result = serde_json::to_string(&scores).map_err(|e| {
        AppError::Store(StoreError::Corrupt {
            table: "assessments",
            column: "result",
            value: e.to_string(),
        })
    })?;
    match tx.sign_off_assessment(a.id, a.revision, &result).await {
        Ok(()) => {}
        Err(StoreError::Conflict { .. }) => {
            return Err(signed_off(&plan, year, "再次签发", "signing off again"));
        }
        Err(e) => return Err(e.into()),
    }
    tx.commit().await?;
    info!(plan.id = %plan.id, year, "Signed off the {year} assessment of plan {}", plan.id);
    Ok(scores)
}

/// The monthly scores of every unit from one bulletin, keyed by unit: for a unit's workspace.
pub fn by_unit(scores: &Scores) -> HashMap<i64, &ScoredUnit> {
    scores.units.iter().map(|u| (u.unit, u)).collect()
}

/// The assessment as plain text: the ranking, then each unit's lines.
pub fn text(v: &AssessmentView) -> String {
    let mut out = format!(
        "{} {}年度考核({})\n",
        v.plan.title,
        v.year,
        v.status().label_zh()
    );
    let Some(s) = &v.scores else {
        out.push_str("尚未制定考核细则 / no scoring rules yet\n");
        return out;
    };
    out.push_str(&format!(
        "依据通报月份 / months: {}\n\n",
        s.months.join(", ")
    ));
    out.push_str("名次\t单位\t总分");
    for c in &s.columns {
        out.push_str(&format!("\t{}", c.name));
    }
    out.push('\n');
    for u in &s.units {
        out.push_str(&format!("{}\t{}\t{}", u.rank, u.name, u.total));
        for c in &s.columns {
            out.push_str(&format!("\t{}", u.points_of(&c.id).normalize()));
        }
        out.push('\n');
    }
    for u in &s.units {
        out.push_str(&format!("\n{}(第{}名,{}分)\n", u.name, u.rank, u.total));
        for l in &u.lines {
            out.push_str(&format!(
                "  {}\t{}\t{}\t{}\n",
                l.rule,
                l.name,
                l.figure_zh,
                l.points.normalize()
            ));
        }
    }
    out
}
