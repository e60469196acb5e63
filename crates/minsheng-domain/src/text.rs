//! How long the free text a person writes may be. Every text field a user sends is bounded
//! here, by field, and refused with a message naming the field when it is longer: a title is
//! a line, a narrative a few pages, never a megabyte.

/// A text field people fill in, with the most characters it may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextField {
    /// A problem's title (问题标题).
    ProblemTitle,
    /// A problem's description (问题描述).
    ProblemDescription,
    /// How a problem was resolved (办理结果).
    Resolution,
    /// What a report says was done (情况说明).
    Narrative,
    /// A report's correction statement (更正说明).
    Correction,
    /// Why the office returned a report (退回原因).
    ReturnReason,
    /// An evidence file's name (文件名).
    FileName,
    /// An implementation plan's measures (工作措施).
    Measures,
    /// What the office writes at the head or the foot of a bulletin (通报的开头语、结束语).
    BulletinText,
    /// The reason a bulletin gives for a lagging item (滞后原因).
    LagReason,
    /// A bulletin's document number (文号).
    DocNo,
    /// The office's note on a misstatement deduction (考核).
    AssessmentNote,
    /// Why an unfinished target is closed at year end rather than carried over (结项原因).
    CloseReason,
    /// A project's name, owner, place or 包保领导 (a line).
    ProjectField,
    /// A project report's 形象进度.
    Progress,
}

impl TextField {
    /// The most characters (Unicode scalar values) the field may hold.
    pub fn max_chars(self) -> usize {
        match self {
            TextField::ProblemTitle | TextField::ProjectField => 200,
            TextField::Progress => 2_000,
            TextField::FileName => 200,
            TextField::DocNo => 50,
            TextField::AssessmentNote => 500,
            TextField::LagReason => 1_000,
            TextField::BulletinText => 5_000,
            TextField::Correction => 1_000,
            TextField::ReturnReason | TextField::Resolution | TextField::CloseReason => 2_000,
            TextField::Measures => 4_000,
            TextField::ProblemDescription | TextField::Narrative => 10_000,
        }
    }

    /// The field's name in Chinese, for messages.
    pub fn label_zh(self) -> &'static str {
        match self {
            TextField::ProblemTitle => "问题标题",
            TextField::ProblemDescription => "问题描述",
            TextField::Resolution => "办理结果",
            TextField::Narrative => "情况说明",
            TextField::Correction => "更正说明",
            TextField::ReturnReason => "退回原因",
            TextField::FileName => "文件名",
            TextField::Measures => "工作措施",
            TextField::BulletinText => "通报正文",
            TextField::LagReason => "滞后原因",
            TextField::DocNo => "文号",
            TextField::AssessmentNote => "扣分说明",
            TextField::CloseReason => "结项原因",
            TextField::ProjectField => "项目信息",
            TextField::Progress => "形象进度",
        }
    }

    /// The field's name in English, for messages.
    pub fn label_en(self) -> &'static str {
        match self {
            TextField::ProblemTitle => "the title",
            TextField::ProblemDescription => "the description",
            TextField::Resolution => "the resolution",
            TextField::Narrative => "the narrative",
            TextField::Correction => "the correction statement",
            TextField::ReturnReason => "the reason",
            TextField::FileName => "the file name",
            TextField::Measures => "the measures",
            TextField::BulletinText => "the bulletin's text",
            TextField::LagReason => "the reason for lagging",
            TextField::DocNo => "the document number",
            TextField::AssessmentNote => "the note on a deduction",
            TextField::CloseReason => "the reason for closing",
            TextField::ProjectField => "the project field",
            TextField::Progress => "the physical progress",
        }
    }
}

/// A text longer than its field allows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{}过长:{chars} 字,上限 {} 字 / {} is too long: {chars} characters, at most {}",
    .field.label_zh(), .field.max_chars(), .field.label_en(), .field.max_chars()
)]
pub struct TooLong {
    /// The field.
    pub field: TextField,
    /// How many characters were sent.
    pub chars: usize,
}

/// Refuses `text` when it is longer than `field` allows.
pub fn check_length(field: TextField, text: &str) -> Result<(), TooLong> {
    let max = field.max_chars();
    // Counting stops just past the limit: a megabyte is not walked to say it is too long.
    if text.len() <= max {
        return Ok(());
    }
    match text.chars().take(max + 1).count() {
        n if n <= max => Ok(()),
        _ => Err(TooLong {
            field,
            chars: text.chars().count(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_bounded_by_field() {
        assert_eq!(check_length(TextField::ProblemTitle, "供暖不热"), Ok(()));
        let at_limit = "字".repeat(200);
        assert_eq!(check_length(TextField::ProblemTitle, &at_limit), Ok(()));
        let over = "字".repeat(201);
        let e = check_length(TextField::ProblemTitle, &over).unwrap_err();
        assert_eq!(e.chars, 201);
        assert_eq!(
            e.to_string(),
            "问题标题过长:201 字,上限 200 字 / the title is too long: 201 characters, at most 200"
        );
        let mib = "a".repeat(1 << 20);
        assert!(check_length(TextField::Narrative, &mib).is_err());
    }
}
