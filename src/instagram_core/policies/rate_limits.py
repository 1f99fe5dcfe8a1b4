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
LOGIN_ATTEMPTS = RateRule("login", limit=10, window_seconds=60)
UPLOAD_URLS = RateRule("upload_urls", limit=120, window_seconds=60)
POSTS = RateRule("posts", limit=30, window_seconds=3600)
# The seed: at most one push per post per 5-minute window for the same event type.
PUSHES_PER_POST = RateRule("pushes", limit=1, window_seconds=300)


def hit(limiter: RateLimiter, rule: RateRule, subject: str) -> RateDecision:
    """Count one attempt of ``subject`` under ``rule``."""
    return limiter.hit(f"{rule.name}:{subject}", rule.limit, rule.window_seconds)


def enforce(limiter: RateLimiter, rule: RateRule, subject: str) -> None:
    """Count one attempt of ``subject`` under ``rule``; raise ``RateLimited`` when over."""
    decision = hit(limiter, rule, subject)
    if not decision.allowed:
        raise RateLimited(
            f"too many {rule.name.replace('_', ' ')}: at most {rule.limit} per "
            f"{rule.window_seconds} s",
            retry_after=decision.retry_after,
        )
