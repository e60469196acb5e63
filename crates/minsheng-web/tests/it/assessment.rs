//! 考核 over HTTP on the demo with its bulletins issued, on both backends: the office finds
//! the assessment from /office and the plan's bulletins, saves rules (422 naming the rule
//! when wrong, the text kept), enters points, signs off (a second sign-off and any later
//! change 409, naming the assessment); the page reads in English with the `lang=en` cookie;
//! the XLSX downloads; a leader reads; a unit sees its own score from its workspace and may
//! change nothing.

use crate::support::{demo_sign_in, enc, get_as, post_as, state};
use axum::http::StatusCode;
use minsheng_app::demo;
use minsheng_domain::Thresholds;
use minsheng_store::testing::backends;

#[tokio::test]
async fn the_office_writes_rules_enters_points_and_signs_off() {
    for db in backends().await {
        let l = &db.label;
        demo::build(&db.store).await.unwrap();
        demo::issue_bulletins(&db.store, &Thresholds::default())
            .await
            .unwrap();
        let st = state(&db.store, true);
        let plan = db.store.plans().await.unwrap()[0].id;
        let office = demo_sign_in(&st, "office").await;
        let leader = demo_sign_in(&st, "leader").await;
        let cc = demo_sign_in(&st, "220100").await;
        let base = format!("/plans/{plan}/assessment");

        let dash = get_as(&st, &office, "/office").await;
        assert!(dash.body.contains(&format!("href=\"{base}\"")), "{l}");
        let list = get_as(&st, &office, &format!("/plans/{plan}/bulletins")).await;
        assert!(list.body.contains(&format!("href=\"{base}\"")), "{l}");
        let empty = get_as(&st, &office, &base).await;
        assert_eq!(empty.status, StatusCode::OK, "{l}");
        assert!(empty.body.contains("id=\"no-rules\""), "{l}");
        let editor = get_as(&st, &office, &format!("{base}/rules")).await;
        assert!(
            editor.body.contains("kind = &#34;completion&#34;"),
            "{l}: the starter text"
        );

        // Wrong rules: 422, every problem named, the text as typed kept, nothing saved.
        let bad = "[[rule]]\nid = \"x\"\nname = \"X\"\nkind = \"bonus\"";
        let r = post_as(
            &st,
            &office,
            &format!("{base}/rules"),
            &format!("year=2023&rules={}", enc(bad)),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(r.body.contains("规则 x:未知的考核项 bonus"), "{l}");
        assert!(r.body.contains("kind = &#34;bonus&#34;"), "{l}");
        assert!(
            db.store.assessment(plan, 2023).await.unwrap().is_none(),
            "{l}"
        );
        // A unit may not.
        let r = post_as(
            &st,
            &cc,
            &format!("{base}/rules"),
            &format!("year=2023&rules={}", enc(demo::DEMO_RULES)),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{l}");

        let r = post_as(
            &st,
            &office,
            &format!("{base}/rules"),
            &format!("year=2023&rules={}", enc(demo::DEMO_RULES)),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let changchun = crate::support::unit_id(&db.store, "长春市").await;
        let r = post_as(
            &st,
            &office,
            &format!("{base}/points"),
            &format!("year=2023&unit={changchun}&rule=satisfaction&points=12"),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(r.body.contains("0至10"), "{l}");
        let r = post_as(
            &st,
            &office,
            &format!("{base}/points"),
            &format!("year=2023&unit={changchun}&rule=satisfaction&points=8.5"),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let page = get_as(&st, &office, &base).await;
        assert!(page.body.contains("id=\"ranking\""), "{l}");
        assert!(
            page.body.contains("录入 8.5"),
            "{l}: the line shows its figure"
        );
        assert!(page.body.contains("id=\"sign-off-form\""), "{l}");
        // In English: the page's words and the figures, not the Chinese ones.
        let en = get_as(&st, &format!("{office}; lang=en"), &base).await;
        assert!(
            en.body.contains("Assessment scores") && en.body.contains("entered 8.5"),
            "{l}"
        );
        assert!(
            !en.body.contains("考核排名") && !en.body.contains("录入 8.5"),
            "{l}"
        );
        let xlsx = get_as(&st, &leader, &format!("{base}.xlsx")).await;
        assert_eq!(xlsx.status, StatusCode::OK, "{l}");
        assert!(xlsx.body.starts_with("PK"), "{l}");
        let read = get_as(&st, &leader, &base).await;
        assert!(
            read.body.contains("id=\"ranking\"") && !read.body.contains("id=\"sign-off-form\""),
            "{l}"
        );

        // The unit: its own score, from its workspace.
        let ws = get_as(&st, &cc, "/workspace").await;
        assert!(
            ws.body.contains(&format!("href=\"{base}?year=2023#mine\"")),
            "{l}"
        );
        let mine = get_as(&st, &cc, &base).await;
        assert_eq!(mine.status, StatusCode::OK, "{l}");
        assert!(mine.body.contains("id=\"my-total\""), "{l}");
        assert_eq!(mine.body.matches("class=\"score-row\"").count(), 1, "{l}");

        let r = post_as(&st, &office, &format!("{base}/sign-off"), "year=2023").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let again = post_as(&st, &office, &format!("{base}/sign-off"), "year=2023").await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{l}");
        assert!(again.body.contains("已签发并锁定"), "{l}");
        let r = post_as(
            &st,
            &office,
            &format!("{base}/rules"),
            &format!("year=2023&rules={}", enc(demo::DEMO_RULES)),
        )
        .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{l}");
        assert!(r.body.contains("不能修改考核细则"), "{l}");
        let r = post_as(
            &st,
            &office,
            &format!("{base}/points"),
            &format!("year=2023&unit={changchun}&rule=satisfaction&points=9"),
        )
        .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{l}");
        let page = get_as(&st, &office, &base).await;
        assert!(page.body.contains("id=\"signed-by\""), "{l}");
        assert!(!page.body.contains("id=\"sign-off-form\""), "{l}");
        db.finish().await;
    }
}
