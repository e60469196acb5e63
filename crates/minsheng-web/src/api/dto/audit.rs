//! The JSON shape of an audit trail (审计记录): one page of a record's events, newest first,
//! each with the fields it changed.

use minsheng_app::audit::{AuditTrail, FieldChange, TrailEntry};
use serde::Serialize;
use utoipa::ToSchema;

/// One field of a record as a change left it.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldChangeDto {
    /// The field's name as recorded (`status`, `cumulative`, `quota`, …).
    pub field: String,
    /// Its value before, as text; `null` when it was absent or empty.
    pub before: Option<String>,
    /// Its value after, as text; `null` when it is absent or empty.
    pub after: Option<String>,
}

impl From<&FieldChange> for FieldChangeDto {
    fn from(c: &FieldChange) -> Self {
        FieldChangeDto {
            field: c.field.clone(),
            before: c.before.clone(),
            after: c.after.clone(),
        }
    }
}

/// One event of the audit log.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEventDto {
    /// Its id (increasing with time).
    pub id: i64,
    /// When, as an RFC 3339 timestamp.
    #[schema(example = "2023-07-05T02:30:00Z")]
    pub at: String,
    /// Who: an account's name, or `system:…` for a command.
    pub actor: String,
    /// `create`, `update`, `delete`, `submit`, `return`, `accept`, `import`, …
    pub action: String,
    /// The kind of record changed: `report`, `evidence`, `assignment`, `schedule`,
    /// `milestones`, `target`, `plan`, `section`, `item`, `user`.
    pub entity: String,
    /// The record's id (0 for an import of many).
    pub entity_id: i64,
    /// The fields whose value differs before and after (every field set, for a creation).
    pub changes: Vec<FieldChangeDto>,
}

impl From<&TrailEntry> for AuditEventDto {
    fn from(e: &TrailEntry) -> Self {
        AuditEventDto {
            id: e.event.id.0,
            at: e.event.at.to_string(),
            actor: e.event.actor.clone(),
            action: e.event.action.clone(),
            entity: e.event.entity.clone(),
            entity_id: e.event.entity_id,
            changes: e.changes.iter().map(FieldChangeDto::from).collect(),
        }
    }
}

/// One page of a record's audit trail.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditTrailDto {
    /// `report`, `assignment`, `target`, `plan` or `account`.
    pub entity: &'static str,
    /// The record's id.
    pub id: i64,
    /// This page's events, newest first.
    pub events: Vec<AuditEventDto>,
    /// How many events the trail has in all.
    pub total: i64,
    /// This page, from 1.
    pub page: u32,
    /// How many pages there are (at least 1).
    pub pages: u32,
    /// Events a page.
    pub per_page: u32,
}

impl From<&AuditTrail> for AuditTrailDto {
    fn from(t: &AuditTrail) -> Self {
        AuditTrailDto {
            entity: t.subject.kind(),
            id: t.subject.id(),
            events: t.entries.iter().map(AuditEventDto::from).collect(),
            total: t.total,
            page: t.page,
            pages: t.pages,
            per_page: minsheng_app::audit::PER_PAGE,
        }
    }
}
