//! The materialized roll-up follows every accept, and always equals a rebuild.

use minsheng_app::reporting::{Decision, FileAs, ReportInput, file_report, review_report};
use minsheng_app::rollup;
use minsheng_domain::*;
use rust_decimal::Decimal;

#[tokio::test]
async fn accepting_a_report_moves_the_dashboard_and_matches_a_rebuild() {
    for db in minsheng_store::testing::backends().await {
        let store = &db.store;
        let crate::support::DemoShare {
            plan,
            target,
            share,
            changchun: cc,
            ..
        } = crate::support::demo_share(store).await;
        let june = Period::parse("2023-06").unwrap();

        let before = rollup::dashboard(store, june).await.unwrap();
        let row = |d: &rollup::Dashboard| {
            d.targets
                .iter()
                .find(|t| t.row.target == target.id)
                .unwrap()
                .row
                .clone()
        };
        assert_eq!(row(&before).actual, Decimal::ZERO, "{}", db.label);
        assert_eq!(
            row(&before).quota,
            target.quantity.value,
            "the shares sum to the target"
        );
        assert_eq!(row(&before).reported, 0);
        assert_eq!(
            before.regions.iter().filter(|r| r.row.unit == cc).count(),
            10,
            "one row per section for Changchun"
        );

        let input = ReportInput {
            assignment: share.id,
            period: june,
            value: Some(Decimal::from(43_000)),
            value_unit: None,
            stage: None,
            funds_spent: None,
            narrative: String::new(),
            correction: None,
        };
        let id = file_report(store, &Actor::new("clerk"), cc, &input, FileAs::Submitted)
            .await
            .unwrap();
        assert_eq!(
            rollup::dashboard(store, june).await.unwrap(),
            before,
            "a submitted report does not count yet"
        );
        review_report(store, &Actor::new("office"), id, &Decision::Accept)
            .await
            .unwrap();

        let after = rollup::dashboard(store, june).await.unwrap();
        assert_eq!(row(&after).actual, Decimal::from(43_000), "{}", db.label);
        assert_eq!(row(&after).reported, 1);
        let may = rollup::dashboard(store, Period::parse("2023-05").unwrap())
            .await
            .unwrap();
        assert_eq!(
            row(&may).actual,
            Decimal::ZERO,
            "a June report does not count in May"
        );
        let dec = rollup::dashboard(store, Period::parse("2023-12").unwrap())
            .await
            .unwrap();
        assert_eq!(
            row(&dec).actual,
            Decimal::from(43_000),
            "it carries forward"
        );
        assert_eq!(row(&dec).reported, 0, "but December itself is not reported");
        let section = store.sections(plan).await.unwrap()[0].id;
        let cc_score = |d: &rollup::Dashboard| {
            d.regions
                .iter()
                .find(|r| r.row.unit == cc && r.row.section == section)
                .unwrap()
                .row
                .score_sum
        };
        let expected = (Decimal::from(43_000) / share.quota.unwrap()).round_dp(12);
        assert_eq!(
            cc_score(&after) - cc_score(&before),
            expected,
            "{}",
            db.label
        );

        rollup::recompute(store, &Actor::new("office"))
            .await
            .unwrap();
        assert_eq!(
            rollup::dashboard(store, june).await.unwrap(),
            after,
            "kept current == rebuilt ({})",
            db.label
        );
        db.finish().await;
    }
}
