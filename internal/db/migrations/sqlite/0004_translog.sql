-- The tamper-evident public log (透明日志): a Merkle tree (golang.org/x/mod/sumdb/tlog)
-- of canonical records of every list change, penalty publication and announcement.

-- Records, by 0-based index. data holds the exact bytes whose tlog.RecordHash is the leaf.
CREATE TABLE translog_records (
    idx         INTEGER PRIMARY KEY,
    data        BLOB NOT NULL,
    kind        TEXT NOT NULL,
    ref         TEXT NOT NULL,
    subject     TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX translog_records_ref ON translog_records (ref, idx);
CREATE INDEX translog_records_subject ON translog_records (subject, idx);

-- Stored hashes, by tlog storage index (tlog.StoredHashIndex).
CREATE TABLE translog_hashes (
    id    INTEGER PRIMARY KEY,
    hash  BLOB NOT NULL
);

-- The tree head: one row, updated in the transaction that appends.
CREATE TABLE translog_head (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    size        INTEGER NOT NULL,
    root        BLOB NOT NULL,
    checkpoint  TEXT NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

-- Openings of the salted commitments that stand for personal data of natural persons
-- in the log. Ending a publicity term erases salt and value; the commitment stays.
CREATE TABLE translog_secrets (
    commitment  TEXT PRIMARY KEY,
    salt        BLOB,
    value       TEXT,
    record_idx  INTEGER NOT NULL,
    erased_at   TIMESTAMP
);

CREATE TRIGGER translog_records_no_update BEFORE UPDATE ON translog_records
BEGIN SELECT RAISE(ABORT, 'translog_records is append-only'); END;
CREATE TRIGGER translog_records_no_delete BEFORE DELETE ON translog_records
BEGIN SELECT RAISE(ABORT, 'translog_records is append-only'); END;
CREATE TRIGGER translog_hashes_no_update BEFORE UPDATE ON translog_hashes
BEGIN SELECT RAISE(ABORT, 'translog_hashes is append-only'); END;
CREATE TRIGGER translog_hashes_no_delete BEFORE DELETE ON translog_hashes
BEGIN SELECT RAISE(ABORT, 'translog_hashes is append-only'); END;
