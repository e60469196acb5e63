//! Multi-year goals over HTTP on the demo, on both backends: the office reads a plan's goals
//! (a chart and a light each, the parts under their parents), is refused a bad path with 422
//! naming the field (nothing written) and sets a points path; a unit is refused the path form,
//! files a quarterly report through the report form (a month is refused for a goal) and is led
//! back to the goals page.

use crate::support::{demo_sign_in, enc, get_as, post_as, state};
use axum::http::StatusCode;
use minsheng_app::demo;
use minsheng_domain::path::PathKind;
use minsheng_store::testing::backends;

#[tokio::test]
async fn the_goals_page_the_path_form_and_a_quarterly_report() {
    for db in backends().await {
        let l = db.label;
        demo::build(&db.store).await.unwrap();
        let built = demo::multi_year_goals(&db.store).await.unwrap();
        let st = state(&db.store, true);
        let office = demo_sign_in(&st, "office").await;
        let cc = demo_sign_in(&st, "220100").await;
        let plan = built.plan;

        let dashboard = get_as(&st, &office, "/office").await;
        assert!(
            dashboard
                .body
                .contains(&format!("href=\"/plans/{plan}/goals\"")),
            "{l}: the office's dashboard links the goals"
        );
        let plan_page = get_as(&st, &office, &format!("/plans/{plan}")).await;
        assert!(plan_page.body.contains("id=\"goals-link\""), "{l}");
        let page = get_as(&st, &office, &format!("/plans/{plan}/goals")).await;
        assert_eq!(page.status, StatusCode::OK, "{l}: {}", page.body);
        for t in &built.targets {
            assert!(
                page.body.contains(&format!("id=\"goal-{t}\"")),
                "{l}: goal {t}"
            );
            assert!(
                page.body.contains(&format!("id=\"goal-chart-{t}\"")),
                "{l}: chart {t}"
            );
        }
        assert!(
            page.body.contains("goal-depth-1"),
            "{l}: parts under their parent"
        );
        assert!(
            page.body.contains("data-status=\"yellow\""),
            "{l}: 整车产量 behind"
        );
        assert!(page.body.contains("class=\"set-path\""), "{l}");
        assert!(
            !page.body.contains("goal-report-form"),
            "{l}: the office does not report"
        );

        // The path form: a unit is refused it; a bad point is named; a good path is kept.
        let vehicles = built.target("整车产量").unwrap();
        let href = format!("/goals/{vehicles}/path");
        assert_eq!(
            get_as(&st, &cc, &href).await.status,
            StatusCode::FORBIDDEN,
            "{l}"
        );
        let form = get_as(&st, &office, &href).await;
        assert_eq!(form.status, StatusCode::OK, "{l}: {}", form.body);
        assert!(form.body.contains("name=\"revision\" value=\"1\""), "{l}");
        let bad = post_as(
            &st,
            &office,
            &href,
            &format!(
                "revision=1&kind=points&frequency=quarterly&base_year=&base_value=&points={}",
                enc("2026 4200000")
            ),
        )
        .await;
        assert_eq!(
            bad.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{l}: {}",
            bad.body
        );
        assert!(bad.body.contains("data-field=\"points[1].period\""), "{l}");
        assert!(
            bad.body.contains("2026 4200000"),
            "{l}: what was typed, shown again"
        );
        assert_eq!(
            db.store.goal(vehicles).await.unwrap().unwrap().revision,
            1,
            "{l}"
        );
        let good = post_as(
            &st,
            &office,
            &href,
            &format!(
                "revision=1&kind=points&frequency=quarterly&base_year=2022&base_value=2500000&points={}",
                enc("2023 3000000\n2024-Q4 3500000")
            ),
        )
        .await;
        assert_eq!(good.status, StatusCode::SEE_OTHER, "{l}: {}", good.body);
        let g = db.store.goal(vehicles).await.unwrap().unwrap();
        assert_eq!(
            (g.kind, g.points.len(), g.revision),
            (PathKind::Points, 2, 2),
            "{l}"
        );
        // The same form again, now stale.
        let stale = post_as(
            &st,
            &office,
            &href,
            "revision=1&kind=linear&frequency=yearly",
        )
        .await;
        assert_eq!(stale.status, StatusCode::CONFLICT, "{l}");

        // A unit reports a quarter through the report form and is led back to the goals.
        let page = get_as(&st, &cc, &format!("/plans/{plan}/goals")).await;
        assert!(page.body.contains("goal-report-form"), "{l}");
        let a = db.store.assignments_of_target(vehicles).await.unwrap()[0].id;
        let month = get_as(
            &st,
            &cc,
            &format!("/workspace/assignments/{a}/report?period=2023-06"),
        )
        .await;
        assert!(month.status.is_client_error(), "{l}: a goal takes no month");
        assert!(month.body.contains("按季报送"), "{l}: {}", month.body);
        let report = format!("/workspace/assignments/{a}/report?period=2023-Q3");
        let form = get_as(&st, &cc, &report).await;
        assert_eq!(form.status, StatusCode::OK, "{l}: {}", form.body);
        let filed = post_as(
            &st,
            &cc,
            &report,
            &format!(
                "value=2950000&narrative={}&action=submit",
                enc("三季度产量")
            ),
        )
        .await;
        assert_eq!(filed.status, StatusCode::SEE_OTHER, "{l}: {}", filed.body);
        let to = filed.location.unwrap();
        assert!(
            to.starts_with(&format!("/plans/{plan}/goals?filed=")),
            "{l}: {to}"
        );
        let back = get_as(&st, &cc, &to).await;
        assert!(back.body.contains("id=\"goals-notice\""), "{l}");
        assert!(back.body.contains("待审核"), "{l}: awaiting review");
    }
}

/// The JSON API: a plan's goals with path, reported values and status; a path set (a bad one
/// refused naming the field, a stale one 409, a unit 403).
#[tokio::test]
async fn the_goals_api_lists_goals_and_sets_a_path() {
    use crate::support::json_as;
    use serde_json::json;
    for db in backends().await {
        let l = db.label;
        demo::build(&db.store).await.unwrap();
        let built = demo::multi_year_goals(&db.store).await.unwrap();
        let st = state(&db.store, true);
        let office = demo_sign_in(&st, "office").await;
        let cc = demo_sign_in(&st, "220100").await;
        let (status, v) = json_as(
            &st,
            &office,
            "GET",
            &format!("/api/plans/{}/goals", built.plan),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{l}: {v}");
        let goals = v["goals"].as_array().unwrap();
        assert_eq!(goals.len(), 5, "{l}");
        let goal = |subject: &str| {
            let id = built.target(subject).unwrap().0;
            goals.iter().find(|g| g["target"] == id).unwrap().clone()
        };
        let total = goal("总产值");
        assert_eq!(total["status"], "on_track", "{l}");
        assert_eq!(total["frequency"], "quarterly", "{l}");
        assert_eq!(total["reported"].as_array().unwrap().len(), 4, "{l}");
        assert_eq!(total["forecast"]["meets"], true, "{l}");
        assert_eq!(goal("整车产量")["colour"], "yellow", "{l}");
        assert_eq!(goal("汽车产业")["parent"], total["target"], "{l}");
        // A livelihood plan has no goals page.
        let (status, _) = json_as(&st, &office, "GET", "/api/plans/1/goals", None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{l}");

        let models_id = built.target("全新车型").unwrap().0;
        let uri = format!("/api/goals/{models_id}/path");
        let bad = json!({"revision": 1, "kind": "points", "frequency": "yearly",
            "base_year": 2022, "base_value": "0",
            "points": [{"period": "2024", "value": "11"}, {"period": "2023", "value": "6"}]});
        let (status, v) = json_as(&st, &office, "PUT", &uri, Some(bad)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{l}: {v}");
        assert_eq!(v["errors"][0]["field"], "points[2].period", "{l}: {v}");
        let good = json!({"revision": 1, "kind": "points", "frequency": "yearly",
            "base_year": 2022, "base_value": "0",
            "points": [{"period": "2023", "value": "4"}, {"period": "2024", "value": "9"}]});
        let (status, _) = json_as(&st, &cc, "PUT", &uri, Some(good.clone())).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{l}");
        let (status, v) = json_as(&st, &office, "PUT", &uri, Some(good.clone())).await;
        assert_eq!(status, StatusCode::OK, "{l}: {v}");
        assert_eq!(v["revision"], 2, "{l}");
        let (status, _) = json_as(&st, &office, "PUT", &uri, Some(good)).await;
        assert_eq!(status, StatusCode::CONFLICT, "{l}: stale");
        let (_, v) = json_as(
            &st,
            &office,
            "GET",
            &format!("/api/plans/{}/goals", built.plan),
            None,
        )
        .await;
        let models = v["goals"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["target"] == models_id)
            .unwrap()
            .clone();
        assert_eq!(models["path_kind"], "points", "{l}");
        // On the office's points (4 in 2023, 9 in 2024), 5 and 9 are on the path.
        assert_eq!(models["status"], "on_track", "{l}: {models}");
    }
}
