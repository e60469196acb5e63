//! The projects a `major_projects` plan's own text proposes (the plan editor's paste, read by
//! the extractor), on both backends: each proposal is the office's input made from one
//! project draft, only the office sees them, one saved through `projects::create` leaves the
//! list, and a livelihood plan proposes none.

use minsheng_app::AppError;
use minsheng_app::demo::JILIN_2023;
use minsheng_app::project_drafts::{proposal, proposals};
use minsheng_app::projects;
use minsheng_domain::*;
use minsheng_store::NewPlan;
use rust_decimal::Decimal;

/// The seed's paragraphs on its three projects, as an office would paste them.
fn project_text() -> String {
    JILIN_2023
        .lines()
        .filter(|l| l.contains("项目") || l.contains("工厂"))
        .take(6)
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn a_plans_text_proposes_its_projects_until_they_are_saved() {
    for db in minsheng_store::testing::backends().await {
        let store = db.store.clone();
        let mut tx = store.begin(&Actor::new("setup")).await.unwrap();
        let province = crate::support::unit(&mut tx, None, UnitKind::Province, "吉林省").await;
        let city = crate::support::unit(&mut tx, Some(province), UnitKind::City, "长春市").await;
        let new_plan = |kind, source_text: String| NewPlan {
            year: 2023,
            title: "2023年重大项目".into(),
            owner: province,
            kind,
            status: PlanStatus::Confirmed,
            source_text,
            declared_sections: None,
            declared_items: None,
        };
        let plan = tx
            .insert_plan(&new_plan(PlanKind::MajorProjects, project_text()))
            .await
            .unwrap();
        let livelihood = tx
            .insert_plan(&new_plan(PlanKind::Livelihood, project_text()))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let office = Account {
            id: UserId(1),
            name: "office".into(),
            role: Role::Office,
            unit: None,
        };

        let listed = proposals(&store, &office, plan).await.unwrap();
        let names: Vec<&str> = listed.iter().map(|p| p.input.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "奥迪一汽新能源汽车项目",
                "一汽弗迪新能源汽车动力电池项目",
                "中国一汽红旗繁荣工厂"
            ],
            "{}",
            db.label
        );
        assert!(
            proposals(&store, &office, livelihood)
                .await
                .unwrap()
                .is_empty()
        );

        // A unit's account sees no proposal: they are the office's to complete.
        let unit = Account {
            id: UserId(2),
            name: "220100".into(),
            role: Role::Unit,
            unit: Some(city),
        };
        assert!(matches!(
            proposals(&store, &unit, plan).await,
            Err(AppError::Forbidden { .. })
        ));

        // The office completes the first one and saves it: it leaves the list.
        let mut audi = proposal(&store, &office, plan, 0).await.unwrap();
        assert_eq!(audi.total_investment, Decimal::from(35_000_000_000i64));
        audi.responsible = city;
        audi.region = city;
        audi.owner = "奥迪一汽新能源汽车有限公司".into();
        audi.industry = "C".into();
        audi.annual_investment = Some(Decimal::from(1_000_000));
        projects::create(&store, &office, plan, &audi, jiff::civil::date(2023, 3, 1))
            .await
            .unwrap();
        let left: Vec<usize> = proposals(&store, &office, plan)
            .await
            .unwrap()
            .iter()
            .map(|p| p.draft)
            .collect();
        assert_eq!(left, [1, 2], "{}", db.label);
        assert!(matches!(
            proposal(&store, &office, plan, 9).await,
            Err(AppError::NotFound { .. })
        ));
        db.finish().await;
    }
}
