-- Credit (质量诚信): annual reports, the abnormal-operations list, the serious illegal
-- and dishonest list, administrative penalties and their publicity, credit repair,
-- risk classes, the rules engine's runs and the worklist reminders it raises.

-- When the registration status last changed, for the annual-report denominator.
ALTER TABLE entities ADD COLUMN status_changed_on DATE;

-- Annual reports (企业年度报告). contents holds the mandatory fields (Art. 9 items 1-6),
-- optional the item-7 fields, published_optional the names of those the enterprise
-- publishes. publish = false: an individual business chose not to publish.
CREATE TABLE annual_reports (
    id                  INTEGER PRIMARY KEY,
    entity_id           INTEGER NOT NULL REFERENCES entities (id),
    year                INTEGER NOT NULL,
    filed_on            DATE NOT NULL,
    channel             TEXT NOT NULL,
    publish             INTEGER NOT NULL,
    contents            TEXT NOT NULL,
    optional            TEXT NOT NULL,
    published_optional  TEXT NOT NULL,
    filed_by            TEXT NOT NULL,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    version             INTEGER NOT NULL DEFAULT 1,
    UNIQUE (entity_id, year)
);
CREATE INDEX annual_reports_year ON annual_reports (year, filed_on);

-- Corrections made before 30 June: old and new values are shown together (Art. 12).
CREATE TABLE annual_report_corrections (
    id            INTEGER PRIMARY KEY,
    report_id     INTEGER NOT NULL REFERENCES annual_reports (id),
    corrected_on  DATE NOT NULL,
    field         TEXT NOT NULL,
    old_value     TEXT NOT NULL,
    new_value     TEXT NOT NULL,
    corrected_by  TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX annual_report_corrections_report ON annual_report_corrections (report_id, id);

-- The abnormal-operations list (经营异常名录) and the abnormal mark of individual
-- businesses (个体工商户经营异常状态, individual = true).
-- state: proposed | listed | removed | revoked (objection upheld / listed in error) | withdrawn (proposal dropped)
CREATE TABLE abnormal_listings (
    id                   INTEGER PRIMARY KEY,
    entity_id            INTEGER NOT NULL REFERENCES entities (id),
    region_code          TEXT NOT NULL,
    reason               TEXT NOT NULL,
    report_year          INTEGER NOT NULL DEFAULT 0,
    individual           INTEGER NOT NULL,
    state                TEXT NOT NULL,
    facts                TEXT NOT NULL DEFAULT '',
    proposed_on          DATE,
    decide_by            DATE,
    listed_on            DATE,
    decision_no          TEXT NOT NULL DEFAULT '',
    authority            TEXT NOT NULL DEFAULT '',
    publicity_ends_on    DATE,
    removed_on           DATE,
    removal_reason       TEXT NOT NULL DEFAULT '',
    removal_decision_no  TEXT NOT NULL DEFAULT '',
    removal_authority    TEXT NOT NULL DEFAULT '',
    objection_on         DATE,
    objection_text       TEXT NOT NULL DEFAULT '',
    objection_state      TEXT NOT NULL DEFAULT '',
    objection_due        DATE,
    objection_decided_on DATE,
    created_at           TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL,
    version              INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX abnormal_listings_open ON abnormal_listings (entity_id, reason, report_year)
    WHERE state IN ('proposed', 'listed');
CREATE INDEX abnormal_listings_entity ON abnormal_listings (entity_id, id);
CREATE INDEX abnormal_listings_state ON abnormal_listings (state, region_code, listed_on);

-- Administrative penalties (行政处罚) and their publicity (Order 45).
-- state: unpublished (warning only) | published | ended | ended_early | withdrawn (annulled)
CREATE TABLE penalties (
    id                   INTEGER PRIMARY KEY,
    entity_id            INTEGER NOT NULL REFERENCES entities (id),
    region_code          TEXT NOT NULL,
    decision_no          TEXT NOT NULL UNIQUE,
    authority            TEXT NOT NULL,
    decided_on           DATE NOT NULL,
    kinds                TEXT NOT NULL,
    fine_fen             INTEGER NOT NULL DEFAULT 0,
    confiscated_fen      INTEGER NOT NULL DEFAULT 0,
    domain               TEXT NOT NULL,
    violation            TEXT NOT NULL,
    basis                TEXT NOT NULL,
    heavier              INTEGER NOT NULL,
    restriction_until    DATE,
    state                TEXT NOT NULL,
    published_on         DATE,
    publicity_term       TEXT NOT NULL DEFAULT '',
    publicity_ends_on    DATE,
    early_end_from       DATE,
    ended_on             DATE,
    legal_rep_commitment TEXT NOT NULL DEFAULT '',
    credit_china_status  TEXT NOT NULL DEFAULT '',
    annulled_on          DATE,
    created_at           TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL,
    version              INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX penalties_entity ON penalties (entity_id, decided_on);
CREATE INDEX penalties_state ON penalties (state, publicity_ends_on);

-- The serious illegal and dishonest list (严重违法失信名单, Order 44).
-- state: proposed | hearing | pending_approval | listed | early_removal_applied |
--        removed_early | rejected (proposal not approved) | expired | revoked
CREATE TABLE serious_listings (
    id                   INTEGER PRIMARY KEY,
    entity_id            INTEGER NOT NULL REFERENCES entities (id),
    region_code          TEXT NOT NULL,
    penalty_id           INTEGER REFERENCES penalties (id),
    circumstances        TEXT NOT NULL,
    facts                TEXT NOT NULL,
    measures             TEXT NOT NULL,
    state                TEXT NOT NULL,
    proposed_on          DATE NOT NULL,
    proposed_by          TEXT NOT NULL,
    hearing_on           DATE,
    hearing_note         TEXT NOT NULL DEFAULT '',
    approval_requested_on DATE,
    approved_on          DATE,
    approved_by          TEXT NOT NULL DEFAULT '',
    listed_on            DATE,
    restriction_until    DATE,
    expires_on           DATE,
    decision_no          TEXT NOT NULL DEFAULT '',
    authority            TEXT NOT NULL DEFAULT '',
    legal_rep_commitment TEXT NOT NULL DEFAULT '',
    relisted_count       INTEGER NOT NULL DEFAULT 0,
    removed_on           DATE,
    removal_note         TEXT NOT NULL DEFAULT '',
    created_at           TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL,
    version              INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX serious_listings_entity ON serious_listings (entity_id, id);
CREATE INDEX serious_listings_state ON serious_listings (state, expires_on);

-- Uploaded files (commitment letters, evidence), type- and size-checked.
CREATE TABLE documents (
    id            INTEGER PRIMARY KEY,
    entity_id     INTEGER NOT NULL REFERENCES entities (id),
    name          TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          INTEGER NOT NULL,
    sha256        TEXT NOT NULL,
    data          BLOB NOT NULL,
    uploaded_by   TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL
);

-- Credit repair (信用修复) and early-removal applications.
-- target: abnormal | serious | penalty. state: applied | accepted | approved | rejected
CREATE TABLE repair_applications (
    id             INTEGER PRIMARY KEY,
    entity_id      INTEGER NOT NULL REFERENCES entities (id),
    region_code    TEXT NOT NULL,
    target         TEXT NOT NULL,
    target_id      INTEGER NOT NULL,
    state          TEXT NOT NULL,
    statement      TEXT NOT NULL,
    conditions     TEXT NOT NULL DEFAULT '',
    applied_on     DATE NOT NULL,
    applicant      TEXT NOT NULL,
    accept_by      DATE,
    accepted_on    DATE,
    decide_by      DATE NOT NULL,
    decided_on     DATE,
    decided_by     TEXT NOT NULL DEFAULT '',
    decision_note  TEXT NOT NULL DEFAULT '',
    stop_by        DATE,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX repair_applications_open ON repair_applications (target, target_id)
    WHERE state IN ('applied', 'accepted');
CREATE INDEX repair_applications_entity ON repair_applications (entity_id, id);
CREATE INDEX repair_applications_state ON repair_applications (state, decide_by);

CREATE TABLE repair_documents (
    application_id  INTEGER NOT NULL REFERENCES repair_applications (id),
    document_id     INTEGER NOT NULL REFERENCES documents (id),
    role            TEXT NOT NULL,
    PRIMARY KEY (application_id, document_id)
);

-- Internal credit risk classes (信用风险分类, A/B/C/D). Never shown on public pages.
CREATE TABLE risk_classes (
    entity_id    INTEGER PRIMARY KEY REFERENCES entities (id),
    class        TEXT NOT NULL,
    score        INTEGER NOT NULL,
    factors      TEXT NOT NULL,
    computed_on  DATE NOT NULL
);
CREATE INDEX risk_classes_class ON risk_classes (class);

-- One row per date the rules engine ran: the first instance to insert it runs.
CREATE TABLE rules_runs (
    run_date     DATE PRIMARY KEY,
    instance     TEXT NOT NULL,
    started_at   TIMESTAMP NOT NULL,
    finished_at  TIMESTAMP,
    summary      TEXT NOT NULL DEFAULT ''
);

-- Worklist reminders the rules engine raises, once each.
CREATE TABLE reminders (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    ref          TEXT NOT NULL,
    entity_id    INTEGER REFERENCES entities (id),
    region_code  TEXT NOT NULL,
    due_on       DATE,
    created_on   DATE NOT NULL,
    UNIQUE (kind, ref)
);
CREATE INDEX reminders_region ON reminders (region_code, created_on);
