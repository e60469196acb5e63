//! Opening bad databases: one clear error, and nothing created or changed.

use minsheng_store::testing::{backends, temp_sqlite_path};
use minsheng_store::{OpenMode, Store, StoreError};

#[tokio::test]
async fn a_file_that_is_not_a_database_is_left_untouched() {
    let path = temp_sqlite_path();
    let text = "一、促进就业方面(2项)\n这不是数据库。".repeat(10);
    std::fs::write(&path, &text).unwrap();
    let url = format!("sqlite://{}", path.display());
    let err = Store::open(&url, OpenMode::CreateIfMissing)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotADatabase { .. }), "{err:?}");
    assert!(err.to_string().contains("不是 SQLite 数据库"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    for suffix in ["-wal", "-shm"] {
        assert!(!std::path::Path::new(&format!("{}{suffix}", path.display())).exists());
    }
    std::fs::remove_file(&path).unwrap();
}

#[tokio::test]
async fn a_missing_database_is_not_created_unless_asked() {
    let path = temp_sqlite_path();
    let err = Store::open(path.to_str().unwrap(), OpenMode::MustExist)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Missing { .. }), "{err:?}");
    assert!(!path.exists());
    let missing_dir = std::env::temp_dir()
        .join("minsheng-no-such-dir")
        .join("x.db");
    let err = Store::open(missing_dir.to_str().unwrap(), OpenMode::CreateIfMissing)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("不存在"), "{err}");
    assert!(!missing_dir.exists());
}

#[tokio::test]
async fn bad_urls_are_named() {
    let err = Store::open("mysql://root@localhost/x", OpenMode::MustExist)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::BadUrl { .. }), "{err:?}");
    // Nothing listens on port 1; the password must not appear in the message.
    let err = Store::open(
        "postgres://app:hunter2@127.0.0.1:1/minsheng",
        OpenMode::MustExist,
    )
    .await
    .unwrap_err();
    assert!(matches!(err, StoreError::Unreachable { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.contains("postgres://app:***@127.0.0.1:1/minsheng"),
        "{msg}"
    );
    assert!(!msg.contains("hunter2"), "{msg}");
}

#[tokio::test]
async fn a_database_migrated_by_a_newer_minsheng_is_refused_unchanged() {
    for db in backends().await {
        let blob = if db.label == "postgres" {
            "decode('00', 'hex')"
        } else {
            "X'00'"
        };
        db.store
            .exec(&format!(
                "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
                 VALUES (99990101000000, 'from the future', TRUE, {blob}, 0)"
            ))
            .await
            .unwrap();
        let columns = db.store.schema_columns().await.unwrap();
        let err = db.store.migrate().await.unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::SchemaTooNew {
                    found: 99990101000000,
                    ..
                }
            ),
            "{}: {err:?}",
            db.label
        );
        assert!(err.to_string().contains("升级"), "{err}");
        assert!(matches!(
            db.store.check_schema().await,
            Err(StoreError::SchemaTooNew { .. })
        ));
        assert_eq!(db.store.schema_columns().await.unwrap(), columns);
        db.finish().await;
    }
}

#[tokio::test]
async fn sqlite_syncs_every_commit_when_asked() {
    let path = temp_sqlite_path();
    for (query, expected) in [
        ("", 1),
        ("?synchronous=full", 2),
        ("?synchronous=NORMAL", 1),
    ] {
        let url = format!("sqlite://{}{query}", path.display());
        let store = Store::open(&url, OpenMode::CreateIfMissing).await.unwrap();
        assert_eq!(
            store.scalar_i64("PRAGMA synchronous").await.unwrap(),
            expected,
            "{url}"
        );
        store.close().await;
    }
    let url = format!("sqlite://{}?synchronous=sometimes", path.display());
    let err = Store::open(&url, OpenMode::CreateIfMissing)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("synchronous must be"), "{err}");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}
