//! The schema itself: both backends define the same tables and columns, and every
//! reference column is a foreign key.

use minsheng_store::testing::{backends, postgres, postgres_url, sqlite};

#[tokio::test]
async fn both_backends_have_the_same_tables_and_columns() {
    let lite = sqlite().await;
    let lite_cols = lite.store.schema_columns().await.unwrap();
    assert!(lite_cols.contains(&("targets".into(), "value".into())));
    if let Some(url) = postgres_url() {
        let pg = postgres(&url).await;
        let pg_cols = pg.store.schema_columns().await.unwrap();
        assert_eq!(
            lite_cols, pg_cols,
            "the two migration folders have drifted apart"
        );
        pg.finish().await;
    }
    lite.finish().await;
}

#[tokio::test]
async fn every_id_column_is_a_foreign_key() {
    let db = sqlite().await;
    let cols = db.store.schema_columns().await.unwrap();
    // Columns that hold ids but point at nothing on purpose.
    let exempt = [("audit_events", "entity_id")];
    for (table, column) in &cols {
        let is_ref = column.ends_with("_id") || column == "raised_by";
        if !is_ref || exempt.contains(&(table.as_str(), column.as_str())) {
            continue;
        }
        let sql = format!(
            "SELECT COUNT(*) FROM pragma_foreign_key_list('{table}') WHERE \"from\" = '{column}'"
        );
        let found = db.store.scalar_i64(&sql).await.unwrap();
        assert_eq!(found, 1, "{table}.{column} has no foreign key");
    }
    db.finish().await;
}

#[tokio::test]
async fn migrating_twice_changes_nothing() {
    for db in backends().await {
        let before = db.store.schema_columns().await.unwrap();
        db.store.migrate().await.unwrap();
        db.store.check_schema().await.unwrap();
        assert_eq!(
            db.store.schema_columns().await.unwrap(),
            before,
            "{}",
            db.label
        );
        db.finish().await;
    }
}
