-- Major projects (重大项目调度, issue #15): a project is an item of a plan whose kind is
-- 'major_projects'. Its annual planned investment is a target of the item (万元 or 亿元, a
-- count) assigned to the responsible unit, its monthly or quarterly split that target's
-- schedule points, and 累计完成投资 ordinary reports on that assignment. What only a project
-- has is kept here, keyed by the item.

-- The project record. total_investment and invested_before are exact decimal text in 元;
-- revision is raised by every change, and a change names the revision it was made from
-- (UPDATE … WHERE revision = $n), so two editors at once end in one change and a 409.
CREATE TABLE projects (
    item_id              INTEGER NOT NULL PRIMARY KEY REFERENCES items (id) ON DELETE CASCADE,
    name                 TEXT NOT NULL,
    code                 TEXT,
    owner                TEXT NOT NULL,
    responsible_unit_id  INTEGER NOT NULL REFERENCES units (id),
    leader               TEXT,
    region_unit_id       INTEGER NOT NULL REFERENCES units (id),
    place                TEXT NOT NULL,
    industry             TEXT NOT NULL,
    total_investment     TEXT NOT NULL,
    invested_before      TEXT NOT NULL,
    start_year           INTEGER NOT NULL,
    end_year             INTEGER NOT NULL,
    investment_target_id INTEGER REFERENCES targets (id) ON DELETE SET NULL,
    revision             INTEGER NOT NULL DEFAULT 1,
    CHECK (start_year <= end_year)
);
CREATE INDEX projects_region ON projects (region_unit_id);
CREATE INDEX projects_responsible ON projects (responsible_unit_id);

-- Its milestones (签约, 开工, 入库入统, 竣工, 投产, 达产), one row per kind at most: planned
-- by the office, met (actual) as accepted reports say.
CREATE TABLE project_milestones (
    item_id INTEGER NOT NULL REFERENCES projects (item_id) ON DELETE CASCADE,
    kind    TEXT NOT NULL CHECK (kind IN ('signed', 'started', 'registered', 'completed',
                                          'production', 'full_production')),
    planned TEXT,
    actual  TEXT,
    PRIMARY KEY (item_id, kind)
);

-- What a report on a project's investment says beside its figure: 形象进度 and a revised
-- 总投资 (元) when it states one. Applied to the project when the report is accepted.
CREATE TABLE project_reports (
    report_id     INTEGER NOT NULL PRIMARY KEY REFERENCES reports (id) ON DELETE CASCADE,
    item_id       INTEGER NOT NULL REFERENCES projects (item_id) ON DELETE CASCADE,
    progress      TEXT NOT NULL,
    revised_total TEXT
);
CREATE INDEX project_reports_item ON project_reports (item_id);

-- The milestones a report says were reached, with their dates.
CREATE TABLE project_report_milestones (
    report_id INTEGER NOT NULL REFERENCES project_reports (report_id) ON DELETE CASCADE,
    kind      TEXT NOT NULL CHECK (kind IN ('signed', 'started', 'registered', 'completed',
                                            'production', 'full_production')),
    actual    TEXT NOT NULL,
    PRIMARY KEY (report_id, kind)
);
