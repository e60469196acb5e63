//! The demo: the Jilin 2023 livelihood plan, read from its own text by the extractor, with the
//! province's unit tree and **invented** assignments (a lead department per target, and the
//! target split over the nine prefecture-level divisions). Every page of a demo database says
//! that the assignments are invented.

use crate::error::AppError;
use crate::import::{ImportOptions, Imported, write_plan};
use minsheng_domain::{
    Accrual, Actor, AssignmentId, AssignmentRole, PlanKind, PlanStatus, Quantity, Role, TargetId,
    UnitId, UnitKind, split_quantity,
};
use minsheng_store::{NewAssignment, NewUnit, Store, Tx};
use std::collections::HashMap;
use tracing::info;

pub mod projects;

/// The plan text the demo is built from: the seed document exactly as published.
pub const JILIN_2023: &str = include_str!("../../../corpus/jilin-2023.txt");

/// The demo's next year: a 2024 plan **invented** from the 2023 text (no real 2024 text was
/// found to keep: the search of public pages for 吉林省2024年民生实事 on 2026-12-07 turned up
/// only reports that the 2023 list was completed), with items renumbered and reworded, some
/// figures raised or lowered, some dropped and some new — what the plan diff and the year-end
/// carry-over are shown on. Its title and first paragraph say it is invented.
pub const JILIN_2024_INVENTED: &str = include_str!("../demo/jilin-2024-invented.txt");

/// The key in the database's facts table that marks a demo database.
pub const DEMO_MARK: &str = "demo";

/// Jilin's nine prefecture-level divisions with their GB/T 2260 codes and resident population
/// in 10,000s (第七次全国人口普查, 2020), used as the weights of the invented split.
const PREFECTURES: [(&str, &str, u64); 9] = [
    ("长春市", "220100", 907),
    ("吉林市", "220200", 362),
    ("四平市", "220300", 181),
    ("辽源市", "220400", 100),
    ("通化市", "220500", 130),
    ("白山市", "220600", 95),
    ("松原市", "220700", 225),
    ("白城市", "220800", 155),
    ("延边朝鲜族自治州", "222400", 194),
];

/// Which provincial department would lead an item, by the words in it: first match wins.
/// Invented for the demo from each department's ordinary remit.
const LEADS: [(&[&str], &str); 24] = [
    (&["残疾"], "省残疾人联合会"),
    (&["妇女法律援助", "妇女刑事"], "省妇女联合会"),
    (&["退役军人", "光荣院"], "省退役军人事务厅"),
    (
        &["宫颈癌", "窝沟封闭", "新生儿", "健康档案", "护理"],
        "省卫生健康委员会",
    ),
    (&["医保", "就医"], "省医疗保障局"),
    (&["就业", "欠薪", "工伤"], "省人力资源和社会保障厅"),
    (
        &["特困", "低保", "采暖", "养老", "老年", "救助", "考生"],
        "省民政厅",
    ),
    (
        &["学校", "教室", "幼儿园", "高中", "结对帮扶校"],
        "省教育厅",
    ),
    (&["黑臭水体", "医疗废物"], "省生态环境厅"),
    (&["农村公路", "客运"], "省交通运输厅"),
    (&["阅读", "购书", "演出"], "省文化和旅游厅"),
    (&["健身", "足球", "运动场"], "省体育局"),
    (&["供水"], "省水利厅"),
    (&["电网", "新能源乡村"], "省能源局"),
    (&["5G"], "省通信管理局"),
    (&["快递"], "省邮政管理局"),
    (&["菜篮子", "兽医"], "省农业农村厅"),
    (&["厕所", "示范村"], "省农业农村厅"),
    (
        &["棚户区", "老旧小区", "口袋公园", "住房"],
        "省住房和城乡建设厅",
    ),
    (&["放心消费", "电梯"], "省市场监督管理厅"),
    (&["身份证", "诈骗"], "省公安厅"),
    (&["林区"], "省林业和草原局"),
    (&["不动产"], "省自然资源厅"),
    (&[], "省发展和改革委员会"),
];

/// What the demo holds.
#[derive(Debug, Clone)]
pub struct DemoSummary {
    /// The plan as imported.
    pub imported: Imported,
    /// Units created.
    pub units: usize,
    /// Assignments created.
    pub assignments: usize,
    /// Report revisions filed (invented).
    pub reports: usize,
    /// Coordination problems raised (invented).
    pub problems: usize,
    /// Demo accounts created, all with [`DEMO_PASSWORD`].
    pub accounts: usize,
}

/// Builds the demo — plan, units, assignments and a year of invented reports — in an empty,
/// migrated database, in one transaction.
pub async fn build(store: &Store) -> Result<DemoSummary, AppError> {
    build_with(store, true).await
}

/// Builds the demo, with or without its invented reports (tests that file their own reports
/// start from none).
pub async fn build_with(store: &Store, with_reports: bool) -> Result<DemoSummary, AppError> {
    if !store.plans().await?.is_empty() || !store.units().await?.is_empty() {
        return Err(AppError::Invalid {
            field: "database".into(),
            reason: "演示数据只能建在空数据库中 / the demo is built only in an empty database"
                .into(),
        });
    }
    let mut tx = store.begin(&Actor::system("demo")).await?;
    tx.set_meta(DEMO_MARK, "1").await?;
    let (province, cities) = units(&mut tx).await?;
    let opts = ImportOptions {
        owner: province,
        kind: PlanKind::Livelihood,
        status: PlanStatus::Published,
        default_year: Some(2023),
    };
    let imported = write_plan(
        &mut tx,
        JILIN_2023,
        minsheng_extract::extract(JILIN_2023),
        &opts,
    )
    .await?;
    let mut departments: HashMap<&'static str, UnitId> = HashMap::new();
    let mut assignments = 0;
    let mut shares: HashMap<(TargetId, usize), AssignmentId> = HashMap::new();
    for item in &imported.written {
        let dept_name = lead_for(&item.text);
        let dept = match departments.get(dept_name) {
            Some(id) => *id,
            None => {
                let id = tx
                    .insert_unit(&NewUnit {
                        parent: Some(province),
                        kind: UnitKind::Department,
                        name: dept_name.into(),
                        code: None,
                    })
                    .await?;
                departments.insert(dept_name, id);
                id
            }
        };
        for (target, quantity, _, accrual) in &item.targets {
            let target = *target;
            tx.insert_assignment(&NewAssignment {
                target,
                unit: dept,
                role: AssignmentRole::Lead,
                quota: None,
                budget: None,
            })
            .await?;
            assignments += 1;
            for (ci, (city, quota)) in cities
                .iter()
                .zip(city_quotas(quantity, *accrual))
                .enumerate()
            {
                let Some(quota) = quota else { continue };
                let id = tx
                    .insert_assignment(&NewAssignment {
                        target,
                        unit: *city,
                        role: AssignmentRole::Partner,
                        quota: Some(quota),
                        budget: None,
                    })
                    .await?;
                shares.insert((target, ci), id);
                assignments += 1;
            }
        }
    }
    let reports = if with_reports {
        year_of_reports(&imported, &shares)
    } else {
        Vec::new()
    };
    let report_count = reports.len();
    tx.insert_reports_bulk(&reports).await?;
    tx.audit_import("report", report_count, "演示数据 / demo")
        .await?;
    crate::rollup::recompute_in(&mut tx).await?;
    let accounts = demo_accounts(&mut tx, province, &cities, &departments).await?;
    tx.commit().await?;
    let problems = if with_reports {
        problems(store, &shares, &imported).await?
    } else {
        0
    };
    if with_reports {
        implementation_plans(store, &shares, &imported).await?;
    }
    let units = 1 + cities.len() + departments.len();
    info!(
        plan.id = %imported.plan,
        "Built the demo: {} items, {} targets, {units} units, {assignments} assignments",
        imported.items, imported.targets
    );
    Ok(DemoSummary {
        imported,
        units,
        assignments,
        reports: report_count,
        problems,
        accounts,
    })
}

/// The cities' implementation plans (实施方案) for the first items' counted targets due at the
/// year's end, as filed in the spring: most approved, one city's returned with a reason and
/// refiled, one awaiting approval, one not filed. Each is filed by the city's account and
/// reviewed by the office's. The approved schedules are quarterly points on the even line, so
/// the invented reports keep their statuses; every page marks them as the demo's invention.
async fn implementation_plans(
    store: &Store,
    shares: &HashMap<(TargetId, usize), AssignmentId>,
    imported: &Imported,
) -> Result<usize, AppError> {
    use minsheng_domain::{
        Fund, FundSource, ImplementationContent, ImplementationStatus, Period, SchedulePoint,
        Target, TargetKind,
    };
    let targets: HashMap<TargetId, Target> = store
        .all_targets()
        .await?
        .into_iter()
        .map(|(t, _)| (t.id, t))
        .collect();
    let year_end = |t: &Target| t.deadline.month() == 12 && t.deadline.day() == 31;
    let chosen: Vec<&Target> = imported
        .written
        .iter()
        .take(6)
        .flat_map(|i| &i.targets)
        .filter(|(_, _, kind, accrual)| {
            *kind == TargetKind::Quantity && *accrual == Accrual::Cumulative
        })
        .filter_map(|(id, ..)| targets.get(id))
        .filter(|t| year_end(t))
        .collect();
    let year = chosen.first().map_or(2023, |t| t.deadline.year());
    let mut filed = Vec::new();
    for (ci, (city, code, _)) in PREFECTURES.iter().enumerate() {
        // 延边 has not filed.
        if ci == PREFECTURES.len() - 1 {
            continue;
        }
        let mut tx = store.begin(&Actor::new(*code)).await?;
        for t in &chosen {
            let Some(&a) = shares.get(&(t.id, ci)) else {
                continue;
            };
            let quota = tx.assignment(a).await?.quota.unwrap_or(t.quantity.value);
            let points = (1..=4)
                .map(|k| SchedulePoint {
                    period: Period::month(year, (k * 3) as i8).expect("a quarter's last month"),
                    expected: (quota * rust_decimal::Decimal::from(k)
                        / rust_decimal::Decimal::from(4))
                    .round_dp(2)
                    .normalize(),
                })
                .collect();
            let content = ImplementationContent {
                measures: format!(
                    "{city}按季度分解到各县(市、区),每月调度、季末通报,确保年底前完成。(演示数据)"
                ),
                points,
                funds: vec![Fund {
                    source: FundSource::Local,
                    amount: rust_decimal::Decimal::from(1_000_000 * (9 - ci as i64)),
                }],
                ..ImplementationContent::default()
            };
            let id = tx
                .insert_implementation_plan(a, 1, ImplementationStatus::Draft, &content)
                .await?;
            tx.set_implementation_status(
                id,
                ImplementationStatus::Draft,
                ImplementationStatus::Submitted,
                None,
            )
            .await?;
            filed.push((ci, a, id, content));
        }
        tx.commit().await?;
    }
    let mut tx = store.begin(&Actor::new("office")).await?;
    let mut refile = Vec::new();
    for (ci, a, id, content) in &filed {
        match ci {
            // 白城 awaits approval.
            7 => {}
            // 松原's first plan is returned, and refiled.
            6 => {
                tx.set_implementation_status(
                    *id,
                    ImplementationStatus::Submitted,
                    ImplementationStatus::Returned,
                    Some("资金来源未写明省级资金到位安排,请补充后重报。"),
                )
                .await?;
                refile.push((*a, content.clone()));
            }
            _ => {
                let approved = tx
                    .set_implementation_status(
                        *id,
                        ImplementationStatus::Submitted,
                        ImplementationStatus::Approved,
                        None,
                    )
                    .await?;
                tx.set_schedule(*a, &approved.content.points).await?;
            }
        }
    }
    tx.commit().await?;
    let mut tx = store.begin(&Actor::new(PREFECTURES[6].1)).await?;
    for (a, mut content) in refile {
        content.funds.push(Fund {
            source: FundSource::Provincial,
            amount: rust_decimal::Decimal::from(2_000_000),
        });
        let id = tx
            .insert_implementation_plan(a, 2, ImplementationStatus::Draft, &content)
            .await?;
        tx.set_implementation_status(
            id,
            ImplementationStatus::Draft,
            ImplementationStatus::Submitted,
            None,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(filed.len())
}

/// The password of every demo account. The demo is for showing, never for real data.
pub const DEMO_PASSWORD: &str = "minsheng-demo";

/// One account per role to try the pages with: `office` (the coordinating office), `leader`
/// (a viewer of everything), each prefecture by its GB/T 2260 code (`220100` is 长春市) and
/// each provincial department by its full name. All share [`DEMO_PASSWORD`], hashed once.
async fn demo_accounts(
    tx: &mut Tx,
    province: UnitId,
    cities: &[UnitId],
    departments: &HashMap<&'static str, UnitId>,
) -> Result<usize, AppError> {
    let hash = crate::accounts::hash_blocking(DEMO_PASSWORD.to_string()).await?;
    tx.create_account("office", &hash, Role::Office, Some(province))
        .await?;
    tx.create_account("leader", &hash, Role::Viewer, None)
        .await?;
    for ((_, code, _), city) in PREFECTURES.iter().zip(cities) {
        tx.create_account(code, &hash, Role::Unit, Some(*city))
            .await?;
    }
    let mut names: Vec<_> = departments.iter().collect();
    names.sort();
    for (name, dept) in names {
        tx.create_account(name, &hash, Role::Unit, Some(*dept))
            .await?;
    }
    Ok(2 + cities.len() + departments.len())
}

/// The day the demo's data stands at: reports to September filed, August reviewed.
pub const DEMO_AS_OF: jiff::civil::Date = jiff::civil::date(2023, 10, 15);

/// The store with its clock on the demo's day ([`DEMO_AS_OF`], the time of day running on):
/// what the demo writes while it is built and served is stamped on that day, so its pages
/// never mix in the real date.
pub fn on_its_day(store: Store) -> Store {
    let shift = crate::clock::shift_to(DEMO_AS_OF, jiff::Timestamp::now());
    store.with_clock_shift(shift)
}

/// The last month the demo's units have reported for: August is reviewed, September is filed
/// and waiting for review, as an office would see it in mid-October 2023.
pub const DEMO_LAST_MONTH: i8 = 9;

/// How each prefecture works in the demo (invented): its pace against the schedule, how
/// often it skips a month, and how many days after the month's end it files.
#[derive(Debug, Clone, Copy)]
struct Profile {
    pace: f64,
    skip: f64,
    filing_day: (i8, i8),
}

const DILIGENT: Profile = Profile {
    pace: 1.02,
    skip: 0.01,
    filing_day: (2, 4),
};
const SLOW: Profile = Profile {
    pace: 0.82,
    skip: 0.05,
    filing_day: (4, 8),
};
const LAGGING: Profile = Profile {
    pace: 0.58,
    skip: 0.12,
    filing_day: (6, 14),
};

/// The profile of each prefecture, in [`PREFECTURES`] order.
const PROFILES: [Profile; 9] = [
    DILIGENT, DILIGENT, SLOW, DILIGENT, LAGGING, DILIGENT, SLOW, LAGGING, DILIGENT,
];

/// A deterministic pseudo-random number in 0..1 for a key (splitmix64), so the demo is the
/// same on every run.
fn noise(key: u64) -> f64 {
    let mut z = key.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

/// Invented monthly reports, January to [`DEMO_LAST_MONTH`], for every prefecture's share.
fn year_of_reports(
    imported: &Imported,
    shares: &HashMap<(TargetId, usize), AssignmentId>,
) -> Vec<minsheng_store::ImportedReport> {
    use minsheng_domain::{Period, ReportStatus};
    use minsheng_store::{ImportedReport, NewReport};
    use rust_decimal::Decimal;
    use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
    let year: i16 = 2023;
    let mut out = Vec::new();
    for (ti, item) in imported.written.iter().enumerate() {
        for (target, q, kind, accrual) in &item.targets {
            let total = q.value.to_f64().unwrap_or(0.0);
            for (ci, quota) in city_quotas(q, *accrual).iter().enumerate() {
                let (Some(quota), Some(assignment)) = (quota, shares.get(&(*target, ci))) else {
                    continue;
                };
                let quota = quota.to_f64().unwrap_or(total);
                let profile = PROFILES[ci];
                let key = |m: i8, salt: u64| {
                    ((target.0 as u64) << 24)
                        ^ ((ci as u64) << 16)
                        ^ ((m as u64) << 8)
                        ^ salt
                        ^ (ti as u64)
                };
                let mut last = 0.0f64;
                let mut skipped_last = false;
                for m in 1..=DEMO_LAST_MONTH {
                    // A unit that skipped a month is likelier to skip the next.
                    let skip_p = if skipped_last { 0.35 } else { profile.skip };
                    if noise(key(m, 1)) < skip_p {
                        skipped_last = true;
                        continue;
                    }
                    skipped_last = false;
                    let progress =
                        (f64::from(m) / 12.0) * profile.pace * (0.92 + 0.16 * noise(key(m, 2)));
                    // A qualitative item moves on from 未启动 to 推进中, and is 已完成 once the
                    // unit's pace has carried it through.
                    let stage_now = if progress >= 0.7 {
                        minsheng_domain::Stage::Done
                    } else if progress >= 0.1 {
                        minsheng_domain::Stage::InProgress
                    } else {
                        minsheng_domain::Stage::NotStarted
                    };
                    let stage = (*kind == minsheng_domain::TargetKind::Stage).then_some(stage_now);
                    let value = if stage.is_some() {
                        0.0
                    } else if *accrual == minsheng_domain::Accrual::Cumulative {
                        // A cumulative count: never below last month.
                        (quota * progress).round().max(last)
                    } else if q.value.is_zero() {
                        // 清零: the count still to clear falls from 40 towards 0.
                        (40.0 * (1.0 - progress.min(1.0))).round()
                    } else if matches!(q.unit.as_str(), "工作日") {
                        // A time limit comes down from twice the limit.
                        let start = quota * 2.0;
                        ((start - (start - quota) * progress.min(1.0)) * 10.0).round() / 10.0
                    } else {
                        // A rate rises from 70% of the goal.
                        ((quota * (0.7 + 0.3 * progress.min(1.0))) * 10.0).round() / 10.0
                    };
                    last = value;
                    let period = Period::Month { year, month: m };
                    let day = profile.filing_day.0
                        + (noise(key(m, 3))
                            * f64::from(profile.filing_day.1 - profile.filing_day.0 + 1))
                            as i8;
                    let filed = period
                        .next_month()
                        .first_day()
                        .saturating_add(jiff::Span::new().days(i64::from(day - 1)))
                        .to_datetime(jiff::civil::time(10, 0, 0, 0))
                        .to_zoned(crate::clock::beijing())
                        .map(|z| z.timestamp())
                        .ok();
                    let pending = m == DEMO_LAST_MONTH;
                    let returned = !pending && stage.is_none() && noise(key(m, 4)) < 0.03;
                    let value = Decimal::from_f64(value).unwrap_or_default().normalize();
                    let report = |revision: u32, value: Decimal, status: ReportStatus| NewReport {
                        assignment: *assignment,
                        period,
                        revision,
                        cumulative: stage.is_none().then_some(value),
                        stage,
                        funds_spent: None,
                        narrative: match stage {
                            Some(st) => format!("截至{m}月底{}(演示数据)", st.label_zh()),
                            None => format!("截至{m}月底累计完成{value}{}(演示数据)", q.unit),
                        },
                        status,
                    };
                    if returned {
                        let wrong = value * Decimal::TEN;
                        out.push(ImportedReport {
                            report: report(1, wrong, ReportStatus::Returned),
                            status: ReportStatus::Returned,
                            filed_at: filed,
                            return_reason: Some(
                                "数值与统计台账不符,疑似单位换算错误,请核实后重报".into(),
                            ),
                        });
                    }
                    let status = if pending {
                        ReportStatus::Submitted
                    } else {
                        ReportStatus::Accepted
                    };
                    out.push(ImportedReport {
                        report: report(if returned { 2 } else { 1 }, value, status),
                        status,
                        filed_at: filed,
                        return_reason: None,
                    });
                }
            }
        }
    }
    out
}

/// A few invented coordination matters, as an office would have them in October: one
/// resolved in summer, one overdue and escalated to the province, one open and not yet due.
/// Each is raised from a prefecture's report on the item it concerns.
async fn problems(
    store: &Store,
    shares: &HashMap<(TargetId, usize), AssignmentId>,
    imported: &Imported,
) -> Result<usize, AppError> {
    use crate::coordination::{ProblemInput, escalate_overdue, raise_problem, resolve_problem};
    use jiff::civil::date;
    let tree = store.unit_tree().await?;
    let unit = |name: &str| tree.units().iter().find(|u| u.name == name).map(|u| u.id);
    struct Case {
        /// Words of the item it concerns.
        item: &'static str,
        /// The raising prefecture, by its index in [`PREFECTURES`].
        city: usize,
        owner: &'static str,
        title: &'static str,
        raised_on: jiff::civil::Date,
        due: jiff::civil::Date,
        resolution: Option<&'static str>,
    }
    let cases = [
        Case {
            item: "老旧小区",
            city: 2,
            owner: "省住房和城乡建设厅",
            title: "老旧小区改造涉及管线迁改,需协调供水、燃气企业同步施工",
            raised_on: date(2023, 6, 8),
            due: date(2023, 7, 31),
            resolution: Some("省住建厅召开专题协调会,明确管线迁改由产权单位同步实施,7月底前完成"),
        },
        Case {
            item: "城镇新增就业",
            city: 4,
            owner: "省人力资源和社会保障厅",
            title: "部分企业用工需求下降,新增就业进度落后序时进度",
            raised_on: date(2023, 8, 9),
            due: date(2023, 9, 30),
            resolution: None,
        },
        Case {
            item: "农村公路",
            city: 7,
            owner: "省交通运输厅",
            title: "冬季施工期短,需协调省级补助资金提前拨付",
            raised_on: date(2023, 9, 12),
            due: date(2023, 11, 30),
            resolution: None,
        },
    ];
    let mut raised = 0;
    for Case {
        item: words,
        city,
        owner,
        title,
        raised_on: on,
        due,
        resolution,
    } in cases
    {
        let Some(item) = imported.written.iter().find(|i| i.text.contains(words)) else {
            continue;
        };
        let Some((target, _, _, _)) = item.targets.first() else {
            continue;
        };
        let (Some(assignment), Some(owner)) = (shares.get(&(*target, city)), unit(owner)) else {
            continue;
        };
        let share = store.assignment(*assignment).await?;
        let report = store
            .reports_of_assignment(*assignment)
            .await?
            .into_iter()
            .filter(|r| r.period.last_day() < on)
            .max_by_key(|r| (r.period, r.revision))
            .map(|r| r.id);
        let by = Actor::new(format!("演示:{}", PREFECTURES[city].0));
        let input = ProblemInput {
            title: title.into(),
            description: title.into(),
            owner,
            due,
            report,
        };
        let id = raise_problem(store, &by, share.unit, &input, on).await?;
        if let Some(resolution) = resolution {
            resolve_problem(store, &Actor::new("演示:省民生办"), owner, id, resolution).await?;
        }
        raised += 1;
    }
    escalate_overdue(store, &Actor::system("demo"), DEMO_AS_OF).await?;
    Ok(raised)
}

/// Whether the database was built by [`build`].
pub async fn is_demo(store: &Store) -> Result<bool, AppError> {
    Ok(store.meta(DEMO_MARK).await?.as_deref() == Some("1"))
}

async fn units(tx: &mut Tx) -> Result<(UnitId, Vec<UnitId>), AppError> {
    let province = tx
        .insert_unit(&NewUnit {
            parent: None,
            kind: UnitKind::Province,
            name: "吉林省".into(),
            code: Some("220000".into()),
        })
        .await?;
    let mut cities = Vec::new();
    for (name, code, population) in PREFECTURES {
        let city = tx
            .insert_unit(&NewUnit {
                parent: Some(province),
                kind: UnitKind::City,
                name: name.into(),
                code: Some(code.into()),
            })
            .await?;
        // The population the office splits by (按人口分解), in people.
        let people = u32::try_from(population * 10_000).unwrap_or(u32::MAX);
        tx.set_unit_weight(city, minsheng_store::POPULATION, people)
            .await?;
        cities.push(city);
    }
    Ok((province, cities))
}

/// The lead department for an item's text.
fn lead_for(text: &str) -> &'static str {
    LEADS
        .iter()
        .find(|(words, _)| words.is_empty() || words.iter().any(|w| text.contains(w)))
        .map(|(_, dept)| *dept)
        .unwrap_or("省发展和改革委员会")
}

/// Each prefecture's share of a target: a count is split by population, in whole numbers
/// when it counts things (a prefecture whose share rounds to nothing gets no assignment); a
/// level — a rate (%, 倍, 工作日) or a standard (户均800元) — holds for every one.
fn city_quotas(q: &Quantity, accrual: Accrual) -> Vec<Option<rust_decimal::Decimal>> {
    let weights: Vec<u64> = PREFECTURES.iter().map(|p| p.2).collect();
    match split_quantity(q, accrual, &weights) {
        Some(shares) if accrual == Accrual::Level => shares.into_iter().map(Some).collect(),
        Some(shares) => shares
            .into_iter()
            .map(|s| (!s.is_zero()).then_some(s))
            .collect(),
        // A count that cannot be divided so stays with its lead.
        None => vec![None; PREFECTURES.len()],
    }
}

/// Imports the demo's 2024 plan ([`JILIN_2024_INVENTED`]) through the extractor, as the 2023
/// plan is, confirmed but not published (it is invented): next year's plan, which the 2023
/// plan's year-end closing carries into and the plan diff compares. Run by `minsheng demo`
/// after [`build`] and [`issue_bulletins`]; the 2023 plan is left open for a visitor to close.
pub async fn import_next_year(store: &Store) -> Result<Imported, AppError> {
    let province = store
        .units()
        .await?
        .into_iter()
        .find(|u| u.kind == UnitKind::Province)
        .ok_or_else(|| AppError::Invalid {
            field: "database".into(),
            reason: "演示数据中没有省级单位 / the demo has no province".into(),
        })?;
    let opts = ImportOptions {
        owner: province.id,
        kind: PlanKind::Livelihood,
        status: PlanStatus::Confirmed,
        default_year: Some(2024),
    };
    let mut extraction = minsheng_extract::extract(JILIN_2024_INVENTED);
    // The title as read, labelled: every page that names the plan says it is invented.
    extraction.title = Some(format!(
        "{}(演示用虚构文本 / invented for the demo)",
        extraction
            .title
            .as_deref()
            .unwrap_or("关于2024年全省民生实事安排的意见")
    ));
    let mut tx = store.begin(&Actor::system("demo")).await?;
    let imported = write_plan(&mut tx, JILIN_2024_INVENTED, extraction, &opts).await?;
    tx.commit().await?;
    info!(plan.id = %imported.plan, "Imported the demo's invented 2024 plan");
    Ok(imported)
}

/// Issues the demo plan's monthly bulletins for January to August (issue #14 item 5), as the
/// demo's office: each computed as of the 15th of the month after (when the month's reports
/// are in), labelled invented in its opening and its 文号, public on the portal. Returns how
/// many were issued. Run by `minsheng demo` after [`build`]; the tests that build the demo
/// start without bulletins.
pub async fn issue_bulletins(
    store: &Store,
    thresholds: &minsheng_domain::Thresholds,
) -> Result<usize, AppError> {
    use crate::bulletin::{self, DraftInput};
    let office = minsheng_domain::Account {
        id: minsheng_domain::UserId(0),
        name: "office".into(),
        role: Role::Office,
        unit: None,
    };
    let Some(plan) = store.plans().await?.first().map(|p| p.id) else {
        return Ok(0);
    };
    let mut issued = 0;
    for month in 1..DEMO_LAST_MONTH {
        let period = minsheng_domain::Period::Month { year: 2023, month };
        let as_of = period
            .next_month()
            .first_day()
            .saturating_add(jiff::Span::new().days(14));
        let id = bulletin::start_draft(store, &office, plan, &period.to_string(), as_of).await?;
        bulletin::save_draft(
            store,
            &office,
            id,
            DraftInput {
                opening: format!(
                    "【演示数据,虚构】以下为演示用的{}进展通报,数字由虚构的报告计算,不代表吉林省的实际进展。",
                    period.label_zh()
                ),
                closing: "下一步,各地各部门要对照序时进度,查找差距,加快推进慢于序时的项目,确保全年任务按期完成。(演示)".into(),
                public: true,
                reasons: Vec::new(),
            },
        )
        .await?;
        let doc_no = format!("吉民实办〔2023〕{month}号(演示)");
        bulletin::issue(store, &office, id, &doc_no, as_of, thresholds).await?;
        issued += 1;
    }
    info!(plan.id = %plan, "Issued the demo's {issued} monthly bulletins (invented)");
    Ok(issued)
}

/// The demo's scoring rules (考核细则): the examples of issue #14 — a base with deductions, completion
/// worth 40 points, the rank adjustment, last place in consecutive bulletins, a satisfaction
/// survey entered by hand — labelled invented.
pub const DEMO_RULES: &str = r#"# 【演示数据,虚构】2023年度民生实事考核细则(示例),不代表吉林省的实际考核办法。
# 得分 = 基础分 + 各条规则的得分。
base = 50

[[rule]]
id = "completion"
name = "目标完成率"
kind = "completion"
weight = 40          # 达到计划时得40分
plan = 100           # 计划完成率(%)
below = 0.1          # 每低于计划1个百分点扣0.1分
above = 0.2          # 100%至130%之间每高1个百分点加0.2分
above_until = 130
cap = 10             # 加减分均不超过10分

[[rule]]
id = "rank"
name = "排名加减分"
kind = "rank"
table = [3, 1.5]     # 第1名+3,第2名+1.5
then = -0.5          # 之后每后退一名-0.5
cap = 5

[[rule]]
id = "reports"
name = "月度报告未报送"
kind = "missing_report"
each = -10           # 每缺报一次扣10分
cap = 30

[[rule]]
id = "impl_plan"
name = "实施方案未报备"
kind = "implementation_plan"
each = -10
cap = 10

[[rule]]
id = "last_place"
name = "连续末位"
kind = "consecutive_last"
months = 2           # 连续2期通报排名末位,每次扣2分
each = -2

[[rule]]
id = "misstatement"
name = "报告失实"
kind = "misstatement"
min = 5              # 每次扣5至10分
max = 10

[[rule]]
id = "satisfaction"
name = "群众满意度"
kind = "hand"
max = 10
"#;

/// The demo's assessment of 2023 (issue #14 item 5): the rules above, satisfaction points for
/// the prefectures and one misstatement, all invented, left in draft so a visitor can sign it
/// off. Run by `minsheng demo` after [`issue_bulletins`].
pub async fn assessment(store: &Store) -> Result<(), AppError> {
    use crate::scoring;
    let office = minsheng_domain::Account {
        id: minsheng_domain::UserId(0),
        name: "office".into(),
        role: Role::Office,
        unit: None,
    };
    let Some(plan) = store.plans().await?.first().map(|p| (p.id, p.year)) else {
        return Ok(());
    };
    let (plan, year) = plan;
    scoring::save_rules(store, &office, plan, year, DEMO_RULES).await?;
    let view = scoring::for_year(store, plan, year).await?;
    let tree = store.unit_tree().await?;
    let cities: Vec<UnitId> = view
        .units
        .iter()
        .map(|(u, _)| *u)
        .filter(|u| tree.get(*u).is_some_and(|x| x.kind != UnitKind::Department))
        .collect();
    // Invented survey points, 7.5 to 9.6, for all but the last prefecture (still to enter).
    for (i, u) in cities
        .iter()
        .enumerate()
        .take(cities.len().saturating_sub(1))
    {
        let points = rust_decimal::Decimal::new(96 - 3 * i64::try_from(i).unwrap_or(0), 1);
        scoring::enter_points(
            store,
            &office,
            plan,
            year,
            *u,
            "satisfaction",
            &points.to_string(),
        )
        .await?;
    }
    if let Some(u) = cities.get(1) {
        scoring::add_misstatement(
            store,
            &office,
            plan,
            year,
            *u,
            "5",
            "6月报告虚报农村公路完工里程(演示,虚构)",
        )
        .await?;
    }
    info!(plan.id = %plan, "Set up the demo's {year} assessment in draft (invented)");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_rules_are_valid() {
        assert!(minsheng_domain::scoring::RuleSet::parse(DEMO_RULES).is_ok());
    }

    #[test]
    fn every_item_of_the_seed_gets_a_plausible_lead() {
        assert_eq!(lead_for("城镇新增就业23万人"), "省人力资源和社会保障厅");
        assert_eq!(
            lead_for("为1.6万人(次)有需求的残疾人开展职业技能培训"),
            "省残疾人联合会"
        );
        assert_eq!(lead_for("建设5G基站5000个"), "省通信管理局");
        assert_eq!(lead_for("无从归类"), "省发展和改革委员会");
    }

    #[test]
    fn counts_are_split_and_rates_repeated() {
        let q = Quantity::new(230_000.into(), "人");
        let shares: Vec<_> = city_quotas(&q, Accrual::Cumulative)
            .into_iter()
            .flatten()
            .collect();
        assert_eq!(
            shares.iter().copied().sum::<rust_decimal::Decimal>(),
            q.value
        );
        assert_eq!(shares.len(), 9);
        let rate = Quantity::new(60.into(), "%");
        assert!(
            city_quotas(&rate, Accrual::Level)
                .iter()
                .all(|s| *s == Some(60.into()))
        );
        // A standard in 元 (补助标准达到户均800元) is held by every prefecture, never divided.
        let standard = Quantity::new(800.into(), "元");
        assert!(
            city_quotas(&standard, Accrual::Level)
                .iter()
                .all(|s| *s == Some(800.into()))
        );
        // 9处 over nine prefectures by population: the small ones get none.
        let few = city_quotas(&Quantity::new(9.into(), "处"), Accrual::Cumulative);
        assert_eq!(
            few.iter().flatten().copied().sum::<rust_decimal::Decimal>(),
            9.into()
        );
    }
}

/// What the demo's multi-year plan holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoGoals {
    /// The plan.
    pub plan: minsheng_domain::PlanId,
    /// Its goals' targets, in the order of [`goal_inputs`].
    pub targets: Vec<TargetId>,
    /// The invented reports filed and accepted.
    pub reports: usize,
    /// What each goal measures, in the order of `targets`.
    pub subjects: Vec<String>,
}

impl DemoGoals {
    /// The target of the first goal whose subject contains `subject` ("整车产量").
    pub fn target(&self, subject: &str) -> Option<TargetId> {
        let i = self.subjects.iter().position(|s| s.contains(subject))?;
        self.targets.get(i).copied()
    }
}

/// The 到2025年 goals of the seed's article (issue #15 item 2) **as the extractor reads them**
/// from its text ([`JILIN_2023`]: "到2025年,长春国际汽车城总产值将达到11000亿元以上,其中,汽车产业要达到
/// 10000亿元以上,整车产量要达到400万辆以上" and "2025年前,一汽红旗将推出全新车型17款,其中新能源车
/// 达15款", by [`crate::goals::from_extraction`]), each reported by 长春市 (`lead`). The bases
/// (总产值 8000亿元 and 0 models in 2022) and the quarterly reporting of 总产值 and 整车产量 are
/// **invented**, matched to the goals by what they measure.
pub fn goal_inputs(lead: UnitId) -> Vec<crate::goals::GoalInput> {
    use minsheng_domain::path::{Base, Frequency};
    let mut goals =
        crate::goals::from_extraction(&minsheng_extract::extract(JILIN_2023).goals, Some(lead));
    for g in &mut goals {
        let base = |value: i64| {
            Some((
                Base {
                    year: 2022,
                    value: value.into(),
                },
                g.unit.clone(),
            ))
        };
        if g.subject.contains("总产值") {
            g.path.base = base(8_000);
            g.path.frequency = Frequency::Quarterly;
        } else if g.subject.contains("整车产量") {
            g.path.frequency = Frequency::Quarterly;
        } else if g.unit == "款" {
            g.path.base = base(0);
        }
    }
    goals
}

/// The demo's invented reports on the goals of [`goal_inputs`], each goal named by what it
/// measures: (subject, period, value) — 2023's annual figures, then 2024 by quarter for the
/// quarterly goals. 总产值 keeps to its path, 整车产量 falls behind (yellow), the 红旗 models
/// lag a little.
const GOAL_REPORTS: [(&str, &str, i64); 13] = [
    ("总产值", "2023", 9_050),
    ("总产值", "2024-Q1", 9_300),
    ("总产值", "2024-Q2", 9_520),
    ("总产值", "2024-Q3", 9_800),
    ("汽车产业", "2023", 8_300),
    ("整车产量", "2023", 3_000_000),
    ("整车产量", "2024-Q1", 3_020_000),
    ("整车产量", "2024-Q2", 2_960_000),
    ("整车产量", "2024-Q3", 2_900_000),
    ("全新车型", "2023", 5),
    ("全新车型", "2024", 9),
    ("新能源车", "2023", 4),
    ("新能源车", "2024", 8),
];

/// Writes the demo's multi-year plan (长春国际汽车城 and 一汽红旗 2023–2025, from
/// [`goal_inputs`]) as the office, then files and accepts the invented reports of
/// [`GOAL_REPORTS`] as 长春市 and the office, each narrative labelled 演示数据. Run by
/// `minsheng demo` after [`import_next_year`].
pub async fn multi_year_goals(store: &Store) -> Result<DemoGoals, AppError> {
    use crate::reporting::{Decision, FileAs, ReportInput, file_report, review_report};
    let changchun = store
        .units()
        .await?
        .into_iter()
        .find(|u| u.name == "长春市")
        .ok_or_else(|| AppError::Invalid {
            field: "database".into(),
            reason: "演示数据中没有长春市 / the demo has no 长春市".into(),
        })?;
    let province = changchun.parent.ok_or_else(|| AppError::Invalid {
        field: "database".into(),
        reason: "长春市没有上级单位 / 长春市 has no parent".into(),
    })?;
    let office = minsheng_domain::Account {
        id: minsheng_domain::UserId(0),
        name: "office".into(),
        role: Role::Office,
        unit: None,
    };
    let written = crate::goals::create_plan(
        store,
        &office,
        &crate::goals::GoalPlanInput {
            title: "长春国际汽车城与一汽红旗2023—2025年目标(基期值与报送数据为演示用虚构)".into(),
            start_year: 2023,
            owner: province,
            source_text: JILIN_2023.into(),
            goals: goal_inputs(changchun.id),
        },
    )
    .await?;
    let subjects: Vec<String> = goal_inputs(changchun.id)
        .into_iter()
        .map(|g| g.subject)
        .collect();
    let mut reports = 0;
    for (subject, period, value) in GOAL_REPORTS {
        let goal = subjects
            .iter()
            .position(|s| s.contains(subject))
            .ok_or_else(|| AppError::Invalid {
                field: "goals".into(),
                reason: format!("演示目标中没有“{subject}” / the demo's goals have no {subject}"),
            })?;
        let id = file_report(
            store,
            &Actor::new(changchun.code.clone().unwrap_or_else(|| "220100".into())),
            changchun.id,
            &ReportInput {
                assignment: written.assignments[goal],
                period: minsheng_domain::Period::parse(period).map_err(|e| AppError::Invalid {
                    field: "period".into(),
                    reason: e.to_string(),
                })?,
                value: Some(value.into()),
                value_unit: None,
                stage: None,
                funds_spent: None,
                narrative: "【演示数据,虚构】按统计口径报送的当期数。".into(),
                correction: None,
            },
            FileAs::Submitted,
        )
        .await?;
        review_report(store, &Actor::new("office"), id, &Decision::Accept).await?;
        reports += 1;
    }
    info!(plan.id = %written.plan, "Built the demo's multi-year goals with {reports} invented reports");
    Ok(DemoGoals {
        plan: written.plan,
        targets: written.targets,
        reports,
        subjects,
    })
}
