//! `serve`, `demo` and `migrate`. The listening address is bound before the database is
//! touched, so a port already in use creates nothing.

use crate::config::Config;
use anyhow::{Context, bail};
use minsheng_app::demo;
use minsheng_store::{OpenMode, Store, redact_url};
use minsheng_web::AppState;
use tokio::net::TcpListener;
use tracing::info;

async fn bind(addr: &str) -> anyhow::Result<TcpListener> {
    TcpListener::bind(addr).await.map_err(|e| {
        if e.kind() == std::io::ErrorKind::AddrInUse {
            anyhow::anyhow!("地址 {addr} 已被占用,请用 --listen 指定其他地址 / address {addr} is already in use; choose another with --listen")
        } else {
            anyhow::anyhow!("无法监听 {addr}:{e} / cannot listen on {addr}: {e}")
        }
    })
}

/// `minsheng serve`.
pub async fn serve(cfg: &Config) -> anyhow::Result<()> {
    let thresholds = cfg.thresholds()?;
    let pool = cfg.pool.settings()?;
    let trusted_proxies = cfg.trusted_proxies()?;
    let listener = bind(&cfg.listen).await?;
    let store = Store::open_configured(&cfg.database_url, OpenMode::CreateIfMissing, pool).await?;
    migrate_if_needed(&store, &cfg.database_url).await?;
    let is_demo = demo::is_demo(&store).await?;
    let replica = cfg.read_database_url.as_deref().map(|url| {
        info!(
            "dashboards and the portal read from {} when it has caught up",
            redact_url(url)
        );
        std::sync::Arc::new(minsheng_app::freshness::Replica::new(url))
    });
    let sealer = cfg.jobs.sealer()?;
    let notifier = std::sync::Arc::new(cfg.jobs.notifier(sealer.clone())?);
    let workers = spawn_workers(&store, &notifier, cfg);
    let state = app_state(
        store,
        is_demo,
        thresholds,
        cfg.secure_cookies,
        trusted_proxies,
        replica,
        sealer,
    );
    let served = run(listener, state, "minsheng 已启动 / minsheng is serving").await;
    for w in workers {
        w.abort();
    }
    served
}

/// Starts `[jobs] workers` job workers in this process (none when 0).
fn spawn_workers(
    store: &Store,
    notifier: &std::sync::Arc<minsheng_app::notify::Notifier>,
    cfg: &Config,
) -> Vec<tokio::task::JoinHandle<()>> {
    (0..cfg.jobs.workers)
        .map(|i| {
            let name = format!("{}-{}-{i}", hostname(), std::process::id());
            let worker = minsheng_app::jobs::Worker::new(
                store.clone(),
                notifier.clone(),
                cfg.jobs.worker_settings(name),
            );
            tokio::spawn(worker.run_forever())
        })
        .collect()
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname")
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "minsheng".into())
}

/// `minsheng worker`: the background jobs alone, until Ctrl-C or SIGTERM.
pub async fn worker(cfg: &Config) -> anyhow::Result<()> {
    let pool = cfg.pool.settings()?;
    let store = Store::open_configured(&cfg.database_url, OpenMode::CreateIfMissing, pool).await?;
    migrate_if_needed(&store, &cfg.database_url).await?;
    let sealer = cfg.jobs.sealer()?;
    let notifier = std::sync::Arc::new(cfg.jobs.notifier(sealer.clone())?);
    let workers = spawn_workers(&store, &notifier, cfg);
    // The one line a person (or a test) waits for.
    println!(
        "后台任务已启动({} 个工作进程)/ {} job workers running (Ctrl-C 退出 / to stop)",
        workers.len(),
        workers.len()
    );
    shutdown_signal().await;
    for w in workers {
        w.abort();
    }
    store.close().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(t) => t,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

/// `minsheng demo`: a fresh demo database, then serve it.
pub async fn demo(cfg: &Config) -> anyhow::Result<()> {
    let thresholds = cfg.thresholds()?;
    let trusted_proxies = cfg.trusted_proxies()?;
    let listener = bind(&cfg.listen).await?;
    let store = demo::on_its_day(fresh_demo_store(&cfg.database_url).await?);
    let summary = demo::build(&store).await?;
    // January to August as the office would have sent them (invented, and labelled so).
    demo::issue_bulletins(&store, &thresholds).await?;
    // The 2023 assessment from them, in draft: its rules and a few hand entries (invented).
    demo::assessment(&store).await?;
    // Next year's plan (invented, and labelled so), for the plan diff and the year-end closing
    // of 2023, which is left open for a visitor to close.
    demo::import_next_year(&store).await?;
    // The three new-energy-vehicle projects of the seed's own text as a major-projects plan,
    // with invented reports (labelled 演示数据): one on pace, one whose 投产 slipped, one with
    // an open 用地 problem.
    demo::projects::major_projects(&store, &demo::projects::seed_projects()).await?;
    // The 到2025年 goals of the seed's article, with invented yearly and quarterly reports.
    demo::multi_year_goals(&store).await?;
    info!(
        "Demo database {} holds {} sections, {} items, {} targets, {} assignments",
        redact_url(&cfg.database_url),
        summary.imported.sections,
        summary.imported.items,
        summary.imported.targets,
        summary.assignments
    );
    // On stderr: the first line of stdout stays the address a person (or a test) waits for.
    eprintln!(
        "演示账号 {} 个,密码均为 {}:office(牵头办公室)、leader(领导)、220100(长春市)等 / {} demo accounts, password {} for all: office, leader, 220100 (Changchun) and the like",
        summary.accounts,
        demo::DEMO_PASSWORD,
        summary.accounts,
        demo::DEMO_PASSWORD
    );
    // The demo serves plain HTTP on localhost: a Secure cookie would not come back.
    let sealer = cfg.jobs.sealer()?;
    let notifier = std::sync::Arc::new(cfg.jobs.notifier(sealer.clone())?);
    let workers = spawn_workers(&store, &notifier, cfg);
    let state = app_state(
        store,
        true,
        thresholds,
        false,
        trusted_proxies,
        None,
        sealer,
    );
    let served = run(listener, state, "演示已就绪 / demo ready").await;
    for w in workers {
        w.abort();
    }
    served
}

/// Brings the schema up to date only when it is behind: a database at this build's schema is
/// served as it is, without a write, so a read-only database (a replica, a read-only file)
/// still serves its pages while writes answer "read-only". A database that is behind and
/// cannot be written is refused with that reason.
async fn migrate_if_needed(store: &Store, url: &str) -> anyhow::Result<()> {
    match store.check_schema().await {
        Ok(()) => Ok(()),
        Err(minsheng_store::StoreError::NotMigrated { .. }) => match store.migrate().await {
            Ok(()) => Ok(()),
            Err(
                e @ (minsheng_store::StoreError::ReadOnly | minsheng_store::StoreError::DiskFull),
            ) => {
                bail!(
                    "{} 需要迁移,但无法写入({e}) / {} needs migrating but cannot be written ({e})",
                    redact_url(url),
                    redact_url(url)
                )
            }
            Err(e) => Err(e.into()),
        },
        Err(e) => Err(e.into()),
    }
}

/// `minsheng migrate`.
pub async fn migrate(cfg: &Config) -> anyhow::Result<()> {
    let store = Store::open(&cfg.database_url, OpenMode::CreateIfMissing).await?;
    let before = store.applied_schema_version().await?;
    store.migrate().await?;
    let after = store.applied_schema_version().await?;
    store.close().await;
    if before == after {
        println!(
            "数据库已是最新结构(版本 {}) / already at the latest schema",
            after.unwrap_or(0)
        );
    } else {
        println!(
            "已迁移 {}:{} → {} / migrated",
            redact_url(&cfg.database_url),
            before.unwrap_or(0),
            after.unwrap_or(0)
        );
    }
    Ok(())
}

/// What the site serves with.
fn app_state(
    store: Store,
    is_demo: bool,
    thresholds: minsheng_domain::Thresholds,
    secure_cookies: bool,
    trusted_proxies: std::sync::Arc<[minsheng_web::client::Cidr]>,
    replica: Option<std::sync::Arc<minsheng_app::freshness::Replica>>,
    sealer: Option<std::sync::Arc<minsheng_app::notify::Sealer>>,
) -> AppState {
    // A demo's invented data stands at one day: what is written while it is served is stamped
    // on that day too (the time of day runs on), so its pages never mix in today's date.
    let store = if is_demo {
        demo::on_its_day(store)
    } else {
        store
    };
    AppState {
        store,
        demo: is_demo,
        // A demo's invented data stands at one day; its pages count from that day.
        today: is_demo.then_some(demo::DEMO_AS_OF),
        thresholds,
        secure_cookies,
        trusted_proxies,
        caches: Default::default(),
        replica,
        sealer,
    }
}

async fn run(listener: TcpListener, state: AppState, banner: &str) -> anyhow::Result<()> {
    let addr = listener.local_addr().context("listener address")?;
    // The one line a person (or a test) waits for.
    println!("{banner}: http://{addr}/  (Ctrl-C 退出 / to stop)");
    let store = state.store.clone();
    let served = minsheng_web::serve(listener, state).await;
    store.close().await;
    served.context("网站异常退出 / the server stopped with an error")
}

/// Opens the demo database afresh: a SQLite file built by an earlier `demo` is replaced; any
/// other existing data is refused untouched.
async fn fresh_demo_store(url: &str) -> anyhow::Result<Store> {
    let refuse = || {
        anyhow::anyhow!(
            "{} 已有数据且不是演示数据库,拒绝覆盖;请用 --db 指定新的文件 / {} holds data that is not a demo; refusing to overwrite it (name another with --db)",
            redact_url(url),
            redact_url(url)
        )
    };
    let existing = match Store::open(url, OpenMode::MustExist).await {
        Ok(store) => Some(store),
        Err(minsheng_store::StoreError::Missing { .. }) => None,
        Err(e) => return Err(e.into()),
    };
    if let Some(store) = existing {
        let empty = store.applied_schema_version().await?.is_none();
        if !empty {
            store.check_schema().await.or_else(|e| match e {
                minsheng_store::StoreError::NotMigrated { .. } => Ok(()),
                e => Err(e),
            })?;
        }
        let marked = !empty && demo::is_demo(&store).await.unwrap_or(false);
        let has_data = !empty && !store.units().await.map(|u| u.is_empty()).unwrap_or(false);
        store.close().await;
        match (marked, has_data) {
            (true, _) => match sqlite_file(url) {
                Some(path) => remove_sqlite(&path)?,
                None => bail!(
                    "{} 已是演示数据库;PostgreSQL 上请用一个空数据库重建演示 / already a demo; on PostgreSQL rebuild the demo in an empty database",
                    redact_url(url)
                ),
            },
            (false, true) => return Err(refuse()),
            (false, false) => {}
        }
    }
    let store = Store::open(url, OpenMode::CreateIfMissing).await?;
    store.migrate().await?;
    Ok(store)
}

fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return None;
    }
    let path = url
        .strip_prefix("sqlite:")
        .map(|r| r.strip_prefix("//").unwrap_or(r))
        .unwrap_or(url);
    let path = path.split('?').next().unwrap_or(path);
    (path != ":memory:").then(|| path.into())
}

fn remove_sqlite(path: &std::path::Path) -> anyhow::Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => bail!(
                "无法删除旧的演示数据库 {}:{e} / cannot remove the old demo database",
                path.display()
            ),
        }
    }
    Ok(())
}
