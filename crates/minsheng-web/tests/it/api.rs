//! The JSON API and its OpenAPI document, on each backend: who may read what, problems and
//! decomposition over JSON with the pages' permission checks, one error envelope.

use crate::support::{
    RAISED_REASSIGNED_RESOLVED, audit_trail, demo_sign_in, json_as, state, unit_id,
};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use minsheng_app::demo;
use minsheng_app::import::{ImportOptions, import_plan};
use minsheng_domain::{Actor, PlanKind, PlanStatus};
use minsheng_store::testing::backends;
use minsheng_web::{AppState, router};
use serde_json::{Value, json};
use tower::ServiceExt;

async fn get_json(state: &AppState, uri: &str) -> (StatusCode, Value) {
    get_json_as(state, "", uri).await
}

/// `GET uri` with the session `cookie`; the answer must be JSON, errors included.
async fn get_json_as(state: &AppState, cookie: &str, uri: &str) -> (StatusCode, Value) {
    let mut req = Request::get(uri);
    if !cookie.is_empty() {
        req = req.header(header::COOKIE, cookie);
    }
    let res = router(state.clone())
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    assert_eq!(res.headers()["content-type"], "application/json", "{uri}");
    let body = res.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&body).unwrap())
}

#[tokio::test]
async fn plans_tracking_and_dashboard_as_json() {
    for db in backends().await {
        demo::build(&db.store).await.unwrap();
        let state = state(&db.store, true);
        let office = demo_sign_in(&state, "office").await;
        let plan = db.store.plans().await.unwrap()[0].id;

        let (s, plans) = get_json(&state, "/api/plans").await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(plans[0]["year"], 2023, "{}", db.label);
        assert_eq!(plans[0]["declared_sections"], 14);

        let (s, outline) = get_json(&state, &format!("/api/plans/{plan}")).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(outline["sections"].as_array().unwrap().len(), 10);
        let first = &outline["sections"][0]["items"][0]["targets"][0];
        assert_eq!(first["value"], "230000", "exact decimals travel as strings");
        assert_eq!(first["unit"], "人");
        assert_eq!(first["cmp"], "ge");

        let (s, t) = get_json_as(
            &state,
            &office,
            &format!("/api/plans/{plan}/tracking?period=2023-08"),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{t}");
        assert_eq!(t["period"], "2023-08");
        assert_eq!(t["ranking"].as_array().unwrap().len(), 9);
        let statuses = ["done", "on_track", "lagging", "at_risk", "not_reported"];
        for x in t["targets"].as_array().unwrap() {
            assert!(statuses.contains(&x["status"].as_str().unwrap()), "{x}");
        }
        let c = &t["completeness"];
        assert_eq!(
            c["received"].as_u64().unwrap() + c["missing"].as_u64().unwrap(),
            c["expected"].as_u64().unwrap()
        );

        let (s, d) = get_json_as(&state, &office, "/api/dashboard?period=2023-08").await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(
            d["targets"].as_array().unwrap().len(),
            t["targets"].as_array().unwrap().len()
        );
        assert_eq!(
            d["regions"].as_array().unwrap().len(),
            9 * 10,
            "nine prefectures × ten sections"
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn errors_use_one_envelope() {
    for db in backends().await {
        demo::build(&db.store).await.unwrap();
        let state = state(&db.store, true);
        let office = demo_sign_in(&state, "office").await;
        let plan = db.store.plans().await.unwrap()[0].id;
        let cases = [
            (
                "/api/plans/999999".to_string(),
                StatusCode::NOT_FOUND,
                "not_found",
            ),
            (
                "/api/plans/abc".to_string(),
                StatusCode::NOT_FOUND,
                "not_found",
            ),
            (
                format!("/api/plans/{plan}/tracking?period=13%E6%9C%88"),
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
            ),
            (
                format!("/api/plans/{plan}/tracking?period=2024-01"),
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
            ),
            (
                "/api/dashboard?period=2023".to_string(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
            ),
            (
                "/api/problems?state=lost".to_string(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
            ),
            (
                "/api/problems/999999".to_string(),
                StatusCode::NOT_FOUND,
                "not_found",
            ),
        ];
        for (uri, status, code) in cases {
            let (s, body) = get_json_as(&state, &office, &uri).await;
            assert_eq!(s, status, "{uri} on {}", db.label);
            assert_eq!(body["errors"][0]["code"], code, "{uri}: {body}");
            assert!(!body["errors"][0]["detail"].as_str().unwrap().is_empty());
            if code == "invalid" {
                let field = body["errors"][0]["field"].as_str().unwrap();
                assert!(field == "period" || field == "state", "{uri}: {body}");
            } else {
                assert!(body["errors"][0].get("field").is_none(), "{body}");
            }
        }
        db.finish().await;
    }
}

#[tokio::test]
async fn the_openapi_document_describes_every_route() {
    let db = minsheng_store::testing::sqlite().await;
    let state = crate::support::state(&db.store, false);
    let (s, doc) = get_json(&state, "/api/openapi.json").await;
    assert_eq!(s, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/api/plans",
        "/api/plans/{id}",
        "/api/plans/{id}/tracking",
        "/api/dashboard",
        "/api/me",
        "/api/problems",
        "/api/problems/{id}",
        "/api/problems/{id}/assign",
        "/api/problems/{id}/resolve",
        "/api/targets/{id}/assignments",
        "/api/assignments/{id}/schedule",
        "/api/workspace",
        "/api/assignments/{id}/report",
        "/api/reports/{id}",
        "/api/review",
        "/api/reports/{id}/accept",
        "/api/reports/{id}/return",
        "/api/reports/{id}/evidence",
    ] {
        assert!(
            paths.contains_key(p),
            "{p} missing from {:?}",
            paths.keys().collect::<Vec<_>>()
        );
    }
    for (p, methods) in [
        ("/api/problems", &["get", "post"][..]),
        ("/api/targets/{id}/assignments", &["get", "put"]),
        ("/api/assignments/{id}/schedule", &["put"]),
        ("/api/workspace", &["get"]),
        ("/api/assignments/{id}/report", &["get", "post"]),
        ("/api/reports/{id}", &["get"]),
        ("/api/review", &["get"]),
        ("/api/reports/{id}/accept", &["post"]),
        ("/api/reports/{id}/return", &["post"]),
        ("/api/reports/{id}/evidence", &["post"]),
    ] {
        for m in methods {
            assert!(paths[p].get(m).is_some(), "{m} {p}");
        }
    }
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for s in [
        "PlanDto",
        "TrackingDto",
        "DashboardDto",
        "ErrorsDto",
        "ErrorDto",
        "MeDto",
        "UnitDto",
        "UnitRefDto",
        "ProblemDto",
        "EscalationDto",
        "NewProblemDto",
        "AssignProblemDto",
        "ResolveProblemDto",
        "AssignmentDto",
        "TargetAssignmentsDto",
        "DecompositionDto",
        "ShareDto",
        "ScheduleDto",
        "SchedulePointDto",
        "MilestoneDto",
        "AssignmentScheduleDto",
        "WorkspaceDto",
        "WorkspaceLineDto",
        "ReturnedReportDto",
        "PlacedAssignmentDto",
        "ReportFormDto",
        "FloorDto",
        "ReportDto",
        "RevisionDto",
        "ReportViewDto",
        "EvidenceDto",
        "ReportInputDto",
        "ReturnReportDto",
        "EvidenceUploadDto",
        "ReviewQueueDto",
        "QueuedReportDto",
    ] {
        assert!(
            schemas.contains_key(s),
            "{s} missing from {:?}",
            schemas.keys().collect::<Vec<_>>()
        );
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["session"]["in"], "cookie",
        "the session cookie is documented"
    );
    // The evidence upload is multipart with a binary `file`; its bytes are downloaded at the
    // page route the evidence's `href` names, as the schema says.
    let upload = &paths["/api/reports/{id}/evidence"]["post"]["requestBody"]["content"];
    assert!(upload["multipart/form-data"].is_object(), "{upload}");
    let evidence = schemas["EvidenceDto"].to_string();
    assert!(evidence.contains("GET /evidence/{id}"), "{evidence}");
    assert_eq!(
        schemas["EvidenceUploadDto"]["properties"]["file"]["format"],
        "binary"
    );
    db.finish().await;
}

#[tokio::test]
async fn the_public_reads_published_plans_only_and_me_needs_a_session() {
    for db in backends().await {
        demo::build_with(&db.store, false).await.unwrap();
        let state = state(&db.store, true);
        let province = unit_id(&db.store, "吉林省").await;
        let draft = import_plan(
            &db.store,
            &Actor::new("office"),
            "2024年全省民生实事\n一、促进就业方面(1项)\n1.城镇新增就业24万人。",
            &ImportOptions {
                owner: minsheng_domain::UnitId(province),
                kind: PlanKind::Livelihood,
                status: PlanStatus::Draft,
                default_year: Some(2024),
            },
        )
        .await
        .unwrap()
        .plan;
        let published = db
            .store
            .plans()
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.status == PlanStatus::Published)
            .unwrap()
            .id;

        // Nobody signed in: the published plan only; the draft does not exist.
        let (s, plans) = get_json(&state, "/api/plans").await;
        assert_eq!(s, StatusCode::OK, "{}", db.label);
        let ids: Vec<i64> = plans
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids, [published.0], "{plans}");
        assert!(
            plans
                .as_array()
                .unwrap()
                .iter()
                .all(|p| p["status"] == "published")
        );
        let (s, body) = get_json(&state, &format!("/api/plans/{draft}")).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{body}");
        assert_eq!(body["errors"][0]["code"], "not_found");
        let (s, _) = get_json(&state, &format!("/api/plans/{published}")).await;
        assert_eq!(s, StatusCode::OK);

        // Signed in, every plan.
        let cc = demo_sign_in(&state, "220100").await;
        let (_, plans) = get_json_as(&state, &cc, "/api/plans").await;
        assert_eq!(plans.as_array().unwrap().len(), 2, "{plans}");
        let (s, outline) = get_json_as(&state, &cc, &format!("/api/plans/{draft}")).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(outline["plan"]["status"], "draft");

        // Who am I: 401 in the envelope without a session.
        let (s, body) = get_json(&state, "/api/me").await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        assert_eq!(body["errors"][0]["code"], "unauthenticated", "{body}");
        let (s, me) = get_json_as(&state, &cc, "/api/me").await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(me["name"], "220100");
        assert_eq!(me["role"], "unit");
        assert_eq!(me["unit"]["name"], "长春市");
        assert_eq!(me["unit"]["code"], "220100");
        let leader = demo_sign_in(&state, "leader").await;
        let (_, me) = get_json_as(&state, &leader, "/api/me").await;
        assert_eq!(me["role"], "viewer");
        assert!(me["unit"].is_null(), "{me}");
        db.finish().await;
    }
}

#[tokio::test]
async fn rankings_need_an_account_that_sees_all() {
    for db in backends().await {
        demo::build_with(&db.store, false).await.unwrap();
        let state = state(&db.store, true);
        let plan = db.store.plans().await.unwrap()[0].id;
        let cc = demo_sign_in(&state, "220100").await;
        let leader = demo_sign_in(&state, "leader").await;
        for uri in [
            format!("/api/plans/{plan}/tracking?period=2023-08"),
            "/api/dashboard?period=2023-08".to_string(),
        ] {
            let (s, body) = get_json(&state, &uri).await;
            assert_eq!(s, StatusCode::UNAUTHORIZED, "{uri} on {}", db.label);
            assert_eq!(body["errors"][0]["code"], "unauthenticated");
            let (s, body) = get_json_as(&state, &cc, &uri).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{uri}: {body}");
            assert_eq!(body["errors"][0]["code"], "forbidden");
            assert!(
                body["errors"][0]["detail"]
                    .as_str()
                    .unwrap()
                    .starts_with("无权"),
                "Chinese first: {body}"
            );
            let (s, _) = get_json_as(&state, &leader, &uri).await;
            assert_eq!(s, StatusCode::OK, "{uri} as the viewer of all");
        }
        db.finish().await;
    }
}

#[tokio::test]
async fn problems_over_json_follow_the_boards_rules() {
    for db in backends().await {
        demo::build(&db.store).await.unwrap();
        let st = state(&db.store, true);
        let changchun = unit_id(&db.store, "长春市").await;
        let jilin_city = unit_id(&db.store, "吉林市").await;
        let housing = unit_id(&db.store, "省住房和城乡建设厅").await;
        let cc = demo_sign_in(&st, "220100").await;
        let jl = demo_sign_in(&st, "220200").await;
        let office = demo_sign_in(&st, "office").await;

        // Refusals name the field and create nothing.
        let before = db.store.problems().await.unwrap().len();
        for (body, field) in [
            (json!({"owner": changchun, "due": "2023-11-30"}), "title"),
            (
                json!({"title": "  ", "owner": changchun, "due": "2023-11-30"}),
                "title",
            ),
            (
                json!({"title": "供暖管网改造资金缺口", "owner": changchun, "due": "下个月"}),
                "due",
            ),
            (
                json!({"title": "供暖管网改造资金缺口", "owner": changchun, "due": "2023-10-01"}),
                "due",
            ),
            (
                json!({"title": "供暖管网改造资金缺口", "owner": jilin_city, "due": "2023-11-30"}),
                "owner",
            ),
        ] {
            let (s, e) = json_as(&st, &cc, "POST", "/api/problems", Some(body.clone())).await;
            assert_eq!(
                s,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{body} on {}",
                db.label
            );
            assert_eq!(e["errors"][0]["code"], "invalid", "{e}");
            assert_eq!(e["errors"][0]["field"], field, "{body}: {e}");
        }
        assert_eq!(db.store.problems().await.unwrap().len(), before);

        // 长春市 raises one for itself: 201, open, its own.
        let (s, p) = json_as(
            &st,
            &cc,
            "POST",
            "/api/problems",
            Some(json!({
                "title": "供暖管网改造资金缺口",
                "description": "老旧管网改造需追加市级配套资金。",
                "owner": changchun,
                "due": "2023-11-30",
            })),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{p}");
        let id = p["id"].as_i64().unwrap();
        assert_eq!(p["state"], "open");
        assert_eq!(p["owner"]["name"], "长春市");
        assert_eq!(p["raised_by"]["name"], "长春市");
        assert_eq!(p["may_resolve"], true);
        assert_eq!(p["may_assign"], false, "an owner does not reassign its own");

        // 吉林市 neither sees nor touches it.
        let (s, list) = get_json_as(&st, &jl, "/api/problems").await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            list.as_array().unwrap().iter().all(|x| x["id"] != id),
            "{list}"
        );
        let (s, e) = get_json_as(&st, &jl, &format!("/api/problems/{id}")).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
        for (uri, body) in [
            (
                format!("/api/problems/{id}/resolve"),
                json!({"resolution": "已解决"}),
            ),
            (
                format!("/api/problems/{id}/assign"),
                json!({"owner": jilin_city, "due": "2023-12-01"}),
            ),
        ] {
            let (s, e) = json_as(&st, &jl, "POST", &uri, Some(body)).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{uri}: {e}");
            assert_eq!(e["errors"][0]["code"], "forbidden");
        }
        let (_, mine) = get_json_as(&st, &cc, "/api/problems?state=open").await;
        assert!(mine.as_array().unwrap().iter().any(|x| x["id"] == id));

        // The office hands it to the provincial housing department; the department resolves.
        let (s, p) = json_as(
            &st,
            &office,
            "POST",
            &format!("/api/problems/{id}/assign"),
            Some(json!({"owner": housing, "due": "2023-12-15"})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{p}");
        assert_eq!(p["owner"]["name"], "省住房和城乡建设厅");
        assert_eq!(p["due"], "2023-12-15");
        let (s, _) = json_as(
            &st,
            &cc,
            "POST",
            &format!("/api/problems/{id}/resolve"),
            Some(json!({"resolution": "已解决"})),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "no longer its owner");
        let dept = demo_sign_in(&st, "省住房和城乡建设厅").await;
        let (s, e) = json_as(
            &st,
            &dept,
            "POST",
            &format!("/api/problems/{id}/resolve"),
            Some(json!({"resolution": " "})),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e["errors"][0]["field"], "resolution");
        let (s, p) = json_as(
            &st,
            &dept,
            "POST",
            &format!("/api/problems/{id}/resolve"),
            Some(json!({"resolution": "省住建厅安排省级补助资金,12月前拨付"})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{p}");
        assert_eq!(p["state"], "resolved");
        assert_eq!(
            audit_trail(&db.store, "problem", id).await,
            RAISED_REASSIGNED_RESOLVED.map(|(a, b)| (a.to_string(), b.to_string()))
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn a_cross_site_api_post_is_refused_and_changes_nothing() {
    for db in backends().await {
        demo::build_with(&db.store, false).await.unwrap();
        let st = state(&db.store, true);
        let office = demo_sign_in(&st, "office").await;
        let changchun = unit_id(&db.store, "长春市").await;
        let before = db.store.problems().await.unwrap().len();
        let audit = db.store.audit_count().await.unwrap();
        let req = Request::post("/api/problems")
            .header(header::COOKIE, &office)
            .header(header::CONTENT_TYPE, "application/json")
            .header("sec-fetch-site", "cross-site")
            .header(header::ORIGIN, "https://evil.example")
            .body(Body::from(
                json!({"title": "伪造", "owner": changchun, "due": "2023-11-30"}).to_string(),
            ))
            .unwrap();
        let p = crate::support::send(&st, req).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "{}: {}", db.label, p.body);
        assert_eq!(db.store.problems().await.unwrap().len(), before);
        assert_eq!(db.store.audit_count().await.unwrap(), audit);
        db.finish().await;
    }
}

/// The first target of the demo plan (城镇新增就业23万人) and its assignments as the API shows
/// them to the office.
async fn first_target(st: &AppState, office: &str) -> (i64, Value) {
    let plan = st.store.plans().await.unwrap()[0].id;
    let target = st.store.targets(plan).await.unwrap()[0].id.0;
    let (s, a) = get_json_as(st, office, &format!("/api/targets/{target}/assignments")).await;
    assert_eq!(s, StatusCode::OK, "{a}");
    (target, a)
}

/// The decomposition body that states again what `a` (a target's assignments) holds, with
/// `shift` moved from the second share's quota to the first's (or taken from the first only,
/// when `balanced` is false).
fn decomposition_body(a: &Value, shift: i64, balanced: bool) -> Value {
    let rows = a["assignments"].as_array().unwrap();
    let lead = rows.iter().find(|r| r["role"] == "lead").unwrap();
    let partners: Vec<i64> = rows
        .iter()
        .filter(|r| r["role"] == "partner" && r["quota"].is_null())
        .map(|r| r["unit"]["id"].as_i64().unwrap())
        .collect();
    let mut shares: Vec<Value> = rows
        .iter()
        .filter(|r| !r["quota"].is_null())
        .map(|r| json!({"unit": r["unit"]["id"], "quota": r["quota"], "budget": r["budget"]}))
        .collect();
    let quota = |v: &Value| v["quota"].as_str().unwrap().parse::<i64>().unwrap();
    let first = quota(&shares[0]);
    let second = quota(&shares[1]);
    shares[0]["quota"] = json!((first + shift).to_string());
    if balanced {
        shares[1]["quota"] = json!((second - shift).to_string());
    }
    json!({
        "lead": lead["unit"]["id"],
        "lead_budget": lead["budget"],
        "partners": partners,
        "shares": shares,
    })
}

#[tokio::test]
async fn decomposition_is_the_offices_and_a_split_must_add_up() {
    for db in backends().await {
        demo::build(&db.store).await.unwrap();
        let st = state(&db.store, true);
        let office = demo_sign_in(&st, "office").await;
        let cc = demo_sign_in(&st, "220100").await;
        let (target, before) = first_target(&st, &office).await;
        assert_eq!(before["target"]["value"], "230000", "{}", db.label);
        assert_eq!(before["quota_sum"], "230000");
        let uri = format!("/api/targets/{target}/assignments");

        // A unit may neither read nor change it.
        let (s, _) = get_json_as(&st, &cc, &uri).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let balanced = decomposition_body(&before, 1000, true);
        let (s, e) = json_as(&st, &cc, "PUT", &uri, Some(balanced.clone())).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
        assert_eq!(first_target(&st, &office).await.1, before);

        // A split 1000 short of the target is refused with the reason; nothing changes.
        let short = decomposition_body(&before, -1000, false);
        let (s, e) = json_as(&st, &office, "PUT", &uri, Some(short)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(e["errors"][0]["field"], "quota", "{e}");
        let reason = e["errors"][0]["detail"].as_str().unwrap();
        assert!(reason.starts_with("分解值合计"), "Chinese first: {reason}");
        assert!(
            reason.contains("229000") || reason.contains("22.9万"),
            "{reason}"
        );
        assert_eq!(first_target(&st, &office).await.1, before);
        // So is a quota that is not a number, by its place in the list.
        let mut bad = balanced.clone();
        bad["shares"][1]["quota"] = json!("两万");
        let (s, e) = json_as(&st, &office, "PUT", &uri, Some(bad)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e["errors"][0]["field"], "shares[1].quota", "{e}");

        // Moving 1000 between two shares adds up: the office's change is kept.
        let (s, after) = json_as(&st, &office, "PUT", &uri, Some(balanced.clone())).await;
        assert_eq!(s, StatusCode::OK, "{after}");
        assert_eq!(after["quota_sum"], "230000");
        assert_eq!(after, first_target(&st, &office).await.1);
        let shares = |v: &Value| -> Vec<(i64, String)> {
            v["assignments"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|r| !r["quota"].is_null())
                .map(|r| {
                    (
                        r["unit"]["id"].as_i64().unwrap(),
                        r["quota"].as_str().unwrap().to_string(),
                    )
                })
                .collect()
        };
        let want: Vec<(i64, String)> = balanced["shares"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["unit"].as_i64().unwrap(),
                    s["quota"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let mut got = shares(&after);
        got.sort();
        let mut want = want;
        want.sort();
        assert_eq!(got, want);
        // The share that grew is audited under the office's name.
        let grown = after["assignments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["unit"]["id"] == balanced["shares"][0]["unit"])
            .unwrap()["id"]
            .as_i64()
            .unwrap();
        let trail = audit_trail(&db.store, "assignment", grown).await;
        assert_eq!(
            trail.last().unwrap(),
            &("update".to_string(), "office".to_string()),
            "{trail:?}"
        );

        // A schedule for one share: the office's, checked.
        let share = after["assignments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| !r["quota"].is_null())
            .unwrap()
            .clone();
        let sched = format!("/api/assignments/{}/schedule", share["id"]);
        let quota: i64 = share["quota"].as_str().unwrap().parse().unwrap();
        let body = json!({"kind": "points", "points": [
            {"period": "2023-06", "expected": (quota / 2).to_string()},
            {"period": "2023-12", "expected": quota.to_string()},
        ]});
        let (s, _) = json_as(&st, &cc, "PUT", &sched, Some(body.clone())).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, set) = json_as(&st, &office, "PUT", &sched, Some(body)).await;
        assert_eq!(s, StatusCode::OK, "{set}");
        assert_eq!(set["schedule"]["kind"], "points");
        assert_eq!(set["schedule"]["points"][0]["period"], "2023-06");
        let stored = db
            .store
            .schedule(minsheng_domain::AssignmentId(share["id"].as_i64().unwrap()))
            .await
            .unwrap();
        assert_eq!(stored.len(), 2);
        let (s, e) = json_as(
            &st,
            &office,
            "PUT",
            &sched,
            Some(json!({"kind": "points", "points": [{"period": "六月份", "expected": "1"}]})),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(e["errors"][0]["field"], "points[0].period");
        assert_eq!(
            db.store
                .schedule(minsheng_domain::AssignmentId(share["id"].as_i64().unwrap()))
                .await
                .unwrap(),
            stored,
            "a refused schedule changes nothing"
        );
        db.finish().await;
    }
}
