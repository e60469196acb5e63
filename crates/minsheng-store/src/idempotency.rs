//! Idempotency keys (migration 0008): the first answer to an API write, kept so that a retry
//! of the same request with the same key gets it again instead of doing the write twice.
//! Each call is one statement, on SQLite through the one writer connection.

use crate::error::StoreError;
use crate::{Store, on_write};
use minsheng_domain::UserId;

/// A request that pends longer than this is taken to have died with its server (killed
/// between claiming its key and keeping its answer), and a retry may run it again. Taking over
/// early is safe: the key only gives the same answer; the use-cases' own rules (a conditional
/// review, the assignment's lock) are what keep a write from happening twice. So the wait is
/// short — a restarted server's clients are not kept waiting for a minute.
pub const STALE_AFTER_SECONDS: i64 = 10;

/// How long answers are kept.
pub const KEPT_SECONDS: i64 = 24 * 60 * 60;

/// What [`Store::idempotency_begin`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyState {
    /// The key is new (or its earlier request died): run the request, then
    /// [`Store::idempotency_finish`] or [`Store::idempotency_abandon`].
    Run,
    /// The same request with this key is still under way.
    Pending,
    /// The key was used for another request.
    Mismatch,
    /// The same request was answered: give this answer again.
    Done {
        /// HTTP status.
        status: u16,
        /// `Content-Type` of the answer, if it had one.
        content_type: Option<String>,
        /// The answer's body.
        body: Vec<u8>,
    },
}

type KeyRow = (String, Option<i64>, Option<String>, Option<Vec<u8>>, i64);

impl Store {
    /// Claims `key` for `user`'s request with hash `request_hash` at `now` (Unix seconds).
    pub async fn idempotency_begin(
        &self,
        user: UserId,
        key: &str,
        request_hash: &str,
        now: i64,
    ) -> Result<KeyState, StoreError> {
        // language=SQL
        const CLAIM: &str = "INSERT INTO idempotency_keys (user_id, key, request_hash, created_at)
                             VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, key) DO NOTHING";
        // language=SQL
        const GET: &str = "SELECT request_hash, status, content_type, body, created_at
                           FROM idempotency_keys WHERE user_id = $1 AND key = $2";
        // language=SQL
        const TAKE_OVER: &str = "UPDATE idempotency_keys SET created_at = $3
                                 WHERE user_id = $1 AND key = $2 AND status IS NULL
                                   AND created_at = $4";
        let claimed = on_write!(self, p => sqlx::query(CLAIM).bind(user.0).bind(key)
            .bind(request_hash).bind(now).execute(p).await.map(|r| r.rows_affected()))?;
        if claimed == 1 {
            return Ok(KeyState::Run);
        }
        let row: Option<KeyRow> = on_write!(self, p => sqlx::query_as(GET).bind(user.0).bind(key)
            .fetch_optional(p).await)?;
        let Some((hash, status, content_type, body, created_at)) = row else {
            // Swept between the two statements: claim it again.
            return Box::pin(self.idempotency_begin(user, key, request_hash, now)).await;
        };
        if hash != request_hash {
            return Ok(KeyState::Mismatch);
        }
        match status {
            Some(status) => Ok(KeyState::Done {
                status: u16::try_from(status).unwrap_or(500),
                content_type,
                body: body.unwrap_or_default(),
            }),
            None if now - created_at > STALE_AFTER_SECONDS => {
                // Only one retry takes a stale request over.
                let took = on_write!(self, p => sqlx::query(TAKE_OVER).bind(user.0).bind(key)
                    .bind(now).bind(created_at).execute(p).await.map(|r| r.rows_affected()))?;
                Ok(if took == 1 {
                    KeyState::Run
                } else {
                    KeyState::Pending
                })
            }
            None => Ok(KeyState::Pending),
        }
    }

    /// Keeps the answer to the request that claimed `key`.
    pub async fn idempotency_finish(
        &self,
        user: UserId,
        key: &str,
        status: u16,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Result<(), StoreError> {
        // language=SQL
        const SQL: &str = "UPDATE idempotency_keys SET status = $3, content_type = $4, body = $5
                           WHERE user_id = $1 AND key = $2";
        on_write!(self, p => sqlx::query(SQL).bind(user.0).bind(key).bind(i64::from(status))
            .bind(content_type).bind(body).execute(p).await.map(|_| ()))?;
        Ok(())
    }

    /// Releases `key` after a request that changed nothing and may be tried again (it was
    /// refused as busy, or failed inside).
    pub async fn idempotency_abandon(&self, user: UserId, key: &str) -> Result<(), StoreError> {
        // language=SQL
        const SQL: &str =
            "DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND status IS NULL";
        on_write!(self, p => sqlx::query(SQL).bind(user.0).bind(key).execute(p).await.map(|_| ()))?;
        Ok(())
    }

    /// Forgets answers older than [`KEPT_SECONDS`] before `now`; returns how many.
    pub async fn idempotency_sweep(&self, now: i64) -> Result<u64, StoreError> {
        // language=SQL
        const SQL: &str = "DELETE FROM idempotency_keys WHERE created_at < $1";
        Ok(
            on_write!(self, p => sqlx::query(SQL).bind(now - KEPT_SECONDS).execute(p).await
            .map(|r| r.rows_affected()))?,
        )
    }
}
