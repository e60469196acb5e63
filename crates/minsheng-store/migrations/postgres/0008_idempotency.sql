-- Answers to API writes sent with an `Idempotency-Key` header, kept for a day, so a client that
-- retries a write (its connection dropped, it was told 503) gets the first answer again instead
-- of doing the write twice. A key belongs to one account; the same key with another request is
-- refused. A row whose `status` is NULL is a request still under way.
CREATE TABLE idempotency_keys (
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key          TEXT NOT NULL,
    -- SHA-256 of the method, path and body: what the key was first used for.
    request_hash TEXT NOT NULL,
    status       BIGINT,
    content_type TEXT,
    body         BYTEA,
    -- Unix seconds: when the request began (it is swept a day later).
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
