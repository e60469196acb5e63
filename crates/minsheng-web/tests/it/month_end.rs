//! Issue #10 over HTTP: the same report accepted by racing office sessions is accepted once
//! (every other answer a 409), and a write retried with its `Idempotency-Key` is answered with
//! the first answer instead of running twice — on both backends.

use crate::support::{changchun_demo, demo_sign_in, revisions};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use minsheng_domain::ReportStatus;
use minsheng_store::testing::backends;
use minsheng_web::{AppState, router};
use serde_json::{Value, json};
use tower::ServiceExt;

/// A JSON POST with the session cookie and an optional idempotency key: status, the replay
/// header, the body.
async fn post(
    st: &AppState,
    cookie: &str,
    uri: &str,
    key: Option<&str>,
    body: &Value,
) -> (StatusCode, bool, Value) {
    let mut b = Request::post(uri)
        .header("sec-fetch-site", "same-origin")
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(k) = key {
        b = b.header("idempotency-key", k);
    }
    let res = router(st.clone())
        .oneshot(b.body(Body::from(body.to_string())).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let replayed = res.headers().get("idempotent-replayed").is_some();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let v = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("{uri}: not JSON ({e}): {}", String::from_utf8_lossy(&bytes)));
    (status, replayed, v)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_accepts_over_http_accept_once() {
    for db in backends().await {
        let store = &db.store;
        let (st, _, a) = changchun_demo(store).await;
        let cc = demo_sign_in(&st, "220100").await;
        let body = json!({"period": "2023-10", "value": "200000", "narrative": "十月", "action": "submit"});
        let (s, _, r) = post(
            &st,
            &cc,
            &format!("/api/assignments/{}/report", a.id),
            None,
            &body,
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{} {r}", db.label);
        let report = r["id"].as_i64().unwrap();

        let mut offices = Vec::new();
        for _ in 0..3 {
            offices.push(demo_sign_in(&st, "office").await);
        }
        let mut set = tokio::task::JoinSet::new();
        for i in 0..12 {
            let (st, cookie) = (st.clone(), offices[i % 3].clone());
            set.spawn(async move {
                post(
                    &st,
                    &cookie,
                    &format!("/api/reports/{report}/accept"),
                    None,
                    &json!({}),
                )
                .await
            });
        }
        let mut answers = Vec::new();
        while let Some(r) = set.join_next().await {
            let (s, _, v) = r.unwrap();
            answers.push((s, v));
        }
        let ok = answers.iter().filter(|(s, _)| *s == StatusCode::OK).count();
        assert_eq!(ok, 1, "{}: one accept succeeds: {answers:?}", db.label);
        for (s, v) in answers.iter().filter(|(s, _)| *s != StatusCode::OK) {
            assert_eq!(*s, StatusCode::CONFLICT, "{}: {v}", db.label);
            assert_eq!(v["errors"][0]["code"], "conflict");
        }
        let accepts = crate::support::audit_trail(store, "report", report)
            .await
            .into_iter()
            .filter(|(action, _)| action == "accept")
            .count();
        assert_eq!(accepts, 1, "{}", db.label);
        db.finish().await;
    }
}

#[tokio::test]
async fn a_retried_write_with_its_key_is_answered_once() {
    for db in backends().await {
        let store = &db.store;
        let (st, _, a) = changchun_demo(store).await;
        let cc = demo_sign_in(&st, "220100").await;
        let office = demo_sign_in(&st, "office").await;
        let uri = format!("/api/assignments/{}/report", a.id);
        let body = json!({"period": "2023-10", "value": "200000", "narrative": "十月", "action": "submit"});

        let first = post(&st, &cc, &uri, Some("k-submit-1"), &body).await;
        assert_eq!(first.0, StatusCode::CREATED, "{} {}", db.label, first.2);
        assert!(!first.1, "the first answer is not a replay");
        // The client did not hear the answer and sends the same request again.
        let again = post(&st, &cc, &uri, Some("k-submit-1"), &body).await;
        assert_eq!(
            (again.0, again.1),
            (StatusCode::CREATED, true),
            "{}",
            db.label
        );
        assert_eq!(again.2, first.2, "the same answer");
        let filed = revisions(store, &a, "2023-10").await;
        assert_eq!(filed.len(), 1, "{}: filed once", db.label);
        assert_eq!(filed[0].status, ReportStatus::Submitted);

        // Without the key the same request is refused by the rules (already awaiting review).
        let unkeyed = post(&st, &cc, &uri, None, &body).await;
        assert_eq!(unkeyed.0, StatusCode::UNPROCESSABLE_ENTITY, "{}", unkeyed.2);

        // The same key for another request is refused and changes nothing.
        let other =
            json!({"period": "2023-10", "value": "1", "narrative": "x", "action": "submit"});
        let reused = post(&st, &cc, &uri, Some("k-submit-1"), &other).await;
        assert_eq!(reused.0, StatusCode::UNPROCESSABLE_ENTITY, "{}", reused.2);
        assert_eq!(reused.2["errors"][0]["field"], "Idempotency-Key");
        assert_eq!(revisions(store, &a, "2023-10").await.len(), 1);

        // A key is the account's own: the office's same key is another request.
        let report = first.2["id"].as_i64().unwrap();
        let accept = format!("/api/reports/{report}/accept");
        let acc = post(&st, &office, &accept, Some("k-submit-1"), &json!({})).await;
        assert_eq!(acc.0, StatusCode::OK, "{} {}", db.label, acc.2);
        let acc2 = post(&st, &office, &accept, Some("k-submit-1"), &json!({})).await;
        assert_eq!(
            (acc2.0, acc2.1),
            (StatusCode::OK, true),
            "a retried accept is not a 409"
        );
        let accepts = crate::support::audit_trail(store, "report", report)
            .await
            .into_iter()
            .filter(|(action, _)| action == "accept")
            .count();
        assert_eq!(accepts, 1, "{}", db.label);

        // A key that is not a key.
        let bad = post(&st, &office, &accept, Some(&"x".repeat(300)), &json!({})).await;
        assert_eq!(bad.0, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.2);
        db.finish().await;
    }
}
