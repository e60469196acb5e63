//! The site's static files, compiled into the binary: our own stylesheet and scripts (charts,
//! the plan editor's phrase from a selection, the decomposition's live sum), and — when the
//! build found it in `web/node_modules` (see `build.rs`) — Apache ECharts with its licences. No third-party code is committed to the repository.

use crate::AppState;
use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

pub(crate) const SITE_CSS: &str = include_str!("../assets/site.css");
const CHARTS_JS: &str = include_str!("../assets/charts.js");
const EDITOR_JS: &str = include_str!("../assets/editor.js");
const SPLIT_JS: &str = include_str!("../assets/split.js");

/// Whether ECharts is bundled: pages then load it and `charts.js` draws over the SVG.
pub(crate) const ECHARTS_BUNDLED: bool = cfg!(echarts_bundled);

/// Where the bundled ECharts is served (its version in the name, so it can be cached for
/// good).
pub(crate) const ECHARTS_PATH: &str = "/assets/echarts-6.1.0.min.js";

pub(crate) fn routes() -> Router<AppState> {
    let r = Router::new()
        .route("/assets/site.css", get(site_css))
        .route("/assets/charts.js", get(charts_js))
        .route("/assets/editor.js", get(editor_js))
        .route("/assets/split.js", get(split_js))
        .route("/assets/licenses", get(licenses));
    #[cfg(echarts_bundled)]
    let r = r.route(ECHARTS_PATH, get(echarts_js));
    r
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

async fn charts_js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        CHARTS_JS,
    )
}

/// The plan editor's phrase from a selection.
async fn editor_js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        EDITOR_JS,
    )
}

/// The live sum of the decomposition page.
async fn split_js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        SPLIT_JS,
    )
}

#[cfg(echarts_bundled)]
async fn echarts_js() -> impl IntoResponse {
    static JS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/echarts.min.js"));
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        JS,
    )
}

#[cfg(echarts_bundled)]
const LICENSES: &str = include_str!(concat!(env!("OUT_DIR"), "/echarts.LICENSE.txt"));
#[cfg(not(echarts_bundled))]
const LICENSES: &str = "本版本未附带第三方前端代码,图表由服务器以 SVG 绘制。\n\
                        This build bundles no third-party browser code; charts are server-rendered SVG.\n";

/// The licences of the bundled third-party code (Apache-2.0 asks for its NOTICE to be shown).
async fn licenses() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        LICENSES,
    )
}
