//! The JSON API and its OpenAPI document, on each backend.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use minsheng_app::{demo, queries};
use minsheng_store::testing::backends;
use minsheng_web::{AppState, router};
use serde_json::Value;
use tower::ServiceExt;

async fn get_json(state: &AppState, uri: &str) -> (StatusCode, Value) {
    let res = router(state.clone())
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    assert_eq!(res.headers()["content-type"], "application/json", "{uri}");
    let body = res.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&body).unwrap())
}

#[tokio::test]
async fn plans_tracking_and_dashboard_as_json() {
    for db in backends().await {
        demo::build(&db.store).await.unwrap();
        let state = crate::support::state(&db.store, true);
        let plan = queries::plans(&db.store).await.unwrap()[0].id;

        let (s, plans) = get_json(&state, "/api/plans").await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(plans[0]["year"], 2023, "{}", db.label);
        assert_eq!(plans[0]["declared_sections"], 14);

        let (s, outline) = get_json(&state, &format!("/api/plans/{plan}")).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(outline["sections"].as_array().unwrap().len(), 10);
        let first = &outline["sections"][0]["items"][0]["targets"][0];
        assert_eq!(first["value"], "230000", "exact decimals travel as strings");
        assert_eq!(first["unit"], "人");
        assert_eq!(first["cmp"], "ge");

        let (s, t) = get_json(
            &state,
            &format!("/api/plans/{plan}/tracking?period=2023-08"),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{t}");
        assert_eq!(t["period"], "2023-08");
        assert_eq!(t["ranking"].as_array().unwrap().len(), 9);
        let statuses = ["done", "on_track", "lagging", "at_risk", "not_reported"];
        for x in t["targets"].as_array().unwrap() {
            assert!(statuses.contains(&x["status"].as_str().unwrap()), "{x}");
        }
        let c = &t["completeness"];
        assert_eq!(
            c["received"].as_u64().unwrap() + c["missing"].as_u64().unwrap(),
            c["expected"].as_u64().unwrap()
        );

        let (s, d) = get_json(&state, "/api/dashboard?period=2023-08").await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(
            d["targets"].as_array().unwrap().len(),
            t["targets"].as_array().unwrap().len()
        );
        assert_eq!(
            d["regions"].as_array().unwrap().len(),
            9 * 10,
            "nine prefectures × ten sections"
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn errors_use_one_envelope() {
    for db in backends().await {
        demo::build(&db.store).await.unwrap();
        let state = crate::support::state(&db.store, true);
        let plan = queries::plans(&db.store).await.unwrap()[0].id;
        let cases = [
            (
                "/api/plans/999999".to_string(),
                StatusCode::NOT_FOUND,
                "not_found",
            ),
            (
                "/api/plans/abc".to_string(),
                StatusCode::NOT_FOUND,
                "not_found",
            ),
            (
                format!("/api/plans/{plan}/tracking?period=13%E6%9C%88"),
                StatusCode::BAD_REQUEST,
                "bad_request",
            ),
            (
                format!("/api/plans/{plan}/tracking?period=2024-01"),
                StatusCode::BAD_REQUEST,
                "bad_request",
            ),
            (
                "/api/dashboard?period=2023".to_string(),
                StatusCode::BAD_REQUEST,
                "bad_request",
            ),
        ];
        for (uri, status, code) in cases {
            let (s, body) = get_json(&state, &uri).await;
            assert_eq!(s, status, "{uri} on {}", db.label);
            assert_eq!(body["errors"][0]["code"], code, "{uri}: {body}");
            assert!(!body["errors"][0]["detail"].as_str().unwrap().is_empty());
        }
        db.finish().await;
    }
}

#[tokio::test]
async fn the_openapi_document_describes_every_route() {
    let db = minsheng_store::testing::sqlite().await;
    let state = crate::support::state(&db.store, false);
    let (s, doc) = get_json(&state, "/api/openapi.json").await;
    assert_eq!(s, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/api/plans",
        "/api/plans/{id}",
        "/api/plans/{id}/tracking",
        "/api/dashboard",
    ] {
        assert!(
            paths.contains_key(p),
            "{p} missing from {:?}",
            paths.keys().collect::<Vec<_>>()
        );
    }
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for s in ["PlanDto", "TrackingDto", "DashboardDto", "ErrorsDto"] {
        assert!(schemas.contains_key(s), "{s}");
    }
    db.finish().await;
}
