//! One web error, rendered as a Chinese error page. Internal failures are logged with their
//! cause and shown only as a generic message with a report id, the same id the log line
//! carries. A handler that panics is caught ([`panicked`], tower-http's `CatchPanicLayer`)
//! and answered 500 by the same page, or the API's envelope, never a dropped connection.

use crate::auth::Chrome;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use minsheng_app::AppError;

/// What a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// The page or record does not exist.
    #[error("not found")]
    NotFound,
    /// The request cannot be served as asked; the message says why.
    #[error("{0}")]
    BadRequest(String),
    /// The page needs a signed-in account: pages redirect to the sign-in page (coming back
    /// to `next`), the API answers 401.
    #[error("sign-in required")]
    SignInRequired {
        /// Where to come back to.
        next: String,
        /// Whether the request was for the API.
        api: bool,
    },
    /// The signed-in account may not see or do this; the message says what.
    #[error("{0}")]
    Forbidden(String),
    /// Someone else changed the record first; nothing was written (409). The message says
    /// what it is now.
    #[error("{0}")]
    Conflict(String),
    /// The database cannot take writes now — busy, read-only or out of disk (503 with
    /// `Retry-After`); nothing was written and reads go on. The message says which.
    #[error("{0}")]
    Unavailable(String),
    /// Something failed inside; logged, never shown.
    #[error("internal error: {0}")]
    Internal(String),
    /// A handler panicked; logged with this report id where it was caught ([`panicked`]).
    #[error("internal error (report {0})")]
    Panicked(String),
}

/// A new report id: what a person quotes from an error page to find its log line (the time
/// in milliseconds and a counter of this process, in hex).
pub(crate) fn report_id() -> String {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let ms = jiff::Timestamp::now().as_millisecond();
    format!("{ms:x}-{n:x}")
}

/// Where a panic was caught: logged with a report id, answered 500 as [`WebError::Panicked`]
/// (the site's outer layer renders it as the API's envelope for `/api/` requests).
pub(crate) fn panicked(payload: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_string());
    let id = report_id();
    tracing::error!(error.report = %id, error.panic = %message,
        "A handler panicked (report {id}): {message}");
    let mut res = WebError::Panicked(id.clone()).into_response();
    res.extensions_mut().insert(Panicked(id));
    res
}

/// Marks the answer to a panic, so the outer layer can answer an API request with the JSON
/// envelope instead of the page.
#[derive(Debug, Clone)]
pub(crate) struct Panicked(pub String);

/// The detail shown for an internal failure: generic, with the report id of its log line.
pub(crate) fn internal_detail(id: &str) -> String {
    format!(
        "服务器处理请求时出错,已记录日志(报告编号 {id})。/ The server failed and has logged the error (report {id})."
    )
}

impl From<AppError> for WebError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::NotFound { .. } => WebError::NotFound,
            e @ AppError::Forbidden { .. } => WebError::Forbidden(e.to_string()),
            e @ AppError::Conflict { .. } => WebError::Conflict(e.to_string()),
            AppError::Unavailable(e) => {
                tracing::warn!(error.cause = %e, "A write was refused: {e}");
                WebError::Unavailable(e.to_string())
            }
            e if e.is_user_error() => WebError::BadRequest(e.to_string()),
            e => WebError::Internal(format!("{e:?}")),
        }
    }
}

/// How long a client is asked to wait before trying a refused write again.
pub(crate) const RETRY_AFTER_SECONDS: &str = "5";

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    title: &'a str,
    detail: &'a str,
    chrome: Chrome,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let detail_text;
        let (status, title, detail) = match &self {
            WebError::NotFound => (
                StatusCode::NOT_FOUND,
                "页面不存在 / Not found",
                "您要找的页面或记录不存在。/ The page or record you asked for does not exist.",
            ),
            WebError::SignInRequired { next, api } => {
                if *api {
                    return crate::api::ApiError::from(self).into_response();
                }
                let to = format!("/login?next={}", crate::auth::encode_query(next));
                return Redirect::to(&to).into_response();
            }
            WebError::Forbidden(msg) => {
                (StatusCode::FORBIDDEN, "无权访问 / Forbidden", msg.as_str())
            }
            WebError::BadRequest(msg) => (
                StatusCode::BAD_REQUEST,
                "请求有误 / Bad request",
                msg.as_str(),
            ),
            WebError::Conflict(msg) => (
                StatusCode::CONFLICT,
                "已被他人处理 / Already done",
                msg.as_str(),
            ),
            WebError::Unavailable(msg) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "暂停写入 / Writes paused",
                msg.as_str(),
            ),
            WebError::Internal(cause) => {
                let id = report_id();
                tracing::error!(error.cause = %cause, error.report = %id,
                    "Internal error while serving a page (report {id}): {cause}");
                detail_text = internal_detail(&id);
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "系统内部错误 / Internal error",
                    detail_text.as_str(),
                )
            }
            WebError::Panicked(id) => {
                detail_text = internal_detail(id);
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "系统内部错误 / Internal error",
                    detail_text.as_str(),
                )
            }
        };
        let page = ErrorPage {
            status: status.as_u16(),
            title,
            detail,
            chrome: Chrome::plain(),
        };
        let mut response = match page.render() {
            Ok(body) => (status, Html(body)).into_response(),
            Err(_) => (status, title.to_string()).into_response(),
        };
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static(RETRY_AFTER_SECONDS),
            );
        }
        response
    }
}
