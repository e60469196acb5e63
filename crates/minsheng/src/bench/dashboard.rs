//! `minsheng bench dashboard`: the office dashboard's speed under load. The county-scale data
//! set (`shared/bench/gen_reports.py --scale county`) is loaded into a fresh database, an
//! office account signs in over HTTP, and `wrk` (Debian package) loads the real site's
//! `/office` page with 64 connections, then a bare axum server answering the same bytes as a
//! constant page, both in this process. The goal (issue #5): at least half the bare server's
//! rate, and a p99 latency under 50 ms.

use super::{bench_url, col, load_all};
use anyhow::{Context, bail, ensure};
use clap::Args;
use minsheng_app::accounts;
use minsheng_domain::{Actor, Period, Role};
use minsheng_store::{OpenMode, Store};
use minsheng_web::{AppState, baseline};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Command;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Arguments of `minsheng bench dashboard`.
#[derive(Debug, Args)]
pub struct DashboardArgs {
    /// gen_reports.py 写出的目录 / the folder gen_reports.py wrote
    #[arg(long, value_name = "DIR")]
    data: PathBuf,
    /// 每轮压测时长(wrk 的 -d,如 15s、1m) / how long each wrk run lasts (wrk's -d: 15s, 1m)
    #[arg(long, default_value = "15s")]
    duration: String,
    /// 并发连接数 / concurrent connections
    #[arg(long, default_value_t = 64)]
    connections: u32,
    /// 总览的期间(默认为页面自己的默认期间) / the dashboard's month (default: the page's own)
    #[arg(long)]
    period: Option<String>,
    /// 基准数据库(须为空库) / the database to build, which must be empty [default: DIR/minsheng-dashboard.db, rebuilt each run]
    #[arg(long, value_name = "URL")]
    db: Option<String>,
    /// 沿用上次载入的默认基准数据库,不重新导入(仅用于反复测量) / measure again on the database the last run loaded into DIR, without importing (for repeated measurements)
    #[arg(long, conflicts_with = "db")]
    reuse: bool,
}

/// The database a run builds in the data folder (unless `--db` names another).
const DB_FILE: &str = "minsheng-dashboard.db";

/// What one wrk run measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Measured {
    pub(super) rps: f64,
    pub(super) p50_ms: f64,
    pub(super) p99_ms: f64,
}

/// `15s`, `2m`, `1h` or a number of seconds: what wrk's `-d` takes.
pub(super) fn check_duration(d: &str) -> anyhow::Result<()> {
    let digits = d.trim_end_matches(['s', 'm', 'h']);
    ensure!(
        !digits.is_empty()
            && digits.chars().all(|c| c.is_ascii_digit())
            && d.len() - digits.len() <= 1
            && digits != "0",
        "--duration:“{d}”不是时长(如 15s、1m) / '{d}' is not a duration such as 15s or 1m"
    );
    Ok(())
}

/// A latency as wrk prints it (`812.00us`, `4.51ms`, `1.02s`), in milliseconds.
fn latency_ms(s: &str) -> Option<f64> {
    let (num, factor) = if let Some(n) = s.strip_suffix("us") {
        (n, 0.001)
    } else if let Some(n) = s.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, 1000.0)
    } else if let Some(n) = s.strip_suffix('m') {
        (n, 60_000.0)
    } else {
        return None;
    };
    num.parse::<f64>().ok().map(|v| v * factor)
}

/// Reads wrk's `--latency` report; refuses a run with errors or non-2xx answers.
fn parse_wrk(out: &str) -> anyhow::Result<Measured> {
    let mut rps = None;
    let (mut p50, mut p99) = (None, None);
    for line in out.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["Requests/sec:", v] => rps = v.parse::<f64>().ok(),
            ["50%", v] => p50 = latency_ms(v),
            ["99%", v] => p99 = latency_ms(v),
            ["Non-2xx", "or", "3xx", "responses:", n] => {
                bail!("wrk 收到 {n} 个非 2xx/3xx 应答 / wrk got {n} non-2xx/3xx responses")
            }
            _ => {}
        }
    }
    if let Some(line) = out
        .lines()
        .find(|l| l.trim_start().starts_with("Socket errors:"))
    {
        eprintln!("wrk: {}", line.trim());
    }
    match (rps, p50, p99) {
        (Some(rps), Some(p50_ms), Some(p99_ms)) => Ok(Measured {
            rps,
            p50_ms,
            p99_ms,
        }),
        _ => bail!("无法读取 wrk 的输出 / cannot read wrk's output:\n{out}"),
    }
}

/// Runs wrk (`connections`, for `duration`) against `url` (with `cookie`, if any) and reads its
/// report.
pub(super) async fn wrk(
    url: &str,
    cookie: Option<&str>,
    connections: u32,
    duration: &str,
) -> anyhow::Result<Measured> {
    let mut cmd = Command::new("wrk");
    cmd.args(["-t2", &format!("-c{connections}"), "-d", duration])
        .arg("--latency");
    if let Some(c) = cookie {
        cmd.args(["-H", &format!("Cookie: {c}")]);
    }
    cmd.arg(url);
    let out = tokio::task::spawn_blocking(move || cmd.output())
        .await
        .context("wrk")?;
    let out = match out {
        Ok(o) => o,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(
            "找不到 wrk,请先安装:apt-get install -y wrk / wrk is not installed: apt-get install -y wrk"
        ),
        Err(e) => return Err(e).context("无法运行 wrk / cannot run wrk"),
    };
    let text = String::from_utf8_lossy(&out.stdout);
    ensure!(
        out.status.success(),
        "wrk 失败 / wrk failed: {}\n{text}",
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("{}", text.trim_end());
    parse_wrk(&text)
}

/// One HTTP/1.1 request over a fresh connection; the whole answer (head and body).
pub(super) async fn http(addr: SocketAddr, head: &str, body: &str) -> anyhow::Result<String> {
    let mut s = TcpStream::connect(addr).await?;
    let req = format!(
        "{head}\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await?;
    let mut out = Vec::new();
    s.read_to_end(&mut out).await?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// The status code of an HTTP answer.
pub(super) fn status_of(answer: &str) -> Option<u16> {
    answer.split_whitespace().nth(1)?.parse().ok()
}

/// The period of the first report in `dir/reports.csv`: the data set's year.
pub(super) fn first_period(dir: &std::path::Path) -> anyhow::Result<Period> {
    let path = dir.join("reports.csv");
    let mut r = csv::Reader::from_path(&path)
        .with_context(|| format!("无法读取 {} / cannot read it", path.display()))?;
    let h: Vec<String> = r.headers()?.iter().map(str::to_string).collect();
    let p = col(&h, "period", "reports.csv")?;
    let mut rec = csv::StringRecord::new();
    ensure!(
        r.read_record(&mut rec)?,
        "reports.csv 没有报告 / reports.csv holds no report"
    );
    let text = rec.get(p).unwrap_or("");
    Period::parse(text).with_context(|| format!("reports.csv period “{text}”"))
}

/// Fails before a long import when wrk is missing.
pub(super) fn need_wrk() -> anyhow::Result<()> {
    if let Err(e) = Command::new("wrk").arg("--version").output()
        && e.kind() == std::io::ErrorKind::NotFound
    {
        bail!(
            "找不到 wrk,请先安装:apt-get install -y wrk / wrk is not installed: apt-get install -y wrk"
        );
    }
    Ok(())
}

/// Signs `name` in over HTTP like a person; the session cookie.
pub(super) async fn sign_in(
    addr: SocketAddr,
    name: &str,
    password: &str,
) -> anyhow::Result<String> {
    let answer = http(
        addr,
        "POST /login HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\nSec-Fetch-Site: same-origin",
        &format!("name={name}&password={password}"),
    )
    .await?;
    answer
        .lines()
        .filter_map(|l| l.split_once(':'))
        .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
        .filter_map(|(_, v)| v.trim().split(';').next())
        .find(|c| c.starts_with("minsheng_session="))
        .map(str::to_string)
        .with_context(|| format!("登录失败 / sign-in failed:\n{answer}"))
}

/// Runs the command.
pub async fn run(a: &DashboardArgs) -> anyhow::Result<()> {
    check_duration(&a.duration)?;
    ensure!(a.connections >= 1, "--connections 至少为 1 / at least 1");
    need_wrk()?;
    let actor = Actor::system("bench");
    let password = "bench-office-password";
    let store = if a.reuse {
        let path = a.data.join(DB_FILE);
        let store = Store::open(&format!("sqlite://{}", path.display()), OpenMode::MustExist)
            .await
            .with_context(|| {
                format!(
                    "没有可沿用的基准数据库 {} / no database to reuse: run once without --reuse",
                    path.display()
                )
            })?;
        store.check_schema().await?;
        ensure!(
            store.account_by_name("bench-office").await?.is_some(),
            "{} 不是本命令载入的数据库 / was not loaded by this command: run once without --reuse",
            path.display()
        );
        store
    } else {
        let year = first_period(&a.data)?.year();
        let url = bench_url(&a.data, a.db.as_deref(), DB_FILE);
        let (store, _, _, _, _) = load_all(&url, &a.data, year, &actor).await?;
        // An office account, signed in over HTTP below like a person.
        accounts::add_account(&store, &actor, "bench-office", password, Role::Office, None).await?;
        store
    };
    let mut state = AppState::new(store.clone());
    state.secure_cookies = false;
    let site = TcpListener::bind("127.0.0.1:0").await?;
    let site_addr = site.local_addr()?;
    let server = tokio::spawn(minsheng_web::serve(site, state));
    let cookie = sign_in(site_addr, "bench-office", password).await?;

    // The first request computes the dashboard; wrk then measures it as it is served again.
    let path = match &a.period {
        Some(p) => format!("/office?period={p}"),
        None => "/office".to_string(),
    };
    let t = std::time::Instant::now();
    let first = http(
        site_addr,
        &format!("GET {path} HTTP/1.1\r\nCookie: {cookie}"),
        "",
    )
    .await?;
    ensure!(
        status_of(&first) == Some(200),
        "总览页面未能打开 / the dashboard did not open:\n{}",
        first.chars().take(2000).collect::<String>()
    );
    let page = first
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    eprintln!(
        "dashboard computed in {:.0} ms ({} bytes); measuring with wrk -t2 -c{} -d{}",
        t.elapsed().as_secs_f64() * 1000.0,
        page.len(),
        a.connections,
        a.duration
    );
    let dashboard = wrk(
        &format!("http://{site_addr}{path}"),
        Some(&cookie),
        a.connections,
        &a.duration,
    )
    .await?;
    server.abort();

    // The bare server: the same bytes as a constant page.
    let bare = TcpListener::bind("127.0.0.1:0").await?;
    let bare_addr = bare.local_addr()?;
    let bare_server = tokio::spawn(baseline::serve_constant(bare, page));
    let constant = wrk(
        &format!("http://{bare_addr}/"),
        None,
        a.connections,
        &a.duration,
    )
    .await?;
    bare_server.abort();
    store.close().await;

    let ratio = dashboard.rps / constant.rps;
    eprintln!(
        "goal: at least half the bare rate ({}), p99 under 50 ms ({})",
        if ratio >= 0.5 { "met" } else { "NOT met" },
        if dashboard.p99_ms < 50.0 {
            "met"
        } else {
            "NOT met"
        }
    );
    println!(
        "dashboard: {:.0} req/s (p50 {:.2} ms, p99 {:.2} ms); bare axum: {:.0} req/s; ratio {ratio:.2}",
        dashboard.rps, dashboard.p50_ms, dashboard.p99_ms, constant.rps
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_wrks_report() {
        let out = "Running 15s test @ http://127.0.0.1:1/office
  2 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.10ms    1.20ms  40.00ms   80.00%
    Req/Sec    10.31k   500.00    11.00k    70.00%
  Latency Distribution
     50%  812.00us
     75%    3.00ms
     90%    4.00ms
     99%    1.02s
  309300 requests in 15.00s, 2.50GB read
Requests/sec:  20620.00
Transfer/sec:    170.67MB
";
        let m = parse_wrk(out).unwrap();
        assert_eq!(m.rps, 20620.0);
        assert!((m.p50_ms - 0.812).abs() < 1e-9);
        assert!((m.p99_ms - 1020.0).abs() < 1e-9);
        let bad = out.replace(
            "Requests/sec",
            "  Non-2xx or 3xx responses: 7\nRequests/sec",
        );
        assert!(parse_wrk(&bad).unwrap_err().to_string().contains("non-2xx"));
        assert!(parse_wrk("garbage").is_err());
    }

    #[test]
    fn durations_are_what_wrk_takes() {
        for ok in ["15s", "1m", "30", "2h"] {
            assert!(check_duration(ok).is_ok(), "{ok}");
        }
        for bad in ["", "s", "15ss", "-1s", "0", "1.5s", "15 s"] {
            assert!(check_duration(bad).is_err(), "{bad}");
        }
    }
}
