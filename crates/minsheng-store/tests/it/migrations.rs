//! Migrations with data in the database, on both backends: every step from the schema before
//! it, and every earlier schema up to the current one. The rows written at an earlier step
//! must come through unchanged (every column that existed then), and be read and extended
//! through the store's typed interface afterwards.

use crate::fixtures::{covers, fill, fixture};
use minsheng_domain::*;
use minsheng_store::testing::empty_backends;
use minsheng_store::{NewUnit, Store};
use std::collections::BTreeMap;

/// Every table of the schema as it stands: its columns and its rows.
type Snapshot = BTreeMap<String, (Vec<String>, Vec<Vec<serde_json::Value>>)>;

async fn snapshot(store: &Store) -> Snapshot {
    let mut columns: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (t, c) in store.schema_columns().await.unwrap() {
        columns.entry(t).or_default().push(c);
    }
    let mut out = Snapshot::new();
    for (t, cols) in columns {
        let rows = store.table_rows(&t, &cols).await.unwrap();
        out.insert(t, (cols, rows));
    }
    out
}

/// Every table of `before` is still there with the same rows in the columns it had.
async fn kept(store: &Store, before: &Snapshot, what: &str) {
    for (table, (cols, rows)) in before {
        let now = store.table_rows(table, cols).await.unwrap();
        assert_eq!(&now, rows, "{what}: the rows of {table} changed");
    }
}

/// The fixture rows of steps `1..=step`, read and extended through the typed interface of the
/// current schema.
async fn usable(store: &Store, step: i64, what: &str) {
    let units = store.units().await.unwrap();
    assert_eq!(units.len(), 3, "{what}");
    assert_eq!(units[1].parent, Some(UnitId(1)), "{what}");
    let plan = store.plan(PlanId(1)).await.unwrap();
    assert_eq!(plan.title, "关于2023年全省民生实事安排的意见", "{what}");
    let targets = store.targets(PlanId(1)).await.unwrap();
    assert_eq!(
        targets[0].kind,
        TargetKind::Quantity,
        "{what}: the default kind"
    );
    assert_eq!(
        targets[0].quantity.value,
        "230000".parse().unwrap(),
        "{what}"
    );
    if step >= 5 {
        assert_eq!(targets[1].kind, TargetKind::Stage, "{what}");
    }
    // Before 0011 every target accrues as its unit says; from it, a standard is a level.
    assert_eq!(targets[0].accrual_set, None, "{what}");
    assert_eq!(targets[0].accrual(), Accrual::Cumulative, "{what}");
    if step >= 11 {
        assert_eq!(targets[2].accrual(), Accrual::Level, "{what}");
        let weights = store
            .unit_weights(minsheng_store::POPULATION)
            .await
            .unwrap();
        assert_eq!(weights.get(&UnitId(2)), Some(&9_067_000), "{what}");
    }
    if step >= 12 {
        let plans = store
            .implementation_plans_of_assignment(AssignmentId(2))
            .await
            .unwrap();
        assert_eq!(plans.len(), 1, "{what}");
        assert_eq!(plans[0].status, ImplementationStatus::Approved, "{what}");
        assert_eq!(plans[0].content.funds_total(), 3_000_000.into(), "{what}");
        let (doc, bytes) = store
            .implementation_plan_document(plans[0].id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (doc.file_name.as_str(), bytes.as_slice()),
            ("方案.pdf", &b"%PDF-"[..]),
            "{what}"
        );
    }
    let reports = store.reports_of_plan(PlanId(1)).await.unwrap();
    assert_eq!(reports.len(), 3, "{what}");
    let first = store.report(ReportId(1)).await.unwrap();
    assert_eq!(first.cumulative, Some("21000".parse().unwrap()), "{what}");
    assert_eq!(first.status, ReportStatus::Accepted, "{what}");
    let problems = store.problems().await.unwrap();
    assert_eq!(problems.len(), 1, "{what}");
    if step >= 2 {
        let rolled = store
            .rollup_targets(Period::month(2023, 3).unwrap())
            .await
            .unwrap();
        assert_eq!(rolled.len(), 1, "{what}");
    }
    if step >= 3 {
        assert_eq!(
            store.escalations(ProblemId(1)).await.unwrap().len(),
            1,
            "{what}"
        );
    }
    if step >= 4 {
        let ms = store.milestones_of_plan(PlanId(1)).await.unwrap();
        assert_eq!(ms.len(), 2, "{what}");
    }
    if step >= 6 {
        let ev = store.evidence_of_report(ReportId(1)).await.unwrap();
        assert_eq!(ev.len(), 1, "{what}");
        let (_, bytes) = store.evidence(ev[0].id).await.unwrap();
        assert_eq!(bytes, b"%PDF-", "{what}");
    }
    if step >= 7 {
        let office = store.account_by_name("office").await.unwrap();
        assert!(office.is_some(), "{what}");
    }
    if step >= 10 {
        let chased = store.report_reminders_within(UnitId(1)).await.unwrap();
        assert_eq!(chased.len(), 1, "{what}");
        assert_eq!(chased[0].period, Period::month(2023, 5).unwrap(), "{what}");
    }
    if step >= 13 {
        let list = store.bulletins_of_plan(PlanId(1)).await.unwrap();
        assert_eq!(list.len(), 2, "{what}");
        assert!(list[0].is_draft(), "{what}: the draft first");
        assert_eq!(list[1].no, Some(1), "{what}");
        assert_eq!(
            store
                .bulletin_snapshot(list[1].id)
                .await
                .unwrap()
                .as_deref(),
            Some("{\"v\":1}"),
            "{what}"
        );
        let reasons = store.bulletin_reasons(list[0].id).await.unwrap();
        assert_eq!(
            reasons,
            [(TargetId(1), "招聘会场地不足,已协调解决".to_string())]
        );
    }
    if step >= 14 {
        let (structure, targets) = store.change_counts(PlanId(1)).await.unwrap();
        assert_eq!(structure, 2, "{what}");
        assert_eq!(targets.get(&TargetId(1)), Some(&3), "{what}");
    }
    if step >= 15 {
        let a = store
            .assessment(PlanId(1), 2023)
            .await
            .unwrap()
            .expect(what);
        assert_eq!((a.rules.as_str(), a.revision), ("base = 100", 2), "{what}");
        let entries = store.assessment_entries(a.id).await.unwrap();
        assert_eq!(entries.len(), 1, "{what}");
        assert_eq!(entries[0].points, "8.5".parse().unwrap(), "{what}");
    }
    if step >= 16 {
        let closing = store.plan_closing(PlanId(1)).await.unwrap();
        assert_eq!(closing.state, PlanState::Closed, "{what}");
        let closures = store.closures_of_plan(PlanId(1)).await.unwrap();
        assert_eq!(closures.len(), 2, "{what}");
        assert_eq!(closures[0].next_target, Some(TargetId(4)), "{what}");
        let links = store.target_links(TargetId(4)).await.unwrap();
        assert_eq!(
            links.carried_from,
            Some((TargetId(1), PlanId(1), 2023)),
            "{what}"
        );
    } else if step >= 1 {
        // Plans written before 0016 are open.
        let closing = store.plan_closing(PlanId(1)).await.unwrap();
        assert_eq!(closing.state, PlanState::Open, "{what}");
    }
    if step >= 17 {
        let p = store.project(ItemId(2)).await.unwrap();
        assert_eq!(p.name, "奥迪一汽新能源汽车项目", "{what}");
        assert_eq!(p.total_investment, "35000000000".parse().unwrap(), "{what}");
        let ms = store.project_milestones(ItemId(2)).await.unwrap();
        assert_eq!(ms.len(), 2, "{what}");
        assert_eq!(ms[0].actual, Some(jiff::civil::date(2022, 6, 20)), "{what}");
        let r = store
            .project_report(ReportId(1))
            .await
            .unwrap()
            .expect(what);
        assert_eq!(r.milestones.len(), 1, "{what}");
    }
    if step >= 18 {
        let goals = store.goals_of_plan(PlanId(2)).await.unwrap();
        assert_eq!(goals.len(), 2, "{what}");
        assert_eq!(
            goals[0].kind,
            minsheng_domain::path::PathKind::Points,
            "{what}"
        );
        assert_eq!(goals[0].revision, 2, "{what}");
        let periods: Vec<String> = goals[0]
            .points
            .iter()
            .map(|p| p.period.to_string())
            .collect();
        assert_eq!(periods, ["2023", "2024-Q2"], "{what}: points by period");
        assert_eq!(goals[1].parent, Some(TargetId(5)), "{what}");
        assert_eq!(
            goals[1].frequency,
            minsheng_domain::path::Frequency::Yearly,
            "{what}"
        );
        assert_eq!(store.goal(TargetId(1)).await.unwrap(), None, "{what}");
    }
    if step >= 19 {
        let job = store
            .job_by_key("remind:overdue:2:2023-03")
            .await
            .unwrap()
            .expect(what);
        assert_eq!(job.status, minsheng_store::JobStatus::Dead, "{what}");
        assert_eq!(job.last_error.as_deref(), Some("连接被拒绝"), "{what}");
        let failing = store.failing_channels(3).await.unwrap();
        assert_eq!(failing.len(), 1, "{what}");
        assert_eq!(
            failing[0].kind,
            minsheng_domain::ChannelKind::WeCom,
            "{what}"
        );
        assert_eq!(
            store.deliveries_of_job(job.id).await.unwrap().len(),
            1,
            "{what}"
        );
        let rules = store.notify_rules().await.unwrap();
        assert_eq!(rules.reminder_rule().due_soon_days(), 5, "{what}");
        assert_eq!(rules.quiet(), Some((21, 8)), "{what}");
        assert!(!rules.awaiting_review, "{what}");
    }
    if step >= 20 {
        let sources = store.plan_sources(PlanId(1)).await.unwrap();
        assert_eq!(sources.len(), 1, "{what}");
        assert_eq!(sources[0].size, 4, "{what}");
        let (_, bytes) = store.plan_source(PlanId(1), sources[0].id).await.unwrap();
        assert_eq!(bytes, b"%PDF", "{what}");
    }
    // New rows get fresh ids: the sequences came through too.
    let mut tx = store.begin(&Actor::new("test")).await.unwrap();
    let id = tx
        .insert_unit(&NewUnit {
            parent: Some(UnitId(2)),
            kind: UnitKind::County,
            name: "南关区".into(),
            code: None,
        })
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(id, UnitId(4), "{what}");
}

#[tokio::test]
async fn every_step_keeps_the_data_of_the_schema_before_it() {
    for probe in empty_backends().await {
        let versions = probe.store.migration_versions();
        probe.finish().await;
        for &step in &versions {
            assert!(
                covers(step),
                "migration {step} has no rows in tests/it/fixtures.rs: add what it creates"
            );
            for db in empty_backends().await {
                let what = format!("{} step {step}", db.label);
                // The schema before the step, with data in it.
                db.store.migrate_to(step - 1).await.unwrap();
                fill(&db.store, step - 1).await;
                let before = snapshot(&db.store).await;
                // The step itself keeps it, and takes the rows of what it adds.
                db.store.migrate_to(step).await.unwrap();
                kept(&db.store, &before, &what).await;
                let postgres = db.store.backend() == minsheng_store::BackendKind::Postgres;
                for sql in fixture(step, postgres) {
                    db.store.exec(&sql).await.unwrap();
                }
                let at_step = snapshot(&db.store).await;
                // From there to the current schema, nothing is lost and all of it reads.
                db.store.migrate().await.unwrap();
                db.store.check_schema().await.unwrap();
                kept(&db.store, &at_step, &format!("{what} → current")).await;
                usable(&db.store, step, &format!("{what} → current")).await;
                db.finish().await;
            }
        }
    }
}
