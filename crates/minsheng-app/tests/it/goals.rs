//! Multi-year goals on both backends: a 2023–2025 plan written from goal inputs (the seed's
//! 到2025年 sentence), refusals naming the field with nothing saved, reports only for the
//! goal's periods, status against the path and the forecast, the office's change of a path
//! (stale revisions refused), and many clients filing and accepting yearly and quarterly
//! reports at once — each report accepted once, the goals view equal to a recompute from the
//! stored reports, the roll-up equal to a rebuild.

use crate::support::unit;
use minsheng_app::goals::{self, GoalInput, GoalPlanInput};
use minsheng_app::reporting::{Decision, FileAs, ReportInput, file_report, review_report};
use minsheng_app::{AppError, rollup};
use minsheng_domain::path::{Base, Frequency, PathInput, PathKind, PathPoint};
use minsheng_domain::*;
use minsheng_store::Store;
use rust_decimal::Decimal;
use std::collections::HashMap;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn p(s: &str) -> Period {
    Period::parse(s).unwrap()
}

fn office() -> Account {
    Account {
        id: UserId(1),
        name: "office".into(),
        role: Role::Office,
        unit: None,
    }
}

/// 吉林省 with 长春市 under it.
async fn units(store: &Store) -> (UnitId, UnitId) {
    let mut tx = store.begin(&Actor::new("setup")).await.unwrap();
    let province = unit(&mut tx, None, UnitKind::Province, "吉林省").await;
    let city = unit(&mut tx, Some(province), UnitKind::City, "长春市").await;
    tx.commit().await.unwrap();
    (province, city)
}

fn goal(subject: &str, value: &str, unit: &str, phrase: &str, parent: Option<usize>) -> GoalInput {
    GoalInput {
        deadline_year: 2025,
        subject: subject.into(),
        value: d(value),
        unit: unit.into(),
        cmp: Cmp::Ge,
        phrase: phrase.into(),
        parent,
        lead: None,
        path: PathInput::default(),
    }
}

const TEXT: &str = "到2025年,长春国际汽车城总产值将达到11000亿元以上,其中,汽车产业要达到10000亿元以上,整车产量要达到400万辆以上。";

/// The seed's sentence as three goals, the first quarterly from a 2022 base of 8000亿元.
fn seed(owner: UnitId, lead: UnitId) -> GoalPlanInput {
    let mut total = goal(
        "长春国际汽车城总产值",
        "11000",
        "亿元",
        "总产值将达到11000亿元以上",
        None,
    );
    total.path = PathInput {
        kind: PathKind::Linear,
        base: Some((
            Base {
                year: 2022,
                value: d("8000"),
            },
            "亿元".into(),
        )),
        points: vec![],
        frequency: Frequency::Quarterly,
    };
    total.lead = Some(lead);
    let industry = goal(
        "长春国际汽车城汽车产业产值",
        "10000",
        "亿元",
        "汽车产业要达到10000亿元以上",
        Some(0),
    );
    let vehicles = goal(
        "长春国际汽车城整车产量",
        "4000000",
        "辆",
        "整车产量要达到400万辆以上",
        Some(0),
    );
    let mut goals = vec![total, industry, vehicles];
    for g in &mut goals {
        g.lead = Some(lead);
    }
    GoalPlanInput {
        title: "长春国际汽车城2023—2025年发展目标".into(),
        start_year: 2023,
        owner,
        source_text: TEXT.into(),
        goals,
    }
}

async fn file(
    store: &Store,
    a: AssignmentId,
    unit: UnitId,
    period: &str,
    value: &str,
) -> Result<ReportId, AppError> {
    file_report(
        store,
        &Actor::new("clerk"),
        unit,
        &ReportInput {
            assignment: a,
            period: p(period),
            value: Some(d(value)),
            value_unit: None,
            stage: None,
            funds_spent: None,
            narrative: "演示".into(),
            correction: None,
        },
        FileAs::Submitted,
    )
    .await
}

async fn accept(store: &Store, id: ReportId) {
    review_report(store, &Actor::new("office"), id, &Decision::Accept)
        .await
        .unwrap();
}

#[tokio::test]
async fn goals_are_written_reported_on_their_periods_and_held_to_their_path() {
    for db in minsheng_store::testing::backends().await {
        let store = &db.store;
        let l = &db.label;
        let (province, city) = units(store).await;
        let written = goals::create_plan(store, &office(), &seed(province, city))
            .await
            .unwrap();
        assert_eq!(written.targets.len(), 3, "{l}");
        let plan = store.plan(written.plan).await.unwrap();
        assert_eq!(
            (plan.kind, plan.year),
            (PlanKind::MultiYearGoals, 2023),
            "{l}"
        );
        let targets = store.targets(written.plan).await.unwrap();
        assert_eq!(targets[0].deadline, jiff::civil::date(2025, 12, 31), "{l}");
        assert_eq!(targets[0].accrual(), Accrual::Level, "{l}");
        assert!(
            targets[0].span.is_some(),
            "{l}: the phrase found in the text"
        );

        let v = goals::view(store, &office(), written.plan).await.unwrap();
        assert_eq!(v.end_year, 2025, "{l}");
        let depths: Vec<usize> = v.goals.iter().map(|g| g.depth).collect();
        assert_eq!(depths, [0, 1, 1], "{l}: the parts under their parent");
        assert!(
            v.goals.iter().all(|g| g.status == Status::NotReported),
            "{l}"
        );

        // Reports only for the goal's periods and years.
        let (total, vehicles) = (written.assignments[0], written.assignments[2]);
        for (a, period) in [
            (total, "2024-06"),
            (total, "2024-H1"),
            (total, "2026"),
            (vehicles, "2024-Q2"),
            (vehicles, "2022"),
        ] {
            let e = file(store, a, city, period, "9000").await.unwrap_err();
            assert!(
                matches!(&e, AppError::Invalid { field, .. } if field == "period"),
                "{l}: {period}: {e:?}"
            );
        }
        assert!(
            store
                .reports_of_plan(written.plan)
                .await
                .unwrap()
                .is_empty(),
            "{l}"
        );

        // 2023 annual on the path (9000), 2024 by quarter falling behind.
        let id = file(store, total, city, "2023", "9000").await.unwrap();
        accept(store, id).await;
        let id = file(store, total, city, "2024-Q1", "9200").await.unwrap();
        accept(store, id).await;
        let id = file(store, total, city, "2024-Q2", "8000").await.unwrap();
        let v = goals::view(store, &office(), written.plan).await.unwrap();
        let g = &v.goals[0];
        assert_eq!(g.status, Status::OnTrack, "{l}: 9200 at Q1 against 9250");
        assert_eq!(g.awaiting, 1, "{l}");
        accept(store, id).await;
        let v = goals::view(store, &office(), written.plan).await.unwrap();
        let g = &v.goals[0];
        let got: Vec<(String, Decimal, Option<Decimal>)> = g
            .reported
            .iter()
            .map(|r| (r.period.to_string(), r.value, r.expected))
            .collect();
        assert_eq!(
            got,
            [
                ("2023".into(), d("9000"), Some(d("9000"))),
                ("2024-Q1".into(), d("9200"), Some(d("9250"))),
                ("2024-Q2".into(), d("8000"), Some(d("9500"))),
            ],
            "{l}"
        );
        // 1500 behind of 11000: 13.6 points → lagging.
        assert_eq!(g.status, Status::Lagging, "{l}");
        assert_eq!(g.latest, Some((p("2024-Q2"), d("8000"))), "{l}");
        let f = g.forecast.unwrap();
        assert!(!f.meets, "{l}: falling values do not reach 11000");

        // The vehicles goal (yearly, no base) starts from its first report.
        let id = file(store, vehicles, city, "2023", "2800000")
            .await
            .unwrap();
        accept(store, id).await;
        let v = goals::view(store, &office(), written.plan).await.unwrap();
        let g = v
            .goals
            .iter()
            .find(|g| g.target.id == written.targets[2])
            .unwrap();
        assert_eq!(g.status, Status::OnTrack, "{l}");
        assert_eq!(g.path.expected(p("2024")), Some(d("3400000")), "{l}");
    }
}

/// A change to the seed's input that makes it wrong.
type Change = Box<dyn Fn(&mut GoalPlanInput)>;

#[tokio::test]
async fn bad_goals_and_paths_are_refused_with_the_field_and_nothing_saved() {
    for db in minsheng_store::testing::backends().await {
        let store = &db.store;
        let l = &db.label;
        let (province, city) = units(store).await;
        let audits = store.audit_count().await.unwrap();
        let cases: Vec<(&str, Change)> = vec![
            (
                "goals[1].deadline",
                Box::new(|i| i.goals[0].deadline_year = 2022),
            ),
            (
                "goals[1].points[1].period",
                Box::new(|i| {
                    i.goals[0].path.kind = PathKind::Points;
                    i.goals[0].path.points = vec![(
                        PathPoint {
                            period: p("2026"),
                            value: d("11500"),
                        },
                        "亿元".into(),
                    )];
                }),
            ),
            (
                "goals[1].points[2].period",
                Box::new(|i| {
                    i.goals[0].path.kind = PathKind::Points;
                    i.goals[0].path.points = vec![
                        (
                            PathPoint {
                                period: p("2024"),
                                value: d("10000"),
                            },
                            "亿元".into(),
                        ),
                        (
                            PathPoint {
                                period: p("2023"),
                                value: d("9000"),
                            },
                            "亿元".into(),
                        ),
                    ];
                }),
            ),
            (
                "goals[1].points[1].period",
                Box::new(|i| {
                    i.goals[0].path.kind = PathKind::Points;
                    i.goals[0].path.points = vec![(
                        PathPoint {
                            period: p("2021"),
                            value: d("7000"),
                        },
                        "亿元".into(),
                    )];
                }),
            ),
            (
                "goals[1].points[1].value",
                Box::new(|i| {
                    i.goals[0].path.kind = PathKind::Points;
                    i.goals[0].path.points = vec![(
                        PathPoint {
                            period: p("2024"),
                            value: d("10000"),
                        },
                        "万辆".into(),
                    )];
                }),
            ),
            ("goals[2].parent", Box::new(|i| i.goals[1].parent = Some(2))),
            (
                "goals[3].subject",
                Box::new(|i| i.goals[2].subject = " ".into()),
            ),
        ];
        for (field, change) in cases {
            let mut input = seed(province, city);
            change(&mut input);
            let e = goals::create_plan(store, &office(), &input)
                .await
                .unwrap_err();
            assert!(
                matches!(&e, AppError::Invalid { field: f, .. } if f == field),
                "{l}: want {field}, got {e:?}"
            );
        }
        assert!(
            store.plans().await.unwrap().is_empty(),
            "{l}: nothing saved"
        );
        assert_eq!(store.audit_count().await.unwrap(), audits, "{l}");

        // A unit may not write a plan nor set a path.
        let clerk = Account {
            id: UserId(2),
            name: "clerk".into(),
            role: Role::Unit,
            unit: Some(city),
        };
        let e = goals::create_plan(store, &clerk, &seed(province, city))
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::Forbidden { .. }), "{l}");

        // The office sets a path; a bad one, a stale form and a unit are refused.
        let written = goals::create_plan(store, &office(), &seed(province, city))
            .await
            .unwrap();
        let t = written.targets[0];
        let points = PathInput {
            kind: PathKind::Points,
            base: Some((
                Base {
                    year: 2022,
                    value: d("8000"),
                },
                "亿元".into(),
            )),
            points: vec![
                (
                    PathPoint {
                        period: p("2023"),
                        value: d("8500"),
                    },
                    "亿元".into(),
                ),
                (
                    PathPoint {
                        period: p("2024-Q2"),
                        value: d("9500"),
                    },
                    "亿元".into(),
                ),
            ],
            frequency: Frequency::Quarterly,
        };
        let rev = goals::set_path(store, &office(), t, 1, points.clone())
            .await
            .unwrap();
        assert_eq!(rev, 2, "{l}");
        let stale = goals::set_path(store, &office(), t, 1, PathInput::default())
            .await
            .unwrap_err();
        assert!(matches!(stale, AppError::Conflict { .. }), "{l}: {stale:?}");
        let mut bad = points.clone();
        bad.points[1].0.period = p("2024-06");
        let e = goals::set_path(store, &office(), t, 2, bad)
            .await
            .unwrap_err();
        assert!(
            matches!(&e, AppError::Invalid { field, .. } if field == "points[2].period"),
            "{l}: {e:?}"
        );
        let e = goals::set_path(store, &clerk, t, 2, PathInput::default())
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::Forbidden { .. }), "{l}");
        let stored = store.goal(t).await.unwrap().unwrap();
        assert_eq!(
            (stored.revision, stored.kind, stored.points.len()),
            (2, PathKind::Points, 2),
            "{l}"
        );
        let v = goals::view(store, &office(), written.plan).await.unwrap();
        assert_eq!(
            v.goals[0].path.expected(p("2024-Q1")),
            Some(d("9000")),
            "{l}"
        );
        let updates = store
            .audit_events("goal", t.0)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.action == "update")
            .count();
        assert_eq!(updates, 1, "{l}: one change audited");
    }
}

/// Many clients file yearly and quarterly reports on many goals while office sessions accept
/// them: each report is accepted once, the view equals a recompute from the stored reports,
/// the roll-up equals a rebuild.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_clients_file_and_accept_goal_reports_at_once() {
    for db in minsheng_store::testing::backends().await {
        let store = db.store.clone();
        let l = db.label;
        let (province, city) = units(&store).await;
        let mut input = seed(province, city);
        for i in 0..5u32 {
            let mut g = goal(&format!("目标{i}"), "1000", "亿元", "", None);
            g.path.frequency = if i.is_multiple_of(2) {
                Frequency::Quarterly
            } else {
                Frequency::Yearly
            };
            g.lead = Some(city);
            input.goals.push(g);
        }
        let written = goals::create_plan(&store, &office(), &input).await.unwrap();
        let periods_of = |i: usize| -> Vec<&'static str> {
            let quarterly = i == 0 || (i >= 3 && (i - 3).is_multiple_of(2));
            if quarterly {
                vec!["2023", "2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", "2024"]
            } else {
                vec!["2023", "2024"]
            }
        };
        let mut filers = tokio::task::JoinSet::new();
        for (i, &a) in written.assignments.iter().enumerate() {
            for (k, period) in periods_of(i).into_iter().enumerate() {
                let store = store.clone();
                let value = format!("{}", 100 * (i + 1) + 10 * k);
                filers.spawn(async move {
                    file(&store, a, city, period, &value)
                        .await
                        .map(|id| (a, id))
                });
            }
        }
        let expected: usize = (0..written.assignments.len())
            .map(|i| periods_of(i).len())
            .sum();
        let mut acceptors = tokio::task::JoinSet::new();
        for session in 0..4 {
            let store = store.clone();
            acceptors.spawn(async move {
                let mut mine = Vec::new();
                for _ in 0..2_000 {
                    let subs = store.submitted_reports().await.unwrap();
                    let accepted = store
                        .report_counts()
                        .await
                        .unwrap()
                        .into_iter()
                        .find(|(s, _)| *s == ReportStatus::Accepted)
                        .map_or(0, |(_, n)| n as usize);
                    if accepted >= expected {
                        break;
                    }
                    for r in subs {
                        match review_report(
                            &store,
                            &Actor::new(format!("office{session}")),
                            r.id,
                            &Decision::Accept,
                        )
                        .await
                        {
                            Ok(()) => mine.push(r.id),
                            Err(AppError::Conflict { .. }) => {}
                            Err(e) => panic!("an accept failed: {e:?}"),
                        }
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                }
                mine
            });
        }
        let mut filed = Vec::new();
        while let Some(r) = filers.join_next().await {
            filed.push(
                r.unwrap()
                    .unwrap_or_else(|e| panic!("{l}: a filing failed: {e:?}")),
            );
        }
        let mut accepted: HashMap<ReportId, usize> = HashMap::new();
        while let Some(r) = acceptors.join_next().await {
            for id in r.unwrap() {
                *accepted.entry(id).or_default() += 1;
            }
        }
        assert_eq!(filed.len(), expected, "{l}");
        assert_eq!(accepted.len(), expected, "{l}: every report accepted");
        assert!(
            accepted.values().all(|&n| n == 1),
            "{l}: each accepted once"
        );

        // The view against a recompute from the stored reports.
        let reports = store.reports_of_plan(written.plan).await.unwrap();
        let v = goals::view(&store, &office(), written.plan).await.unwrap();
        for g in &v.goals {
            let a = g.reporter.as_ref().unwrap().0;
            let mut mine: Vec<(Period, Decimal)> = reports
                .iter()
                .filter(|r| r.assignment == a && r.status == ReportStatus::Accepted)
                .map(|r| (r.period, r.cumulative.unwrap()))
                .collect();
            mine.sort_by_key(|x| x.0);
            let got: Vec<(Period, Decimal)> =
                g.reported.iter().map(|r| (r.period, r.value)).collect();
            assert_eq!(got, mine, "{l}: {}", g.subject);
            let (last_p, last_v) = *mine.last().unwrap();
            assert_eq!(
                g.status,
                g.path.status(last_p, Some(last_v), &Thresholds::default()),
                "{l}"
            );
            let i = written.assignments.iter().position(|x| *x == a).unwrap();
            assert_eq!(mine.len(), periods_of(i).len(), "{l}");
        }

        // The roll-up kept by every accept equals a rebuild.
        let rows = |store: Store| async move {
            let mut out = Vec::new();
            for year in 2023..=2025 {
                for month in 1..=12 {
                    out.extend(
                        store
                            .rollup_targets(Period::Month { year, month })
                            .await
                            .unwrap(),
                    );
                }
            }
            out
        };
        let kept = rows(store.clone()).await;
        rollup::recompute(&store, &Actor::new("office"))
            .await
            .unwrap();
        assert_eq!(
            kept,
            rows(store.clone()).await,
            "{l}: the roll-up equals a rebuild"
        );
        db.finish().await;
    }
}

/// The demo's goals as the extractor reads them from the seed's text: 总产值 on its path,
/// 整车产量 behind it (yellow), the 其中 parts under their parents, every report accepted.
#[tokio::test]
async fn the_demo_goals_one_on_its_path_one_behind() {
    for db in minsheng_store::testing::backends().await {
        let (store, l) = (&db.store, db.label);
        minsheng_app::demo::build_with(store, false).await.unwrap();
        let built = minsheng_app::demo::multi_year_goals(store).await.unwrap();
        assert_eq!(built.targets.len(), 5, "{l}");
        let v = goals::view(store, &office(), built.plan).await.unwrap();
        let of = |subject: &str| {
            v.goals
                .iter()
                .find(|g| g.subject.contains(subject))
                .unwrap_or_else(|| panic!("{l}: no goal {subject}"))
        };
        let total = of("总产值");
        assert_eq!(total.status, Status::OnTrack, "{l}: 总产值 on its path");
        assert_eq!(total.latest.map(|(p, _)| p), Some(p("2024-Q3")), "{l}");
        assert!(total.forecast.unwrap().meets, "{l}");
        let vehicles = of("整车产量");
        assert_eq!(vehicles.status, Status::Lagging, "{l}: 整车产量 behind");
        assert!(!vehicles.forecast.unwrap().meets, "{l}");
        // 汽车产业 is a part of 总产值 (其中, the same unit); 新能源车 of the 红旗 models.
        assert_eq!(of("汽车产业").depth, 1, "{l}");
        assert_eq!(of("汽车产业").stored.parent, Some(total.target.id), "{l}");
        assert_eq!(
            of("新能源车").stored.parent,
            Some(of("全新车型").target.id),
            "{l}"
        );
        let reported: usize = v.goals.iter().map(|g| g.reported.len()).sum();
        assert_eq!(reported, built.reports, "{l}");
        assert!(
            store.submitted_reports().await.unwrap().is_empty(),
            "{l}: every report accepted"
        );
    }
}
