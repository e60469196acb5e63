//! Setting who carries a target: the split rule and the plan's scope are enforced, and a
//! refused decomposition changes nothing.

use minsheng_app::decomposition::{Decomposition, Share, assign};
use minsheng_app::{AppError, demo};
use minsheng_domain::*;
use minsheng_store::NewUnit;
use rust_decimal::Decimal;

fn field(e: AppError) -> String {
    match e {
        AppError::Invalid { field, .. } => field,
        other => panic!("expected a named refusal, got {other:?}"),
    }
}

fn refusal(e: AppError) -> (String, String) {
    match e {
        AppError::Invalid { field, reason } => (field, reason),
        other => panic!("expected a named refusal, got {other:?}"),
    }
}

/// Issue #12 item 2: a standard ("补助标准达到户均800元") is a level every region is held to,
/// as the extractor marked it; dividing it is refused with the rule's words; counts of things
/// are split in whole numbers; the office may say what a target is, audited.
#[tokio::test]
async fn targets_split_by_what_they_are() {
    for db in minsheng_store::testing::backends().await {
        let store = &db.store;
        demo::build_with(store, false).await.unwrap();
        let plan = store.plans().await.unwrap()[0].id;
        let targets = store.targets(plan).await.unwrap();
        let find = |p: &str| {
            targets
                .iter()
                .find(|t| t.phrase.contains(p))
                .unwrap()
                .clone()
        };
        let standard = find("户均800元");
        assert_eq!(standard.accrual(), Accrual::Level, "{}", db.label);
        assert_eq!(find("每名3000元").accrual(), Accrual::Level);
        assert_eq!(find("23万人").accrual(), Accrual::Cumulative);
        // The demo holds every prefecture to 800元, never 800/9.
        let shares = store.assignments_of_target(standard.id).await.unwrap();
        let quotas: Vec<Decimal> = shares.iter().filter_map(|a| a.quota).collect();
        assert_eq!(quotas.len(), 9, "{}", db.label);
        assert!(
            quotas.iter().all(|q| *q == Decimal::from(800)),
            "{quotas:?}"
        );
        // No demo share of a count of things has a fraction.
        for t in targets.iter().filter(|t| t.quantity.counts_things()) {
            for a in store.assignments_of_target(t.id).await.unwrap() {
                assert!(
                    a.quota.is_none_or(|q| q.fract().is_zero()),
                    "{} {a:?}",
                    t.phrase
                );
            }
        }

        let tree = store.unit_tree().await.unwrap();
        let id = |n: &str| tree.units().iter().find(|u| u.name == n).unwrap().id;
        let (cc, jl) = (id("长春市"), id("吉林市"));
        let lead = shares
            .iter()
            .find(|a| a.role == AssignmentRole::Lead)
            .unwrap()
            .unit;
        let split = |target: &Target, q: [&str; 2], accrual| Decomposition {
            target: target.id,
            lead,
            partners: vec![],
            shares: [cc, jl]
                .into_iter()
                .zip(q)
                .map(|(unit, q)| Share {
                    unit,
                    quota: q.parse().unwrap(),
                    budget: None,
                })
                .collect(),
            lead_budget: None,
            accrual,
        };
        let office = Actor::new("office");
        let audits = store.audit_count().await.unwrap();
        // Dividing the standard is refused, by the share, in the rule's words.
        let (field, reason) = refusal(
            assign(store, &office, &split(&standard, ["400", "400"], None))
                .await
                .unwrap_err(),
        );
        assert_eq!(field, "shares[0].quota");
        assert!(reason.contains("不分摊"), "{reason}");
        assert!(reason.starts_with("长春市"), "{reason}");
        // A count of things comes in whole numbers.
        let homes = targets
            .iter()
            .find(|t| t.quantity.counts_things() && t.quantity.value > Decimal::from(2))
            .unwrap()
            .clone();
        let half = (homes.quantity.value / Decimal::TWO).normalize();
        let (field, reason) = refusal(
            assign(
                store,
                &office,
                &split(
                    &homes,
                    [
                        &(half + Decimal::new(5, 1)).to_string(),
                        &(homes.quantity.value - half - Decimal::new(5, 1)).to_string(),
                    ],
                    None,
                ),
            )
            .await
            .unwrap_err(),
        );
        assert!(field.starts_with("shares["), "{field}: {reason}");
        assert!(reason.contains("不是整数"), "{reason}");
        // A rate can never be made a count.
        let rate = targets
            .iter()
            .find(|t| t.quantity.unit == "%")
            .unwrap()
            .clone();
        let (field, _) = refusal(
            assign(
                store,
                &office,
                &split(&rate, ["50", "50"], Some(Accrual::Cumulative)),
            )
            .await
            .unwrap_err(),
        );
        assert_eq!(field, "accrual");
        assert_eq!(
            store.audit_count().await.unwrap(),
            audits,
            "nothing written"
        );

        // The office says the standard is a count after all, and splits it: audited.
        assign(
            store,
            &office,
            &split(&standard, ["500", "300"], Some(Accrual::Cumulative)),
        )
        .await
        .unwrap();
        assert_eq!(
            store.target(standard.id).await.unwrap().accrual(),
            Accrual::Cumulative
        );
        let trail = store.audit_events("target", standard.id.0).await.unwrap();
        assert!(
            trail.iter().any(|e| e.action == "update"),
            "the change of kind is audited: {trail:?}"
        );
        // And back to a level, every region held to it.
        assign(
            store,
            &office,
            &split(&standard, ["800", "850"], Some(Accrual::Level)),
        )
        .await
        .unwrap();
        assert_eq!(
            store.target(standard.id).await.unwrap().accrual(),
            Accrual::Level
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn a_split_must_add_up_and_stay_in_scope() {
    for db in minsheng_store::testing::backends().await {
        let store = &db.store;
        demo::build_with(store, false).await.unwrap();
        let plan = store.plans().await.unwrap()[0].id;
        let target = store.targets(plan).await.unwrap()[0].clone(); // 城镇新增就业 23万人, ge
        let tree = store.unit_tree().await.unwrap();
        let id = |n: &str| tree.units().iter().find(|u| u.name == n).unwrap().id;
        let (lead, cc, jl) = (id("省人力资源和社会保障厅"), id("长春市"), id("吉林市"));
        // Another province, outside the plan's scope.
        let mut tx = store.begin(&Actor::new("admin")).await.unwrap();
        let other = tx
            .insert_unit(&NewUnit {
                parent: None,
                kind: UnitKind::Province,
                name: "辽宁省".into(),
                code: None,
            })
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let audits = store.audit_count().await.unwrap();
        let before = store.assignments_of_target(target.id).await.unwrap();

        let d = |shares: Vec<(UnitId, i64)>| Decomposition {
            target: target.id,
            lead,
            partners: vec![],
            shares: shares
                .into_iter()
                .map(|(unit, q)| Share {
                    unit,
                    quota: Decimal::from(q),
                    // 50 元 per person placed, budgeted with the share
                    budget: Some(Decimal::from(q * 50)),
                })
                .collect(),
            lead_budget: Some(Decimal::from(2_000_000)),
            accrual: None,
        };
        let cases = [
            ("quota", d(vec![(cc, 100_000), (jl, 100_000)])), // 20万 ≠ 23万
            ("shares[1].unit", d(vec![(cc, 130_000), (other, 100_000)])), // another province
            ("shares[1].unit", d(vec![(cc, 115_000), (cc, 115_000)])), // twice
            (
                "shares[1].unit",
                d(vec![(cc, 130_000), (id("省民政厅"), 100_000)]),
            ), // a department
            ("shares[1].budget", d(vec![(cc, 230_001), (jl, -1)])), // negative, its budget too
            (
                "lead_budget",
                Decomposition {
                    lead_budget: Some(Decimal::from(-1)),
                    ..d(vec![(cc, 150_000), (jl, 80_000)])
                },
            ),
        ];
        for (want, bad) in cases {
            let err = assign(store, &Actor::new("office"), &bad)
                .await
                .unwrap_err();
            assert_eq!(field(err), want, "{}", db.label);
        }
        assert_eq!(
            store.audit_count().await.unwrap(),
            audits,
            "nothing was written"
        );
        assert_eq!(
            store.assignments_of_target(target.id).await.unwrap(),
            before
        );

        // A split that adds up replaces the demo's: two prefectures, the rest dropped.
        let ok = d(vec![(cc, 150_000), (jl, 80_000)]);
        let ids = assign(store, &Actor::new("office"), &ok).await.unwrap();
        assert_eq!(ids.len(), 3);
        let now = store.assignments_of_target(target.id).await.unwrap();
        assert_eq!(now.len(), 3, "{}", db.label);
        let quotas: Decimal = now.iter().filter_map(|a| a.quota).sum();
        assert_eq!(quotas, target.quantity.value);
        // The funds go with the shares and the lead (资金落实).
        let budgets: Decimal = now.iter().filter_map(|a| a.budget).sum();
        assert_eq!(
            budgets,
            Decimal::from(2_000_000 + 230_000 * 50),
            "{}",
            db.label
        );
        // The roll-up follows the new split.
        let june = rollup_quota(store, target.id).await;
        assert_eq!(june, target.quantity.value);
        db.finish().await;
    }
}

async fn rollup_quota(store: &minsheng_store::Store, target: TargetId) -> Decimal {
    let d = minsheng_app::rollup::dashboard(store, Period::parse("2023-06").unwrap())
        .await
        .unwrap();
    d.targets
        .iter()
        .find(|t| t.row.target == target)
        .unwrap()
        .row
        .quota
}

#[tokio::test]
async fn a_schedule_by_milestones_changes_what_is_expected() {
    use jiff::civil::date;
    use minsheng_app::decomposition::{ScheduleInput, set_schedule};
    use minsheng_app::reporting::{Decision, FileAs, ReportInput, file_report, review_report};
    use minsheng_domain::schedule::{Milestone, MilestoneGoal};
    for db in minsheng_store::testing::backends().await {
        let store = &db.store;
        let crate::support::DemoShare {
            plan,
            share,
            changchun: cc,
            ..
        } = crate::support::demo_share(store).await;
        let quota = share.quota.unwrap();
        // June: 15 % of the quota done — 35 points behind a linear schedule (half expected).
        let input = ReportInput {
            assignment: share.id,
            period: Period::parse("2023-06").unwrap(),
            value: Some((quota * Decimal::new(15, 2)).round()),
            value_unit: None,
            stage: None,
            funds_spent: None,
            narrative: String::new(),
            correction: None,
        };
        let id = file_report(store, &Actor::new("clerk"), cc, &input, FileAs::Submitted)
            .await
            .unwrap();
        review_report(store, &Actor::new("office"), id, &Decision::Accept)
            .await
            .unwrap();
        let status = |t: &minsheng_app::tracking::Tracking| {
            t.targets[0]
                .shares
                .iter()
                .find(|s| s.assignment == share.id)
                .unwrap()
                .status
        };
        let june = Period::parse("2023-06").unwrap();
        let today = date(2023, 7, 15);
        let t = minsheng_app::tracking::tracking(
            store,
            plan,
            june,
            today,
            &minsheng_domain::Thresholds::default(),
        )
        .await
        .unwrap();
        assert_eq!(
            status(&t),
            Status::AtRisk,
            "15 % done at mid-year: more than 30 points behind ({})",
            db.label
        );

        // A back-loaded plan agreed for Changchun: 12 % by the end of June, all by December.
        let ms = vec![
            Milestone {
                due: date(2023, 6, 30),
                goal: MilestoneGoal::Value(quota * Decimal::new(12, 2)),
                name: "上半年完成一成二".into(),
            },
            Milestone {
                due: date(2023, 12, 31),
                goal: MilestoneGoal::Value(quota),
                name: "全年完成".into(),
            },
        ];
        set_schedule(
            store,
            &Actor::new("office"),
            share.id,
            &ScheduleInput::Milestones(ms.clone()),
        )
        .await
        .unwrap();
        let t = minsheng_app::tracking::tracking(
            store,
            plan,
            june,
            today,
            &minsheng_domain::Thresholds::default(),
        )
        .await
        .unwrap();
        assert_eq!(status(&t), Status::OnTrack, "{}", db.label);
        assert_eq!(
            store
                .audit_events("milestones", share.id.0)
                .await
                .unwrap()
                .len(),
            1
        );

        // A schedule that goes down is refused by name, and nothing changes.
        let audits = store.audit_count().await.unwrap();
        let mut down = ms.clone();
        down[1].goal = MilestoneGoal::Value(quota * Decimal::new(1, 1));
        let err = set_schedule(
            store,
            &Actor::new("office"),
            share.id,
            &ScheduleInput::Milestones(down),
        )
        .await
        .unwrap_err();
        assert_eq!(field(err), "schedule");
        assert_eq!(store.audit_count().await.unwrap(), audits);
        // Back to linear clears it.
        set_schedule(
            store,
            &Actor::new("office"),
            share.id,
            &ScheduleInput::Linear,
        )
        .await
        .unwrap();
        let t = minsheng_app::tracking::tracking(
            store,
            plan,
            june,
            today,
            &minsheng_domain::Thresholds::default(),
        )
        .await
        .unwrap();
        assert_eq!(status(&t), Status::AtRisk);
        db.finish().await;
    }
}
