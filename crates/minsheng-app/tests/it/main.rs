//! Use-case tests, each on SQLite and (when configured) PostgreSQL.

mod accounts;
mod backup;
mod board;
mod bulletin;
mod concurrency;
mod coordination;
mod decomposition;
mod demo;
mod freshness;
mod goals;
mod implementation;
mod import;
mod intake;
mod intake_files;
mod jobs;
mod open_data;
mod project_drafts;
mod projects;
mod reporting;
mod rollup;
mod scoring;
mod support;
mod tracking;
mod year_end;
