//! The job queue and the channels, against real servers: claiming under many workers, keys
//! queued once, mail through a real SMTP server (Debian's `python3-aiosmtpd`, started here),
//! the robots and the generic webhook through a local HTTP server that checks their JSON and
//! signatures, failures retried into the dead letters, and a worker dropped mid-job whose job
//! another takes over without sending again what was sent.

use crate::support::unit;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use base64::Engine;
use jiff::Timestamp;
use minsheng_app::jobs::{
    Deliver, Outcome, Recipient, Worker, WorkerSettings, enqueue_delivery, queue_reminders,
    schedule,
};
use minsheng_app::notify::{self, ChannelInput, Notifier, Sealer, SmtpSettings};
use minsheng_domain::{Account, Actor, Role, UnitId, UnitKind, UserId};
use minsheng_store::testing::backends;
use minsheng_store::{ChannelOwner, JobStatus, NewJob, Store};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const KEY: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
const DING_SECRET: &str = "SEC0123456789abcdef";
const HOOK_SECRET: &str = "钩子密钥-hook-secret";

fn office() -> Account {
    Account {
        id: UserId(0),
        name: "office".into(),
        role: Role::Office,
        unit: None,
    }
}

async fn city(store: &Store) -> UnitId {
    let mut tx = store.begin(&Actor::new("test")).await.unwrap();
    let p = unit(&mut tx, None, UnitKind::Province, "吉林省").await;
    let c = unit(&mut tx, Some(p), UnitKind::City, "长春市").await;
    tx.commit().await.unwrap();
    c
}

async fn channel(
    store: &Store,
    sealer: &Sealer,
    unit: UnitId,
    kind: &str,
    target: &str,
    secret: &str,
    keyword: &str,
) -> i64 {
    notify::add_channel(
        store,
        Some(sealer),
        &office(),
        ChannelOwner::Unit(unit),
        &ChannelInput {
            kind: kind.into(),
            target: target.into(),
            secret: secret.into(),
            keyword: keyword.into(),
        },
    )
    .await
    .unwrap()
}

fn sealer() -> Sealer {
    Sealer::from_text(KEY).unwrap()
}

fn notifier(smtp: Option<u16>, timeout: Duration) -> Arc<Notifier> {
    let smtp = smtp.map(|port| SmtpSettings {
        url: format!("smtp://127.0.0.1:{port}"),
        from: "民生实事办公室 <office@minsheng.test>".into(),
    });
    Arc::new(Notifier::new(smtp.as_ref(), Some(Arc::new(sealer())), timeout).unwrap())
}

fn worker(store: &Store, n: &Arc<Notifier>, id: &str, lease: Duration) -> Worker {
    Worker::new(
        store.clone(),
        n.clone(),
        WorkerSettings {
            id: id.into(),
            lease,
            poll: Duration::from_millis(20),
        },
    )
}

fn message(to: UnitId, body: &str) -> Deliver {
    Deliver {
        to: Recipient::Unit(to.0),
        subject: "【民生实事】逾期未报提醒(2023-03)".into(),
        text: body.into(),
        html: format!("<p>{body}</p>"),
    }
}

// ---------------------------------------------------------------------------------------
// A local HTTP server standing in for 企业微信, 钉钉 and a generic receiver.

#[derive(Default)]
struct Seen {
    /// Every request's JSON body, by path.
    bodies: BTreeMap<String, Vec<serde_json::Value>>,
    /// The generic webhook's idempotency keys, in order of arrival.
    hook_keys: Vec<String>,
    /// Problems found in a request (a wrong shape, a bad signature).
    problems: Vec<String>,
}

type Shared = Arc<Mutex<Seen>>;

fn record(seen: &Shared, path: &str, body: &serde_json::Value) {
    seen.lock()
        .unwrap()
        .bodies
        .entry(path.into())
        .or_default()
        .push(body.clone());
}

fn problem(seen: &Shared, p: String) {
    seen.lock().unwrap().problems.push(p);
}

async fn wecom(
    State(seen): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
    Json(body): Json<serde_json::Value>,
) -> Json<serde_json::Value> {
    record(&seen, "wecom", &body);
    if q.get("key").map(String::as_str) != Some("robot-key-1") {
        return Json(serde_json::json!({ "errcode": 93000, "errmsg": "invalid webhook url" }));
    }
    let ok = body["msgtype"] == "markdown"
        && body["markdown"]["content"]
            .as_str()
            .is_some_and(|c| !c.is_empty() && c.len() <= 2048);
    if !ok {
        problem(&seen, format!("wecom shape: {body}"));
        return Json(serde_json::json!({ "errcode": 40008, "errmsg": "invalid message type" }));
    }
    Json(serde_json::json!({ "errcode": 0, "errmsg": "ok" }))
}

async fn dingtalk(
    State(seen): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
    Json(body): Json<serde_json::Value>,
) -> Json<serde_json::Value> {
    record(&seen, "dingtalk", &body);
    // The signature as 钉钉 checks it: HMAC-SHA256 over "timestamp\nsecret", base64 (the
    // query is decoded by the extractor).
    let ts = q.get("timestamp").cloned().unwrap_or_default();
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, DING_SECRET.as_bytes());
    let expected = base64::engine::general_purpose::STANDARD
        .encode(ring::hmac::sign(&key, format!("{ts}\n{DING_SECRET}").as_bytes()).as_ref());
    let fresh = ts
        .parse::<i64>()
        .is_ok_and(|t| (Timestamp::now().as_millisecond() - t).abs() < 3_600_000);
    if q.get("access_token").map(String::as_str) != Some("ding-token")
        || q.get("sign") != Some(&expected)
        || !fresh
    {
        problem(&seen, format!("dingtalk sign: {q:?}"));
        return Json(serde_json::json!({ "errcode": 310000, "errmsg": "sign not match" }));
    }
    let text = body["markdown"]["text"].as_str().unwrap_or_default();
    if body["msgtype"] != "markdown" || body["markdown"]["title"].as_str().is_none() {
        problem(&seen, format!("dingtalk shape: {body}"));
    }
    if !text.contains("民生") {
        // Keyword security: a message without the keyword is refused.
        return Json(serde_json::json!({ "errcode": 310000, "errmsg": "keywords not in content" }));
    }
    Json(serde_json::json!({ "errcode": 0, "errmsg": "ok" }))
}

async fn hook(State(seen): State<Shared>, headers: HeaderMap, body: String) -> StatusCode {
    let json: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
    record(&seen, "hook", &json);
    let header = |n: &str| {
        headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let ts = header("x-minsheng-timestamp");
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, HOOK_SECRET.as_bytes());
    let tag = ring::hmac::sign(&key, format!("{ts}.{body}").as_bytes());
    let hex: String = tag.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    if header("x-minsheng-signature") != format!("sha256={hex}") {
        problem(&seen, "hook signature".into());
        return StatusCode::UNAUTHORIZED;
    }
    let key = header("idempotency-key");
    if key.is_empty() || json["key"] != key.as_str() {
        problem(&seen, format!("hook key {key}"));
    }
    seen.lock().unwrap().hook_keys.push(key);
    StatusCode::NO_CONTENT
}

async fn broken() -> StatusCode {
    StatusCode::INTERNAL_SERVER_ERROR
}

async fn slow() -> StatusCode {
    tokio::time::sleep(Duration::from_secs(5)).await;
    StatusCode::OK
}

/// A generic receiver that takes its time answering (3 s) but has the message at once.
async fn slow_hook(state: State<Shared>, headers: HeaderMap, body: String) -> StatusCode {
    let status = hook(state, headers, body).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    status
}

async fn robots() -> (String, Shared) {
    let seen: Shared = Arc::default();
    let app = Router::new()
        .route("/cgi-bin/webhook/send", post(wecom))
        .route("/robot/send", post(dingtalk))
        .route("/hook", post(hook))
        .route("/slow-hook", post(slow_hook))
        .route("/broken", post(broken))
        .route("/slow", post(slow))
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, seen)
}

// ---------------------------------------------------------------------------------------
// A real SMTP server: aiosmtpd with a handler that writes each message to a folder.

const HANDLER: &str = r#"
import os, time

class Saver:
    def __init__(self, folder):
        self.folder = folder
        self.n = 0

    @classmethod
    def from_cli(cls, parser, *args):
        return cls(args[0])

    async def handle_DATA(self, server, session, envelope):
        self.n += 1
        path = os.path.join(self.folder, "%d-%d.eml" % (time.time_ns(), self.n))
        with open(path + ".part", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.rename(path + ".part", path)
        return "250 Message accepted"
"#;

struct Smtp {
    child: std::process::Child,
    port: u16,
    mail: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn python_with_aiosmtpd() -> Option<&'static str> {
    ["/usr/bin/python3", "python3"].into_iter().find(|p| {
        std::process::Command::new(p)
            .args(["-c", "import aiosmtpd"])
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

async fn smtp_server() -> Option<Smtp> {
    let Some(python) = python_with_aiosmtpd() else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "python3-aiosmtpd is required under CI (apt-get install python3-aiosmtpd)"
        );
        eprintln!("skipped: no python3 with aiosmtpd (apt-get install python3-aiosmtpd)");
        return None;
    };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("saver.py"), HANDLER).unwrap();
    let mail = dir.path().join("mail");
    std::fs::create_dir(&mail).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = std::process::Command::new(python)
        .args(["-m", "aiosmtpd", "-n", "-l"])
        .arg(format!("127.0.0.1:{port}"))
        .args(["-c", "saver.Saver"])
        .arg(&mail)
        .env("PYTHONPATH", dir.path())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let smtp = Smtp {
        child,
        port,
        mail,
        _dir: dir,
    };
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Some(smtp);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("aiosmtpd did not start on port {port}");
}

fn mails(dir: &Path) -> Vec<String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

/// Runs due jobs at `now` until none is due; the outcomes.
async fn drain(w: &Worker, now: Timestamp) -> Vec<Outcome> {
    let mut out = Vec::new();
    while let Some((_, o)) = w.run_once(now).await.unwrap() {
        out.push(o);
    }
    out
}

/// Midday in Beijing (outside the default quiet hours).
fn noon() -> Timestamp {
    let today = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
        .date();
    today
        .at(12, 0, 0, 0)
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
        .unwrap()
        .timestamp()
}

// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn many_workers_claim_every_job_exactly_once() {
    for db in backends().await {
        let store = &db.store;
        let now = 1_700_000_000_000;
        for i in 0..120 {
            let key = format!("job-{i}");
            let job = NewJob {
                kind: "test",
                key: &key,
                payload: "{}",
                run_at: now,
                max_attempts: 3,
            };
            assert!(store.enqueue_job(&job, now).await.unwrap().is_some());
            // The same key again queues nothing.
            assert!(store.enqueue_job(&job, now).await.unwrap().is_none());
        }
        let claimed: Arc<Mutex<Vec<i64>>> = Arc::default();
        let mut tasks = Vec::new();
        for w in 0..8 {
            let (store, claimed) = (store.clone(), claimed.clone());
            tasks.push(tokio::spawn(async move {
                let me = format!("w{w}");
                while let Some(job) = store.claim_job(&me, now, 60_000).await.unwrap() {
                    claimed.lock().unwrap().push(job.id);
                    store.finish_job(job.id, &me, None, now).await.unwrap();
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let mut ids = claimed.lock().unwrap().clone();
        ids.sort_unstable();
        let n = ids.len();
        ids.dedup();
        assert_eq!((n, ids.len()), (120, 120), "{}: each job once", db.label);
        let (counts, _) = store.job_counts().await.unwrap();
        assert!(
            counts.contains(&(JobStatus::Done, 120)),
            "{}: {counts:?}",
            db.label
        );
        for job in store.jobs(None, 200).await.unwrap() {
            assert_eq!(job.attempts, 1, "{}: {job:?}", db.label);
        }
        db.finish().await;
    }
}

#[tokio::test]
async fn the_schedule_and_the_reminders_are_queued_once_per_key() {
    for db in backends().await {
        let store = &db.store;
        let d = crate::support::demo_share(store).await;
        let now = noon();
        assert_eq!(schedule(store, now).await.unwrap(), 3, "{}", db.label);
        assert_eq!(schedule(store, now).await.unwrap(), 0, "{}", db.label);
        // 2023-03-03: February's reports are due on the 5th.
        let day = jiff::civil::date(2023, 3, 3);
        let first = queue_reminders(store, day, now).await.unwrap();
        assert!(first > 1, "{}: {first}", db.label);
        assert_eq!(
            queue_reminders(store, day, now).await.unwrap(),
            0,
            "{}",
            db.label
        );
        assert_eq!(
            queue_reminders(store, jiff::civil::date(2023, 3, 4), now)
                .await
                .unwrap(),
            0,
            "{}: the next day tells nobody again of the same period",
            db.label
        );
        let key = format!("remind:due_soon:{}:2023-02", d.changchun.0);
        let job = store.job_by_key(&key).await.unwrap().expect(&key);
        assert_eq!(job.kind, "deliver");
        let payload: Deliver = serde_json::from_str(&job.payload).unwrap();
        assert_eq!(payload.to, Recipient::Unit(d.changchun.0));
        assert!(payload.text.starts_with("长春市:"), "{}", payload.text);
        assert!(payload.subject.contains("即将到期"), "{}", payload.subject);
        db.finish().await;
    }
}

#[tokio::test]
async fn mail_reaches_a_real_smtp_server_in_chinese_html_and_text() {
    let Some(smtp) = smtp_server().await else {
        return;
    };
    for db in backends().await {
        let store = &db.store;
        let unit = city(store).await;
        let s = sealer();
        channel(store, &s, unit, "email", "changchun@minsheng.test", "", "").await;
        let n = notifier(Some(smtp.port), Duration::from_secs(10));
        let key = format!("remind:overdue:{}:2023-03:{}", unit.0, db.label);
        let d = message(
            unit,
            "任务分工 7:2023-03进展报告应于2023-04-05报送,已逾期3天",
        );
        enqueue_delivery(store, &key, &d, noon()).await.unwrap();
        let w = worker(store, &n, "w1", Duration::from_secs(60));
        assert_eq!(
            drain(&w, noon()).await,
            [Outcome::Done(None)],
            "{}",
            db.label
        );
        let all = mails(&smtp.mail);
        let mail = all
            .iter()
            .find(|m| m.contains(&format!(".{}.", db.label)))
            .unwrap_or_else(|| panic!("{}: no mail among {}", db.label, all.len()));
        assert!(mail.contains("To: changchun@minsheng.test"), "{mail}");
        assert!(mail.contains("multipart/alternative"), "{mail}");
        assert!(
            mail.contains("text/plain") && mail.contains("text/html"),
            "{mail}"
        );
        assert!(
            mail.contains("Subject: =?utf-8?"),
            "an encoded Chinese subject: {mail}"
        );
        let decoded = mailparse_text(mail);
        assert!(decoded.contains("已逾期3天"), "{decoded}");
        assert!(decoded.contains("<p>任务分工 7"), "{decoded}");
        // Run again: nothing is sent twice.
        assert_eq!(drain(&w, noon()).await, [], "{}", db.label);
        db.finish().await;
    }
    drop(smtp);
}

/// The bodies of a MIME message's parts, decoded (base64 or quoted-printable) — enough to
/// read lettre's mail back without a MIME library.
fn mailparse_text(mail: &str) -> String {
    let mut out = String::new();
    let mut lines = mail.lines().peekable();
    while let Some(line) = lines.next() {
        let lower = line.to_ascii_lowercase();
        if lower.starts_with("content-transfer-encoding:") {
            let enc = lower
                .trim_start_matches("content-transfer-encoding:")
                .trim()
                .to_string();
            // Skip the rest of the part's headers.
            for l in lines.by_ref() {
                if l.is_empty() {
                    break;
                }
            }
            let mut body = String::new();
            while let Some(l) = lines.peek() {
                if l.starts_with("--") {
                    break;
                }
                body.push_str(l);
                body.push('\n');
                lines.next();
            }
            let bytes = match enc.as_str() {
                "base64" => base64::engine::general_purpose::STANDARD
                    .decode(body.split_whitespace().collect::<String>())
                    .unwrap_or_default(),
                "quoted-printable" => quoted_printable(&body),
                _ => body.into_bytes(),
            };
            out.push_str(&String::from_utf8_lossy(&bytes));
        }
    }
    out
}

fn quoted_printable(s: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let b = s.replace("=\r\n", "").replace("=\n", "");
    let b = b.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let hex = (b[i] == b'=' && i + 2 < b.len())
            .then(|| std::str::from_utf8(&b[i + 1..i + 3]).ok())
            .flatten()
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        if let Some(v) = hex {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

#[tokio::test]
async fn robots_and_the_generic_webhook_get_their_shape_and_signature() {
    let (base, seen) = robots().await;
    for db in backends().await {
        let store = &db.store;
        let unit = city(store).await;
        let s = sealer();
        let wecom = format!("{base}/cgi-bin/webhook/send?key=robot-key-1");
        channel(store, &s, unit, "wecom", &wecom, "", "").await;
        let ding = format!("{base}/robot/send?access_token=ding-token");
        channel(store, &s, unit, "dingtalk", &ding, DING_SECRET, "民生").await;
        channel(
            store,
            &s,
            unit,
            "webhook",
            &format!("{base}/hook"),
            HOOK_SECRET,
            "",
        )
        .await;
        // What is stored and shown has no key, token or secret.
        for c in store.channels_of(ChannelOwner::Unit(unit)).await.unwrap() {
            assert!(!c.target.contains("robot-key-1") && !c.target.contains("ding-token"));
            let sealed = c.secret.unwrap();
            assert!(!sealed.contains("robot-key-1") && !sealed.contains(DING_SECRET));
        }
        // A long message: 企业微信 gets it in pieces of at most 2048 bytes.
        let long = "长春市:任务分工逾期未报,请尽快填报。\n".repeat(120);
        let key = format!("remind:overdue:{}:2023-03", unit.0);
        enqueue_delivery(store, &key, &message(unit, &long), noon())
            .await
            .unwrap();
        let n = notifier(None, Duration::from_secs(5));
        let w = worker(store, &n, "w1", Duration::from_secs(60));
        assert_eq!(
            drain(&w, noon()).await,
            [Outcome::Done(None)],
            "{}",
            db.label
        );
        {
            let seen = seen.lock().unwrap();
            assert_eq!(seen.problems, Vec::<String>::new());
            let pieces = &seen.bodies["wecom"];
            assert!(pieces.len() >= 3, "{}", pieces.len());
            assert!(
                pieces[0]["markdown"]["content"]
                    .as_str()
                    .unwrap()
                    .ends_with("(续)")
            );
            let joined: String = pieces
                .iter()
                .map(|p| {
                    let c = p["markdown"]["content"].as_str().unwrap();
                    c.strip_suffix("\n(续)").unwrap_or(c).to_string()
                })
                .collect();
            assert!(joined.contains(&long), "nothing lost in the cut");
            assert_eq!(seen.bodies["dingtalk"].len(), 1);
            assert!(
                seen.bodies["dingtalk"][0]["markdown"]["text"]
                    .as_str()
                    .unwrap()
                    .contains("民生")
            );
            assert_eq!(seen.hook_keys.len(), 1);
            assert!(seen.hook_keys[0].starts_with(&key));
        }
        *seen.lock().unwrap() = Seen::default();
        db.finish().await;
    }
}

#[tokio::test]
async fn a_rejected_robot_key_is_a_failure_with_its_reason_and_the_office_sees_the_channel() {
    let (base, _seen) = robots().await;
    for db in backends().await {
        let store = &db.store;
        let unit = city(store).await;
        let s = sealer();
        let bad = format!("{base}/cgi-bin/webhook/send?key=revoked");
        let id = channel(store, &s, unit, "wecom", &bad, "", "").await;
        let key = format!("remind:overdue:{}:2023-03", unit.0);
        enqueue_delivery(store, &key, &message(unit, "逾期"), noon())
            .await
            .unwrap();
        let n = notifier(None, Duration::from_secs(5));
        let w = worker(store, &n, "w1", Duration::from_secs(60));
        let mut now = noon();
        let mut outcomes = Vec::new();
        for _ in 0..10 {
            outcomes.extend(drain(&w, now).await);
            now = now
                .checked_add(jiff::SignedDuration::from_hours(2))
                .unwrap();
        }
        assert_eq!(outcomes.len(), 5, "{}: {outcomes:?}", db.label);
        assert!(
            matches!(&outcomes[0], Outcome::Retrying(r) if r.contains("errcode 93000") && r.contains("invalid webhook url"))
        );
        assert!(matches!(&outcomes[4], Outcome::Dead(_)), "{outcomes:?}");
        let job = store.job_by_key(&key).await.unwrap().unwrap();
        assert_eq!((job.status, job.attempts), (JobStatus::Dead, 5));
        let failing = store.failing_channels(3).await.unwrap();
        assert_eq!(failing.len(), 1);
        assert_eq!((failing[0].id, failing[0].failures), (id, 5));
        assert!(failing[0].last_error.as_deref().unwrap().contains("93000"));
        // The office's page data says so; its retry queues the dead job again, once.
        let view = minsheng_app::jobs::view(store, &office(), Some(JobStatus::Dead))
            .await
            .unwrap();
        assert_eq!(view.jobs.len(), 1);
        assert_eq!(view.failing.len(), 1);
        minsheng_app::jobs::retry(store, &office(), job.id)
            .await
            .unwrap();
        assert!(
            minsheng_app::jobs::retry(store, &office(), job.id)
                .await
                .is_err(),
            "a second retry is a conflict"
        );
        let job = store.job(job.id).await.unwrap().unwrap();
        assert_eq!((job.status, job.attempts), (JobStatus::Queued, 0));
        let trail = store.audit_events("job", job.id).await.unwrap();
        assert_eq!(trail.len(), 1, "the retry is audited");
        db.finish().await;
    }
}

#[tokio::test]
async fn refused_unreachable_broken_and_slow_endpoints_end_in_the_dead_letters() {
    let (base, _seen) = robots().await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    for db in backends().await {
        let store = &db.store;
        let s = sealer();
        let cases = [
            (
                "connection refused",
                format!("http://127.0.0.1:{closed}/hook"),
                "连接失败",
            ),
            ("500", format!("{base}/broken"), "HTTP 500"),
            ("timeout", format!("{base}/slow"), "无应答"),
        ];
        let n = notifier(None, Duration::from_millis(800));
        let w = worker(store, &n, "w1", Duration::from_secs(60));
        let root = city(store).await;
        for (i, (what, url, reason)) in cases.iter().enumerate() {
            let mut tx = store.begin(&Actor::new("test")).await.unwrap();
            let u = unit(&mut tx, Some(root), UnitKind::County, &format!("县{i}")).await;
            tx.commit().await.unwrap();
            channel(store, &s, u, "webhook", url, HOOK_SECRET, "").await;
            let key = format!("remind:overdue:{}:2023-03", u.0);
            enqueue_delivery(store, &key, &message(u, "逾期"), noon())
                .await
                .unwrap();
            let mut now = noon();
            let mut outcomes = Vec::new();
            for _ in 0..8 {
                outcomes.extend(drain(&w, now).await);
                now = now
                    .checked_add(jiff::SignedDuration::from_hours(2))
                    .unwrap();
            }
            let job = store.job_by_key(&key).await.unwrap().unwrap();
            assert_eq!(
                (job.status, job.attempts),
                (JobStatus::Dead, 5),
                "{what}: {outcomes:?}"
            );
            let err = job.last_error.unwrap();
            assert!(err.contains(reason), "{what}: {err}");
            // Retried with backoff: the second attempt waited, not ran at once.
            assert!(matches!(outcomes[0], Outcome::Retrying(_)), "{what}");
        }
        db.finish().await;
    }
}

#[tokio::test]
async fn a_robot_takes_twenty_a_minute_and_the_rest_wait_without_failing() {
    let (base, seen) = robots().await;
    for db in backends().await {
        let store = &db.store;
        let unit = city(store).await;
        let s = sealer();
        channel(
            store,
            &s,
            unit,
            "wecom",
            &format!("{base}/cgi-bin/webhook/send?key=robot-key-1"),
            "",
            "",
        )
        .await;
        for i in 0..25 {
            let key = format!("remind:overdue:{}:2023-{i:02}", unit.0);
            enqueue_delivery(store, &key, &message(unit, "逾期"), noon())
                .await
                .unwrap();
        }
        let n = notifier(None, Duration::from_secs(5));
        let w = worker(store, &n, "w1", Duration::from_secs(60));
        let now = noon();
        let outcomes = drain(&w, now).await;
        let done = outcomes
            .iter()
            .filter(|o| matches!(o, Outcome::Done(_)))
            .count();
        let deferred = outcomes
            .iter()
            .filter(|o| matches!(o, Outcome::Deferred(_)))
            .count();
        assert_eq!((done, deferred), (20, 5), "{}", db.label);
        for job in store.jobs(Some(JobStatus::Queued), 50).await.unwrap() {
            assert_eq!(job.attempts, 0, "a deferral is not an attempt");
        }
        let later = now
            .checked_add(jiff::SignedDuration::from_secs(61))
            .unwrap();
        let rest = drain(&w, later).await;
        assert_eq!(rest.len(), 5, "{rest:?}");
        assert!(rest.iter().all(|o| matches!(o, Outcome::Done(_))));
        assert_eq!(seen.lock().unwrap().bodies["wecom"].len(), 25);
        *seen.lock().unwrap() = Seen::default();
        db.finish().await;
    }
}

#[tokio::test]
async fn quiet_hours_hold_a_message_until_morning() {
    for db in backends().await {
        let store = &db.store;
        let unit = city(store).await;
        let key = format!("remind:overdue:{}:2023-03", unit.0);
        let night: Timestamp = "2023-03-10T15:00:00Z".parse().unwrap(); // 23:00 in Beijing
        enqueue_delivery(store, &key, &message(unit, "逾期"), night)
            .await
            .unwrap();
        let n = notifier(None, Duration::from_secs(5));
        let w = worker(store, &n, "w1", Duration::from_secs(60));
        let out = drain(&w, night).await;
        assert!(
            matches!(&out[..], [Outcome::Deferred(r)] if r.contains("免打扰")),
            "{out:?}"
        );
        let job = store.job_by_key(&key).await.unwrap().unwrap();
        let seven: Timestamp = "2023-03-10T23:00:00Z".parse().unwrap(); // 07:00 next day
        assert_eq!(job.run_at, seven.as_millisecond(), "{}", db.label);
        db.finish().await;
    }
}

/// A worker dropped while its job waits on a receiver: the lease ends, another worker takes
/// the job over, skips the channel that was sent and sends again, with the same key, the one
/// that was being sent. Mail received once; the generic receiver sees the second copy with
/// the same `Idempotency-Key`, which is how it knows not to act twice.
#[tokio::test]
async fn a_worker_dropped_mid_job_is_taken_over_without_sending_twice_what_was_sent() {
    let Some(smtp) = smtp_server().await else {
        return;
    };
    let (base, seen) = robots().await;
    for db in backends().await {
        let store = &db.store;
        let unit = city(store).await;
        let s = sealer();
        channel(store, &s, unit, "email", "takeover@minsheng.test", "", "").await;
        channel(
            store,
            &s,
            unit,
            "webhook",
            &format!("{base}/slow-hook"),
            HOOK_SECRET,
            "",
        )
        .await;
        let key = format!("remind:overdue:{}:2023-03:{}", unit.0, db.label);
        enqueue_delivery(store, &key, &message(unit, "接管测试"), noon())
            .await
            .unwrap();
        let n = notifier(Some(smtp.port), Duration::from_secs(10));
        let first = worker(store, &n, "first", Duration::from_secs(1));
        let now = noon();
        let running = tokio::spawn(async move { first.run_once(now).await });
        // Wait until the receiver has the webhook message (the mail went before it), then
        // drop the worker mid-job: it never marks the delivery.
        for _ in 0..100 {
            if !seen.lock().unwrap().hook_keys.is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        running.abort();
        assert!(running.await.unwrap_err().is_cancelled());
        let job = store.job_by_key(&key).await.unwrap().unwrap();
        assert_eq!(
            (job.status, job.claimed_by.as_deref()),
            (JobStatus::Running, Some("first"))
        );
        // Before the lease ends nobody takes it.
        let second = worker(store, &n, "second", Duration::from_secs(60));
        assert_eq!(drain(&second, now).await, []);
        let after = now.checked_add(jiff::SignedDuration::from_secs(2)).unwrap();
        assert_eq!(
            drain(&second, after).await,
            [Outcome::Done(None)],
            "{}",
            db.label
        );
        let job = store.job_by_key(&key).await.unwrap().unwrap();
        assert_eq!((job.status, job.attempts), (JobStatus::Done, 2));
        let ours: Vec<String> = mails(&smtp.mail)
            .into_iter()
            .filter(|m| m.contains(&format!(".{}.", db.label)))
            .collect();
        assert_eq!(ours.len(), 1, "{}: the mail was sent once", db.label);
        let keys = seen.lock().unwrap().hook_keys.clone();
        assert_eq!(keys.len(), 2, "the webhook being sent is sent again");
        assert_eq!(keys[0], keys[1], "with the same idempotency key");
        let distinct: std::collections::BTreeSet<&String> = keys.iter().collect();
        assert_eq!(distinct.len(), 1, "so the receiver acts once");
        *seen.lock().unwrap() = Seen::default();
        db.finish().await;
    }
    drop(smtp);
}

#[tokio::test]
async fn bad_channels_are_refused_and_nothing_is_written() {
    for db in backends().await {
        let store = &db.store;
        let unit = city(store).await;
        let s = sealer();
        for (kind, target, secret, field) in [
            ("email", "不是邮箱", "", "target"),
            ("webhook", "ftp://example.cn/hook", "x", "target"),
            ("webhook", "https://example.cn/hook", "", "secret"),
            (
                "wecom",
                "https://qyapi.weixin.qq.com/cgi-bin/webhook/send",
                "",
                "target",
            ),
            (
                "dingtalk",
                "https://oapi.dingtalk.com/robot/send",
                "",
                "target",
            ),
        ] {
            let r = notify::add_channel(
                store,
                Some(&s),
                &office(),
                ChannelOwner::Unit(unit),
                &ChannelInput {
                    kind: kind.into(),
                    target: target.into(),
                    secret: secret.into(),
                    keyword: String::new(),
                },
            )
            .await;
            match r {
                Err(minsheng_app::AppError::Invalid { field: f, .. }) => {
                    assert_eq!(f, field, "{kind} {target}")
                }
                other => panic!("{kind} {target}: {other:?}"),
            }
        }
        // Without a key, a robot is refused rather than stored in the clear.
        let r = notify::add_channel(
            store,
            None,
            &office(),
            ChannelOwner::Unit(unit),
            &ChannelInput {
                kind: "wecom".into(),
                target: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k".into(),
                ..Default::default()
            },
        )
        .await;
        assert!(
            matches!(r, Err(minsheng_app::AppError::Invalid { ref field, .. }) if field == "secret"),
            "{r:?}"
        );
        // A unit's account may set its own unit's channels, not another's.
        let tree = store.unit_tree().await.unwrap();
        let other = tree.units().iter().find(|u| u.id != unit).unwrap().id;
        let clerk = Account {
            id: UserId(0),
            name: "clerk".into(),
            role: Role::Unit,
            unit: Some(unit),
        };
        let email = ChannelInput {
            kind: "email".into(),
            target: "clerk@minsheng.test".into(),
            ..Default::default()
        };
        assert!(
            notify::add_channel(store, Some(&s), &clerk, ChannelOwner::Unit(unit), &email)
                .await
                .is_ok()
        );
        assert!(matches!(
            notify::add_channel(store, Some(&s), &clerk, ChannelOwner::Unit(other), &email).await,
            Err(minsheng_app::AppError::Forbidden { .. })
        ));
        assert_eq!(
            store
                .channels_of(ChannelOwner::Unit(unit))
                .await
                .unwrap()
                .len(),
            1
        );
        assert!(
            store
                .channels_of(ChannelOwner::Unit(other))
                .await
                .unwrap()
                .is_empty()
        );
        db.finish().await;
    }
}
