"""The local-disk blob store over HTTP: signed PUT for uploads and for the parts of resumable
uploads, signed GET for serving (with ranges and revalidation).

This is what S3 does in the production profile; clients see the same pre-signed URL flow."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import anyio.from_thread
import anyio.to_thread
from litestar import Controller, Request, Response, get, put
from litestar.concurrency import sync_to_thread
from litestar.datastructures import ETag, State
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath
from litestar.response import File, Stream
from litestar.status_codes import (
    HTTP_200_OK,
    HTTP_206_PARTIAL_CONTENT,
    HTTP_304_NOT_MODIFIED,
    HTTP_416_REQUESTED_RANGE_NOT_SATISFIABLE,
)

from instagram_core.domain.errors import InvalidInput, PayloadTooLarge
from instagram_core.policies.blob_caching import cache_control
from instagram_entrypoints.http.byte_ranges import (
    RangeNotSatisfiable,
    byte_range,
    none_match,
    range_applies,
    read_span,
    strong_etag,
)
from instagram_entrypoints.http.dependencies import container_of
from instagram_entrypoints.http.schemas import StoredBlob, StoredPart


def _query(request: Request[Any, Any, Any], name: str) -> str:
    value = request.query_params.get(name)
    if not value:
        raise InvalidInput(f"missing query parameter {name!r}: use the URL exactly as issued")
    return str(value)


def _refuse_declared_size(request: Request[Any, Any, Any], max_bytes: int) -> None:
    """Refuse before reading a body whose declared length is over the limit."""
    declared = request.headers.get("content-length")
    if declared and declared.isascii() and declared.isdigit() and int(declared) > max_bytes:
        raise PayloadTooLarge(f"uploads are limited to {max_bytes} bytes")


def _blocking(stream: AsyncIterator[bytes]) -> Iterator[bytes]:
    """The request body as a plain iterator for a worker thread started by anyio, each chunk
    awaited on the event loop: a part goes to disk as it arrives, not through memory."""

    async def pull() -> bytes | None:
        try:
            return await anext(stream)
        except StopAsyncIteration:
            return None

    while (chunk := anyio.from_thread.run(pull)) is not None:
        yield chunk


def _file(description: str) -> ResponseSpec:
    return ResponseSpec(
        bytes,
        description=description,
        media_type="*/*",  # the type the file was uploaded with
        generate_examples=False,
    )


class BlobsController(Controller):
    path = "/blobs"
    tags = ["media"]

    @put(
        "/{key:path}",
        status_code=HTTP_200_OK,
        request_max_body_size=None,
        responses={
            HTTP_200_OK: ResponseSpec(
                StoredBlob | StoredPart,
                description="Stored: the blob (`StoredBlob`), or a part with its ETag "
                "(`StoredPart`).",
                generate_examples=False,
            )
        },
    )
    async def upload(
        self, key: FromPath[str], request: Request[Any, Any, Any], state: State
    ) -> Response[dict[str, Any]]:
        """Store one upload, or one part of a resumable upload (its URL carries ``upload``
        and ``part``). Acknowledged only once the bytes are durably on disk. A URL is
        single-use: once its media's original is stored, or a post or story claimed the
        media, it answers 409, before reading the body."""
        key = key.lstrip("/")
        if "upload" in request.query_params:
            return await self._upload_part(key, request, state)
        blobs = container_of(state).adapters.blobs()
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        max_bytes = blobs.verify_upload(
            key,
            _query(request, "expires"),
            _query(request, "ct"),
            _query(request, "max"),
            _query(request, "sig"),
            content_type,
        )
        await sync_to_thread(container_of(state).core.media().require_upload_target, key)
        _refuse_declared_size(request, max_bytes)
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > max_bytes:
                raise PayloadTooLarge(f"uploads are limited to {max_bytes} bytes")
            chunks.append(chunk)
        if size == 0:
            raise InvalidInput("the upload is empty")
        await sync_to_thread(blobs.put_new, key, b"".join(chunks), content_type)
        return Response({"key": key, "size": size})

    async def _upload_part(
        self, key: str, request: Request[Any, Any, Any], state: State
    ) -> Response[dict[str, Any]]:
        """Stream one part to the upload's staging directory; answers with its ETag, as S3
        does, so the client can pin it when completing."""
        uploads = container_of(state).adapters.multipart()
        upload_id = _query(request, "upload")
        part_number, max_bytes = uploads.verify_part(
            key,
            upload_id,
            _query(request, "part"),
            _query(request, "expires"),
            _query(request, "max"),
            _query(request, "sig"),
        )
        await sync_to_thread(container_of(state).core.media().require_upload_target, key)
        _refuse_declared_size(request, max_bytes)
        chunks = _blocking(request.stream())
        # anyio's thread, not sync_to_thread's executor: the thread awaits each chunk.
        part = await anyio.to_thread.run_sync(
            uploads.put_part, key, upload_id, part_number, chunks, max_bytes
        )
        body = {"part_number": part.part_number, "size": part.size, "etag": part.etag}
        return Response(body, headers={"ETag": part.etag})

    @get(
        "/{key:path}",
        sync_to_thread=True,
        responses={
            HTTP_200_OK: _file("The file, with its content type."),
            HTTP_206_PARTIAL_CONTENT: _file("The requested range (`Content-Range`)."),
            HTTP_304_NOT_MODIFIED: ResponseSpec(None, description="The client's copy is current."),
            HTTP_416_REQUESTED_RANGE_NOT_SATISFIABLE: ResponseSpec(
                None, description="The range starts past the end (`Content-Range: bytes */n`)."
            ),
        },
    )
    def download(
        self, key: FromPath[str], request: Request[Any, Any, Any], state: State
    ) -> Response[Any]:
        """Serve a stored file to the holder of a signed, unexpired URL: 304 when the
        client's ``If-None-Match`` is current, 206 for one ``Range``, 416 past the end."""
        blobs = container_of(state).adapters.blobs()
        key = key.lstrip("/")
        blobs.verify_download(key, _query(request, "expires"), _query(request, "sig"))
        path = blobs.path_for(key)
        stat = path.stat()
        etag = ETag(value=strong_etag(stat))
        tag = etag.to_header()
        headers = {"Cache-Control": cache_control(key), "Accept-Ranges": "bytes"}
        cached = {**headers, "ETag": tag}
        if none_match(request.headers.get("if-none-match"), tag):
            return Response(None, status_code=HTTP_304_NOT_MODIFIED, headers=cached)
        info = blobs.info(key)  # the content type, which a 304 does not need
        media_type = info.content_type if info else "application/octet-stream"
        wanted = request.headers.get("range")
        if not range_applies(request.headers.get("if-range"), tag):
            wanted = None
        try:
            span = byte_range(wanted, stat.st_size)
        except RangeNotSatisfiable:
            return Response(
                None,
                status_code=HTTP_416_REQUESTED_RANGE_NOT_SATISFIABLE,
                headers={**cached, "Content-Range": f"bytes */{stat.st_size}"},
            )
        if span is None:
            return File(
                path=path,
                content_disposition_type="inline",
                media_type=media_type,
                headers=headers,
                etag=etag,
                stat_result=stat,
            )
        first, last = span
        return Stream(
            read_span(path, first, last),
            status_code=HTTP_206_PARTIAL_CONTENT,
            media_type=media_type,
            headers={
                **cached,
                "Content-Range": f"bytes {first}-{last}/{stat.st_size}",
                "Content-Length": str(last - first + 1),
            },
        )
