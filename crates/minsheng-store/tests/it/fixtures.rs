//! Representative rows for every table, as plain SQL, grouped by the migration that created
//! the table (or column): the data a database made at that step could hold. Ids are left to
//! the database (1, 2, … in insertion order on both backends), so its sequences stay true.

use minsheng_store::Store;

/// A bytes literal in the backend's dialect.
fn blob(postgres: bool, hex: &str) -> String {
    if postgres {
        format!("'\\x{hex}'::bytea")
    } else {
        format!("X'{hex}'")
    }
}

/// The statements that fill what migration `step` added.
pub fn fixture(step: i64, postgres: bool) -> Vec<String> {
    let report = "INSERT INTO reports (assignment_id, period, revision, cumulative, stage, funds_spent,
                  narrative, status, return_reason, filed_by, filed_at, reviewed_by, reviewed_at) VALUES ";
    let sql: Vec<String> = match step {
        1 => vec![
            "INSERT INTO minsheng_meta (key, value) VALUES ('demo', '0')".into(),
            "INSERT INTO units (parent_id, kind, name, code) VALUES (NULL, 'province', '吉林省', '220000')".into(),
            "INSERT INTO units (parent_id, kind, name, code) VALUES (1, 'city', '长春市', '220100')".into(),
            "INSERT INTO units (parent_id, kind, name, code) VALUES (1, 'department', '省人力资源和社会保障厅', NULL)".into(),
            "INSERT INTO plans (year, title, owner_unit_id, kind, status, source_text, declared_sections,
                declared_items, created_at) VALUES (2023, '关于2023年全省民生实事安排的意见', 1, 'livelihood',
                'published', '一、促进就业方面 1.城镇新增就业23万人', 1, 2, '2023-01-05T08:00:00Z')".into(),
            "INSERT INTO sections (plan_id, position, no, title, declared_items) VALUES (1, 0, 1, '促进就业方面', 2)".into(),
            "INSERT INTO items (section_id, position, no, text, leads, span_start, span_end)
                VALUES (1, 0, 1, '城镇新增就业23万人', '省人力资源和社会保障厅', 9, 21)".into(),
            "INSERT INTO targets (item_id, seq, value, unit, cmp, phrase, span_start, span_end, implicit,
                delta, deadline, baseline) VALUES (1, 1, '230000', '人', 'ge', '23万人', 15, 21, FALSE, TRUE,
                '2023-12-31', NULL)".into(),
            "INSERT INTO assignments (target_id, unit_id, role, quota, budget) VALUES (1, 3, 'lead', NULL, '1500.5')".into(),
            "INSERT INTO assignments (target_id, unit_id, role, quota, budget) VALUES (1, 2, 'partner', '80000', NULL)".into(),
            "INSERT INTO schedule_points (assignment_id, period, expected) VALUES (2, '2023-06', '40000')".into(),
            format!("{report} (2, '2023-03', 1, '21000', NULL, '300', '一季度新增就业2.1万人', 'accepted', NULL,
                'changchun', '2023-04-02T09:30:00.123456Z', 'office', '2023-04-03T10:00:00Z')"),
            format!("{report} (2, '2023-04', 1, '25000', NULL, NULL, '四月', 'returned', '数字有误',
                'changchun', '2023-05-02T09:30:00Z', 'office', '2023-05-03T10:00:00Z')"),
            format!("{report} (2, '2023-04', 2, '26000', NULL, NULL, '四月(更正)', 'submitted', NULL,
                'changchun', '2023-05-04T09:30:00Z', NULL, NULL)"),
            "INSERT INTO problems (title, description, raised_by, owner_id, report_id, due, status, resolution,
                raised_at) VALUES ('场地不足', '招聘会场地不足', 2, 3, 1, '2023-05-31', 'open', NULL,
                '2023-04-02T09:31:00Z')".into(),
            "INSERT INTO audit_events (at, actor, action, entity, entity_id, before, after) VALUES
                ('2023-04-02T09:30:00.123456Z', 'changchun', 'create', 'report', 1, NULL, '{\"status\":\"submitted\"}')".into(),
        ],
        2 => vec![
            "INSERT INTO rollup_target_month (target_id, period, assignments, actual, quota, reported)
                VALUES (1, '2023-03', 1, '21000', '80000', 1)".into(),
            "INSERT INTO rollup_region_month (unit_kind, unit_id, section_id, period, assignments, score_sum)
                VALUES ('city', 2, 1, '2023-03', 1, '0.2625')".into(),
        ],
        3 => vec![
            "INSERT INTO problem_escalations (problem_id, from_unit_id, missed_due, to_unit_id, escalated_at)
                VALUES (1, 3, '2023-05-31', 1, '2023-06-01T00:00:00Z')".into(),
        ],
        4 => vec![
            "INSERT INTO schedule_milestones (assignment_id, due, name, value, stage)
                VALUES (1, '2023-06-30', '过半', '115000', NULL)".into(),
            "INSERT INTO schedule_milestones (assignment_id, due, name, value, stage)
                VALUES (1, '2023-09-30', '场地建成', NULL, 'done')".into(),
        ],
        5 => vec![
            "INSERT INTO items (section_id, position, no, text, leads, span_start, span_end)
                VALUES (1, 1, 2, '提高工伤保险待遇标准', '省人力资源和社会保障厅', NULL, NULL)".into(),
            "INSERT INTO targets (item_id, seq, value, unit, cmp, phrase, span_start, span_end, implicit,
                delta, deadline, baseline, kind) VALUES (2, 1, '1', '', 'eq', '提高工伤保险待遇标准', NULL,
                NULL, TRUE, FALSE, '2023-12-31', NULL, 'stage')".into(),
        ],
        6 => vec![format!(
            "INSERT INTO report_evidence (report_id, file_name, content_type, size_bytes, content,
                uploaded_by, uploaded_at) VALUES (1, '台账.pdf', 'application/pdf', 5, {}, 'changchun',
                '2023-04-02T09:32:00Z')",
            blob(postgres, "255044462d")
        )],
        7 => vec![
            "INSERT INTO users (name, password_hash, role, unit_id, disabled, created_at) VALUES ('office',
                '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo', 'office', NULL, FALSE,
                '2023-01-01T00:00:00Z')".into(),
            "INSERT INTO users (name, password_hash, role, unit_id, disabled, created_at) VALUES ('changchun',
                '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo', 'unit', 2, TRUE,
                '2023-01-02T00:00:00Z')".into(),
            format!(
                "INSERT INTO sessions (id, user_id, data, expires_at) VALUES ('s1', 1, {}, 4102444800)",
                blob(postgres, "7b7d")
            ),
            "INSERT INTO sign_in_failures (name, client, at) VALUES ('office', '127.0.0.1', '2023-02-01T00:00:00Z')".into(),
        ],
        8 => vec![
            format!(
                "INSERT INTO idempotency_keys (user_id, key, request_hash, status, content_type, body,
                    created_at) VALUES (2, 'k-1', 'ab12', 201, 'application/json', {}, 1700000000)",
                blob(postgres, "7b7d")
            ),
            "INSERT INTO idempotency_keys (user_id, key, request_hash, status, content_type, body,
                created_at) VALUES (1, 'k-2', 'cd34', NULL, NULL, NULL, 1700000001)"
                .into(),
        ],
        9 => vec![
            "INSERT INTO sign_in_known_clients (name, client, last_at)
                VALUES ('changchun', '10.1.2.3', '2023-02-02T00:00:00Z')"
                .into(),
        ],
        10 => vec![
            "INSERT INTO report_reminders (assignment_id, period, day, reminded_by, reminded_at)
                VALUES (2, '2023-05', '2023-06-08', 'office', '2023-06-08T01:00:00Z')"
                .into(),
        ],
        11 => vec![
            "INSERT INTO targets (item_id, seq, value, unit, cmp, phrase, span_start, span_end,
                implicit, delta, deadline, baseline, kind, accrual)
                VALUES (2, 2, '800', '元', 'ge', '补助标准达到户均800元', NULL, NULL, FALSE, FALSE,
                '2023-12-31', NULL, 'quantity', 'level')"
                .into(),
            "INSERT INTO unit_weights (unit_id, name, value) VALUES (2, 'population', 9067000)".into(),
        ],
        12 => vec![
            format!(
                "INSERT INTO implementation_plans (assignment_id, revision, status, measures, body,
                    document_name, document_type, document_size, document, filed_by, filed_at,
                    reviewed_by, reviewed_at, return_reason)
                    VALUES (2, 1, 'approved', '分季度推进', '{{\"points\": [{{\"period\": \"2023-06\", \"expected\": \"10000\"}}], \"milestones\": [], \"sub_split\": [], \"funds\": [{{\"source\": \"central\", \"amount\": \"3000000\"}}]}}',
                    '方案.pdf', 'application/pdf', 5, {}, 'changchun', '2023-02-01T00:00:00Z',
                    'office', '2023-02-03T00:00:00Z', NULL)",
                blob(postgres, "255044462d")
            ),
        ],
        13 => vec![
            "INSERT INTO bulletins (plan_id, period, status, no, doc_no, public, opening, closing,
                corrects_id, snapshot, created_by, created_at, issued_by, issued_at)
                VALUES (1, '2023-03', 'issued', 1, '吉民办〔2023〕3号', TRUE, '现将一季度进展通报如下。',
                '下一步,各地要加快进度。', NULL, '{\"v\":1}', 'office', '2023-04-05T01:00:00Z',
                'office', '2023-04-06T01:00:00Z')"
                .into(),
            "INSERT INTO bulletins (plan_id, period, status, no, doc_no, public, opening, closing,
                corrects_id, snapshot, created_by, created_at, issued_by, issued_at)
                VALUES (1, '2023-03', 'draft', NULL, NULL, FALSE, '', '', NULL, NULL, 'office',
                '2023-04-07T01:00:00Z', NULL, NULL)"
                .into(),
            "INSERT INTO bulletin_reasons (bulletin_id, target_id, reason)
                VALUES (2, 1, '招聘会场地不足,已协调解决')"
                .into(),
        ],
        14 => vec![
            "INSERT INTO target_changes (target_id, changes) VALUES (1, 3)".into(),
            "INSERT INTO minsheng_meta (key, value) VALUES ('structure_changes', '2')".into(),
        ],
        15 => vec![
            "INSERT INTO assessments (plan_id, year, rules, status, revision, result, updated_by,
                updated_at, signed_by, signed_at)
                VALUES (1, 2023, 'base = 100', 'draft', 2, NULL, 'office',
                '2023-12-20T01:00:00Z', NULL, NULL)"
                .into(),
            "INSERT INTO assessment_entries (assessment_id, unit_id, rule_key, points, note,
                entered_by, entered_at)
                VALUES (1, 2, 'satisfaction', '8.5', '', 'office', '2023-12-21T01:00:00Z')"
                .into(),
        ],
        16 => vec![
            "INSERT INTO targets (item_id, seq, value, unit, cmp, phrase, span_start, span_end, implicit,
                delta, deadline, baseline, kind, accrual, carried_from) VALUES (2, 3, '20000', '人', 'ge',
                '结转:城镇新增就业2万人', NULL, NULL, FALSE, FALSE, '2024-12-31', NULL, 'quantity', NULL, 1)".into(),
            "INSERT INTO target_closures (target_id, plan_id, disposition, reason, next_target_id, closed_by,
                closed_at) VALUES (1, 1, 'carried_over', NULL, 4, 'office', '2024-01-10T08:00:00Z')".into(),
            "INSERT INTO target_closures (target_id, plan_id, disposition, reason, next_target_id, closed_by,
                closed_at) VALUES (2, 1, 'closed', '政策调整,不再实施', NULL, 'office', '2024-01-10T08:00:00Z')".into(),
            "UPDATE plans SET state = 'closed', closed_by = 'office', closed_at = '2024-01-10T08:00:00Z' WHERE id = 1".into(),
        ],
        17 => vec![
            "INSERT INTO projects (item_id, name, code, owner, responsible_unit_id, leader,
                region_unit_id, place, industry, total_investment, invested_before, start_year,
                end_year, investment_target_id, revision) VALUES (2, '奥迪一汽新能源汽车项目', NULL,
                '奥迪一汽新能源汽车有限公司', 2, '专班', 2, '长春汽开区', 'C', '35000000000', '0',
                2022, 2024, 1, 1)".into(),
            "INSERT INTO project_milestones (item_id, kind, planned, actual)
                VALUES (2, 'started', '2022-06-01', '2022-06-20')".into(),
            "INSERT INTO project_milestones (item_id, kind, planned, actual)
                VALUES (2, 'production', '2024-12-31', NULL)".into(),
            "INSERT INTO project_reports (report_id, item_id, progress, revised_total)
                VALUES (1, 2, '主体结构完工', NULL)".into(),
            "INSERT INTO project_report_milestones (report_id, kind, actual)
                VALUES (1, 'started', '2022-06-20')".into(),
        ],
        18 => vec![
            "INSERT INTO plans (year, title, owner_unit_id, kind, status, source_text, declared_sections,
                declared_items, created_at) VALUES (2023, '长春国际汽车城2023—2025年目标', 1, 'multi_year_goals',
                'confirmed', '到2025年,总产值将达到11000亿元以上', NULL, NULL, '2023-02-01T08:00:00Z')".into(),
            "INSERT INTO sections (plan_id, position, no, title, declared_items) VALUES (2, 0, 1, NULL, NULL)".into(),
            "INSERT INTO items (section_id, position, no, text, leads, span_start, span_end)
                VALUES (2, 0, 1, '到2025年,总产值将达到11000亿元以上', '长春市', NULL, NULL)".into(),
            "INSERT INTO targets (item_id, seq, value, unit, cmp, phrase, span_start, span_end, implicit,
                delta, deadline, baseline, kind, accrual) VALUES (3, 1, '11000', '亿元', 'ge',
                '总产值将达到11000亿元以上', NULL, NULL, FALSE, FALSE, '2025-12-31', '8000', 'quantity', 'level')".into(),
            "INSERT INTO targets (item_id, seq, value, unit, cmp, phrase, span_start, span_end, implicit,
                delta, deadline, baseline, kind, accrual) VALUES (3, 2, '10000', '亿元', 'ge',
                '汽车产业要达到10000亿元以上', NULL, NULL, FALSE, FALSE, '2025-12-31', NULL, 'quantity', 'level')".into(),
            "INSERT INTO goals (target_id, parent_target_id, base_year, base_value, path_kind, frequency, revision)
                VALUES (5, NULL, 2022, '8000', 'points', 'quarterly', 2)".into(),
            "INSERT INTO goals (target_id, parent_target_id, base_year, base_value, path_kind, frequency, revision)
                VALUES (6, 5, NULL, NULL, 'linear', 'yearly', 1)".into(),
            "INSERT INTO goal_points (target_id, period, value) VALUES (5, '2024-Q2', '9500')".into(),
            "INSERT INTO goal_points (target_id, period, value) VALUES (5, '2023', '8500')".into(),
        ],
        19 => vec![
            "INSERT INTO jobs (kind, key, payload, status, attempts, max_attempts, run_at,
                claimed_by, claimed_until, last_error, created_at, finished_at)
                VALUES ('deliver', 'remind:overdue:2:2023-03', '{}', 'dead', 5, 5, 1680000000000,
                'w1', NULL, '连接被拒绝', 1679990000000, 1680000000000)".into(),
            "INSERT INTO channels (unit_id, user_id, kind, target, secret, keyword, enabled,
                failures, last_error, created_at)
                VALUES (2, NULL, 'wecom', 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send',
                'sealed', NULL, TRUE, 3, 'errcode 93000', 1679990000000)".into(),
            "INSERT INTO deliveries (job_id, channel_id, key, status, attempts, error, updated_at)
                VALUES (1, 1, 'remind:overdue:2:2023-03@1', 'failed', 5, 'errcode 93000',
                1680000000000)".into(),
            "INSERT INTO notify_rules (id, due_soon, due_soon_days, overdue, awaiting_review,
                review_days, problem_overdue, quiet_from, quiet_to, updated_by, updated_at)
                VALUES (1, TRUE, 5, TRUE, FALSE, 7, TRUE, 21, 8, 'office', 1679990000000)".into(),
        ],
        20 => vec![format!(
            "INSERT INTO plan_sources (plan_id, file_name, media_type, size_bytes, sha256, content,
                uploaded_by, uploaded_at) VALUES (1, '2023年民生实事.pdf', 'application/pdf', 4,
                '{}', {}, 'office', '2023-01-05T08:00:00Z')",
            "5a8f0a9d2c2b3c1e7a6f0b5f9d0f4f0b8f5c8b1d7e0a1f3b4c5d6e7f8091a2b3",
            blob(postgres, "25504446")
        )],
        _ => vec![],
    };
    sql
}

/// Fills everything migrations `1..=step` created.
pub async fn fill(store: &Store, step: i64) {
    let postgres = store.backend() == minsheng_store::BackendKind::Postgres;
    for k in 1..=step {
        for sql in fixture(k, postgres) {
            store
                .exec(&sql)
                .await
                .unwrap_or_else(|e| panic!("fixture of step {k}: {e}\n{sql}"));
        }
    }
}

/// Whether `fixture` covers every step this build has (a new migration needs rows here).
pub fn covers(step: i64) -> bool {
    !fixture(step, false).is_empty()
}
