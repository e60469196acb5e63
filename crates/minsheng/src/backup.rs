//! `minsheng backup`, `minsheng restore` and `minsheng copy`: the whole database in the
//! portable format of `minsheng_store::backup`, made from one snapshot while the server keeps
//! serving, restored into an empty database of either backend; `copy` is the two in a row,
//! checked row by row.

use crate::config;
use anyhow::{Context, bail, ensure};
use clap::Args;
use minsheng_domain::Actor;
use minsheng_store::backup::{BackupSummary, differences, read_backup, verify_backup};
use minsheng_store::{OpenMode, Store, StoreError, redact_url};
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

/// `minsheng backup -o FILE`
#[derive(Debug, Args)]
pub struct BackupArgs {
    #[command(flatten)]
    db: config::DbArgs,
    /// 备份文件(不得已存在) / the backup file to write (must not exist)
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,
    /// 用 SQLite 自带的 VACUUM INTO 复制数据库文件(仅 SQLite,只能恢复到 SQLite) / SQLite's own
    /// copy of the database file (VACUUM INTO): SQLite only, restores only as SQLite
    #[arg(long)]
    native: bool,
}

/// `minsheng restore -i FILE`
#[derive(Debug, Args)]
pub struct RestoreArgs {
    #[command(flatten)]
    db: config::DbArgs,
    /// `minsheng backup` 写出的文件 / a file `minsheng backup` wrote
    #[arg(short, long, value_name = "FILE")]
    input: PathBuf,
}

/// `minsheng copy --from URL --to URL`
#[derive(Debug, Args)]
pub struct CopyArgs {
    /// 源数据库 / the database to copy
    #[arg(long, value_name = "URL")]
    from: String,
    /// 目标数据库(新建或空库) / the database to copy into (new or empty)
    #[arg(long, value_name = "URL")]
    to: String,
}

fn describe(s: &BackupSummary) -> String {
    format!(
        "{} 张表 {} 行,结构版本 {} / {} tables, {} rows, schema version {}",
        s.tables.len(),
        s.rows(),
        s.schema_version,
        s.tables.len(),
        s.rows(),
        s.schema_version
    )
}

/// A database to back up: it must exist and be at this build's schema.
async fn open_source(url: &str) -> anyhow::Result<Store> {
    let store = Store::open(url, OpenMode::MustExist).await?;
    store.check_schema().await?;
    Ok(store)
}

/// Writes the backup of `store` to `path` through `path.partial`, so a backup that fails
/// half-way never leaves a file under the name asked for.
async fn write_backup(store: &Store, path: &Path) -> anyhow::Result<BackupSummary> {
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let file = File::create_new(&partial).with_context(|| {
        format!(
            "无法创建 {} / cannot create {}",
            partial.display(),
            partial.display()
        )
    })?;
    let result = store.backup(&file).await;
    let done = result.and_then(|s| {
        file.sync_all()
            .map_err(|e| StoreError::from(minsheng_store::backup::BackupError::Io(e)))?;
        Ok(s)
    });
    match done {
        Ok(summary) => {
            std::fs::rename(&partial, path).with_context(|| {
                format!(
                    "无法写入 {} / cannot write {}",
                    path.display(),
                    path.display()
                )
            })?;
            Ok(summary)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            Err(e.into())
        }
    }
}

fn refuse_existing(path: &Path) -> anyhow::Result<()> {
    ensure!(
        !path.exists(),
        "{} 已存在,未作改动:请换一个文件名 / {} exists and was left alone: choose another name",
        path.display(),
        path.display()
    );
    Ok(())
}

/// Runs `minsheng backup`.
pub async fn backup(config_file: Option<&Path>, a: &BackupArgs) -> anyhow::Result<()> {
    let cfg = config::load(config_file, &a.db.db, &None)?;
    refuse_existing(&a.output)?;
    let store = open_source(&cfg.database_url).await?;
    if a.native {
        store.vacuum_into(&a.output).await?;
        store.close().await;
        println!(
            "已用 VACUUM INTO 备份到 {} / backed up with VACUUM INTO",
            a.output.display()
        );
        return Ok(());
    }
    let summary = write_backup(&store, &a.output).await;
    store.close().await;
    let summary = summary?;
    println!(
        "已备份 {} 到 {}:{} / backed up",
        redact_url(&cfg.database_url),
        a.output.display(),
        describe(&summary)
    );
    Ok(())
}

/// Opens (creating if need be) the target of a restore, migrated to this build's schema.
async fn open_target(url: &str) -> anyhow::Result<Store> {
    let store = Store::open(url, OpenMode::CreateIfMissing).await?;
    if store.applied_schema_version().await?.is_none() {
        store.migrate().await?;
    }
    Ok(store)
}

fn open_file(path: &Path) -> anyhow::Result<BufReader<File>> {
    Ok(BufReader::new(File::open(path).with_context(|| {
        format!(
            "无法读取 {} / cannot read {}",
            path.display(),
            path.display()
        )
    })?))
}

/// Checks the whole file, then restores it into `url`.
async fn restore_file(url: &str, path: &Path) -> anyhow::Result<(Store, BackupSummary)> {
    // A damaged file is refused before the target is created or touched.
    verify_backup(open_file(path)?)?;
    let store = open_target(url).await?;
    let summary = store
        .restore(&Actor::system("restore"), open_file(path)?)
        .await;
    match summary {
        Ok(s) => Ok((store, s)),
        Err(e) => {
            store.close().await;
            Err(e.into())
        }
    }
}

/// Runs `minsheng restore`.
pub async fn restore(config_file: Option<&Path>, a: &RestoreArgs) -> anyhow::Result<()> {
    let cfg = config::load(config_file, &a.db.db, &None)?;
    let (store, summary) = restore_file(&cfg.database_url, &a.input).await?;
    store.close().await;
    println!(
        "已从 {} 恢复到 {}:{} / restored",
        a.input.display(),
        redact_url(&cfg.database_url),
        describe(&summary)
    );
    Ok(())
}

/// A scratch file for `copy`, removed when dropped.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Runs `minsheng copy`: a backup of `--from` into a scratch file, restored into `--to`, then
/// `--to` backed up again and compared with the first, table by table and row by row.
pub async fn copy(a: &CopyArgs) -> anyhow::Result<()> {
    if a.from == a.to {
        bail!("--from 与 --to 相同 / --from and --to are the same database");
    }
    let scratch = Scratch(std::env::temp_dir().join(format!(
        "minsheng-copy-{}-{}.backup",
        std::process::id(),
        jiff::Timestamp::now().as_nanosecond()
    )));
    let source = open_source(&a.from).await?;
    let written = write_backup(&source, &scratch.0).await;
    source.close().await;
    written?;
    let (target, summary) = restore_file(&a.to, &scratch.0).await?;
    let mut again = Vec::new();
    let check = target.backup(&mut again).await;
    target.close().await;
    check?;
    let before = read_backup(open_file(&scratch.0)?)?;
    let after = read_backup(&again[..])?;
    let diff = differences(&before, &after);
    ensure!(
        diff.is_empty(),
        "复制后的数据库与源不一致 / the copy differs from its source:\n{}",
        diff.join("\n")
    );
    println!(
        "已复制 {} → {}:{},逐表逐行核对一致 / copied, every table checked row by row",
        redact_url(&a.from),
        redact_url(&a.to),
        describe(&summary)
    );
    Ok(())
}
