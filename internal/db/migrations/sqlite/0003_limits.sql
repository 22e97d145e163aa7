-- The limits catalogue (标准限量库): a version for optimistic locking of edits, and an
-- index for listing by standard.
ALTER TABLE limits ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
CREATE INDEX limits_standard ON limits (standard_code, standard_edition);
