-- minsheng schema, SQLite dialect. Its twin in ../postgres must define the same tables and
-- columns (a test compares them). Decimal values are canonical decimal TEXT on both backends:
-- sqlx-sqlite has no decimal type, and a float would turn 816.2亿斤 into an approximation.
-- Never edit a migration once it has shipped; add the next one.

-- Facts about the database itself: 'demo' = '1' marks a database built by `minsheng demo`,
-- which `minsheng demo` may replace; it never touches a database without the mark.
CREATE TABLE minsheng_meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

-- Org units as one tree: regions by level (province → city → county → township) and the
-- departments that hang under a region. Permissions and roll-up follow parent_id.
CREATE TABLE units (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    parent_id INTEGER REFERENCES units (id),
    kind      TEXT NOT NULL CHECK (kind IN ('province', 'city', 'county', 'township', 'department')),
    name      TEXT NOT NULL,
    code      TEXT UNIQUE,
    UNIQUE (parent_id, name)
);
CREATE INDEX units_parent ON units (parent_id);

-- A plan: one document's commitments. source_text is the document as given; every span
-- below points into it, so a page can highlight the phrase a target was read from.
CREATE TABLE plans (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    year              INTEGER NOT NULL,
    title             TEXT NOT NULL,
    owner_unit_id     INTEGER NOT NULL REFERENCES units (id),
    kind              TEXT NOT NULL CHECK (kind IN ('livelihood', 'major_projects', 'multi_year_goals')),
    status            TEXT NOT NULL CHECK (status IN ('draft', 'confirmed', 'published')),
    source_text       TEXT NOT NULL,
    declared_sections INTEGER,
    declared_items    INTEGER,
    created_at        TEXT NOT NULL
);

-- Sections keep the document's order in position; no may repeat when the document's
-- numbering does (the extractor flags it, the record keeps what was printed).
CREATE TABLE sections (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id        INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    no             INTEGER NOT NULL,
    title          TEXT,
    declared_items INTEGER,
    UNIQUE (plan_id, position)
);

-- Items: one commitment each. leads holds the responsible units the document names, one per
-- line, lead first.
CREATE TABLE items (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    section_id INTEGER NOT NULL REFERENCES sections (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    no         INTEGER NOT NULL,
    text       TEXT NOT NULL,
    leads      TEXT NOT NULL,
    span_start INTEGER,
    span_end   INTEGER,
    UNIQUE (section_id, position)
);

-- Quantitative targets. value is exact decimal text in unit; cmp says how progress is held
-- against it; deadline is the plan year's end unless the text says otherwise.
CREATE TABLE targets (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id    INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    value      TEXT NOT NULL,
    unit       TEXT NOT NULL,
    cmp        TEXT NOT NULL CHECK (cmp IN ('ge', 'le', 'approx', 'eq')),
    phrase     TEXT NOT NULL,
    span_start INTEGER,
    span_end   INTEGER,
    implicit   BOOLEAN NOT NULL,
    delta      BOOLEAN NOT NULL,
    deadline   TEXT NOT NULL,
    baseline   TEXT,
    UNIQUE (item_id, seq)
);

-- A target given to a unit (责任分工): the lead department, partners, and regional quotas.
CREATE TABLE assignments (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    target_id INTEGER NOT NULL REFERENCES targets (id) ON DELETE CASCADE,
    unit_id   INTEGER NOT NULL REFERENCES units (id),
    role      TEXT NOT NULL CHECK (role IN ('lead', 'partner')),
    quota     TEXT,
    budget    TEXT,
    UNIQUE (target_id, unit_id)
);
CREATE INDEX assignments_unit ON assignments (unit_id);

-- An assignment's schedule (进度安排): the cumulative value expected by the end of a period.
-- No rows means the default: linear over the plan year (序时进度).
CREATE TABLE schedule_points (
    assignment_id INTEGER NOT NULL REFERENCES assignments (id) ON DELETE CASCADE,
    period        TEXT NOT NULL,
    expected      TEXT NOT NULL,
    PRIMARY KEY (assignment_id, period)
);

-- Reports: one row per revision, never overwritten once filed. A returned report stays as it
-- was; the unit files revision + 1.
CREATE TABLE reports (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    assignment_id INTEGER NOT NULL REFERENCES assignments (id) ON DELETE CASCADE,
    period        TEXT NOT NULL,
    revision      INTEGER NOT NULL,
    cumulative    TEXT,
    stage         TEXT CHECK (stage IN ('not_started', 'in_progress', 'done')),
    funds_spent   TEXT,
    narrative     TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'returned', 'accepted')),
    return_reason TEXT,
    filed_by      TEXT NOT NULL,
    filed_at      TEXT NOT NULL,
    reviewed_by   TEXT,
    reviewed_at   TEXT,
    UNIQUE (assignment_id, period, revision)
);

-- Coordination matters (协调事项): raised in a report or on their own.
CREATE TABLE problems (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    title        TEXT NOT NULL,
    description  TEXT NOT NULL,
    raised_by    INTEGER NOT NULL REFERENCES units (id),
    owner_id     INTEGER NOT NULL REFERENCES units (id),
    report_id    INTEGER REFERENCES reports (id),
    due          TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
    resolution   TEXT,
    raised_at    TEXT NOT NULL
);

-- The audit log: written in the same transaction as the change it records. before/after are
-- the record's fields as JSON objects.
CREATE TABLE audit_events (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id INTEGER NOT NULL,
    before    TEXT,
    after     TEXT
);
CREATE INDEX audit_events_entity ON audit_events (entity, entity_id);
