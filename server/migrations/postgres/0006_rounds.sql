-- Rounds (募集) as published by `publish-round`: every version kept, the
-- newest one is what drafts are held to. `body` is the `Round` as JSON.
CREATE TABLE rounds (
    id TEXT NOT NULL,
    version BIGINT NOT NULL,
    body JSONB NOT NULL,
    published_at BIGINT NOT NULL,
    PRIMARY KEY (id, version)
);

-- 受付番号: one counter per fiscal year, taken inside the transaction
-- that writes the submission.
CREATE TABLE receipt_counters (
    fiscal_year BIGINT PRIMARY KEY,
    last BIGINT NOT NULL
);

-- The review's status (`review::Status` code), repeated from the body for
-- the staff list; NULL for a draft never submitted.
ALTER TABLE drafts ADD COLUMN status TEXT;
CREATE INDEX drafts_status ON drafts (status);
