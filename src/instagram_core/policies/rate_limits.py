"""Named rate-limit rules and their enforcement through the rate-limiter port."""

from __future__ import annotations

import attrs

from instagram_core.domain.errors import RateLimited
from instagram_core.ports.rate_limit import RateDecision, RateLimiter


@attrs.frozen
class RateRule:
    name: str
    limit: int
    window_seconds: int


COMMENTS = RateRule("comments", limit=20, window_seconds=60)  # the seed's anti-spam rule
# Log-in (see docs/security.md): a client guessing one account's password is stopped by
# the first rule, a client failing on many accounts by the second, and guesses spread over
# many clients by the slow third, which clients that logged in to the account lately skip
# (the fourth remembers them), so an attacker without the password cannot lock its owner out.
# A client not known to the account adds at most LOGIN_ACCOUNT_SHARE attempts an hour to
# the third: filling it takes LOGIN_ACCOUNT_ATTEMPTS.limit / LOGIN_ACCOUNT_SHARE.limit (5)
# distinct clients, so one address cannot keep the owner's new devices out.
LOGIN_ATTEMPTS = RateRule("login", limit=10, window_seconds=300)  # per username and client
LOGIN_CLIENT_FAILURES = RateRule("login_client", limit=60, window_seconds=300)
LOGIN_ACCOUNT_ATTEMPTS = RateRule("login_account", limit=50, window_seconds=3600)
LOGIN_ACCOUNT_SHARE = RateRule("login_account_share", limit=10, window_seconds=3600)
LOGIN_KNOWN_CLIENT = RateRule("login_known", limit=1, window_seconds=30 * 24 * 3600)
UPLOAD_URLS = RateRule("upload_urls", limit=120, window_seconds=60)
POSTS = RateRule("posts", limit=30, window_seconds=3600)
# The seed: at most one push per post per 5-minute window for the same event type.
PUSHES_PER_POST = RateRule("pushes", limit=1, window_seconds=300)


def hit(limiter: RateLimiter, rule: RateRule, subject: str) -> RateDecision:
    """Count one attempt of ``subject`` under ``rule``."""
    return limiter.hit(f"{rule.name}:{subject}", rule.limit, rule.window_seconds)


def peek(limiter: RateLimiter, rule: RateRule, subject: str) -> RateDecision:
    """What a hit of ``subject`` under ``rule`` would decide now, counting nothing."""
    return limiter.peek(f"{rule.name}:{subject}", rule.limit, rule.window_seconds)


def enforce(limiter: RateLimiter, rule: RateRule, subject: str, message: str | None = None) -> None:
    """Count one attempt of ``subject`` under ``rule``; raise ``RateLimited`` when over."""
    decision = hit(limiter, rule, subject)
    if not decision.allowed:
        raise RateLimited(
            message
            or f"too many {rule.name.replace('_', ' ')}: at most {rule.limit} per "
            f"{rule.window_seconds} s",
            retry_after=decision.retry_after,
        )
