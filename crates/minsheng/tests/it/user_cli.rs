//! `minsheng user add|passwd|list|unlock`, run as a person runs them, on each backend: accounts are
//! created with a hashed password and audited; bad input is refused by name and adds nothing.

use crate::report_cli::{bin, fails_with, ok};
use minsheng_app::{accounts, demo};
use minsheng_store::testing::{TestDb, backends};
use std::io::Write;
use std::process::{Output, Stdio};

/// Runs `minsheng ARGS --db URL` with `stdin` typed in.
fn user(args: &[&str], stdin: &str, db: &TestDb) -> Output {
    let mut child = bin()
        .args(args)
        .args(["--db", &db.url])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The command may refuse before reading its input; a closed pipe is then expected.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

#[tokio::test]
async fn accounts_are_added_listed_and_signed_in_with() {
    for db in backends().await {
        demo::build_with(&db.store, false).await.unwrap();
        let out = user(
            &[
                "user",
                "add",
                "长春市填报员",
                "--role",
                "unit",
                "--unit",
                "220100",
                "--password-stdin",
            ],
            "春城 2023 secret\n",
            &db,
        );
        assert!(ok(&out).contains("已新建账号 长春市填报员"), "{}", db.label);
        let stored = db
            .store
            .account_by_name("长春市填报员")
            .await
            .unwrap()
            .unwrap();
        assert!(stored.password_hash.starts_with("$argon2id$"));
        let changsha = db.store.unit_by_name("长春市").await.unwrap().unwrap();
        assert_eq!(stored.account.unit, Some(changsha.id));
        let signed = accounts::sign_in(
            &db.store,
            "长春市填报员",
            "春城 2023 secret",
            "test",
            jiff::Timestamp::now(),
        )
        .await
        .unwrap();
        assert_eq!(signed.role, minsheng_domain::Role::Unit);
        let audit = db
            .store
            .audit_events("user", stored.account.id.0)
            .await
            .unwrap();
        assert_eq!(audit.len(), 1);
        assert!(
            !format!("{audit:?}").contains("argon2"),
            "the hash stays out of the log"
        );

        let list = ok(&user(&["user", "list"], "", &db));
        assert!(list.contains("长春市填报员\tunit\t长春市"), "{list}");

        // A new password signs in; the old one no longer does.
        ok(&user(
            &["user", "passwd", "长春市填报员", "--password-stdin"],
            "another secret\n",
            &db,
        ));
        let old = accounts::sign_in(
            &db.store,
            "长春市填报员",
            "春城 2023 secret",
            "test",
            jiff::Timestamp::now(),
        )
        .await;
        assert!(old.is_err());
        db.finish().await;
    }
}

#[tokio::test]
async fn unlock_clears_a_names_failed_sign_ins_and_is_audited() {
    for db in backends().await {
        demo::build_with(&db.store, false).await.unwrap();
        let now = jiff::Timestamp::now();
        let free = accounts::PER_PAIR.free;
        for _ in 0..free + 2 {
            let _ = accounts::sign_in(&db.store, "office", "wrong one", "192.0.2.7", now).await;
        }
        let held =
            accounts::sign_in(&db.store, "office", demo::DEMO_PASSWORD, "192.0.2.7", now).await;
        assert!(
            matches!(held, Err(minsheng_app::AppError::SignInThrottled { .. })),
            "{}: {held:?}",
            db.label
        );
        let out = ok(&user(&["user", "unlock", "office"], "", &db));
        // The attempts made while held up were refused unchecked and not counted.
        assert!(
            out.contains(&format!("已清除 office 的 {free} 次登录失败记录")),
            "{out}"
        );
        accounts::sign_in(&db.store, "office", demo::DEMO_PASSWORD, "192.0.2.7", now)
            .await
            .unwrap();
        let id = db
            .store
            .account_by_name("office")
            .await
            .unwrap()
            .unwrap()
            .account
            .id;
        let audit = db.store.audit_events("user", id.0).await.unwrap();
        assert!(
            audit
                .iter()
                .any(|e| e.action == "unlock" && e.actor == "system:cli"),
            "{audit:?}"
        );
        fails_with(&user(&["user", "unlock", "nobody"], "", &db), &["nobody"]);
        db.finish().await;
    }
}

#[tokio::test]
async fn bad_accounts_are_refused_and_nothing_is_added() {
    for db in backends().await {
        demo::build_with(&db.store, false).await.unwrap();
        let before = db.store.accounts().await.unwrap().len();
        let cases: [(&[&str], &str, &[&str]); 5] = [
            (
                &["user", "add", "x", "--role", "unit", "--password-stdin"],
                "long enough 1\n",
                &["--unit"],
            ),
            (
                &["user", "add", "x", "--role", "office", "--password-stdin"],
                "short\n",
                &["密码至少 8 个字符"],
            ),
            (
                &[
                    "user",
                    "add",
                    "x",
                    "--role",
                    "unit",
                    "--unit",
                    "火星市",
                    "--password-stdin",
                ],
                "long enough 1\n",
                &["火星市"],
            ),
            (
                &[
                    "user",
                    "add",
                    "office",
                    "--role",
                    "office",
                    "--password-stdin",
                ],
                "long enough 1\n",
                &["已存在"],
            ),
            (
                &["user", "add", "x", "--role", "office"],
                "",
                &["--password-stdin"],
            ),
        ];
        for (args, stdin, needles) in cases {
            fails_with(&user(args, stdin, &db), needles);
        }
        let out = user(
            &["user", "add", "x", "--role", "boss", "--password-stdin"],
            "long enough 1\n",
            &db,
        );
        assert!(!out.status.success());
        assert_eq!(
            db.store.accounts().await.unwrap().len(),
            before,
            "{}",
            db.label
        );
        db.finish().await;
    }
}
