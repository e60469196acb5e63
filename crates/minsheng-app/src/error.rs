//! Use-case errors: what the user can fix, and what they cannot.

use minsheng_store::StoreError;

/// A use-case error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AppError {
    /// Something asked for does not exist.
    #[error("{what} {id} 不存在 / {what} {id} not found")]
    NotFound {
        /// The kind of record.
        what: &'static str,
        /// Its id.
        id: i64,
    },
    /// Input that cannot be used as it is; names the field and the reason.
    #[error("{field}:{reason}")]
    Invalid {
        /// Where the problem is.
        field: String,
        /// What is wrong, Chinese first.
        reason: String,
    },
    /// Rows of a batch were refused, each with its line, field and reason; nothing was saved.
    #[error("{} 行有误,未保存任何数据 / {} rows refused, nothing saved:\n{}", .0.len(), .0.len(), shown(.0))]
    Rows(Vec<RowRefusal>),
    /// The name and password do not match an account that may sign in. Deliberately says
    /// nothing of which was wrong.
    #[error("账号或密码错误 / wrong name or password")]
    SignInRefused,
    /// Too many failed sign-ins lately, as this name or from this client: the next attempt
    /// must wait.
    #[error(
        "登录失败次数过多,请 {seconds} 秒后再试 / too many failed sign-ins; try again in {seconds} seconds"
    )]
    SignInThrottled {
        /// How long to wait, in seconds.
        seconds: i64,
    },
    /// The account may not see or do this.
    #[error("无权{what} / not allowed to {what_en}")]
    Forbidden {
        /// What was refused, in Chinese (查看该单位的数据).
        what: &'static str,
        /// The same in English.
        what_en: &'static str,
    },
    /// Someone else changed the record first (a report reviewed by two people at once):
    /// nothing was written; the reason says what it is now.
    #[error("{reason}")]
    Conflict {
        /// What happened, Chinese first.
        reason: String,
    },
    /// The database cannot take writes now (busy, read-only, a full disk): nothing was
    /// written, and the same request may be tried again later. Reads go on.
    #[error(transparent)]
    Unavailable(StoreError),
    /// The store failed.
    #[error(transparent)]
    Store(StoreError),
    /// An uploaded file could not be read (the user's file, or a missing PDF reader).
    #[error(transparent)]
    Read(crate::intake::ReadError),
}

/// One refused row of a batch.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RowRefusal {
    /// The row's line in its file (as the caller numbered it).
    pub line: usize,
    /// The field at fault (`assignment`, `period`, `value`, `unit`, …).
    pub field: String,
    /// Why, Chinese first.
    pub reason: String,
}

impl std::fmt::Display for RowRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "第 {} 行 {}:{}", self.line, self.field, self.reason)
    }
}

/// The first 20 refusals, one a line.
fn shown(rows: &[RowRefusal]) -> String {
    let mut out: Vec<String> = rows.iter().take(20).map(ToString::to_string).collect();
    if rows.len() > 20 {
        out.push(format!(
            "……另有 {} 行 / and {} more",
            rows.len() - 20,
            rows.len() - 20
        ));
    }
    out.join("\n")
}

impl AppError {
    /// Whether the user can fix this (as opposed to an internal failure).
    pub fn is_user_error(&self) -> bool {
        match self {
            AppError::NotFound { .. }
            | AppError::Invalid { .. }
            | AppError::Rows(_)
            | AppError::SignInRefused
            | AppError::SignInThrottled { .. }
            | AppError::Forbidden { .. }
            | AppError::Conflict { .. } => true,
            AppError::Unavailable(_) => false,
            AppError::Store(e) => e.is_user_error(),
            AppError::Read(e) => e.is_user_error(),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { entity, id } => AppError::NotFound { what: entity, id },
            e @ (StoreError::Conflict { .. } | StoreError::PlanClosed { .. }) => {
                AppError::Conflict {
                    reason: e.to_string(),
                }
            }
            e if e.is_unavailable() => AppError::Unavailable(e),
            other => AppError::Store(other),
        }
    }
}
