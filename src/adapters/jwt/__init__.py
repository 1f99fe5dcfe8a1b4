"""Bearer tokens as HS256-signed JWTs (PyJWT)."""

from instagram_adapters.jwt.tokens import JwtTokenService

__all__ = ["JwtTokenService"]
