//! Multi-year goals through the store, on both backends: a goal with its path and points is
//! written and read back, its path changed by one conditional update that refuses a stale
//! revision (nothing written), every write audited, and many clients changing one path at the
//! same revision leaving exactly one change.

use crate::fixtures::fill;
use minsheng_domain::path::{Base, Frequency, PathKind, PathPoint};
use minsheng_domain::*;
use minsheng_store::testing::backends;
use minsheng_store::*;

fn path(points: &[(&str, &str)]) -> GoalPath {
    GoalPath {
        base: Some(Base {
            year: 2022,
            value: "7000".parse().unwrap(),
        }),
        kind: if points.is_empty() {
            PathKind::Linear
        } else {
            PathKind::Points
        },
        frequency: Frequency::Quarterly,
        points: points
            .iter()
            .map(|(p, v)| PathPoint {
                period: Period::parse(p).unwrap(),
                value: v.parse().unwrap(),
            })
            .collect(),
    }
}

async fn set(
    store: &Store,
    target: TargetId,
    revision: i64,
    p: &GoalPath,
) -> Result<i64, StoreError> {
    let mut tx = store.begin(&Actor::new("office")).await?;
    let r = tx.set_goal_path(target, revision, p).await?;
    tx.commit().await?;
    Ok(r)
}

#[tokio::test]
async fn a_goals_path_is_written_read_and_changed_once_per_revision() {
    for db in backends().await {
        let (store, l) = (&db.store, db.label);
        fill(store, 18).await;
        let goals = store.goals_of_plan(PlanId(2)).await.unwrap();
        assert_eq!(goals.len(), 2, "{l}");
        assert_eq!(goals[1].parent, Some(TargetId(5)), "{l}");

        // Target 3 becomes a goal with points (given out of order), audited.
        let audits = store.audit_count().await.unwrap();
        let mut tx = store.begin(&Actor::new("office")).await.unwrap();
        tx.insert_goal(
            TargetId(3),
            None,
            &path(&[("2024", "9000"), ("2023-Q2", "8000")]),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(store.audit_count().await.unwrap(), audits + 1, "{l}");
        let g = store.goal(TargetId(3)).await.unwrap().unwrap();
        let periods: Vec<String> = g.points.iter().map(|p| p.period.to_string()).collect();
        assert_eq!(periods, ["2023-Q2", "2024"], "{l}: by period");
        assert_eq!((g.revision, g.frequency), (1, Frequency::Quarterly), "{l}");

        // Changed at revision 1 → 2; a second change from revision 1 is a conflict.
        assert_eq!(
            set(store, TargetId(3), 1, &path(&[])).await.unwrap(),
            2,
            "{l}"
        );
        let e = set(store, TargetId(3), 1, &path(&[("2025", "1")]))
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::Conflict { .. }), "{l}: {e}");
        let g = store.goal(TargetId(3)).await.unwrap().unwrap();
        assert_eq!(
            (g.kind, g.points.len(), g.revision),
            (PathKind::Linear, 0, 2),
            "{l}"
        );
        let events = store.audit_events("goal", 3).await.unwrap();
        assert_eq!(events.len(), 2, "{l}: created and changed once");
        let e = set(store, TargetId(1), 1, &path(&[])).await.unwrap_err();
        assert!(matches!(e, StoreError::NotFound { .. }), "{l}: {e}");
        db.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_clients_changing_one_path_at_once_leave_one_change() {
    for db in backends().await {
        let (store, l) = (db.store.clone(), db.label);
        fill(&store, 18).await;
        let mut clients = tokio::task::JoinSet::new();
        for i in 0..8 {
            let store = store.clone();
            clients.spawn(async move {
                let p = path(&[("2024", &format!("{}", 9000 + i))]);
                set(&store, TargetId(5), 2, &p).await
            });
        }
        let (mut won, mut lost) = (0, 0);
        while let Some(r) = clients.join_next().await {
            match r.unwrap() {
                Ok(3) => won += 1,
                Err(StoreError::Conflict { .. }) => lost += 1,
                other => panic!("{l}: {other:?}"),
            }
        }
        assert_eq!((won, lost), (1, 7), "{l}");
        let g = store.goal(TargetId(5)).await.unwrap().unwrap();
        assert_eq!((g.revision, g.points.len()), (3, 1), "{l}");
        let updates = store
            .audit_events("goal", 5)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.action == "update")
            .count();
        assert_eq!(updates, 1, "{l}");
        db.finish().await;
    }
}
