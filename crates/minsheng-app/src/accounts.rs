//! Accounts and signing in: argon2id password hashes, sign-in with throttling, and the
//! permission checks every use-case the pages call goes through.
//!
//! **Throttling, not locking.** Failed sign-ins are counted in the database (not in one
//! server's memory), so the rule holds across several servers; a failure is forgotten after
//! [`WINDOW_HOURS`]. Nothing is ever locked outright: each scope below lets some failures
//! pass, then makes the next attempt wait a delay that doubles with each further failure, up
//! to a cap ([`Throttle`]). An attempt that comes too soon is refused without checking the
//! password, saying how many seconds are left (HTTP 429 with `Retry-After`).
//!
//! | scope | free failures | first delay | cap |
//! |---|---|---|---|
//! | one name from one address ([`PER_PAIR`]) | 3 | 2 s | 15 min |
//! | one name from any address ([`PER_NAME`]) | 10 | 1 s | 30 s |
//! | one address as any name ([`PER_CLIENT`]) | 30 | 1 s | 30 s |
//!
//! So guessing one account's password from one address costs minutes per guess after a
//! dozen, while failures from elsewhere — a botnet against the name, or a colleague behind
//! the same proxy — slow the name or the address only moderately, and never from an address
//! the name has signed in from before ([`KNOWN_DAYS`]): the wider scopes do not apply there.
//! A sign-in that succeeds clears its own (name, address) count. The office can clear a
//! name's failures: `minsheng user unlock NAME` ([`unlock`]).

use crate::AppError;
use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use jiff::{SignedDuration, Timestamp, ToSpan};
use minsheng_domain::{Account, Action, Actor, Role, UnitId, UnitTree, UserId, check_account};
use minsheng_store::{Failures, Store, StoredAccount};
use std::sync::LazyLock;

/// How long a failed sign-in counts, in hours.
pub const WINDOW_HOURS: i64 = 24;
/// How long an address a name signed in from stays known to it, in days.
pub const KNOWN_DAYS: i64 = 90;

/// The delay rule of one scope: after `free` failures, each attempt waits `first` seconds
/// after the latest failure, doubled for each failure beyond `free`, at most `cap` seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttle {
    /// Failures that cost nothing.
    pub free: i64,
    /// The first delay, in seconds.
    pub first: i64,
    /// The longest delay, in seconds.
    pub cap: i64,
}

impl Throttle {
    /// The delay after `failures` failures, in seconds (0 while they are free).
    pub fn delay(&self, failures: i64) -> i64 {
        if failures < self.free {
            return 0;
        }
        let doublings = u32::try_from(failures - self.free)
            .unwrap_or(u32::MAX)
            .min(32);
        self.first.saturating_mul(1i64 << doublings).min(self.cap)
    }

    /// How many seconds from `now` until the next attempt may be made, given the scope's
    /// failures; 0 when it may be made now.
    pub fn wait(&self, f: Failures, now: Timestamp) -> i64 {
        let Some(last) = f.last else {
            return 0;
        };
        let allowed = last.saturating_add(SignedDuration::from_secs(self.delay(f.count)));
        match allowed {
            Ok(allowed) if allowed > now => {
                // Rounded up: "wait 0 seconds" is never said.
                let left = now.duration_until(allowed);
                left.as_secs() + i64::from(left.subsec_nanos() > 0)
            }
            _ => 0,
        }
    }
}

/// One name from one address.
pub const PER_PAIR: Throttle = Throttle {
    free: 3,
    first: 2,
    cap: 15 * 60,
};
/// One name from any address not known to it.
pub const PER_NAME: Throttle = Throttle {
    free: 10,
    first: 1,
    cap: 30,
};
/// One address, as any name it is not known to.
pub const PER_CLIENT: Throttle = Throttle {
    free: 30,
    first: 1,
    cap: 30,
};
/// The longest name recorded for a failure: no account's name is longer (64 characters), so
/// a longer one is cut rather than stored whole.
const MAX_RECORDED_NAME: usize = 64;
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

/// The account named `name`, or a refusal naming the field.
async fn existing(store: &Store, name: &str) -> Result<minsheng_store::StoredAccount, AppError> {
    store
        .account_by_name(name)
        .await?
        .ok_or_else(|| AppError::Invalid {
            field: "name".into(),
            reason: format!("账号“{name}”不存在 / no account '{name}'"),
        })
}

/// Replaces an account's password (signing it out everywhere).
pub async fn set_password(
    store: &Store,
    actor: &Actor,
    name: &str,
    password: &str,
) -> Result<(), AppError> {
    check_password(password)?;
    let stored = existing(store, name).await?;
    let hash = hash_blocking(password.to_string()).await?;
    let mut tx = store.begin(actor).await?;
    tx.set_password(stored.account.id, &hash).await?;
    tx.commit().await?;
    Ok(())
}

/// Signs in as `name` from `client` (an IP address) at `now`. Refuses a wrong name or
/// password alike, and any attempt made before its throttling delay has passed (see the
/// module docs), without checking the password.
pub async fn sign_in(
    store: &Store,
    name: &str,
    password: &str,
    client: &str,
    now: Timestamp,
) -> Result<Account, AppError> {
    let name: String = name.chars().take(MAX_RECORDED_NAME + 1).collect();
    let name = name.as_str();
    let window_start = now - WINDOW_HOURS.hours();
    let record = store
        .sign_in_record(name, client, window_start, now - (KNOWN_DAYS * 24).hours())
        .await?;
    let mut wait = PER_PAIR.wait(record.pair, now);
    if !record.known {
        wait = wait
            .max(PER_NAME.wait(record.name, now))
            .max(PER_CLIENT.wait(record.client, now));
    }
    if wait > 0 {
        return Err(AppError::SignInThrottled { seconds: wait });
    }
    let stored = if name.chars().count() > MAX_RECORDED_NAME {
        None
    } else {
        store.account_by_name(name).await?
    };
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
            store
                .record_sign_in_success(name, client, now, window_start)
                .await?;
            Ok(account)
        }
        _ => {
            store.record_sign_in_failure(name, client, now).await?;
            Err(AppError::SignInRefused)
        }
    }
}

/// Clears every failed sign-in as `name`, so it may sign in again at once from anywhere
/// (`minsheng user unlock`); audited. Returns how many failures were cleared.
pub async fn unlock(store: &Store, actor: &Actor, name: &str) -> Result<i64, AppError> {
    let stored = existing(store, name).await?;
    let mut tx = store.begin(actor).await?;
    let n = tx.clear_sign_in_failures(stored.account.id).await?;
    tx.commit().await?;
    Ok(n)
}

/// The account a session names, if it still exists and may sign in.
pub async fn active_account(store: &Store, id: UserId) -> Result<Option<Account>, AppError> {
    Ok(store
        .account(id)
        .await?
        .filter(|s| !s.disabled)
        .map(|s| s.account))
}

/// The account a session names, if it may still sign in, with the name of the unit it acts
/// for: what the frame shows ("长春市", never the login "220100").
pub async fn active_account_and_unit(
    store: &Store,
    id: UserId,
) -> Result<Option<(Account, Option<String>)>, AppError> {
    let Some(account) = active_account(store, id).await? else {
        return Ok(None);
    };
    let unit = match account.unit {
        Some(u) => Some(store.unit(u).await?.name),
        None => None,
    };
    Ok(Some((account, unit)))
}

/// Who each account is, as people call it: by login, the account's role and the name of the
/// unit it acts for. Pages show a unit's account by its unit ("长春市"), never by its login.
#[derive(Debug, Clone, Default)]
pub struct People(std::collections::HashMap<String, (Role, Option<String>)>);

impl People {
    /// The role and unit name of the account with login `name`, if there is one.
    pub fn get(&self, name: &str) -> Option<(Role, Option<&str>)> {
        self.0.get(name).map(|(r, u)| (*r, u.as_deref()))
    }
}

/// Every account's role and unit name, by login: for pages that name who did something.
pub async fn people(store: &Store) -> Result<People, AppError> {
    let tree = store.unit_tree().await?;
    Ok(People(
        store
            .accounts()
            .await?
            .into_iter()
            .map(|s| {
                let unit = s
                    .account
                    .unit
                    .and_then(|u| tree.get(u))
                    .map(|u| u.name.clone());
                (s.account.name, (s.account.role, unit))
            })
            .collect(),
    ))
}

/// Refuses unless `account` may do `action` at all: the domain's one table
/// ([`Account::may`]), answered as [`AppError::Forbidden`].
pub fn ensure(account: &Account, action: Action) -> Result<(), AppError> {
    account.may(action).map_err(|r| AppError::Forbidden {
        what: r.zh,
        what_en: r.en,
    })
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
