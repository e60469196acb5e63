-- The roll-up, kept current in the database rather than computed per request: dashboards
-- read these few thousand rows instead of scanning every report, and several web servers
-- share them. Every accepted report updates them in the same transaction; `recompute`
-- rebuilds them from the reports (after a bulk import, or to check them).
--
-- An assignment's value at month P is the cumulative value of its accepted report with the
-- latest period <= P (highest revision within that period), or 0. Values are decimal TEXT.

-- Per target and month: Σ of its assignments' values and quotas, and how many of them have an
-- accepted report for that month itself (the rest are "missing" for the month).
CREATE TABLE rollup_target_month (
    target_id   INTEGER NOT NULL REFERENCES targets (id) ON DELETE CASCADE,
    period      TEXT NOT NULL,
    assignments INTEGER NOT NULL,
    actual      TEXT NOT NULL,
    quota       TEXT NOT NULL,
    reported    INTEGER NOT NULL,
    PRIMARY KEY (period, target_id)
);

-- Per region (every ancestor region of an assignment's unit, and the unit itself when it is a
-- region), section and month: how many assignments, and Σ of their capped completion scores
-- (each score rounded to 12 decimal places, so incremental updates and a recompute agree
-- exactly). Mean completion = score_sum / assignments. unit_kind (the region's level) leads the
-- key so that "every city's figures for June" is one range scan.
CREATE TABLE rollup_region_month (
    unit_kind   TEXT NOT NULL,
    unit_id     INTEGER NOT NULL REFERENCES units (id),
    section_id  INTEGER NOT NULL REFERENCES sections (id) ON DELETE CASCADE,
    period      TEXT NOT NULL,
    assignments INTEGER NOT NULL,
    score_sum   TEXT NOT NULL,
    PRIMARY KEY (period, unit_kind, unit_id, section_id)
);
