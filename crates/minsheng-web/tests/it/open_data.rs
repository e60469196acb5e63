//! Open data over HTTP: the public routes answer a published plan's CSV, JSON, XLSX, Atom
//! feed and IATI XML — the bytes `minsheng_app::open_data` writes — with their media types;
//! the IATI XML the route served is valid against the IATI 2.03 XSD (`xmllint --schema`,
//! Debian's libxml2-utils); an unpublished plan is 404 on every one; the plan page links them.

use crate::support::{demo_sign_in, get_as, state};
use axum::http::{StatusCode, header};
use minsheng_app::demo;
use minsheng_app::import::{ImportOptions, import_plan};
use minsheng_app::open_data::{self, Format};
use minsheng_domain::{Actor, PlanKind, PlanStatus};
use minsheng_store::testing::backends;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The IATI 2.03 schema: under `MINSHENG_SHARED_DIR` when set (`.ci/run` finds the shared
/// folder), else walking up from this crate to a `shared/schemas` beside or above the
/// repository — never copied into it.
fn iati_schema() -> Option<PathBuf> {
    const XSD: &str = "schemas/iati-2.03/iati-activities-schema.xsd";
    if let Ok(shared) = std::env::var("MINSHENG_SHARED_DIR") {
        let candidate = PathBuf::from(shared).join(XSD);
        if candidate.is_file() {
            return Some(candidate);
        }
    }
    let mut dir = Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    while let Some(d) = dir {
        let candidate = d.join("shared").join(XSD);
        if candidate.is_file() {
            return Some(candidate);
        }
        dir = d.parent().map(PathBuf::from);
    }
    None
}

/// Whether `xml` is valid against `xsd`, and what xmllint said.
fn xmllint(xsd: &Path, xml: &[u8], name: &str) -> (bool, String) {
    let file = std::env::temp_dir().join(format!("minsheng-{name}-{}.xml", std::process::id()));
    std::fs::write(&file, xml).unwrap();
    let out = Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(xsd)
        .arg(&file)
        .output();
    let _ = std::fs::remove_file(&file);
    match out {
        Ok(o) => (
            o.status.success(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        ),
        Err(e) => panic!("xmllint (Debian's libxml2-utils) cannot run: {e}"),
    }
}

/// The schema and a validator that works, or `None` (skipped) outside CI.
fn validator() -> Option<PathBuf> {
    let ci = std::env::var("CI").as_deref() == Ok("true");
    let Some(xsd) = iati_schema() else {
        assert!(
            !ci,
            "the IATI schema (shared/schemas/iati-2.03) is missing under CI"
        );
        eprintln!("skipped: shared/schemas/iati-2.03 not found above the repository");
        return None;
    };
    if Command::new("xmllint").arg("--version").output().is_err() {
        assert!(!ci, "xmllint (libxml2-utils) is missing under CI");
        eprintln!("skipped: xmllint not installed (apt-get install libxml2-utils)");
        return None;
    }
    Some(xsd)
}

#[tokio::test]
async fn the_public_routes_serve_a_published_plans_open_data() {
    let xsd = validator();
    for db in backends().await {
        let l = db.label;
        demo::build(&db.store).await.unwrap();
        demo::issue_bulletins(&db.store, &Default::default())
            .await
            .unwrap();
        let st = state(&db.store, true);
        let plan = db.store.plans().await.unwrap()[0].id;
        let open = open_data::gather(&db.store, plan, demo::DEMO_AS_OF, &Default::default())
            .await
            .unwrap();

        let routes = [
            (format!("/public/plans/{plan}.csv"), Format::Csv, "text/csv"),
            (
                format!("/public/plans/{plan}.json"),
                Format::Json,
                "application/json",
            ),
            (
                format!("/public/plans/{plan}.xlsx"),
                Format::Xlsx,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (
                format!("/public/plans/{plan}/feed.atom"),
                Format::Atom,
                "application/atom+xml",
            ),
            (
                format!("/public/plans/{plan}/iati.xml"),
                Format::Iati,
                "application/xml",
            ),
        ];
        let office = demo_sign_in(&st, "office").await;
        for (uri, format, media) in &routes {
            // To anyone, signed in or not: the same bytes the command writes.
            for cookie in ["", office.as_str()] {
                let r = get_as(&st, cookie, uri).await;
                assert_eq!(r.status, StatusCode::OK, "{l} {uri}: {}", r.body);
                let ct = r.headers[header::CONTENT_TYPE].to_str().unwrap();
                assert!(ct.starts_with(media), "{l} {uri}: {ct}");
                assert_eq!(r.bytes, format.write(&open).unwrap(), "{l} {uri}");
            }
            let r = get_as(&st, "", uri).await;
            let cd = r.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
            match format {
                Format::Atom => assert_eq!(cd, "inline"),
                f => assert_eq!(
                    cd,
                    format!("attachment; filename=\"{}\"", open.file_name(*f)),
                    "{l}"
                ),
            }
        }
        let csv = get_as(&st, "", &routes[0].0).await;
        assert!(
            csv.bytes.starts_with(b"\xEF\xBB\xBF"),
            "{l}: a BOM for Excel"
        );
        assert!(csv.body.contains("城镇新增就业23万人"));

        // The IATI XML the route served is valid against the 2.03 schema, and the validator
        // refuses a document that is not (an indicator without its required @measure).
        if let Some(xsd) = &xsd {
            let served = get_as(&st, "", &routes[4].0).await.bytes;
            let (ok, said) = xmllint(xsd, &served, &format!("iati-{l}"));
            assert!(ok, "{l}: the IATI XML is not valid:\n{said}");
            let text = String::from_utf8(served).unwrap();
            let broken = text.replacen("<indicator measure=\"1\"", "<indicator", 1);
            assert_ne!(broken, text);
            let (ok, said) = xmllint(xsd, broken.as_bytes(), &format!("iati-broken-{l}"));
            assert!(!ok, "{l}: xmllint took an invalid document: {said}");
            assert!(said.contains("measure"), "{said}");
        }

        // The plan page links every download.
        let page = get_as(&st, "", &format!("/public/plans/{plan}")).await;
        assert!(page.body.contains("id=\"open-data\""), "{l}");
        // A feed reader finds the feed from the page itself.
        assert!(
            page.body.contains(&format!(
                "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"{}\" href=\"/public/plans/{plan}/feed.atom\">",
                "Atom 订阅(状态变化与公开通报)"
            )),
            "{l}"
        );
        for (uri, _, _) in &routes {
            assert!(page.body.contains(&format!("href=\"{uri}\"")), "{l}: {uri}");
        }
        db.finish().await;
    }
}

#[tokio::test]
async fn an_unpublished_plan_has_no_open_data_and_a_new_one_is_valid_without_data() {
    let xsd = validator();
    for db in backends().await {
        let l = db.label;
        demo::build(&db.store).await.unwrap();
        let st = state(&db.store, true);
        let owner = db.store.unit_by_name("吉林省").await.unwrap().unwrap().id;
        let import = |status, title: &str| {
            let text = format!(
                "{title}\n一、教育(2项)\n1.新建幼儿园10所。\n2.学前教育毛入园率达到92%以上。\n"
            );
            let opts = ImportOptions {
                owner,
                kind: PlanKind::Livelihood,
                status,
                default_year: Some(2023),
            };
            let store = db.store.clone();
            async move {
                import_plan(&store, &Actor::new("office"), &text, &opts)
                    .await
                    .unwrap()
                    .plan
            }
        };
        let draft = import(PlanStatus::Draft, "某省2023年民生实事草稿清单").await;
        let confirmed = import(PlanStatus::Confirmed, "某省2023年民生实事待公开清单").await;
        let office = demo_sign_in(&st, "office").await;
        for id in [draft.0, confirmed.0, 987_654] {
            for path in [
                format!("/public/plans/{id}.csv"),
                format!("/public/plans/{id}.json"),
                format!("/public/plans/{id}.xlsx"),
                format!("/public/plans/{id}/feed.atom"),
                format!("/public/plans/{id}/iati.xml"),
            ] {
                for cookie in ["", office.as_str()] {
                    let r = get_as(&st, cookie, &path).await;
                    assert_eq!(r.status, StatusCode::NOT_FOUND, "{l} {path}");
                    assert!(!r.body.contains("清单"), "{l} {path}");
                }
            }
        }
        for path in [
            "/public/plans/abc.csv",
            "/public/plans/.json",
            "/public/plans/x/iati.xml",
        ] {
            assert_eq!(
                get_as(&st, "", path).await.status,
                StatusCode::NOT_FOUND,
                "{path}"
            );
        }

        // Published without any data: valid IATI all the same.
        let fresh = import(PlanStatus::Published, "某省2023年民生实事新清单").await;
        let r = get_as(&st, "", &format!("/public/plans/{fresh}/iati.xml")).await;
        assert_eq!(r.status, StatusCode::OK, "{l}");
        if let Some(xsd) = &xsd {
            let (ok, said) = xmllint(xsd, &r.bytes, &format!("iati-fresh-{l}"));
            assert!(ok, "{l}:\n{said}");
        }
        db.finish().await;
    }
}
