//! `minsheng bench load`: the reporting flow under load, through the real server and its JSON
//! API. The Jilin demo is built into an empty database and served in this process on
//! 127.0.0.1 (port 0); unit clients sign in as the demo's unit accounts and file October,
//! November and December for every share with a number (`POST
//! /api/assignments/{id}/report`), office clients take the review queue (`GET /api/review`) and
//! accept what is in it (`POST /api/reports/{id}/accept`), and readers load the office
//! dashboard and target pages. Traffic goes to 127.0.0.1 only and stops at the time limit.
//!
//! At the end the database is read in one snapshot and checked: every acknowledged report is
//! stored (0 lost), no report is accepted twice and no month has two accepted revisions (0
//! duplicated), no answer was a 5xx, and the roll-up equals a recompute from the reports. Any
//! of these failing makes the command fail. The goal (issue #10): all of that, with submit and
//! accept p99 under 200 ms at 64 concurrent clients, on both backends.

use anyhow::{Context, bail, ensure};
use bytes::Bytes;
use clap::Args;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use minsheng_app::{demo, rollup};
use minsheng_domain::{Actor, AssignmentId, Period, ReportStatus, Role, TargetKind, UnitId};
use minsheng_store::backup::{BackupContents, read_backup};
use minsheng_store::{OpenMode, Store};
use minsheng_web::AppState;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Arguments of `minsheng bench load`.
#[derive(Debug, Args)]
pub struct LoadArgs {
    /// 压测用的数据库(新建或空库;写入演示数据) / the database to load (new or empty; the demo is built into it)
    #[arg(long, value_name = "URL")]
    db: String,
    /// 并发的责任单位客户端数 / concurrent unit clients filing reports
    #[arg(long, default_value_t = 64)]
    clients: usize,
    /// 并发的审核客户端数 [默认:clients/8,至少 2] / concurrent office clients accepting [default: clients/8, at least 2]
    #[arg(long)]
    office: Option<usize>,
    /// 并发的读取客户端数 [默认:clients/8,至少 2] / concurrent readers of the dashboard [default: clients/8, at least 2]
    #[arg(long)]
    readers: Option<usize>,
    /// 填报时长上限(如 30s、2m),之后审核收尾,至多同样长 / how long filing may last (30s, 2m); the office then finishes the queue, for at most as long again
    #[arg(long, default_value = "30s")]
    duration: String,
    /// 数据库连接池上限 [默认:与 serve 相同] / the pool's connections [default: as `serve`]
    #[arg(long, value_name = "N")]
    max_connections: Option<u32>,
}

/// How many clients of each kind, and for how long.
#[derive(Debug, Clone, Copy)]
pub struct Load {
    /// Unit clients.
    pub clients: usize,
    /// Office clients.
    pub office: usize,
    /// Readers.
    pub readers: usize,
    /// The time limit of filing (and, again, of finishing the queue).
    pub duration: Duration,
}

/// `30s`, `2m`, `1h` or plain seconds.
fn duration_of(s: &str) -> anyhow::Result<Duration> {
    let bad = || {
        anyhow::anyhow!(
            "--duration:“{s}”不是时长(如 30s、2m) / '{s}' is not a duration such as 30s or 2m"
        )
    };
    let (digits, factor) = match s.as_bytes().last() {
        Some(b's') => (&s[..s.len() - 1], 1),
        Some(b'm') => (&s[..s.len() - 1], 60),
        Some(b'h') => (&s[..s.len() - 1], 3600),
        _ => (s, 1),
    };
    let n: u64 = digits.parse().map_err(|_| bad())?;
    ensure!(n > 0, bad());
    Ok(Duration::from_secs(n.checked_mul(factor).ok_or_else(bad)?))
}

/// Runs the command.
pub async fn run(a: &LoadArgs) -> anyhow::Result<()> {
    ensure!(a.clients >= 1, "--clients 至少为 1 / at least 1");
    let side = (a.clients / 8).max(2);
    let load = Load {
        clients: a.clients,
        office: a.office.unwrap_or(side).max(1),
        readers: a.readers.unwrap_or(side),
        duration: duration_of(&a.duration)?,
    };
    let store = match a.max_connections {
        Some(n) => Store::open_with(&a.db, OpenMode::CreateIfMissing, n).await?,
        None => Store::open(&a.db, OpenMode::CreateIfMissing).await?,
    };
    store.migrate().await?;
    ensure!(
        store.units().await?.is_empty(),
        "{} 已有数据,请指定新建或空的数据库 / holds data: use a new or empty database",
        minsheng_store::redact_url(&a.db)
    );
    let outcome = run_load(&store, load).await;
    store.close().await;
    let outcome = outcome?;
    println!("{}", outcome.report(load));
    let failures = outcome.failures();
    if !failures.is_empty() {
        bail!(
            "正确性检查未通过 / correctness checks failed:\n  {}",
            failures.join("\n  ")
        );
    }
    Ok(())
}

/// What one kind of request met.
#[derive(Debug, Default, Clone)]
struct Tally {
    /// Latencies per operation.
    latencies: BTreeMap<&'static str, Vec<Duration>>,
    /// Answers per operation and status (0: no answer, a connection error).
    statuses: BTreeMap<(&'static str, u16), u64>,
    /// Reports whose submission was acknowledged (201), by id.
    filed: Vec<i64>,
    /// Reports whose acceptance was acknowledged (200), by id.
    accepted: Vec<i64>,
    /// Refusals (4xx other than 409, which office clients meet by design) by operation,
    /// status and the answer's message, so a refusal the load should not meet is seen.
    refusals: BTreeMap<(&'static str, u16, String), u64>,
}

impl Tally {
    fn merge(&mut self, other: Tally) {
        for (op, mut v) in other.latencies {
            self.latencies.entry(op).or_default().append(&mut v);
        }
        for (k, n) in other.statuses {
            *self.statuses.entry(k).or_default() += n;
        }
        self.filed.extend(other.filed);
        self.accepted.extend(other.accepted);
        for (k, n) in other.refusals {
            *self.refusals.entry(k).or_default() += n;
        }
    }

    /// Keeps a 4xx answer's message (not a 409's) under its operation.
    fn refused(&mut self, op: &'static str, status: u16, body: &[u8]) {
        if !(400..500).contains(&status) || status == 409 {
            return;
        }
        let message = serde_json::from_slice::<serde_json::Value>(body)
            .ok()
            .and_then(|v| v["errors"][0]["detail"].as_str().map(str::to_string))
            .unwrap_or_else(|| String::from_utf8_lossy(&body[..body.len().min(200)]).into());
        // Numbers differ from one refusal to the next; the reason is what counts.
        let reason: String = message
            .chars()
            .map(|c| if c.is_ascii_digit() { '#' } else { c })
            .collect();
        *self.refusals.entry((op, status, reason)).or_default() += 1;
    }

    fn record(&mut self, op: &'static str, status: u16, took: Duration) {
        self.latencies.entry(op).or_default().push(took);
        *self.statuses.entry((op, status)).or_default() += 1;
    }
}

/// What the run measured and what the checks found.
#[derive(Debug)]
pub struct Outcome {
    tally: Tally,
    elapsed: Duration,
    /// Reports in the database filed during the run (not in the demo before it).
    stored: usize,
    /// Acknowledged reports missing from the database.
    lost: Vec<i64>,
    /// Stored reports of the run that were never acknowledged.
    unacknowledged: usize,
    /// Acknowledged accepts whose report is not accepted in the database.
    accepts_lost: Vec<i64>,
    /// Reports acknowledged as accepted more than once.
    accepted_twice_acknowledged: Vec<i64>,
    /// Reports with more than one acceptance in the audit log.
    accepted_twice_audited: Vec<i64>,
    /// (assignment, period) with more than one accepted revision.
    two_accepted_revisions: Vec<(i64, String)>,
    /// Roll-up rows that differ from a recompute.
    rollup_differences: Vec<String>,
    /// Write transactions during the run and how long they held their connection.
    write_hold: minsheng_store::WriteHold,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

impl Outcome {
    /// How many answers were 5xx or no answer at all.
    fn server_errors(&self) -> u64 {
        self.tally
            .statuses
            .iter()
            .filter(|((_, s), _)| *s >= 500 || *s == 0)
            .map(|(_, n)| n)
            .sum()
    }

    /// The p99 of an operation.
    pub fn p99(&self, op: &str) -> Option<Duration> {
        let mut v = self.tally.latencies.get(op)?.clone();
        v.sort();
        Some(percentile(&v, 0.99))
    }

    /// The correctness checks that failed, in words.
    pub fn failures(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut check = |ok: bool, what: String| {
            if !ok {
                out.push(what);
            }
        };
        check(
            self.lost.is_empty(),
            format!(
                "已确认但未保存的报告 / acknowledged but not stored: {:?}",
                self.lost
            ),
        );
        check(
            self.accepts_lost.is_empty(),
            format!(
                "已确认审核通过但库中未通过 / acknowledged accepts not accepted: {:?}",
                self.accepts_lost
            ),
        );
        check(
            self.accepted_twice_acknowledged.is_empty(),
            format!(
                "同一报告两次确认审核通过 / reports acknowledged as accepted twice: {:?}",
                self.accepted_twice_acknowledged
            ),
        );
        check(
            self.accepted_twice_audited.is_empty(),
            format!(
                "同一报告审核通过两次(审计日志) / reports accepted twice (audit log): {:?}",
                self.accepted_twice_audited
            ),
        );
        check(
            self.two_accepted_revisions.is_empty(),
            format!(
                "同月两个通过的修订 / two accepted revisions of one month: {:?}",
                self.two_accepted_revisions
            ),
        );
        check(
            self.server_errors() == 0,
            format!(
                "{} 个 5xx 或无应答 / 5xx answers or no answer",
                self.server_errors()
            ),
        );
        check(
            self.rollup_differences.is_empty(),
            format!(
                "汇总与重算不一致 / the roll-up differs from a recompute: {}",
                self.rollup_differences.join("; ")
            ),
        );
        out
    }

    /// The figures, for people.
    pub fn report(&self, load: Load) -> String {
        let mut s = format!(
            "bench load: {} unit clients, {} office clients, {} readers, {:.1} s\n",
            load.clients,
            load.office,
            load.readers,
            self.elapsed.as_secs_f64()
        );
        s.push_str("operation        requests      p50 ms    p99 ms   answers\n");
        for (op, v) in &self.tally.latencies {
            let mut v = v.clone();
            v.sort();
            let answers: Vec<String> = self
                .tally
                .statuses
                .iter()
                .filter(|((o, _), _)| o == op)
                .map(|((_, st), n)| {
                    if *st == 0 {
                        format!("no answer×{n}")
                    } else {
                        format!("{st}×{n}")
                    }
                })
                .collect();
            s.push_str(&format!(
                "{op:<16} {:>8} {:>11.1} {:>9.1}   {}\n",
                v.len(),
                ms(percentile(&v, 0.5)),
                ms(percentile(&v, 0.99)),
                answers.join(" ")
            ));
        }
        for ((op, st, reason), n) in &self.tally.refusals {
            s.push_str(&format!("  {op} {st}×{n}: {reason}\n"));
        }
        let h = self.write_hold;
        s.push_str(&format!(
            "write transactions: {}, held {:.2} ms on average ({:.1} s of the run's {:.1} s)\n",
            h.transactions,
            if h.transactions == 0 {
                0.0
            } else {
                ms(h.held) / h.transactions as f64
            },
            h.held.as_secs_f64(),
            self.elapsed.as_secs_f64()
        ));
        s.push_str(&format!(
            "reports: acknowledged {}, stored {}, lost {}, stored without acknowledgement {}\n",
            self.tally.filed.len(),
            self.stored,
            self.lost.len(),
            self.unacknowledged
        ));
        s.push_str(&format!(
            "accepts: acknowledged {}, not accepted in the database {}; duplicates: acknowledged twice {}, audited twice {}, months with two accepted revisions {}\n",
            self.tally.accepted.len(),
            self.accepts_lost.len(),
            self.accepted_twice_acknowledged.len(),
            self.accepted_twice_audited.len(),
            self.two_accepted_revisions.len()
        ));
        s.push_str(&format!(
            "5xx or no answer: {}; roll-up equals a recompute: {}\n",
            self.server_errors(),
            if self.rollup_differences.is_empty() {
                "yes"
            } else {
                "NO"
            }
        ));
        let goal = |op: &str| self.p99(op).is_some_and(|p| p < Duration::from_millis(200));
        s.push_str(&format!(
            "goal: correct ({}), submit p99 < 200 ms ({}), accept p99 < 200 ms ({})",
            if self.failures().is_empty() {
                "met"
            } else {
                "NOT met"
            },
            if goal("submit") { "met" } else { "NOT met" },
            if goal("accept") { "met" } else { "NOT met" },
        ));
        s
    }
}

type Http = Client<HttpConnector, Full<Bytes>>;

/// One request; the status (0 when there was no answer), the body and the time it took.
async fn send(
    client: &Http,
    addr: SocketAddr,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    body: Option<(&str, String)>,
) -> (u16, Bytes, Option<String>, Duration) {
    let start = Instant::now();
    let mut req = hyper::Request::builder()
        .method(method)
        .uri(format!("http://{addr}{path}"))
        .header("sec-fetch-site", "same-origin");
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let (ctype, body) = body.unwrap_or(("text/plain", String::new()));
    let Ok(req) = req
        .header("content-type", ctype)
        .body(Full::new(Bytes::from(body)))
    else {
        return (0, Bytes::new(), None, start.elapsed());
    };
    let Ok(resp) = client.request(req).await else {
        return (0, Bytes::new(), None, start.elapsed());
    };
    let status = resp.status().as_u16();
    let cookie = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .find(|c| c.starts_with("minsheng_session="))
        .map(str::to_string);
    let body = resp
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    (status, body, cookie, start.elapsed())
}

/// `application/x-www-form-urlencoded` for one value.
fn form_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Signs `name` in with the demo password; the session cookie.
async fn sign_in(client: &Http, addr: SocketAddr, name: &str) -> anyhow::Result<String> {
    let body = format!(
        "name={}&password={}",
        form_encode(name),
        form_encode(demo::DEMO_PASSWORD)
    );
    let (status, _, cookie, _) = send(
        client,
        addr,
        "POST",
        "/login",
        None,
        Some(("application/x-www-form-urlencoded", body)),
    )
    .await;
    cookie.with_context(|| format!("{name} 登录失败 / sign-in failed (status {status})"))
}

/// A share a unit client files for: the assignment, the account that carries it, and the
/// highest value it had accepted or awaiting review (the floor of a cumulative count).
#[derive(Debug, Clone)]
struct Share {
    assignment: AssignmentId,
    cookie: Arc<str>,
    base: Decimal,
}

/// Builds the demo into `store` (empty, migrated), serves it, runs the load and checks the
/// outcome.
pub async fn run_load(store: &Store, load: Load) -> anyhow::Result<Outcome> {
    demo::build(store).await?;
    let plan = store.plans().await?[0].id;
    let year = store.plan(plan).await?.year;
    let before: HashSet<i64> = store
        .reports_of_plan(plan)
        .await?
        .iter()
        .map(|r| r.id.0)
        .collect();

    let mut state = AppState::new(store.clone());
    state.secure_cookies = false;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(minsheng_web::serve(listener, state));
    let client: Http = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(load.clients + load.office + load.readers)
        .build_http();

    // One session per demo account.
    let mut cookies: HashMap<UnitId, Arc<str>> = HashMap::new();
    let mut office_cookie = None;
    for account in store.accounts().await? {
        match (account.account.role, account.account.unit) {
            (Role::Unit, Some(unit)) => {
                let c = sign_in(&client, addr, &account.account.name).await?;
                cookies.insert(unit, c.into());
            }
            (Role::Office, _) => {
                office_cookie = Some(sign_in(&client, addr, &account.account.name).await?)
            }
            _ => {}
        }
    }
    let office_cookie: Arc<str> = office_cookie
        .context("演示库没有办公室账号 / the demo has no office account")?
        .into();

    // Every share with a number whose unit has an account, with its last accepted value.
    let quantity: HashSet<_> = store
        .targets(plan)
        .await?
        .into_iter()
        .filter(|t| t.kind == TargetKind::Quantity)
        .map(|t| t.id)
        .collect();
    let mut last: HashMap<AssignmentId, Decimal> = HashMap::new();
    for r in store.reports_of_plan(plan).await? {
        // Accepted, or awaiting review (the office accepts it during the run): a count
        // filed below either would be refused as falling.
        if matches!(r.status, ReportStatus::Accepted | ReportStatus::Submitted)
            && let Some(v) = r.cumulative
        {
            let e = last.entry(r.assignment).or_default();
            *e = (*e).max(v);
        }
    }
    let shares: Vec<Share> = store
        .assignments_of_plan(plan)
        .await?
        .into_iter()
        .filter(|a| quantity.contains(&a.target))
        .filter_map(|a| {
            Some(Share {
                assignment: a.id,
                cookie: cookies.get(&a.unit)?.clone(),
                base: last.get(&a.id).copied().unwrap_or_default(),
            })
        })
        .collect();
    ensure!(
        !shares.is_empty(),
        "演示库中没有可填报的任务 / no share to file in the demo"
    );
    let targets: Vec<i64> = quantity.iter().map(|t| t.0).collect();
    let periods: Vec<String> = (10..=12)
        .map(|m| Period::month(year, m).map(|p| p.to_string()))
        .collect::<Result<_, _>>()
        .map_err(|e| anyhow::anyhow!("{e}"))?;

    let hold_before = store.write_hold();
    let start = Instant::now();
    let deadline = start + load.duration;
    let filing = Arc::new(AtomicBool::new(true));

    // Unit clients: client i files shares i, i + clients, … for each month in turn.
    let mut filers = Vec::new();
    for i in 0..load.clients {
        let mine: Vec<Share> = shares
            .iter()
            .skip(i)
            .step_by(load.clients)
            .cloned()
            .collect();
        let (client, periods) = (client.clone(), periods.clone());
        filers.push(tokio::spawn(async move {
            let mut t = Tally::default();
            for (k, period) in periods.iter().enumerate() {
                for s in &mine {
                    if Instant::now() >= deadline {
                        return t;
                    }
                    let value = s.base + Decimal::from(k + 1);
                    let body = serde_json::json!({
                        "period": period,
                        "value": value.to_string(),
                        "narrative": "压测填报 / load test",
                        "action": "submit",
                    })
                    .to_string();
                    let path = format!("/api/assignments/{}/report", s.assignment.0);
                    let (status, body, _, took) = send(
                        &client,
                        addr,
                        "POST",
                        &path,
                        Some(&s.cookie),
                        Some(("application/json", body)),
                    )
                    .await;
                    t.record("submit", status, took);
                    t.refused("submit", status, &body);
                    if status == 201
                        && let Some(id) = serde_json::from_slice::<serde_json::Value>(&body)
                            .ok()
                            .and_then(|v| v["id"].as_i64())
                    {
                        t.filed.push(id);
                    }
                }
            }
            t
        }));
    }

    // Office clients: take the queue and accept it, oldest first, all of them in the same
    // order (so they meet on the same reports), until filing is over and the queue is empty.
    let drain_until = deadline + load.duration;
    let mut office = Vec::new();
    for _ in 0..load.office {
        let (client, cookie, filing) = (client.clone(), office_cookie.clone(), filing.clone());
        office.push(tokio::spawn(async move {
            let mut t = Tally::default();
            while Instant::now() < drain_until {
                let (status, body, _, took) = send(
                    &client,
                    addr,
                    "GET",
                    "/api/review?limit=20",
                    Some(&cookie),
                    None,
                )
                .await;
                t.record("review_queue", status, took);
                let ids: Vec<i64> = serde_json::from_slice::<serde_json::Value>(&body)
                    .ok()
                    .and_then(|v| {
                        v["reports"].as_array().map(|a| {
                            a.iter()
                                .filter_map(|e| e["report"]["id"].as_i64())
                                .collect()
                        })
                    })
                    .unwrap_or_default();
                if ids.is_empty() {
                    if !filing.load(Ordering::SeqCst) {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
                for id in ids.into_iter().take(20) {
                    if Instant::now() >= drain_until {
                        break;
                    }
                    let path = format!("/api/reports/{id}/accept");
                    let (status, body, _, took) =
                        send(&client, addr, "POST", &path, Some(&cookie), None).await;
                    t.record("accept", status, took);
                    t.refused("accept", status, &body);
                    if status == 200 {
                        t.accepted.push(id);
                    }
                }
            }
            t
        }));
    }

    // Readers: the dashboard and target pages, in turn, while the office works.
    let reading = Arc::new(AtomicBool::new(true));
    let mut readers = Vec::new();
    for i in 0..load.readers {
        let (client, cookie, reading, targets) = (
            client.clone(),
            office_cookie.clone(),
            reading.clone(),
            targets.clone(),
        );
        readers.push(tokio::spawn(async move {
            let mut t = Tally::default();
            let mut k = i;
            while reading.load(Ordering::SeqCst) && Instant::now() < drain_until {
                let (op, path) = if k % 2 == 0 {
                    ("dashboard", "/office".to_string())
                } else {
                    (
                        "target_page",
                        format!("/targets/{}", targets[(k / 2) % targets.len()]),
                    )
                };
                let (status, _, _, took) =
                    send(&client, addr, "GET", &path, Some(&cookie), None).await;
                t.record(op, status, took);
                k += 1;
            }
            t
        }));
    }

    let mut tally = Tally::default();
    for f in filers {
        tally.merge(f.await.context("unit client")?);
    }
    filing.store(false, Ordering::SeqCst);
    for o in office {
        tally.merge(o.await.context("office client")?);
    }
    reading.store(false, Ordering::SeqCst);
    for r in readers {
        tally.merge(r.await.context("reader")?);
    }
    let elapsed = start.elapsed();
    server.abort();
    let hold = store.write_hold();
    let write_hold = minsheng_store::WriteHold {
        transactions: hold.transactions.saturating_sub(hold_before.transactions),
        held: hold.held.saturating_sub(hold_before.held),
    };

    check(store, tally, elapsed, &before, write_hold).await
}

/// The database at one instant (a backup held in memory).
async fn snapshot(store: &Store) -> anyhow::Result<BackupContents> {
    let mut bytes = Vec::new();
    store.backup(&mut bytes).await?;
    Ok(read_backup(&bytes[..])?)
}

/// Checks what is stored against what was acknowledged, and the roll-up against a recompute.
async fn check(
    store: &Store,
    tally: Tally,
    elapsed: Duration,
    before: &HashSet<i64>,
    write_hold: minsheng_store::WriteHold,
) -> anyhow::Result<Outcome> {
    let snap = snapshot(store).await?;
    // reports: id, assignment_id, period, revision, …, status (8)
    let status: HashMap<i64, String> = snap.tables["reports"]
        .iter()
        .filter_map(|r| Some((r[0].as_i64()?, r[8].as_str()?.to_string())))
        .collect();
    let filed: HashSet<i64> = tally.filed.iter().copied().collect();
    let ours: HashSet<i64> = status
        .iter()
        .filter(|(id, st)| !before.contains(id) && st.as_str() != "draft")
        .map(|(id, _)| *id)
        .collect();
    let mut lost: Vec<i64> = filed
        .iter()
        .filter(|id| !ours.contains(id))
        .copied()
        .collect();
    lost.sort();
    let unacknowledged = ours.iter().filter(|id| !filed.contains(id)).count();
    let mut accepts_lost: Vec<i64> = tally
        .accepted
        .iter()
        .filter(|id| status.get(id).map(String::as_str) != Some("accepted"))
        .copied()
        .collect();
    accepts_lost.sort();
    accepts_lost.dedup();
    let mut seen = HashMap::<i64, usize>::new();
    for id in &tally.accepted {
        *seen.entry(*id).or_default() += 1;
    }
    let mut accepted_twice_acknowledged: Vec<i64> = seen
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(id, _)| *id)
        .collect();
    accepted_twice_acknowledged.sort();
    // audit_events: id, at, actor, action, entity (4), entity_id (5), before, after (7)
    let mut audited = HashMap::<i64, usize>::new();
    for r in &snap.tables["audit_events"] {
        let accepted = r[7]
            .as_str()
            .and_then(|a| serde_json::from_str::<serde_json::Value>(a).ok())
            .is_some_and(|a| a["status"] == "accepted");
        if r[4] == "report"
            && accepted
            && let Some(id) = r[5].as_i64()
        {
            *audited.entry(id).or_default() += 1;
        }
    }
    let mut accepted_twice_audited: Vec<i64> = audited
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(id, _)| *id)
        .collect();
    accepted_twice_audited.sort();
    let mut per_month = HashMap::<(i64, String), usize>::new();
    for r in &snap.tables["reports"] {
        if r[8] == "accepted"
            && let (Some(a), Some(p)) = (r[1].as_i64(), r[2].as_str())
        {
            *per_month.entry((a, p.to_string())).or_default() += 1;
        }
    }
    let mut two_accepted_revisions: Vec<(i64, String)> = per_month
        .into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|(k, _)| k)
        .collect();
    two_accepted_revisions.sort();

    // The roll-up as kept, against one rebuilt from the reports.
    rollup::recompute(store, &Actor::system("bench")).await?;
    let rebuilt = snapshot(store).await?;
    let mut rollup_differences = Vec::new();
    for t in ["rollup_target_month", "rollup_region_month"] {
        let (kept, again) = (&snap.tables[t], &rebuilt.tables[t]);
        if kept != again {
            let differing = kept.iter().zip(again).filter(|(a, b)| a != b).count()
                + kept.len().abs_diff(again.len());
            rollup_differences.push(format!("{t}: {differing} rows"));
        }
    }
    Ok(Outcome {
        stored: ours.len(),
        tally,
        elapsed,
        lost,
        unacknowledged,
        accepts_lost,
        accepted_twice_acknowledged,
        accepted_twice_audited,
        two_accepted_revisions,
        rollup_differences,
        write_hold,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_durations() {
        assert_eq!(duration_of("30s").unwrap(), Duration::from_secs(30));
        assert_eq!(duration_of("2m").unwrap(), Duration::from_secs(120));
        assert_eq!(duration_of("5").unwrap(), Duration::from_secs(5));
        for bad in ["", "0s", "s", "1.5s", "-1s", "3d"] {
            assert!(duration_of(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn percentiles_take_the_rank() {
        let v: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&v, 0.5), Duration::from_millis(50));
        assert_eq!(percentile(&v, 0.99), Duration::from_millis(99));
        assert_eq!(percentile(&v[..1], 0.99), Duration::from_millis(1));
    }

    /// A few clients for a few seconds on each backend: the checks hold (timing is not
    /// judged here).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_small_load_loses_and_duplicates_nothing() {
        for db in minsheng_store::testing::empty_backends().await {
            db.store.migrate().await.unwrap();
            let store = Store::open_with(&db.url, OpenMode::MustExist, 16)
                .await
                .unwrap();
            let load = Load {
                clients: 4,
                office: 1,
                readers: 1,
                duration: Duration::from_secs(3),
            };
            let outcome = run_load(&store, load).await.unwrap();
            let report = outcome.report(load);
            assert!(outcome.failures().is_empty(), "{}:\n{report}", db.label);
            assert!(!outcome.tally.filed.is_empty(), "{}:\n{report}", db.label);
            assert!(
                !outcome.tally.accepted.is_empty(),
                "{}:\n{report}",
                db.label
            );
            assert!(
                outcome.tally.latencies.contains_key("dashboard"),
                "{}:\n{report}",
                db.label
            );
            store.close().await;
            db.finish().await;
        }
    }
}
