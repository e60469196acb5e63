//! Year end on the demo, on both backends: the closing page's figures are tracking's; carrying
//! over creates a target for what remains in the next plan, linked both ways; closing needs a
//! reason; a closed plan refuses reports, reviews and splits; bad closings change nothing;
//! many closings and reports racing end in one closing, no report after it, and carried
//! figures equal to a recompute. The plan diff on the corpus, on renumbered and reworded
//! variants, and on the demo's 2024 plan against 2023.

use jiff::civil::date;
use minsheng_app::import::PlanDraft;
use minsheng_app::reporting::{
    Decision as Review, FileAs, ReportInput, file_report, review_report,
};
use minsheng_app::year_end::{self, CloseForm};
use minsheng_app::{AppError, demo, plan_diff, tracking};
use minsheng_domain::plan_diff::{Change, diff};
use minsheng_domain::year_end::{Decision, Disposition, Unfinished, remainder};
use minsheng_domain::*;
use minsheng_store::Store;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

const TODAY: jiff::civil::Date = date(2023, 10, 15);

fn office() -> Account {
    Account {
        id: UserId(1),
        name: "office".into(),
        role: Role::Office,
        unit: None,
    }
}

/// The demo with its reports, and its invented 2024 plan: (2023, 2024).
async fn two_years(store: &Store) -> (Plan, Plan) {
    demo::build(store).await.unwrap();
    demo::import_next_year(store).await.unwrap();
    let plans = store.plans().await.unwrap();
    let y2024 = plans.iter().find(|p| p.year == 2024).unwrap().clone();
    let y2023 = plans.iter().find(|p| p.year == 2023).unwrap().clone();
    (y2023, y2024)
}

/// As the page proposes: carry over every unfinished count with something left that 2024
/// does not list again, close the rest with a reason (the one proposed, or one of ours).
fn decide(v: &year_end::CloseView) -> BTreeMap<TargetId, Decision> {
    v.lines
        .iter()
        .map(|l| {
            let d = if l.propose_carry {
                Decision::CarryOver
            } else if !l.proposed_reason.is_empty() {
                Decision::Close {
                    reason: l.proposed_reason.clone(),
                }
            } else {
                Decision::Close {
                    reason: format!("{}:标准已调整,不再单列", l.line.target.phrase),
                }
            };
            (l.line.target.id, d)
        })
        .collect()
}

fn unfinished_of(l: &tracking::TargetTracking) -> Unfinished {
    Unfinished {
        target: l.target.id,
        name: l.target.phrase.clone(),
        quantity: l.target.quantity.clone(),
        cmp: l.target.cmp,
        accrual: l.target.accrual(),
        kind: l.target.kind,
        achieved: l.rollup.value,
    }
}

/// Every carried target holds what a recompute of the closed plan's final figures says.
async fn carried_equal_a_recompute(store: &Store, plan: &Plan, label: &str) -> usize {
    let period = year_end::closing_period(store, plan, TODAY).await.unwrap();
    let t = tracking::tracking(store, plan.id, period, TODAY, &Thresholds::default())
        .await
        .unwrap();
    let mut carried = 0;
    for c in store.closures_of_plan(plan.id).await.unwrap() {
        let line = t.targets.iter().find(|l| l.target.id == c.target).unwrap();
        assert_ne!(
            line.status,
            Status::Done,
            "{label}: a done target was closed"
        );
        if c.disposition == Disposition::CarriedOver {
            let new = store.target(c.next_target.unwrap()).await.unwrap();
            assert_eq!(
                Ok(new.quantity.clone()),
                remainder(&unfinished_of(line)),
                "{label}: {}",
                line.target.phrase
            );
            carried += 1;
        }
    }
    carried
}

#[tokio::test]
async fn closing_carries_over_and_closes_with_reasons() {
    for db in minsheng_store::testing::backends().await {
        let store = &db.store;
        let l = &db.label;
        let (y2023, y2024) = two_years(store).await;
        let th = Thresholds::default();
        let v = year_end::view(store, &office(), y2023.id, None, TODAY, &th)
            .await
            .unwrap();
        assert_eq!(v.next.as_ref().map(|p| p.id), Some(y2024.id), "{l}");
        assert!(
            !v.lines.is_empty(),
            "{l}: the demo leaves targets unfinished"
        );
        assert_eq!(v.finished + v.lines.len(), v.total, "{l}");
        // The figures are tracking's, never a second computation.
        let t = tracking::tracking(store, y2023.id, v.period, TODAY, &th)
            .await
            .unwrap();
        for line in &v.lines {
            let same = t
                .targets
                .iter()
                .find(|x| x.target.id == line.line.target.id)
                .unwrap();
            assert_eq!(same.status, line.line.status, "{l}");
            assert_eq!(same.rollup.value, line.line.rollup.value, "{l}");
        }
        // The road target continues in 2024 by the diff's matching (raised to 4000公里).
        let road = v
            .lines
            .iter()
            .find(|x| x.line.target.phrase.contains("农村公路3000公里"));
        if let Some(road) = road {
            let (_, phrase, change) = road.continued.clone().unwrap();
            assert!(phrase.contains("4000公里"), "{l}: {phrase}");
            assert_eq!(change, Change::Raised, "{l}");
            // Taken up by 2024: the page proposes closing it, naming where it went.
            assert!(!road.propose_carry, "{l}");
            assert!(road.proposed_reason.contains("已列入2024年计划"), "{l}");
        }
        // A count 2024 drops (客运班线) is proposed for carrying over.
        let dropped = v
            .lines
            .iter()
            .find(|x| x.line.target.phrase.contains("客运班线"));
        if let Some(d) = dropped {
            assert!(d.continued.is_none() && d.propose_carry, "{l}");
        }

        let decisions = decide(&v);
        let carried_n = decisions
            .values()
            .filter(|d| **d == Decision::CarryOver)
            .count();
        assert!(carried_n > 0, "{l}");
        let form = CloseForm {
            next: Some(y2024.id),
            decisions,
        };
        let targets_2024 = store.targets(y2024.id).await.unwrap().len();
        let closed = year_end::close(store, &office(), y2023.id, &form, TODAY, &th)
            .await
            .unwrap();
        assert_eq!(closed.carried.len(), carried_n, "{l}");
        assert_eq!(closed.carried.len() + closed.closed, v.lines.len(), "{l}");
        assert_eq!(
            store.targets(y2024.id).await.unwrap().len(),
            targets_2024 + carried_n,
            "{l}: one new target per carried one"
        );
        assert_eq!(
            carried_equal_a_recompute(store, &y2023, l).await,
            carried_n,
            "{l}"
        );
        // Linked both ways.
        let (from, to) = closed.carried[0];
        let back = store.target_links(to).await.unwrap();
        assert_eq!(back.carried_from, Some((from, y2023.id, 2023)), "{l}");
        let forth = store.target_links(from).await.unwrap();
        let (c, next) = forth.closure.unwrap();
        assert_eq!(c.next_target, Some(to), "{l}");
        assert_eq!(next, Some((y2024.id, 2024)), "{l}");
        // In the audit log, and the plan's page shows it closed.
        assert!(year_end::is_closed(store, y2023.id).await.unwrap(), "{l}");
        let trail = store.audit_events("plan", y2023.id.0).await.unwrap();
        assert!(
            trail.iter().any(|e| e.action == "close"),
            "{l}: the closing is audited"
        );

        // Closing twice: 409 已关闭, nothing changed.
        let again = year_end::close(store, &office(), y2023.id, &form, TODAY, &th).await;
        match again {
            Err(AppError::Conflict { reason }) => assert!(reason.contains("已关闭"), "{l}"),
            other => panic!("{l}: {other:?}"),
        }
        // A closed plan takes no report, no review, no split.
        let share = store
            .assignments_of_plan(y2023.id)
            .await
            .unwrap()
            .into_iter()
            .find(|a| a.quota.is_some())
            .unwrap();
        let filed = file_report(
            store,
            &Actor::new("city"),
            share.unit,
            &october(&share, Decimal::ONE),
            FileAs::Submitted,
        )
        .await;
        match filed {
            Err(AppError::Conflict { reason }) => {
                assert!(reason.contains("已关闭"), "{l}: {reason}")
            }
            other => panic!("{l}: {other:?}"),
        }
        let split = minsheng_app::decomposition::set_schedule(
            store,
            &Actor::new("office"),
            share.id,
            &minsheng_app::decomposition::ScheduleInput::Linear,
        )
        .await;
        assert!(matches!(split, Err(AppError::Conflict { .. })), "{l}");
        // Nor a year of history imported into it.
        let history = minsheng_app::history::import(
            store,
            &Actor::new("office"),
            &[minsheng_app::history::HistoryRow {
                line: 1,
                assignment: share.id,
                period: Period::parse("2023-11").unwrap(),
                value: share.quota.unwrap(),
                status: ReportStatus::Accepted,
                revision: 1,
            }],
            "test",
            &mut |_| {},
        )
        .await;
        assert!(
            matches!(&history, Err(AppError::Conflict { reason }) if reason.contains("已关闭")),
            "{l}: {history:?}"
        );
        // The view of a closed plan says what became of each target.
        let v = year_end::view(store, &office(), y2023.id, None, TODAY, &th)
            .await
            .unwrap();
        assert!(v.lines.is_empty(), "{l}");
        assert_eq!(
            v.closures.len(),
            closed.carried.len() + closed.closed,
            "{l}"
        );
        db.finish().await;
    }
}

fn october(a: &Assignment, value: Decimal) -> ReportInput {
    ReportInput {
        assignment: a.id,
        period: Period::parse("2023-10").unwrap(),
        value: Some(value),
        value_unit: None,
        stage: None,
        funds_spent: None,
        narrative: "十月进展".into(),
        correction: None,
    }
}

#[tokio::test]
async fn bad_closings_are_refused_naming_the_target_and_change_nothing() {
    for db in minsheng_store::testing::backends().await {
        let store = &db.store;
        let l = &db.label;
        let (y2023, y2024) = two_years(store).await;
        let th = Thresholds::default();
        let v = year_end::view(store, &office(), y2023.id, None, TODAY, &th)
            .await
            .unwrap();
        let first = &v.lines[0];
        let before = (
            store.targets(y2024.id).await.unwrap().len(),
            store.closures_of_plan(y2023.id).await.unwrap().len(),
        );
        let refused = |r: Result<year_end::ClosedPlan, AppError>| match r {
            Err(AppError::Invalid { reason, .. }) => reason,
            other => panic!("{l}: {other:?}"),
        };
        // A missing reason names the target.
        let mut d = decide(&v);
        d.insert(
            first.line.target.id,
            Decision::Close {
                reason: "  ".into(),
            },
        );
        let form = CloseForm {
            next: Some(y2024.id),
            decisions: d.clone(),
        };
        let r = refused(year_end::close(store, &office(), y2023.id, &form, TODAY, &th).await);
        assert!(r.contains("结项须填写原因"), "{l}: {r}");
        assert!(r.contains(&first.line.target.phrase), "{l}: {r}");
        // A target left undecided.
        let mut d2 = decide(&v);
        d2.remove(&first.line.target.id);
        let form2 = CloseForm {
            next: Some(y2024.id),
            decisions: d2,
        };
        let r = refused(year_end::close(store, &office(), y2023.id, &form2, TODAY, &th).await);
        assert!(r.contains("请选择结转下年或结项"), "{l}: {r}");
        // Carrying into the plan itself, or into an earlier year.
        let into_self = CloseForm {
            next: Some(y2023.id),
            decisions: decide(&v),
        };
        let r = refused(year_end::close(store, &office(), y2023.id, &into_self, TODAY, &th).await);
        assert!(r.contains("不能结转到本计划自身"), "{l}: {r}");
        let v24 = year_end::view(store, &office(), y2024.id, None, TODAY, &th)
            .await
            .unwrap();
        if !v24.lines.is_empty() {
            let backwards = CloseForm {
                next: Some(y2023.id),
                decisions: v24
                    .lines
                    .iter()
                    .map(|x| (x.line.target.id, Decision::CarryOver))
                    .collect(),
            };
            let r =
                refused(year_end::close(store, &office(), y2024.id, &backwards, TODAY, &th).await);
            assert!(r.contains("须晚于本计划"), "{l}: {r}");
        }
        // A unit may not close a plan.
        let unit = Account {
            role: Role::Unit,
            unit: Some(UnitId(1)),
            ..office()
        };
        let forbidden = year_end::close(store, &unit, y2023.id, &form, TODAY, &th).await;
        assert!(matches!(forbidden, Err(AppError::Forbidden { .. })), "{l}");
        // Nothing changed.
        assert!(!year_end::is_closed(store, y2023.id).await.unwrap(), "{l}");
        assert!(!year_end::is_closed(store, y2024.id).await.unwrap(), "{l}");
        assert_eq!(
            (
                store.targets(y2024.id).await.unwrap().len(),
                store.closures_of_plan(y2023.id).await.unwrap().len(),
            ),
            before,
            "{l}"
        );
        db.finish().await;
    }
}

/// Eight closings and twelve shares' reports (filed, then accepted) racing: exactly one
/// closing succeeds and the others are told the plan is closed; every report is either
/// acknowledged and stored, or refused with nothing stored; the carried figures equal a
/// recompute from the final records.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn closings_and_reports_racing_close_once() {
    for db in minsheng_store::testing::backends().await {
        let store = db.store.clone();
        let l = db.label.to_string();
        let (y2023, y2024) = two_years(&store).await;
        let th = Thresholds::default();
        let v = year_end::view(&store, &office(), y2023.id, None, TODAY, &th)
            .await
            .unwrap();
        let form = CloseForm {
            next: Some(y2024.id),
            decisions: decide(&v),
        };
        let shares: Vec<Assignment> = store
            .assignments_of_plan(y2023.id)
            .await
            .unwrap()
            .into_iter()
            .filter(|a| a.quota.is_some())
            .take(12)
            .collect();
        let reports_before = store.reports_of_plan(y2023.id).await.unwrap().len();
        let mut tasks = Vec::new();
        for (i, a) in shares.iter().enumerate() {
            let (store, a) = (store.clone(), a.clone());
            tasks.push(tokio::spawn(async move {
                let filed = file_report(
                    &store,
                    &Actor::new("city"),
                    a.unit,
                    &october(
                        &a,
                        a.quota.unwrap() * Decimal::from(3) + Decimal::from(i as i64),
                    ),
                    FileAs::Submitted,
                )
                .await;
                let accepted = match &filed {
                    Ok(id) => Some(
                        review_report(&store, &Actor::new("office"), *id, &Review::Accept).await,
                    ),
                    Err(_) => None,
                };
                (None, Some((filed, accepted)))
            }));
        }
        for _ in 0..8 {
            let (store, form) = (store.clone(), form.clone());
            let plan = y2023.id;
            tasks.push(tokio::spawn(async move {
                let r = year_end::close(&store, &office(), plan, &form, TODAY, &th).await;
                (Some(r), None)
            }));
        }
        let mut closes_ok = 0;
        let mut stored_expected = 0;
        for t in tasks {
            match t.await.unwrap() {
                (Some(Ok(_)), _) => closes_ok += 1,
                (Some(Err(AppError::Conflict { reason })), _) => {
                    assert!(reason.contains("已关闭"), "{l}: {reason}")
                }
                (Some(Err(e)), _) => panic!("{l}: a closing failed: {e:?}"),
                (None, Some((Ok(_), accepted))) => {
                    stored_expected += 1;
                    match accepted {
                        Some(Ok(())) => {}
                        Some(Err(AppError::Conflict { reason })) => {
                            assert!(reason.contains("已关闭"), "{l}: {reason}")
                        }
                        other => panic!("{l}: an accept failed: {other:?}"),
                    }
                }
                (None, Some((Err(AppError::Conflict { reason }), _))) => {
                    assert!(reason.contains("已关闭"), "{l}: {reason}")
                }
                (None, Some((Err(e), _))) => panic!("{l}: a filing failed: {e:?}"),
                (None, None) => unreachable!(),
            }
        }
        assert_eq!(closes_ok, 1, "{l}: exactly one closing");
        assert_eq!(
            store.reports_of_plan(y2023.id).await.unwrap().len(),
            reports_before + stored_expected,
            "{l}: every acknowledged report stored, nothing else"
        );
        // No report after the closing: every report stored was filed before it.
        let closing = store.plan_closing(y2023.id).await.unwrap();
        let (_, closed_at) = closing.closed.unwrap();
        for r in store.reports_of_plan(y2023.id).await.unwrap() {
            assert!(
                r.filed_at <= closed_at,
                "{l}: report {} after the closing",
                r.id
            );
            if let Some(at) = r.reviewed_at {
                assert!(at <= closed_at, "{l}: report {} reviewed after", r.id);
            }
        }
        carried_equal_a_recompute(&store, &y2023, &l).await;
        db.finish().await;
    }
}

fn entries(text: &str, year: i16) -> Vec<minsheng_domain::plan_diff::Entry> {
    let x = minsheng_extract::extract(text);
    plan_diff::entries_of_draft(&PlanDraft::from_extraction(&x, year))
}

/// Every corpus text against itself is all unchanged; against a copy with its items in
/// reverse order and renumbered, still all unchanged: matched by meaning, not by number.
#[test]
fn the_corpus_matches_itself_whatever_the_numbering() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../corpus");
    let mut read = 0;
    for f in std::fs::read_dir(dir).unwrap() {
        let path = f.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("txt") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let old = entries(&text, 2023);
        if old.is_empty() {
            continue;
        }
        read += 1;
        let same = diff(&old, &old);
        assert_eq!(
            same.count(Change::Unchanged),
            old.len(),
            "{}: against itself",
            path.display()
        );
        let mut renumbered = old.clone();
        renumbered.reverse();
        for (i, e) in renumbered.iter_mut().enumerate() {
            e.item_no = u32::try_from(i).unwrap() + 1;
        }
        let d = diff(&old, &renumbered);
        assert_eq!(d.lines.len(), old.len(), "{}", path.display());
        // Identical entries may pair among themselves; each pair is still unchanged.
        assert_eq!(
            d.count(Change::Unchanged),
            old.len(),
            "{}: renumbered",
            path.display()
        );
    }
    assert!(read > 10, "the corpus was read");
}

/// The demo's invented 2024 text against the 2023 text as read by the extractor: raised,
/// lowered, dropped and new where the text was changed.
#[test]
fn the_demo_2024_text_against_2023() {
    let old = entries(demo::JILIN_2023, 2023);
    let new = entries(demo::JILIN_2024_INVENTED, 2024);
    let d = diff(&old, &new);
    let find = |phrase: &str| {
        d.lines
            .iter()
            .find(|l| l.new.is_some_and(|j| new[j].phrase.contains(phrase)))
            .copied()
            .unwrap_or_else(|| panic!("{phrase} not in the diff"))
    };
    let road = find("农村公路4000公里");
    assert_eq!(road.change, Change::Raised);
    assert!(old[road.old.unwrap()].phrase.contains("3000公里"));
    assert_eq!(find("危桥120座").change, Change::Lowered);
    assert_eq!(find("22万人").change, Change::Lowered);
    assert_eq!(find("5G基站8000个").change, Change::Raised);
    assert_eq!(find("托育点300个").change, Change::New);
    assert_eq!(find("养护工程5000公里").change, Change::Unchanged);
    let dropped: Vec<&str> = d
        .lines
        .iter()
        .filter(|l| l.change == Change::Dropped)
        .map(|l| old[l.old.unwrap()].phrase.as_str())
        .collect();
    assert!(
        dropped.iter().any(|p| p.contains("客运班线")),
        "{dropped:?}"
    );
    assert!(dropped.iter().any(|p| p.contains("电梯")), "{dropped:?}");
}

/// The standing diff of the stored plans: 2024 against 2023 by default, and refused against
/// itself or a later plan.
#[tokio::test]
async fn the_stored_2024_plan_against_2023() {
    for db in minsheng_store::testing::backends().await {
        let store = &db.store;
        let l = &db.label;
        let (y2023, y2024) = two_years(store).await;
        assert!(y2024.title.contains("虚构"), "{l}: {}", y2024.title);
        let v = plan_diff::of_plan(store, &office(), y2024.id, None)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(v.old.id, y2023.id, "{l}");
        assert!(v.diff.count(Change::Raised) >= 3, "{l}");
        assert!(v.diff.count(Change::New) >= 2, "{l}");
        assert!(v.diff.count(Change::Dropped) >= 2, "{l}");
        assert!(
            plan_diff::of_plan(store, &office(), y2023.id, None)
                .await
                .unwrap()
                .is_none(),
            "{l}: nothing earlier than 2023"
        );
        for bad in [y2024.id, y2024.id] {
            let r = plan_diff::of_plan(store, &office(), y2024.id, Some(bad)).await;
            assert!(matches!(r, Err(AppError::Invalid { .. })), "{l}");
        }
        let later = plan_diff::of_plan(store, &office(), y2023.id, Some(y2024.id)).await;
        assert!(matches!(later, Err(AppError::Invalid { .. })), "{l}");
        db.finish().await;
    }
}
