//! `minsheng bulletin`: a plan's 进展通报 for a period written to a file — as DOCX (the GB/T
//! 9704 layout), XLSX (one sheet per annex table) or HTML (the page, printable). It is the
//! same use-case as the pages ([`minsheng_app::bulletin::for_period`]): the issued bulletin of
//! that period if there is one (its frozen figures; the latest, when it was corrected), else
//! its draft, else the figures as they stand — nothing is written to the database.

use crate::config;
use anyhow::Context;
use clap::{Args, ValueEnum};
use minsheng_app::bulletin::{self, BulletinView};
use minsheng_domain::PlanId;
use std::path::{Path, PathBuf};

/// What to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Word, in the 公文 layout (GB/T 9704).
    Docx,
    /// Excel: the overall figures and one sheet per annex table.
    Xlsx,
    /// The bulletin's web page, standalone (its stylesheet inlined).
    Html,
}

/// `minsheng bulletin`.
#[derive(Debug, Args)]
pub struct BulletinArgs {
    #[command(flatten)]
    pub db: config::DbArgs,
    /// 计划编号 / the plan's id
    #[arg(long, value_name = "ID")]
    pub plan: i64,
    /// 期间:2023-09 或 2023年9月 / the period: 2023-09 or 2023年9月
    #[arg(long, value_name = "PERIOD")]
    pub period: String,
    /// 输出格式 / output format
    #[arg(long, value_enum)]
    pub format: Format,
    /// 输出文件 / the file to write
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    pub out: PathBuf,
}

/// `minsheng bulletin`.
pub async fn run(config_file: Option<&Path>, args: &BulletinArgs) -> anyhow::Result<()> {
    let cfg = config::load(config_file, &args.db.db, &None)?;
    let store = crate::report_import::open_existing(&cfg.database_url).await?;
    let thresholds = cfg.thresholds()?;
    let result = async {
        // A demo's invented data stands at one day; anything else is judged as of today.
        let today = if minsheng_app::demo::is_demo(&store).await? {
            minsheng_app::demo::DEMO_AS_OF
        } else {
            minsheng_app::clock::today()
        };
        bulletin::for_period(&store, PlanId(args.plan), &args.period, today, &thresholds).await
    }
    .await;
    store.close().await;
    let view = result?;
    let bytes = render(&view, args.format)?;
    std::fs::write(&args.out, &bytes).with_context(|| {
        format!(
            "写入 {} 失败 / cannot write {}",
            args.out.display(),
            args.out.display()
        )
    })?;
    let what = match &view.bulletin {
        Some(b) => b.name_zh(),
        None => "未保存的通报(按当前数据) / an unsaved rendering of today's figures".into(),
    };
    eprintln!(
        "已写出 {what} → {} ({} 字节) / wrote {} bytes",
        args.out.display(),
        bytes.len(),
        bytes.len()
    );
    Ok(())
}

fn render(view: &BulletinView, format: Format) -> anyhow::Result<Vec<u8>> {
    Ok(match format {
        Format::Docx => minsheng_app::bulletin_docx::write(view).map_err(anyhow::Error::msg)?,
        Format::Xlsx => minsheng_app::bulletin_xlsx::write(view).map_err(anyhow::Error::msg)?,
        Format::Html => minsheng_web::bulletins_html(view).into_bytes(),
    })
}
