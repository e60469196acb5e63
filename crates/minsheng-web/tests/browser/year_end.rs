//! Issue #14 item 3 through the pages, on the demo: the office pastes next year's text (the
//! demo's invented 2024 plan), sees on the preview what changed against 2023 (raised, lowered,
//! new, dropped), confirms it and opens the standing diff; then closes 2023 — one unfinished
//! target carried over into 2024, the others closed with a reason — and finds the link back on
//! the 2024 target's page. Screenshots at 1280 and 375 px.

use super::click;
use super::harness::{self, demo_site, page_width, screenshot, sign_in, text, with_browser};
use fantoccini::Locator;
use minsheng_app::demo;
use minsheng_store::testing::sqlite;

/// The page now shown fits a 375 px phone (nothing scrolls sideways); saved as `shot`.
async fn fits_a_phone(c: &fantoccini::Client, shot: &str) {
    c.set_window_size(375, 812).await.unwrap();
    let (scroll, inner) = page_width(c).await;
    screenshot(c, shot).await;
    c.set_window_size(1280, 1000).await.unwrap();
    assert!(
        scroll <= inner,
        "{shot}: {scroll} px wide in a {inner} px window"
    );
}

#[tokio::test]
async fn the_office_imports_next_year_sees_the_diff_and_closes_the_year() {
    let site = demo_site(sqlite().await).await;
    let store = site.db.store.clone();
    let y2023 = store.plans().await.unwrap()[0].id;
    let base = site.base.clone();
    with_browser(move |c| async move {
        let site = harness::Site::at(&base);
        sign_in(&c, &site, "office").await;

        // Next year's text pasted: the preview compares it with 2023 before anything is kept.
        c.goto(&site.url("/plans/new")).await.unwrap();
        c.wait().for_element(Locator::Id("text")).await.unwrap();
        c.execute(
            "document.getElementById('text').value = arguments[0];",
            vec![serde_json::json!(demo::JILIN_2024_INVENTED)],
        )
        .await
        .unwrap();
        click(&c, "#preview").await;
        c.wait()
            .for_element(Locator::Id("plan-diff"))
            .await
            .unwrap();
        assert!(text(&c, "#count-raised").await.contains("提高"));
        assert!(text(&c, "#count-new").await.contains("新增"));
        assert!(text(&c, "#diff-table").await.contains("新建改建农村公路4000公里"));
        c.execute(
            "document.getElementById('plan-diff').scrollIntoView();",
            vec![],
        )
        .await
        .unwrap();
        screenshot(&c, "yearend-preview-diff").await;

        // Two targets the text writes without a unit (清零, 惠及70万农村居民) need one.
        c.execute(
            "for (const i of document.querySelectorAll('#plan-confirm-form input[name^=\"unit-\"]')) {
                 if (!i.name.includes('-a') && !i.name.startsWith('unit-n') && i.value === '') {
                     i.value = '户';
                 }
             }",
            vec![],
        )
        .await
        .unwrap();
        click(&c, "#confirm").await;
        c.wait()
            .for_element(Locator::Id("publish-form"))
            .await
            .unwrap();

        // The standing diff, linked from the plan's page.
        click(&c, "#diff-link").await;
        c.wait()
            .for_element(Locator::Id("diff-table"))
            .await
            .unwrap();
        assert!(text(&c, "#diff-old-plan").await.contains("2023"));
        screenshot(&c, "yearend-diff").await;
        fits_a_phone(&c, "yearend-diff-375").await;

        // 2023's closing page: every unfinished target with its figures.
        c.goto(&site.url(&format!("/plans/{y2023}/close")))
            .await
            .unwrap();
        c.wait()
            .for_element(Locator::Id("close-form"))
            .await
            .unwrap();
        assert!(text(&c, "#next-plan").await.contains("2024"));
        // What the page proposes before the office touches it.
        screenshot(&c, "yearend-close-proposed").await;
        fits_a_phone(&c, "yearend-close-375").await;
        // One target carried over, every other closed with a reason.
        let carried: i64 = c
            .execute(
                "let carried = null;
                 for (const row of document.querySelectorAll('tr.close-row')) {
                     const id = row.id.slice('close-'.length);
                     const carry = document.getElementById('carry-' + id);
                     if (carried === null && !carry.disabled) {
                         carry.checked = true;
                         carried = Number(id);
                     } else {
                         document.getElementById('closeit-' + id).checked = true;
                         document.getElementById('reason-' + id).value = '指标调整,并入下年相关事项';
                     }
                 }
                 return carried;",
                vec![],
            )
            .await
            .unwrap()
            .as_i64()
            .expect("a target that can be carried over");
        screenshot(&c, "yearend-close").await;
        click(&c, "#close-plan").await;
        // The closed page (its banner is on no other page).
        c.wait()
            .for_element(Locator::Id("closed-banner"))
            .await
            .unwrap();
        screenshot(&c, "yearend-closed").await;
        let row = text(&c, &format!("#closure-{carried}")).await;
        assert!(row.contains("结转下年"), "{row}");

        // The carried target in 2024 links back to 2023's.
        click(&c, &format!("#closure-{carried} a.carried-link")).await;
        c.wait()
            .for_element(Locator::Id("year-links"))
            .await
            .unwrap();
        let links = text(&c, "#year-links").await;
        assert!(links.contains("由上年结转"), "{links}");
        assert!(links.contains("2023"), "{links}");
        screenshot(&c, "yearend-carried-target").await;
        fits_a_phone(&c, "yearend-carried-target-375").await;
    })
    .await;
    site.db.finish().await;
}
