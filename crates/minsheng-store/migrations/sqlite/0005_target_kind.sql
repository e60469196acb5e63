-- A qualitative item ("提高工伤保险待遇标准") carries one target of kind 'stage': it is assigned,
-- reported (as 未启动 / 推进中 / 已完成) and tracked like a quantitative one. Its value is 1 (done).
ALTER TABLE targets ADD COLUMN kind TEXT NOT NULL DEFAULT 'quantity' CHECK (kind IN ('quantity', 'stage'));
