use minsheng_app::{demo, queries};
use minsheng_domain::{AssignmentRole, UnitKind};
use minsheng_store::testing::backends;

#[tokio::test]
async fn the_demo_holds_the_jilin_plan_read_from_its_text() {
    for db in backends().await {
        let store = &db.store;
        let summary = demo::build(store).await.unwrap();
        assert!(demo::is_demo(store).await.unwrap());
        let plans = queries::plans(store).await.unwrap();
        assert_eq!(plans.len(), 1, "{}", db.label);
        let outline = queries::plan_outline(store, plans[0].id).await.unwrap();
        assert_eq!(
            outline.plan.title,
            "中共吉林省委吉林省人民政府关于2023年全省民生实事安排的意见"
        );
        assert_eq!(outline.plan.year, 2023);
        assert_eq!(
            outline.plan.source_text,
            demo::JILIN_2023,
            "the source is kept as given"
        );
        assert_eq!(outline.sections.len(), 10, "{}", db.label);
        assert_eq!(outline.item_count(), 50);
        assert_eq!(
            outline.plan.declared_sections,
            Some(14),
            "the claim is kept to show the mismatch"
        );
        assert_eq!(outline.owner.name, "吉林省");
        // Item 1's first target, exactly as the document says it.
        let first = &outline.sections[0].items[0];
        assert_eq!(first.targets[0].quantity.to_string(), "23万人");
        let span = first.targets[0].span.unwrap();
        assert!(outline.plan.source_text[span.start..span.end].contains("23万人"));
        assert_eq!(outline.target_count(), summary.imported.targets);

        // Each target has one lead department, and a count is split over the prefectures
        // so that the quotas add up to the target.
        let page = queries::item_page(store, first.item.id).await.unwrap();
        let t = &page.targets[0];
        let leads: Vec<_> = t
            .assignments
            .iter()
            .filter(|(a, _)| a.role == AssignmentRole::Lead)
            .collect();
        assert_eq!(leads.len(), 1);
        assert_eq!(leads[0].1.kind, UnitKind::Department);
        assert_eq!(leads[0].1.name, "省人力资源和社会保障厅");
        assert_eq!(t.quota_sum, Some(t.target.quantity.value));
        assert_eq!(
            t.assignments
                .iter()
                .filter(|(_, u)| u.kind == UnitKind::City)
                .count(),
            9
        );

        let tree = store.unit_tree().await.unwrap();
        let province = tree
            .units()
            .iter()
            .find(|u| u.kind == UnitKind::Province)
            .unwrap();
        assert_eq!(tree.sub_regions(province.id).count(), 9);
        assert_eq!(summary.units, tree.units().len());

        // The demo is built only once, into an empty database.
        let err = demo::build(store).await.unwrap_err();
        assert!(err.to_string().contains("空数据库"), "{err}");
        db.finish().await;
    }
}
