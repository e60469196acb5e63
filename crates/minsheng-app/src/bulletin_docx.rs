//! A bulletin as a Word document in the 公文 layout of GB/T 9704-2012, written with docx-rs
//! from a [`BulletinView`] (pure: bytes out, no I/O).
//!
//! - **Page**: A4 (11906 × 16838 twips); 版心 156 × 225 mm: top margin 37 mm, binding-side
//!   (left) 28 mm, so right 26 mm and bottom 35 mm; 22 lines a page (an exact line pitch of
//!   225 mm / 22 ≈ 28.95 pt) of 28 characters of 3号 (16 pt).
//! - **Fonts by name**, in the East-Asian slot (`w:eastAsia`) that a Chinese Office uses for
//!   CJK text: the title in 2号 方正小标宋简体, the body in 3号 仿宋_GB2312, headings 一、 in
//!   黑体 and (一) in 楷体_GB2312; Latin figures in Times New Roman.
//! - **版头**: the issuing office in red 小标宋, the 文号 (or "草稿"), a red rule; the title
//!   two lines below it.
//! - **Page numbers** "— 1 —" in 4号宋体 at the foot, right on odd pages and left on even.
//! - **Annex tables** (附件1…) in a landscape section of their own (wide tables).

use crate::bulletin::{Annex, BulletinView, Cell, Para, annexes, prose_zh};
use docx_rs::{
    AlignmentType, BorderType, Docx, FieldCharType, Footer, InstrPAGE, InstrText, LineSpacing,
    LineSpacingType, PageMargin, PageOrientationType, PageSize, Paragraph, Run, RunFonts, Section,
    SpecialIndentType, Table, TableCell, TableCellBorder, TableCellBorderPosition,
    TableCellBorders, TableLayoutType, TableRow, WidthType,
};

/// A4 portrait, in twips.
pub const A4: (u32, u32) = (11906, 16838);
/// Millimetres to twips.
fn mm(x: f64) -> i32 {
    (x * 1440.0 / 25.4).round() as i32
}

/// The title's font (2号, 22 pt).
pub const TITLE_FONT: &str = "方正小标宋简体";
/// The body's font (3号, 16 pt).
pub const BODY_FONT: &str = "仿宋_GB2312";
/// First-level headings (一、).
pub const H1_FONT: &str = "黑体";
/// Second-level headings ((一)).
pub const H2_FONT: &str = "楷体_GB2312";
/// Page numbers (4号, 14 pt).
pub const PAGE_NO_FONT: &str = "宋体";

/// Half-points: 2号 22 pt, 3号 16 pt, 4号 14 pt, and 10.5 pt for table text.
const SIZE_2: usize = 44;
const SIZE_3: usize = 32;
const SIZE_4: usize = 28;
const SIZE_TABLE: usize = 21;
/// 225 mm / 22 lines, in twips (an exact line pitch).
const LINE: i32 = 580;
const RED: &str = "FF0000";

fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new()
        .east_asia(east_asia)
        .ascii("Times New Roman")
        .hi_ansi("Times New Roman")
}

fn run(text: &str, font: &str, size: usize) -> Run {
    Run::new().add_text(text).fonts(fonts(font)).size(size)
}

fn exact() -> LineSpacing {
    LineSpacing::new()
        .line_rule(LineSpacingType::Exact)
        .line(LINE)
        .before(0)
        .after(0)
}

/// A body paragraph: 3号仿宋, two characters' first-line indent, justified.
fn body(text: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, BODY_FONT, SIZE_3))
        .line_spacing(exact())
        .indent(None, Some(SpecialIndentType::FirstLine(640)), None, None)
        .align(AlignmentType::Both)
}

fn heading(text: &str, font: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, font, SIZE_3))
        .line_spacing(exact())
        .indent(None, Some(SpecialIndentType::FirstLine(640)), None, None)
        .keep_next(true)
}

fn blank() -> Paragraph {
    Paragraph::new()
        .add_run(run("", BODY_FONT, SIZE_3))
        .line_spacing(exact())
}

fn centred(text: &str, font: &str, size: usize) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, font, size))
        .align(AlignmentType::Center)
        .line_spacing(exact())
}

/// "— 1 —": the page number between dashes, 4号宋体, right (odd) or left (even).
fn page_number(align: AlignmentType) -> Footer {
    let page = Run::new()
        .fonts(fonts(PAGE_NO_FONT))
        .size(SIZE_4)
        .add_field_char(FieldCharType::Begin, false)
        .add_instr_text(InstrText::PAGE(InstrPAGE::new()))
        .add_field_char(FieldCharType::Separate, false)
        .add_text("1")
        .add_field_char(FieldCharType::End, false);
    Footer::new().add_paragraph(
        Paragraph::new()
            .align(align)
            .add_run(run("— ", PAGE_NO_FONT, SIZE_4))
            .add_run(page)
            .add_run(run(" —", PAGE_NO_FONT, SIZE_4))
            .indent(Some(280), None, Some(280), None),
    )
}

/// The red rule under the 版头: a one-cell table with only its bottom border, red.
fn red_rule(width: usize) -> Table {
    let none = |p| TableCellBorder::new(p).border_type(BorderType::Nil);
    let borders = TableCellBorders::with_empty()
        .set(none(TableCellBorderPosition::Top))
        .set(none(TableCellBorderPosition::Left))
        .set(none(TableCellBorderPosition::Right))
        .set(
            TableCellBorder::new(TableCellBorderPosition::Bottom)
                .border_type(BorderType::Single)
                .size(12)
                .color(RED),
        );
    Table::without_borders(vec![TableRow::new(vec![
        TableCell::new()
            .width(width, WidthType::Dxa)
            .set_borders(borders)
            .add_paragraph(Paragraph::new().add_run(run("", BODY_FONT, 8))),
    ])])
    .width(width, WidthType::Dxa)
}

fn table_of(annex: &Annex, width: usize) -> Table {
    let total: usize = annex.widths.iter().sum::<usize>().max(1);
    let cols: Vec<usize> = annex.widths.iter().map(|w| width * w / total).collect();
    let cell = |text: String, w: usize, bold: bool, right: bool| {
        let mut r = run(&text, BODY_FONT, SIZE_TABLE);
        if bold {
            r = r.bold();
        }
        TableCell::new()
            .width(w, WidthType::Dxa)
            .add_paragraph(Paragraph::new().add_run(r).align(if right {
                AlignmentType::Right
            } else if bold {
                AlignmentType::Center
            } else {
                AlignmentType::Left
            }))
    };
    let mut rows = vec![TableRow::new(
        annex
            .headers
            .iter()
            .zip(&cols)
            .map(|(h, w)| cell((*h).to_string(), *w, true, false))
            .collect(),
    )];
    for row in &annex.rows {
        rows.push(TableRow::new(
            row.iter()
                .zip(&cols)
                .map(|(c, w)| {
                    let right = matches!(c, Cell::Number(..) | Cell::Percent(_));
                    cell(c.zh(), *w, false, right)
                })
                .collect(),
        ));
    }
    Table::new(rows)
        .set_grid(cols)
        .layout(TableLayoutType::Fixed)
        .width(width, WidthType::Dxa)
}

/// The bulletin as a `.docx` file's bytes.
pub fn write(view: &BulletinView) -> Result<Vec<u8>, String> {
    let b = &view.body;
    let (w, h) = A4;
    // 版心 156 mm wide, 225 mm tall.
    let portrait = PageMargin {
        top: mm(37.0),
        left: mm(28.0),
        right: mm(210.0 - 28.0 - 156.0),
        bottom: mm(297.0 - 37.0 - 225.0),
        header: mm(15.0),
        footer: mm(28.0 - 7.0),
        gutter: 0,
    };
    let text_width = (w as i32 - portrait.left - portrait.right) as usize;

    let mut front = Section::new()
        .page_size(PageSize::new().size(w, h))
        .page_margin(portrait.clone())
        .footer(page_number(AlignmentType::Right))
        .even_footer(page_number(AlignmentType::Left));
    // 版头: the office in red, the 文号, the red rule.
    front = front.add_paragraph(
        Paragraph::new()
            .add_run(
                Run::new()
                    .add_text(crate::bulletin::masthead_zh(b))
                    .fonts(fonts(TITLE_FONT))
                    .size(SIZE_2 + 8)
                    .color(RED),
            )
            .align(AlignmentType::Center)
            .line_spacing(LineSpacing::new().before(0).after(240)),
    );
    let number = match view.bulletin.as_ref() {
        Some(x) => match (x.no, &x.doc_no) {
            (Some(no), Some(d)) => format!("第{no}期  {d}"),
            (Some(no), None) => format!("第{no}期"),
            _ => "(草稿)".to_string(),
        },
        None => "(草稿)".to_string(),
    };
    front = front
        .add_paragraph(centred(&number, BODY_FONT, SIZE_3))
        .add_table(red_rule(text_width))
        .add_paragraph(blank())
        .add_paragraph(blank())
        .add_paragraph(centred(&b.title_zh(), TITLE_FONT, SIZE_2))
        .add_paragraph(blank());
    if let Some(c) = &view.corrects {
        front = front.add_paragraph(body(&format!(
            "本期通报更正{},原通报同时作废。",
            c.name_zh()
        )));
    }
    for p in view
        .opening()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        front = front.add_paragraph(body(p));
    }
    for p in prose_zh(b) {
        front = front.add_paragraph(match p {
            Para::H1(t) => heading(&t, H1_FONT),
            Para::H2(t) => heading(&t, H2_FONT),
            Para::Text(t) => body(&t),
        });
    }
    for p in view
        .closing()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        front = front.add_paragraph(body(p));
    }
    let annexes = annexes(b);
    front = front.add_paragraph(blank());
    for (i, a) in annexes.iter().enumerate() {
        let text = format!("{}.{}", i + 1, a.title);
        let p = if i == 0 {
            Paragraph::new()
                .add_run(run("附件:", BODY_FONT, SIZE_3))
                .add_run(run(&text, BODY_FONT, SIZE_3))
                .indent(Some(640), None, None, None)
        } else {
            Paragraph::new()
                .add_run(run(&text, BODY_FONT, SIZE_3))
                .indent(Some(640 + 960), None, None, None)
        };
        front = front.add_paragraph(p.line_spacing(exact()));
    }
    front = front
        .add_paragraph(blank())
        .add_paragraph(
            Paragraph::new()
                .add_run(run(&b.office, BODY_FONT, SIZE_3))
                .align(AlignmentType::Right)
                .indent(None, None, Some(1280), None)
                .line_spacing(exact()),
        )
        .add_paragraph(
            Paragraph::new()
                .add_run(run(&b.as_of_zh(), BODY_FONT, SIZE_3))
                .align(AlignmentType::Right)
                .indent(None, None, Some(1280), None)
                .line_spacing(exact()),
        );

    // The annexes, landscape: the binding side is now the top.
    let landscape = PageMargin {
        top: mm(28.0),
        bottom: mm(26.0),
        left: mm(37.0),
        right: mm(35.0),
        header: mm(15.0),
        footer: mm(15.0),
        gutter: 0,
    };
    let wide = (h as i32 - landscape.left - landscape.right) as usize;
    let mut doc = Docx::new()
        .add_section(front)
        .page_size(h, w)
        .page_orient(PageOrientationType::Landscape)
        .page_margin(landscape)
        .footer(page_number(AlignmentType::Right))
        .even_footer(page_number(AlignmentType::Left))
        .default_fonts(fonts(BODY_FONT))
        .default_size(SIZE_3);
    for (i, a) in annexes.iter().enumerate() {
        let label = Paragraph::new()
            .add_run(run(&a.label, H1_FONT, SIZE_3))
            .page_break_before(i > 0);
        doc = doc
            .add_paragraph(label)
            .add_paragraph(centred(&a.title, TITLE_FONT, SIZE_2 - 8))
            .add_table(table_of(a, wide));
        if a.rows.is_empty() {
            doc = doc.add_paragraph(centred("(无)", BODY_FONT, SIZE_TABLE));
        }
    }
    let mut out = std::io::Cursor::new(Vec::new());
    doc.build()
        .pack(&mut out)
        .map_err(|e| format!("DOCX: {e}"))?;
    Ok(out.into_inner())
}
