//! Use-case tests, each on SQLite and (when configured) PostgreSQL.

mod demo;
mod import;
mod reporting;
mod rollup;
