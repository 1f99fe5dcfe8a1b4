"""The local-disk blob store over HTTP: signed PUT for uploads, signed GET for serving.

This is what S3 does in the production profile; clients see the same pre-signed URL flow."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, put
from litestar.concurrency import sync_to_thread
from litestar.datastructures import State
from litestar.params import FromPath
from litestar.response import File
from litestar.status_codes import HTTP_200_OK

from entrypoints.http.dependencies import container_of
from instagram_core.domain.errors import InvalidInput, PayloadTooLarge

IMMUTABLE = "public, max-age=31536000, immutable"


def _query(request: Request[Any, Any, Any], name: str) -> str:
    value = request.query_params.get(name)
    if not value:
        raise InvalidInput(f"missing query parameter {name!r}: use the URL exactly as issued")
    return str(value)


class BlobsController(Controller):
    path = "/blobs"
    tags = ["media"]

    @put("/{key:path}", status_code=HTTP_200_OK, request_max_body_size=None)
    async def upload(
        self, key: FromPath[str], request: Request[Any, Any, Any], state: State
    ) -> dict[str, Any]:
        """Store one upload. Acknowledged only once the bytes are durably on disk."""
        blobs = container_of(state).adapters.blobs()
        key = key.lstrip("/")
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        max_bytes = blobs.verify_upload(
            key,
            _query(request, "expires"),
            _query(request, "ct"),
            _query(request, "max"),
            _query(request, "sig"),
            content_type,
        )
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > max_bytes:
            raise PayloadTooLarge(f"uploads are limited to {max_bytes} bytes")
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > max_bytes:
                raise PayloadTooLarge(f"uploads are limited to {max_bytes} bytes")
            chunks.append(chunk)
        if size == 0:
            raise InvalidInput("the upload is empty")
        await sync_to_thread(blobs.put, key, b"".join(chunks), content_type)
        return {"key": key, "size": size}

    @get("/{key:path}", sync_to_thread=True)
    def download(
        self, key: FromPath[str], request: Request[Any, Any, Any], state: State
    ) -> Response[Any]:
        """Serve a stored file to the holder of a signed, unexpired URL."""
        blobs = container_of(state).adapters.blobs()
        key = key.lstrip("/")
        blobs.verify_download(key, _query(request, "expires"), _query(request, "sig"))
        info = blobs.info(key)
        path = blobs.path_for(key)
        return File(
            path=path,
            content_disposition_type="inline",
            media_type=info.content_type if info else None,
            headers={"Cache-Control": IMMUTABLE},
        )
