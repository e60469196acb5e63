//! The store suite: every test runs on SQLite, and on PostgreSQL when
//! `MINSHENG_TEST_POSTGRES_URL` is set (required when `CI=true`).

mod baseline;
mod data_version;
mod opening;
mod problems;
mod schema;
mod story;
