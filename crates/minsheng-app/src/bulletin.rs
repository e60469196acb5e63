//! 进展通报: the bulletin the office sends out for a plan and a period — built from the same
//! figures as the dashboard ([`crate::tracking`] summed up by [`crate::overview`]), never a
//! second computation.
//!
//! **What it holds** ([`Body`]): the overall line (targets and items done, on schedule,
//! behind, and completion against 序时进度); every target in document order, each in its
//! [`Bucket`] (提前/超额完成, 按序时推进, 慢于序时 — with the reason, from the units' report
//! narratives unless the office wrote its own —, 未报送或待审核) and its light (红黄绿灯, the
//! status's colour); the regions that hold shares and the lead units, each with its statuses;
//! reporting completeness and timeliness; the ranking and the 红黑榜
//! ([`minsheng_domain::honour_roll`], best and worst three).
//!
//! **Draft → issued.** A draft's figures are computed whenever it is looked at; issuing
//! ([`issue`]) computes them once more and keeps them as the bulletin's snapshot (JSON of
//! [`Body`], its shape versioned by [`Body::v`]), so an issued bulletin reads the same
//! whatever is reported later. Issuing is one conditional write: the second of two clerks
//! gets a conflict naming the bulletin, never a second issue. A bulletin issued for a period
//! that already has one corrects it and says so.
//!
//! **Who.** The office drafts, edits and issues ([`Action::IssueBulletin`]); whoever may
//! [`Action::ViewBulletins`] reads: the office every bulletin, a leader of all every issued
//! one, a unit (or a leader of one unit) the issued bulletins of the plans its subtree holds
//! shares in. The public reads issued bulletins marked public of published plans
//! ([`public_bulletins`]).
//!
//! The documents are written by [`crate::bulletin_docx`] (GB/T 9704) and
//! [`crate::bulletin_xlsx`] (one sheet per annex table) from a [`BulletinView`].

use crate::accounts::ensure;
use crate::error::AppError;
use crate::overview::{self, Overview};
use crate::tracking;
use jiff::civil::Date;
use minsheng_domain::{
    Account, Action, Actor, Bucket, Bulletin, BulletinId, DocNo, Period, Plan, PlanId, PlanStatus,
    Status, TargetId, TargetKind, TextField, Thresholds, UnitId, UnitKind, UnitTree, check_length,
    honour_roll,
};
use minsheng_store::{DraftText, IssuedAs, Store, StoreError};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use tracing::info;

/// The version of [`Body`]'s stored shape.
pub const BODY_VERSION: u32 = 1;

/// How many units the 红黑榜 names each way.
pub const HONOUR_ROLL: usize = 3;

/// How many characters of one unit's narrative a default reason quotes.
const NARRATIVE_CHARS: usize = 120;

/// How many units' narratives a default reason quotes.
const MAX_QUOTED: usize = 3;

/// A bulletin's figures: what an issued bulletin keeps for good. Numbers are exact decimals
/// (kept as text), statuses their stable codes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Body {
    /// The version of this shape ([`BODY_VERSION`]).
    pub v: u32,
    /// The plan's id.
    pub plan: i64,
    /// The plan's title.
    pub plan_title: String,
    /// The plan's year.
    pub year: i16,
    /// The period reported (`2023-09`).
    pub period: String,
    /// The day the figures were computed for (reporting is judged against it).
    pub as_of: String,
    /// The issuing office: the plan's owner unit.
    pub office: String,
    /// The overall figures.
    pub overall: Overall,
    /// Every target, in document order.
    pub lines: Vec<Line>,
    /// The regions holding shares, in the ranking's order.
    pub regions: Vec<Group>,
    /// The lead units, by how many targets they lead.
    pub leads: Vec<Group>,
    /// Reporting completeness and timeliness.
    pub reporting: Reporting,
    /// Every unit holding a share, ranked.
    pub ranking: Vec<Rank>,
    /// 红榜: the best three.
    pub red: Vec<Rank>,
    /// 黑榜: the worst three, worst last.
    pub black: Vec<Rank>,
}

/// The overall line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Overall {
    /// Targets.
    pub targets: usize,
    /// Items (件).
    pub items: usize,
    /// Items whose every target is done.
    pub items_done: usize,
    /// Targets by status code.
    pub counts: BTreeMap<String, usize>,
    /// Mean capped completion of the targets, 0..=1.
    #[serde(with = "opt_dec")]
    pub completion: Option<Decimal>,
    /// 序时进度: mean share of time elapsed, 0..=1.
    #[serde(with = "opt_dec")]
    pub expected: Option<Decimal>,
}

impl Overall {
    /// How many targets have `status`.
    pub fn count(&self, status: Status) -> usize {
        self.counts.get(status.code()).copied().unwrap_or(0)
    }

    /// How many targets are in `bucket`.
    pub fn in_bucket(&self, bucket: Bucket) -> usize {
        Status::ALL
            .into_iter()
            .filter(|s| Bucket::of(*s) == bucket)
            .map(|s| self.count(s))
            .sum()
    }

    /// Items done over items, 0..=1.
    pub fn items_rate(&self) -> Option<Decimal> {
        (self.items > 0).then(|| Decimal::from(self.items_done) / Decimal::from(self.items))
    }
}

/// One target's line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Line {
    /// The target's id.
    pub target: i64,
    /// "1.3": section 1, item 3.
    pub no: String,
    /// The item's text.
    pub item: String,
    /// The target's phrase (城镇新增就业23万人).
    pub phrase: String,
    /// The lead unit's name.
    pub lead: Option<String>,
    /// `quantity` or `stage`.
    pub kind: String,
    /// The comparison's code (`ge`, `le`, …).
    pub cmp: String,
    /// The goal's value.
    #[serde(with = "dec")]
    pub goal: Decimal,
    /// The goal's unit.
    pub unit: String,
    /// The value reached.
    #[serde(with = "opt_dec")]
    pub actual: Option<Decimal>,
    /// 序时进度 as a value, for a count.
    #[serde(with = "opt_dec")]
    pub expected: Option<Decimal>,
    /// Capped completion, 0..=1.
    #[serde(with = "opt_dec")]
    pub completion: Option<Decimal>,
    /// The status's code.
    pub status: String,
    /// The forecast for the deadline.
    #[serde(with = "opt_dec")]
    pub forecast: Option<Decimal>,
    /// Whether the forecast meets the goal.
    pub forecast_meets: Option<bool>,
    /// Why it is behind (for a target behind schedule).
    pub reason: Option<String>,
    /// Whether the reason is the office's words rather than the units'.
    pub reason_by_office: bool,
}

impl Line {
    /// Its status.
    pub fn status(&self) -> Status {
        Status::from_code(&self.status).unwrap_or(Status::NotReported)
    }

    /// Its bucket.
    pub fn bucket(&self) -> Bucket {
        Bucket::of(self.status())
    }

    /// Whether it is a qualitative item (a stage, no number).
    pub fn is_stage(&self) -> bool {
        self.kind == TargetKind::Stage.code()
    }
}

/// A region's or a lead unit's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// The unit's id.
    pub unit: i64,
    /// Its name.
    pub name: String,
    /// Shares (a region) or targets led (a lead unit).
    pub count: usize,
    /// Mean capped completion.
    #[serde(with = "opt_dec")]
    pub mean: Option<Decimal>,
    /// By status code.
    pub counts: BTreeMap<String, usize>,
}

impl Group {
    /// How many have `status`.
    pub fn count_of(&self, status: Status) -> usize {
        self.counts.get(status.code()).copied().unwrap_or(0)
    }
}

/// Reporting completeness and timeliness.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reporting {
    /// Reports due.
    pub expected: usize,
    /// Received.
    pub received: usize,
    /// On time.
    pub on_time: usize,
    /// Late.
    pub late: usize,
    /// Missing.
    pub missing: usize,
}

impl Reporting {
    /// Received over due.
    pub fn received_rate(&self) -> Option<Decimal> {
        (self.expected > 0).then(|| Decimal::from(self.received) / Decimal::from(self.expected))
    }

    /// On time over due.
    pub fn on_time_rate(&self) -> Option<Decimal> {
        (self.expected > 0).then(|| Decimal::from(self.on_time) / Decimal::from(self.expected))
    }
}

/// A unit's place in the ranking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rank {
    /// 1 for the best.
    pub rank: usize,
    /// The unit's id.
    pub unit: i64,
    /// Its name.
    pub name: String,
    /// Its shares.
    pub shares: usize,
    /// Their mean capped completion.
    #[serde(with = "opt_dec")]
    pub mean: Option<Decimal>,
    /// Its shares behind, at risk or not reported.
    pub shortfalls: usize,
    /// Its shares with no report for the period (counted by the assessment, 考核, as reports
    /// missing); 0 in bulletins issued before it was kept.
    #[serde(default)]
    pub not_reported: usize,
}

impl Body {
    /// The period.
    pub fn period(&self) -> Period {
        Period::parse(&self.period).unwrap_or(Period::Year(self.year))
    }

    /// The lines in `bucket`, in document order (behind: worst first is the annex's order).
    pub fn in_bucket(&self, bucket: Bucket) -> impl Iterator<Item = &Line> {
        self.lines.iter().filter(move |l| l.bucket() == bucket)
    }

    /// The lines with `status`.
    pub fn with_status(&self, status: Status) -> impl Iterator<Item = &Line> {
        let code = status.code();
        self.lines.iter().filter(move |l| l.status == code)
    }

    /// The bulletin's title: 关于2023年9月民生实事进展情况的通报.
    pub fn title_zh(&self) -> String {
        format!("关于{}民生实事进展情况的通报", self.period().label_zh())
    }

    /// The same in English.
    pub fn title_en(&self) -> String {
        format!(
            "Progress of the livelihood commitments, {}",
            self.period().label_en()
        )
    }
}

/// A bulletin to show or write out: the record (none for a rendering of a period with no
/// bulletin yet), its figures, and what it corrects.
#[derive(Debug, Clone)]
pub struct BulletinView {
    /// The bulletin, when there is one.
    pub bulletin: Option<Bulletin>,
    /// Its figures: frozen when issued, computed now for a draft.
    pub body: Body,
    /// The issued bulletin it corrects (or, for a draft, would correct).
    pub corrects: Option<Bulletin>,
}

impl BulletinView {
    /// Whether the figures are the frozen ones of an issued bulletin.
    pub fn is_frozen(&self) -> bool {
        self.bulletin.as_ref().is_some_and(|b| !b.is_draft())
    }

    /// The opening the office wrote.
    pub fn opening(&self) -> &str {
        self.bulletin.as_ref().map_or("", |b| b.opening.as_str())
    }

    /// The closing the office wrote.
    pub fn closing(&self) -> &str {
        self.bulletin.as_ref().map_or("", |b| b.closing.as_str())
    }

    /// A file name for a download: `通报-2023-09-第3期.docx`.
    pub fn file_stem(&self) -> String {
        match self.bulletin.as_ref().and_then(|b| b.no) {
            Some(no) => format!("通报-{}-第{no}期", self.body.period),
            None => format!("通报-{}-草稿", self.body.period),
        }
    }
}

/// Computes the figures of `plan` at `period` as of `today`, with the office's `reasons`
/// in place of the units' words where it wrote one.
#[tracing::instrument(skip_all, fields(plan.id = %plan, period = %period))]
pub async fn compute(
    store: &Store,
    plan: PlanId,
    period: Period,
    today: Date,
    thresholds: &Thresholds,
    reasons: &HashMap<TargetId, String>,
) -> Result<Body, AppError> {
    let t = tracking::tracking(store, plan, period, today, thresholds).await?;
    let sections = store.sections(plan).await?;
    let o = overview::overview(t, sections);
    let items = store.items(plan).await?;
    let tree = store.unit_tree().await?;
    let narratives = store.share_narratives(plan, period).await?;
    Ok(compose(&o, &items, &tree, &narratives, reasons))
}

/// The bulletin's figures from the dashboard's ([`Overview`]): pure.
pub fn compose(
    o: &Overview,
    items: &[minsheng_domain::Item],
    tree: &UnitTree,
    narratives: &[minsheng_store::ShareNarrative],
    reasons: &HashMap<TargetId, String>,
) -> Body {
    let t = &o.tracking;
    let name = |u: UnitId| {
        tree.get(u)
            .map_or_else(|| u.to_string(), |x| x.name.clone())
    };
    let item_text: HashMap<_, _> = items.iter().map(|i| (i.id, i.text.as_str())).collect();
    let mut said: HashMap<TargetId, Vec<(UnitId, &str)>> = HashMap::new();
    for n in narratives {
        said.entry(n.target)
            .or_default()
            .push((n.unit, n.narrative.as_str()));
    }

    let mut lines = Vec::with_capacity(t.targets.len());
    let mut led: BTreeMap<UnitId, Vec<(Status, Option<Decimal>)>> = BTreeMap::new();
    for x in &t.targets {
        let lead = x
            .assessed
            .iter()
            .find(|a| a.role == minsheng_domain::AssignmentRole::Lead)
            .map(|a| a.unit);
        if let Some(u) = lead {
            led.entry(u)
                .or_default()
                .push((x.status, x.rollup.completion.map(|c| c.score)));
        }
        let behind = Bucket::of(x.status) == Bucket::Behind;
        let office = reasons
            .get(&x.target.id)
            .map(|r| r.trim())
            .filter(|r| !r.is_empty());
        let reason = if !behind {
            None
        } else if let Some(r) = office {
            Some(r.to_string())
        } else {
            // What the units behind say (the others' when none of them said anything),
            // at most MAX_QUOTED of them.
            let all: Vec<(bool, UnitId, &str)> = said
                .get(&x.target.id)
                .into_iter()
                .flatten()
                .map(|(u, n)| {
                    let lagging = x
                        .shares
                        .iter()
                        .any(|s| s.unit == *u && Bucket::of(s.status) == Bucket::Behind);
                    (lagging, *u, *n)
                })
                .collect();
            let behind_said: Vec<_> = all.iter().filter(|(l, _, _)| *l).collect();
            let quoted: Vec<_> = if behind_said.is_empty() {
                all.iter().collect()
            } else {
                behind_said
            };
            let shown: Vec<String> = quoted
                .iter()
                .take(MAX_QUOTED)
                .map(|(_, u, n)| format!("{}:{}", name(*u), shorten(n)))
                .collect();
            (!shown.is_empty()).then(|| {
                let mut r = shown.join(";");
                if quoted.len() > MAX_QUOTED {
                    r.push_str(&format!("等{}个单位", quoted.len()));
                }
                r
            })
        };
        lines.push(Line {
            target: x.target.id.0,
            no: format!("{}.{}", x.section_no, x.item_no),
            item: item_text
                .get(&x.target.item)
                .map(|s| s.to_string())
                .unwrap_or_default(),
            phrase: x.target.phrase.clone(),
            lead: lead.map(name),
            kind: x.target.kind.code().to_string(),
            cmp: x.target.cmp.code().to_string(),
            goal: x.target.quantity.value,
            unit: x.target.quantity.unit.clone(),
            actual: x.rollup.value,
            expected: x.expected,
            completion: x.rollup.completion.map(|c| c.score),
            status: x.status.code().to_string(),
            forecast: x.forecast.as_ref().map(|f| f.value),
            forecast_meets: x.forecast.as_ref().map(|f| f.meets),
            reason_by_office: behind && office.is_some(),
            reason,
        });
    }

    // Items: done when every target of theirs is.
    let mut by_item: BTreeMap<minsheng_domain::ItemId, bool> = BTreeMap::new();
    for x in &t.targets {
        let done = by_item.entry(x.target.item).or_insert(true);
        *done &= x.status == Status::Done;
    }
    let counts = |c: &minsheng_domain::StatusCounts| -> BTreeMap<String, usize> {
        Status::ALL
            .into_iter()
            .map(|s| (s.code().to_string(), c.get(s)))
            .collect()
    };
    let overall = Overall {
        targets: o.overall.targets,
        items: by_item.len(),
        items_done: by_item.values().filter(|d| **d).count(),
        counts: counts(&o.overall.counts),
        completion: o.overall.completion,
        expected: o.overall.expected,
    };

    let rank_of = |r: &minsheng_domain::UnitRank| Rank {
        rank: r.rank,
        unit: r.unit.0,
        name: r.name.clone(),
        shares: r.summary.count,
        mean: r.summary.mean_score,
        shortfalls: Status::shortfalls().map(|s| r.summary.counts.get(s)).sum(),
        not_reported: r.summary.counts.get(Status::NotReported),
    };
    let ranking: Vec<Rank> = t.ranking.iter().map(rank_of).collect();
    let (red, black) = honour_roll(&t.ranking, HONOUR_ROLL);
    let regions = t
        .ranking
        .iter()
        .filter(|r| {
            tree.get(r.unit)
                .is_some_and(|u| u.kind != UnitKind::Department)
        })
        .map(|r| Group {
            unit: r.unit.0,
            name: r.name.clone(),
            count: r.summary.count,
            mean: r.summary.mean_score,
            counts: counts(&r.summary.counts),
        })
        .collect();
    let mut leads: Vec<Group> = led
        .into_iter()
        .map(|(u, list)| {
            let mut c = minsheng_domain::StatusCounts::default();
            let (mut sum, mut n) = (Decimal::ZERO, 0u32);
            for (s, score) in &list {
                c.add(*s);
                if let Some(v) = score {
                    sum = sum.saturating_add(*v);
                    n += 1;
                }
            }
            Group {
                unit: u.0,
                name: name(u),
                count: list.len(),
                mean: (n > 0).then(|| sum / Decimal::from(n)),
                counts: counts(&c),
            }
        })
        .collect();
    leads.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));

    let c = &t.completeness;
    Body {
        v: BODY_VERSION,
        plan: t.plan.id.0,
        plan_title: t.plan.title.clone(),
        year: t.plan.year,
        period: t.period.to_string(),
        as_of: t.today.to_string(),
        office: name(t.plan.owner),
        overall,
        lines,
        regions,
        leads,
        reporting: Reporting {
            expected: c.expected,
            received: c.received,
            on_time: c.on_time,
            late: c.late,
            missing: c.missing,
        },
        ranking,
        red: red.into_iter().map(rank_of).collect(),
        black: black.into_iter().map(rank_of).collect(),
    }
}

/// At most [`NARRATIVE_CHARS`] characters of a narrative, on one line.
fn shorten(s: &str) -> String {
    let one: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one.chars().count() <= NARRATIVE_CHARS {
        one
    } else {
        let mut cut: String = one.chars().take(NARRATIVE_CHARS).collect();
        cut.push('…');
        cut
    }
}

/// The bulletins of a plan `account` may read: every one for the office, the issued ones for
/// the others (a unit's only when its subtree holds a share in the plan).
pub async fn list(
    store: &Store,
    account: &Account,
    plan: PlanId,
) -> Result<Vec<Bulletin>, AppError> {
    ensure(account, Action::ViewBulletins)?;
    let plan = store.plan(plan).await?;
    let all = store.bulletins_of_plan(plan.id).await?;
    if account.may(Action::IssueBulletin).is_ok() {
        return Ok(all);
    }
    if account.sees_all() {
        return Ok(all.into_iter().filter(|b| !b.is_draft()).collect());
    }
    let mine = concerning(store, account).await?;
    Ok(all.into_iter().filter(|b| mine.contains(&b.id)).collect())
}

/// The issued bulletins `account`'s unit is concerned by (its subtree holds shares in their
/// plans), newest first, with their plans' titles: a unit's workspace lists them.
pub async fn of_my_unit(
    store: &Store,
    account: &Account,
) -> Result<Vec<(Bulletin, String)>, AppError> {
    ensure(account, Action::ViewBulletins)?;
    let Some(unit) = account.unit else {
        return Ok(Vec::new());
    };
    let list = store.issued_bulletins_within(unit).await?;
    let plans: HashMap<PlanId, String> = store
        .plans()
        .await?
        .into_iter()
        .map(|p| (p.id, p.title))
        .collect();
    Ok(list
        .into_iter()
        .map(|b| {
            let title = plans.get(&b.plan).cloned().unwrap_or_default();
            (b, title)
        })
        .collect())
}

async fn concerning(store: &Store, account: &Account) -> Result<Vec<BulletinId>, AppError> {
    Ok(match account.unit {
        Some(u) => store
            .issued_bulletins_within(u)
            .await?
            .into_iter()
            .map(|b| b.id)
            .collect(),
        None => Vec::new(),
    })
}

/// Refuses a period of `plan` with no accepted figure: a bulletin of nothing.
async fn ensure_has_data(store: &Store, plan: &Plan, period: Period) -> Result<(), AppError> {
    let months = store.months_with_accepted_data(plan.id).await?;
    if months.iter().any(|m| period.contains(*m)) {
        return Ok(());
    }
    Err(AppError::Invalid {
        field: "period".into(),
        reason: format!(
            "{}“{}”尚无已审核通过的数据,不能生成通报 / {} of '{}' has no accepted figures yet: there is nothing to report",
            period.label_zh(),
            plan.title,
            period.label_en(),
            plan.title
        ),
    })
}

/// Starts the draft bulletin of `plan` for `period` (as people write it: `2023-09`, `9月`,
/// `三季度`), or finds the one already started. Refused for a period outside the plan's year
/// or with no accepted figure, and for a plan still in draft.
#[tracing::instrument(skip_all, fields(plan.id = %plan))]
pub async fn start_draft(
    store: &Store,
    account: &Account,
    plan: PlanId,
    period: &str,
    today: Date,
) -> Result<BulletinId, AppError> {
    ensure(account, Action::IssueBulletin)?;
    let plan = store.plan(plan).await?;
    if plan.status == PlanStatus::Draft {
        return Err(AppError::Invalid {
            field: "plan".into(),
            reason: format!(
                "计划“{}”尚未确认,不能通报 / the plan '{}' is not confirmed yet",
                plan.title, plan.title
            ),
        });
    }
    if period.trim().is_empty() {
        return Err(AppError::Invalid {
            field: "period".into(),
            reason: "请选择通报的月份 / choose the month to report".into(),
        });
    }
    let period = tracking::period_or_default(plan.year, Some(period), today)?;
    if period.year() != plan.year {
        return Err(AppError::Invalid {
            field: "period".into(),
            reason: format!(
                "{} 不在计划年度 {} 内 / {period} is outside the plan's year",
                period.label_zh(),
                plan.year
            ),
        });
    }
    ensure_has_data(store, &plan, period).await?;
    let mut tx = store.begin(&Actor::new(&account.name)).await?;
    if let Some(open) = tx
        .bulletins_of_plan(plan.id)
        .await?
        .into_iter()
        .find(|b| b.is_draft() && b.period == period)
    {
        tx.rollback().await?;
        return Ok(open.id);
    }
    let id = match tx.insert_bulletin_draft(plan.id, period).await {
        Ok(id) => id,
        // Started at the same moment by someone else: theirs is the draft.
        Err(StoreError::Duplicate { .. }) => {
            let found = store
                .bulletins_of_plan(plan.id)
                .await?
                .into_iter()
                .find(|b| b.is_draft() && b.period == period);
            return found.map(|b| b.id).ok_or(AppError::Conflict {
                reason: "通报草稿已由他人创建,请刷新 / someone else started the draft: reload"
                    .into(),
            });
        }
        Err(e) => return Err(e.into()),
    };
    tx.commit().await?;
    info!(bulletin.id = %id, "Started the draft bulletin {id} of plan {} for {period}", plan.id);
    Ok(id)
}

/// Opens a bulletin for `account`: an issued one with its frozen figures, a draft with the
/// figures as they stand today.
pub async fn open(
    store: &Store,
    account: &Account,
    id: BulletinId,
    today: Date,
    thresholds: &Thresholds,
) -> Result<BulletinView, AppError> {
    ensure(account, Action::ViewBulletins)?;
    let b = store.bulletin(id).await?;
    let allowed = if account.may(Action::IssueBulletin).is_ok() {
        true
    } else if b.is_draft() {
        false
    } else {
        account.sees_all() || concerning(store, account).await?.contains(&id)
    };
    if !allowed {
        // Not shown, not confirmed: a bulletin the account may not read is not there.
        return Err(AppError::NotFound {
            what: "bulletin",
            id: id.0,
        });
    }
    view_of(store, b, today, thresholds).await
}

/// The bulletin `b` with its figures.
async fn view_of(
    store: &Store,
    b: Bulletin,
    today: Date,
    thresholds: &Thresholds,
) -> Result<BulletinView, AppError> {
    let body = if b.is_draft() {
        let reasons: HashMap<TargetId, String> =
            store.bulletin_reasons(b.id).await?.into_iter().collect();
        compute(store, b.plan, b.period, today, thresholds, &reasons).await?
    } else {
        frozen(store, &b).await?
    };
    let corrects = match b.corrects {
        Some(c) => Some(store.bulletin(c).await?),
        None if b.is_draft() => store
            .bulletins_of_plan(b.plan)
            .await?
            .into_iter()
            .filter(|x| !x.is_draft() && x.period == b.period)
            .max_by_key(|x| x.no),
        None => None,
    };
    Ok(BulletinView {
        bulletin: Some(b),
        body,
        corrects,
    })
}

/// The frozen figures of an issued bulletin.
pub(crate) async fn frozen(store: &Store, b: &Bulletin) -> Result<Body, AppError> {
    let text = store.bulletin_snapshot(b.id).await?.ok_or_else(|| {
        AppError::Store(StoreError::Corrupt {
            table: "bulletins",
            column: "snapshot",
            value: String::new(),
        })
    })?;
    serde_json::from_str(&text).map_err(|e| {
        AppError::Store(StoreError::Corrupt {
            table: "bulletins",
            column: "snapshot",
            value: format!("{e}"),
        })
    })
}

/// What the office writes in a draft.
#[derive(Debug, Clone, Default)]
pub struct DraftInput {
    /// The opening.
    pub opening: String,
    /// The closing.
    pub closing: String,
    /// Whether it goes on the public portal.
    pub public: bool,
    /// The reasons per target, as written (empty: the units' words).
    pub reasons: Vec<(TargetId, String)>,
}

/// The message for a bulletin that is no longer a draft.
fn not_a_draft(b: &Bulletin, what_zh: &str, what_en: &str) -> AppError {
    AppError::Conflict {
        reason: format!(
            "{}已印发,不能{what_zh};如需更正,请新建该期通报草稿并印发,它将注明更正{} / {} is already issued and cannot be {what_en}; to correct it, issue a new bulletin for the period",
            b.name_zh(),
            b.name_zh(),
            b.name_en()
        ),
    }
}

/// Saves what the office wrote in a draft. Refused, nothing changed, for an issued bulletin,
/// for text over its length, and for a reason given to a target the plan does not have.
#[tracing::instrument(skip_all, fields(bulletin.id = %id))]
pub async fn save_draft(
    store: &Store,
    account: &Account,
    id: BulletinId,
    input: DraftInput,
) -> Result<(), AppError> {
    ensure(account, Action::IssueBulletin)?;
    let b = store.bulletin(id).await?;
    if !b.is_draft() {
        return Err(not_a_draft(&b, "修改", "changed"));
    }
    let invalid = |field: &str, reason: String| AppError::Invalid {
        field: field.into(),
        reason,
    };
    let opening = input.opening.trim().to_string();
    let closing = input.closing.trim().to_string();
    check_length(TextField::BulletinText, &opening)
        .map_err(|e| invalid("opening", e.to_string()))?;
    check_length(TextField::BulletinText, &closing)
        .map_err(|e| invalid("closing", e.to_string()))?;
    let targets: Vec<TargetId> = store.targets(b.plan).await?.iter().map(|t| t.id).collect();
    let mut reasons = Vec::new();
    for (t, r) in input.reasons {
        let r = r.trim().to_string();
        if !targets.contains(&t) {
            return Err(invalid(
                &format!("reason_{t}"),
                format!("指标 {t} 不属于本计划 / target {t} is not in this plan"),
            ));
        }
        check_length(TextField::LagReason, &r)
            .map_err(|e| invalid(&format!("reason_{t}"), e.to_string()))?;
        if !r.is_empty() {
            reasons.push((t, r));
        }
    }
    reasons.sort();
    reasons.dedup_by(|a, b| a.0 == b.0);
    let mut tx = store.begin(&Actor::new(&account.name)).await?;
    let text = DraftText {
        opening,
        closing,
        public: input.public,
        reasons,
    };
    match tx.save_bulletin_draft(id, &text).await {
        Ok(()) => {}
        Err(StoreError::Conflict { .. }) => {
            let now = store.bulletin(id).await?;
            return Err(not_a_draft(&now, "修改", "changed"));
        }
        Err(e) => return Err(e.into()),
    }
    tx.commit().await?;
    Ok(())
}

/// Issues a draft with the 文号 `doc_no`: computes its figures once more, keeps them for
/// good, and numbers it. Refused, nothing changed: a bulletin already issued (by someone
/// else a moment ago too), a 文号 empty or already used in the plan, a period that has no
/// accepted figure.
#[tracing::instrument(skip_all, fields(bulletin.id = %id))]
pub async fn issue(
    store: &Store,
    account: &Account,
    id: BulletinId,
    doc_no: &str,
    today: Date,
    thresholds: &Thresholds,
) -> Result<IssuedAs, AppError> {
    ensure(account, Action::IssueBulletin)?;
    let doc_no = DocNo::parse(doc_no).map_err(|e| AppError::Invalid {
        field: "doc_no".into(),
        reason: e.to_string(),
    })?;
    let b = store.bulletin(id).await?;
    if !b.is_draft() {
        return Err(not_a_draft(&b, "再次印发", "issued again"));
    }
    let plan = store.plan(b.plan).await?;
    let used = |list: &[Bulletin]| {
        list.iter()
            .find(|x| x.doc_no.as_deref() == Some(doc_no.as_str()))
            .map(|x| (x.name_zh(), x.name_en()))
    };
    let duplicate = |(zh, en): (String, String)| AppError::Invalid {
        field: "doc_no".into(),
        reason: format!(
            "文号“{}”已用于{zh},同一计划的文号不能重复 / the document number '{}' is already used by {en}",
            doc_no.as_str(),
            doc_no.as_str()
        ),
    };
    if let Some(x) = used(&store.bulletins_of_plan(plan.id).await?) {
        return Err(duplicate(x));
    }
    ensure_has_data(store, &plan, b.period).await?;
    let reasons: HashMap<TargetId, String> =
        store.bulletin_reasons(id).await?.into_iter().collect();
    let body = compute(store, b.plan, b.period, today, thresholds, &reasons).await?;
    let snapshot = serde_json::to_string(&body).map_err(|e| {
        AppError::Store(StoreError::Corrupt {
            table: "bulletins",
            column: "snapshot",
            value: e.to_string(),
        })
    })?;
    let mut tx = store.begin(&Actor::new(&account.name)).await?;
    let issued = match tx.issue_bulletin(id, doc_no.as_str(), &snapshot).await {
        Ok(i) => i,
        Err(StoreError::Conflict { .. }) => {
            drop(tx);
            let now = store.bulletin(id).await?;
            return Err(not_a_draft(&now, "再次印发", "issued again"));
        }
        Err(StoreError::Duplicate { .. }) => {
            drop(tx);
            let list = store.bulletins_of_plan(plan.id).await?;
            return Err(duplicate(used(&list).unwrap_or_else(|| {
                (
                    "本计划的另一期通报".into(),
                    "another bulletin of the plan".into(),
                )
            })));
        }
        Err(e) => return Err(e.into()),
    };
    tx.commit().await?;
    info!(
        bulletin.id = %id, bulletin.no = issued.no,
        "Issued bulletin {id} of plan {} for {} as no. {} ({})", plan.id, b.period, issued.no,
        doc_no.as_str()
    );
    Ok(issued)
}

/// The bulletin of `plan` for `period` as the command line writes it: the latest issued one
/// of that period if there is one, else the draft of that period, else the figures as they
/// stand (a rendering, nothing saved). Run by whoever holds the database.
pub async fn for_period(
    store: &Store,
    plan: PlanId,
    period: &str,
    today: Date,
    thresholds: &Thresholds,
) -> Result<BulletinView, AppError> {
    let plan = store.plan(plan).await?;
    let period = tracking::period_or_default(plan.year, Some(period), today)?;
    let list = store.bulletins_of_plan(plan.id).await?;
    let issued = list
        .iter()
        .filter(|b| !b.is_draft() && b.period == period)
        .max_by_key(|b| b.no)
        .cloned();
    let draft = list
        .into_iter()
        .find(|b| b.is_draft() && b.period == period);
    if let Some(b) = issued.or(draft) {
        return view_of(store, b, today, thresholds).await;
    }
    ensure_has_data(store, &plan, period).await?;
    let body = compute(store, plan.id, period, today, thresholds, &HashMap::new()).await?;
    Ok(BulletinView {
        bulletin: None,
        body,
        corrects: None,
    })
}

/// The issued bulletins marked public of a published plan, newest first: the portal lists
/// them. An unpublished plan is not found.
pub async fn public_bulletins(store: &Store, plan: PlanId) -> Result<Vec<Bulletin>, AppError> {
    let plan = store.plan(plan).await?;
    if plan.status != PlanStatus::Published {
        return Err(AppError::NotFound {
            what: "plan",
            id: plan.id.0,
        });
    }
    Ok(store
        .bulletins_of_plan(plan.id)
        .await?
        .into_iter()
        .filter(|b| !b.is_draft() && b.public)
        .collect())
}

/// One public bulletin for the portal: issued, marked public, of a published plan; anything
/// else is not found.
pub async fn public_bulletin(store: &Store, id: BulletinId) -> Result<BulletinView, AppError> {
    let not_found = AppError::NotFound {
        what: "bulletin",
        id: id.0,
    };
    let b = match store.bulletin(id).await {
        Ok(b) => b,
        Err(StoreError::NotFound { .. }) => return Err(not_found),
        Err(e) => return Err(e.into()),
    };
    if b.is_draft() || !b.public {
        return Err(not_found);
    }
    if store.plan(b.plan).await?.status != PlanStatus::Published {
        return Err(not_found);
    }
    let body = frozen(store, &b).await?;
    let corrects = match b.corrects {
        Some(c) => Some(store.bulletin(c).await?),
        None => None,
    };
    Ok(BulletinView {
        bulletin: Some(b),
        body,
        corrects,
    })
}

/// Decimals kept as exact text.
pub(crate) mod dec {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&d.normalize().to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Optional decimals kept as exact text or null.
mod opt_dec {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_str(&d.normalize().to_string()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|s| s.parse().map_err(serde::de::Error::custom))
            .transpose()
    }
}

/// One cell of an annex table: text, or a number with how it reads.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Words.
    Text(String),
    /// A figure: its exact value and its unit ("" for none).
    Number(Decimal, String),
    /// A fraction shown as a percentage (0.526 → 52.6%).
    Percent(Decimal),
    /// No figure.
    Empty,
}

impl Cell {
    /// How it reads in a Chinese document.
    pub fn zh(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Number(d, unit) => minsheng_domain::quantity::show_zh(*d, unit),
            Cell::Percent(d) => percent(Some(*d)),
            Cell::Empty => "—".into(),
        }
    }
}

/// A fraction as a percentage with one decimal (`0.4738` → `47.4%`), `—` for none.
pub fn percent(d: Option<Decimal>) -> String {
    d.map(|d| {
        let p = d.saturating_mul(Decimal::ONE_HUNDRED);
        format!("{}%", p.round_dp(1).normalize())
    })
    .unwrap_or_else(|| "—".into())
}

/// An annex table of the bulletin (附件): the same tables in the DOCX and the XLSX.
#[derive(Debug, Clone, PartialEq)]
pub struct Annex {
    /// 附件1.
    pub label: String,
    /// 慢序时项目.
    pub title: String,
    /// Column headings.
    pub headers: Vec<&'static str>,
    /// Relative column widths.
    pub widths: Vec<usize>,
    /// The rows.
    pub rows: Vec<Vec<Cell>>,
}

fn line_cells(i: usize, l: &Line, with_reason: bool) -> Vec<Cell> {
    let opt = |d: Option<Decimal>| match d {
        Some(d) if !l.is_stage() => Cell::Number(d, l.unit.clone()),
        _ => Cell::Empty,
    };
    let goal = if l.is_stage() {
        Cell::Text("定性事项".into())
    } else {
        Cell::Number(l.goal, l.unit.clone())
    };
    let mut row = vec![
        Cell::Number(Decimal::from(i + 1), String::new()),
        Cell::Text(l.no.clone()),
        Cell::Text(l.phrase.clone()),
        Cell::Text(l.lead.clone().unwrap_or_default()),
        goal,
        opt(l.actual),
        opt(l.expected),
        l.completion.map_or(Cell::Empty, Cell::Percent),
        Cell::Text(l.status().label_zh().into()),
    ];
    if with_reason {
        row.push(Cell::Text(l.reason.clone().unwrap_or_default()));
    }
    row
}

/// The annex tables: 附件1 慢序时项目 (with reasons, worst first), 附件2 按序时推进项目,
/// 附件3 提前/超额完成项目, 附件4 各地区进展, 附件5 牵头单位进展, 附件6 单位排名.
pub fn annexes(body: &Body) -> Vec<Annex> {
    let item_headers = vec![
        "序号",
        "编号",
        "指标",
        "牵头单位",
        "目标",
        "完成",
        "序时进度",
        "完成率",
        "状态",
    ];
    let item_widths = vec![5, 6, 22, 12, 9, 9, 9, 7, 7];
    let mut behind: Vec<&Line> = body.in_bucket(Bucket::Behind).collect();
    behind.sort_by_key(|l| std::cmp::Reverse(l.status().severity()));
    let mut with_reason = item_headers.clone();
    with_reason.push("滞后原因");
    let mut reason_widths = item_widths.clone();
    reason_widths[2] = 16;
    reason_widths.push(22);
    let items = |bucket: Bucket| -> Vec<Vec<Cell>> {
        body.in_bucket(bucket)
            .enumerate()
            .map(|(i, l)| line_cells(i, l, false))
            .collect()
    };
    let status_headers = |first: &'static str, count: &'static str| {
        let mut h = vec!["序号", first, count, "平均完成度"];
        h.extend(
            [
                Status::Done,
                Status::OnTrack,
                Status::Lagging,
                Status::AtRisk,
                Status::AwaitingReview,
                Status::NotReported,
            ]
            .map(|s| s.label_zh()),
        );
        h
    };
    let group_rows = |groups: &[Group]| -> Vec<Vec<Cell>> {
        groups
            .iter()
            .enumerate()
            .map(|(i, g)| {
                let mut row = vec![
                    Cell::Number(Decimal::from(i + 1), String::new()),
                    Cell::Text(g.name.clone()),
                    Cell::Number(Decimal::from(g.count), String::new()),
                    g.mean.map_or(Cell::Empty, Cell::Percent),
                ];
                row.extend(
                    Status::ALL.map(|s| Cell::Number(Decimal::from(g.count_of(s)), String::new())),
                );
                row
            })
            .collect()
    };
    vec![
        Annex {
            label: "附件1".into(),
            title: "慢序时项目".into(),
            headers: with_reason,
            widths: reason_widths,
            rows: behind
                .iter()
                .enumerate()
                .map(|(i, l)| line_cells(i, l, true))
                .collect(),
        },
        Annex {
            label: "附件2".into(),
            title: "按序时推进项目".into(),
            headers: item_headers.clone(),
            widths: item_widths.clone(),
            rows: items(Bucket::OnSchedule),
        },
        Annex {
            label: "附件3".into(),
            title: "提前/超额完成项目".into(),
            headers: item_headers,
            widths: item_widths,
            rows: items(Bucket::Ahead),
        },
        Annex {
            label: "附件4".into(),
            title: "各地区进展情况".into(),
            headers: status_headers("地区", "承担任务数"),
            widths: vec![4, 14, 8, 8, 6, 6, 6, 6, 6, 6],
            rows: group_rows(&body.regions),
        },
        Annex {
            label: "附件5".into(),
            title: "牵头单位进展情况".into(),
            headers: status_headers("牵头单位", "牵头指标数"),
            widths: vec![4, 18, 8, 8, 6, 6, 6, 6, 6, 6],
            rows: group_rows(&body.leads),
        },
        Annex {
            label: "附件6".into(),
            title: "责任单位排名".into(),
            headers: vec![
                "名次",
                "单位",
                "承担任务数",
                "平均完成度",
                "滞后或未报送任务数",
            ],
            widths: vec![6, 20, 10, 10, 12],
            rows: body
                .ranking
                .iter()
                .map(|r| {
                    vec![
                        Cell::Number(Decimal::from(r.rank), String::new()),
                        Cell::Text(r.name.clone()),
                        Cell::Number(Decimal::from(r.shares), String::new()),
                        r.mean.map_or(Cell::Empty, Cell::Percent),
                        Cell::Number(Decimal::from(r.shortfalls), String::new()),
                    ]
                })
                .collect(),
        },
    ]
}

/// The bulletin's text in Chinese, paragraph by paragraph, as the DOCX prints it: headings
/// 一、 and (一), and the sentences built from the figures. The office's opening comes
/// before it and its closing after.
pub fn prose_zh(body: &Body) -> Vec<Para> {
    let o = &body.overall;
    let period = body.period();
    let n = |b: Bucket| o.in_bucket(b);
    let mut out = vec![Para::H1("一、总体进展".into())];
    out.push(Para::Text(format!(
        "截至{},《{}》确定的{}件实事、{}项指标中,{}件实事已完成{}件,完成率{};{}项指标提前或超额完成{}项,按序时推进{}项,慢于序时{}项(其中严重滞后{}项),未报送或待审核{}项。全部指标平均完成{},序时进度{}。",
        period_end_zh(period),
        body.plan_title,
        o.items,
        o.targets,
        o.items,
        o.items_done,
        percent(o.items_rate()),
        o.targets,
        n(Bucket::Ahead),
        n(Bucket::OnSchedule),
        n(Bucket::Behind),
        o.count(Status::AtRisk),
        n(Bucket::NoFigure),
        percent(o.completion),
        percent(o.expected),
    )));
    out.push(Para::H1("二、分类进展情况".into()));
    let list = |lines: Vec<&Line>| -> String {
        lines
            .iter()
            .map(|l| format!("{}“{}”", l.no, phrase_of(l)))
            .collect::<Vec<_>>()
            .join("、")
    };
    let ahead: Vec<&Line> = body.in_bucket(Bucket::Ahead).collect();
    out.push(Para::H2(format!("(一)提前/超额完成{}项", ahead.len())));
    if !ahead.is_empty() {
        out.push(Para::Text(format!("{}。详见附件3。", list(ahead))));
    }
    let on: Vec<&Line> = body.in_bucket(Bucket::OnSchedule).collect();
    out.push(Para::H2(format!("(二)按序时推进{}项", on.len())));
    if !on.is_empty() {
        // Most targets are on schedule: named in the annex, not in the text.
        out.push(Para::Text(format!(
            "{}项指标按序时推进,详见附件2。",
            on.len()
        )));
    }
    let mut behind: Vec<&Line> = body.in_bucket(Bucket::Behind).collect();
    behind.sort_by_key(|l| std::cmp::Reverse(l.status().severity()));
    out.push(Para::H2(format!("(三)慢于序时{}项", behind.len())));
    for l in &behind {
        let done = match (l.is_stage(), l.actual) {
            (false, Some(a)) => format!(
                "完成{},完成率{}",
                minsheng_domain::quantity::show_zh(a, &l.unit),
                percent(l.completion)
            ),
            _ => format!("完成率{}", percent(l.completion)),
        };
        let why = l
            .reason
            .as_deref()
            .map(|r| format!("主要原因:{r}"))
            .unwrap_or_else(|| "各责任单位未说明原因。".into());
        let lead = l
            .lead
            .as_deref()
            .map(|u| format!("(牵头单位:{u})"))
            .unwrap_or_default();
        out.push(Para::Text(format!(
            "{}“{}”{},{}。{}{}",
            l.no,
            phrase_of(l),
            lead,
            done,
            l.status().label_zh(),
            if why.ends_with('。') {
                format!(";{why}")
            } else {
                format!(";{why}。")
            }
        )));
    }
    let none: Vec<&Line> = body.in_bucket(Bucket::NoFigure).collect();
    if !none.is_empty() {
        out.push(Para::H2(format!("(四)未报送或待审核{}项", none.len())));
        out.push(Para::Text(format!("{}。", list(none))));
    }
    out.push(Para::H1("三、各地区和牵头单位进展".into()));
    if !body.regions.is_empty() {
        out.push(Para::H2("(一)各地区".into()));
        out.push(Para::Text(format!(
            "{}。详见附件4。",
            body.regions
                .iter()
                .map(|g| format!("{}平均完成{}", g.name, percent(g.mean)))
                .collect::<Vec<_>>()
                .join(",")
        )));
    }
    if !body.leads.is_empty() {
        out.push(Para::H2("(二)牵头单位".into()));
        out.push(Para::Text(format!(
            "{}。详见附件5。",
            body.leads
                .iter()
                .map(|g| {
                    let behind = g.count_of(Status::Lagging) + g.count_of(Status::AtRisk);
                    if behind > 0 {
                        format!("{}牵头{}项、慢于序时{}项", g.name, g.count, behind)
                    } else {
                        format!("{}牵头{}项", g.name, g.count)
                    }
                })
                .collect::<Vec<_>>()
                .join(",")
        )));
    }
    let r = &body.reporting;
    out.push(Para::H1("四、报送情况".into()));
    out.push(Para::Text(format!(
        "截至{},应报送{}份,已报送{}份,其中按时{}份、逾期{}份,未报送{}份;报送率{},及时率{}。",
        body.as_of_zh(),
        r.expected,
        r.received,
        r.on_time,
        r.late,
        r.missing,
        percent(r.received_rate()),
        percent(r.on_time_rate()),
    )));
    out.push(Para::H1("五、红黄绿灯".into()));
    for (light, statuses) in [
        ("红灯", &[Status::AtRisk][..]),
        ("黄灯", &[Status::Lagging][..]),
    ] {
        let lines: Vec<&Line> = body
            .lines
            .iter()
            .filter(|l| statuses.contains(&l.status()))
            .collect();
        out.push(Para::Text(if lines.is_empty() {
            format!("{light}0项。")
        } else {
            format!("{light}{}项:{}。", lines.len(), list(lines))
        }));
    }
    out.push(Para::Text(format!(
        "绿灯{}项(已完成{}项,正常推进{}项)。",
        o.count(Status::Done) + o.count(Status::OnTrack),
        o.count(Status::Done),
        o.count(Status::OnTrack)
    )));
    out.push(Para::H1("六、排名和红黑榜".into()));
    let names = |rs: &[Rank]| {
        rs.iter()
            .map(|r| format!("{}({})", r.name, percent(r.mean)))
            .collect::<Vec<_>>()
            .join("、")
    };
    out.push(Para::Text(format!(
        "按承担任务的平均完成度排名(详见附件6),红榜:{};黑榜:{}。",
        if body.red.is_empty() {
            "无".into()
        } else {
            names(&body.red)
        },
        if body.black.is_empty() {
            "无".into()
        } else {
            names(&body.black)
        },
    )));
    out
}

/// A target's phrase without the punctuation that ends it in the plan's text.
fn phrase_of(l: &Line) -> &str {
    l.phrase
        .trim_end_matches(['。', ';', ';', ',', ',', '、', ' '])
}

/// A paragraph of the bulletin's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Para {
    /// 一、 a first-level heading (黑体).
    H1(String),
    /// (一) a second-level heading (楷体).
    H2(String),
    /// Body text (仿宋).
    Text(String),
}

/// "2023年9月底" for a month, "2023年第三季度末" … for the others.
fn period_end_zh(p: Period) -> String {
    match p {
        Period::Month { .. } => format!("{}底", p.label_zh()),
        _ => format!("{}末", p.label_zh()),
    }
}

/// The masthead (版头) of the issuing office: 吉林省民生实事工作通报.
pub fn masthead_zh(body: &Body) -> String {
    format!("{}民生实事工作通报", body.office)
}

impl Body {
    /// The day computed for, as 2023年10月15日.
    pub fn as_of_zh(&self) -> String {
        match self.as_of.parse::<Date>() {
            Ok(d) => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
            Err(_) => self.as_of.clone(),
        }
    }
}
