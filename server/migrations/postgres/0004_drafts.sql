-- Proposal drafts: a feed table scoped by group. `body` is the `Draft` as
-- JSON; `submitted_at` repeats the body's, for the export's query.
CREATE TABLE drafts (
    id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL,
    body JSONB NOT NULL,
    seq BIGINT NOT NULL,
    deleted BOOLEAN NOT NULL DEFAULT FALSE,
    submitted_at TEXT
);
CREATE INDEX drafts_group_seq ON drafts (group_id, seq);
CREATE INDEX drafts_submitted ON drafts (submitted_at);

-- Each device install (client id) writes for one group; `last_applied` is
-- the highest mutation number answered, written with the answer.
CREATE TABLE draft_clients (
    client_id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL,
    last_applied BIGINT NOT NULL DEFAULT 0
);

-- The answer to each mutation (`MutationResult` as JSON), so a retried push
-- gets the same answers. Kept for the client's latest request.
CREATE TABLE draft_results (
    client_id TEXT NOT NULL REFERENCES draft_clients (client_id),
    n BIGINT NOT NULL,
    result JSONB NOT NULL,
    PRIMARY KEY (client_id, n)
);
