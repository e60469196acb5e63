//! The pages, driven in-process through the router (no port bound), on each backend.

mod api;
mod auth;
mod office;
mod pages;
mod support;
