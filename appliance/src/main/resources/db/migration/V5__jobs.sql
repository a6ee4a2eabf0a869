-- Batch jobs: a notebook of a user's run without a person at the keyboard by the run engine, its executed copy
-- saved to a folder of their home (docs/adr/0015-run-engine.md). The run folder is <data>/runs/<id>/.

CREATE TABLE jobs (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner           VARCHAR(64)    NOT NULL,
    -- the notebook as the owner names it in their file namespace (home-relative; shared/<owner>/… for shares)
    notebook        VARCHAR(4000)  NOT NULL,
    environment     VARCHAR(64)    NOT NULL,
    profile         VARCHAR(64)    NOT NULL,
    -- a JSON object, injected papermill-style after the cell tagged "parameters"
    parameters      CLOB           NOT NULL,
    output_folder   VARCHAR(4000)  NOT NULL,
    timeout_seconds BIGINT         NOT NULL,
    stop_on_error   BOOLEAN        NOT NULL DEFAULT TRUE,
    -- queued, running, succeeded, failed, cancelled, timed_out
    state           VARCHAR(16)    NOT NULL,
    message         VARCHAR(4000)  NOT NULL DEFAULT '',
    -- the first failing cell (index among all cells of the executed notebook), its error name and value
    failing_cell    INT,
    failing_error   VARCHAR(4000)  NOT NULL DEFAULT '',
    -- where the executed notebook was saved in the owner's home, once saved
    output_path     VARCHAR(4000)  NOT NULL DEFAULT '',
    image_digest    VARCHAR(200)   NOT NULL DEFAULT '',
    run_id          VARCHAR(64)    NOT NULL DEFAULT '',
    created_at      TIMESTAMP      NOT NULL,
    started_at      TIMESTAMP,
    finished_at     TIMESTAMP
);

CREATE INDEX jobs_owner ON jobs (owner, id);
CREATE INDEX jobs_state ON jobs (state);
