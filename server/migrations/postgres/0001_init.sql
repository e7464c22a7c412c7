-- One row: the database's identity (epoch) and the change counter shared by
-- every feed table. Each change takes `seq + 1` inside its own transaction;
-- the row lock makes sequence order follow commit order.
CREATE TABLE meta (
    id SMALLINT PRIMARY KEY CHECK (id = 1),
    epoch TEXT NOT NULL,
    seq BIGINT NOT NULL
);

-- A feed table: one JSON body per id, the sequence number of its last
-- change, and a tombstone flag (deleted rows keep their last body).
-- Later feeds (events, proposal drafts) copy this shape.
CREATE TABLE groups (
    id TEXT PRIMARY KEY,
    body JSONB NOT NULL,
    seq BIGINT NOT NULL,
    deleted BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX groups_seq ON groups (seq);
