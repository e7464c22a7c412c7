-- Sessions end: `last_used_at` (Unix ms) is checked against the idle
-- lifetime on every request, `created_at` against the absolute one.
ALTER TABLE sessions ADD COLUMN last_used_at BIGINT NOT NULL DEFAULT 0;
UPDATE sessions SET last_used_at = created_at;

-- Failed sign-ins are counted per client address and login, per address,
-- per login and overall; rows older than the window are purged.
ALTER TABLE signin_failures ADD COLUMN addr TEXT NOT NULL DEFAULT '';
CREATE INDEX signin_failures_addr_at ON signin_failures (addr, at);
CREATE INDEX signin_failures_at ON signin_failures (at);

-- Drafts are counted per group (the quota).
CREATE INDEX drafts_group_live ON drafts (group_id, deleted);
