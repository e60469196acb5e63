//! Issue #12 items 4 and 5 through the pages, on each backend: the review queue filtered and
//! paged with the last accepted value and the evidence count beside each row; many reports
//! accepted or returned at once, each on its own, said per row (one reviewed meanwhile by
//! someone else is reported as such); many office sessions bulk-accepting overlapping sets
//! accept each report exactly once and keep the roll-up equal to a recompute; after a return
//! the unit attaches new evidence to its refiled report; and the office's 催报, which the unit
//! sees at the top of its workspace until it files.

use crate::support::{
    audit_trail, changchun_demo, demo_sign_in, enc, get_as, json_as, post_as, revisions, upload,
};
use axum::http::StatusCode;
use minsheng_app::rollup;
use minsheng_domain::{Actor, Period, Report, ReportId, ReportStatus};
use minsheng_store::testing::backends;
use minsheng_store::{RegionMonth, Store, TargetMonth};
use std::collections::{HashMap, HashSet};

fn form(fields: &[(&str, String)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{k}={}", enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The ids of the queue rows of a page, in order.
fn row_ids(body: &str) -> Vec<i64> {
    body.match_indices("<tr class=\"review-row\" data-report=\"")
        .map(|(at, m)| {
            let rest = &body[at + m.len()..];
            rest[..rest.find('"').unwrap()].parse().unwrap()
        })
        .collect()
}

/// The number in the element with `id`.
fn number(body: &str, id: &str) -> u64 {
    let at = body
        .find(&format!("id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no #{id}"));
    let rest = &body[at + id.len() + 6..];
    rest[..rest.find('<').unwrap()].parse().unwrap()
}

/// The reports awaiting review, by the store.
async fn submitted(store: &Store) -> Vec<Report> {
    store.submitted_reports().await.unwrap()
}

async fn rollup_rows(store: &Store) -> (Vec<TargetMonth>, Vec<RegionMonth>) {
    let (mut t, mut r) = (Vec::new(), Vec::new());
    for m in 1..=12 {
        let p = Period::month(2023, m).unwrap();
        t.extend(store.rollup_targets(p).await.unwrap());
        r.extend(store.rollup_regions(p).await.unwrap());
    }
    (t, r)
}

#[tokio::test]
async fn the_office_filters_pages_and_reviews_many_at_once() {
    for db in backends().await {
        let store = &db.store;
        let label = db.label;
        let (st, plan, a) = changchun_demo(store).await;
        let office = demo_sign_in(&st, "office").await;
        let tree = store.unit_tree().await.unwrap();
        let waiting = submitted(store).await;

        // The whole queue, a page at a time: oldest first, nothing twice, nothing left out.
        let p = get_as(&st, &office, "/review").await;
        assert_eq!(p.status, StatusCode::OK, "{label}");
        assert_eq!(number(&p.body, "review-count"), waiting.len() as u64);
        let mut seen = Vec::new();
        let mut uri = "/review?per_page=40".to_string();
        loop {
            let p = get_as(&st, &office, &uri).await;
            let ids = row_ids(&p.body);
            assert!(ids.len() <= 40, "{label}: a page holds 40");
            seen.extend(ids);
            match p.body.find("id=\"page-next\"") {
                Some(_) => {
                    let at = p.body.find("rel=\"next\"").unwrap();
                    let href_at = p.body[..at].rfind("href=\"").unwrap() + 6;
                    let href = &p.body[href_at..];
                    uri = href[..href.find('"').unwrap()].replace("&#38;", "&");
                }
                None => break,
            }
        }
        let mut want: Vec<i64> = waiting.iter().map(|r| r.id.0).collect();
        assert_eq!(seen.len(), want.len(), "{label}: every report once");
        want.sort_unstable();
        let mut got = seen.clone();
        got.sort_unstable();
        assert_eq!(got, want, "{label}");

        // Filtered to one unit and month: only its reports, with the last accepted value.
        let cc = a.unit;
        let unit_of: HashMap<_, _> = store
            .assignments_of_plan(plan)
            .await
            .unwrap()
            .into_iter()
            .map(|a| (a.id, a.unit))
            .collect();
        let mine: Vec<&Report> = waiting
            .iter()
            .filter(|r| r.period == Period::month(2023, 9).unwrap())
            .filter(|r| tree.is_within(unit_of[&r.assignment], cc))
            .collect();
        let uri = format!("/review?plan={plan}&period=2023-09&unit={cc}&per_page=500");
        let p = get_as(&st, &office, &uri).await;
        let ids = row_ids(&p.body);
        assert_eq!(ids.len(), mine.len(), "{label}: 长春市's September reports");
        assert!(!ids.is_empty(), "{label}: the demo has some");
        assert!(p.body.contains("class=\"num previous\""));
        for id in &ids {
            let r = waiting.iter().find(|r| r.id.0 == *id).unwrap();
            let unit = store.assignment(r.assignment).await.unwrap().unit;
            assert!(tree.is_within(unit, cc), "{label}");
        }
        // A section of the plan: only its items.
        let section = store.sections(plan).await.unwrap()[0].clone();
        let p = get_as(
            &st,
            &office,
            &format!("/review?plan={plan}&section={}&per_page=500", section.id),
        )
        .await;
        assert_eq!(p.status, StatusCode::OK);
        for chunk in p.body.split("<tr class=\"review-row\"").skip(1) {
            assert!(chunk.contains(&format!("<b>{}.", section.no)), "{label}");
        }
        // The same filters over the API, with the largest change first.
        let (s, q) = json_as(
            &st,
            &office,
            "GET",
            &format!("/api/review?plan={plan}&period=2023-09&unit={cc}&order=change&limit=500"),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{label}: {q}");
        assert_eq!(q["total"], mine.len());
        let change = |r: &serde_json::Value| -> f64 {
            let v: f64 = r["report"]["value"]
                .as_str()
                .map_or(0.0, |v| v.parse().unwrap());
            let prev: f64 = r["previous"].as_str().map_or(0.0, |v| v.parse().unwrap());
            let quota: f64 = r["assignment"]["quota"]
                .as_str()
                .or(r["assignment"]["target"]["value"].as_str())
                .map_or(1.0, |v| v.parse().unwrap());
            ((v - prev) / quota).abs()
        };
        let changes: Vec<f64> = q["reports"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["report"]["value"].is_string())
            .map(change)
            // A zero quota has no share to move by: the database sorts it last, unordered.
            .filter(|c| c.is_finite())
            .collect();
        assert!(
            changes.windows(2).all(|w| w[0] >= w[1] - 1e-9),
            "{label}: largest change first: {changes:?}"
        );
        let (s, e) = json_as(&st, &office, "GET", "/api/review?state=draft", None).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(e["errors"][0]["field"], "state");
        let p = get_as(&st, &office, "/review?period=2023-13").await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST);

        // Bulk accept of three, one of which someone else accepted meanwhile.
        let (x, y, z) = (ids[0], ids[1], ids[2]);
        let p = post_as(
            &st,
            &office,
            &format!("/reports/{x}/accept"),
            &form(&[("plan", plan.to_string())]),
        )
        .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        let body = form(&[
            ("plan", plan.to_string()),
            ("period", "2023-09".into()),
            ("unit", cc.to_string()),
            ("report", x.to_string()),
            ("report", y.to_string()),
            ("report", z.to_string()),
            ("action", "accept".into()),
        ]);
        let p = post_as(&st, &office, "/review/bulk", &body).await;
        assert_eq!(p.status, StatusCode::OK, "{label}: {}", p.body);
        assert!(
            p.body
                .contains(&format!("<li class=\"bulk-already\" data-report=\"{x}\">"))
        );
        for id in [y, z] {
            assert!(
                p.body
                    .contains(&format!("<li class=\"bulk-done\" data-report=\"{id}\">")),
                "{label}"
            );
        }
        for id in [x, y, z] {
            let r = store.report(ReportId(id)).await.unwrap();
            assert_eq!(r.status, ReportStatus::Accepted, "{label}");
            let accepts = audit_trail(store, "report", id)
                .await
                .into_iter()
                .filter(|(a, _)| a == "accept")
                .count();
            assert_eq!(accepts, 1, "{label}: audited once each");
        }
        // No longer in the queue; the filter is kept.
        assert!(!row_ids(&p.body).contains(&y));
        assert!(p.body.contains(&format!("name=\"unit\" value=\"{cc}\"")));

        // Bulk return needs a reason; with one, each is returned with it.
        let (u, v) = (ids[3], ids[4]);
        let ret = |reason: &str| {
            form(&[
                ("plan", plan.to_string()),
                ("report", u.to_string()),
                ("report", v.to_string()),
                ("action", "return".into()),
                ("reason", reason.into()),
            ])
        };
        let p = post_as(&st, &office, "/review/bulk", &ret(" ")).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p.body.contains("退回须说明理由"));
        assert_eq!(
            store.report(ReportId(u)).await.unwrap().status,
            ReportStatus::Submitted
        );
        let p = post_as(&st, &office, "/review/bulk", &ret("佐证材料不足,请补充")).await;
        assert_eq!(p.status, StatusCode::OK);
        for id in [u, v] {
            let r = store.report(ReportId(id)).await.unwrap();
            assert_eq!(r.status, ReportStatus::Returned);
            assert_eq!(r.return_reason.as_deref(), Some("佐证材料不足,请补充"));
        }
        // The returned ones under their state.
        let p = get_as(
            &st,
            &office,
            &format!("/review?state=returned&unit={cc}&per_page=500"),
        )
        .await;
        assert!(row_ids(&p.body).contains(&u), "{label}");
        assert!(!p.body.contains("id=\"bulk-form\""), "nothing to select");

        // A unit cannot bulk-review; a viewer reads without the buttons.
        let unit = demo_sign_in(&st, "220100").await;
        let p = post_as(&st, &unit, "/review/bulk", &ret("x")).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN);
        let leader = demo_sign_in(&st, "leader").await;
        let p = get_as(&st, &leader, "/review").await;
        assert_eq!(p.status, StatusCode::OK);
        assert!(!p.body.contains("id=\"bulk-form\"") && !p.body.contains("class=\"accept\""));
        let p = post_as(&st, &leader, "/review/bulk", &ret("x")).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN);
        db.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_offices_bulk_accepting_overlapping_sets_accept_each_report_once() {
    for db in backends().await {
        let store = &db.store;
        let label = db.label;
        let (st, _, _) = changchun_demo(store).await;
        let mut ids: Vec<i64> = submitted(store).await.iter().map(|r| r.id.0).collect();
        ids.sort_unstable();
        ids.truncate(60);
        assert_eq!(ids.len(), 60, "{label}: the demo has enough waiting");
        let mut sessions = Vec::new();
        for _ in 0..4 {
            sessions.push(demo_sign_in(&st, "office").await);
        }
        // Eight clients, each a window of 30 over the 60, windows overlapping by 22.
        let mut set = tokio::task::JoinSet::new();
        for c in 0..8 {
            let (st, cookie) = (st.clone(), sessions[c % 4].clone());
            let mut fields = vec![("action", "accept".to_string())];
            for k in 0..30 {
                fields.push(("report", ids[(c * 8 + k) % 60].to_string()));
            }
            let body = form(&fields);
            set.spawn(async move { post_as(&st, &cookie, "/review/bulk", &body).await });
        }
        let mut done: HashMap<i64, usize> = HashMap::new();
        let mut answered = 0;
        while let Some(p) = set.join_next().await {
            let p = p.unwrap();
            assert_eq!(p.status, StatusCode::OK, "{label}: {}", p.body);
            for (at, m) in p
                .body
                .match_indices("<li class=\"bulk-done\" data-report=\"")
            {
                let rest = &p.body[at + m.len()..];
                *done
                    .entry(rest[..rest.find('"').unwrap()].parse().unwrap())
                    .or_default() += 1;
            }
            answered += p.body.matches("<li class=\"bulk-").count();
            assert!(!p.body.contains("class=\"bulk-refused\""), "{label}");
        }
        assert_eq!(answered, 8 * 30, "{label}: every row answered");
        let covered: HashSet<i64> = ids.iter().copied().collect();
        assert_eq!(
            done.len(),
            covered.len(),
            "{label}: each accepted by someone"
        );
        assert!(
            done.values().all(|n| *n == 1),
            "{label}: and by one only: {done:?}"
        );
        for id in &ids {
            let r = store.report(ReportId(*id)).await.unwrap();
            assert_eq!(r.status, ReportStatus::Accepted, "{label}");
            let accepts = audit_trail(store, "report", *id)
                .await
                .into_iter()
                .filter(|(a, _)| a == "accept")
                .count();
            assert_eq!(accepts, 1, "{label}: report {id} audited once");
        }
        let kept = rollup_rows(store).await;
        rollup::recompute(store, &Actor::system("check"))
            .await
            .unwrap();
        let rebuilt = rollup_rows(store).await;
        assert_eq!(kept, rebuilt, "{label}: the roll-up equals a recompute");
        db.finish().await;
    }
}

#[tokio::test]
async fn after_a_return_the_unit_attaches_new_evidence_to_its_refiled_report() {
    for db in backends().await {
        let store = &db.store;
        let label = db.label;
        let (st, plan, a) = changchun_demo(store).await;
        let cc = demo_sign_in(&st, "220100").await;
        let office = demo_sign_in(&st, "office").await;
        let form_uri = format!("/workspace/assignments/{}/report?period=2023-10", a.id);
        let floor = revisions(store, &a, "2023-09").await;
        let value = floor
            .iter()
            .filter_map(|r| r.cumulative)
            .max()
            .unwrap_or_default()
            + rust_decimal::Decimal::from(100);
        let file = |narrative: &str| {
            form(&[
                ("value", value.to_string()),
                ("narrative", narrative.into()),
                ("action", "submit".into()),
            ])
        };
        let p = post_as(&st, &cc, &form_uri, &file("十月")).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{label}: {}", p.body);
        let first = revisions(store, &a, "2023-10").await[0].id;
        let p = upload(
            &st,
            &cc,
            &format!("/reports/{first}/evidence"),
            "台账.pdf",
            b"%PDF-1",
        )
        .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{label}: {}", p.body);
        let p = post_as(
            &st,
            &office,
            &format!("/reports/{first}/return"),
            &form(&[
                ("plan", plan.to_string()),
                ("reason", "佐证材料不足,请补充".into()),
            ]),
        )
        .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        let p = post_as(&st, &cc, &form_uri, &file("十月(补充材料)")).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{label}: {}", p.body);
        let second = revisions(store, &a, "2023-10").await[1].id;
        // The refiled report takes new evidence, from its form.
        let p = get_as(&st, &cc, &form_uri).await;
        assert!(
            p.body
                .contains(&format!("action=\"/reports/{second}/evidence\"")),
            "{label}: the refiled report's form offers the upload"
        );
        let p = upload(
            &st,
            &cc,
            &format!("/reports/{second}/evidence"),
            "补充.pdf",
            b"%PDF-2",
        )
        .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{label}: {}", p.body);
        assert_eq!(store.evidence_of_report(second).await.unwrap().len(), 1);
        // The queue shows its evidence count and the last accepted value beside it.
        let p = get_as(
            &st,
            &office,
            &format!("/review?plan={plan}&period=2023-10&unit={}", a.unit),
        )
        .await;
        let at = p
            .body
            .find(&format!("data-report=\"{second}\""))
            .expect("the refiled report is queued");
        let row = &p.body[at..at + p.body[at..].find("</tr>").unwrap()];
        assert!(
            row.contains("class=\"evidence-count\">1</a>"),
            "{label}: {row}"
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn the_office_chases_and_the_unit_sees_it_until_it_files() {
    for db in backends().await {
        let store = &db.store;
        let label = db.label;
        let (st, plan, a) = changchun_demo(store).await;
        let office = demo_sign_in(&st, "office").await;
        let cc = demo_sign_in(&st, "220100").await;
        let p = get_as(&st, &office, &format!("/chase?plan={plan}&period=2023-10")).await;
        assert_eq!(p.status, StatusCode::OK, "{label}: {}", p.body);
        let shares = store.assignments_of_plan(plan).await.unwrap();
        // October has begun and nobody has reported for it yet.
        assert_eq!(
            number(&p.body, "chase-missing"),
            shares.len() as u64,
            "{label}"
        );
        assert!(p.body.contains(&format!("id=\"chase-unit-{}\"", a.unit)));

        // One share, twice the same day: one reminder, audited once.
        let one = form(&[
            ("plan", plan.to_string()),
            ("period", "2023-10".into()),
            ("assignment", a.id.to_string()),
        ]);
        let p = post_as(&st, &office, "/chase", &one).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{label}: {}", p.body);
        assert!(
            p.location
                .as_deref()
                .unwrap()
                .contains("recorded=1&already=0")
        );
        let p = post_as(&st, &office, "/chase", &one).await;
        assert!(
            p.location
                .as_deref()
                .unwrap()
                .contains("recorded=0&already=1")
        );
        let oct = Period::month(2023, 10).unwrap();
        let kept = store.report_reminders_of_plan(plan, oct).await.unwrap();
        assert_eq!(kept.len(), 1, "{label}: not stacked");
        let reminds = audit_trail(store, "assignment", a.id.0)
            .await
            .into_iter()
            .filter(|(x, _)| x == "remind")
            .count();
        assert_eq!(reminds, 1, "{label}");

        // All of the unit's, then all listed.
        let of_cc = shares.iter().filter(|s| s.unit == a.unit).count();
        let unit = form(&[
            ("plan", plan.to_string()),
            ("period", "2023-10".into()),
            ("unit", a.unit.to_string()),
        ]);
        let p = post_as(&st, &office, "/chase", &unit).await;
        let want = format!("recorded={}&already=1", of_cc - 1);
        assert!(
            p.location.as_deref().unwrap().contains(&want),
            "{label}: {p:?}"
        );
        let all = form(&[("plan", plan.to_string()), ("period", "2023-10".into())]);
        let p = post_as(&st, &office, "/chase", &all).await;
        let want = format!("recorded={}&already={of_cc}", shares.len() - of_cc);
        assert!(
            p.location.as_deref().unwrap().contains(&want),
            "{label}: {p:?}"
        );
        let p = get_as(&st, &office, p.location.as_deref().unwrap()).await;
        assert!(p.body.contains("id=\"chase-note\""));
        assert!(p.body.contains("class=\"chase-share chased\""));

        // The unit sees them at the top of its workspace, until it files.
        let p = get_as(&st, &cc, "/workspace?period=2023-10").await;
        let top = p.body.find("id=\"chased\"").expect("the reminders");
        assert!(top < p.body.find("id=\"reminders\"").unwrap_or(usize::MAX));
        assert!(p.body.contains(&format!(
            "class=\"chased-share\" data-assignment=\"{}\"",
            a.id
        )));
        let shown = of_cc.min(12);
        assert_eq!(
            p.body.matches("class=\"chased-share\"").count(),
            shown,
            "{label}"
        );
        let floor = revisions(store, &a, "2023-09").await;
        let value = floor
            .iter()
            .filter_map(|r| r.cumulative)
            .max()
            .unwrap_or_default();
        let p = post_as(
            &st,
            &cc,
            &format!("/workspace/assignments/{}/report?period=2023-10", a.id),
            &form(&[
                ("value", value.to_string()),
                ("narrative", "十月".into()),
                ("action", "submit".into()),
            ]),
        )
        .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{label}: {}", p.body);
        let p = get_as(&st, &cc, "/workspace?period=2023-10").await;
        assert!(!p.body.contains(&format!(
            "class=\"chased-share\" data-assignment=\"{}\"",
            a.id
        )));
        assert_eq!(
            p.body.matches("class=\"chased-share\"").count(),
            (of_cc - 1).min(12)
        );
        // Nor is it listed to chase any more.
        let p = get_as(&st, &office, &format!("/chase?plan={plan}&period=2023-10")).await;
        assert!(!p.body.contains(&format!("data-assignment=\"{}\"", a.id)));

        // Only the office chases.
        for who in ["220100", "leader"] {
            let c = demo_sign_in(&st, who).await;
            assert_eq!(
                get_as(&st, &c, "/chase").await.status,
                StatusCode::FORBIDDEN
            );
            let p = post_as(&st, &c, "/chase", &all).await;
            assert_eq!(p.status, StatusCode::FORBIDDEN, "{who}");
        }
        db.finish().await;
    }
}

/// Thousands waiting: every page is one statement, so the first, a middle and the last page and
/// the largest-change order all answer alike; the pages together hold each report once. Prints
/// the time per page (`cargo test --workspace --test it -- thousands --nocapture`).
#[tokio::test]
async fn a_queue_of_thousands_pages_alike() {
    for db in backends().await {
        let store = &db.store;
        let label = db.label;
        let (st, _, _) = changchun_demo(store).await;
        // Month end in a bigger province: every accepted report from May on back in the queue,
        // January to April still accepted (the roll-up is not looked at here).
        store
            .exec(
                "UPDATE reports SET status = 'submitted'
                  WHERE status = 'accepted' AND period >= '2023-05'",
            )
            .await
            .unwrap();
        let waiting = submitted(store).await.len();
        assert!(waiting > 2_000, "{label}: {waiting}");
        store.exec("ANALYZE").await.unwrap();
        let office = demo_sign_in(&st, "office").await;
        let pages = waiting.div_ceil(50);
        let mut seen = HashSet::new();
        for (what, uri) in [
            ("first", "/review".to_string()),
            ("middle", format!("/review?page={}", pages / 2)),
            ("last", format!("/review?page={pages}")),
            ("largest change first", "/review?order=change".to_string()),
            (
                "largest change, last page",
                format!("/review?order=change&page={pages}"),
            ),
        ] {
            let t0 = std::time::Instant::now();
            let p = get_as(&st, &office, &uri).await;
            let took = t0.elapsed();
            assert_eq!(p.status, StatusCode::OK, "{label} {what}");
            assert_eq!(number(&p.body, "review-count"), waiting as u64);
            eprintln!("{label}: {waiting} waiting, {what} page: {took:?}");
            seen.extend(row_ids(&p.body));
        }
        let mut all = 0;
        for page in 1..=pages {
            let p = get_as(&st, &office, &format!("/review?per_page=50&page={page}")).await;
            let ids = row_ids(&p.body);
            all += ids.len();
            seen.extend(ids);
        }
        assert_eq!(all, waiting, "{label}: each once over the pages");
        assert_eq!(seen.len(), waiting, "{label}");
        db.finish().await;
    }
}

/// "Accept all on this page" without JavaScript: the page carries its open reports' ids, and
/// the button accepts exactly those — each on its own, audited once — and nothing beyond the
/// page.
#[tokio::test]
async fn the_office_accepts_everything_on_a_page_at_once() {
    for db in backends().await {
        let store = &db.store;
        let label = db.label;
        let (st, plan, _) = changchun_demo(store).await;
        let office = demo_sign_in(&st, "office").await;
        let before = submitted(store).await.len();
        let query = format!("plan={plan}&period=2023-09&per_page=5");
        let p = get_as(&st, &office, &format!("/review?{query}")).await;
        let shown = row_ids(&p.body);
        assert_eq!(shown.len(), 5, "{label}");
        for id in &shown {
            assert!(
                p.body.contains(&format!("name=\"on_page\" value=\"{id}\"")),
                "{label}"
            );
        }
        let mut fields = vec![
            ("plan", plan.to_string()),
            ("period", "2023-09".to_string()),
            ("per_page", "5".to_string()),
            ("action", "accept_page".to_string()),
        ];
        fields.extend(shown.iter().map(|id| ("on_page", id.to_string())));
        let p = post_as(&st, &office, "/review/bulk", &form(&fields)).await;
        assert_eq!(p.status, StatusCode::OK, "{label}: {}", p.body);
        for id in &shown {
            let r = store.report(ReportId(*id)).await.unwrap();
            assert_eq!(r.status, ReportStatus::Accepted, "{label}");
            assert!(
                p.body
                    .contains(&format!("<li class=\"bulk-done\" data-report=\"{id}\">")),
                "{label}"
            );
        }
        assert_eq!(
            submitted(store).await.len(),
            before - 5,
            "{label}: the page only"
        );
        db.finish().await;
    }
}
