"""MySQL/MariaDB adapters: the production profile's accounts and social graph (pymysql)."""

from adapters.extras import require

require(__name__, pymysql="production")
