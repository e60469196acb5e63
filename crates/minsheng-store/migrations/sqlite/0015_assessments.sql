-- 考核 (issue #14 item 2): a plan's assessment for a year. `rules` is the scoring rule set as
-- the office wrote it (TOML, checked by minsheng_domain::scoring before it is saved); the
-- figures come from the plan's issued bulletins (their frozen snapshots) and from the entries
-- below. Signing off is one conditional UPDATE (`WHERE status = 'draft' AND revision = …`)
-- that keeps the scores as computed (`result`, JSON written by minsheng_app::scoring) for
-- good; every change while in draft moves `revision` by one, so a sign-off computed before a
-- change is refused rather than kept.
CREATE TABLE assessments (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id    INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    year       INTEGER NOT NULL,
    rules      TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('draft', 'signed')),
    revision   INTEGER NOT NULL DEFAULT 0,
    result     TEXT,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    signed_by  TEXT,
    signed_at  TEXT,
    UNIQUE (plan_id, year),
    CHECK ((status = 'draft') = (result IS NULL))
);

-- What the office enters by hand for a unit: points of a `hand` rule (one per unit and rule,
-- replaced when entered again) or a misstatement deduction (several, each with its note).
CREATE TABLE assessment_entries (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    assessment_id INTEGER NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    unit_id       INTEGER NOT NULL REFERENCES units (id),
    rule_key      TEXT NOT NULL,
    -- Decimal text: the points entered (a misstatement's size, positive).
    points        TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    entered_by    TEXT NOT NULL,
    entered_at    TEXT NOT NULL
);
CREATE INDEX assessment_entries_of ON assessment_entries (assessment_id, unit_id);
