//! Settings: built-in defaults, then `minsheng.toml`, then `MINSHENG_*` environment
//! variables, then flags — each later source wins. clap reads a flag or its environment
//! variable (the flag wins); figment layers them over the file and the defaults, and says
//! which source a bad value came from.

use anyhow::Context;
use clap::Args;
use figment::Figment;
use figment::providers::{Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::Arc;

/// The database to use.
#[derive(Debug, Args)]
pub struct DbArgs {
    /// 数据库地址:sqlite://文件 或 postgres://用户@主机/库 / database URL [default: sqlite://minsheng.db]
    #[arg(long, env = "MINSHENG_DATABASE_URL", value_name = "URL")]
    pub db: Option<String>,
}

/// The database and how many workers.
#[derive(Debug, Args)]
pub struct WorkerArgs {
    /// 数据库地址 / database URL [default: sqlite://minsheng.db]
    #[arg(long, env = "MINSHENG_DATABASE_URL", value_name = "URL")]
    pub db: Option<String>,
    /// 并行的工作进程数 / workers side by side [default: 1]
    #[arg(long, value_name = "N")]
    pub workers: Option<u32>,
}

/// The database and the address to listen on.
#[derive(Debug, Args)]
pub struct ServerArgs {
    /// 数据库地址 / database URL [default: sqlite://minsheng.db; for demo: sqlite://minsheng-demo.db]
    #[arg(long, env = "MINSHENG_DATABASE_URL", value_name = "URL")]
    pub db: Option<String>,
    /// 监听地址 / address to listen on [default: 127.0.0.1:8080]
    #[arg(long, env = "MINSHENG_LISTEN", value_name = "ADDR")]
    pub listen: Option<String>,
    /// 只读备库(PostgreSQL 热备):总览与公开页面在其追上时从此读取 / a PostgreSQL hot standby the dashboards and the portal read from when it has caught up
    #[arg(
        long = "read-db",
        env = "MINSHENG_READ_DATABASE_URL",
        value_name = "URL"
    )]
    pub read_db: Option<String>,
    /// 后台任务进程数(催报、升级、会话清理),0 表示不在本进程运行,由 `minsheng worker` 运行 /
    /// background job workers in this process (reminders, escalation, session sweep); 0 leaves
    /// them to `minsheng worker` [default: 1]
    #[arg(long, env = "MINSHENG_WORKERS", value_name = "N")]
    pub workers: Option<u32>,
}

/// The resolved settings.
#[derive(Clone, Deserialize, Serialize)]
pub struct Config {
    /// Where the data lives.
    pub database_url: String,
    /// Where the site listens.
    pub listen: String,
    /// How progress is judged (`[thresholds]` in minsheng.toml).
    #[serde(default)]
    pub thresholds: ThresholdSettings,
    /// Whether the session cookie is `Secure` (HTTPS only). Default true; set
    /// `secure_cookies = false` only for a server reached over plain HTTP. The demo turns it
    /// off because it serves plain HTTP on localhost.
    #[serde(default = "default_true")]
    pub secure_cookies: bool,
    /// The reverse proxies in front of the server, as address blocks
    /// (`trusted_proxies = ["127.0.0.1/32", "10.0.0.0/8"]`): only from these is
    /// `X-Forwarded-For` believed for the client's address, which sign-in throttling counts
    /// by. Default none: the header is ignored and the TCP peer is the client.
    #[serde(default)]
    pub trusted_proxies: Vec<String>,
    /// The database connections (`[pool]` in minsheng.toml).
    #[serde(default)]
    pub pool: PoolConfig,
    /// A PostgreSQL hot standby (`read_database_url`, or `--read-db`) that dashboards and
    /// the portal read from whenever it has replayed the data version a page is served at;
    /// the primary answers otherwise. Default none.
    #[serde(default)]
    pub read_database_url: Option<String>,
    /// Background jobs and the channels they deliver through (`[jobs]` in minsheng.toml).
    #[serde(default)]
    pub jobs: JobsConfig,
}

/// `[jobs]`: the workers `serve` runs, the office's mail server, and the key channel secrets
/// are sealed with.
#[derive(Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct JobsConfig {
    /// Workers `serve` runs beside the site; 0 leaves the jobs to `minsheng worker`. Default 1.
    pub workers: u32,
    /// The mail server, as lettre's URL: `smtp://user:pass@host:587?tls=required` (STARTTLS),
    /// `smtps://user:pass@host:465` (TLS), `smtp://127.0.0.1:25` (a local relay). Also
    /// `MINSHENG_SMTP_URL`. Default none: e-mail channels fail with that reason.
    pub smtp_url: Option<String>,
    /// The sender, such as `民生实事办公室 <office@example.cn>`.
    pub smtp_from: String,
    /// 32 bytes (64 hex digits or base64) sealing robot URLs and signing secrets at rest. Also
    /// `MINSHENG_SECRET_KEY` (better: kept out of the file). Default none: channels with a
    /// secret are refused.
    pub secret_key: Option<String>,
    /// Seconds a worker holds a job before another may take it over. Default 300.
    pub lease_secs: u64,
    /// Seconds a send may take (connect and answer). Default 10.
    pub send_timeout_secs: u64,
}

impl Default for JobsConfig {
    fn default() -> Self {
        JobsConfig {
            workers: 1,
            smtp_url: None,
            smtp_from: "minsheng <minsheng@localhost>".into(),
            secret_key: None,
            lease_secs: 300,
            send_timeout_secs: 10,
        }
    }
}

impl JobsConfig {
    /// The sealer of channel secrets: `MINSHENG_SECRET_KEY`, else `secret_key`; none when
    /// neither is set.
    pub fn sealer(&self) -> anyhow::Result<Option<Arc<minsheng_app::notify::Sealer>>> {
        let key = std::env::var("MINSHENG_SECRET_KEY")
            .ok()
            .or_else(|| self.secret_key.clone());
        key.map(|k| minsheng_app::notify::Sealer::from_text(&k).map(Arc::new))
            .transpose()
            .map_err(|e| anyhow::anyhow!("配置 jobs.secret_key 有误 / bad jobs.secret_key: {e}"))
    }

    /// The notifier these settings describe, with `MINSHENG_SMTP_URL` taken from the
    /// environment when set.
    pub fn notifier(
        &self,
        sealer: Option<Arc<minsheng_app::notify::Sealer>>,
    ) -> anyhow::Result<minsheng_app::notify::Notifier> {
        let smtp_url = std::env::var("MINSHENG_SMTP_URL")
            .ok()
            .or_else(|| self.smtp_url.clone());
        let smtp = smtp_url.map(|url| minsheng_app::notify::SmtpSettings {
            url,
            from: self.smtp_from.clone(),
        });
        anyhow::ensure!(
            (1..=600).contains(&self.send_timeout_secs) && (5..=86_400).contains(&self.lease_secs),
            "jobs.send_timeout_secs 须在 1–600,jobs.lease_secs 须在 5–86400 之间 / \
             jobs.send_timeout_secs must be 1–600 and jobs.lease_secs 5–86400"
        );
        minsheng_app::notify::Notifier::new(
            smtp.as_ref(),
            sealer,
            std::time::Duration::from_secs(self.send_timeout_secs),
        )
        .map_err(|e| anyhow::anyhow!("配置 [jobs] 有误 / bad [jobs]: {e}"))
    }

    /// A worker's settings under `name`.
    pub fn worker_settings(&self, name: String) -> minsheng_app::jobs::WorkerSettings {
        minsheng_app::jobs::WorkerSettings {
            id: name,
            lease: std::time::Duration::from_secs(self.lease_secs),
            poll: std::time::Duration::from_secs(2),
        }
    }
}

/// `[pool]`: how many database connections a server keeps and how long work waits for one,
/// or for a lock, before it is refused with 503 (nothing written; try again).
#[derive(Debug, Clone, Copy, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct PoolConfig {
    /// Connections (on SQLite: for reads; writes have one connection of their own, as SQLite
    /// takes one writer at a time). Default 8.
    pub max_connections: u32,
    /// Milliseconds a request waits for a connection. Default 10000.
    pub acquire_timeout_ms: u64,
    /// Milliseconds a write waits for a lock someone else holds (SQLite `busy_timeout`,
    /// PostgreSQL `lock_timeout`). Default 10000.
    pub lock_timeout_ms: u64,
}

impl Default for PoolConfig {
    fn default() -> Self {
        let d = minsheng_store::PoolSettings::default();
        PoolConfig {
            max_connections: d.max_connections,
            acquire_timeout_ms: d.acquire_timeout.as_millis() as u64,
            lock_timeout_ms: d.lock_timeout.as_millis() as u64,
        }
    }
}

impl PoolConfig {
    /// The store's settings, checked.
    pub fn settings(&self) -> anyhow::Result<minsheng_store::PoolSettings> {
        use std::time::Duration;
        if self.max_connections == 0 || self.max_connections > 1000 {
            anyhow::bail!(
                "pool.max_connections 须在 1 到 1000 之间(现为 {}) / pool.max_connections must be 1 to 1000 (is {})",
                self.max_connections,
                self.max_connections
            );
        }
        for (name, ms) in [
            ("acquire_timeout_ms", self.acquire_timeout_ms),
            ("lock_timeout_ms", self.lock_timeout_ms),
        ] {
            if !(1..=600_000).contains(&ms) {
                anyhow::bail!(
                    "pool.{name} 须在 1 到 600000 毫秒之间(现为 {ms}) / pool.{name} must be 1 to 600000 ms (is {ms})"
                );
            }
        }
        Ok(minsheng_store::PoolSettings {
            max_connections: self.max_connections,
            acquire_timeout: Duration::from_millis(self.acquire_timeout_ms),
            lock_timeout: Duration::from_millis(self.lock_timeout_ms),
        })
    }
}

fn default_true() -> bool {
    true
}

/// `[thresholds]`: points behind 序时进度 for yellow (滞后) and red (严重滞后), the ± fraction
/// that 左右/约 allows, and the months a qualitative item may stay not started.
#[derive(Debug, Clone, Copy, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ThresholdSettings {
    /// Default 10.
    pub lagging_points: f64,
    /// Default 30.
    pub at_risk_points: f64,
    /// Default 0.1.
    pub approx_tolerance: f64,
    /// Default 3.
    pub stage_grace_months: i8,
}

impl Default for ThresholdSettings {
    fn default() -> Self {
        ThresholdSettings {
            lagging_points: 10.0,
            at_risk_points: 30.0,
            approx_tolerance: 0.1,
            stage_grace_months: 3,
        }
    }
}

impl Config {
    /// The thresholds, checked.
    pub fn thresholds(&self) -> anyhow::Result<minsheng_domain::Thresholds> {
        use rust_decimal::Decimal;
        let t = self.thresholds;
        let dec = |name: &str, v: f64| {
            Decimal::try_from(v)
                .map_err(|_| anyhow::anyhow!("thresholds.{name}:{v} 不是有效数值 / not a number"))
        };
        minsheng_domain::Thresholds::new(
            dec("lagging_points", t.lagging_points)?,
            dec("at_risk_points", t.at_risk_points)?,
            dec("approx_tolerance", t.approx_tolerance)?,
            t.stage_grace_months,
        )
        .map_err(|e| anyhow::anyhow!("配置 thresholds 有误 / bad thresholds: {e}"))
    }

    /// The trusted proxies, checked.
    pub fn trusted_proxies(&self) -> anyhow::Result<std::sync::Arc<[minsheng_web::client::Cidr]>> {
        self.trusted_proxies
            .iter()
            .map(|c| {
                c.parse().map_err(|e| {
                    anyhow::anyhow!("配置 trusted_proxies 有误 / bad trusted_proxies: {e}")
                })
            })
            .collect()
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field(
                "database_url",
                &minsheng_store::redact_url(&self.database_url),
            )
            .field("listen", &self.listen)
            .field(
                "read_database_url",
                &self
                    .read_database_url
                    .as_deref()
                    .map(minsheng_store::redact_url),
            )
            .finish()
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: "sqlite://minsheng.db".into(),
            listen: "127.0.0.1:8080".into(),
            thresholds: ThresholdSettings::default(),
            secure_cookies: true,
            pool: PoolConfig::default(),
            trusted_proxies: Vec::new(),
            read_database_url: None,
            jobs: JobsConfig::default(),
        }
    }
}

/// What the command line (flags and their environment variables) set; unset fields leave
/// the file's or the default's value.
#[derive(Serialize)]
struct Overrides<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    database_url: &'a Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    listen: &'a Option<String>,
}

fn figment(file: Option<&Path>, defaults: Config) -> anyhow::Result<Figment> {
    let mut fig = Figment::from(Serialized::defaults(defaults));
    match file {
        Some(path) => {
            anyhow::ensure!(
                path.is_file(),
                "配置文件 {} 不存在或不可读 / config file {} does not exist or is unreadable",
                path.display(),
                path.display()
            );
            fig = fig.merge(Toml::file_exact(path));
        }
        // The default file is optional, and read only from the current directory.
        None if Path::new("minsheng.toml").is_file() => {
            fig = fig.merge(Toml::file_exact("minsheng.toml"))
        }
        None => {}
    }
    Ok(fig)
}

/// Settings for `serve` and `migrate`.
pub fn load(
    file: Option<&Path>,
    db: &Option<String>,
    listen: &Option<String>,
) -> anyhow::Result<Config> {
    figment(file, Config::default())?
        .merge(Serialized::defaults(Overrides {
            database_url: db,
            listen,
        }))
        .extract()
        .context("配置有误 / invalid configuration")
}

/// Settings for `demo`: its own database file by default, so it never touches the one
/// `serve` uses unless told to with `--db`.
pub fn load_demo(
    file: Option<&Path>,
    db: &Option<String>,
    listen: &Option<String>,
) -> anyhow::Result<Config> {
    let mut cfg = load(file, &None, listen)?;
    cfg.database_url = db
        .clone()
        .unwrap_or_else(|| "sqlite://minsheng-demo.db".into());
    Ok(cfg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[expect(
        clippy::result_large_err,
        reason = "figment::Jail fixes the closure's error type"
    )]
    fn flags_beat_env_beat_file_beat_defaults() {
        figment::Jail::expect_with(|jail| {
            assert_eq!(load(None, &None, &None).unwrap().listen, "127.0.0.1:8080");
            jail.create_file(
                "minsheng.toml",
                "listen = \"0.0.0.0:9000\"\ndatabase_url = \"sqlite://文件.db\"",
            )?;
            let cfg = load(None, &None, &None).unwrap();
            assert_eq!(
                (cfg.listen.as_str(), cfg.database_url.as_str()),
                ("0.0.0.0:9000", "sqlite://文件.db")
            );
            // clap folds MINSHENG_LISTEN into the flag's value, so either beats the file.
            let cfg = load(None, &None, &Some("127.0.0.1:7000".into())).unwrap();
            assert_eq!(cfg.listen, "127.0.0.1:7000");
            assert_eq!(cfg.database_url, "sqlite://文件.db");
            // The demo keeps to its own database unless --db names one.
            assert_eq!(
                load_demo(None, &None, &None).unwrap().database_url,
                "sqlite://minsheng-demo.db"
            );
            jail.create_file("bad.toml", "listen = 5")?;
            let err = load(Some(Path::new("bad.toml")), &None, &None).unwrap_err();
            assert!(format!("{err:#}").contains("bad.toml"), "{err:#}");
            assert!(load(Some(Path::new("missing.toml")), &None, &None).is_err());
            Ok(())
        });
    }

    #[test]
    fn debug_hides_the_password() {
        let cfg = Config {
            database_url: "postgres://a:secret@h/db".into(),
            listen: "x".into(),
            thresholds: ThresholdSettings::default(),
            secure_cookies: true,
            pool: PoolConfig::default(),
            trusted_proxies: Vec::new(),
            read_database_url: Some("postgres://r:hidden@standby/db".into()),
            jobs: JobsConfig::default(),
        };
        assert!(!format!("{cfg:?}").contains("secret"));
        assert!(!format!("{cfg:?}").contains("hidden"));
    }

    #[test]
    fn trusted_proxies_come_from_the_file_and_are_checked() {
        let cfg: Config = toml::from_str(
            "database_url = 'x'\nlisten = 'y'\ntrusted_proxies = ['127.0.0.1/32', '10.0.0.0/8']\n",
        )
        .unwrap();
        let proxies = cfg.trusted_proxies().unwrap();
        assert_eq!(proxies.len(), 2);
        assert!(proxies[1].contains("10.2.3.4".parse().unwrap()));
        assert!(Config::default().trusted_proxies().unwrap().is_empty());
        let bad: Config =
            toml::from_str("database_url = 'x'\nlisten = 'y'\ntrusted_proxies = ['10.0.0.0/40']\n")
                .unwrap();
        let err = bad.trusted_proxies().unwrap_err().to_string();
        assert!(
            err.contains("trusted_proxies") && err.contains("10.0.0.0/40"),
            "{err}"
        );
    }

    #[test]
    fn thresholds_come_from_the_file_and_are_checked() {
        let cfg: Config = toml::from_str(
            "database_url = 'x'\nlisten = 'y'\n[thresholds]\nlagging_points = 5\nat_risk_points = 20\n",
        )
        .unwrap();
        let t = cfg.thresholds().unwrap();
        assert_eq!(
            t,
            minsheng_domain::Thresholds::new(
                5.into(),
                20.into(),
                rust_decimal::Decimal::new(1, 1),
                3
            )
            .unwrap()
        );
        let bad: Config =
            toml::from_str("database_url = 'x'\nlisten = 'y'\n[thresholds]\nlagging_points = 40\n")
                .unwrap();
        let err = bad.thresholds().unwrap_err().to_string();
        assert!(err.contains("thresholds") && err.contains("40"), "{err}");
        assert!(
            toml::from_str::<Config>(
                "database_url = 'x'\nlisten = 'y'\n[thresholds]\nlaging = 1\n"
            )
            .is_err(),
            "a misspelt key is refused"
        );
    }
}
