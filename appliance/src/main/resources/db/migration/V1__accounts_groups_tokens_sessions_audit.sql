-- The first catalog schema: who can log in and how, and what they did.
-- Servers, shares and archives arrive as later migrations with the features that own them.
-- (Derby indexes foreign keys itself, so no extra indexes on user_id.)

CREATE TABLE users (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name                VARCHAR(32)  NOT NULL UNIQUE,
    password_hash       VARCHAR(256),
    is_admin            BOOLEAN      NOT NULL DEFAULT FALSE,
    -- active | disabled | pending (self-signup awaiting approval)
    state               VARCHAR(16)  NOT NULL DEFAULT 'active',
    -- workshop accounts stop working after this instant
    expires_at          TIMESTAMP,
    created_at          TIMESTAMP    NOT NULL,
    last_login          TIMESTAMP
);

CREATE TABLE user_groups (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        VARCHAR(64)  NOT NULL UNIQUE,
    description VARCHAR(500) NOT NULL DEFAULT '',
    created_at  TIMESTAMP    NOT NULL
);

CREATE TABLE memberships (
    group_id BIGINT NOT NULL REFERENCES user_groups (id) ON DELETE CASCADE,
    user_id  BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
);

-- Personal API tokens: only the SHA-256 of the token is stored; the token itself is shown once.
CREATE TABLE api_tokens (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    BIGINT       NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash CHAR(64)     NOT NULL UNIQUE,
    prefix     VARCHAR(16)  NOT NULL,
    note       VARCHAR(200) NOT NULL DEFAULT '',
    scopes     VARCHAR(200) NOT NULL,
    created_at TIMESTAMP    NOT NULL,
    expires_at TIMESTAMP,
    last_used  TIMESTAMP
);

-- Browser sessions: the cookie carries a random id, the catalog keeps only its SHA-256,
-- so a stolen database does not yield live sessions. Kept in the catalog so they survive a restart.
CREATE TABLE sessions (
    id_hash     CHAR(64)    NOT NULL PRIMARY KEY,
    user_id     BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token  VARCHAR(64) NOT NULL,
    created_at  TIMESTAMP   NOT NULL,
    last_seen   TIMESTAMP   NOT NULL,
    expires_at  TIMESTAMP   NOT NULL
);

CREATE TABLE audit_events (
    id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at TIMESTAMP NOT NULL,
    actor   VARCHAR(64)   NOT NULL,
    action  VARCHAR(64)   NOT NULL,
    target  VARCHAR(256)  NOT NULL DEFAULT '',
    outcome VARCHAR(16)   NOT NULL,
    address VARCHAR(64)   NOT NULL DEFAULT '',
    detail  VARCHAR(1000) NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_by_time ON audit_events (occurred_at);
