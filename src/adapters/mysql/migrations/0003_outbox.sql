-- The transactional outbox: a bus record written in the transaction of the write it
-- announces (a follow, a block, an account), so neither is kept without the other. A relay
-- sends the rows to Kafka in `id` order and deletes them once the broker acknowledged them
-- (see adapters/mysql/outbox.py). `outbox_relay` holds one lease row: the relay sending a
-- batch keeps it locked (SELECT ... FOR UPDATE SKIP LOCKED), so relays in several processes
-- take turns and never send rows out of order or twice while the lease holder lives.

CREATE TABLE IF NOT EXISTS outbox (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    topic VARCHAR(249) NOT NULL,
    record_key VARBINARY(255) NULL,
    payload MEDIUMBLOB NOT NULL,
    created_at DATETIME(6) NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS outbox_relay (
    lease TINYINT UNSIGNED NOT NULL PRIMARY KEY
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

INSERT IGNORE INTO outbox_relay (lease) VALUES (1);
