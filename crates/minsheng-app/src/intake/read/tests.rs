//! The readers on small documents made here by the libraries offices' files come from (docx-rs,
//! rust_xlsxwriter, zip); the corpus round trip through LibreOffice is in the app's
//! `tests/it/intake_files.rs`.

use super::*;
use proptest::prelude::*;
use std::io::Write;

fn docx_with_numbering() -> Vec<u8> {
    use docx_rs::*;
    let level = |i: usize, fmt: &str, text: &str| {
        Level::new(
            i,
            Start::new(1),
            NumberFormat::new(fmt),
            LevelText::new(text),
            LevelJc::new("left"),
        )
    };
    let p = |t: &str| Paragraph::new().add_run(Run::new().add_text(t));
    let doc = Docx::new()
        .add_abstract_numbering(
            AbstractNumbering::new(1)
                .add_level(level(0, "chineseCounting", "%1、"))
                .add_level(level(1, "chineseCounting", "（%2）"))
                .add_level(level(2, "decimal", "%3."))
                .add_level(level(3, "bullet", "•")),
        )
        .add_numbering(Numbering::new(1, 1))
        .header(Header::new().add_paragraph(p("吉林省人民政府办公厅")))
        .footer(Footer::new().add_paragraph(p("— 1 —")))
        .add_paragraph(p("2023年全省民生实事"))
        .add_paragraph(p("促进就业方面").numbering(NumberingId::new(1), IndentLevel::new(0)))
        .add_paragraph(p("城镇就业").numbering(NumberingId::new(1), IndentLevel::new(1)))
        .add_paragraph(
            p("城镇新增就业23万人。").numbering(NumberingId::new(1), IndentLevel::new(2)),
        )
        .add_paragraph(
            p("实现零就业家庭动态清零。").numbering(NumberingId::new(1), IndentLevel::new(2)),
        )
        .add_paragraph(p("一条说明").numbering(NumberingId::new(1), IndentLevel::new(3)))
        .add_paragraph(p("社会保障方面").numbering(NumberingId::new(1), IndentLevel::new(0)))
        .add_paragraph(p("提高待遇").numbering(NumberingId::new(1), IndentLevel::new(1)))
        .add_paragraph(
            p("建设100个养老服务中心。").numbering(NumberingId::new(1), IndentLevel::new(2)),
        )
        .add_table(Table::new(vec![
            TableRow::new(vec![
                TableCell::new().add_paragraph(p("序号")),
                TableCell::new().add_paragraph(p("目标任务")),
                TableCell::new().add_paragraph(p("牵头单位")),
            ]),
            TableRow::new(vec![
                TableCell::new().add_paragraph(p("1")),
                TableCell::new().add_paragraph(p("改造老旧小区800个")),
                TableCell::new()
                    .add_paragraph(p("省住建厅"))
                    .vertical_merge(VMergeType::Restart),
            ]),
            TableRow::new(vec![
                TableCell::new().add_paragraph(p("2")),
                TableCell::new().add_paragraph(p("新建公厕 & 驿站30座")),
                TableCell::new().vertical_merge(VMergeType::Continue),
            ]),
        ]));
    let mut buf = Vec::new();
    doc.build().pack(std::io::Cursor::new(&mut buf)).unwrap();
    buf
}

#[test]
fn docx_writes_out_the_numbering_word_renders_and_tables_as_rows() {
    let read = read_document(&docx_with_numbering(), "plan.docx").unwrap();
    assert_eq!(read.format, Format::Docx);
    assert_eq!(
        read.text,
        "2023年全省民生实事\n一、促进就业方面\n（一）城镇就业\n1.城镇新增就业23万人。\n2.实现零就业家庭动态清零。\n一条说明\n二、社会保障方面\n（一）提高待遇\n1.建设100个养老服务中心。\n序号 | 目标任务 | 牵头单位\n1 | 改造老旧小区800个 | 省住建厅\n2 | 新建公厕 & 驿站30座 | 省住建厅"
    );
    // The header and the footer's page number are not the document's text.
    assert!(!read.text.contains("办公厅") && !read.text.contains('—'));
}

#[test]
fn word_number_formats() {
    let n = docx::number_for_test;
    assert_eq!(n(1, "chineseCounting"), "一");
    assert_eq!(n(10, "chineseCounting"), "十");
    assert_eq!(n(11, "chineseCounting"), "十一");
    assert_eq!(n(20, "chineseCounting"), "二十");
    assert_eq!(n(105, "chineseCountingThousand"), "一百零五");
    assert_eq!(n(3, "ideographTraditional"), "丙");
    assert_eq!(n(3, "decimalEnclosedCircle"), "③");
    assert_eq!(n(12, "decimalFullWidth"), "１２");
    assert_eq!(n(28, "lowerLetter"), "bb");
    assert_eq!(n(14, "upperRoman"), "XIV");
    assert_eq!(n(7, "decimal"), "7");
}

const GOV_PAGE: &str = r##"<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>关于印发2023年民生实事的通知</title><script>var a = "民生实事民生实事民生实事";</script></head>
<body><div class="nav"><a href="/">首页</a><a href="/a">政务公开</a><a href="/b">政务服务</a><a href="/c">互动交流</a></div>
<div class="crumb">当前位置:<a href="/">首页</a> &gt; <a href="/x">政府文件</a></div>
<h1>关于印发2023年民生实事的通知</h1>
<div class="info">发布时间:2023-02-01 来源:市政府办公室 浏览次数:4321</div>
<div class="content"><p>　　各县(市、区)人民政府:</p><p>一、促进就业方面</p><p>1.城镇新增就业23万人;实现城镇零就业家庭动态清零。</p><div>2.改造城镇老旧小区800个,<br>惠及居民10万户。</div>
<table><tr><td>序号</td><td>任务</td><td>牵头单位</td></tr><tr><td>3</td><td>新建公办幼儿园20所</td><td>市教育局</td><td></td></tr></table>
<ul><li>4.农村公路大中修100公里</li></ul></div>
<div class="share">分享到:<a href="#">微信</a><a href="#">微博</a> 【打印本页】【关闭窗口】</div>
<div class="related"><a href="/1">关于做好2022年民生实事项目征集工作的通知关于做好</a><a href="/2">2021年民生实事项目完成情况的公告关于做好民生实事</a></div>
<div class="footer">主办:市人民政府办公室 网站标识码:1234 ICP备05000000号 联系电话:12345678</div></body></html>"##;

#[test]
fn html_reads_the_article_in_its_declared_charset_without_the_site_chrome() {
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(GOV_PAGE);
    assert!(!unmappable);
    let read = read_document(&bytes, "art_1.html").unwrap();
    assert_eq!(read.format, Format::Html);
    assert_eq!(
        read.text,
        "各县(市、区)人民政府:\n一、促进就业方面\n1.城镇新增就业23万人;实现城镇零就业家庭动态清零。\n2.改造城镇老旧小区800个,\n惠及居民10万户。\n序号 | 任务 | 牵头单位\n3 | 新建公办幼儿园20所 | 市教育局\n4.农村公路大中修100公里"
    );
}

#[test]
fn xlsx_rows_with_the_header_and_merged_cells_carried_down() {
    let mut book = rust_xlsxwriter::Workbook::new();
    let s = book.add_worksheet();
    let fmt = rust_xlsxwriter::Format::new();
    s.merge_range(0, 0, 0, 3, "2023年民生实事任务清单", &fmt)
        .unwrap();
    for (c, h) in ["序号", "项目", "目标任务", "牵头单位"].iter().enumerate() {
        s.write_string(1, c as u16, *h).unwrap();
    }
    s.write_number(2, 0, 1.0).unwrap();
    s.write_string(2, 1, "老旧小区改造").unwrap();
    s.write_string(2, 2, "改造800个").unwrap();
    s.merge_range(2, 3, 3, 3, "省住建厅", &fmt).unwrap();
    s.write_number(3, 0, 2.0).unwrap();
    s.write_string(3, 1, "城市公厕").unwrap();
    s.write_string(3, 2, "新建\n30座").unwrap();
    s.write_number(4, 2, 2.5).unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let read = read_document(&bytes, "清单").unwrap();
    assert_eq!(read.format, Format::Xlsx);
    assert_eq!(
        read.text,
        "2023年民生实事任务清单\n序号 | 项目 | 目标任务 | 牵头单位\n1 | 老旧小区改造 | 改造800个 | 省住建厅\n2 | 城市公厕 | 新建 30座 | 省住建厅\n |  | 2.5"
    );
}

#[test]
fn csv_by_content_and_prose_stays_text() {
    let csv =
        "序号,任务,牵头单位\n1,\"改造老旧小区800个,惠及2万户\",省住建厅\n2,新建公厕30座,省住建厅\n";
    let read = read_document(csv.as_bytes(), "upload").unwrap();
    assert_eq!(read.format, Format::Csv);
    assert_eq!(
        read.text,
        "序号 | 任务 | 牵头单位\n1 | 改造老旧小区800个,惠及2万户 | 省住建厅\n2 | 新建公厕30座 | 省住建厅"
    );
    let prose = "2023年,省委、省政府将抓好十项民生实事:\n1.城镇新增就业23万人。\n2.改造小区800个,惠及居民。\n";
    let read = read_document(prose.as_bytes(), "plan.txt").unwrap();
    assert_eq!(read.format, Format::Text);
    assert_eq!(read.text, prose);
    // GBK text, as many offices still save it.
    let (gbk, _, _) = encoding_rs::GBK.encode(prose);
    assert_eq!(read_document(&gbk, "plan.txt").unwrap().text, prose);
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut buf = Vec::new();
    {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(&mut buf));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(1));
        for (name, data) in entries {
            w.start_file(*name, opts).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap();
    }
    buf
}

#[test]
fn bad_input_is_refused_with_what_to_do() {
    assert_eq!(read_document(b"", "a.txt"), Err(ReadError::Empty));
    let big = vec![b'a'; MAX_FILE_BYTES + 1];
    let e = read_document(&big, "a.txt").unwrap_err();
    assert!(matches!(e, ReadError::TooLarge { .. }));
    assert!(e.zh().contains("20 MB") && e.en().contains("20 MB"), "{e}");

    // A zip bomb posing as a DOCX: one part of zeros inflating past the limit.
    let zeros = vec![0u8; (MAX_UNZIPPED_BYTES + 1) as usize];
    let bomb = zip_of(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("word/document.xml", &zeros),
    ]);
    assert!(bomb.len() < MAX_FILE_BYTES);
    let e = read_document(&bomb, "plan.docx").unwrap_err();
    assert!(
        matches!(e, ReadError::ZipBomb { format: "DOCX", .. }),
        "{e}"
    );
    assert!(e.zh().contains("压缩炸弹") && e.en().contains("zip bomb"));
    // … and one of too many parts, posing as an XLSX.
    let names: Vec<String> = (0..=MAX_ZIP_ENTRIES)
        .map(|i| format!("xl/p{i}.xml"))
        .collect();
    let mut entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"x"[..])).collect();
    entries.push(("xl/workbook.xml", b"<workbook/>"));
    let e = read_document(&zip_of(&entries), "plan.xlsx").unwrap_err();
    assert!(
        matches!(e, ReadError::ZipBomb { format: "XLSX", .. }),
        "{e}"
    );

    // An encrypted Office file is an OLE file holding an EncryptedPackage stream.
    let mut ole = OLE.to_vec();
    ole.extend(vec![0u8; 512]);
    ole.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
    let e = read_document(&ole, "plan.docx").unwrap_err();
    assert!(matches!(e, ReadError::Encrypted { .. }), "{e}");
    assert!(e.en().contains("remove the password"));
    let mut doc = OLE.to_vec();
    doc.extend("WordDocument".encode_utf16().flat_map(u16::to_le_bytes));
    assert_eq!(read_document(&doc, "plan.doc"), Err(ReadError::WordBinary));

    // A picture, a ZIP of something else, a damaged DOCX.
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";
    assert_eq!(read_document(png, "plan.txt"), Err(ReadError::Unknown));
    assert_eq!(
        read_document(&zip_of(&[("a.txt", b"hello")]), "plan.docx"),
        Err(ReadError::Unknown)
    );
    let mut cut = docx_with_numbering();
    cut.truncate(cut.len() / 2);
    let e = read_document(&cut, "plan.docx").unwrap_err();
    assert!(matches!(e, ReadError::Damaged { .. }), "{e}");
}

/// A PDF of one page with no text on it, as a scanner makes (the picture left out).
const SCAN: &[u8] = b"%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >> endobj
4 0 obj << /Length 0 >> stream

endstream endobj
trailer << /Root 1 0 R >>
%%EOF
";

fn have_pdftotext() -> bool {
    std::process::Command::new("pdftotext")
        .arg("-v")
        .output()
        .is_ok()
}

#[test]
fn a_pdf_without_a_text_layer_is_a_scan_to_ocr_first() {
    if !have_pdftotext() {
        return;
    }
    let e = read_document(SCAN, "scan.pdf").unwrap_err();
    assert_eq!(e, ReadError::Scanned);
    assert!(e.zh().contains("OCR") && e.en().contains("OCR it first"));
    let e = read_document(b"%PDF-1.4\n garbage", "x.pdf").unwrap_err();
    assert!(
        matches!(
            e,
            ReadError::Damaged { format: "PDF", .. } | ReadError::Scanned
        ),
        "{e}"
    );
}

/// A line of mixed Chinese and Latin text wrapped before a Latin word that did not fit (or
/// after its hyphen) goes on the next line; a short line before one that does not go on it
/// (a heading, a paragraph's end) does not.
#[test]
fn pdf_latin_words_wrapped_short_of_the_margin_join() {
    let w = pdf::latin_wrap_for_test;
    // A Latin word broken at its hyphen goes on, however much room was left.
    assert!(w(("生产出E-", 460.0), ("QM5、E-QM5", 0.0, 90.0), 500.0));
    // A dash after Chinese is not a Latin word's hyphen.
    assert!(!w(("生产出-", 480.0), ("QM5", 0.0, 30.0), 500.0));
    // A Latin word that did not fit (60 wide, 30 left) after a line ending in a letter…
    assert!(w(("采用PPE", 470.0), ("platform", 0.0, 60.0), 500.0));
    // … and its run with a comma that may not start a line: "QM5" ~21 + "、" 10 > 25 left.
    assert!(w(("车型E", 475.0), ("QM5、E-QM5", 0.0, 66.0), 500.0));
    // The same word would have fitted in 100: a line ended there on purpose.
    assert!(!w(("采用PPE", 400.0), ("platform", 0.0, 60.0), 500.0));
    // Chinese on either side is the margin rule's business, not this one's.
    assert!(!w(("生产出", 480.0), ("QM5", 0.0, 30.0), 500.0));
    assert!(!w(("E-", 480.0), ("车型", 0.0, 20.0), 500.0));
    // A line well short of the margin before a short number: a paragraph's end.
    assert!(!w(("2023", 200.0), ("15GWh", 0.0, 50.0), 500.0));
}

#[test]
fn pdf_page_numbers_and_numbered_items() {
    let p = pdf::page_number_for_test;
    for yes in [
        "3",
        "- 3 -",
        "— 12 —",
        "第 3 页",
        "第3页 共9页",
        "3 / 9",
        "－ 4 －",
    ] {
        assert!(p(yes), "{yes}");
    }
    for no in ["3.城镇新增就业", "第三条", "2023年", "一、就业"] {
        assert!(!p(no), "{no}");
    }
    let s = pdf::starts_item_for_test;
    for yes in [
        "一、促进就业",
        "（二）城镇",
        "(3)新建",
        "12.改造",
        "3、建设",
        "第五条 ",
        "①新建",
    ] {
        assert!(s(yes), "{yes}");
    }
    for no in ["23万人", "1.5万户", "各县(市、区)", "2023年", "第一批"] {
        assert!(!s(no), "{no}");
    }
    let before = pdf::item_before_for_test;
    assert_eq!(before("二、提升").as_deref(), Some("一、"));
    assert_eq!(before("（十一）加强").as_deref(), Some("（十）"));
    assert_eq!(before("(4)加快").as_deref(), Some("(3)"));
    assert_eq!(before("12.改造").as_deref(), Some("11."));
    assert_eq!(before("三是实施").as_deref(), Some("二是"));
    assert_eq!(before("②新建").as_deref(), Some("①"));
    assert_eq!(before("1.城镇"), None);
    assert_eq!(before("第五条 "), None);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Any bytes: read or refused, never a panic.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = read_document(&bytes, "x");
    }

    /// A real DOCX, XLSX or web page with bytes changed: read or refused, never a panic.
    #[test]
    fn mutated_files_never_panic(
        which in 0usize..3,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..16),
    ) {
        let mut bytes = match which {
            0 => docx_with_numbering(),
            1 => {
                let mut book = rust_xlsxwriter::Workbook::new();
                book.add_worksheet().write_string(0, 0, "序号").unwrap();
                book.save_to_buffer().unwrap()
            }
            _ => GOV_PAGE.as_bytes().to_vec(),
        };
        for (at, b) in edits {
            let i = at.index(bytes.len());
            bytes[i] = b;
        }
        let _ = read_document(&bytes, "x");
    }

    /// A DOCX's parts with arbitrary XML-ish text: never a panic.
    #[test]
    fn docx_with_arbitrary_parts_never_panics(doc in "[<>/wptrcbl:=\"a-z0-9 一、]{0,300}", num in "[<>/wlvnumFtxIdsa:=\"0-9%.]{0,200}") {
        let bytes = zip_of(&[("word/document.xml", doc.as_bytes()), ("word/numbering.xml", num.as_bytes())]);
        let _ = read_document(&bytes, "x.docx");
    }

    /// A PDF with bytes changed, through pdftotext: never a panic.
    #[test]
    fn mutated_pdf_never_panics(edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)) {
        if have_pdftotext() {
            let mut bytes = SCAN.to_vec();
            for (at, b) in edits {
                let i = at.index(bytes.len());
                bytes[i] = b;
            }
            let _ = read_document(&bytes, "x.pdf");
        }
    }
}
