//! `minsheng report import`: a unit's (or the office's) batch of reports from a CSV or
//! spreadsheet file, filed all or nothing.
//!
//! **All or nothing.** Every row is read and checked first — its cells, then the rules of
//! [`minsheng_app::reporting::file_report`] against the database — and every problem is
//! named by row, column and reason. Only a file without problems is written, and it is
//! written in **one** transaction: each row's report-state rules (an accepted period is
//! locked, a filed one is awaiting review, a cumulative value may not fall below the last
//! accepted one without a correction) are checked again inside that transaction against
//! exactly what it is about to change, so a refusal at row 900 — or a failure of the
//! database — rolls back rows 1 to 899 too.
//!
//! The rules are the app's: [`minsheng_app::reporting::file_reports`] runs every row
//! through them in one transaction and names each refused row; this module reads the file,
//! and turns a refused row's field back into the file's own column name.

use crate::config;
use anyhow::{anyhow, bail};
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget};
use minsheng_app::AppError;
use minsheng_app::reporting::{self, FileAs, ReportInput};
use minsheng_domain::{Actor, AssignmentId, OrgUnit, Period, Stage, UnitTree};
use minsheng_store::{OpenMode, Store, StoreError, redact_url};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// `minsheng report …`.
#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// 批量导入报告(CSV 或 Excel);全部校验通过才写入,一次写入全部 / import a batch of
    /// reports from CSV or Excel: every row is checked first, then all are written in one
    /// transaction, or none
    Import(ImportArgs),
}

/// `minsheng report import FILE`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// 报告文件:.csv(UTF-8)或 .xlsx/.xlsm/.xls/.xlsb/.ods(读第一个工作表) / the reports:
    /// .csv (UTF-8) or a spreadsheet (its first sheet)
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    #[command(flatten)]
    pub db: config::DbArgs,
    /// 以哪个单位的名义报送:单位名称、代码或编号(默认:唯一的顶级单位,即办公室) / the unit
    /// filing: its name, code or id (default: the one top-level unit, the office)
    #[arg(long = "as", value_name = "UNIT")]
    pub as_unit: Option<String>,
    /// 报送审核(默认只保存为草稿) / file the reports for review (default: keep them as drafts)
    #[arg(long)]
    pub submit: bool,
}

/// The columns a file may have. Each is recognised by its Chinese or English name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Col {
    Assignment,
    Period,
    Value,
    Unit,
    Funds,
    Narrative,
    Stage,
    Correction,
}

impl Col {
    const ALL: [Col; 8] = [
        Col::Assignment,
        Col::Period,
        Col::Value,
        Col::Unit,
        Col::Funds,
        Col::Narrative,
        Col::Stage,
        Col::Correction,
    ];

    /// Accepted header names, normalised (see [`normalise_header`]).
    fn names(self) -> &'static [&'static str] {
        match self {
            Col::Assignment => &[
                "任务分工id",
                "任务分工编号",
                "任务分工",
                "assignment_id",
                "assignment",
            ],
            Col::Period => &["期间", "报告期", "报告期间", "period"],
            Col::Value => &[
                "累计完成值",
                "完成值",
                "累计值",
                "value",
                "cumulative_value",
                "cumulative",
            ],
            Col::Unit => &["单位", "计量单位", "unit", "value_unit"],
            Col::Funds => &[
                "资金",
                "资金(元)",
                "已投入资金",
                "已投入资金(元)",
                "funds_spent",
                "funds",
            ],
            Col::Narrative => &["进展情况", "进展", "narrative"],
            Col::Stage => &["阶段", "进展阶段", "stage"],
            Col::Correction => &["更正说明", "correction"],
        }
    }

    /// How the column is named in a message when the file does not have it.
    fn label(self) -> &'static str {
        match self {
            Col::Assignment => "任务分工ID/assignment_id",
            Col::Period => "期间/period",
            Col::Value => "累计完成值/value",
            Col::Unit => "单位/unit",
            Col::Funds => "资金/funds_spent",
            Col::Narrative => "进展情况/narrative",
            Col::Stage => "阶段/stage",
            Col::Correction => "更正说明/correction",
        }
    }

    fn of_header(h: &str) -> Option<Col> {
        let h = normalise_header(h);
        Col::ALL
            .into_iter()
            .find(|c| c.names().contains(&h.as_str()))
    }
}

/// Trimmed, without spaces or a BOM, ASCII lower-cased, full-width brackets folded.
fn normalise_header(h: &str) -> String {
    h.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{feff}')
        .map(|c| match c {
            '(' => '(',
            ')' => ')',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// One cell as read from the file.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Text(String),
    /// A spreadsheet date (Excel turns a typed 2023-06 into 2023-06-01).
    Date(jiff::civil::Date),
    /// A spreadsheet error value (#DIV/0!, #N/A, …).
    Error(String),
}

impl Cell {
    fn is_blank(&self) -> bool {
        matches!(self, Cell::Text(t) if t.is_empty())
    }
}

/// A file's non-blank rows, each with its row number as the person sees it (the header
/// is usually row 1).
type Sheet = Vec<(usize, Vec<Cell>)>;

/// One problem in the file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct RowError {
    row: usize,
    column: String,
    reason: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "第 {} 行「{}」列:{}", self.row, self.column, self.reason)
    }
}

/// A row that parsed, with the report it asks to file.
#[derive(Debug, Clone)]
struct Row {
    line: usize,
    input: ReportInput,
}

/// The header as found: which column is where, and what the file calls it.
#[derive(Debug, Default)]
struct Header {
    index: BTreeMap<Col, usize>,
    names: HashMap<Col, String>,
}

impl Header {
    fn name(&self, c: Col) -> String {
        match self.names.get(&c) {
            Some(n) if normalise_header(n) == c.names()[0] => n.clone(),
            Some(n) => format!("{n}({})", c.label()),
            None => c.label().to_string(),
        }
    }
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Summary {
    rows: usize,
    created: usize,
    drafts_updated: usize,
}

/// `minsheng report import`.
pub async fn run(config_file: Option<&Path>, args: &ImportArgs) -> anyhow::Result<()> {
    let file_as = if args.submit {
        FileAs::Submitted
    } else {
        FileAs::Draft
    };
    let source = args.file.display().to_string();
    // The file is read whole before the database is opened: a file that cannot be read
    // changes nothing and needs no database.
    let sheet = read_sheet(&args.file)?;
    let (header, rows, mut errors) = parse_sheet(&sheet, &source)?;

    let cfg = config::load(config_file, &args.db.db, &None)?;
    let store = open_existing(&cfg.database_url).await?;
    let result = import(&store, args, file_as, &source, &header, &rows, &mut errors).await;
    store.close().await;
    let summary = result?;

    let how = match file_as {
        FileAs::Submitted => "报送审核 / filed for review",
        FileAs::Draft => "保存为草稿 / kept as drafts",
    };
    println!(
        "已导入 {source}:读取 {} 行,写入 {} 份报告({how}),其中新建 {} 份、更新草稿 {} 份 / imported {source}: {} rows read, {} reports written, {} new, {} drafts updated",
        summary.rows,
        summary.created + summary.drafts_updated,
        summary.created,
        summary.drafts_updated,
        summary.rows,
        summary.created + summary.drafts_updated,
        summary.created,
        summary.drafts_updated,
    );
    Ok(())
}

async fn import(
    store: &Store,
    args: &ImportArgs,
    file_as: FileAs,
    source: &str,
    header: &Header,
    rows: &[Row],
    errors: &mut Vec<RowError>,
) -> anyhow::Result<Summary> {
    let tree = store.unit_tree().await?;
    let unit = acting_unit(&tree, args.as_unit.as_deref())?;
    if rows.is_empty() && errors.is_empty() {
        bail!(
            "{source} 中没有报告行,未导入任何数据 / {source} has no report rows; nothing imported"
        );
    }
    let actor = Actor::new(format!("cli:{}", unit.name));
    let batch: Vec<(usize, ReportInput)> = rows.iter().map(|r| (r.line, r.input.clone())).collect();
    let named = |refused: Vec<minsheng_app::RowRefusal>| {
        refused.into_iter().map(|r| RowError {
            row: r.line,
            column: header.name(column_of(&r.field)),
            reason: r.reason,
        })
    };
    let bar = spinner("校验并写入 / checking and writing");
    // With unreadable cells the file is refused anyway; the readable rows are still checked
    // against the rules, so that every problem is named at once.
    let result = if errors.is_empty() {
        reporting::file_reports(store, &actor, unit.id, &batch, file_as).await
    } else {
        match reporting::check_reports(store, &actor, unit.id, &batch, file_as).await {
            Ok(refused) => Err(AppError::Rows(refused)),
            Err(e) => Err(e),
        }
    };
    bar.finish_and_clear();
    match result {
        Ok(filed) => Ok(Summary {
            rows: rows.len(),
            created: filed.iter().filter(|f| !f.updated_draft).count(),
            drafts_updated: filed.iter().filter(|f| f.updated_draft).count(),
        }),
        Err(AppError::Rows(refused)) => {
            errors.extend(named(refused));
            errors.sort();
            bail!(refusal(source, errors))
        }
        Err(e) => Err(e.into()),
    }
}

/// The file's column for a field the app names in a refusal.
fn column_of(field: &str) -> Col {
    match field {
        "assignment" => Col::Assignment,
        "period" | "status" => Col::Period,
        "unit" => Col::Unit,
        "funds_spent" => Col::Funds,
        "stage" => Col::Stage,
        "correction" => Col::Correction,
        _ => Col::Value,
    }
}

/// The message for a refused file: how many problems, the first 20, nothing imported.
fn refusal(source: &str, errors: &[RowError]) -> String {
    const SHOWN: usize = 20;
    let mut msg = format!(
        "{source} 有 {} 处错误,未导入任何数据 / {} problems in {source}; nothing imported:",
        errors.len(),
        errors.len()
    );
    for e in errors.iter().take(SHOWN) {
        msg.push_str("\n  ");
        msg.push_str(&e.to_string());
    }
    if errors.len() > SHOWN {
        let more = errors.len() - SHOWN;
        msg.push_str(&format!("\n  ……另有 {more} 处 / and {more} more"));
    }
    msg
}

/// A progress bar on stderr, drawn only when stderr is a terminal.
fn spinner(msg: &'static str) -> ProgressBar {
    if !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner().with_message(msg);
    bar.set_draw_target(ProgressDrawTarget::stderr());
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

/// Opens a database that must already exist at this build's schema: an import never
/// creates or migrates one.
pub async fn open_existing(url: &str) -> anyhow::Result<Store> {
    let store = Store::open(url, OpenMode::MustExist)
        .await
        .map_err(|e| match e {
            StoreError::Missing { .. } => anyhow!(
                "数据库 {} 不存在;请先运行 minsheng migrate 或用 --db 指定 / the database {} does not exist: run minsheng migrate first or name one with --db",
                redact_url(url),
                redact_url(url)
            ),
            e => e.into(),
        })?;
    if let Err(e) = store.check_schema().await {
        store.close().await;
        return Err(e.into());
    }
    Ok(store)
}

/// The unit the batch is filed as: `--as` by id, code or name, else the single top-level
/// unit (the office that owns the plans).
fn acting_unit<'t>(tree: &'t UnitTree, as_unit: Option<&str>) -> anyhow::Result<&'t OrgUnit> {
    match as_unit.map(str::trim) {
        Some(key) => tree
            .units()
            .iter()
            .find(|u| u.name == key || u.code.as_deref() == Some(key))
            .or_else(|| {
                key.parse::<i64>()
                    .ok()
                    .and_then(|id| tree.units().iter().find(|u| u.id.0 == id))
            })
            .ok_or_else(|| {
                anyhow!(
                    "--as:没有名称、代码或编号为“{key}”的单位 / --as: no unit is named, coded or numbered '{key}'"
                )
            }),
        None => {
            let roots: Vec<&OrgUnit> = tree.units().iter().filter(|u| u.parent.is_none()).collect();
            match roots.as_slice() {
                [one] => Ok(one),
                [] => bail!("数据库中没有任何单位 / the database holds no units"),
                _ => bail!(
                    "数据库中有多个顶级单位,请用 --as 指定以哪个单位报送 / the database has several top-level units: name the filing unit with --as"
                ),
            }
        }
    }
}

// ---- reading the file ---------------------------------------------------------------------

fn read_sheet(path: &Path) -> anyhow::Result<Sheet> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("csv") => read_csv(path),
        Some("xlsx" | "xlsm" | "xls" | "xlsb" | "ods") => read_workbook(path),
        _ => bail!(
            "无法识别文件类型 {}:请使用 .csv、.xlsx 或 .xls / unrecognised file type {}: use .csv, .xlsx or .xls",
            path.display(),
            path.display()
        ),
    }
}

fn read_csv(path: &Path) -> anyhow::Result<Sheet> {
    let bytes = std::fs::read(path).map_err(|e| {
        anyhow!(
            "无法读取文件 {}:{e} / cannot read {}",
            path.display(),
            path.display()
        )
    })?;
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    if let Err(e) = std::str::from_utf8(text) {
        let line = 1 + text[..e.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        bail!(
            "{} 第 {line} 行不是 UTF-8 编码(可能是 GBK):请在 Excel 中另存为“CSV UTF-8”,或直接导入 .xlsx / line {line} of {} is not UTF-8 (GBK?): save it as CSV UTF-8, or import the .xlsx",
            path.display(),
            path.display()
        );
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text);
    let mut sheet = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            anyhow!(
                "{} 无法按 CSV 读取:{e} / {} is not readable as CSV",
                path.display(),
                path.display()
            )
        })?;
        let line = record
            .position()
            .map_or(sheet.len() + 1, |p| p.line() as usize);
        let cells: Vec<Cell> = record
            .iter()
            .map(|s| Cell::Text(s.trim().to_string()))
            .collect();
        if !cells.iter().all(Cell::is_blank) {
            sheet.push((line, cells));
        }
    }
    Ok(sheet)
}

fn read_workbook(path: &Path) -> anyhow::Result<Sheet> {
    use calamine::{Data, Reader};
    let unreadable = |e: &dyn fmt::Display| {
        anyhow!(
            "无法读取表格文件 {}:{e} / cannot read the spreadsheet {}",
            path.display(),
            path.display()
        )
    };
    let mut book = calamine::open_workbook_auto(path).map_err(|e| unreadable(&e))?;
    let range = match book.worksheet_range_at(0) {
        Some(r) => r.map_err(|e| unreadable(&e))?,
        None => bail!(
            "表格文件 {} 中没有工作表 / {} has no sheets",
            path.display(),
            path.display()
        ),
    };
    let first_row = range.start().map_or(0, |(r, _)| r as usize);
    let mut sheet = Vec::new();
    for (i, row) in range.rows().enumerate() {
        let cells: Vec<Cell> = row
            .iter()
            .map(|d| match d {
                Data::Empty => Cell::Text(String::new()),
                Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
                    Cell::Text(s.trim().to_string())
                }
                Data::Int(i) => Cell::Text(i.to_string()),
                // Rust writes the shortest text that reads back as the same f64: what was
                // typed (0.1, not 0.1000000000000000055…).
                Data::Float(f) => Cell::Text(f.to_string()),
                Data::Bool(b) => Cell::Text(b.to_string()),
                Data::DateTime(dt) if dt.is_datetime() => {
                    let (y, m, d, ..) = dt.to_ymd_hms_milli();
                    match jiff::civil::Date::new(y as i16, m as i8, d as i8) {
                        Ok(date) => Cell::Date(date),
                        Err(_) => Cell::Error(format!("{y}-{m}-{d}")),
                    }
                }
                Data::DateTime(dt) => Cell::Text(dt.as_f64().to_string()),
                Data::Error(e) => Cell::Error(e.to_string()),
            })
            .collect();
        if !cells.iter().all(Cell::is_blank) {
            sheet.push((first_row + i + 1, cells));
        }
    }
    Ok(sheet)
}

// ---- parsing the rows ----------------------------------------------------------------------

/// Reads the header and every row. Problems with the header end the import at once; problems
/// with a row are collected, and the row left out of the database checks.
fn parse_sheet(sheet: &Sheet, source: &str) -> anyhow::Result<(Header, Vec<Row>, Vec<RowError>)> {
    let Some((header_line, header_cells)) = sheet.first() else {
        bail!("{source} 是空的 / {source} is empty");
    };
    let mut header = Header::default();
    let mut problems = Vec::new();
    for (i, cell) in header_cells.iter().enumerate() {
        let text = match cell {
            Cell::Text(t) => t.as_str(),
            _ => "",
        };
        if text.is_empty() {
            continue;
        }
        match Col::of_header(text) {
            Some(col) => {
                if let Some(prev) = header.names.get(&col) {
                    problems.push(format!(
                        "“{text}”与“{prev}”是同一列 / '{text}' and '{prev}' name the same column"
                    ));
                } else {
                    header.index.insert(col, i);
                    header.names.insert(col, text.to_string());
                }
            }
            None => problems.push(format!("无法识别的列名“{text}” / unknown column '{text}'")),
        }
    }
    for required in [Col::Assignment, Col::Period] {
        if !header.index.contains_key(&required) {
            problems.push(format!(
                "缺少“{}”列 / the '{}' column is missing",
                required.label(),
                required.label()
            ));
        }
    }
    if !header.index.contains_key(&Col::Value) && !header.index.contains_key(&Col::Stage) {
        problems.push(
            "须有“累计完成值/value”或“阶段/stage”列 / a 'value' or a 'stage' column is needed"
                .to_string(),
        );
    }
    if !problems.is_empty() {
        let accepted: Vec<String> = Col::ALL.iter().map(|c| c.names().join("、")).collect();
        bail!(
            "{source} 第 {header_line} 行(表头)有误,未导入任何数据 / the header (row {header_line}) of {source} is wrong; nothing imported:\n  {}\n可用的列名 / accepted column names:\n  {}",
            problems.join("\n  "),
            accepted.join("\n  ")
        );
    }

    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (line, cells) in &sheet[1..] {
        match parse_row(&header, *line, cells) {
            Ok(input) => rows.push(Row { line: *line, input }),
            Err(mut errs) => errors.append(&mut errs),
        }
    }
    Ok((header, rows, errors))
}

/// Reads one row's cells, collecting a [`RowError`] for each bad one.
struct RowReader<'a> {
    header: &'a Header,
    cells: &'a [Cell],
    line: usize,
    errors: Vec<RowError>,
}

impl RowReader<'_> {
    fn cell(&self, c: Col) -> Option<&Cell> {
        self.header.index.get(&c).and_then(|i| self.cells.get(*i))
    }

    fn fail(&mut self, c: Col, reason: String) {
        self.errors.push(RowError {
            row: self.line,
            column: self.header.name(c),
            reason,
        });
    }

    /// The cell's text; `None` when it is empty, or wrong (recorded).
    fn text(&mut self, c: Col) -> Option<String> {
        match self.cell(c).cloned() {
            None => None,
            Some(Cell::Text(t)) if t.is_empty() => None,
            Some(Cell::Text(t)) => Some(t),
            Some(Cell::Date(d)) => {
                self.fail(
                    c,
                    format!(
                        "应为文字或数值,不是日期 {d} / expected text or a number, not the date {d}"
                    ),
                );
                None
            }
            Some(Cell::Error(e)) => {
                self.fail(
                    c,
                    format!("单元格是错误值 {e} / the cell holds the error {e}"),
                );
                None
            }
        }
    }

    /// A required cell's text.
    fn required(&mut self, c: Col) -> Option<String> {
        let blank = matches!(self.cell(c), None | Some(Cell::Text(_)));
        let t = self.text(c);
        if t.is_none() && blank {
            self.fail(c, "不能为空 / is empty".into());
        }
        t
    }

    fn number(&mut self, c: Col) -> Option<Decimal> {
        let t = self.text(c)?;
        let cleaned: String = t
            .chars()
            .filter(|ch| !matches!(ch, ',' | '\u{ff0c}' | ' '))
            .collect();
        match Decimal::from_str(&cleaned).or_else(|_| Decimal::from_scientific(&cleaned)) {
            Ok(v) => Some(v.normalize()),
            Err(_) => {
                self.fail(c, format!("“{t}”不是数值 / '{t}' is not a number"));
                None
            }
        }
    }
}

fn parse_row(header: &Header, line: usize, cells: &[Cell]) -> Result<ReportInput, Vec<RowError>> {
    let mut r = RowReader {
        header,
        cells,
        line,
        errors: Vec::new(),
    };
    let assignment = r.required(Col::Assignment).and_then(|t| match t.parse::<i64>() {
        Ok(id) if id > 0 => Some(AssignmentId(id)),
        _ => {
            r.fail(
                Col::Assignment,
                format!("“{t}”不是任务分工编号(正整数) / '{t}' is not an assignment id (a positive whole number)"),
            );
            None
        }
    });
    let period = match r.cell(Col::Period) {
        Some(Cell::Date(d)) => Some(Period::month_of(*d)),
        _ => r
            .required(Col::Period)
            .and_then(|t| match Period::parse(&t) {
                Ok(p) => Some(p),
                Err(e) => {
                    r.fail(Col::Period, e.to_string());
                    None
                }
            }),
    };
    let value = r.number(Col::Value);
    let funds_spent = r.number(Col::Funds);
    let value_unit = r.text(Col::Unit);
    let narrative = r.text(Col::Narrative).unwrap_or_default();
    let correction = r.text(Col::Correction);
    let stage = r.text(Col::Stage).and_then(|t| match parse_stage(&t) {
        Some(s) => Some(s),
        None => {
            r.fail(
                Col::Stage,
                format!("“{t}”不是阶段(未启动、推进中、已完成) / '{t}' is not a stage (not_started, in_progress, done)"),
            );
            None
        }
    });
    match (assignment, period, r.errors.is_empty()) {
        (Some(assignment), Some(period), true) => Ok(ReportInput {
            assignment,
            period,
            value,
            value_unit,
            stage,
            funds_spent,
            narrative,
            correction,
        }),
        _ => Err(r.errors),
    }
}

fn parse_stage(t: &str) -> Option<Stage> {
    let code = t.trim().to_ascii_lowercase().replace([' ', '-'], "_");
    Stage::from_code(&code).or_else(|| {
        [Stage::NotStarted, Stage::InProgress, Stage::Done]
            .into_iter()
            .find(|s| s.label_zh() == t.trim())
    })
}

// ---- the rules -----------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(rows: &[&[&str]]) -> Sheet {
        rows.iter()
            .enumerate()
            .map(|(i, r)| (i + 1, r.iter().map(|c| Cell::Text(c.to_string())).collect()))
            .collect()
    }

    #[test]
    fn headers_in_either_language() {
        assert_eq!(Col::of_header("任务分工ID"), Some(Col::Assignment));
        assert_eq!(Col::of_header(" Assignment_ID "), Some(Col::Assignment));
        assert_eq!(Col::of_header("资金(元)"), Some(Col::Funds));
        assert_eq!(Col::of_header("\u{feff}期间"), Some(Col::Period));
        assert_eq!(Col::of_header("备注"), None);
    }

    #[test]
    fn every_bad_cell_is_named_with_its_row_and_column() {
        let s = sheet(&[
            &["任务分工ID", "期间", "累计完成值", "阶段"],
            &["1", "2023年6月", "1,200", "推进中"],
            &["x", "2023-13", "many", "快完成了"],
            &["2", "", "", "done"],
        ]);
        let (_, rows, errors) = parse_sheet(&s, "f.csv").unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].input.value, Some(Decimal::from(1200)));
        assert_eq!(rows[0].input.stage, Some(Stage::InProgress));
        let got: Vec<(usize, &str)> = errors.iter().map(|e| (e.row, e.column.as_str())).collect();
        assert_eq!(
            got,
            [
                (3, "任务分工ID"),
                (3, "期间"),
                (3, "累计完成值"),
                (3, "阶段"),
                (4, "期间")
            ]
        );
    }

    #[test]
    fn a_bad_header_is_refused_with_the_accepted_names() {
        let s = sheet(&[&["任务分工ID", "期间", "完成数"], &["1", "2023-06", "3"]]);
        let err = parse_sheet(&s, "f.csv").unwrap_err().to_string();
        assert!(err.contains("无法识别的列名“完成数”"), "{err}");
        assert!(err.contains("累计完成值"), "{err}");
    }

    #[test]
    fn a_spreadsheet_date_is_its_month() {
        let s: Sheet = vec![
            (
                1,
                vec![
                    Cell::Text("assignment_id".into()),
                    Cell::Text("period".into()),
                    Cell::Text("value".into()),
                ],
            ),
            (
                2,
                vec![
                    Cell::Text("3".into()),
                    Cell::Date(jiff::civil::date(2023, 6, 1)),
                    Cell::Date(jiff::civil::date(2023, 6, 1)),
                ],
            ),
        ];
        let (_, rows, errors) = parse_sheet(&s, "f.xlsx").unwrap();
        assert!(rows.is_empty());
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].reason.contains("不是日期"));
        assert_eq!(errors[0].column, "value(累计完成值/value)");
    }
}
