//! Problems (协调事项) through the store: raise, read, reassign, escalate once per missed
//! deadline, resolve; each write audited, a resolved problem never changed.

use jiff::civil::date;
use minsheng_domain::*;
use minsheng_store::testing::backends;
use minsheng_store::*;

async fn units(store: &Store) -> (UnitId, UnitId, UnitId) {
    let mut tx = store.begin(&Actor::new("office-admin")).await.unwrap();
    let unit = |parent, kind, name: &str| NewUnit {
        parent,
        kind,
        name: name.into(),
        code: None,
    };
    let province = tx
        .insert_unit(&unit(None, UnitKind::Province, "吉林省"))
        .await
        .unwrap();
    let city = tx
        .insert_unit(&unit(Some(province), UnitKind::City, "长春市"))
        .await
        .unwrap();
    let county = tx
        .insert_unit(&unit(Some(city), UnitKind::County, "农安县"))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    (province, city, county)
}

#[tokio::test]
async fn a_problem_is_raised_reassigned_escalated_once_and_resolved() {
    for db in backends().await {
        let store = &db.store;
        let (province, city, county) = units(store).await;
        let actor = Actor::new("nongan-clerk");

        let mut tx = store.begin(&actor).await.unwrap();
        let id = tx
            .insert_problem(&NewProblem {
                title: "用地指标不足".into(),
                description: "新建养老服务中心缺建设用地指标".into(),
                raised_by: county,
                owner: county,
                report: None,
                due: date(2023, 6, 30),
            })
            .await
            .unwrap();
        let raised_at = tx.now();
        tx.commit().await.unwrap();

        let p = store.problem(id).await.unwrap();
        assert_eq!(
            (p.raised_by, p.owner, p.due, p.status, p.report),
            (county, county, date(2023, 6, 30), ProblemStatus::Open, None),
            "{}",
            db.label
        );
        // PostgreSQL keeps microseconds.
        assert_eq!(p.raised_at.as_microsecond(), raised_at.as_microsecond());
        assert_eq!(p.title, "用地指标不足");
        assert_eq!(store.problems().await.unwrap(), vec![p.clone()]);
        assert_eq!(store.open_problems().await.unwrap(), vec![p.clone()]);

        // Escalated to the city once; the same deadline again writes nothing.
        let mut tx = store.begin(&Actor::system("escalate")).await.unwrap();
        let e = tx.escalate_problem(id, city).await.unwrap().unwrap();
        assert_eq!(
            (e.problem, e.from, e.missed_due, e.to),
            (id, county, date(2023, 6, 30), city)
        );
        assert_eq!(tx.escalate_problem(id, city).await.unwrap(), None);
        assert_eq!(tx.escalations(id).await.unwrap(), vec![e.clone()]);
        tx.commit().await.unwrap();
        assert_eq!(store.escalations(id).await.unwrap(), vec![e.clone()]);
        assert_eq!(store.escalations_to(city).await.unwrap(), vec![e.clone()]);
        assert!(store.escalations_to(province).await.unwrap().is_empty());

        // The city takes it on with a new deadline, which can be escalated in its turn.
        let mut tx = store.begin(&Actor::new("changchun-office")).await.unwrap();
        tx.reassign_problem(id, city, date(2023, 8, 31))
            .await
            .unwrap();
        let e2 = tx.escalate_problem(id, province).await.unwrap().unwrap();
        assert_eq!((e2.from, e2.missed_due), (city, date(2023, 8, 31)));
        tx.commit().await.unwrap();
        assert_eq!(store.escalations(id).await.unwrap().len(), 2);

        let mut tx = store.begin(&Actor::new("changchun-office")).await.unwrap();
        tx.resolve_problem(id, "已调剂用地指标12亩").await.unwrap();
        tx.commit().await.unwrap();
        let p = store.problem(id).await.unwrap();
        assert_eq!(p.status, ProblemStatus::Resolved);
        assert_eq!(p.resolution.as_deref(), Some("已调剂用地指标12亩"));
        assert_eq!((p.owner, p.due), (city, date(2023, 8, 31)));
        assert!(store.open_problems().await.unwrap().is_empty());

        let actions: Vec<String> = store
            .audit_events("problem", id.0)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(
            actions,
            ["create", "escalate", "assign", "escalate", "resolve"]
        );
        let assign = &store.audit_events("problem", id.0).await.unwrap()[2];
        assert!(assign.before.as_deref().unwrap().contains("2023-06-30"));
        assert!(assign.after.as_deref().unwrap().contains("2023-08-31"));
        assert_eq!(assign.actor, "changchun-office");

        // A resolved problem is never changed again.
        let audits = store.audit_count().await.unwrap();
        let mut tx = store.begin(&actor).await.unwrap();
        for err in [
            tx.reassign_problem(id, county, date(2023, 12, 31))
                .await
                .unwrap_err(),
            tx.resolve_problem(id, "again").await.unwrap_err(),
            tx.escalate_problem(id, province).await.unwrap_err(),
        ] {
            assert!(matches!(err, StoreError::Integrity { .. }), "{err:?}");
        }
        tx.commit().await.unwrap();
        assert_eq!(store.audit_count().await.unwrap(), audits);
        assert_eq!(store.problem(id).await.unwrap(), p);

        let err = store.problem(ProblemId(424_242)).await.unwrap_err();
        assert!(matches!(
            err,
            StoreError::NotFound {
                entity: "problem",
                ..
            }
        ));
        db.finish().await;
    }
}

#[tokio::test]
async fn a_problem_refers_to_units_and_reports_that_exist() {
    for db in backends().await {
        let store = &db.store;
        let (_, _, county) = units(store).await;
        let audits = store.audit_count().await.unwrap();
        let new = |owner, report| NewProblem {
            title: "t".into(),
            description: String::new(),
            raised_by: county,
            owner,
            report,
            due: date(2023, 6, 30),
        };
        for bad in [
            new(UnitId(999_999), None),
            new(county, Some(ReportId(999_999))),
        ] {
            let mut tx = store.begin(&Actor::new("x")).await.unwrap();
            let err = tx.insert_problem(&bad).await.unwrap_err();
            assert!(
                matches!(err, StoreError::Integrity { .. }),
                "{}: {err:?}",
                db.label
            );
            tx.rollback().await.unwrap();
        }
        assert_eq!(store.audit_count().await.unwrap(), audits);
        assert!(store.problems().await.unwrap().is_empty());
        db.finish().await;
    }
}
