//! `minsheng export`: a published plan's open data — CSV, JSON, XLSX, the Atom feed or IATI
//! activity XML — written to a file or to standard output. The same function writes each
//! format as the public routes (`/public/plans/{id}.csv` …): [`open_data::Format::write`] over
//! [`open_data::gather`], which reads through the public portal. A plan that is not published
//! is refused, naming it: open data is what the public may see, and the public does not see
//! it (the office's own figures of any plan are `minsheng status --format csv`).

use crate::config;
use anyhow::Context;
use clap::{Args, ValueEnum};
use minsheng_app::AppError;
use minsheng_app::open_data::{self, Format};
use minsheng_domain::{PlanId, PlanStatus};
use std::io::Write;
use std::path::{Path, PathBuf};

/// What to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// CSV (UTF-8 with BOM, RFC 4180): one row per month × target, and per region.
    Csv,
    /// JSON: the plan, every commitment with its progress by month and region, the bulletins.
    Json,
    /// Excel: the CSV's table, numbers as numbers.
    Xlsx,
    /// Atom 1.0: status changes and public bulletins.
    Atom,
    /// IATI activity XML 2.03.
    Iati,
}

impl ExportFormat {
    fn format(self) -> Format {
        match self {
            ExportFormat::Csv => Format::Csv,
            ExportFormat::Json => Format::Json,
            ExportFormat::Xlsx => Format::Xlsx,
            ExportFormat::Atom => Format::Atom,
            ExportFormat::Iati => Format::Iati,
        }
    }
}

/// `minsheng export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub db: config::DbArgs,
    /// 计划编号(须已发布) / the plan's id (published)
    #[arg(long, value_name = "ID")]
    pub plan: i64,
    /// 输出格式 / output format
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// 输出文件(默认写到标准输出) / the file to write (default: standard output)
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// `minsheng export`.
pub async fn run(config_file: Option<&Path>, args: &ExportArgs) -> anyhow::Result<()> {
    let cfg = config::load(config_file, &args.db.db, &None)?;
    let store = crate::report_import::open_existing(&cfg.database_url).await?;
    let thresholds = cfg.thresholds()?;
    let id = PlanId(args.plan);
    let result = async {
        // A demo's invented data stands at one day; anything else is judged as of today.
        let today = if minsheng_app::demo::is_demo(&store).await? {
            minsheng_app::demo::DEMO_AS_OF
        } else {
            minsheng_app::clock::today()
        };
        match open_data::gather(&store, id, today, &thresholds).await {
            // Say why, when the plan exists: the portal answers "not found" to the public.
            Err(AppError::NotFound { what: "plan", .. }) => match store.plan(id).await {
                Ok(p) if p.status != PlanStatus::Published => Err(anyhow::anyhow!(
                    "计划 {id}《{}》未发布({}):开放数据只导出已发布的计划 / plan {id} is not \
                     published ({}): open data is exported for published plans only",
                    p.title,
                    p.status.label_zh(),
                    p.status.code()
                )),
                _ => Err(anyhow::anyhow!("计划 {id} 不存在 / plan {id} not found")),
            },
            r => Ok(r?),
        }
    }
    .await;
    store.close().await;
    let open = result?;
    let format = args.format.format();
    let bytes = format.write(&open).map_err(anyhow::Error::msg)?;
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
                "已写出《{}》开放数据({}) → {} ({} 字节) / wrote {} bytes",
                open.latest.summary.title,
                format.code(),
                out.display(),
                bytes.len(),
                bytes.len()
            );
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout.write_all(&bytes).and_then(|()| stdout.flush()) {
                // A reader that stopped early (`| head`) is not a failure.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                r => r.context("写入标准输出失败 / cannot write to standard output")?,
            }
        }
    }
    Ok(())
}
