//! Major projects (重大项目调度) through the use-cases, on both backends: a project created
//! as an item of a `major_projects` plan with its investment target, schedule, capacities and
//! milestones; reports on its investment carrying milestones reached and 形象进度, applied
//! only when accepted; bad input refused with the field named and nothing saved; many
//! clients filing and accepting at once, the stored milestones and the roll-up equal to a
//! recompute.

use jiff::civil::{Date, date};
use minsheng_app::AppError;
use minsheng_app::projects::{self, Capacity, NewProject, ProjectReportInput};
use minsheng_app::reporting::{Decision, FileAs, ReportInput, file_report_with, review_report};
use minsheng_domain::project::{MilestoneKind, MilestoneStatus, ProjectMilestone};
use minsheng_domain::*;
use minsheng_store::{NewPlan, Store};
use rust_decimal::Decimal;
use std::collections::HashMap;

struct Setup {
    plan: PlanId,
    cities: Vec<UnitId>,
    ndrc: UnitId,
    office: Account,
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

const TODAY: Date = date(2023, 7, 10);

async fn setup(store: &Store) -> Setup {
    let mut tx = store.begin(&Actor::new("setup")).await.unwrap();
    let province = crate::support::unit(&mut tx, None, UnitKind::Province, "吉林省").await;
    let mut cities = Vec::new();
    for name in ["长春市", "吉林市", "四平市"] {
        cities.push(crate::support::unit(&mut tx, Some(province), UnitKind::City, name).await);
    }
    let ndrc = crate::support::unit(
        &mut tx,
        Some(province),
        UnitKind::Department,
        "省发展改革委",
    )
    .await;
    let plan = tx
        .insert_plan(&NewPlan {
            year: 2023,
            title: "2023年全省重大项目调度计划".into(),
            owner: province,
            kind: PlanKind::MajorProjects,
            status: PlanStatus::Confirmed,
            source_text: String::new(),
            declared_sections: None,
            declared_items: None,
        })
        .await
        .unwrap();
    tx.commit().await.unwrap();
    Setup {
        plan,
        cities,
        ndrc,
        office: Account {
            id: UserId(1),
            name: "office".into(),
            role: Role::Office,
            unit: None,
        },
    }
}

fn unit_account(unit: UnitId) -> Account {
    Account {
        id: UserId(2),
        name: format!("clerk{}", unit.0),
        role: Role::Unit,
        unit: Some(unit),
    }
}

fn ms(kind: MilestoneKind, planned: Option<Date>, actual: Option<Date>) -> ProjectMilestone {
    ProjectMilestone {
        kind,
        planned,
        actual,
    }
}

/// 奥迪一汽新能源汽车项目, as the seed's text gives it, with invented dates.
fn audi(responsible: UnitId, region: UnitId) -> NewProject {
    NewProject {
        name: "奥迪一汽新能源汽车项目".into(),
        code: Some("2022-220171-36-01-000001".into()),
        owner: "奥迪一汽新能源汽车有限公司".into(),
        responsible,
        leader: Some("项目专班".into()),
        region,
        place: "长春汽开区".into(),
        industry: "C".into(),
        total_investment: d("35000000000"),
        invested_before: d("10000000000"),
        start_year: 2022,
        end_year: 2024,
        annual_investment: Some(d("600000")),
        investment_unit: "万元".into(),
        schedule: vec![
            (Period::month(2023, 3).unwrap(), d("150000")),
            (Period::month(2023, 6).unwrap(), d("300000")),
            (Period::month(2023, 9).unwrap(), d("450000")),
            (Period::month(2023, 12).unwrap(), d("600000")),
        ],
        milestones: vec![
            ms(MilestoneKind::Signed, None, Some(date(2022, 1, 10))),
            ms(
                MilestoneKind::Started,
                Some(date(2022, 6, 1)),
                Some(date(2022, 6, 20)),
            ),
            ms(
                MilestoneKind::Registered,
                Some(date(2022, 7, 31)),
                Some(date(2022, 7, 15)),
            ),
            ms(MilestoneKind::Completed, Some(date(2024, 6, 30)), None),
            ms(MilestoneKind::Production, Some(date(2024, 12, 31)), None),
        ],
        capacities: vec![Capacity {
            value: d("15"),
            unit: "万辆".into(),
            qualifier: Some("规划".into()),
            phase: None,
            what: "年产量".into(),
        }],
    }
}

fn report(a: AssignmentId, month: i8, value: &str) -> ReportInput {
    ReportInput {
        assignment: a,
        period: Period::month(2023, month).unwrap(),
        value: Some(d(value)),
        value_unit: None,
        stage: None,
        funds_spent: None,
        narrative: format!("1—{month}月完成投资"),
        correction: None,
    }
}

async fn lead_of(store: &Store, item: ItemId) -> Assignment {
    let p = store.project(item).await.unwrap();
    store
        .assignments_of_target(p.investment_target.unwrap())
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.role == AssignmentRole::Lead)
        .unwrap()
}

async fn counts(store: &Store, plan: PlanId) -> (usize, usize, usize) {
    (
        store.items(plan).await.unwrap().len(),
        store.targets(plan).await.unwrap().len(),
        store.projects_of_plan(plan).await.unwrap().len(),
    )
}

#[tokio::test]
async fn a_project_is_an_item_with_its_investment_target_schedule_and_milestones() {
    for db in minsheng_store::testing::backends().await {
        let store = &db.store;
        let s = setup(store).await;
        let item = projects::create(
            store,
            &s.office,
            s.plan,
            &audi(s.cities[0], s.cities[0]),
            TODAY,
        )
        .await
        .unwrap();
        let p = store.project(item).await.unwrap();
        assert_eq!(p.total_investment, d("35000000000"), "{}", db.label);
        let targets = store.targets(s.plan).await.unwrap();
        assert_eq!(targets.len(), 2, "{}: investment and capacity", db.label);
        let inv = targets
            .iter()
            .find(|t| Some(t.id) == p.investment_target)
            .unwrap();
        assert_eq!((inv.quantity.unit.as_str(), inv.cmp), ("万元", Cmp::Ge));
        let cap = targets.iter().find(|t| t.id != inv.id).unwrap();
        assert_eq!(cap.phrase, "规划年产量15万辆", "{}", db.label);
        assert_eq!(cap.accrual(), Accrual::Level);
        let lead = lead_of(store, item).await;
        assert_eq!(lead.unit, s.cities[0]);
        assert_eq!(store.schedule(lead.id).await.unwrap().len(), 4);
        assert_eq!(store.project_milestones(item).await.unwrap().len(), 5);

        // On the dashboard: 60亿 planned, 30亿 expected by June (the schedule's point), nothing
        // reported yet, the milestones so far met, 竣工 and 投产 ahead.
        let dash = projects::dashboard(store, &s.office, s.plan, Some("2023-06"), TODAY)
            .await
            .unwrap();
        assert_eq!(dash.lines.len(), 1);
        assert_eq!(dash.total.planned, d("6000000000"), "{}", db.label);
        assert_eq!(dash.total.expected, d("3000000000"), "{}", db.label);
        assert_eq!(dash.total.completed, Decimal::ZERO);
        let state = &dash.lines[0].state;
        assert_eq!(
            state.milestones[MilestoneKind::Started.index()].status,
            MilestoneStatus::MetLate
        );
        assert_eq!(
            state.milestones[MilestoneKind::Production.index()].status,
            MilestoneStatus::Pending,
            "{}: started late but registered early: no delay carried to production",
            db.label
        );
        assert_eq!(dash.by_region.len(), 1);
        assert_eq!(dash.by_region[0].name_zh, "长春市");
        assert_eq!(dash.by_industry[0].name_zh, "制造业");

        // The office's view of the plan tracks the investment, not the capacity: a capacity
        // is the project's fact, never reported month by month, so never "not reported".
        let period = Period::parse("2023-06").unwrap();
        let t =
            minsheng_app::tracking::tracking(store, s.plan, period, TODAY, &Thresholds::default())
                .await
                .unwrap();
        let tracked: Vec<TargetId> = t.targets.iter().map(|l| l.target.id).collect();
        assert_eq!(tracked, [inv.id], "{}", db.label);

        // A unit may not create projects.
        let e = projects::create(
            store,
            &unit_account(s.cities[0]),
            s.plan,
            &audi(s.cities[0], s.cities[0]),
            TODAY,
        )
        .await
        .unwrap_err();
        assert!(matches!(e, AppError::Forbidden { .. }), "{e:?}");
        db.finish().await;
    }
}

#[tokio::test]
async fn bad_input_is_refused_with_the_field_named_and_nothing_saved() {
    for db in minsheng_store::testing::backends().await {
        let store = &db.store;
        let s = setup(store).await;
        let field = |r: Result<ItemId, AppError>| match r {
            Err(AppError::Invalid { field, .. }) => field,
            other => panic!("expected a refusal, got {other:?}"),
        };
        let mut late = audi(s.cities[0], s.cities[0]);
        late.milestones[4].planned = Some(date(2025, 3, 31));
        assert_eq!(
            field(projects::create(store, &s.office, s.plan, &late, TODAY).await),
            "milestones.production.planned",
            "{}",
            db.label
        );
        let mut reversed = audi(s.cities[0], s.cities[0]);
        reversed.milestones[3].planned = Some(date(2022, 5, 1));
        assert_eq!(
            field(projects::create(store, &s.office, s.plan, &reversed, TODAY).await),
            "milestones.completed.planned"
        );
        let mut industry = audi(s.cities[0], s.cities[0]);
        industry.industry = "Z".into();
        assert_eq!(
            field(projects::create(store, &s.office, s.plan, &industry, TODAY).await),
            "industry"
        );
        let mut money = audi(s.cities[0], s.cities[0]);
        money.investment_unit = "辆".into();
        assert_eq!(
            field(projects::create(store, &s.office, s.plan, &money, TODAY).await),
            "unit"
        );
        let mut schedule = audi(s.cities[0], s.cities[0]);
        schedule.schedule[1].1 = d("700000");
        assert_eq!(
            field(projects::create(store, &s.office, s.plan, &schedule, TODAY).await),
            "schedule"
        );
        assert_eq!(counts(store, s.plan).await, (0, 0, 0), "{}", db.label);

        // A capacity in a unit its target does not use.
        let item = projects::create(
            store,
            &s.office,
            s.plan,
            &audi(s.cities[0], s.cities[0]),
            TODAY,
        )
        .await
        .unwrap();
        let before = counts(store, s.plan).await;
        let (_, mut input, revision) = projects::edit_form(store, &s.office, item).await.unwrap();
        input.capacities[0].unit = "GWh".into();
        input.name = "改名".into();
        let e = projects::update(store, &s.office, item, revision, &input, TODAY)
            .await
            .unwrap_err();
        assert!(
            matches!(&e, AppError::Invalid { field, .. } if field == "capacities.0.unit"),
            "{e:?}"
        );
        assert_eq!(
            store.project(item).await.unwrap().name,
            "奥迪一汽新能源汽车项目"
        );
        assert_eq!(counts(store, s.plan).await, before);

        // Investment above 总投资 without a stated revision: 100亿 before + 260亿 > 350亿.
        let a = lead_of(store, item).await;
        let unit = s.cities[0];
        let plain = ProjectReportInput {
            progress: "主体结构施工".into(),
            ..ProjectReportInput::default()
        };
        let e = file_report_with(
            store,
            &Actor::new("clerk"),
            unit,
            &report(a.id, 6, "2600000"),
            Some(&plain),
            FileAs::Submitted,
        )
        .await
        .unwrap_err();
        assert!(
            matches!(&e, AppError::Invalid { field, .. } if field == "value"),
            "{e:?}"
        );
        // A milestone reached before the one before it.
        let early = ProjectReportInput {
            milestones: vec![(MilestoneKind::Completed, date(2022, 5, 1))],
            ..plain.clone()
        };
        let e = file_report_with(
            store,
            &Actor::new("clerk"),
            unit,
            &report(a.id, 6, "300000"),
            Some(&early),
            FileAs::Submitted,
        )
        .await
        .unwrap_err();
        assert!(
            matches!(&e, AppError::Invalid { field, .. } if field == "milestones.completed.actual"),
            "{e:?}"
        );
        assert!(store.reports_of_assignment(a.id).await.unwrap().is_empty());

        // With a stated revision it is filed, and the revision holds once accepted.
        let revised = ProjectReportInput {
            revised_total: Some(d("37000000000")),
            ..plain.clone()
        };
        let id = file_report_with(
            store,
            &Actor::new("clerk"),
            unit,
            &report(a.id, 6, "2600000"),
            Some(&revised),
            FileAs::Submitted,
        )
        .await
        .unwrap();
        assert_eq!(
            store.project(item).await.unwrap().total_investment,
            d("35000000000")
        );
        review_report(store, &Actor::new("office"), id, &Decision::Accept)
            .await
            .unwrap();
        assert_eq!(
            store.project(item).await.unwrap().total_investment,
            d("37000000000"),
            "{}",
            db.label
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn milestones_reached_count_only_once_accepted() {
    for db in minsheng_store::testing::backends().await {
        let store = &db.store;
        let s = setup(store).await;
        let item = projects::create(
            store,
            &s.office,
            s.plan,
            &audi(s.cities[0], s.cities[0]),
            TODAY,
        )
        .await
        .unwrap();
        let a = lead_of(store, item).await;
        let reached = ProjectReportInput {
            progress: "总装车间封顶".into(),
            revised_total: None,
            milestones: vec![(MilestoneKind::Completed, date(2023, 6, 28))],
        };
        let id = file_report_with(
            store,
            &Actor::new("clerk"),
            a.unit,
            &report(a.id, 6, "310000"),
            Some(&reached),
            FileAs::Submitted,
        )
        .await
        .unwrap();
        let completed = |ms: Vec<ProjectMilestone>| {
            ms.into_iter()
                .find(|m| m.kind == MilestoneKind::Completed)
                .and_then(|m| m.actual)
        };
        assert_eq!(
            completed(store.project_milestones(item).await.unwrap()),
            None
        );
        let extra = store.project_report(id).await.unwrap().unwrap();
        assert_eq!(extra.progress, "总装车间封顶");
        // Returned: nothing applied.
        review_report(
            store,
            &Actor::new("office"),
            id,
            &Decision::Return("数字有误".into()),
        )
        .await
        .unwrap();
        assert_eq!(
            completed(store.project_milestones(item).await.unwrap()),
            None
        );
        // Filed again and accepted: applied.
        let id = file_report_with(
            store,
            &Actor::new("clerk"),
            a.unit,
            &report(a.id, 6, "305000"),
            Some(&reached),
            FileAs::Submitted,
        )
        .await
        .unwrap();
        review_report(store, &Actor::new("office"), id, &Decision::Accept)
            .await
            .unwrap();
        assert_eq!(
            completed(store.project_milestones(item).await.unwrap()),
            Some(date(2023, 6, 28)),
            "{}",
            db.label
        );
        let page = projects::page(store, &s.office, item, Some("2023-06"), TODAY)
            .await
            .unwrap();
        assert_eq!(page.reports.len(), 2);
        assert_eq!(page.months.len(), 6);
        assert_eq!(page.months[5].completed, Some(d("305000")));
        assert_eq!(page.months[5].expected, Some(d("300000")));
        assert_eq!(
            page.line.state.milestones[MilestoneKind::Completed.index()].status,
            MilestoneStatus::Met
        );
        // A concurrent edit from a stale revision is a conflict. A project renamed is renamed
        // in its plan too: its item's text is its name.
        let (_, mut input, revision) = projects::edit_form(store, &s.office, item).await.unwrap();
        input.name = "奥迪一汽新能源汽车项目(一期)".into();
        projects::update(store, &s.office, item, revision, &input, TODAY)
            .await
            .unwrap();
        assert_eq!(
            store.item(item).await.unwrap().0.text,
            "奥迪一汽新能源汽车项目(一期)",
            "{}",
            db.label
        );
        let e = projects::update(store, &s.office, item, revision, &input, TODAY)
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::Conflict { .. }), "{e:?}");
        db.finish().await;
    }
}

/// Nine projects over three cities; four clients per project file its June report with
/// milestones at once (one is acknowledged), then four office sessions accept every report
/// at once. The stored milestones equal those of each project's accepted report, and the
/// dashboard's roll-up by region equals a recompute from the accepted figures.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_clients_filing_and_accepting_project_reports_at_once() {
    for db in minsheng_store::testing::backends().await {
        let store = db.store.clone();
        let s = setup(&store).await;
        let mut items = Vec::new();
        for i in 0..9usize {
            let city = s.cities[i % 3];
            let mut p = audi(city, city);
            p.name = format!("重大项目{i}");
            p.code = None;
            p.milestones.truncate(3);
            let responsible = if i == 8 { s.ndrc } else { city };
            p.responsible = responsible;
            items.push(
                projects::create(&store, &s.office, s.plan, &p, TODAY)
                    .await
                    .unwrap(),
            );
        }
        let mut filers = tokio::task::JoinSet::new();
        for (i, item) in items.iter().enumerate() {
            let a = lead_of(&store, *item).await;
            for client in 0..4 {
                let store = store.clone();
                let a = a.clone();
                let value = format!("{}", 200000 + 10000 * i);
                let extra = ProjectReportInput {
                    progress: format!("项目{i}进展(客户端{client})"),
                    revised_total: None,
                    milestones: vec![(MilestoneKind::Completed, date(2023, 6, 1 + i as i8))],
                };
                filers.spawn(async move {
                    let r = file_report_with(
                        &store,
                        &Actor::new(format!("clerk{client}")),
                        a.unit,
                        &report(a.id, 6, &value),
                        Some(&extra),
                        FileAs::Submitted,
                    )
                    .await;
                    (a.id, r)
                });
            }
        }
        let mut filed: HashMap<AssignmentId, ReportId> = HashMap::new();
        while let Some(done) = filers.join_next().await {
            let (a, r) = done.unwrap();
            match r {
                Ok(id) => assert!(filed.insert(a, id).is_none(), "{}: twice", db.label),
                Err(AppError::Invalid { field, .. }) => assert_eq!(field, "period"),
                Err(e) => panic!("{}: a filing failed: {e:?}", db.label),
            }
        }
        assert_eq!(filed.len(), items.len(), "{}", db.label);
        let reports: Vec<ReportId> = filed.values().copied().collect();
        let mut acceptors = tokio::task::JoinSet::new();
        for session in 0..4usize {
            let store = store.clone();
            let mut order = reports.clone();
            order.rotate_left(session * 2);
            if session % 2 == 1 {
                order.reverse();
            }
            acceptors.spawn(async move {
                let mut ok = 0;
                for id in order {
                    match review_report(
                        &store,
                        &Actor::new(format!("office{session}")),
                        id,
                        &Decision::Accept,
                    )
                    .await
                    {
                        Ok(()) => ok += 1,
                        Err(AppError::Conflict { .. }) => {}
                        Err(e) => panic!("an accept failed: {e:?}"),
                    }
                }
                ok
            });
        }
        let mut accepted = 0;
        while let Some(n) = acceptors.join_next().await {
            accepted += n.unwrap();
        }
        assert_eq!(accepted, items.len(), "{}: each accepted once", db.label);

        // The stored milestones are the accepted reports'.
        for (i, item) in items.iter().enumerate() {
            let ms = store.project_milestones(*item).await.unwrap();
            let done = ms
                .iter()
                .find(|m| m.kind == MilestoneKind::Completed)
                .unwrap();
            assert_eq!(
                done.actual,
                Some(date(2023, 6, 1 + i as i8)),
                "{}",
                db.label
            );
            let a = lead_of(&store, *item).await;
            let extra = store.project_report(filed[&a.id]).await.unwrap().unwrap();
            assert_eq!(
                extra.milestones,
                vec![(MilestoneKind::Completed, date(2023, 6, 1 + i as i8))]
            );
        }
        // The roll-up by region equals a recompute from the accepted figures.
        let dash = projects::dashboard(&store, &s.office, s.plan, Some("2023-06"), TODAY)
            .await
            .unwrap();
        let mut expect: HashMap<String, (u32, Decimal)> = HashMap::new();
        let tree = store.unit_tree().await.unwrap();
        for (i, item) in items.iter().enumerate() {
            let p = store.project(*item).await.unwrap();
            let a = lead_of(&store, *item).await;
            let r = store.report(filed[&a.id]).await.unwrap();
            assert_eq!(r.status, ReportStatus::Accepted);
            let yuan = r.cumulative.unwrap() * Decimal::from(10_000);
            assert_eq!(
                yuan,
                Decimal::from(2_000_000_000i64 + 100_000_000 * i as i64)
            );
            let name = tree.get(p.region).unwrap().name.clone();
            let e = expect.entry(name).or_default();
            e.0 += 1;
            e.1 += yuan;
        }
        assert_eq!(dash.by_region.len(), 3, "{}", db.label);
        for g in &dash.by_region {
            let (n, sum) = expect[&g.name_zh];
            assert_eq!(
                (g.figures.projects, g.figures.completed),
                (n, sum),
                "{}: {}",
                db.label,
                g.name_zh
            );
        }
        let total: Decimal = expect.values().map(|e| e.1).sum();
        assert_eq!(dash.total.completed, total);
        assert_eq!(
            dash.by_responsible.len(),
            4,
            "{}: three cities and the NDRC",
            db.label
        );
        db.finish().await;
    }
}
