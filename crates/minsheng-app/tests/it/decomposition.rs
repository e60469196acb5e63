//! Setting who carries a target: the split rule and the plan's scope are enforced, and a
//! refused decomposition changes nothing.

use minsheng_app::decomposition::{Decomposition, Share, assign};
use minsheng_app::{AppError, demo, queries};
use minsheng_domain::*;
use minsheng_store::NewUnit;
use rust_decimal::Decimal;

fn field(e: AppError) -> String {
    match e {
        AppError::Invalid { field, .. } => field,
        other => panic!("expected a named refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn a_split_must_add_up_and_stay_in_scope() {
    for db in minsheng_store::testing::backends().await {
        let store = &db.store;
        demo::build_with(store, false).await.unwrap();
        let plan = queries::plans(store).await.unwrap()[0].id;
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
                })
                .collect(),
        };
        let cases = [
            ("quota", d(vec![(cc, 100_000), (jl, 100_000)])), // 20万 ≠ 23万
            ("unit", d(vec![(cc, 130_000), (other, 100_000)])), // another province
            ("unit", d(vec![(cc, 115_000), (cc, 115_000)])),  // twice
            ("quota", d(vec![(cc, 130_000), (id("省民政厅"), 100_000)])), // a department
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
