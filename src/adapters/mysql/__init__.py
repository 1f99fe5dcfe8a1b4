"""MySQL/MariaDB adapters: the production profile's accounts and social graph (pymysql)."""

from instagram_adapters.extras import require

require(__name__, pymysql="production")
