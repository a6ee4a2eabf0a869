-- Preserved analyses (issue 7): BagIt archives under <data>/archives/<id>/, immutable once written
-- (docs/adr/0016-archives.md). The bag on disk is the truth for content; this table says who owns it, what it
-- is called, and what the last full check found.

CREATE TABLE archives (
    -- derived from the content: base32 of the SHA-256 of manifest-sha256.txt, 26 characters
    id            VARCHAR(32)    NOT NULL PRIMARY KEY,
    -- the user's name; an archive outlives nothing it needs (files are copied in), so no foreign key
    owner         VARCHAR(64)    NOT NULL,
    title         VARCHAR(500)   NOT NULL,
    description   VARCHAR(8000)  NOT NULL DEFAULT '',
    -- newline-separated lists
    authors       VARCHAR(4000)  NOT NULL DEFAULT '',
    license       VARCHAR(200)   NOT NULL DEFAULT '',
    keywords      VARCHAR(4000)  NOT NULL DEFAULT '',
    environment   VARCHAR(64)    NOT NULL,
    -- the image the analysis ran in: Podman's image id (the config digest) and, when known, its manifest digest
    image_id      VARCHAR(200)   NOT NULL,
    image_digest  VARCHAR(200)   NOT NULL DEFAULT '',
    -- TRUE: the bag holds only the digest, and that image must never be removed from this host
    by_reference  BOOLEAN        NOT NULL DEFAULT FALSE,
    -- TRUE: preserved although a cell failed; said in bag-info.txt and ro-crate-metadata.json too
    does_not_run  BOOLEAN        NOT NULL DEFAULT FALSE,
    -- TRUE: anyone with the address may see the landing page and download it
    public_access BOOLEAN        NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMP      NOT NULL,
    size_bytes    BIGINT         NOT NULL,
    -- ok | damaged
    state         VARCHAR(16)    NOT NULL DEFAULT 'ok' CHECK (state IN ('ok', 'damaged')),
    checked_at    TIMESTAMP,
    problem       VARCHAR(4000)  NOT NULL DEFAULT ''
);

CREATE INDEX archives_owner ON archives (owner);

-- Re-runs of an archive and their reproducibility reports (JSON, per notebook and cell).
CREATE TABLE archive_runs (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    archive_id  VARCHAR(32)  NOT NULL REFERENCES archives (id) ON DELETE CASCADE,
    started_by  VARCHAR(64)  NOT NULL,
    started_at  TIMESTAMP    NOT NULL,
    finished_at TIMESTAMP,
    -- running | identical | differs | errored | failed
    state       VARCHAR(16)  NOT NULL,
    tolerance   DOUBLE,
    identical   INT          NOT NULL DEFAULT 0,
    differs     INT          NOT NULL DEFAULT 0,
    errored     INT          NOT NULL DEFAULT 0,
    message     VARCHAR(4000) NOT NULL DEFAULT '',
    report      CLOB
);

-- No index of its own on archive_id: Derby already backs the foreign key with one (a second is refused with a warning).
