//! Runs the built `minsheng` binary: the demo serves the Jilin plan, and each kind of bad
//! input gets one clear message, a non-zero exit, and changes nothing.

use minsheng_domain::{Actor, UnitKind};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_minsheng"));
    c.env_remove("MINSHENG_DATABASE_URL")
        .env_remove("MINSHENG_LISTEN")
        .env_remove("MINSHENG_CONFIG")
        .env("MINSHENG_LOG", "warn");
    c
}

fn corpus(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../corpus")
        .join(name)
}

/// A scratch directory of the test's own, removed at the end.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("minsheng-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
    fn path(&self, f: &str) -> PathBuf {
        self.0.join(f)
    }
    fn files(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn fails_with(out: &Output, needle: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "expected failure; stderr: {stderr}");
    assert!(stderr.contains(needle), "stderr lacks {needle:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Kills the child when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn http_get(addr: &str, path: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut body = String::new();
    s.read_to_string(&mut body).unwrap();
    body
}

/// Starts `minsheng demo` on a free port over `db`; returns the running child and the
/// `host:port` its first line of output names.
fn start_demo(db: &Path) -> (Running, String) {
    let child = bin()
        .args(["demo", "--listen", "127.0.0.1:0", "--db"])
        .arg(db)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut child = Running(child);
    let mut line = String::new();
    BufReader::new(child.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect(&line);
    let addr = url.trim_start_matches("http://").trim_end_matches('/');
    (child, addr.to_string())
}

#[test]
fn demo_serves_the_jilin_plan_read_from_its_text() {
    let dir = Scratch::new("demo");
    let db = dir.path("demo.db");
    let (child, addr) = start_demo(&db);
    let addr = addr.as_str();
    let home = http_get(addr, "/");
    assert!(
        home.contains(" 303 ") && home.contains("location: /public"),
        "{home}"
    );
    let login = http_get(addr, "/login");
    assert!(
        login.starts_with("HTTP/1.0 200") || login.starts_with("HTTP/1.1 200"),
        "{login}"
    );
    assert!(
        login.contains("虚构"),
        "the demo says its assignments are invented"
    );
    assert!(
        login.contains("minsheng-demo"),
        "the demo accounts are named"
    );
    drop(child);

    // Run again: the old demo database is replaced by a fresh one, not added to.
    let (_child, addr) = start_demo(&db);
    let portal = http_get(&addr, "/public");
    assert!(
        portal.contains("关于2023年全省民生实事安排的意见"),
        "{portal}"
    );
    assert_eq!(
        portal.matches("href=\"/public/plans/").count(),
        1,
        "one plan, not two"
    );
}

#[test]
fn demo_refuses_to_overwrite_real_data() {
    let dir = Scratch::new("demo-refuses");
    let db = dir.path("real.db");
    // A database holding units that no demo built.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let store = minsheng_store::Store::open(
            db.to_str().unwrap(),
            minsheng_store::OpenMode::CreateIfMissing,
        )
        .await
        .unwrap();
        store.migrate().await.unwrap();
        let mut tx = store.begin(&Actor::new("test")).await.unwrap();
        tx.insert_unit(&minsheng_store::NewUnit {
            parent: None,
            kind: UnitKind::Province,
            name: "某省".into(),
            code: None,
        })
        .await
        .unwrap();
        tx.commit().await.unwrap();
        store.close().await;
    });
    let before = std::fs::read(&db).unwrap();
    let out = bin()
        .args(["demo", "--listen", "127.0.0.1:0", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    fails_with(&out, "拒绝覆盖");
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn a_port_in_use_is_named_and_nothing_is_created() {
    let dir = Scratch::new("port");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = bin()
        .args(["serve", "--listen", &addr, "--db"])
        .arg(dir.path("new.db"))
        .output()
        .unwrap();
    fails_with(&out, "已被占用");
    assert!(dir.files().is_empty(), "{:?}", dir.files());
}

#[test]
fn a_file_that_is_not_a_database_is_refused_untouched() {
    let dir = Scratch::new("notdb");
    let f = dir.path("plan.txt");
    std::fs::copy(corpus("jilin-2023.txt"), &f).unwrap();
    let out = bin()
        .args(["serve", "--listen", "127.0.0.1:0", "--db"])
        .arg(&f)
        .output()
        .unwrap();
    fails_with(&out, "不是 SQLite 数据库");
    assert_eq!(
        std::fs::read(&f).unwrap(),
        std::fs::read(corpus("jilin-2023.txt")).unwrap()
    );
    assert_eq!(dir.files(), ["plan.txt"]);
}

#[test]
fn a_database_from_a_newer_minsheng_is_refused_unchanged() {
    let dir = Scratch::new("newer");
    let db = dir.path("m.db");
    let out = bin().args(["migrate", "--db"]).arg(&db).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let store = minsheng_store::Store::open(db.to_str().unwrap(), minsheng_store::OpenMode::MustExist)
            .await
            .unwrap();
        store
            .exec("INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
                   VALUES (99990101000000, 'future', TRUE, X'00', 0)")
            .await
            .unwrap();
        store.close().await;
    });
    let before = std::fs::read(&db).unwrap();
    for args in [
        &["migrate", "--db"][..],
        &["serve", "--listen", "127.0.0.1:0", "--db"][..],
    ] {
        let out = bin().args(args).arg(&db).output().unwrap();
        fails_with(&out, "升级 minsheng");
    }
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn unreachable_and_malformed_database_urls_are_named() {
    let out = bin()
        .args([
            "migrate",
            "--db",
            "postgres://app:hunter2@127.0.0.1:1/minsheng",
        ])
        .output()
        .unwrap();
    fails_with(
        &out,
        "无法连接数据库 postgres://app:***@127.0.0.1:1/minsheng",
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("hunter2"));
    let out = bin()
        .args(["migrate", "--db", "mysql://root@localhost/x"])
        .output()
        .unwrap();
    fails_with(&out, "无法识别");
}

#[test]
fn an_unreadable_plan_file_is_named() {
    let dir = Scratch::new("unreadable");
    let out = bin()
        .arg("extract")
        .arg(dir.path("missing.txt"))
        .output()
        .unwrap();
    fails_with(&out, "无法读取文件");
    let gbk = dir.path("gbk.txt");
    std::fs::write(&gbk, [0xc3, 0xf1, 0xc9, 0xfa, 0xca, 0xb5, 0xca, 0xc2]).unwrap(); // 民生实事 in GBK
    // A GBK text is read (as GB18030, its superset) since #19.
    let out = bin()
        .args(["extract", "--text"])
        .arg(&gbk)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "民生实事");
    // A picture is none of the formats read: refused, naming those that are.
    let png = dir.path("plan.txt");
    std::fs::write(&png, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01").unwrap();
    let out = bin().arg("extract").arg(&png).output().unwrap();
    fails_with(&out, "无法识别的文件");
    // Word 97 is refused with what to do.
    let doc = dir.path("plan.doc");
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.extend("WordDocument".encode_utf16().flat_map(u16::to_le_bytes));
    std::fs::write(&doc, ole).unwrap();
    let out = bin().arg("extract").arg(&doc).output().unwrap();
    fails_with(&out, "另存为 .docx");
}

/// A plan list kept as a spreadsheet (序号 | 主要任务 | 责任单位) is read by its content, one
/// row a line, whatever its name says (#19).
#[test]
fn extract_reads_a_spreadsheet_by_its_content() {
    let dir = Scratch::new("sheet");
    let path = dir.path("plan-list.dat");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let text = std::fs::read_to_string(corpus("jiaxing-2023-duties.txt")).unwrap();
    for (r, line) in text.lines().enumerate() {
        for (c, cell) in line
            .split('|')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .enumerate()
        {
            sheet.write_string(r as u32, c as u16, cell).unwrap();
        }
    }
    book.save(&path).unwrap();
    let out = bin()
        .args(["extract", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let from_text = minsheng_extract::extract(&text);
    let items: usize = doc["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["items"].as_array().unwrap().len())
        .sum();
    let want: usize = from_text.sections.iter().map(|s| s.items.len()).sum();
    assert!(want > 10);
    assert_eq!(items, want);
}

#[test]
fn extract_prints_the_schema_and_scores_it() {
    let out = bin()
        .args(["extract", "--format", "json"])
        .arg(corpus("jilin-2023.txt"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["year"], 2023);
    assert_eq!(doc["declared"]["sections"], 14);
    let items: usize = doc["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["items"].as_array().unwrap().len())
        .sum();
    assert_eq!(items, 50);

    let out = bin()
        .args(["extract", "--format", "table"])
        .arg(corpus("jilin-2023.txt"))
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("城镇新增就业23万人"));

    let out = bin()
        .args(["extract", "--score"])
        .arg(corpus("jilin-2023.gold.json"))
        .arg(corpus("jilin-2023.txt"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.stdout.is_empty());
}
