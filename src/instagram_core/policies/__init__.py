"""Policies: the rules that every read and write path shares (visibility, limits, batching)."""

from instagram_core.policies.explore import ExploreCandidate
from instagram_core.policies.fanout import FanoutPolicy
from instagram_core.policies.rate_limits import RateRule
from instagram_core.policies.stickers import MentionRequest
from instagram_core.policies.visibility import AudienceGate

__all__ = [
    "AudienceGate",
    "ExploreCandidate",
    "FanoutPolicy",
    "MentionRequest",
    "RateRule",
]
