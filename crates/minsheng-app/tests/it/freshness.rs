//! Freshness: a server sees its own writes at once and another's within `MAX_AGE`; kept
//! dashboards follow the data version.

use minsheng_app::freshness::{Freshness, MAX_AGE};
use minsheng_domain::{Actor, UnitKind};
use minsheng_store::testing::backends;
use minsheng_store::{NewUnit, OpenMode, Store};
use std::time::Duration;

async fn add_unit(store: &Store, name: &str) {
    let mut tx = store.begin(&Actor::new("test")).await.unwrap();
    tx.insert_unit(&NewUnit {
        parent: None,
        kind: UnitKind::Province,
        name: name.into(),
        code: None,
    })
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn own_writes_show_at_once_and_anothers_within_max_age() {
    for db in backends().await {
        let here = &db.store;
        let clock = Freshness::default();
        let v0 = clock.version(here).await.unwrap();
        add_unit(here, "吉林省").await;
        let v1 = clock.version(here).await.unwrap();
        assert!(
            v1 > v0,
            "{}: this server's own write shows at once",
            db.label
        );

        // Another server (its own pool on the same database) writes.
        let there = Store::open(&db.url, OpenMode::MustExist).await.unwrap();
        add_unit(&there, "辽宁省").await;
        assert_eq!(
            clock.version(here).await.unwrap(),
            v1,
            "not yet: read < MAX_AGE ago"
        );
        tokio::time::sleep(MAX_AGE + Duration::from_millis(50)).await;
        assert_eq!(clock.version(here).await.unwrap(), v1 + 1, "within MAX_AGE");
        let always = Freshness::with_max_age(Duration::ZERO);
        add_unit(&there, "黑龙江省").await;
        assert_eq!(always.version(here).await.unwrap(), v1 + 2);
        there.close().await;
        db.finish().await;
    }
}
