-- Notebook servers and what they are made of: environments (images) and resource profiles.

-- An environment is a notebook image users may start. Recipes built by `./labhub kernels build` are
-- registered from their image labels; admins may register any other image in Podman.
CREATE TABLE environments (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name           VARCHAR(64)   NOT NULL UNIQUE,
    display_name   VARCHAR(200)  NOT NULL,
    description    VARCHAR(2000) NOT NULL DEFAULT '',
    -- the reference containers are created from, e.g. localhost/labhub/kernel-python:62c8ad66221c
    image          VARCHAR(500)  NOT NULL,
    -- Podman's image id (sha256) and repo digest when registered: what "this exact environment" means
    image_id       VARCHAR(100)  NOT NULL,
    image_digest   VARCHAR(100)  NOT NULL DEFAULT '',
    -- recipe (from kernels/) | image (registered by an admin)
    source         VARCHAR(16)   NOT NULL,
    enabled        BOOLEAN       NOT NULL DEFAULT TRUE,
    -- Podman network mode the admin allows: none (the default) or bridge
    network        VARCHAR(16)   NOT NULL DEFAULT 'none',
    language       VARCHAR(64)   NOT NULL DEFAULT '',
    -- "package<TAB>version" lines as recorded in the image; empty when the image records none
    packages       CLOB,
    package_count  INT           NOT NULL DEFAULT 0,
    created_at     TIMESTAMP     NOT NULL,
    updated_at     TIMESTAMP     NOT NULL
);

-- A resource profile: what one server may use. Open to everyone unless restricted to groups.
CREATE TABLE profiles (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name           VARCHAR(64)   NOT NULL UNIQUE,
    display_name   VARCHAR(200)  NOT NULL,
    cpus           DOUBLE        NOT NULL,
    memory_bytes   BIGINT        NOT NULL,
    pids_limit     INT           NOT NULL,
    is_default     BOOLEAN       NOT NULL DEFAULT FALSE,
    sort_order     INT           NOT NULL DEFAULT 0,
    created_at     TIMESTAMP     NOT NULL
);

CREATE TABLE profile_groups (
    profile_id BIGINT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    group_id   BIGINT NOT NULL REFERENCES user_groups (id) ON DELETE CASCADE,
    PRIMARY KEY (profile_id, group_id)
);

-- One row per server a user has (the default one is named ''). The row outlives the container:
-- a stopped server keeps its environment, profile and the reason it stopped.
CREATE TABLE servers (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id        BIGINT        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name           VARCHAR(32)   NOT NULL,
    environment    VARCHAR(64)   NOT NULL,
    profile        VARCHAR(64)   NOT NULL,
    -- starting | running | stopping | stopped
    state          VARCHAR(16)   NOT NULL,
    container_id   VARCHAR(80),
    -- per start: the notebook's token is derived from the hub's secret key and this nonce, never stored
    start_nonce    VARCHAR(64),
    requested_at   TIMESTAMP,
    ready_at       TIMESTAMP,
    stopped_at     TIMESTAMP,
    last_activity  TIMESTAMP,
    -- why it stopped, in words for the user (empty while running, or after a stop they asked for)
    stop_reason    VARCHAR(500)  NOT NULL DEFAULT '',
    exit_code      INT,
    -- the last out-of-memory kill inside the server (a kernel, usually), for the user to see
    last_oom_at    TIMESTAMP,
    last_oom_task  VARCHAR(64),
    created_at     TIMESTAMP     NOT NULL,
    UNIQUE (user_id, name)
);
