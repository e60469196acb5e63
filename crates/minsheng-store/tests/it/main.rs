//! The store suite: every test runs on SQLite, and on PostgreSQL when
//! `MINSHENG_TEST_POSTGRES_URL` is set (required when `CI=true`).

mod backup;
mod baseline;
mod bulletins;
mod data_version;
mod fixtures;
mod goals;
mod migrations;
mod opening;
mod problems;
mod projects;
mod schema;
mod story;
