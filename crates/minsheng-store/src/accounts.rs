//! Accounts, server-side sessions and failed sign-ins (migration 0007).
//!
//! Account changes are audited like any other write (the password hash never appears in the
//! log, only that it was set). Sessions and sign-in failures are bookkeeping of the web layer:
//! single-statement writes, not audited.

use crate::error::StoreError;
use crate::tx::Tx;
use crate::{Store, on_pool, on_tx, on_write};
use jiff::Timestamp;
use jiff_sqlx::ToSqlx;
use minsheng_domain::{Account, Role, UnitId, UserId};
use serde_json::json;

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    name: String,
    password_hash: String,
    role: String,
    unit_id: Option<i64>,
    disabled: bool,
}

/// An account as stored, with what signing in needs.
#[derive(Debug, Clone)]
pub struct StoredAccount {
    /// The account.
    pub account: Account,
    /// Its password, as an argon2id PHC string.
    pub password_hash: String,
    /// A disabled account cannot sign in.
    pub disabled: bool,
}

impl UserRow {
    fn into_stored(self) -> Result<StoredAccount, StoreError> {
        let role = Role::from_code(&self.role).ok_or(StoreError::Corrupt {
            table: "users",
            column: "role",
            value: self.role.clone(),
        })?;
        Ok(StoredAccount {
            account: Account {
                id: UserId(self.id),
                name: self.name,
                role,
                unit: self.unit_id.map(UnitId),
            },
            password_hash: self.password_hash,
            disabled: self.disabled,
        })
    }
}

impl Store {
    /// The account signing in as `name`, if there is one.
    pub async fn account_by_name(&self, name: &str) -> Result<Option<StoredAccount>, StoreError> {
        // language=SQL
        const SQL: &str =
            "SELECT id, name, password_hash, role, unit_id, disabled FROM users WHERE name = $1";
        let row: Option<UserRow> =
            on_pool!(self, p => sqlx::query_as(SQL).bind(name).fetch_optional(p).await)?;
        row.map(UserRow::into_stored).transpose()
    }

    /// The account with this id, if there is one.
    pub async fn account(&self, id: UserId) -> Result<Option<StoredAccount>, StoreError> {
        // language=SQL
        const SQL: &str =
            "SELECT id, name, password_hash, role, unit_id, disabled FROM users WHERE id = $1";
        let row: Option<UserRow> =
            on_pool!(self, p => sqlx::query_as(SQL).bind(id.0).fetch_optional(p).await)?;
        row.map(UserRow::into_stored).transpose()
    }

    /// Every account, by name.
    pub async fn accounts(&self) -> Result<Vec<StoredAccount>, StoreError> {
        // language=SQL
        const SQL: &str =
            "SELECT id, name, password_hash, role, unit_id, disabled FROM users ORDER BY name";
        let rows: Vec<UserRow> = on_pool!(self, p => sqlx::query_as(SQL).fetch_all(p).await)?;
        rows.into_iter().map(UserRow::into_stored).collect()
    }

    /// A session's data and expiry (Unix seconds), if it exists and has not expired at `now`.
    pub async fn session_load(
        &self,
        id: &str,
        now: i64,
    ) -> Result<Option<(Vec<u8>, i64)>, StoreError> {
        // language=SQL
        const SQL: &str = "SELECT data, expires_at FROM sessions WHERE id = $1 AND expires_at > $2";
        Ok(on_pool!(self, p => sqlx::query_as(SQL).bind(id).bind(now).fetch_optional(p).await)?)
    }

    /// Creates a session; `Ok(false)` if the id is taken (the caller draws another).
    pub async fn session_create(
        &self,
        id: &str,
        user: Option<UserId>,
        data: &[u8],
        expires_at: i64,
    ) -> Result<bool, StoreError> {
        // language=SQL
        const SQL: &str =
            "INSERT INTO sessions (id, user_id, data, expires_at) VALUES ($1, $2, $3, $4)
                           ON CONFLICT (id) DO NOTHING";
        let n = on_write!(self, p => sqlx::query(SQL).bind(id).bind(user.map(|u| u.0)).bind(data)
            .bind(expires_at).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Creates or replaces a session.
    pub async fn session_save(
        &self,
        id: &str,
        user: Option<UserId>,
        data: &[u8],
        expires_at: i64,
    ) -> Result<(), StoreError> {
        // language=SQL
        const SQL: &str =
            "INSERT INTO sessions (id, user_id, data, expires_at) VALUES ($1, $2, $3, $4)
                           ON CONFLICT (id) DO UPDATE SET user_id = excluded.user_id,
                               data = excluded.data, expires_at = excluded.expires_at";
        on_write!(self, p => sqlx::query(SQL).bind(id).bind(user.map(|u| u.0)).bind(data)
            .bind(expires_at).execute(p).await.map(|_| ()))?;
        Ok(())
    }

    /// Deletes a session (signing out).
    pub async fn session_delete(&self, id: &str) -> Result<(), StoreError> {
        // language=SQL
        const SQL: &str = "DELETE FROM sessions WHERE id = $1";
        on_write!(self, p => sqlx::query(SQL).bind(id).execute(p).await.map(|_| ()))?;
        Ok(())
    }

    /// Deletes the sessions that expired before `now` (Unix seconds); returns how many.
    pub async fn sessions_delete_expired(&self, now: i64) -> Result<u64, StoreError> {
        // language=SQL
        const SQL: &str = "DELETE FROM sessions WHERE expires_at <= $1";
        Ok(
            on_write!(self, p => sqlx::query(SQL).bind(now).execute(p).await.map(|r| r.rows_affected()))?,
        )
    }

    /// Records a failed sign-in as `name` from `client` at `at`.
    pub async fn record_sign_in_failure(
        &self,
        name: &str,
        client: &str,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        // language=SQL
        const SQL: &str = "INSERT INTO sign_in_failures (name, client, at) VALUES ($1, $2, $3)";
        on_write!(self, p => sqlx::query(SQL).bind(name).bind(client).bind(at.to_sqlx())
            .execute(p).await.map(|_| ()))?;
        Ok(())
    }

    /// What throttling a sign-in as `name` from `client` needs: the failures since `since`
    /// for the pair, for the name (from anywhere) and for the client (as anyone), each with
    /// the time of its latest; and whether the name signed in from this client since
    /// `known_since`.
    pub async fn sign_in_record(
        &self,
        name: &str,
        client: &str,
        since: Timestamp,
        known_since: Timestamp,
    ) -> Result<SignInRecord, StoreError> {
        // language=SQL
        const FAILURES: &str = "SELECT
                COALESCE(SUM(CASE WHEN name = $1 AND client = $2 THEN 1 ELSE 0 END), 0),
                MAX(CASE WHEN name = $1 AND client = $2 THEN at END),
                COALESCE(SUM(CASE WHEN name = $1 THEN 1 ELSE 0 END), 0),
                MAX(CASE WHEN name = $1 THEN at END),
                COALESCE(SUM(CASE WHEN client = $2 THEN 1 ELSE 0 END), 0),
                MAX(CASE WHEN client = $2 THEN at END)
            FROM sign_in_failures WHERE (name = $1 OR client = $2) AND at > $3";
        // language=SQL
        const KNOWN: &str = "SELECT COUNT(*) FROM sign_in_known_clients
                             WHERE name = $1 AND client = $2 AND last_at > $3";
        type Row = (
            i64,
            Option<jiff_sqlx::Timestamp>,
            i64,
            Option<jiff_sqlx::Timestamp>,
            i64,
            Option<jiff_sqlx::Timestamp>,
        );
        let row: Row = on_pool!(self, p => sqlx::query_as(FAILURES).bind(name).bind(client)
            .bind(since.to_sqlx()).fetch_one(p).await)?;
        let known: i64 = on_pool!(self, p => sqlx::query_scalar(KNOWN).bind(name).bind(client)
            .bind(known_since.to_sqlx()).fetch_one(p).await)?;
        let failures = |count: i64, last: Option<jiff_sqlx::Timestamp>| Failures {
            count,
            last: last.map(|t| t.to_jiff()),
        };
        Ok(SignInRecord {
            pair: failures(row.0, row.1),
            name: failures(row.2, row.3),
            client: failures(row.4, row.5),
            known: known > 0,
        })
    }

    /// A successful sign-in as `name` from `client` at `at`: forgets the pair's failures and
    /// every failure from before `before` (housekeeping), and remembers the client as one the
    /// name uses.
    pub async fn record_sign_in_success(
        &self,
        name: &str,
        client: &str,
        at: Timestamp,
        before: Timestamp,
    ) -> Result<(), StoreError> {
        // language=SQL
        const FORGET: &str =
            "DELETE FROM sign_in_failures WHERE (name = $1 AND client = $2) OR at <= $3";
        // language=SQL
        const KNOWN: &str = "INSERT INTO sign_in_known_clients (name, client, last_at)
                             VALUES ($1, $2, $3)
                             ON CONFLICT (name, client) DO UPDATE SET last_at = excluded.last_at";
        on_write!(self, p => sqlx::query(FORGET).bind(name).bind(client).bind(before.to_sqlx())
            .execute(p).await.map(|_| ()))?;
        on_write!(self, p => sqlx::query(KNOWN).bind(name).bind(client).bind(at.to_sqlx())
            .execute(p).await.map(|_| ()))?;
        Ok(())
    }
}

/// Failed sign-ins of one scope (a name and address, a name, an address) in a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Failures {
    /// How many.
    pub count: i64,
    /// When the latest was.
    pub last: Option<Timestamp>,
}

/// What throttling one sign-in attempt needs ([`Store::sign_in_record`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SignInRecord {
    /// Failures as this name from this address.
    pub pair: Failures,
    /// Failures as this name from any address.
    pub name: Failures,
    /// Failures from this address as any name.
    pub client: Failures,
    /// Whether the name has signed in from this address lately.
    pub known: bool,
}

impl Tx {
    /// Creates an account. The audit log records the name, role and unit, not the hash.
    pub async fn create_account(
        &mut self,
        name: &str,
        password_hash: &str,
        role: Role,
        unit: Option<UnitId>,
    ) -> Result<UserId, StoreError> {
        // language=SQL
        const SQL: &str =
            "INSERT INTO users (name, password_hash, role, unit_id, disabled, created_at)
                           VALUES ($1, $2, $3, $4, FALSE, $5) RETURNING id";
        let now = self.now.to_sqlx();
        let id: i64 = on_tx!(self, c => sqlx::query_scalar(SQL)
            .bind(name).bind(password_hash).bind(role.code()).bind(unit.map(|u| u.0)).bind(now)
            .fetch_one(&mut *c).await)?;
        let after = json!({ "name": name, "role": role.code(), "unit_id": unit.map(|u| u.0) });
        self.audit("create", "user", id, None, Some(after)).await?;
        Ok(UserId(id))
    }

    /// Replaces an account's password and signs it out everywhere.
    pub async fn set_password(
        &mut self,
        id: UserId,
        password_hash: &str,
    ) -> Result<(), StoreError> {
        // language=SQL
        const SQL: &str = "UPDATE users SET password_hash = $2 WHERE id = $1";
        // language=SQL
        const SIGN_OUT: &str = "DELETE FROM sessions WHERE user_id = $1";
        let n = on_tx!(self, c => sqlx::query(SQL).bind(id.0).bind(password_hash)
            .execute(&mut *c).await.map(|r| r.rows_affected()))?;
        if n == 0 {
            return Err(StoreError::NotFound {
                entity: "user",
                id: id.0,
            });
        }
        on_tx!(self, c => sqlx::query(SIGN_OUT).bind(id.0).execute(&mut *c).await.map(|_| ()))?;
        self.audit(
            "set_password",
            "user",
            id.0,
            None,
            Some(json!({ "password": "(changed)" })),
        )
        .await
    }

    /// Clears every failed sign-in as the account's name (`minsheng user unlock`), audited
    /// with how many there were; returns that number.
    pub async fn clear_sign_in_failures(&mut self, id: UserId) -> Result<i64, StoreError> {
        // language=SQL
        const NAME: &str = "SELECT name FROM users WHERE id = $1";
        // language=SQL
        const COUNT: &str = "SELECT COUNT(*) FROM sign_in_failures WHERE name = $1";
        // language=SQL
        const CLEAR: &str = "DELETE FROM sign_in_failures WHERE name = $1";
        let name: Option<String> = on_tx!(self, c => sqlx::query_scalar(NAME).bind(id.0)
            .fetch_optional(&mut *c).await)?;
        let name = name.ok_or(StoreError::NotFound {
            entity: "user",
            id: id.0,
        })?;
        let n: i64 = on_tx!(self, c => sqlx::query_scalar(COUNT).bind(&name)
            .fetch_one(&mut *c).await)?;
        on_tx!(self, c => sqlx::query(CLEAR).bind(&name).execute(&mut *c).await.map(|_| ()))?;
        self.audit(
            "unlock",
            "user",
            id.0,
            Some(json!({ "sign_in_failures": n })),
            Some(json!({ "sign_in_failures": 0 })),
        )
        .await?;
        Ok(n)
    }

    /// Disables or re-enables an account; disabling signs it out everywhere.
    pub async fn set_account_disabled(
        &mut self,
        id: UserId,
        disabled: bool,
    ) -> Result<(), StoreError> {
        // language=SQL
        const SQL: &str = "UPDATE users SET disabled = $2 WHERE id = $1";
        // language=SQL
        const SIGN_OUT: &str = "DELETE FROM sessions WHERE user_id = $1";
        let n = on_tx!(self, c => sqlx::query(SQL).bind(id.0).bind(disabled)
            .execute(&mut *c).await.map(|r| r.rows_affected()))?;
        if n == 0 {
            return Err(StoreError::NotFound {
                entity: "user",
                id: id.0,
            });
        }
        if disabled {
            on_tx!(self, c => sqlx::query(SIGN_OUT).bind(id.0).execute(&mut *c).await.map(|_| ()))?;
        }
        self.audit(
            "set_disabled",
            "user",
            id.0,
            Some(json!({ "disabled": !disabled })),
            Some(json!({ "disabled": disabled })),
        )
        .await
    }
}
