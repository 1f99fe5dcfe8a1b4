"""Places: how posts' free-form locations become shared, searchable places.

The rule: two locations are the same place when their names fold to the same text (NFKC,
case-folded, white space collapsed, punctuation ignored) and they fall in the same
geohash cell of precision 7 (about 153 m by 153 m at the equator). The place id is derived
from those two, so every writer (any process, any adapter) names a place alike with no
registry and no race. A place's name and coordinates are those of its earliest post.
"""

from __future__ import annotations

import hashlib
import math
import unicodedata

EARTH_RADIUS_KM = 6371.0087714  # the mean radius Elasticsearch's arc distance uses
GEOHASH_PRECISION = 7
_BASE32 = "0123456789bcdefghjkmnpqrstuvwxyz"


def place_name_key(name: str) -> str:
    folded = unicodedata.normalize("NFKC", name).casefold()
    kept = "".join(c if c.isalnum() else " " for c in folded)
    return " ".join(kept.split())


def geohash(lat: float, lng: float, precision: int = GEOHASH_PRECISION) -> str:
    """The standard base-32 geohash of a point."""
    lat_range, lng_range = [-90.0, 90.0], [-180.0, 180.0]
    chars: list[str] = []
    bits, value, even = 0, 0, True
    while len(chars) < precision:
        span, coordinate = (lng_range, lng) if even else (lat_range, lat)
        middle = (span[0] + span[1]) / 2
        value <<= 1
        if coordinate >= middle:
            value |= 1
            span[0] = middle
        else:
            span[1] = middle
        even = not even
        bits += 1
        if bits == 5:
            chars.append(_BASE32[value])
            bits, value = 0, 0
    return "".join(chars)


def place_id(name: str, lat: float, lng: float) -> str:
    """The id every post at this place shares (see the module's rule)."""
    key = f"{place_name_key(name)}\x00{geohash(lat, lng)}"
    return hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=9).hexdigest()


def distance_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle (haversine) distance."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(lng2 - lng1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))
