//! One web error, rendered as a Chinese error page. Internal failures are logged with their
//! cause and shown only as a generic message.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
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
    /// Something failed inside; logged, never shown.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<AppError> for WebError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::NotFound { .. } => WebError::NotFound,
            e if e.is_user_error() => WebError::BadRequest(e.to_string()),
            e => WebError::Internal(format!("{e:?}")),
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    title: &'a str,
    detail: &'a str,
    demo: bool,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, title, detail) = match &self {
            WebError::NotFound => (
                StatusCode::NOT_FOUND,
                "页面不存在 / Not found",
                "您要找的页面或记录不存在。/ The page or record you asked for does not exist.",
            ),
            WebError::BadRequest(msg) => (
                StatusCode::BAD_REQUEST,
                "请求有误 / Bad request",
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
            demo: false,
        };
        match page.render() {
            Ok(body) => (status, Html(body)).into_response(),
            Err(_) => (status, title.to_string()).into_response(),
        }
    }
}
