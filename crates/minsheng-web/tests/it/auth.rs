//! Signing in and out, sessions in the database, rate limiting, CSRF, headers and the language
//! switch, on each backend.

use crate::support::{demo_sign_in, get_as, post_as, send, session_cookie, state};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use minsheng_app::demo;
use minsheng_store::testing::backends;

#[tokio::test]
async fn signing_in_lands_each_role_at_home_and_signing_out_ends_the_session() {
    for db in backends().await {
        demo::build_with(&db.store, false).await.unwrap();
        let st = state(&db.store, true);

        // Nobody signed in: the front door is the public portal, internal pages ask to sign in.
        let p = get_as(&st, "", "/").await;
        assert_eq!(p.location.as_deref(), Some("/public"), "{}", db.label);
        let p = get_as(&st, "", "/plans").await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        assert_eq!(p.location.as_deref(), Some("/login?next=/plans"));
        let p = get_as(&st, "", "/login?next=/plans").await;
        assert!(p.body.contains("id=\"sign-in-form\"") && p.body.contains("value=\"/plans\""));
        assert!(p.body.contains("id=\"demo-accounts\""));

        for (name, home, shown) in [
            ("office", "/office", "牵头办公室"),
            ("leader", "/office", "领导查看"),
            ("220100", "/workspace", "长春市"),
        ] {
            let form = format!("name={name}&password={}", demo::DEMO_PASSWORD);
            let p = post_as(&st, "", "/login", &form).await;
            assert_eq!(p.status, StatusCode::SEE_OTHER, "{name}: {}", p.body);
            assert_eq!(p.location.as_deref(), Some(home), "{name}");
            let cookie = session_cookie(&p).unwrap();
            let set = p
                .set_cookie
                .iter()
                .find(|c| c.starts_with("minsheng_session="))
                .unwrap();
            assert!(
                set.contains("HttpOnly") && set.contains("SameSite=Lax"),
                "{set}"
            );
            let p = get_as(&st, &cookie, "/").await;
            assert_eq!(p.location.as_deref(), Some(home));
            let p = get_as(&st, &cookie, "/plans").await;
            assert_eq!(p.status, StatusCode::OK, "{name}");
            // Shown by what it is, not by its login.
            assert!(
                p.body
                    .contains(&format!("id=\"signed-in-as\" title=\"{name}\">{shown}<")),
                "{name} is shown as {shown}"
            );

            // Signing out deletes the session in the database: the old cookie is worth nothing.
            let p = post_as(&st, &cookie, "/logout", "").await;
            assert_eq!(p.status, StatusCode::SEE_OTHER);
            let p = get_as(&st, &cookie, "/plans").await;
            assert_eq!(p.status, StatusCode::SEE_OTHER, "{name} is signed out");
        }

        // Back to where one was going.
        let form = format!("name=office&password={}&next=%2Fplans", demo::DEMO_PASSWORD);
        let p = post_as(&st, "", "/login", &form).await;
        assert_eq!(p.location.as_deref(), Some("/plans"));
        // …but never to another site.
        let form = format!(
            "name=office&password={}&next=%2F%2Fevil.example",
            demo::DEMO_PASSWORD
        );
        let p = post_as(&st, "", "/login", &form).await;
        assert_eq!(p.location.as_deref(), Some("/office"));
        db.finish().await;
    }
}

#[tokio::test]
async fn wrong_passwords_are_refused_alike_then_throttled() {
    for db in backends().await {
        demo::build_with(&db.store, false).await.unwrap();
        let st = state(&db.store, true);
        let unknown = post_as(&st, "", "/login", "name=nobody&password=whatever1").await;
        assert_eq!(unknown.status, StatusCode::UNAUTHORIZED, "{}", db.label);
        assert!(unknown.body.contains("账号或密码错误"));
        assert!(session_cookie(&unknown).is_none() || !unknown.body.contains("signed-in-as"));

        let free = minsheng_app::accounts::PER_PAIR.free;
        for _ in 0..free {
            let p = post_as(&st, "", "/login", "name=office&password=wrong-one").await;
            assert_eq!(p.status, StatusCode::UNAUTHORIZED);
            assert!(
                p.body.contains("账号或密码错误"),
                "the same words as an unknown name"
            );
            assert!(
                p.body.contains("value=\"office\""),
                "the name is kept in the form"
            );
        }
        // The next attempt must wait, even with the right password: 429, saying how long.
        let form = format!("name=office&password={}", demo::DEMO_PASSWORD);
        let p = post_as(&st, "", "/login", &form).await;
        assert_eq!(p.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(p.body.contains("登录失败次数过多"), "{}", p.body);
        let retry: i64 = p.headers["retry-after"].to_str().unwrap().parse().unwrap();
        assert!(
            (1..=minsheng_app::accounts::PER_PAIR.first).contains(&retry),
            "{retry}"
        );
        assert!(
            p.body.contains(&format!("请 {retry} 秒后再试")),
            "{}",
            p.body
        );
        // Another account is not throttled by it.
        let cookie = demo_sign_in(&st, "leader").await;
        assert!(cookie.starts_with("minsheng_session="));
        // Nor is the same account from another address: no lock for everyone.
        let p = send(&st, login_from("203.0.113.5", None, &form)).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        db.finish().await;
    }
}

/// A sign-in form post as it arrives from the TCP peer `peer`, with `X-Forwarded-For` if
/// given.
fn login_from(peer: &str, forwarded_for: Option<&str>, form: &str) -> Request<Body> {
    let mut b = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin");
    if let Some(f) = forwarded_for {
        b = b.header("x-forwarded-for", f);
    }
    let mut req = b.body(Body::from(form.to_string())).unwrap();
    let addr: std::net::SocketAddr = format!("{peer}:40000").parse().unwrap();
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo(addr));
    req
}

#[tokio::test]
async fn forwarded_addresses_count_only_behind_a_trusted_proxy() {
    for db in backends().await {
        demo::build_with(&db.store, false).await.unwrap();
        let mut st = state(&db.store, true);
        st.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()].into();
        let wrong = "name=office&password=wrong-one";
        let right = format!("name=office&password={}", demo::DEMO_PASSWORD);
        let free = minsheng_app::accounts::PER_PAIR.free;
        // Behind the proxy, one client's failures…
        for _ in 0..free {
            let p = send(&st, login_from("127.0.0.1", Some("198.51.100.7"), wrong)).await;
            assert_eq!(p.status, StatusCode::UNAUTHORIZED, "{}", db.label);
        }
        let p = send(&st, login_from("127.0.0.1", Some("198.51.100.7"), &right)).await;
        assert_eq!(p.status, StatusCode::TOO_MANY_REQUESTS);
        // …do not slow another client behind the same proxy.
        let p = send(&st, login_from("127.0.0.1", Some("198.51.100.8"), &right)).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        // A client that is not the proxy cannot choose its address with the header.
        for _ in 0..free {
            let p = send(&st, login_from("203.0.113.9", Some("192.0.2.1"), wrong)).await;
            assert_eq!(p.status, StatusCode::UNAUTHORIZED);
        }
        let p = send(&st, login_from("203.0.113.9", Some("192.0.2.2"), &right)).await;
        assert_eq!(
            p.status,
            StatusCode::TOO_MANY_REQUESTS,
            "counted by its own address"
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn cross_site_posts_are_refused_and_headers_are_strict() {
    for db in backends().await {
        demo::build_with(&db.store, false).await.unwrap();
        let st = state(&db.store, true);
        let cookie = demo_sign_in(&st, "office").await;
        let req = Request::post("/logout")
            .header(header::COOKIE, &cookie)
            .header("sec-fetch-site", "cross-site")
            .header(header::ORIGIN, "https://evil.example")
            .body(Body::empty())
            .unwrap();
        let p = send(&st, req).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "{}", db.label);
        // Still signed in: the forged sign-out did nothing.
        assert_eq!(get_as(&st, &cookie, "/plans").await.status, StatusCode::OK);

        let res = send(&st, Request::get("/login").body(Body::empty()).unwrap()).await;
        assert_eq!(res.status, StatusCode::OK);
        let req = Request::get("/login").body(Body::empty()).unwrap();
        let res = minsheng_web::router(st.clone()).oneshot_headers(req).await;
        let csp = res["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"),
            "{csp}"
        );
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert_eq!(res["x-frame-options"], "DENY");
        db.finish().await;
    }
}

#[tokio::test]
async fn private_answers_are_never_stored_by_a_cache() {
    for db in backends().await {
        demo::build_with(&db.store, false).await.unwrap();
        let st = state(&db.store, true);
        let cookie = demo_sign_in(&st, "office").await;
        let no_store = |p: &crate::support::Page| {
            p.headers
                .get("cache-control")
                .map(|v| v.to_str().unwrap().to_string())
        };
        // Every answer to a signed-in request, pages and API alike, and every API answer.
        for uri in [
            "/plans",
            "/office",
            "/problems",
            "/public",
            "/api/me",
            "/api/plans",
            "/nope",
        ] {
            let p = get_as(&st, &cookie, uri).await;
            assert_eq!(
                no_store(&p).as_deref(),
                Some("private, no-store"),
                "{} {uri}: {}",
                db.label,
                p.status
            );
        }
        let p = get_as(&st, "", "/api/plans").await;
        assert_eq!(no_store(&p).as_deref(), Some("private, no-store"));
        // Signing in sets a cookie: not stored either.
        let form = format!("name=leader&password={}", demo::DEMO_PASSWORD);
        let p = post_as(&st, "", "/login", &form).await;
        assert_eq!(no_store(&p).as_deref(), Some("private, no-store"));
        // The public portal to the public may be cached; our assets keep their own rule.
        assert_eq!(no_store(&get_as(&st, "", "/public").await), None);
        let css = get_as(&st, &cookie, "/assets/site.css").await;
        assert!(
            no_store(&css).unwrap().starts_with("public"),
            "{:?}",
            no_store(&css)
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn the_language_switch_keeps_the_page_and_remembers_the_choice() {
    let db = minsheng_store::testing::sqlite().await;
    demo::build_with(&db.store, false).await.unwrap();
    let st = state(&db.store, true);
    let p = get_as(&st, "", "/login").await;
    assert!(p.body.contains("<html lang=\"zh-CN\">") && p.body.contains("登录民生实事跟踪系统"));
    assert!(p.body.contains("href=\"/lang/en?next=/login\""));
    let p = get_as(&st, "", "/lang/en?next=/login").await;
    assert_eq!(p.location.as_deref(), Some("/login"));
    let lang = p
        .set_cookie
        .iter()
        .find(|c| c.starts_with("lang=en"))
        .unwrap();
    assert!(lang.contains("Path=/"));
    let p = get_as(&st, "lang=en", "/login").await;
    assert!(
        p.body.contains("<html lang=\"en\">")
            && p.body.contains("Sign in to the commitments tracker")
    );
    assert!(p.body.contains(">中文</a>"));
    // An outside address is not followed.
    let p = get_as(&st, "", "/lang/en?next=https://evil.example").await;
    assert_eq!(p.location.as_deref(), Some("/"));
    db.finish().await;
}

/// Sends a request and returns only the response headers.
trait OneshotHeaders {
    async fn oneshot_headers(self, req: Request<Body>) -> axum::http::HeaderMap;
}

impl OneshotHeaders for axum::Router {
    async fn oneshot_headers(self, req: Request<Body>) -> axum::http::HeaderMap {
        use tower::ServiceExt;
        self.oneshot(req).await.unwrap().headers().clone()
    }
}
