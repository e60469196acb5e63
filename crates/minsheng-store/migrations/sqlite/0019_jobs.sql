-- Reminders that reach people (issue #17): a job queue in the database, the channels a unit or
-- an account is told through, each delivery attempt, and the office's rules.
--
-- jobs: one row per job. `key` is its idempotency key (one reminder per unit × period × kind,
-- one daily run per day, …): enqueueing is `INSERT … ON CONFLICT (key) DO NOTHING`, so however
-- often the scheduler runs a key is queued once. A worker claims a due job by one conditional
-- update (`status = 'queued' AND run_at <= now`, or `running` whose lease `claimed_until` has
-- passed: its worker died) that sets the lease; a failure puts it back with `run_at` moved by
-- an exponential backoff, or makes it `dead` after `max_attempts`. Times are Unix milliseconds.
CREATE TABLE jobs (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    kind          TEXT NOT NULL,
    key           TEXT NOT NULL UNIQUE,
    payload       TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'queued'
                  CHECK (status IN ('queued', 'running', 'done', 'dead')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    max_attempts  INTEGER NOT NULL,
    run_at        INTEGER NOT NULL,
    claimed_by    TEXT,
    claimed_until INTEGER,
    last_error    TEXT,
    created_at    INTEGER NOT NULL,
    finished_at   INTEGER
);
CREATE INDEX jobs_due ON jobs (status, run_at);

-- Where a unit (unit_id) or an account (user_id) is told: an e-mail address, a 企业微信 group
-- robot, a 钉钉 custom robot or a generic signed webhook. `target` is what may be shown (the
-- address, or the URL without its query); `secret` holds what may not (the full URL with its
-- key or access token, the signing secret), encrypted by the application, never shown back.
-- `failures` counts consecutive failed deliveries: the office's page marks a channel at 3.
CREATE TABLE channels (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id    INTEGER REFERENCES units (id) ON DELETE CASCADE,
    user_id    INTEGER REFERENCES users (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('email', 'wecom', 'dingtalk', 'webhook')),
    target     TEXT NOT NULL,
    secret     TEXT,
    keyword    TEXT,
    enabled    BOOLEAN NOT NULL DEFAULT TRUE,
    failures   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    CHECK ((unit_id IS NULL) <> (user_id IS NULL))
);
CREATE INDEX channels_unit ON channels (unit_id);
CREATE INDEX channels_user ON channels (user_id);

-- One row per job × channel: written ('sending') before the message leaves, 'sent' once the
-- receiver took it. A worker that takes over a job skips what is 'sent' and sends again what
-- is 'sending' with the same key (the mail's Message-ID, the webhook's idempotency header).
CREATE TABLE deliveries (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id     INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    channel_id INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    key        TEXT NOT NULL UNIQUE,
    status     TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'failed')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    error      TEXT,
    updated_at INTEGER NOT NULL
);
CREATE INDEX deliveries_job ON deliveries (job_id);

-- The office's rules: which reminders are sent, how many days before a report is due, how long
-- a review may wait, and the quiet hours (北京时间, from..to, none when equal) during which
-- nothing is sent. One row; absent, the defaults.
CREATE TABLE notify_rules (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    due_soon        BOOLEAN NOT NULL,
    due_soon_days   INTEGER NOT NULL,
    overdue         BOOLEAN NOT NULL,
    awaiting_review BOOLEAN NOT NULL,
    review_days     INTEGER NOT NULL,
    problem_overdue BOOLEAN NOT NULL,
    quiet_from      INTEGER NOT NULL,
    quiet_to        INTEGER NOT NULL,
    updated_by      TEXT NOT NULL,
    updated_at      INTEGER NOT NULL
);
