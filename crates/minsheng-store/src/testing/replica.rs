//! A local PostgreSQL primary with a streaming hot standby, both made for one test in a
//! temporary folder: `initdb`, then `pg_basebackup -R` from the primary, each cluster on a free
//! port on 127.0.0.1 with trust authentication. Dropped, both are stopped and removed.
//!
//! The PostgreSQL server programs are looked up under `/usr/lib/postgresql/*/bin` (Debian's
//! `postgresql` package, which `.ci/run` installs) or in `PG_BIN`. Without them
//! [`StreamingReplica::start`] returns `None` — and panics under `CI=true`, so the replica
//! tests cannot be skipped silently. Run as root, the clusters are made and run as the
//! `postgres` user, as `initdb` refuses root.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// A primary and its streaming standby; see the module docs.
#[derive(Debug)]
pub struct StreamingReplica {
    bin: PathBuf,
    dir: PathBuf,
    as_postgres: bool,
    primary_port: u16,
    standby_port: u16,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on 127.0.0.1")
}

fn find_bin() -> Option<PathBuf> {
    if let Ok(b) = std::env::var("PG_BIN")
        && Path::new(&b).join("pg_basebackup").exists()
    {
        return Some(PathBuf::from(b));
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| e.path().join("bin"))
        .filter(|b| b.join("pg_basebackup").exists() && b.join("initdb").exists())
        .collect();
    found.sort_by_key(|p| {
        p.parent()
            .and_then(|v| v.file_name())
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    });
    found.pop()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

impl StreamingReplica {
    /// Makes and starts both clusters, and waits until the standby streams from the primary.
    pub fn start() -> Option<StreamingReplica> {
        let Some(bin) = find_bin() else {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!(
                    "CI=true but the PostgreSQL server programs (initdb, pg_basebackup) are not installed: the read-replica tests would be skipped"
                );
            }
            eprintln!("skipping: no PostgreSQL server programs (set PG_BIN)");
            return None;
        };
        let dir = std::env::temp_dir().join(super::unique("minsheng_replica"));
        std::fs::create_dir_all(&dir).expect("replica folder");
        let as_postgres = is_root();
        let r = StreamingReplica {
            bin,
            dir,
            as_postgres,
            primary_port: free_port(),
            standby_port: free_port(),
        };
        if as_postgres {
            r.must(Command::new("chown").arg("postgres").arg(&r.dir), "chown");
        }
        r.pg(&format!(
            "initdb -D {} -U postgres --auth=trust -E UTF8 --locale=C.UTF-8",
            r.primary_dir().display()
        ));
        r.pg_ctl_start(&r.primary_dir(), r.primary_port, "primary");
        r.pg(&format!(
            "pg_basebackup -h 127.0.0.1 -p {} -U postgres -D {} -R -X stream -c fast",
            r.primary_port,
            r.standby_dir().display()
        ));
        r.pg_ctl_start(&r.standby_dir(), r.standby_port, "standby");
        r.wait_streaming();
        Some(r)
    }

    fn primary_dir(&self) -> PathBuf {
        self.dir.join("primary")
    }

    fn standby_dir(&self) -> PathBuf {
        self.dir.join("standby")
    }

    /// The primary's `postgres` database.
    pub fn primary_url(&self) -> String {
        format!(
            "postgres://postgres@127.0.0.1:{}/postgres",
            self.primary_port
        )
    }

    /// The standby's `postgres` database (read-only).
    pub fn standby_url(&self) -> String {
        format!(
            "postgres://postgres@127.0.0.1:{}/postgres",
            self.standby_port
        )
    }

    /// Stops the standby (fast shutdown): reads from it now fail.
    pub fn stop_standby(&self) {
        self.pg(&format!(
            "pg_ctl -D {} -m fast -w stop",
            self.standby_dir().display()
        ));
    }

    /// Starts the stopped standby again and waits until it streams.
    pub fn start_standby(&self) {
        self.pg_ctl_start(&self.standby_dir(), self.standby_port, "standby");
        self.wait_streaming();
    }

    /// A SQL statement on the standby through `psql` (to pause or resume its replay, say).
    pub fn on_standby(&self, sql: &str) -> String {
        let out = self.pg(&format!(
            "psql -h 127.0.0.1 -p {} -U postgres -d postgres -tAc \"{sql}\"",
            self.standby_port
        ));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    fn pg_ctl_start(&self, data: &Path, port: u16, name: &str) {
        self.pg(&format!(
            "pg_ctl -D {} -l {}/{name}.log -w -t 60 -o \"-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off\" start",
            data.display(),
            self.dir.display(),
            self.dir.display()
        ));
    }

    /// Waits (at most a minute) until the primary reports the standby streaming.
    fn wait_streaming(&self) {
        let start = Instant::now();
        loop {
            let out = self.pg(&format!(
                "psql -h 127.0.0.1 -p {} -U postgres -d postgres -tAc \"SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'\"",
                self.primary_port
            ));
            if String::from_utf8_lossy(&out.stdout).trim() == "1" {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "the standby did not start streaming within a minute"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// One of the server programs (`cmd` starts with its name) as a shell command, run as
    /// `postgres` when root.
    fn command(&self, cmd: &str) -> Command {
        let full = format!("{}/{cmd}", self.bin.display());
        let mut c = if self.as_postgres {
            let mut c = Command::new("su");
            c.args(["postgres", "-s", "/bin/sh", "-c", &full]);
            c
        } else {
            let mut c = Command::new("sh");
            c.args(["-c", &full]);
            c
        };
        c.current_dir(&self.dir);
        c
    }

    /// Runs one of the server programs; it must succeed.
    fn pg(&self, cmd: &str) -> Output {
        self.must(&mut self.command(cmd), cmd)
    }

    fn must(&self, c: &mut Command, what: &str) -> Output {
        let out = c.output().unwrap_or_else(|e| panic!("{what}: {e}"));
        assert!(
            out.status.success(),
            "{what} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }
}

impl Drop for StreamingReplica {
    fn drop(&mut self) {
        for d in [self.standby_dir(), self.primary_dir()] {
            if d.join("postmaster.pid").exists() {
                let _ = self
                    .command(&format!("pg_ctl -D {} -m immediate -w stop", d.display()))
                    .output();
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
