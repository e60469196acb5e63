//! Accounts and signing in: argon2id password hashes, sign-in with rate limiting, and the
//! permission checks every use-case the pages call goes through.
//!
//! Rate limiting counts failures in the database (not in one server's memory), so it holds
//! across several servers: after [`MAX_FAILURES_PER_NAME`] failures as one name, or
//! [`MAX_FAILURES_PER_CLIENT`] from one client, within [`WINDOW_MINUTES`], sign-in is refused
//! even with the right password until the window has passed.

use crate::AppError;
use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use jiff::{Timestamp, ToSpan};
use minsheng_domain::{Account, Actor, Role, UnitId, UnitTree, UserId, check_account};
use minsheng_store::{Store, StoredAccount};
use std::sync::LazyLock;

/// Failed sign-ins as one name that lock it for the window.
pub const MAX_FAILURES_PER_NAME: i64 = 5;
/// Failed sign-ins from one client (as any names) that lock it out for the window.
pub const MAX_FAILURES_PER_CLIENT: i64 = 20;
/// The window failures are counted over, in minutes.
pub const WINDOW_MINUTES: i64 = 15;
/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 8;

/// Hashes a password as an argon2id PHC string (`$argon2id$v=19$…`), with a fresh salt.
pub fn hash_password(password: &str) -> Result<String, AppError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AppError::Invalid {
            field: "password".into(),
            reason: format!("无法计算密码散列 / cannot hash the password: {e}"),
        })
}

/// Whether `password` matches the PHC string `hash`. A malformed hash matches nothing.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// A hash no password is known for, checked when the name is unknown so that an unknown name
/// takes as long to refuse as a wrong password.
static DECOY: LazyLock<String> = LazyLock::new(|| {
    hash_password("minsheng decoy: no account has this password").unwrap_or_else(|_| String::new())
});

/// Creates an account. `unit` names the unit by its full name or its code (GB/T 2260).
pub async fn add_account(
    store: &Store,
    actor: &Actor,
    name: &str,
    password: &str,
    role: Role,
    unit: Option<&str>,
) -> Result<UserId, AppError> {
    let unit_id = match unit {
        Some(u) => Some(find_unit(store, u).await?),
        None => None,
    };
    check_account(name, role, unit_id).map_err(|e| AppError::Invalid {
        field: if matches!(e, minsheng_domain::AccountError::BadName) {
            "name"
        } else {
            "unit"
        }
        .into(),
        reason: e.to_string(),
    })?;
    check_password(password)?;
    if store.account_by_name(name).await?.is_some() {
        return Err(AppError::Invalid {
            field: "name".into(),
            reason: format!("账号“{name}”已存在 / the account '{name}' exists already"),
        });
    }
    let hash = hash_blocking(password.to_string()).await?;
    let mut tx = store.begin(actor).await?;
    let id = tx.create_account(name, &hash, role, unit_id).await?;
    tx.commit().await?;
    Ok(id)
}

/// Replaces an account's password (signing it out everywhere).
pub async fn set_password(
    store: &Store,
    actor: &Actor,
    name: &str,
    password: &str,
) -> Result<(), AppError> {
    check_password(password)?;
    let stored = store
        .account_by_name(name)
        .await?
        .ok_or_else(|| AppError::Invalid {
            field: "name".into(),
            reason: format!("账号“{name}”不存在 / no account '{name}'"),
        })?;
    let hash = hash_blocking(password.to_string()).await?;
    let mut tx = store.begin(actor).await?;
    tx.set_password(stored.account.id, &hash).await?;
    tx.commit().await?;
    Ok(())
}

/// Signs in as `name` from `client` (an IP address) at `now`. Refuses a wrong name or
/// password alike, and anything once the name or client has failed too often lately.
pub async fn sign_in(
    store: &Store,
    name: &str,
    password: &str,
    client: &str,
    now: Timestamp,
) -> Result<Account, AppError> {
    let window_start = now - WINDOW_MINUTES.minutes();
    let (by_name, by_client) = store
        .sign_in_failures_since(name, client, window_start)
        .await?;
    if by_name >= MAX_FAILURES_PER_NAME || by_client >= MAX_FAILURES_PER_CLIENT {
        return Err(AppError::SignInThrottled {
            minutes: WINDOW_MINUTES,
        });
    }
    let stored = store.account_by_name(name).await?;
    let hash = stored
        .as_ref()
        .map_or_else(|| DECOY.clone(), |s| s.password_hash.clone());
    let matches = verify_blocking(password.to_string(), hash).await?;
    match stored {
        Some(StoredAccount {
            account,
            disabled: false,
            ..
        }) if matches => {
            store.clear_sign_in_failures(name, window_start).await?;
            Ok(account)
        }
        _ => {
            store.record_sign_in_failure(name, client, now).await?;
            Err(AppError::SignInRefused)
        }
    }
}

/// The account a session names, if it still exists and may sign in.
pub async fn active_account(store: &Store, id: UserId) -> Result<Option<Account>, AppError> {
    Ok(store
        .account(id)
        .await?
        .filter(|s| !s.disabled)
        .map(|s| s.account))
}

/// Refuses unless `account` may see `unit`'s data.
pub fn ensure_can_see(account: &Account, tree: &UnitTree, unit: UnitId) -> Result<(), AppError> {
    if account.can_see(tree, unit) {
        Ok(())
    } else {
        Err(AppError::Forbidden {
            what: "查看该单位的数据",
            what_en: "see this unit's data",
        })
    }
}

/// Refuses unless `account` may file reports and raise problems for `unit`.
pub fn ensure_can_report_for(
    account: &Account,
    tree: &UnitTree,
    unit: UnitId,
) -> Result<(), AppError> {
    if account.can_report_for(tree, unit) {
        Ok(())
    } else {
        Err(AppError::Forbidden {
            what: "为该单位填报",
            what_en: "report for this unit",
        })
    }
}

/// Refuses unless `account` is the coordinating office's.
pub fn ensure_office(account: &Account) -> Result<(), AppError> {
    if account.is_office() {
        Ok(())
    } else {
        Err(AppError::Forbidden {
            what: "执行牵头办公室的操作",
            what_en: "do what only the coordinating office does",
        })
    }
}

fn check_password(password: &str) -> Result<(), AppError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AppError::Invalid {
            field: "password".into(),
            reason: format!(
                "密码至少 {MIN_PASSWORD_CHARS} 个字符 / the password needs at least {MIN_PASSWORD_CHARS} characters"
            ),
        });
    }
    Ok(())
}

async fn find_unit(store: &Store, name_or_code: &str) -> Result<UnitId, AppError> {
    if let Some(u) = store.unit_by_name(name_or_code).await? {
        return Ok(u.id);
    }
    let units = store.units().await?;
    units
        .iter()
        .find(|u| u.code.as_deref() == Some(name_or_code))
        .map(|u| u.id)
        .ok_or_else(|| AppError::Invalid {
            field: "unit".into(),
            reason: format!(
                "没有名称或代码为“{name_or_code}”的单位 / no unit named or coded '{name_or_code}'"
            ),
        })
}

/// argon2 takes tens of milliseconds of CPU by design: keep it off the async workers.
pub(crate) async fn hash_blocking(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| AppError::Invalid {
            field: "password".into(),
            reason: format!("密码散列中断 / hashing was interrupted: {e}"),
        })?
}

async fn verify_blocking(password: String, hash: String) -> Result<bool, AppError> {
    Ok(
        tokio::task::spawn_blocking(move || verify_password(&password, &hash))
            .await
            .unwrap_or(false),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_is_argon2id_salted_and_verifies_only_its_password() {
        let a = hash_password("长春市 secret 1").unwrap();
        let b = hash_password("长春市 secret 1").unwrap();
        assert!(a.starts_with("$argon2id$"), "{a}");
        assert_ne!(a, b, "each hash has its own salt");
        assert!(verify_password("长春市 secret 1", &a));
        assert!(!verify_password("长春市 secret 2", &a));
        assert!(!verify_password("anything", "not a phc string"));
    }
}
