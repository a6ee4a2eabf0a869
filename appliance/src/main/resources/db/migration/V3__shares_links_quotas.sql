-- Shares of a file or folder (issue 5): with a user, with a group, or as a public link.
-- Deleting an account or a group removes the shares it made, owned or received (ON DELETE CASCADE), and
-- revoking a share removes the reshares made from it (parent_id).

CREATE TABLE shares (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- whose home the item is in
    owner_id           BIGINT         NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- the item, relative to the owner's home ('/'-separated checked names, see RelPath); at most 64 names of 255 bytes
    path               VARCHAR(16448) NOT NULL,
    -- user | group | link
    kind               VARCHAR(8)     NOT NULL CHECK (kind IN ('user', 'group', 'link')),
    recipient_user_id  BIGINT REFERENCES users (id) ON DELETE CASCADE,
    recipient_group_id BIGINT REFERENCES user_groups (id) ON DELETE CASCADE,
    -- bit set of Permission: READ=1 CREATE=2 UPDATE=4 DELETE=8 RESHARE=16
    permissions        INT            NOT NULL,
    -- the owner, or a recipient who reshared (then parent_id names the share they reshared from)
    created_by         BIGINT         NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    parent_id          BIGINT REFERENCES shares (id) ON DELETE CASCADE,
    -- shown to recipients under shared/<owner>/<name>; the last path segment unless chosen
    name               VARCHAR(255)   NOT NULL,
    created_at         TIMESTAMP      NOT NULL,
    expires_at         TIMESTAMP,
    -- links only: SHA-256 of the token (the token itself is shown once), Argon2id of the optional password
    token_hash         CHAR(64) UNIQUE,
    password_hash      VARCHAR(256),
    label              VARCHAR(200)   NOT NULL DEFAULT '',
    CHECK ((kind = 'user' AND recipient_user_id IS NOT NULL AND recipient_group_id IS NULL AND token_hash IS NULL)
        OR (kind = 'group' AND recipient_group_id IS NOT NULL AND recipient_user_id IS NULL AND token_hash IS NULL)
        OR (kind = 'link' AND token_hash IS NOT NULL AND recipient_user_id IS NULL AND recipient_group_id IS NULL))
);

-- Per-user quota set by an admin; users without a row get the configured default.
CREATE TABLE user_quotas (
    user_id BIGINT NOT NULL PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    bytes   BIGINT NOT NULL CHECK (bytes >= 0)
);
