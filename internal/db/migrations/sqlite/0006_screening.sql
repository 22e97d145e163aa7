-- Credit screening for procurement and bidding (联合惩戒信用核查): the feed of credit
-- changes that keeps every instance's index current and drives subscriptions, the trail
-- of screenings, clients' false-positive decisions, subscriptions and their deliveries.

-- Every change of an entity's credit standing, in order; appended in the transaction
-- of the change.
CREATE TABLE credit_changes (
    seq         INTEGER PRIMARY KEY,
    entity_id   INTEGER NOT NULL REFERENCES entities (id),
    uscc        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    ref         TEXT NOT NULL,
    changed_on  DATE NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX credit_changes_uscc ON credit_changes (uscc, seq);

-- Each screening call: who asked, why, and what it answered. code is the verification
-- code printed on the screening certificate.
CREATE TABLE screenings (
    id           INTEGER PRIMARY KEY,
    code         TEXT NOT NULL UNIQUE,
    client_key   TEXT NOT NULL,
    client_name  TEXT NOT NULL,
    purpose      TEXT NOT NULL,
    subjects     INTEGER NOT NULL,
    restricted   INTEGER NOT NULL,
    review       INTEGER NOT NULL,
    result       BLOB NOT NULL,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX screenings_client ON screenings (client_key, id);

-- A client's decision that a name match was a false positive, for its own checks.
CREATE TABLE screening_decisions (
    id           INTEGER PRIMARY KEY,
    client_key   TEXT NOT NULL,
    subject_key  TEXT NOT NULL,
    subject_name TEXT NOT NULL,
    entity_id    INTEGER NOT NULL REFERENCES entities (id),
    note         TEXT NOT NULL DEFAULT '',
    created_by   TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    revoked_at   TIMESTAMP,
    revoked_by   TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX screening_decisions_live ON screening_decisions (client_key, subject_key, entity_id) WHERE revoked_at IS NULL;

-- Subscriptions: a client's subjects and the webhook their changes are POSTed to.
CREATE TABLE subscriptions (
    id           INTEGER PRIMARY KEY,
    client_key   TEXT NOT NULL,
    client_name  TEXT NOT NULL,
    url          TEXT NOT NULL,
    secret       TEXT NOT NULL,
    cursor       INTEGER NOT NULL,
    active       INTEGER NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX subscriptions_client ON subscriptions (client_key);

CREATE TABLE subscription_subjects (
    subscription_id  INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    uscc             TEXT NOT NULL,
    PRIMARY KEY (subscription_id, uscc)
);
CREATE INDEX subscription_subjects_uscc ON subscription_subjects (uscc);

-- Webhook deliveries: one per batch of changes, retried with backoff.
-- state: pending | delivered | failed (gave up)
CREATE TABLE deliveries (
    id               INTEGER PRIMARY KEY,
    subscription_id  INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    payload          TEXT NOT NULL,
    state            TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMP NOT NULL,
    claimed_until    TIMESTAMP,
    last_status      INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMP NOT NULL,
    delivered_at     TIMESTAMP
);
CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at);
CREATE INDEX deliveries_subscription ON deliveries (subscription_id, id);
