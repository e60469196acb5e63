//! What the page and API tests share: a state over a test database, signing in, and requests
//! carrying the session cookie.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use minsheng_app::demo;
use minsheng_domain::{Assignment, PlanId, Report};
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
        trusted_proxies: Default::default(),
        caches: Default::default(),
        replica: None,
        sealer: Some(std::sync::Arc::new(
            minsheng_app::notify::Sealer::from_text(&"ab".repeat(32)).unwrap(),
        )),
    }
}

/// A response: status, the `Location` header if any, the body.
#[derive(Debug)]
pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub set_cookie: Vec<String>,
    pub headers: axum::http::HeaderMap,
    pub body: String,
    /// The body as sent (a download's bytes).
    pub bytes: Vec<u8>,
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
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    Page {
        status,
        location,
        set_cookie,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
        bytes: body.to_vec(),
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

/// A same-origin JSON API call with the session `cookie` (empty for nobody): the status and
/// the body, which must be JSON.
pub async fn json_as(
    state: &AppState,
    cookie: &str,
    method: &str,
    uri: &str,
    body: Option<serde_json::Value>,
) -> (StatusCode, serde_json::Value) {
    let mut b = Request::builder()
        .method(method)
        .uri(uri)
        .header("sec-fetch-site", "same-origin");
    if !cookie.is_empty() {
        b = b.header(header::COOKIE, cookie);
    }
    let req = match body {
        Some(v) => b
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(v.to_string())),
        None => b.body(Body::empty()),
    };
    let p = send(state, req.unwrap()).await;
    let json = serde_json::from_str(&p.body)
        .unwrap_or_else(|e| panic!("{method} {uri}: not JSON ({e}): {}", p.body));
    (p.status, json)
}

/// The audit log of one record as (action, actor), oldest first.
pub async fn audit_trail(store: &Store, entity: &str, id: i64) -> Vec<(String, String)> {
    store
        .audit_events(entity, id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.action, e.actor))
        .collect()
}

/// The audit trail of a problem raised by 长春市, handed by the office to the provincial
/// housing department, and resolved there.
pub const RAISED_REASSIGNED_RESOLVED: [(&str, &str); 3] = [
    ("create", "220100"),
    ("assign", "office"),
    ("resolve", "省住房和城乡建设厅"),
];

/// A unit's id by its name.
pub async fn unit_id(store: &Store, name: &str) -> i64 {
    let tree = store.unit_tree().await.unwrap();
    tree.units().iter().find(|u| u.name == name).unwrap().id.0
}

/// The demo's plan and 长春市's share of its first target (城镇新增就业23万人).
pub async fn changchun_share(store: &Store) -> (PlanId, Assignment) {
    let plan = store.plans().await.unwrap()[0].id;
    let target = store.targets(plan).await.unwrap()[0].id;
    (plan, changchun_share_of(store, target).await)
}

/// The demo on `store`, served as on its day: the state, the plan and 长春市's share of its
/// first target.
pub async fn changchun_demo(store: &Store) -> (AppState, PlanId, Assignment) {
    demo::build(store).await.unwrap();
    let (plan, a) = changchun_share(store).await;
    (state(store, true), plan, a)
}

/// 长春市's share of a target.
pub async fn changchun_share_of(store: &Store, target: minsheng_domain::TargetId) -> Assignment {
    let cc = store.unit_by_name("长春市").await.unwrap().unwrap().id;
    store
        .assignments_of_target(target)
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.unit == cc)
        .unwrap()
}

/// The revisions of an assignment for a period.
pub async fn revisions(store: &Store, a: &Assignment, period: &str) -> Vec<Report> {
    store
        .reports_of_assignment(a.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.period.to_string() == period)
        .collect()
}

/// A same-origin multipart upload of one file in the field `file`.
pub async fn upload(st: &AppState, cookie: &str, uri: &str, name: &str, bytes: &[u8]) -> Page {
    upload_with(
        st,
        cookie,
        uri,
        &[],
        name,
        "application/octet-stream",
        bytes,
    )
    .await
}

/// A same-origin multipart post of form `fields` and one file `name` of `content_type`.
pub async fn upload_with(
    st: &AppState,
    cookie: &str,
    uri: &str,
    fields: &[(&str, &str)],
    name: &str,
    content_type: &str,
    bytes: &[u8],
) -> Page {
    let boundary = "----minsheng-test-boundary";
    let mut body = String::new();
    for (field, value) in fields {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"\r\n\r\n{value}\r\n"
        ));
    }
    body.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
         Content-Type: {content_type}\r\n\r\n"
    ));
    let mut body = body.into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let req = Request::post(uri)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header("sec-fetch-site", "same-origin")
        .header(header::COOKIE, cookie)
        .body(Body::from(body))
        .unwrap();
    send(st, req).await
}
