//! Backup and restore in the portable format: every table covered, a round trip from each
//! backend into each backend equal row by row, and every refusal leaving the target as it was.

use crate::fixtures::fill;
use minsheng_domain::*;
use minsheng_store::backup::{
    BackupContents, BackupError, TABLES, differences, read_backup, verify_backup,
};
use minsheng_store::testing::{TestDb, backends, postgres, postgres_url, sqlite};
use minsheng_store::{BackendKind, NewUnit, Store, StoreError};

/// A database with rows in every table.
async fn filled() -> Vec<TestDb> {
    let dbs = backends().await;
    for db in &dbs {
        let newest = *db.store.migration_versions().last().unwrap();
        fill(&db.store, newest).await;
        // A deleted row: its id must not be handed out again after a restore.
        db.store
            .exec("INSERT INTO sign_in_failures (name, client, at) VALUES ('x', 'y', '2023-02-02T00:00:00Z')")
            .await
            .unwrap();
        db.store
            .exec("DELETE FROM sign_in_failures WHERE name = 'x'")
            .await
            .unwrap();
    }
    dbs
}

async fn backup_of(store: &Store) -> Vec<u8> {
    let mut out = Vec::new();
    store.backup(&mut out).await.unwrap();
    out
}

/// Fresh, migrated targets of both backends.
async fn targets() -> Vec<TestDb> {
    let mut out = vec![sqlite().await];
    if let Some(url) = postgres_url() {
        out.push(postgres(&url).await);
    }
    out
}

/// The tables of `restored` equal `source`'s, but for what a restore adds: its own audit event
/// and one more data version.
fn assert_same(source: &BackupContents, restored: &BackupContents, what: &str) {
    assert_eq!(
        differences(source, restored),
        Vec::<String>::new(),
        "{what}"
    );
    // The comparison itself sees a change.
    let mut changed = restored.clone();
    if let Some(rows) = changed.tables.get_mut("reports") {
        rows[0][4] = serde_json::json!("1");
    }
    assert_eq!(differences(source, &changed).len(), 1, "{what}");
}

#[tokio::test]
async fn every_table_and_column_is_covered() {
    for db in backends().await {
        assert_eq!(
            db.store.backup_coverage().await.unwrap(),
            Vec::<String>::new(),
            "{}: backup::TABLES and the migrated schema disagree",
            db.label
        );
        // A table the list does not know makes a backup refuse, naming it.
        db.store
            .exec("CREATE TABLE forgotten (id BIGINT PRIMARY KEY)")
            .await
            .unwrap();
        let err = db.store.backup(Vec::new()).await.unwrap_err();
        assert!(
            matches!(&err, StoreError::Backup(BackupError::Uncovered { what }) if what.contains("forgotten")),
            "{}: {err}",
            db.label
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn a_backup_restores_into_either_backend_row_by_row() {
    for source in filled().await {
        let bytes = backup_of(&source.store).await;
        let before = read_backup(&bytes[..]).unwrap();
        assert!(
            before.tables.values().all(|rows| !rows.is_empty()),
            "{}: the fixture leaves a table empty",
            source.label
        );
        assert_eq!(verify_backup(&bytes[..]).unwrap(), before.summary);
        for target in targets().await {
            let what = format!("{} → {}", source.label, target.label);
            let summary = target
                .store
                .restore(&Actor::system("restore"), &bytes[..])
                .await
                .unwrap();
            assert_eq!(summary.tables, before.summary.tables, "{what}");
            let after = read_backup(&backup_of(&target.store).await[..]).unwrap();
            assert_same(&before, &after, &what);
            // The planner knows what was restored: statistics of the largest table are there.
            let analysed = match target.store.backend() {
                BackendKind::Postgres => {
                    "SELECT COUNT(*) FROM pg_stat_user_tables WHERE relname = 'reports'
                     AND schemaname = current_schema() AND last_analyze IS NOT NULL"
                }
                BackendKind::Sqlite => "SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'reports'",
            };
            assert_eq!(
                target.store.scalar_i64(analysed).await.unwrap(),
                1,
                "{what}: statistics refreshed after the restore"
            );
            assert_eq!(
                target.store.data_version().await.unwrap(),
                source.store.data_version().await.unwrap() + 1,
                "{what}: the restore is one more commit"
            );
            // The typed interface reads it, and new rows get ids never handed out before.
            assert_eq!(
                target.store.units().await.unwrap(),
                source.store.units().await.unwrap(),
                "{what}"
            );
            let mut tx = target.store.begin(&Actor::new("t")).await.unwrap();
            let unit = tx
                .insert_unit(&NewUnit {
                    parent: Some(UnitId(2)),
                    kind: UnitKind::County,
                    name: "南关区".into(),
                    code: None,
                })
                .await
                .unwrap();
            tx.commit().await.unwrap();
            assert_eq!(unit, UnitId(4), "{what}");
            target
                .store
                .exec("INSERT INTO sign_in_failures (name, client, at) VALUES ('n', 'c', '2023-03-01T00:00:00Z')")
                .await
                .unwrap();
            assert_eq!(
                target
                    .store
                    .scalar_i64("SELECT MAX(id) FROM sign_in_failures")
                    .await
                    .unwrap(),
                3,
                "{what}: the deleted row's id 2 is not reused"
            );
            target.finish().await;
        }
        source.finish().await;
    }
}

/// What a restore of `bytes` into a fresh target says; the target must stay empty.
async fn refused(bytes: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    for target in targets().await {
        let err = target
            .store
            .restore(&Actor::system("restore"), bytes)
            .await
            .unwrap_err();
        assert!(verify_backup(bytes).is_err(), "{err}");
        for t in TABLES {
            let n = target
                .store
                .scalar_i64(&format!("SELECT COUNT(*) FROM {}", t.name))
                .await
                .unwrap();
            assert_eq!(n, 0, "{}: {} was written to: {err}", target.label, t.name);
        }
        out.push(err.to_string());
        target.finish().await;
    }
    out
}

#[tokio::test]
async fn a_bad_file_is_refused_and_nothing_is_written() {
    let source = sqlite().await;
    let newest = *source.store.migration_versions().last().unwrap();
    fill(&source.store, newest).await;
    let good = String::from_utf8(backup_of(&source.store).await).unwrap();
    let lines: Vec<&str> = good.lines().collect();

    // Cut short: the last table's end and the closing line are missing.
    let cut = lines[..lines.len() - 2].join("\n") + "\n";
    for e in refused(cut.as_bytes()).await {
        assert!(e.contains("文件不完整") && e.contains("ends early"), "{e}");
    }
    // Cut in the middle of a line.
    for e in refused(&good.as_bytes()[..good.len() / 2]).await {
        assert!(e.contains("ends early") || e.contains("not JSON"), "{e}");
    }
    // One digit changed: the checksum catches it.
    let changed = good.replacen("\"21000\"", "\"21001\"", 1);
    assert_ne!(changed, good);
    for e in refused(changed.as_bytes()).await {
        assert!(e.contains("校验和不符") && e.contains("checksum"), "{e}");
    }
    // A value of the wrong kind names its table and column.
    let wrong = good.replacen("[1,null,\"province\"", "[\"one\",null,\"province\"", 1);
    assert_ne!(wrong, good);
    for e in refused(wrong.as_bytes()).await {
        assert!(
            e.contains("units.id") && e.contains("expected an integer"),
            "{e}"
        );
    }
    // Not a backup at all.
    for e in refused(b"id,name\n1,x\n").await {
        assert!(e.contains("not a minsheng backup file"), "{e}");
    }
    // From a newer schema.
    let newer = good.replacen(
        &format!("\"schema_version\":{newest}"),
        &format!("\"schema_version\":{}", newest + 1),
        1,
    );
    assert_ne!(newer, good);
    for e in refused(newer.as_bytes()).await {
        assert!(e.contains("newer than this minsheng"), "{e}");
    }
    source.finish().await;
}

#[tokio::test]
async fn a_target_with_data_or_another_schema_is_refused() {
    let source = sqlite().await;
    let newest = *source.store.migration_versions().last().unwrap();
    fill(&source.store, newest).await;
    let bytes = backup_of(&source.store).await;
    for target in targets().await {
        let mut tx = target.store.begin(&Actor::new("t")).await.unwrap();
        tx.insert_unit(&NewUnit {
            parent: None,
            kind: UnitKind::Province,
            name: "辽宁省".into(),
            code: None,
        })
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let audit = target.store.audit_count().await.unwrap();
        let err = target
            .store
            .restore(&Actor::system("restore"), &bytes[..])
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("not empty") && err.to_string().contains("units"),
            "{}: {err}",
            target.label
        );
        assert_eq!(target.store.units().await.unwrap().len(), 1);
        assert_eq!(target.store.audit_count().await.unwrap(), audit);
        target.finish().await;
    }
    // A target at an older schema: restore it with the same version, then migrate.
    for target in minsheng_store::testing::empty_backends().await {
        target.store.migrate_to(newest - 1).await.unwrap();
        let err = target
            .store
            .restore(&Actor::system("restore"), &bytes[..])
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Backup(BackupError::SchemaMismatch { .. })),
            "{err}"
        );
        target.finish().await;
    }
    source.finish().await;
}
