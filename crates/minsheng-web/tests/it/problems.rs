//! The problems board on the demo, on each backend: a problem's life through the pages, who
//! sees and may touch what (pages, direct URLs and the API), bad input shown again with its
//! message, and overdue problems escalated once.

use crate::support::{
    Page, RAISED_REASSIGNED_RESOLVED, audit_trail, demo_sign_in, enc, get_as, json_as, post_as,
    state, unit_id,
};
use axum::http::StatusCode;
use jiff::civil::date;
use minsheng_app::demo;
use minsheng_domain::{ProblemId, ProblemStatus};
use minsheng_store::testing::backends;

/// The problem a `/problems?notice=…#problem-ID` redirect points at.
fn redirected_problem(p: &Page) -> i64 {
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let to = p.location.as_deref().unwrap();
    to.rsplit_once("#problem-").unwrap().1.parse().unwrap()
}

/// The `<tr>` of problem `id` on a board page, if shown.
fn row(body: &str, id: i64) -> Option<&str> {
    let start = body.find(&format!("data-problem=\"{id}\""))?;
    let end = body[start..]
        .find("</tr>")
        .map_or(body.len(), |e| start + e);
    Some(&body[start..end])
}

/// The options of the raise form's owner select.
fn owner_options(body: &str) -> String {
    let start = body.find("id=\"raise-owner\"").unwrap();
    let end = start + body[start..].find("</select>").unwrap();
    body[start..end].to_string()
}

#[tokio::test]
async fn a_unit_raises_the_office_reassigns_and_the_owner_resolves() {
    for db in backends().await {
        demo::build(&db.store).await.unwrap();
        let st = state(&db.store, true);
        let changchun = unit_id(&db.store, "长春市").await;
        let jilin_city = unit_id(&db.store, "吉林市").await;
        let housing = unit_id(&db.store, "省住房和城乡建设厅").await;
        let cc = demo_sign_in(&st, "220100").await;

        // 长春市's board: none of the demo's problems is its; it may address itself, the units
        // below it and the province, nobody else.
        let p = get_as(&st, &cc, "/problems").await;
        assert_eq!(p.status, StatusCode::OK, "{}", db.label);
        assert!(p.body.contains("id=\"no-problems\""), "{}", p.body);
        assert!(p.body.contains("id=\"raise-problem\""));
        assert!(
            !p.body.contains("id=\"escalate-overdue\""),
            "the office's only"
        );
        let owners = owner_options(&p.body);
        assert!(
            owners.contains("长春市") && owners.contains("吉林省"),
            "{owners}"
        );
        assert!(
            !owners.contains("吉林市") && !owners.contains("省人力资源和社会保障厅"),
            "{owners}"
        );

        // Bad input: shown again with each message beside its field, nothing saved.
        let before = db.store.problems().await.unwrap().len();
        let form = format!("title=%E4%BE%9B%E6%9A%96&owner={jilin_city}&due=next+month&report=abc");
        let p = post_as(&st, &cc, "/problems", &form).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            p.body
                .contains("class=\"field-error\">办结时限“next month”不是日期"),
            "{}",
            p.body
        );
        assert!(
            p.body
                .contains("class=\"field-error\">报告编号“abc”应为数字")
        );
        assert!(p.body.contains("value=\"供暖\""), "the title is kept");
        let form = format!("title=%E4%BE%9B%E6%9A%96&owner={jilin_city}&due=2023-11-30");
        let p = post_as(&st, &cc, "/problems", &form).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            p.body
                .contains("class=\"field-error\">不能交由 吉林市 承办"),
            "{}",
            p.body
        );
        let form = format!("title=&owner={changchun}&due=2023-11-30");
        let p = post_as(&st, &cc, "/problems", &form).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            p.body.contains("class=\"field-error\">须填写问题标题"),
            "{}",
            p.body
        );
        let form = format!("title=x&owner={changchun}&due=2023-10-01");
        let p = post_as(&st, &cc, "/problems", &form).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p.body.contains("早于今天 2023-10-15"), "{}", p.body);
        assert_eq!(db.store.problems().await.unwrap().len(), before);

        // Raised: it is on 长春市's board, open, and audited under its account.
        let title = "供暖管网改造资金缺口";
        let form = format!(
            "title={}&description={}&owner={changchun}&due=2023-11-30",
            enc(title),
            enc("老旧管网改造需追加市级配套资金。")
        );
        let id = redirected_problem(&post_as(&st, &cc, "/problems", &form).await);
        let p = get_as(&st, &cc, "/problems?notice=raised").await;
        assert!(p.body.contains("id=\"notice\""));
        let r = row(&p.body, id).expect("the new problem is on the board");
        assert!(
            r.contains(title) && r.contains("data-state=\"open\""),
            "{r}"
        );
        assert!(
            r.contains("id=\"resolve-problem-"),
            "its owner may resolve it: {r}"
        );
        assert!(
            !r.contains("assign-problem"),
            "but not reassign its own: {r}"
        );

        // 吉林市 does not see it, and cannot touch it by URL or API.
        let jl = demo_sign_in(&st, "220200").await;
        let p = get_as(&st, &jl, "/problems").await;
        assert!(row(&p.body, id).is_none());
        let p = post_as(&st, &jl, &format!("/problems/{id}/resolve"), "resolution=x").await;
        assert_eq!(p.status, StatusCode::FORBIDDEN);
        let form = format!("owner={jilin_city}&due=2023-12-01");
        let p = post_as(&st, &jl, &format!("/problems/{id}/assign"), &form).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN);
        let (s, list) = json_as(&st, &jl, "GET", "/api/problems", None).await;
        assert_eq!(s, StatusCode::OK);
        assert!(list.as_array().unwrap().iter().all(|x| x["id"] != id));
        let (s, _) = json_as(
            &st,
            &jl,
            "POST",
            &format!("/api/problems/{id}/resolve"),
            Some(serde_json::json!({"resolution": "x"})),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let p = db.store.problem(ProblemId(id)).await.unwrap();
        assert_eq!(p.status, ProblemStatus::Open, "untouched");

        // The office hands it to the provincial housing department.
        let office = demo_sign_in(&st, "office").await;
        let p = post_as(
            &st,
            &office,
            &format!("/problems/{id}/assign"),
            "owner=&due=2023-12-15",
        )
        .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = row(&p.body, id).unwrap();
        assert!(
            r.contains("<details class=\"act\" open>"),
            "the form is unfolded: {r}"
        );
        assert!(r.contains("请选择承办单位"), "{r}");
        assert!(r.contains("value=\"2023-12-15\""), "the date is kept: {r}");
        let form = format!("owner={housing}&due=2023-12-15");
        let p = post_as(&st, &office, &format!("/problems/{id}/assign"), &form).await;
        assert_eq!(redirected_problem(&p), id);
        let p = get_as(&st, &office, "/problems").await;
        let r = row(&p.body, id).unwrap();
        assert!(
            r.contains("省住房和城乡建设厅") && r.contains("2023-12-15"),
            "{r}"
        );

        // 长春市 still sees what it raised, but no longer owns it.
        let p = post_as(&st, &cc, &format!("/problems/{id}/resolve"), "resolution=x").await;
        assert_eq!(p.status, StatusCode::FORBIDDEN);

        // The owner resolves it: a resolution is required.
        let dept = demo_sign_in(&st, "省住房和城乡建设厅").await;
        let p = post_as(
            &st,
            &dept,
            &format!("/problems/{id}/resolve"),
            "resolution=+",
        )
        .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            row(&p.body, id)
                .unwrap()
                .contains("class=\"field-error\">办结须写明办理结果")
        );
        let resolution = "省住建厅安排省级补助资金,12月前拨付";
        let form = format!("resolution={}", enc(resolution));
        let p = post_as(&st, &dept, &format!("/problems/{id}/resolve"), &form).await;
        assert_eq!(redirected_problem(&p), id);
        let p = get_as(&st, &cc, "/problems").await;
        let folded = &p.body[p.body.find("id=\"resolved-problems\"").unwrap()..];
        let r = row(folded, id).expect("resolved ones are folded away below");
        assert!(
            r.contains("data-state=\"resolved\"") && r.contains(resolution),
            "{r}"
        );
        assert!(!r.contains("<form"), "nothing left to do: {r}");
        let p = get_as(&st, &cc, "/problems?state=resolved").await;
        assert!(row(&p.body, id).is_some());
        let p = get_as(&st, &cc, "/problems?state=open").await;
        assert!(row(&p.body, id).is_none());

        assert_eq!(
            audit_trail(&db.store, "problem", id).await,
            RAISED_REASSIGNED_RESOLVED.map(|(a, b)| (a.to_string(), b.to_string()))
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn overdue_problems_show_as_overdue_and_escalate_once() {
    for db in backends().await {
        demo::build(&db.store).await.unwrap();
        let st = state(&db.store, true);
        let changchun = unit_id(&db.store, "长春市").await;
        let province = unit_id(&db.store, "吉林省").await;
        let office = demo_sign_in(&st, "office").await;

        // The demo's own: 通化市's employment problem went past 9-30 and was escalated.
        let p = get_as(&st, &office, "/problems?state=escalated").await;
        assert_eq!(p.status, StatusCode::OK, "{}", db.label);
        assert!(p.body.contains("新增就业进度落后序时进度"), "{}", p.body);
        assert!(p.body.contains("data-state=\"escalated\""));
        assert!(p.body.contains(&format!("data-to=\"{province}\"")));

        // A problem due 10-20, looked at on 10-25.
        let cc = demo_sign_in(&st, "220100").await;
        let form = format!(
            "title={}&owner={changchun}&due=2023-10-20",
            enc("集中供热管网改造进度滞后")
        );
        let id = redirected_problem(&post_as(&st, &cc, "/problems", &form).await);
        let mut later = st.clone();
        later.today = Some(date(2023, 10, 25));
        let p = get_as(&later, &office, "/problems?state=overdue").await;
        let r = row(&p.body, id).expect("overdue");
        assert!(
            r.contains("data-state=\"overdue\"") && r.contains("state-overdue"),
            "{r}"
        );
        let p = get_as(&later, &office, "/problems?state=escalated").await;
        assert!(row(&p.body, id).is_none(), "not escalated yet");

        // Only the office escalates.
        let p = post_as(&later, &cc, "/problems/escalate", "").await;
        assert_eq!(p.status, StatusCode::FORBIDDEN);
        let p = post_as(&later, &office, "/problems/escalate", "").await;
        assert_eq!(
            p.location.as_deref(),
            Some("/problems?notice=escalated&n=1")
        );
        let p = post_as(&later, &office, "/problems/escalate", "").await;
        assert_eq!(
            p.location.as_deref(),
            Some("/problems?notice=escalated&n=0"),
            "a deadline escalates once"
        );
        let p = get_as(&later, &office, "/problems?notice=escalated&n=1").await;
        assert!(p.body.contains("已升级 1 件逾期事项"), "{}", p.body);
        let escalations = db.store.escalations(ProblemId(id)).await.unwrap();
        assert_eq!(escalations.len(), 1);
        assert_eq!(escalations[0].to.0, province);
        let p = get_as(&later, &cc, "/problems?state=escalated").await;
        let r = row(&p.body, id).expect("the raiser sees it escalated");
        assert!(r.contains("吉林省") && r.contains("2023-10-20"), "{r}");
        let events = db.store.audit_events("problem", id).await.unwrap();
        assert_eq!(events.last().unwrap().action, "escalate");
        assert_eq!(events.last().unwrap().actor, "office");
        db.finish().await;
    }
}

#[tokio::test]
async fn a_viewer_of_all_reads_the_whole_board_and_changes_nothing() {
    for db in backends().await {
        demo::build(&db.store).await.unwrap();
        let st = state(&db.store, true);
        let leader = demo_sign_in(&st, "leader").await;
        let p = get_as(&st, &leader, "/problems").await;
        assert_eq!(p.status, StatusCode::OK, "{}", db.label);
        assert!(p.body.contains("id=\"read-only\""));
        assert!(!p.body.contains("<form method=\"post\" action=\"/problems"));
        let all = db.store.problems().await.unwrap();
        assert_eq!(all.len(), 3);
        for x in &all {
            assert!(row(&p.body, x.id.0).is_some(), "{}", x.title);
        }
        let owner = all[0].owner;
        let form = format!("title=x&owner={owner}&due=2023-11-30");
        assert_eq!(
            post_as(&st, &leader, "/problems", &form).await.status,
            StatusCode::FORBIDDEN
        );
        let open = all
            .iter()
            .find(|x| x.status == ProblemStatus::Open)
            .unwrap();
        let p = post_as(
            &st,
            &leader,
            &format!("/problems/{}/resolve", open.id),
            "resolution=x",
        )
        .await;
        assert_eq!(p.status, StatusCode::FORBIDDEN);
        assert_eq!(db.store.problems().await.unwrap(), all);

        // Nobody signed in is sent to sign in.
        let p = get_as(&st, "", "/problems").await;
        assert_eq!(p.location.as_deref(), Some("/login?next=/problems"));
        db.finish().await;
    }
}
