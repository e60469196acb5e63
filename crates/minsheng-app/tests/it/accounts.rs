//! Sign-in throttling (issue #10): progressive delays per (name, address), moderate ones per
//! name and per address that spare the addresses a name has used, no lock for everyone, and
//! the office's unlock — on each backend, with the clock handed in.

use jiff::{SignedDuration, Timestamp};
use minsheng_app::AppError;
use minsheng_app::accounts::{self, PER_CLIENT, PER_NAME, PER_PAIR, Throttle};
use minsheng_domain::{Actor, Role};
use minsheng_store::Store;
use minsheng_store::testing::backends;

const RIGHT: &str = "the right one 1";
const WRONG: &str = "a wrong one 1";

fn at(t0: Timestamp, secs: i64) -> Timestamp {
    t0 + SignedDuration::from_secs(secs)
}

async fn try_in(
    store: &Store,
    name: &str,
    pw: &str,
    client: &str,
    now: Timestamp,
) -> Result<(), AppError> {
    accounts::sign_in(store, name, pw, client, now)
        .await
        .map(|_| ())
}

fn waits(r: Result<(), AppError>) -> i64 {
    match r {
        Err(AppError::SignInThrottled { seconds }) => seconds,
        other => panic!("expected a wait, got {other:?}"),
    }
}

#[test]
fn delays_double_after_the_free_failures_up_to_the_cap() {
    let t = Throttle {
        free: 3,
        first: 2,
        cap: 900,
    };
    let delays: Vec<i64> = (0..16).map(|n| t.delay(n)).collect();
    assert_eq!(
        delays,
        [
            0, 0, 0, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900, 900
        ]
    );
    assert_eq!(t.delay(i64::MAX), 900, "no overflow however many");
    // The wide scopes slow only moderately, however many failures.
    assert!(PER_NAME.delay(i64::MAX) <= 60 && PER_CLIENT.delay(i64::MAX) <= 60);
}

#[tokio::test]
async fn one_address_guessing_one_name_waits_longer_and_longer() {
    for db in backends().await {
        let store = &db.store;
        let office = Actor::system("test");
        accounts::add_account(store, &office, "alice", RIGHT, Role::Office, None)
            .await
            .unwrap();
        let t0: Timestamp = "2024-03-01T08:00:00Z".parse().unwrap();
        let mut now = t0;
        // The free failures.
        for _ in 0..PER_PAIR.free {
            let r = try_in(store, "alice", WRONG, "198.51.100.7", now).await;
            assert!(
                matches!(r, Err(AppError::SignInRefused)),
                "{}: {r:?}",
                db.label
            );
            now = at(now, 1);
        }
        // Each further failure makes the next attempt wait twice as long; an attempt made too
        // early is refused without being counted, even with the right password.
        for k in 0..4 {
            let delay = PER_PAIR.first << k;
            let left = waits(try_in(store, "alice", RIGHT, "198.51.100.7", now).await);
            assert!(left > 0 && left <= delay, "{k}: {left} of {delay}");
            now = at(now, left);
            let r = try_in(store, "alice", WRONG, "198.51.100.7", now).await;
            assert!(matches!(r, Err(AppError::SignInRefused)), "{k}: {r:?}");
        }
        let left = waits(try_in(store, "alice", RIGHT, "198.51.100.7", now).await);
        assert_eq!(left, PER_PAIR.first << 4);
        // The same name from another address is not held up: no account-wide lock.
        try_in(store, "alice", RIGHT, "203.0.113.1", now)
            .await
            .unwrap();
        // Once the wait is over the right password works, and the pair starts afresh.
        now = at(now, left);
        try_in(store, "alice", RIGHT, "198.51.100.7", now)
            .await
            .unwrap();
        let r = try_in(store, "alice", WRONG, "198.51.100.7", now).await;
        assert!(matches!(r, Err(AppError::SignInRefused)));
        try_in(store, "alice", RIGHT, "198.51.100.7", at(now, 1))
            .await
            .unwrap();
        db.finish().await;
    }
}

#[tokio::test]
async fn failures_from_everywhere_slow_a_name_moderately_and_never_its_own_address() {
    for db in backends().await {
        let store = &db.store;
        let office = Actor::system("test");
        accounts::add_account(store, &office, "bob", RIGHT, Role::Office, None)
            .await
            .unwrap();
        let t0: Timestamp = "2024-03-01T08:00:00Z".parse().unwrap();
        // Bob signs in from his office.
        try_in(store, "bob", RIGHT, "10.1.1.1", t0).await.unwrap();
        // A botnet tries his name once from each of many addresses.
        let mut now = at(t0, 60);
        for i in 0..(PER_NAME.free + 8) {
            let r = try_in(store, "bob", WRONG, &format!("192.0.2.{i}"), now).await;
            match r {
                Err(AppError::SignInRefused) => {}
                Err(AppError::SignInThrottled { seconds }) => {
                    assert!(seconds <= PER_NAME.cap, "{}: {seconds}", db.label);
                    now = at(now, seconds);
                    let r = try_in(store, "bob", WRONG, &format!("192.0.2.{i}"), now).await;
                    assert!(matches!(r, Err(AppError::SignInRefused)), "{r:?}");
                }
                other => panic!("{other:?}"),
            }
        }
        // A new address waits a little (at most the name's cap)…
        let left = waits(try_in(store, "bob", RIGHT, "203.0.113.50", now).await);
        assert!(left <= PER_NAME.cap, "{left}");
        // …but Bob at his own desk is not held up at all.
        try_in(store, "bob", RIGHT, "10.1.1.1", now).await.unwrap();
        db.finish().await;
    }
}

#[tokio::test]
async fn one_address_trying_many_names_is_slowed_moderately() {
    for db in backends().await {
        let store = &db.store;
        let office = Actor::system("test");
        accounts::add_account(store, &office, "carol", RIGHT, Role::Office, None)
            .await
            .unwrap();
        let t0: Timestamp = "2024-03-01T08:00:00Z".parse().unwrap();
        for i in 0..PER_CLIENT.free {
            let r = try_in(store, &format!("user{i}"), WRONG, "198.51.100.9", t0).await;
            assert!(
                matches!(r, Err(AppError::SignInRefused)),
                "{}: {r:?}",
                db.label
            );
        }
        let now = t0;
        let left = waits(try_in(store, "carol", RIGHT, "198.51.100.9", now).await);
        assert!(left <= PER_CLIENT.cap, "{left}");
        try_in(store, "carol", RIGHT, "198.51.100.9", at(now, left))
            .await
            .unwrap();
        db.finish().await;
    }
}

#[tokio::test]
async fn the_office_unlocks_a_name_and_it_is_audited() {
    for db in backends().await {
        let store = &db.store;
        let office = Actor::system("test");
        let id = accounts::add_account(store, &office, "dave", RIGHT, Role::Office, None)
            .await
            .unwrap();
        let t0: Timestamp = "2024-03-01T08:00:00Z".parse().unwrap();
        for i in 0..(PER_PAIR.free + 5) {
            let _ = try_in(store, "dave", WRONG, "198.51.100.7", at(t0, i * 1000)).await;
        }
        let now = at(t0, (PER_PAIR.free + 4) * 1000 + 1);
        waits(try_in(store, "dave", RIGHT, "198.51.100.7", now).await);
        let cleared = accounts::unlock(store, &Actor::system("cli"), "dave")
            .await
            .unwrap();
        assert!(cleared >= PER_PAIR.free, "{}: {cleared}", db.label);
        try_in(store, "dave", RIGHT, "198.51.100.7", now)
            .await
            .unwrap();
        let events = store.audit_events("user", id.0).await.unwrap();
        let unlock = events
            .iter()
            .find(|e| e.action == "unlock")
            .expect("audited");
        assert_eq!(unlock.actor, "system:cli");
        assert!(
            unlock
                .before
                .as_deref()
                .unwrap()
                .contains(&cleared.to_string())
        );
        // An unknown name is refused by name.
        let e = accounts::unlock(store, &office, "nobody")
            .await
            .unwrap_err();
        assert!(e.to_string().contains("nobody"), "{e}");
        db.finish().await;
    }
}

#[tokio::test]
async fn a_megabyte_name_is_refused_without_storing_it() {
    for db in backends().await {
        let store = &db.store;
        let t0: Timestamp = "2024-03-01T08:00:00Z".parse().unwrap();
        let huge = "名".repeat(1 << 18);
        let r = try_in(store, &huge, WRONG, "198.51.100.7", t0).await;
        assert!(
            matches!(r, Err(AppError::SignInRefused)),
            "{}: {r:?}",
            db.label
        );
        let longest: i64 = store
            .scalar_i64("SELECT CAST(MAX(LENGTH(name)) AS BIGINT) FROM sign_in_failures")
            .await
            .unwrap();
        assert!(longest <= 65, "{longest}");
        db.finish().await;
    }
}
