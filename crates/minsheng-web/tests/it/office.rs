//! The office dashboard and the target page on the demo, on each backend: the counts add up,
//! every number drills down to a unit's report, units see only their own subtree, English
//! works, and the trajectory chart carries its three series.

use crate::support::{demo_sign_in, get_as, state};
use axum::http::StatusCode;
use minsheng_app::visibility::PlanOutline;
use minsheng_app::{demo, visibility};
use minsheng_domain::{AssignmentRole, TargetId, UnitKind};
use minsheng_store::testing::{TestDb, backends};
use minsheng_web::AppState;

/// The value of the attribute `attr` of every element whose text before it contains
/// `marker` — e.g. every `href` after `class="target-link"`.
fn attrs_after<'a>(html: &'a str, marker: &str, attr: &str) -> Vec<&'a str> {
    html.match_indices(marker)
        .filter_map(|(i, _)| {
            let rest = &html[i..];
            let start = rest.find(&format!("{attr}=\""))? + attr.len() + 2;
            let end = rest[start..].find('"')?;
            Some(&rest[start..start + end])
        })
        .collect()
}

/// The number inside the element with id `id`: `id="count-done" …>12<`.
fn number_in(html: &str, id: &str) -> usize {
    let at = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id}"));
    let rest = &html[at..];
    let open = rest.find('>').unwrap() + 1;
    let close = rest[open..].find('<').unwrap();
    rest[open..open + close]
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("#{id} holds no number: {}", &rest[..open + close]))
}

/// The demo on `db`, served as on its own day, with its plan's outline.
async fn demo_state(db: &TestDb) -> (AppState, PlanOutline) {
    demo::build(&db.store).await.unwrap();
    let plan = db.store.plans().await.unwrap()[0].id;
    let outline = visibility::plan_outline(&db.store, None, plan)
        .await
        .unwrap();
    (state(&db.store, true), outline)
}

fn unescape(s: &str) -> String {
    s.replace("&amp;", "&").replace("&#38;", "&")
}

#[tokio::test]
async fn the_dashboard_counts_add_up_and_drill_down_to_a_units_report() {
    for db in backends().await {
        let (st, outline) = demo_state(&db).await;
        let plan = outline.plan.id;
        let cookie = demo_sign_in(&st, "office").await;
        let targets = outline.target_count() + outline.qualitative_count();

        let p = get_as(&st, &cookie, "/office").await;
        assert_eq!(p.status, StatusCode::OK, "{}: {}", db.label, p.body);
        let page = p.body;
        for id in [
            "overall-completion",
            "expected-progress",
            "lagging",
            "ranking",
        ] {
            assert!(page.contains(&format!("id=\"{id}\"")), "#{id}");
        }
        // September 2023 is the demo's default month (its day is 15 October).
        assert!(page.contains("<option value=\"2023-09\" selected>"));
        let counts: usize = minsheng_domain::Status::ALL
            .iter()
            .map(|s| number_in(&page, &format!("count-{}", s.code().replace('_', "-"))))
            .sum();
        // The demo's September reports are filed and awaiting review (待审核).
        assert!(
            number_in(&page, "count-awaiting-review") > 0,
            "{}",
            db.label
        );
        assert_eq!(counts, targets, "{}: the counts add up", db.label);
        assert_eq!(page.matches("<tr class=\"section-row\">").count(), 10);
        assert!(number_in(&page, "count-on-track") + number_in(&page, "count-done") > 0);
        // Completeness: expected = received + missing, received = on time + late.
        let cells = |class: &str| {
            number_in(
                &page.replace(
                    &format!("class=\"num {class}\""),
                    &format!("id=\"c-{class}\""),
                ),
                &format!("c-{class}"),
            )
        };
        assert_eq!(cells("expected"), cells("received") + cells("missing"));
        assert_eq!(cells("received"), cells("on-time") + cells("late"));
        assert!(cells("expected") > 0);

        // A status count lists exactly its targets.
        let lagging = number_in(&page, "count-lagging");
        let href = unescape(attrs_after(&page, "id=\"count-lagging\"", "href")[0]);
        assert!(href.starts_with("/office?plan=") && href.ends_with("&status=lagging"));
        let p = get_as(&st, &cookie, &href).await;
        assert_eq!(p.status, StatusCode::OK);
        assert_eq!(p.body.matches("class=\"target-row\"").count(), lagging);

        // Section row → the section's targets → a target → a unit's latest report.
        let section = unescape(attrs_after(&page, "<tr class=\"section-row\">", "href")[0]);
        assert!(section.ends_with("&section=1"), "{section}");
        let p = get_as(&st, &cookie, &section).await;
        assert_eq!(p.status, StatusCode::OK);
        assert!(p.body.contains("id=\"drill-heading\""));
        let first_section: usize = outline.sections[0]
            .items
            .iter()
            .map(|i| i.targets.len())
            .sum();
        assert_eq!(
            p.body.matches("class=\"target-row\"").count(),
            first_section
        );
        let target_href = unescape(attrs_after(&p.body, "class=\"target-link\"", "href")[0]);
        assert!(target_href.ends_with("?period=2023-09"), "{target_href}");
        let target: TargetId = target_href["/targets/".len()..target_href.find('?').unwrap()]
            .parse()
            .unwrap();
        let p = get_as(&st, &cookie, &target_href).await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.body);
        assert!(p.body.contains("id=\"source\"") && p.body.contains("<mark>"));
        let reports = attrs_after(&p.body, "class=\"report-link\"", "href");
        assert!(!reports.is_empty(), "a unit's row links to its report");
        let report: i64 = reports[0]["/reports/".len()..].parse().unwrap();
        let report = db
            .store
            .report(minsheng_domain::ReportId(report))
            .await
            .unwrap();
        let a = db.store.assignment(report.assignment).await.unwrap();
        assert_eq!(a.target, target, "the report is one of this target's");
        assert!(p.body.contains("class=\"history-row\""));

        // Bad parameters are named, not guessed.
        let p = get_as(&st, &cookie, "/office?period=2023-13").await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST);
        let p = get_as(&st, &cookie, &format!("/office?plan={plan}&status=red")).await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST);
        assert!(p.body.contains("status"));
        let p = get_as(&st, &cookie, "/office?plan=999999").await;
        assert_eq!(p.status, StatusCode::NOT_FOUND);

        // The leader (a viewer of all) sees the dashboard too.
        let leader = demo_sign_in(&st, "leader").await;
        assert_eq!(get_as(&st, &leader, "/office").await.status, StatusCode::OK);
        db.finish().await;
    }
}

#[tokio::test]
async fn a_unit_sees_no_dashboard_and_only_its_own_rows_of_a_target() {
    for db in backends().await {
        let (st, outline) = demo_state(&db).await;
        let changchun = demo_sign_in(&st, "220100").await;
        let p = get_as(&st, &changchun, "/office").await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "{}", db.label);

        let units = db.store.units().await.unwrap();
        let unit = |code: &str| {
            units
                .iter()
                .find(|u| u.code.as_deref() == Some(code))
                .unwrap()
                .id
        };
        let (cc, jl) = (unit("220100"), unit("220200"));
        let first = outline.sections[0].items[0].targets[0].id;
        let shares = db.store.assignments_of_target(first).await.unwrap();
        assert!(shares.iter().any(|a| a.unit == cc) && shares.iter().any(|a| a.unit == jl));

        // 长春市 sees its own row, not 吉林市's, nor the lead department's.
        let p = get_as(&st, &changchun, &format!("/targets/{first}")).await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.body);
        assert!(p.body.contains(&format!("id=\"unit-{cc}\"")));
        assert!(
            !p.body.contains(&format!("id=\"unit-{jl}\"")),
            "another unit's row is absent"
        );
        assert_eq!(p.body.matches("class=\"unit-row\"").count(), 1);
        assert!(p.body.contains("id=\"only-yours\""));
        assert!(
            !p.body.contains("href=\"/office?"),
            "no link to a dashboard it cannot see"
        );
        // The office sees every row.
        let office = demo_sign_in(&st, "office").await;
        let p = get_as(&st, &office, &format!("/targets/{first}")).await;
        assert_eq!(p.body.matches("class=\"unit-row\"").count(), shares.len());

        // A department sees a target only when it carries one: another department's is 403.
        let hr = demo_sign_in(&st, "省人力资源和社会保障厅").await;
        let hr_unit = units
            .iter()
            .find(|u| u.name == "省人力资源和社会保障厅" && u.kind == UnitKind::Department)
            .unwrap()
            .id;
        let mut other = None;
        for s in &outline.sections {
            for i in &s.items {
                for t in &i.targets {
                    let a = db.store.assignments_of_target(t.id).await.unwrap();
                    let lead = a
                        .iter()
                        .find(|a| a.role == AssignmentRole::Lead)
                        .map(|a| a.unit);
                    if lead.is_some() && lead != Some(hr_unit) && other.is_none() {
                        other = Some(t.id);
                    }
                }
            }
        }
        let other = other.expect("a target led by another department");
        let p = get_as(&st, &hr, &format!("/targets/{other}")).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN);
        let p = get_as(&st, &hr, &format!("/targets/{first}")).await;
        assert_eq!(p.status, StatusCode::OK, "its own target");
        assert_eq!(p.body.matches("class=\"unit-row\"").count(), 1);
        db.finish().await;
    }
}

#[tokio::test]
async fn the_target_page_draws_the_trajectory_and_speaks_english() {
    for db in backends().await {
        let (st, outline) = demo_state(&db).await;
        let cookie = demo_sign_in(&st, "office").await;
        // 城镇新增就业23万人: a count split over the prefectures.
        let jobs = outline.sections[0].items[0].targets[0].id;

        let p = get_as(&st, &cookie, &format!("/targets/{jobs}?period=2023-06")).await;
        assert_eq!(p.status, StatusCode::OK, "{}", db.label);
        let svg_start = p.body.find("<svg").expect("an SVG chart");
        let svg = &p.body[svg_start..p.body.find("</svg>").unwrap()];
        for key in ["expected", "actual", "forecast"] {
            assert!(
                svg.contains(&format!("<polyline class=\"series series-{key}\"")),
                "the {key} series"
            );
        }
        assert!(svg.contains(">6月<") && svg.contains(">12月<") && svg.contains("序时进度"));
        assert_eq!(
            svg.matches("<circle class=\"dot series-actual\"").count(),
            6
        );
        assert!(!svg.contains("style="), "no inline style (CSP)");
        assert!(p.body.contains("<option value=\"2023-06\" selected>"));
        if p.body.contains("id=\"trajectory-data\"") {
            // ECharts is bundled: the data block parses and names the page's own script.
            let at = p.body.find("id=\"trajectory-data\"").unwrap();
            let json = &p.body[at..];
            let json = &json[json.find('>').unwrap() + 1..json.find("</script>").unwrap()];
            let v: serde_json::Value = serde_json::from_str(json).unwrap();
            assert_eq!(v["series"].as_array().unwrap().len(), 3);
            assert_eq!(v["months"][0], "1月");
            assert!(
                p.body
                    .contains("<script src=\"/assets/charts.js\" defer></script>")
            );
            let js = get_as(&st, "", "/assets/echarts-6.1.0.min.js").await;
            assert_eq!(js.status, StatusCode::OK);
            let lic = get_as(&st, "", "/assets/licenses").await;
            assert!(lic.body.contains("Apache License"));
        }
        let js = get_as(&st, "", "/assets/charts.js").await;
        assert_eq!(js.status, StatusCode::OK);
        assert!(js.body.contains("animation: false"));

        // English, by the lang cookie.
        let en = format!("{cookie}; lang=en");
        let p = get_as(&st, &en, &format!("/targets/{jobs}?period=2023-06")).await;
        assert!(p.body.contains("<html lang=\"en\">"));
        assert!(p.body.contains("Trajectory") && p.body.contains(">Jun<"));
        assert!(p.body.contains("Report history") && !p.body.contains("报告记录"));
        let p = get_as(&st, &en, "/office").await;
        assert_eq!(p.status, StatusCode::OK);
        assert!(p.body.contains("Overall completion") && p.body.contains("Ranking of units"));
        assert!(p.body.contains("September 2023") && !p.body.contains("整体完成度"));

        // A bad month is refused by name.
        let p = get_as(&st, &cookie, &format!("/targets/{jobs}?period=十三月")).await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST);
        assert!(p.body.contains("period"));
        db.finish().await;
    }
}

#[tokio::test]
async fn an_accepted_report_shows_on_the_next_dashboard() {
    for db in backends().await {
        let (st, outline) = demo_state(&db).await;
        let cookie = demo_sign_in(&st, "office").await;
        let before = get_as(&st, &cookie, "/office").await.body;
        assert_eq!(before, get_as(&st, &cookie, "/office").await.body, "kept");
        let awaiting = number_in(&before, "count-awaiting-review");

        // A September report of a target that has none accepted yet for September: the
        // target awaits review (待审核), not "not reported".
        let sep = minsheng_domain::Period::Month {
            year: 2023,
            month: 9,
        };
        let t = minsheng_app::tracking::tracking(
            &db.store,
            outline.plan.id,
            sep,
            demo::DEMO_AS_OF,
            &Default::default(),
        )
        .await
        .unwrap();
        let waiting = db.store.submitted_reports().await.unwrap();
        let report = waiting
            .iter()
            .find(|r| {
                r.period == sep
                    && t.targets.iter().any(|x| {
                        x.status == minsheng_domain::Status::AwaitingReview
                            && x.shares.iter().any(|s| s.assignment == r.assignment)
                    })
            })
            .expect("a September report waiting for review");
        minsheng_app::reporting::review_report(
            &db.store,
            &minsheng_domain::Actor::new("office"),
            report.id,
            &minsheng_app::reporting::Decision::Accept,
        )
        .await
        .unwrap();
        let after = get_as(&st, &cookie, "/office").await.body;
        assert_eq!(
            number_in(&after, "count-awaiting-review"),
            awaiting - 1,
            "{}: the accept shows at once",
            db.label
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn the_dashboard_says_how_many_reports_wait_for_review() {
    for db in backends().await {
        let (st, o) = demo_state(&db).await;
        let office = demo_sign_in(&st, "office").await;
        // September's reports are filed and wait for review on the demo's day.
        let waiting = db
            .store
            .submitted_reports()
            .await
            .unwrap()
            .iter()
            .filter(|r| r.period.to_string() == "2023-09")
            .count();
        assert!(waiting > 0);
        let p = get_as(
            &st,
            &office,
            &format!("/office?plan={}&period=2023-09", o.plan.id),
        )
        .await;
        assert_eq!(p.status, StatusCode::OK, "{}", db.label);
        let note = &p.body[p.body.find("id=\"awaiting-review\"").expect("the note")..];
        let note = &note[..note.find("</p>").unwrap()];
        assert!(note.contains(&format!("<b>{waiting}</b>")), "{note}");
        assert!(
            unescape(note).contains(&format!(
                "href=\"/review?plan={}&period=2023-09\"",
                o.plan.id
            )),
            "{note}"
        );
        // August is reviewed: no note.
        let p = get_as(
            &st,
            &office,
            &format!("/office?plan={}&period=2023-08", o.plan.id),
        )
        .await;
        assert!(!p.body.contains("id=\"awaiting-review\""));
        db.finish().await;
    }
}
