-- Escalation of coordination matters (督办升级). Its twin in ../postgres must define the same
-- tables and columns (a test compares them).
--
-- An open problem that misses its due date is escalated to the region above its owner: one
-- row here each time. A problem escalates at most once per deadline it misses, that is per
-- (owner, due date): escalating again changes nothing, while a reassignment (a new owner or a
-- new due date) sets a new deadline, which can be escalated in its turn. The problem itself
-- keeps its owner; the region above now follows it. Each row is also written to the audit log.
CREATE TABLE problem_escalations (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    problem_id   INTEGER NOT NULL REFERENCES problems (id) ON DELETE CASCADE,
    -- the owner whose deadline was missed, and that deadline
    from_unit_id INTEGER NOT NULL REFERENCES units (id),
    missed_due   TEXT NOT NULL,
    -- the region it was escalated to
    to_unit_id   INTEGER NOT NULL REFERENCES units (id),
    escalated_at TEXT NOT NULL,
    UNIQUE (problem_id, from_unit_id, missed_due)
);
CREATE INDEX problem_escalations_to ON problem_escalations (to_unit_id);

-- The escalation sweep reads the open problems; a unit's page reads the problems it owns.
CREATE INDEX problems_status_due ON problems (status, due);
CREATE INDEX problems_owner ON problems (owner_id);
