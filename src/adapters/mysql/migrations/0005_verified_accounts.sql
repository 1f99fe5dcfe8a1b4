-- Verified accounts: a ranking signal of search, set by operators (`instagram verify`).

ALTER TABLE users ADD COLUMN IF NOT EXISTS is_verified BOOLEAN NOT NULL DEFAULT FALSE;
