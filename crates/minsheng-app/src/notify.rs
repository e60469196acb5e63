//! Delivering a message through a channel (issue #17): e-mail over SMTP (lettre: STARTTLS,
//! implicit TLS or plain, as the office's `smtp://` / `smtps://` URL says; HTML and plain
//! text), a 企业微信 group robot, a 钉钉 custom robot (signed, with its keyword) and a generic
//! signed webhook, over hyper-util's client with rustls.
//!
//! Every send carries the message's key — the mail's `Message-ID`, the webhook's
//! `Idempotency-Key` header — so a receiver can recognise a message sent again after a worker
//! died between sending and recording it (see `jobs`). The robots have no such field: for
//! them that window can repeat a message.
//!
//! Channels are added through [`add_channel`], which refuses a URL that is not http(s), an
//! address that does not parse, a robot URL without its key or token; secrets are sealed
//! ([`Sealer`]) before they reach the store and never shown back.

mod seal;
mod send;

pub use seal::Sealer;
pub use send::{Message, Notifier, SendError, SmtpSettings};

use crate::accounts::ensure;
use crate::error::AppError;
use minsheng_domain::{Account, Action, ChannelKind, NotifyRules, Role};
pub use minsheng_store::{ChannelOwner, StoredChannel};
use minsheng_store::{NewChannel, Store};

/// A channel as a person typed it.
#[derive(Debug, Clone, Default)]
pub struct ChannelInput {
    /// `email`, `wecom`, `dingtalk` or `webhook`.
    pub kind: String,
    /// The address, or the webhook URL.
    pub target: String,
    /// 钉钉's signing secret (SEC…), or the generic webhook's HMAC secret.
    pub secret: String,
    /// 钉钉's security keyword.
    pub keyword: String,
}

fn invalid(field: &str, reason: impl Into<String>) -> AppError {
    AppError::Invalid {
        field: field.into(),
        reason: reason.into(),
    }
}

/// What a channel's sealed secret holds: the full URL and, for 钉钉 and the generic webhook,
/// the signing secret, one a line.
pub(crate) fn secret_parts(text: &str) -> (&str, Option<&str>) {
    match text.split_once('\n') {
        Some((url, s)) => (url, Some(s)),
        None => (text, None),
    }
}

/// Checks a channel as typed: its kind, an address that parses or an http(s) URL with what
/// its kind needs. Returns the kind, what may be shown, and the secret to seal.
pub fn check_channel(
    input: &ChannelInput,
) -> Result<(ChannelKind, String, Option<String>), AppError> {
    let kind = ChannelKind::from_code(input.kind.trim()).ok_or_else(|| {
        invalid(
            "kind",
            format!(
                "未知的渠道类型“{}” / unknown channel kind '{}'",
                input.kind, input.kind
            ),
        )
    })?;
    let target = input.target.trim();
    let secret = input.secret.trim();
    if kind == ChannelKind::Email {
        let address: lettre::Address = target.parse().map_err(|e| {
            invalid(
                "target",
                format!(
                    "电子邮件地址“{target}”无法识别({e}) / '{target}' is not an e-mail address"
                ),
            )
        })?;
        return Ok((kind, address.to_string(), None));
    }
    let url = url::Url::parse(target).map_err(|e| {
        invalid(
            "target",
            format!("网址“{target}”无法识别({e}) / '{target}' is not a URL"),
        )
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(invalid(
            "target",
            format!(
                "网址须以 http:// 或 https:// 开头 / the URL must be http or https, not '{}'",
                url.scheme()
            ),
        ));
    }
    let has = |name: &str| url.query_pairs().any(|(k, v)| k == name && !v.is_empty());
    match kind {
        ChannelKind::WeCom if !has("key") => {
            return Err(invalid(
                "target",
                "企业微信机器人网址须含 key 参数 / a WeCom robot URL carries its key=",
            ));
        }
        ChannelKind::DingTalk if !has("access_token") => {
            return Err(invalid(
                "target",
                "钉钉机器人网址须含 access_token 参数 / a DingTalk robot URL carries its access_token=",
            ));
        }
        ChannelKind::Webhook if secret.is_empty() => {
            return Err(invalid(
                "secret",
                "通用 Webhook 须设置签名密钥 / a generic webhook needs its signing secret",
            ));
        }
        _ => {}
    }
    let mut shown = url.clone();
    shown.set_query(None);
    shown.set_fragment(None);
    let _ = shown.set_password(None);
    let sealed = if secret.is_empty() {
        url.to_string()
    } else {
        format!("{url}\n{secret}")
    };
    Ok((kind, shown.to_string(), Some(sealed)))
}

/// Whether `account` may set the channels of `owner`: its own account's; a unit's when it
/// reports for the unit; the office any unit's.
pub async fn ensure_may_set(
    store: &Store,
    account: &Account,
    owner: ChannelOwner,
) -> Result<(), AppError> {
    ensure(account, Action::SetChannels)?;
    match owner {
        ChannelOwner::Account(id) if id == account.id => Ok(()),
        ChannelOwner::Account(_) => Err(AppError::Forbidden {
            what: "设置他人的通知渠道",
            what_en: "set someone else's channels",
        }),
        ChannelOwner::Unit(_) if account.role == Role::Office => Ok(()),
        ChannelOwner::Unit(unit) => {
            let tree = store.unit_tree().await?;
            if account.can_report_for(&tree, unit) {
                Ok(())
            } else {
                Err(AppError::Forbidden {
                    what: "设置该单位的通知渠道",
                    what_en: "set this unit's channels",
                })
            }
        }
    }
}

/// Adds a channel for `owner`, checked ([`check_channel`]) and its secret sealed, in one
/// audited transaction. Without a sealer (no key configured) a channel with a secret is
/// refused, never stored in the clear.
pub async fn add_channel(
    store: &Store,
    sealer: Option<&Sealer>,
    account: &Account,
    owner: ChannelOwner,
    input: &ChannelInput,
) -> Result<i64, AppError> {
    ensure_may_set(store, account, owner).await?;
    let (kind, target, secret) = check_channel(input)?;
    let sealed = match (secret, sealer) {
        (None, _) => None,
        (Some(s), Some(sealer)) => Some(sealer.seal(&s)?),
        (Some(_), None) => {
            return Err(invalid(
                "secret",
                "服务器未配置 secret_key,无法加密保存机器人网址和密钥 / no secret_key is \
                 configured, so robot URLs and secrets cannot be stored",
            ));
        }
    };
    let keyword = input.keyword.trim();
    if kind == ChannelKind::DingTalk && keyword.chars().count() > 20 {
        return Err(invalid(
            "keyword",
            "关键词最多20个字 / the keyword is at most 20 characters",
        ));
    }
    let mut tx = store
        .begin(&minsheng_domain::Actor::new(&account.name))
        .await?;
    let id = tx
        .add_channel(&NewChannel {
            owner,
            kind,
            target: &target,
            secret: sealed.as_deref(),
            keyword: (kind == ChannelKind::DingTalk && !keyword.is_empty()).then_some(keyword),
        })
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// Deletes a channel of `owner`, audited.
pub async fn delete_channel(
    store: &Store,
    account: &Account,
    owner: ChannelOwner,
    id: i64,
) -> Result<(), AppError> {
    ensure_may_set(store, account, owner).await?;
    let mut tx = store
        .begin(&minsheng_domain::Actor::new(&account.name))
        .await?;
    tx.delete_channel(id, owner).await?;
    tx.commit().await?;
    Ok(())
}

/// The channels of `owner`, for one who may set them.
pub async fn channels(
    store: &Store,
    account: &Account,
    owner: ChannelOwner,
) -> Result<Vec<StoredChannel>, AppError> {
    ensure_may_set(store, account, owner).await?;
    Ok(store.channels_of(owner).await?)
}

/// The office's rules (the defaults when none were set).
pub async fn rules(store: &Store, account: &Account) -> Result<NotifyRules, AppError> {
    ensure(account, Action::ManageJobs)?;
    Ok(store.notify_rules().await?)
}

/// Sets the office's rules, audited.
pub async fn set_rules(
    store: &Store,
    account: &Account,
    rules: &NotifyRules,
) -> Result<(), AppError> {
    ensure(account, Action::ManageJobs)?;
    let mut tx = store
        .begin(&minsheng_domain::Actor::new(&account.name))
        .await?;
    tx.set_notify_rules(rules).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(kind: &str, target: &str, secret: &str) -> ChannelInput {
        ChannelInput {
            kind: kind.into(),
            target: target.into(),
            secret: secret.into(),
            keyword: String::new(),
        }
    }

    #[test]
    fn bad_addresses_and_urls_are_refused_by_field() {
        let field = |i: &ChannelInput| match check_channel(i) {
            Err(AppError::Invalid { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(field(&input("email", "not an address", "")), "target");
        assert_eq!(field(&input("wecom", "ftp://x/send?key=1", "")), "target");
        assert_eq!(field(&input("wecom", "https://x/send", "")), "target");
        assert_eq!(
            field(&input("dingtalk", "https://x/robot/send", "")),
            "target"
        );
        assert_eq!(field(&input("webhook", "https://x/hook", "")), "secret");
        assert_eq!(field(&input("sms", "https://x", "")), "kind");
    }

    #[test]
    fn what_is_shown_has_no_secret() {
        let (kind, shown, secret) = check_channel(&input(
            "wecom",
            "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc-123",
            "",
        ))
        .unwrap();
        assert_eq!(kind, ChannelKind::WeCom);
        assert_eq!(shown, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send");
        assert!(secret.unwrap().contains("key=abc-123"));
        let (_, shown, _) = check_channel(&input("email", " 办公室@example.cn ", "")).unwrap();
        assert_eq!(shown, "办公室@example.cn");
    }
}
