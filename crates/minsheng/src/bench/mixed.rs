//! `minsheng bench mixed`: the office dashboard while units' reports are being accepted — the
//! month-end case of issue #16 item 2. The county-scale data set
//! (`shared/bench/gen_reports.py --scale county`) is loaded into a fresh database (SQLite by
//! default, `--db` for PostgreSQL) and served in this process. An office account signs in over
//! HTTP; `wrk` (64 connections) reads the dashboard of the largest plan first with no writes,
//! then again for as long while a writer accepts that plan's waiting reports through
//! `POST /api/reports/{id}/accept` at a steady rate (default 20 a second, each accept sent on
//! its tick whether or not the last one has answered, as independent reviewers would).
//!
//! Printed: the dashboard's req/s, p50 and p99 with and without writes, and the accepts' p50
//! and p99 under that load. Afterwards the run is checked: every acknowledged accept is stored,
//! none failed, the roll-up kept current equals a rebuild from the reports, and the dashboard
//! as served equals one computed whole. **Goal:** dashboard p99 < 50 ms while reports are
//! accepted, at county scale, on SQLite and PostgreSQL.

use super::dashboard::{
    Measured, check_duration, first_period, http, need_wrk, sign_in, status_of, wrk,
};
use super::{bench_url, load_all, ms};
use anyhow::{Context, ensure};
use clap::Args;
use minsheng_app::accounts;
use minsheng_domain::{Actor, Period, ReportStatus, Role, Thresholds};
use minsheng_store::Store;
use minsheng_web::AppState;
use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Arguments of `minsheng bench mixed`.
#[derive(Debug, Args)]
pub struct MixedArgs {
    /// gen_reports.py 写出的目录 / the folder gen_reports.py wrote
    #[arg(long, value_name = "DIR")]
    data: PathBuf,
    /// 每轮压测时长(wrk 的 -d,如 20s、1m) / how long each wrk run lasts (wrk's -d: 20s, 1m)
    #[arg(long, default_value = "20s")]
    duration: String,
    /// 读总览的并发连接数 / concurrent connections reading the dashboard
    #[arg(long, default_value_t = 64)]
    connections: u32,
    /// 每秒审核通过的报告数 / reports accepted per second while the dashboard is read
    #[arg(long, default_value_t = 20)]
    rate: u32,
    /// 基准数据库(须为空库) / the database to build, which must be empty [default: DIR/minsheng-mixed.db, rebuilt each run]
    #[arg(long, value_name = "URL")]
    db: Option<String>,
}

/// The accepts the writer sent: each one's status and time.
#[derive(Debug, Default)]
struct Accepts {
    answers: Vec<(u16, Duration)>,
    acknowledged: Vec<i64>,
}

/// `p`-th percentile (0–100) of sorted durations, in ms.
fn percentile(sorted: &[Duration], p: usize) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    ms(sorted[(sorted.len() * p / 100).min(sorted.len() - 1)])
}

/// Accepts `pending` one every `1/rate` s through the API until `stop` is set; each accept is a
/// task of its own, so a slow answer never delays the next tick.
async fn writer(
    addr: SocketAddr,
    cookie: Arc<str>,
    pending: Vec<i64>,
    rate: u32,
    stop: Arc<std::sync::atomic::AtomicBool>,
) -> anyhow::Result<Accepts> {
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(rate)));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let mut sent = Vec::new();
    for id in pending {
        tick.tick().await;
        if stop.load(std::sync::atomic::Ordering::Relaxed) {
            break;
        }
        let cookie = cookie.clone();
        sent.push(tokio::spawn(async move {
            let t = Instant::now();
            let answer = http(
                addr,
                &format!(
                    "POST /api/reports/{id}/accept HTTP/1.1\r\nCookie: {cookie}\r\nSec-Fetch-Site: same-origin"
                ),
                "",
            )
            .await;
            let status = answer.as_deref().ok().and_then(status_of).unwrap_or(0);
            (id, status, t.elapsed())
        }));
    }
    let mut out = Accepts::default();
    for s in sent {
        let (id, status, took) = s.await?;
        out.answers.push((status, took));
        if status == 200 {
            out.acknowledged.push(id);
        }
    }
    Ok(out)
}

/// Runs the command.
pub async fn run(a: &MixedArgs) -> anyhow::Result<()> {
    check_duration(&a.duration)?;
    ensure!(a.connections >= 1, "--connections 至少为 1 / at least 1");
    ensure!(a.rate >= 1, "--rate 至少为 1 / at least 1");
    need_wrk()?;
    let actor = Actor::system("bench");
    let password = "bench-office-password";
    let period = first_period(&a.data)?;
    let url = bench_url(&a.data, a.db.as_deref(), "minsheng-mixed.db");
    let (store, _, _, _, _) = load_all(&url, &a.data, period.year(), &actor).await?;
    accounts::add_account(&store, &actor, "bench-office", password, Role::Office, None).await?;

    // The dashboard read: the plan with the most reports awaiting review, at their month.
    let (plan, month, pending) = busiest(&store).await?;
    let need = usize::try_from(a.rate)? * secs(&a.duration)? as usize;
    ensure!(
        pending.len() >= need,
        "计划 {plan} 只有 {} 份待审核报告,不够 {} 秒每秒 {} 份 / only {} reports await review: shorten --duration or lower --rate",
        pending.len(),
        secs(&a.duration)?,
        a.rate,
        pending.len()
    );

    let mut state = AppState::new(store.clone());
    state.secure_cookies = false;
    let site = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = site.local_addr()?;
    let server = tokio::spawn(minsheng_web::serve(site, state));
    let cookie = sign_in(addr, "bench-office", password).await?;
    let path = format!("/office?plan={}&period={month}", plan.0);
    let t = Instant::now();
    let first = http(
        addr,
        &format!("GET {path} HTTP/1.1\r\nCookie: {cookie}"),
        "",
    )
    .await?;
    ensure!(
        status_of(&first) == Some(200),
        "总览页面未能打开 / the dashboard did not open:\n{}",
        first.chars().take(2000).collect::<String>()
    );
    eprintln!(
        "plan {}, {month}: {} reports await review; dashboard computed in {:.0} ms; wrk -t2 -c{} -d{}",
        plan.0,
        pending.len(),
        ms(t.elapsed()),
        a.connections,
        a.duration
    );
    let page = format!("http://{addr}{path}");

    eprintln!("1. the dashboard with no writes");
    let quiet = wrk(&page, Some(&cookie), a.connections, &a.duration).await?;

    eprintln!(
        "2. the dashboard while {} reports a second are accepted",
        a.rate
    );
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let w = tokio::spawn(writer(
        addr,
        Arc::from(cookie.as_str()),
        pending,
        a.rate,
        stop.clone(),
    ));
    let t = Instant::now();
    let busy = wrk(&page, Some(&cookie), a.connections, &a.duration).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let elapsed = t.elapsed();
    let accepts = w.await??;
    let busy = busy?;
    server.abort();

    // The checks: nothing acknowledged is missing, nothing failed, the kept roll-up and the
    // dashboard as kept equal their recomputes.
    let mut failed: Vec<u16> = accepts
        .answers
        .iter()
        .map(|(s, _)| *s)
        .filter(|s| *s != 200)
        .collect();
    failed.sort_unstable();
    let mut stored = HashSet::new();
    for id in &accepts.acknowledged {
        let r = store.report(minsheng_domain::ReportId(*id)).await?;
        if r.status == ReportStatus::Accepted {
            stored.insert(*id);
        }
    }
    let lost = accepts.acknowledged.len() - stored.len();
    let today = month
        .last_day()
        .checked_add(jiff::Span::new().days(20))
        .context("date")?;
    let key = (plan, month, today);
    let thresholds = Thresholds::default();
    let cache = minsheng_app::overview::OverviewCache::default();
    let kept = minsheng_app::rollup::dashboard(&store, month).await?;
    minsheng_app::rollup::recompute(&store, &actor).await?;
    let rebuilt = minsheng_app::rollup::dashboard(&store, month).await?;
    let served = cache
        .overview(&store, store.data_version().await?, key, &thresholds)
        .await?;
    let whole = minsheng_app::overview::recompute(&store, key, &thresholds).await?;
    store.close().await;

    let mut took: Vec<Duration> = accepts.answers.iter().map(|(_, d)| *d).collect();
    took.sort_unstable();
    let show = |m: &Measured| {
        format!(
            "{:.0} req/s, p50 {:.2} ms, p99 {:.2} ms",
            m.rps, m.p50_ms, m.p99_ms
        )
    };
    println!("dashboard, no writes:        {}", show(&quiet));
    println!("dashboard, {:>3} accepts/s:   {}", a.rate, show(&busy));
    println!(
        "accepts under that load:     {} in {:.1} s ({:.1}/s), p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        took.len(),
        elapsed.as_secs_f64(),
        took.len() as f64 / elapsed.as_secs_f64(),
        percentile(&took, 50),
        percentile(&took, 99),
        took.last().map(|d| ms(*d)).unwrap_or(f64::NAN)
    );
    println!(
        "checks: accepts acknowledged {}, stored {}, lost {lost}, failed {} {:?}; roll-up equals a rebuild: {}; dashboard equals one computed whole: {}",
        accepts.acknowledged.len(),
        stored.len(),
        failed.len(),
        failed.iter().take(5).collect::<Vec<_>>(),
        if kept == rebuilt { "yes" } else { "NO" },
        if format!("{:?}", *served) == format!("{whole:?}") {
            "yes"
        } else {
            "NO"
        }
    );
    println!(
        "goal: dashboard p99 < 50 ms while reports are accepted ({})",
        if busy.p99_ms < 50.0 { "met" } else { "NOT met" }
    );
    ensure!(
        lost == 0 && failed.is_empty(),
        "审核通过有丢失或失败 / accepts were lost or failed"
    );
    ensure!(
        kept == rebuilt,
        "增量汇总与重算不一致 / the roll-up kept current differs from a rebuild"
    );
    ensure!(
        format!("{:?}", *served) == format!("{whole:?}"),
        "总览与整体重算不一致 / the dashboard differs from one computed whole"
    );
    Ok(())
}

/// wrk's duration in seconds (`20s`, `1m`, `1h`, `30`).
fn secs(d: &str) -> anyhow::Result<u64> {
    let (n, f) = match d.as_bytes().last() {
        Some(b'm') => (&d[..d.len() - 1], 60),
        Some(b'h') => (&d[..d.len() - 1], 3600),
        Some(b's') => (&d[..d.len() - 1], 1),
        _ => (d, 1),
    };
    Ok(n.parse::<u64>().context("--duration")? * f)
}

/// The plan with the most reports awaiting review, the month most of them are for, and their
/// ids (oldest first).
async fn busiest(store: &Store) -> anyhow::Result<(minsheng_domain::PlanId, Period, Vec<i64>)> {
    let waiting = store.submitted_reports().await?;
    let mut best: Option<(minsheng_domain::PlanId, Period, Vec<i64>)> = None;
    for p in store.plans().await? {
        let mine: HashSet<_> = store
            .assignments_of_plan(p.id)
            .await?
            .into_iter()
            .map(|a| a.id)
            .collect();
        let ours: Vec<_> = waiting
            .iter()
            .filter(|r| mine.contains(&r.assignment))
            .collect();
        let mut by_month = std::collections::BTreeMap::<Period, usize>::new();
        for r in &ours {
            *by_month.entry(r.period).or_default() += 1;
        }
        let Some((month, _)) = by_month.iter().max_by_key(|(_, n)| **n) else {
            continue;
        };
        let ids: Vec<i64> = ours.iter().map(|r| r.id.0).collect();
        if best.as_ref().is_none_or(|b| ids.len() > b.2.len()) {
            best = Some((p.id, *month, ids));
        }
    }
    best.context("数据中没有待审核的报告 / no reports await review")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_seconds() {
        assert_eq!(secs("20s").unwrap(), 20);
        assert_eq!(secs("2m").unwrap(), 120);
        assert_eq!(secs("1h").unwrap(), 3600);
        assert_eq!(secs("30").unwrap(), 30);
        assert!(secs("x").is_err());
    }

    #[test]
    fn percentiles_of_sorted_times() {
        let t: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&t, 50), 51.0);
        assert_eq!(percentile(&t, 99), 100.0);
        assert!(percentile(&[], 50).is_nan());
    }
}
