-- One row: the database's identity (epoch) and the change counter shared by
-- every feed table. Each change takes `seq + 1` inside its own transaction.
CREATE TABLE meta (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    epoch TEXT NOT NULL,
    seq INTEGER NOT NULL
);

-- A feed table: one JSON body per id, the sequence number of its last
-- change, and a tombstone flag (deleted rows keep their last body).
-- Later feeds (events, proposal drafts) copy this shape.
CREATE TABLE groups (
    id TEXT PRIMARY KEY NOT NULL,
    body TEXT NOT NULL,
    seq INTEGER NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX groups_seq ON groups (seq);
