//! Every text a user sends is bounded (issue #10): a megabyte title, description,
//! resolution, narrative or return reason is refused with 422 naming the field, on the pages
//! and over JSON, and nothing is saved.

use crate::support::{changchun_demo, demo_sign_in, enc, json_as, post_as, revisions, unit_id};
use axum::http::StatusCode;
use minsheng_store::testing::backends;
use serde_json::json;

#[tokio::test]
async fn a_megabyte_of_text_is_refused_naming_the_field() {
    for db in backends().await {
        let store = &db.store;
        let (st, _, a) = changchun_demo(store).await;
        let cc = demo_sign_in(&st, "220100").await;
        let office = demo_sign_in(&st, "office").await;
        let changchun = unit_id(store, "长春市").await;
        let mib = "长".repeat(1 << 18); // 768 KiB of UTF-8, under the body limit
        let problems = store.problems().await.unwrap().len();
        let audits = store.audit_count().await.unwrap();

        // Problems over JSON: title, description.
        for (body, field) in [
            (
                json!({"title": mib, "description": "", "owner": changchun, "due": "2023-11-30"}),
                "title",
            ),
            (
                json!({"title": "供暖", "description": mib, "owner": changchun, "due": "2023-11-30"}),
                "description",
            ),
        ] {
            let (s, e) = json_as(&st, &cc, "POST", "/api/problems", Some(body)).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{}: {e}", db.label);
            assert_eq!(e["errors"][0]["field"], field, "{e}");
            assert!(
                e["errors"][0]["detail"].as_str().unwrap().contains("过长"),
                "{e}"
            );
        }
        // The same on the page, beside the field.
        let form = format!(
            "title={}&owner={changchun}&due=2023-11-30",
            enc(&"长".repeat(201))
        );
        let p = post_as(&st, &cc, "/problems", &form).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            p.body.contains("问题标题过长:201 字,上限 200 字"),
            "{}",
            p.body
        );

        // A resolution.
        let (_, list) = json_as(&st, &cc, "GET", "/api/problems", None).await;
        let open = list
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["status"] == "open" && p["owner"]["id"] == changchun)
            .map(|p| p["id"].as_i64().unwrap());
        if let Some(id) = open {
            let (s, e) = json_as(
                &st,
                &cc,
                "POST",
                &format!("/api/problems/{id}/resolve"),
                Some(json!({"resolution": mib})),
            )
            .await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
            assert_eq!(e["errors"][0]["field"], "resolution", "{e}");
        }

        // A report's narrative.
        let (s, e) = json_as(
            &st,
            &cc,
            "POST",
            &format!("/api/assignments/{}/report", a.id),
            Some(json!({"period": "2023-10", "value": "200000", "narrative": mib, "action": "draft"})),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(e["errors"][0]["field"], "narrative", "{e}");

        // A return reason.
        let september = revisions(store, &a, "2023-09").await[0].id;
        let (s, e) = json_as(
            &st,
            &office,
            "POST",
            &format!("/api/reports/{september}/return"),
            Some(json!({"reason": mib})),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(e["errors"][0]["field"], "reason", "{e}");

        assert_eq!(store.problems().await.unwrap().len(), problems);
        assert_eq!(
            store.audit_count().await.unwrap(),
            audits,
            "nothing written"
        );
        db.finish().await;
    }
}
