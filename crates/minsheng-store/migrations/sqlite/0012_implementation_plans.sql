-- Implementation plans (实施方案, issue #12 item 3): what a unit holding a share files to say
-- how it will deliver it. One row per revision, like reports: a draft is changed in place, a
-- filed revision never is; after a return or an approval the unit files revision + 1. The
-- latest approved revision is in force (its schedule is written as the assignment's schedule
-- when it is approved).
--   measures: 工作措施, in the unit's words.
--   body: the rest as JSON — {"points": [{"period", "expected"}], "milestones": [{"due",
--         "name", "value", "stage"}], "sub_split": [{"unit_id", "quota", "budget"}],
--         "funds": [{"source", "amount"}]}, decimals as exact text, money in 元.
--   document_*: the plan document itself, its bytes kept in the database like evidence.
CREATE TABLE implementation_plans (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    assignment_id INTEGER NOT NULL REFERENCES assignments (id) ON DELETE CASCADE,
    revision      INTEGER NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'returned', 'approved')),
    measures      TEXT NOT NULL,
    body          TEXT NOT NULL,
    document_name TEXT,
    document_type TEXT,
    document_size INTEGER,
    document      BLOB,
    filed_by      TEXT NOT NULL,
    filed_at      TEXT NOT NULL,
    reviewed_by   TEXT,
    reviewed_at   TEXT,
    return_reason TEXT,
    UNIQUE (assignment_id, revision),
    CHECK ((document IS NULL) = (document_name IS NULL))
);
-- At most one revision being written or awaiting approval per share: two sessions saving a
-- first draft at once leave one draft, and the other is told so.
CREATE UNIQUE INDEX implementation_plans_open ON implementation_plans (assignment_id)
    WHERE status IN ('draft', 'submitted');
