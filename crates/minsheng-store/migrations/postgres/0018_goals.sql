-- Multi-year goals (中长期目标, issue #15 item 2): a target of a multi_year_goals plan whose
-- deadline lies years after the plan's start (到2025年 总产值11000亿元以上), tracked by year or
-- quarter along a path (minsheng_domain::path). The target itself (value, unit, cmp, phrase,
-- deadline) stays in targets; a goal adds what a path needs: the base (value at a base year,
-- optional), the path's kind (linear, or through the office's points), how often it is
-- reported, and the goal it is part of (其中 …: 汽车产业 under 总产值).
CREATE TABLE goals (
    target_id        BIGINT NOT NULL PRIMARY KEY REFERENCES targets (id) ON DELETE CASCADE,
    parent_target_id BIGINT REFERENCES targets (id),
    base_year        BIGINT,
    base_value       TEXT,
    path_kind        TEXT NOT NULL DEFAULT 'linear' CHECK (path_kind IN ('linear', 'points')),
    frequency        TEXT NOT NULL DEFAULT 'yearly' CHECK (frequency IN ('yearly', 'quarterly')),
    -- Raised by every change of the path, so that a change made from a stale form is refused.
    revision         BIGINT NOT NULL DEFAULT 1,
    CHECK ((base_year IS NULL) = (base_value IS NULL)),
    CHECK (parent_target_id IS NULL OR parent_target_id <> target_id)
);
CREATE INDEX goals_parent ON goals (parent_target_id);

-- The office's points of a path: the value expected by the end of a year (2024) or a quarter
-- (2024-Q2), canonical decimal text in the target's unit.
CREATE TABLE goal_points (
    target_id BIGINT NOT NULL REFERENCES goals (target_id) ON DELETE CASCADE,
    period    TEXT NOT NULL,
    value     TEXT NOT NULL,
    PRIMARY KEY (target_id, period)
);
