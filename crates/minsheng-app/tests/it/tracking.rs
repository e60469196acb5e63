//! The office's view of the demo plan: statuses, ranking, completeness — and the same sums
//! as the materialized roll-up.

use jiff::civil::date;
use minsheng_app::{demo, rollup, tracking};
use minsheng_domain::*;

#[tokio::test]
async fn the_demo_plan_tracked_in_august() {
    for db in minsheng_store::testing::backends().await {
        let store = &db.store;
        demo::build(store).await.unwrap();
        let plan = store.plans().await.unwrap()[0].id;
        let august = Period::parse("2023-08").unwrap();
        let t = tracking::tracking(
            store,
            plan,
            august,
            date(2023, 10, 15),
            &minsheng_domain::Thresholds::default(),
        )
        .await
        .unwrap();

        assert_eq!(
            t.targets.len(),
            store.targets(plan).await.unwrap().len(),
            "{}",
            db.label
        );
        assert_eq!(t.target_counts.total(), t.targets.len());
        // A count is split over the prefectures (a small one may round to no share); a rate is
        // held by all nine.
        assert!(t.targets.iter().all(|x| (1..=9).contains(&x.shares.len())));
        assert!(
            t.targets
                .iter()
                .filter(|x| x.target.accrual() == Accrual::Level)
                .all(|x| x.shares.len() == 9)
        );

        // The sums agree with the materialized roll-up, target by target.
        let dash = rollup::dashboard(store, august).await.unwrap();
        for x in t
            .targets
            .iter()
            .filter(|x| x.target.accrual() == Accrual::Cumulative)
        {
            let row = &dash
                .targets
                .iter()
                .find(|r| r.row.target == x.target.id)
                .unwrap()
                .row;
            assert_eq!(
                x.rollup.value,
                Some(row.actual),
                "target {} on {}",
                x.target.id,
                db.label
            );
            assert_eq!(x.rollup.missing as i64, row.assignments - row.reported);
        }

        // The lagging prefectures rank below the diligent ones, and the picture has colour.
        let rank_of = |name: &str| t.ranking.iter().find(|r| r.name == name).unwrap().rank;
        assert_eq!(t.ranking.len(), 9);
        assert!(rank_of("长春市") < rank_of("通化市") && rank_of("吉林市") < rank_of("白城市"));
        assert!(
            t.shares.counts.get(Status::Lagging) + t.shares.counts.get(Status::AtRisk) > 0,
            "{:?}",
            t.shares.counts
        );
        assert!(
            t.shares.counts.get(Status::OnTrack) + t.shares.counts.get(Status::Done) > 0,
            "{:?}",
            t.shares.counts
        );

        // Eight months are due by 15 October for August's view (January–August); some reports
        // were late and some months skipped.
        let c = t.completeness;
        assert_eq!(c.expected, t.shares.count * 8, "{c:?}");
        assert_eq!(c.received + c.missing, c.expected);
        assert!(c.late > 0 && c.missing > 0 && c.on_time > c.late, "{c:?}");

        // A count's forecast and 序时进度 are there.
        let first = &t.targets[0];
        assert_eq!(
            first.expected,
            Some(
                first.target.quantity.value * rust_decimal::Decimal::from(8)
                    / rust_decimal::Decimal::from(12)
            )
        );
        assert!(first.forecast.is_some());

        let err = tracking::tracking(
            store,
            plan,
            Period::parse("2024-01").unwrap(),
            date(2024, 2, 1),
            &minsheng_domain::Thresholds::default(),
        )
        .await
        .unwrap_err();
        assert!(err.to_string().contains("计划年度"), "{err}");
        db.finish().await;
    }
}
