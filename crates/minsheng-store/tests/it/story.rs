//! One story through the whole interface, on each backend.

use jiff::civil::date;
use minsheng_domain::*;
use minsheng_store::testing::backends;
use minsheng_store::*;
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

struct Seeded {
    province: UnitId,
    city: UnitId,
    dept: UnitId,
    plan: PlanId,
    target: TargetId,
}

async fn seed(store: &Store) -> Seeded {
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
    let dept = tx
        .insert_unit(&unit(
            Some(province),
            UnitKind::Department,
            "省人力资源和社会保障厅",
        ))
        .await
        .unwrap();
    let plan = tx
        .insert_plan(&NewPlan {
            year: 2023,
            title: "关于2023年全省民生实事安排的意见".into(),
            owner: province,
            kind: PlanKind::Livelihood,
            status: PlanStatus::Draft,
            source_text: "一、促进就业方面(2项)\n1.城镇新增就业23万人".into(),
            declared_sections: Some(14),
            declared_items: Some(50),
        })
        .await
        .unwrap();
    let section = tx
        .insert_section(&NewSection {
            plan,
            position: 1,
            no: 1,
            title: Some("促进就业方面".into()),
            declared_items: Some(2),
        })
        .await
        .unwrap();
    let item = tx
        .insert_item(&NewItem {
            section,
            position: 1,
            no: 1,
            text: "城镇新增就业23万人".into(),
            leads: vec!["省人力资源和社会保障厅".into(), "省财政厅".into()],
            span: Some(TargetSpan { start: 32, end: 61 }),
        })
        .await
        .unwrap();
    let target = tx
        .insert_target(&NewTarget {
            item,
            seq: 1,
            quantity: Quantity::new(d("230000"), "人"),
            cmp: Cmp::Ge,
            phrase: "城镇新增就业23万人".into(),
            span: Some(TargetSpan { start: 34, end: 61 }),
            implicit: false,
            delta: false,
            deadline: date(2023, 12, 31),
            baseline: Some(d("816.2")),
            kind: TargetKind::Quantity,
            accrual_set: None,
        })
        .await
        .unwrap();
    tx.commit().await.unwrap();
    Seeded {
        province,
        city,
        dept,
        plan,
        target,
    }
}

#[tokio::test]
async fn a_plan_round_trips_exactly() {
    for db in backends().await {
        let s = seed(&db.store).await;
        let store = &db.store;
        let plan = store.plan(s.plan).await.unwrap();
        assert_eq!(
            plan.title, "关于2023年全省民生实事安排的意见",
            "{}",
            db.label
        );
        assert_eq!(
            (plan.year, plan.declared_sections, plan.declared_items),
            (2023, Some(14), Some(50))
        );
        assert_eq!(plan.status, PlanStatus::Draft);
        let sections = store.sections(s.plan).await.unwrap();
        assert_eq!(sections.len(), 1);
        assert_eq!(sections[0].declared_items, Some(2));
        let items = store.items(s.plan).await.unwrap();
        assert_eq!(items[0].leads, ["省人力资源和社会保障厅", "省财政厅"]);
        assert_eq!(items[0].span, Some(TargetSpan { start: 32, end: 61 }));
        let (item, plan_of_item) = store.item(items[0].id).await.unwrap();
        assert_eq!((item.no, plan_of_item), (1, s.plan));
        let targets = store.targets(s.plan).await.unwrap();
        assert_eq!(targets.len(), 1, "{}", db.label);
        let t = &targets[0];
        assert_eq!(t.quantity, Quantity::new(d("230000"), "人"));
        assert_eq!(
            t.baseline,
            Some(d("816.2")),
            "decimals stay exact on {}",
            db.label
        );
        assert_eq!(t.deadline, date(2023, 12, 31));
        assert_eq!(store.target(s.target).await.unwrap(), *t);
        let tree = store.unit_tree().await.unwrap();
        assert_eq!(tree.ancestors(s.city)[0].id, s.province);
        assert_eq!(tree.region_of(s.dept).unwrap().id, s.province);
        assert_eq!(
            store.unit_by_name("长春市").await.unwrap().map(|u| u.id),
            Some(s.city)
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn every_change_is_audited_with_before_and_after() {
    for db in backends().await {
        let s = seed(&db.store).await;
        let store = &db.store;
        let mut tx = store.begin(&Actor::new("王科长")).await.unwrap();
        let change = TargetChange {
            quantity: Some(Quantity::new(d("250000"), "人")),
            ..TargetChange::default()
        };
        let after = tx.update_target(s.target, &change).await.unwrap();
        tx.set_plan_status(s.plan, PlanStatus::Confirmed)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(after.quantity.value, d("250000"));
        assert_eq!(
            store.target(s.target).await.unwrap().quantity.value,
            d("250000")
        );

        let events = store.audit_events("target", s.target.0).await.unwrap();
        let actions: Vec<_> = events.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["create", "update"], "{}", db.label);
        let upd = &events[1];
        assert_eq!(upd.actor, "王科长");
        assert!(
            upd.before
                .as_deref()
                .unwrap()
                .contains("\"value\":\"230000\""),
            "{:?}",
            upd.before
        );
        assert!(
            upd.after
                .as_deref()
                .unwrap()
                .contains("\"value\":\"250000\""),
            "{:?}",
            upd.after
        );
        let plan_events = store.audit_events("plan", s.plan.0).await.unwrap();
        assert_eq!(
            plan_events.last().unwrap().after.as_deref(),
            Some("{\"status\":\"confirmed\"}")
        );
        assert_eq!(
            store.plan(s.plan).await.unwrap().status,
            PlanStatus::Confirmed
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn assignments_schedules_and_reports() {
    for db in backends().await {
        let s = seed(&db.store).await;
        let store = &db.store;
        let mut tx = store.begin(&Actor::new("office")).await.unwrap();
        let lead = tx
            .insert_assignment(&NewAssignment {
                target: s.target,
                unit: s.dept,
                role: AssignmentRole::Lead,
                quota: None,
                budget: Some(d("1500000.50")),
            })
            .await
            .unwrap();
        let share = tx
            .insert_assignment(&NewAssignment {
                target: s.target,
                unit: s.city,
                role: AssignmentRole::Partner,
                quota: Some(d("90000")),
                budget: None,
            })
            .await
            .unwrap();
        let q2 = Period::parse("2023-Q2").unwrap();
        let june = Period::parse("2023-06").unwrap();
        tx.set_schedule(
            share,
            &[
                SchedulePoint {
                    period: Period::Year(2023),
                    expected: d("90000"),
                },
                SchedulePoint {
                    period: q2,
                    expected: d("40000"),
                },
            ],
        )
        .await
        .unwrap();
        tx.insert_report(&NewReport {
            assignment: share,
            period: june,
            revision: 1,
            cumulative: Some(d("41000")),
            stage: Some(Stage::InProgress),
            funds_spent: Some(d("12.5")),
            narrative: "上半年新增就业4.1万人".into(),
            status: ReportStatus::Submitted,
        })
        .await
        .unwrap();
        tx.commit().await.unwrap();

        let assignments = store.assignments_of_target(s.target).await.unwrap();
        assert_eq!(assignments.len(), 2, "{}", db.label);
        assert_eq!(assignments[0].id, lead, "the lead comes first");
        assert_eq!(assignments[0].budget, Some(d("1500000.5")));
        assert_eq!(store.assignments_of_plan(s.plan).await.unwrap().len(), 2);
        let schedule = store.schedule(share).await.unwrap();
        assert_eq!(
            schedule.iter().map(|p| p.period).collect::<Vec<_>>(),
            [q2, Period::Year(2023)]
        );
        let reports = store.reports_of_assignment(share).await.unwrap();
        assert_eq!(reports.len(), 1);
        let r = &reports[0];
        assert_eq!(
            (r.period, r.revision, r.status),
            (june, 1, ReportStatus::Submitted)
        );
        assert_eq!(r.cumulative, Some(d("41000")));
        assert_eq!(r.filed_by, "office");
        assert_eq!(
            store.audit_events("schedule", share.0).await.unwrap().len(),
            1
        );
        assert_eq!(store.audit_events("report", r.id.0).await.unwrap().len(), 1);
        db.finish().await;
    }
}

#[tokio::test]
async fn a_failed_write_leaves_nothing_behind() {
    for db in backends().await {
        let s = seed(&db.store).await;
        let store = &db.store;
        let audits_before = store.audit_count().await.unwrap();

        // A duplicate assignment is refused by name …
        let mut tx = store.begin(&Actor::new("office")).await.unwrap();
        let a = NewAssignment {
            target: s.target,
            unit: s.city,
            role: AssignmentRole::Partner,
            quota: Some(d("1")),
            budget: None,
        };
        tx.insert_assignment(&a).await.unwrap();
        let err = tx.insert_assignment(&a).await.unwrap_err();
        assert!(
            matches!(err, StoreError::Duplicate { .. }),
            "{}: {err:?}",
            db.label
        );
        drop(tx); // … and the transaction, dropped, keeps nothing: not even the first insert.
        assert!(
            store
                .assignments_of_target(s.target)
                .await
                .unwrap()
                .is_empty(),
            "{}",
            db.label
        );
        assert_eq!(store.audit_count().await.unwrap(), audits_before);

        // A reference to a unit that does not exist is an integrity error.
        let mut tx = store.begin(&Actor::new("office")).await.unwrap();
        let err = tx
            .insert_assignment(&NewAssignment {
                unit: UnitId(999_999),
                ..a.clone()
            })
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Integrity { .. }),
            "{}: {err:?}",
            db.label
        );
        tx.rollback().await.unwrap();

        let err = store.plan(PlanId(424_242)).await.unwrap_err();
        assert!(matches!(
            err,
            StoreError::NotFound {
                entity: "plan",
                id: 424_242
            }
        ));
        assert!(err.to_string().contains("不存在"));
        assert_eq!(store.audit_count().await.unwrap(), audits_before);
        db.finish().await;
    }
}

/// A history import's rows — PostgreSQL's `COPY`, SQLite's multi-row INSERTs — come back as
/// written, whatever their texts hold (tabs, newlines, backslashes, a literal `\N`); and a
/// write that fails part-way inside the transaction leaves nothing behind.
#[tokio::test]
async fn bulk_report_rows_round_trip_and_a_failed_write_leaves_nothing() {
    for db in backends().await {
        let s = seed(&db.store).await;
        let store = &db.store;
        let mut tx = store.begin(&Actor::new("office-admin")).await.unwrap();
        let share = tx
            .insert_assignment(&NewAssignment {
                target: s.target,
                unit: s.city,
                role: AssignmentRole::Partner,
                quota: Some(d("90000")),
                budget: None,
            })
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let texts = ["一\t二\n三", "C:\\路径\\N", "\\N", "回车\r结束", ""];
        let filed = jiff::Timestamp::from_second(1_680_000_000).unwrap();
        let rows: Vec<ImportedReport> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| ImportedReport {
                report: NewReport {
                    assignment: share,
                    period: Period::parse(&format!("2023-{:02}", i + 1)).unwrap(),
                    revision: 1,
                    cumulative: Some(d("1.50") * Decimal::from(i as i64 + 1)),
                    stage: (i == 2).then_some(Stage::InProgress),
                    funds_spent: (i == 1).then(|| d("12.30")),
                    narrative: t.to_string(),
                    status: if i == 4 {
                        ReportStatus::Returned
                    } else {
                        ReportStatus::Accepted
                    },
                },
                status: if i == 4 {
                    ReportStatus::Returned
                } else {
                    ReportStatus::Accepted
                },
                filed_at: (i != 3).then_some(filed),
                return_reason: (i == 4).then(|| "数字\t有误\\".to_string()),
            })
            .collect();
        let mut tx = store.begin(&Actor::new("导入")).await.unwrap();
        tx.insert_reports_bulk(&rows).await.unwrap();
        tx.commit().await.unwrap();
        let back = store.reports_of_assignment(share).await.unwrap();
        assert_eq!(back.len(), texts.len(), "{}", db.label);
        for (i, (r, t)) in back.iter().zip(texts).enumerate() {
            assert_eq!(r.narrative, t, "{} row {i}", db.label);
            assert_eq!(
                r.cumulative,
                Some(d("1.5") * Decimal::from(i as i64 + 1)),
                "{}",
                db.label
            );
            assert_eq!(r.stage, (i == 2).then_some(Stage::InProgress));
            assert_eq!(r.funds_spent, (i == 1).then(|| d("12.3")));
            assert_eq!(r.filed_by, "导入", "{}", db.label);
            if i != 3 {
                assert_eq!(r.filed_at, filed, "{} row {i}", db.label);
            }
            assert_eq!(
                r.return_reason.as_deref(),
                (i == 4).then_some("数字\t有误\\"),
                "{}",
                db.label
            );
        }

        // The second batch's last row names an assignment that does not exist: the whole
        // transaction is refused and the rows before it are not kept.
        let mut bad: Vec<ImportedReport> = rows
            .iter()
            .map(|r| {
                let mut r = r.clone();
                r.report.revision = 2;
                r
            })
            .collect();
        let mut ghost = bad[0].clone();
        ghost.report.assignment = AssignmentId(share.0 + 1_000_000);
        bad.push(ghost);
        let mut tx = store.begin(&Actor::new("导入")).await.unwrap();
        let failed = tx.insert_reports_bulk(&bad).await;
        if failed.is_ok() {
            // SQLite checks the foreign key at the statement on this schema too; either way
            // the commit must not keep the rows.
            assert!(tx.commit().await.is_err(), "{}", db.label);
        } else {
            drop(tx);
        }
        assert_eq!(
            store.reports_of_assignment(share).await.unwrap().len(),
            texts.len(),
            "{}: a failed bulk write kept rows",
            db.label
        );
        // The writer's CHECK constraints hold again after a bulk write (SQLite's bulk path
        // switches them off for its inserts), whether the write succeeded or failed.
        let bogus = db.store.exec("UPDATE reports SET status = 'bogus'").await;
        assert!(
            bogus.is_err(),
            "{}: a status outside the list was stored after a bulk write",
            db.label
        );
    }
}
