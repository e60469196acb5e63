//! The OpenAPI document lists every status each operation answers (issue #10): every
//! operation is driven — by nobody, a unit, a viewer and the office; at a record that exists
//! and one that does not; with no body, a body that is not JSON, one that does not fit, one
//! over the limit; with query parameters missing, malformed or repeated — and every status
//! it answers must be among its documented responses, every error in the envelope.

use crate::support::{Page, changchun_demo, demo_sign_in, get_as, revisions, send};
use axum::body::Body;
use axum::http::{Request, header};
use minsheng_store::testing::backends;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The bodies a write is tried with: (content type, body).
fn bodies() -> Vec<(Option<&'static str>, String)> {
    vec![
        (None, String::new()),
        (Some("application/json"), "{".into()),
        (Some("application/json"), "{}".into()),
        (
            Some("application/json"),
            r#"{"title": 5, "value": [], "shares": "x"}"#.into(),
        ),
        (Some("text/plain"), "hello".into()),
        // Over the 2 MiB a JSON body may have.
        (
            Some("application/json"),
            format!("{{\"title\": \"{}\"}}", "长".repeat(1 << 20)),
        ),
    ]
}

/// The query strings a read is tried with.
const QUERIES: &[&str] = &[
    "",
    "?period=",
    "?period=2023-10",
    "?period=nonsense",
    "?period=2023-10&period=2023-11",
    "?plan=x",
    "?state=whatever",
];

#[tokio::test]
async fn every_status_an_operation_answers_is_documented() {
    for db in backends().await {
        let store = &db.store;
        let (st, plan, a) = changchun_demo(store).await;
        let doc: Value =
            serde_json::from_str(&get_as(&st, "", "/api/openapi.json").await.body).unwrap();
        let report = revisions(store, &a, "2023-09").await[0].id.0;
        let office = demo_sign_in(&st, "office").await;
        let problem =
            serde_json::from_str::<Value>(&get_as(&st, &office, "/api/problems").await.body)
                .unwrap()[0]["id"]
                .as_i64()
                .unwrap();
        let mut accounts = vec![(String::new(), "nobody")];
        for who in ["220100", "leader", "office"] {
            accounts.push((demo_sign_in(&st, who).await, who));
        }
        let id_for = |path: &str| -> i64 {
            if path.starts_with("/api/plans/") {
                plan.0
            } else if path.starts_with("/api/problems/") {
                problem
            } else if path.starts_with("/api/targets/") {
                a.target.0
            } else if path.starts_with("/api/assignments/") {
                a.id.0
            } else {
                report
            }
        };
        let mut seen: BTreeMap<(String, String), BTreeSet<u16>> = BTreeMap::new();
        let paths = doc["paths"].as_object().unwrap();
        for (path, ops) in paths {
            for (method, op) in ops.as_object().unwrap() {
                let documented: BTreeSet<u16> = op["responses"]
                    .as_object()
                    .unwrap()
                    .keys()
                    .map(|k| k.parse().unwrap())
                    .collect();
                let ids = if path.contains("{id}") {
                    vec![id_for(path).to_string(), "987654".into(), "abc".into()]
                } else {
                    vec![String::new()]
                };
                let writes = method != "get";
                for (cookie, who) in &accounts {
                    for id in &ids {
                        let base = path.replace("{id}", id);
                        let tries: Vec<(String, Option<&str>, String)> = if writes {
                            bodies()
                                .into_iter()
                                .map(|(ct, b)| (base.clone(), ct, b))
                                .collect()
                        } else {
                            QUERIES
                                .iter()
                                .map(|q| (format!("{base}{q}"), None, String::new()))
                                .collect()
                        };
                        for (uri, ct, body) in tries {
                            let mut b = Request::builder()
                                .method(method.to_uppercase().as_str())
                                .uri(&uri)
                                .header("sec-fetch-site", "same-origin");
                            if !cookie.is_empty() {
                                b = b.header(header::COOKIE, cookie);
                            }
                            if let Some(ct) = ct {
                                b = b.header(header::CONTENT_TYPE, ct);
                            }
                            let p: Page = send(&st, b.body(Body::from(body)).unwrap()).await;
                            let status = p.status.as_u16();
                            assert!(
                                status < 500,
                                "{}: {method} {uri} as {who} failed inside: {}",
                                db.label,
                                &p.body[..p.body.len().min(300)]
                            );
                            assert!(
                                documented.contains(&status),
                                "{}: {method} {uri} as {who} answered {status}, documented {documented:?}: {}",
                                db.label,
                                &p.body[..p.body.len().min(300)]
                            );
                            if status >= 400 {
                                let v: Value = serde_json::from_str(&p.body).unwrap_or_else(|e| {
                                    panic!("{method} {uri} {status}: not JSON ({e}): {}", p.body)
                                });
                                assert!(
                                    v["errors"][0]["code"].is_string(),
                                    "{method} {uri}: not the envelope: {v}"
                                );
                            }
                            seen.entry((method.clone(), path.clone()))
                                .or_default()
                                .insert(status);
                        }
                    }
                }
            }
        }
        // The drive reached the statuses that matter: refusals of every kind somewhere.
        let all: BTreeSet<u16> = seen.values().flatten().copied().collect();
        for s in [200, 400, 401, 403, 404, 413, 422] {
            assert!(
                all.contains(&s),
                "{}: no operation answered {s}: {seen:?}",
                db.label
            );
        }
        db.finish().await;
    }
}
