use axum::body::Body;
use axum::http::{Request, StatusCode};
use minsheng_app::import::{ImportOptions, import_plan};
use minsheng_app::{demo, visibility};
use minsheng_domain::{Actor, PlanKind, PlanStatus, UnitKind};
use minsheng_store::NewUnit;
use minsheng_store::testing::backends;
use minsheng_web::{AppState, router};
use tower::ServiceExt;

async fn get(state: &AppState, cookie: &str, uri: &str) -> (StatusCode, String) {
    let p = crate::support::get_as(state, cookie, uri).await;
    (p.status, p.body)
}

/// An office account in a database without the demo's, signed in.
async fn office_cookie(state: &AppState) -> String {
    let province = state
        .store
        .units()
        .await
        .unwrap()
        .first()
        .map(|u| u.name.clone());
    minsheng_app::accounts::add_account(
        &state.store,
        &Actor::system("test"),
        "office",
        "office-password",
        minsheng_domain::Role::Office,
        province.as_deref(),
    )
    .await
    .unwrap();
    crate::support::sign_in(state, "office", "office-password").await
}

#[tokio::test]
async fn the_demo_plan_is_shown_with_its_sections_items_and_targets() {
    for db in backends().await {
        demo::build(&db.store).await.unwrap();
        let state = crate::support::state(&db.store, true);
        let cookie = crate::support::demo_sign_in(&state, "office").await;
        let plan = db.store.plans().await.unwrap()[0].id;

        let (status, home) = get(&state, &cookie, "/plans").await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            home.contains(&format!("href=\"/plans/{plan}\"")),
            "{}",
            db.label
        );
        assert!(home.contains("id=\"demo-notice\"") && home.contains("虚构"));

        let (status, page) = get(&state, &cookie, &format!("/plans/{plan}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("中共吉林省委吉林省人民政府关于2023年全省民生实事安排的意见"));
        assert_eq!(page.matches("<h2 class=\"section\">").count(), 10);
        assert_eq!(page.matches("<tr class=\"item\">").count(), 50);
        assert!(
            page.contains("文件称有 14 个方面,实际列出 10 个"),
            "the false claim is flagged"
        );
        assert!(page.contains("不少于 23万人"));
        assert!(
            page.contains("id=\"demo-notice\""),
            "every page says the assignments are invented"
        );

        let outline = visibility::plan_outline(&db.store, None, plan)
            .await
            .unwrap();
        let item1 = outline.sections[0].items[0].item.id;
        let (status, page) = get(&state, &cookie, &format!("/items/{item1}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            page.contains("<mark title=\"目标 1\" data-target=\"1\">"),
            "the phrase is highlighted"
        );
        assert!(page.contains("省人力资源和社会保障厅"));
        assert!(page.contains("长春市"));
        assert!(
            page.contains("class=\"num quota-sum\">23万人"),
            "quotas add up to the target"
        );
        assert!(page.contains("id=\"demo-notice\""));
        db.finish().await;
    }
}

#[tokio::test]
async fn missing_pages_answer_404_in_chinese() {
    for db in backends().await {
        let state = crate::support::state(&db.store, false);
        let cookie = office_cookie(&state).await;
        for uri in ["/plans/999999", "/plans/abc", "/items/0", "/no/such/page"] {
            let (status, body) = get(&state, &cookie, uri).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{uri} on {}", db.label);
            assert!(body.contains("页面不存在"), "{uri}");
        }
        let (status, home) = get(&state, &cookie, "/plans").await;
        assert_eq!(status, StatusCode::OK);
        assert!(home.contains("尚无计划"));
        assert!(
            !home.contains("demo-notice"),
            "a real database carries no demo label"
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn data_is_escaped_and_headers_are_safe() {
    for db in backends().await {
        let mut tx = db.store.begin(&Actor::new("office")).await.unwrap();
        let owner = tx
            .insert_unit(&NewUnit {
                parent: None,
                kind: UnitKind::Province,
                name: "某省".into(),
                code: None,
            })
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let text =
            "某市2024年民生实事\n一、教育(1项)\n1.新建<script>alert(1)</script>幼儿园10所。\n";
        let opts = ImportOptions {
            owner,
            kind: PlanKind::Livelihood,
            status: PlanStatus::Draft,
            default_year: None,
        };
        let imported = import_plan(&db.store, &Actor::new("office"), text, &opts)
            .await
            .unwrap();
        let state = crate::support::state(&db.store, false);
        let cookie = office_cookie(&state).await;
        let (_, page) = get(&state, &cookie, &format!("/plans/{}", imported.plan)).await;
        assert!(
            page.contains("新建&#60;script&#62;alert(1)&#60;/script&#62;幼儿园")
                || page.contains("&lt;script&gt;"),
            "{page}"
        );
        assert!(!page.contains("<script>alert"), "{}", db.label);
        let res = router(state)
            .oneshot(Request::get("/healthz").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let h = res.headers();
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["x-frame-options"], "DENY");
        assert!(
            h["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("default-src 'self'")
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn the_tracking_page_shows_the_office_view_for_a_month() {
    for db in backends().await {
        demo::build(&db.store).await.unwrap();
        let state = crate::support::state(&db.store, true);
        let cookie = crate::support::demo_sign_in(&state, "office").await;
        let plan = db.store.plans().await.unwrap()[0].id;
        let targets = db.store.targets(plan).await.unwrap().len();

        let (status, page) = get(
            &state,
            &cookie,
            &format!("/plans/{plan}/tracking?period=2023-08"),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{}", db.label);
        assert_eq!(page.matches("<tr class=\"target-row\">").count(), targets);
        assert!(page.contains("<option value=\"2023-08\" selected>"));
        assert!(page.contains("长春市") && page.contains("通化市"));
        assert!(
            page.contains("st-yellow") || page.contains("st-red"),
            "lagging prefectures show in colour"
        );
        assert!(page.contains("截至 2023-10-15"));
        assert!(page.contains("id=\"demo-notice\""));

        // Without a period: the last month due by the demo's day (September).
        let (_, page) = get(&state, &cookie, &format!("/plans/{plan}/tracking")).await;
        assert!(page.contains("<option value=\"2023-09\" selected>"));
        // Chinese periods are read too.
        let (status, page) = get(
            &state,
            &cookie,
            &format!("/plans/{plan}/tracking?period=%E4%B8%8A%E5%8D%8A%E5%B9%B4"),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("2023年上半年"));

        let (status, page) = get(
            &state,
            &cookie,
            &format!("/plans/{plan}/tracking?period=13%E6%9C%88"),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(
            page.contains("超出范围") || page.contains("无法识别"),
            "{page}"
        );
        db.finish().await;
    }
}
