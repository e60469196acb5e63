//! The binary as a person runs it, and the tidy checks that guard the crate boundaries.

mod assess_cli;
mod backup_cli;
mod bulletin_cli;
mod cli;
mod crash;
mod export_cli;
mod report_cli;
mod tidy;
mod user_cli;
mod worker_cli;
