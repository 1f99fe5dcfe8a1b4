-- Accounts and the follow graph: the seed's `users` and `follows` tables.
--
-- Ids are binary-collated, so they compare and sort as the core's strings do. The username
-- is kept as given for display and lower-cased in `username_key`, whose UNIQUE index makes
-- uniqueness case-insensitive even under concurrent sign-ups. Times are UTC, to the
-- microsecond. The counters live on the users row (one read per profile view) and the
-- social graph adapter adjusts them in the transaction that changes the edge.

CREATE TABLE IF NOT EXISTS users (
    user_id CHAR(36) NOT NULL,
    username VARCHAR(30) NOT NULL,
    username_key VARCHAR(30) NOT NULL,
    display_name VARCHAR(64) NOT NULL,
    bio TEXT NOT NULL,
    avatar_url TEXT NULL,
    password_hash VARCHAR(255) NOT NULL,
    post_count INT NOT NULL DEFAULT 0,
    follower_count INT NOT NULL DEFAULT 0,
    following_count INT NOT NULL DEFAULT 0,
    is_private BOOLEAN NOT NULL DEFAULT FALSE,
    created_at DATETIME(6) NOT NULL,
    PRIMARY KEY (user_id),
    UNIQUE KEY users_username_key (username_key)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Keyset pages read `follows_incoming` / `follows_outgoing` backwards from the cursor;
-- the fan-out worker walks a celebrity's followers in id order on `follows_fanout`
-- without sorting them. The foreign keys make an edge between unknown accounts impossible
-- (the counters would have no row to live on).
CREATE TABLE IF NOT EXISTS follows (
    follower_id CHAR(36) NOT NULL,
    followee_id CHAR(36) NOT NULL,
    status ENUM('active', 'pending') NOT NULL,
    created_at DATETIME(6) NOT NULL,
    PRIMARY KEY (follower_id, followee_id),
    KEY follows_incoming (followee_id, status, created_at, follower_id),
    KEY follows_outgoing (follower_id, status, created_at, followee_id),
    KEY follows_fanout (followee_id, status, follower_id),
    CONSTRAINT follows_follower FOREIGN KEY (follower_id) REFERENCES users (user_id),
    CONSTRAINT follows_followee FOREIGN KEY (followee_id) REFERENCES users (user_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
