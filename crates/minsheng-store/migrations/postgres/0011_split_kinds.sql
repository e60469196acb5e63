-- Targets split by what they are (issue #12 item 2). A count is divided among units; a rate,
-- a time limit or a standard is a level every unit is held to. The unit decides by default
-- (%, 倍, 工作日 are levels), but a standard is often written in 元 ("补助标准达到户均800元",
-- "按每名3000元标准"): accrual records what the extractor marked or the office chose.
-- NULL: as the unit says.
ALTER TABLE targets ADD COLUMN accrual TEXT CHECK (accrual IN ('cumulative', 'level'));

-- Named weights of units, for splitting a count in proportion (按人口分解): a unit's resident
-- population and the like, as the office enters them. Whole numbers (people, not 万人).
CREATE TABLE unit_weights (
    unit_id BIGINT NOT NULL REFERENCES units (id),
    name    TEXT NOT NULL CHECK (name IN ('population')),
    value   BIGINT NOT NULL CHECK (value >= 0),
    PRIMARY KEY (unit_id, name)
);
