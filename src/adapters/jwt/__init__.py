"""Bearer tokens as HS256-signed JWTs (PyJWT)."""

from adapters.jwt.tokens import JwtTokenService

__all__ = ["JwtTokenService"]
