//! One web error, rendered as a Chinese error page. Internal failures are logged with their
//! cause and shown only as a generic message.

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
                tracing::error!(error.cause = %cause, "Internal error while serving a page: {cause}");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "系统内部错误 / Internal error",
                    "服务器处理请求时出错,已记录日志。/ The server failed and has logged the error.",
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
