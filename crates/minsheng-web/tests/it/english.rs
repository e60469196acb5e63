//! The plan pages in English: the `lang=en` cookie shows their words in English only, and
//! without it they are in Chinese only.

use crate::support::{demo_sign_in, get_as, state};
use axum::http::StatusCode;
use minsheng_app::{demo, visibility};
use minsheng_store::testing::backends;

#[tokio::test]
async fn the_plan_pages_are_in_one_language_at_a_time() {
    for db in backends().await {
        demo::build(&db.store).await.unwrap();
        let st = state(&db.store, true);
        let office = demo_sign_in(&st, "office").await;
        let plan = db.store.plans().await.unwrap()[0].id;
        let outline = visibility::plan_outline(&db.store, None, plan)
            .await
            .unwrap();
        let item = outline.sections[0].items[0].item.id;
        let pages = [
            "/plans".to_string(),
            format!("/plans/{plan}"),
            format!("/items/{item}"),
            format!("/plans/{plan}/tracking?period=2023-08"),
        ];
        // Words of each page in each language; none may show in the other.
        let words: [(&[&str], &[&str]); 4] = [
            (
                &["年度", "类别", "已公开", "新建计划"],
                &["Year", "Kind", "Published", "New plan"],
            ),
            (
                &[
                    "文件称有 14 个方面,实际列出 10 个。",
                    "跟踪调度:",
                    "不少于 23万人",
                    "量化目标",
                ],
                &[
                    "The document claims 14 sections and lists 10.",
                    "Tracking:",
                    "at least 230,000 people",
                    "Quantified targets",
                ],
            ),
            (
                &["第1项", "原文", "目标 1:不少于", "市(州)任务合计", "牵头"],
                &[
                    "Item 1",
                    "Source text",
                    "Target 1: at least",
                    "Sum of the prefectures",
                    "Lead",
                ],
            ),
            (
                &[
                    "跟踪调度",
                    "2023年8月",
                    "各地排名",
                    "平均完成度",
                    "截至 2023-10-15",
                ],
                &[
                    "Tracking",
                    "August 2023",
                    "Ranking",
                    "Mean completion",
                    "as of 2023-10-15",
                ],
            ),
        ];
        for (uri, (zh, en)) in pages.iter().zip(words) {
            let p = get_as(&st, &office, uri).await;
            assert_eq!(p.status, StatusCode::OK, "{uri} on {}", db.label);
            assert!(
                !p.body.contains("class=\"en\""),
                "{uri}: no inline pairs left"
            );
            for w in zh {
                assert!(p.body.contains(w), "{uri} in Chinese: {w}");
            }
            for w in en {
                assert!(!p.body.contains(w), "{uri} in Chinese shows {w}");
            }
            let p = get_as(&st, &format!("{office}; lang=en"), uri).await;
            assert_eq!(p.status, StatusCode::OK);
            for w in en {
                assert!(p.body.contains(w), "{uri} in English: {w}");
            }
            for w in zh {
                assert!(!p.body.contains(w), "{uri} in English shows {w}");
            }
        }
        db.finish().await;
    }
}

/// An error page is shown in the request's language and frame: in English with the `lang=en`
/// cookie (title and detail English only), with the signed-in account's name and menu, and
/// the API still answers the same error as its envelope.
#[tokio::test]
async fn an_error_page_speaks_the_pages_language_and_keeps_the_account() {
    for db in backends().await {
        demo::build(&db.store).await.unwrap();
        let st = state(&db.store, true);
        let office = demo_sign_in(&st, "office").await;
        let en = format!("{office}; lang=en");

        let p = get_as(&st, &en, "/plans/999999").await;
        assert_eq!(p.status, StatusCode::NOT_FOUND, "{}", db.label);
        assert!(p.body.contains("<html lang=\"en\">"), "{}", p.body);
        assert!(p.body.contains("Not found"), "{}", p.body);
        assert!(!p.body.contains("页面不存在"), "English only: {}", p.body);
        assert!(p.body.contains("id=\"signed-in-as\""), "{}", p.body);

        let p = get_as(&st, &en, "/office?plan=x").await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST);
        assert!(p.body.contains("is not a plan number"), "{}", p.body);
        assert!(!p.body.contains("不是计划编号"), "{}", p.body);

        // In Chinese the page is in Chinese only (the English goes with the switch).
        let p = get_as(&st, &office, "/plans/999999").await;
        assert_eq!(p.status, StatusCode::NOT_FOUND);
        assert!(p.body.contains("页面不存在"), "{}", p.body);
        assert!(!p.body.contains("Not found"), "Chinese only: {}", p.body);
        let p = get_as(&st, &office, "/office?plan=x").await;
        assert!(p.body.contains("不是计划编号"), "{}", p.body);
        assert!(!p.body.contains("is not a plan number"), "{}", p.body);
        assert!(p.body.contains("id=\"signed-in-as\""), "{}", p.body);

        let p = get_as(&st, &en, "/api/plans/999999").await;
        assert_eq!(p.status, StatusCode::NOT_FOUND);
        assert!(p.body.contains("\"code\":\"not_found\""), "{}", p.body);
    }
}
