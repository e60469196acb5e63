//! Crash safety, tested on the built binary: `minsheng serve` killed with SIGKILL at random
//! moments while units file reports and the office accepts them over the JSON API; `minsheng
//! report import` killed mid-way; the database's disk full and its file read-only. Afterwards
//! every write that was acknowledged (2xx) is stored exactly once, nothing is accepted twice,
//! the materialized roll-up equals a rebuild, and SQLite's `PRAGMA integrity_check` is `ok`.
//!
//! The kill moments come from a seeded generator (the seed is printed), so a failure can be
//! replayed. Each test is bounded in time: a few kills of a few seconds each.

use crate::report_cli::bin;
use minsheng_app::{demo, rollup};
use minsheng_domain::{Actor, Assignment, Period, ReportStatus};
use minsheng_store::Store;
use minsheng_store::testing::{TestDb, backends};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// A small seeded generator (xorshift64*): the kill moments of a run, replayable.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// A whole number in `lo..hi`.
    fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo).max(1)
    }
}

/// One HTTP answer: status, the cookies it sets (`name=value`), the body.
#[derive(Debug)]
struct Answer {
    status: u16,
    cookies: Vec<String>,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

/// One HTTP/1.0 request to `addr` (the connection closes after it). `body` is a content type
/// and the bytes. Fails on any I/O error: the server may be dead at any moment.
fn http(
    addr: &str,
    method: &str,
    path: &str,
    cookie: &str,
    body: Option<(&str, &str)>,
    key: Option<&str>,
) -> std::io::Result<Answer> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(15)))?;
    s.set_write_timeout(Some(Duration::from_secs(5)))?;
    let mut req = format!(
        "{method} {path} HTTP/1.0\r\nHost: {addr}\r\nSec-Fetch-Site: same-origin\r\nAccept: application/json\r\n"
    );
    if !cookie.is_empty() {
        req.push_str(&format!("Cookie: {cookie}\r\n"));
    }
    if let Some(k) = key {
        req.push_str(&format!("Idempotency-Key: {k}\r\n"));
    }
    let (ct, bytes) = body.unwrap_or(("text/plain", ""));
    if body.is_some() || method == "POST" {
        req.push_str(&format!(
            "Content-Type: {ct}\r\nContent-Length: {}\r\n",
            bytes.len()
        ));
    }
    req.push_str("\r\n");
    req.push_str(bytes);
    s.write_all(req.as_bytes())?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").ok_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "no end of headers")
    })?;
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidData, "no status"))?;
    let cookies = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
        .map(|(_, v)| v.trim().split(';').next().unwrap_or("").to_string())
        .collect();
    Ok(Answer {
        status,
        cookies,
        body: body.to_string(),
    })
}

/// Signs in by the form; the session cookie, or `None` while the server cannot answer.
fn sign_in(addr: &str, name: &str) -> Option<String> {
    let form = format!("name={}&password={}", enc(name), enc(demo::DEMO_PASSWORD));
    let a = http(
        addr,
        "POST",
        "/login",
        "",
        Some(("application/x-www-form-urlencoded", &form)),
        None,
    )
    .ok()?;
    (a.status == 303)
        .then(|| {
            a.cookies
                .into_iter()
                .find(|c| c.starts_with("minsheng_session="))
        })
        .flatten()
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `minsheng serve` on `db`, on a free port of 127.0.0.1: the child and its `host:port`.
fn start_serve(db: &str) -> (Child, String) {
    let mut child = bin()
        .args(["serve", "--listen", "127.0.0.1:0", "--db", db])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let Some(url) = line.split_whitespace().find(|w| w.starts_with("http://")) else {
        let _ = child.kill();
        let _ = child.wait();
        panic!("serve did not start: {line:?}");
    };
    let addr = url.trim_start_matches("http://").trim_end_matches('/');
    (child, addr.to_string())
}

/// Kills the child with SIGKILL and reaps it.
fn kill(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// The server under test: restarted on a new port after each kill; clients read the
/// address afresh for every try.
struct Server {
    db: String,
    child: Mutex<Option<Child>>,
    addr: Mutex<String>,
}

impl Server {
    fn start(db: &str) -> Server {
        let (child, addr) = start_serve(db);
        Server {
            db: db.to_string(),
            child: Mutex::new(Some(child)),
            addr: Mutex::new(addr),
        }
    }
    fn addr(&self) -> String {
        self.addr.lock().unwrap().clone()
    }
    fn kill(&self) {
        if let Some(mut c) = self.child.lock().unwrap().take() {
            kill(&mut c);
        }
    }
    fn restart(&self) {
        self.kill();
        let (child, addr) = start_serve(&self.db);
        *self.child.lock().unwrap() = Some(child);
        *self.addr.lock().unwrap() = addr;
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The demo without its invented reports, and the shares of the first `cities` cities in its
/// first `targets` counts (cumulative targets split by city): (the city's account name, its
/// share), by city then target.
async fn demo_shares(store: &Store, cities: usize, targets: usize) -> Vec<(String, Assignment)> {
    demo::build_with(store, false).await.unwrap();
    let plan = store.plans().await.unwrap()[0].id;
    let tree = store.unit_tree().await.unwrap();
    let mut codes: Vec<String> = tree
        .units()
        .iter()
        .filter(|u| u.kind == minsheng_domain::UnitKind::City)
        .filter_map(|u| u.code.clone())
        .collect();
    codes.sort();
    codes.truncate(cities);
    let mut shares = Vec::new();
    let mut counted = 0;
    for t in store.targets(plan).await.unwrap() {
        if counted == targets {
            break;
        }
        if t.kind != minsheng_domain::TargetKind::Quantity
            || t.accrual() != minsheng_domain::Accrual::Cumulative
        {
            continue;
        }
        let split: Vec<(String, Assignment)> = store
            .assignments_of_target(t.id)
            .await
            .unwrap()
            .into_iter()
            .filter(|a| a.quota.is_some())
            .filter_map(|a| Some((tree.get(a.unit)?.code.clone()?, a)))
            .filter(|(code, _)| codes.contains(code))
            .collect();
        if split.len() == cities {
            shares.extend(split);
            counted += 1;
        }
    }
    assert_eq!(
        counted, targets,
        "the demo has {targets} counts split by city"
    );
    shares.sort_by(|x, y| (&x.0, x.1.id).cmp(&(&y.0, y.1.id)));
    shares
}

/// What the clients were told, and what surprised them.
#[derive(Debug, Default)]
struct Ledger {
    /// (assignment, month) → (report id, value) of each acknowledged filing.
    filed: BTreeMap<(i64, String), (i64, Decimal)>,
    /// Filings refused as already filed after a try whose answer was lost: stored by that try.
    filed_unacknowledged: BTreeSet<(i64, String)>,
    /// Reports whose acceptance was acknowledged.
    accepted: BTreeSet<i64>,
    /// Answers no correct server gives.
    wrong: Vec<String>,
}

/// The months a client files, January to September 2023 (the demo stands in October).
const MONTHS: u32 = 9;

/// A unit's client: files each month once, retrying until it is acknowledged (or refused as
/// already filed after a lost answer), until `deadline`.
fn unit_client(
    server: &Server,
    (name, a): (&str, &Assignment),
    pace: Duration,
    ledger: &Mutex<Ledger>,
    deadline: Instant,
) {
    let mut cookie = String::new();
    for m in 1..=MONTHS {
        // Spread over the kills: a filing every `pace`.
        std::thread::sleep(pace);
        let period = format!("2023-{m:02}");
        let value = Decimal::from(1000 * m);
        let body = json!({"period": period, "value": value.to_string(),
                          "narrative": format!("{name} {period}"), "action": "submit"})
        .to_string();
        let key = format!("crash-{}-{period}", a.id);
        let mut tried_and_lost = false;
        loop {
            if Instant::now() > deadline {
                ledger
                    .lock()
                    .unwrap()
                    .wrong
                    .push(format!("{name}: {period} not filed before the deadline"));
                return;
            }
            let addr = server.addr();
            if cookie.is_empty() {
                match sign_in(&addr, name) {
                    Some(c) => cookie = c,
                    None => {
                        std::thread::sleep(Duration::from_millis(50));
                        continue;
                    }
                }
            }
            let path = format!("/api/assignments/{}/report", a.id);
            let answer = http(
                &addr,
                "POST",
                &path,
                &cookie,
                Some(("application/json", &body)),
                Some(&key),
            );
            match answer {
                Ok(r) if r.status == 201 => {
                    let j = r.json();
                    let id = j["id"].as_i64().unwrap_or(-1);
                    let mut l = ledger.lock().unwrap();
                    // Submitted — or accepted already: the answer reads the report after the
                    // commit, and the office may have accepted it in between.
                    if j["status"] != "submitted" && j["status"] != "accepted" {
                        l.wrong
                            .push(format!("{name} {period}: 201 but status {}", j["status"]));
                    }
                    l.filed.insert((a.id.0, period.clone()), (id, value));
                    break;
                }
                Ok(r) if r.status == 401 => cookie.clear(),
                Ok(r) if r.status == 422 && tried_and_lost && r.body.contains("\"period\"") => {
                    // The lost try was stored: the month is locked now.
                    ledger
                        .lock()
                        .unwrap()
                        .filed_unacknowledged
                        .insert((a.id.0, period.clone()));
                    break;
                }
                Ok(r) if r.status >= 500 || r.status == 409 => {
                    tried_and_lost = true;
                    std::thread::sleep(Duration::from_millis(30));
                }
                Ok(r) => {
                    ledger
                        .lock()
                        .unwrap()
                        .wrong
                        .push(format!("{name} {period}: {} {}", r.status, r.body));
                    break;
                }
                Err(_) => {
                    // The server died under the request (or is restarting): it may or may not
                    // have stored it.
                    tried_and_lost = true;
                    std::thread::sleep(Duration::from_millis(30));
                }
            }
        }
    }
}

/// The office: accepts whatever awaits review until the units are done and the queue is
/// empty, or `deadline`.
fn office_client(
    server: &Server,
    units_done: &AtomicBool,
    ledger: &Mutex<Ledger>,
    deadline: Instant,
) {
    let mut cookie = String::new();
    loop {
        if Instant::now() > deadline {
            ledger
                .lock()
                .unwrap()
                .wrong
                .push("office: the queue was not emptied before the deadline".into());
            return;
        }
        let addr = server.addr();
        if cookie.is_empty() {
            match sign_in(&addr, "office") {
                Some(c) => cookie = c,
                None => {
                    std::thread::sleep(Duration::from_millis(50));
                    continue;
                }
            }
        }
        let done = units_done.load(Ordering::SeqCst);
        let queue = match http(&addr, "GET", "/api/review", &cookie, None, None) {
            Ok(r) if r.status == 200 => r.json(),
            Ok(r) if r.status == 401 => {
                cookie.clear();
                continue;
            }
            _ => {
                std::thread::sleep(Duration::from_millis(30));
                continue;
            }
        };
        let ids: Vec<i64> = queue["reports"]
            .as_array()
            .map(|v| {
                v.iter()
                    .filter_map(|e| e["report"]["id"].as_i64())
                    .collect()
            })
            .unwrap_or_default();
        if ids.is_empty() {
            if done {
                return;
            }
            std::thread::sleep(Duration::from_millis(40));
            continue;
        }
        for id in ids {
            let path = format!("/api/reports/{id}/accept");
            let key = format!("crash-accept-{id}");
            match http(&addr, "POST", &path, &cookie, None, Some(&key)) {
                Ok(r) if r.status == 200 => {
                    let mut l = ledger.lock().unwrap();
                    if r.json()["status"] != "accepted" {
                        l.wrong.push(format!("accept {id}: 200 but {}", r.body));
                    }
                    l.accepted.insert(id);
                }
                // Already reviewed (a lost answer's accept, seen again): the end checks it.
                Ok(r) if r.status == 409 || r.status == 422 => {}
                Ok(r) if r.status == 401 => {
                    cookie.clear();
                    break;
                }
                _ => break,
            }
        }
    }
}

/// The roll-up of every month of 2023 as kept, then as rebuilt from the reports.
async fn rollup_kept_and_rebuilt(store: &Store) -> (Vec<String>, Vec<String>) {
    async fn rows(store: &Store) -> Vec<String> {
        let mut out = Vec::new();
        for m in Period::Year(2023).months() {
            let mut t: Vec<String> = store
                .rollup_targets(m)
                .await
                .unwrap()
                .iter()
                .map(|r| format!("{r:?}"))
                .collect();
            let mut r: Vec<String> = store
                .rollup_regions(m)
                .await
                .unwrap()
                .iter()
                .map(|r| format!("{r:?}"))
                .collect();
            t.sort();
            r.sort();
            out.extend(t);
            out.extend(r);
        }
        out
    }
    let kept = rows(store).await;
    rollup::recompute(store, &Actor::system("crash-test"))
        .await
        .unwrap();
    (kept, rows(store).await)
}

/// `PRAGMA integrity_check` on SQLite (`ok` when sound); PostgreSQL has none to run.
async fn integrity(db: &TestDb) -> String {
    db.store.integrity_check().await.unwrap()
}

/// Checks what a run left: every acknowledged filing stored exactly once with its value,
/// every acknowledged acceptance accepted, nothing accepted twice, every month filed and
/// accepted, and the roll-up equal to a rebuild.
async fn check_stored(db: &TestDb, shares: &[(String, Assignment)], ledger: &Ledger) {
    let store = &db.store;
    assert!(ledger.wrong.is_empty(), "{}: {:#?}", db.label, ledger.wrong);
    for (name, a) in shares {
        let reports = store.reports_of_assignment(a.id).await.unwrap();
        for m in 1..=MONTHS {
            let period = format!("2023-{m:02}");
            let filed: Vec<_> = reports
                .iter()
                .filter(|r| r.period.to_string() == period && r.status != ReportStatus::Draft)
                .collect();
            assert_eq!(
                filed.len(),
                1,
                "{}: {name} {period} stored exactly once: {filed:#?}",
                db.label
            );
            let r = filed[0];
            let key = (a.id.0, period.clone());
            match ledger.filed.get(&key) {
                Some((id, value)) => {
                    assert_eq!(
                        r.id.0, *id,
                        "{}: {name} {period}: the acknowledged id",
                        db.label
                    );
                    assert_eq!(r.cumulative, Some(*value), "{}: {name} {period}", db.label);
                }
                None => assert!(
                    ledger.filed_unacknowledged.contains(&key),
                    "{}: {name} {period} stored but neither acknowledged nor refused as stored",
                    db.label
                ),
            }
            assert_eq!(
                r.status,
                ReportStatus::Accepted,
                "{}: {name} {period} accepted in the end",
                db.label
            );
            let accepts = store
                .audit_events("report", r.id.0)
                .await
                .unwrap()
                .into_iter()
                .filter(|e| e.action == "accept")
                .count();
            assert_eq!(accepts, 1, "{}: report {} accepted once", db.label, r.id);
        }
    }
    for id in &ledger.accepted {
        let r = store.report(minsheng_domain::ReportId(*id)).await.unwrap();
        assert_eq!(
            r.status,
            ReportStatus::Accepted,
            "{}: acknowledged accept of {id}",
            db.label
        );
    }
    let (kept, rebuilt) = rollup_kept_and_rebuilt(store).await;
    assert!(!kept.is_empty());
    assert_eq!(
        kept, rebuilt,
        "{}: the roll-up kept equals a rebuild",
        db.label
    );
    assert_eq!(integrity(db).await, "ok", "{}", db.label);
}

/// A seed for this run: `MINSHENG_CRASH_SEED` replays one, otherwise the clock's.
fn seed() -> u64 {
    let s = std::env::var("MINSHENG_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(42)
        });
    eprintln!("crash test seed: {s} (MINSHENG_CRASH_SEED={s} replays it)");
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_killed_at_random_moments_keeps_every_acknowledged_write_exactly_once() {
    // Four cities, each filing three targets' shares at once (twelve clients) and the office.
    const CITIES: usize = 4;
    const TARGETS: usize = 3;
    const KILLS: u32 = 4;
    let mut rng = Rng::new(seed());
    for db in backends().await {
        let shares = demo_shares(&db.store, CITIES, TARGETS).await;
        let kills: Vec<u64> = (0..KILLS).map(|_| rng.between(300, 1800)).collect();
        let pace = Duration::from_millis(kills.iter().sum::<u64>() / u64::from(MONTHS) + 50);
        let url = db.url.clone();
        let label = db.label;
        let shares_for_run = shares.clone();
        let ledger = tokio::task::spawn_blocking(move || {
            let server = Server::start(&url);
            let ledger = Mutex::new(Ledger::default());
            let units_done = AtomicBool::new(false);
            let deadline = Instant::now() + Duration::from_secs(40);
            std::thread::scope(|s| {
                let office = s.spawn(|| office_client(&server, &units_done, &ledger, deadline));
                let units: Vec<_> = shares_for_run
                    .iter()
                    .map(|(name, a)| {
                        let (server, ledger) = (&server, &ledger);
                        s.spawn(move || unit_client(server, (name, a), pace, ledger, deadline))
                    })
                    .collect();
                for after in &kills {
                    std::thread::sleep(Duration::from_millis(*after));
                    server.restart();
                }
                for u in units {
                    u.join().unwrap();
                }
                units_done.store(true, Ordering::SeqCst);
                office.join().unwrap();
            });
            server.kill();
            {
                let l = ledger.lock().unwrap();
                eprintln!(
                    "{label}: {KILLS} kills; {} filings acknowledged, {} stored by a try whose \
                     answer was lost, {} accepts acknowledged",
                    l.filed.len(),
                    l.filed_unacknowledged.len(),
                    l.accepted.len()
                );
            }
            ledger.into_inner().unwrap()
        })
        .await
        .unwrap();
        check_stored(&db, &shares, &ledger).await;
        db.finish().await;
    }
}

/// A CSV of reports for every share of every target with a quota, January to September:
/// thousands of rows. Returns the file and its row count.
async fn big_csv(store: &Store, dir: &Path) -> (PathBuf, usize) {
    let plan = store.plans().await.unwrap()[0].id;
    let mut csv = String::from("assignment_id,period,value,narrative\n");
    let mut rows = 0;
    for t in store.targets(plan).await.unwrap() {
        if t.kind != minsheng_domain::TargetKind::Quantity {
            continue;
        }
        for a in store.assignments_of_target(t.id).await.unwrap() {
            if a.quota.is_none() {
                continue;
            }
            for m in 1..=MONTHS {
                csv.push_str(&format!("{},2023-{m:02},{},批量导入\n", a.id, m));
                rows += 1;
            }
        }
    }
    let path = dir.join("reports.csv");
    std::fs::write(&path, csv).unwrap();
    (path, rows)
}

#[tokio::test]
async fn report_import_killed_mid_way_stores_all_or_nothing() {
    let mut rng = Rng::new(seed());
    for db in backends().await {
        let store = &db.store;
        demo::build_with(store, false).await.unwrap();
        let dir = std::env::temp_dir().join(format!(
            "minsheng-crash-import-{}-{}",
            db.label,
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let (csv, rows) = big_csv(store, &dir).await;
        assert!(rows > 1000, "a large file: {rows} rows");
        let count = || async {
            store
                .scalar_i64("SELECT COUNT(*) FROM reports")
                .await
                .unwrap()
        };
        let audits = store.audit_count().await.unwrap();
        assert_eq!(count().await, 0);

        // Killed at growing moments until a kill comes after the commit: each time, either
        // nothing or everything is there.
        let mut killed_before_commit = 0;
        let mut wait = rng.between(20, 120);
        let mut whole = false;
        for _ in 0..8 {
            let mut child = bin()
                .args(["report", "import", "--submit", "--db", &db.url])
                .arg(&csv)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            std::thread::sleep(Duration::from_millis(wait));
            let finished = child.try_wait().unwrap().is_some();
            kill(&mut child);
            let n = count().await;
            if n == 0 {
                assert!(!finished, "{}: a finished import stored nothing", db.label);
                assert_eq!(store.audit_count().await.unwrap(), audits, "{}", db.label);
                killed_before_commit += 1;
                wait = wait * 2 + rng.between(0, 100);
            } else {
                assert_eq!(n, rows as i64, "{}: all or nothing", db.label);
                whole = true;
                break;
            }
        }
        eprintln!(
            "{}: {killed_before_commit} imports killed before their commit",
            db.label
        );
        assert!(
            killed_before_commit > 0,
            "{}: no kill landed before the commit",
            db.label
        );
        if !whole {
            let out = bin()
                .args(["report", "import", "--submit", "--db", &db.url])
                .arg(&csv)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        assert_eq!(count().await, rows as i64, "{}", db.label);
        let filed = store
            .scalar_i64("SELECT COUNT(*) FROM reports WHERE status = 'submitted'")
            .await
            .unwrap();
        assert_eq!(filed, rows as i64, "{}: every row filed once", db.label);
        assert_eq!(integrity(&db).await, "ok", "{}", db.label);
        let _ = std::fs::remove_dir_all(&dir);
        db.finish().await;
    }
}

/// A small tmpfs mounted for one test, unmounted at the end; `None` where mounting is not
/// permitted (outside CI only: under CI it must be).
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(name: &str, size: &str) -> Option<Tmpfs> {
        let dir = std::env::temp_dir().join(format!("minsheng-{name}-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&dir)
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            return Some(Tmpfs(dir));
        }
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but a tmpfs cannot be mounted: the full-disk test would be skipped"
        );
        eprintln!("skipped: cannot mount a tmpfs here (not root?)");
        None
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
        let _ = std::fs::remove_dir(&self.0);
    }
}

/// Writes zeros into `path` until the filesystem is full.
fn fill(path: &Path) {
    let mut f = std::fs::File::create(path).unwrap();
    let chunk = vec![0u8; 64 * 1024];
    while f.write_all(&chunk).is_ok() {}
    let small = [0u8; 512];
    while f.write_all(&small).is_ok() {}
    let _ = f.sync_all();
}

/// A submit of `month` as `cookie`'s unit over the API.
fn submit(addr: &str, cookie: &str, a: &Assignment, month: u32) -> Answer {
    let body = json!({"period": format!("2023-{month:02}"), "value": (1000 * month).to_string(),
                      "action": "submit"})
    .to_string();
    http(
        addr,
        "POST",
        &format!("/api/assignments/{}/report", a.id),
        cookie,
        Some(("application/json", &body)),
        None,
    )
    .unwrap()
}

#[tokio::test]
async fn a_full_disk_answers_503_keeps_reading_and_recovers_without_a_restart() {
    // SQLite only: the database file is on a small tmpfs that the test fills up. (A
    // PostgreSQL server's disk is not the application's to fill.)
    let Some(fs) = Tmpfs::mount("full-disk", "48m") else {
        return;
    };
    let path = fs.0.join("minsheng.db");
    let url = format!("sqlite://{}", path.display());
    let store = Store::open(&url, minsheng_store::OpenMode::CreateIfMissing)
        .await
        .unwrap();
    store.migrate().await.unwrap();
    let shares = demo_shares(&store, 1, 1).await;
    let a = &shares[0].1;
    store.close().await;

    let server = Server::start(&url);
    let addr = server.addr();
    let cc = sign_in(&addr, "220100").expect("sign in");
    // Warm: one report filed while there is room.
    let r = submit(&addr, &cc, a, 1);
    assert_eq!(r.status, 201, "{}", r.body);

    // The write-ahead log is emptied first, so that the next write must grow a file.
    let side = Store::open(&url, minsheng_store::OpenMode::MustExist)
        .await
        .unwrap();
    side.exec("PRAGMA wal_checkpoint(TRUNCATE)").await.unwrap();
    side.close().await;
    fill(&fs.0.join("filler"));
    let mut refused = Vec::new();
    for m in 2..=9 {
        let r = submit(&addr, &cc, a, m);
        refused.push((m, r.status, r.body));
    }
    for (m, status, body) in &refused {
        assert_eq!(*status, 503, "month {m} on a full disk: {body}");
        assert!(
            body.contains("磁盘已满") && body.contains("disk full"),
            "month {m}: a clear message: {body}"
        );
    }
    // Reads are still served.
    let r = http(
        &addr,
        "GET",
        "/api/workspace?period=2023-01",
        &cc,
        None,
        None,
    )
    .unwrap();
    assert_eq!(r.status, 200, "reading on a full disk: {}", r.body);

    // Room again: every submit goes through, without a restart.
    std::fs::remove_file(fs.0.join("filler")).unwrap();
    let mut after = Vec::new();
    for m in 2..=9 {
        let r = submit(&addr, &cc, a, m);
        after.push((m, r.status, r.body));
    }
    let failed: Vec<_> = after.iter().filter(|(_, s, _)| *s != 201).collect();
    assert!(
        failed.is_empty(),
        "{} of 8 submits failed after space was freed: {failed:#?}",
        failed.len()
    );
    server.kill();

    let store = Store::open(&url, minsheng_store::OpenMode::MustExist)
        .await
        .unwrap();
    assert_eq!(store.integrity_check().await.unwrap(), "ok");
    let filed: Vec<String> = store
        .reports_of_assignment(a.id)
        .await
        .unwrap()
        .iter()
        .map(|r| r.period.to_string())
        .collect();
    let want: Vec<String> = (1..=9).map(|m| format!("2023-{m:02}")).collect();
    assert_eq!(filed, want, "each month once: none from the refused tries");
    store.close().await;
}

#[tokio::test]
async fn a_read_only_database_answers_503_for_writes_and_keeps_reading() {
    let dir = std::env::temp_dir().join(format!("minsheng-ro-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("minsheng.db");
    let url = format!("sqlite://{}", path.display());
    let store = Store::open(&url, minsheng_store::OpenMode::CreateIfMissing)
        .await
        .unwrap();
    store.migrate().await.unwrap();
    let shares = demo_shares(&store, 1, 1).await;
    let a = &shares[0].1;
    store.close().await;

    // Signed in while writable; then served from the same file opened read-only (a root
    // process ignores file modes, so the file is opened with SQLite's mode=ro).
    let server = Server::start(&url);
    let cc = sign_in(&server.addr(), "220100").expect("sign in");
    server.kill();
    let server = Server::start(&format!("{url}?mode=ro"));
    let addr = server.addr();
    let r = http(
        &addr,
        "GET",
        "/api/workspace?period=2023-01",
        &cc,
        None,
        None,
    )
    .unwrap();
    assert_eq!(r.status, 200, "reading a read-only database: {}", r.body);
    for m in 1..=3 {
        let r = submit(&addr, &cc, a, m);
        assert_eq!(r.status, 503, "a write to a read-only database: {}", r.body);
        assert!(
            r.body.contains("只读") && r.body.contains("read-only"),
            "a clear message: {}",
            r.body
        );
    }
    server.kill();
    let store = Store::open(&url, minsheng_store::OpenMode::MustExist)
        .await
        .unwrap();
    assert_eq!(store.integrity_check().await.unwrap(), "ok");
    assert!(store.reports_of_assignment(a.id).await.unwrap().is_empty());
    store.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// Issue #16 item 6: two `minsheng serve` processes on one database, sharing no memory. A
/// session signed in on one works on the other; a report accepted on one shows on the other's
/// dashboard within the freshness promise (1 s); a sign-out on one ends the session on both.
#[tokio::test]
async fn two_serve_processes_share_sessions_and_show_each_others_writes_within_a_second() {
    for db in backends().await {
        demo::build(&db.store).await.unwrap();
        let (mut a, addr_a) = start_serve(&db.url);
        let (mut b, addr_b) = start_serve(&db.url);
        let cookie = sign_in(&addr_a, "office").expect("office signs in on A");
        let me = http(&addr_b, "GET", "/api/me", &cookie, None, None).unwrap();
        assert_eq!(
            me.status, 200,
            "{}: the session works on B: {}",
            db.label, me.body
        );

        let page = "/office?period=2023-09";
        let before = http(&addr_b, "GET", page, &cookie, None, None).unwrap();
        assert_eq!(before.status, 200, "{}", db.label);
        let report = db
            .store
            .submitted_reports()
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.period.to_string() == "2023-09")
            .expect("a September report awaits review");
        let accepted = http(
            &addr_a,
            "POST",
            &format!("/api/reports/{}/accept", report.id),
            &cookie,
            Some(("application/json", "{}")),
            None,
        )
        .unwrap();
        assert_eq!(accepted.status, 200, "{}: {}", db.label, accepted.body);
        let at = Instant::now();
        let on_a = http(&addr_a, "GET", page, &cookie, None, None)
            .unwrap()
            .body;
        assert_ne!(on_a, before.body, "{}: A shows its own accept", db.label);
        loop {
            let on_b = http(&addr_b, "GET", page, &cookie, None, None)
                .unwrap()
                .body;
            if on_b == on_a {
                break;
            }
            assert!(
                at.elapsed() < Duration::from_millis(1500),
                "{}: B still shows the page from before the accept after {:?}",
                db.label,
                at.elapsed()
            );
            std::thread::sleep(Duration::from_millis(50));
        }

        // Signed out on B: A no longer knows the session, within the same promise.
        let out = http(
            &addr_b,
            "POST",
            "/logout",
            &cookie,
            Some(("application/x-www-form-urlencoded", "")),
            None,
        )
        .unwrap();
        assert!(out.status < 400, "{}: sign-out: {}", db.label, out.status);
        let at = Instant::now();
        loop {
            let me = http(&addr_a, "GET", "/api/me", &cookie, None, None).unwrap();
            if me.status == 401 {
                break;
            }
            assert!(
                at.elapsed() < Duration::from_millis(1500),
                "{}: A still honours a session signed out on B ({})",
                db.label,
                me.status
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        kill(&mut a);
        kill(&mut b);
        db.finish().await;
    }
}
