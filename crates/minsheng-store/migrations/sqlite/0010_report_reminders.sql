-- 催报 (issue #12): the office chases a share whose report for a period is outstanding. Each row
-- is one reminder the unit sees at the top of its workspace until it files. At most one per
-- share, period and day (北京时间): chasing again the same day adds nothing, so the unique key
-- is what an `INSERT … ON CONFLICT DO NOTHING` decides by, even between concurrent clicks.
CREATE TABLE report_reminders (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    assignment_id INTEGER NOT NULL REFERENCES assignments (id) ON DELETE CASCADE,
    period        TEXT NOT NULL,
    day           TEXT NOT NULL,
    reminded_by   TEXT NOT NULL,
    reminded_at   TEXT NOT NULL,
    UNIQUE (assignment_id, period, day)
);

