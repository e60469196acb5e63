//! Implementation plans over JSON, on each backend: the same use-cases and rules as the pages —
//! a refusal names its field and saves nothing, a draft then a submission, the office's return
//! and approval (the schedule becomes the share's), a second approval is 409, and nobody else
//! files, approves or reads another unit's plan.

use crate::support::{changchun_demo, demo_sign_in, json_as};
use axum::http::StatusCode;
use minsheng_store::testing::backends;
use serde_json::json;

#[tokio::test]
async fn a_plan_is_filed_returned_refiled_and_approved_over_json() {
    for db in backends().await {
        let store = &db.store;
        let label = db.label;
        let (st, _, a) = changchun_demo(store).await;
        let (city, office, other) = (
            demo_sign_in(&st, "220100").await,
            demo_sign_in(&st, "office").await,
            demo_sign_in(&st, "220200").await,
        );
        let uri = format!("/api/assignments/{}/implementation-plan", a.id);
        let (s, file) = json_as(&st, &city, "GET", &uri, None).await;
        assert_eq!(s, StatusCode::OK, "{label} {file}");
        let before = file["revisions"].as_array().unwrap().len();
        let quota = a.quota.unwrap();
        let half = (quota / rust_decimal::Decimal::from(2)).round().to_string();
        let plan = |submit: bool, june: &str| {
            json!({
                "measures": "按月调度,季末通报",
                "schedule": {"kind": "points", "points": [
                    {"period": "2023-06", "expected": june},
                    {"period": "2023-12", "expected": quota.to_string()}
                ]},
                "funds": [{"source": "provincial", "amount": "3000000"}],
                "submit": submit
            })
        };
        // Refused by field, nothing saved.
        let (s, e) = json_as(&st, &city, "POST", &uri, Some(plan(false, "99999999"))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{label} {e}");
        assert_eq!(e["errors"][0]["field"], "schedule", "{e}");
        let (s, e) = json_as(
            &st,
            &city,
            "POST",
            &uri,
            Some(json!({"measures": "x", "funds": [{"source": "bank", "amount": "1"}]})),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{label} {e}");
        assert_eq!(e["errors"][0]["field"], "funds", "{e}");
        let (_, file) = json_as(&st, &city, "GET", &uri, None).await;
        assert_eq!(
            file["revisions"].as_array().unwrap().len(),
            before,
            "{label}"
        );
        // Others may not file or read it.
        let (s, _) = json_as(&st, &other, "POST", &uri, Some(plan(true, &half))).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{label}");
        let (s, _) = json_as(&st, &other, "GET", &uri, None).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{label}");
        let (s, _) = json_as(&st, &office, "POST", &uri, Some(plan(true, &half))).await;
        assert_eq!(
            s,
            StatusCode::FORBIDDEN,
            "{label}: the office files nothing"
        );
        // Submitted, returned, refiled, approved.
        let (s, saved) = json_as(&st, &city, "POST", &uri, Some(plan(true, &half))).await;
        assert_eq!(s, StatusCode::CREATED, "{label} {saved}");
        assert_eq!(saved["status"], "submitted");
        let id = saved["id"].as_i64().unwrap();
        let (s, _) = json_as(&st, &city, "POST", &uri, Some(plan(false, &half))).await;
        assert_eq!(
            s,
            StatusCode::CONFLICT,
            "{label}: locked while awaiting approval"
        );
        let (s, _) = json_as(
            &st,
            &city,
            "POST",
            &format!("/api/implementation-plans/{id}/approve"),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{label}");
        let (s, e) = json_as(
            &st,
            &office,
            "POST",
            &format!("/api/implementation-plans/{id}/return"),
            Some(json!({"reason": ""})),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{label} {e}");
        let (s, returned) = json_as(
            &st,
            &office,
            "POST",
            &format!("/api/implementation-plans/{id}/return"),
            Some(json!({"reason": "请补充市县配套资金"})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{label} {returned}");
        assert_eq!(returned["return_reason"], "请补充市县配套资金");
        let (s, again) = json_as(&st, &city, "POST", &uri, Some(plan(true, &half))).await;
        assert_eq!(s, StatusCode::CREATED, "{label} {again}");
        let next = again["id"].as_i64().unwrap();
        assert_ne!(next, id);
        let approve = format!("/api/implementation-plans/{next}/approve");
        let (s, approved) = json_as(&st, &office, "POST", &approve, None).await;
        assert_eq!(s, StatusCode::OK, "{label} {approved}");
        assert_eq!(approved["status"], "approved");
        let (s, _) = json_as(&st, &office, "POST", &approve, None).await;
        assert_eq!(s, StatusCode::CONFLICT, "{label}: approved once");
        let points = store.schedule(a.id).await.unwrap();
        assert_eq!(
            points.len(),
            2,
            "{label}: the approved schedule is the share's"
        );
        assert_eq!(points[0].expected.to_string(), half);
        let (_, file) = json_as(&st, &office, "GET", &uri, None).await;
        assert_eq!(file["in_force"], json!(next), "{label}");
        db.finish().await;
    }
}
