"""Resumable uploads of large originals (``/media/{media_id}/parts``).

The flow: ``POST`` starts an upload and says the part size; for each part, ``POST
.../{upload_id}/{n}/url`` gives a signed URL to PUT its bytes to (the ``/blobs`` edge in the
embedded profile, S3 in production, which answer with the part's ETag); after a drop,
``GET .../{upload_id}`` lists the stored parts, so only the missing ones are sent again;
``POST .../{upload_id}/complete`` joins them. The media is then used like any upload.
URLs are handed out one part at a time: each expires in 15 minutes, so a slow upload asks
for the next one when it gets there.
"""

from __future__ import annotations

from datetime import datetime

import msgspec
from litestar import Controller, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from instagram_core.domain.users import User
from instagram_core.services.media import MediaService
from instagram_entrypoints.http.dependencies import path_id


class UploadStarted(msgspec.Struct):
    upload_id: str
    part_size: int
    max_parts: int


class PartOut(msgspec.Struct):
    part_number: int
    size: int
    etag: str


class PartList(msgspec.Struct):
    parts: list[PartOut]


class PartUrl(msgspec.Struct):
    url: str
    expires_at: datetime
    headers: dict[str, str]


class PartIn(msgspec.Struct):
    part_number: int
    etag: str


class CompleteIn(msgspec.Struct, forbid_unknown_fields=True):
    parts: list[PartIn] | None = None


class Completed(msgspec.Struct):
    media_id: str
    size: int


class UploadsController(Controller):
    path = "/media/{media_id:str}/parts"
    tags = ["media"]

    @post("/", status_code=HTTP_201_CREATED, sync_to_thread=True)
    def start(
        self,
        media_id: FromPath[str],
        viewer: NamedDependency[User],
        media: NamedDependency[MediaService],
    ) -> UploadStarted:
        """Start a resumable upload of a media's original (from ``GET /media/upload-url``):
        for files over a few MB, where one dropped PUT would mean starting over."""
        started = media.start_multipart(viewer.user_id, path_id(media_id, "media"))
        return UploadStarted(started.upload_id, started.part_size, started.max_parts)

    @get("/{upload_id:str}", sync_to_thread=True)
    def parts(
        self,
        media_id: FromPath[str],
        upload_id: FromPath[str],
        viewer: NamedDependency[User],
        media: NamedDependency[MediaService],
    ) -> PartList:
        """The parts stored so far: resume from the first missing one."""
        stored = media.uploaded_parts(viewer.user_id, path_id(media_id, "media"), upload_id)
        return PartList([PartOut(p.part_number, p.size, p.etag) for p in stored])

    @post("/{upload_id:str}/{part_number:int}/url", status_code=HTTP_200_OK, sync_to_thread=True)
    def part_url(
        self,
        media_id: FromPath[str],
        upload_id: FromPath[str],
        part_number: FromPath[int],
        viewer: NamedDependency[User],
        media: NamedDependency[MediaService],
    ) -> PartUrl:
        """A signed URL to PUT part ``part_number`` to (``part_size`` bytes but the last),
        with the headers to send; sending a part again replaces it."""
        signed = media.part_url(viewer.user_id, path_id(media_id, "media"), upload_id, part_number)
        return PartUrl(signed.url, signed.expires_at, signed.headers)

    @post("/{upload_id:str}/complete", status_code=HTTP_200_OK, sync_to_thread=True)
    def complete(
        self,
        media_id: FromPath[str],
        upload_id: FromPath[str],
        viewer: NamedDependency[User],
        media: NamedDependency[MediaService],
        data: JSONBody[CompleteIn | None] = None,
    ) -> Completed:
        """Join the parts into the original. Send ``{"parts": [{part_number, etag}]}`` to
        pin the bytes the PUTs acknowledged, or no body to join every stored part."""
        etags = None
        if data is not None and data.parts is not None:
            etags = {part.part_number: part.etag for part in data.parts}
        size = media.complete_multipart(
            viewer.user_id, path_id(media_id, "media"), upload_id, etags
        )
        return Completed(media_id=media_id, size=size)

    @delete("/{upload_id:str}", status_code=HTTP_204_NO_CONTENT, sync_to_thread=True)
    def abort(
        self,
        media_id: FromPath[str],
        upload_id: FromPath[str],
        viewer: NamedDependency[User],
        media: NamedDependency[MediaService],
    ) -> None:
        """Discard an upload and its stored parts; repeating it is harmless."""
        media.abort_multipart(viewer.user_id, path_id(media_id, "media"), upload_id)
