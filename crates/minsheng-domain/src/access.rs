//! Who may see and do what. Permissions follow the unit tree: an account tied to a unit sees
//! and reports for that unit and the units below it, and nothing else.
//!
//! | role     | sees                                   | may                                   |
//! |----------|----------------------------------------|---------------------------------------|
//! | `office` | everything (its unit is informational) | review reports, manage plans, problems |
//! | `viewer` | its unit's subtree, or all without one | read only                             |
//! | `unit`   | its unit's subtree                     | file reports, raise and answer problems |

use crate::ids::{UnitId, UserId};
use crate::unit::UnitTree;

/// What an account is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// The coordinating office (民生实事办公室): reviews, manages plans and problems.
    Office,
    /// A department or region that reports on its assignments.
    Unit,
    /// A leader who reads (领导查看).
    Viewer,
}

impl Role {
    /// Every role. The command line's choices, the role lists of messages and the tests
    /// are derived from it, so a new role is added here and in the matches below.
    pub const ALL: [Role; 3] = [Role::Office, Role::Unit, Role::Viewer];

    /// The code stored and typed on the command line: `office`, `unit`, `viewer`.
    pub fn code(self) -> &'static str {
        match self {
            Role::Office => "office",
            Role::Unit => "unit",
            Role::Viewer => "viewer",
        }
    }

    /// The role for a code.
    pub fn from_code(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == s)
    }

    /// The role's name in Chinese.
    pub fn label_zh(self) -> &'static str {
        match self {
            Role::Office => "牵头办公室",
            Role::Unit => "责任单位",
            Role::Viewer => "领导查看",
        }
    }

    /// The role's name in English.
    pub fn label_en(self) -> &'static str {
        match self {
            Role::Office => "Coordinating office",
            Role::Unit => "Responsible unit",
            Role::Viewer => "Viewer",
        }
    }
}

/// A signed-in person, as far as permissions go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// The account's id.
    pub id: UserId,
    /// The sign-in name (also the actor recorded in the audit log).
    pub name: String,
    /// What the account is for.
    pub role: Role,
    /// The unit the account acts for; required for `unit`, optional for the others.
    pub unit: Option<UnitId>,
}

impl Account {
    /// Whether the account may see `unit`'s data (its assignments, reports and problems).
    pub fn can_see(&self, tree: &UnitTree, unit: UnitId) -> bool {
        match (self.role, self.unit) {
            (Role::Office, _) | (Role::Viewer, None) => true,
            (Role::Viewer | Role::Unit, Some(own)) => tree.is_within(unit, own),
            (Role::Unit, None) => false,
        }
    }

    /// Whether the account may file or edit reports, and raise or answer problems, for `unit`.
    pub fn can_report_for(&self, tree: &UnitTree, unit: UnitId) -> bool {
        match (self.role, self.unit) {
            (Role::Unit, Some(own)) => tree.is_within(unit, own),
            _ => false,
        }
    }

    /// Whether the account may see everything (every unit, the whole plan's internals).
    pub fn sees_all(&self) -> bool {
        matches!(
            (self.role, self.unit),
            (Role::Office, _) | (Role::Viewer, None)
        )
    }

    /// Whether the account reviews reports, edits plans and manages problems.
    pub fn is_office(&self) -> bool {
        self.role == Role::Office
    }
}

/// What an account may be asked to do: one capability per action the site and the API offer.
/// [`Account::may`] answers for each, matched exhaustively over [`Role`], so a new role or a
/// new action does not compile until every pair has an answer. What an account may do *to a
/// record* also depends on the unit tree ([`Account::can_see`], [`Account::can_report_for`]),
/// which the use-cases ask after this.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Read the plans, their items and targets, and a target's page (as far as it sees).
    ViewPlans,
    /// The plan list in the menu: the office's and leaders' way into the plans.
    BrowsePlans,
    /// The office's dashboard and a plan's tracking and ranking: every unit's figures.
    ViewDashboard,
    /// The reporting workspace: file, draft and correct reports, attach evidence.
    FileReport,
    /// Read a filed report, its revisions and its evidence, and a share's implementation
    /// plans (as far as it sees).
    ViewReports,
    /// Write, save and submit an implementation plan (实施方案) for a share the unit holds.
    FileImplementationPlan,
    /// Approve or return a submitted implementation plan.
    ApproveImplementationPlan,
    /// Read the review queue.
    ViewReviewQueue,
    /// Accept or return a filed report.
    Review,
    /// Propose, correct, confirm and publish a plan.
    EditPlan,
    /// Set a target's lead, partners, quotas and schedule.
    Decompose,
    /// Read the problems board (as far as it sees).
    ViewProblems,
    /// Raise a problem.
    RaiseProblem,
    /// Hand a problem on or resolve it (its owner, the region above it, or the office; the
    /// unit tree decides which problems).
    HandleProblem,
    /// Escalate overdue problems one level up.
    EscalateProblems,
    /// Read a record's audit trail (as far as it sees).
    ViewAudit,
    /// See who has not reported and chase them (催报): record a reminder a unit sees.
    Remind,
    /// Read progress bulletins (进展通报): the office and leaders every one, drafts included
    /// for the office; a unit the issued ones of the plans it holds shares in.
    ViewBulletins,
    /// Draft a bulletin, write its opening, closing and reasons, and issue it with a 文号.
    IssueBulletin,
    /// Read assessment scores (考核): the office and leaders of all every unit's, a unit (or
    /// a leader of one) those of the units it sees.
    ViewScores,
    /// Write a plan's scoring rules, enter hand-entered points and misstatements, and sign
    /// the assessment off.
    Assess,
    /// Close a plan at year end: carry each unfinished target over into a later plan or close
    /// it with a reason (年终结转).
    ClosePlan,
    /// The background jobs and their deliveries: the queue, failures, dead letters, retrying a
    /// dead job, failing channels, and the office's rules of what is sent and when.
    ManageJobs,
    /// Set where one is told (e-mail, robot webhooks): one's own account's channels, and a
    /// unit's as far as the account reports for it (the office: any unit's).
    SetChannels,
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 24] = [
        Action::ViewPlans,
        Action::BrowsePlans,
        Action::ViewDashboard,
        Action::FileReport,
        Action::ViewReports,
        Action::FileImplementationPlan,
        Action::ApproveImplementationPlan,
        Action::ViewReviewQueue,
        Action::Review,
        Action::EditPlan,
        Action::Decompose,
        Action::ViewProblems,
        Action::RaiseProblem,
        Action::HandleProblem,
        Action::EscalateProblems,
        Action::ViewAudit,
        Action::Remind,
        Action::ViewBulletins,
        Action::IssueBulletin,
        Action::ViewScores,
        Action::Assess,
        Action::ClosePlan,
        Action::ManageJobs,
        Action::SetChannels,
    ];

    /// What is refused, in Chinese and in English ("无权{zh}" / "not allowed to {en}").
    pub fn refusal(self) -> Refusal {
        let (zh, en) = match self {
            Action::ViewPlans | Action::BrowsePlans => ("查看计划", "see the plans"),
            Action::ViewDashboard => ("查看全局数据", "see every unit's data"),
            Action::FileReport => ("填报", "file reports"),
            Action::FileImplementationPlan => ("报送实施方案", "file implementation plans"),
            Action::ViewReviewQueue => ("查看审核队列", "see the review queue"),
            Action::Review
            | Action::ApproveImplementationPlan
            | Action::EditPlan
            | Action::Decompose
            | Action::EscalateProblems
            | Action::Remind
            | Action::IssueBulletin
            | Action::Assess
            | Action::ClosePlan
            | Action::ManageJobs => (
                "执行牵头办公室的操作",
                "do what only the coordinating office does",
            ),
            Action::ViewProblems => ("查看协调事项", "see the problems"),
            Action::RaiseProblem => ("提出协调事项", "raise problems"),
            Action::ViewReports => ("查看报告", "see reports"),
            Action::HandleProblem => ("办理协调事项", "hand on or resolve problems"),
            Action::ViewAudit => ("查看审计记录", "see the audit trail"),
            Action::ViewBulletins => ("查看进展通报", "see the bulletins"),
            Action::ViewScores => ("查看考核得分", "see the assessment scores"),
            Action::SetChannels => ("设置通知渠道", "set notification channels"),
        };
        Refusal { zh, en }
    }
}

/// Why an account may not do something: what was refused, in both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    /// What was refused, in Chinese (查看全局数据).
    pub zh: &'static str,
    /// The same in English.
    pub en: &'static str,
}

impl Account {
    /// Whether the account may do `action` at all: the one table of who may do what; see
    /// [`Action`]. `Err` names what was refused.
    pub fn may(&self, action: Action) -> Result<(), Refusal> {
        let allowed = match (self.role, action) {
            // Anyone signed in reads plans, problems and audit trails (as far as it sees).
            (
                _,
                Action::ViewPlans
                | Action::ViewReports
                | Action::ViewProblems
                | Action::ViewAudit
                | Action::ViewBulletins
                | Action::ViewScores
                | Action::SetChannels,
            ) => true,
            (Role::Office, Action::BrowsePlans | Action::ViewReviewQueue) => true,
            (Role::Office, Action::ViewDashboard) => true,
            (
                Role::Office,
                Action::Review
                | Action::ApproveImplementationPlan
                | Action::EditPlan
                | Action::Decompose
                | Action::RaiseProblem
                | Action::HandleProblem
                | Action::EscalateProblems
                | Action::Remind
                | Action::IssueBulletin
                | Action::Assess
                | Action::ClosePlan
                | Action::ManageJobs,
            ) => true,
            (Role::Office, Action::FileReport | Action::FileImplementationPlan) => false,
            (Role::Viewer, Action::BrowsePlans | Action::ViewReviewQueue) => true,
            (Role::Viewer, Action::ViewDashboard) => self.sees_all(),
            (
                Role::Viewer,
                Action::FileReport
                | Action::FileImplementationPlan
                | Action::ApproveImplementationPlan
                | Action::Review
                | Action::EditPlan
                | Action::Decompose
                | Action::RaiseProblem
                | Action::HandleProblem
                | Action::EscalateProblems
                | Action::Remind
                | Action::IssueBulletin
                | Action::Assess
                | Action::ClosePlan
                | Action::ManageJobs,
            ) => false,
            (
                Role::Unit,
                Action::FileReport
                | Action::FileImplementationPlan
                | Action::RaiseProblem
                | Action::HandleProblem,
            ) => self.unit.is_some(),
            (
                Role::Unit,
                Action::BrowsePlans
                | Action::ViewDashboard
                | Action::ViewReviewQueue
                | Action::Review
                | Action::ApproveImplementationPlan
                | Action::EditPlan
                | Action::Decompose
                | Action::EscalateProblems
                | Action::Remind
                | Action::IssueBulletin
                | Action::Assess
                | Action::ClosePlan
                | Action::ManageJobs,
            ) => false,
        };
        if allowed {
            Ok(())
        } else {
            Err(action.refusal())
        }
    }
}

/// Why an account cannot be created as given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    /// A `unit` account must act for a unit.
    #[error("责任单位账号必须指定单位(--unit)/ a unit account needs --unit")]
    UnitRequired,
    /// The name is empty, too long, or has characters that are awkward to type.
    #[error(
        "账号名须为 1–64 个字符,不含空白和控制字符 / the name must be 1–64 characters without spaces or control characters"
    )]
    BadName,
}

/// Checks a new account's name and its role/unit pairing.
pub fn check_account(name: &str, role: Role, unit: Option<UnitId>) -> Result<(), AccountError> {
    let len = name.chars().count();
    if len == 0 || len > 64 || name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(AccountError::BadName);
    }
    if role == Role::Unit && unit.is_none() {
        return Err(AccountError::UnitRequired);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::unit::{OrgUnit, UnitKind};

    fn tree() -> UnitTree {
        let u = |id, parent: Option<i64>, kind| OrgUnit {
            id: UnitId(id),
            parent: parent.map(UnitId),
            kind,
            code: None,
            name: format!("u{id}"),
        };
        UnitTree::new(vec![
            u(1, None, UnitKind::Province),
            u(2, Some(1), UnitKind::City),
            u(3, Some(2), UnitKind::County),
            u(4, Some(1), UnitKind::City),
        ])
    }

    fn acct(role: Role, unit: Option<i64>) -> Account {
        Account {
            id: UserId(1),
            name: "a".into(),
            role,
            unit: unit.map(UnitId),
        }
    }

    #[test]
    fn a_unit_sees_and_reports_for_its_subtree_only() {
        let t = tree();
        let city = acct(Role::Unit, Some(2));
        assert!(city.can_see(&t, UnitId(2)) && city.can_see(&t, UnitId(3)));
        assert!(!city.can_see(&t, UnitId(4)) && !city.can_see(&t, UnitId(1)));
        assert!(city.can_report_for(&t, UnitId(3)));
        assert!(!city.can_report_for(&t, UnitId(4)));
    }

    #[test]
    fn the_office_sees_all_and_files_nothing() {
        let t = tree();
        let office = acct(Role::Office, Some(1));
        assert!((1..=4).all(|u| office.can_see(&t, UnitId(u))));
        assert!((1..=4).all(|u| !office.can_report_for(&t, UnitId(u))));
        assert!(office.sees_all() && office.is_office());
    }

    #[test]
    fn a_viewer_reads_its_subtree_or_everything() {
        let t = tree();
        let leader = acct(Role::Viewer, None);
        assert!(leader.sees_all() && !leader.can_report_for(&t, UnitId(2)));
        let city_leader = acct(Role::Viewer, Some(4));
        assert!(city_leader.can_see(&t, UnitId(4)) && !city_leader.can_see(&t, UnitId(2)));
        assert!(!city_leader.sees_all());
    }

    /// The table, role by role: every (role, action) pair has one answer.
    #[test]
    fn who_may_do_what() {
        use Action::*;
        let may = |a: &Account| -> Vec<Action> {
            Action::ALL
                .into_iter()
                .filter(|x| a.may(*x).is_ok())
                .collect()
        };
        for role in Role::ALL {
            let expected: &[Action] = match role {
                Role::Office => &[
                    ViewPlans,
                    BrowsePlans,
                    ViewDashboard,
                    ViewReports,
                    ApproveImplementationPlan,
                    ViewReviewQueue,
                    Review,
                    EditPlan,
                    Decompose,
                    ViewProblems,
                    RaiseProblem,
                    HandleProblem,
                    EscalateProblems,
                    ViewAudit,
                    Remind,
                    ViewBulletins,
                    IssueBulletin,
                    ViewScores,
                    Assess,
                    ClosePlan,
                    ManageJobs,
                    SetChannels,
                ],
                Role::Viewer => &[
                    ViewPlans,
                    BrowsePlans,
                    ViewDashboard,
                    ViewReports,
                    ViewReviewQueue,
                    ViewProblems,
                    ViewAudit,
                    ViewBulletins,
                    ViewScores,
                    SetChannels,
                ],
                Role::Unit => &[
                    ViewPlans,
                    FileReport,
                    ViewReports,
                    FileImplementationPlan,
                    ViewProblems,
                    RaiseProblem,
                    HandleProblem,
                    ViewAudit,
                    ViewBulletins,
                    ViewScores,
                    SetChannels,
                ],
            };
            let unit = (role == Role::Unit).then_some(2);
            assert_eq!(may(&acct(role, unit)), expected, "{role:?}");
        }
        // A leader of one city does not see the dashboard of all.
        assert!(acct(Role::Viewer, Some(4)).may(ViewDashboard).is_err());
    }

    #[test]
    fn a_unit_account_needs_a_unit_and_a_typable_name() {
        assert_eq!(
            check_account("cc", Role::Unit, None),
            Err(AccountError::UnitRequired)
        );
        assert_eq!(
            check_account("a b", Role::Office, None),
            Err(AccountError::BadName)
        );
        assert_eq!(
            check_account("", Role::Office, None),
            Err(AccountError::BadName)
        );
        assert!(check_account("长春市发改委", Role::Unit, Some(UnitId(2))).is_ok());
    }
}
