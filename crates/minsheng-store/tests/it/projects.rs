//! Major projects through the store, on both backends: a project recorded beside its item,
//! changed only from the revision it was read at (a stale change is a conflict, nothing
//! written), its milestones replaced and a report's milestones applied, every write audited.

use jiff::civil::date;
use minsheng_domain::project::{Industry, MilestoneKind, Project, ProjectMilestone};
use minsheng_domain::*;
use minsheng_store::testing::backends;
use minsheng_store::*;

#[tokio::test]
async fn a_project_is_kept_changed_from_its_revision_and_audited() {
    for db in backends().await {
        let store = &db.store;
        let mut tx = store.begin(&Actor::new("office")).await.unwrap();
        let province = tx
            .insert_unit(&NewUnit {
                parent: None,
                kind: UnitKind::Province,
                name: "吉林省".into(),
                code: None,
            })
            .await
            .unwrap();
        let plan = tx
            .insert_plan(&NewPlan {
                year: 2023,
                title: "重大项目".into(),
                owner: province,
                kind: PlanKind::MajorProjects,
                status: PlanStatus::Confirmed,
                source_text: String::new(),
                declared_sections: None,
                declared_items: None,
            })
            .await
            .unwrap();
        let item = tx
            .append_project_item(plan, "重大项目", "奥迪一汽新能源汽车项目", &[])
            .await
            .unwrap();
        let second = tx
            .append_project_item(plan, "重大项目", "一汽弗迪动力电池项目", &[])
            .await
            .unwrap();
        let p = Project {
            item,
            name: "奥迪一汽新能源汽车项目".into(),
            code: None,
            owner: "奥迪一汽".into(),
            responsible: province,
            leader: None,
            region: province,
            place: "长春".into(),
            industry: Industry::from_code("C").unwrap(),
            total_investment: "35000000000".parse().unwrap(),
            invested_before: "0".parse().unwrap(),
            start_year: 2022,
            end_year: 2024,
            investment_target: None,
            revision: 1,
        };
        tx.insert_project(&p).await.unwrap();
        let ms = [ProjectMilestone {
            kind: MilestoneKind::Started,
            planned: Some(date(2022, 6, 1)),
            actual: None,
        }];
        tx.set_project_milestones(item, &ms).await.unwrap();
        tx.commit().await.unwrap();
        let items = store.items(plan).await.unwrap();
        assert_eq!(items.len(), 2, "{}", db.label);
        assert_eq!((items[0].no, items[1].no), (1, 2));
        assert_eq!(items[1].id, second);
        assert_eq!(store.project(item).await.unwrap(), p, "{}", db.label);

        // A change from revision 1 moves it to 2; a second from 1 is a conflict.
        let renamed = Project {
            name: "奥迪一汽新能源汽车项目(一期)".into(),
            ..p.clone()
        };
        let mut tx = store.begin(&Actor::new("office")).await.unwrap();
        assert_eq!(tx.update_project(&renamed, 1).await.unwrap(), 2);
        tx.commit().await.unwrap();
        let mut tx = store.begin(&Actor::new("office2")).await.unwrap();
        let e = tx.update_project(&p, 1).await.unwrap_err();
        assert!(matches!(e, StoreError::Conflict { .. }), "{e:?}");
        drop(tx);
        assert_eq!(store.project(item).await.unwrap().name, renamed.name);

        // A report's milestones applied: the actual date set, the planned one kept.
        let mut tx = store.begin(&Actor::new("office")).await.unwrap();
        let changed = tx
            .apply_project_report(&ProjectReport {
                report: ReportId(0),
                item,
                progress: String::new(),
                revised_total: Some("36000000000".parse().unwrap()),
                milestones: vec![
                    (MilestoneKind::Started, date(2022, 6, 20)),
                    (MilestoneKind::Registered, date(2022, 7, 1)),
                ],
            })
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(changed.len(), 2);
        let now = store.project_milestones(item).await.unwrap();
        assert_eq!(now[0].planned, Some(date(2022, 6, 1)), "{}", db.label);
        assert_eq!(now[0].actual, Some(date(2022, 6, 20)));
        assert_eq!(now[1].kind, MilestoneKind::Registered);
        let kept = store.project(item).await.unwrap();
        assert_eq!(kept.total_investment, "36000000000".parse().unwrap());
        assert_eq!(kept.revision, 3);

        let (events, _) = store
            .audit_trail(
                &[
                    ("project", vec![item.0]),
                    ("project_milestones", vec![item.0]),
                ],
                50,
                0,
            )
            .await
            .unwrap();
        let actions: Vec<(String, String)> = events
            .iter()
            .map(|e| (e.entity.clone(), e.action.clone()))
            .collect();
        for want in [
            ("project", "create"),
            ("project", "update"),
            ("project", "accept"),
            ("project_milestones", "update"),
            ("project_milestones", "accept"),
        ] {
            assert!(
                actions
                    .iter()
                    .any(|(e, a)| (e.as_str(), a.as_str()) == want),
                "{}: {want:?} in {actions:?}",
                db.label
            );
        }
        db.finish().await;
    }
}
