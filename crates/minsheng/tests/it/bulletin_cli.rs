//! `minsheng bulletin`, run as a person runs it on the demo (built in-process, both
//! backends): a draft rendering of a month as DOCX, XLSX and HTML, then the issued bulletin
//! of that month; a month with no accepted figure and an unknown plan are refused by name.

use crate::report_cli::{bin, fails_with, ok};
use minsheng_app::{bulletin, demo};
use minsheng_domain::{Account, Role, UserId};
use minsheng_store::testing::{TestDb, backends};
use std::process::Output;

fn run(db: &TestDb, plan: i64, period: &str, format: &str, out: &std::path::Path) -> Output {
    bin()
        .args(["bulletin", "--plan", &plan.to_string(), "--period", period])
        .args(["--format", format, "-o"])
        .arg(out)
        .args(["--db", &db.url])
        .output()
        .unwrap()
}

#[tokio::test]
async fn bulletin_writes_the_period_as_docx_xlsx_and_html() {
    for db in backends().await {
        let l = db.label;
        demo::build(&db.store).await.unwrap();
        let plan = db.store.plans().await.unwrap()[0].id;
        let dir =
            std::env::temp_dir().join(format!("minsheng-bulletin-cli-{l}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();

        // Nothing issued yet: the figures as they stand, nothing saved.
        for format in ["docx", "xlsx", "html"] {
            let f = dir.join(format!("draft.{format}"));
            let out = run(&db, plan.0, "2023-08", format, &f);
            ok(&out);
            let bytes = std::fs::read(&f).unwrap();
            match format {
                "html" => {
                    let html = String::from_utf8(bytes).unwrap();
                    assert!(html.contains("关于2023年8月民生实事进展情况的通报"), "{l}");
                    assert!(html.contains("<style>"), "{l}: standalone");
                }
                _ => assert!(bytes.starts_with(b"PK"), "{l}: {format} is a zip"),
            }
        }
        assert!(
            db.store.bulletins_of_plan(plan).await.unwrap().is_empty(),
            "{l}"
        );

        // Issued: the command writes that bulletin.
        let office = Account {
            id: UserId(1),
            name: "office".into(),
            role: Role::Office,
            unit: None,
        };
        let today = demo::DEMO_AS_OF;
        let id = bulletin::start_draft(&db.store, &office, plan, "2023-08", today)
            .await
            .unwrap();
        bulletin::issue(
            &db.store,
            &office,
            id,
            "吉民办〔2023〕8号",
            today,
            &Default::default(),
        )
        .await
        .unwrap();
        let f = dir.join("issued.docx");
        let out = run(&db, plan.0, "2023年8月", "docx", &f);
        ok(&out);
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(said.contains("第1期通报(吉民办〔2023〕8号)"), "{l}: {said}");

        // Refused by name, nothing written.
        let f = dir.join("none.docx");
        fails_with(
            &run(&db, plan.0, "2023-09", "docx", &f),
            &["尚无已审核通过的数据"],
        );
        assert!(!f.exists(), "{l}");
        fails_with(&run(&db, 999, "2023-08", "docx", &f), &["999"]);
        let _ = std::fs::remove_dir_all(&dir);
        db.finish().await;
    }
}
