//! The month-end rule: many units filing and several office sessions accepting at once, on
//! both backends. Every acknowledged write is stored once, no report is accepted twice, nothing
//! fails for want of a connection, and the materialized roll-up equals a recompute.

use minsheng_app::AppError;
use minsheng_app::reporting::{Decision, FileAs, ReportInput, file_report, review_report};
use minsheng_app::rollup;
use minsheng_domain::*;
use minsheng_store::{RegionMonth, Store, TargetMonth};
use rust_decimal::Decimal;
use std::collections::HashMap;

/// Asserts the kept roll-up equals the rebuilt one, naming the first rows that differ.
fn same_rollup(
    kept: &(Vec<TargetMonth>, Vec<RegionMonth>),
    rebuilt: &(Vec<TargetMonth>, Vec<RegionMonth>),
    label: &str,
) {
    assert_eq!(kept.0.len(), rebuilt.0.len(), "{label}: target rows");
    assert_eq!(kept.1.len(), rebuilt.1.len(), "{label}: region rows");
    let t = kept.0.iter().zip(&rebuilt.0).filter(|(a, b)| a != b);
    let r = kept.1.iter().zip(&rebuilt.1).filter(|(a, b)| a != b);
    let (t, r): (Vec<_>, Vec<_>) = (t.collect(), r.collect());
    assert!(
        t.is_empty() && r.is_empty(),
        "{label}: {} target rows and {} region rows differ from a recompute; first: {:?} {:?}",
        t.len(),
        r.len(),
        t.first(),
        r.first()
    );
}

/// Every roll-up row of the plan year, target rows then region rows.
async fn rollup_rows(store: &Store) -> (Vec<TargetMonth>, Vec<RegionMonth>) {
    let mut targets = Vec::new();
    let mut regions = Vec::new();
    for m in 1..=12 {
        let p = Period::Month {
            year: 2023,
            month: m,
        };
        targets.extend(store.rollup_targets(p).await.unwrap());
        regions.extend(store.rollup_regions(p).await.unwrap());
    }
    (targets, regions)
}

/// The shares (assignments with a quota) of the demo plan's quantity targets, one per
/// target, each held by a city: (assignment, its unit).
async fn shares(store: &Store, n: usize) -> Vec<(Assignment, Target)> {
    let plan = store.plans().await.unwrap()[0].id;
    let targets = store.targets(plan).await.unwrap();
    let mut out = Vec::new();
    for t in targets
        .into_iter()
        .filter(|t| t.kind == TargetKind::Quantity && t.accrual() == Accrual::Cumulative)
    {
        let assignments = store.assignments_of_target(t.id).await.unwrap();
        for a in assignments
            .into_iter()
            .filter(|a| a.quota.is_some())
            .take(3)
        {
            out.push((a, t.clone()));
            if out.len() == n {
                return out;
            }
        }
    }
    out
}

fn june_input(a: &Assignment, value: Decimal) -> ReportInput {
    ReportInput {
        assignment: a.id,
        period: Period::parse("2023-06").unwrap(),
        value: Some(value),
        value_unit: None,
        stage: None,
        funds_spent: None,
        narrative: "六月进展".into(),
        correction: None,
    }
}

/// 48 filings at once, each share filed by four clients racing each other: exactly one of
/// each four is acknowledged, the others are told the report awaits review; then eight office
/// sessions accept every report at once, each report accepted exactly once (the others are
/// told it was reviewed already), while readers load the dashboard; the roll-up then equals a
/// recompute, on both backends.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn month_end_filing_and_accepting_at_once() {
    for db in minsheng_store::testing::backends().await {
        let store = db.store.clone();
        crate::support::demo_share(&store).await;
        let shares = shares(&store, 12).await;
        assert_eq!(shares.len(), 12, "{}", db.label);

        // Filing: four racing clients per share.
        let mut filers = tokio::task::JoinSet::new();
        for (i, (a, t)) in shares.iter().enumerate() {
            for client in 0..4 {
                let store = store.clone();
                let a = a.clone();
                // A value inside the share, different per share.
                let value = (a.quota.unwrap_or(t.quantity.value) / Decimal::from(2)).round_dp(0)
                    + Decimal::from(i);
                filers.spawn(async move {
                    let r = file_report(
                        &store,
                        &Actor::new(format!("clerk{client}")),
                        a.unit,
                        &june_input(&a, value),
                        FileAs::Submitted,
                    )
                    .await;
                    (a.id, r)
                });
            }
        }
        let mut filed: HashMap<AssignmentId, Vec<ReportId>> = HashMap::new();
        while let Some(done) = filers.join_next().await {
            let (a, r) = done.unwrap();
            match r {
                Ok(id) => filed.entry(a).or_default().push(id),
                Err(AppError::Invalid { field, .. }) => {
                    assert_eq!(field, "period", "{}: the loser is told why", db.label)
                }
                Err(e) => panic!("{}: a filing failed: {e:?}", db.label),
            }
        }
        assert_eq!(filed.len(), shares.len(), "{}", db.label);
        for (a, ids) in &filed {
            assert_eq!(ids.len(), 1, "{}: {a} acknowledged once", db.label);
        }
        for (a, _) in &shares {
            let stored = store.reports_of_assignment(a.id).await.unwrap();
            assert_eq!(stored.len(), 1, "{}: {} stored once", db.label, a.id);
            assert_eq!(stored[0].status, ReportStatus::Submitted);
        }

        // Accepting: eight office sessions over every report, in different orders, with
        // dashboard readers beside them.
        let reports: Vec<ReportId> = filed.values().map(|ids| ids[0]).collect();
        let mut acceptors = tokio::task::JoinSet::new();
        for session in 0..8usize {
            let store = store.clone();
            let mut order = reports.clone();
            let n = order.len();
            order.rotate_left(session % n);
            if session % 2 == 1 {
                order.reverse();
            }
            acceptors.spawn(async move {
                let mut outcomes = Vec::new();
                for id in order {
                    let r = review_report(
                        &store,
                        &Actor::new(format!("office{session}")),
                        id,
                        &Decision::Accept,
                    )
                    .await;
                    outcomes.push((id, r));
                }
                outcomes
            });
        }
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let mut readers = tokio::task::JoinSet::new();
        for _ in 0..3 {
            let (store, stop) = (store.clone(), stop.clone());
            readers.spawn(async move {
                let mut reads = 0u32;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) || reads == 0 {
                    rollup::dashboard(&store, Period::parse("2023-06").unwrap())
                        .await
                        .expect("a dashboard read beside the writers");
                    reads += 1;
                }
                reads
            });
        }
        let mut accepted: HashMap<ReportId, u32> = HashMap::new();
        while let Some(done) = acceptors.join_next().await {
            for (id, r) in done.unwrap() {
                match r {
                    Ok(()) => *accepted.entry(id).or_default() += 1,
                    Err(AppError::Conflict { reason }) => {
                        assert!(reason.contains("已审核"), "{}: {reason}", db.label)
                    }
                    Err(e) => panic!("{}: an accept failed: {e:?}", db.label),
                }
            }
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        while let Some(r) = readers.join_next().await {
            assert!(r.unwrap() > 0);
        }
        assert_eq!(accepted.len(), reports.len(), "{}", db.label);
        for (id, n) in &accepted {
            assert_eq!(*n, 1, "{}: report {id} accepted once", db.label);
        }
        // One accept event per report in the audit log.
        for id in &reports {
            let accepts = store
                .audit_events("report", id.0)
                .await
                .unwrap()
                .into_iter()
                .filter(|e| e.action == "accept")
                .count();
            assert_eq!(accepts, 1, "{}: report {id} has one accept event", db.label);
            assert_eq!(
                store.report(*id).await.unwrap().status,
                ReportStatus::Accepted
            );
        }

        let kept = rollup_rows(&store).await;
        rollup::recompute(&store, &Actor::new("office"))
            .await
            .unwrap();
        same_rollup(&kept, &rollup_rows(&store).await, db.label);
        db.finish().await;
    }
}

/// Accepting reports of one assignment for two months at once (June and July filed, then
/// both accepted by racing sessions) keeps the months' carried-forward values right.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_months_of_one_share_accepted_at_once() {
    for db in minsheng_store::testing::backends().await {
        let store = db.store.clone();
        crate::support::demo_share(&store).await;
        let shares = shares(&store, 6).await;
        let mut ids = Vec::new();
        for (a, _) in &shares {
            for (month, value) in [("2023-06", 10), ("2023-07", 25)] {
                let mut input = june_input(a, Decimal::from(value));
                input.period = Period::parse(month).unwrap();
                ids.push(
                    file_report(
                        &store,
                        &Actor::new("clerk"),
                        a.unit,
                        &input,
                        FileAs::Submitted,
                    )
                    .await
                    .unwrap(),
                );
            }
        }
        let mut set = tokio::task::JoinSet::new();
        for id in ids {
            let store = store.clone();
            set.spawn(async move {
                review_report(&store, &Actor::new("office"), id, &Decision::Accept).await
            });
        }
        while let Some(r) = set.join_next().await {
            r.unwrap().unwrap();
        }
        let kept = rollup_rows(&store).await;
        rollup::recompute(&store, &Actor::new("office"))
            .await
            .unwrap();
        same_rollup(&kept, &rollup_rows(&store).await, db.label);
        db.finish().await;
    }
}

/// A full disk pauses writes with a clear refusal and no half-written report; once space is
/// freed, every write succeeds again without a restart (a connection whose transaction failed
/// is not handed out again), and the file is intact. SQLite only: its page limit
/// (`max_page_count`) stands in for the disk; PostgreSQL's disk-full state (SQLSTATE 53100)
/// is classified by the same code path, tested in the store's unit tests.
#[tokio::test]
async fn a_full_disk_pauses_writes_and_they_resume_when_space_is_freed() {
    let db = minsheng_store::testing::sqlite().await;
    let store = db.store.clone();
    crate::support::demo_share(&store).await;
    let shares = shares(&store, 16).await;
    let pages = store.scalar_i64("PRAGMA page_count").await.unwrap();
    store
        .exec(&format!("PRAGMA max_page_count = {pages}"))
        .await
        .unwrap();
    let big = "满".repeat(9_000);
    let mut refused = 0;
    for (a, _) in &shares[..8] {
        let mut input = june_input(a, Decimal::from(5));
        input.narrative = big.clone();
        match file_report(
            &store,
            &Actor::new("clerk"),
            a.unit,
            &input,
            FileAs::Submitted,
        )
        .await
        {
            Err(AppError::Unavailable(e)) => {
                refused += 1;
                assert!(e.to_string().contains("磁盘已满"), "{e}");
            }
            other => panic!("a write to a full database: {other:?}"),
        }
        assert!(store.reports_of_assignment(a.id).await.unwrap().is_empty());
    }
    assert_eq!(refused, 8);
    // Reads go on.
    rollup::dashboard(&store, Period::parse("2023-06").unwrap())
        .await
        .unwrap();
    // Space is freed: every write goes through again, on the same pool.
    store
        .exec("PRAGMA max_page_count = 1073741823")
        .await
        .unwrap();
    for (a, _) in &shares[8..16] {
        let mut input = june_input(a, Decimal::from(5));
        input.narrative = big.clone();
        file_report(
            &store,
            &Actor::new("clerk"),
            a.unit,
            &input,
            FileAs::Submitted,
        )
        .await
        .expect("a write after space was freed");
    }
    assert_eq!(
        store.scalar_text("PRAGMA integrity_check").await.unwrap(),
        "ok"
    );
    db.finish().await;
}

/// 催报 from several office sessions at once — the whole list and single units overlapping —
/// records each outstanding share once for the day, each with one audit event, and the
/// reminders the sessions say they recorded add up to what is stored.
#[tokio::test]
async fn concurrent_chases_record_each_share_once() {
    use minsheng_app::chase::{Scope, chase, chase_list};
    for db in minsheng_store::testing::backends().await {
        let store = db.store.clone();
        minsheng_app::demo::build(&store).await.unwrap();
        let plan = store.plans().await.unwrap()[0].id;
        let (period, today) = (
            Period::parse("2023-09").unwrap(),
            minsheng_app::demo::DEMO_AS_OF,
        );
        let office = Account {
            id: UserId(1),
            name: "office".into(),
            role: Role::Office,
            unit: None,
        };
        let list = chase_list(&store, &office, Some(plan), period, today)
            .await
            .unwrap();
        let outstanding: Vec<AssignmentId> = list
            .units
            .iter()
            .flat_map(|u| u.shares.iter().map(|s| s.placed.assignment.id))
            .collect();
        assert!(
            !outstanding.is_empty(),
            "{}: the demo has lagging shares",
            db.label
        );
        let mut set = tokio::task::JoinSet::new();
        for k in 0..12 {
            let (store, office) = (store.clone(), office.clone());
            let scope = match k % 3 {
                0 => Scope::All,
                _ => Scope::Unit(list.units[k % list.units.len()].unit.id),
            };
            set.spawn(async move { chase(&store, &office, plan, period, scope, today).await });
        }
        let mut recorded = 0;
        while let Some(r) = set.join_next().await {
            recorded += r.unwrap().unwrap().recorded;
        }
        let stored = store.report_reminders_of_plan(plan, period).await.unwrap();
        let mut ids: Vec<AssignmentId> = stored.iter().map(|m| m.assignment).collect();
        ids.sort();
        let mut want = outstanding.clone();
        want.sort();
        assert_eq!(ids, want, "{}: every outstanding share once", db.label);
        assert_eq!(
            recorded,
            stored.len(),
            "{}: what was said is what is stored",
            db.label
        );
        let mut audited = 0;
        for a in &outstanding {
            audited += store
                .audit_events("assignment", a.0)
                .await
                .unwrap()
                .iter()
                .filter(|e| e.action == "remind")
                .count();
        }
        assert_eq!(
            audited,
            stored.len(),
            "{}: one audit event a reminder",
            db.label
        );
        db.finish().await;
    }
}

/// Several office sessions saving different splits of one target at once (with reports
/// already filed against it): the target ends with exactly one of the splits asked for, each
/// unit once, and the roll-up the saves rebuilt equals a recompute.
#[tokio::test]
async fn concurrent_splits_of_one_target_leave_one_of_them() {
    use minsheng_app::decomposition::{Decomposition, Share, assign};
    for db in minsheng_store::testing::backends().await {
        let store = db.store.clone();
        minsheng_app::demo::build(&store).await.unwrap();
        let plan = store.plans().await.unwrap()[0].id;
        let target = store.targets(plan).await.unwrap()[0].clone();
        let now = store.assignments_of_target(target.id).await.unwrap();
        let lead = now
            .iter()
            .find(|a| a.role == AssignmentRole::Lead)
            .unwrap()
            .unit;
        let regions: Vec<(UnitId, Decimal)> = now
            .iter()
            .filter_map(|a| a.quota.map(|q| (a.unit, q)))
            .collect();
        assert!(regions.len() >= 2, "{}: the target is split", db.label);
        // Split k moves k×100 from the first region to the second: every sum is the target's.
        let split = |k: i64| Decomposition {
            target: target.id,
            lead,
            partners: Vec::new(),
            shares: regions
                .iter()
                .enumerate()
                .map(|(i, &(unit, q))| Share {
                    unit,
                    quota: match i {
                        0 => q - Decimal::from(100 * k),
                        1 => q + Decimal::from(100 * k),
                        _ => q,
                    },
                    budget: None,
                })
                .collect(),
            lead_budget: None,
            accrual: None,
        };
        let mut set = tokio::task::JoinSet::new();
        for k in 1..=8 {
            let (store, d) = (store.clone(), split(k));
            set.spawn(async move { assign(&store, &Actor::new("office"), &d).await });
        }
        while let Some(r) = set.join_next().await {
            r.unwrap().unwrap();
        }
        let after = store.assignments_of_target(target.id).await.unwrap();
        let mut units: Vec<UnitId> = after.iter().map(|a| a.unit).collect();
        units.sort();
        units.dedup();
        assert_eq!(units.len(), after.len(), "{}: each unit once", db.label);
        let quotas: Vec<(UnitId, Decimal)> = after
            .iter()
            .filter_map(|a| a.quota.map(|q| (a.unit, q)))
            .collect();
        let wanted: Vec<Vec<(UnitId, Decimal)>> = (1..=8)
            .map(|k| split(k).shares.iter().map(|s| (s.unit, s.quota)).collect())
            .collect();
        let mut got = quotas.clone();
        got.sort();
        assert!(
            wanted.iter().any(|w| {
                let mut w = w.clone();
                w.sort();
                w == got
            }),
            "{}: the split is one of those asked for: {got:?}",
            db.label
        );
        let kept = rollup_rows(&store).await;
        rollup::recompute(&store, &Actor::new("office"))
            .await
            .unwrap();
        same_rollup(&kept, &rollup_rows(&store).await, db.label);
        db.finish().await;
    }
}

/// The split `target`'s quota shares moved by `k` from the first region to the second.
fn moved_split(
    target: TargetId,
    lead: UnitId,
    regions: &[(UnitId, Decimal)],
    k: i64,
) -> minsheng_app::decomposition::Decomposition {
    use minsheng_app::decomposition::{Decomposition, Share};
    Decomposition {
        target,
        lead,
        partners: Vec::new(),
        shares: regions
            .iter()
            .enumerate()
            .map(|(i, &(unit, q))| Share {
                unit,
                quota: match i {
                    0 => q - Decimal::from(k),
                    1 => q + Decimal::from(k),
                    _ => q,
                },
                budget: None,
            })
            .collect(),
        lead_budget: None,
        accrual: None,
    }
}

/// Local rebuilds (issue #16 item 4) beside accepts: the splits of four targets are saved
/// again and again while office sessions accept the June reports of their shares; each save
/// rebuilds only its own target's part of the roll-up, and the roll-up then equals a
/// recompute, on both backends.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn local_rebuilds_beside_accepts_equal_a_recompute() {
    use minsheng_app::decomposition::assign;
    for db in minsheng_store::testing::backends().await {
        let store = db.store.clone();
        crate::support::demo_share(&store).await;
        let shares = shares(&store, 12).await;
        let mut reports = Vec::new();
        for (i, (a, t)) in shares.iter().enumerate() {
            let value = (a.quota.unwrap_or(t.quantity.value) / Decimal::from(3)).round_dp(0)
                + Decimal::from(i);
            let id = file_report(
                &store,
                &Actor::new("clerk"),
                a.unit,
                &june_input(a, value),
                FileAs::Submitted,
            )
            .await
            .unwrap();
            reports.push(id);
        }
        let mut targets: Vec<TargetId> = shares.iter().map(|(_, t)| t.id).collect();
        targets.dedup();
        let mut work = tokio::task::JoinSet::new();
        for &target in &targets {
            let now = store.assignments_of_target(target).await.unwrap();
            let lead = now
                .iter()
                .find(|a| a.role == AssignmentRole::Lead)
                .unwrap()
                .unit;
            let regions: Vec<(UnitId, Decimal)> = now
                .iter()
                .filter_map(|a| a.quota.map(|q| (a.unit, q)))
                .collect();
            for k in 1..=4 {
                let (store, d) = (store.clone(), moved_split(target, lead, &regions, k));
                work.spawn(
                    async move { assign(&store, &Actor::new("office"), &d).await.map(|_| ()) },
                );
            }
        }
        for session in 0..4usize {
            let store = store.clone();
            let mut order = reports.clone();
            order.rotate_left(session * 3);
            work.spawn(async move {
                for id in order {
                    match review_report(&store, &Actor::new("office"), id, &Decision::Accept).await
                    {
                        Ok(()) | Err(AppError::Conflict { .. }) => {}
                        Err(e) => return Err(e),
                    }
                }
                Ok(())
            });
        }
        while let Some(r) = work.join_next().await {
            r.unwrap()
                .unwrap_or_else(|e| panic!("{}: a save or accept failed: {e:?}", db.label));
        }
        for id in &reports {
            assert_eq!(
                store.report(*id).await.unwrap().status,
                ReportStatus::Accepted
            );
        }
        let kept = rollup_rows(&store).await;
        rollup::recompute(&store, &Actor::new("office"))
            .await
            .unwrap();
        same_rollup(&kept, &rollup_rows(&store).await, db.label);
        db.finish().await;
    }
}

/// A local rebuild when a split moves to other regions: a region without reports dropped, a
/// county never assigned before taking its quota, a level target's split, then back again —
/// after each save the roll-up equals a recompute, on both backends.
#[tokio::test]
async fn a_split_onto_other_regions_rebuilds_its_target_only() {
    use minsheng_app::decomposition::{Share, assign};
    for db in minsheng_store::testing::backends().await {
        let store = db.store.clone();
        let demo = crate::support::demo_share(&store).await;
        let target = demo.target.id;
        let now = store.assignments_of_target(target).await.unwrap();
        let lead = now
            .iter()
            .find(|a| a.role == AssignmentRole::Lead)
            .unwrap()
            .unit;
        let regions: Vec<(UnitId, Decimal)> = now
            .iter()
            .filter_map(|a| a.quota.map(|q| (a.unit, q)))
            .collect();
        // A county never assigned before, under the first region.
        let mut tx = store.begin(&Actor::new("office")).await.unwrap();
        let county =
            crate::support::unit(&mut tx, Some(regions[0].0), UnitKind::County, "新设县").await;
        tx.commit().await.unwrap();
        // Accepted figures for the first region, so the rebuild moves scores too.
        let first = now.iter().find(|a| a.unit == regions[0].0).unwrap().clone();
        let id = file_report(
            &store,
            &Actor::new("clerk"),
            first.unit,
            &june_input(&first, Decimal::from(5)),
            FileAs::Submitted,
        )
        .await
        .unwrap();
        review_report(&store, &Actor::new("office"), id, &Decision::Accept)
            .await
            .unwrap();
        let mut other = moved_split(target, lead, &regions, 1);
        let last = other.shares.pop().unwrap();
        other.shares.push(Share {
            unit: county,
            ..last
        });
        for (step, d) in [other, moved_split(target, lead, &regions, 0)]
            .into_iter()
            .enumerate()
        {
            assign(&store, &Actor::new("office"), &d).await.unwrap();
            let kept = rollup_rows(&store).await;
            rollup::recompute(&store, &Actor::new("office"))
                .await
                .unwrap();
            same_rollup(
                &kept,
                &rollup_rows(&store).await,
                &format!("{} step {step}", db.label),
            );
        }
        db.finish().await;
    }
}

/// The office dashboard kept current (issue #16 item 1): while eight office sessions accept
/// (and return some of) the June reports of twelve shares, a split is saved again and readers
/// load the dashboard through one [`OverviewCache`] — each load computing again only the
/// targets whose change count moved — the dashboard it finally serves equals one computed
/// whole from the records, and so does each one served after a single further write, on
/// both backends.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_dashboard_kept_current_equals_a_recompute() {
    use minsheng_app::decomposition::assign;
    use minsheng_app::overview::{OverviewCache, recompute};
    for db in minsheng_store::testing::backends().await {
        let store = db.store.clone();
        let demo = crate::support::demo_share(&store).await;
        let shares = shares(&store, 12).await;
        let mut reports = Vec::new();
        for (i, (a, t)) in shares.iter().enumerate() {
            let value = (a.quota.unwrap_or(t.quantity.value) / Decimal::from(4)).round_dp(0)
                + Decimal::from(i);
            let id = file_report(
                &store,
                &Actor::new("clerk"),
                a.unit,
                &june_input(a, value),
                FileAs::Submitted,
            )
            .await
            .unwrap();
            reports.push(id);
        }
        let key = (
            demo.plan,
            Period::parse("2023-06").unwrap(),
            jiff::civil::date(2023, 7, 20),
        );
        let thresholds = Thresholds::default();
        let cache = OverviewCache::default();
        let dashboard = move |cache: OverviewCache, store: Store| async move {
            let version = store.data_version().await.unwrap();
            cache
                .overview(&store, version, key, &Thresholds::default())
                .await
                .unwrap()
        };
        let before = dashboard(cache.clone(), store.clone()).await;
        assert_eq!(
            format!("{before:?}"),
            format!("{:?}", recompute(&store, key, &thresholds).await.unwrap()),
            "{}: the first dashboard",
            db.label
        );
        // The dashboard kept current counts the reports awaiting review from its targets'
        // parts, the recompute by a query of its own: the twelve just filed are among them.
        assert!(
            before.awaiting_review >= 12,
            "{}: {} awaiting review",
            db.label,
            before.awaiting_review
        );

        let mut work = tokio::task::JoinSet::new();
        for session in 0..8usize {
            let store = store.clone();
            let mut order = reports.clone();
            order.rotate_left(session);
            work.spawn(async move {
                for (n, id) in order.into_iter().enumerate() {
                    // Every fifth report of the list is returned instead, by whoever is first.
                    let decision = if reports_returned(n, session) {
                        Decision::Return("请核实".into())
                    } else {
                        Decision::Accept
                    };
                    match review_report(&store, &Actor::new("office"), id, &decision).await {
                        Ok(()) | Err(AppError::Conflict { .. }) => {}
                        Err(e) => return Err(e),
                    }
                }
                Ok(())
            });
        }
        {
            let store = store.clone();
            let target = shares[0].1.id;
            work.spawn(async move {
                let now = store.assignments_of_target(target).await.unwrap();
                let lead = now
                    .iter()
                    .find(|a| a.role == AssignmentRole::Lead)
                    .unwrap()
                    .unit;
                let regions: Vec<(UnitId, Decimal)> = now
                    .iter()
                    .filter_map(|a| a.quota.map(|q| (a.unit, q)))
                    .collect();
                let d = moved_split(target, lead, &regions, 2);
                assign(&store, &Actor::new("office"), &d).await.map(|_| ())
            });
        }
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let mut readers = tokio::task::JoinSet::new();
        for _ in 0..3 {
            let (cache, store, stop) = (cache.clone(), store.clone(), stop.clone());
            readers.spawn(async move {
                let mut reads = 0u32;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) || reads == 0 {
                    dashboard(cache.clone(), store.clone()).await;
                    reads += 1;
                }
                reads
            });
        }
        while let Some(r) = work.join_next().await {
            r.unwrap()
                .unwrap_or_else(|e| panic!("{}: a review or save failed: {e:?}", db.label));
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        while let Some(r) = readers.join_next().await {
            assert!(r.unwrap() > 0);
        }
        let kept = dashboard(cache.clone(), store.clone()).await;
        let whole = recompute(&store, key, &thresholds).await.unwrap();
        assert_eq!(
            format!("{kept:?}"),
            format!("{whole:?}"),
            "{}: kept current after the month-end",
            db.label
        );
        assert_ne!(
            format!("{kept:?}"),
            format!("{before:?}"),
            "{}: the accepts moved the dashboard",
            db.label
        );

        // One write at a time: a report refiled and accepted, each seen on the next load.
        let returned: Vec<ReportId> = {
            let mut out = Vec::new();
            for id in &reports {
                if store.report(*id).await.unwrap().status == ReportStatus::Returned {
                    out.push(*id);
                }
            }
            out
        };
        assert!(!returned.is_empty(), "{}: some were returned", db.label);
        // The share of a returned report files June again.
        let first = store.report(returned[0]).await.unwrap().assignment;
        let (a, t) = shares.iter().find(|(a, _)| a.id == first).unwrap();
        let input = june_input(
            a,
            (a.quota.unwrap_or(t.quantity.value) / Decimal::from(2)).round_dp(0),
        );
        let may = file_report(
            &store,
            &Actor::new("clerk"),
            a.unit,
            &input,
            FileAs::Submitted,
        )
        .await
        .unwrap();
        for step in 0..2 {
            if step == 1 {
                review_report(&store, &Actor::new("office"), may, &Decision::Accept)
                    .await
                    .unwrap();
            }
            let kept = dashboard(cache.clone(), store.clone()).await;
            let whole = recompute(&store, key, &thresholds).await.unwrap();
            assert_eq!(
                format!("{kept:?}"),
                format!("{whole:?}"),
                "{}: step {step}",
                db.label
            );
        }
        db.finish().await;
    }
}

/// Whether session `session` returns the `n`th report of its list.
fn reports_returned(n: usize, session: usize) -> bool {
    (n + session).is_multiple_of(5)
}
