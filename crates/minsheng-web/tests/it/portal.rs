//! The public portal: published plans only, progress and status by section and region,
//! nothing internal.

use crate::support::{demo_sign_in, get_as, state};
use axum::http::StatusCode;
use minsheng_app::demo;
use minsheng_app::import::{ImportOptions, import_plan};
use minsheng_domain::{Actor, PlanKind, PlanStatus};
use minsheng_store::Store;
use minsheng_store::testing::backends;

/// A second plan of the province, not published, with a title of its own.
async fn unpublished(store: &Store, status: PlanStatus, title: &str) -> i64 {
    let owner = store.unit_by_name("吉林省").await.unwrap().unwrap().id;
    let text = format!("{title}\n一、教育(1项)\n1.新建幼儿园10所。\n");
    let opts = ImportOptions {
        owner,
        kind: PlanKind::Livelihood,
        status,
        default_year: Some(2023),
    };
    import_plan(store, &Actor::new("office"), &text, &opts)
        .await
        .unwrap()
        .plan
        .0
}

#[tokio::test]
async fn the_portal_shows_every_commitment_of_published_plans_and_nothing_internal() {
    for db in backends().await {
        demo::build(&db.store).await.unwrap();
        let st = state(&db.store, true);
        let published = db.store.plans().await.unwrap()[0].clone();
        let draft = unpublished(&db.store, PlanStatus::Draft, "某省2023年民生实事草稿清单").await;
        let confirmed = unpublished(
            &db.store,
            PlanStatus::Confirmed,
            "某省2023年民生实事待公开清单",
        )
        .await;

        // The list: the published plan only, to anyone.
        let list = get_as(&st, "", "/public").await;
        assert_eq!(list.status, StatusCode::OK, "{}", db.label);
        assert!(
            list.body
                .contains(&format!("href=\"/public/plans/{}\"", published.id))
        );
        assert_eq!(list.body.matches("<tr class=\"public-plan\">").count(), 1);
        assert!(!list.body.contains("草稿清单") && !list.body.contains("待公开清单"));

        let page = get_as(&st, "", &format!("/public/plans/{}", published.id)).await;
        assert_eq!(page.status, StatusCode::OK);
        let body = &page.body;
        assert!(body.contains("id=\"commitments\""));
        assert_eq!(body.matches("<tr class=\"commitment\">").count(), 50);
        assert_eq!(body.matches("<tr class=\"section-head\">").count(), 10);
        assert!(body.contains("id=\"regions\""));
        assert_eq!(body.matches("<tr class=\"region\">").count(), 9);
        assert!(body.contains("<td>长春市</td>") && body.contains("<td>延边朝鲜族自治州</td>"));
        // The latest month with accepted data as of the demo's day: August (September's
        // reports still await review).
        assert!(
            body.contains("<option value=\"2023-08\" selected>"),
            "{}",
            db.label
        );
        assert!(!body.contains("<option value=\"2023-09\""));
        assert!(body.contains("截至2023年8月经审核的数据"));
        assert!(body.contains("城镇新增就业23万人(不少于 23万人)"));
        assert!(body.contains("class=\"st st-"), "statuses are shown");

        // Nothing internal: no narrative, problem, reviewer's reason, account.
        let reports = db.store.reports_of_plan(published.id).await.unwrap();
        let narrative = &reports[0].narrative;
        assert!(!narrative.is_empty());
        assert!(!body.contains(narrative.as_str()), "{narrative}");
        assert!(!body.contains("演示数据)"));
        let reason = reports
            .iter()
            .find_map(|r| r.return_reason.clone())
            .unwrap();
        assert!(!body.contains(&reason));
        let problems = db.store.problems().await.unwrap();
        assert!(!problems.is_empty());
        for p in &problems {
            assert!(!body.contains(&p.title), "{}", p.title);
        }
        assert!(!body.contains("signed-in-as"));
        assert!(!body.contains("草稿清单") && !body.contains("待公开清单"));

        // Unpublished plans do not exist for the public, signed in or not.
        let office = demo_sign_in(&st, "office").await;
        for id in [draft, confirmed] {
            for cookie in ["", office.as_str()] {
                let r = get_as(&st, cookie, &format!("/public/plans/{id}")).await;
                assert_eq!(r.status, StatusCode::NOT_FOUND, "{id} on {}", db.label);
                assert!(!r.body.contains("清单"));
            }
        }
        let r = get_as(&st, "", "/public/plans/abc").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        db.finish().await;
    }
}

#[tokio::test]
async fn the_period_picker_chooses_an_earlier_month() {
    for db in backends().await {
        demo::build(&db.store).await.unwrap();
        let st = state(&db.store, true);
        let id = db.store.plans().await.unwrap()[0].id;
        let uri = |q: &str| format!("/public/plans/{id}?period={q}");

        let june = get_as(&st, "", &uri("2023-06")).await;
        assert_eq!(june.status, StatusCode::OK, "{}", db.label);
        assert!(june.body.contains("<option value=\"2023-06\" selected>"));
        assert!(june.body.contains("截至2023年6月经审核的数据"));
        let august = get_as(&st, "", &uri("2023-08")).await;
        assert_ne!(
            june.body[june.body.find("id=\"regions\"").unwrap()..],
            august.body[august.body.find("id=\"regions\"").unwrap()..],
            "the regions move on from June to August"
        );
        // Chinese periods are read too.
        let half = get_as(&st, "", &uri("2023%E5%B9%B4%E4%B8%8A%E5%8D%8A%E5%B9%B4")).await;
        assert_eq!(half.status, StatusCode::OK);
        assert!(half.body.contains("2023年上半年"));

        // Another year, a month still to come, or nonsense: refused.
        for q in ["2022-06", "2023-12", "13%E6%9C%88", "x"] {
            let r = get_as(&st, "", &uri(q)).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{q} on {}", db.label);
        }
        db.finish().await;
    }
}

#[tokio::test]
async fn the_front_door_and_the_portal_speak_english_when_asked() {
    for db in backends().await {
        demo::build(&db.store).await.unwrap();
        let st = state(&db.store, true);
        let id = db.store.plans().await.unwrap()[0].id;
        let r = get_as(&st, "", "/").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(r.location.as_deref(), Some("/public"));

        let en = get_as(&st, "lang=en", &format!("/public/plans/{id}")).await;
        assert!(en.body.contains("Commitments") && en.body.contains("By region"));
        assert!(en.body.contains("August 2023"));
        assert!(!en.body.contains("各项任务进度") && !en.body.contains("各地完成情况"));
        let zh = get_as(&st, "", "/public").await;
        assert!(zh.body.contains("公开进度") && !zh.body.contains("Public progress"));
        db.finish().await;
    }
}
