-- Rounds (募集) as published by `publish-round`: every version kept, the
-- newest one is what drafts are held to. `body` is the `Round` as JSON.
CREATE TABLE rounds (
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    body TEXT NOT NULL,
    published_at INTEGER NOT NULL,
    PRIMARY KEY (id, version)
);

-- 受付番号: one counter per fiscal year, taken inside the transaction
-- that writes the submission.
CREATE TABLE receipt_counters (
    fiscal_year INTEGER PRIMARY KEY NOT NULL,
    last INTEGER NOT NULL
);

-- The review's status (`review::Status` code), repeated from the body for
-- the staff list; NULL for a draft never submitted.
ALTER TABLE drafts ADD COLUMN status TEXT;
CREATE INDEX drafts_status ON drafts (status);
