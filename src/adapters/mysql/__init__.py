"""MySQL/MariaDB adapters: the production profile's accounts and social graph (pymysql)."""
