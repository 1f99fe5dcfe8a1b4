"""Autocomplete over users and hashtags in SQLite: the durable twin of the in-memory index.

Documents are normalised by the in-memory adapter's own helpers, so both adapters fold text
identically. Every searchable term is a row of a table clustered on it, and a prefix is the
key range ``[prefix, successor)``: a lookup is an index seek plus the hits, never a scan and
never a ``LIKE`` whose ``%`` or ``_`` could come from the user.

Terms are stored as UTF-8 bytes in BLOB columns, encoded with ``surrogatepass`` so that any
Python string (even one with a lone surrogate, which the in-memory index accepts) has a key.
Bytes compare in code-point order, exactly like Python strings, and a byte prefix of the
encoding is a string prefix, so the ranges return what ``str.startswith`` would.

Hashtag counts move only when a (tag, post) row is inserted or deleted, in the same
transaction, so indexing a post twice or removing a post never counted changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from instagram_adapters.search_terms import hashtag_term, user_terms
from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_adapters.text_folding import fold
from instagram_core.domain.users import User
from instagram_core.ports.search import HashtagHit

SCHEMA = """
CREATE TABLE IF NOT EXISTS search_users (
    user_id TEXT PRIMARY KEY,
    username BLOB NOT NULL,  -- folded, as ranked
    username_length INTEGER NOT NULL  -- in code points, as Python's len() counts
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS search_user_terms (
    term BLOB NOT NULL,
    user_id TEXT NOT NULL,
    PRIMARY KEY (term, user_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS search_user_terms_by_user ON search_user_terms (user_id);
CREATE TABLE IF NOT EXISTS search_hashtag_posts (
    tag BLOB NOT NULL,
    post_id INTEGER NOT NULL,
    PRIMARY KEY (tag, post_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS search_hashtag_counts (
    tag BLOB PRIMARY KEY,
    post_count INTEGER NOT NULL CHECK (post_count > 0)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS search_hashtags_by_use
    ON search_hashtag_counts (post_count DESC, tag);
"""

_MATCHING_USERS = (
    "SELECT user_id FROM search_users"
    " WHERE user_id IN (SELECT user_id FROM search_user_terms WHERE term >= ? AND term < ?)"
    " ORDER BY username <> ?, username_length, username, user_id LIMIT ?"
)
# ``+post_count`` keeps the planner on the ``tag`` range instead of walking the by-use index.
_TAGS_IN_RANGE = (
    "SELECT tag, post_count FROM search_hashtag_counts WHERE tag >= ? AND tag < ?"
    " ORDER BY +post_count DESC, tag LIMIT ?"
)
_MOST_USED_TAGS = (
    "SELECT tag, post_count FROM search_hashtag_counts ORDER BY post_count DESC, tag LIMIT ?"
)


def _key(term: str) -> bytes:
    return term.encode("utf-8", "surrogatepass")


def _text(key: bytes) -> str:
    return key.decode("utf-8", "surrogatepass")


def _successor(prefix: bytes) -> bytes:
    """The least key above every key starting with the non-empty ``prefix``.

    UTF-8 never produces the byte 0xFF, so the last byte can always be incremented."""
    return prefix[:-1] + bytes([prefix[-1] + 1])


class SqliteSearchIndex:
    """The durable :class:`~instagram_core.ports.SearchIndex` of the embedded profile.

    Same semantics as :class:`~instagram_adapters.memory.search.InMemorySearchIndex`: users rank
    exact username first, then shorter usernames, then alphabetically (then by id, where folded
    usernames tie); hashtags by how many posts use them, then alphabetically. An empty user
    query finds nobody; an empty hashtag prefix lists the most used tags. ``#`` before a tag
    and ``@`` before a username are ignored.
    """

    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db
        db.apply_schema(SCHEMA)

    def index_user(self, user: User) -> None:
        username = fold(user.username)
        terms = [(_key(term), user.user_id) for term in user_terms(user)]
        with self._db.transaction() as conn:
            conn.execute("DELETE FROM search_user_terms WHERE user_id = ?", (user.user_id,))
            conn.executemany("INSERT INTO search_user_terms (term, user_id) VALUES (?, ?)", terms)
            conn.execute(
                "INSERT INTO search_users (user_id, username, username_length) VALUES (?, ?, ?)"
                " ON CONFLICT (user_id) DO UPDATE"
                " SET username = excluded.username, username_length = excluded.username_length",
                (user.user_id, _key(username), len(username)),
            )

    def search_users(self, query: str, limit: int) -> Sequence[str]:
        prefix = fold(query).removeprefix("@")
        if not prefix or limit < 1:
            return []
        low = _key(prefix)
        rows = self._db.query(_MATCHING_USERS, (low, _successor(low), low, limit))
        return [str(row["user_id"]) for row in rows]

    def add_hashtags(self, post_id: int, hashtags: Sequence[str]) -> None:
        tags = {_key(hashtag_term(raw)) for raw in hashtags} - {b""}
        with self._db.transaction() as conn:
            for tag in tags:
                inserted = conn.execute(
                    "INSERT OR IGNORE INTO search_hashtag_posts (tag, post_id) VALUES (?, ?)",
                    (tag, post_id),
                ).rowcount
                if inserted:
                    conn.execute(
                        "INSERT INTO search_hashtag_counts (tag, post_count) VALUES (?, 1)"
                        " ON CONFLICT (tag) DO UPDATE SET post_count = post_count + 1",
                        (tag,),
                    )

    def remove_hashtags(self, post_id: int, hashtags: Sequence[str]) -> None:
        tags = {_key(hashtag_term(raw)) for raw in hashtags}
        with self._db.transaction() as conn:
            for tag in tags:
                deleted = conn.execute(
                    "DELETE FROM search_hashtag_posts WHERE tag = ? AND post_id = ?",
                    (tag, post_id),
                ).rowcount
                if not deleted:
                    continue
                # The last post of a tag takes the tag with it; any other just decrements.
                last = conn.execute(
                    "DELETE FROM search_hashtag_counts WHERE tag = ? AND post_count = 1", (tag,)
                ).rowcount
                if not last:
                    conn.execute(
                        "UPDATE search_hashtag_counts SET post_count = post_count - 1"
                        " WHERE tag = ?",
                        (tag,),
                    )

    def search_hashtags(self, prefix: str, limit: int) -> Sequence[HashtagHit]:
        if limit < 1:
            return []
        low = _key(hashtag_term(prefix))
        if low:
            rows = self._db.query(_TAGS_IN_RANGE, (low, _successor(low), limit))
        else:
            rows = self._db.query(_MOST_USED_TAGS, (limit,))
        return [HashtagHit(tag=_text(row["tag"]), post_count=row["post_count"]) for row in rows]
