-- Certification oversight (认证监管): the registry of certificates (认证证书) with their
-- status history, the accreditation history of certification bodies and labs,
-- verification leads (forged numbers, misused certificates), the flags raised when a
-- certified product fails sampling (联动监管), and the bureau's cases.

-- Certificates: CCC product certificates, management-system certificates and organic
-- product certificates. status is the certificate's own status as its body recorded
-- it (valid | suspended | revoked | cancelled | expired); the public status also
-- follows the body's approval (see internal/certification).
CREATE TABLE certificates (
    id               INTEGER PRIMARY KEY,
    number           TEXT NOT NULL UNIQUE,
    scheme           TEXT NOT NULL,
    category         TEXT NOT NULL DEFAULT '',
    body_id          INTEGER NOT NULL REFERENCES organisations (id),
    holder_id        INTEGER REFERENCES entities (id),
    holder_name      TEXT NOT NULL,
    holder_uscc      TEXT NOT NULL,
    holder_address   TEXT NOT NULL DEFAULT '',
    region_code      TEXT NOT NULL DEFAULT '',
    product          TEXT NOT NULL DEFAULT '',
    models           TEXT NOT NULL DEFAULT '',
    brand            TEXT NOT NULL DEFAULT '',
    manufacturer     TEXT NOT NULL DEFAULT '',
    factory          TEXT NOT NULL DEFAULT '',
    scope            TEXT NOT NULL DEFAULT '',
    standard         TEXT NOT NULL,
    cert_mode        TEXT NOT NULL DEFAULT '',
    issued_on        DATE NOT NULL,
    expires_on       DATE NOT NULL,
    first_issued_on  DATE,
    status           TEXT NOT NULL,
    status_reason    TEXT NOT NULL DEFAULT '',
    status_on        DATE NOT NULL,
    source           TEXT NOT NULL DEFAULT 'form',
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX certificates_holder ON certificates (holder_uscc);
CREATE INDEX certificates_holder_id ON certificates (holder_id);
CREATE INDEX certificates_body ON certificates (body_id, status);
CREATE INDEX certificates_expiry ON certificates (status, expires_on);
CREATE INDEX certificates_updated ON certificates (updated_at);

-- The history of a certificate: registration, status changes with their reasons,
-- renewals, and the public status changes a body's suspension or withdrawal causes
-- (kind cascade).
CREATE TABLE certificate_events (
    id              INTEGER PRIMARY KEY,
    certificate_id  INTEGER NOT NULL REFERENCES certificates (id),
    kind            TEXT NOT NULL,
    from_status     TEXT NOT NULL DEFAULT '',
    to_status       TEXT NOT NULL DEFAULT '',
    reason          TEXT NOT NULL DEFAULT '',
    note            TEXT NOT NULL DEFAULT '',
    on_date         DATE NOT NULL,
    actor_name      TEXT NOT NULL,
    actor_role      TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX certificate_events_cert ON certificate_events (certificate_id, id);
CREATE INDEX certificate_events_status ON certificate_events (kind, to_status, on_date);

-- Changes of a certification body's or lab's approval (资质), with the reason.
CREATE TABLE accreditation_events (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES organisations (id),
    from_status  TEXT NOT NULL,
    to_status    TEXT NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    on_date      DATE NOT NULL,
    actor_name   TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX accreditation_events_org ON accreditation_events (org_id, id);

-- Verification leads: every query for a number not in the registry (possible forgery)
-- and every query naming another holder than the certificate's (possible misuse), one
-- row per kind, number and holder named, counting the queries.
-- state: open | case | dismissed
CREATE TABLE cert_leads (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL,
    number         TEXT NOT NULL,
    holder_query   TEXT NOT NULL DEFAULT '',
    scheme_guess   TEXT NOT NULL DEFAULT '',
    format_ok      INTEGER NOT NULL,
    queries        INTEGER NOT NULL,
    first_seen_at  TIMESTAMP NOT NULL,
    last_seen_at   TIMESTAMP NOT NULL,
    state          TEXT NOT NULL DEFAULT 'open',
    note           TEXT NOT NULL DEFAULT '',
    UNIQUE (kind, number, holder_query)
);
CREATE INDEX cert_leads_state ON cert_leads (state, last_seen_at);

-- Linked supervision (联动监管): a certificate flagged for its body's review because a
-- sample of the holder's product covered by it failed. state: open | responded |
-- withdrawn (the failure was overturned).
CREATE TABLE cert_flags (
    id              INTEGER PRIMARY KEY,
    certificate_id  INTEGER NOT NULL REFERENCES certificates (id),
    body_id         INTEGER NOT NULL REFERENCES organisations (id),
    sample_id       INTEGER NOT NULL REFERENCES samples (id),
    sample_no       TEXT NOT NULL,
    lab_id          INTEGER REFERENCES organisations (id),
    product         TEXT NOT NULL,
    failed_items    TEXT NOT NULL DEFAULT '',
    flagged_on      DATE NOT NULL,
    due_on          DATE NOT NULL,
    state           TEXT NOT NULL,
    response        TEXT NOT NULL DEFAULT '',
    response_note   TEXT NOT NULL DEFAULT '',
    responded_on    DATE,
    responded_by    TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    UNIQUE (certificate_id, sample_id)
);
CREATE INDEX cert_flags_body ON cert_flags (body_id, state);
CREATE INDEX cert_flags_sample ON cert_flags (sample_id);

-- Cases (案件) officials open from a lead, a flag or on their own, with evidence and an
-- outcome that may feed a penalty and a serious-list proposal. state: open | closed
CREATE TABLE cert_cases (
    id              INTEGER PRIMARY KEY,
    case_no         TEXT NOT NULL UNIQUE,
    source          TEXT NOT NULL,
    lead_id         INTEGER REFERENCES cert_leads (id),
    flag_id         INTEGER REFERENCES cert_flags (id),
    certificate_id  INTEGER REFERENCES certificates (id),
    number          TEXT NOT NULL DEFAULT '',
    offence         TEXT NOT NULL,
    subject_name    TEXT NOT NULL DEFAULT '',
    subject_uscc    TEXT NOT NULL DEFAULT '',
    entity_id       INTEGER REFERENCES entities (id),
    region_code     TEXT NOT NULL DEFAULT '',
    summary         TEXT NOT NULL,
    state           TEXT NOT NULL,
    opened_on       DATE NOT NULL,
    opened_by       TEXT NOT NULL,
    outcome         TEXT NOT NULL DEFAULT '',
    outcome_note    TEXT NOT NULL DEFAULT '',
    closed_on       DATE,
    penalty_id      INTEGER REFERENCES penalties (id),
    serious_id      INTEGER REFERENCES serious_listings (id),
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX cert_cases_state ON cert_cases (state, opened_on);

-- What happened on a case, in order.
CREATE TABLE cert_case_events (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cert_cases (id),
    kind        TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    on_date     DATE NOT NULL,
    actor_name  TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX cert_case_events_case ON cert_case_events (case_id, id);

-- Evidence attached to a case: PDF, JPEG or PNG, kept with its SHA-256.
CREATE TABLE cert_case_documents (
    id            INTEGER PRIMARY KEY,
    case_id       INTEGER NOT NULL REFERENCES cert_cases (id),
    name          TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          INTEGER NOT NULL,
    sha256        TEXT NOT NULL,
    data          BLOB NOT NULL,
    uploaded_by   TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX cert_case_documents_case ON cert_case_documents (case_id);
