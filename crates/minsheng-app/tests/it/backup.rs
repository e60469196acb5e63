//! Backups made while reports are being filed and accepted: each is the database at one
//! instant (every report has its audit events and no audit event lacks its report; the
//! roll-up in it equals a recompute), and it restores into a fresh database of either backend
//! equal to itself, table by table and row by row.

use minsheng_app::reporting::{Decision, FileAs, ReportInput, file_report, review_report};
use minsheng_app::{demo, rollup};
use minsheng_domain::*;
use minsheng_store::backup::{BackupContents, differences, read_backup};
use minsheng_store::testing::{backends, postgres, postgres_url, sqlite};
use minsheng_store::{OpenMode, Store};
use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// A backup's file and what it holds.
async fn backup_of(store: &Store) -> (Vec<u8>, BackupContents) {
    let mut out = Vec::new();
    store.backup(&mut out).await.unwrap();
    let contents = read_backup(&out[..]).unwrap();
    (out, contents)
}

/// The backup is one instant: reports and their audit events agree both ways.
fn check_one_instant(b: &BackupContents, what: &str) {
    let reports: HashSet<i64> = b.tables["reports"]
        .iter()
        .map(|r| r[0].as_i64().unwrap())
        .collect();
    let audited: HashSet<i64> = b.tables["audit_events"]
        .iter()
        .filter(|r| r[4] == "report")
        .map(|r| r[5].as_i64().unwrap())
        // A bulk import's one event names no report.
        .filter(|&id| id != 0)
        .collect();
    assert_eq!(
        reports, audited,
        "{what}: reports without audit events, or the reverse"
    );
    let accepted = b.tables["reports"]
        .iter()
        .filter(|r| r[8] == "accepted")
        .count();
    let updates = b.tables["audit_events"]
        .iter()
        .filter(|r| r[4] == "report" && r[7].as_str().is_some_and(|a| a.contains("accepted")))
        .count();
    assert!(
        updates >= accepted,
        "{what}: accepted reports without their audit"
    );
}

#[tokio::test]
async fn a_backup_made_while_reports_are_filed_is_one_instant_and_restores_exactly() {
    for source in backends().await {
        // Room for every task at once: a filing holds its transaction and reads beside it.
        let wide = Store::open_with(&source.url, OpenMode::MustExist, 16)
            .await
            .unwrap();
        let store = &wide;
        demo::build_with(store, false).await.unwrap();
        let plan = store.plans().await.unwrap()[0].id;
        let quantity: HashSet<TargetId> = store
            .targets(plan)
            .await
            .unwrap()
            .into_iter()
            .filter(|t| t.kind == TargetKind::Quantity)
            .map(|t| t.id)
            .collect();
        let shares: Vec<Assignment> = store
            .assignments_of_plan(plan)
            .await
            .unwrap()
            .into_iter()
            .filter(|a| quantity.contains(&a.target))
            .take(48)
            .collect();
        assert!(shares.len() >= 24, "{}", source.label);

        // Four units' clerks file, one reviewer accepts, all at once.
        let filing = Arc::new(AtomicBool::new(true));
        let mut filers = Vec::new();
        for part in shares.chunks(shares.len().div_ceil(4)) {
            let (store, part) = (store.clone(), part.to_vec());
            filers.push(tokio::spawn(async move {
                for (i, a) in part.iter().enumerate() {
                    let input = ReportInput {
                        assignment: a.id,
                        period: Period::month(2023, 3).unwrap(),
                        value: Some(rust_decimal::Decimal::from(100 + i)),
                        value_unit: None,
                        stage: None,
                        funds_spent: None,
                        narrative: "一季度进展".into(),
                        correction: None,
                    };
                    file_report(
                        &store,
                        &Actor::new("clerk"),
                        a.unit,
                        &input,
                        FileAs::Submitted,
                    )
                    .await
                    .unwrap();
                }
            }));
        }
        let reviewer = {
            let (store, filing) = (store.clone(), filing.clone());
            tokio::spawn(async move {
                loop {
                    let waiting = store.submitted_reports().await.unwrap();
                    if waiting.is_empty() && !filing.load(Ordering::SeqCst) {
                        break;
                    }
                    for r in waiting {
                        review_report(&store, &Actor::new("office"), r.id, &Decision::Accept)
                            .await
                            .unwrap();
                    }
                    tokio::task::yield_now().await;
                }
            })
        };
        // Backups while that goes on.
        let mut taken = Vec::new();
        while filers.iter().any(|f| !f.is_finished()) || taken.len() < 2 {
            taken.push(backup_of(store).await);
        }
        for f in filers {
            f.await.unwrap();
        }
        filing.store(false, Ordering::SeqCst);
        reviewer.await.unwrap();
        taken.push(backup_of(store).await);
        let counts: Vec<usize> = taken
            .iter()
            .map(|(_, b)| b.tables["reports"].len())
            .collect();
        assert!(
            counts.first() < counts.last(),
            "{}: no backup was made while reports were filed: {counts:?}",
            source.label
        );
        for (i, (_, b)) in taken.iter().enumerate() {
            check_one_instant(b, &format!("{} backup {i}", source.label));
        }

        // The one made mid-way, restored into a fresh database of each backend.
        let (file, mid) = &taken[taken.len() / 2];
        let mut targets = vec![sqlite().await];
        if let Some(url) = postgres_url() {
            targets.push(postgres(&url).await);
        }
        for target in targets {
            let what = format!("{} → {}", source.label, target.label);
            target
                .store
                .restore(&Actor::system("restore"), &file[..])
                .await
                .unwrap();
            let (_, restored) = backup_of(&target.store).await;
            assert_eq!(differences(mid, &restored), Vec::<String>::new(), "{what}");
            // The roll-up in the backup equals a recompute from its reports.
            rollup::recompute(&target.store, &Actor::system("check"))
                .await
                .unwrap();
            let (_, recomputed) = backup_of(&target.store).await;
            for t in ["rollup_target_month", "rollup_region_month"] {
                assert_eq!(recomputed.tables[t], mid.tables[t], "{what}: {t}");
            }
            target.finish().await;
        }
        wide.close().await;
        source.finish().await;
    }
}
