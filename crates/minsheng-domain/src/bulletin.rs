//! Progress bulletins (进展通报): what the office sends out for a plan and a period.
//!
//! A bulletin is a **draft** while the office writes it — its figures are the dashboard's at
//! the moment it is looked at — and **issued** once it has a 文号: its figures are then a
//! frozen snapshot that later reports never change. Issued bulletins of a plan are numbered
//! 1, 2, … in the order they are issued (第N期); one issued for a period that already has an
//! issued bulletin is a **correction** and names the bulletin it corrects.
//!
//! The rules here are pure: how a target's status sorts it into the bulletin's buckets
//! ([`Bucket::of`]), the 红黑榜 ([`honour_roll`]), and what a 文号 may be ([`DocNo::parse`]).

use crate::ids::{BulletinId, PlanId};
use crate::period::Period;
use crate::rollup::UnitRank;
use crate::status::Status;
use crate::text::{TextField, check_length};

/// Where a bulletin is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BulletinStatus {
    /// 草稿: the office is writing it; its figures are computed when it is looked at.
    Draft,
    /// 已印发: frozen, numbered, with a 文号.
    Issued,
}

impl BulletinStatus {
    /// The code stored: `draft`, `issued`.
    pub fn code(self) -> &'static str {
        match self {
            BulletinStatus::Draft => "draft",
            BulletinStatus::Issued => "issued",
        }
    }

    /// The status for a stored code.
    pub fn from_code(s: &str) -> Option<BulletinStatus> {
        [BulletinStatus::Draft, BulletinStatus::Issued]
            .into_iter()
            .find(|x| x.code() == s)
    }

    /// Its Chinese name.
    pub fn label_zh(self) -> &'static str {
        match self {
            BulletinStatus::Draft => "草稿",
            BulletinStatus::Issued => "已印发",
        }
    }

    /// Its English name.
    pub fn label_en(self) -> &'static str {
        match self {
            BulletinStatus::Draft => "Draft",
            BulletinStatus::Issued => "Issued",
        }
    }
}

/// A bulletin as recorded (its frozen figures, once issued, are kept beside it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bulletin {
    /// Its id.
    pub id: BulletinId,
    /// The plan it reports on.
    pub plan: PlanId,
    /// The period it reports.
    pub period: Period,
    /// Draft or issued.
    pub status: BulletinStatus,
    /// 第N期: its number among the plan's issued bulletins, from 1; `None` for a draft.
    pub no: Option<i64>,
    /// 文号, given when it is issued (unique within the plan).
    pub doc_no: Option<String>,
    /// Whether it appears on the public portal.
    pub public: bool,
    /// What the office writes before the figures.
    pub opening: String,
    /// What the office writes after them (next steps, 下一步工作).
    pub closing: String,
    /// The issued bulletin this one corrects, when it corrects one.
    pub corrects: Option<BulletinId>,
    /// Who drafted it.
    pub created_by: String,
    /// When.
    pub created_at: jiff::Timestamp,
    /// Who issued it, and when.
    pub issued: Option<(String, jiff::Timestamp)>,
}

impl Bulletin {
    /// Whether it may still be changed.
    pub fn is_draft(&self) -> bool {
        self.status == BulletinStatus::Draft
    }

    /// How it is named in messages and lists: "第3期通报(吉民办〔2023〕9号)", or
    /// "通报草稿 #12" for a draft.
    pub fn name_zh(&self) -> String {
        match (self.no, &self.doc_no) {
            (Some(no), Some(d)) => format!("第{no}期通报({d})"),
            (Some(no), None) => format!("第{no}期通报"),
            _ => format!("{}通报草稿 #{}", self.period.label_zh(), self.id),
        }
    }

    /// The same in English.
    pub fn name_en(&self) -> String {
        match (self.no, &self.doc_no) {
            (Some(no), Some(d)) => format!("bulletin no. {no} ({d})"),
            (Some(no), None) => format!("bulletin no. {no}"),
            _ => format!("draft bulletin #{} for {}", self.id, self.period),
        }
    }
}

/// A 文号 as the office gives it ("吉民办〔2023〕9号"): one line, not empty, at most
/// [`TextField::DocNo`] characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocNo(String);

/// Why a 文号 is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocNoError {
    /// Nothing was given.
    #[error("文号不能为空 / the document number is required")]
    Empty,
    /// It runs over one line.
    #[error("文号只能是一行 / the document number must be one line")]
    Lines,
    /// It is too long.
    #[error("{0}")]
    TooLong(crate::text::TooLong),
}

impl DocNo {
    /// Reads a 文号, trimmed.
    pub fn parse(s: &str) -> Result<DocNo, DocNoError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(DocNoError::Empty);
        }
        if s.contains(['\n', '\r']) {
            return Err(DocNoError::Lines);
        }
        check_length(TextField::DocNo, s).map_err(DocNoError::TooLong)?;
        Ok(DocNo(s.to_string()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The buckets a bulletin sorts targets into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bucket {
    /// 提前/超额完成: the goal is met already.
    Ahead,
    /// 按序时推进: at or close enough to 序时进度.
    OnSchedule,
    /// 慢于序时: lagging or at risk; the bulletin gives a reason for each.
    Behind,
    /// 未报送或待审核: no accepted figure for the period.
    NoFigure,
}

impl Bucket {
    /// Every bucket, in the order a bulletin lists them.
    pub const ALL: [Bucket; 4] = [
        Bucket::Ahead,
        Bucket::OnSchedule,
        Bucket::Behind,
        Bucket::NoFigure,
    ];

    /// The bucket of a target with `status`.
    pub fn of(status: Status) -> Bucket {
        match status {
            Status::Done => Bucket::Ahead,
            Status::OnTrack => Bucket::OnSchedule,
            Status::Lagging | Status::AtRisk => Bucket::Behind,
            Status::AwaitingReview | Status::NotReported => Bucket::NoFigure,
        }
    }

    /// The stable code: `ahead`, `on_schedule`, `behind`, `no_figure`.
    pub fn code(self) -> &'static str {
        match self {
            Bucket::Ahead => "ahead",
            Bucket::OnSchedule => "on_schedule",
            Bucket::Behind => "behind",
            Bucket::NoFigure => "no_figure",
        }
    }

    /// The Chinese heading.
    pub fn label_zh(self) -> &'static str {
        match self {
            Bucket::Ahead => "提前/超额完成",
            Bucket::OnSchedule => "按序时推进",
            Bucket::Behind => "慢于序时",
            Bucket::NoFigure => "未报送或待审核",
        }
    }

    /// The English heading.
    pub fn label_en(self) -> &'static str {
        match self {
            Bucket::Ahead => "Done ahead of time or beyond the goal",
            Bucket::OnSchedule => "On schedule",
            Bucket::Behind => "Behind schedule",
            Bucket::NoFigure => "Not reported or awaiting review",
        }
    }
}

/// The 红黑榜: the best `n` units of a ranking (红榜) and the worst `n` (黑榜), worst last.
/// Only units with a figure are named, and a unit is never on both lists: with fewer than
/// `2n` ranked units the black list takes only those not already on the red one.
pub fn honour_roll(ranking: &[UnitRank], n: usize) -> (Vec<&UnitRank>, Vec<&UnitRank>) {
    let scored: Vec<&UnitRank> = ranking
        .iter()
        .filter(|r| r.summary.mean_score.is_some())
        .collect();
    let red: Vec<&UnitRank> = scored.iter().take(n).copied().collect();
    let rest = scored.len().saturating_sub(red.len());
    let black: Vec<&UnitRank> = scored
        .iter()
        .skip(red.len() + rest.saturating_sub(n))
        .copied()
        .collect();
    (red, black)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::UnitId;
    use crate::rollup::GroupSummary;
    use rust_decimal::Decimal;

    fn rank(rank: usize, score: Option<i64>) -> UnitRank {
        UnitRank {
            rank,
            unit: UnitId(rank as i64),
            name: format!("单位{rank}"),
            summary: GroupSummary {
                count: 1,
                mean_score: score.map(|s| Decimal::new(s, 2)),
                ..GroupSummary::default()
            },
        }
    }

    #[test]
    fn the_honour_roll_names_the_best_and_worst_three_once_each() {
        let ranking: Vec<UnitRank> = (1..=9).map(|i| rank(i, Some(100 - i as i64))).collect();
        let (red, black) = honour_roll(&ranking, 3);
        assert_eq!(red.iter().map(|r| r.rank).collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(black.iter().map(|r| r.rank).collect::<Vec<_>>(), [7, 8, 9]);
        // Four units: three red, one black; nobody twice.
        let (red, black) = honour_roll(&ranking[..4], 3);
        assert_eq!(red.len(), 3);
        assert_eq!(black.iter().map(|r| r.rank).collect::<Vec<_>>(), [4]);
        // Units without a figure are named on neither.
        let mut some = ranking[..5].to_vec();
        some.push(rank(6, None));
        let (_, black) = honour_roll(&some, 3);
        assert_eq!(black.iter().map(|r| r.rank).collect::<Vec<_>>(), [4, 5]);
        assert_eq!(honour_roll(&[], 3), (vec![], vec![]));
    }

    #[test]
    fn every_status_has_one_bucket() {
        for s in Status::ALL {
            assert!(Bucket::ALL.contains(&Bucket::of(s)));
        }
        assert_eq!(Bucket::of(Status::AtRisk), Bucket::Behind);
    }

    #[test]
    fn a_doc_no_is_one_short_line() {
        assert_eq!(
            DocNo::parse(" 吉民办〔2023〕9号 ").unwrap().as_str(),
            "吉民办〔2023〕9号"
        );
        assert_eq!(DocNo::parse("  "), Err(DocNoError::Empty));
        assert_eq!(DocNo::parse("a\nb"), Err(DocNoError::Lines));
        assert!(matches!(
            DocNo::parse(&"字".repeat(51)),
            Err(DocNoError::TooLong(_))
        ));
    }
}
