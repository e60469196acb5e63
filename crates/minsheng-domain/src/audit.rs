//! The audit log: who changed what, when, from what to what.

use crate::ids::AuditId;
use jiff::Timestamp;

/// Who is acting: a signed-in user, or the system itself (an import, the demo builder).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor(String);

impl Actor {
    /// A named actor (a user name, or `system:import`).
    pub fn new(name: impl Into<String>) -> Actor {
        Actor(name.into())
    }

    /// The system acting for a command (`system:demo`, `system:import`).
    pub fn system(what: &str) -> Actor {
        Actor(format!("system:{what}"))
    }

    /// The name as recorded.
    pub fn name(&self) -> &str {
        &self.0
    }
}

/// One entry of the audit log. `before` and `after` are the changed record's fields as
/// recorded by the store; `None` for a creation's `before` or a deletion's `after`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    /// Its id.
    pub id: AuditId,
    /// When it happened.
    pub at: Timestamp,
    /// Who did it.
    pub actor: String,
    /// What was done: `create`, `update`, `delete`, `submit`, `return`, `accept`.
    pub action: String,
    /// The kind of record changed: `plan`, `target`, `assignment`, `report`, …
    pub entity: String,
    /// The record's id.
    pub entity_id: i64,
    /// The record before the change.
    pub before: Option<String>,
    /// The record after the change.
    pub after: Option<String>,
}
