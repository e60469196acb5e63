//! 进展通报 through the store, on both backends: a draft per plan and period, its words saved
//! only while it is a draft, issuing once (numbered, with its 文号 and frozen figures, a
//! correction naming what it corrects), and many clients issuing at once leaving exactly one
//! issued bulletin.

use crate::fixtures::fill;
use minsheng_domain::*;
use minsheng_store::testing::backends;
use minsheng_store::*;

const PLAN: PlanId = PlanId(1);

async fn draft(store: &Store, period: &str) -> Result<BulletinId, StoreError> {
    let mut tx = store.begin(&Actor::new("office")).await?;
    let id = tx
        .insert_bulletin_draft(PLAN, Period::parse(period).unwrap())
        .await?;
    tx.commit().await?;
    Ok(id)
}

async fn issue(
    store: &Store,
    id: BulletinId,
    doc_no: &str,
    snap: &str,
) -> Result<IssuedAs, StoreError> {
    let mut tx = store.begin(&Actor::new("office")).await?;
    let issued = tx.issue_bulletin(id, doc_no, snap).await?;
    tx.commit().await?;
    Ok(issued)
}

#[tokio::test]
async fn a_bulletin_is_drafted_edited_issued_once_and_then_frozen() {
    for db in backends().await {
        let store = &db.store;
        let l = &db.label;
        fill(store, 1).await;
        let audits = store.audit_count().await.unwrap();

        let id = draft(store, "2023-03").await.unwrap();
        // One draft per plan and period.
        let again = draft(store, "2023-03").await.unwrap_err();
        assert!(
            matches!(again, StoreError::Duplicate { .. }),
            "{l}: {again}"
        );
        let b = store.bulletin(id).await.unwrap();
        assert_eq!(
            (
                b.status,
                b.no,
                b.doc_no.as_deref(),
                b.public,
                b.created_by.as_str()
            ),
            (BulletinStatus::Draft, None, None, false, "office"),
            "{l}"
        );
        assert_eq!(store.bulletin_snapshot(id).await.unwrap(), None, "{l}");

        // The office's words, saved while it is a draft.
        let words = DraftText {
            opening: "现将一季度进展通报如下。".into(),
            closing: "下一步,各地要加快进度。".into(),
            public: true,
            reasons: vec![(TargetId(1), "招聘会场地不足".into())],
        };
        let mut tx = store.begin(&Actor::new("office")).await.unwrap();
        tx.save_bulletin_draft(id, &words).await.unwrap();
        tx.commit().await.unwrap();
        let b = store.bulletin(id).await.unwrap();
        assert_eq!(
            (b.opening.as_str(), b.public),
            ("现将一季度进展通报如下。", true),
            "{l}"
        );
        assert_eq!(
            store.bulletin_reasons(id).await.unwrap(),
            [(TargetId(1), "招聘会场地不足".to_string())],
            "{l}"
        );

        let issued = issue(store, id, "吉民办〔2023〕3号", "{\"v\":1,\"a\":1}")
            .await
            .unwrap();
        assert_eq!(
            issued,
            IssuedAs {
                no: 1,
                corrects: None
            },
            "{l}"
        );
        let b = store.bulletin(id).await.unwrap();
        assert_eq!(
            (b.status, b.no, b.doc_no.as_deref()),
            (BulletinStatus::Issued, Some(1), Some("吉民办〔2023〕3号")),
            "{l}"
        );
        assert_eq!(
            b.issued.as_ref().map(|(by, _)| by.as_str()),
            Some("office"),
            "{l}"
        );

        // Issued: not changed, not issued again; nothing written.
        let mut tx = store.begin(&Actor::new("office")).await.unwrap();
        let e = tx
            .save_bulletin_draft(id, &DraftText::default())
            .await
            .unwrap_err();
        assert!(
            matches!(&e, StoreError::Conflict { entity: "bulletin", found, .. } if found == "issued"),
            "{l}: {e}"
        );
        drop(tx);
        let e = issue(store, id, "吉民办〔2023〕4号", "{}")
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::Conflict { .. }), "{l}: {e}");
        assert_eq!(
            store.bulletin_snapshot(id).await.unwrap().as_deref(),
            Some("{\"v\":1,\"a\":1}"),
            "{l}"
        );
        assert_eq!(
            store.bulletin(id).await.unwrap().opening,
            words.opening,
            "{l}"
        );

        // A second bulletin of the same period corrects the first; another period does not.
        let fix = draft(store, "2023-03").await.unwrap();
        let dup = issue(store, fix, "吉民办〔2023〕3号", "{}")
            .await
            .unwrap_err();
        assert!(
            matches!(dup, StoreError::Duplicate { .. }),
            "{l}: a 文号 used twice: {dup}"
        );
        assert!(store.bulletin(fix).await.unwrap().is_draft(), "{l}");
        let issued = issue(store, fix, "吉民办〔2023〕5号", "{}").await.unwrap();
        assert_eq!(
            issued,
            IssuedAs {
                no: 2,
                corrects: Some(id)
            },
            "{l}"
        );
        let april = draft(store, "2023-04").await.unwrap();
        let issued = issue(store, april, "吉民办〔2023〕6号", "{}")
            .await
            .unwrap();
        assert_eq!(
            issued,
            IssuedAs {
                no: 3,
                corrects: None
            },
            "{l}"
        );
        let list = store.bulletins_of_plan(PLAN).await.unwrap();
        assert_eq!(
            list.iter().map(|b| b.no).collect::<Vec<_>>(),
            [Some(3), Some(2), Some(1)],
            "{l}: newest first"
        );
        assert_eq!(store.bulletin(fix).await.unwrap().corrects, Some(id), "{l}");

        // Every write audited: 3 drafts, 1 save, 3 issues.
        assert_eq!(store.audit_count().await.unwrap(), audits + 7, "{l}");
        let trail = store.audit_events("bulletin", id.0).await.unwrap();
        assert_eq!(
            trail.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
            ["create", "update", "issue"],
            "{l}"
        );

        // The units of the plan see the issued bulletins; a unit outside it sees none.
        let within = store.issued_bulletins_within(UnitId(2)).await.unwrap();
        assert_eq!(within.len(), 3, "{l}");
        db.finish().await;
    }
}

#[tokio::test]
async fn many_clients_issuing_one_draft_at_once_issue_it_exactly_once() {
    for db in backends().await {
        let store = &db.store;
        let l = &db.label;
        fill(store, 1).await;
        let id = draft(store, "2023-03").await.unwrap();
        let other = draft(store, "2023-04").await.unwrap();
        let mut tasks = Vec::new();
        for i in 0..12 {
            let store = store.clone();
            // Half issue the March draft, each with its own 文号; the others the April draft.
            let target = if i % 2 == 0 { id } else { other };
            tasks.push(tokio::spawn(async move {
                issue(
                    &store,
                    target,
                    &format!("吉民办〔2023〕{i}号"),
                    &format!("{{\"by\":{i}}}"),
                )
                .await
            }));
        }
        let mut won = Vec::new();
        for t in tasks {
            match t.await.unwrap() {
                Ok(i) => won.push(i),
                Err(StoreError::Conflict { .. }) => {}
                Err(e) => panic!("{l}: {e}"),
            }
        }
        assert_eq!(won.len(), 2, "{l}: one issue per draft, {won:?}");
        let mut nos: Vec<i64> = won.iter().map(|w| w.no).collect();
        nos.sort();
        assert_eq!(nos, [1, 2], "{l}: numbered one after the other");
        let list = store.bulletins_of_plan(PLAN).await.unwrap();
        assert_eq!(list.len(), 2, "{l}");
        for b in &list {
            assert_eq!(b.status, BulletinStatus::Issued, "{l}");
            // The stored snapshot is the winner's, whose 文号 it carries.
            let n: String = b.doc_no.clone().unwrap();
            let i = n
                .trim_start_matches("吉民办〔2023〕")
                .trim_end_matches('号');
            assert_eq!(
                store.bulletin_snapshot(b.id).await.unwrap(),
                Some(format!("{{\"by\":{i}}}")),
                "{l}"
            );
            let issues = store
                .audit_events("bulletin", b.id.0)
                .await
                .unwrap()
                .into_iter()
                .filter(|e| e.action == "issue")
                .count();
            assert_eq!(issues, 1, "{l}: one issue audited");
        }
        db.finish().await;
    }
}
