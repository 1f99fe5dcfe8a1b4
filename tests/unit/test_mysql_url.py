"""Parsing ``INSTAGRAM_MYSQL_URL`` and splitting migration files: no server needed."""

from __future__ import annotations

import pytest

from instagram_adapters.mysql.connect import MySqlUrl, parse_mysql_url
from instagram_adapters.mysql.migrate import available_migrations, statements


def test_a_full_url_is_split_and_percent_decoded() -> None:
    url = "mysql://app%40x:p%2Fss@db.internal:3307/instagram?charset=utf8mb4"
    assert parse_mysql_url(url) == MySqlUrl(
        host="db.internal", port=3307, user="app@x", password="p/ss", database="instagram"
    )


def test_defaults_fill_what_a_short_url_leaves_out() -> None:
    assert parse_mysql_url("mariadb://h") == MySqlUrl(
        host="h", port=3306, user="root", password="", database=None
    )


def test_the_password_stays_out_of_the_repr() -> None:
    assert "s3cret" not in repr(parse_mysql_url("mysql://u:s3cret@h/db"))


@pytest.mark.parametrize(
    "url",
    ["postgres://h/db", "h:3306/db", "mysql://h:notaport/db", "mysql://h/db?chraset=utf8mb4"],
)
def test_a_malformed_url_raises_value_error(url: str) -> None:
    with pytest.raises(ValueError, match="MySQL URL"):
        parse_mysql_url(url)


def test_statements_split_at_line_ending_semicolons_and_drop_comments() -> None:
    sql = "-- a comment; with a semicolon\nCREATE TABLE t (\n  a INT -- x\n);\n\nSELECT ';';\n"
    assert statements(sql) == ["CREATE TABLE t (\n  a INT -- x\n)", "SELECT ';'"]


def test_the_shipped_migrations_are_numbered_in_order() -> None:
    versions = [version for version, _ in available_migrations()]
    assert versions[0] == "0001_users_and_follows"
    assert versions == sorted(versions)
    assert all(statements(sql) for _, sql in available_migrations())
