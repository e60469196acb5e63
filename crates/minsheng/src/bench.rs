//! `minsheng bench rollup`: national-scale data from `shared/bench/gen_reports.py`, loaded
//! through minsheng's own import, then the dashboard's roll-up timed against the canonical
//! roll-up in plain SQL on the same database, and the time to accept one report.

mod dashboard;
mod load;
mod mixed;

use anyhow::{Context, bail, ensure};
use clap::{Args, Subcommand};
use jiff::civil::date;
use minsheng_app::history::{self, HistoryRow};
use minsheng_app::reporting::{Decision, review_report};
use minsheng_domain::*;
use minsheng_store::baseline::PlainReport;
use minsheng_store::{
    NewAssignment, NewItem, NewPlan, NewSection, NewTarget, NewUnit, OpenMode, Store, Tx,
};
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Arguments of `minsheng bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    #[command(subcommand)]
    what: BenchWhat,
}

#[derive(Debug, Subcommand)]
enum BenchWhat {
    /// 汇总性能:导入基准数据,比较 minsheng 的汇总与纯 SQL 汇总 / roll-up: import the bench data, time minsheng's roll-up against plain SQL
    Rollup(RollupArgs),
    /// 调度总览页面速度:导入基准数据,用 wrk 压测总览页面并与空 axum 服务器比较 / dashboard speed: import the bench data, load the dashboard page with wrk and compare with a bare axum server
    Dashboard(dashboard::DashboardArgs),
    /// 正确性与负载:并发填报、审核与读取总览,核对无丢失、无重复、无 5xx、汇总等于重算 / load held: concurrent filing, accepting and dashboard reads through the HTTP API, checked for nothing lost or duplicated, no 5xx, a roll-up equal to a recompute
    Load(load::LoadArgs),
    /// 月末读写混合:导入县级基准数据,稳定速率审核通过报告的同时用 wrk 压测总览,与无写入时比较 / month-end mix: import the county data, read the dashboard with wrk while reports are accepted at a steady rate, beside the same dashboard with no writes
    Mixed(mixed::MixedArgs),
}

#[derive(Debug, Args)]
struct RollupArgs {
    /// gen_reports.py 写出的目录 / the folder gen_reports.py wrote
    #[arg(long, value_name = "DIR")]
    data: PathBuf,
    /// 汇总期间 / the period to roll up
    #[arg(long, default_value = "2023-06")]
    period: String,
    /// 基准数据库(须为空库) / the database to build, which must be empty [default: DIR/minsheng-bench.db, rebuilt each run]
    #[arg(long, value_name = "URL")]
    db: Option<String>,
    /// 每项计时的次数(取中位数) / timed runs per figure (the median is reported)
    #[arg(long, default_value_t = 7)]
    runs: usize,
    /// 计时审核通过的报告数 / reports accepted one by one for the accept timing
    #[arg(long, default_value_t = 200)]
    accepts: usize,
}

/// Runs the command.
pub async fn run(args: &BenchArgs) -> anyhow::Result<()> {
    match &args.what {
        BenchWhat::Rollup(a) => rollup(a).await,
        BenchWhat::Dashboard(a) => dashboard::run(a).await,
        BenchWhat::Load(a) => load::run(a).await,
        BenchWhat::Mixed(a) => mixed::run(a).await,
    }
}

/// A small CSV file, as rows of fields.
fn read_csv(dir: &Path, name: &str) -> anyhow::Result<(Vec<String>, Vec<Vec<String>>)> {
    let path = dir.join(name);
    let mut r = csv::Reader::from_path(&path).with_context(|| {
        format!(
            "无法读取 {} / cannot read {}",
            path.display(),
            path.display()
        )
    })?;
    let header: Vec<String> = r.headers()?.iter().map(str::to_string).collect();
    let mut rows = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let rec =
            rec.with_context(|| format!("{} 第 {} 行 / line {}", path.display(), i + 2, i + 2))?;
        rows.push(rec.iter().map(str::to_string).collect());
    }
    Ok((header, rows))
}

/// reports.csv, read straight into compact rows (2.7 million of them at county scale).
fn read_reports(dir: &Path) -> anyhow::Result<Vec<PlainReport>> {
    let path = dir.join("reports.csv");
    let mut r = csv::Reader::from_path(&path).with_context(|| {
        format!(
            "无法读取 {} / cannot read {}",
            path.display(),
            path.display()
        )
    })?;
    let h: Vec<String> = r.headers()?.iter().map(str::to_string).collect();
    let (a, p, v, s, rv) = (
        col(&h, "assignment_id", "reports.csv")?,
        col(&h, "period", "reports.csv")?,
        col(&h, "cumulative_value", "reports.csv")?,
        col(&h, "status", "reports.csv")?,
        col(&h, "revision", "reports.csv")?,
    );
    let mut out = Vec::new();
    let mut rec = csv::StringRecord::new();
    let mut line = 1;
    while r.read_record(&mut rec)? {
        line += 1;
        let field = |i: usize| rec.get(i).unwrap_or("");
        let bad = |what: &str| {
            anyhow::anyhow!("reports.csv 第 {line} 行 {what} 有误 / line {line}: bad {what}")
        };
        out.push(PlainReport {
            assignment_id: field(a).parse().map_err(|_| bad("assignment_id"))?,
            period: Period::parse(field(p)).map_err(|_| bad("period"))?,
            cumulative_value: field(v).parse().map_err(|_| bad("cumulative_value"))?,
            status: ReportStatus::from_code(field(s)).ok_or_else(|| bad("status"))?,
            revision: field(rv).parse().map_err(|_| bad("revision"))?,
        });
    }
    Ok(out)
}

fn col(header: &[String], name: &str, file: &str) -> anyhow::Result<usize> {
    header
        .iter()
        .position(|h| h == name)
        .with_context(|| format!("{file} 缺少列 {name} / {file} has no column {name}"))
}

fn int(s: &str, what: &str) -> anyhow::Result<i64> {
    s.parse()
        .with_context(|| format!("{what}:“{s}”不是整数 / not an integer"))
}

fn median(mut xs: Vec<Duration>) -> Duration {
    if xs.is_empty() {
        return Duration::ZERO;
    }
    xs.sort();
    xs[xs.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// The database to build: `db`, or a fresh file `file` in the data folder.
pub(crate) fn bench_url(data: &Path, db: Option<&str>, file: &str) -> String {
    if let Some(u) = db {
        return u.to_string();
    }
    let path = data.join(file);
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.clone().into_os_string();
        p.push(suffix);
        let _ = std::fs::remove_file(p);
    }
    format!("sqlite://{}", path.display())
}

/// The ids the data set gives, mapped to minsheng's.
pub(crate) struct Loaded {
    units: Vec<Vec<String>>,
    targets: Vec<Vec<String>>,
    assignments: Vec<Vec<String>>,
    assignment_ids: HashMap<i64, AssignmentId>,
}

/// units.csv, targets.csv (one plan per province, ten sections) and assignments.csv.
async fn load_plans(tx: &mut Tx, dir: &Path, year: i16) -> anyhow::Result<Loaded> {
    let (uh, units) = read_csv(dir, "units.csv")?;
    let (ui, up, ul, un) = (
        col(&uh, "id", "units.csv")?,
        col(&uh, "parent_id", "units.csv")?,
        col(&uh, "level", "units.csv")?,
        col(&uh, "name", "units.csv")?,
    );
    let mut unit_ids: HashMap<i64, UnitId> = HashMap::new();
    // Units are written level by level (parents first), so each parent id is known in time.
    for r in &units {
        let kind =
            UnitKind::from_code(&r[ul]).with_context(|| format!("units.csv: level {}", r[ul]))?;
        let parent = match r[up].as_str() {
            "" => None,
            p => Some(
                *unit_ids
                    .get(&int(p, "units.csv parent_id")?)
                    .context("units.csv: a child before its parent")?,
            ),
        };
        let id = tx
            .insert_units_bulk(&[NewUnit {
                parent,
                kind,
                name: r[un].clone(),
                code: None,
            }])
            .await?[0];
        unit_ids.insert(int(&r[ui], "units.csv id")?, id);
    }

    let (th, targets) = read_csv(dir, "targets.csv")?;
    let (tid, tprov, tsec, titem, tval, tunit, tcmp) = (
        col(&th, "id", "targets.csv")?,
        col(&th, "province_id", "targets.csv")?,
        col(&th, "section_no", "targets.csv")?,
        col(&th, "item_no", "targets.csv")?,
        col(&th, "value", "targets.csv")?,
        col(&th, "unit", "targets.csv")?,
        col(&th, "cmp", "targets.csv")?,
    );
    let mut plans: HashMap<i64, PlanId> = HashMap::new();
    let mut sections: HashMap<(i64, u32), SectionId> = HashMap::new();
    let mut target_ids: HashMap<i64, TargetId> = HashMap::new();
    for r in &targets {
        let prov = int(&r[tprov], "targets.csv province_id")?;
        let plan = match plans.get(&prov) {
            Some(p) => *p,
            None => {
                let owner = *unit_ids
                    .get(&prov)
                    .context("targets.csv: unknown province")?;
                let p = tx
                    .insert_plan(&NewPlan {
                        year,
                        title: format!("基准数据:省 {prov} {year}年民生实事"),
                        owner,
                        kind: PlanKind::Livelihood,
                        status: PlanStatus::Confirmed,
                        source_text: String::new(),
                        declared_sections: None,
                        declared_items: None,
                    })
                    .await?;
                plans.insert(prov, p);
                p
            }
        };
        let sec_no = u32::try_from(int(&r[tsec], "targets.csv section_no")?)?;
        let section = match sections.get(&(prov, sec_no)) {
            Some(s) => *s,
            None => {
                let s = tx
                    .insert_section(&NewSection {
                        plan,
                        position: sec_no,
                        no: sec_no,
                        title: Some(format!("第{sec_no}部分")),
                        declared_items: None,
                    })
                    .await?;
                sections.insert((prov, sec_no), s);
                s
            }
        };
        let item_no = u32::try_from(int(&r[titem], "targets.csv item_no")?)?;
        let item = tx
            .insert_item(&NewItem {
                section,
                position: item_no,
                no: item_no,
                text: format!("目标 {sec_no}-{item_no}"),
                leads: vec![],
                span: None,
            })
            .await?;
        let cmp =
            Cmp::from_code(&r[tcmp]).with_context(|| format!("targets.csv: cmp {}", r[tcmp]))?;
        let value: Decimal = r[tval]
            .parse()
            .with_context(|| format!("targets.csv: value {}", r[tval]))?;
        let t = tx
            .insert_target(&NewTarget {
                item,
                seq: 1,
                quantity: Quantity::new(value, r[tunit].clone()),
                cmp,
                phrase: String::new(),
                span: None,
                implicit: false,
                delta: false,
                deadline: date(year, 12, 31),
                baseline: None,
                kind: TargetKind::Quantity,
                accrual_set: None,
            })
            .await?;
        target_ids.insert(int(&r[tid], "targets.csv id")?, t);
    }

    let (ah, assignments) = read_csv(dir, "assignments.csv")?;
    let (aid, atarget, aunit, aquota) = (
        col(&ah, "id", "assignments.csv")?,
        col(&ah, "target_id", "assignments.csv")?,
        col(&ah, "unit_id", "assignments.csv")?,
        col(&ah, "quota", "assignments.csv")?,
    );
    let mut new_assignments = Vec::with_capacity(assignments.len());
    for r in &assignments {
        new_assignments.push(NewAssignment {
            target: *target_ids
                .get(&int(&r[atarget], "assignments.csv target_id")?)
                .context("assignments.csv: unknown target")?,
            unit: *unit_ids
                .get(&int(&r[aunit], "assignments.csv unit_id")?)
                .context("assignments.csv: unknown unit")?,
            role: AssignmentRole::Partner,
            quota: Some(r[aquota].parse().context("assignments.csv quota")?),
            budget: None,
        });
    }
    let ids = tx.insert_assignments_bulk(&new_assignments).await?;
    let mut assignment_ids = HashMap::with_capacity(ids.len());
    for (r, id) in assignments.iter().zip(ids) {
        assignment_ids.insert(int(&r[aid], "assignments.csv id")?, id);
    }
    Ok(Loaded {
        units,
        targets,
        assignments,
        assignment_ids,
    })
}

/// A fresh database at `url` holding the data set in `dir`: units, one plan per province,
/// assignments, then every report through minsheng's history import (validated, all or
/// nothing, roll-up rebuilt). Returns the store, the ids, the reports as read, how many were
/// imported and how long the import took in seconds.
pub(crate) async fn load_all(
    url: &str,
    dir: &Path,
    year: i16,
    actor: &Actor,
) -> anyhow::Result<(Store, Loaded, Vec<PlainReport>, usize, f64)> {
    let store = Store::open(url, OpenMode::CreateIfMissing).await?;
    store.migrate().await?;
    ensure!(
        store.units().await?.is_empty(),
        "{url} 已有数据,请指定空库 / holds data: use an empty database"
    );

    // 1. units, targets (one plan per province), assignments
    let t0 = Instant::now();
    let mut tx = store.begin(actor).await?;
    let loaded = load_plans(&mut tx, dir, year).await?;
    tx.commit().await?;
    eprintln!(
        "loaded {} units, {} targets, {} assignments in {:.1} s",
        loaded.units.len(),
        loaded.targets.len(),
        loaded.assignments.len(),
        t0.elapsed().as_secs_f64()
    );

    // 2. reports, through minsheng's history import
    let reports = read_reports(dir)?;
    let t1 = Instant::now();
    let mut rows = Vec::with_capacity(reports.len());
    for (i, r) in reports.iter().enumerate() {
        rows.push(HistoryRow {
            line: i + 1,
            assignment: *loaded
                .assignment_ids
                .get(&r.assignment_id)
                .with_context(|| format!("reports.csv line {}: unknown assignment", i + 2))?,
            period: r.period,
            value: Decimal::from(r.cumulative_value),
            status: r.status,
            revision: r.revision,
        });
    }
    // A progress bar (hidden when stderr is not a terminal) and each phase's time.
    let bar = indicatif::ProgressBar::new(rows.len() as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{msg:12} [{bar:40}] {pos}/{len} {per_sec} {elapsed}",
        )
        .map_err(|e| anyhow::anyhow!("{e}"))?,
    );
    bar.set_message("检查 checking");
    let mut phases: Vec<(history::Step, Instant)> = Vec::new();
    let n = history::import(&store, actor, &rows, "reports.csv", &mut |step| {
        match step {
            history::Step::Checked => bar.set_message("写入 writing"),
            history::Step::Written(n) => bar.set_position(n as u64),
            history::Step::RolledUp => bar.set_message("提交 commit"),
        }
        if !matches!(step, history::Step::Written(n) if n < rows.len()) {
            phases.push((step, Instant::now()));
        }
    })
    .await?;
    bar.finish_and_clear();
    let import_s = t1.elapsed().as_secs_f64();
    let at = |want: fn(&history::Step) -> bool| {
        phases
            .iter()
            .find(|(s, _)| want(s))
            .map(|(_, t)| t.duration_since(t1).as_secs_f64())
            .unwrap_or(f64::NAN)
    };
    let (checked, written, rolled) = (
        at(|s| *s == history::Step::Checked),
        at(|s| matches!(s, history::Step::Written(_))),
        at(|s| *s == history::Step::RolledUp),
    );
    eprintln!(
        "imported {n} reports in {import_s:.1} s ({:.0} rows/s, validation and roll-up rebuild included): checked {checked:.1} s, written {:.1} s, roll-up {:.1} s, commit {:.1} s",
        n as f64 / import_s,
        written - checked,
        rolled - written,
        import_s - rolled
    );
    Ok((store, loaded, reports, n, import_s))
}

async fn rollup(a: &RollupArgs) -> anyhow::Result<()> {
    let period = Period::parse(&a.period)?;
    ensure!(
        matches!(period, Period::Month { .. }),
        "--period 须为月份 YYYY-MM / must be a month"
    );
    ensure!(a.runs >= 1, "--runs 至少为 1 / at least 1");
    let url = bench_url(&a.data, a.db.as_deref(), "minsheng-bench.db");
    let actor = Actor::system("bench");
    let (store, loaded, reports, n, import_s) =
        load_all(&url, &a.data, period.year(), &actor).await?;
    let rows_per_s = n as f64 / import_s;

    // 3. the baseline: the same CSVs as plain integer tables, indexed for the canonical query
    let t2 = Instant::now();
    store.baseline_create().await?;
    store
        .baseline_load(
            "plain_units",
            &["id", "parent_id", "level", "name"],
            &loaded.units,
        )
        .await?;
    store
        .baseline_load(
            "plain_targets",
            &[
                "id",
                "province_id",
                "section_no",
                "item_no",
                "value",
                "unit",
                "cmp",
            ],
            &loaded.targets,
        )
        .await?;
    store
        .baseline_load(
            "plain_assignments",
            &["id", "target_id", "unit_id", "quota"],
            &loaded.assignments,
        )
        .await?;
    let t_plain = Instant::now();
    store.baseline_load_reports(&reports).await?;
    let plain_rate = reports.len() as f64 / t_plain.elapsed().as_secs_f64();
    store.baseline_index().await?;
    drop(reports);
    eprintln!(
        "baseline tables loaded and indexed in {:.1} s",
        t2.elapsed().as_secs_f64()
    );

    // 4. the roll-up, both ways; the answers must agree
    let p = period.to_string();
    let (mut ours, mut plain) = (Vec::new(), Vec::new());
    let (mut dash, mut base) = (None, None);
    for _ in 0..a.runs {
        let t = Instant::now();
        dash = Some(minsheng_app::rollup::dashboard(&store, period).await?);
        ours.push(t.elapsed());
        let t = Instant::now();
        base = Some((store.baseline_q1(&p).await?, store.baseline_q2(&p).await?));
        plain.push(t.elapsed());
    }
    let (dash, (q1, q2)) = (dash.context("no run")?, base.context("no run")?);
    let sum_actual: i64 = q1.iter().map(|r| r.actual).sum();
    let sum_quota: i64 = q1.iter().map(|r| r.quota).sum();
    let sum_missing: i64 = q1.iter().map(|r| r.missing).sum();
    let weight: f64 = q2.iter().map(|r| r.assignments as f64).sum();
    let plain_mean = q2
        .iter()
        .map(|r| r.mean_ratio * r.assignments as f64)
        .sum::<f64>()
        / weight;
    eprintln!(
        "plain SQL: Q1 {} rows, Σactual {sum_actual}, Σquota {sum_quota}, Σmissing {sum_missing}; Q2 {} rows, mean completion {plain_mean:.6}",
        q1.len(),
        q2.len()
    );
    eprintln!(
        "minsheng : Q1 {} rows, Σactual {}, Σquota {}, Σmissing {}; Q2 {} rows, mean completion {:.6}",
        dash.targets.len(),
        dash.sum_actual(),
        dash.sum_quota(),
        dash.sum_missing(),
        dash.regions.len(),
        dash.mean_completion()
    );
    if dash.targets.len() != q1.len()
        || dash.sum_actual() != Decimal::from(sum_actual)
        || dash.sum_quota() != Decimal::from(sum_quota)
        || dash.sum_missing() != sum_missing
        || dash.regions.len() != q2.len()
        || (dash.mean_completion() - plain_mean).abs() > 1e-9
    {
        bail!("minsheng 的汇总与纯 SQL 不一致 / minsheng's roll-up disagrees with plain SQL");
    }

    // 5. accepting one report, roll-up included
    let pending = store.submitted_reports().await?;
    let mut accept = Vec::new();
    for r in pending.iter().take(a.accepts) {
        let t = Instant::now();
        review_report(
            &store,
            &Actor::new("bench-reviewer"),
            r.id,
            &Decision::Accept,
        )
        .await?;
        accept.push(t.elapsed());
    }
    ensure!(
        !accept.is_empty(),
        "数据中没有待审核的报告 / no submitted reports to accept"
    );
    accept.sort();
    let (accept_p50, accept_p99) = (
        accept[accept.len() / 2],
        accept[(accept.len() * 99 / 100).min(accept.len() - 1)],
    );
    // 6. the office dashboard kept current (issue #16 item 1): the first request after an
    // accept, beside the same dashboard computed whole (what every first request cost
    // before); and one target's split changed, its roll-up rebuilt locally (item 4)
    let timed = kept_current(
        &store,
        period,
        &pending[accept.len().min(pending.len())..],
        a.runs,
    )
    .await?;
    let t = Instant::now();
    minsheng_app::rollup::recompute(&store, &actor).await?;
    let full_rebuild = t.elapsed();

    // After the accepts, the roll-up kept current must equal a rebuild from the reports, in
    // every month of the year (most pending reports are December's).
    let months: Vec<Period> = Period::Year(period.year()).months().collect();
    let mut kept = Vec::new();
    for m in &months {
        kept.push(minsheng_app::rollup::dashboard(&store, *m).await?);
    }
    minsheng_app::rollup::recompute(&store, &actor).await?;
    for (m, k) in months.iter().zip(&kept) {
        let rebuilt = minsheng_app::rollup::dashboard(&store, *m).await?;
        ensure!(
            *k == rebuilt,
            "{m}:增量汇总与重算不一致 / the incremental roll-up differs from a rebuild"
        );
    }

    let (x, y) = (ms(median(ours)), ms(median(plain)));
    eprintln!(
        "dashboard after an accept: kept current p50 {:.1} ms (max {:.1}), computed whole p50 {:.1} ms (max {:.1}), {} accepts",
        ms(median(timed.current.clone())),
        ms(timed.current.iter().max().copied().unwrap_or_default()),
        ms(median(timed.whole.clone())),
        ms(timed.whole.iter().max().copied().unwrap_or_default()),
        timed.current.len()
    );
    eprintln!(
        "one target's split changed: local roll-up rebuild p50 {:.1} ms (max {:.1}, {} saves), whole roll-up rebuild {:.1} ms",
        ms(median(timed.split.clone())),
        ms(timed.split.iter().max().copied().unwrap_or_default()),
        timed.split.len(),
        ms(full_rebuild)
    );
    eprintln!(
        "accept: {} reports, p50 {:.2} ms, p99 {:.2} ms; peak memory {:.0} MiB",
        accept.len(),
        ms(accept_p50),
        ms(accept_p99),
        peak_rss_mib().unwrap_or(f64::NAN)
    );
    eprintln!(
        "import: minsheng {rows_per_s:.0} rows/s (checked, written, roll-up built), plain load {plain_rate:.0} rows/s ({}), {:.0} % of it",
        match store.backend() {
            minsheng_store::BackendKind::Sqlite => "prepared INSERTs, one transaction",
            _ => "COPY",
        },
        100.0 * rows_per_s / plain_rate
    );
    println!(
        "rollup: minsheng {x:.2} ms, plain SQL {y:.1} ms, ratio {:.1}; accept p50 {:.2} ms; import {rows_per_s:.0} rows/s",
        y / x,
        ms(accept_p50)
    );
    store.close().await;
    Ok(())
}

/// The timings of step 6 of `bench rollup`.
struct KeptCurrent {
    /// The first dashboard request after an accept, kept current.
    current: Vec<Duration>,
    /// The same dashboard computed whole.
    whole: Vec<Duration>,
    /// One target's split saved (a local roll-up rebuild included).
    split: Vec<Duration>,
}

/// Accepts `pending` reports one at a time (at most `runs`), timing after each the first
/// dashboard request of the largest plan through an [`OverviewCache`] (kept current) and the
/// same dashboard computed whole — checked equal — then saves `runs` splits of split targets,
/// each moving one from a share to another, timing each save.
async fn kept_current(
    store: &Store,
    period: Period,
    pending: &[Report],
    runs: usize,
) -> anyhow::Result<KeptCurrent> {
    use minsheng_app::decomposition::{Decomposition, Share, assign};
    use minsheng_app::overview::{OverviewCache, recompute};
    let plans = store.plans().await?;
    let mut plan = plans.first().context("no plan")?.id;
    let mut most = 0;
    for p in &plans {
        let n = store.assignments_of_plan(p.id).await?.len();
        if n > most {
            (plan, most) = (p.id, n);
        }
    }
    let today = period
        .last_day()
        .checked_add(jiff::Span::new().days(20))
        .context("date")?;
    let key = (plan, period, today);
    let thresholds = Thresholds::default();
    let cache = OverviewCache::default();
    let version = store.data_version().await?;
    cache.overview(store, version, key, &thresholds).await?;
    let mut out = KeptCurrent {
        current: Vec::new(),
        whole: Vec::new(),
        split: Vec::new(),
    };
    for r in pending.iter().take(runs) {
        review_report(
            store,
            &Actor::new("bench-reviewer"),
            r.id,
            &Decision::Accept,
        )
        .await?;
        let version = store.data_version().await?;
        let t = Instant::now();
        let kept = cache.overview(store, version, key, &thresholds).await?;
        out.current.push(t.elapsed());
        let t = Instant::now();
        let whole = recompute(store, key, &thresholds).await?;
        out.whole.push(t.elapsed());
        ensure!(
            format!("{:?}", *kept) == format!("{whole:?}"),
            "总览增量与重算不一致 / the dashboard kept current differs from one computed whole"
        );
    }
    let mut refused = Vec::new();
    let owner = store.plan(plan).await?.owner;
    for t in store.targets(plan).await? {
        if out.split.len() >= runs {
            break;
        }
        let list = store.assignments_of_target(t.id).await?;
        let shares: Vec<&Assignment> = list.iter().filter(|a| a.quota.is_some()).collect();
        // The data set names no lead unit: the plan's owner leads, as an office would set
        // when it first saves a split (the lead assignment is then written with it).
        let (lead_unit, lead_budget) = match list.iter().find(|a| a.role == AssignmentRole::Lead) {
            Some(l) => (l.unit, l.budget),
            None => (owner, None),
        };
        if shares.len() < 2 || shares[0].quota < Some(Decimal::ONE) {
            continue;
        }
        let d = Decomposition {
            target: t.id,
            lead: lead_unit,
            partners: list
                .iter()
                .filter(|a| a.role == AssignmentRole::Partner && a.quota.is_none())
                .map(|a| a.unit)
                .collect(),
            shares: shares
                .iter()
                .enumerate()
                .map(|(i, a)| Share {
                    unit: a.unit,
                    quota: a.quota.unwrap_or_default()
                        + match i {
                            0 => -Decimal::ONE,
                            1 => Decimal::ONE,
                            _ => Decimal::ZERO,
                        },
                    budget: a.budget,
                })
                .collect(),
            lead_budget,
            accrual: None,
        };
        let t0 = Instant::now();
        match assign(store, &Actor::new("bench-office"), &d).await {
            Ok(_) => out.split.push(t0.elapsed()),
            Err(e) => refused.push(format!("target {}: {e}", t.id)),
        }
    }
    ensure!(
        !out.split.is_empty() || runs == 0,
        "没有一个分解能保存 / no split could be saved: {}",
        refused
            .iter()
            .take(3)
            .cloned()
            .collect::<Vec<_>>()
            .join("; ")
    );
    if !refused.is_empty() {
        eprintln!("{} splits refused (first: {})", refused.len(), refused[0]);
    }
    Ok(out)
}
