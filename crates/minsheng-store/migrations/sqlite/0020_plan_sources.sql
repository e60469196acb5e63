-- The files a plan was read from (issue #19): the Word file, PDF, web page or spreadsheet the
-- office uploaded in the editor, kept as it came (bytes, name, media type, size, SHA-256) with
-- the confirmed plan, so that what the extractor read can always be checked against the
-- original. The bytes are kept in the database, as evidence files are (0006): a backup of the
-- database is a backup of the plan's sources.
CREATE TABLE plan_sources (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id     INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    file_name   TEXT NOT NULL,
    media_type  TEXT NOT NULL,
    size_bytes  INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    content     BLOB NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
);
CREATE INDEX plan_sources_plan ON plan_sources (plan_id);
