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
    /// The store failed.
    #[error(transparent)]
    Store(StoreError),
}

impl AppError {
    /// Whether the user can fix this (as opposed to an internal failure).
    pub fn is_user_error(&self) -> bool {
        match self {
            AppError::NotFound { .. } | AppError::Invalid { .. } => true,
            AppError::Store(e) => e.is_user_error(),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { entity, id } => AppError::NotFound { what: entity, id },
            other => AppError::Store(other),
        }
    }
}
