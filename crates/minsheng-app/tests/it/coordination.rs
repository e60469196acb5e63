//! Coordination on a small hand-built province: the life of a problem, every refusal
//! leaving the database as it was, and the day's reminders.

use crate::support::unit;
use jiff::ToSpan;
use jiff::civil::{Date, date};
use minsheng_app::AppError;
use minsheng_app::coordination::{
    ProblemInput, assign_problem, escalate_overdue, raise_problem, reminders, resolve_problem,
};
use minsheng_app::reporting::{Decision, FileAs, ReportInput, file_report, review_report};
use minsheng_domain::TargetKind;
use minsheng_domain::*;
use minsheng_store::{NewAssignment, NewItem, NewPlan, NewSection, NewTarget, Store};
use rust_decimal::Decimal;

/// A small hand-built province: 吉林省 with 长春市 (and 农安县 under it) and 吉林市, one
/// published 2023 plan with one target, shared by the two cities. Nothing is reported yet.
struct Demo {
    province: UnitId,
    changchun: UnitId,
    jilin_city: UnitId,
    nongan: UnitId,
    /// 长春市's and 吉林市's shares of the target (城镇新增就业23万人).
    cc_share: AssignmentId,
    jl_share: AssignmentId,
}

async fn demo(store: &Store) -> Demo {
    let mut tx = store.begin(&Actor::new("office-admin")).await.unwrap();
    let province = unit(&mut tx, None, UnitKind::Province, "吉林省").await;
    let changchun = unit(&mut tx, Some(province), UnitKind::City, "长春市").await;
    let jilin_city = unit(&mut tx, Some(province), UnitKind::City, "吉林市").await;
    let nongan = unit(&mut tx, Some(changchun), UnitKind::County, "农安县").await;
    let text = "一、促进就业方面(1项)\n1.城镇新增就业23万人。";
    let plan = tx
        .insert_plan(&NewPlan {
            year: 2023,
            title: "2023年全省民生实事".into(),
            owner: province,
            kind: PlanKind::Livelihood,
            status: PlanStatus::Published,
            source_text: text.into(),
            declared_sections: Some(1),
            declared_items: Some(1),
        })
        .await
        .unwrap();
    let section = tx
        .insert_section(&NewSection {
            plan,
            position: 1,
            no: 1,
            title: Some("促进就业方面".into()),
            declared_items: Some(1),
        })
        .await
        .unwrap();
    let item = tx
        .insert_item(&NewItem {
            section,
            position: 1,
            no: 1,
            text: "城镇新增就业23万人".into(),
            leads: vec![],
            span: None,
        })
        .await
        .unwrap();
    let target = tx
        .insert_target(&NewTarget {
            item,
            seq: 1,
            quantity: Quantity::new(230_000.into(), "人"),
            cmp: Cmp::Ge,
            phrase: "城镇新增就业23万人".into(),
            span: None,
            implicit: false,
            delta: false,
            deadline: date(2023, 12, 31),
            baseline: None,
            kind: TargetKind::Quantity,
            accrual_set: None,
        })
        .await
        .unwrap();
    let mut share = async |unit, quota: i64| {
        tx.insert_assignment(&NewAssignment {
            target,
            unit,
            role: AssignmentRole::Partner,
            quota: Some(quota.into()),
            budget: None,
        })
        .await
        .unwrap()
    };
    let cc_share = share(changchun, 150_000).await;
    let jl_share = share(jilin_city, 80_000).await;
    tx.commit().await.unwrap();
    Demo {
        province,
        changchun,
        jilin_city,
        nongan,
        cc_share,
        jl_share,
    }
}

fn input(a: AssignmentId, period: Period, value: &str) -> ReportInput {
    ReportInput {
        assignment: a,
        period,
        value: Some(value.parse::<Decimal>().unwrap()),
        value_unit: None,
        stage: None,
        funds_spent: None,
        narrative: "新增就业岗位".into(),
        correction: None,
    }
}

fn month(m: i8) -> Period {
    Period::month(2023, m).unwrap()
}

fn problem(owner: UnitId, due: Date, report: Option<ReportId>) -> ProblemInput {
    ProblemInput {
        title: "用地指标不足".into(),
        description: "新建零工市场缺建设用地指标,需市自然资源局协调".into(),
        owner,
        due,
        report,
    }
}

fn field_of(e: AppError) -> String {
    match e {
        AppError::Invalid { field, reason } => {
            assert!(!reason.is_empty());
            assert!(reason.contains(" / "), "Chinese, then English: {reason}");
            field
        }
        other => panic!("expected a named refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn a_problem_is_raised_from_a_report_reassigned_escalated_once_and_resolved() {
    for db in minsheng_store::testing::backends().await {
        let store = &db.store;
        let d = demo(store).await;
        let clerk = Actor::new("changchun-clerk");
        let report = file_report(
            store,
            &clerk,
            d.changchun,
            &input(d.cc_share, month(6), "40000"),
            FileAs::Submitted,
        )
        .await
        .unwrap();

        // Raised by 长春市 from its June report, given to 农安县.
        let id = raise_problem(
            store,
            &clerk,
            d.changchun,
            &problem(d.nongan, date(2023, 7, 10), Some(report)),
            date(2023, 7, 1),
        )
        .await
        .unwrap();
        let p = store.problem(id).await.unwrap();
        assert_eq!(
            (p.raised_by, p.owner, p.report, p.status),
            (d.changchun, d.nongan, Some(report), ProblemStatus::Open),
            "{}",
            db.label
        );

        // 农安县 cannot meet it; 长春市 moves the due date.
        assign_problem(
            store,
            &clerk,
            d.changchun,
            id,
            d.nongan,
            date(2023, 7, 20),
            date(2023, 7, 5),
        )
        .await
        .unwrap();
        assert_eq!(store.problem(id).await.unwrap().due, date(2023, 7, 20));

        // Not overdue on its due date; overdue the day after: escalated to 长春市, once.
        let sweep = Actor::system("escalate");
        assert!(
            escalate_overdue(store, &sweep, date(2023, 7, 20))
                .await
                .unwrap()
                .is_empty()
        );
        let up = escalate_overdue(store, &sweep, date(2023, 7, 21))
            .await
            .unwrap();
        assert_eq!(up.len(), 1, "{}", db.label);
        assert_eq!(
            (up[0].problem, up[0].from, up[0].missed_due, up[0].to),
            (id, d.nongan, date(2023, 7, 20), d.changchun)
        );
        let audits = store.audit_count().await.unwrap();
        for day in [date(2023, 7, 21), date(2023, 8, 30)] {
            assert!(
                escalate_overdue(store, &sweep, day)
                    .await
                    .unwrap()
                    .is_empty(),
                "escalated twice on {day}"
            );
        }
        assert_eq!(store.audit_count().await.unwrap(), audits);
        assert_eq!(store.escalations(id).await.unwrap().len(), 1);
        assert_eq!(store.escalations_to(d.changchun).await.unwrap().len(), 1);

        // The reminders name the same region.
        let chase = reminders(store, date(2023, 7, 21)).await.unwrap();
        assert!(chase.contains(&Reminder::ProblemOverdue {
            problem: id,
            owner: d.nongan,
            escalate_to: Some(d.changchun),
            days_late: 1,
        }));

        // 长春市, to which it was escalated, closes it; nothing is escalated after that.
        resolve_problem(
            store,
            &clerk,
            d.changchun,
            id,
            "  市自然资源局已调剂用地指标  ",
        )
        .await
        .unwrap();
        let p = store.problem(id).await.unwrap();
        assert_eq!(p.status, ProblemStatus::Resolved);
        assert_eq!(p.resolution.as_deref(), Some("市自然资源局已调剂用地指标"));
        assert!(
            escalate_overdue(store, &sweep, date(2023, 9, 1))
                .await
                .unwrap()
                .is_empty()
        );
        let chase = reminders(store, date(2023, 9, 1)).await.unwrap();
        assert!(!chase.iter().any(|r| r.code() == "problem_overdue"));

        let events = store.audit_events("problem", id.0).await.unwrap();
        let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["create", "assign", "escalate", "resolve"]);
        assert_eq!(events[2].actor, "system:escalate");
        db.finish().await;
    }
}

#[tokio::test]
async fn a_new_deadline_can_be_escalated_again_up_to_the_top() {
    for db in minsheng_store::testing::backends().await {
        let store = &db.store;
        let d = demo(store).await;
        let sweep = Actor::system("escalate");
        let county = raise_problem(
            store,
            &Actor::new("nongan-clerk"),
            d.nongan,
            &problem(d.nongan, date(2023, 7, 10), None),
            date(2023, 7, 1),
        )
        .await
        .unwrap();
        let top = raise_problem(
            store,
            &Actor::new("office"),
            d.province,
            &problem(d.province, date(2023, 7, 10), None),
            date(2023, 7, 1),
        )
        .await
        .unwrap();
        let up = escalate_overdue(store, &sweep, date(2023, 7, 11))
            .await
            .unwrap();
        // The province has no one above it: only the county's problem goes up.
        assert_eq!(
            up.iter().map(|e| (e.problem, e.to)).collect::<Vec<_>>(),
            [(county, d.changchun)],
            "{}",
            db.label
        );
        // 长春市 takes it over with a new deadline and misses that too: up to the province.
        assign_problem(
            store,
            &Actor::new("changchun-office"),
            d.changchun,
            county,
            d.changchun,
            date(2023, 7, 31),
            date(2023, 7, 11),
        )
        .await
        .unwrap();
        let up = escalate_overdue(store, &sweep, date(2023, 8, 1))
            .await
            .unwrap();
        assert_eq!(
            up.iter()
                .map(|e| (e.problem, e.from, e.to))
                .collect::<Vec<_>>(),
            [(county, d.changchun, d.province)]
        );
        assert!(
            escalate_overdue(store, &sweep, date(2023, 8, 2))
                .await
                .unwrap()
                .is_empty()
        );
        assert!(store.escalations(top).await.unwrap().is_empty());
        db.finish().await;
    }
}

#[tokio::test]
async fn every_refusal_names_its_field_and_writes_nothing() {
    for db in minsheng_store::testing::backends().await {
        let store = &db.store;
        let d = demo(store).await;
        let clerk = Actor::new("changchun-clerk");
        let today = date(2023, 7, 1);
        let jl_report = file_report(
            store,
            &Actor::new("jilin-clerk"),
            d.jilin_city,
            &input(d.jl_share, month(6), "15000"),
            FileAs::Submitted,
        )
        .await
        .unwrap();
        let id = raise_problem(
            store,
            &clerk,
            d.changchun,
            &problem(d.nongan, date(2023, 7, 10), None),
            today,
        )
        .await
        .unwrap();
        let before = store.problem(id).await.unwrap();
        let audits = store.audit_count().await.unwrap();
        let nowhere = UnitId(999_999);
        let clerk = &clerk;

        let raise = |as_unit, p: ProblemInput| async move {
            field_of(
                raise_problem(store, clerk, as_unit, &p, today)
                    .await
                    .unwrap_err(),
            )
        };
        let ok = problem(d.nongan, date(2023, 7, 10), None);
        assert_eq!(raise(nowhere, ok.clone()).await, "unit");
        let mut untitled = ok.clone();
        untitled.title = "  ".into();
        assert_eq!(raise(d.changchun, untitled).await, "title");
        assert_eq!(
            raise(d.changchun, problem(nowhere, date(2023, 7, 10), None)).await,
            "owner"
        );
        assert_eq!(
            raise(d.changchun, problem(d.nongan, date(2023, 6, 30), None)).await,
            "due"
        );
        assert_eq!(
            raise(
                d.changchun,
                problem(d.nongan, date(2023, 7, 10), Some(ReportId(999_999)))
            )
            .await,
            "report"
        );
        // 吉林市's report is not 长春市's to raise from; 吉林省 is above both, so it may.
        assert_eq!(
            raise(
                d.changchun,
                problem(d.nongan, date(2023, 7, 10), Some(jl_report))
            )
            .await,
            "report"
        );

        let assign = |as_unit, owner, due| async move {
            field_of(
                assign_problem(store, clerk, as_unit, id, owner, due, today)
                    .await
                    .unwrap_err(),
            )
        };
        // 吉林市 neither owns nor raised it, nor is above either.
        assert_eq!(
            assign(d.jilin_city, d.nongan, date(2023, 7, 20)).await,
            "unit"
        );
        assert_eq!(assign(nowhere, d.nongan, date(2023, 7, 20)).await, "unit");
        assert_eq!(
            assign(d.changchun, nowhere, date(2023, 7, 20)).await,
            "owner"
        );
        assert_eq!(
            assign(d.changchun, d.nongan, date(2023, 6, 30)).await,
            "due"
        );

        let resolve = |as_unit, text: &'static str| async move {
            field_of(
                resolve_problem(store, clerk, as_unit, id, text)
                    .await
                    .unwrap_err(),
            )
        };
        assert_eq!(resolve(d.changchun, " ").await, "resolution");
        assert_eq!(resolve(d.jilin_city, "已解决").await, "unit");

        let missing = assign_problem(
            store,
            clerk,
            d.changchun,
            ProblemId(424_242),
            d.nongan,
            date(2023, 7, 20),
            today,
        )
        .await
        .unwrap_err();
        assert!(matches!(
            missing,
            AppError::NotFound {
                what: "problem",
                ..
            }
        ));

        assert_eq!(store.audit_count().await.unwrap(), audits, "{}", db.label);
        assert_eq!(store.problem(id).await.unwrap(), before);
        assert_eq!(store.problems().await.unwrap().len(), 1);

        // Once resolved, it is not changed again.
        resolve_problem(store, clerk, d.nongan, id, "已协调解决")
            .await
            .unwrap();
        let resolved = store.problem(id).await.unwrap();
        let audits = store.audit_count().await.unwrap();
        assert_eq!(
            assign(d.changchun, d.nongan, date(2023, 7, 20)).await,
            "status"
        );
        assert_eq!(resolve(d.changchun, "再次办结").await, "status");
        assert_eq!(store.audit_count().await.unwrap(), audits);
        assert_eq!(store.problem(id).await.unwrap(), resolved);

        // The province, above 吉林市, may raise from its report.
        raise_problem(
            store,
            &Actor::new("office"),
            d.province,
            &problem(d.jilin_city, date(2023, 7, 10), Some(jl_report)),
            today,
        )
        .await
        .unwrap();
        db.finish().await;
    }
}

#[tokio::test]
async fn reminders_chase_reports_due_late_waiting_and_problems_overdue() {
    for db in minsheng_store::testing::backends().await {
        let store = &db.store;
        let d = demo(store).await;
        let cc = Actor::new("changchun-clerk");
        let office = Actor::new("office-reviewer");
        // 长春市 has January to May accepted; 吉林市 only a draft for May.
        for m in 1..=5 {
            let r = file_report(
                store,
                &cc,
                d.changchun,
                &input(d.cc_share, month(m), &(i64::from(m) * 5000).to_string()),
                FileAs::Submitted,
            )
            .await
            .unwrap();
            review_report(store, &office, r, &Decision::Accept)
                .await
                .unwrap();
        }
        let jl = Actor::new("jilin-clerk");
        file_report(
            store,
            &jl,
            d.jilin_city,
            &input(d.jl_share, month(5), "9000"),
            FileAs::Draft,
        )
        .await
        .unwrap();
        let stuck = raise_problem(
            store,
            &cc,
            d.changchun,
            &problem(d.changchun, date(2023, 6, 30), None),
            date(2023, 6, 1),
        )
        .await
        .unwrap();
        let done = raise_problem(
            store,
            &cc,
            d.changchun,
            &problem(d.changchun, date(2023, 6, 30), None),
            date(2023, 6, 1),
        )
        .await
        .unwrap();
        resolve_problem(store, &cc, d.changchun, done, "已解决")
            .await
            .unwrap();

        let today = date(2023, 7, 2);
        let all = reminders(store, today).await.unwrap();
        let mut expected = vec![
            Reminder::DueSoon {
                assignment: d.cc_share,
                unit: d.changchun,
                period: month(6),
                due: date(2023, 7, 5),
                days_left: 3,
            },
            Reminder::DueSoon {
                assignment: d.jl_share,
                unit: d.jilin_city,
                period: month(6),
                due: date(2023, 7, 5),
                days_left: 3,
            },
        ];
        // the draft does not count as filed
        for (m, days_late) in [(1, 147), (2, 119), (3, 88), (4, 58), (5, 27)] {
            expected.push(Reminder::Overdue {
                assignment: d.jl_share,
                unit: d.jilin_city,
                period: month(m),
                due: date(2023, m + 1, 5),
                days_late,
            });
        }
        expected.push(Reminder::ProblemOverdue {
            problem: stuck,
            owner: d.changchun,
            escalate_to: Some(d.province),
            days_late: 2,
        });
        // grouped by kind: due soon, overdue, awaiting review, problems
        assert_eq!(all, expected, "{}", db.label);

        // A June report waits for review: chased once it has waited more than 5 days.
        let june = file_report(
            store,
            &jl,
            d.jilin_city,
            &input(d.jl_share, month(6), "20000"),
            FileAs::Submitted,
        )
        .await
        .unwrap();
        let filed = ReportingRule::default().filed_on(store.report(june).await.unwrap().filed_at);
        let waiting = |day: Date| async move {
            reminders(store, day)
                .await
                .unwrap()
                .into_iter()
                .filter(|r| r.code() == "awaiting_review")
                .collect::<Vec<_>>()
        };
        assert!(
            waiting(filed.checked_add(5.days()).unwrap())
                .await
                .is_empty()
        );
        assert_eq!(
            waiting(filed.checked_add(6.days()).unwrap()).await,
            [Reminder::AwaitingReview {
                report: june,
                assignment: d.jl_share,
                period: month(6),
                waiting_days: 6,
            }]
        );
        db.finish().await;
    }
}
