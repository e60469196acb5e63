//! `minsheng report import` and `minsheng status`, run as a person runs them, on the demo
//! database built in-process: reports from CSV and XLSX are filed; a file with one bad row
//! is refused naming the row and column, and nothing is saved; the status shows the roll-up
//! once the reports are accepted.

use minsheng_app::demo;
use minsheng_app::reporting::{Decision, review_report};
use minsheng_domain::{Actor, Assignment, ReportStatus, UnitId};
use minsheng_store::Store;
use minsheng_store::testing::TestDb;
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub(crate) fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_minsheng"));
    c.env_remove("MINSHENG_DATABASE_URL")
        .env_remove("MINSHENG_LISTEN")
        .env_remove("MINSHENG_CONFIG")
        .env("MINSHENG_LOG", "warn");
    c
}

fn run(args: &[&str], file: Option<&Path>, db: &TestDb) -> Output {
    let mut c = bin();
    c.args(args);
    if let Some(f) = file {
        c.arg(f);
    }
    c.args(["--db", &db.url]).output().unwrap()
}

pub(crate) fn ok(out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "expected success; stderr: {stderr}");
    String::from_utf8(out.stdout.clone()).unwrap()
}

pub(crate) fn fails_with(out: &Output, needles: &[&str]) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success(), "expected failure; stderr: {stderr}");
    for n in needles {
        assert!(stderr.contains(n), "stderr lacks {n:?}: {stderr}");
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// A scratch directory of the test's own, removed at the end.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str, db: &TestDb) -> Scratch {
        let dir = std::env::temp_dir().join(format!(
            "minsheng-report-{name}-{}-{}",
            db.label,
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
    fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }
    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The demo, with the first target (城镇新增就业23万人) and its city shares by city name.
struct Demo {
    shares: Vec<(String, Assignment)>,
    cities: Vec<(String, UnitId)>,
}

impl Demo {
    /// The demo without its invented reports (the tests file their own).
    async fn build(store: &Store) -> Demo {
        demo::build_with(store, false).await.unwrap();
        let plan = store.plans().await.unwrap()[0].id;
        let target = store.targets(plan).await.unwrap()[0].clone();
        assert!(target.phrase.contains("城镇新增就业"), "{target:?}");
        let tree = store.unit_tree().await.unwrap();
        let shares = store
            .assignments_of_target(target.id)
            .await
            .unwrap()
            .into_iter()
            .filter(|a| a.quota.is_some())
            .map(|a| (tree.get(a.unit).unwrap().name.clone(), a))
            .collect();
        let cities = tree
            .units()
            .iter()
            .filter(|u| u.name.ends_with('市') || u.name.ends_with('州'))
            .map(|u| (u.name.clone(), u.id))
            .collect();
        Demo { shares, cities }
    }

    fn share(&self, city: &str) -> &Assignment {
        &self.shares.iter().find(|(n, _)| n == city).unwrap().1
    }
}

/// The single report on an assignment for June 2023.
async fn june(store: &Store, a: &Assignment) -> Option<minsheng_domain::Report> {
    let mut rs: Vec<_> = store
        .reports_of_assignment(a.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.period.to_string() == "2023-06")
        .collect();
    assert!(rs.len() <= 1, "{rs:?}");
    rs.pop()
}

#[tokio::test]
async fn csv_and_xlsx_reports_are_filed_and_the_status_rolls_them_up() {
    for db in minsheng_store::testing::backends().await {
        let store = &db.store;
        let demo = Demo::build(store).await;
        let dir = Scratch::new("filed", &db);
        let (cc, jl, sp) = (
            demo.share("长春市"),
            demo.share("吉林市"),
            demo.share("四平市"),
        );

        // The office files two cities' reports from a CSV with Chinese headers, one value in
        // 万人 and one month written the Chinese way, and submits them.
        let csv = dir.write(
            "reports.csv",
            &format!(
                "\u{feff}任务分工ID,期间,累计完成值,单位,资金,进展情况,阶段\n\
                 {},2023-06,5.2,万人,1200000,\"新增就业岗位,含高校毕业生\",推进中\n\
                 {},2023年6月,20000,,,稳步推进,\n",
                cc.id, jl.id
            ),
        );
        let audit_before = store.audit_count().await.unwrap();
        let out = ok(&run(&["report", "import"], Some(&csv), &db));
        assert!(out.contains("读取 2 行"), "{out}");
        assert!(out.contains("保存为草稿"), "{out}");
        let r = june(store, cc).await.unwrap();
        assert_eq!(r.status, ReportStatus::Draft, "without --submit: a draft");
        assert_eq!(r.cumulative, Some(d("52000")), "5.2万人 in 人");
        assert_eq!(r.funds_spent, Some(d("1200000")));
        assert_eq!(r.narrative, "新增就业岗位,含高校毕业生");
        assert!(store.audit_count().await.unwrap() > audit_before);

        // Filed again with --submit: the drafts are filed as they are, not duplicated.
        let out = ok(&run(&["report", "import", "--submit"], Some(&csv), &db));
        assert!(out.contains("更新草稿 2 份"), "{out}");
        assert!(out.contains("报送审核"), "{out}");
        let (r_cc, r_jl) = (
            june(store, cc).await.unwrap(),
            june(store, jl).await.unwrap(),
        );
        assert_eq!(r_cc.status, ReportStatus::Submitted);
        assert_eq!(r_jl.status, ReportStatus::Submitted);
        assert_eq!(r_jl.cumulative, Some(d("20000")));

        // Siping keeps a draft from a spreadsheet with English headers, the month as an
        // Excel date and the value as a number.
        let xlsx = dir.path("siping.xlsx");
        {
            use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
            let mut wb = Workbook::new();
            let ws = wb.add_worksheet();
            ws.set_name("报告").unwrap();
            for (c, h) in ["assignment_id", "period", "value", "narrative"]
                .iter()
                .enumerate()
            {
                ws.write_string(0, c as u16, *h).unwrap();
            }
            ws.write_number(1, 0, sp.id.0 as f64).unwrap();
            ws.write_datetime_with_format(
                1,
                1,
                ExcelDateTime::from_ymd(2023, 6, 1).unwrap(),
                &Format::new().set_num_format("yyyy-mm"),
            )
            .unwrap();
            ws.write_number(1, 2, 3500.5).unwrap();
            ws.write_string(1, 3, "四平市报送").unwrap();
            wb.save(&xlsx).unwrap();
        }
        // Changchun cannot file Siping's share.
        let out = run(&["report", "import", "--as", "长春市"], Some(&xlsx), &db);
        fails_with(&out, &["第 2 行", "长春市 不承担任务分工"]);
        let out = ok(&run(
            &["report", "import", "--as", "四平市"],
            Some(&xlsx),
            &db,
        ));
        assert!(out.contains("读取 1 行"), "{out}");
        assert!(out.contains("草稿"), "{out}");
        let r = june(store, sp).await.unwrap();
        assert_eq!(r.status, ReportStatus::Draft);
        assert_eq!(r.cumulative, Some(d("3500.5")));
        assert_eq!(r.filed_by, "cli:四平市");

        // The office accepts the two filed reports; the status shows them rolled up.
        let office = Actor::new("office-reviewer");
        for r in [&r_cc, &r_jl] {
            review_report(store, &office, r.id, &Decision::Accept)
                .await
                .unwrap();
        }
        let out = ok(&run(&["status", "--period", "2023-06"], None, &db));
        let line = out
            .lines()
            .find(|l| l.contains("城镇新增就业"))
            .unwrap_or_else(|| panic!("{out}"));
        // 52000 + 20000 of 23万; June expects 11.5万; 18.7 points behind: 滞后.
        assert!(line.starts_with("1.1"), "{line}");
        assert!(line.contains("7.2万人"), "{line}");
        assert!(line.contains("23万人"), "{line}");
        assert!(line.contains("31.3%"), "{line}");
        assert!(line.contains("11.5万人"), "{line}");
        assert!(line.contains("7/9"), "{line}");
        assert!(line.contains("滞后"), "{line}");
        assert!(out.contains("各市(州)平均完成率"), "{out}");
        let ranks: Vec<&str> = out
            .lines()
            .skip_while(|l| !l.contains("各市(州)"))
            .filter(|l| demo.cities.iter().any(|(n, _)| l.contains(n.as_str())))
            .collect();
        assert_eq!(ranks.len(), 9, "{out}");
        assert!(out.contains("未报送"), "{out}");

        let out = ok(&run(
            &["status", "--period", "2023年6月", "--format", "csv"],
            None,
            &db,
        ));
        let mut rdr = csv::Reader::from_reader(out.as_bytes());
        let headers = rdr.headers().unwrap().clone();
        let col = |n: &str| headers.iter().position(|h| h == n).unwrap();
        let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
        let first = rows
            .iter()
            .find(|r| &r[col("kind")] == "target" && r[col("name")].contains("城镇新增就业"))
            .unwrap();
        assert_eq!(&first[col("actual")], "72000");
        assert_eq!(&first[col("quota")], "230000");
        assert_eq!(&first[col("reported")], "2");
        assert_eq!(&first[col("missing")], "7");
        assert_eq!(&first[col("status")], "lagging");
        assert_eq!(rows.iter().filter(|r| &r[col("kind")] == "city").count(), 9);

        // An accepted month is locked; a lower value needs a correction.
        let locked = dir.write(
            "locked.csv",
            &format!("assignment_id,period,value\n{},2023-06,60000\n", cc.id),
        );
        fails_with(
            &run(&["report", "import"], Some(&locked), &db),
            &["第 2 行", "期间", "已锁定"],
        );
        let lower = dir.write(
            "lower.csv",
            &format!("assignment_id,period,value\n{},2023-07,50000\n", cc.id),
        );
        fails_with(
            &run(&["report", "import", "--submit"], Some(&lower), &db),
            &["第 2 行", "value", "更正说明"],
        );
        let corrected = dir.write(
            "corrected.csv",
            &format!(
                "assignment_id,period,value,correction\n{},2023-07,50000,重复统计已剔除\n",
                cc.id
            ),
        );
        ok(&run(
            &["report", "import", "--submit"],
            Some(&corrected),
            &db,
        ));
        let july: Vec<_> = store
            .reports_of_assignment(cc.id)
            .await
            .unwrap()
            .into_iter()
            .filter(|r| r.period.to_string() == "2023-07")
            .collect();
        assert_eq!(july.len(), 1);
        assert!(july[0].narrative.contains("【更正说明】重复统计已剔除"));
        db.finish().await;
    }
}

#[tokio::test]
async fn one_bad_row_refuses_the_whole_file_and_saves_nothing() {
    for db in minsheng_store::testing::backends().await {
        let store = &db.store;
        let demo = Demo::build(store).await;
        let dir = Scratch::new("bad", &db);
        let audit = store.audit_count().await.unwrap();
        let nothing_saved = || async {
            assert_eq!(store.audit_count().await.unwrap(), audit, "{}", db.label);
            for (_, a) in &demo.shares {
                assert!(store.reports_of_assignment(a.id).await.unwrap().is_empty());
            }
        };

        // Every assignment of the demo gets a row; the very last one is wrong.
        // Numbers for quantitative targets, a stage alone for qualitative items; the last
        // quantitative row is made wrong.
        let qualitative: std::collections::HashSet<_> = store
            .all_targets()
            .await
            .unwrap()
            .into_iter()
            .filter(|(t, _)| t.is_qualitative())
            .map(|(t, _)| t.id)
            .collect();
        let mut all = store.all_assignments().await.unwrap();
        all.sort_by_key(|a| qualitative.contains(&a.target));
        all.reverse(); // qualitative first, so the last row is a quantitative one
        assert!(all.len() > 300, "{}", all.len());
        let mut text = String::from("任务分工ID,期间,累计完成值,阶段\n");
        for a in &all {
            if qualitative.contains(&a.target) {
                text.push_str(&format!("{},2023-06,,推进中\n", a.id));
            } else {
                text.push_str(&format!("{},2023-06,0,推进中\n", a.id));
            }
        }
        let last_row = all.len() + 1;
        let last = all[all.len() - 1].id;
        assert!(!qualitative.contains(&all[all.len() - 1].target));
        let bad = text.replace(
            &format!("\n{last},2023-06,0,"),
            &format!("\n{last},2023-06,-5,"),
        );
        assert_ne!(bad, text);
        let f = dir.write("last-bad.csv", &bad);
        fails_with(
            &run(&["report", "import", "--submit"], Some(&f), &db),
            &[
                &format!("第 {last_row} 行"),
                "累计完成值",
                "不能为负",
                "未导入任何数据",
            ],
        );
        nothing_saved().await;

        // Cell errors and database errors are all listed, each with its row and column.
        let cc = demo.share("长春市");
        let f = dir.write(
            "mixed.csv",
            &format!(
                "assignment_id,period,value,unit,stage\n\
                 {},2023-06,100,,\n\
                 {},2023-06,abc,,\n\
                 999999,2023-06,1,,\n\
                 {},2024-06,1,,\n\
                 {},2023-06,1,公里,\n\
                 {},2023-05,1,,快好了\n",
                cc.id, cc.id, cc.id, cc.id, cc.id
            ),
        );
        let err = fails_with(
            &run(&["report", "import"], Some(&f), &db),
            &[
                "5 处错误",
                "第 3 行「value(累计完成值/value)」列:“abc”不是数值",
                "第 4 行「assignment_id(任务分工ID/assignment_id)」列:任务分工 999999 不存在",
                "第 5 行「period(期间/period)」列:期间 2024年6月 不在计划年度 2023 内",
                "第 6 行「unit(单位/unit)」列:单位“公里”与目标单位“人”不符",
                "第 7 行「stage(阶段/stage)」列",
            ],
        );
        assert!(!err.contains("第 2 行"), "{err}");
        nothing_saved().await;

        // A duplicate (assignment, month) in one file is refused, naming the first.
        let f = dir.write(
            "dup.csv",
            &format!(
                "assignment_id,period,value\n{},2023-06,1\n{},2023年6月,2\n",
                cc.id, cc.id
            ),
        );
        fails_with(
            &run(&["report", "import"], Some(&f), &db),
            &["第 3 行", "在第 2 行已有一份"],
        );
        nothing_saved().await;

        // A spreadsheet's bad row is named by the row number Excel shows.
        let xlsx = dir.path("bad.xlsx");
        {
            let mut wb = rust_xlsxwriter::Workbook::new();
            let ws = wb.add_worksheet();
            for (c, h) in ["任务分工ID", "期间", "累计完成值"].iter().enumerate() {
                ws.write_string(0, c as u16, *h).unwrap();
            }
            for r in 1..=3u32 {
                ws.write_number(r, 0, cc.id.0 as f64).unwrap();
                ws.write_string(r, 1, format!("2023-0{}", r + 3)).unwrap();
                ws.write_number(r, 2, 10.0 * f64::from(r)).unwrap();
            }
            ws.write_string(3, 2, "三十").unwrap();
            wb.save(&xlsx).unwrap();
        }
        fails_with(
            &run(&["report", "import"], Some(&xlsx), &db),
            &["第 4 行「累计完成值」列:“三十”不是数值"],
        );
        nothing_saved().await;

        // Files that cannot be read as reports at all.
        let f = dir.write("header.csv", "任务分工ID,月份,累计完成值\n1,2023-06,1\n");
        fails_with(
            &run(&["report", "import"], Some(&f), &db),
            &["无法识别的列名“月份”", "缺少“期间/period”列"],
        );
        let gbk = dir.path("gbk.csv");
        // 任务 in GBK.
        std::fs::write(&gbk, [0xc8, 0xce, 0xce, 0xf1, b'\n']).unwrap();
        fails_with(
            &run(&["report", "import"], Some(&gbk), &db),
            &["不是 UTF-8"],
        );
        let f = dir.write("reports.txt", "x");
        fails_with(
            &run(&["report", "import"], Some(&f), &db),
            &["无法识别文件类型"],
        );
        fails_with(
            &run(&["report", "import"], Some(&dir.path("missing.csv")), &db),
            &["无法读取文件"],
        );
        let one = dir.write(
            "one.csv",
            &format!("assignment_id,period,value\n{},2023-06,1\n", cc.id),
        );
        fails_with(
            &run(&["report", "import", "--as", "火星市"], Some(&one), &db),
            &["--as", "“火星市”"],
        );
        nothing_saved().await;

        // The good file then imports whole, in one go.
        let f = dir.write("all.csv", &text);
        let out = ok(&run(&["report", "import", "--submit"], Some(&f), &db));
        assert!(out.contains(&format!("读取 {} 行", all.len())), "{out}");
        assert_eq!(
            store.submitted_reports().await.unwrap().len(),
            all.len(),
            "{}",
            db.label
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn status_refuses_what_it_cannot_show() {
    for db in minsheng_store::testing::backends().await {
        // The full demo, with its invented year of reports.
        demo::build(&db.store).await.unwrap();
        let out = ok(&run(&["status", "--period", "2023-08"], None, &db));
        assert!(out.contains("城镇新增就业"), "{out}");
        assert!(out.contains("正常推进") || out.contains("滞后"), "{out}");
        fails_with(
            &run(&["status", "--period", "六月"], None, &db),
            &["--period", "未写明年份"],
        );
        fails_with(
            &run(&["status", "--period", "2024-06"], None, &db),
            &["没有 2024 年度的计划"],
        );
        fails_with(
            &run(
                &["status", "--period", "2023-06", "--plan", "99"],
                None,
                &db,
            ),
            &["计划 99 不存在"],
        );
        // A quarter is read as its last month.
        let out = ok(&run(
            &["status", "--period", "2023-Q2", "--plan", "1"],
            None,
            &db,
        ));
        assert!(out.contains("2023年第二季度(截至2023年6月)"), "{out}");
        assert!(out.contains("未报送"), "{out}");
        db.finish().await;
    }
}
