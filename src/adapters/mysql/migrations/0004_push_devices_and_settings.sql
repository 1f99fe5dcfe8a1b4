-- Push devices and per-kind push settings (issue 13): relational, small, read on every
-- push, so they live beside the accounts. An address (token or URL) belongs to one device
-- of one platform: registering it again replaces the row (see adapters/mysql/push_devices.py).
-- A settings row exists only for a kind its user switched; every kind is on otherwise.

CREATE TABLE IF NOT EXISTS push_devices (
    device_id BIGINT NOT NULL PRIMARY KEY,
    user_id CHAR(36) NOT NULL,
    platform VARCHAR(16) NOT NULL,
    address VARCHAR(2048) NOT NULL,
    address_hash BINARY(32) NOT NULL,
    secret VARCHAR(128) NULL,
    created_at DATETIME(6) NOT NULL,
    UNIQUE KEY push_devices_address (platform, address_hash),
    KEY push_devices_by_user (user_id, device_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS notification_settings (
    user_id CHAR(36) NOT NULL,
    kind VARCHAR(32) NOT NULL,
    push BOOLEAN NOT NULL,
    PRIMARY KEY (user_id, kind)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
