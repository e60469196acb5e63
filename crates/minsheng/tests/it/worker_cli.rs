//! `minsheng worker` as a separate process, SIGKILLed in the middle of a delivery: a second
//! `minsheng worker` takes the job over once the first one's lease has ended and sends the
//! message that was in flight again with the same `Idempotency-Key` (so the receiver, which
//! keys on it, acts once); the job ends done after two attempts, and the worker ran the
//! schedule (this hour's session sweep and escalation). On both backends.

use minsheng_app::jobs::{Deliver, Recipient, enqueue_delivery};
use minsheng_app::notify::{self, ChannelInput, Sealer};
use minsheng_domain::{Account, Actor, NotifyRules, Role, UnitKind, UserId};
use minsheng_store::testing::backends;
use minsheng_store::{ChannelOwner, JobStatus, NewUnit};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A plain HTTP receiver: records each request's `Idempotency-Key`; the first request is
/// answered only after 60 s (the worker is killed while it waits), later ones at once.
fn receiver() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let keys: Arc<Mutex<Vec<String>>> = Arc::default();
    let seen = keys.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let seen = seen.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut key = String::new();
                let mut length = 0usize;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    let lower = line.to_ascii_lowercase();
                    if let Some(v) = lower.strip_prefix("idempotency-key:") {
                        key = v.trim().to_string();
                    }
                    if let Some(v) = lower.strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                }
                let mut body = vec![0u8; length];
                let _ = reader.read_exact(&mut body);
                let first = {
                    let mut s = seen.lock().unwrap();
                    s.push(key);
                    s.len() == 1
                };
                if first {
                    std::thread::sleep(Duration::from_secs(60));
                }
                let _ = stream.write_all(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n");
            });
        }
    });
    (format!("http://{addr}/hook"), keys)
}

fn start_worker(url: &str, config: &std::path::Path) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_minsheng"))
        .args(["--config"])
        .arg(config)
        .args(["worker", "--db", url])
        .env_remove("MINSHENG_DATABASE_URL")
        .env("MINSHENG_SECRET_KEY", KEY)
        .env("MINSHENG_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(line.contains("job workers running"), "{line}");
    Running(child)
}

fn wait_until(what: &str, secs: u64, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(
            start.elapsed() < Duration::from_secs(secs),
            "timed out: {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_killed_worker_process_is_taken_over_and_the_message_in_flight_keeps_its_key() {
    for db in backends().await {
        let l = db.label;
        let store = db.store.clone();
        let mut tx = store.begin(&Actor::new("test")).await.unwrap();
        let unit = tx
            .insert_unit(&NewUnit {
                parent: None,
                kind: UnitKind::Province,
                name: "吉林省".into(),
                code: None,
            })
            .await
            .unwrap();
        // No quiet hours: the test runs at any hour.
        tx.set_notify_rules(&NotifyRules::new([true; 4], 3, 5, 0, 0).unwrap())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let (hook, keys) = receiver();
        let office = Account {
            id: UserId(0),
            name: "office".into(),
            role: Role::Office,
            unit: None,
        };
        notify::add_channel(
            &store,
            Some(&Sealer::from_text(KEY).unwrap()),
            &office,
            ChannelOwner::Unit(unit),
            &ChannelInput {
                kind: "webhook".into(),
                target: hook,
                secret: "hook-secret".into(),
                keyword: String::new(),
            },
        )
        .await
        .unwrap();
        let key = format!("remind:overdue:{}:2023-08", unit.0);
        enqueue_delivery(
            &store,
            &key,
            &Deliver {
                to: Recipient::Unit(unit.0),
                subject: "【民生实事】逾期未报提醒".into(),
                text: "吉林省:8月进展报告已逾期。".into(),
                html: "<p>吉林省:8月进展报告已逾期。</p>".into(),
            },
            jiff::Timestamp::now(),
        )
        .await
        .unwrap();
        let config =
            std::env::temp_dir().join(format!("minsheng-worker-{}-{l}.toml", std::process::id()));
        std::fs::write(&config, "[jobs]\nlease_secs = 5\nsend_timeout_secs = 120\n").unwrap();

        let mut first = start_worker(&db.url, &config);
        wait_until("the first worker sends", 30, || {
            !keys.lock().unwrap().is_empty()
        });
        // SIGKILL while the receiver holds the answer: the delivery is never marked.
        first.0.kill().unwrap();
        first.0.wait().unwrap();
        let job = store.job_by_key(&key).await.unwrap().unwrap();
        assert_eq!(
            job.status,
            JobStatus::Running,
            "{l}: still held by the dead worker"
        );

        let _second = start_worker(&db.url, &config);
        let start = Instant::now();
        loop {
            let job = store.job_by_key(&key).await.unwrap().unwrap();
            if job.status == JobStatus::Done {
                assert_eq!(job.attempts, 2, "{l}");
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "{l}: not taken over: {job:?}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        assert!(
            start.elapsed() >= Duration::from_secs(1),
            "{l}: taken over only after the lease"
        );
        let keys = keys.lock().unwrap().clone();
        assert_eq!(keys.len(), 2, "{l}: the message in flight is sent again");
        assert_eq!(keys[0], keys[1], "{l}: with the same key");
        assert!(keys[0].starts_with(&key), "{l}: {}", keys[0]);
        // The worker ran the schedule too.
        let done = store.jobs(Some(JobStatus::Done), 20).await.unwrap();
        assert!(
            done.iter().any(|j| j.kind == "session_sweep")
                && done.iter().any(|j| j.kind == "escalation"),
            "{l}: {done:?}"
        );
        drop(_second);
        let _ = std::fs::remove_file(&config);
        db.finish().await;
    }
}
