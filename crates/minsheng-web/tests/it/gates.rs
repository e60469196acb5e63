//! Every route × every role answers as the one table says (`minsheng_web::gates::ROUTES`,
//! whose gates are the domain's actions, answered by `Account::may`): a route the source
//! declares without a gate fails here, and so does a handler that lets through a role the
//! table refuses.

use crate::support::{demo_sign_in, enc, send, sign_in, state};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use minsheng_app::{accounts, demo};
use minsheng_domain::{Account, Action, Actor, Role, UnitKind};
use minsheng_store::testing::backends;
use minsheng_web::gates::{Gate, ROUTES, Route};
use std::collections::BTreeSet;
use std::path::Path;

/// The `(method, path)` of every route declared in the crate's source: `.route("…", get(…)
/// .post(…))` and `#[utoipa::path(get, path = "…")]`, outside `#[cfg(test)]` modules.
fn declared_routes() -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut stack = vec![src];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                let text = text.split("#[cfg(test)]").next().unwrap_or("");
                scan(text, &mut out);
            }
        }
    }
    out
}

fn scan(text: &str, out: &mut BTreeSet<(String, String)>) {
    const METHODS: [&str; 5] = ["get", "post", "put", "delete", "patch"];
    // .route("path", method(…).method(…))
    let mut rest = text;
    while let Some(at) = rest.find(".route(") {
        let args_start = at + ".route(".len();
        let args = &rest[args_start..];
        // The arguments, to the parenthesis that closes `.route(`.
        let mut depth = 1;
        let mut end = args.len();
        for (i, c) in args.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = i;
                        break;
                    }
                }
                _ => {}
            }
        }
        let args = &args[..end];
        let trimmed = args.trim_start();
        if let Some(lit) = trimmed.strip_prefix('"') {
            let path = &lit[..lit.find('"').unwrap()];
            let handlers = &lit[path.len() + 1..];
            for m in METHODS {
                let call = format!("{m}(");
                let mut from = 0;
                while let Some(k) = handlers[from..].find(&call) {
                    let k = from + k;
                    let before = handlers[..k].chars().last().unwrap_or(' ');
                    if !(before.is_alphanumeric() || before == '_') {
                        out.insert((m.to_uppercase(), path.to_string()));
                    }
                    from = k + call.len();
                }
            }
        }
        rest = &rest[args_start..];
    }
    // #[utoipa::path(get, path = "…")]
    let mut rest = text;
    while let Some(at) = rest.find("#[utoipa::path(") {
        let after = &rest[at + "#[utoipa::path(".len()..];
        let method = after.split(',').next().unwrap().trim().to_uppercase();
        let p = after.find("path = \"").unwrap() + "path = \"".len();
        let path = &after[p..p + after[p..].find('"').unwrap()];
        out.insert((method, path.to_string()));
        rest = after;
    }
}

#[test]
fn every_declared_route_has_one_gate() {
    let declared = declared_routes();
    assert!(
        declared.len() > 50,
        "the scan found the routes: {declared:?}"
    );
    let table: Vec<(String, String)> = ROUTES
        .iter()
        .map(|r| (r.method.to_string(), r.path.to_string()))
        .collect();
    let unique: BTreeSet<_> = table.iter().cloned().collect();
    assert_eq!(unique.len(), table.len(), "a route is listed twice");
    let missing: Vec<_> = declared.difference(&unique).collect();
    assert!(
        missing.is_empty(),
        "routes without a gate in gates::ROUTES: {missing:?}"
    );
    // Every gate is for a route that exists (the chart library's path is a constant).
    let stale: Vec<_> = unique
        .difference(&declared)
        .filter(|(_, p)| !p.starts_with("/assets/echarts"))
        .collect();
    assert!(
        stale.is_empty(),
        "gates for routes that do not exist: {stale:?}"
    );
}

/// Who asks: nobody, or an account with its session cookie.
struct Asker {
    label: &'static str,
    account: Option<Account>,
    cookie: String,
}

/// The path with its parameters filled in with records of the demo.
fn concrete(r: &Route, ids: &Ids) -> String {
    let mut p = r.path.replace("{code}", "en");
    let id = if p.starts_with("/plans/")
        || p.starts_with("/public/plans/")
        || p.starts_with("/api/plans/")
    {
        ids.plan
    } else if p.starts_with("/items/") {
        ids.item
    } else if p.starts_with("/targets/") || p.starts_with("/api/targets/") {
        ids.target
    } else if p.contains("assignments/") {
        ids.assignment
    } else if p.starts_with("/reports/") || p.starts_with("/api/reports/") {
        ids.report
    } else if p.contains("problems/") {
        ids.problem
    } else {
        1
    };
    p = p.replace("{id}", &id.to_string());
    if p == "/audit" || p == "/api/audit" {
        p = format!("{p}?entity=plan&id={}", ids.plan);
    }
    p
}

struct Ids {
    plan: i64,
    item: i64,
    target: i64,
    assignment: i64,
    report: i64,
    problem: i64,
}

/// How a response answered: let through, or refused for want of an action (a sign-in asked
/// for, or 403 naming the action: "无权…"). A 403 for a record the account may not touch (a
/// problem it neither owns nor is above) is neither: the use-case's, after the gate.
#[derive(Debug, PartialEq, Eq)]
enum Answer {
    Through,
    SignIn,
    Refused(Action),
}

fn answer(status: StatusCode, location: Option<&str>, body: &str) -> Answer {
    if status == StatusCode::UNAUTHORIZED || location.is_some_and(|l| l.starts_with("/login")) {
        return Answer::SignIn;
    }
    if status == StatusCode::FORBIDDEN
        && let Some(a) = Action::ALL
            .into_iter()
            .find(|a| body.contains(&format!("无权{}", a.refusal().zh)))
    {
        return Answer::Refused(a);
    }
    Answer::Through
}

#[tokio::test]
async fn every_route_answers_every_role_as_the_table_says() {
    for db in backends().await {
        let store = &db.store;
        demo::build(store).await.unwrap();
        let st = state(store, true);
        let plan = store.plans().await.unwrap()[0].id;
        // A city that raised a problem: its unit account and a leader of that city see the
        // problem, the city's share of the first target and its reports.
        let tree = store.unit_tree().await.unwrap();
        let problem = store
            .problems()
            .await
            .unwrap()
            .into_iter()
            .find(|p| {
                tree.get(p.raised_by)
                    .is_some_and(|u| u.kind == UnitKind::City)
            })
            .expect("the demo has a problem raised by a city");
        let city = tree.get(problem.raised_by).unwrap().clone();
        let target = store.targets(plan).await.unwrap()[0].clone();
        let a = store
            .assignments_of_target(target.id)
            .await
            .unwrap()
            .into_iter()
            .find(|a| a.unit == city.id)
            .expect("every city has a share of the first target");
        let report = store.reports_of_assignment(a.id).await.unwrap()[0].id;
        let ids = Ids {
            plan: plan.0,
            item: target.item.0,
            target: target.id.0,
            assignment: a.id.0,
            report: report.0,
            problem: problem.id.0,
        };
        let code = city.code.clone().expect("a city has its code");
        // A leader of that city: reads its subtree, not the whole dashboard.
        accounts::add_account(
            store,
            &Actor::new("test"),
            "city-leader",
            "city-leader-password",
            Role::Viewer,
            Some(&code),
        )
        .await
        .unwrap();
        let mut askers = vec![Asker {
            label: "nobody",
            account: None,
            cookie: String::new(),
        }];
        for (label, name, password) in [
            ("office", "office", None),
            ("leader", "leader", None),
            ("city leader", "city-leader", Some("city-leader-password")),
            ("unit", code.as_str(), None),
        ] {
            let cookie = match password {
                Some(p) => sign_in(&st, name, p).await,
                None => demo_sign_in(&st, name).await,
            };
            let account = store.account_by_name(name).await.unwrap().unwrap().account;
            askers.push(Asker {
                label,
                account: Some(account),
                cookie,
            });
        }
        // Escalating moves problems out of the city's reach, and signing out ends the session
        // the others use: they go last, each asked by everyone in turn.
        let mut routes: Vec<&Route> = ROUTES.iter().collect();
        routes.sort_by_key(|r| (r.path == "/logout", r.path == "/problems/escalate"));
        let mut checked = 0;
        for r in &routes {
            for asker in &askers {
                let uri = concrete(r, &ids);
                let mut b = Request::builder()
                    .method(r.method)
                    .uri(&uri)
                    .header("sec-fetch-site", "same-origin");
                if !asker.cookie.is_empty() {
                    b = b.header(header::COOKIE, &asker.cookie);
                }
                let body = if uri.starts_with("/api/") {
                    b = b.header(header::CONTENT_TYPE, "application/json");
                    Body::from("{}")
                } else {
                    b = b.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
                    Body::from(format!("x={}", enc("")))
                };
                let p = send(&st, b.body(body).unwrap()).await;
                let got = answer(p.status, p.location.as_deref(), &p.body);
                let expected = match (r.gate, &asker.account) {
                    (Gate::Open, _) => Answer::Through,
                    (Gate::May(_), None) => Answer::SignIn,
                    (Gate::May(action), Some(me)) => match me.may(action) {
                        Ok(()) => Answer::Through,
                        Err(_) => Answer::Refused(action),
                    },
                };
                // Actions refused in the same words are one answer.
                let same = match (&got, &expected) {
                    (Answer::Refused(x), Answer::Refused(y)) => x.refusal() == y.refusal(),
                    (x, y) => x == y,
                };
                assert!(
                    same,
                    "{} {} as {} ({}): expected {expected:?}, got {got:?}: {} {:?}\n{}",
                    r.method,
                    uri,
                    asker.label,
                    db.label,
                    p.status,
                    p.location,
                    p.body.chars().take(300).collect::<String>()
                );
                assert_ne!(
                    p.status,
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "{} {uri} as {}: {}",
                    r.method,
                    asker.label,
                    p.body
                );
                checked += 1;
            }
        }
        assert_eq!(checked, ROUTES.len() * askers.len());
        db.finish().await;
    }
}
