//! The job queue (migration 0019): one table, `jobs`, on both backends.
//!
//! - **Enqueue** is `INSERT … ON CONFLICT (key) DO NOTHING`: a key (one reminder per unit ×
//!   period × kind, one daily run per day) is queued once however often the scheduler runs.
//! - **Claim** takes the oldest due job — queued and `run_at <= now`, or running with its
//!   lease (`claimed_until`) past, because its worker died — and sets the lease, in one
//!   statement: on PostgreSQL its row is chosen `FOR UPDATE SKIP LOCKED`, so workers side by
//!   side never take the same job nor wait on each other; on SQLite inside `BEGIN IMMEDIATE`
//!   on the one writer connection, so claims are serialised (across processes too, by SQLite's
//!   write lock). Each claim counts an attempt.
//! - **Finish**, **fail** and **defer** are conditional on the worker still holding the job
//!   (`claimed_by = $worker AND status = 'running'`): a worker whose lease was taken over
//!   gets [`StoreError::Conflict`] and changes nothing.
//! - A failure puts the job back with `run_at` moved (the caller's backoff) or, at
//!   `max_attempts`, makes it `dead` (the dead letters); the office retries a dead job
//!   ([`Tx::retry_dead_job`], audited).
//!
//! The queue's own rows are its log (attempts, last error, times): claims and finishes are
//! bookkeeping, like sessions, and are not audited; what the office does to a job is.
//!
//! `deliveries` record each message of a job per channel before it leaves
//! ([`Store::begin_delivery`]), so a worker taking over a job skips what was sent.

use crate::error::StoreError;
use crate::tx::Tx;
use crate::{Backend, Store, on_pool, on_tx, on_write};
use serde_json::json;

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobStatus {
    /// Waiting for `run_at`.
    Queued,
    /// Claimed by a worker until its lease ends.
    Running,
    /// Done.
    Done,
    /// Failed `max_attempts` times: a dead letter, until the office retries it.
    Dead,
}

impl JobStatus {
    /// Every status.
    pub const ALL: [JobStatus; 4] = [
        JobStatus::Queued,
        JobStatus::Running,
        JobStatus::Done,
        JobStatus::Dead,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Done => "done",
            JobStatus::Dead => "dead",
        }
    }

    /// The status of a stored code.
    pub fn from_code(code: &str) -> Option<JobStatus> {
        JobStatus::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// A job to queue.
#[derive(Debug, Clone)]
pub struct NewJob<'a> {
    /// What the job does (`reminder_run`, `deliver`, …).
    pub kind: &'a str,
    /// Its idempotency key: a key is queued once.
    pub key: &'a str,
    /// Its arguments, JSON text the application reads.
    pub payload: &'a str,
    /// When it may run first (Unix ms).
    pub run_at: i64,
    /// How many attempts before it is dead.
    pub max_attempts: i64,
}

/// A job as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// Its id.
    pub id: i64,
    /// What it does.
    pub kind: String,
    /// Its idempotency key.
    pub key: String,
    /// Its arguments (JSON text).
    pub payload: String,
    /// Where it stands.
    pub status: JobStatus,
    /// Attempts so far (each claim counts one).
    pub attempts: i64,
    /// Attempts before it is dead.
    pub max_attempts: i64,
    /// When it may run (Unix ms).
    pub run_at: i64,
    /// The worker that holds or last held it.
    pub claimed_by: Option<String>,
    /// Until when that worker holds it (Unix ms).
    pub claimed_until: Option<i64>,
    /// Why its last attempt failed.
    pub last_error: Option<String>,
    /// When it was queued (Unix ms).
    pub created_at: i64,
    /// When it was done or died (Unix ms).
    pub finished_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct JobRow {
    id: i64,
    kind: String,
    key: String,
    payload: String,
    status: String,
    attempts: i64,
    max_attempts: i64,
    run_at: i64,
    claimed_by: Option<String>,
    claimed_until: Option<i64>,
    last_error: Option<String>,
    created_at: i64,
    finished_at: Option<i64>,
}

impl JobRow {
    fn into_job(self) -> Result<Job, StoreError> {
        let status = JobStatus::from_code(&self.status).ok_or_else(|| StoreError::Corrupt {
            table: "jobs",
            column: "status",
            value: self.status.clone(),
        })?;
        Ok(Job {
            id: self.id,
            kind: self.kind,
            key: self.key,
            payload: self.payload,
            status,
            attempts: self.attempts,
            max_attempts: self.max_attempts,
            run_at: self.run_at,
            claimed_by: self.claimed_by,
            claimed_until: self.claimed_until,
            last_error: self.last_error,
            created_at: self.created_at,
            finished_at: self.finished_at,
        })
    }
}

const COLUMNS: &str = "id, kind, key, payload, status, attempts, max_attempts, run_at, claimed_by, \
                       claimed_until, last_error, created_at, finished_at";

/// What became of a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failed {
    /// Queued again for its next attempt.
    Retrying,
    /// Dead: `max_attempts` reached.
    Dead,
}

/// What became of a delivery about to be attempted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStart {
    /// First attempt: nothing was sent yet.
    First,
    /// Attempted before and not confirmed: it may have reached the receiver, so it is sent
    /// again with the same key for the receiver to recognise.
    Again,
    /// Sent already: skip it.
    Sent,
}

fn lost(id: i64) -> StoreError {
    StoreError::Conflict {
        entity: "job",
        id,
        found: "已由其他工作进程接管 / taken over by another worker".into(),
    }
}

impl Store {
    /// Queues a job unless its key was queued before; its id when it was queued now.
    pub async fn enqueue_job(&self, job: &NewJob<'_>, now: i64) -> Result<Option<i64>, StoreError> {
        // language=SQL
        const SQL: &str = "INSERT INTO jobs (kind, key, payload, status, attempts, max_attempts,
                                             run_at, created_at)
                           VALUES ($1, $2, $3, 'queued', 0, $4, $5, $6)
                           ON CONFLICT (key) DO NOTHING RETURNING id";
        Ok(on_write!(self, p => sqlx::query_scalar(SQL)
            .bind(job.kind).bind(job.key).bind(job.payload).bind(job.max_attempts)
            .bind(job.run_at).bind(now).fetch_optional(p).await)?)
    }

    /// Claims the oldest due job for `worker` until `now + lease_ms`, if there is one: a queued
    /// job whose time has come, or a running one whose lease has ended (its worker died).
    pub async fn claim_job(
        &self,
        worker: &str,
        now: i64,
        lease_ms: i64,
    ) -> Result<Option<Job>, StoreError> {
        let until = now.saturating_add(lease_ms);
        let row: Option<JobRow> = match &self.backend {
            Backend::Postgres(p) => {
                let sql = format!(
                    "UPDATE jobs SET status = 'running', attempts = attempts + 1,
                            claimed_by = $1, claimed_until = $2
                      WHERE id = (SELECT id FROM jobs
                                   WHERE (status = 'queued' AND run_at <= $3)
                                      OR (status = 'running' AND claimed_until < $3)
                                   ORDER BY run_at, id LIMIT 1
                                   FOR UPDATE SKIP LOCKED)
                      RETURNING {COLUMNS}"
                );
                sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(worker)
                    .bind(until)
                    .bind(now)
                    .fetch_optional(p)
                    .await?
            }
            Backend::Sqlite { write, .. } => {
                let sql = format!(
                    "UPDATE jobs SET status = 'running', attempts = attempts + 1,
                            claimed_by = $1, claimed_until = $2
                      WHERE id = (SELECT id FROM jobs
                                   WHERE (status = 'queued' AND run_at <= $3)
                                      OR (status = 'running' AND claimed_until < $3)
                                   ORDER BY run_at, id LIMIT 1)
                      RETURNING {COLUMNS}"
                );
                let mut tx = write.begin_with("BEGIN IMMEDIATE").await?;
                let row = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(worker)
                    .bind(until)
                    .bind(now)
                    .fetch_optional(&mut *tx)
                    .await?;
                tx.commit().await?;
                row
            }
        };
        row.map(JobRow::into_job).transpose()
    }

    /// Marks a job `worker` holds done, with a note for the office (nothing to send to, …).
    pub async fn finish_job(
        &self,
        id: i64,
        worker: &str,
        note: Option<&str>,
        now: i64,
    ) -> Result<(), StoreError> {
        // language=SQL
        const SQL: &str = "UPDATE jobs SET status = 'done', finished_at = $3, claimed_until = NULL,
                                  last_error = $4
                            WHERE id = $1 AND claimed_by = $2 AND status = 'running'
                            RETURNING id";
        let done: Option<i64> = on_write!(self, p => sqlx::query_scalar(SQL)
            .bind(id).bind(worker).bind(now).bind(note).fetch_optional(p).await)?;
        done.map(|_| ()).ok_or_else(|| lost(id))
    }

    /// Records a failed attempt of a job `worker` holds: queued again at `retry_at`, or dead
    /// when it has had its `max_attempts`.
    pub async fn fail_job(
        &self,
        id: i64,
        worker: &str,
        error: &str,
        retry_at: i64,
        now: i64,
    ) -> Result<Failed, StoreError> {
        // language=SQL
        const SQL: &str = "UPDATE jobs
                              SET status = CASE WHEN attempts >= max_attempts THEN 'dead'
                                                ELSE 'queued' END,
                                  run_at = $4, last_error = $3, claimed_until = NULL,
                                  finished_at = CASE WHEN attempts >= max_attempts THEN $5
                                                     ELSE NULL END
                            WHERE id = $1 AND claimed_by = $2 AND status = 'running'
                            RETURNING status";
        let status: Option<String> = on_write!(self, p => sqlx::query_scalar(SQL)
            .bind(id).bind(worker).bind(error).bind(retry_at).bind(now).fetch_optional(p).await)?;
        match status.as_deref() {
            Some("dead") => Ok(Failed::Dead),
            Some(_) => Ok(Failed::Retrying),
            None => Err(lost(id)),
        }
    }

    /// Puts a job `worker` holds back until `run_at` without counting the attempt: a robot's
    /// rate limit or the quiet hours, not a failure.
    pub async fn defer_job(
        &self,
        id: i64,
        worker: &str,
        run_at: i64,
        reason: &str,
    ) -> Result<(), StoreError> {
        // language=SQL
        const SQL: &str = "UPDATE jobs SET status = 'queued', attempts = attempts - 1,
                                  run_at = $3, last_error = $4, claimed_until = NULL
                            WHERE id = $1 AND claimed_by = $2 AND status = 'running'
                            RETURNING id";
        let done: Option<i64> = on_write!(self, p => sqlx::query_scalar(SQL)
            .bind(id).bind(worker).bind(run_at).bind(reason).fetch_optional(p).await)?;
        done.map(|_| ()).ok_or_else(|| lost(id))
    }

    /// A job by id.
    pub async fn job(&self, id: i64) -> Result<Option<Job>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM jobs WHERE id = $1");
        let row: Option<JobRow> = on_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id).fetch_optional(p).await)?;
        row.map(JobRow::into_job).transpose()
    }

    /// A job by its key.
    pub async fn job_by_key(&self, key: &str) -> Result<Option<Job>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM jobs WHERE key = $1");
        let row: Option<JobRow> = on_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(key).fetch_optional(p).await)?;
        row.map(JobRow::into_job).transpose()
    }

    /// The latest `limit` jobs, of one status or all, newest first.
    pub async fn jobs(
        &self,
        status: Option<JobStatus>,
        limit: i64,
    ) -> Result<Vec<Job>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM jobs WHERE ($1 IS NULL OR status = $1)
              ORDER BY id DESC LIMIT $2"
        );
        let rows: Vec<JobRow> = on_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(status.map(JobStatus::code)).bind(limit).fetch_all(p).await)?;
        rows.into_iter().map(JobRow::into_job).collect()
    }

    /// How many jobs stand in each status, and how many queued ones failed before (retries).
    pub async fn job_counts(&self) -> Result<(Vec<(JobStatus, i64)>, i64), StoreError> {
        // language=SQL
        const SQL: &str = "SELECT status, COUNT(*) FROM jobs GROUP BY status";
        // language=SQL
        const RETRYING: &str =
            "SELECT COUNT(*) FROM jobs WHERE status = 'queued' AND last_error IS NOT NULL";
        let rows: Vec<(String, i64)> = on_pool!(self, p => sqlx::query_as(SQL).fetch_all(p).await)?;
        let retrying: i64 = on_pool!(self, p => sqlx::query_scalar(RETRYING).fetch_one(p).await)?;
        let counts = JobStatus::ALL
            .into_iter()
            .map(|s| {
                let n = rows
                    .iter()
                    .find(|(c, _)| c == s.code())
                    .map_or(0, |(_, n)| *n);
                (s, n)
            })
            .collect();
        Ok((counts, retrying))
    }

    /// Starts a delivery of job `job` to `channel` under `key` (one per job × channel): what
    /// to do with it. Recorded before the message leaves.
    pub async fn begin_delivery(
        &self,
        job: i64,
        channel: i64,
        key: &str,
        now: i64,
    ) -> Result<DeliveryStart, StoreError> {
        // language=SQL
        const SQL: &str = "INSERT INTO deliveries (job_id, channel_id, key, status, attempts,
                                                   updated_at)
                           VALUES ($1, $2, $3, 'sending', 1, $4)
                           ON CONFLICT (key) DO UPDATE
                              SET attempts = deliveries.attempts + 1, status = 'sending',
                                  updated_at = excluded.updated_at
                            WHERE deliveries.status <> 'sent'
                           RETURNING attempts";
        let attempts: Option<i64> = on_write!(self, p => sqlx::query_scalar(SQL)
            .bind(job).bind(channel).bind(key).bind(now).fetch_optional(p).await)?;
        Ok(match attempts {
            None => DeliveryStart::Sent,
            Some(1) => DeliveryStart::First,
            Some(_) => DeliveryStart::Again,
        })
    }

    /// Whether the delivery under `key` was sent.
    pub async fn delivery_was_sent(&self, key: &str) -> Result<bool, StoreError> {
        // language=SQL
        const SQL: &str = "SELECT status FROM deliveries WHERE key = $1";
        let status: Option<String> =
            on_pool!(self, p => sqlx::query_scalar(SQL).bind(key).fetch_optional(p).await)?;
        Ok(status.as_deref() == Some("sent"))
    }

    /// Records how a delivery ended: sent (`error` none; the channel's failures cleared) or
    /// failed with the reason (the channel's consecutive failures counted).
    pub async fn end_delivery(
        &self,
        key: &str,
        channel: i64,
        error: Option<&str>,
        now: i64,
    ) -> Result<(), StoreError> {
        // language=SQL
        const DELIVERY: &str =
            "UPDATE deliveries SET status = $2, error = $3, updated_at = $4 WHERE key = $1";
        // language=SQL
        const OK: &str = "UPDATE channels SET failures = 0, last_error = NULL WHERE id = $1";
        // language=SQL
        const FAILED: &str =
            "UPDATE channels SET failures = failures + 1, last_error = $2 WHERE id = $1";
        let status = if error.is_some() { "failed" } else { "sent" };
        on_write!(self, p => sqlx::query(DELIVERY)
            .bind(key).bind(status).bind(error).bind(now).execute(p).await.map(|r| r.rows_affected()))?;
        match error {
            None => {
                on_write!(self, p => sqlx::query(OK).bind(channel).execute(p).await.map(|r| r.rows_affected()))?
            }
            Some(e) => {
                on_write!(self, p => sqlx::query(FAILED).bind(channel).bind(e).execute(p).await.map(|r| r.rows_affected()))?
            }
        };
        Ok(())
    }

    /// The deliveries of a job: (channel, status, attempts, error).
    pub async fn deliveries_of_job(
        &self,
        job: i64,
    ) -> Result<Vec<(i64, String, i64, Option<String>)>, StoreError> {
        // language=SQL
        const SQL: &str = "SELECT channel_id, status, attempts, error FROM deliveries
                            WHERE job_id = $1 ORDER BY id";
        Ok(on_pool!(self, p => sqlx::query_as(SQL).bind(job).fetch_all(p).await)?)
    }
}

impl Tx {
    /// Queues a dead job again with its attempts cleared (the office's retry), audited on the
    /// job. Zero rows — it is not dead (any more) — is a [`StoreError::Conflict`].
    pub async fn retry_dead_job(&mut self, id: i64, now: i64) -> Result<(), StoreError> {
        // language=SQL
        const SQL: &str = "UPDATE jobs SET status = 'queued', attempts = 0, run_at = $2,
                                  claimed_by = NULL, claimed_until = NULL, finished_at = NULL
                            WHERE id = $1 AND status = 'dead'
                            RETURNING last_error";
        // language=SQL
        const FOUND: &str = "SELECT status FROM jobs WHERE id = $1";
        let row: Option<Option<String>> = on_tx!(self, c => sqlx::query_scalar(SQL)
            .bind(id).bind(now).fetch_optional(&mut *c).await)?;
        let Some(last_error) = row else {
            let found: Option<String> = on_tx!(self, c => sqlx::query_scalar(FOUND)
                .bind(id).fetch_optional(&mut *c).await)?;
            return Err(match found {
                None => StoreError::NotFound { entity: "job", id },
                Some(found) => StoreError::Conflict {
                    entity: "job",
                    id,
                    found,
                },
            });
        };
        self.audit(
            "retry",
            "job",
            id,
            Some(json!({ "status": "dead", "last_error": last_error })),
            Some(json!({ "status": "queued", "attempts": 0 })),
        )
        .await
    }
}
