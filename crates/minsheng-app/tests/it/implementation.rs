//! Implementation plans (实施方案), on both backends: the unit writes, saves, attaches and
//! submits; the office returns and approves; an approved schedule becomes the share's; bad input
//! changes nothing; and many sessions at once leave one revision and one approval.

use crate::support::{demo_share, unit};
use minsheng_app::AppError;
use minsheng_app::implementation::{self, SaveAs};
use minsheng_app::reporting::Decision;
use minsheng_domain::schedule::{Milestone, MilestoneGoal};
use minsheng_domain::*;
use rust_decimal::Decimal;

fn office() -> Account {
    Account {
        id: UserId(1),
        name: "office".into(),
        role: Role::Office,
        unit: None,
    }
}

fn unit_account(name: &str, unit: UnitId) -> Account {
    Account {
        id: UserId(2),
        name: name.into(),
        role: Role::Unit,
        unit: Some(unit),
    }
}

fn point(p: &str, v: i64) -> SchedulePoint {
    SchedulePoint {
        period: Period::parse(p).unwrap(),
        expected: Decimal::from(v),
    }
}

fn field(e: AppError) -> String {
    match e {
        AppError::Invalid { field, .. } => field,
        other => panic!("expected a refusal by field, got {other:?}"),
    }
}

#[tokio::test]
async fn a_plan_is_filed_returned_refiled_and_approved_and_its_schedule_applies() {
    for db in minsheng_store::testing::backends().await {
        let store = db.store.clone();
        let d = demo_share(&store).await;
        let quota = d.share.quota.unwrap();
        let q = |f: i64| quota * Decimal::from(f) / Decimal::from(4);
        // Two districts under Changchun to split over.
        let mut tx = store.begin(&Actor::new("test")).await.unwrap();
        let nanguan = unit(&mut tx, Some(d.changchun), UnitKind::County, "南关区").await;
        let chaoyang = unit(&mut tx, Some(d.changchun), UnitKind::County, "朝阳区").await;
        tx.commit().await.unwrap();
        let city = unit_account("changchun", d.changchun);
        let other = unit_account("jilin", d.jilin);
        let a = d.share.id;

        // Who may write it.
        assert!(matches!(
            implementation::form(&store, &office(), a).await,
            Err(AppError::Forbidden { .. })
        ));
        assert!(matches!(
            implementation::form(&store, &other, a).await,
            Err(AppError::Forbidden { .. })
        ));
        let file = implementation::form(&store, &city, a).await.unwrap();
        assert_eq!(file.sub_units.len(), 2, "{}", db.label);
        assert!(file.revisions.is_empty());

        let good = ImplementationContent {
            measures: "分季度推进,6月底前完成过半".into(),
            points: vec![
                point("2023-03", 0),
                point("2023-06", 0),
                point("2023-09", 0),
                point("2023-12", 0),
            ]
            .into_iter()
            .enumerate()
            .map(|(i, mut p)| {
                p.expected = q(i as i64 + 1);
                p
            })
            .collect(),
            milestones: vec![],
            sub_split: vec![
                SubShare {
                    unit: nanguan,
                    quota: Some(quota - Decimal::from(1000)),
                    budget: Some(Decimal::from(500_000)),
                },
                SubShare {
                    unit: chaoyang,
                    quota: Some(Decimal::from(1000)),
                    budget: None,
                },
            ],
            funds: vec![
                Fund {
                    source: FundSource::Provincial,
                    amount: Decimal::from(2_000_000),
                },
                Fund {
                    source: FundSource::Local,
                    amount: Decimal::from(800_000),
                },
            ],
        };

        // Bad input is refused by field and changes nothing.
        let mut down = good.clone();
        down.points[2].expected = Decimal::ONE;
        let e = implementation::save(&store, &city, a, &down, SaveAs::Draft)
            .await
            .unwrap_err();
        assert_eq!(field(e), "schedule");
        let mut stranger = good.clone();
        stranger.sub_split[1].unit = d.jilin;
        let e = implementation::save(&store, &city, a, &stranger, SaveAs::Draft)
            .await
            .unwrap_err();
        assert_eq!(field(e), "sub_split");
        let mut short = good.clone();
        short.sub_split[1].quota = Some(Decimal::from(999));
        let e = implementation::save(&store, &city, a, &short, SaveAs::Draft)
            .await
            .unwrap_err();
        assert_eq!(field(e), "sub_split");
        let mut late = good.clone();
        late.points.clear();
        late.milestones = vec![Milestone {
            due: jiff::civil::date(2024, 1, 15),
            goal: MilestoneGoal::Value(quota),
            name: "全部完成".into(),
        }];
        let e = implementation::save(&store, &city, a, &late, SaveAs::Draft)
            .await
            .unwrap_err();
        assert_eq!(field(e), "schedule");
        assert!(
            store
                .implementation_plans_of_assignment(a)
                .await
                .unwrap()
                .is_empty(),
            "{}: nothing saved",
            db.label
        );

        // A draft, changed in place, with its document.
        let first = implementation::save(&store, &city, a, &good, SaveAs::Draft)
            .await
            .unwrap();
        let mut changed = good.clone();
        changed.measures = "分季度推进,9月底前基本完成".into();
        let same = implementation::save(&store, &city, a, &changed, SaveAs::Draft)
            .await
            .unwrap();
        assert_eq!(first, same, "{}: a draft is rewritten in place", db.label);
        let e = implementation::attach(&store, &city, first, "方案.exe", b"MZ")
            .await
            .unwrap_err();
        assert_eq!(field(e), "document");
        implementation::attach(&store, &city, first, "长春市实施方案.pdf", b"%PDF-1.7")
            .await
            .unwrap();
        let (doc, bytes) = implementation::document(&store, &office(), first)
            .await
            .unwrap();
        assert_eq!(doc.content_type, "application/pdf");
        assert_eq!(bytes, b"%PDF-1.7");
        assert!(matches!(
            implementation::document(&store, &other, first).await,
            Err(AppError::Forbidden { .. })
        ));

        // Submitted: locked until reviewed.
        implementation::save(&store, &city, a, &changed, SaveAs::Submitted)
            .await
            .unwrap();
        assert!(matches!(
            implementation::save(&store, &city, a, &good, SaveAs::Draft).await,
            Err(AppError::Conflict { .. })
        ));
        assert!(matches!(
            implementation::review(&store, &city, first, &Decision::Accept).await,
            Err(AppError::Forbidden { .. })
        ));
        let e = implementation::review(&store, &office(), first, &Decision::Return(" ".into()))
            .await
            .unwrap_err();
        assert_eq!(field(e), "reason");
        implementation::review(
            &store,
            &office(),
            first,
            &Decision::Return("资金来源未落实到项目".into()),
        )
        .await
        .unwrap();
        assert!(
            store.schedule(a).await.unwrap().is_empty(),
            "{}: a returned plan sets no schedule",
            db.label
        );

        // Refiled as revision 2, approved: its schedule is the share's.
        let second = implementation::save(&store, &city, a, &good, SaveAs::Submitted)
            .await
            .unwrap();
        assert_ne!(first, second);
        let file = implementation::view(&store, &office(), a).await.unwrap();
        assert_eq!(file.revisions.len(), 2);
        assert_eq!(file.latest().unwrap().revision, 2);
        assert_eq!(file.revisions[0].status, ImplementationStatus::Returned);
        assert!(
            file.revisions[1].document.is_none(),
            "a new revision, a new document"
        );
        let filings = implementation::filings(&store, &office(), d.plan)
            .await
            .unwrap();
        assert_eq!(filings.count(ImplementationStatus::Submitted), 1);
        assert_eq!(filings.not_filed(), filings.rows.len() - 1);
        implementation::review(&store, &office(), second, &Decision::Accept)
            .await
            .unwrap();
        assert_eq!(
            store.schedule(a).await.unwrap(),
            good.points,
            "{}",
            db.label
        );
        let again = implementation::review(&store, &office(), second, &Decision::Accept).await;
        assert!(matches!(again, Err(AppError::Conflict { .. })), "{again:?}");
        let filings = implementation::filings(&store, &office(), d.plan)
            .await
            .unwrap();
        assert_eq!(filings.count(ImplementationStatus::Approved), 1);
        let funds: Decimal = filings.funds.iter().map(|(_, a)| *a).sum();
        assert_eq!(funds, Decimal::from(2_800_000));

        // A later revision while one is in force: the approved one stays in force.
        let third = implementation::save(&store, &city, a, &changed, SaveAs::Draft)
            .await
            .unwrap();
        let file = implementation::view(&store, &city, a).await.unwrap();
        assert_eq!(file.in_force().unwrap().id, second);
        assert_eq!(file.draft().unwrap().id, third);
        // Every write is audited.
        let events = store
            .audit_events("implementation_plan", second.0)
            .await
            .unwrap();
        let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["create", "submit", "approve"], "{}", db.label);
        db.finish().await;
    }
}

/// Many sessions at once: the unit's sessions saving a first plan leave one revision; the
/// office's sessions approving one plan approve it once, with one audit event, and the share's
/// schedule is the plan's.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_saves_and_approvals_leave_one_revision_and_one_approval() {
    for db in minsheng_store::testing::backends().await {
        let store = db.store.clone();
        let d = demo_share(&store).await;
        let quota = d.share.quota.unwrap();
        let city = unit_account("changchun", d.changchun);
        let a = d.share.id;
        let content = |k: i64| ImplementationContent {
            measures: format!("第{k}稿"),
            points: vec![SchedulePoint {
                period: Period::parse("2023-06").unwrap(),
                expected: quota / Decimal::from(2) - Decimal::from(k),
            }],
            ..ImplementationContent::default()
        };
        let mut set = tokio::task::JoinSet::new();
        for k in 0..12 {
            let (store, city, c) = (store.clone(), city.clone(), content(k));
            set.spawn(
                async move { implementation::save(&store, &city, a, &c, SaveAs::Draft).await },
            );
        }
        let mut ids = Vec::new();
        while let Some(r) = set.join_next().await {
            ids.push(r.unwrap().unwrap());
        }
        ids.dedup();
        let stored = store.implementation_plans_of_assignment(a).await.unwrap();
        assert_eq!(stored.len(), 1, "{}: one revision", db.label);
        assert!(ids.iter().all(|id| *id == stored[0].id), "{}", db.label);
        let kept = stored[0].content.clone();
        assert!(
            (0..12).any(|k| content(k) == kept),
            "{}: the draft is one of those sent",
            db.label
        );
        implementation::save(&store, &city, a, &kept, SaveAs::Submitted)
            .await
            .unwrap();
        let plan = stored[0].id;
        let mut set = tokio::task::JoinSet::new();
        for k in 0..12 {
            let store = store.clone();
            let decision = match k % 4 {
                3 => Decision::Return("再细化".into()),
                _ => Decision::Accept,
            };
            set.spawn(
                async move { implementation::review(&store, &office(), plan, &decision).await },
            );
        }
        let (mut done, mut conflicts) = (0, 0);
        while let Some(r) = set.join_next().await {
            match r.unwrap() {
                Ok(()) => done += 1,
                Err(AppError::Conflict { .. }) => conflicts += 1,
                Err(e) => panic!("{}: {e:?}", db.label),
            }
        }
        assert_eq!((done, conflicts), (1, 11), "{}", db.label);
        let now = store.implementation_plan(plan).await.unwrap();
        let events = store
            .audit_events("implementation_plan", plan.0)
            .await
            .unwrap();
        let reviews = events
            .iter()
            .filter(|e| e.action == "approve" || e.action == "return")
            .count();
        assert_eq!(reviews, 1, "{}: one review recorded", db.label);
        let schedule = store.schedule(a).await.unwrap();
        match now.status {
            ImplementationStatus::Approved => assert_eq!(schedule, kept.points, "{}", db.label),
            ImplementationStatus::Returned => assert!(schedule.is_empty(), "{}", db.label),
            s => panic!("{}: {s:?}", db.label),
        }
        db.finish().await;
    }
}
