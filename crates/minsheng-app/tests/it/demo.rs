use minsheng_app::{demo, visibility};
use minsheng_domain::{Account, AssignmentRole, Period, ReportStatus, Role, UnitKind, UserId};
use minsheng_store::testing::backends;

#[tokio::test]
async fn the_demo_holds_the_jilin_plan_read_from_its_text() {
    for db in backends().await {
        let store = &db.store;
        let summary = demo::build(store).await.unwrap();
        assert!(demo::is_demo(store).await.unwrap());
        let plans = store.plans().await.unwrap();
        assert_eq!(plans.len(), 1, "{}", db.label);
        let outline = visibility::plan_outline(store, None, plans[0].id)
            .await
            .unwrap();
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
        let office = Account {
            id: UserId(1),
            name: "office".into(),
            role: Role::Office,
            unit: None,
        };
        let page = visibility::item_page(store, &office, first.item.id)
            .await
            .unwrap();
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

        // A year of invented reports to September: August reviewed, September pending, the
        // lagging prefectures (通化, 白城) behind the diligent ones.
        assert!(summary.reports > 3_000, "{}", summary.reports);
        let pending = store.submitted_reports().await.unwrap();
        assert!(!pending.is_empty());
        assert!(
            pending
                .iter()
                .all(|r| r.period == Period::parse("2023-09").unwrap())
        );
        let august = minsheng_app::rollup::dashboard(store, Period::parse("2023-08").unwrap())
            .await
            .unwrap();
        let mean = |name: &str| {
            let id = tree.units().iter().find(|u| u.name == name).unwrap().id;
            let rows: Vec<_> = august.regions.iter().filter(|r| r.row.unit == id).collect();
            let n: i64 = rows.iter().map(|r| r.row.assignments).sum();
            rows.iter()
                .map(|r| r.row.score_sum)
                .sum::<rust_decimal::Decimal>()
                / rust_decimal::Decimal::from(n)
        };
        assert!(
            mean("长春市") > mean("通化市"),
            "{} vs {}",
            mean("长春市"),
            mean("通化市")
        );
        assert!(mean("吉林市") > mean("白城市"));
        let counts: std::collections::HashMap<_, _> =
            store.report_counts().await.unwrap().into_iter().collect();
        assert!(
            counts[&ReportStatus::Returned] > 0,
            "some reports were returned and refiled: {counts:?}"
        );
        assert_eq!(counts[&ReportStatus::Submitted] as usize, pending.len());
        assert_eq!(counts.values().sum::<i64>() as usize, summary.reports);

        // Three coordination matters: one resolved in summer, one overdue and escalated to
        // the province, one open and not yet due.
        let problems = store.problems().await.unwrap();
        assert_eq!((summary.problems, problems.len()), (3, 3), "{}", db.label);
        let resolved: Vec<_> = problems
            .iter()
            .filter(|p| p.status == minsheng_domain::ProblemStatus::Resolved)
            .collect();
        assert_eq!(resolved.len(), 1);
        assert!(
            problems.iter().all(|p| p.report.is_some()),
            "each raised from a report"
        );
        let mut escalated = Vec::new();
        for p in &problems {
            escalated.extend(store.escalations(p.id).await.unwrap());
        }
        assert_eq!(escalated.len(), 1, "{escalated:?}");
        assert_eq!(escalated[0].to, province.id);

        // The demo is built only once, into an empty database.
        let err = demo::build(store).await.unwrap_err();
        assert!(err.to_string().contains("空数据库"), "{err}");
        db.finish().await;
    }
}
