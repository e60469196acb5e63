//! 考核 on the demo plan with its January–August bulletins issued, on both backends: rules
//! with problems are refused naming the rule and nothing is saved; the scores come from the
//! bulletins' frozen rankings and the entries, each point a line; signing off locks the
//! assessment, and every later change is refused naming it; many sign-offs and entries
//! racing a sign-off sign it off once, and what it kept is what a recompute gives; the XLSX
//! reads back with numbers; a unit sees only its own score.

use calamine::{Data, Reader, Xlsx};
use minsheng_app::scoring::{self, Scores};
use minsheng_app::{AppError, demo, scoring_xlsx};
use minsheng_domain::*;
use minsheng_store::{AssessmentStatus, Store};
use rust_decimal::Decimal;

fn account(name: &str, role: Role, unit: Option<UnitId>) -> Account {
    Account {
        id: UserId(1),
        name: name.into(),
        role,
        unit,
    }
}

fn office() -> Account {
    account("office", Role::Office, None)
}

/// The demo with its eight monthly bulletins issued: the plan and its year.
async fn demo_with_bulletins(store: &Store) -> (PlanId, i16) {
    demo::build(store).await.unwrap();
    demo::issue_bulletins(store, &Thresholds::default())
        .await
        .unwrap();
    let p = store.plans().await.unwrap()[0].clone();
    (p.id, p.year)
}

fn city(tree: &UnitTree, name: &str) -> UnitId {
    tree.units().iter().find(|u| u.name == name).unwrap().id
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn invalid(r: Result<(), AppError>) -> String {
    match r {
        Err(AppError::Invalid { reason, .. }) => reason,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn conflict<T: std::fmt::Debug>(r: Result<T, AppError>) -> String {
    match r {
        Err(AppError::Conflict { reason }) => reason,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

#[tokio::test]
async fn the_office_assesses_the_year_from_the_issued_bulletins_and_signs_it_off() {
    for db in minsheng_store::testing::backends().await {
        let store = &db.store;
        let l = &db.label;
        let (plan, year) = demo_with_bulletins(store).await;
        let tree = store.unit_tree().await.unwrap();
        let changchun = city(&tree, "长春市");
        let jilin = city(&tree, "吉林市");

        // Nothing yet: the starter text, no scores.
        let v = scoring::view(store, &office(), plan, year).await.unwrap();
        assert!(
            v.scores.is_none() && v.rules_text == scoring::STARTER_TEXT,
            "{l}"
        );

        // Rules with problems are refused, each named, and nothing is saved.
        let bad = "base = 100\n[[rule]]\nid = \"c\"\nname = \"C\"\nkind = \"bonus\"\n[[rule]]\nid = \"r\"\nname = \"R\"\nkind = \"rank\"\ntable = [1, 3]";
        let reason = invalid(scoring::save_rules(store, &office(), plan, year, bad).await);
        assert!(
            reason.contains("规则 c:未知的考核项 bonus"),
            "{l}: {reason}"
        );
        assert!(
            reason.contains("规则 r:名次分值表须从高到低排列"),
            "{l}: {reason}"
        );
        let weights = "weights_sum = 100\n[[rule]]\nid = \"c\"\nname = \"C\"\nkind = \"completion\"\nweight = 40\nbelow = 0.1";
        let reason = invalid(scoring::save_rules(store, &office(), plan, year, weights).await);
        assert!(reason.contains("各项权重之和为40,应为100"), "{l}: {reason}");
        assert!(store.assessment(plan, year).await.unwrap().is_none(), "{l}");
        // A year the plan does not cover, and a unit may not write rules.
        invalid(scoring::save_rules(store, &office(), plan, year + 1, demo::DEMO_RULES).await);
        let unit = account("220100", Role::Unit, Some(changchun));
        assert!(matches!(
            scoring::save_rules(store, &unit, plan, year, demo::DEMO_RULES).await,
            Err(AppError::Forbidden { .. })
        ));

        scoring::save_rules(store, &office(), plan, year, demo::DEMO_RULES)
            .await
            .unwrap();
        // Entries: checked against the rules.
        let reason = invalid(
            scoring::enter_points(
                store,
                &office(),
                plan,
                year,
                changchun,
                "satisfaction",
                "11",
            )
            .await,
        );
        assert!(
            reason.contains("规则 satisfaction 的分值应在0至10之间"),
            "{l}: {reason}"
        );
        invalid(scoring::enter_points(store, &office(), plan, year, changchun, "rank", "1").await);
        invalid(scoring::add_misstatement(store, &office(), plan, year, jilin, "3", "太少").await);
        invalid(scoring::add_misstatement(store, &office(), plan, year, jilin, "5", " ").await);
        scoring::enter_points(store, &office(), plan, year, changchun, "satisfaction", "9")
            .await
            .unwrap();
        // Entered again: replaced, not added.
        scoring::enter_points(
            store,
            &office(),
            plan,
            year,
            changchun,
            "satisfaction",
            "9.5",
        )
        .await
        .unwrap();
        scoring::add_misstatement(store, &office(), plan, year, jilin, "8", "5月报告虚报")
            .await
            .unwrap();

        let v = scoring::view(store, &office(), plan, year).await.unwrap();
        assert_eq!(v.months.len(), 8, "{l}: one score per issued month");
        let s = v.scores.as_ref().unwrap();
        assert_eq!(s.months.first().map(String::as_str), Some("2023-01"), "{l}");
        assert_eq!(s.months.last().map(String::as_str), Some("2023-08"), "{l}");
        let cc = s.units.iter().find(|u| u.unit == changchun.0).unwrap();
        assert_eq!(cc.points_of("satisfaction"), d("9.5"), "{l}");
        let jl = s.units.iter().find(|u| u.unit == jilin.0).unwrap();
        assert_eq!(jl.points_of("misstatement"), d("-8"), "{l}");
        assert!(
            jl.lines
                .iter()
                .any(|x| x.figure_zh == "报告失实:5月报告虚报"),
            "{l}"
        );
        // Every point is a line, and each line names its rule and its figure.
        for u in &s.units {
            let sum: Decimal = u.lines.iter().map(|x| x.points).sum();
            assert_eq!(sum, u.total, "{l}: {}", u.name);
        }
        let completion = cc.lines.iter().find(|x| x.rule == "completion").unwrap();
        assert!(
            completion.figure_zh.starts_with("完成率 ")
                && completion.figure_zh.ends_with("(2023年8月通报)"),
            "{l}: {}",
            completion.figure_zh
        );
        // Places run 1.. by total.
        assert!(s.units.windows(2).all(|w| w[0].total >= w[1].total), "{l}");
        assert_eq!(s.units[0].rank, 1, "{l}");

        // A unit sees its own score only; a leader of all sees every unit.
        let mine = scoring::view(store, &unit, plan, year).await.unwrap();
        let shown = mine.scores.as_ref().unwrap();
        assert!(
            shown.units.iter().all(|u| u.unit == changchun.0) && !shown.units.is_empty(),
            "{l}"
        );
        assert_eq!(mine.unit_count, s.units.len(), "{l}");
        assert!(mine.entries.is_empty() && !mine.may_assess, "{l}");
        let leader = account("leader", Role::Viewer, None);
        let all = scoring::view(store, &leader, plan, year).await.unwrap();
        assert_eq!(all.scores.unwrap().units.len(), s.units.len(), "{l}");

        // The XLSX reads back: the ranking and the breakdown, numbers as numbers.
        let bytes = scoring_xlsx::write(&v).unwrap();
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(
            book.sheet_names(),
            ["考核排名", "得分明细", "月度得分"],
            "{l}"
        );
        let ranking = book.worksheet_range("考核排名").unwrap();
        assert_eq!(
            ranking.get((3, 2)),
            Some(&Data::String("总分".into())),
            "{l}"
        );
        assert_eq!(ranking.get((4, 0)), Some(&Data::Float(1.0)), "{l}");
        let first_total = s.units[0].total.to_string().parse::<f64>().unwrap();
        assert_eq!(ranking.get((4, 2)), Some(&Data::Float(first_total)), "{l}");
        assert_eq!(ranking.height(), s.units.len() + 4, "{l}");
        let lines = book.worksheet_range("得分明细").unwrap();
        let n: usize = s.units.iter().map(|u| u.lines.len()).sum();
        assert_eq!(lines.height(), n + 1, "{l}");
        assert!(matches!(lines.get((1, 5)), Some(Data::Float(_))), "{l}");

        // Signed off: kept, and locked.
        let kept = scoring::sign_off(store, &office(), plan, year)
            .await
            .unwrap();
        assert_eq!(&kept, s, "{l}: what was shown is what is kept");
        let a = store.assessment(plan, year).await.unwrap().unwrap();
        assert_eq!(a.status, AssessmentStatus::Signed, "{l}");
        let reason = conflict(scoring::sign_off(store, &office(), plan, year).await);
        assert!(reason.contains("已签发并锁定"), "{l}: {reason}");
        let reason = conflict(
            scoring::save_rules(store, &office(), plan, year, scoring::STARTER_TEXT).await,
        );
        assert!(reason.contains("不能修改考核细则"), "{l}: {reason}");
        conflict(
            scoring::enter_points(store, &office(), plan, year, jilin, "satisfaction", "5").await,
        );
        conflict(scoring::remove_entry(store, &office(), plan, year, 1).await);
        let after = store.assessment(plan, year).await.unwrap().unwrap();
        assert_eq!((after.rules, after.revision), (a.rules, a.revision), "{l}");
        // Audited: created, entered, signed off.
        let events = store.audit_events("assessment", a.id).await.unwrap();
        let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions.first(), Some(&"create"), "{l}");
        assert_eq!(actions.last(), Some(&"sign_off"), "{l}");
        assert_eq!(actions.iter().filter(|a| **a == "enter").count(), 3, "{l}");
        db.finish().await;
    }
}

#[tokio::test]
async fn many_sign_offs_and_entries_racing_sign_it_off_once_and_keep_a_recompute() {
    for db in minsheng_store::testing::backends().await {
        let store = &db.store;
        let l = &db.label;
        let (plan, year) = demo_with_bulletins(store).await;
        scoring::save_rules(store, &office(), plan, year, demo::DEMO_RULES)
            .await
            .unwrap();
        let units: Vec<UnitId> = scoring::for_year(store, plan, year)
            .await
            .unwrap()
            .units
            .iter()
            .map(|(u, _)| *u)
            .collect();
        let mut tasks = Vec::new();
        for i in 0..12usize {
            let store = store.clone();
            let unit = units[i % units.len()];
            tasks.push(tokio::spawn(async move {
                if i % 3 == 0 {
                    scoring::sign_off(&store, &office(), plan, year)
                        .await
                        .map(|_| "signed")
                } else {
                    scoring::enter_points(
                        &store,
                        &office(),
                        plan,
                        year,
                        unit,
                        "satisfaction",
                        &format!("{}", i % 10),
                    )
                    .await
                    .map(|()| "entered")
                }
            }));
        }
        let (mut signed, mut refused) = (0, 0);
        for t in tasks {
            match t.await.unwrap() {
                Ok("signed") => signed += 1,
                Ok(_) => {}
                Err(AppError::Conflict { reason }) => {
                    refused += 1;
                    assert!(reason.contains("已签发并锁定"), "{l}: {reason}");
                }
                Err(e) => panic!("{l}: {e}"),
            }
        }
        assert_eq!(signed, 1, "{l}: exactly one sign-off ({refused} refused)");
        let a = store.assessment(plan, year).await.unwrap().unwrap();
        assert_eq!(a.status, AssessmentStatus::Signed, "{l}");
        let kept: Scores = serde_json::from_str(a.result.as_deref().unwrap()).unwrap();
        let again = scoring::recompute(store, plan, year)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(kept, again, "{l}: the kept scores are a recompute's");
        let view = scoring::view(store, &office(), plan, year).await.unwrap();
        assert_eq!(view.scores.as_ref(), Some(&kept), "{l}");
        db.finish().await;
    }
}

#[tokio::test]
async fn the_demo_assessment_is_a_draft_with_invented_entries() {
    let db = minsheng_store::testing::sqlite().await;
    let store = &db.store;
    let (plan, year) = demo_with_bulletins(store).await;
    demo::assessment(store).await.unwrap();
    let v = scoring::for_year(store, plan, year).await.unwrap();
    assert_eq!(v.status(), AssessmentStatus::Draft);
    assert!(v.rules_text.contains("演示数据,虚构"));
    assert!(v.entries.iter().any(|e| e.rule == "satisfaction"));
    assert!(v.entries.iter().any(|e| e.note.contains("虚构")));
    let s = v.scores.unwrap();
    assert!(s.units.len() >= 9, "{}", s.units.len());
    assert_eq!(s.months.len(), 8);
    let text = scoring::text(&scoring::for_year(store, plan, year).await.unwrap());
    assert!(text.contains("目标完成率"), "{text}");
    db.finish().await;
}
