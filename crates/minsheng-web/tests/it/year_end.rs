//! Year end over HTTP on the demo, on both backends: the office reads the closing page of
//! 2023, is refused (422, naming the target) without a reason and nothing changes, closes the
//! plan carrying one target over and closing the rest with reasons, sees the links both ways
//! on the targets' pages, is told 409 closing again; a unit is refused the page. The plan diff
//! page (2024 against 2023) and the editor's preview of the 2024 text show what changed.

use crate::support::{demo_sign_in, enc, get_as, json_as, post_as, state};
use axum::http::StatusCode;
use minsheng_app::demo;
use minsheng_domain::Plan;
use minsheng_store::Store;
use minsheng_store::testing::backends;

async fn two_years(store: &Store) -> (Plan, Plan) {
    demo::build(store).await.unwrap();
    demo::import_next_year(store).await.unwrap();
    let plans = store.plans().await.unwrap();
    let find = |y| plans.iter().find(|p| p.year == y).unwrap().clone();
    (find(2023), find(2024))
}

/// The ids of the rows of the closing form (`close-{id}`).
fn rows(page: &str) -> Vec<i64> {
    page.split("class=\"close-row\" id=\"close-")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].parse().unwrap())
        .collect()
}

#[tokio::test]
async fn the_office_closes_2023_carrying_one_target_into_2024() {
    for db in backends().await {
        let l = &db.label;
        let (y2023, y2024) = two_years(&db.store).await;
        let st = state(&db.store, true);
        let office = demo_sign_in(&st, "office").await;
        let cc = demo_sign_in(&st, "220100").await;

        let plan_page = get_as(&st, &office, &format!("/plans/{}", y2023.id)).await;
        assert!(plan_page.body.contains("id=\"close-link\""), "{l}");
        assert!(plan_page.body.contains("id=\"diff-link\""), "{l}");
        let href = format!("/plans/{}/close", y2023.id);
        let page = get_as(&st, &office, &href).await;
        assert_eq!(page.status, StatusCode::OK, "{l}: {}", page.body);
        assert!(page.body.contains("id=\"close-form\""), "{l}");
        assert!(page.body.contains("2024 · "), "{l}: the next plan named");
        let ids = rows(&page.body);
        assert!(ids.len() > 2, "{l}");
        // A unit may not close a plan.
        let refused = get_as(&st, &cc, &href).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{l}");
        let refused = post_as(&st, &cc, &href, "next=1").await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{l}");

        // The first target carried, the others closed — one of them without a reason.
        let form = |with_reason: bool| {
            let mut f = format!("next={}", y2024.id);
            for (k, id) in ids.iter().enumerate() {
                if k == 0 {
                    f.push_str(&format!("&decision-{id}=carry&reason-{id}="));
                } else {
                    let reason = if with_reason || k != 1 {
                        enc("指标调整,不再单列")
                    } else {
                        String::new()
                    };
                    f.push_str(&format!("&decision-{id}=close&reason-{id}={reason}"));
                }
            }
            f
        };
        let bad = post_as(&st, &office, &href, &form(false)).await;
        assert_eq!(
            bad.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{l}: {}",
            bad.body
        );
        assert!(bad.body.contains("结项须填写原因"), "{l}");
        assert!(bad.body.contains("id=\"close-error\""), "{l}");
        assert!(
            !minsheng_app::year_end::is_closed(&db.store, y2023.id)
                .await
                .unwrap(),
            "{l}: nothing changed"
        );

        let done = post_as(&st, &office, &href, &form(true)).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{l}: {}", done.body);
        let closed = get_as(&st, &office, &href).await;
        assert!(closed.body.contains("id=\"closed-banner\""), "{l}");
        assert!(closed.body.contains("class=\"carried-link\""), "{l}");
        let new_target = {
            let b = &closed.body;
            let at = b.find("class=\"carried-link\"").unwrap();
            let s = &b[..at];
            let h = s.rfind("href=\"/targets/").unwrap();
            s[h + 15..s[h..].find("\" ").map(|e| h + e).unwrap()].to_string()
        };
        // Both targets' pages show the link.
        let carried = get_as(&st, &office, &format!("/targets/{new_target}")).await;
        assert_eq!(carried.status, StatusCode::OK, "{l}");
        assert!(carried.body.contains("由上年结转"), "{l}");
        assert!(
            carried
                .body
                .contains(&format!("href=\"/targets/{}\"", ids[0])),
            "{l}"
        );
        let old = get_as(&st, &office, &format!("/targets/{}", ids[0])).await;
        assert!(old.body.contains("已结转至下一年度"), "{l}");
        let closed_one = get_as(&st, &office, &format!("/targets/{}", ids[1])).await;
        assert!(closed_one.body.contains("指标调整,不再单列"), "{l}");
        // Closing again: 409.
        let again = post_as(&st, &office, &href, &form(true)).await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{l}");
        assert!(again.body.contains("已关闭"), "{l}");
        let plan_page = get_as(&st, &office, &format!("/plans/{}", y2023.id)).await;
        assert!(plan_page.body.contains("id=\"plan-closed\""), "{l}");
        db.finish().await;
    }
}

#[tokio::test]
async fn the_diff_page_and_the_preview_show_what_changed() {
    for db in backends().await {
        let l = &db.label;
        let (y2023, y2024) = two_years(&db.store).await;
        let st = state(&db.store, true);
        let office = demo_sign_in(&st, "office").await;
        let page = get_as(&st, &office, &format!("/plans/{}/diff", y2024.id)).await;
        assert_eq!(page.status, StatusCode::OK, "{l}: {}", page.body);
        assert!(page.body.contains("id=\"count-raised\""), "{l}");
        assert!(page.body.contains("农村公路4000公里"), "{l}");
        assert!(
            page.body.contains(&format!("href=\"/plans/{}\"", y2023.id)),
            "{l}"
        );
        let explicit = get_as(
            &st,
            &office,
            &format!("/plans/{}/diff?against={}", y2024.id, y2023.id),
        )
        .await;
        let table = |b: &str| b[b.find("id=\"diff-table\"").unwrap()..].to_string();
        assert_eq!(
            table(&explicit.body),
            table(&page.body),
            "{l}: the default is the latest earlier"
        );
        for bad in [format!("{}", y2024.id), "x".into()] {
            let r = get_as(
                &st,
                &office,
                &format!("/plans/{}/diff?against={bad}", y2024.id),
            )
            .await;
            // A page answers a bad request 400 (the error page), naming the plan asked for.
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{l}: {bad}");
            assert!(r.body.contains(&*bad), "{l}: {bad}");
        }
        let none = get_as(&st, &office, &format!("/plans/{}/diff", y2023.id)).await;
        assert!(none.body.contains("id=\"no-earlier\""), "{l}");

        // Importing next year's text shows the diff before it is confirmed.
        let owner = db.store.unit_by_name("吉林省").await.unwrap().unwrap().id;
        let form = format!(
            "text={}&kind=livelihood&year=&owner={owner}",
            enc(demo::JILIN_2024_INVENTED)
        );
        let p = post_as(&st, &office, "/plans/new/preview", &form).await;
        assert_eq!(p.status, StatusCode::OK, "{l}");
        assert!(p.body.contains("id=\"plan-diff\""), "{l}");
        assert!(p.body.contains("id=\"count-new\""), "{l}");
        db.finish().await;
    }
}

/// The closing over JSON: the same use-case, the same refusals.
#[tokio::test]
async fn the_api_closes_a_plan_once() {
    for db in backends().await {
        let l = &db.label;
        let (y2023, y2024) = two_years(&db.store).await;
        let st = state(&db.store, true);
        let office = demo_sign_in(&st, "office").await;
        let cc = demo_sign_in(&st, "220100").await;
        let v = minsheng_app::year_end::view(
            &db.store,
            &minsheng_domain::Account {
                id: minsheng_domain::UserId(1),
                name: "office".into(),
                role: minsheng_domain::Role::Office,
                unit: None,
            },
            y2023.id,
            None,
            demo::DEMO_AS_OF,
            &Default::default(),
        )
        .await
        .unwrap();
        let decisions: Vec<serde_json::Value> = v
            .lines
            .iter()
            .map(|x| {
                if x.propose_carry {
                    serde_json::json!({"target": x.line.target.id.0, "disposition": "carried_over"})
                } else {
                    serde_json::json!({"target": x.line.target.id.0, "disposition": "closed",
                                       "reason": "标准调整"})
                }
            })
            .collect();
        let uri = format!("/api/plans/{}/close", y2023.id);
        let body = serde_json::json!({"next": y2024.id.0, "decisions": decisions});
        let (s, _) = json_as(&st, &cc, "POST", &uri, Some(body.clone())).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{l}");
        let bad = serde_json::json!({"next": y2024.id.0,
            "decisions": [{"target": v.lines[0].line.target.id.0, "disposition": "later"}]});
        let (s, e) = json_as(&st, &office, "POST", &uri, Some(bad)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{l}: {e}");
        assert_eq!(e["errors"][0]["field"], "decisions", "{l}");
        let (s, done) = json_as(&st, &office, "POST", &uri, Some(body.clone())).await;
        assert_eq!(s, StatusCode::OK, "{l}: {done}");
        assert_eq!(done["plan"], y2023.id.0, "{l}");
        assert!(!done["carried"].as_array().unwrap().is_empty(), "{l}");
        let (s, e) = json_as(&st, &office, "POST", &uri, Some(body)).await;
        assert_eq!(s, StatusCode::CONFLICT, "{l}: {e}");
        db.finish().await;
    }
}
