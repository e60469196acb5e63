//! What the page and API tests share: a state over a test database, signing in, and requests
//! carrying the session cookie.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use minsheng_app::demo;
use minsheng_store::Store;
use minsheng_web::{AppState, router};
use tower::ServiceExt;

/// The state the tests serve: the demo's day when `demo`, plain HTTP cookies.
pub fn state(store: &Store, demo: bool) -> AppState {
    AppState {
        store: store.clone(),
        demo,
        today: demo.then_some(demo::DEMO_AS_OF),
        thresholds: Default::default(),
        secure_cookies: false,
        caches: Default::default(),
    }
}

/// A response: status, the `Location` header if any, the body.
#[derive(Debug)]
pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub set_cookie: Vec<String>,
    pub body: String,
}

/// Sends one request through a fresh router (sessions live in the database, so each router
/// sees the same ones).
pub async fn send(state: &AppState, req: Request<Body>) -> Page {
    let res = router(state.clone()).oneshot(req).await.unwrap();
    let status = res.status();
    let location = res
        .headers()
        .get(header::LOCATION)
        .map(|v| v.to_str().unwrap().to_string());
    let set_cookie = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    Page {
        status,
        location,
        set_cookie,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

/// `GET uri` with the session `cookie` (empty for nobody).
pub async fn get_as(state: &AppState, cookie: &str, uri: &str) -> Page {
    let mut b = Request::get(uri);
    if !cookie.is_empty() {
        b = b.header(header::COOKIE, cookie);
    }
    send(state, b.body(Body::empty()).unwrap()).await
}

/// A same-origin form `POST` with the session `cookie`.
pub async fn post_as(state: &AppState, cookie: &str, uri: &str, form: &str) -> Page {
    let mut b = Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin");
    if !cookie.is_empty() {
        b = b.header(header::COOKIE, cookie);
    }
    send(state, b.body(Body::from(form.to_string())).unwrap()).await
}

/// Signs in and returns the session cookie (`minsheng_session=…`) to send back.
pub async fn sign_in(state: &AppState, name: &str, password: &str) -> String {
    let form = format!("name={}&password={}", enc(name), enc(password));
    let p = post_as(state, "", "/login", &form).await;
    assert_eq!(
        p.status,
        StatusCode::SEE_OTHER,
        "sign in as {name}: {}",
        p.body
    );
    session_cookie(&p).unwrap_or_else(|| panic!("no session cookie for {name}: {p:?}"))
}

/// The session cookie a response sets, as `name=value`.
pub fn session_cookie(p: &Page) -> Option<String> {
    p.set_cookie
        .iter()
        .find(|c| c.starts_with("minsheng_session="))
        .map(|c| c.split(';').next().unwrap().to_string())
}

/// Signs in to the demo as `name`.
pub async fn demo_sign_in(state: &AppState, name: &str) -> String {
    sign_in(state, name, demo::DEMO_PASSWORD).await
}

/// Percent-encodes a form value.
pub fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char);
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
