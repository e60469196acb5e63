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

        for (name, home) in [
            ("office", "/office"),
            ("leader", "/office"),
            ("220100", "/workspace"),
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
            assert!(p.body.contains(&format!("id=\"signed-in-as\">{name}")));

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

        for _ in 0..minsheng_app::accounts::MAX_FAILURES_PER_NAME {
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
        // Locked for the window, even with the right password.
        let form = format!("name=office&password={}", demo::DEMO_PASSWORD);
        let p = post_as(&st, "", "/login", &form).await;
        assert_eq!(p.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(p.body.contains("登录失败次数过多"));
        // Another account is not locked by it.
        let cookie = demo_sign_in(&st, "leader").await;
        assert!(cookie.starts_with("minsheng_session="));
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
