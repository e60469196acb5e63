//! `minsheng export`, run as a person runs it on the demo (built in-process, both backends):
//! each format written to a file is the bytes the public routes serve
//! (`open_data::Format::write`), JSON goes to standard output without `--out`, and a plan
//! that is not published, or not there, is refused by name with nothing written.

use crate::report_cli::{bin, fails_with, ok};
use minsheng_app::demo;
use minsheng_app::import::{ImportOptions, import_plan};
use minsheng_app::open_data::{self, Format};
use minsheng_domain::{Actor, PlanKind, PlanStatus};
use minsheng_store::testing::backends;

#[tokio::test]
async fn export_writes_each_format_as_the_routes_do_and_refuses_an_unpublished_plan() {
    for db in backends().await {
        let l = db.label;
        demo::build(&db.store).await.unwrap();
        let plan = db.store.plans().await.unwrap()[0].id;
        let open = open_data::gather(&db.store, plan, demo::DEMO_AS_OF, &Default::default())
            .await
            .unwrap();
        let dir =
            std::env::temp_dir().join(format!("minsheng-export-cli-{l}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for (code, format) in [
            ("csv", Format::Csv),
            ("json", Format::Json),
            ("xlsx", Format::Xlsx),
            ("atom", Format::Atom),
            ("iati", Format::Iati),
        ] {
            let f = dir.join(open.file_name(format));
            let out = bin()
                .args([
                    "export",
                    "--plan",
                    &plan.to_string(),
                    "--format",
                    code,
                    "--out",
                ])
                .arg(&f)
                .args(["--db", &db.url])
                .output()
                .unwrap();
            ok(&out);
            let said = String::from_utf8_lossy(&out.stderr);
            assert!(said.contains("已写出"), "{l}: {said}");
            assert_eq!(
                std::fs::read(&f).unwrap(),
                format.write(&open).unwrap(),
                "{l} {code}"
            );
        }
        let out = bin()
            .args(["export", "--plan", &plan.to_string(), "--format", "json"])
            .args(["--db", &db.url])
            .output()
            .unwrap();
        assert_eq!(
            ok(&out).into_bytes(),
            Format::Json.write(&open).unwrap(),
            "{l}"
        );

        let owner = db.store.unit_by_name("吉林省").await.unwrap().unwrap().id;
        let opts = ImportOptions {
            owner,
            kind: PlanKind::Livelihood,
            status: PlanStatus::Confirmed,
            default_year: Some(2023),
        };
        let text = "某省2023年民生实事待公开清单\n一、教育(1项)\n1.新建幼儿园10所。\n";
        let hidden = import_plan(&db.store, &Actor::new("office"), text, &opts)
            .await
            .unwrap()
            .plan;
        for (id, needle) in [(hidden.0, "未发布"), (987_654, "不存在")] {
            let f = dir.join(format!("refused-{id}.csv"));
            let out = bin()
                .args([
                    "export",
                    "--plan",
                    &id.to_string(),
                    "--format",
                    "csv",
                    "--out",
                ])
                .arg(&f)
                .args(["--db", &db.url])
                .output()
                .unwrap();
            fails_with(&out, &[needle]);
            assert!(!f.exists(), "{l}: nothing written");
        }
        let _ = std::fs::remove_dir_all(&dir);
        db.finish().await;
    }
}
