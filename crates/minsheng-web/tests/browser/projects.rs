//! Issue #15 through the pages, on the demo with its major-projects plan (the seed's three
//! new-energy-vehicle projects, invented reports): the office opens the projects dashboard
//! from the menu, a project's page with its timeline and investment chart, adds a project by
//! the form (a refusal first, the field named, nothing saved), and the responsible unit files
//! its investment with a milestone reached and 形象进度 through the report form; the office's
//! accept then moves the milestone. Screenshots at 1280 and 375 px.

use super::harness::{
    self, demo_site, page_width, screenshot, sign_in, sign_out, text, with_browser,
};
use super::{click, fill};
use fantoccini::Locator;
use minsheng_app::demo;
use minsheng_domain::project::MilestoneKind;
use minsheng_domain::{AssignmentRole, ReportStatus};
use minsheng_store::testing::sqlite;

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

/// Waits until the page's path is `path`.
async fn at(c: &fantoccini::Client, path: &str) {
    for _ in 0..100 {
        if c.current_url().await.unwrap().path() == path {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!(
        "never arrived at {path}: {}",
        c.current_url().await.unwrap()
    );
}

#[tokio::test]
async fn the_office_tracks_major_projects_and_a_unit_reports_a_milestone() {
    let site = demo_site(sqlite().await).await;
    let store = site.db.store.clone();
    let plan = demo::projects::major_projects(&store, &demo::projects::seed_projects())
        .await
        .unwrap();
    let base = site.base.clone();
    let st = store.clone();
    with_browser(move |c| async move {
        let site = harness::Site::at(&base);
        sign_in(&c, &site, "office").await;

        // The menu leads to the dashboard: three projects, lit.
        click(&c, "#nav-projects").await;
        c.wait().for_element(Locator::Id("projects")).await.unwrap();
        at(&c, &format!("/plans/{plan}/projects")).await;
        let rows = c.find_all(Locator::Css(".project-row")).await.unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(text(&c, "#total-projects").await, "3");
        assert!(
            text(&c, "#projects")
                .await
                .contains("奥迪一汽新能源汽车项目")
        );
        assert!(text(&c, "#by-region").await.contains("长春市"));
        // 一汽弗迪's 投产 (planned 2023-06-30) is missed by 15 October: red.
        assert_ne!(text(&c, "#lights-red").await, "0");
        screenshot(&c, "projects-dashboard").await;
        fits_a_phone(&c, "projects-dashboard-375").await;

        // A project's page: the timeline and the chart.
        let projects = st.projects_of_plan(plan).await.unwrap();
        let fudi = projects[1].item;
        c.goto(&site.url(&format!("/projects/{fudi}")))
            .await
            .unwrap();
        c.wait().for_element(Locator::Id("timeline")).await.unwrap();
        assert!(text(&c, "#milestone-production").await.contains("已逾期"));
        assert!(
            text(&c, "#milestone-completed")
                .await
                .contains("2023-06-28")
        );
        c.wait()
            .for_element(Locator::Id("trajectory-svg"))
            .await
            .unwrap();
        screenshot(&c, "project-page").await;
        fits_a_phone(&c, "project-page-375").await;

        // The office adds a project: first refused (production after the project's period).
        c.goto(&site.url(&format!("/plans/{plan}/projects/new")))
            .await
            .unwrap();
        c.wait()
            .for_element(Locator::Id("project-form"))
            .await
            .unwrap();
        let changchun = harness_unit(&st, "长春市").await;
        fill(&c, "#f-name", "长春新能源汽车零部件产业园项目(演示数据)").await;
        fill(&c, "#f-owner", "长春汽车零部件有限公司(演示数据)").await;
        for id in ["f-responsible", "f-region"] {
            c.find(Locator::Id(id))
                .await
                .unwrap()
                .select_by_value(&changchun.to_string())
                .await
                .unwrap();
        }
        fill(&c, "#f-total", "20").await;
        fill(&c, "#f-start", "2023").await;
        fill(&c, "#f-end", "2024").await;
        fill(&c, "#f-annual", "80000").await;
        fill(&c, "#f-q2", "30000").await;
        fill(&c, "#f-q4", "80000").await;
        set_date(&c, "f-planned-started", "2023-03-31").await;
        set_date(&c, "f-planned-production", "2025-06-30").await;
        fill(&c, "#f-cap-value-0", "50").await;
        fill(&c, "#f-cap-unit-0", "万套").await;
        click(&c, "#save-project").await;
        c.wait()
            .for_element(Locator::Id("project-error"))
            .await
            .unwrap();
        assert!(
            text(&c, "#project-error")
                .await
                .contains("milestones.production.planned")
        );
        assert_eq!(
            st.projects_of_plan(plan).await.unwrap().len(),
            3,
            "nothing saved"
        );
        screenshot(&c, "project-form-refused").await;
        // Corrected, it is saved and its page shown.
        set_date(&c, "f-planned-production", "2024-06-30").await;
        click(&c, "#save-project").await;
        c.wait()
            .for_element(Locator::Id("saved-note"))
            .await
            .unwrap();
        assert!(text(&c, "#project-title").await.contains("零部件产业园"));
        let all = st.projects_of_plan(plan).await.unwrap();
        assert_eq!(all.len(), 4);
        let new = all[3].clone();
        sign_out(&c).await;

        // 长春市 files October's investment with 开工 reached.
        let a = st
            .assignments_of_target(new.investment_target.unwrap())
            .await
            .unwrap()
            .into_iter()
            .find(|a| a.role == AssignmentRole::Lead)
            .unwrap();
        sign_in(&c, &site, "220100").await;
        c.goto(&site.url(&format!(
            "/workspace/assignments/{}/report?period=2023-10",
            a.id
        )))
        .await
        .unwrap();
        c.wait()
            .for_element(Locator::Id("project-part"))
            .await
            .unwrap();
        fill(&c, "#value", "52000").await;
        fill(&c, "#narrative", "1—10月累计完成投资5.2亿元(演示数据)").await;
        fill(&c, "#progress", "厂房主体结构施工(演示数据)").await;
        set_date(&c, "reached-started", "2023-04-10").await;
        screenshot(&c, "project-report-form").await;
        click(&c, "#submit-report").await;
        text(&c, "#filed-note").await;
        let reports = st.reports_of_assignment(a.id).await.unwrap();
        assert_eq!(reports.len(), 1);
        assert_eq!(reports[0].status, ReportStatus::Submitted);
        let extra = st.project_report(reports[0].id).await.unwrap().unwrap();
        assert_eq!(extra.progress, "厂房主体结构施工(演示数据)");
        let started = |ms: Vec<minsheng_domain::project::ProjectMilestone>| {
            ms.into_iter()
                .find(|m| m.kind == MilestoneKind::Started)
                .and_then(|m| m.actual)
        };
        assert_eq!(
            started(st.project_milestones(new.item).await.unwrap()),
            None
        );
        sign_out(&c).await;

        // The office accepts it from the queue; the milestone moves with it.
        sign_in(&c, &site, "office").await;
        c.goto(&site.url(&format!(
            "/review?period=2023-10&unit={changchun}&per_page=500"
        )))
        .await
        .unwrap();
        click(
            &c,
            &format!(
                "tr.review-row[data-report=\"{}\"] button.accept",
                reports[0].id
            ),
        )
        .await;
        text(&c, "#review-note").await;
        for _ in 0..100 {
            if started(st.project_milestones(new.item).await.unwrap()).is_some() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert_eq!(
            started(st.project_milestones(new.item).await.unwrap()),
            Some(jiff::civil::date(2023, 4, 10))
        );
        c.goto(&site.url(&format!("/projects/{}", new.item)))
            .await
            .unwrap();
        c.wait().for_element(Locator::Id("timeline")).await.unwrap();
        assert!(text(&c, "#milestone-started").await.contains("2023-04-10"));
        screenshot(&c, "project-page-after-accept").await;
    })
    .await;
}

async fn harness_unit(store: &minsheng_store::Store, name: &str) -> i64 {
    let tree = store.unit_tree().await.unwrap();
    tree.units().iter().find(|u| u.name == name).unwrap().id.0
}

/// Sets a date input (typing into one depends on the browser's locale).
async fn set_date(c: &fantoccini::Client, id: &str, value: &str) {
    c.wait().for_element(Locator::Id(id)).await.unwrap();
    c.execute(
        "document.getElementById(arguments[0]).value = arguments[1];",
        vec![serde_json::json!(id), serde_json::json!(value)],
    )
    .await
    .unwrap();
}
