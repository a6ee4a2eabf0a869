-- Datasets: host folders an admin registers by name; they appear read-only at /data/<name> in the notebook
-- containers of the users who may see them (docs/adr/0013-datasets.md).

CREATE TABLE datasets (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- a path segment under /data: [a-z0-9][a-z0-9._-]{0,62}
    name         VARCHAR(63)   NOT NULL UNIQUE,
    -- absolute, normalised, no symbolic links; checked again at every server start
    host_path    VARCHAR(4000) NOT NULL,
    description  VARCHAR(2000) NOT NULL DEFAULT '',
    -- set when an admin names groups: deleting those groups later must not open the data to everyone
    restricted   BOOLEAN       NOT NULL DEFAULT FALSE,
    created_at   TIMESTAMP     NOT NULL,
    updated_at   TIMESTAMP     NOT NULL
);

-- Members of these groups (and admins) see a restricted dataset; an unrestricted one has no rows here.
CREATE TABLE dataset_groups (
    dataset_id BIGINT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    group_id   BIGINT NOT NULL REFERENCES user_groups (id) ON DELETE CASCADE,
    PRIMARY KEY (dataset_id, group_id)
);
