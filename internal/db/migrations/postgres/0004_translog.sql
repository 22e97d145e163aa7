-- The tamper-evident public log (透明日志): a Merkle tree (golang.org/x/mod/sumdb/tlog)
-- of canonical records of every list change, penalty publication and announcement.

-- Records, by 0-based index. data holds the exact bytes whose tlog.RecordHash is the leaf.
CREATE TABLE translog_records (
    idx         BIGINT PRIMARY KEY,
    data        BYTEA NOT NULL,
    kind        TEXT NOT NULL,
    ref         TEXT NOT NULL,
    subject     TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX translog_records_ref ON translog_records (ref, idx);
CREATE INDEX translog_records_subject ON translog_records (subject, idx);

-- Stored hashes, by tlog storage index (tlog.StoredHashIndex).
CREATE TABLE translog_hashes (
    id    BIGINT PRIMARY KEY,
    hash  BYTEA NOT NULL
);

-- The tree head: one row, updated in the transaction that appends.
CREATE TABLE translog_head (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    size        BIGINT NOT NULL,
    root        BYTEA NOT NULL,
    checkpoint  TEXT NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);

-- Openings of the salted commitments that stand for personal data of natural persons
-- in the log. Ending a publicity term erases salt and value; the commitment stays.
CREATE TABLE translog_secrets (
    commitment  TEXT PRIMARY KEY,
    salt        BYTEA,
    value       TEXT,
    record_idx  BIGINT NOT NULL,
    erased_at   TIMESTAMPTZ
);

CREATE FUNCTION translog_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END
$$;
CREATE TRIGGER translog_records_no_change BEFORE UPDATE OR DELETE ON translog_records
    FOR EACH ROW EXECUTE FUNCTION translog_append_only();
CREATE TRIGGER translog_records_no_truncate BEFORE TRUNCATE ON translog_records
    FOR EACH STATEMENT EXECUTE FUNCTION translog_append_only();
CREATE TRIGGER translog_hashes_no_change BEFORE UPDATE OR DELETE ON translog_hashes
    FOR EACH ROW EXECUTE FUNCTION translog_append_only();
CREATE TRIGGER translog_hashes_no_truncate BEFORE TRUNCATE ON translog_hashes
    FOR EACH STATEMENT EXECUTE FUNCTION translog_append_only();
