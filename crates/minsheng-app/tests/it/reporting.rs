//! Filing and reviewing reports on the demo's assignments: the whole cycle, and every
//! refusal leaving the database as it was.

use crate::support::{DemoShare, demo_share};
use minsheng_app::reporting::{Decision, FileAs, ReportInput, file_report, review_report};
use minsheng_app::{AppError, demo, visibility};
use minsheng_domain::*;
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn input(a: AssignmentId, period: &str, value: &str) -> ReportInput {
    ReportInput {
        assignment: a,
        period: Period::parse(period).unwrap(),
        value: Some(d(value)),
        value_unit: None,
        stage: None,
        funds_spent: Some(d("120000")),
        narrative: "新增就业岗位".into(),
        correction: None,
    }
}

fn field_of(e: AppError) -> String {
    match e {
        AppError::Invalid { field, reason } => {
            assert!(!reason.is_empty());
            field
        }
        other => panic!("expected a named refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn a_report_is_filed_returned_refiled_and_accepted() {
    for db in minsheng_store::testing::backends().await {
        let store = &db.store;
        let DemoShare {
            share: a,
            changchun: cc,
            ..
        } = demo_share(store).await;
        let unit = Actor::new("changchun-clerk");
        let office = Actor::new("office-reviewer");

        let draft = file_report(
            store,
            &unit,
            cc,
            &input(a.id, "2023-06", "40000"),
            FileAs::Draft,
        )
        .await
        .unwrap();
        let again = file_report(
            store,
            &unit,
            cc,
            &input(a.id, "2023-06", "41000"),
            FileAs::Draft,
        )
        .await
        .unwrap();
        assert_eq!(draft, again, "a draft is edited in place");
        let filed = file_report(
            store,
            &unit,
            cc,
            &input(a.id, "2023-06", "4.2"),
            FileAs::Submitted,
        )
        .await
        .unwrap();
        assert_eq!(filed, draft, "filing the draft submits it");
        let reports = store.reports_of_assignment(a.id).await.unwrap();
        assert_eq!(reports.len(), 1, "{}", db.label);
        assert_eq!(reports[0].status, ReportStatus::Submitted);

        // Filing again while it waits for review is refused.
        let err = file_report(
            store,
            &unit,
            cc,
            &input(a.id, "2023-06", "5"),
            FileAs::Submitted,
        )
        .await
        .unwrap_err();
        assert_eq!(field_of(err), "period");

        // Returned with a reason; the unit files revision 2, written in 万人.
        let err = review_report(
            store,
            &office,
            reports[0].id,
            &Decision::Return("  ".into()),
        )
        .await
        .unwrap_err();
        assert_eq!(field_of(err), "reason");
        review_report(
            store,
            &office,
            reports[0].id,
            &Decision::Return("数值与台账不符".into()),
        )
        .await
        .unwrap();
        let mut rev2 = input(a.id, "2023-06", "4.3");
        rev2.value_unit = Some("万人".into());
        let r2 = file_report(store, &unit, cc, &rev2, FileAs::Submitted)
            .await
            .unwrap();
        review_report(store, &office, r2, &Decision::Accept)
            .await
            .unwrap();

        let reports = store.reports_of_assignment(a.id).await.unwrap();
        let summary: Vec<_> = reports
            .iter()
            .map(|r| (r.revision, r.status, r.cumulative))
            .collect();
        assert_eq!(
            summary,
            [
                (1, ReportStatus::Returned, Some(d("4.2"))),
                (2, ReportStatus::Accepted, Some(d("43000")))
            ],
            "nothing is overwritten ({})",
            db.label
        );
        assert_eq!(reports[0].return_reason.as_deref(), Some("数值与台账不符"));
        assert_eq!(reports[1].reviewed_by.as_deref(), Some("office-reviewer"));

        // The accepted period is locked; a second review is refused.
        let err = file_report(
            store,
            &unit,
            cc,
            &input(a.id, "2023-06", "50000"),
            FileAs::Draft,
        )
        .await
        .unwrap_err();
        assert_eq!(field_of(err), "period");
        // Issue #10: a second review is a conflict, never a second success.
        let err = review_report(store, &office, r2, &Decision::Accept)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, AppError::Conflict { reason } if reason.contains("已审核")),
            "{err:?}"
        );

        let trail: Vec<String> = store
            .audit_events("report", reports[0].id.0)
            .await
            .unwrap()
            .into_iter()
            .map(|e| format!("{}:{}", e.actor, e.action))
            .collect();
        assert_eq!(
            trail,
            [
                "changchun-clerk:create",
                "changchun-clerk:update",
                "changchun-clerk:update",
                "changchun-clerk:submit",
                "office-reviewer:return"
            ]
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn bad_reports_are_refused_by_field_and_change_nothing() {
    for db in minsheng_store::testing::backends().await {
        let store = &db.store;
        let DemoShare {
            share: a,
            changchun: cc,
            jilin: jilin_city,
            ..
        } = demo_share(store).await;
        let unit = Actor::new("clerk");
        let office = Actor::new("office");
        let june = file_report(
            store,
            &unit,
            cc,
            &input(a.id, "2023-06", "40000"),
            FileAs::Submitted,
        )
        .await
        .unwrap();
        review_report(store, &office, june, &Decision::Accept)
            .await
            .unwrap();
        let audits = store.audit_count().await.unwrap();

        let cases: Vec<(&str, UnitId, ReportInput)> = vec![
            ("unit", jilin_city, input(a.id, "2023-07", "45000")),
            (
                "assignment",
                cc,
                input(AssignmentId(987_654), "2023-07", "45000"),
            ),
            ("period", cc, input(a.id, "2024-01", "45000")),
            ("value", cc, input(a.id, "2023-07", "39000")),
            ("value", cc, input(a.id, "2023-07", "-1")),
            (
                "unit",
                cc,
                ReportInput {
                    value_unit: Some("公里".into()),
                    ..input(a.id, "2023-07", "45000")
                },
            ),
            (
                "value",
                cc,
                ReportInput {
                    value: None,
                    ..input(a.id, "2023-07", "0")
                },
            ),
        ];
        for (field, as_unit, bad) in cases {
            let err = file_report(store, &unit, as_unit, &bad, FileAs::Submitted)
                .await
                .unwrap_err();
            assert_eq!(field_of(err), field, "{} on {}", field, db.label);
        }
        assert_eq!(
            store.audit_count().await.unwrap(),
            audits,
            "nothing was written"
        );
        assert_eq!(store.reports_of_assignment(a.id).await.unwrap().len(), 1);

        // A lower cumulative value is accepted when the report states a correction.
        let corrected = ReportInput {
            correction: Some("6月误报,以统计台账为准".into()),
            ..input(a.id, "2023-07", "39000")
        };
        let id = file_report(store, &unit, cc, &corrected, FileAs::Submitted)
            .await
            .unwrap();
        let r = store.report(id).await.unwrap();
        assert!(r.narrative.contains("更正说明"));
        // The province (an ancestor) may report for Changchun.
        let province = store.unit_tree().await.unwrap().ancestors(cc)[0].id;
        file_report(
            store,
            &unit,
            province,
            &input(a.id, "2023-08", "46000"),
            FileAs::Draft,
        )
        .await
        .unwrap();
        db.finish().await;
    }
}

#[tokio::test]
async fn a_batch_is_filed_whole_or_not_at_all() {
    use minsheng_app::reporting::file_reports;
    for db in minsheng_store::testing::backends().await {
        let store = &db.store;
        let DemoShare {
            share: a,
            changchun: cc,
            ..
        } = demo_share(store).await;
        let unit = Actor::new("clerk");
        let audits = store.audit_count().await.unwrap();

        // Row 3 repeats row 1's period while it is pending: refused, and so is the batch.
        let rows = vec![
            (1, input(a.id, "2023-05", "30000")),
            (2, input(a.id, "2023-06", "40000")),
            (3, input(a.id, "2023-05", "31000")),
            (4, input(a.id, "2024-01", "1")),
        ];
        let err = file_reports(store, &unit, cc, &rows, FileAs::Submitted)
            .await
            .unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("第 3 行 period") && msg.contains("第 4 行 period"),
            "{msg}"
        );
        assert!(
            !msg.contains("\n第 1 行 ") && !msg.contains("\n第 2 行 "),
            "{msg}"
        );
        assert!(
            store.reports_of_assignment(a.id).await.unwrap().is_empty(),
            "{}",
            db.label
        );
        assert_eq!(store.audit_count().await.unwrap(), audits);

        let ids = file_reports(store, &unit, cc, &rows[..2], FileAs::Submitted)
            .await
            .unwrap();
        assert_eq!(ids.len(), 2);
        assert_eq!(
            store.reports_of_assignment(a.id).await.unwrap().len(),
            2,
            "{}",
            db.label
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn a_qualitative_item_is_reported_as_a_stage_and_tracked() {
    for db in minsheng_store::testing::backends().await {
        let store = &db.store;
        demo::build_with(store, false).await.unwrap();
        let plan = store.plans().await.unwrap()[0].id;
        let outline = visibility::plan_outline(store, None, plan).await.unwrap();
        // 提高工伤保险待遇标准: no number, so one stage target.
        let item = outline
            .sections
            .iter()
            .flat_map(|s| &s.items)
            .find(|i| i.item.no == 5)
            .unwrap();
        assert_eq!(item.targets.len(), 1);
        let target = &item.targets[0];
        assert!(target.is_qualitative(), "{}", db.label);
        assert_eq!(
            outline.qualitative_count(),
            8,
            "the seed's qualitative items: 2, 5, 22, 25, 26, 35, 41, 48"
        );
        let tree = store.unit_tree().await.unwrap();
        let cc = tree.units().iter().find(|u| u.name == "长春市").unwrap().id;
        let share = store
            .assignments_of_target(target.id)
            .await
            .unwrap()
            .into_iter()
            .find(|a| a.unit == cc)
            .unwrap();
        let unit = Actor::new("clerk");

        let mut input = input(share.id, "2023-06", "1");
        let err = file_report(store, &unit, cc, &input, FileAs::Submitted)
            .await
            .unwrap_err();
        assert_eq!(field_of(err), "value", "a stage, not a number");
        input.value = None;
        let err = file_report(store, &unit, cc, &input, FileAs::Submitted)
            .await
            .unwrap_err();
        assert_eq!(field_of(err), "stage");
        input.stage = Some(Stage::InProgress);
        let id = file_report(store, &unit, cc, &input, FileAs::Submitted)
            .await
            .unwrap();
        review_report(store, &Actor::new("office"), id, &Decision::Accept)
            .await
            .unwrap();

        let june = Period::parse("2023-06").unwrap();
        let t = minsheng_app::tracking::tracking(
            store,
            plan,
            june,
            jiff::civil::date(2023, 7, 15),
            &Thresholds::default(),
        )
        .await
        .unwrap();
        let x = t.targets.iter().find(|x| x.target.id == target.id).unwrap();
        let mine = x.shares.iter().find(|s| s.assignment == share.id).unwrap();
        assert_eq!(
            (mine.status, mine.score),
            (Status::OnTrack, d("0.5")),
            "{}",
            db.label
        );
        assert_eq!(
            x.status,
            Status::OnTrack,
            "the only share that reported is on track"
        );
        // The materialized roll-up agrees: the shares' stage scores summed.
        let dash = minsheng_app::rollup::dashboard(store, june).await.unwrap();
        let row = &dash
            .targets
            .iter()
            .find(|r| r.row.target == target.id)
            .unwrap()
            .row;
        assert_eq!(row.actual, d("0.5"));
        minsheng_app::rollup::recompute(store, &Actor::new("office"))
            .await
            .unwrap();
        assert_eq!(
            minsheng_app::rollup::dashboard(store, june).await.unwrap(),
            dash,
            "kept == rebuilt"
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn evidence_goes_with_a_draft_or_a_report_awaiting_review() {
    use minsheng_app::reporting::{MAX_EVIDENCE_BYTES, attach_evidence};
    for db in minsheng_store::testing::backends().await {
        let store = &db.store;
        let DemoShare {
            share: a,
            changchun: cc,
            jilin: jilin_city,
            ..
        } = demo_share(store).await;
        let unit = Actor::new("clerk");
        let draft = file_report(
            store,
            &unit,
            cc,
            &input(a.id, "2023-06", "40000"),
            FileAs::Draft,
        )
        .await
        .unwrap();
        let pdf = b"%PDF-1.4 \xe5\xb7\xa5\xe4\xbd\x9c\xe5\x8f\xb0\xe8\xb4\xa6".to_vec();
        let id = attach_evidence(
            store,
            &unit,
            cc,
            draft,
            "6月就业台账.pdf",
            "application/pdf",
            &pdf,
        )
        .await
        .unwrap();
        let (meta, bytes) = store.evidence(id).await.unwrap();
        assert_eq!(bytes, pdf, "the bytes come back as sent ({})", db.label);
        assert_eq!(
            meta.content_type, "application/pdf",
            "the type its extension names"
        );
        assert_eq!(
            (
                meta.file_name.as_str(),
                meta.size,
                meta.uploaded_by.as_str()
            ),
            ("6月就业台账.pdf", pdf.len() as u64, "clerk")
        );
        assert_eq!(store.evidence_of_report(draft).await.unwrap(), vec![meta]);
        let audit = store.audit_events("evidence", id.0).await.unwrap();
        assert!(
            audit[0]
                .after
                .as_deref()
                .unwrap()
                .contains("\"size_bytes\":"),
            "metadata, not bytes"
        );

        let audits = store.audit_count().await.unwrap();
        let too_big = vec![0u8; MAX_EVIDENCE_BYTES + 1];
        let cases: Vec<(&str, UnitId, &str, &str, &[u8])> = vec![
            ("unit", jilin_city, "a.pdf", "application/pdf", &pdf),
            ("file_name", cc, "../a.pdf", "application/pdf", &pdf),
            ("file_name", cc, "  ", "application/pdf", &pdf),
            ("file", cc, "a.pdf", "application/pdf", b""),
            ("file", cc, "a.pdf", "application/pdf", &too_big),
            ("content_type", cc, "a.pdf", "pdf file", &pdf),
            // Kinds a browser or desktop would run, and unknown kinds, are refused by name.
            ("file", cc, "page.html", "text/html", &pdf),
            ("file", cc, "logo.svg", "image/svg+xml", &pdf),
            ("file", cc, "setup.exe", "application/pdf", &pdf),
            ("file", cc, "no-extension", "", &pdf),
        ];
        for (field, as_unit, name, ct, bytes) in cases {
            let err = attach_evidence(store, &unit, as_unit, draft, name, ct, bytes)
                .await
                .unwrap_err();
            assert_eq!(field_of(err), field, "{name} on {}", db.label);
        }
        let err = attach_evidence(store, &unit, cc, ReportId(987_654), "a.pdf", "", &pdf)
            .await
            .unwrap_err();
        assert_eq!(field_of(err), "report");
        // Accepted: locked.
        let filed = file_report(
            store,
            &unit,
            cc,
            &input(a.id, "2023-06", "40000"),
            FileAs::Submitted,
        )
        .await
        .unwrap();
        review_report(store, &Actor::new("office"), filed, &Decision::Accept)
            .await
            .unwrap();
        let audits_after_accept = store.audit_count().await.unwrap();
        assert!(audits_after_accept > audits);
        let err = attach_evidence(store, &unit, cc, filed, "late.pdf", "application/pdf", &pdf)
            .await
            .unwrap_err();
        assert_eq!(field_of(err), "status");
        assert_eq!(
            store.audit_count().await.unwrap(),
            audits_after_accept,
            "nothing was written"
        );
        db.finish().await;
    }
}
