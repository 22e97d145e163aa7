-- Foundation: settings, organisations, users, sessions, login attempts, API keys, the
-- audit log, market entities and their products.

CREATE TABLE settings (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

-- Testing labs (检验检测机构), certification bodies (认证机构) and legal metrology
-- institutions (法定计量技术机构).
CREATE TABLE organisations (
    id               INTEGER PRIMARY KEY,
    kind             TEXT NOT NULL,
    name             TEXT NOT NULL,
    uscc             TEXT NOT NULL,
    region_code      TEXT NOT NULL,
    address          TEXT NOT NULL DEFAULT '',
    accreditation_no TEXT NOT NULL DEFAULT '',
    scope            TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL DEFAULT 'valid',
    valid_until      DATE,
    contact          TEXT NOT NULL DEFAULT '',
    phone            TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1,
    UNIQUE (kind, uscc)
);
CREATE INDEX organisations_kind ON organisations (kind, region_code);

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    username       TEXT NOT NULL UNIQUE,
    display_name   TEXT NOT NULL DEFAULT '',
    role           TEXT NOT NULL,
    region_code    TEXT,
    uscc           TEXT,
    org_id         INTEGER REFERENCES organisations (id),
    password_hash  TEXT NOT NULL,
    disabled       INTEGER NOT NULL DEFAULT 0,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    password_changed_at TIMESTAMP NOT NULL
);

-- A session row is keyed by the SHA-256 of the cookie token, so a leaked database does
-- not hand out live sessions.
CREATE TABLE sessions (
    id_hash       TEXT PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token    TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    last_seen_at  TIMESTAMP NOT NULL,
    expires_at    TIMESTAMP NOT NULL,
    ip            TEXT NOT NULL DEFAULT '',
    user_agent    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE login_attempts (
    id        INTEGER PRIMARY KEY,
    username  TEXT NOT NULL,
    ip        TEXT NOT NULL,
    at        TIMESTAMP NOT NULL,
    success   INTEGER NOT NULL
);
CREATE INDEX login_attempts_username ON login_attempts (username, at);
CREATE INDEX login_attempts_ip ON login_attempts (ip, at);

-- API keys are stored as the SHA-256 of the key; the key itself is shown once.
CREATE TABLE api_keys (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL,
    region_code   TEXT,
    prefix        TEXT NOT NULL,
    key_hash      TEXT NOT NULL UNIQUE,
    created_at    TIMESTAMP NOT NULL,
    created_by    TEXT NOT NULL,
    revoked_at    TIMESTAMP,
    last_used_at  TIMESTAMP
);

-- The audit log (审计日志) is append-only: triggers refuse UPDATE and DELETE.
CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    at           TIMESTAMP NOT NULL,
    actor_kind   TEXT NOT NULL,
    actor_id     INTEGER,
    actor_name   TEXT NOT NULL,
    actor_role   TEXT NOT NULL DEFAULT '',
    action       TEXT NOT NULL,
    object_type  TEXT NOT NULL,
    object_id    TEXT NOT NULL DEFAULT '',
    region_code  TEXT NOT NULL DEFAULT '',
    summary      TEXT NOT NULL DEFAULT '',
    before_json  TEXT,
    after_json   TEXT,
    request_id   TEXT NOT NULL DEFAULT '',
    ip           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_object ON audit_log (object_type, object_id);
CREATE INDEX audit_log_actor ON audit_log (actor_name, at);
CREATE INDEX audit_log_region ON audit_log (region_code, at);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- Market entities (市场主体).
CREATE TABLE entities (
    id                    INTEGER PRIMARY KEY,
    uscc                  TEXT NOT NULL UNIQUE,
    name                  TEXT NOT NULL,
    former_names          TEXT NOT NULL DEFAULT '[]',
    entity_type           TEXT NOT NULL,
    legal_representative  TEXT NOT NULL DEFAULT '',
    address               TEXT NOT NULL DEFAULT '',
    region_code           TEXT NOT NULL,
    industry_code         TEXT NOT NULL DEFAULT '',
    established_on        DATE,
    status                TEXT NOT NULL,
    registered_capital    TEXT NOT NULL DEFAULT '',
    needs_check           INTEGER NOT NULL DEFAULT 0,
    source                TEXT NOT NULL DEFAULT 'manual',
    created_at            TIMESTAMP NOT NULL,
    updated_at            TIMESTAMP NOT NULL,
    version               INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX entities_region ON entities (region_code, status);
CREATE INDEX entities_industry ON entities (industry_code);
CREATE INDEX entities_updated ON entities (updated_at);

-- Products (产品) made or sold by an entity.
CREATE TABLE products (
    id             INTEGER PRIMARY KEY,
    entity_id      INTEGER NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    brand          TEXT NOT NULL DEFAULT '',
    model          TEXT NOT NULL DEFAULT '',
    category       TEXT NOT NULL DEFAULT '',
    standard_code  TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX products_entity ON products (entity_id);
