-- Year end (年终结转, issue #14 item 3): a plan is closed once its year is over. Every target it
-- did not finish is carried over into a later year's plan or closed with a reason, one row each
-- in target_closures; then the plan's state becomes 'closed' by one conditional UPDATE
-- (`WHERE state = 'open'`), so two closings at once end in one closing and a 409. A closed plan
-- takes no more reports, splits or edits (minsheng_domain::year_end::check_open, asked when a
-- write locks its assignment or target).

-- Whether the plan's year still runs. Kept apart from status (draft / confirmed / published),
-- which says whether the plan is the office's record and public, not whether it is finished.
ALTER TABLE plans ADD COLUMN state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed'));
ALTER TABLE plans ADD COLUMN closed_by TEXT;
ALTER TABLE plans ADD COLUMN closed_at TEXT;

-- The target of an earlier plan this one continues (what remained of it, carried over).
ALTER TABLE targets ADD COLUMN carried_from INTEGER REFERENCES targets (id);
CREATE INDEX targets_carried_from ON targets (carried_from);

-- What became of each unfinished target when its plan was closed: carried over (next_target_id
-- names the target created for what remained) or closed (reason says why). One per target.
CREATE TABLE target_closures (
    target_id      INTEGER NOT NULL PRIMARY KEY REFERENCES targets (id) ON DELETE CASCADE,
    plan_id        INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    disposition    TEXT NOT NULL CHECK (disposition IN ('carried_over', 'closed')),
    reason         TEXT,
    next_target_id INTEGER REFERENCES targets (id),
    closed_by      TEXT NOT NULL,
    closed_at      TEXT NOT NULL,
    CHECK ((disposition = 'carried_over') = (next_target_id IS NOT NULL)),
    CHECK ((disposition = 'closed') = (reason IS NOT NULL))
);
CREATE INDEX target_closures_plan ON target_closures (plan_id);
