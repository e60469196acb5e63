//! The pages, driven in-process through the router (no port bound), on each backend.

mod api;
mod assessment;
mod audit;
mod auth;
mod bulletins;
mod decompose;
mod editor;
mod english;
mod extremes;
mod gates;
mod goals;
mod implementation_api;
mod limits;
mod month_end;
mod office;
mod openapi;
mod pages;
mod portal;
mod problems;
mod replica;
mod report_api;
mod review_queue;
mod support;
mod two_servers;
mod workflow;
mod year_end;
