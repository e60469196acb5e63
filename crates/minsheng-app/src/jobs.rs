//! Background jobs (issue #17): the scheduler, the worker and what each kind of job does.
//!
//! **Kinds.** `reminder_run` (daily, key `reminder_run:{day}`, at 08:00 北京时间): what
//! [`coordination::reminders_with`] computes for the day under the office's rules
//! ([`NotifyRules`]), grouped into one `deliver` job per recipient × kind × period — key
//! `remind:{kind}:{unit}:{period}` (`office` for reviews waiting, `problem-{id}` for a
//! problem), so a unit is told once of one period's overdue reports however often the run
//! happens; `escalation` (hourly, `escalation:{day}T{hour}`): [`coordination::escalate_overdue`];
//! `session_sweep` (hourly): expired sessions and day-old idempotency keys deleted; `deliver`:
//! one message to every channel of its recipient.
//!
//! **A worker** ([`Worker::run_once`]) claims the oldest due job with a lease, runs it, and
//! marks it done, failed (queued again after [`backoff_seconds`], dead after its
//! `max_attempts`) or deferred (a robot's rate limit, the quiet hours: not an attempt).
//! A worker killed mid-job loses its lease; another takes the job over once the lease ends.
//!
//! **Nothing sent twice, and where it still can be.** A `deliver` job records each channel's
//! delivery (`deliveries`, key `{job key}@{channel}`) *before* sending and marks it sent
//! after. A worker taking over skips what is marked sent and sends again only what was being
//! sent when its predecessor died — with the same key (the mail's `Message-ID`, the generic
//! webhook's `Idempotency-Key`), so those receivers can recognise it. The window is the
//! moment between the receiver taking a message and the mark being written: a robot
//! (企业微信, 钉钉), which keeps no key, can show such a message twice.

use crate::coordination;
use crate::error::AppError;
use crate::notify::{Message, Notifier, SendError};
use jiff::{Timestamp, ToSpan};
use minsheng_domain::notify::{FAILING_AFTER, backoff_seconds};
use minsheng_domain::{Actor, NotifyRules, Reminder, ReportingRule, UnitId};
use minsheng_store::{DeliveryStart, Failed, NewJob, Store};
pub use minsheng_store::{Job, JobStatus};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// Attempts before a delivery is dead.
pub const DELIVER_ATTEMPTS: i64 = 5;
/// Attempts before a scheduled job is dead.
pub const SCHEDULED_ATTEMPTS: i64 = 3;

/// Who a `deliver` job tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recipient {
    /// A unit: its channels and its accounts'.
    Unit(i64),
    /// The office: its accounts' channels.
    Office,
}

/// A `deliver` job's payload: the message, composed when the job was queued.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Deliver {
    /// Who is told.
    pub to: Recipient,
    /// The subject.
    pub subject: String,
    /// Plain text.
    pub text: String,
    /// HTML.
    pub html: String,
}

/// What a run of [`Worker::run_once`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Done (with a note: nothing to send to, …).
    Done(Option<String>),
    /// Failed; queued again.
    Retrying(String),
    /// Failed for the last time: a dead letter.
    Dead(String),
    /// Put back without counting an attempt.
    Deferred(String),
}

/// A worker's settings.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// Its name in the jobs it claims.
    pub id: String,
    /// How long it holds a job before another may take it over.
    pub lease: Duration,
    /// How long it sleeps when there is nothing to do.
    pub poll: Duration,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        WorkerSettings {
            id: format!("worker-{}", std::process::id()),
            lease: Duration::from_secs(300),
            poll: Duration::from_secs(2),
        }
    }
}

/// A worker: claims jobs and runs them.
#[derive(Debug, Clone)]
pub struct Worker {
    store: Store,
    notifier: Arc<Notifier>,
    settings: WorkerSettings,
}

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

fn key_of_day(prefix: &str, day: jiff::civil::Date) -> String {
    format!("{prefix}:{day}")
}

/// Queues what is due at `now` by the clock: today's reminder run (at 08:00 北京时间), this
/// hour's escalation and session sweep. Each has its key, so calling it again — from every
/// worker, every minute — queues nothing more.
pub async fn schedule(store: &Store, now: Timestamp) -> Result<usize, AppError> {
    let here = crate::clock::in_beijing(now);
    let day = here.date();
    let eight = day
        .at(8, 0, 0, 0)
        .to_zoned(crate::clock::beijing())
        .map(|z| z.timestamp().as_millisecond())
        .unwrap_or(now.as_millisecond());
    let hour = format!("{day}T{:02}", here.hour());
    let payload = serde_json::json!({ "day": day.to_string() }).to_string();
    let jobs = [
        ("reminder_run", key_of_day("reminder_run", day), eight),
        (
            "escalation",
            format!("escalation:{hour}"),
            now.as_millisecond(),
        ),
        (
            "session_sweep",
            format!("session_sweep:{hour}"),
            now.as_millisecond(),
        ),
    ];
    let mut queued = 0;
    for (kind, key, run_at) in &jobs {
        let job = NewJob {
            kind,
            key,
            payload: &payload,
            run_at: *run_at,
            max_attempts: SCHEDULED_ATTEMPTS,
        };
        if store
            .enqueue_job(&job, now.as_millisecond())
            .await?
            .is_some()
        {
            queued += 1;
        }
    }
    Ok(queued)
}

/// Queues a delivery under `key` (once per key), due at `run_at`. Its id when queued now.
pub async fn enqueue_delivery(
    store: &Store,
    key: &str,
    deliver: &Deliver,
    run_at: Timestamp,
) -> Result<Option<i64>, AppError> {
    let payload = serde_json::to_string(deliver).map_err(|e| AppError::Invalid {
        field: "payload".into(),
        reason: e.to_string(),
    })?;
    let job = NewJob {
        kind: "deliver",
        key,
        payload: &payload,
        run_at: run_at.as_millisecond(),
        max_attempts: DELIVER_ATTEMPTS,
    };
    Ok(store
        .enqueue_job(&job, Timestamp::now().as_millisecond())
        .await?)
}

struct Group {
    to: Recipient,
    kind: &'static str,
    label: &'static str,
    period: String,
    lines: Vec<String>,
}

/// The reminders of `today` under the office's rules, queued one `deliver` job per recipient ×
/// kind × period. Returns how many were queued now (a key queued before is not queued again).
pub async fn queue_reminders(
    store: &Store,
    today: jiff::civil::Date,
    now: Timestamp,
) -> Result<usize, AppError> {
    let rules = store.notify_rules().await?;
    let reminders = coordination::reminders_with(
        store,
        today,
        &ReportingRule::default(),
        &rules.reminder_rule(),
    )
    .await?;
    let tree = store.unit_tree().await?;
    let name = |u: UnitId| {
        tree.get(u)
            .map_or_else(|| format!("单位{}", u.0), |n| n.name.clone())
    };
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    let mut add = |key: String, to, r: &Reminder, period: String, line: String| {
        groups
            .entry(key)
            .or_insert_with(|| Group {
                to,
                kind: r.code(),
                label: r.label_zh(),
                period,
                lines: Vec::new(),
            })
            .lines
            .push(line);
    };
    for r in reminders.iter().filter(|r| rules.sends(r.code())) {
        match r {
            Reminder::DueSoon {
                assignment,
                unit,
                period,
                due,
                days_left,
            } => add(
                format!("remind:due_soon:{}:{period}", unit.0),
                Recipient::Unit(unit.0),
                r,
                period.to_string(),
                format!(
                    "任务分工 {}:{period}进展报告{due}截止,还剩{days_left}天",
                    assignment.0
                ),
            ),
            Reminder::Overdue {
                assignment,
                unit,
                period,
                due,
                days_late,
            } => add(
                format!("remind:overdue:{}:{period}", unit.0),
                Recipient::Unit(unit.0),
                r,
                period.to_string(),
                format!(
                    "任务分工 {}:{period}进展报告应于{due}报送,已逾期{days_late}天",
                    assignment.0
                ),
            ),
            Reminder::AwaitingReview {
                report,
                period,
                waiting_days,
                ..
            } => add(
                format!("remind:awaiting_review:office:{period}"),
                Recipient::Office,
                r,
                period.to_string(),
                format!("报告 {}({period})已等待审核{waiting_days}天", report.0),
            ),
            Reminder::ProblemOverdue {
                problem,
                owner,
                escalate_to,
                days_late,
            } => {
                let line = format!(
                    "协调事项 {}(责任单位:{})已逾期{days_late}天",
                    problem.0,
                    name(*owner)
                );
                for u in std::iter::once(*owner).chain(*escalate_to) {
                    add(
                        format!("remind:problem_overdue:{}:problem-{}", u.0, problem.0),
                        Recipient::Unit(u.0),
                        r,
                        format!("problem-{}", problem.0),
                        line.clone(),
                    );
                }
            }
        }
    }
    let mut queued = 0;
    for (key, g) in groups {
        let whom = match g.to {
            Recipient::Unit(u) => name(UnitId(u)),
            Recipient::Office => "牵头办公室".to_string(),
        };
        let period = if g.kind == "problem_overdue" {
            String::new()
        } else {
            format!("({})", g.period)
        };
        let subject = format!("【民生实事】{}提醒{period}", g.label);
        let text = format!(
            "{whom}:\n{}\n共{}项。请登录民生实事跟踪系统办理。\n(本消息由系统自动发送)",
            g.lines.join("\n"),
            g.lines.len()
        );
        let html = format!(
            "<p>{}:</p><ul>{}</ul><p>共{}项。请登录民生实事跟踪系统办理。</p><p><small>本消息由系统自动发送</small></p>",
            escape(&whom),
            g.lines
                .iter()
                .map(|l| format!("<li>{}</li>", escape(l)))
                .collect::<String>(),
            g.lines.len()
        );
        let d = Deliver {
            to: g.to,
            subject,
            text,
            html,
        };
        if enqueue_delivery(store, &key, &d, now).await?.is_some() {
            queued += 1;
        }
    }
    Ok(queued)
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

impl Worker {
    /// A worker on `store` sending through `notifier`.
    pub fn new(store: Store, notifier: Arc<Notifier>, settings: WorkerSettings) -> Worker {
        Worker {
            store,
            notifier,
            settings,
        }
    }

    /// Its name.
    pub fn id(&self) -> &str {
        &self.settings.id
    }

    /// Claims one due job at `now` and runs it; `None` when nothing is due.
    pub async fn run_once(&self, now: Timestamp) -> Result<Option<(Job, Outcome)>, AppError> {
        let now_ms = now.as_millisecond();
        let Some(job) = self
            .store
            .claim_job(&self.settings.id, now_ms, ms(self.settings.lease))
            .await?
        else {
            return Ok(None);
        };
        let result = self.perform(&job, now).await;
        let id = &self.settings.id;
        let outcome = match result {
            Ok(Step::Done(note)) => {
                self.store
                    .finish_job(job.id, id, note.as_deref(), now_ms)
                    .await?;
                Outcome::Done(note)
            }
            Ok(Step::Later(seconds, reason)) => {
                let at = now_ms.saturating_add(seconds.saturating_mul(1000));
                self.store.defer_job(job.id, id, at, &reason).await?;
                Outcome::Deferred(reason)
            }
            Err(reason) => {
                let at = now_ms.saturating_add(backoff_seconds(job.attempts).saturating_mul(1000));
                match self.store.fail_job(job.id, id, &reason, at, now_ms).await? {
                    Failed::Retrying => Outcome::Retrying(reason),
                    Failed::Dead => {
                        tracing::warn!(job = job.id, key = %job.key, %reason, "Job is dead");
                        Outcome::Dead(reason)
                    }
                }
            }
        };
        Ok(Some((job, outcome)))
    }

    /// Runs jobs for as long as the process lives: queues the schedule every minute, runs
    /// every due job, sleeps `poll` when none is due. Errors are logged, never fatal.
    pub async fn run_forever(self) {
        let mut scheduled_at: Option<std::time::Instant> = None;
        loop {
            if scheduled_at.is_none_or(|t| t.elapsed() >= Duration::from_secs(60)) {
                if let Err(e) = schedule(&self.store, Timestamp::now()).await {
                    tracing::warn!(error = %e, "Could not queue the scheduled jobs");
                }
                scheduled_at = Some(std::time::Instant::now());
            }
            match self.run_once(Timestamp::now()).await {
                Ok(Some((job, outcome))) => {
                    tracing::info!(job = job.id, kind = %job.kind, ?outcome, "Ran a job");
                }
                Ok(None) => tokio::time::sleep(self.settings.poll).await,
                Err(e) => {
                    tracing::warn!(error = %e, "The job worker failed");
                    tokio::time::sleep(self.settings.poll).await;
                }
            }
        }
    }

    async fn perform(&self, job: &Job, now: Timestamp) -> Result<Step, String> {
        let day = || -> Result<jiff::civil::Date, String> {
            let v: serde_json::Value =
                serde_json::from_str(&job.payload).map_err(|e| e.to_string())?;
            v["day"]
                .as_str()
                .and_then(|d| d.parse().ok())
                .ok_or_else(|| format!("任务参数无效:{} / bad payload", job.payload))
        };
        let store_err = |e: AppError| e.to_string();
        match job.kind.as_str() {
            "reminder_run" => {
                let n = queue_reminders(&self.store, day()?, now)
                    .await
                    .map_err(store_err)?;
                Ok(Step::Done(Some(format!(
                    "已排队{n}条提醒 / {n} reminders queued"
                ))))
            }
            "escalation" => {
                let actor = Actor::new("system:jobs");
                let today = crate::clock::date_in_beijing(now);
                let done = coordination::escalate_overdue(&self.store, &actor, today)
                    .await
                    .map_err(store_err)?;
                Ok(Step::Done(Some(format!(
                    "升级{}项 / {} escalated",
                    done.len(),
                    done.len()
                ))))
            }
            "session_sweep" => {
                let secs = now.as_second();
                let n = self
                    .store
                    .sessions_delete_expired(secs)
                    .await
                    .map_err(|e| e.to_string())?;
                crate::idempotency::sweep(&self.store, secs)
                    .await
                    .map_err(store_err)?;
                Ok(Step::Done(Some(format!(
                    "清除{n}个过期会话 / {n} sessions deleted"
                ))))
            }
            "deliver" => self.deliver(job, now).await,
            other => Err(format!(
                "未知的任务类型“{other}” / unknown job kind '{other}'"
            )),
        }
    }

    async fn deliver(&self, job: &Job, now: Timestamp) -> Result<Step, String> {
        let d: Deliver = serde_json::from_str(&job.payload)
            .map_err(|e| format!("任务参数无效:{e} / bad payload: {e}"))?;
        let rules: NotifyRules = self.store.notify_rules().await.map_err(|e| e.to_string())?;
        let here = crate::clock::in_beijing(now);
        let hour = u8::try_from(here.hour()).unwrap_or(0);
        let minute = u8::try_from(here.minute()).unwrap_or(0);
        let wait = rules.minutes_until_allowed(hour, minute);
        if wait > 0 {
            return Ok(Step::Later(
                i64::from(wait) * 60,
                format!("免打扰时段,{wait}分钟后发送 / quiet hours: sent in {wait} min"),
            ));
        }
        let channels = match d.to {
            Recipient::Unit(u) => self.store.channels_reaching(UnitId(u)).await,
            Recipient::Office => self.store.channels_of_office().await,
        }
        .map_err(|e| e.to_string())?;
        if channels.is_empty() {
            return Ok(Step::Done(Some(
                "收件方未设置通知渠道,未发送 / the recipient has no channel: nothing sent".into(),
            )));
        }
        let now_ms = now.as_millisecond();
        let mut failures = Vec::new();
        let mut later: Option<i64> = None;
        for ch in &channels {
            let key = format!("{}@{}", job.key, ch.id);
            let message = Message {
                key: key.clone(),
                subject: d.subject.clone(),
                text: d.text.clone(),
                html: d.html.clone(),
            };
            // A sent delivery is skipped before the rate limit is asked.
            if self
                .store
                .delivery_was_sent(&key)
                .await
                .map_err(|e| e.to_string())?
            {
                continue;
            }
            if let Err(wait) =
                self.notifier
                    .reserve(ch, self.notifier.pieces(ch, &message), now.as_second())
            {
                later = Some(later.map_or(wait, |l| l.max(wait)));
                continue;
            }
            match self
                .store
                .begin_delivery(job.id, ch.id, &key, now_ms)
                .await
                .map_err(|e| e.to_string())?
            {
                DeliveryStart::Sent => continue,
                DeliveryStart::First | DeliveryStart::Again => {}
            }
            match self.notifier.send(ch, &message).await {
                Ok(()) => self
                    .store
                    .end_delivery(&key, ch.id, None, now_ms)
                    .await
                    .map_err(|e| e.to_string())?,
                Err(SendError::Later(wait)) => {
                    self.store
                        .end_delivery(&key, ch.id, Some("频率受限 / rate limited"), now_ms)
                        .await
                        .map_err(|e| e.to_string())?;
                    later = Some(later.map_or(wait, |l| l.max(wait)));
                }
                Err(SendError::Failed(reason)) => {
                    self.store
                        .end_delivery(&key, ch.id, Some(&reason), now_ms)
                        .await
                        .map_err(|e| e.to_string())?;
                    if ch.failures + 1 >= FAILING_AFTER {
                        tracing::warn!(channel = ch.id, %reason, "A channel keeps failing");
                    }
                    failures.push(format!("{} {}:{reason}", ch.kind.label_zh(), ch.target));
                }
            }
        }
        if !failures.is_empty() {
            return Err(failures.join(";"));
        }
        if let Some(wait) = later {
            return Ok(Step::Later(
                wait,
                format!(
                    "机器人每分钟限发20条,{wait}秒后再发 / robot rate limit: again in {wait} s"
                ),
            ));
        }
        Ok(Step::Done(None))
    }
}

enum Step {
    Done(Option<String>),
    Later(i64, String),
}

/// The office's view of the queue: counts by status, retries, the latest jobs of a status,
/// and the channels that keep failing.
#[derive(Debug, Clone)]
pub struct QueueView {
    /// How many jobs in each status.
    pub counts: Vec<(minsheng_store::JobStatus, i64)>,
    /// Queued jobs that failed before (waiting for a retry).
    pub retrying: i64,
    /// The latest jobs (of the status asked for, or all).
    pub jobs: Vec<Job>,
    /// Channels with at least [`FAILING_AFTER`] failures in a row.
    pub failing: Vec<minsheng_store::StoredChannel>,
}

/// The queue as the office sees it.
pub async fn view(
    store: &Store,
    account: &minsheng_domain::Account,
    status: Option<minsheng_store::JobStatus>,
) -> Result<QueueView, AppError> {
    crate::accounts::ensure(account, minsheng_domain::Action::ManageJobs)?;
    let (counts, retrying) = store.job_counts().await?;
    Ok(QueueView {
        counts,
        retrying,
        jobs: store.jobs(status, 100).await?,
        failing: store.failing_channels(FAILING_AFTER).await?,
    })
}

/// Queues a dead job again (the office's retry), audited.
pub async fn retry(
    store: &Store,
    account: &minsheng_domain::Account,
    id: i64,
) -> Result<(), AppError> {
    crate::accounts::ensure(account, minsheng_domain::Action::ManageJobs)?;
    let mut tx = store.begin(&Actor::new(&account.name)).await?;
    tx.retry_dead_job(id, Timestamp::now().as_millisecond())
        .await?;
    tx.commit().await?;
    Ok(())
}

/// A moment `minutes` from `now`, for tests and the scheduler.
pub fn after_minutes(now: Timestamp, minutes: i64) -> Timestamp {
    now.checked_add(minutes.minutes()).unwrap_or(now)
}

/// What sending a bulletin queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BulletinSent {
    /// Units queued now.
    pub queued: usize,
    /// Units it was queued to before (each unit is sent a bulletin once).
    pub already: usize,
}

/// Queues an issued bulletin (进展通报) to every unit holding a share of its plan: one
/// `deliver` job per unit, key `bulletin:{id}:{unit}`, so sending again sends nothing twice.
/// The office's (`IssueBulletin`); a draft is refused.
pub async fn send_bulletin(
    store: &Store,
    account: &minsheng_domain::Account,
    id: minsheng_domain::BulletinId,
    today: jiff::civil::Date,
    thresholds: &minsheng_domain::Thresholds,
) -> Result<BulletinSent, AppError> {
    crate::accounts::ensure(account, minsheng_domain::Action::IssueBulletin)?;
    let view = crate::bulletin::open(store, account, id, today, thresholds).await?;
    let Some(b) = view.bulletin.as_ref().filter(|b| !b.is_draft()) else {
        return Err(AppError::Conflict {
            reason: format!(
                "通报 {id} 尚未印发,不能发送 / bulletin {id} is not issued, so it cannot be sent"
            ),
        });
    };
    let mut units: Vec<UnitId> = store
        .assignments_of_plan(b.plan)
        .await?
        .into_iter()
        .map(|a| a.unit)
        .collect();
    units.sort_unstable();
    units.dedup();
    let no = b.no.map(|n| format!("第{n}期")).unwrap_or_default();
    let doc = b.doc_no.clone().unwrap_or_default();
    let subject = format!("【进展通报】{}{no}({doc})", view.body.plan_title);
    let mut text = String::new();
    let mut html = String::new();
    for p in [view.opening()]
        .into_iter()
        .filter(|o| !o.is_empty())
        .map(|o| crate::bulletin::Para::Text(o.to_string()))
        .chain(crate::bulletin::prose_zh(&view.body))
        .chain(
            [view.closing()]
                .into_iter()
                .filter(|c| !c.is_empty())
                .map(|c| crate::bulletin::Para::Text(c.to_string())),
        )
    {
        let (line, tag) = match p {
            crate::bulletin::Para::H1(s) => (s, "h3"),
            crate::bulletin::Para::H2(s) => (s, "h4"),
            crate::bulletin::Para::Text(s) => (s, "p"),
        };
        text.push_str(&line);
        text.push('\n');
        html.push_str(&format!("<{tag}>{}</{tag}>", escape(&line)));
    }
    let now = Timestamp::now();
    let mut sent = BulletinSent {
        queued: 0,
        already: 0,
    };
    for u in units {
        let d = Deliver {
            to: Recipient::Unit(u.0),
            subject: subject.clone(),
            text: text.clone(),
            html: html.clone(),
        };
        match enqueue_delivery(store, &format!("bulletin:{}:{}", id.0, u.0), &d, now).await? {
            Some(_) => sent.queued += 1,
            None => sent.already += 1,
        }
    }
    tracing::info!(
        bulletin = id.0,
        queued = sent.queued,
        "Queued a bulletin to its units"
    );
    Ok(sent)
}
