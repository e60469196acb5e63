//! Idempotency keys for writes: a client that retries a write with the same
//! `Idempotency-Key` gets the first answer again instead of a second write (or a confusing
//! "already filed" refusal). The HTTP side (hashing the request, keeping the answer) is the web
//! crate's; this is the rule of what a key may do.

use crate::error::AppError;
use minsheng_domain::UserId;
use minsheng_store::{KeyState, Store};

/// The longest key accepted.
pub const MAX_KEY_LEN: usize = 200;

/// Checks a key as sent: 1–200 visible ASCII characters (a UUID, a random token).
pub fn check_key(key: &str) -> Result<(), AppError> {
    if key.is_empty() || key.len() > MAX_KEY_LEN || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(bad_key());
    }
    Ok(())
}

/// The refusal of a key that is not 1–200 visible ASCII characters.
pub fn bad_key() -> AppError {
    AppError::Invalid {
        field: "Idempotency-Key".into(),
        reason: format!(
            "幂等键须为 1 到 {MAX_KEY_LEN} 个可见 ASCII 字符 / the Idempotency-Key must be 1 to {MAX_KEY_LEN} visible ASCII characters"
        ),
    }
}

/// What to do with a request that carries a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Start {
    /// Run it, then [`finish`] (or [`abandon`] when it changed nothing and may be retried).
    Run,
    /// Answer it with the first answer again.
    Replay {
        /// HTTP status.
        status: u16,
        /// `Content-Type`, if any.
        content_type: Option<String>,
        /// Body.
        body: Vec<u8>,
    },
}

/// Claims `key` for `user`'s request (identified by `request_hash`) at `now` (Unix seconds).
/// The same key for another request is [`AppError::Invalid`]; for the same request still under
/// way, [`AppError::Conflict`].
pub async fn begin(
    store: &Store,
    user: UserId,
    key: &str,
    request_hash: &str,
    now: i64,
) -> Result<Start, AppError> {
    check_key(key)?;
    match store.idempotency_begin(user, key, request_hash, now).await? {
        KeyState::Run => Ok(Start::Run),
        KeyState::Done {
            status,
            content_type,
            body,
        } => Ok(Start::Replay {
            status,
            content_type,
            body,
        }),
        KeyState::Pending => Err(AppError::Conflict {
            reason: "使用同一幂等键的请求仍在处理中,请稍后重试 / a request with this Idempotency-Key is still under way: try again shortly".into(),
        }),
        KeyState::Mismatch => Err(AppError::Invalid {
            field: "Idempotency-Key".into(),
            reason: "该幂等键已用于另一个请求 / this Idempotency-Key was used for another request"
                .into(),
        }),
    }
}

/// Keeps the answer to a request that ran.
pub async fn finish(
    store: &Store,
    user: UserId,
    key: &str,
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<(), AppError> {
    Ok(store
        .idempotency_finish(user, key, status, content_type, body)
        .await?)
}

/// Releases a key whose request changed nothing and may be tried again.
pub async fn abandon(store: &Store, user: UserId, key: &str) -> Result<(), AppError> {
    Ok(store.idempotency_abandon(user, key).await?)
}

/// Forgets answers kept longer than a day.
pub async fn sweep(store: &Store, now: i64) -> Result<u64, AppError> {
    Ok(store.idempotency_sweep(now).await?)
}
