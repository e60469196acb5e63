-- Evidence files (佐证材料) attached to reports. The bytes are kept in the database, so a backup
-- of the database is a backup of the evidence and every web server sees the same files.
CREATE TABLE report_evidence (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id    INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes   INTEGER NOT NULL,
    content      BLOB NOT NULL,
    uploaded_by  TEXT NOT NULL,
    uploaded_at  TEXT NOT NULL
);
CREATE INDEX report_evidence_report ON report_evidence (report_id);
