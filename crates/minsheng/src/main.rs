//! The minsheng command line: serve the site, build and serve the demo, migrate a database,
//! read a plan document, import a batch of reports, show the office's status of a month.
//!
//! Only this crate reads the environment, parses flags and installs the tracing subscriber.

mod assess;
mod backup;
mod bench;
mod bulletin;
mod config;
mod export;
mod extract;
mod report_import;
mod server;
mod status;
mod user;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// minsheng(民生):从文件到兑现,跟踪量化的公开承诺 / track quantified public commitments
/// from the document that announces them to the day they are delivered.
#[derive(Debug, Parser)]
#[command(name = "minsheng", version)]
struct Cli {
    /// 配置文件(默认读取当前目录的 minsheng.toml,若存在) / config file (default: ./minsheng.toml if present)
    #[arg(long, global = true, env = "MINSHENG_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// 启动网站(首次启动时创建并迁移数据库) / serve the site, creating and migrating the database on first start
    Serve(config::ServerArgs),
    /// 新建吉林省2023年民生实事演示数据库并启动网站 / build a fresh demo database (Jilin 2023) and serve it
    Demo(config::ServerArgs),
    /// 只运行后台任务(催报送达、逾期升级、会话清理),不启动网站 / run the background jobs alone
    /// (reminders delivered, escalation, session sweep), without the site
    Worker(config::WorkerArgs),
    /// 创建数据库或将其迁移到当前结构 / create the database or bring it to this version's schema
    Migrate(config::DbArgs),
    /// 备份整个数据库(可移植格式,服务运行中亦可) / back up the whole database (portable format, while serving)
    Backup(backup::BackupArgs),
    /// 将备份恢复到新建的空库(SQLite 或 PostgreSQL) / restore a backup into a new, empty database (SQLite or PostgreSQL)
    Restore(backup::RestoreArgs),
    /// 把数据库复制到另一个空库,如 SQLite → PostgreSQL,并逐行核对 / copy a database into another, empty one (such as SQLite → PostgreSQL), checked row by row
    Copy(backup::CopyArgs),
    /// 从计划文件文本中识别事项与量化目标 / read sections, items and targets from a plan document
    Extract(extract::ExtractArgs),
    /// 性能基准 / benchmarks
    Bench(bench::BenchArgs),
    /// 报告:批量导入 / reports: import a batch
    #[command(subcommand)]
    Report(report_import::ReportCommand),
    /// 办公室视图:某月各目标的汇总进度与状态、各市(州)完成率 / the office's view of a month:
    /// every target's rolled-up progress and status, then the cities
    Status(status::StatusArgs),
    /// 进展通报:某计划某期的通报写成 Word(公文格式)、Excel 或网页 / a plan's progress
    /// bulletin for a period, written as Word (official layout), Excel or HTML
    Bulletin(bulletin::BulletinArgs),
    /// 考核:某计划某年度各单位的得分、排名与逐项明细,输出为文本、Excel 或网页 / a plan's
    /// assessment for a year: each unit's score, place and line-by-line breakdown, as text,
    /// Excel or HTML
    Assess(assess::AssessArgs),
    /// 开放数据:已发布计划的目标、进度与状态(按月、按地区),输出为 CSV、JSON、Excel、Atom 或
    /// IATI XML / open data: a published plan's targets, progress and status by month and
    /// region, as CSV, JSON, Excel, Atom or IATI XML
    Export(export::ExportArgs),
    /// 账号:新建、改密码、列出 / accounts: add, change a password, list
    #[command(subcommand)]
    User(user::UserCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("错误:无法启动运行时 / cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误 / error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => {
            let mut cfg = config::load(cli.config.as_deref(), &args.db, &args.listen)?;
            if args.read_db.is_some() {
                cfg.read_database_url = args.read_db.clone();
            }
            if let Some(n) = args.workers {
                cfg.jobs.workers = n;
            }
            server::serve(&cfg).await
        }
        Command::Demo(args) => {
            let cfg = config::load_demo(cli.config.as_deref(), &args.db, &args.listen)?;
            server::demo(&cfg).await
        }
        Command::Worker(args) => {
            let mut cfg = config::load(cli.config.as_deref(), &args.db, &None)?;
            cfg.jobs.workers = args.workers.unwrap_or(1).max(1);
            server::worker(&cfg).await
        }
        Command::Migrate(args) => {
            let cfg = config::load(cli.config.as_deref(), &args.db, &None)?;
            server::migrate(&cfg).await
        }
        Command::Backup(args) => backup::backup(cli.config.as_deref(), &args).await,
        Command::Restore(args) => backup::restore(cli.config.as_deref(), &args).await,
        Command::Copy(args) => backup::copy(&args).await,
        Command::Extract(args) => extract::run(&args),
        Command::Bench(args) => bench::run(&args).await,
        Command::Report(report_import::ReportCommand::Import(args)) => {
            report_import::run(cli.config.as_deref(), &args).await
        }
        Command::Status(args) => status::run(cli.config.as_deref(), &args).await,
        Command::Bulletin(args) => bulletin::run(cli.config.as_deref(), &args).await,
        Command::Assess(args) => assess::run(cli.config.as_deref(), &args).await,
        Command::Export(args) => export::run(cli.config.as_deref(), &args).await,
        Command::User(cmd) => user::run(cli.config.as_deref(), cmd).await,
    }
}

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("MINSHENG_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info,tower_sessions=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        Cli::command().debug_assert();
    }
}
