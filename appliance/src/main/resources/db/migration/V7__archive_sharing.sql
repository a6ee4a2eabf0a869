-- Sharing preserved analyses (issue 7, docs/adr/0016-archives.md "Sharing"): read access to one archive for a user
-- or a group, and public links. Grants and links belong to the archive, not to file shares: an archive is not in
-- anyone's home, and what a grant gives (see, download, re-run) is fixed by what an archive is.

CREATE TABLE archive_grants (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    archive_id  VARCHAR(32)  NOT NULL REFERENCES archives (id) ON DELETE CASCADE,
    -- user | group
    kind        VARCHAR(8)   NOT NULL CHECK (kind IN ('user', 'group')),
    -- deleting the account or the group removes the grant with it
    user_id     BIGINT REFERENCES users (id) ON DELETE CASCADE,
    group_id    BIGINT REFERENCES user_groups (id) ON DELETE CASCADE,
    created_by  VARCHAR(64)  NOT NULL,
    created_at  TIMESTAMP    NOT NULL,
    CHECK ((kind = 'user' AND user_id IS NOT NULL AND group_id IS NULL)
        OR (kind = 'group' AND group_id IS NOT NULL AND user_id IS NULL)),
    -- one grant per archive and recipient (NULLs are never equal, so each pair guards its own kind)
    CONSTRAINT archive_grants_user UNIQUE (archive_id, user_id),
    CONSTRAINT archive_grants_group UNIQUE (archive_id, group_id)
);
-- The lookups by archive and by recipient use the indexes Derby builds for the unique and foreign keys.

CREATE TABLE archive_links (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    archive_id    VARCHAR(32)  NOT NULL REFERENCES archives (id) ON DELETE CASCADE,
    -- SHA-256 of the token (the token itself is shown once, like file links and API tokens)
    token_hash    CHAR(64)     NOT NULL UNIQUE,
    -- Argon2id of the optional password
    password_hash VARCHAR(256),
    label         VARCHAR(200) NOT NULL DEFAULT '',
    created_by    VARCHAR(64)  NOT NULL,
    created_at    TIMESTAMP    NOT NULL
);
