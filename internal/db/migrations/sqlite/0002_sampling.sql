-- Sampling inspection (抽检): categories, the limits catalogue, plans and tasks, samples
-- and their test items, workflow events, sampling officers and announcements.

-- Sampling categories (food four-level tree, manufactured products, agricultural
-- products), loaded as data and editable.
CREATE TABLE sampling_categories (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    parent_code TEXT NOT NULL DEFAULT '',
    level       INTEGER NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    UNIQUE (kind, code)
);

-- Versioned standard limits (标准限量).
CREATE TABLE limits (
    id                INTEGER PRIMARY KEY,
    standard_code     TEXT NOT NULL,
    standard_edition  TEXT NOT NULL DEFAULT '',
    standard_status   TEXT NOT NULL DEFAULT 'current',
    analyte           TEXT NOT NULL,
    analyte_en        TEXT NOT NULL DEFAULT '',
    food              TEXT NOT NULL,
    food_en           TEXT NOT NULL DEFAULT '',
    category_code     TEXT NOT NULL DEFAULT '',
    limit_text        TEXT NOT NULL,
    kind              TEXT NOT NULL,
    unit              TEXT NOT NULL DEFAULT '',
    comparison        TEXT NOT NULL DEFAULT 'full',
    valid_from        DATE,
    valid_to          DATE,
    note              TEXT NOT NULL DEFAULT '',
    source            TEXT NOT NULL DEFAULT '',
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL
);
CREATE INDEX limits_analyte ON limits (analyte, food);

-- Sampling officers (抽样人员) from whom pairs are drawn for each visit.
CREATE TABLE sampling_officers (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    region_code  TEXT NOT NULL,
    badge_no     TEXT NOT NULL DEFAULT '',
    active       INTEGER NOT NULL DEFAULT 1,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX sampling_officers_region ON sampling_officers (region_code);

CREATE TABLE sampling_plans (
    id           INTEGER PRIMARY KEY,
    year         INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    level        TEXT NOT NULL,
    name         TEXT NOT NULL,
    region_code  TEXT NOT NULL,
    seed         INTEGER NOT NULL,
    status       TEXT NOT NULL DEFAULT 'active',
    note         TEXT NOT NULL DEFAULT '',
    created_by   TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1
);

-- The categories a plan covers, their test items and judgement basis.
CREATE TABLE plan_categories (
    plan_id          INTEGER NOT NULL REFERENCES sampling_plans (id) ON DELETE CASCADE,
    category_code    TEXT NOT NULL,
    test_items       TEXT NOT NULL DEFAULT '[]',
    judgement_basis  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (plan_id, category_code)
);

-- Quotas (batches) by district and category.
CREATE TABLE plan_quotas (
    plan_id        INTEGER NOT NULL REFERENCES sampling_plans (id) ON DELETE CASCADE,
    region_code    TEXT NOT NULL,
    category_code  TEXT NOT NULL,
    quota          INTEGER NOT NULL,
    PRIMARY KEY (plan_id, region_code, category_code)
);

CREATE TABLE plan_labs (
    plan_id  INTEGER NOT NULL REFERENCES sampling_plans (id) ON DELETE CASCADE,
    org_id   INTEGER NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (plan_id, org_id)
);

-- Tasks assigned to labs, and the targets drawn for them (双随机).
CREATE TABLE sampling_tasks (
    id             INTEGER PRIMARY KEY,
    plan_id        INTEGER NOT NULL REFERENCES sampling_plans (id) ON DELETE CASCADE,
    lab_org_id     INTEGER NOT NULL REFERENCES organisations (id),
    region_code    TEXT NOT NULL,
    category_code  TEXT NOT NULL,
    quota          INTEGER NOT NULL,
    status         TEXT NOT NULL DEFAULT 'assigned',
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX sampling_tasks_plan ON sampling_tasks (plan_id);
CREATE INDEX sampling_tasks_lab ON sampling_tasks (lab_org_id);

CREATE TABLE task_targets (
    id         INTEGER PRIMARY KEY,
    task_id    INTEGER NOT NULL REFERENCES sampling_tasks (id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    entity_id  INTEGER NOT NULL REFERENCES entities (id),
    officers   TEXT NOT NULL DEFAULT '[]',
    sample_id  INTEGER
);
CREATE INDEX task_targets_task ON task_targets (task_id);

-- Samples (样品, one sampled batch) with their current verdict and workflow state.
CREATE TABLE samples (
    id                  INTEGER PRIMARY KEY,
    sample_no           TEXT NOT NULL UNIQUE,
    plan_id             INTEGER REFERENCES sampling_plans (id),
    task_id             INTEGER REFERENCES sampling_tasks (id),
    kind                TEXT NOT NULL,
    level               TEXT NOT NULL,
    year                INTEGER NOT NULL,
    category_code       TEXT NOT NULL,
    category1           TEXT NOT NULL,
    product_name        TEXT NOT NULL,
    brand               TEXT NOT NULL DEFAULT '',
    specification       TEXT NOT NULL DEFAULT '',
    batch               TEXT NOT NULL DEFAULT '',
    producer_id         INTEGER REFERENCES entities (id),
    producer_name       TEXT NOT NULL DEFAULT '',
    seller_id           INTEGER REFERENCES entities (id),
    seller_name         TEXT NOT NULL DEFAULT '',
    region_code         TEXT NOT NULL,
    stage               TEXT NOT NULL,
    sampled_on          DATE NOT NULL,
    samplers            TEXT NOT NULL DEFAULT '[]',
    lab_org_id          INTEGER REFERENCES organisations (id),
    retest_lab_org_id   INTEGER REFERENCES organisations (id),
    verdict             TEXT NOT NULL DEFAULT '',
    first_verdict       TEXT NOT NULL DEFAULT '',
    disagreements       INTEGER NOT NULL DEFAULT 0,
    micro_failure       INTEGER NOT NULL DEFAULT 0,
    state               TEXT NOT NULL,
    objection_state     TEXT NOT NULL DEFAULT '',
    disposal_state      TEXT NOT NULL DEFAULT '',
    announced           INTEGER NOT NULL DEFAULT 0,
    next_step           TEXT NOT NULL DEFAULT '',
    due_on              DATE,
    reported_on         DATE,
    served_on           DATE,
    recorded_by         TEXT NOT NULL DEFAULT '',
    recorded_role       TEXT NOT NULL DEFAULT '',
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    version             INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX samples_region ON samples (region_code, sampled_on);
CREATE INDEX samples_due ON samples (due_on) WHERE due_on IS NOT NULL;
CREATE INDEX samples_producer ON samples (producer_id) WHERE producer_id IS NOT NULL;
CREATE INDEX samples_seller ON samples (seller_id) WHERE seller_id IS NOT NULL;
CREATE INDEX samples_lab ON samples (lab_org_id);

-- Test items (检验项目) as the lab wrote them, with qcity's recomputed verdict. The
-- reason for the verdict is not stored: the judge is pure and re-derives it on reading.
CREATE TABLE sample_items (
    id            INTEGER PRIMARY KEY,
    sample_id     INTEGER NOT NULL REFERENCES samples (id) ON DELETE CASCADE,
    round         INTEGER NOT NULL DEFAULT 1,
    seq           INTEGER NOT NULL,
    item          TEXT NOT NULL,
    result        TEXT NOT NULL,
    unit          TEXT NOT NULL DEFAULT '',
    limit_text    TEXT NOT NULL DEFAULT '',
    limit_id      INTEGER REFERENCES limits (id),
    comparison    TEXT NOT NULL DEFAULT 'full',
    standard      TEXT NOT NULL DEFAULT '',
    lab_verdict   TEXT NOT NULL DEFAULT '',
    verdict       TEXT NOT NULL
);
CREATE INDEX sample_items_sample ON sample_items (sample_id);

-- Every workflow step taken on a sample: who, when, what, documents.
CREATE TABLE sample_events (
    id          INTEGER PRIMARY KEY,
    sample_id   INTEGER NOT NULL REFERENCES samples (id) ON DELETE CASCADE,
    step        TEXT NOT NULL,
    on_date     DATE NOT NULL,
    at          TIMESTAMP NOT NULL,
    actor_name  TEXT NOT NULL,
    actor_role  TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    documents   TEXT NOT NULL DEFAULT '[]',
    data        TEXT NOT NULL DEFAULT '{}',
    due_on      DATE,
    late        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sample_events_sample ON sample_events (sample_id, id);

-- Announcements (公告) of failed samples; a superseded one keeps its row.
CREATE TABLE announcements (
    id              INTEGER PRIMARY KEY,
    sample_id       INTEGER NOT NULL REFERENCES samples (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    year            INTEGER NOT NULL,
    published_on    DATE NOT NULL,
    status          TEXT NOT NULL,
    retest_pending  INTEGER NOT NULL DEFAULT 0,
    superseded_on   DATE,
    supersede_note  TEXT NOT NULL DEFAULT '',
    product_name    TEXT NOT NULL,
    producer_name   TEXT NOT NULL DEFAULT '',
    seller_name     TEXT NOT NULL DEFAULT '',
    content         TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX announcements_list ON announcements (kind, year, published_on);
CREATE INDEX announcements_sample ON announcements (sample_id);

-- API keys of labs' systems speak for their lab.
ALTER TABLE api_keys ADD COLUMN org_id INTEGER REFERENCES organisations (id);
