//! Where units and accounts are told (migration 0019): `channels`, and the office's rules of
//! what is sent and when, `notify_rules`.
//!
//! A channel's `secret` is what the application sealed (the full webhook URL with its key or
//! access token, a signing secret); the store keeps it as given and the audit log records only
//! that one was set, never its text.

use crate::error::StoreError;
use crate::tx::Tx;
use crate::{Store, on_pool, on_tx};
use minsheng_domain::{ChannelKind, NotifyRules, UnitId, UserId};
use serde_json::json;

/// Whose channel it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChannelOwner {
    /// A unit's: everyone who reports for it reads it (a group robot, a shared mailbox).
    Unit(UnitId),
    /// One account's own.
    Account(UserId),
}

/// A channel to add.
#[derive(Debug, Clone)]
pub struct NewChannel<'a> {
    /// Whose it is.
    pub owner: ChannelOwner,
    /// Its kind.
    pub kind: ChannelKind,
    /// What may be shown: the address, or the URL without its query.
    pub target: &'a str,
    /// What may not, sealed by the application.
    pub secret: Option<&'a str>,
    /// 钉钉's security keyword, which every message must contain.
    pub keyword: Option<&'a str>,
}

/// A channel as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredChannel {
    /// Its id.
    pub id: i64,
    /// Whose it is.
    pub owner: ChannelOwner,
    /// Its kind.
    pub kind: ChannelKind,
    /// What may be shown.
    pub target: String,
    /// The sealed secret, if any: never shown.
    pub secret: Option<String>,
    /// 钉钉's keyword.
    pub keyword: Option<String>,
    /// Whether messages are sent to it.
    pub enabled: bool,
    /// Consecutive failed deliveries.
    pub failures: i64,
    /// Why the last delivery failed.
    pub last_error: Option<String>,
}

#[derive(sqlx::FromRow)]
struct ChannelRow {
    id: i64,
    unit_id: Option<i64>,
    user_id: Option<i64>,
    kind: String,
    target: String,
    secret: Option<String>,
    keyword: Option<String>,
    enabled: bool,
    failures: i64,
    last_error: Option<String>,
}

impl ChannelRow {
    fn into_channel(self) -> Result<StoredChannel, StoreError> {
        let kind = ChannelKind::from_code(&self.kind).ok_or_else(|| StoreError::Corrupt {
            table: "channels",
            column: "kind",
            value: self.kind.clone(),
        })?;
        let owner = match (self.unit_id, self.user_id) {
            (Some(u), None) => ChannelOwner::Unit(UnitId(u)),
            (None, Some(a)) => ChannelOwner::Account(UserId(a)),
            _ => {
                return Err(StoreError::Corrupt {
                    table: "channels",
                    column: "unit_id",
                    value: format!("{:?}/{:?}", self.unit_id, self.user_id),
                });
            }
        };
        Ok(StoredChannel {
            id: self.id,
            owner,
            kind,
            target: self.target,
            secret: self.secret,
            keyword: self.keyword,
            enabled: self.enabled,
            failures: self.failures,
            last_error: self.last_error,
        })
    }
}

fn all(rows: Vec<ChannelRow>) -> Result<Vec<StoredChannel>, StoreError> {
    rows.into_iter().map(ChannelRow::into_channel).collect()
}

const COLUMNS: &str = "c.id, c.unit_id, c.user_id, c.kind, c.target, c.secret, c.keyword, c.enabled, c.failures, \
     c.last_error";

fn owner_ids(owner: ChannelOwner) -> (Option<i64>, Option<i64>) {
    match owner {
        ChannelOwner::Unit(u) => (Some(u.0), None),
        ChannelOwner::Account(a) => (None, Some(a.0)),
    }
}

#[derive(sqlx::FromRow)]
struct RulesRow {
    due_soon: bool,
    due_soon_days: i64,
    overdue: bool,
    awaiting_review: bool,
    review_days: i64,
    problem_overdue: bool,
    quiet_from: i64,
    quiet_to: i64,
}

impl Store {
    /// The channels of one unit or account, oldest first.
    pub async fn channels_of(&self, owner: ChannelOwner) -> Result<Vec<StoredChannel>, StoreError> {
        let (unit, user) = owner_ids(owner);
        let sql = format!(
            "SELECT {COLUMNS} FROM channels c
              WHERE (c.unit_id = $1 AND $1 IS NOT NULL) OR (c.user_id = $2 AND $2 IS NOT NULL)
              ORDER BY c.id"
        );
        let rows: Vec<ChannelRow> = on_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(unit).bind(user).fetch_all(p).await)?;
        all(rows)
    }

    /// Where a message for `unit` goes: its own enabled channels and those of its accounts
    /// that are not disabled, the unit's first.
    pub async fn channels_reaching(&self, unit: UnitId) -> Result<Vec<StoredChannel>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM channels c LEFT JOIN users u ON u.id = c.user_id
              WHERE c.enabled AND (c.unit_id = $1 OR (u.unit_id = $1 AND NOT u.disabled))
              ORDER BY c.user_id IS NOT NULL, c.id"
        );
        let rows: Vec<ChannelRow> = on_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(unit.0).fetch_all(p).await)?;
        all(rows)
    }

    /// Where a message for the office goes: the enabled channels of its accounts (role
    /// `office`, not disabled).
    pub async fn channels_of_office(&self) -> Result<Vec<StoredChannel>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM channels c JOIN users u ON u.id = c.user_id
              WHERE c.enabled AND u.role = 'office' AND NOT u.disabled ORDER BY c.id"
        );
        let rows: Vec<ChannelRow> = on_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .fetch_all(p).await)?;
        all(rows)
    }

    /// A channel by id.
    pub async fn channel(&self, id: i64) -> Result<Option<StoredChannel>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM channels c WHERE c.id = $1");
        let row: Option<ChannelRow> = on_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id).fetch_optional(p).await)?;
        row.map(ChannelRow::into_channel).transpose()
    }

    /// The channels that failed at least `failures` times in a row, most failures first.
    pub async fn failing_channels(&self, failures: i64) -> Result<Vec<StoredChannel>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM channels c WHERE c.failures >= $1
              ORDER BY c.failures DESC, c.id"
        );
        let rows: Vec<ChannelRow> = on_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(failures).fetch_all(p).await)?;
        all(rows)
    }

    /// The office's rules, or the defaults when it has set none.
    pub async fn notify_rules(&self) -> Result<NotifyRules, StoreError> {
        // language=SQL
        const SQL: &str = "SELECT due_soon, due_soon_days, overdue, awaiting_review, review_days,
                                  problem_overdue, quiet_from, quiet_to
                             FROM notify_rules WHERE id = 1";
        let row: Option<RulesRow> =
            on_pool!(self, p => sqlx::query_as(SQL).fetch_optional(p).await)?;
        let Some(r) = row else {
            return Ok(NotifyRules::default());
        };
        NotifyRules::new(
            [r.due_soon, r.overdue, r.awaiting_review, r.problem_overdue],
            r.due_soon_days,
            r.review_days,
            r.quiet_from,
            r.quiet_to,
        )
        .map_err(|e| StoreError::Corrupt {
            table: "notify_rules",
            column: "due_soon_days",
            value: e.to_string(),
        })
    }
}

impl Tx {
    /// Adds a channel, audited on entity `channel` (the secret only as "已设置").
    pub async fn add_channel(&mut self, c: &NewChannel<'_>) -> Result<i64, StoreError> {
        // language=SQL
        const SQL: &str = "INSERT INTO channels (unit_id, user_id, kind, target, secret, keyword,
                                                 enabled, failures, created_at)
                           VALUES ($1, $2, $3, $4, $5, $6, TRUE, 0, $7) RETURNING id";
        let (unit, user) = owner_ids(c.owner);
        let now = self.now.as_millisecond();
        let id: i64 = on_tx!(self, t => sqlx::query_scalar(SQL)
            .bind(unit).bind(user).bind(c.kind.code()).bind(c.target).bind(c.secret)
            .bind(c.keyword).bind(now).fetch_one(&mut *t).await)?;
        let after = json!({
            "unit_id": unit, "user_id": user, "kind": c.kind.code(), "target": c.target,
            "secret": c.secret.map(|_| "已设置"), "keyword": c.keyword,
        });
        self.audit("create", "channel", id, None, Some(after))
            .await?;
        Ok(id)
    }

    /// Deletes channel `id` of `owner`, audited; [`StoreError::NotFound`] when `owner` has no
    /// such channel.
    pub async fn delete_channel(&mut self, id: i64, owner: ChannelOwner) -> Result<(), StoreError> {
        // language=SQL
        const SQL: &str = "DELETE FROM channels
                            WHERE id = $1 AND (unit_id = $2 OR user_id = $3)
                           RETURNING kind, target";
        let (unit, user) = owner_ids(owner);
        let row: Option<(String, String)> = on_tx!(self, t => sqlx::query_as(SQL)
            .bind(id).bind(unit).bind(user).fetch_optional(&mut *t).await)?;
        let (kind, target) = row.ok_or(StoreError::NotFound {
            entity: "channel",
            id,
        })?;
        let before = json!({ "kind": kind, "target": target });
        self.audit("delete", "channel", id, Some(before), None)
            .await
    }

    /// Sets the office's rules, audited on entity `notify_rules`.
    pub async fn set_notify_rules(&mut self, r: &NotifyRules) -> Result<(), StoreError> {
        // language=SQL
        const SQL: &str = "INSERT INTO notify_rules (id, due_soon, due_soon_days, overdue,
                                  awaiting_review, review_days, problem_overdue, quiet_from,
                                  quiet_to, updated_by, updated_at)
                           VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                           ON CONFLICT (id) DO UPDATE SET due_soon = excluded.due_soon,
                                  due_soon_days = excluded.due_soon_days,
                                  overdue = excluded.overdue,
                                  awaiting_review = excluded.awaiting_review,
                                  review_days = excluded.review_days,
                                  problem_overdue = excluded.problem_overdue,
                                  quiet_from = excluded.quiet_from, quiet_to = excluded.quiet_to,
                                  updated_by = excluded.updated_by,
                                  updated_at = excluded.updated_at";
        let rule = r.reminder_rule();
        let (from, to) = r.quiet().unwrap_or((0, 0));
        let by = self.actor.name().to_string();
        let now = self.now.as_millisecond();
        on_tx!(self, t => sqlx::query(SQL)
            .bind(r.due_soon).bind(i64::from(rule.due_soon_days())).bind(r.overdue)
            .bind(r.awaiting_review).bind(i64::from(rule.review_days())).bind(r.problem_overdue)
            .bind(i64::from(from)).bind(i64::from(to)).bind(&by).bind(now)
            .execute(&mut *t).await.map(|r| r.rows_affected()))?;
        let after = json!({
            "due_soon": r.due_soon, "due_soon_days": rule.due_soon_days(), "overdue": r.overdue,
            "awaiting_review": r.awaiting_review, "review_days": rule.review_days(),
            "problem_overdue": r.problem_overdue, "quiet_from": from, "quiet_to": to,
        });
        self.audit("update", "notify_rules", 1, None, Some(after))
            .await
    }
}
