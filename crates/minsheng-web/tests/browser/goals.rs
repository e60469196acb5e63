//! Issue #15 item 2 through the pages, on the demo: the office opens the multi-year goals from
//! the plan's page (a chart and a light per goal, the parts under their parents), sets one
//! goal's path to points and finds it drawn; 长春市 files a quarter's figure from the goals page
//! through the report form and is led back. Screenshots at 1280 and 375 px.

use super::click;
use super::harness::{
    self, demo_site, page_width, screenshot, sign_in, sign_out, text, with_browser,
};
use fantoccini::Locator;
use minsheng_app::demo;
use minsheng_store::testing::sqlite;

#[tokio::test]
async fn the_office_sets_a_path_and_a_unit_reports_a_quarter() {
    let site = demo_site(sqlite().await).await;
    let built = demo::multi_year_goals(&site.db.store).await.unwrap();
    let (plan, vehicles) = (built.plan, built.target("整车产量").unwrap());
    let base = site.base.clone();
    with_browser(move |c| async move {
        let site = harness::Site::at(&base);
        sign_in(&c, &site, "office").await;
        c.goto(&site.url(&format!("/plans/{plan}"))).await.unwrap();
        click(&c, "#goals-link").await;
        c.wait()
            .for_element(Locator::Id("goals-title"))
            .await
            .unwrap();
        assert!(text(&c, "#goals-years").await.contains("2023—2025"));
        let light = text(&c, &format!("#goal-{vehicles} .goal-status")).await;
        assert!(light.contains("滞后"), "整车产量 behind its path: {light}");
        screenshot(&c, "goals").await;
        c.execute(
            &format!("document.getElementById('goal-{vehicles}').scrollIntoView();"),
            vec![],
        )
        .await
        .unwrap();
        screenshot(&c, "goals-behind").await;
        c.set_window_size(375, 812).await.unwrap();
        let (scroll, inner) = page_width(&c).await;
        screenshot(&c, "goals-375").await;
        c.set_window_size(1280, 1000).await.unwrap();
        assert!(
            scroll <= inner,
            "goals: {scroll} px wide in a {inner} px window"
        );

        // The office gives 整车产量 a points path.
        click(&c, &format!("#goal-{vehicles} a.set-path")).await;
        c.wait()
            .for_element(Locator::Id("path-form"))
            .await
            .unwrap();
        c.execute(
            "document.getElementById('kind').value = 'points';
             document.getElementById('base_year').value = '2022';
             document.getElementById('base_value').value = '2500000';
             document.getElementById('points').value = '2023 3000000\\n2024-Q4 3300000';",
            vec![],
        )
        .await
        .unwrap();
        screenshot(&c, "goal-path-form").await;
        click(&c, "#path-save").await;
        c.wait()
            .for_element(Locator::Id("goals-notice"))
            .await
            .unwrap();
        let path = text(&c, &format!("#goal-{vehicles} .goal-path")).await;
        assert!(path.contains("分期节点"), "{path}");
        sign_out(&c).await;

        // 长春市 files 2023's third quarter from the goals page.
        sign_in(&c, &site, "220100").await;
        c.goto(&site.url(&format!("/plans/{plan}/goals")))
            .await
            .unwrap();
        c.wait()
            .for_element(Locator::Id("goals-title"))
            .await
            .unwrap();
        c.execute(
            &format!(
                "document.querySelector('#goal-{vehicles} select[name=period]').value = '2023-Q3';"
            ),
            vec![],
        )
        .await
        .unwrap();
        click(&c, &format!("#goal-{vehicles} .goal-report-form button")).await;
        c.wait().for_element(Locator::Id("value")).await.unwrap();
        assert!(text(&c, "#form-title").await.contains("2023年第三季度"));
        c.find(Locator::Id("value"))
            .await
            .unwrap()
            .send_keys("2950000")
            .await
            .unwrap();
        c.find(Locator::Id("narrative"))
            .await
            .unwrap()
            .send_keys("三季度整车产量")
            .await
            .unwrap();
        screenshot(&c, "goal-report-form").await;
        click(&c, "#submit-report").await;
        c.wait()
            .for_element(Locator::Id("goals-notice"))
            .await
            .unwrap();
        let latest = text(&c, &format!("#goal-{vehicles} .goal-latest")).await;
        assert!(latest.contains("待审核"), "{latest}");
        screenshot(&c, "goals-after-report").await;
    })
    .await;
}
