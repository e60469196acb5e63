//! Issue #12 item 7: a new plan's whole first day through the pages, on an installation with
//! no plan, no population and no reports — no API call, no demo data. The office enters the
//! population, pastes a plan, confirms and publishes it, splits one target by population and
//! another by a filled XLSX sheet; the city files its implementation plan with a schedule, a
//! split over its districts, funds and the plan document, and the office approves it; the city
//! files its first report, the office accepts it in a bulk accept; and the target's page holds
//! the city's share to the approved schedule, not to 序时进度.

use super::harness::{
    self, fresh_site, page_width, screenshot, sign_in, sign_out, text, with_browser,
};
use super::{arrived, click, fill};
use fantoccini::Locator;
use minsheng_store::testing::sqlite;

const PLAN: &str = "关于2024年全省民生实事安排的意见
一、住房保障方面(2项)
1.改造城镇老旧小区900个。
2.新增城市停车泊位3000个。
";

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
async fn a_new_plan_runs_from_its_first_day_through_the_pages() {
    let site = fresh_site(sqlite().await, jiff::civil::date(2024, 2, 10)).await;
    let store = site.db.store.clone();
    let base = site.base.clone();
    let tree = store.unit_tree().await.unwrap();
    let id = |name: &str| tree.units().iter().find(|u| u.name == name).unwrap().id;
    let (changchun, jilin, siping) = (id("长春市"), id("吉林市"), id("四平市"));
    let (nanguan, chaoyang) = (id("南关区"), id("朝阳区"));
    let housing = id("省住房和城乡建设厅");
    // The sheet the office fills in Excel for the parking spaces.
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.write_string(1, 0, "单位").unwrap();
    ws.write_string(1, 2, "任务量").unwrap();
    for (r, (name, q)) in (2u32..).zip([("长春市", 1500.0), ("吉林市", 1000.0), ("四平市", 500.0)])
    {
        ws.write_string(r, 0, name).unwrap();
        ws.write_number(r, 2, q).unwrap();
    }
    let dir = std::env::temp_dir().join(format!("minsheng-first-day-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sheet = dir.join("停车泊位分解表.xlsx");
    std::fs::write(&sheet, book.save_to_buffer().unwrap()).unwrap();
    let document = dir.join("长春市老旧小区改造实施方案.pdf");
    std::fs::write(&document, b"%PDF-1.4\n% minsheng test\n").unwrap();
    let kept = dir.clone();
    let body_store = store.clone();
    with_browser(move |c| async move {
        let store = body_store;
        let site = harness::Site::at(&base);
        sign_in(&c, &site, "office").await;

        // The population the split will follow, entered by the office.
        c.goto(&site.url("/units/population")).await.unwrap();
        fill(&c, &format!("#population-{changchun}"), "9067000").await;
        fill(&c, &format!("#population-{jilin}"), "362.3万").await;
        fill(&c, &format!("#population-{siping}"), "1814000").await;
        click(&c, "#save-population").await;
        arrived(&c, "saved=1").await;
        assert!(text(&c, "#population-note").await.contains("已保存"));
        let weights = store
            .unit_weights(minsheng_store::POPULATION)
            .await
            .unwrap();
        assert_eq!(weights.get(&jilin), Some(&3_623_000));

        // The plan pasted, read, confirmed and published.
        c.goto(&site.url("/plans/new")).await.unwrap();
        c.wait().for_element(Locator::Id("text")).await.unwrap();
        c.execute(
            "document.getElementById('text').value = arguments[0];",
            vec![serde_json::json!(PLAN)],
        )
        .await
        .unwrap();
        click(&c, "#preview").await;
        click(&c, "#confirm").await;
        c.wait()
            .for_element(Locator::Id("publish-form"))
            .await
            .unwrap();
        let url = c.current_url().await.unwrap();
        let plan: minsheng_domain::PlanId = url
            .path()
            .trim_start_matches("/plans/")
            .parse()
            .map(minsheng_domain::PlanId)
            .unwrap();
        click(&c, "#publish").await;
        let targets = store.targets(plan).await.unwrap();
        assert_eq!(targets.len(), 2, "{targets:?}");
        let (homes, parking) = (targets[0].clone(), targets[1].clone());
        assert!(homes.phrase.contains("900个") && parking.phrase.contains("3000个"));

        // 900个 by population, led by the housing department.
        c.goto(&site.url(&format!("/targets/{}/decompose", homes.id)))
            .await
            .unwrap();
        c.find(Locator::Id("lead"))
            .await
            .unwrap()
            .select_by_value(&housing.to_string())
            .await
            .unwrap();
        c.find(Locator::Id("by"))
            .await
            .unwrap()
            .select_by_value("population")
            .await
            .unwrap();
        click(&c, "#propose").await;
        // Read the proposal's page, not the form it replaces (#sum-diff is on both).
        arrived(&c, "by=population").await;
        assert!(text(&c, "#notice").await.contains("按常住人口"));
        assert!(text(&c, "#sum-diff").await.contains("与目标相符"));
        // Proposing reloads the form: the lead is chosen again before saving.
        c.find(Locator::Id("lead"))
            .await
            .unwrap()
            .select_by_value(&housing.to_string())
            .await
            .unwrap();
        click(&c, "#save-split").await;
        arrived(&c, "notice=saved").await;

        // 3000个 by the filled sheet.
        c.goto(&site.url(&format!("/targets/{}/decompose", parking.id)))
            .await
            .unwrap();
        c.find(Locator::Id("sheet-lead"))
            .await
            .unwrap()
            .select_by_value(&housing.to_string())
            .await
            .unwrap();
        let file = c.find(Locator::Id("sheet-file")).await.unwrap();
        file.send_keys(sheet.to_str().unwrap()).await.unwrap();
        click(&c, "#sheet-upload").await;
        arrived(&c, "notice=sheet").await;
        let homes_shares = store.assignments_of_target(homes.id).await.unwrap();
        let share = homes_shares
            .iter()
            .find(|a| a.unit == changchun)
            .unwrap()
            .clone();
        let quota = share.quota.unwrap();
        assert_eq!(quota, rust_decimal::Decimal::from(563), "9067/14504 of 900");
        let parking_shares = store.assignments_of_target(parking.id).await.unwrap();
        assert!(
            parking_shares
                .iter()
                .any(|a| a.unit == changchun && a.quota == Some(1500.into()))
        );
        sign_out(&c).await;

        // The city's implementation plan: a schedule by quarter ends, its districts' parts,
        // the funds and the document; a draft first, then submitted.
        sign_in(&c, &site, "changchun").await;
        c.goto(&site.url("/workspace")).await.unwrap();
        let row = format!("tr.assignment[data-assignment=\"{}\"]", share.id);
        assert!(
            text(&c, &format!("{row} .plan-cell"))
                .await
                .contains("未报送")
        );
        click(&c, &format!("{row} a.plan-link")).await;
        c.wait()
            .for_element(Locator::Id("plan-form"))
            .await
            .unwrap();
        fill(
            &c,
            "#measures",
            "按季度推进,一季度完成设计招标,三季度完成主体改造。",
        )
        .await;
        click(&c, "#kind-points").await;
        for (m, v) in [(3, "60"), (6, "250"), (9, "450"), (12, "563")] {
            fill(&c, &format!("#p_{m}"), v).await;
        }
        fill(&c, &format!("input[name=\"s_{nanguan}_q\"]"), "363").await;
        fill(&c, &format!("input[name=\"s_{chaoyang}_q\"]"), "100").await;
        fill(&c, "#f_provincial", "5000000").await;
        fill(&c, "#f_local", "120万").await;
        click(&c, "#save-plan").await;
        // 363 + 100 is not 563: refused beside the split, what was typed kept, nothing saved.
        let refused = text(&c, "#sub-split-error").await;
        assert!(
            refused.contains("563") && refused.contains("463"),
            "{refused}"
        );
        assert!(
            store
                .implementation_plans_of_assignment(share.id)
                .await
                .unwrap()
                .is_empty()
        );
        fill(&c, &format!("input[name=\"s_{nanguan}_q\"]"), "463").await;
        click(&c, "#save-plan").await;
        arrived(&c, "saved=").await;
        let file = c.find(Locator::Id("document-file")).await.unwrap();
        file.send_keys(document.to_str().unwrap()).await.unwrap();
        click(&c, "#upload-document").await;
        arrived(&c, "attached=").await;
        assert!(text(&c, "#document-link").await.contains("实施方案.pdf"));
        screenshot(&c, "plan-form").await;
        fits_a_phone(&c, "plan-form-375").await;
        click(&c, "#submit-plan").await;
        arrived(&c, "submitted=").await;
        assert!(text(&c, ".plan-revision").await.contains("待审核"));
        sign_out(&c).await;

        // The office sees who has filed, and approves.
        sign_in(&c, &site, "office").await;
        c.goto(&site.url(&format!("/plans/{plan}"))).await.unwrap();
        click(&c, "#implementation-link").await;
        assert_eq!(
            text(&c, "#filings-counts a[data-status=\"submitted\"] b").await,
            "1"
        );
        assert_eq!(
            text(&c, "#filings-counts a[data-status=\"none\"] b").await,
            (homes_shares.len() + parking_shares.len() - 1).to_string()
        );
        screenshot(&c, "plan-filings").await;
        fits_a_phone(&c, "plan-filings-375").await;
        click(
            &c,
            &format!("tr.filing[data-assignment=\"{}\"] a.filing-link", share.id),
        )
        .await;
        let shown = text(&c, ".plan-revision").await;
        assert!(
            shown.contains("南关区") && shown.contains("620万元"),
            "{shown}"
        );
        screenshot(&c, "plan-view").await;
        fits_a_phone(&c, "plan-view-375").await;
        click(&c, "#approve-plan").await;
        arrived(&c, "reviewed=approved").await;
        assert!(text(&c, "#in-force").await.contains("已批准"));
        sign_out(&c).await;

        // The city's first report, for January.
        sign_in(&c, &site, "changchun").await;
        c.goto(&site.url(&format!(
            "/workspace/assignments/{}/report?period=2024-01",
            share.id
        )))
        .await
        .unwrap();
        fill(&c, "#value", "25").await;
        fill(&c, "#narrative", "完成12个小区的设计和招标,开工25个。").await;
        click(&c, "#submit-report").await;
        arrived(&c, "filed=").await;
        sign_out(&c).await;

        // Accepted in a bulk accept.
        sign_in(&c, &site, "office").await;
        c.goto(&site.url("/review")).await.unwrap();
        let picks = c.find_all(Locator::Css("input.pick")).await.unwrap();
        assert_eq!(picks.len(), 1, "the one report awaits review");
        picks[0].click().await.unwrap();
        click(&c, "#bulk-accept").await;
        text(&c, "#bulk-results").await;
        let done = c
            .find_all(Locator::Css("#bulk-results li.bulk-done"))
            .await
            .unwrap();
        assert_eq!(done.len(), 1);

        // The target's page holds the city to its approved schedule: 60 by the end of March
        // is 20 by the end of January (序时进度 would ask 563 × 1/12 ≈ 47).
        c.goto(&site.url(&format!("/targets/{}?period=2024-01", homes.id)))
            .await
            .unwrap();
        let row = text(&c, &format!("#unit-{changchun}")).await;
        assert!(row.contains("按实施方案"), "{row}");
        let expected = text(&c, &format!("#unit-{changchun} .share-expected")).await;
        assert!(expected.starts_with("20个"), "{expected}");
        assert!(row.contains("25个"), "{row}");
        c.execute(
            "document.getElementById('assignments').scrollIntoView();",
            vec![],
        )
        .await
        .unwrap();
        screenshot(&c, "target-on-approved-schedule").await;
    })
    .await;
    let _ = std::fs::remove_dir_all(&kept);
    site.db.finish().await;
}
