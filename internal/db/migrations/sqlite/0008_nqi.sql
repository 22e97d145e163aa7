-- Quality infrastructure and development (国家质量基础设施与质量发展): standards and their
-- drafters, standardisation pilot projects, benchmarking, qualifications of labs and
-- legal metrology institutions, measuring instruments under compulsory verification,
-- chief quality officers, IP-advantage enterprises, brands, the IP pledge-financing
-- risk-compensation fund, rectification campaigns, bright kitchens, quality improvement
-- projects and quality events. The tables follow the register descriptions in
-- internal/nqi/kinds.go: one column per stored field; counts of child records are
-- computed on read, never stored. Every table carries region_code, the region that
-- scopes who may edit (and, for non-public registers, see) a record.

-- Standards (标准): level and nature come from the code; year is the publication year.
CREATE TABLE standards (
    id                 INTEGER PRIMARY KEY,
    code               TEXT NOT NULL DEFAULT '',
    title              TEXT NOT NULL DEFAULT '',
    level              TEXT NOT NULL DEFAULT '',
    nature             TEXT NOT NULL DEFAULT '',
    revision           TEXT NOT NULL DEFAULT '',
    replaces           TEXT NOT NULL DEFAULT '',
    status             TEXT NOT NULL DEFAULT '',
    published_on       DATE,
    effective_on       DATE,
    withdrawn_on       DATE,
    year               INTEGER,
    region_code        TEXT NOT NULL DEFAULT '',
    note               TEXT NOT NULL DEFAULT '',
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX standards_code ON standards (code);
CREATE INDEX standards_year ON standards (year, level);

-- Drafting organisations (起草单位); local = 'yes' when drafter_region is in the jurisdiction.
CREATE TABLE standard_drafters (
    id                 INTEGER PRIMARY KEY,
    standard_id        INTEGER NOT NULL REFERENCES standards (id),
    name               TEXT NOT NULL DEFAULT '',
    uscc               TEXT NOT NULL DEFAULT '',
    drafter_region     TEXT NOT NULL DEFAULT '',
    role               TEXT NOT NULL DEFAULT '',
    local              TEXT NOT NULL DEFAULT '',
    region_code        TEXT NOT NULL DEFAULT '',
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX standard_drafters_standard_id_name ON standard_drafters (standard_id, name);

-- Standardisation pilot and demonstration projects (标准化试点示范项目).
CREATE TABLE pilot_projects (
    id                 INTEGER PRIMARY KEY,
    name               TEXT NOT NULL DEFAULT '',
    level              TEXT NOT NULL DEFAULT '',
    project_type       TEXT NOT NULL DEFAULT '',
    field              TEXT NOT NULL DEFAULT '',
    owner_name         TEXT NOT NULL DEFAULT '',
    owner_uscc         TEXT NOT NULL DEFAULT '',
    region_code        TEXT NOT NULL DEFAULT '',
    document_no        TEXT NOT NULL DEFAULT '',
    start_on           DATE NOT NULL,
    end_on             DATE NOT NULL,
    status             TEXT NOT NULL DEFAULT '',
    evaluated_on       DATE,
    score              INTEGER,
    evaluation         TEXT NOT NULL DEFAULT '',
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX pilot_projects_level_name ON pilot_projects (level, name);

-- Benchmarking (对标达标): the result is computed from the indicators on read.
CREATE TABLE benchmarks (
    id                 INTEGER PRIMARY KEY,
    uscc               TEXT NOT NULL DEFAULT '',
    product            TEXT NOT NULL DEFAULT '',
    category           TEXT NOT NULL DEFAULT '',
    year               INTEGER NOT NULL,
    own_standard       TEXT NOT NULL DEFAULT '',
    benchmark_standard TEXT NOT NULL DEFAULT '',
    benchmark_source   TEXT NOT NULL DEFAULT '',
    action             TEXT NOT NULL DEFAULT '',
    action_standard    TEXT NOT NULL DEFAULT '',
    note               TEXT NOT NULL DEFAULT '',
    region_code        TEXT NOT NULL DEFAULT '',
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX benchmarks_year ON benchmarks (year);
CREATE INDEX benchmarks_uscc ON benchmarks (uscc);

-- Indicators compared with the benchmark; class = leading | meeting | below (领先/达标/未达标).
CREATE TABLE benchmark_indicators (
    id                 INTEGER PRIMARY KEY,
    benchmark_id       INTEGER NOT NULL REFERENCES benchmarks (id),
    name               TEXT NOT NULL DEFAULT '',
    unit               TEXT NOT NULL DEFAULT '',
    direction          TEXT NOT NULL DEFAULT '',
    own_value          TEXT NOT NULL DEFAULT '',
    benchmark_value    TEXT NOT NULL DEFAULT '',
    class              TEXT NOT NULL DEFAULT '',
    region_code        TEXT NOT NULL DEFAULT '',
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX benchmark_indicators_benchmark_id_name ON benchmark_indicators (benchmark_id, name);

-- CMA qualifications of labs and metrology authorisations of legal metrology institutions.
CREATE TABLE qualifications (
    id                 INTEGER PRIMARY KEY,
    org_id             INTEGER NOT NULL REFERENCES organisations (id),
    qualification      TEXT NOT NULL DEFAULT '',
    certificate_no     TEXT NOT NULL DEFAULT '',
    items              TEXT NOT NULL DEFAULT '',
    issued_on          DATE NOT NULL,
    valid_until        DATE NOT NULL,
    status             TEXT NOT NULL DEFAULT '',
    ended_on           DATE,
    region_code        TEXT NOT NULL DEFAULT '',
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX qualifications_qualification_certificate_no ON qualifications (qualification, certificate_no);
CREATE INDEX qualifications_org ON qualifications (org_id, issued_on);

-- Measuring instruments under compulsory verification (强制检定计量器具); last_* and
-- next_due_on are recomputed from the verifications in the transaction that changes them.
CREATE TABLE instruments (
    id                 INTEGER PRIMARY KEY,
    uscc               TEXT NOT NULL DEFAULT '',
    instrument_type    TEXT NOT NULL DEFAULT '',
    purpose            TEXT NOT NULL DEFAULT '',
    model              TEXT NOT NULL DEFAULT '',
    serial_no          TEXT NOT NULL DEFAULT '',
    location           TEXT NOT NULL DEFAULT '',
    cycle_months       INTEGER,
    status             TEXT NOT NULL DEFAULT '',
    region_code        TEXT NOT NULL DEFAULT '',
    last_verified_on   DATE,
    last_result        TEXT NOT NULL DEFAULT '',
    next_due_on        DATE,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX instruments_uscc_instrument_type_serial_no ON instruments (uscc, instrument_type, serial_no);
CREATE INDEX instruments_due ON instruments (status, next_due_on);
CREATE INDEX instruments_region ON instruments (region_code);

-- Verifications (检定记录) by an institution authorised on the day.
CREATE TABLE verifications (
    id                 INTEGER PRIMARY KEY,
    instrument_id      INTEGER NOT NULL REFERENCES instruments (id),
    verified_on        DATE NOT NULL,
    institution_id     INTEGER NOT NULL REFERENCES organisations (id),
    result             TEXT NOT NULL DEFAULT '',
    certificate_no     TEXT NOT NULL DEFAULT '',
    note               TEXT NOT NULL DEFAULT '',
    region_code        TEXT NOT NULL DEFAULT '',
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX verifications_instrument ON verifications (instrument_id, verified_on);
CREATE INDEX verifications_institution ON verifications (institution_id);

-- Chief quality officers (首席质量官).
CREATE TABLE quality_officers (
    id                 INTEGER PRIMARY KEY,
    uscc               TEXT NOT NULL DEFAULT '',
    name               TEXT NOT NULL DEFAULT '',
    position           TEXT NOT NULL DEFAULT '',
    appointed_on       DATE NOT NULL,
    left_on            DATE,
    region_code        TEXT NOT NULL DEFAULT '',
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX quality_officers_uscc_name_appointed_on ON quality_officers (uscc, name, appointed_on);
CREATE INDEX quality_officers_uscc ON quality_officers (uscc);

-- Their training records.
CREATE TABLE cqo_trainings (
    id                 INTEGER PRIMARY KEY,
    officer_id         INTEGER NOT NULL REFERENCES quality_officers (id),
    course             TEXT NOT NULL DEFAULT '',
    provider           TEXT NOT NULL DEFAULT '',
    hours              INTEGER NOT NULL,
    completed_on       DATE NOT NULL,
    result             TEXT NOT NULL DEFAULT '',
    certificate_no     TEXT NOT NULL DEFAULT '',
    region_code        TEXT NOT NULL DEFAULT '',
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX cqo_trainings_officer_id ON cqo_trainings (officer_id);

-- IP-advantage and IP-demonstration enterprises (知识产权优势/示范企业), by year of recognition.
CREATE TABLE ip_enterprises (
    id                 INTEGER PRIMARY KEY,
    uscc               TEXT NOT NULL DEFAULT '',
    level              TEXT NOT NULL DEFAULT '',
    designation        TEXT NOT NULL DEFAULT '',
    year               INTEGER NOT NULL,
    document_no        TEXT NOT NULL DEFAULT '',
    status             TEXT NOT NULL DEFAULT '',
    note               TEXT NOT NULL DEFAULT '',
    region_code        TEXT NOT NULL DEFAULT '',
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX ip_enterprises_uscc_level_designation_year ON ip_enterprises (uscc, level, designation, year);
CREATE INDEX ip_enterprises_year ON ip_enterprises (year);

-- Brands (品牌).
CREATE TABLE brands (
    id                 INTEGER PRIMARY KEY,
    uscc               TEXT NOT NULL DEFAULT '',
    name               TEXT NOT NULL DEFAULT '',
    brand_type         TEXT NOT NULL DEFAULT '',
    trademark_no       TEXT NOT NULL DEFAULT '',
    product            TEXT NOT NULL DEFAULT '',
    year               INTEGER NOT NULL,
    status             TEXT NOT NULL DEFAULT '',
    note               TEXT NOT NULL DEFAULT '',
    region_code        TEXT NOT NULL DEFAULT '',
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX brands_uscc_brand_type_name ON brands (uscc, brand_type, name);

-- IP pledge loans covered by the risk-compensation fund (风险补偿基金); amounts in fen.
CREATE TABLE fund_loans (
    id                 INTEGER PRIMARY KEY,
    uscc               TEXT NOT NULL DEFAULT '',
    bank               TEXT NOT NULL DEFAULT '',
    contract_no        TEXT NOT NULL DEFAULT '',
    amount             BIGINT NOT NULL,
    ip_type            TEXT NOT NULL DEFAULT '',
    pledged_ip         TEXT NOT NULL DEFAULT '',
    coverage_pct       INTEGER NOT NULL,
    loan_on            DATE NOT NULL,
    due_on             DATE NOT NULL,
    status             TEXT NOT NULL DEFAULT '',
    defaulted_on       DATE,
    loss               BIGINT,
    year               INTEGER,
    region_code        TEXT NOT NULL DEFAULT '',
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX fund_loans_contract_no ON fund_loans (contract_no);
CREATE INDEX fund_loans_uscc ON fund_loans (uscc);

-- The fund's compensations (风险补偿) on defaulted loans; amounts in fen.
CREATE TABLE fund_compensations (
    id                 INTEGER PRIMARY KEY,
    loan_id            INTEGER NOT NULL REFERENCES fund_loans (id),
    paid_on            DATE NOT NULL,
    amount             BIGINT NOT NULL,
    decision_no        TEXT NOT NULL DEFAULT '',
    note               TEXT NOT NULL DEFAULT '',
    region_code        TEXT NOT NULL DEFAULT '',
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX fund_compensations_loan_id ON fund_compensations (loan_id);

-- Rectification campaigns for key products (整治行动).
CREATE TABLE campaigns (
    id                 INTEGER PRIMARY KEY,
    name               TEXT NOT NULL DEFAULT '',
    area               TEXT NOT NULL DEFAULT '',
    year               INTEGER NOT NULL,
    region_code        TEXT NOT NULL DEFAULT '',
    lead               TEXT NOT NULL DEFAULT '',
    start_on           DATE NOT NULL,
    end_on             DATE NOT NULL,
    targets            TEXT NOT NULL DEFAULT '',
    target_inspections INTEGER,
    status             TEXT NOT NULL DEFAULT '',
    summary            TEXT NOT NULL DEFAULT '',
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX campaigns_year_name ON campaigns (year, name);

-- Their inspections, findings and outcomes.
CREATE TABLE campaign_inspections (
    id                 INTEGER PRIMARY KEY,
    campaign_id        INTEGER NOT NULL REFERENCES campaigns (id),
    uscc               TEXT NOT NULL DEFAULT '',
    inspected_on       DATE NOT NULL,
    inspectors         TEXT NOT NULL DEFAULT '',
    findings           TEXT NOT NULL DEFAULT '',
    problems           INTEGER NOT NULL,
    outcome            TEXT NOT NULL DEFAULT '',
    rectified_on       DATE,
    region_code        TEXT NOT NULL DEFAULT '',
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX campaign_inspections_campaign_id ON campaign_inspections (campaign_id);
CREATE INDEX campaign_inspections_uscc ON campaign_inspections (uscc);

-- Bright kitchens (明厨亮灶) of catering businesses.
CREATE TABLE bright_kitchens (
    id                 INTEGER PRIMARY KEY,
    uscc               TEXT NOT NULL DEFAULT '',
    mode               TEXT NOT NULL DEFAULT '',
    implemented_on     DATE NOT NULL,
    checked_on         DATE,
    status             TEXT NOT NULL DEFAULT '',
    note               TEXT NOT NULL DEFAULT '',
    region_code        TEXT NOT NULL DEFAULT '',
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX bright_kitchens_uscc ON bright_kitchens (uscc);

-- Key-product quality improvement projects (质量提升项目).
CREATE TABLE improvement_projects (
    id                 INTEGER PRIMARY KEY,
    name               TEXT NOT NULL DEFAULT '',
    product            TEXT NOT NULL DEFAULT '',
    year               INTEGER NOT NULL,
    region_code        TEXT NOT NULL DEFAULT '',
    lead               TEXT NOT NULL DEFAULT '',
    start_on           DATE NOT NULL,
    end_on             DATE NOT NULL,
    enterprises        INTEGER,
    status             TEXT NOT NULL DEFAULT '',
    summary            TEXT NOT NULL DEFAULT '',
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX improvement_projects_year_name ON improvement_projects (year, name);

-- Their indicators; class = met | not_met | pending.
CREATE TABLE improvement_indicators (
    id                 INTEGER PRIMARY KEY,
    project_id         INTEGER NOT NULL REFERENCES improvement_projects (id),
    name               TEXT NOT NULL DEFAULT '',
    unit               TEXT NOT NULL DEFAULT '',
    direction          TEXT NOT NULL DEFAULT '',
    baseline           TEXT NOT NULL DEFAULT '',
    target             TEXT NOT NULL DEFAULT '',
    achieved           TEXT NOT NULL DEFAULT '',
    class              TEXT NOT NULL DEFAULT '',
    region_code        TEXT NOT NULL DEFAULT '',
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX improvement_indicators_project_id_name ON improvement_indicators (project_id, name);

-- Quality events (质量月, 认证认可日, 世界标准日, 世界计量日).
CREATE TABLE quality_events (
    id                 INTEGER PRIMARY KEY,
    event_type         TEXT NOT NULL DEFAULT '',
    year               INTEGER NOT NULL,
    title              TEXT NOT NULL DEFAULT '',
    theme              TEXT NOT NULL DEFAULT '',
    region_code        TEXT NOT NULL DEFAULT '',
    organiser          TEXT NOT NULL DEFAULT '',
    note               TEXT NOT NULL DEFAULT '',
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX quality_events_year_event_type_title ON quality_events (year, event_type, title);

-- Their activities.
CREATE TABLE event_activities (
    id                 INTEGER PRIMARY KEY,
    event_id           INTEGER NOT NULL REFERENCES quality_events (id),
    title              TEXT NOT NULL DEFAULT '',
    held_on            DATE NOT NULL,
    place              TEXT NOT NULL DEFAULT '',
    organiser          TEXT NOT NULL DEFAULT '',
    participants       INTEGER,
    description        TEXT NOT NULL DEFAULT '',
    region_code        TEXT NOT NULL DEFAULT '',
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX event_activities_event_id ON event_activities (event_id);

-- Their participating organisations.
CREATE TABLE event_participants (
    id                 INTEGER PRIMARY KEY,
    event_id           INTEGER NOT NULL REFERENCES quality_events (id),
    name               TEXT NOT NULL DEFAULT '',
    uscc               TEXT NOT NULL DEFAULT '',
    role               TEXT NOT NULL DEFAULT '',
    note               TEXT NOT NULL DEFAULT '',
    region_code        TEXT NOT NULL DEFAULT '',
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX event_participants_event_id_name ON event_participants (event_id, name);
