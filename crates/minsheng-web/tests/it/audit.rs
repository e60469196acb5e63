//! The audit trail, as a page and over JSON, on each backend: what a report's trail shows
//! (who, when, each changed field before → after, newest first), paging, and who may read
//! which trail — the office and viewers every one, a unit only its own units' records, any
//! plan's, and its own account's.

use crate::support::{changchun_demo, demo_sign_in, get_as, json_as, revisions};
use axum::http::StatusCode;
use minsheng_domain::{Actor, ReportStatus, Role};
use minsheng_store::testing::backends;
use minsheng_web::AppState;
use rust_decimal::Decimal;
use serde_json::{Value, json};

async fn get(st: &AppState, cookie: &str, uri: &str) -> (StatusCode, Value) {
    json_as(st, cookie, "GET", uri, None).await
}

/// (action, actor, entity) of each event of a trail, newest first.
fn events(trail: &Value) -> Vec<(String, String, String)> {
    trail["events"]
        .as_array()
        .unwrap_or_else(|| panic!("not a trail: {trail}"))
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_string(),
                e["actor"].as_str().unwrap().to_string(),
                e["entity"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The one field an error envelope names.
fn field(e: &Value) -> &str {
    e["errors"][0]["field"].as_str().unwrap_or("")
}

#[tokio::test]
async fn a_reports_trail_shows_each_change_field_by_field_to_those_who_see_the_unit() {
    for db in backends().await {
        let store = &db.store;
        let (st, plan, a) = changchun_demo(store).await;
        let cc = demo_sign_in(&st, "220100").await;
        let jl = demo_sign_in(&st, "220200").await;
        let office = demo_sign_in(&st, "office").await;
        let leader = demo_sign_in(&st, "leader").await;

        // 长春市 files October, the office accepts it.
        let floor = revisions(store, &a, "2023-08")
            .await
            .iter()
            .find(|r| r.status == ReportStatus::Accepted)
            .and_then(|r| r.cumulative)
            .unwrap();
        let value = (floor + Decimal::from(1200)).to_string();
        let (s, r) = json_as(
            &st,
            &cc,
            "POST",
            &format!("/api/assignments/{}/report", a.id),
            Some(json!({"period": "2023-10", "value": value, "narrative": "十月", "action": "submit"})),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{} {r}", db.label);
        let id = r["id"].as_i64().unwrap();
        let (s, r) = json_as(
            &st,
            &office,
            "POST",
            &format!("/api/reports/{id}/accept"),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{r}");

        // Its trail: the acceptance (status submitted → accepted) above the filing.
        let uri = format!("/api/audit?entity=report&id={id}");
        let (s, t) = get(&st, &office, &uri).await;
        assert_eq!(s, StatusCode::OK, "{} {t}", db.label);
        assert_eq!(
            (t["entity"].clone(), t["id"].clone()),
            (json!("report"), json!(id))
        );
        let got = events(&t);
        assert_eq!(got.first().unwrap().0, "accept", "{t}");
        assert_eq!(got.first().unwrap().1, "office");
        assert_eq!(got.last().unwrap().1, "220100", "{t}");
        assert!(got.iter().all(|(_, _, e)| e == "report"), "{t}");
        assert_eq!(
            t["events"][0]["changes"],
            json!([{"field": "status", "before": "submitted", "after": "accepted"}]),
            "only what the acceptance changed"
        );
        let filed = &t["events"][got.len() - 1]["changes"];
        let cumulative = filed
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["field"] == "cumulative")
            .unwrap_or_else(|| panic!("no cumulative in {filed}"));
        assert_eq!(cumulative["before"], Value::Null);
        assert_eq!(
            cumulative["after"]
                .as_str()
                .unwrap()
                .parse::<Decimal>()
                .unwrap(),
            floor + Decimal::from(1200)
        );
        assert_eq!(t["total"], json!(got.len()));
        assert_eq!(
            (t["page"].clone(), t["pages"].clone()),
            (json!(1), json!(1))
        );

        // The viewer of all and the unit itself read it; another city does not.
        for (who, cookie) in [("leader", &leader), ("220100", &cc)] {
            let (s, t2) = get(&st, cookie, &uri).await;
            assert_eq!(s, StatusCode::OK, "{who}: {t2}");
            assert_eq!(t2["total"], t["total"]);
        }
        let (s, e) = get(&st, &jl, &uri).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
        assert_eq!(
            get_as(&st, &jl, &format!("/audit?entity=report&id={id}"))
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        let (s, _) = get(&st, "", &uri).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);

        // The page: readable names, before → after, linked from the report's page.
        let p = get_as(&st, &office, &format!("/audit?entity=report&id={id}")).await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.body);
        for want in [
            "审计记录",
            "审核通过",
            "状态",
            // The status in the page's language, not its code.
            minsheng_domain::ReportStatus::Submitted.label_zh(),
            minsheng_domain::ReportStatus::Accepted.label_zh(),
            "累计完成值",
            // Who did it, as people call them; the login on hover.
            "title=\"220100\">长春市<",
            "title=\"office\">牵头办公室<",
            &format!("/reports/{id}"),
        ] {
            assert!(p.body.contains(want), "{want} missing from the page");
        }
        assert!(!p.body.contains("{\""), "no raw JSON on the page");
        let report_page = get_as(&st, &office, &format!("/reports/{id}")).await;
        assert!(
            report_page
                .body
                .contains(&format!("/audit?entity=report&amp;id={id}")),
            "the report links to its trail"
        );
        let p = get_as(&st, &cc, &format!("/targets/{}", a.target)).await;
        assert!(
            p.body
                .contains(&format!("/audit?entity=target&amp;id={}", a.target)),
            "the target links to its trail"
        );
        let p = get_as(&st, &office, &format!("/plans/{plan}")).await;
        assert!(
            p.body
                .contains(&format!("/audit?entity=plan&amp;id={plan}")),
            "the plan links to its trail"
        );

        // What cannot be read is named; what does not exist is not found.
        for (uri, want) in [
            ("/api/audit?entity=problem&id=1".to_string(), "entity"),
            ("/api/audit?entity=report&id=x".to_string(), "id"),
            (format!("/api/audit?entity=report&id={id}&page=0"), "page"),
            ("/api/audit?id=1".to_string(), "entity"),
        ] {
            let (s, e) = get(&st, &office, &uri).await;
            assert_eq!(
                (s, field(&e)),
                (StatusCode::UNPROCESSABLE_ENTITY, want),
                "{uri}: {e}"
            );
        }
        let (s, _) = get(&st, &office, "/api/audit?entity=report&id=999999").await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        assert_eq!(
            get_as(&st, &office, "/audit?entity=nothing&id=1")
                .await
                .status,
            StatusCode::BAD_REQUEST
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn a_unit_reads_its_own_shares_of_a_target_its_own_account_and_no_one_elses() {
    for db in backends().await {
        let store = &db.store;
        let (st, plan, a) = changchun_demo(store).await;
        let cc = demo_sign_in(&st, "220100").await;
        let office = demo_sign_in(&st, "office").await;
        let assignments = store.assignments_of_target(a.target).await.unwrap();
        assert!(assignments.len() > 2, "the demo splits its first target");

        // The target's trail: the office sees the target and every assignment's events,
        // 长春市 the target and its own share's only.
        let uri = format!("/api/audit?entity=target&id={}", a.target);
        let (s, all) = get(&st, &office, &uri).await;
        assert_eq!(s, StatusCode::OK, "{} {all}", db.label);
        let ids = |t: &Value, entity: &str| -> Vec<i64> {
            t["events"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|e| e["entity"] == entity)
                .map(|e| e["entity_id"].as_i64().unwrap())
                .collect()
        };
        let mut seen = ids(&all, "assignment");
        seen.sort();
        let mut want: Vec<i64> = assignments.iter().map(|x| x.id.0).collect();
        want.sort();
        assert_eq!(seen, want, "every assignment's creation");
        assert_eq!(ids(&all, "target"), vec![a.target.0]);
        let (s, mine) = get(&st, &cc, &uri).await;
        assert_eq!(s, StatusCode::OK, "{mine}");
        assert_eq!(
            ids(&mine, "assignment"),
            vec![a.id.0],
            "长春市's share alone"
        );
        assert_eq!(ids(&mine, "target"), vec![a.target.0]);

        // A unit that carries none of it reads nothing of it.
        let carriers: Vec<_> = assignments.iter().map(|x| x.unit).collect();
        let tree = store.unit_tree().await.unwrap();
        let stranger = store
            .accounts()
            .await
            .unwrap()
            .into_iter()
            .find(|s| {
                s.account.role == Role::Unit
                    && s.account
                        .unit
                        .is_some_and(|u| !carriers.iter().any(|c| tree.is_within(*c, u)))
            })
            .expect("a unit account that carries none of the first target");
        let other = demo_sign_in(&st, &stranger.account.name).await;
        let (s, e) = get(&st, &other, &uri).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
        let (s, e) = get(
            &st,
            &other,
            &format!("/api/audit?entity=assignment&id={}", a.id),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{e}");

        // A plan's trail is every signed-in account's to read.
        let (s, p) = get(&st, &cc, &format!("/api/audit?entity=plan&id={plan}")).await;
        assert_eq!(s, StatusCode::OK, "{p}");
        let last = p["pages"].as_i64().unwrap();
        assert!(last > 1, "the demo plan's records fill pages");
        let (_, p) = get(
            &st,
            &cc,
            &format!("/api/audit?entity=plan&id={plan}&page={last}"),
        )
        .await;
        assert!(
            events(&p)
                .iter()
                .any(|(action, _, e)| action == "create" && e == "plan"),
            "{p}"
        );

        // Accounts: one's own, and only the office's and viewers' for others.
        let cc_id = store
            .account_by_name("220100")
            .await
            .unwrap()
            .unwrap()
            .account
            .id;
        let office_id = store
            .account_by_name("office")
            .await
            .unwrap()
            .unwrap()
            .account
            .id;
        let (s, t) = get(&st, &cc, &format!("/api/audit?entity=account&id={cc_id}")).await;
        assert_eq!(s, StatusCode::OK, "{t}");
        assert_eq!(events(&t)[0].0, "create");
        let (s, e) = get(
            &st,
            &cc,
            &format!("/api/audit?entity=account&id={office_id}"),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
        assert_eq!(
            get_as(&st, &cc, &format!("/audit?entity=account&id={office_id}"))
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        let (s, _) = get(
            &st,
            &office,
            &format!("/api/audit?entity=account&id={cc_id}"),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        db.finish().await;
    }
}

#[tokio::test]
async fn a_long_trail_is_read_a_page_at_a_time() {
    for db in backends().await {
        let store = &db.store;
        let (st, _, a) = changchun_demo(store).await;
        let office = demo_sign_in(&st, "office").await;
        let uri = format!("/api/audit?entity=assignment&id={}", a.id);
        // The demo's: the creation, and the schedule of the approved implementation plan.
        let (_, start) = get(&st, &office, &uri).await;
        let had = start["total"].as_u64().unwrap();
        assert_eq!(had, 2, "{} {start}", db.label);
        // 60 changes of 长春市's quota, one transaction each.
        for n in 1..=60 {
            let mut tx = store.begin(&Actor::new("office")).await.unwrap();
            tx.update_assignment(a.id, a.role, Some(Decimal::from(1000 + n)), a.budget)
                .await
                .unwrap();
            tx.commit().await.unwrap();
        }
        let (s, first) = get(&st, &office, &uri).await;
        assert_eq!(s, StatusCode::OK, "{} {first}", db.label);
        assert_eq!(
            first["total"],
            json!(had + 60),
            "what the demo wrote and 60 changes"
        );
        assert_eq!(
            (first["pages"].clone(), first["per_page"].clone()),
            (json!(2), json!(50))
        );
        assert_eq!(first["events"].as_array().unwrap().len(), 50);
        assert_eq!(
            first["events"][0]["changes"],
            json!([{"field": "quota", "before": "1059", "after": "1060"}]),
            "newest first, only the quota changed"
        );
        let (s, second) = get(&st, &office, &format!("{uri}&page=2")).await;
        assert_eq!(s, StatusCode::OK);
        let rest = events(&second);
        assert_eq!(rest.len() as u64, had + 60 - 50);
        assert_eq!(rest.last().unwrap().0, "create", "the oldest last");
        let (_, beyond) = get(&st, &office, &format!("{uri}&page=3")).await;
        assert!(beyond["events"].as_array().unwrap().is_empty());

        let p = get_as(
            &st,
            &office,
            &format!("/audit?entity=assignment&id={}", a.id),
        )
        .await;
        let at = p.body.find("class=\"pager\"").unwrap_or(0);
        assert!(
            p.body.contains(&format!(
                "/audit?entity=assignment&#38;id={}&#38;page=2",
                a.id
            )),
            "a link to the next page: {}",
            &p.body[at..]
        );
        let p = get_as(
            &st,
            &office,
            &format!("/audit?entity=assignment&id={}&page=2", a.id),
        )
        .await;
        assert_eq!(p.status, StatusCode::OK);
        assert!(p.body.contains("rel=\"prev\""));
        db.finish().await;
    }
}
