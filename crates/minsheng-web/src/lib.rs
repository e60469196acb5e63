//! minsheng over HTTP: server-rendered pages in Chinese (they work without JavaScript).
//!
//! **Architecture invariant:** this is the only crate that names axum, askama or HTTP status
//! codes. It holds no state of its own beyond the [`AppState`] handed to [`router`]: sessions
//! and data live in the database, so several servers can stand behind one load balancer.
#![deny(missing_docs)]

mod api;
mod error;
mod html;

pub use error::WebError;

use axum::Router;
use axum::http::{HeaderValue, header};
use minsheng_app::Store;
use std::time::Duration;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// What every handler may use.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// Whether this is a demo database: every page then says its assignments are invented.
    pub demo: bool,
    /// The day the pages treat as today; `None` for the real date (in Beijing). The demo sets
    /// the day its invented data stands at.
    pub today: Option<jiff::civil::Date>,
    /// How far behind 序时进度 counts as lagging or at risk.
    pub thresholds: minsheng_domain::Thresholds,
}

impl AppState {
    /// Today, as the pages count it.
    pub fn today(&self) -> jiff::civil::Date {
        self.today.unwrap_or_else(|| {
            jiff::Timestamp::now()
                .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
                .date()
        })
    }
}

/// The whole site.
pub fn router(state: AppState) -> Router {
    html::routes()
        .merge(api::routes())
        .fallback(html::not_found)
        .with_state(state)
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'"),
        ))
        .layer(TraceLayer::new_for_http())
}

/// Serves the site on `listener` until Ctrl-C or SIGTERM, then finishes the requests under
/// way.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown())
        .await
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
