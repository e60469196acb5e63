//! Sending one message through one channel.

use super::{Sealer, secret_parts};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use minsheng_domain::ChannelKind;
use minsheng_domain::notify::{RateWindow, split_utf8};
use minsheng_store::StoredChannel;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

/// 企业微信: a markdown message's content is at most 2048 bytes.
pub const WECOM_MAX_BYTES: usize = 2048;
/// 企业微信 and 钉钉: at most 20 messages a minute per robot.
pub const ROBOT_PER_MINUTE: usize = 20;

/// A message to deliver.
#[derive(Debug, Clone)]
pub struct Message {
    /// Its key: the same every time this message is sent (job key @ channel).
    pub key: String,
    /// The subject (the mail's, the markdown's title).
    pub subject: String,
    /// Plain text, Chinese.
    pub text: String,
    /// HTML, Chinese (the mail's other part).
    pub html: String,
}

/// Why a send did not happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// It failed: the reason, recorded on the delivery and the channel.
    Failed(String),
    /// Not now: a robot's rate limit; try again after so many seconds. Not a failure.
    Later(i64),
}

/// The office's mail server.
#[derive(Debug, Clone)]
pub struct SmtpSettings {
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS), `smtps://…:465` (implicit TLS),
    /// `smtp://host:25` (plain, for a local relay): lettre's URL form.
    pub url: String,
    /// The sender, such as `民生实事办公室 <office@example.cn>`.
    pub from: String,
}

type Https = hyper_rustls::HttpsConnector<HttpConnector>;

/// Sends messages: the mail transport, the HTTP client, the sealer that opens channel secrets,
/// and each robot's send times in this process.
pub struct Notifier {
    smtp: Option<(AsyncSmtpTransport<Tokio1Executor>, Mailbox)>,
    sealer: Option<std::sync::Arc<Sealer>>,
    http: Client<Https, Full<Bytes>>,
    timeout: Duration,
    robots: Mutex<HashMap<i64, RateWindow>>,
}

impl std::fmt::Debug for Notifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Notifier")
            .field("smtp", &self.smtp.is_some())
            .field("sealer", &self.sealer)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

fn failed(e: impl std::fmt::Display) -> SendError {
    SendError::Failed(e.to_string())
}

impl Notifier {
    /// A notifier. `timeout` bounds each send (connect, answer).
    pub fn new(
        smtp: Option<&SmtpSettings>,
        sealer: Option<std::sync::Arc<Sealer>>,
        timeout: Duration,
    ) -> Result<Notifier, crate::error::AppError> {
        let smtp = match smtp {
            None => None,
            Some(s) => {
                let bad =
                    |field: &str, e: &dyn std::fmt::Display| crate::error::AppError::Invalid {
                        field: field.into(),
                        reason: format!("邮件服务器设置有误:{e} / bad mail setting: {e}"),
                    };
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&s.url)
                    .map_err(|e| bad("smtp_url", &e))?
                    .timeout(Some(timeout))
                    .build();
                let from: Mailbox = s.from.parse().map_err(|e| bad("smtp_from", &e))?;
                Some((transport, from))
            }
        };
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_webpki_roots()
            .https_or_http()
            .enable_http1()
            .build();
        Ok(Notifier {
            smtp,
            sealer,
            http: Client::builder(TokioExecutor::new()).build(https),
            timeout,
            robots: Mutex::new(HashMap::new()),
        })
    }

    /// The sealer, for adding channels.
    pub fn sealer(&self) -> Option<&Sealer> {
        self.sealer.as_deref()
    }

    /// Whether a message of `pieces` parts may go to this robot now (its rate limit):
    /// `Err(seconds)` to wait. Other channels always may.
    pub fn reserve(
        &self,
        channel: &StoredChannel,
        pieces: usize,
        now_secs: i64,
    ) -> Result<(), i64> {
        if !matches!(channel.kind, ChannelKind::WeCom | ChannelKind::DingTalk) {
            return Ok(());
        }
        let mut robots = self.robots.lock().unwrap_or_else(|p| p.into_inner());
        let window = robots.entry(channel.id).or_default();
        let mut trial = window.clone();
        for _ in 0..pieces.max(1) {
            trial.try_take(now_secs, ROBOT_PER_MINUTE)?;
        }
        *window = trial;
        Ok(())
    }

    /// How many robot messages `message` takes on this channel (企业微信 splits at 2048 bytes).
    pub fn pieces(&self, channel: &StoredChannel, message: &Message) -> usize {
        match channel.kind {
            ChannelKind::WeCom => split_utf8(&wecom_text(message), WECOM_MAX_BYTES).len(),
            _ => 1,
        }
    }

    /// Sends `message` through `channel`.
    pub async fn send(&self, channel: &StoredChannel, message: &Message) -> Result<(), SendError> {
        match channel.kind {
            ChannelKind::Email => self.email(channel, message).await,
            ChannelKind::WeCom => self.wecom(channel, message).await,
            ChannelKind::DingTalk => self.dingtalk(channel, message).await,
            ChannelKind::Webhook => self.webhook(channel, message).await,
        }
    }

    fn secret(&self, channel: &StoredChannel) -> Result<String, SendError> {
        let sealed = channel
            .secret
            .as_deref()
            .ok_or_else(|| failed("渠道未设置网址 / the channel has no URL"))?;
        let sealer = self
            .sealer
            .as_ref()
            .ok_or_else(|| failed("未配置 secret_key,无法解密渠道 / no secret_key to open it"))?;
        sealer.open(sealed).map_err(failed)
    }

    async fn email(&self, channel: &StoredChannel, m: &Message) -> Result<(), SendError> {
        let (transport, from) = self
            .smtp
            .as_ref()
            .ok_or_else(|| failed("未配置邮件服务器(smtp_url)/ no mail server configured"))?;
        let to: Mailbox = channel
            .target
            .parse()
            .map_err(|e| failed(format!("收件地址无效:{e} / bad address: {e}")))?;
        let id: String = m
            .key
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '.'
                }
            })
            .collect();
        let mail = lettre::Message::builder()
            .from(from.clone())
            .to(to)
            .subject(&m.subject)
            .message_id(Some(format!("<{id}@minsheng>")))
            .multipart(MultiPart::alternative_plain_html(
                m.text.clone(),
                m.html.clone(),
            ))
            .map_err(|e| failed(format!("邮件无法生成:{e} / cannot build the mail: {e}")))?;
        match tokio::time::timeout(self.timeout, transport.send(mail)).await {
            Err(_) => Err(failed("邮件服务器超时 / the mail server timed out")),
            Ok(Err(e)) => Err(failed(format!("邮件发送失败:{e} / mail not sent: {e}"))),
            Ok(Ok(_)) => Ok(()),
        }
    }

    async fn post(
        &self,
        url: &str,
        body: Vec<u8>,
        headers: &[(&str, String)],
    ) -> Result<(u16, Vec<u8>), SendError> {
        let mut req = hyper::Request::post(url).header("content-type", "application/json");
        for (k, v) in headers {
            req = req.header(*k, v);
        }
        let req = req
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| failed(format!("网址无效:{e} / bad URL: {e}")))?;
        let answer = async {
            let res =
                self.http.request(req).await.map_err(|e| {
                    failed(format!("连接失败 / could not connect: {}", describe(&e)))
                })?;
            let status = res.status().as_u16();
            let body = res
                .into_body()
                .collect()
                .await
                .map_err(|e| failed(format!("读取应答失败:{e} / reading the answer: {e}")))?
                .to_bytes();
            Ok((status, body.to_vec()))
        };
        match tokio::time::timeout(self.timeout, answer).await {
            Err(_) => Err(failed(format!(
                "{} 秒内无应答 / no answer within {} s",
                self.timeout.as_secs(),
                self.timeout.as_secs()
            ))),
            Ok(r) => r,
        }
    }

    async fn robot(&self, url: &str, body: serde_json::Value) -> Result<(), SendError> {
        let (status, answer) = self.post(url, body.to_string().into_bytes(), &[]).await?;
        if !(200..300).contains(&status) {
            return Err(failed(format!(
                "机器人应答 HTTP {status} / robot answered HTTP {status}"
            )));
        }
        let v: serde_json::Value = serde_json::from_slice(&answer).map_err(|_| {
            failed(format!(
                "机器人应答无法识别:{} / unreadable answer",
                String::from_utf8_lossy(&answer)
                    .chars()
                    .take(200)
                    .collect::<String>()
            ))
        })?;
        let code = v["errcode"].as_i64().unwrap_or(-1);
        if code == 0 {
            return Ok(());
        }
        // 45009: 企业微信's "api freq out of limit"; 130101: 钉钉's "send too fast".
        if code == 45009 || code == 130101 {
            return Err(SendError::Later(60));
        }
        let msg = v["errmsg"].as_str().unwrap_or("");
        Err(failed(format!(
            "机器人拒绝:errcode {code},{msg} / robot refused: errcode {code}, {msg}"
        )))
    }

    async fn wecom(&self, channel: &StoredChannel, m: &Message) -> Result<(), SendError> {
        let secret = self.secret(channel)?;
        let (url, _) = secret_parts(&secret);
        for piece in split_utf8(&wecom_text(m), WECOM_MAX_BYTES) {
            let body =
                serde_json::json!({ "msgtype": "markdown", "markdown": { "content": piece } });
            self.robot(url, body).await?;
        }
        Ok(())
    }

    async fn dingtalk(&self, channel: &StoredChannel, m: &Message) -> Result<(), SendError> {
        let secret = self.secret(channel)?;
        let (url, signing) = secret_parts(&secret);
        let mut text = format!("### {}\n\n{}", m.subject, m.text);
        if let Some(k) = channel.keyword.as_deref().filter(|k| !text.contains(*k)) {
            text = format!("【{k}】{text}");
        }
        let url = match signing {
            None => url.to_string(),
            Some(s) => {
                let ts = jiff::Timestamp::now().as_millisecond();
                format!("{url}&timestamp={ts}&sign={}", dingtalk_sign(s, ts))
            }
        };
        let body = serde_json::json!({
            "msgtype": "markdown",
            "markdown": { "title": m.subject, "text": text },
        });
        self.robot(&url, body).await
    }

    async fn webhook(&self, channel: &StoredChannel, m: &Message) -> Result<(), SendError> {
        let secret = self.secret(channel)?;
        let (url, signing) = secret_parts(&secret);
        let signing = signing.ok_or_else(|| failed("未设置签名密钥 / no signing secret"))?;
        let ts = jiff::Timestamp::now().as_second();
        let body = serde_json::json!({
            "key": m.key, "subject": m.subject, "text": m.text, "html": m.html, "timestamp": ts,
        })
        .to_string();
        let signature = webhook_signature(signing, ts, body.as_bytes());
        let (status, _) = self
            .post(
                url,
                body.into_bytes(),
                &[
                    ("x-minsheng-timestamp", ts.to_string()),
                    ("x-minsheng-signature", format!("sha256={signature}")),
                    ("idempotency-key", m.key.clone()),
                ],
            )
            .await?;
        if (200..300).contains(&status) {
            Ok(())
        } else {
            Err(failed(format!(
                "Webhook 应答 HTTP {status} / the webhook answered HTTP {status}"
            )))
        }
    }
}

/// The error and its causes, one after the other (hyper's own is terse).
fn describe(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cause = c.source();
    }
    out
}

fn wecom_text(m: &Message) -> String {
    format!("### {}\n{}", m.subject, m.text)
}

/// 钉钉's signature: base64(HMAC-SHA256(secret, "{timestamp}\n{secret}")), URL-encoded.
pub fn dingtalk_sign(secret: &str, timestamp_ms: i64) -> String {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret.as_bytes());
    let tag = ring::hmac::sign(&key, format!("{timestamp_ms}\n{secret}").as_bytes());
    url::form_urlencoded::byte_serialize(STANDARD.encode(tag.as_ref()).as_bytes()).collect()
}

/// The generic webhook's signature: hex(HMAC-SHA256(secret, "{timestamp}.{body}")).
pub fn webhook_signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret.as_bytes());
    let mut ctx = ring::hmac::Context::with_key(&key);
    ctx.update(timestamp.to_string().as_bytes());
    ctx.update(b".");
    ctx.update(body);
    ctx.sign()
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
