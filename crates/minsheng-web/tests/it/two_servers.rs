//! Issue #16 item 6: two servers on one database, sharing no memory — each its own store
//! (its own connection pool) and its own caches, as two `minsheng serve` processes behind a
//! load balancer. A session signed in on one works on the other, and a report accepted on one
//! shows on the other's dashboard within the freshness promise (one second), on both
//! backends.

use crate::support::{demo_sign_in, get_as, state};
use axum::http::StatusCode;
use minsheng_app::demo;
use minsheng_app::freshness::MAX_AGE;
use minsheng_domain::ReportStatus;
use minsheng_store::testing::backends;
use minsheng_store::{OpenMode, Store};
use std::time::{Duration, Instant};

#[tokio::test]
async fn a_report_accepted_on_one_server_shows_on_the_other_within_a_second() {
    for db in backends().await {
        demo::build(&db.store).await.unwrap();
        let a = state(&db.store, true);
        // The second server: a store of its own on the same database, caches of its own.
        let other = Store::open(&db.url, OpenMode::MustExist).await.unwrap();
        let b = state(&other, true);

        // Signed in on A, the session works on B.
        let office = demo_sign_in(&a, "office").await;
        let me = get_as(&b, &office, "/api/me").await;
        assert_eq!(me.status, StatusCode::OK, "{}: {}", db.label, me.body);
        assert!(me.body.contains("office"), "{}: {}", db.label, me.body);

        // B serves the dashboard and keeps it.
        let page = "/office?period=2023-09";
        let before = get_as(&b, &office, page).await;
        assert_eq!(before.status, StatusCode::OK, "{}", db.label);
        assert_eq!(get_as(&b, &office, page).await.body, before.body);

        // A accepts September reports awaiting review.
        let waiting: Vec<_> = db
            .store
            .submitted_reports()
            .await
            .unwrap()
            .into_iter()
            .filter(|r| r.period.to_string() == "2023-09")
            .take(3)
            .collect();
        assert!(
            !waiting.is_empty(),
            "{}: the demo has September reports waiting",
            db.label
        );
        for r in &waiting {
            let res = crate::support::json_as(
                &a,
                &office,
                "POST",
                &format!("/api/reports/{}/accept", r.id),
                None,
            )
            .await;
            assert_eq!(res.0, StatusCode::OK, "{}: {}", db.label, res.1);
        }
        let accepted_at = Instant::now();
        let fresh_on_a = get_as(&a, &office, page).await.body;
        assert_ne!(
            fresh_on_a, before.body,
            "{}: A shows its own accept at once",
            db.label
        );

        // B shows it within the freshness promise: the same page as A.
        let seen = loop {
            let now = get_as(&b, &office, page).await.body;
            if now == fresh_on_a {
                break accepted_at.elapsed();
            }
            assert!(
                accepted_at.elapsed() < MAX_AGE + Duration::from_millis(500),
                "{}: B still serves the page from before the accept after {:?}",
                db.label,
                accepted_at.elapsed()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        assert!(
            seen <= MAX_AGE + Duration::from_millis(500),
            "{}: {seen:?}",
            db.label
        );
        for r in &waiting {
            assert_eq!(
                other.report(r.id).await.unwrap().status,
                ReportStatus::Accepted,
                "{}",
                db.label
            );
        }
        other.close().await;
        db.finish().await;
    }
}
