//! `minsheng user add|passwd|list|unlock`: accounts for the office, the units and the leaders.
//!
//! The password is asked for at the terminal without echo (twice, to catch a typo), or read
//! as one line from standard input with `--password-stdin` for scripts. It is never a flag, so
//! it stays out of shell history and the process list.

use crate::config;
use anyhow::{Context, anyhow, bail};
use clap::{Args, Subcommand};
use minsheng_app::accounts;
use minsheng_domain::{Actor, Role};
use std::io::BufRead;
use std::path::Path;

/// `minsheng user …`
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// 新建账号 / add an account
    Add(AddArgs),
    /// 修改密码(并使该账号所有会话失效) / change a password (signing the account out everywhere)
    Passwd(PasswdArgs),
    /// 列出账号 / list the accounts
    List(config::DbArgs),
    /// 清除登录失败记录,可立即再登录 / clear an account's failed sign-ins so it may sign in at once
    Unlock(UnlockArgs),
}

/// `minsheng user unlock NAME`
#[derive(Debug, Args)]
pub struct UnlockArgs {
    /// 账号名 / the account
    pub name: String,
    #[command(flatten)]
    pub db: config::DbArgs,
}

/// The roles as typed on the command line: every [`Role::ALL`] by its code, each with its
/// name as help, so a new role is offered here without touching this file.
fn role_parser() -> impl clap::builder::TypedValueParser<Value = Role> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(Role::ALL.map(|r| {
        clap::builder::PossibleValue::new(r.code()).help(format!(
            "{} / {}",
            r.label_zh(),
            r.label_en()
        ))
    }))
    .map(|code| Role::from_code(&code).expect("a code of Role::ALL"))
}

/// `minsheng user add NAME --role office|unit|viewer [--unit UNIT]`
#[derive(Debug, Args)]
pub struct AddArgs {
    /// 账号名(登录名,也记入审计日志) / the sign-in name (also recorded in the audit log)
    pub name: String,
    /// 角色 / role
    #[arg(long, value_parser = role_parser())]
    pub role: Role,
    /// 所属单位:全称或行政区划代码;责任单位必填,领导可选(只看该单位及下级) / the unit, by full
    /// name or code: required for a unit, optional for a viewer (who then sees that subtree only)
    #[arg(long, value_name = "UNIT")]
    pub unit: Option<String>,
    /// 从标准输入读取一行作为密码 / read the password as one line from standard input
    #[arg(long)]
    pub password_stdin: bool,
    #[command(flatten)]
    pub db: config::DbArgs,
}

/// `minsheng user passwd NAME`
#[derive(Debug, Args)]
pub struct PasswdArgs {
    /// 账号名 / the account
    pub name: String,
    /// 从标准输入读取一行作为密码 / read the password as one line from standard input
    #[arg(long)]
    pub password_stdin: bool,
    #[command(flatten)]
    pub db: config::DbArgs,
}

/// Runs a `user` command.
pub async fn run(config_file: Option<&Path>, cmd: UserCommand) -> anyhow::Result<()> {
    let actor = Actor::system("cli");
    match cmd {
        UserCommand::Add(a) => {
            let password = read_password(a.password_stdin)?;
            let cfg = config::load(config_file, &a.db.db, &None)?;
            let store = crate::report_import::open_existing(&cfg.database_url).await?;
            let role = a.role;
            let added =
                accounts::add_account(&store, &actor, &a.name, &password, role, a.unit.as_deref())
                    .await;
            store.close().await;
            added?;
            println!(
                "已新建账号 {}({}) / added the account {} ({})",
                a.name,
                role.label_zh(),
                a.name,
                role.label_en()
            );
        }
        UserCommand::Passwd(a) => {
            let password = read_password(a.password_stdin)?;
            let cfg = config::load(config_file, &a.db.db, &None)?;
            let store = crate::report_import::open_existing(&cfg.database_url).await?;
            let changed = accounts::set_password(&store, &actor, &a.name, &password).await;
            store.close().await;
            changed?;
            println!(
                "已修改 {} 的密码,其所有会话已失效 / changed the password of {}; its sessions are ended",
                a.name, a.name
            );
        }
        UserCommand::Unlock(a) => {
            let cfg = config::load(config_file, &a.db.db, &None)?;
            let store = crate::report_import::open_existing(&cfg.database_url).await?;
            let cleared = accounts::unlock(&store, &actor, &a.name).await;
            store.close().await;
            let n = cleared?;
            println!(
                "已清除 {} 的 {n} 次登录失败记录 / cleared {n} failed sign-ins of {}",
                a.name, a.name
            );
        }
        UserCommand::List(db) => {
            let cfg = config::load(config_file, &db.db, &None)?;
            let store = crate::report_import::open_existing(&cfg.database_url).await?;
            let listed = list(&store).await;
            store.close().await;
            print!("{}", listed?);
        }
    }
    Ok(())
}

async fn list(store: &minsheng_store::Store) -> anyhow::Result<String> {
    let units = store.units().await?;
    let mut out = String::from("账号 / name\t角色 / role\t单位 / unit\t状态 / state\n");
    for a in store.accounts().await? {
        let unit = a
            .account
            .unit
            .and_then(|u| units.iter().find(|x| x.id == u))
            .map_or("—", |u| u.name.as_str());
        out.push_str(&format!(
            "{}\t{}\t{}\t{}\n",
            a.account.name,
            a.account.role.code(),
            unit,
            if a.disabled {
                "停用 / disabled"
            } else {
                "启用 / active"
            }
        ));
    }
    Ok(out)
}

fn read_password(from_stdin: bool) -> anyhow::Result<String> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("读取标准输入 / reading standard input")?;
        let pw = line.trim_end_matches(['\r', '\n']).to_string();
        if pw.is_empty() {
            bail!("标准输入中没有密码 / no password on standard input");
        }
        return Ok(pw);
    }
    if !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        bail!(
            "没有终端可输入密码;请用 --password-stdin 从标准输入提供 / no terminal to type the password at: give it on standard input with --password-stdin"
        );
    }
    let first = rpassword::prompt_password("密码 / password: ")?;
    let again = rpassword::prompt_password("再输入一次 / again: ")?;
    if first != again {
        return Err(anyhow!("两次输入的密码不一致 / the passwords differ"));
    }
    Ok(first)
}
