//! minsheng over HTTP: server-rendered pages in Chinese (they work without JavaScript).
//!
//! **Architecture invariant:** this is the only crate that names axum, askama or HTTP status
//! codes. It holds no state of its own beyond the [`AppState`] handed to [`router`]: sessions
//! and data live in the database, so several servers can stand behind one load balancer.
#![deny(missing_docs)]

mod api;
mod assessment;
mod assets;
mod audit;
mod auth;
pub mod baseline;
mod bulletins;
mod charts;
pub mod client;
mod decompose;
mod editor;
mod error;
pub mod gates;
mod goals;
mod highlight;
mod html;
pub mod i18n;
mod idempotency;
mod input;
mod notify;
mod office;
mod portal;
mod problems;
mod projects;
pub mod session;
mod timeout;
mod tracking_rows;
mod workflow;
mod year_end;

pub use assessment::standalone_html as assessment_html;
pub use bulletins::standalone_html as bulletins_html;
pub use error::WebError;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use minsheng_app::Store;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::csrf::CsrfLayer;
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
    /// Whether the session cookie is marked `Secure` (sent over HTTPS only). Off only for a
    /// server reached over plain HTTP, such as the demo on localhost.
    pub secure_cookies: bool,
    /// The reverse proxies whose `X-Forwarded-For` is believed for the client's address
    /// ([`client`]); none by default, so the header is ignored.
    pub trusted_proxies: std::sync::Arc<[client::Cidr]>,
    /// What this server keeps in memory between requests (one `Arc`: the state is cloned for
    /// every request).
    pub caches: std::sync::Arc<Caches>,
    /// A PostgreSQL hot standby the dashboards and the portal read from when it has caught up
    /// (`serve --read-db`); `None`: everything reads the primary.
    pub replica: Option<std::sync::Arc<minsheng_app::freshness::Replica>>,
    /// The key channel secrets (robot URLs, signing secrets) are sealed with (`[jobs]
    /// secret_key`); `None`: channels with a secret are refused.
    pub sealer: Option<std::sync::Arc<minsheng_app::notify::Sealer>>,
}

/// What a server keeps in memory between requests, each value for one data version
/// ([`minsheng_app::freshness`]): its own writes show at once, another server's within
/// [`minsheng_app::freshness::MAX_AGE`].
#[derive(Debug)]
pub struct Caches {
    /// Which data version a request is served at.
    pub(crate) freshness: minsheng_app::freshness::Freshness,
    /// Signed-in accounts by id, with the name of the unit each acts for (`None`: gone or
    /// disabled).
    pub(crate) accounts: minsheng_app::freshness::Kept<
        minsheng_domain::UserId,
        Option<(minsheng_domain::Account, Option<String>)>,
    >,
    /// Every account's role and unit name by login ([`auth::people`]), per data version.
    pub(crate) people:
        minsheng_app::freshness::Kept<(), std::sync::Arc<minsheng_app::accounts::People>>,
    /// Sessions as loaded, with when they were (a sign-out on another server shows within
    /// [`minsheng_app::freshness::MAX_AGE`]).
    pub(crate) sessions: session::KeptSessions,
    /// The office dashboards' figures.
    pub(crate) overviews: minsheng_app::overview::OverviewCache,
    /// The office dashboards' pages as rendered, by reader and address.
    pub(crate) pages: minsheng_app::freshness::Kept<office::PageKey, axum::body::Bytes>,
}

impl Default for Caches {
    /// Bounded: a few hundred rendered pages (some tens of KB each) and dashboards' figures
    /// for a few dozen plans and months (a province's at county scale is a few MB).
    fn default() -> Self {
        Caches {
            freshness: Default::default(),
            accounts: Default::default(),
            people: Default::default(),
            sessions: Default::default(),
            overviews: minsheng_app::overview::OverviewCache::with_limit(48),
            pages: minsheng_app::freshness::Kept::with_limit(256),
        }
    }
}

impl AppState {
    /// The state for serving `store`: real dates, the default thresholds, secure cookies.
    pub fn new(store: Store) -> AppState {
        AppState {
            store,
            demo: false,
            today: None,
            thresholds: minsheng_domain::Thresholds::default(),
            secure_cookies: true,
            trusted_proxies: std::sync::Arc::new([]),
            caches: Default::default(),
            replica: None,
            sealer: None,
        }
    }

    /// [`AppState::reader`] at the version a request is served at now.
    pub(crate) async fn current_reader(
        &self,
    ) -> Result<(Store, minsheng_app::freshness::ReadFrom), minsheng_app::AppError> {
        let version = self.caches.freshness.version(&self.store).await?;
        Ok(self.reader(version).await)
    }

    /// The store a dashboard or portal page served at data `version` reads its figures from:
    /// the replica when one is configured and has replayed that version, else the primary.
    pub(crate) async fn reader(&self, version: i64) -> (Store, minsheng_app::freshness::ReadFrom) {
        match &self.replica {
            Some(r) => r.reader(&self.store, version).await,
            None => (
                self.store.clone(),
                minsheng_app::freshness::ReadFrom::Primary,
            ),
        }
    }

    /// Today, as the pages count it.
    pub fn today(&self) -> jiff::civil::Date {
        self.today.unwrap_or_else(minsheng_app::clock::today)
    }
}

/// The header that says where a computed page's figures were read from (the primary, or a
/// read replica; see [`minsheng_app::freshness::Replica`]).
pub(crate) const READ_FROM: &str = "x-minsheng-read-from";

/// What pages may load: only this site's own scripts, styles and images; no inline script,
/// no framing, forms posting only here.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The headers every response carries — the CSP, no MIME sniffing, no framing, the referrer
/// kept on this site — and, on every answer to a signed-in request (one carrying the session
/// cookie), every API answer and every answer that sets a cookie, `Cache-Control: private,
/// no-store` unless the handler chose its own (the assets' `public`). An error answered
/// below (a [`WebError`], a panic caught by [`error::panicked`]) is rendered here, once
/// classified: the API's envelope for an `/api/` request, else the error page in the frame
/// the handler took (its language and account). One layer for all of it: each layer costs
/// something per request.
async fn frame(mut req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let lang = i18n::Lang::of_headers(req.headers());
    let slot = auth::ChromeSlot::default();
    req.extensions_mut().insert(slot.clone());
    let signed = req
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|c| c.contains(session::COOKIE_NAME));
    let mut res = next.run(req).await;
    if let Some(error::Unrendered(problem)) = res.extensions_mut().remove::<error::Unrendered>() {
        res = if api {
            api::envelope(&problem)
        } else {
            let chrome = slot.get().unwrap_or_else(|| auth::Chrome::bare(lang));
            html::error_page(&problem, chrome)
        };
    }
    let h = res.headers_mut();
    if (signed || api || h.contains_key(header::SET_COOKIE))
        && !h.contains_key(header::CACHE_CONTROL)
    {
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    res
}

/// The outer layers of the site: a panic anywhere below is logged with a report id and
/// answered 500 ([`error::panicked`]); then [`frame`]'s headers on every answer.
fn framed(site: Router) -> Router {
    site.layer(CatchPanicLayer::custom(
        error::panicked as fn(Box<dyn std::any::Any + Send + 'static>) -> Response,
    ))
    .layer(axum::middleware::from_fn(frame))
}

/// The whole site.
pub fn router(state: AppState) -> Router {
    let sessions = session::layer(
        state.store.clone(),
        state.caches.clone(),
        state.secure_cookies,
    );
    let site = html::routes()
        .merge(auth::routes())
        .merge(assets::routes())
        .merge(api::routes(state.clone()))
        .merge(problems::routes())
        .merge(workflow::routes())
        .merge(editor::routes())
        .merge(portal::routes())
        .merge(office::routes())
        .merge(audit::routes())
        .merge(decompose::routes())
        .merge(bulletins::routes())
        .merge(assessment::routes())
        .merge(year_end::routes())
        .merge(projects::routes())
        .merge(goals::routes())
        .merge(notify::routes())
        // Every route's gate, from the one table, before its handler reads the request.
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            gates::enforce,
        ))
        .fallback(html::not_found)
        .with_state(state)
        .layer(sessions)
        // Cross-site form posts are refused (Sec-Fetch-Site / Origin, tower-http's CsrfLayer).
        .layer(CsrfLayer::new())
        .layer(timeout::TimeLimitLayer::new(Duration::from_secs(30)));
    let site = framed(site);
    // Request spans and their events are DEBUG: the layer is there only when they are logged
    // (MINSHENG_LOG=tower_http=debug), as it costs several per cent of the throughput.
    if tracing::enabled!(target: "tower_http::trace", tracing::Level::DEBUG) {
        site.layer(TraceLayer::new_for_http())
    } else {
        site
    }
}

/// Serves the site on `listener` until Ctrl-C or SIGTERM, then finishes the requests under
/// way.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
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

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use tower::ServiceExt;

    async fn boom() -> &'static str {
        panic!("boom")
    }

    async fn answer(uri: &str) -> (StatusCode, axum::http::HeaderMap, String) {
        let site = framed(
            Router::new()
                .route("/boom", axum::routing::get(boom))
                .route("/api/boom", axum::routing::get(boom)),
        );
        let res = site
            .oneshot(Request::get(uri).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let body = axum::body::to_bytes(res.into_body(), 1 << 20)
            .await
            .unwrap();
        (status, headers, String::from_utf8_lossy(&body).into_owned())
    }

    #[tokio::test]
    async fn a_panic_is_one_500_with_a_report_id_as_a_page_or_the_envelope() {
        let (status, headers, body) = answer("/boom").await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(body.contains("报告编号"), "{body}");
        assert!(
            !body.contains("boom"),
            "the cause is logged, not shown: {body}"
        );
        assert_eq!(headers["x-frame-options"], "DENY");
        let (status, headers, body) = answer("/api/boom").await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["errors"][0]["code"], "internal", "{v}");
        assert!(
            v["errors"][0]["detail"]
                .as_str()
                .unwrap()
                .contains("report "),
            "{v}"
        );
        assert_eq!(headers["cache-control"], "private, no-store");
        // Each panic gets its own id.
        let (_, _, again) = answer("/api/boom").await;
        assert_ne!(body, again);
    }
}
