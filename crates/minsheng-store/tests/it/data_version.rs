//! The data version: every committed transaction raises it, a rolled-back one does not, and
//! this process's commits are counted at once.

use minsheng_domain::*;
use minsheng_store::NewUnit;
use minsheng_store::testing::backends;

#[tokio::test]
async fn every_commit_raises_the_data_version_and_a_rollback_does_not() {
    for db in backends().await {
        let store = &db.store;
        let (v0, local0) = (store.data_version().await.unwrap(), store.local_commits());
        let unit = |name: &str| NewUnit {
            parent: None,
            kind: UnitKind::Province,
            name: name.into(),
            code: None,
        };
        let mut tx = store.begin(&Actor::new("test")).await.unwrap();
        tx.insert_unit(&unit("吉林省")).await.unwrap();
        tx.commit().await.unwrap();
        let v1 = store.data_version().await.unwrap();
        assert!(v1 > v0, "{}: {v0} → {v1}", db.label);
        assert_eq!(store.local_commits(), local0 + 1);

        let mut tx = store.begin(&Actor::new("test")).await.unwrap();
        tx.insert_unit(&unit("辽宁省")).await.unwrap();
        tx.rollback().await.unwrap();
        let mut tx = store.begin(&Actor::new("test")).await.unwrap();
        tx.insert_unit(&unit("黑龙江省")).await.unwrap();
        drop(tx);
        assert_eq!(
            store.data_version().await.unwrap(),
            v1,
            "nothing kept, nothing raised"
        );
        assert_eq!(store.local_commits(), local0 + 1);

        // Another handle on the same database (another server) sees the version raised.
        let mut tx = store.clone().begin(&Actor::new("test")).await.unwrap();
        tx.insert_unit(&unit("辽宁省")).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(store.data_version().await.unwrap(), v1 + 1);
        db.finish().await;
    }
}

/// A store with its clock moved (a demo's, standing at its day) stamps what it writes at the
/// moved time; the same database through an unmoved handle stamps the real time.
#[tokio::test]
async fn a_moved_clock_stamps_what_is_written() {
    for db in backends().await {
        let back = jiff::SignedDuration::from_hours(-24 * 365 * 3);
        let moved = db.store.clone().with_clock_shift(back);
        let unit = |name: &str| NewUnit {
            parent: None,
            kind: UnitKind::Province,
            name: name.into(),
            code: None,
        };
        let mut tx = moved.begin(&Actor::new("test")).await.unwrap();
        let old = tx.insert_unit(&unit("吉林省")).await.unwrap();
        tx.commit().await.unwrap();
        let mut tx = db.store.begin(&Actor::new("test")).await.unwrap();
        let new = tx.insert_unit(&unit("辽宁省")).await.unwrap();
        tx.commit().await.unwrap();
        let now = jiff::Timestamp::now();
        let at = |id: UnitId| {
            let store = db.store.clone();
            async move { store.audit_events("unit", id.0).await.unwrap()[0].at }
        };
        let (old_at, new_at) = (at(old).await, at(new).await);
        let years = |t: jiff::Timestamp| now.duration_since(t).as_hours() / (24 * 365);
        assert_eq!(years(old_at), 3, "{}: stamped {old_at}", db.label);
        assert_eq!(years(new_at), 0, "{}: stamped {new_at}", db.label);
        assert!(moved.now() < now && db.store.now() <= jiff::Timestamp::now());
        db.finish().await;
    }
}
