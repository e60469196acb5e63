//! The benchmark's plain-SQL baseline answers the canonical roll-up on both backends.

use minsheng_domain::{Period, ReportStatus};
use minsheng_store::baseline::PlainReport;
use minsheng_store::testing::backends;

fn rows(lines: &[&str]) -> Vec<Vec<String>> {
    lines
        .iter()
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

fn report(a: i64, p: &str, v: i64, s: ReportStatus, rev: u32) -> PlainReport {
    PlainReport {
        assignment_id: a,
        period: Period::parse(p).unwrap(),
        cumulative_value: v,
        status: s,
        revision: rev,
    }
}

#[tokio::test]
async fn the_canonical_rollup_in_plain_sql() {
    use ReportStatus::*;
    for db in backends().await {
        let s = &db.store;
        s.baseline_create().await.unwrap();
        let units = rows(&[
            "1,,province,省01",
            "2,1,city,省01市01",
            "3,2,county,省01市01县01",
            "4,2,county,省01市01县02",
        ]);
        s.baseline_load("plain_units", &["id", "parent_id", "level", "name"], &units)
            .await
            .unwrap();
        let targets = rows(&["1,1,1,1,100,人,ge", "2,1,1,2,10,吨,le"]);
        s.baseline_load(
            "plain_targets",
            &[
                "id",
                "province_id",
                "section_no",
                "item_no",
                "value",
                "unit",
                "cmp",
            ],
            &targets,
        )
        .await
        .unwrap();
        let assignments = rows(&["1,1,3,60", "2,1,4,40", "3,2,3,5", "4,2,4,5"]);
        s.baseline_load(
            "plain_assignments",
            &["id", "target_id", "unit_id", "quota"],
            &assignments,
        )
        .await
        .unwrap();
        s.baseline_load_reports(&[
            report(1, "2023-05", 20, Accepted, 1),
            report(1, "2023-06", 30, Accepted, 1),
            report(1, "2023-06", 33, Accepted, 2), // the higher revision counts
            report(2, "2023-05", 10, Accepted, 1),
            report(2, "2023-06", 99, Returned, 1), // never counts: May carries forward
            report(3, "2023-06", 4, Accepted, 1),
            report(4, "2023-06", 8, Accepted, 1), // over its cap of 5
            report(4, "2023-07", 9, Accepted, 1), // after P
        ])
        .await
        .unwrap();
        s.baseline_index().await.unwrap();

        let q1 = s.baseline_q1("2023-06").await.unwrap();
        assert_eq!(q1.len(), 2, "{}", db.label);
        assert_eq!(
            (q1[0].actual, q1[0].quota, q1[0].missing),
            (43, 100, 1),
            "{}",
            db.label
        );
        assert_eq!((q1[1].actual, q1[1].quota, q1[1].missing), (12, 10, 0));
        let q2 = s.baseline_q2("2023-06").await.unwrap();
        assert_eq!(q2.len(), 1);
        // ge: 33/60 and 10/40; le: 4 within 5 → 1, 8 over 5 → 5/8.
        let want = (33.0 / 60.0 + 10.0 / 40.0 + 1.0 + 5.0 / 8.0) / 4.0;
        assert!(
            (q2[0].mean_ratio - want).abs() < 1e-12,
            "{} vs {want} on {}",
            q2[0].mean_ratio,
            db.label
        );
        db.finish().await;
    }
}
