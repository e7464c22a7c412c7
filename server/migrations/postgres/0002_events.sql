-- The events feed: the same shape as `groups`.
CREATE TABLE events (
    id TEXT PRIMARY KEY,
    body JSONB NOT NULL,
    seq BIGINT NOT NULL,
    deleted BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX events_seq ON events (seq);
