//! The audit trail of one record as a signed-in account may read it: who changed what, when,
//! from what to what, newest first, a page at a time, each change as field-by-field
//! differences.
//!
//! **What a trail holds.** A report's: every revision filed for its assignment and month, and
//! the evidence files attached to them. An assignment's: the assignment, its schedule and its
//! milestones. A target's: the target and the trails of its assignments. A plan's: the plan,
//! its sections, items and targets as written (not their assignments or reports). An
//! account's: the account.
//!
//! **Who reads which.** The office and viewers of all read every trail. Any other account (a
//! unit, or a viewer tied to a unit) reads, as it reads the records themselves: a report's or
//! an assignment's trail only if the assignment is held within its unit subtree; a target's
//! only if one of the target's assignments is, and then only those assignments' events; a
//! plan's (every signed-in account reads plans); and no account's but its own. Anything else
//! is [`AppError::Forbidden`]; a record that does not exist is [`AppError::NotFound`].

use crate::accounts::ensure_can_see;
use crate::error::AppError;
use minsheng_domain::{
    Account, AssignmentId, AuditEvent, PlanId, ReportId, TargetId, UnitId, UnitTree, UserId,
};
use minsheng_store::{Store, audit_fields};

/// Events shown on one page of a trail.
pub const PER_PAGE: u32 = 50;

/// The record whose trail is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// A report (any of its revisions).
    Report(ReportId),
    /// An assignment of a target to a unit.
    Assignment(AssignmentId),
    /// A target.
    Target(TargetId),
    /// A plan.
    Plan(PlanId),
    /// An account.
    Account(UserId),
}

impl Subject {
    /// The subject named by a kind (`report`, `assignment`, `target`, `plan`, `account`) and
    /// an id, or why not (field `entity` or `id`).
    pub fn parse(entity: &str, id: &str) -> Result<Subject, AppError> {
        let id_of = || -> Result<i64, AppError> {
            id.trim().parse().map_err(|_| AppError::Invalid {
                field: "id".into(),
                reason: format!("编号“{id}”不是整数 / the id '{id}' is not a whole number"),
            })
        };
        Ok(match entity.trim() {
            "report" => Subject::Report(ReportId(id_of()?)),
            "assignment" => Subject::Assignment(AssignmentId(id_of()?)),
            "target" => Subject::Target(TargetId(id_of()?)),
            "plan" => Subject::Plan(PlanId(id_of()?)),
            "account" | "user" => Subject::Account(UserId(id_of()?)),
            other => {
                return Err(AppError::Invalid {
                    field: "entity".into(),
                    reason: format!(
                        "“{other}”不是可查审计记录的对象,应为 report、assignment、target、plan 或 account / \
                         '{other}' has no audit trail: give report, assignment, target, plan or account"
                    ),
                });
            }
        })
    }

    /// Its kind as written in an address (`report`, …, `account`).
    pub fn kind(self) -> &'static str {
        match self {
            Subject::Report(_) => "report",
            Subject::Assignment(_) => "assignment",
            Subject::Target(_) => "target",
            Subject::Plan(_) => "plan",
            Subject::Account(_) => "account",
        }
    }

    /// Its id.
    pub fn id(self) -> i64 {
        match self {
            Subject::Report(id) => id.0,
            Subject::Assignment(id) => id.0,
            Subject::Target(id) => id.0,
            Subject::Plan(id) => id.0,
            Subject::Account(id) => id.0,
        }
    }
}

/// One field of a record as a change left it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    /// The field's name as recorded (`status`, `cumulative`, …; empty for a bare value).
    pub field: String,
    /// Its value before (`None`: absent or empty).
    pub before: Option<String>,
    /// Its value after.
    pub after: Option<String>,
}

/// One event of a trail with what it changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrailEntry {
    /// The event as recorded.
    pub event: AuditEvent,
    /// The fields whose value differs between before and after, in the record's order.
    pub changes: Vec<FieldChange>,
}

/// One page of a record's trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditTrail {
    /// The record.
    pub subject: Subject,
    /// The events of this page, newest first.
    pub entries: Vec<TrailEntry>,
    /// How many events the trail has in all.
    pub total: i64,
    /// This page, from 1.
    pub page: u32,
    /// How many pages there are (at least 1).
    pub pages: u32,
}

/// The fields that differ between an event's `before` and `after`: every field of either
/// whose value is not the same in both (a creation shows every field it set, a deletion every
/// field it removed). An update that changed nothing it recorded shows its fields as they are.
pub fn changes(before: Option<&str>, after: Option<&str>) -> Vec<FieldChange> {
    let before = before.map(audit_fields).unwrap_or_default();
    let after = after.map(audit_fields).unwrap_or_default();
    let value = |fields: &[(String, Option<String>)], name: &str| {
        fields
            .iter()
            .find(|(f, _)| f == name)
            .and_then(|(_, v)| v.clone())
    };
    let mut names: Vec<&String> = after.iter().map(|(f, _)| f).collect();
    for (f, _) in &before {
        if !names.contains(&f) {
            names.push(f);
        }
    }
    let all: Vec<FieldChange> = names
        .into_iter()
        .map(|f| FieldChange {
            field: f.clone(),
            before: value(&before, f),
            after: value(&after, f),
        })
        .collect();
    let changed: Vec<FieldChange> = all
        .iter()
        .filter(|c| c.before != c.after)
        .cloned()
        .collect();
    if changed.is_empty() { all } else { changed }
}

/// One page (from 1) of `subject`'s trail, as `account` may read it.
pub async fn trail(
    store: &Store,
    account: &Account,
    subject: Subject,
    page: u32,
) -> Result<AuditTrail, AppError> {
    if page == 0 {
        return Err(AppError::Invalid {
            field: "page".into(),
            reason: "页码从 1 开始 / pages are numbered from 1".into(),
        });
    }
    let subjects = subjects(store, account, subject).await?;
    let refs: Vec<(&str, Vec<i64>)> = subjects.iter().map(|(e, ids)| (*e, ids.clone())).collect();
    let offset = i64::from(page - 1) * i64::from(PER_PAGE);
    let (events, total) = store
        .audit_trail(&refs, i64::from(PER_PAGE), offset)
        .await?;
    let pages = u32::try_from((total + i64::from(PER_PAGE) - 1) / i64::from(PER_PAGE))
        .unwrap_or(u32::MAX)
        .max(1);
    let tree = store.unit_tree().await?;
    let entries = events
        .into_iter()
        .map(|event| TrailEntry {
            changes: changes(event.before.as_deref(), event.after.as_deref())
                .into_iter()
                .map(|c| named_units(&tree, c))
                .collect(),
            event,
        })
        .collect();
    Ok(AuditTrail {
        subject,
        entries,
        total,
        page,
        pages,
    })
}

/// A unit's id as recorded (`unit_id`, `owner_unit_id`, `owner_id`) shown with its name.
fn named_units(tree: &UnitTree, c: FieldChange) -> FieldChange {
    if !matches!(c.field.as_str(), "unit_id" | "owner_unit_id" | "owner_id") {
        return c;
    }
    let name = |v: Option<String>| {
        v.map(
            |v| match v.parse().ok().and_then(|id| tree.get(UnitId(id))) {
                Some(u) => format!("{}(#{v})", u.name),
                None => v,
            },
        )
    };
    FieldChange {
        before: name(c.before),
        after: name(c.after),
        field: c.field,
    }
}

/// The records whose events make up `subject`'s trail for `account`, after checking that it
/// may read them.
async fn subjects(
    store: &Store,
    account: &Account,
    subject: Subject,
) -> Result<Vec<(&'static str, Vec<i64>)>, AppError> {
    let tree = || async { Ok::<UnitTree, AppError>(store.unit_tree().await?) };
    Ok(match subject {
        Subject::Report(id) => {
            let report = store.report(id).await?;
            let placed = store.placed_assignment(report.assignment).await?;
            ensure_can_see(account, &tree().await?, placed.assignment.unit)?;
            let mut reports = Vec::new();
            let mut evidence = Vec::new();
            for r in store.reports_of_assignment(report.assignment).await? {
                if r.period == report.period {
                    for e in store.evidence_of_report(r.id).await? {
                        evidence.push(e.id.0);
                    }
                    reports.push(r.id.0);
                }
            }
            vec![("report", reports), ("evidence", evidence)]
        }
        Subject::Assignment(id) => {
            let placed = store.placed_assignment(id).await?;
            ensure_can_see(account, &tree().await?, placed.assignment.unit)?;
            assignment_subjects(vec![id.0])
        }
        Subject::Target(id) => {
            store.target(id).await?;
            let assignments = store.assignments_of_target(id).await?;
            let visible: Vec<i64> = if account.sees_all() {
                assignments.iter().map(|a| a.id.0).collect()
            } else {
                let tree = tree().await?;
                let mine: Vec<i64> = assignments
                    .iter()
                    .filter(|a| account.can_see(&tree, a.unit))
                    .map(|a| a.id.0)
                    .collect();
                if mine.is_empty() {
                    return Err(AppError::Forbidden {
                        what: "查看该目标的审计记录(本单位未承担该目标)",
                        what_en: "read this target's audit trail (your unit does not carry it)",
                    });
                }
                mine
            };
            let mut all = vec![("target", vec![id.0])];
            all.extend(assignment_subjects(visible));
            all
        }
        Subject::Plan(id) => {
            store.plan(id).await?;
            let sections = store.sections(id).await?.iter().map(|s| s.id.0).collect();
            let items = store.items(id).await?.iter().map(|i| i.id.0).collect();
            let targets = store.targets(id).await?.iter().map(|t| t.id.0).collect();
            vec![
                ("plan", vec![id.0]),
                ("section", sections),
                ("item", items),
                ("target", targets),
            ]
        }
        Subject::Account(id) => {
            if !account.sees_all() && account.id != id {
                return Err(AppError::Forbidden {
                    what: "查看其他账号的审计记录",
                    what_en: "read another account's audit trail",
                });
            }
            store.account(id).await?.ok_or(AppError::NotFound {
                what: "account",
                id: id.0,
            })?;
            vec![("user", vec![id.0])]
        }
    })
}

/// An assignment's records: itself, its schedule and its milestones (recorded by its id).
fn assignment_subjects(ids: Vec<i64>) -> Vec<(&'static str, Vec<i64>)> {
    vec![
        ("assignment", ids.clone()),
        ("schedule", ids.clone()),
        ("milestones", ids),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(field: &str, before: Option<&str>, after: Option<&str>) -> FieldChange {
        FieldChange {
            field: field.into(),
            before: before.map(Into::into),
            after: after.map(Into::into),
        }
    }

    #[test]
    fn a_review_shows_only_what_it_changed() {
        let got = changes(
            Some(r#"{"status":"submitted"}"#),
            Some(r#"{"status":"accepted","return_reason":null}"#),
        );
        assert_eq!(
            got,
            vec![change("status", Some("submitted"), Some("accepted"))]
        );
    }

    #[test]
    fn a_creation_shows_every_field_it_set_and_a_deletion_every_field_it_removed() {
        let got = changes(None, Some(r#"{"quota":"5","budget":null}"#));
        assert_eq!(got, vec![change("quota", None, Some("5"))]);
        let got = changes(Some(r#"{"quota":"5"}"#), None);
        assert_eq!(got, vec![change("quota", Some("5"), None)]);
    }

    #[test]
    fn subjects_are_named_by_kind_and_id() {
        assert_eq!(
            Subject::parse("report", " 12 ").unwrap(),
            Subject::Report(ReportId(12))
        );
        assert_eq!(
            Subject::parse("user", "3").unwrap(),
            Subject::Account(UserId(3))
        );
        assert!(matches!(
            Subject::parse("problem", "1"),
            Err(AppError::Invalid { field, .. }) if field == "entity"
        ));
        assert!(matches!(
            Subject::parse("plan", "x"),
            Err(AppError::Invalid { field, .. }) if field == "id"
        ));
    }
}
