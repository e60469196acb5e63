//! The reporting flow through its pages, on each backend: a unit drafts, submits, is returned,
//! corrects and is accepted; the office reviews; bad input is refused beside its field and
//! changes nothing; a unit cannot reach another unit's assignment, report or evidence.

use crate::support::{
    Page, changchun_demo, changchun_share_of, demo_sign_in, enc, get_as, post_as, revisions, state,
    upload,
};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use minsheng_app::demo;
use minsheng_app::reporting::MAX_EVIDENCE_BYTES;
use minsheng_domain::ReportStatus;
use minsheng_store::testing::backends;
use minsheng_web::{AppState, router};
use tower::ServiceExt;

/// The `<tr …>` of the row whose attribute `attr` is `id`, up to its `</tr>`.
fn row<'a>(page: &'a str, attr: &str, id: impl std::fmt::Display) -> &'a str {
    let at = page
        .find(&format!("{attr}=\"{id}\""))
        .unwrap_or_else(|| panic!("no row {attr}={id}"));
    let start = page[..at].rfind("<tr").unwrap();
    let end = at + page[at..].find("</tr>").unwrap();
    &page[start..end]
}

/// A same-origin form post of `fields`.
async fn file(st: &AppState, cookie: &str, uri: &str, fields: &[(&str, &str)]) -> Page {
    post_as(st, cookie, uri, &form(fields)).await
}

fn form(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{k}={}", enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

#[tokio::test]
async fn a_report_goes_from_draft_to_return_to_acceptance_through_the_pages() {
    for db in backends().await {
        let store = &db.store;
        let (st, plan, a) = changchun_demo(store).await;
        let cc = demo_sign_in(&st, "220100").await;
        let office = demo_sign_in(&st, "office").await;
        let form_uri = format!("/workspace/assignments/{}/report?period=2023-10", a.id);

        // The workspace opens on the month being reported (September, on the demo's day).
        let p = get_as(&st, &cc, "/workspace").await;
        assert_eq!(p.status, StatusCode::OK, "{}", db.label);
        assert!(
            p.body
                .contains("<table id=\"assignments\" class=\"stack\" data-period=\"2023-09\">")
        );
        assert!(p.body.contains("id=\"returned\"") && p.body.contains("id=\"my-problems\""));
        let p = get_as(&st, &cc, "/workspace?period=2023-10").await;
        let r = row(&p.body, "data-assignment", a.id);
        assert!(
            r.contains("data-status=\"none\"") && r.contains("未填报"),
            "{r}"
        );
        assert!(
            r.contains(&format!("class=\"report-link\" href=\"{form_uri}\"")),
            "{r}"
        );

        let p = get_as(&st, &cc, &form_uri).await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.body);
        for part in [
            "id=\"report-form\"",
            "name=\"value\"",
            "name=\"spent\"",
            "name=\"narrative\"",
            "name=\"correction\"",
            "id=\"save-draft\"",
            "id=\"submit-report\"",
            "id=\"value-unit\">人<",
        ] {
            assert!(p.body.contains(part), "{part}");
        }
        assert!(!p.body.contains("id=\"evidence-form\""), "no report yet");

        // August is accepted: a cumulative count may not fall below it without a correction.
        let august = revisions(store, &a, "2023-08").await;
        let floor = august
            .iter()
            .find(|r| r.status == ReportStatus::Accepted)
            .and_then(|r| r.cumulative)
            .unwrap();
        let audits = store.audit_count().await.unwrap();
        let p = file(
            &st,
            &cc,
            &form_uri,
            &[("value", "很多"), ("action", "draft")],
        )
        .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            p.body
                .contains("class=\"field-error\" id=\"value-error\">请填写数字")
        );
        assert!(p.body.contains("value=\"很多\""), "the typed value is kept");
        let lower = (floor - rust_decimal::Decimal::ONE).to_string();
        let p = file(
            &st,
            &cc,
            &form_uri,
            &[
                ("value", &lower),
                ("narrative", "十月"),
                ("action", "submit"),
            ],
        )
        .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p.body.contains("id=\"value-error\">累计值"), "{}", p.body);
        assert!(p.body.contains("更正说明") && p.body.contains(&format!("value=\"{lower}\"")));
        // A correction must say why.
        let p = file(
            &st,
            &cc,
            &form_uri,
            &[("value", &lower), ("correction", "1"), ("action", "draft")],
        )
        .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            p.body
                .contains("id=\"narrative-error\">更正数据须在情况说明中写明原因")
        );
        assert!(revisions(store, &a, "2023-10").await.is_empty());
        assert_eq!(store.audit_count().await.unwrap(), audits, "nothing saved");

        // A draft is kept and shown again.
        let value = (floor + rust_decimal::Decimal::from(1200)).to_string();
        let p = file(
            &st,
            &cc,
            &form_uri,
            &[
                ("value", &value),
                ("spent", "350万"),
                ("narrative", "十月新增就业稳步推进"),
                ("action", "draft"),
            ],
        )
        .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        let draft = revisions(store, &a, "2023-10").await;
        assert_eq!(draft.len(), 1);
        let draft = draft[0].clone();
        assert_eq!(draft.status, ReportStatus::Draft);
        assert_eq!(draft.funds_spent, Some(3_500_000.into()));
        assert_eq!(
            p.location.as_deref(),
            Some(format!("{form_uri}&saved={}", draft.id).as_str())
        );
        let p = get_as(&st, &cc, p.location.as_deref().unwrap()).await;
        assert!(p.body.contains("class=\"ok\" id=\"form-note\""));
        assert!(p.body.contains(&format!("value=\"{value}\"")));
        assert!(p.body.contains(">十月新增就业稳步推进</textarea>"));
        assert!(p.body.contains("data-status=\"draft\""));
        assert!(p.body.contains(&format!(
            "action=\"/reports/{}/evidence\" enctype=\"multipart/form-data\" id=\"evidence-form\"",
            draft.id
        )));

        // Evidence: a PDF is kept; a program, or a file over 20 MiB, is refused by name.
        let ev_uri = format!("/reports/{}/evidence", draft.id);
        let pdf = b"%PDF-1.4 \xe5\x8f\xb0\xe8\xb4\xa6".to_vec();
        let p = upload(&st, &cc, &ev_uri, "10月就业台账.pdf", &pdf).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        let evidence = store.evidence_of_report(draft.id).await.unwrap();
        assert_eq!(evidence.len(), 1);
        assert_eq!(evidence[0].content_type, "application/pdf");
        assert_eq!(evidence[0].uploaded_by, "220100");
        let p = upload(&st, &cc, &ev_uri, "setup.exe", b"MZ").await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            p.body
                .contains("id=\"evidence-error\">不接受“setup.exe”这类文件")
        );
        let big = vec![b'x'; MAX_EVIDENCE_BYTES + 1];
        let p = upload(&st, &cc, &ev_uri, "big.pdf", &big).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            p.body
                .contains("id=\"evidence-error\">文件大小须在 1 字节到 20 MiB 之间")
        );
        let huge = vec![b'x'; MAX_EVIDENCE_BYTES + 200 * 1024];
        let p = upload(&st, &cc, &ev_uri, "huge.pdf", &huge).await;
        assert_eq!(p.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(p.body.contains("文件超过 20 MiB 上限"));
        assert_eq!(store.evidence_of_report(draft.id).await.unwrap().len(), 1);
        let res = router(st.clone())
            .oneshot(
                Request::get(format!("/evidence/{}", evidence[0].id))
                    .header(header::COOKIE, &cc)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let h = res.headers().clone();
        assert_eq!(h[header::CONTENT_TYPE], "application/pdf");
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        let disposition = h[header::CONTENT_DISPOSITION].to_str().unwrap();
        assert!(
            disposition.starts_with("attachment; ")
                && disposition.contains(
                    "filename*=UTF-8''10%E6%9C%88%E5%B0%B1%E4%B8%9A%E5%8F%B0%E8%B4%A6.pdf"
                ),
            "{disposition}"
        );
        assert_eq!(res.into_body().collect().await.unwrap().to_bytes(), pdf);

        // Submitted: the draft becomes revision 1, awaiting review.
        let p = file(
            &st,
            &cc,
            &form_uri,
            &[
                ("value", &value),
                ("spent", "3500000"),
                ("narrative", "十月新增就业稳步推进"),
                ("action", "submit"),
            ],
        )
        .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        let filed_to = format!("/workspace?period=2023-10&filed={}", draft.id);
        assert_eq!(p.location.as_deref(), Some(filed_to.as_str()));
        let p = get_as(&st, &cc, &filed_to).await;
        assert!(p.body.contains("class=\"ok\" id=\"filed-note\""));
        assert!(row(&p.body, "data-assignment", a.id).contains("data-status=\"submitted\""));

        // The office sees it in the queue filtered to the unit, last (oldest first), and
        // returns it with a reason.
        let queue_uri = format!("/review?plan={plan}&unit={}&per_page=1000", a.unit);
        let p = get_as(&st, &office, &queue_uri).await;
        assert_eq!(p.status, StatusCode::OK);
        assert!(p.body.contains("id=\"review-queue\""));
        let ours = row(&p.body, "data-report", draft.id);
        assert!(ours.contains("长春市") && ours.contains("class=\"accept\""));
        assert!(ours.contains("name=\"reason\"") && ours.contains("class=\"return\""));
        let last = p.body.rfind("class=\"review-row\"").unwrap();
        assert!(p.body[last..].contains(&format!("data-report=\"{}\"", draft.id)));
        let first = p.body.find("class=\"review-row\"").unwrap();
        assert!(first < last, "the demo's September reports come first");

        let p = post_as(
            &st,
            &office,
            &format!("/reports/{}/return", draft.id),
            &form(&[
                ("plan", &plan.to_string()),
                ("unit", &a.unit.to_string()),
                ("per_page", "1000"),
                ("reason", "  "),
            ]),
        )
        .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(row(&p.body, "data-report", draft.id).contains("退回须说明理由"));
        assert_eq!(
            store.report(draft.id).await.unwrap().status,
            ReportStatus::Submitted
        );
        let reason = "数值与统计台账不符,请核实后重报";
        let p = post_as(
            &st,
            &office,
            &format!("/reports/{}/return", draft.id),
            &form(&[
                ("plan", &plan.to_string()),
                ("unit", &a.unit.to_string()),
                ("per_page", "1000"),
                ("reason", reason),
            ]),
        )
        .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        assert_eq!(
            p.location.as_deref(),
            Some(
                format!(
                    "/review?plan={plan}&unit={}&per_page=1000&returned={}",
                    a.unit, draft.id
                )
                .as_str()
            ),
            "back to the queue as it was filtered"
        );
        let p = get_as(&st, &office, p.location.as_deref().unwrap()).await;
        assert!(p.body.contains("class=\"ok\" id=\"review-note\""));
        assert!(!p.body.contains(&format!("data-report=\"{}\"", draft.id)));

        // The unit sees the reason and refiles: a new revision, the returned one kept.
        let p = get_as(&st, &cc, "/workspace?period=2023-10").await;
        let returned = &p.body[p.body.find("id=\"returned\"").unwrap()..];
        let r = row(returned, "data-report", draft.id);
        assert!(
            r.contains(&format!("<td class=\"return-reason\">{reason}</td>")),
            "{r}"
        );
        assert!(r.contains("class=\"correct-link\""));
        assert!(row(&p.body, "data-assignment", a.id).contains("data-status=\"returned\""));
        let p = get_as(&st, &cc, &form_uri).await;
        assert!(p.body.contains(reason) && p.body.contains(&format!("value=\"{value}\"")));
        assert!(
            !p.body.contains("id=\"evidence-form\""),
            "a returned report takes no evidence"
        );
        let corrected = (floor + rust_decimal::Decimal::from(120)).to_string();
        let p = file(
            &st,
            &cc,
            &form_uri,
            &[
                ("value", &corrected),
                ("narrative", "已按台账核实更正"),
                ("action", "submit"),
            ],
        )
        .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        let revs = revisions(store, &a, "2023-10").await;
        assert_eq!(revs.len(), 2);
        assert_eq!(
            (revs[0].id, revs[0].revision, revs[0].status),
            (draft.id, 1, ReportStatus::Returned)
        );
        assert_eq!(
            revs[0].cumulative,
            Some(value.parse().unwrap()),
            "kept as filed"
        );
        assert_eq!(revs[0].return_reason.as_deref(), Some(reason));
        assert_eq!(
            (revs[1].revision, revs[1].status),
            (2, ReportStatus::Submitted)
        );
        let second = revs[1].id;

        // Accepted: the period locks.
        let p = file(
            &st,
            &office,
            &format!("/reports/{second}/accept"),
            &[("plan", &plan.to_string())],
        )
        .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        assert_eq!(
            p.location.as_deref(),
            Some(format!("/review?plan={plan}&accepted={second}").as_str())
        );
        let audits = store.audit_count().await.unwrap();
        let p = file(
            &st,
            &cc,
            &form_uri,
            &[
                ("value", &corrected),
                ("narrative", "再改"),
                ("action", "submit"),
            ],
        )
        .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            p.body
                .contains("id=\"form-error\" role=\"alert\">2023年10月 的报告已审核,该期已锁定")
        );
        assert!(p.body.contains("id=\"save-draft\" disabled"));
        assert_eq!(store.audit_count().await.unwrap(), audits, "nothing saved");
        let p = get_as(&st, &cc, "/workspace?period=2023-10").await;
        assert!(row(&p.body, "data-assignment", a.id).contains("data-status=\"accepted\""));
        assert!(!p.body.contains(&format!("data-report=\"{}\"", draft.id)));

        // The report page: every revision, its status, the reason and the evidence.
        let p = get_as(&st, &cc, &format!("/reports/{second}")).await;
        assert_eq!(p.status, StatusCode::OK);
        let first_rev = row(&p.body, "data-report", draft.id);
        assert!(first_rev.contains("data-status=\"returned\"") && first_rev.contains(reason));
        assert!(first_rev.contains(&format!("href=\"/evidence/{}\"", evidence[0].id)));
        assert!(row(&p.body, "data-report", second).contains("data-status=\"accepted\""));

        // Each step is in the audit log, by whom it was done.
        let steps = |events: Vec<minsheng_domain::AuditEvent>| -> Vec<(String, String)> {
            events.into_iter().map(|e| (e.action, e.actor)).collect()
        };
        let s = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(
            steps(store.audit_events("report", draft.id.0).await.unwrap()),
            [
                s("create", "220100"),
                s("update", "220100"),
                s("submit", "220100"),
                s("return", "office"),
            ]
        );
        assert_eq!(
            steps(store.audit_events("report", second.0).await.unwrap()),
            [
                s("create", "220100"),
                s("submit", "220100"),
                s("accept", "office"),
            ]
        );
        assert_eq!(
            steps(
                store
                    .audit_events("evidence", evidence[0].id.0)
                    .await
                    .unwrap()
            ),
            [s("create", "220100")]
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn a_unit_cannot_reach_another_units_assignment_report_or_evidence() {
    for db in backends().await {
        let store = &db.store;
        let (st, plan, a) = changchun_demo(store).await;
        let cc = demo_sign_in(&st, "220100").await;
        let jl = demo_sign_in(&st, "220200").await;
        let leader = demo_sign_in(&st, "leader").await;
        let office = demo_sign_in(&st, "office").await;
        let form_uri = format!("/workspace/assignments/{}/report?period=2023-10", a.id);
        let p = file(
            &st,
            &cc,
            &form_uri,
            &[("value", "99000"), ("narrative", "x"), ("action", "draft")],
        )
        .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        let draft = revisions(store, &a, "2023-10").await[0].id;
        let p = upload(
            &st,
            &cc,
            &format!("/reports/{draft}/evidence"),
            "a.png",
            b"\x89PNG",
        )
        .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        let ev = store.evidence_of_report(draft).await.unwrap()[0].id;
        let audits = store.audit_count().await.unwrap();

        // 吉林市 by direct URL: every read and write of 长春市's is refused.
        for uri in [
            form_uri.clone(),
            format!("/reports/{draft}"),
            format!("/evidence/{ev}"),
            "/review".to_string(),
        ] {
            let p = get_as(&st, &jl, &uri).await;
            assert_eq!(p.status, StatusCode::FORBIDDEN, "{uri} on {}", db.label);
            assert!(!p.body.contains("%PDF") && !p.body.contains("\u{89}PNG"));
        }
        let p = file(
            &st,
            &jl,
            &form_uri,
            &[("value", "999"), ("narrative", "x"), ("action", "submit")],
        )
        .await;
        assert_eq!(p.status, StatusCode::FORBIDDEN);
        let p = upload(
            &st,
            &jl,
            &format!("/reports/{draft}/evidence"),
            "b.pdf",
            b"%PDF",
        )
        .await;
        assert_eq!(p.status, StatusCode::FORBIDDEN);
        for action in ["accept", "return"] {
            let p = post_as(&st, &jl, &format!("/reports/{draft}/{action}"), "reason=x").await;
            assert_eq!(p.status, StatusCode::FORBIDDEN, "{action}");
        }
        assert_eq!(
            store.audit_count().await.unwrap(),
            audits,
            "nothing written"
        );
        // 吉林市's own workspace does not list 长春市's share.
        let p = get_as(&st, &jl, "/workspace?period=2023-10").await;
        assert_eq!(p.status, StatusCode::OK);
        assert!(!p.body.contains(&format!("data-assignment=\"{}\"", a.id)));

        // The problems a unit raised or owns are in its workspace; others' are not.
        let th = demo_sign_in(&st, "220500").await;
        let p = get_as(&st, &th, "/workspace").await;
        let mine = &p.body[p.body.find("id=\"my-problems\"").unwrap()..];
        assert!(
            mine.contains("部分企业用工需求下降") && mine.contains("已逾期"),
            "{mine}"
        );
        let p = get_as(&st, &cc, "/workspace").await;
        assert!(!p.body.contains("部分企业用工需求下降"));

        // No such assignment: 404.
        let p = get_as(
            &st,
            &cc,
            "/workspace/assignments/987654/report?period=2023-10",
        )
        .await;
        assert_eq!(p.status, StatusCode::NOT_FOUND);

        // A viewer reads the queue and reports but cannot review; the office files nothing.
        let p = get_as(&st, &leader, &format!("/review?plan={plan}")).await;
        assert_eq!(p.status, StatusCode::OK);
        assert!(p.body.contains("id=\"review-readonly\"") && !p.body.contains("class=\"accept\""));
        // A draft is its unit's until filed (issue #10): the viewer and the office do not find
        // it, nor its evidence; the unit does.
        for who in [&leader, &office] {
            for uri in [format!("/reports/{draft}"), format!("/evidence/{ev}")] {
                let p = get_as(&st, who, &uri).await;
                assert_eq!(p.status, StatusCode::NOT_FOUND, "{uri}");
                assert!(!p.body.contains("99000") && !p.body.contains("\u{89}PNG"));
            }
        }
        let p = get_as(&st, &cc, &format!("/reports/{draft}")).await;
        assert_eq!(p.status, StatusCode::OK);
        let p = post_as(&st, &leader, &format!("/reports/{draft}/accept"), "").await;
        assert_eq!(p.status, StatusCode::FORBIDDEN);
        let p = get_as(&st, &office, "/workspace").await;
        assert_eq!(p.status, StatusCode::FORBIDDEN);
        let p = file(
            &st,
            &office,
            &form_uri,
            &[("value", "2"), ("action", "draft")],
        )
        .await;
        assert_eq!(p.status, StatusCode::FORBIDDEN);
        // Not signed in: to the sign-in page.
        let p = get_as(&st, "", &format!("/evidence/{ev}")).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        assert_eq!(
            store.audit_count().await.unwrap(),
            audits,
            "nothing written"
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn a_qualitative_item_is_reported_as_a_stage_in_either_language() {
    for db in backends().await {
        let store = &db.store;
        demo::build_with(store, false).await.unwrap();
        let st = state(store, true);
        let plan = store.plans().await.unwrap()[0].id;
        let stage_target = store
            .targets(plan)
            .await
            .unwrap()
            .into_iter()
            .find(|t| t.kind == minsheng_domain::TargetKind::Stage)
            .unwrap();
        let a = changchun_share_of(store, stage_target.id).await;
        let cc = demo_sign_in(&st, "220100").await;
        // No period: the month being reported, September on the demo's day.
        let uri = format!("/workspace/assignments/{}/report", a.id);
        let p = get_as(&st, &cc, &uri).await;
        assert_eq!(p.status, StatusCode::OK, "{}", db.label);
        assert!(p.body.contains("<select name=\"stage\" id=\"stage\">"));
        for stage in ["未启动", "推进中", "已完成"] {
            assert!(p.body.contains(&format!(">{stage}</option>")), "{stage}");
        }
        assert!(!p.body.contains("name=\"value\""), "no number for a stage");

        let p = file(&st, &cc, &uri, &[("narrative", "x"), ("action", "submit")]).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p.body.contains("id=\"stage-error\">定性事项须填写进展阶段"));
        let p = file(&st, &cc, &uri, &[("stage", "half"), ("action", "submit")]).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p.body.contains("id=\"stage-error\">请选择进展阶段"));
        let fields = [
            ("stage", "in_progress"),
            ("narrative", "方案已印发"),
            ("action", "submit"),
        ];
        let p = file(&st, &cc, &uri, &fields).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        let filed = revisions(store, &a, "2023-09").await;
        assert_eq!(
            (filed[0].stage, filed[0].cumulative, filed[0].status),
            (
                Some(minsheng_domain::Stage::InProgress),
                None,
                ReportStatus::Submitted
            )
        );

        // The same pages in English.
        let en = format!("lang=en; {cc}");
        let p = get_as(&st, &en, "/workspace").await;
        assert!(p.body.contains("<html lang=\"en\">") && p.body.contains("My assignments"));
        assert!(row(&p.body, "data-assignment", a.id).contains(">submitted</span>"));
        let p = get_as(&st, &en, &uri).await;
        assert!(p.body.contains(">in progress</option>") && p.body.contains("Submit for review"));
        db.finish().await;
    }
}

#[tokio::test]
async fn the_workspace_chases_the_reports_a_unit_has_not_filed() {
    for db in backends().await {
        demo::build(&db.store).await.unwrap();
        let st = state(&db.store, true);
        let city = db.store.unit_by_name("长春市").await.unwrap().unwrap();
        // A share of 长春市 the demo stops reporting on after June: July to September are overdue.
        let mut silent = None;
        for a in db.store.assignments_of_unit(city.id).await.unwrap() {
            let reports = db.store.reports_of_assignment(a.id).await.unwrap();
            if !reports.iter().any(|r| r.period.to_string() == "2023-09") {
                silent = Some(a);
                break;
            }
        }
        let silent = silent.expect("the demo leaves a share of 长春市 unreported in September");
        let phrase = db.store.target(silent.target).await.unwrap().phrase;
        let cookie = demo_sign_in(&st, "220100").await;
        let p = get_as(&st, &cookie, "/workspace?period=2023-09").await;
        assert_eq!(p.status, StatusCode::OK, "{}", db.label);
        let section = &p.body[p
            .body
            .find("id=\"reminders\"")
            .expect("a reminders section")..];
        let first = &section[..section.find("</li>").unwrap()];
        assert!(
            first.contains("reminder-overdue") && first.contains("逾期未报"),
            "{first}"
        );
        assert!(
            section.contains(&phrase),
            "the unfiled share is chased: {phrase}"
        );
        assert!(
            section.contains(&format!(
                "/workspace/assignments/{}/report?period=2023-09",
                silent.id
            )),
            "each reminder links to its form"
        );
        // On 2023-10-15, September's reports (due 10-05) are the latest overdue: 10 days late.
        assert!(first.contains("2023-10-05"), "{first}");
        // English too.
        let p = get_as(
            &st,
            &format!("{cookie}; lang=en"),
            "/workspace?period=2023-09",
        )
        .await;
        assert!(p.body.contains("Reports to file") && p.body.contains("days late"));
        db.finish().await;
    }
}
