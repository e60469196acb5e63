//! Issue #16 item 6: a read replica. A local PostgreSQL primary with a streaming hot standby
//! ([`StreamingReplica`]: `initdb`, `pg_basebackup -R`); the site writes to the primary and
//! reads its dashboards and portal from the standby whenever the standby has replayed the
//! version a page is served at. A standby that lags (replay paused) or is down is not read:
//! the primary answers, so no page is older than the freshness promise; when the standby is
//! back, it is read again.

use crate::support::{demo_sign_in, get_as, json_as, state};
use axum::http::StatusCode;
use minsheng_app::demo;
use minsheng_app::freshness::Replica;
use minsheng_store::testing::StreamingReplica;
use minsheng_store::{OpenMode, Store};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn read_from(p: &crate::support::Page) -> String {
    p.headers
        .get("x-minsheng-read-from")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

/// Waits (at most 30 s) until the standby has replayed what the primary committed.
async fn caught_up(primary: &Store, standby_url: &str) {
    let standby = Store::open(standby_url, OpenMode::MustExist).await.unwrap();
    let want = primary.data_version().await.unwrap();
    let start = Instant::now();
    while standby.data_version().await.unwrap() < want {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the standby never caught up"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    standby.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_read_the_standby_when_it_has_caught_up_and_the_primary_otherwise() {
    let Some(pair) = tokio::task::spawn_blocking(StreamingReplica::start)
        .await
        .unwrap()
    else {
        return;
    };
    let primary = Store::open(&pair.primary_url(), OpenMode::MustExist)
        .await
        .unwrap();
    primary.migrate().await.unwrap();
    demo::build(&primary).await.unwrap();
    let mut st = state(&primary, true);
    st.replica = Some(Arc::new(Replica::new(&pair.standby_url())));
    let office = demo_sign_in(&st, "office").await;
    caught_up(&primary, &pair.standby_url()).await;

    // Caught up: the dashboard, its figures and the portal are read from the standby.
    let page = get_as(&st, &office, "/office?period=2023-08").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(read_from(&page), "replica");
    let portal = get_as(&st, "", "/public").await;
    assert_eq!(portal.status, StatusCode::OK);
    assert_eq!(read_from(&portal), "replica");
    let api = get_as(&st, &office, "/api/dashboard?period=2023-08").await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.body);
    assert_eq!(read_from(&api), "replica");
    let on_standby: i64 = pair
        .on_standby(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'minsheng' AND backend_type = 'client backend'",
        )
        .parse()
        .unwrap();
    assert!(on_standby >= 1, "minsheng holds connections on the standby");

    // Behind: replay paused, a report accepted on the primary. The next page is the primary's
    // and shows the accept; the standby is not read until it has replayed it.
    pair.on_standby("SELECT pg_wal_replay_pause()");
    let waiting = primary
        .submitted_reports()
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.period.to_string() == "2023-09")
        .expect("a September report awaits review");
    let (s, b) = json_as(
        &st,
        &office,
        "POST",
        &format!("/api/reports/{}/accept", waiting.id),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let behind = get_as(&st, &office, "/office?period=2023-09").await;
    assert_eq!(behind.status, StatusCode::OK);
    assert_eq!(read_from(&behind), "primary; replica behind");
    let fresh = get_as(&state(&primary, true), &office, "/office?period=2023-09").await;
    assert_eq!(
        behind.body, fresh.body,
        "the page read from the primary is current"
    );
    pair.on_standby("SELECT pg_wal_replay_resume()");
    caught_up(&primary, &pair.standby_url()).await;
    let again = get_as(&st, &office, "/office?period=2023-07").await;
    assert_eq!(read_from(&again), "replica");

    // Down: the standby stopped. Pages still open, from the primary; once it is back (and
    // the retry interval has passed) it is read again.
    tokio::task::block_in_place(|| pair.stop_standby());
    let down = get_as(&st, &office, "/office?period=2023-06").await;
    assert_eq!(down.status, StatusCode::OK, "{}", down.body);
    assert_eq!(read_from(&down), "primary; replica down");
    let portal = get_as(&st, "", "/public").await;
    assert_eq!(portal.status, StatusCode::OK);
    assert_eq!(read_from(&portal), "primary; replica down");
    tokio::task::block_in_place(|| pair.start_standby());
    tokio::time::sleep(Replica::RETRY).await;
    let back = get_as(&st, &office, "/office?period=2023-05").await;
    assert_eq!(back.status, StatusCode::OK);
    assert_eq!(read_from(&back), "replica");
    primary.close().await;
}
