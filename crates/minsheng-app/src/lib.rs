//! minsheng's use-cases: import a plan from its text, build the demo, and the queries the
//! pages and the API show. Each use-case owns its transaction: it either completes or leaves
//! nothing behind.
//!
//! **Architecture invariant:** this crate knows nothing of HTTP or the command line. It
//! turns an [`minsheng_extract::Extraction`] into a domain plan and hands domain types to the
//! store; callers get domain types or view structs back.
#![deny(missing_docs)]

pub mod accounts;
pub mod audit;
pub mod board;
pub mod bulletin;
pub mod bulletin_docx;
pub mod bulletin_xlsx;
pub mod chase;
pub mod clock;
pub mod coordination;
pub mod decomposition;
pub mod demo;
mod error;
pub mod freshness;
pub mod goals;
pub mod history;
pub mod idempotency;
pub mod implementation;
pub mod import;
pub mod intake;
pub mod jobs;
pub mod notify;
pub mod open_data;
pub mod overview;
pub mod plan_diff;
pub mod portal;
pub mod project_drafts;
pub mod projects;
pub(crate) mod queries;
pub mod reporting;
pub mod rollup;
pub mod scoring;
pub mod scoring_xlsx;
pub mod split_sheet;
pub mod target_detail;
pub mod tracking;
mod turns;
pub mod visibility;
pub mod workspace;
pub mod year_end;

pub use error::{AppError, RowRefusal};
pub use minsheng_store::Store;
