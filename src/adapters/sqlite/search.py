"""The embedded profile's durable search index: documents in SQLite, matching in memory.

Every document is written to SQLite first, then to an
:class:`~instagram_adapters.memory.search.InMemorySearchIndex`, which answers every query;
opening the database loads the documents back. Matching with typo tolerance over every
prefix is what an in-memory structure does well and SQL does not, and the embedded
profile is one process, so the two never disagree.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import datetime

from instagram_adapters.memory.search import InMemorySearchIndex
from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_core.ports.search import (
    Audience,
    HashtagHit,
    NearbyPlace,
    PlaceDocument,
    PlaceHit,
    PostDocument,
    UserDocument,
    UserHit,
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS search_user_documents (
    user_id TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    display_name TEXT NOT NULL,
    is_private INTEGER NOT NULL,
    is_verified INTEGER NOT NULL,
    follower_count INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS search_post_documents (
    post_id INTEGER PRIMARY KEY,
    author_id TEXT NOT NULL,
    body TEXT NOT NULL  -- JSON: created_at, hashtags, place
);
CREATE INDEX IF NOT EXISTS search_post_documents_by_author
    ON search_post_documents (author_id);
"""


def _post_body(post: PostDocument) -> str:
    place = post.place
    return json.dumps(
        {
            "created_at": post.created_at.isoformat(),
            "hashtags": list(post.hashtags),
            "place": None if place is None else [place.place_id, place.name, place.lat, place.lng],
        },
        ensure_ascii=False,
    )


def _post(post_id: int, author_id: str, author_private: bool, body: str) -> PostDocument:
    fields = json.loads(body)
    place = fields["place"]
    return PostDocument(
        post_id=post_id,
        author_id=author_id,
        author_private=author_private,
        created_at=datetime.fromisoformat(fields["created_at"]),
        hashtags=tuple(fields["hashtags"]),
        place=None if place is None else PlaceDocument(place[0], place[1], place[2], place[3]),
    )


class SqliteSearchIndex:
    """A :class:`~instagram_core.ports.SearchIndex`: SQLite for durability, memory for answers."""

    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db
        self._memory = InMemorySearchIndex()
        db.apply_schema(SCHEMA)
        private: dict[str, bool] = {}

        def users() -> Iterator[UserDocument]:
            for row in db.query("SELECT * FROM search_user_documents"):
                user = UserDocument(
                    user_id=row["user_id"],
                    username=row["username"],
                    display_name=row["display_name"],
                    is_private=bool(row["is_private"]),
                    is_verified=bool(row["is_verified"]),
                    follower_count=int(row["follower_count"]),
                )
                private[user.user_id] = user.is_private
                yield user

        self._memory.put_users(users())
        for row in db.query("SELECT post_id, author_id, body FROM search_post_documents"):
            author = row["author_id"]
            self._memory.put_post(
                _post(row["post_id"], author, private.get(author, True), row["body"])
            )

    def clear(self) -> None:
        """Forget every document (``instagram search reindex`` refills the index from the
        stores; a running ``serve`` reloads it when restarted)."""
        with self._db.transaction() as conn:
            conn.execute("DELETE FROM search_user_documents")
            conn.execute("DELETE FROM search_post_documents")
        self._memory = InMemorySearchIndex()

    def put_user(self, user: UserDocument) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO search_user_documents"
            " (user_id, username, display_name, is_private, is_verified, follower_count)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                user.user_id,
                user.username,
                user.display_name,
                int(user.is_private),
                int(user.is_verified),
                user.follower_count,
            ),
        )
        self._memory.put_user(user)

    def put_post(self, post: PostDocument) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO search_post_documents (post_id, author_id, body)"
            " VALUES (?, ?, ?)",
            (post.post_id, post.author_id, _post_body(post)),
        )
        self._memory.put_post(post)

    def remove_post(self, post_id: int) -> None:
        self._db.execute("DELETE FROM search_post_documents WHERE post_id = ?", (post_id,))
        self._memory.remove_post(post_id)

    def search_users(self, query: str, hidden: frozenset[str], limit: int) -> Sequence[UserHit]:
        return self._memory.search_users(query, hidden, limit)

    def search_hashtags(self, query: str, audience: Audience, limit: int) -> Sequence[HashtagHit]:
        return self._memory.search_hashtags(query, audience, limit)

    def hashtag_count(self, tag: str, audience: Audience) -> int:
        return self._memory.hashtag_count(tag, audience)

    def search_places(self, query: str, audience: Audience, limit: int) -> Sequence[PlaceHit]:
        return self._memory.search_places(query, audience, limit)

    def nearby_places(
        self, lat: float, lng: float, radius_km: float, audience: Audience, limit: int
    ) -> Sequence[NearbyPlace]:
        return self._memory.nearby_places(lat, lng, radius_km, audience, limit)

    def tagged_posts(
        self, tag: str, audience: Audience, before: int | None, limit: int
    ) -> Sequence[int]:
        return self._memory.tagged_posts(tag, audience, before, limit)

    def place_posts(
        self, place_id: str, audience: Audience, before: int | None, limit: int
    ) -> Sequence[int]:
        return self._memory.place_posts(place_id, audience, before, limit)

    def place(self, place_id: str, audience: Audience) -> PlaceHit | None:
        return self._memory.place(place_id, audience)
