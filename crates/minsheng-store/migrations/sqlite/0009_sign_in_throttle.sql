-- Sign-in throttling by (name, address) rather than locking (issue #10): failures are
-- counted per pair, so the pair's own index; and the addresses each name has signed in from,
-- so that failures against a name from elsewhere (or from one address against many names)
-- slow only addresses the name has not used, never the account's own.
CREATE INDEX sign_in_failures_pair ON sign_in_failures (name, client, at);

CREATE TABLE sign_in_known_clients (
    name    TEXT NOT NULL,
    client  TEXT NOT NULL,
    last_at TEXT NOT NULL,
    PRIMARY KEY (name, client)
);
