//! Reporting and review over JSON, on each backend: the whole flow from draft to acceptance
//! with the roll-up following it, every refusal of the pages as the error envelope naming the
//! field, and a unit, a stranger or another site reaching nothing of another unit's.

use crate::support::{
    Page, changchun_demo, changchun_share_of, demo_sign_in, json_as, revisions, send, state, upload,
};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use minsheng_app::demo;
use minsheng_app::reporting::MAX_EVIDENCE_BYTES;
use minsheng_domain::{Assignment, ReportStatus, TargetKind};
use minsheng_store::testing::backends;
use minsheng_web::AppState;
use rust_decimal::Decimal;
use serde_json::{Value, json};

async fn get(st: &AppState, cookie: &str, uri: &str) -> (StatusCode, Value) {
    json_as(st, cookie, "GET", uri, None).await
}

async fn post(st: &AppState, cookie: &str, uri: &str, body: Value) -> (StatusCode, Value) {
    json_as(st, cookie, "POST", uri, Some(body)).await
}

/// The status and JSON body of an upload's answer.
fn json_of(p: &Page) -> (StatusCode, Value) {
    let v = serde_json::from_str(&p.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", p.body));
    (p.status, v)
}

/// The fields an error envelope names, in order.
fn fields(e: &Value) -> Vec<&str> {
    e["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("not the envelope: {e}"))
        .iter()
        .map(|x| {
            assert_eq!(x["code"], "invalid", "{e}");
            x["field"].as_str().unwrap()
        })
        .collect()
}

fn dec(v: &Value) -> Decimal {
    v.as_str()
        .unwrap_or_else(|| panic!("not a decimal string: {v}"))
        .parse()
        .unwrap()
}

/// The dashboard's row for a target at a month: Σ actual and how many shares have no
/// accepted report of that month.
async fn dashboard_row(
    st: &AppState,
    office: &str,
    period: &str,
    a: &Assignment,
) -> (Decimal, i64) {
    let (s, d) = get(st, office, &format!("/api/dashboard?period={period}")).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    let row = d["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["target_id"] == a.target.0)
        .unwrap_or_else(|| panic!("no row for target {}", a.target));
    (dec(&row["actual"]), row["missing"].as_i64().unwrap())
}

/// The workspace line of assignment `a`.
fn line<'a>(w: &'a Value, a: &Assignment) -> &'a Value {
    w["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["assignment"]["id"] == a.id.0)
        .unwrap_or_else(|| panic!("assignment {} not in {w}", a.id))
}

#[tokio::test]
async fn a_report_goes_from_draft_to_return_to_acceptance_over_json() {
    for db in backends().await {
        let store = &db.store;
        let (st, plan, a) = changchun_demo(store).await;
        let cc = demo_sign_in(&st, "220100").await;
        let office = demo_sign_in(&st, "office").await;
        let report_uri = format!("/api/assignments/{}/report", a.id);
        let form_uri = format!("{report_uri}?period=2023-10");

        // The workspace: the month being reported by default, October on request.
        let (s, w) = get(&st, &cc, "/api/workspace").await;
        assert_eq!(s, StatusCode::OK, "{} {w}", db.label);
        assert_eq!(w["period"], "2023-09");
        assert_eq!(w["unit"]["name"], "长春市");
        let (_, w) = get(&st, &cc, "/api/workspace?period=2023-10").await;
        let l = line(&w, &a);
        assert_eq!(l["status"], "none", "{l}");
        assert!(l["report"].is_null());
        assert_eq!(l["assignment"]["unit"]["name"], "长春市");
        assert_eq!(l["assignment"]["target"]["unit"], "人");
        let (s, e) = get(&st, &cc, "/api/workspace?period=2023").await;
        assert_eq!(
            (s, fields(&e)),
            (StatusCode::UNPROCESSABLE_ENTITY, vec!["period"])
        );

        // The form: nothing yet, August's accepted value as the floor.
        let (s, f) = get(&st, &cc, &form_uri).await;
        assert_eq!(s, StatusCode::OK, "{f}");
        assert_eq!(f["period"], "2023-10");
        assert_eq!(f["editable"], true);
        assert_eq!(f["takes_evidence"], false);
        assert!(f["revisions"].as_array().unwrap().is_empty());
        let august = revisions(store, &a, "2023-08").await;
        let floor = august
            .iter()
            .find(|r| r.status == ReportStatus::Accepted)
            .and_then(|r| r.cumulative)
            .unwrap();
        assert_eq!(f["floor"]["period"], "2023-08");
        assert_eq!(dec(&f["floor"]["value"]), floor);

        // The roll-up of October before: 长春市's share counts August's value, unreported.
        let (actual_before, missing_before) = dashboard_row(&st, &office, "2023-10", &a).await;
        assert!(missing_before >= 1);

        // Every refusal names its field, and nothing is written.
        let audits = store.audit_count().await.unwrap();
        let lower = (floor - Decimal::ONE).to_string();
        for (body, want) in [
            (
                json!({"period": "2023-10", "value": "很多", "action": "draft"}),
                vec!["value"],
            ),
            (
                json!({"period": "2023-10", "value": "很多", "spent": "不少", "action": "draft"}),
                vec!["value", "spent"],
            ),
            (
                json!({"period": "2023-10", "value": 230000, "action": "draft"}),
                vec!["value"],
            ),
            (
                json!({"period": "2023-10", "value": lower, "narrative": "十月", "action": "submit"}),
                vec!["value"],
            ),
            (
                json!({"period": "2023-10", "value": lower, "correction": true, "action": "draft"}),
                vec!["narrative"],
            ),
            (
                json!({"period": "2023-10", "value": "1", "action": "publish"}),
                vec!["action"],
            ),
            (json!({"period": "2023-10", "value": "1"}), vec!["action"]),
            (
                json!({"period": "2023-10", "spent": "-5", "action": "draft"}),
                vec!["spent"],
            ),
            (
                json!({"period": "2023-13", "value": "1", "action": "draft"}),
                vec!["period"],
            ),
            (
                json!({"period": "2023-11", "value": "1", "action": "draft"}),
                vec!["period"],
            ),
            (
                json!({"period": "2023-10", "narrative": "只写了说明", "action": "submit"}),
                vec!["value"],
            ),
        ] {
            let (s, e) = post(&st, &cc, &report_uri, body.clone()).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {e}");
            assert_eq!(fields(&e), want, "{body}: {e}");
        }
        let (_, e) = post(
            &st,
            &cc,
            &report_uri,
            json!({"period": "2023-10", "value": lower, "narrative": "十月", "action": "submit"}),
        )
        .await;
        let detail = e["errors"][0]["detail"].as_str().unwrap();
        assert!(detail.starts_with("累计值"), "Chinese first: {detail}");
        assert!(revisions(store, &a, "2023-10").await.is_empty());
        assert_eq!(store.audit_count().await.unwrap(), audits, "nothing saved");

        // A draft, kept and rewritten in place.
        let value = (floor + Decimal::from(1200)).to_string();
        let draft_body = json!({
            "period": "2023-10", "value": value, "spent": "350万",
            "narrative": "十月新增就业稳步推进", "action": "draft",
        });
        let (s, d) = post(&st, &cc, &report_uri, draft_body.clone()).await;
        assert_eq!(s, StatusCode::CREATED, "{d}");
        assert_eq!(
            (d["status"].clone(), d["revision"].clone()),
            (json!("draft"), json!(1))
        );
        assert_eq!(d["spent"], "3500000", "350万 read as people write it");
        assert_eq!(d["value"], value.as_str());
        assert_eq!(d["filed_by"], "220100");
        assert!(d["evidence"].as_array().unwrap().is_empty());
        let draft = d["id"].as_i64().unwrap();
        let (s, d) = post(&st, &cc, &report_uri, draft_body).await;
        assert_eq!((s, d["id"].as_i64()), (StatusCode::CREATED, Some(draft)));
        assert_eq!(revisions(store, &a, "2023-10").await.len(), 1);
        let p = send(
            &st,
            Request::post(&report_uri)
                .header(header::COOKIE, &cc)
                .header(header::CONTENT_TYPE, "application/json")
                .header("sec-fetch-site", "same-origin")
                .body(Body::from(
                    json!({"period": "2023-10", "value": value, "action": "draft"}).to_string(),
                ))
                .unwrap(),
        )
        .await;
        assert_eq!(
            p.location.as_deref(),
            Some(format!("/api/reports/{draft}").as_str())
        );
        let (s, f) = get(&st, &cc, &form_uri).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(f["takes_evidence"], true);
        assert_eq!(f["revisions"][0]["status"], "draft");

        // Evidence: a PDF is kept (201, its download link); a program is refused by field.
        let ev_uri = format!("/api/reports/{draft}/evidence");
        let pdf = b"%PDF-1.4 \xe5\x8f\xb0\xe8\xb4\xa6".to_vec();
        let (s, ev) = json_of(&upload(&st, &cc, &ev_uri, "10月就业台账.pdf", &pdf).await);
        assert_eq!(s, StatusCode::CREATED, "{ev}");
        assert_eq!(ev["file_name"], "10月就业台账.pdf");
        assert_eq!(ev["content_type"], "application/pdf");
        assert_eq!(ev["size"], pdf.len());
        assert_eq!(ev["report_id"], draft);
        let ev_id = ev["id"].as_i64().unwrap();
        assert_eq!(ev["href"], format!("/evidence/{ev_id}"));
        let p = crate::support::get_as(&st, &cc, &format!("/evidence/{ev_id}")).await;
        assert_eq!(p.status, StatusCode::OK, "the link serves the file");
        let (s, e) = json_of(&upload(&st, &cc, &ev_uri, "setup.exe", b"MZ").await);
        assert_eq!(
            (s, fields(&e)),
            (StatusCode::UNPROCESSABLE_ENTITY, vec!["file"])
        );
        assert!(
            e["errors"][0]["detail"]
                .as_str()
                .unwrap()
                .starts_with("不接受“setup.exe”")
        );
        // Over axum's default 2 MiB but within 20 MiB: taken, the route's limit is raised.
        let (s, big) = json_of(&upload(&st, &cc, &ev_uri, "照片.jpg", &vec![b'x'; 3 << 20]).await);
        assert_eq!(s, StatusCode::CREATED, "{big}");
        let huge = vec![b'x'; MAX_EVIDENCE_BYTES + 200 * 1024];
        let (s, e) = json_of(&upload(&st, &cc, &ev_uri, "huge.pdf", &huge).await);
        assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{e}");
        assert_eq!(
            (
                e["errors"][0]["code"].clone(),
                e["errors"][0]["field"].clone()
            ),
            (json!("too_large"), json!("file"))
        );
        assert_eq!(
            store
                .evidence_of_report(minsheng_domain::ReportId(draft))
                .await
                .unwrap()
                .len(),
            2
        );

        // Submitted: revision 1 awaits review; filing again is refused until it is reviewed.
        let (s, r1) = post(
            &st,
            &cc,
            &report_uri,
            json!({"period": "2023-10", "value": value, "spent": "3500000",
                   "narrative": "十月新增就业稳步推进", "action": "submit"}),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{r1}");
        assert_eq!(
            (r1["id"].as_i64(), r1["status"].as_str()),
            (Some(draft), Some("submitted"))
        );
        assert_eq!(
            r1["evidence"].as_array().unwrap().len(),
            2,
            "the draft's evidence stays"
        );
        let (s, e) = post(
            &st,
            &cc,
            &report_uri,
            json!({"period": "2023-10", "value": value, "action": "draft"}),
        )
        .await;
        assert_eq!(
            (s, fields(&e)),
            (StatusCode::UNPROCESSABLE_ENTITY, vec!["period"])
        );
        let (_, w) = get(&st, &cc, "/api/workspace?period=2023-10").await;
        assert_eq!(line(&w, &a)["status"], "submitted");
        assert_eq!(line(&w, &a)["report"]["id"], draft);

        // The office's queue: ours last (oldest filing first), with its evidence count.
        let (s, q) = get(&st, &office, &format!("/api/review?plan={plan}")).await;
        assert_eq!(s, StatusCode::OK, "{q}");
        assert_eq!(q["plan"], plan.0);
        let queued = q["reports"].as_array().unwrap();
        assert!(
            queued.len() > 1,
            "the demo's September reports are queued too"
        );
        let last = queued.last().unwrap();
        assert_eq!(last["report"]["id"], draft);
        assert_eq!(last["assignment"]["unit"]["name"], "长春市");
        assert_eq!(last["evidence"], 2);
        let (s, e) = get(&st, &office, "/api/review?plan=abc").await;
        assert_eq!(
            (s, fields(&e)),
            (StatusCode::UNPROCESSABLE_ENTITY, vec!["plan"])
        );
        let (s, _) = get(&st, &office, "/api/review?plan=999999").await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        // A page of the queue: the oldest filings first, as in the whole queue.
        let ids = |q: &serde_json::Value| -> Vec<i64> {
            q["reports"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["report"]["id"].as_i64().unwrap())
                .collect()
        };
        let (s, page) = get(&st, &office, &format!("/api/review?plan={plan}&limit=2")).await;
        assert_eq!(s, StatusCode::OK, "{page}");
        assert_eq!(ids(&page), ids(&q)[..2].to_vec());
        let (s, all) = get(&st, &office, "/api/review?limit=10000").await;
        assert_eq!(s, StatusCode::OK, "{all}");
        assert_eq!(
            ids(&all),
            ids(&q),
            "one plan: every plan's queue is this one"
        );
        for bad in ["0", "10001", "-1", "two"] {
            let (s, e) = get(&st, &office, &format!("/api/review?limit={bad}")).await;
            assert_eq!(
                (s, fields(&e)),
                (StatusCode::UNPROCESSABLE_ENTITY, vec!["limit"]),
                "{bad}"
            );
        }

        // Returned: a reason is required.
        let return_uri = format!("/api/reports/{draft}/return");
        for body in [json!({"reason": "  "}), json!({})] {
            let (s, e) = post(&st, &office, &return_uri, body.clone()).await;
            assert_eq!(
                (s, fields(&e)),
                (StatusCode::UNPROCESSABLE_ENTITY, vec!["reason"]),
                "{body}"
            );
        }
        assert_eq!(
            store
                .report(minsheng_domain::ReportId(draft))
                .await
                .unwrap()
                .status,
            ReportStatus::Submitted
        );
        let reason = "数值与统计台账不符,请核实后重报";
        let (s, r) = post(&st, &office, &return_uri, json!({"reason": reason})).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!(
            (r["status"].as_str(), r["return_reason"].as_str()),
            (Some("returned"), Some(reason))
        );
        assert_eq!(r["reviewed_by"], "office");

        // The unit sees the reason and refiles: revision 2, revision 1 kept as filed.
        let (_, w) = get(&st, &cc, "/api/workspace?period=2023-10").await;
        assert_eq!(line(&w, &a)["status"], "returned");
        let ret = w["returned"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["report"]["id"] == draft)
            .unwrap_or_else(|| panic!("not among the returned: {w}"));
        assert_eq!(ret["report"]["return_reason"], reason);
        assert_eq!(ret["assignment"]["id"], a.id.0);
        let (_, f) = get(&st, &cc, &form_uri).await;
        assert_eq!(
            (f["editable"].clone(), f["takes_evidence"].clone()),
            (json!(true), json!(false))
        );
        let corrected = (floor + Decimal::from(120)).to_string();
        let (s, r2) = post(
            &st,
            &cc,
            &report_uri,
            json!({"period": "2023-10", "value": corrected, "narrative": "已按台账核实更正", "action": "submit"}),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{r2}");
        assert_eq!(
            (r2["revision"].as_i64(), r2["status"].as_str()),
            (Some(2), Some("submitted"))
        );
        let second = r2["id"].as_i64().unwrap();
        assert_ne!(second, draft);
        let (s, v) = get(&st, &cc, &format!("/api/reports/{second}")).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["report"]["id"], second);
        assert_eq!(v["assignment"]["id"], a.id.0);
        assert_eq!(v["plan"]["id"], plan.0);
        let revs = v["revisions"].as_array().unwrap();
        assert_eq!(revs.len(), 2);
        assert_eq!(
            (revs[0]["id"].as_i64(), revs[0]["revision"].as_i64()),
            (Some(draft), Some(1))
        );
        assert_eq!(revs[0]["status"], "returned");
        assert_eq!(revs[0]["value"], value.as_str(), "kept as filed");
        assert_eq!(revs[0]["return_reason"], reason);
        assert_eq!(revs[0]["evidence"][0]["href"], format!("/evidence/{ev_id}"));
        assert_eq!(revs[1]["value"], corrected.as_str());

        // Accepted: reviewed once only, and the month is locked.
        let (s, r) = post(
            &st,
            &office,
            &format!("/api/reports/{second}/accept"),
            json!({}),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!(r["status"], "accepted");
        let (s, e) = post(
            &st,
            &office,
            &format!("/api/reports/{second}/accept"),
            json!({}),
        )
        .await;
        // Issue #10: a second review is a conflict (409), never a second success.
        assert_eq!(
            (s, &e["errors"][0]["code"]),
            (StatusCode::CONFLICT, &json!("conflict")),
            "{e}"
        );
        let audits = store.audit_count().await.unwrap();
        let (s, e) = post(
            &st,
            &cc,
            &report_uri,
            json!({"period": "2023-10", "value": corrected, "narrative": "再改", "action": "submit"}),
        )
        .await;
        assert_eq!(
            (s, fields(&e)),
            (StatusCode::UNPROCESSABLE_ENTITY, vec!["period"])
        );
        assert!(
            e["errors"][0]["detail"]
                .as_str()
                .unwrap()
                .contains("该期已锁定"),
            "{e}"
        );
        let (s, e) = json_of(
            &upload(
                &st,
                &cc,
                &format!("/api/reports/{second}/evidence"),
                "补充.pdf",
                b"%PDF",
            )
            .await,
        );
        assert_eq!(
            (s, fields(&e)),
            (StatusCode::UNPROCESSABLE_ENTITY, vec!["status"])
        );
        assert_eq!(
            store.audit_count().await.unwrap(),
            audits,
            "nothing written"
        );
        assert_eq!(revisions(store, &a, "2023-10").await.len(), 2);
        let (_, f) = get(&st, &cc, &form_uri).await;
        assert_eq!(f["editable"], false);
        let (_, w) = get(&st, &cc, "/api/workspace?period=2023-10").await;
        assert_eq!(line(&w, &a)["status"], "accepted");
        assert!(
            w["returned"]
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["report"]["id"] != draft)
        );

        // The roll-up follows: 长春市's share now counts its October value and is reported.
        let (actual_after, missing_after) = dashboard_row(&st, &office, "2023-10", &a).await;
        assert_eq!(
            actual_after - actual_before,
            corrected.parse::<Decimal>().unwrap() - floor,
            "{}",
            db.label
        );
        assert_eq!(missing_after, missing_before - 1);
        db.finish().await;
    }
}

#[tokio::test]
async fn a_qualitative_item_is_reported_as_a_stage_over_json() {
    for db in backends().await {
        let store = &db.store;
        demo::build_with(store, false).await.unwrap();
        let st = state(store, true);
        let plan = store.plans().await.unwrap()[0].id;
        let target = store
            .targets(plan)
            .await
            .unwrap()
            .into_iter()
            .find(|t| t.kind == TargetKind::Stage)
            .unwrap();
        let a = changchun_share_of(store, target.id).await;
        let cc = demo_sign_in(&st, "220100").await;
        let uri = format!("/api/assignments/{}/report", a.id);
        let (s, f) = get(&st, &cc, &uri).await;
        assert_eq!(s, StatusCode::OK, "{} {f}", db.label);
        assert_eq!(f["assignment"]["target"]["kind"], "stage");
        assert!(f["floor"].is_null(), "a stage is held to no floor");
        for (body, want) in [
            (
                json!({"period": "2023-09", "narrative": "x", "action": "submit"}),
                "stage",
            ),
            (
                json!({"period": "2023-09", "stage": "half", "action": "submit"}),
                "stage",
            ),
            (
                json!({"period": "2023-09", "value": "1", "stage": "in_progress", "action": "submit"}),
                "value",
            ),
        ] {
            let (s, e) = post(&st, &cc, &uri, body.clone()).await;
            assert_eq!(
                (s, fields(&e)),
                (StatusCode::UNPROCESSABLE_ENTITY, vec![want]),
                "{body}"
            );
        }
        let (s, r) = post(
            &st,
            &cc,
            &uri,
            json!({"period": "2023-09", "stage": "in_progress", "narrative": "方案已印发", "action": "submit"}),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        assert_eq!(
            (r["stage"].as_str(), r["value"].is_null()),
            (Some("in_progress"), true)
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn another_unit_a_stranger_or_another_site_reaches_nothing_over_json() {
    for db in backends().await {
        let store = &db.store;
        let (st, plan, a) = changchun_demo(store).await;
        let cc = demo_sign_in(&st, "220100").await;
        let jl = demo_sign_in(&st, "220200").await;
        let leader = demo_sign_in(&st, "leader").await;
        let office = demo_sign_in(&st, "office").await;
        let report_uri = format!("/api/assignments/{}/report", a.id);
        let (s, d) = post(
            &st,
            &cc,
            &report_uri,
            json!({"period": "2023-10", "value": "99000", "narrative": "x", "action": "submit"}),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{} {d}", db.label);
        let report = d["id"].as_i64().unwrap();
        let ev_uri = format!("/api/reports/{report}/evidence");
        let (s, _) = json_of(&upload(&st, &cc, &ev_uri, "a.png", b"\x89PNG").await);
        assert_eq!(s, StatusCode::CREATED);
        let audits = store.audit_count().await.unwrap();
        let filed = revisions(store, &a, "2023-10").await;

        // 吉林市: every read and write of 长春市's is refused with the envelope.
        let forbidden = |s: StatusCode, e: &Value, what: &str| {
            assert_eq!(s, StatusCode::FORBIDDEN, "{what}: {e}");
            assert_eq!(e["errors"][0]["code"], "forbidden", "{what}: {e}");
            assert!(
                e["errors"][0]["detail"]
                    .as_str()
                    .unwrap()
                    .starts_with("无权"),
                "{e}"
            );
        };
        for uri in [
            format!("{report_uri}?period=2023-10"),
            format!("/api/reports/{report}"),
            format!("/api/review?plan={plan}"),
        ] {
            let (s, e) = get(&st, &jl, &uri).await;
            forbidden(s, &e, &uri);
            assert!(!e.to_string().contains("99000"), "{e}");
        }
        let (s, e) = post(
            &st,
            &jl,
            &report_uri,
            json!({"period": "2023-10", "value": "1", "narrative": "x", "action": "draft"}),
        )
        .await;
        forbidden(s, &e, "POST report");
        let (s, e) = json_of(&upload(&st, &jl, &ev_uri, "b.pdf", b"%PDF").await);
        forbidden(s, &e, "POST evidence");
        for (action, body) in [("accept", json!({})), ("return", json!({"reason": "x"}))] {
            let (s, e) = post(&st, &jl, &format!("/api/reports/{report}/{action}"), body).await;
            forbidden(s, &e, action);
        }
        let (s, w) = get(&st, &jl, "/api/workspace?period=2023-10").await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(w["unit"]["name"], "吉林市");
        assert!(
            w["assignments"]
                .as_array()
                .unwrap()
                .iter()
                .all(|l| l["assignment"]["id"] != a.id.0),
            "吉林市's workspace lists none of 长春市's"
        );

        // A viewer reads the queue and the report but reviews nothing; the office files
        // nothing and has no workspace.
        let (s, q) = get(&st, &leader, &format!("/api/review?plan={plan}")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            q["reports"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["report"]["id"] == report)
        );
        let (s, v) = get(&st, &leader, &format!("/api/reports/{report}")).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(v["report"]["evidence"][0]["file_name"], "a.png");
        let (s, e) = post(
            &st,
            &leader,
            &format!("/api/reports/{report}/accept"),
            json!({}),
        )
        .await;
        forbidden(s, &e, "a viewer accepting");
        let (s, e) = get(&st, &office, "/api/workspace").await;
        forbidden(s, &e, "the office's workspace");
        let (s, e) = post(
            &st,
            &office,
            &report_uri,
            json!({"period": "2023-10", "value": "2", "action": "draft"}),
        )
        .await;
        forbidden(s, &e, "the office filing");

        // Nobody signed in: 401 everywhere.
        for (method, uri, body) in [
            ("GET", "/api/workspace".to_string(), None),
            ("GET", format!("{report_uri}?period=2023-10"), None),
            (
                "POST",
                report_uri.clone(),
                Some(json!({"period": "2023-10", "value": "1", "action": "draft"})),
            ),
            ("GET", format!("/api/reports/{report}"), None),
            ("GET", "/api/review".to_string(), None),
            (
                "POST",
                format!("/api/reports/{report}/accept"),
                Some(json!({})),
            ),
            (
                "POST",
                format!("/api/reports/{report}/return"),
                Some(json!({"reason": "x"})),
            ),
        ] {
            let (s, e) = json_as(&st, "", method, &uri, body).await;
            assert_eq!(s, StatusCode::UNAUTHORIZED, "{method} {uri}: {e}");
            assert_eq!(e["errors"][0]["code"], "unauthenticated");
        }
        let (s, e) = json_of(&upload(&st, "", &ev_uri, "c.pdf", b"%PDF").await);
        assert_eq!(
            (s, e["errors"][0]["code"].as_str()),
            (StatusCode::UNAUTHORIZED, Some("unauthenticated"))
        );

        // No such assignment or report: 404.
        let (s, _) = get(&st, &cc, "/api/assignments/987654/report?period=2023-10").await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, _) = get(&st, &cc, "/api/reports/987654").await;
        assert_eq!(s, StatusCode::NOT_FOUND);

        // Another site, with 长春市's or the office's cookie: refused before anything runs.
        for (cookie, uri, body) in [
            (
                &cc,
                report_uri.clone(),
                json!({"period": "2023-10", "value": "1", "action": "draft"}),
            ),
            (&office, format!("/api/reports/{report}/accept"), json!({})),
            (
                &office,
                format!("/api/reports/{report}/return"),
                json!({"reason": "伪造"}),
            ),
        ] {
            let req = Request::post(&uri)
                .header(header::COOKIE, cookie.as_str())
                .header(header::CONTENT_TYPE, "application/json")
                .header("sec-fetch-site", "cross-site")
                .header(header::ORIGIN, "https://evil.example")
                .body(Body::from(body.to_string()))
                .unwrap();
            let p = send(&st, req).await;
            assert_eq!(p.status, StatusCode::FORBIDDEN, "{uri}: {}", p.body);
        }
        assert_eq!(
            store.audit_count().await.unwrap(),
            audits,
            "nothing written"
        );
        assert_eq!(revisions(store, &a, "2023-10").await, filed);
        db.finish().await;
    }
}
