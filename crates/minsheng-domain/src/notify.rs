//! Reminders that reach people (issue #17): the rules of delivery, pure.
//!
//! - [`ChannelKind`]: where a unit or an account is told — e-mail, a 企业微信 group robot, a
//!   钉钉 custom robot, a generic signed webhook;
//! - [`NotifyRules`]: the office's rules — which reminders are sent, how many days before a
//!   report is due, how long a review may wait, the quiet hours — checked by
//!   [`NotifyRules::new`];
//! - [`backoff_seconds`]: how long a failed job waits before its next attempt (exponential,
//!   capped);
//! - [`split_utf8`]: a text cut into pieces of at most `max` bytes on character boundaries
//!   (企业微信's 2048-byte limit);
//! - [`RateWindow`]: at most `limit` sends per robot in a sliding minute (企业微信: 20).
//!
//! What to remind of is [`crate::reminders`]'s; this module only says how it is delivered.

use crate::reminders::ReminderRule;

/// Where a message goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChannelKind {
    /// 电子邮件: an address, through the office's SMTP server.
    Email,
    /// 企业微信群机器人: a webhook URL with its `key`.
    WeCom,
    /// 钉钉自定义机器人: a webhook URL with its `access_token`, signed, with a keyword.
    DingTalk,
    /// 通用签名 Webhook: a URL other systems receive JSON on, signed with HMAC-SHA256.
    Webhook,
}

impl ChannelKind {
    /// Every kind, in the order the pages list them.
    pub const ALL: [ChannelKind; 4] = [
        ChannelKind::Email,
        ChannelKind::WeCom,
        ChannelKind::DingTalk,
        ChannelKind::Webhook,
    ];

    /// The stable code stored and sent in forms.
    pub fn code(self) -> &'static str {
        match self {
            ChannelKind::Email => "email",
            ChannelKind::WeCom => "wecom",
            ChannelKind::DingTalk => "dingtalk",
            ChannelKind::Webhook => "webhook",
        }
    }

    /// The kind of a code.
    pub fn from_code(code: &str) -> Option<ChannelKind> {
        ChannelKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Its name in Chinese.
    pub fn label_zh(self) -> &'static str {
        match self {
            ChannelKind::Email => "电子邮件",
            ChannelKind::WeCom => "企业微信群机器人",
            ChannelKind::DingTalk => "钉钉自定义机器人",
            ChannelKind::Webhook => "通用签名 Webhook",
        }
    }

    /// Its name in English.
    pub fn label_en(self) -> &'static str {
        match self {
            ChannelKind::Email => "E-mail",
            ChannelKind::WeCom => "WeCom group robot",
            ChannelKind::DingTalk => "DingTalk custom robot",
            ChannelKind::Webhook => "Generic signed webhook",
        }
    }
}

/// A channel that failed this many times in a row is marked on the office's page.
pub const FAILING_AFTER: i64 = 3;

/// The office's rules of what is sent and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotifyRules {
    /// Send 即将到期 reminders.
    pub due_soon: bool,
    /// Send 逾期未报 reminders.
    pub overdue: bool,
    /// Send 待审核 reminders (to the office's reviewers' units).
    pub awaiting_review: bool,
    /// Send 问题逾期 reminders (to the owner and the unit it escalates to).
    pub problem_overdue: bool,
    rule: ReminderRule,
    quiet: Option<(u8, u8)>,
}

/// Why the office's rules were refused, naming the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotifyRulesError {
    /// A number of days is negative or above 60.
    #[error("{field}:天数{days}须在0到60之间 / {field}: {days} days must be between 0 and 60")]
    Days {
        /// The field (`due_soon_days`, `review_days`).
        field: &'static str,
        /// What was given.
        days: i64,
    },
    /// An hour is not 0–23.
    #[error("{field}:钟点{hour}须在0到23之间 / {field}: hour {hour} must be between 0 and 23")]
    Hour {
        /// The field (`quiet_from`, `quiet_to`).
        field: &'static str,
        /// What was given.
        hour: i64,
    },
}

impl Default for NotifyRules {
    /// Every reminder, 3 days ahead, reviews after 5 days, quiet from 22:00 to 07:00.
    fn default() -> Self {
        NotifyRules {
            due_soon: true,
            overdue: true,
            awaiting_review: true,
            problem_overdue: true,
            rule: ReminderRule::default(),
            quiet: Some((22, 7)),
        }
    }
}

impl NotifyRules {
    /// Rules with days in 0..=60 and quiet hours in 0..=23 (`from == to`: no quiet hours).
    pub fn new(
        kinds: [bool; 4],
        due_soon_days: i64,
        review_days: i64,
        quiet_from: i64,
        quiet_to: i64,
    ) -> Result<NotifyRules, NotifyRulesError> {
        let day = |field, days: i64| {
            i32::try_from(days)
                .ok()
                .filter(|d| (0..=60).contains(d))
                .ok_or(NotifyRulesError::Days { field, days })
        };
        let hour = |field, hour: i64| {
            u8::try_from(hour)
                .ok()
                .filter(|h| *h < 24)
                .ok_or(NotifyRulesError::Hour { field, hour })
        };
        let due = day("due_soon_days", due_soon_days)?;
        let review = day("review_days", review_days)?;
        let from = hour("quiet_from", quiet_from)?;
        let to = hour("quiet_to", quiet_to)?;
        let rule = ReminderRule::new(due, review).map_err(|_| NotifyRulesError::Days {
            field: "due_soon_days",
            days: due_soon_days,
        })?;
        let [due_soon, overdue, awaiting_review, problem_overdue] = kinds;
        Ok(NotifyRules {
            due_soon,
            overdue,
            awaiting_review,
            problem_overdue,
            rule,
            quiet: (from != to).then_some((from, to)),
        })
    }

    /// The days ahead and the review wait, as the reminders compute them.
    pub fn reminder_rule(&self) -> ReminderRule {
        self.rule
    }

    /// The quiet hours, from..to (北京时间), if any.
    pub fn quiet(&self) -> Option<(u8, u8)> {
        self.quiet
    }

    /// Whether a reminder of this kind (`Reminder::code`) is sent.
    pub fn sends(&self, code: &str) -> bool {
        match code {
            "due_soon" => self.due_soon,
            "overdue" => self.overdue,
            "awaiting_review" => self.awaiting_review,
            "problem_overdue" => self.problem_overdue,
            _ => false,
        }
    }

    /// How many minutes from `hour:minute` (北京时间) until sending is allowed: 0 outside the
    /// quiet hours. Quiet hours may wrap midnight (22..7).
    pub fn minutes_until_allowed(&self, hour: u8, minute: u8) -> u32 {
        let Some((from, to)) = self.quiet else {
            return 0;
        };
        let quiet = if from < to {
            hour >= from && hour < to
        } else {
            hour >= from || hour < to
        };
        if !quiet {
            return 0;
        }
        let now = u32::from(hour) * 60 + u32::from(minute.min(59));
        let end = u32::from(to) * 60;
        if end > now {
            end - now
        } else {
            24 * 60 - now + end
        }
    }
}

/// Seconds a job waits after its `attempts`-th failure: 30 s doubled each time, at most an
/// hour.
pub fn backoff_seconds(attempts: i64) -> i64 {
    let exp = u32::try_from(attempts.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
    30_i64.saturating_mul(1_i64 << exp).min(3600)
}

/// The mark ending a piece of a message cut for a byte limit.
pub const CONTINUED: &str = "\n(续)";

/// `text` cut into pieces of at most `max` bytes each, on character boundaries, every piece
/// but the last ending with [`CONTINUED`]. One piece when it fits. `max` is raised to what
/// one character and the mark need.
pub fn split_utf8(text: &str, max: usize) -> Vec<String> {
    if text.len() <= max {
        return vec![text.to_string()];
    }
    let room = max.max(CONTINUED.len() + 4) - CONTINUED.len();
    let mut pieces = Vec::new();
    let mut rest = text;
    while rest.len() > max.max(CONTINUED.len() + 4) {
        let mut cut = room;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        // Prefer ending at a line break in the second half of the piece.
        if let Some(nl) = rest[..cut].rfind('\n').filter(|&nl| nl > cut / 2) {
            cut = nl + 1;
        }
        pieces.push(format!("{}{CONTINUED}", &rest[..cut]));
        rest = &rest[cut..];
    }
    pieces.push(rest.to_string());
    pieces
}

/// A sliding window of send times (seconds) for one robot: at most `limit` in any 60 s.
#[derive(Debug, Clone, Default)]
pub struct RateWindow {
    sent: std::collections::VecDeque<i64>,
}

impl RateWindow {
    /// Records a send at `now` if the window allows it; otherwise the seconds to wait.
    pub fn try_take(&mut self, now: i64, limit: usize) -> Result<(), i64> {
        while self.sent.front().is_some_and(|&t| t <= now - 60) {
            self.sent.pop_front();
        }
        if self.sent.len() < limit {
            self.sent.push_back(now);
            return Ok(());
        }
        let oldest = self.sent.front().copied().unwrap_or(now);
        Err((oldest + 60 - now).max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rules_are_checked_by_field() {
        assert!(NotifyRules::new([true; 4], 3, 5, 22, 7).is_ok());
        assert_eq!(
            NotifyRules::new([true; 4], -1, 5, 22, 7),
            Err(NotifyRulesError::Days {
                field: "due_soon_days",
                days: -1
            })
        );
        assert_eq!(
            NotifyRules::new([true; 4], 3, 5, 24, 7),
            Err(NotifyRulesError::Hour {
                field: "quiet_from",
                hour: 24
            })
        );
        let none = NotifyRules::new([true; 4], 3, 5, 0, 0).unwrap();
        assert_eq!(none.quiet(), None);
        assert_eq!(none.minutes_until_allowed(3, 0), 0);
    }

    #[test]
    fn quiet_hours_wrap_midnight() {
        let r = NotifyRules::default();
        assert_eq!(r.minutes_until_allowed(21, 59), 0);
        assert_eq!(r.minutes_until_allowed(22, 0), 9 * 60);
        assert_eq!(r.minutes_until_allowed(6, 30), 30);
        assert_eq!(r.minutes_until_allowed(7, 0), 0);
        let day = NotifyRules::new([true; 4], 3, 5, 12, 14).unwrap();
        assert_eq!(day.minutes_until_allowed(13, 0), 60);
        assert_eq!(day.minutes_until_allowed(14, 0), 0);
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff_seconds(1), 30);
        assert_eq!(backoff_seconds(2), 60);
        assert_eq!(backoff_seconds(3), 120);
        assert_eq!(backoff_seconds(100), 3600);
        assert_eq!(backoff_seconds(i64::MIN), 30);
    }

    #[test]
    fn a_robot_takes_twenty_a_minute() {
        let mut w = RateWindow::default();
        for i in 0..20 {
            assert_eq!(w.try_take(1000 + i, 20), Ok(()));
        }
        assert_eq!(w.try_take(1030, 20), Err(30));
        assert_eq!(w.try_take(1060, 20), Ok(()));
    }

    proptest! {
        #[test]
        fn pieces_fit_and_keep_the_text(text in "[a-z中文,\n]{0,900}", max in 0usize..300) {
            let pieces = split_utf8(&text, max);
            let limit = max.max(CONTINUED.len() + 4);
            let mut back = String::new();
            for (i, p) in pieces.iter().enumerate() {
                prop_assert!(p.len() <= limit, "{} > {}", p.len(), limit);
                if i + 1 < pieces.len() {
                    back.push_str(p.strip_suffix(CONTINUED).unwrap());
                } else {
                    back.push_str(p);
                }
            }
            prop_assert_eq!(back, text);
        }
    }
}
