//! The site's own static files, compiled into the binary: one stylesheet, no third-party
//! code.

use crate::AppState;
use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

const SITE_CSS: &str = include_str!("../assets/site.css");

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/assets/site.css", get(site_css))
}

async fn site_css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        SITE_CSS,
    )
}
