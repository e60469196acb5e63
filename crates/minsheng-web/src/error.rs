//! One web error and its one classification: every failure is a [`WebError`], classified
//! once into a [`Kind`] (kind → HTTP status → stable code), with its message in both
//! languages ([`Text`]). It is rendered two ways: as the page (`html::error_page`, in the
//! request's language and frame, by the site's outer layer) or as the API's JSON envelope
//! (`api::ApiError`). Internal failures are logged with their cause and a report id here,
//! where they are classified, and shown only as a generic message quoting that id. A handler
//! that panics is caught ([`panicked`], tower-http's `CatchPanicLayer`) and answered 500 the
//! same way, never a dropped connection.
//!
//! This module is a leaf: it names no other module of the crate but `i18n`, so the pages,
//! the API and the sign-in all depend on it and it on none of them.

use crate::i18n::Lang;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use minsheng_app::AppError;
use std::borrow::Cow;

/// What a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// The page or record does not exist.
    #[error("not found")]
    NotFound,
    /// The request cannot be served as asked; the message says why, Chinese first.
    #[error("{0}")]
    BadRequest(String),
    /// A value that cannot be used, naming its field: 422 from the API, 400 as a page.
    #[error("{field}:{reason}")]
    Invalid {
        /// The field at fault.
        field: String,
        /// Why, Chinese first.
        reason: String,
    },
    /// Several values that cannot be used, one `(field, reason)` each.
    #[error("{}", fields_text(.0))]
    Fields(Vec<(String, String)>),
    /// An upload over its limit (413), naming the field.
    #[error("{field}:{reason}")]
    TooLarge {
        /// The field at fault.
        field: String,
        /// Why, Chinese first.
        reason: String,
    },
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

fn fields_text(fields: &[(String, String)]) -> String {
    fields
        .iter()
        .map(|(f, r)| format!("{f}:{r}"))
        .collect::<Vec<_>>()
        .join(";")
}

/// The kinds of failure: the one table from a failure to its HTTP status and stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `not_found`, 404.
    NotFound,
    /// `bad_request`, 400.
    BadRequest,
    /// `invalid`, 422 from the API; a page answers 400 (it was a link or form followed).
    Invalid,
    /// `too_large`, 413.
    TooLarge,
    /// `unauthenticated`, 401 (a page redirects to the sign-in page instead).
    Unauthenticated,
    /// `forbidden`, 403.
    Forbidden,
    /// `conflict`, 409.
    Conflict,
    /// `unavailable`, 503 with `Retry-After`.
    Unavailable,
    /// `internal`, 500: logged with a report id, never shown.
    Internal,
}

/// How an error is rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rendering {
    /// As a page.
    Page,
    /// As the API's JSON envelope.
    Api,
}

impl Kind {
    /// The HTTP status it is answered with.
    pub(crate) fn status(self, as_: Rendering) -> StatusCode {
        match self {
            Kind::NotFound => StatusCode::NOT_FOUND,
            Kind::BadRequest => StatusCode::BAD_REQUEST,
            Kind::Invalid => match as_ {
                Rendering::Api => StatusCode::UNPROCESSABLE_ENTITY,
                Rendering::Page => StatusCode::BAD_REQUEST,
            },
            Kind::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Kind::Unauthenticated => StatusCode::UNAUTHORIZED,
            Kind::Forbidden => StatusCode::FORBIDDEN,
            Kind::Conflict => StatusCode::CONFLICT,
            Kind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Kind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable code of the API's envelope.
    pub(crate) fn code(self) -> &'static str {
        match self {
            Kind::NotFound => "not_found",
            Kind::BadRequest => "bad_request",
            Kind::Invalid => "invalid",
            Kind::TooLarge => "too_large",
            Kind::Unauthenticated => "unauthenticated",
            Kind::Forbidden => "forbidden",
            Kind::Conflict => "conflict",
            Kind::Unavailable => "unavailable",
            Kind::Internal => "internal",
        }
    }

    /// The page's heading.
    pub(crate) fn title(self) -> Text {
        let (zh, en) = match self {
            Kind::NotFound => ("页面不存在", "Not found"),
            Kind::BadRequest | Kind::Invalid | Kind::TooLarge => ("请求有误", "Bad request"),
            Kind::Unauthenticated => ("请先登录", "Sign in first"),
            Kind::Forbidden => ("无权访问", "Forbidden"),
            Kind::Conflict => ("已被他人处理", "Already done"),
            Kind::Unavailable => ("暂停写入", "Writes paused"),
            Kind::Internal => ("系统内部错误", "Internal error"),
        };
        Text::new(zh, en)
    }
}

/// A message in both languages, as structured fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Text {
    zh: Cow<'static, str>,
    en: Cow<'static, str>,
    /// The one string it was split from, kept as written for the API.
    joined: Option<String>,
}

impl Text {
    /// A message from its two languages.
    pub(crate) fn new(zh: impl Into<Cow<'static, str>>, en: impl Into<Cow<'static, str>>) -> Text {
        Text {
            zh: zh.into(),
            en: en.into(),
            joined: None,
        }
    }

    /// A message the lower layers wrote in one string, Chinese first and English second
    /// ("…不存在 / … not found"): split at its first " / " (or "/ "). A message with no
    /// English part is the same in both.
    pub(crate) fn split(both: &str) -> Text {
        let cut = both
            .find(" / ")
            .map(|i| (i, i + 3))
            .or_else(|| both.find("/ ").map(|i| (i, i + 2)));
        match cut {
            Some((end, start)) if !both[start..].trim().is_empty() => Text {
                zh: both[..end].trim_end().to_string().into(),
                en: both[start..].trim().to_string().into(),
                joined: Some(both.to_string()),
            },
            _ => Text::new(both.to_string(), both.to_string()),
        }
    }

    /// Both languages, Chinese first: what the API answers.
    pub(crate) fn both(&self) -> String {
        if let Some(joined) = &self.joined {
            joined.clone()
        } else if self.zh == self.en {
            self.zh.to_string()
        } else {
            format!("{} / {}", self.zh, self.en)
        }
    }

    /// What a page in `lang` shows: the message in that language only (the other half goes
    /// with the language switch).
    pub(crate) fn for_page(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => self.zh.to_string(),
            Lang::En => self.en.to_string(),
        }
    }
}

/// An error classified: what both renderings read.
#[derive(Debug, Clone)]
pub(crate) struct Problem {
    /// Its kind.
    pub kind: Kind,
    /// The fields at fault with why (one `None` field for an error of the whole request).
    pub details: Vec<(Option<String>, Text)>,
    /// Where a page sends someone who must sign in first.
    pub sign_in_next: Option<String>,
}

impl Problem {
    /// The detail of a single-error problem, for a page.
    pub(crate) fn detail(&self, lang: Lang) -> String {
        self.details
            .iter()
            .map(|(field, text)| match field {
                Some(f) => format!("{f}:{}", text.for_page(lang)),
                None => text.for_page(lang),
            })
            .collect::<Vec<_>>()
            .join(";")
    }
}

impl WebError {
    /// Classifies the error once: its kind and its messages. An internal failure is logged
    /// here with a new report id, which its message quotes.
    pub(crate) fn classify(self) -> Problem {
        let one = |kind, text| Problem {
            kind,
            details: vec![(None, text)],
            sign_in_next: None,
        };
        match self {
            WebError::NotFound => one(
                Kind::NotFound,
                Text::new(
                    "您要找的页面或记录不存在。",
                    "The page or record you asked for does not exist.",
                ),
            ),
            WebError::BadRequest(msg) => one(Kind::BadRequest, Text::split(&msg)),
            WebError::Invalid { field, reason } => Problem {
                kind: Kind::Invalid,
                details: vec![(Some(field), Text::split(&reason))],
                sign_in_next: None,
            },
            WebError::Fields(fields) => Problem {
                kind: Kind::Invalid,
                details: fields
                    .into_iter()
                    .map(|(f, r)| (Some(f), Text::split(&r)))
                    .collect(),
                sign_in_next: None,
            },
            WebError::TooLarge { field, reason } => Problem {
                kind: Kind::TooLarge,
                details: vec![(Some(field), Text::split(&reason))],
                sign_in_next: None,
            },
            WebError::SignInRequired { next, .. } => Problem {
                kind: Kind::Unauthenticated,
                details: vec![(None, Text::new("请先登录", "sign in first"))],
                sign_in_next: Some(next),
            },
            WebError::Forbidden(msg) => one(Kind::Forbidden, Text::split(&msg)),
            WebError::Conflict(msg) => one(Kind::Conflict, Text::split(&msg)),
            WebError::Unavailable(msg) => one(Kind::Unavailable, Text::split(&msg)),
            WebError::Internal(cause) => {
                let id = report_id();
                tracing::error!(error.cause = %cause, error.report = %id,
                    "Internal error while serving a request (report {id}): {cause}");
                one(Kind::Internal, internal_detail(&id))
            }
            WebError::Panicked(id) => one(Kind::Internal, internal_detail(&id)),
        }
    }
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
/// (the site's outer layer renders it as the page or the API's envelope).
pub(crate) fn panicked(payload: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_string());
    let id = report_id();
    tracing::error!(error.report = %id, error.panic = %message,
        "A handler panicked (report {id}): {message}");
    WebError::Panicked(id).into_response()
}

/// The detail shown for an internal failure: generic, with the report id of its log line.
fn internal_detail(id: &str) -> Text {
    Text::new(
        format!("服务器处理请求时出错,已记录日志(报告编号 {id})。"),
        format!("The server failed and has logged the error (report {id})."),
    )
}

impl From<AppError> for WebError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::NotFound { .. } => WebError::NotFound,
            AppError::Invalid { field, reason } => WebError::Invalid { field, reason },
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
const RETRY_AFTER_SECONDS: &str = "5";

/// Sets what every answer of this kind carries besides its body (`Retry-After` on 503).
pub(crate) fn finish(kind: Kind, response: &mut Response) {
    if kind == Kind::Unavailable {
        response.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from_static(RETRY_AFTER_SECONDS),
        );
    }
}

/// A classified error waiting for the site's outer layer to render it as a page in the
/// request's language and frame (or the API's envelope for an `/api/` request).
#[derive(Debug, Clone)]
pub(crate) struct Unrendered(pub Problem);

impl IntoResponse for WebError {
    /// The status and a plain body now; the outer layer renders the page (it knows the
    /// request's language and account), or the envelope for an API request.
    fn into_response(self) -> Response {
        let problem = self.classify();
        let status = problem.kind.status(Rendering::Page);
        let mut response = (
            status,
            format!(
                "{}\n{}",
                problem.kind.title().both(),
                problem.detail(Lang::Zh)
            ),
        )
            .into_response();
        finish(problem.kind, &mut response);
        response.extensions_mut().insert(Unrendered(problem));
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_in_one_string_is_split_chinese_first() {
        let t = Text::split("计划 3 不存在 / plan 3 not found");
        assert_eq!(t.for_page(Lang::En), "plan 3 not found");
        assert_eq!(t.both(), "计划 3 不存在 / plan 3 not found");
        let t = Text::split("status:“x”不是状态(a、b)/ 'x' is not a status");
        assert_eq!(t.for_page(Lang::En), "'x' is not a status");
        assert_eq!(t.both(), "status:“x”不是状态(a、b)/ 'x' is not a status");
        let t = Text::split("只有中文");
        assert_eq!(t.for_page(Lang::En), "只有中文");
    }
}
