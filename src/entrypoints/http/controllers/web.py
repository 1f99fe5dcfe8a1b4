"""The web client: static ES modules served beside the API, with a strict Content Security
Policy so that only this origin's scripts run (the token sits in the tab's storage)."""

from __future__ import annotations

from pathlib import Path

from litestar import MediaType, Response, get
from litestar.datastructures import CacheControlHeader
from litestar.static_files import create_static_files_router

WEB_ROOT = Path(__file__).resolve().parent.parent / "web"

# Scripts and styles from this origin only; images also from the signed media URLs, which
# are on another origin behind S3 or a CDN in production.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data: blob: https: http:; connect-src 'self' https: http:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


@get("/", include_in_schema=False, sync_to_thread=False)
def index() -> Response[bytes]:
    """The client's one page; every screen after it is rendered from the JSON API."""
    return Response(
        (WEB_ROOT / "index.html").read_bytes(),
        media_type=MediaType.HTML,
        headers={**SECURITY_HEADERS, "Cache-Control": "no-cache"},
    )


# Revalidated on each load (they change with each release and are small); the policy
# itself travels with the page, which is what it protects.
web_assets = create_static_files_router(
    path="/web",
    directories=[WEB_ROOT],
    include_in_schema=False,
    cache_control=CacheControlHeader(no_cache=True),
)
