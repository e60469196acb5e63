-- Schedules given as dated milestones (进度安排 by milestone): by a day, a value reached or a
-- stage reached. An assignment's schedule is its milestones if it has any, else its
-- schedule_points if it has any, else linear over the plan year (序时进度).
CREATE TABLE schedule_milestones (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    assignment_id INTEGER NOT NULL REFERENCES assignments (id) ON DELETE CASCADE,
    due           TEXT NOT NULL,
    name          TEXT NOT NULL,
    value         TEXT,
    stage         TEXT CHECK (stage IN ('not_started', 'in_progress', 'done')),
    -- exactly one of the two: a value or a stage
    CHECK ((value IS NULL) <> (stage IS NULL))
);
CREATE INDEX schedule_milestones_assignment ON schedule_milestones (assignment_id, due);
