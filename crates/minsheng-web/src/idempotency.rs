//! `Idempotency-Key` for the API's writes: a retried request with the same key (and the same
//! method, path and body) is answered with the first answer, never run twice. Keys belong to
//! the signed-in account; a write without a key, or without an account, passes through.
//!
//! What is kept: answers below 500 (a 2xx, and refusals such as 409 or 422, which a retry
//! would only meet again). A 5xx — including 503, "busy, nothing written" — releases the key,
//! so the retry runs afresh. The request's hash (SHA-256 over method, path, query and body)
//! ties the key to one request: the same key with another body is refused (422).

use crate::AppState;
use crate::api::ApiError;
use crate::error::WebError;
use crate::session::ACCOUNT_KEY;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use minsheng_app::idempotency::{self, Start};
use minsheng_domain::UserId;
use sha2::{Digest, Sha256};
use tower_sessions::Session;

/// The request header.
pub(crate) const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");

/// Set on an answer given again from an earlier request with the same key.
pub(crate) const REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");

/// The largest body a keyed request may carry (evidence uploads are at most 20 MiB).
const MAX_BODY: usize = 24 * 1024 * 1024;

/// The largest answer kept (the API's answers to writes are small).
const MAX_KEPT_ANSWER: usize = 1024 * 1024;

/// The middleware, on the API's routes (inside the session layer).
pub(crate) async fn layer(State(st): State<AppState>, req: Request, next: Next) -> Response {
    if req.method().is_safe() {
        return next.run(req).await;
    }
    let Some(key) = req.headers().get(&IDEMPOTENCY_KEY) else {
        return next.run(req).await;
    };
    let Ok(key) = key.to_str().map(str::to_string) else {
        return ApiError::from(idempotency::bad_key()).into_response();
    };
    let session = req.extensions().get::<Session>().cloned();
    let Some(user) = account_of(session).await else {
        // Not signed in: the handler answers 401, and nothing is kept.
        return next.run(req).await;
    };
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => {
            return ApiError(WebError::TooLarge {
                field: "body".into(),
                reason: "请求内容过大 / the body is too large".into(),
            })
            .into_response();
        }
    };
    let hash = request_hash(&parts, &bytes);
    let now = jiff::Timestamp::now().as_second();
    match idempotency::begin(&st.store, user, &key, &hash, now).await {
        Err(e) => ApiError::from(e).into_response(),
        Ok(Start::Replay {
            status,
            content_type,
            body,
        }) => replay(status, content_type, body),
        Ok(Start::Run) => {
            let answer = next
                .run(Request::from_parts(parts, Body::from(bytes)))
                .await;
            keep(&st, user, &key, answer).await
        }
    }
}

/// The signed-in account of the request's session, if any.
async fn account_of(session: Option<Session>) -> Option<UserId> {
    let id: Option<i64> = session?.get(ACCOUNT_KEY).await.ok()?;
    id.map(UserId)
}

fn request_hash(parts: &axum::http::request::Parts, body: &Bytes) -> String {
    let mut h = Sha256::new();
    h.update(parts.method.as_str().as_bytes());
    h.update([0]);
    h.update(
        parts
            .uri
            .path_and_query()
            .map_or("", |p| p.as_str())
            .as_bytes(),
    );
    h.update([0]);
    if let Some(ct) = parts.headers.get(header::CONTENT_TYPE) {
        h.update(ct.as_bytes());
    }
    h.update([0]);
    h.update(body);
    h.finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>()
}

/// Keeps the answer (or releases the key after a 5xx) and sends it on.
async fn keep(st: &AppState, user: UserId, key: &str, answer: Response) -> Response {
    let status = answer.status();
    if status.is_server_error() {
        if let Err(e) = idempotency::abandon(&st.store, user, key).await {
            tracing::warn!(error = %e, "Could not release an idempotency key");
        }
        return answer;
    }
    let (parts, body) = answer.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_KEPT_ANSWER).await {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "An answer to a keyed write could not be read");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    if let Err(e) =
        idempotency::finish(&st.store, user, key, status.as_u16(), content_type, &bytes).await
    {
        // The write itself is committed and its answer is the truth: send it. A retry will
        // find the key pending, then stale, and be refused by the use-case's own rules.
        tracing::warn!(error = %e, "Could not keep the answer to a keyed write");
    }
    Response::from_parts(parts, Body::from(bytes))
}

fn replay(status: u16, content_type: Option<String>, body: Vec<u8>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let mut answer = (status, body).into_response();
    let h = answer.headers_mut();
    if let Some(ct) = content_type.and_then(|c| HeaderValue::from_str(&c).ok()) {
        h.insert(header::CONTENT_TYPE, ct);
    }
    h.insert(REPLAYED, HeaderValue::from_static("true"));
    answer
}
