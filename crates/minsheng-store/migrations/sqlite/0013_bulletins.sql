-- 进展通报 (issue #14): the bulletins the office sends out for a plan and a period. A draft
-- holds only what the office writes (opening, closing, the reasons below); its figures are the
-- dashboard's whenever it is looked at. Issuing it is one conditional UPDATE (`WHERE status =
-- 'draft'`) that gives it its number among the plan's issued bulletins (第N期), its 文号 and the
-- frozen figures (`snapshot`: the bulletin as computed at issue, JSON, read back by
-- minsheng_app::bulletin), so later reports never change an issued bulletin. A correction is a
-- later bulletin of the same period that names the one it corrects.
CREATE TABLE bulletins (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id     INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    period      TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('draft', 'issued')),
    -- 第N期: set when issued, 1, 2, … per plan.
    no          INTEGER,
    -- 文号, set when issued, unique within the plan.
    doc_no      TEXT,
    public      BOOLEAN NOT NULL DEFAULT FALSE,
    opening     TEXT NOT NULL DEFAULT '',
    closing     TEXT NOT NULL DEFAULT '',
    corrects_id INTEGER REFERENCES bulletins (id),
    snapshot    TEXT,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    issued_by   TEXT,
    issued_at   TEXT,
    UNIQUE (plan_id, no),
    UNIQUE (plan_id, doc_no),
    CHECK ((status = 'draft') = (snapshot IS NULL))
);
-- One draft per plan and period at a time: a second "new draft" finds the first.
CREATE UNIQUE INDEX bulletins_one_draft ON bulletins (plan_id, period) WHERE status = 'draft';

-- The reason a bulletin gives for a lagging target: the office's words, replacing what the
-- units' report narratives say. Kept per bulletin, so a correction starts from its own.
CREATE TABLE bulletin_reasons (
    bulletin_id INTEGER NOT NULL REFERENCES bulletins (id) ON DELETE CASCADE,
    target_id   INTEGER NOT NULL REFERENCES targets (id) ON DELETE CASCADE,
    reason      TEXT NOT NULL,
    PRIMARY KEY (bulletin_id, target_id)
);
