-- Blocks and mutes, beside the follows they gate (they lived in the embedded SQLite file).
--
-- A block is recorded in the transaction that deletes the follows between the two accounts,
-- and a follow is written only after reading that no block exists; both transactions first
-- lock the two `users` rows in key order, so one always sees the other's result
-- (see adapters/mysql/social_graph.py). `blocks_incoming` answers "who blocks me", which
-- every read path needs as much as "whom do I block". No foreign keys: neither table is
-- read through `users`, and a row naming a vanished account does no harm.

CREATE TABLE IF NOT EXISTS blocks (
    blocker_id CHAR(36) NOT NULL,
    blocked_id CHAR(36) NOT NULL,
    created_at DATETIME(6) NOT NULL,
    PRIMARY KEY (blocker_id, blocked_id),
    KEY blocks_incoming (blocked_id, blocker_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS mutes (
    muter_id CHAR(36) NOT NULL,
    muted_id CHAR(36) NOT NULL,
    created_at DATETIME(6) NOT NULL,
    PRIMARY KEY (muter_id, muted_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
