//! `minsheng assess`, run as a person runs it on the demo with its bulletins issued and its
//! assessment in draft (built in-process, both backends): the ranking and breakdown as text
//! on standard output, as XLSX and as HTML; the same scores the pages show; an unknown plan
//! refused by name.

use crate::report_cli::{bin, fails_with, ok};
use minsheng_app::{demo, scoring};
use minsheng_store::testing::backends;

#[tokio::test]
async fn assess_writes_the_ranking_as_text_xlsx_and_html() {
    for db in backends().await {
        let l = db.label;
        demo::build(&db.store).await.unwrap();
        demo::issue_bulletins(&db.store, &Default::default())
            .await
            .unwrap();
        demo::assessment(&db.store).await.unwrap();
        let plan = db.store.plans().await.unwrap()[0].id;
        let run = |extra: &[&str]| {
            bin()
                .args(["assess", "--plan", &plan.to_string(), "--year", "2023"])
                .args(extra)
                .args(["--db", &db.url])
                .output()
                .unwrap()
        };
        let started = std::time::Instant::now();
        let text = ok(&run(&[]));
        eprintln!("{l}: minsheng assess (text) took {:?}", started.elapsed());
        assert!(text.contains("2023年度考核(草稿)"), "{l}: {text}");
        assert!(text.contains("目标完成率"), "{l}");
        // The same first place as the use-case the pages call.
        let v = scoring::for_year(&db.store, plan, 2023).await.unwrap();
        let first = &v.scores.as_ref().unwrap().units[0];
        assert!(
            text.contains(&format!("1\t{}\t{}", first.name, first.total)),
            "{l}: {text}"
        );
        let dir =
            std::env::temp_dir().join(format!("minsheng-assess-cli-{l}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let x = dir.join("scores.xlsx");
        ok(&run(&["--format", "xlsx", "-o", x.to_str().unwrap()]));
        assert!(std::fs::read(&x).unwrap().starts_with(b"PK"), "{l}");
        let h = dir.join("scores.html");
        ok(&run(&["--format", "html", "-o", h.to_str().unwrap()]));
        let html = std::fs::read_to_string(&h).unwrap();
        assert!(
            html.contains("id=\"ranking\"") && html.contains("<style>"),
            "{l}"
        );
        fails_with(&run(&["--format", "xlsx"]), &["-o"]);
        fails_with(
            &bin()
                .args(["assess", "--plan", "999", "--year", "2023", "--db", &db.url])
                .output()
                .unwrap(),
            &["999"],
        );
        let _ = std::fs::remove_dir_all(&dir);
        db.finish().await;
    }
}
