-- The office dashboard kept current (issue #16 item 1): how many committed transactions have
-- changed each target's figures — a report filed, accepted or returned, an assignment, a
-- schedule — counted in the writing transaction itself with `changes = changes + 1`. A server
-- that holds a plan's dashboard recomputes only the targets whose count moved since it last
-- looked, instead of the whole plan. Writes that change a plan's shape (a target, a section, an
-- import) raise `minsheng_meta.structure_changes` instead, and the dashboard is recomputed whole.
CREATE TABLE target_changes (
    target_id INTEGER NOT NULL PRIMARY KEY REFERENCES targets (id) ON DELETE CASCADE,
    changes   INTEGER NOT NULL
);
