//! `minsheng assess`: a plan's assessment (考核) for a year — the ranking and every unit's
//! breakdown — as text (to standard output by default), XLSX or HTML. It is the same
//! use-case as the pages ([`minsheng_app::scoring::for_year`]): the scores kept at sign-off,
//! or, for a draft, computed now from the issued bulletins, the rules and the entries —
//! nothing is written to the database.

use crate::config;
use anyhow::Context;
use clap::{Args, ValueEnum};
use minsheng_app::scoring::{self, AssessmentView};
use minsheng_domain::PlanId;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// What to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Plain text: the ranking, then each unit's lines.
    Text,
    /// Excel: the ranking, the per-line breakdown, the monthly scores.
    Xlsx,
    /// The ranking page, standalone.
    Html,
}

/// `minsheng assess`.
#[derive(Debug, Args)]
pub struct AssessArgs {
    #[command(flatten)]
    pub db: config::DbArgs,
    /// 计划编号 / the plan's id
    #[arg(long, value_name = "ID")]
    pub plan: i64,
    /// 考核年度 / the year assessed
    #[arg(long, value_name = "YEAR")]
    pub year: i16,
    /// 输出格式 / output format
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// 输出文件(文本格式默认输出到屏幕) / the file to write (text goes to standard output by default)
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// `minsheng assess`.
pub async fn run(config_file: Option<&Path>, args: &AssessArgs) -> anyhow::Result<()> {
    let cfg = config::load(config_file, &args.db.db, &None)?;
    let store = crate::report_import::open_existing(&cfg.database_url).await?;
    let result = scoring::for_year(&store, PlanId(args.plan), args.year).await;
    store.close().await;
    let view = result?;
    let bytes = render(&view, args.format)?;
    match &args.out {
        Some(out) => {
            std::fs::write(out, &bytes).with_context(|| {
                format!(
                    "写入 {} 失败 / cannot write {}",
                    out.display(),
                    out.display()
                )
            })?;
            eprintln!(
                "已写出 {}年度考核({}) → {} ({} 字节) / wrote {} bytes",
                view.year,
                view.status().label_zh(),
                out.display(),
                bytes.len(),
                bytes.len()
            );
        }
        None if args.format == Format::Text => {
            std::io::stdout().write_all(&bytes)?;
        }
        None => anyhow::bail!("XLSX 与 HTML 须用 -o 指定输出文件 / XLSX and HTML need -o FILE"),
    }
    Ok(())
}

fn render(view: &AssessmentView, format: Format) -> anyhow::Result<Vec<u8>> {
    Ok(match format {
        Format::Text => scoring::text(view).into_bytes(),
        Format::Xlsx => minsheng_app::scoring_xlsx::write(view).map_err(anyhow::Error::msg)?,
        Format::Html => minsheng_web::assessment_html(view).into_bytes(),
    })
}
