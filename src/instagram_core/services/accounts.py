"""Registration, log-in, token authentication and profile edits."""

from __future__ import annotations

from collections.abc import Collection

import attrs

from instagram_core.domain.errors import Conflict, NotFound, RateLimited, Unauthenticated
from instagram_core.domain.events import FollowApproved, ProfileUpdated, UserRegistered
from instagram_core.domain.social import FollowStatus
from instagram_core.domain.users import (
    User,
    check_bio,
    check_display_name,
    check_new_username,
    check_password,
)
from instagram_core.policies.rate_limits import (
    LOGIN_ACCOUNT_ATTEMPTS,
    LOGIN_ACCOUNT_SHARE,
    LOGIN_ATTEMPTS,
    LOGIN_CLIENT_FAILURES,
    LOGIN_KNOWN_CLIENT,
    enforce,
    hit,
    peek,
)
from instagram_core.ports.clock import Clock
from instagram_core.ports.ids import IdGenerator
from instagram_core.ports.rate_limit import RateLimiter
from instagram_core.ports.security import IssuedToken, PasswordHasher, TokenService
from instagram_core.ports.social_graph import SocialGraph
from instagram_core.ports.units import Emit, UnitOfWork
from instagram_core.ports.users import UserStore
from instagram_core.services.freshness import Freshness, profile_key, relations_key
from instagram_core.services.known_users import KnownUsers


class AccountService:
    def __init__(
        self,
        users: UserStore,
        graph: SocialGraph,
        hasher: PasswordHasher,
        tokens: TokenService,
        limiter: RateLimiter,
        ids: IdGenerator,
        clock: Clock,
        freshness: Freshness,
        unit: UnitOfWork,
        reserved_usernames: Collection[str] = frozenset(),
    ) -> None:
        self._unit = unit
        self._reserved = frozenset(reserved_usernames)
        self._freshness = freshness
        self._users = users
        self._graph = graph
        self._hasher = hasher
        self._tokens = tokens
        self._limiter = limiter
        self._ids = ids
        self._clock = clock
        self._known = KnownUsers(users, freshness, clock)

    def register(
        self,
        username: str,
        password: str,
        display_name: str | None = None,
        is_private: bool = False,
    ) -> User:
        """Create an account; a taken username (in any letter case) is a ``Conflict``, a
        reserved one (a route word, ``.``, ``..``) is ``InvalidInput``."""
        name = check_new_username(username, self._reserved)
        check_password(password)
        if self._users.by_username(name) is not None:
            raise Conflict(f"username {name!r} is taken")
        user = User(
            user_id=self._ids.new_user_id(),
            username=name,
            display_name=check_display_name(display_name if display_name is not None else name),
            created_at=self._clock.now(),
            is_private=is_private,
        )
        password_hash = self._hasher.hash(password)

        def add(emit: Emit) -> None:
            self._users.add(user, password_hash)
            emit(UserRegistered(user.user_id))

        self._unit.run(add)
        return user

    def log_in(self, username: str, password: str, client: str = "unknown") -> IssuedToken:
        """A bearer token for correct credentials. Wrong username and wrong password answer
        alike, so the API does not reveal which accounts exist.

        ``client`` names where the attempt comes from (the HTTP edge passes the peer
        address). Attempts on an account are counted before the password is checked,
        atomically, so simultaneous guesses cannot slip past: per username and client, and,
        for a client that has not logged in to this account in the past 30 days, per
        username across all clients. A client's failures across all accounts are limited
        too; only failures count there, so many people behind one address (or a script
        setting up many accounts) are not refused for logging in (see
        ``docs/security.md``)."""
        name = username.strip().lower()
        self._limit_attempt(name, client)
        user = self._users.by_username(name)
        stored = self._users.password_hash(user.user_id) if user else None
        if user is None or stored is None or not self._hasher.verify(stored, password):
            hit(self._limiter, LOGIN_CLIENT_FAILURES, client)
            raise Unauthenticated("wrong username or password")
        if self._hasher.needs_rehash(stored):
            self._users.set_password_hash(user.user_id, self._hasher.hash(password))
        hit(self._limiter, LOGIN_KNOWN_CLIENT, f"{name}:{client}")
        return self._tokens.issue(user.user_id)

    def _limit_attempt(self, name: str, client: str) -> None:
        failures = peek(self._limiter, LOGIN_CLIENT_FAILURES, client)
        if not failures.allowed:
            raise RateLimited(
                "too many failed log-ins from this client; try again later",
                retry_after=failures.retry_after,
            )
        enforce(
            self._limiter,
            LOGIN_ATTEMPTS,
            f"{name}:{client}",
            "too many log-in attempts for this account from this client; try again later",
        )
        if peek(self._limiter, LOGIN_KNOWN_CLIENT, f"{name}:{client}").allowed:  # not known
            # the client's own share first: past it, its attempts are refused without
            # counting against the account, so one client cannot fill the account's limit
            enforce(
                self._limiter,
                LOGIN_ACCOUNT_SHARE,
                f"{name}:{client}",
                "too many log-in attempts for this account from this client; try again later",
            )
            enforce(
                self._limiter,
                LOGIN_ACCOUNT_ATTEMPTS,
                name,
                "too many log-in attempts for this account; try again later, or from a "
                "device that logged in to it recently",
            )

    def authenticate(self, token: str) -> User:
        """The user a bearer token names; a valid token of a deleted account is refused."""
        user = self._known.get(self._tokens.verify(token))
        if user is None:
            raise Unauthenticated("the account of this token no longer exists")
        return user

    def update_profile(
        self,
        user_id: str,
        display_name: str | None = None,
        bio: str | None = None,
        is_private: bool | None = None,
    ) -> User:
        """Edit the profile. Going public approves every pending follow request, as a public
        account has no one to approve."""
        user = self._users.get(user_id)
        if user is None:
            raise NotFound("user not found")
        updated = attrs.evolve(
            user,
            display_name=user.display_name
            if display_name is None
            else check_display_name(display_name),
            bio=user.bio if bio is None else check_bio(bio),
            is_private=user.is_private if is_private is None else is_private,
        )
        became_public = user.is_private and not updated.is_private

        def update(emit: Emit) -> None:
            self._users.update(updated)
            emit(
                ProfileUpdated(
                    user_id,
                    became_private=updated.is_private and not user.is_private,
                    became_public=became_public,
                )
            )

        self._unit.run(update)
        self._freshness.changed([profile_key(user_id), relations_key(user_id)])
        if became_public:
            self._approve_all_pending(user_id)
        return updated

    def _activate(self, follower_id: str, user_id: str) -> bool:
        def activate(emit: Emit) -> bool:
            if self._graph.activate(follower_id, user_id) is None:
                return False
            emit(FollowApproved(follower_id, user_id, self._clock.now()))
            return True

        return self._unit.run(activate)

    def set_verified(self, username: str, verified: bool) -> User:
        """Mark an account verified or not: an operator's decision (``instagram verify``),
        which search ranks on."""
        user = self._users.by_username(username)
        if user is None:
            raise NotFound(f"no user named {username!r}")
        updated = attrs.evolve(user, is_verified=verified)

        def update(emit: Emit) -> None:
            self._users.update(updated)
            emit(ProfileUpdated(user.user_id))

        self._unit.run(update)
        self._freshness.changed([profile_key(user.user_id)])
        return updated

    def _approve_all_pending(self, user_id: str) -> None:
        cursor: str | None = None
        while True:
            page = self._graph.followers(user_id, FollowStatus.PENDING, cursor, 50)
            for follow in page.items:
                if not self._activate(follow.follower_id, user_id):
                    continue  # withdrawn (or ended by a block) since the page was read
                self._freshness.changed([relations_key(follow.follower_id)])
            if page.next_cursor is None:
                return
            cursor = page.next_cursor
