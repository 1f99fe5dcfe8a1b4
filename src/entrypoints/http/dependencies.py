"""Bridges from Litestar's dependency injection to the container: small typed providers,
so no ``@inject`` marker leaks into handler signatures."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from litestar import Request
from litestar.datastructures import State
from litestar.di import Provide

from instagram_core.domain.errors import InvalidInput, NotFound, Unauthenticated
from instagram_core.domain.ids import parse_id
from instagram_core.domain.users import User

if TYPE_CHECKING:
    from instagram_entrypoints.containers import Application


def container_of(state: State) -> Application:
    container: Application = state.container
    return container


def _service(name: str) -> Provide:
    def provide(state: State) -> Any:
        return getattr(container_of(state).core, name)()

    provide.__name__ = f"provide_{name}"
    return Provide(provide, sync_to_thread=False)


def provide_viewer(request: Request[Any, Any, Any], state: State) -> User:
    """The authenticated user of the request: ``Authorization: Bearer <token>`` or 401."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("send 'Authorization: Bearer <token>' (POST /api/v1/auth/token)")
    user: User = container_of(state).core.accounts().authenticate(token.strip())
    return user


def media_id(raw: str) -> int:
    """A media id from a request body; one that is no id names no upload (422)."""
    try:
        return parse_id(raw, "media id")
    except InvalidInput as exc:
        raise InvalidInput(f"unknown media id {raw!r}") from exc


def path_id(raw: str, what: str) -> int:
    """A path id that is not a number names nothing: 404, not 422."""
    try:
        return parse_id(raw, what)
    except Exception as exc:
        raise NotFound(f"{what} not found") from exc


SERVICES = (
    "accounts",
    "social",
    "profiles",
    "media",
    "posts",
    "engagement",
    "comments",
    "feed",
    "notifications",
    "push_devices",
    "search",
    "discovery",
    "explore",
    "stories",
    "story_audience",
    "highlights",
)


DEPENDENCIES: dict[str, Provide] = {
    **{name: _service(name) for name in SERVICES},
    # A token check and one indexed read: cheaper inline than a hop to the thread pool.
    "viewer": Provide(provide_viewer, sync_to_thread=False),
}
