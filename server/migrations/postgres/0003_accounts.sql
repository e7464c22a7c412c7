-- Group accounts (団体アカウント): one per directory group that may write
-- proposals. Times are Unix milliseconds.
CREATE TABLE accounts (
    group_id TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL
);

-- Invitation codes, stored as the SHA-256 (hex) of the normalised code.
-- Single use: `used_at` is set in the transaction that creates the member.
CREATE TABLE invitations (
    code_hash TEXT PRIMARY KEY,
    group_id TEXT NOT NULL REFERENCES accounts (group_id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    revoked BOOLEAN NOT NULL DEFAULT FALSE
);

-- A member signs in with a login name and an Argon2id passphrase hash (PHC).
CREATE TABLE members (
    login TEXT PRIMARY KEY,
    group_id TEXT NOT NULL REFERENCES accounts (group_id),
    passphrase_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX members_group ON members (group_id);

-- Bearer tokens, stored as SHA-256 (hex) only.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    login TEXT NOT NULL REFERENCES members (login),
    created_at BIGINT NOT NULL
);
CREATE INDEX sessions_login ON sessions (login);

-- Failed sign-ins, for the rate limit (kept in the database: several
-- servers may share it).
CREATE TABLE signin_failures (
    login TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX signin_failures_login_at ON signin_failures (login, at);
