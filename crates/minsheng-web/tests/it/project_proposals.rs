//! The projects a major-projects plan's own text proposes, through the pages: listed on the
//! plan's projects dashboard for the office (not for a viewer), each opening the new-project
//! form filled from what the extractor read, the units left for the office to choose.

use crate::support::{demo_sign_in, get_as, state};
use axum::http::StatusCode;
use minsheng_app::demo::{self, JILIN_2023};
use minsheng_domain::{Actor, PlanKind, PlanStatus};
use minsheng_store::NewPlan;
use minsheng_store::testing::backends;

#[tokio::test]
async fn the_office_creates_projects_from_what_the_plans_text_read() {
    for db in backends().await {
        demo::build(&db.store).await.unwrap();
        let province = db.store.unit_by_name("吉林省").await.unwrap().unwrap().id;
        let text: String = JILIN_2023
            .lines()
            .filter(|l| l.contains("项目") || l.contains("工厂"))
            .take(6)
            .collect::<Vec<_>>()
            .join("\n");
        let mut tx = db.store.begin(&Actor::new("office")).await.unwrap();
        let plan = tx
            .insert_plan(&NewPlan {
                year: 2023,
                title: "2023年长春市重大项目".into(),
                owner: province,
                kind: PlanKind::MajorProjects,
                status: PlanStatus::Confirmed,
                source_text: text,
                declared_sections: None,
                declared_items: None,
            })
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let st = state(&db.store, true);
        let office = demo_sign_in(&st, "office").await;

        let page = get_as(&st, &office, &format!("/plans/{plan}/projects")).await;
        assert_eq!(page.status, StatusCode::OK, "{}: {}", db.label, page.body);
        let listed = &page.body[page.body.find("id=\"proposed-projects\"").unwrap()..];
        let listed = &listed[..listed.find("</section>").unwrap()];
        assert_eq!(listed.matches("class=\"proposed\"").count(), 3, "{listed}");
        assert!(listed.contains("<b>奥迪一汽新能源汽车项目</b>"));
        assert!(listed.contains(&format!("href=\"/plans/{plan}/projects/new?draft=0\"")));

        // The form opens with what was read; the units are the office's to choose.
        let form = get_as(&st, &office, &format!("/plans/{plan}/projects/new?draft=0")).await;
        assert_eq!(form.status, StatusCode::OK, "{}", db.label);
        assert!(
            form.body.contains("value=\"奥迪一汽新能源汽车项目\""),
            "{}",
            form.body
        );
        assert!(form.body.contains("value=\"350\""), "the 总投资 in 亿元");
        assert!(
            form.body.contains("value=\"2024-12-31\""),
            "the planned 投产"
        );
        let missing = get_as(&st, &office, &format!("/plans/{plan}/projects/new?draft=7")).await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);

        // A viewer sees the dashboard without the office's proposals.
        let leader = demo_sign_in(&st, "leader").await;
        let page = get_as(&st, &leader, &format!("/plans/{plan}/projects")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("id=\"proposed-projects\""));
        db.finish().await;
    }
}
