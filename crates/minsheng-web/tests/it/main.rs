//! The pages, driven in-process through the router (no port bound), on each backend.

mod api;
mod auth;
mod pages;
mod problems;
mod report_api;
mod support;
mod workflow;
