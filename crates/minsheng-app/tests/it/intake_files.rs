//! The corpus round trip (#19): every `corpus/*.txt` made into a DOCX, a PDF and a web page by
//! a real office program — LibreOffice headless, Debian `libreoffice-writer-nogui` — and, for
//! the documents that hold a table, an XLSX (rust_xlsxwriter), each read back by
//! [`read_document`] and extracted: the micro target F1 (the corpus scorer's, against the
//! `.gold.json`) within 0.01 of the text's, and the items equal, document by document.
//!
//! How the files are made: each text is first written as a flat OpenDocument text (`.fodt`,
//! plain XML) the way a clerk's document is — a paragraph a line, a line of " | "-separated
//! cells a row of a real table, a running header ("××市人民政府公报") and a footer with the page
//! number field ("— 3 —") on every page — then LibreOffice converts all of them to DOCX in one
//! call, to PDF in another, to HTML in a third. The HTML's body is put inside a page in the
//! shape government sites publish (navigation, breadcrumbs, "发布时间/来源/浏览次数", share
//! buttons, a footer, links everywhere), every other one saved as GB2312 with its
//! `<meta charset>`. Everything is written to a temporary directory.

use minsheng_app::intake::{Format, read_document};
use minsheng_extract::gold::Document;
use minsheng_extract::score::{Counts, score};
use std::path::{Path, PathBuf};
use std::process::Command;

fn corpus_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../corpus"))
}

fn corpus() -> Vec<(String, String)> {
    let mut names: Vec<String> = std::fs::read_dir(corpus_dir())
        .expect("corpus dir")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|n| n.strip_suffix(".txt").map(str::to_string))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|n| {
            let text = std::fs::read_to_string(corpus_dir().join(format!("{n}.txt"))).unwrap();
            (n, text)
        })
        .collect()
}

/// A line's cells when it is a table row: two or more, a trailing "|" ignored.
fn cells(line: &str) -> Option<Vec<String>> {
    let mut cells: Vec<String> = line.split('|').map(|c| c.trim().to_string()).collect();
    if cells.last().is_some_and(String::is_empty) {
        cells.pop();
    }
    (cells.len() >= 2).then_some(cells)
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The text as a flat OpenDocument text with a running header and page-numbered footer.
fn fodt(text: &str) -> String {
    let mut body = String::new();
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    let mut tables = 0;
    while i < lines.len() {
        if cells(lines[i]).is_some() {
            let mut rows = Vec::new();
            while let Some(c) = lines.get(i).and_then(|l| cells(l)) {
                rows.push(c);
                i += 1;
            }
            let width = rows.iter().map(Vec::len).max().unwrap_or(1);
            tables += 1;
            body.push_str(&format!(
                "<table:table table:name=\"T{tables}\"><table:table-column table:number-columns-repeated=\"{width}\"/>"
            ));
            for r in rows {
                body.push_str("<table:table-row>");
                for k in 0..width {
                    let c = r.get(k).map(String::as_str).unwrap_or("");
                    body.push_str(&format!(
                        "<table:table-cell table:style-name=\"cell\" office:value-type=\"string\"><text:p>{}</text:p></table:table-cell>",
                        xml_escape(c)
                    ));
                }
                body.push_str("</table:table-row>");
            }
            body.push_str("</table:table>");
            continue;
        }
        body.push_str(&format!("<text:p>{}</text:p>", xml_escape(lines[i])));
        i += 1;
    }
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:styles><style:default-style style:family="paragraph"><style:text-properties fo:font-size="12pt" style:font-size-asian="12pt"/></style:default-style></office:styles>
<office:automatic-styles><style:style style:name="cell" style:family="table-cell"><style:table-cell-properties fo:padding-left="0.19cm" fo:padding-right="0.19cm" fo:padding-top="0.05cm" fo:padding-bottom="0.05cm" fo:border="0.5pt solid #000000"/></style:style><style:page-layout style:name="pm1"><style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" fo:margin-top="1.5cm" fo:margin-bottom="1.5cm" fo:margin-left="2.5cm" fo:margin-right="2.5cm"/><style:header-style><style:header-footer-properties fo:min-height="0.6cm" fo:margin-bottom="0.5cm"/></style:header-style><style:footer-style><style:header-footer-properties fo:min-height="0.6cm" fo:margin-top="0.5cm"/></style:footer-style></style:page-layout></office:automatic-styles>
<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="pm1"><style:header><text:p>××市人民政府公报</text:p></style:header><style:footer><text:p>— <text:page-number text:select-page="current">1</text:page-number> —</text:p></style:footer></style:master-page></office:master-styles>
<office:body><office:text>{body}</office:text></office:body>
</office:document>
"#
    )
}

/// A government site's article page around LibreOffice's HTML body.
fn gov_page(lo_html: &str, name: &str, gb2312: bool) -> Vec<u8> {
    let start = lo_html
        .find("<body")
        .and_then(|i| lo_html[i..].find('>').map(|j| i + j + 1))
        .unwrap_or(0);
    let end = lo_html.rfind("</body>").unwrap_or(lo_html.len());
    let mut body = lo_html[start..end].to_string();
    // Writer's header and footer are the document's, not the site's article.
    for title in ["header", "footer"] {
        let open = format!("<div title=\"{title}\">");
        while let Some(i) = body.find(&open) {
            let Some(j) = body[i..].find("</div>") else {
                break;
            };
            body.replace_range(i..i + j + "</div>".len(), "");
        }
    }
    let charset = if gb2312 { "gb2312" } else { "utf-8" };
    let nav: String = [
        "首页",
        "政务公开",
        "政务服务",
        "互动交流",
        "走进本市",
        "专题专栏",
    ]
    .iter()
    .map(|s| format!("<li><a href=\"/{s}\">{s}</a></li>"))
    .collect();
    let related: String = (1..=8)
        .map(|i| format!("<li><a href=\"/art/{i}.html\">关于做好第{i}批民生实事项目申报工作的通知</a><span>2023-0{}-1{i}</span></li>", i % 9 + 1))
        .collect();
    let page = format!(
        r##"<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="{charset}"><title>{name} - 市人民政府门户网站</title>
<script>var _hmt = _hmt || []; (function() {{ var hm = document.createElement("script"); }})();</script>
<style>.nav li {{ float: left; }}</style></head>
<body>
<div class="top"><div class="logo"><img src="/logo.png" alt="市人民政府门户网站"></div>
<div class="tools"><a href="/wza">无障碍</a> | <a href="/en">English</a> | <a href="/mobile">移动版</a> 今天是2023年3月3日 星期五</div></div>
<ul class="nav">{nav}</ul>
<div class="crumbs">当前位置:<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; <a href="/zfwj">政府文件</a> &gt; 正文</div>
<div class="main">
<div class="left-col"><h3>政府文件</h3><ul><li><a href="/a">市政府令</a></li><li><a href="/b">市政府文件</a></li><li><a href="/c">市政府办公室文件</a></li></ul></div>
<div class="right-col">
<h1 class="title">关于印发民生实事项目的通知</h1>
<div class="info"><span>发布时间:2023-03-03 10:12</span> <span>来源:市政府办公室</span> <span>浏览次数:<b id="hits">1289</b></span> <span>字号:[<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>]</span></div>
<div class="article-body" id="zoom">{body}</div>
<div class="share">分享到:<a href="#">微信</a> <a href="#">微博</a> <a href="#">QQ空间</a> <a href="#" onclick="window.print()">【打印本页】</a> <a href="#" onclick="window.close()">【关闭窗口】</a></div>
<div class="related"><h3>相关文件</h3><ul>{related}</ul></div>
</div></div>
<div class="footer"><p>主办:市人民政府办公室 承办:市大数据局</p><p>网站标识码:3301000001 <a href="https://beian.miit.gov.cn">浙ICP备05000000号</a> 浙公网安备 33010002000001号</p><p>联系电话:0571-12345678 地址:市府路1号</p></div>
</body></html>
"##
    );
    if gb2312 {
        let (bytes, _, _) = encoding_rs::GBK.encode(&page);
        bytes.into_owned()
    } else {
        page.into_bytes()
    }
}

/// The text as a spreadsheet: a table row's cells in columns, any other line in column A.
fn xlsx(text: &str, path: &Path) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (row, line) in (0u32..).zip(text.lines()) {
        match cells(line) {
            Some(c) => {
                for (k, v) in c.iter().enumerate() {
                    sheet.write_string(row, k as u16, v).unwrap();
                }
            }
            None if line.trim().is_empty() => {}
            None => {
                sheet.write_string(row, 0, line).unwrap();
            }
        }
    }
    book.save(path).unwrap();
}

/// Runs LibreOffice once over `files`, writing `to` into `out`.
fn soffice(files: &[PathBuf], to: &str, out: &Path, profile: &Path) {
    let status = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--norestore", "--convert-to", to, "--outdir"])
        .arg(out)
        .args(files)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("soffice runs");
    assert!(status.success(), "soffice --convert-to {to} failed");
}

#[derive(Default)]
struct Tally {
    targets: Counts,
    text_targets: Counts,
    items_differ: Vec<String>,
}

fn add(into: &mut Counts, c: &Counts) {
    into.tp += c.tp;
    into.fp += c.fp;
    into.fn_ += c.fn_;
}

/// The items as the extractor read them: section, number and text.
fn items(x: &minsheng_extract::Extraction) -> Vec<(usize, u32, String)> {
    x.sections
        .iter()
        .enumerate()
        .flat_map(|(s, sec)| sec.items.iter().map(move |i| (s, i.no, i.text.clone())))
        .collect()
}

#[test]
fn corpus_round_trip_through_office_files() {
    if Command::new("soffice").arg("--version").output().is_err()
        || Command::new("pdftotext").arg("-v").output().is_err()
    {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI needs LibreOffice (libreoffice-writer-nogui) and poppler-utils"
        );
        eprintln!("skipped: soffice or pdftotext not installed");
        return;
    }
    // INTAKE_KEEP=1 keeps the files made, and what was read from those that differ, to look at.
    let keep = std::env::var("INTAKE_KEEP").is_ok();
    let tmp = tempfile::tempdir().unwrap();
    let dir = if keep {
        let kept = tmp.keep();
        eprintln!("files kept in {}", kept.display());
        kept
    } else {
        tmp.path().to_path_buf()
    };
    let src = dir.join("src");
    let profile = dir.join("profile");
    std::fs::create_dir_all(&src).unwrap();
    let docs = corpus();
    let mut fodts = Vec::new();
    for (name, text) in &docs {
        let p = src.join(format!("{name}.fodt"));
        std::fs::write(&p, fodt(text)).unwrap();
        fodts.push(p);
    }
    let out = dir.join("out");
    soffice(&fodts, "docx:MS Word 2007 XML", &out, &profile);
    soffice(&fodts, "pdf:writer_pdf_Export", &out, &profile);
    soffice(&fodts, "html:HTML (StarWriter)", &out, &profile);
    let mut tallies: Vec<(Format, Tally)> = [Format::Docx, Format::Pdf, Format::Html, Format::Xlsx]
        .into_iter()
        .map(|f| (f, Tally::default()))
        .collect();
    for (k, (name, text)) in docs.iter().enumerate() {
        let gold_json =
            std::fs::read_to_string(corpus_dir().join(format!("{name}.gold.json"))).unwrap();
        let gold = Document::from_json(&gold_json).expect("gold parses");
        let base = minsheng_extract::extract(text);
        let base_score = score(&gold, &Document::from_extraction(&base, name));
        let has_table = text.lines().filter(|l| cells(l).is_some()).count() >= 2;
        for (format, tally) in &mut tallies {
            let (file, bytes) = match format {
                Format::Docx => {
                    let f = out.join(format!("{name}.docx"));
                    (f.clone(), std::fs::read(&f).unwrap())
                }
                Format::Pdf => {
                    let f = out.join(format!("{name}.pdf"));
                    (f.clone(), std::fs::read(&f).unwrap())
                }
                Format::Html => {
                    let lo = std::fs::read_to_string(out.join(format!("{name}.html"))).unwrap();
                    let f = out.join(format!("{name}.gov.html"));
                    let page = gov_page(&lo, name, k % 2 == 1);
                    std::fs::write(&f, &page).unwrap();
                    (f, page)
                }
                _ => {
                    if !has_table {
                        continue;
                    }
                    let f = out.join(format!("{name}.xlsx"));
                    xlsx(text, &f);
                    (f.clone(), std::fs::read(&f).unwrap())
                }
            };
            let read = read_document(&bytes, &file.to_string_lossy())
                .unwrap_or_else(|e| panic!("{name} as {}: {e}", format.label()));
            assert_eq!(
                read.format, *format,
                "{name}: detected as {:?}",
                read.format
            );
            let x = minsheng_extract::extract(&read.text);
            let s = score(&gold, &Document::from_extraction(&x, name));
            add(&mut tally.targets, &s.targets);
            add(&mut tally.text_targets, &base_score.targets);
            if items(&x) != items(&base) {
                let want = items(&base);
                let got = items(&x);
                let first = want
                    .iter()
                    .zip(&got)
                    .find(|(a, b)| a != b)
                    .map(|(a, b)| format!("{a:?} ≠ {b:?}"))
                    .unwrap_or_else(|| format!("{} items, {} read", want.len(), got.len()));
                tally.items_differ.push(format!("{name}: {first}"));
                if keep {
                    std::fs::write(
                        dir.join(format!("{name}.{}.txt", format.label())),
                        &read.text,
                    )
                    .unwrap();
                }
            }
        }
    }
    let mut failures = Vec::new();
    for (format, t) in &tallies {
        let f1 = t.targets.f1().unwrap_or(0.0);
        let base = t.text_targets.f1().unwrap_or(0.0);
        eprintln!(
            "{}: micro target F1 {f1:.4} (text {base:.4}); items differ in {} documents",
            format.label(),
            t.items_differ.len()
        );
        if (f1 - base).abs() > 0.01 {
            failures.push(format!(
                "{}: micro target F1 {f1:.4}, the text's {base:.4}",
                format.label()
            ));
        }
        for d in &t.items_differ {
            failures.push(format!("{}: items differ: {d}", format.label()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
