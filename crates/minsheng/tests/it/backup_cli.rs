//! `minsheng backup`, `restore` and `copy` run as an operator runs them: the demo backed up,
//! restored and copied into each backend equal to itself, and every refusal leaving the
//! target as it was.

use crate::report_cli::{bin, fails_with, ok};
use minsheng_app::demo;
use minsheng_store::backup::{differences, read_backup};
use minsheng_store::testing::{backends, postgres, postgres_url, sqlite, temp_sqlite_path};
use std::path::PathBuf;

fn scratch(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!(
        "minsheng-backup-cli-{name}-{}-{}.backup",
        std::process::id(),
        jiff::Timestamp::now().as_nanosecond()
    ))
}

#[tokio::test]
async fn the_demo_is_backed_up_restored_and_copied_into_each_backend() {
    for source in backends().await {
        demo::build(&source.store).await.unwrap();
        let file = scratch(source.label);
        let out = bin()
            .args(["backup", "--db", &source.url, "-o"])
            .arg(&file)
            .output()
            .unwrap();
        assert!(ok(&out).contains("backed up"), "{}", source.label);
        let original =
            read_backup(std::io::BufReader::new(std::fs::File::open(&file).unwrap())).unwrap();
        // The file is never overwritten.
        let again = bin()
            .args(["backup", "--db", &source.url, "-o"])
            .arg(&file)
            .output()
            .unwrap();
        fails_with(&again, &["exists"]);

        let mut targets = vec![sqlite().await];
        if let Some(url) = postgres_url() {
            targets.push(postgres(&url).await);
        }
        for target in targets {
            let what = format!("{} → {}", source.label, target.label);
            let out = bin()
                .args(["restore", "--db", &target.url, "-i"])
                .arg(&file)
                .output()
                .unwrap();
            assert!(ok(&out).contains("restored"), "{what}");
            let mut bytes = Vec::new();
            target.store.backup(&mut bytes).await.unwrap();
            let restored = read_backup(&bytes[..]).unwrap();
            assert_eq!(
                differences(&original, &restored),
                Vec::<String>::new(),
                "{what}"
            );
            // Into a database that now holds data: refused, nothing added.
            let out = bin()
                .args(["restore", "--db", &target.url, "-i"])
                .arg(&file)
                .output()
                .unwrap();
            fails_with(&out, &["not empty"]);
            target.finish().await;
        }

        // copy: SQLite file → the other backend (or another SQLite file).
        let target = match postgres_url() {
            Some(url) if source.label == "sqlite" => postgres(&url).await,
            _ => sqlite().await,
        };
        let out = bin()
            .args(["copy", "--from", &source.url, "--to", &target.url])
            .output()
            .unwrap();
        assert!(ok(&out).contains("checked row by row"), "{}", source.label);
        assert_eq!(
            target.store.units().await.unwrap(),
            source.store.units().await.unwrap()
        );
        target.finish().await;
        let _ = std::fs::remove_file(&file);
        source.finish().await;
    }
}

#[tokio::test]
async fn a_damaged_backup_creates_no_database() {
    let source = sqlite().await;
    demo::build_with(&source.store, false).await.unwrap();
    let file = scratch("damaged");
    ok(&bin()
        .args(["backup", "--db", &source.url, "-o"])
        .arg(&file)
        .output()
        .unwrap());
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, &text[..text.len() - 20]).unwrap();
    let target = temp_sqlite_path();
    let out = bin()
        .args(["restore", "--db"])
        .arg(&target)
        .arg("-i")
        .arg(&file)
        .output()
        .unwrap();
    fails_with(&out, &["the backup file is invalid", "nothing was written"]);
    assert!(
        !target.exists(),
        "a refused restore created {}",
        target.display()
    );
    let _ = std::fs::remove_file(&file);
    source.finish().await;
}
