//! The speed benchmark's baseline (`minsheng bench dashboard`): a bare axum server that
//! answers every request with one constant page — no sessions, no database, no template —
//! so the dashboard's rate can be read against what this machine serves at all.

use axum::Router;
use axum::body::Bytes;
use axum::response::Html;

/// Serves `page` as HTML to every request on `listener`, until the task is dropped.
pub async fn serve_constant(
    listener: tokio::net::TcpListener,
    page: String,
) -> std::io::Result<()> {
    let page = Bytes::from(page);
    let app = Router::new().fallback(move || {
        let page = page.clone();
        async move { Html(page) }
    });
    axum::serve(listener, app).await
}
