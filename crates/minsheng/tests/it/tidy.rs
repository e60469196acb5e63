//! Architecture invariants as tests (ARCHITECTURE.md lists them). Each reads the manifests
//! and sources as text, so a change that breaks a boundary fails here, by name.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// Each crate's normal (non-dev) dependencies, by crate name.
fn dependencies() -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(workspace().join("crates")).unwrap() {
        let dir = entry.unwrap().path();
        let manifest = dir.join("Cargo.toml");
        if !manifest.is_file() {
            continue;
        }
        let doc: toml::Table = std::fs::read_to_string(&manifest).unwrap().parse().unwrap();
        let name = doc["package"]["name"].as_str().unwrap().to_string();
        let deps = doc
            .get("dependencies")
            .and_then(|d| d.as_table())
            .map(|t| t.keys().cloned().collect())
            .unwrap_or_default();
        out.insert(name, deps);
    }
    out
}

/// The Rust sources of a crate's library and binary: not its tests or benches, and not its
/// unit-test modules (`tests.rs` and `tests/`, or a file's tail from `#[cfg(test)]` on), which may read
/// fixtures from disk.
fn sources(krate: &str) -> Vec<(PathBuf, String)> {
    fn walk(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                if !p.ends_with("tests") {
                    walk(&p, out);
                }
            } else if p.extension().is_some_and(|x| x == "rs") && !p.ends_with("tests.rs") {
                let text = std::fs::read_to_string(&p).unwrap();
                let text = match text.find("#[cfg(test)]") {
                    Some(i) => text[..i].to_string(),
                    None => text,
                };
                out.push((p.clone(), text));
            }
        }
    }
    let mut out = Vec::new();
    walk(
        &workspace().join("crates").join(krate).join("src"),
        &mut out,
    );
    out
}

/// Source text with `//` comments dropped, so a comment may name what the code may not use.
fn code_of(text: &str) -> String {
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn crates_depend_only_inward() {
    let deps = dependencies();
    let allowed: &[(&str, &[&str])] = &[
        ("minsheng-extract", &[]),
        ("minsheng-domain", &[]),
        ("minsheng-store", &["minsheng-domain"]),
        (
            "minsheng-app",
            &["minsheng-domain", "minsheng-extract", "minsheng-store"],
        ),
        ("minsheng-web", &["minsheng-app", "minsheng-domain"]),
        (
            "minsheng",
            &[
                "minsheng-app",
                "minsheng-domain",
                "minsheng-extract",
                "minsheng-store",
                "minsheng-web",
            ],
        ),
    ];
    assert_eq!(
        deps.len(),
        allowed.len(),
        "a crate was added: give it a row here and in ARCHITECTURE.md"
    );
    for (krate, ok) in allowed {
        let ours: Vec<&String> = deps[*krate]
            .iter()
            .filter(|d| d.starts_with("minsheng"))
            .collect();
        for d in ours {
            assert!(ok.contains(&d.as_str()), "{krate} must not depend on {d}");
        }
    }
}

#[test]
fn pure_crates_stay_pure() {
    let deps = dependencies();
    let io = [
        "tokio",
        "sqlx",
        "axum",
        "askama",
        "tower",
        "tower-http",
        "reqwest",
        "hyper",
    ];
    for krate in ["minsheng-extract", "minsheng-domain"] {
        for d in &deps[krate] {
            assert!(
                !io.contains(&d.as_str()),
                "{krate} is pure and must not depend on {d}"
            );
        }
    }
    for d in &deps["minsheng-domain"] {
        assert!(
            !d.starts_with("serde"),
            "minsheng-domain types are not Serialize: drop {d}"
        );
    }
    let forbidden = [
        "std::fs",
        "std::net",
        "std::env",
        "std::process",
        "SystemTime",
        "Instant::now",
        "Timestamp::now",
        "Zoned::now",
        "tokio",
    ];
    for krate in ["minsheng-extract", "minsheng-domain"] {
        for (path, text) in sources(krate) {
            let code = code_of(&text);
            for f in forbidden {
                assert!(
                    !code.contains(f),
                    "{} uses {f}: {krate} does no I/O and reads no clock",
                    path.display()
                );
            }
        }
    }
}

#[test]
fn only_the_store_names_sqlx_and_only_the_web_names_axum() {
    let deps = dependencies();
    let owners: &[(&str, &[&str])] = &[
        ("minsheng-store", &["sqlx", "jiff-sqlx"]),
        (
            "minsheng-web",
            &[
                "axum",
                "askama",
                "askama_web",
                "tower-http",
                "utoipa",
                "utoipa-axum",
            ],
        ),
        (
            "minsheng",
            &["clap", "figment", "anyhow", "tracing-subscriber"],
        ),
    ];
    for (owner, names) in owners {
        for (krate, ds) in &deps {
            if krate == owner {
                continue;
            }
            for n in *names {
                assert!(
                    !ds.contains(&n.to_string()),
                    "only {owner} may depend on {n}, but {krate} does"
                );
            }
        }
        for krate in deps.keys().filter(|k| k != owner) {
            for (path, text) in sources(krate) {
                let code = code_of(&text);
                for n in *names {
                    let token = format!("{}::", n.replace('-', "_"));
                    assert!(
                        !code.contains(&token),
                        "{} names {n}: only {owner} may",
                        path.display()
                    );
                }
            }
        }
    }
}

#[test]
fn only_the_binary_reads_the_environment() {
    for krate in [
        "minsheng-extract",
        "minsheng-domain",
        "minsheng-store",
        "minsheng-app",
        "minsheng-web",
    ] {
        for (path, text) in sources(krate) {
            // The store's test-support module reads MINSHENG_TEST_POSTGRES_URL (and its
            // streaming-replica harness PG_BIN and CI) for tests.
            if path.ends_with("testing.rs") || path.parent().is_some_and(|d| d.ends_with("testing"))
            {
                continue;
            }
            assert!(
                !code_of(&text).contains("std::env::var"),
                "{} reads the environment",
                path.display()
            );
        }
    }
}

#[test]
fn no_mod_rs_files() {
    for krate in dependencies().keys() {
        for (path, _) in sources(krate) {
            assert!(
                !path.ends_with("mod.rs"),
                "{}: use foo.rs + foo/ (clippy::mod_module_files)",
                path.display()
            );
        }
    }
}
