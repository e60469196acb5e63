//! Decomposition in the pages (issue #12 items 1 and 2): a target's split saved from the form
//! under the API's rule, refusals beside the field with nothing saved, proposals by population
//! and like another target, the split sheet to Excel and back (errors by row and column, all
//! or nothing), the plan's status page; a standard held everywhere, its kind changed by the
//! office and audited.

use crate::support::{Page, audit_trail, demo_sign_in, enc, get_as, post_as, state, upload_with};
use axum::http::{StatusCode, header};
use minsheng_app::decomposition::{self, DecompositionView};
use minsheng_app::demo;
use minsheng_domain::*;
use minsheng_store::Store;
use minsheng_store::testing::backends;
use minsheng_web::AppState;
use rust_decimal::Decimal;

fn office() -> Account {
    Account {
        id: UserId(1),
        name: "office".into(),
        role: Role::Office,
        unit: None,
    }
}

async fn demo_office(store: &Store) -> (AppState, String) {
    demo::build(store).await.unwrap();
    let st = state(store, true);
    let cookie = demo_sign_in(&st, "office").await;
    (st, cookie)
}

/// The demo's (2023) target whose phrase holds `phrase`.
async fn target(store: &Store, phrase: &str) -> Target {
    let plans = store.plans().await.unwrap();
    let plan = plans.iter().find(|p| p.year == 2023).unwrap().id;
    store
        .targets(plan)
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.phrase.contains(phrase))
        .unwrap()
}

async fn view(store: &Store, t: TargetId) -> DecompositionView {
    decomposition::view(store, &office(), t).await.unwrap()
}

/// The form a browser would post for `quotas` over the view's regions (blank: no share).
fn form(v: &DecompositionView, accrual: &str, quotas: &[(&str, &str)]) -> String {
    let lead = v.lead.unwrap().0;
    let mut f = vec![
        ("accrual".to_string(), accrual.to_string()),
        ("lead".to_string(), lead.to_string()),
        ("lead_budget".to_string(), "2000000".to_string()),
    ];
    for (i, r) in v.regions.iter().enumerate() {
        let q = quotas
            .iter()
            .find(|(n, _)| *n == r.name)
            .map_or("", |(_, q)| q);
        f.push((format!("q{i}"), q.to_string()));
        f.push((format!("b{i}"), String::new()));
    }
    f.iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Jilin's prefectures' population (万人), in the demo's region order.
const POPULATION: [u64; 9] = [907, 362, 181, 100, 130, 95, 225, 155, 194];

/// `value` split over every region by population, with `shift` moved onto the first share
/// (and off the second when `balanced`): the demo's regions have all filed reports, so none
/// may be dropped.
fn by_population(
    v: &DecompositionView,
    value: Decimal,
    shift: i64,
    balanced: bool,
) -> Vec<(String, String)> {
    let mut q = split_by_weights(value, &POPULATION).unwrap();
    q[0] += Decimal::from(shift);
    if balanced {
        q[1] -= Decimal::from(shift);
    }
    v.regions
        .iter()
        .zip(q)
        .map(|(r, q)| (r.name.clone(), q.to_string()))
        .collect()
}

fn pairs(q: &[(String, String)]) -> Vec<(&str, &str)> {
    q.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect()
}

#[tokio::test]
async fn the_office_splits_a_target_in_the_page() {
    for db in backends().await {
        let store = &db.store;
        let (st, cookie) = demo_office(store).await;
        let jobs = target(store, "23万人").await;
        let uri = format!("/targets/{}/decompose", jobs.id);
        let p = get_as(&st, &cookie, &uri).await;
        assert_eq!(p.status, StatusCode::OK, "{}", db.label);
        assert!(p.body.contains("id=\"decompose-form\""), "{}", p.body);
        assert!(p.body.contains("长春市"));
        assert!(p.body.contains("与目标相符"), "the demo's split adds up");
        // Linked from the item and the plan; a unit may not open it.
        let (item, _) = store.item(jobs.item).await.unwrap();
        let item_page = get_as(&st, &cookie, &format!("/items/{}", item.id)).await;
        assert!(item_page.body.contains(&format!("href=\"{uri}\"")));
        let cc = demo_sign_in(&st, "220100").await;
        assert_eq!(get_as(&st, &cc, &uri).await.status, StatusCode::FORBIDDEN);
        assert_eq!(
            post_as(&st, &cc, &uri, "lead=1").await.status,
            StatusCode::FORBIDDEN
        );

        // A split 1000 short: 422, the sum and the rule's words shown, the form as typed,
        // nothing saved.
        let v = view(store, jobs.id).await;
        let before = store.assignments_of_target(jobs.id).await.unwrap();
        let audits = store.audit_count().await.unwrap();
        let short_q = by_population(&v, jobs.quantity.value, -1000, false);
        let short = form(&v, "cumulative", &pairs(&short_q));
        let p = post_as(&st, &cookie, &uri, &short).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
        assert!(p.body.contains("id=\"quota-error\""), "{}", p.body);
        assert!(p.body.contains("分解值合计"), "{}", p.body);
        assert!(
            p.body.contains(&format!("value=\"{}\"", short_q[0].1)),
            "re-filled"
        );
        assert!(p.body.contains("相差 −1000人"), "{}", p.body);
        // A quota that is not a number is named beside its row.
        let mut bad_q = by_population(&v, jobs.quantity.value, 1000, true);
        bad_q[0].1 = "十五万".into();
        let bad = form(&v, "cumulative", &pairs(&bad_q));
        let p = post_as(&st, &cookie, &uri, &bad).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p.body.contains("class=\"share has-error\""), "{}", p.body);
        assert_eq!(store.assignments_of_target(jobs.id).await.unwrap(), before);
        assert_eq!(
            store.audit_count().await.unwrap(),
            audits,
            "nothing written"
        );

        // A split that adds up is saved.
        let ok_q = by_population(&v, jobs.quantity.value, 1000, true);
        let ok = form(&v, "cumulative", &pairs(&ok_q));
        let p = post_as(&st, &cookie, &uri, &ok).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        let now = store.assignments_of_target(jobs.id).await.unwrap();
        let quotas: Vec<Decimal> = now.iter().filter_map(|a| a.quota).collect();
        assert_eq!(quotas.len(), 9, "{}", db.label);
        assert_eq!(quotas.iter().copied().sum::<Decimal>(), jobs.quantity.value);
        let p = get_as(&st, &cookie, p.location.as_deref().unwrap()).await;
        assert!(p.body.contains("已保存分解"), "{}", p.body);

        // Proposed by population: whole numbers by largest remainder, summing to the target,
        // nothing saved until the office saves it.
        let p = get_as(&st, &cookie, &format!("{uri}?by=population")).await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.body);
        assert!(p.body.contains("按常住人口"), "{}", p.body);
        let want = split_by_weights(jobs.quantity.value, &POPULATION).unwrap();
        assert!(
            p.body.contains(&format!("value=\"{}\"", want[0])),
            "{}",
            p.body
        );
        assert!(p.body.contains("与目标相符"));
        assert_eq!(store.assignments_of_target(jobs.id).await.unwrap(), now);
        // Like another target: the same regions in the same proportions.
        let other = target(store, "800个").await;
        let p = get_as(&st, &cookie, &format!("{uri}?like={}", other.id)).await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.body);
        assert!(p.body.contains("与目标相符"), "{}", p.body);

        // The plan's decomposition at a glance.
        let plan = store.plans().await.unwrap()[0].id;
        let p = get_as(&st, &cookie, &format!("/plans/{plan}/decomposition")).await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.body);
        assert!(p.body.contains("id=\"split-targets\""));
        assert!(p.body.contains("id=\"holders\""));
        assert!(
            p.body
                .contains(&format!("data-target=\"{}\" data-state=\"split\"", jobs.id))
        );
        assert!(p.body.contains("省人力资源和社会保障厅"));
        db.finish().await;
    }
}

#[tokio::test]
async fn a_standard_is_held_everywhere_and_its_kind_is_the_offices_to_say() {
    for db in backends().await {
        let store = &db.store;
        let (st, cookie) = demo_office(store).await;
        let standard = target(store, "户均800元").await;
        assert_eq!(standard.accrual(), Accrual::Level);
        let uri = format!("/targets/{}/decompose", standard.id);
        let p = get_as(&st, &cookie, &uri).await;
        assert!(p.body.contains("id=\"level-note\""), "{}", p.body);
        assert!(
            p.body.contains("id=\"accrual-level\" checked"),
            "{}",
            p.body
        );
        // Divided, it is refused beside the share, in the rule's words.
        let v = view(store, standard.id).await;
        let divided = form(
            &v,
            "level",
            &pairs(&by_population(&v, standard.quantity.value, 0, false)),
        );
        let p = post_as(&st, &cookie, &uri, &divided).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p.body.contains("不分摊"), "{}", p.body);
        assert!(p.body.contains("class=\"share has-error\""));
        // The office says it is a count after all: saved, and audited as a change of the target.
        let count = form(
            &v,
            "cumulative",
            &pairs(&by_population(&v, standard.quantity.value, 0, false)),
        );
        let p = post_as(&st, &cookie, &uri, &count).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        assert_eq!(
            store.target(standard.id).await.unwrap().accrual(),
            Accrual::Cumulative
        );
        let trail = store.audit_events("target", standard.id.0).await.unwrap();
        let change = trail.iter().rev().find(|e| e.action == "update").unwrap();
        let after = minsheng_store::audit_fields(change.after.as_deref().unwrap());
        assert!(
            after
                .iter()
                .any(|(k, v)| k == "accrual" && v.as_deref() == Some("cumulative")),
            "{after:?}"
        );
        // A rate offers no choice.
        let rate = store
            .targets(store.plans().await.unwrap()[0].id)
            .await
            .unwrap()
            .into_iter()
            .find(|t| t.quantity.unit == "%")
            .unwrap();
        let p = get_as(&st, &cookie, &format!("/targets/{}/decompose", rate.id)).await;
        assert!(!p.body.contains("id=\"accrual-cumulative\""), "{}", p.body);
        db.finish().await;
    }
}

/// A same-origin multipart post of the lead and one file.
async fn upload_sheet(st: &AppState, cookie: &str, uri: &str, lead: UnitId, bytes: &[u8]) -> Page {
    let lead = lead.to_string();
    upload_with(
        st,
        cookie,
        uri,
        &[("lead", &lead)],
        "split.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        bytes,
    )
    .await
}

/// A split sheet as a person fills it in Excel: rows from 3, A the region, C the quota.
fn sheet(rows: &[(&str, &str)]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.write_string(0, 0, "分解表").unwrap();
    ws.write_string(1, 0, "单位").unwrap();
    ws.write_string(1, 2, "任务量").unwrap();
    for (r, (unit, quota)) in (2u32..).zip(rows) {
        ws.write_string(r, 0, *unit).unwrap();
        match quota.parse::<f64>() {
            Ok(n) => ws.write_number(r, 2, n).unwrap(),
            Err(_) => ws.write_string(r, 2, *quota).unwrap(),
        };
    }
    book.save_to_buffer().unwrap()
}

#[tokio::test]
async fn the_split_sheet_goes_to_excel_and_back() {
    for db in backends().await {
        let store = &db.store;
        let (st, cookie) = demo_office(store).await;
        let homes = target(store, "800个").await; // 改造城镇老旧小区800个
        let uri = format!("/targets/{}/decompose", homes.id);
        let p = get_as(&st, &cookie, &format!("{uri}/sheet.xlsx")).await;
        assert_eq!(p.status, StatusCode::OK);
        assert!(
            p.headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .contains("spreadsheetml")
        );
        assert!(
            p.headers[header::CONTENT_DISPOSITION]
                .to_str()
                .unwrap()
                .contains("attachment")
        );
        let v = view(store, homes.id).await;
        let lead = v.lead.unwrap().0;
        let before = store.assignments_of_target(homes.id).await.unwrap();
        let audits = store.audit_count().await.unwrap();

        // Every cell checked, each problem by row and column; nothing saved.
        let bad = sheet(&[("长春市", "四百"), ("沈阳市", "100"), ("吉林市", "300.5")]);
        let p = upload_sheet(&st, &cookie, &format!("{uri}/sheet"), lead, &bad).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
        assert!(p.body.contains("第3行 C列"), "{}", p.body);
        assert!(p.body.contains("第4行 A列"), "{}", p.body);
        assert_eq!(store.assignments_of_target(homes.id).await.unwrap(), before);
        // The split rule, by the share's row: 300.5个 is not a whole number.
        let mut rows = by_population(&v, homes.quantity.value, 0, false);
        rows[0].1 = format!("{}.5", rows[0].1);
        rows[1].1 = format!("{}", rows[1].1.parse::<i64>().unwrap() - 1);
        rows[2].1 = format!("{}.5", rows[2].1);
        let fraction = sheet(&pairs(&rows));
        let p = upload_sheet(&st, &cookie, &format!("{uri}/sheet"), lead, &fraction).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
        assert!(p.body.contains("第3行 C列"), "{}", p.body);
        assert!(p.body.contains("不是整数"), "{}", p.body);
        // A sum that does not match is named as the sheet's.
        let rows = by_population(&v, homes.quantity.value, -100, false);
        let short = sheet(&pairs(&rows));
        let p = upload_sheet(&st, &cookie, &format!("{uri}/sheet"), lead, &short).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
        assert!(p.body.contains("分解值合计"), "{}", p.body);
        assert_eq!(store.assignments_of_target(homes.id).await.unwrap(), before);
        assert_eq!(
            store.audit_count().await.unwrap(),
            audits,
            "nothing written"
        );

        // Filled right, it is saved as a whole.
        let rows = by_population(&v, homes.quantity.value, 100, true);
        let good = sheet(&pairs(&rows));
        let p = upload_sheet(&st, &cookie, &format!("{uri}/sheet"), lead, &good).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        let now = store.assignments_of_target(homes.id).await.unwrap();
        let cc = v.regions[0].id;
        let cc_quota = now.iter().find(|a| a.unit == cc).and_then(|a| a.quota);
        assert_eq!(cc_quota, Some(rows[0].1.parse().unwrap()), "{}", db.label);
        let quotas: Decimal = now.iter().filter_map(|a| a.quota).sum();
        assert_eq!(quotas, homes.quantity.value, "{}", db.label);
        db.finish().await;
    }
}

/// A new plan starts with nothing split: the status page says so; one target follows last
/// year's shares, another is split by population in whole numbers (no "9.75家").
#[tokio::test]
async fn a_new_plan_is_split_from_nothing() {
    for db in backends().await {
        let store = &db.store;
        let (st, cookie) = demo_office(store).await;
        let province = store.unit_by_name("吉林省").await.unwrap().unwrap().id;
        let text = "关于2024年全省民生实事安排的意见\n一、促进就业方面(2项)\n1.城镇新增就业24万人。\n2.新建普惠托育机构39家。\n";
        let imported = minsheng_app::import::import_plan(
            store,
            &Actor::new("office"),
            text,
            &minsheng_app::import::ImportOptions {
                owner: province,
                kind: PlanKind::Livelihood,
                status: PlanStatus::Confirmed,
                default_year: Some(2024),
            },
        )
        .await
        .unwrap();
        let new = store.targets(imported.plan).await.unwrap();
        assert_eq!(new.len(), 2, "{new:?}");
        let status = format!("/plans/{}/decomposition", imported.plan);
        let p = get_as(&st, &cookie, &status).await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.body);
        assert!(
            p.body.contains("<b class=\"count-unassigned\">2</b>"),
            "{}",
            p.body
        );
        assert!(p.body.contains("data-state=\"unassigned\""));

        // 24万人 like last year's 23万人: the same prefectures in the same proportions.
        let last_year = target(store, "23万人").await;
        let jobs = &new[0];
        let uri = format!("/targets/{}/decompose", jobs.id);
        let p = get_as(&st, &cookie, &uri).await;
        assert!(
            p.body.contains("2023年:"),
            "last year's targets are offered: {}",
            p.body
        );
        let p = get_as(&st, &cookie, &format!("{uri}?like={}", last_year.id)).await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.body);
        assert!(p.body.contains("与目标相符"), "{}", p.body);
        let v = view(store, jobs.id).await;
        assert!(v.lead.is_none(), "nothing assigned yet");
        let proposed =
            decomposition::propose(store, &v, decomposition::WeightSource::Target(last_year.id))
                .await
                .unwrap();
        assert_eq!(proposed.len(), 9);
        let lead = store
            .unit_by_name("省人力资源和社会保障厅")
            .await
            .unwrap()
            .unwrap()
            .id;
        let mut f = vec![
            ("accrual".to_string(), "cumulative".to_string()),
            ("lead".to_string(), lead.to_string()),
        ];
        for (i, r) in v.regions.iter().enumerate() {
            let q = proposed.iter().find(|s| s.unit == r.id).unwrap().quota;
            f.push((format!("q{i}"), q.to_string()));
        }
        let body = f
            .iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect::<Vec<_>>()
            .join("&");
        let p = post_as(&st, &cookie, &uri, &body).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);

        // 39家 by population: whole numbers only.
        let homes = &new[1];
        let p = get_as(
            &st,
            &cookie,
            &format!("/targets/{}/decompose?by=population", homes.id),
        )
        .await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.body);
        let values: Vec<&str> = p
            .body
            .split("class=\"quota\" value=\"")
            .skip(1)
            .map(|s| &s[..s.find('"').unwrap()])
            .collect();
        assert_eq!(values.len(), 9, "{}", p.body);
        assert!(
            values
                .iter()
                .all(|v| v.is_empty() || v.parse::<u32>().is_ok()),
            "{values:?}"
        );
        let sum: u32 = values.iter().filter_map(|v| v.parse::<u32>().ok()).sum();
        assert_eq!(sum, 39);

        let p = get_as(&st, &cookie, &status).await;
        assert!(
            p.body.contains("<b class=\"count-unassigned\">1</b>"),
            "{}",
            p.body
        );
        assert!(
            p.body.contains("<b class=\"count-split\">1</b>"),
            "{}",
            p.body
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn the_decomposition_pages_are_in_one_language_at_a_time() {
    for db in backends().await {
        let store = &db.store;
        let (st, cookie) = demo_office(store).await;
        let jobs = target(store, "23万人").await;
        let plan = store.plans().await.unwrap()[0].id;
        let english = format!("{cookie}; lang=en");
        for uri in [
            format!("/targets/{}/decompose", jobs.id),
            format!("/plans/{plan}/decomposition"),
        ] {
            let zh = get_as(&st, &cookie, &uri).await;
            let en = get_as(&st, &english, &uri).await;
            assert_eq!(en.status, StatusCode::OK);
            for (zh_word, en_word) in [("任务分解", "Decomposition"), ("牵头单位", "Lead")]
            {
                assert!(zh.body.contains(zh_word), "{uri}: {zh_word}");
                assert!(en.body.contains(en_word), "{uri}: {en_word}");
                assert!(!en.body.contains(zh_word), "{uri}: {zh_word} in English");
            }
        }
        db.finish().await;
    }
}

/// A sheet of weights as the office keeps one: a title, a heading, A the region, B the weight.
fn weights_sheet(rows: &[(&str, &str)]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.write_string(0, 0, "各市待改造小区数").unwrap();
    ws.write_string(1, 0, "地区").unwrap();
    ws.write_string(1, 1, "小区数").unwrap();
    for (r, (unit, w)) in (2u32..).zip(rows) {
        ws.write_string(r, 0, *unit).unwrap();
        match w.parse::<f64>() {
            Ok(n) => ws.write_number(r, 1, n).unwrap(),
            Err(_) => ws.write_string(r, 1, *w).unwrap(),
        };
    }
    book.save_to_buffer().unwrap()
}

/// Issue #12 item 1's third weight: a column the office uploads. The proposal divides the
/// target in proportion, in whole numbers, and saves nothing; a sheet naming a place that is no
/// region of the target, or a word for a weight, is refused by row and column.
#[tokio::test]
async fn a_target_is_proposed_in_proportion_to_an_uploaded_column() {
    for db in backends().await {
        let store = &db.store;
        let (st, cookie) = demo_office(store).await;
        let homes = target(store, "800个").await;
        let before = store.assignments_of_target(homes.id).await.unwrap();
        let uri = format!("/targets/{}/decompose/weights", homes.id);
        let xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
        let good = weights_sheet(&[("长春市", "3"), ("吉林市", "1"), ("四平市", "0")]);
        let p = upload_with(&st, &cookie, &uri, &[], "小区数.xlsx", xlsx, &good).await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.body);
        assert!(p.body.contains("上传的权重表“小区数.xlsx”"), "{}", p.body);
        let values: Vec<&str> = p
            .body
            .split("class=\"quota\" value=\"")
            .skip(1)
            .map(|s| &s[..s.find('"').unwrap()])
            .collect();
        let mut filled: Vec<&str> = values.iter().copied().filter(|v| !v.is_empty()).collect();
        filled.sort();
        assert_eq!(
            filled,
            ["200", "600"],
            "a region weighing 0 gets no share: {values:?}"
        );
        assert_eq!(
            store.assignments_of_target(homes.id).await.unwrap(),
            before,
            "a proposal saves nothing"
        );
        let bad = weights_sheet(&[("长春市", "3"), ("上海市", "2"), ("吉林市", "许多")]);
        let p = upload_with(&st, &cookie, &uri, &[], "小区数.xlsx", xlsx, &bad).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
        assert!(p.body.contains("第4行 A列"), "{}", p.body);
        assert!(p.body.contains("上海市"), "{}", p.body);
        assert!(p.body.contains("第5行 B列"), "{}", p.body);
        db.finish().await;
    }
}

/// The office enters the regions' population in a page: all checked, then all saved in one
/// audited transaction; a value that is not a whole number of people is refused beside its
/// region and nothing is saved.
#[tokio::test]
async fn the_office_enters_the_population_in_a_page() {
    for db in backends().await {
        let store = &db.store;
        let (st, cookie) = demo_office(store).await;
        let changchun = store.unit_by_name("长春市").await.unwrap().unwrap().id;
        let jilin = store.unit_by_name("吉林市").await.unwrap().unwrap().id;
        let p = get_as(&st, &cookie, "/units/population").await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.body);
        assert!(p.body.contains(&format!("id=\"population-{changchun}\"")));
        let before = store
            .unit_weights(minsheng_store::POPULATION)
            .await
            .unwrap();
        let bad = format!("population-{changchun}=9100000&population-{jilin}=362.35");
        let p = post_as(&st, &cookie, "/units/population", &bad).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
        assert!(
            p.body.contains(&format!("id=\"population-{jilin}-error\"")),
            "{}",
            p.body
        );
        assert!(
            p.body.contains("362.35"),
            "what was typed is kept: {}",
            p.body
        );
        assert_eq!(
            store
                .unit_weights(minsheng_store::POPULATION)
                .await
                .unwrap(),
            before,
            "nothing saved"
        );
        let good = format!("population-{changchun}=9100000&population-{jilin}=362.3%E4%B8%87");
        let p = post_as(&st, &cookie, "/units/population", &good).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        let now = store
            .unit_weights(minsheng_store::POPULATION)
            .await
            .unwrap();
        assert_eq!(now.get(&changchun), Some(&9_100_000));
        assert_eq!(now.get(&jilin), Some(&3_623_000));
        let trail = audit_trail(store, "unit", changchun.0).await;
        assert!(!trail.is_empty(), "audited on the unit");
        // A unit account may not.
        let city = demo_sign_in(&st, "220100").await;
        let p = post_as(&st, &city, "/units/population", &good).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN);
        db.finish().await;
    }
}
