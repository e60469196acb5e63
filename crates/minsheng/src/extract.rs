//! `minsheng extract`: read a plan document — plain text, Word (.docx), PDF, a web page,
//! a spreadsheet or CSV, told apart by content ([`minsheng_app::intake::read_document`]) —
//! and print what it commits to.

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use minsheng_extract::{extract, gold, render_table, score};
use std::path::{Path, PathBuf};

/// How to print the extraction.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    /// The corpus schema (SCHEMA.md): what a scorer reads.
    Json,
    /// One line per target, then the diagnostics: for people.
    Table,
}

/// Arguments of `minsheng extract`.
#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// 计划文件:纯文本、Word(.docx)、PDF、网页、表格(.xlsx/.xls/.ods/.csv) / the plan
    /// document: plain text, Word (.docx), PDF, a web page, a spreadsheet or CSV
    pub file: PathBuf,
    /// 只输出读取到的文字,不做识别 / print the text read from the file, without extracting
    #[arg(long, conflicts_with_all = ["score"])]
    pub text: bool,
    /// 输出格式 / output format
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// 与人工标注答案比对并打分 / score against a hand-checked answer (a *.gold.json)
    #[arg(long, value_name = "GOLD.json")]
    pub score: Option<PathBuf>,
}

fn read_text(path: &Path) -> anyhow::Result<String> {
    let bytes = std::fs::read(path).map_err(|e| {
        anyhow::anyhow!(
            "无法读取文件 {}:{e} / cannot read {}",
            path.display(),
            path.display()
        )
    })?;
    match String::from_utf8(bytes) {
        Ok(s) => Ok(s.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(s)),
        Err(e) => bail!(
            "文件 {} 不是 UTF-8 文本(第 {} 字节起),请先转换编码(如 GBK → UTF-8) / {} is not UTF-8 (from byte {}); convert it first",
            path.display(),
            e.utf8_error().valid_up_to(),
            path.display(),
            e.utf8_error().valid_up_to()
        ),
    }
}

/// The plan document read by its content, whatever its format.
fn read_document(path: &Path) -> anyhow::Result<String> {
    let bytes = std::fs::read(path).map_err(|e| {
        anyhow::anyhow!(
            "无法读取文件 {}:{e} / cannot read {}",
            path.display(),
            path.display()
        )
    })?;
    let name = path.to_string_lossy();
    match minsheng_app::intake::read_document(&bytes, &name) {
        Ok(doc) => Ok(doc.text),
        Err(e) => bail!(
            "{}:{} / {}: {}",
            path.display(),
            e.zh(),
            path.display(),
            e.en()
        ),
    }
}

/// Runs the command.
pub fn run(args: &ExtractArgs) -> anyhow::Result<()> {
    let text = read_document(&args.file)?;
    if args.text {
        print!("{text}");
        if !text.ends_with('\n') {
            println!();
        }
        return Ok(());
    }
    let extraction = extract(&text);
    let source = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if let Some(gold_path) = &args.score {
        let gold_text = read_text(gold_path)?;
        let gold: gold::Document = serde_json::from_str(&gold_text).with_context(|| {
            format!(
                "{} 不是有效的标注文件 / is not a valid gold file",
                gold_path.display()
            )
        })?;
        let got = gold::Document::from_extraction(&extraction, &source);
        println!("{}", score::score(&gold, &got));
        return Ok(());
    }
    match args.format {
        Format::Json => {
            let doc = gold::Document::from_extraction(&extraction, &source);
            println!(
                "{}",
                serde_json::to_string_pretty(&doc).context("serialising the extraction")?
            );
        }
        Format::Table => print!("{}", render_table(&extraction)),
    }
    Ok(())
}
