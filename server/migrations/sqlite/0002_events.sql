-- The events feed: the same shape as `groups`.
CREATE TABLE events (
    id TEXT PRIMARY KEY NOT NULL,
    body TEXT NOT NULL,
    seq INTEGER NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX events_seq ON events (seq);
