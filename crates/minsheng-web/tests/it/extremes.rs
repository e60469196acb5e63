//! Values at the limits of `Decimal` (issue #10): filed through the API and the form they are
//! refused at the door or kept, never a 500; stored directly (a database written before the
//! door was there) they still cannot break a page or an accept. (A panic that still happens is
//! one 500 with a report id: `minsheng-web`'s own unit test of its layers.)

use crate::support::{changchun_demo, demo_sign_in, enc, get_as, json_as, post_as};
use axum::http::StatusCode;
use minsheng_app::rollup;
use minsheng_domain::{Actor, Assignment, PlanId, ReportStatus};
use minsheng_store::NewReport;
use minsheng_store::testing::{backends, sqlite};
use minsheng_web::AppState;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use rust_decimal::Decimal;
use serde_json::json;

/// Every page and API answer that shows a report's value, a target's roll-up or a unit's
/// figures, for the demo's plan and 长春市's share `a` in October.
fn showing(plan: PlanId, a: &Assignment, report: Option<i64>) -> Vec<(&'static str, String)> {
    let mut uris = vec![
        ("office", format!("/targets/{}", a.target)),
        ("office", "/office".to_string()),
        ("office", "/office?period=2023-10".to_string()),
        ("office", format!("/plans/{plan}/tracking?period=2023-10")),
        ("office", "/review".to_string()),
        (
            "office",
            format!("/api/plans/{plan}/tracking?period=2023-10"),
        ),
        ("office", "/api/dashboard?period=2023-10".to_string()),
        ("leader", format!("/targets/{}", a.target)),
        ("220100", "/workspace?period=2023-10".to_string()),
        ("220100", format!("/targets/{}", a.target)),
        (
            "220100",
            format!("/workspace/assignments/{}/report?period=2023-10", a.id),
        ),
        ("220100", "/api/workspace?period=2023-10".to_string()),
        (
            "220100",
            format!("/api/assignments/{}/report?period=2023-10", a.id),
        ),
        ("", "/public".to_string()),
        ("", format!("/public/plans/{plan}")),
        ("", format!("/public/plans/{plan}?period=2023-10")),
    ];
    if let Some(r) = report {
        uris.push(("220100", format!("/reports/{r}")));
        uris.push(("220100", format!("/api/reports/{r}")));
        uris.push(("office", format!("/reports/{r}")));
        uris.push(("office", format!("/api/reports/{r}")));
    }
    uris
}

/// GETs every page of [`showing`] as its account and fails on any 5xx.
async fn every_page_answers(
    st: &AppState,
    cookies: &[(&str, String)],
    plan: PlanId,
    a: &Assignment,
    report: Option<i64>,
    label: &str,
) {
    for (who, uri) in showing(plan, a, report) {
        let cookie = cookies
            .iter()
            .find(|(n, _)| *n == who)
            .map_or("", |(_, c)| c.as_str());
        let p = get_as(st, cookie, &uri).await;
        assert!(
            !p.status.is_server_error(),
            "{label}: {uri} as {who:?} answered {}: {}",
            p.status,
            &p.body[..p.body.len().min(400)]
        );
    }
}

/// Values a person or a client could send, weighted towards the limits.
fn any_value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(Decimal::MAX.to_string()),
        Just(Decimal::MIN.to_string()),
        Just("0.0000000000000000000000000001".to_string()),
        Just("7.9228162514264337593543950335".to_string()),
        Just("79228162514264337593543950336".to_string()),
        Just("79228162514264337593543950335万".to_string()),
        Just("1e28".to_string()),
        Just("1000000000000".to_string()),
        Just("1000000000001".to_string()),
        (any::<i64>(), 0u32..=28).prop_map(|(m, s)| Decimal::new(m, s).to_string()),
        (any::<u32>(), any::<u32>(), any::<u32>(), 0u32..=28)
            .prop_map(|(lo, mid, hi, s)| Decimal::from_parts(lo, mid, hi, false, s).to_string()),
        (0u64..10_000_000).prop_map(|n| format!("{n}")),
    ]
}

async fn sign_in_all(st: &AppState) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for who in ["office", "leader", "220100"] {
        out.push((who, demo_sign_in(st, who).await));
    }
    out
}

#[tokio::test]
async fn random_values_filed_through_the_api_and_the_form_never_break_a_page() {
    let db = sqlite().await;
    let (st, plan, a) = changchun_demo(&db.store).await;
    let cookies = sign_in_all(&st).await;
    let cc = cookies[2].1.clone();
    let mut runner = TestRunner::new(Config {
        cases: 24,
        ..Config::default()
    });
    let strategy = (any_value(), any_value(), any::<bool>());
    // The runner is synchronous: draw the cases first, then file each.
    let mut cases = Vec::new();
    for _ in 0..runner.config().cases {
        let tree = strategy.new_tree(&mut runner).unwrap();
        cases.push(proptest::strategy::ValueTree::current(&tree));
    }
    for (value, spent, by_form) in cases {
        let (status, body) = if by_form {
            let form = format!(
                "value={}&spent={}&narrative=x&action=draft",
                enc(&value),
                enc(&spent)
            );
            let uri = format!("/workspace/assignments/{}/report?period=2023-10", a.id);
            let p = post_as(&st, &cc, &uri, &form).await;
            (p.status, p.body)
        } else {
            let body = json!({"period": "2023-10", "value": value, "spent": spent, "narrative": "x", "action": "draft"});
            let (s, v) = json_as(
                &st,
                &cc,
                "POST",
                &format!("/api/assignments/{}/report", a.id),
                Some(body),
            )
            .await;
            (s, v.to_string())
        };
        assert!(
            matches!(
                status,
                StatusCode::SEE_OTHER | StatusCode::CREATED | StatusCode::UNPROCESSABLE_ENTITY
            ),
            "{value} / {spent} by form {by_form}: {status} {body}"
        );
        let report = db
            .store
            .reports_of_assignment(a.id)
            .await
            .unwrap()
            .into_iter()
            .filter(|r| r.period.to_string() == "2023-10")
            .map(|r| r.id.0)
            .next_back();
        every_page_answers(&st, &cookies, plan, &a, report, &value).await;
    }
    db.finish().await;
}

#[tokio::test]
async fn the_largest_decimal_is_refused_at_the_door_naming_the_field() {
    for db in backends().await {
        let (st, _, a) = changchun_demo(&db.store).await;
        let cc = demo_sign_in(&st, "220100").await;
        let uri = format!("/api/assignments/{}/report", a.id);
        for (value, spent, field, says) in [
            (
                Decimal::MAX.to_string(),
                None,
                "value",
                "超过以“人”计的上限",
            ),
            ("1e5".to_string(), None, "value", "科学计数法"),
            ("0.0000001".to_string(), None, "value", "小数位超过"),
            (
                "5".to_string(),
                Some(Decimal::MAX.to_string()),
                "spent",
                "超过以“元”计的上限",
            ),
        ] {
            let body = json!({"period": "2023-10", "value": value, "spent": spent, "correction": true, "narrative": "更正", "action": "draft"});
            let (s, e) = json_as(&st, &cc, "POST", &uri, Some(body)).await;
            assert_eq!(
                s,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{}: {value}: {e}",
                db.label
            );
            assert_eq!(e["errors"][0]["field"], field, "{e}");
            assert!(
                e["errors"][0]["detail"].as_str().unwrap().contains(says),
                "{e}"
            );
        }
        // The form says the same beside the field.
        let p = post_as(
            &st,
            &cc,
            &format!("/workspace/assignments/{}/report?period=2023-10", a.id),
            &format!("value={}&narrative=x&action=draft", Decimal::MAX),
        )
        .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p.body.contains("超过以“人”计的上限"), "{}", p.body);
        assert!(
            db.store
                .reports_of_assignment(a.id)
                .await
                .unwrap()
                .iter()
                .all(|r| r.period.to_string() != "2023-10")
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn values_stored_before_the_door_cannot_break_a_page_or_an_accept() {
    for db in backends().await {
        let store = &db.store;
        let (st, plan, a) = changchun_demo(store).await;
        let cookies = sign_in_all(&st).await;
        // Every share of the target reports the largest decimal in October, accepted, written
        // straight into the store: sums of them overflow any Decimal.
        let shares: Vec<Assignment> = store
            .assignments_of_target(a.target)
            .await
            .unwrap()
            .into_iter()
            .filter(|s| s.quota.is_some())
            .collect();
        let mut tx = store.begin(&Actor::system("test")).await.unwrap();
        let mut ids = Vec::new();
        for (i, s) in shares.iter().enumerate() {
            let value = match i % 3 {
                0 => Decimal::MAX,
                1 => Decimal::new(1, 28),
                _ => Decimal::MAX,
            };
            let id = tx
                .insert_report(&NewReport {
                    assignment: s.id,
                    period: "2023-10".parse().unwrap(),
                    revision: 1,
                    cumulative: Some(value),
                    stage: None,
                    funds_spent: Some(Decimal::MAX),
                    narrative: "旧数据 / old data".into(),
                    status: ReportStatus::Submitted,
                })
                .await
                .unwrap();
            ids.push(id);
        }
        for id in &ids[1..] {
            tx.set_report_status(*id, ReportStatus::Submitted, ReportStatus::Accepted, None)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
        rollup::recompute(store, &Actor::system("test"))
            .await
            .unwrap();
        every_page_answers(&st, &cookies, plan, &a, Some(ids[0].0), db.label).await;

        // The office accepts the one still submitted: a clear refusal or an acceptance, never
        // a panic or a dropped connection.
        let office = &cookies[0].1;
        let (s, e) = json_as(
            &st,
            office,
            "POST",
            &format!("/api/reports/{}/accept", ids[0]),
            None,
        )
        .await;
        assert!(!s.is_server_error(), "{}: {s} {e}", db.label);
        every_page_answers(&st, &cookies, plan, &a, Some(ids[0].0), db.label).await;
        db.finish().await;
    }
}
