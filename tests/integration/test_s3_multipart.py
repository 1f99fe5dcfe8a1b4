"""The resumable upload of large files end to end: a client PUTs parts straight to S3 (moto)
through presigned part URLs, is interrupted, asks which parts S3 holds, sends the rest and
the server completes the object."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from instagram_adapters.s3 import S3BlobStore, UploadedPart
from instagram_core.domain.errors import InvalidInput, NotFound
from tests.contract.s3_buckets import fresh_store

KEY = "u1/2024/05/42/original.mp4"
MIB = 1024 * 1024
PARTS = [bytes([n]) * 5 * MIB for n in range(1, 4)] + [b"tail of the video"]  # 5 MiB minimum


@pytest.fixture
def s3(s3_endpoint: str) -> Iterator[S3BlobStore]:
    with fresh_store(s3_endpoint) as store:
        yield store


def send_part(s3: S3BlobStore, upload_id: str, number: int) -> str:
    """What the client does: PUT one part, keep the ETag S3 answers with."""
    url = s3.presign_part(KEY, upload_id, number, 900)
    response = httpx.put(url, content=PARTS[number - 1])
    assert response.status_code == 200, response.text
    return response.headers["ETag"]


def test_an_interrupted_upload_resumes_from_the_parts_s3_holds(s3: S3BlobStore) -> None:
    upload_id = s3.start_multipart(KEY, "video/mp4")
    etags = {number: send_part(s3, upload_id, number) for number in (1, 2)}
    # the connection drops here; later the client asks where to resume
    stored = s3.list_parts(KEY, upload_id)
    assert [(p.part_number, p.etag, p.size) for p in stored] == [
        (1, etags[1], 5 * MIB),
        (2, etags[2], 5 * MIB),
    ]
    resume_at = max(p.part_number for p in stored) + 1
    for number in range(resume_at, len(PARTS) + 1):
        send_part(s3, upload_id, number)

    parts = s3.list_parts(KEY, upload_id)
    assert sum(p.size for p in parts) == sum(map(len, PARTS))  # where a byte limit applies
    s3.complete_multipart(KEY, upload_id, list(reversed(parts)))  # any order

    assert s3.get(KEY) == b"".join(PARTS)
    info = s3.info(KEY)
    assert info is not None
    assert (info.size, info.content_type) == (sum(map(len, PARTS)), "video/mp4")
    with pytest.raises(NotFound):
        s3.list_parts(KEY, upload_id)


def test_complete_refuses_a_wrong_etag_or_a_small_middle_part(s3: S3BlobStore) -> None:
    upload_id = s3.start_multipart(KEY, "video/mp4")
    for number in (1, 2):
        send_part(s3, upload_id, number)
    first, second = s3.list_parts(KEY, upload_id)
    with pytest.raises(InvalidInput):
        s3.complete_multipart(KEY, upload_id, [first, second._replace(etag='"0000"')])
    with pytest.raises(InvalidInput):
        s3.complete_multipart(KEY, upload_id, [])
    httpx.put(s3.presign_part(KEY, upload_id, 2, 60), content=b"too small").raise_for_status()
    third = UploadedPart(3, send_part(s3, upload_id, 3), 5 * MIB)
    small = s3.list_parts(KEY, upload_id)[1]
    with pytest.raises(InvalidInput):  # every part but the last needs 5 MiB
        s3.complete_multipart(KEY, upload_id, [first, small, third])
    assert s3.info(KEY) is None


def test_abort_discards_the_upload_and_can_be_repeated(s3: S3BlobStore) -> None:
    upload_id = s3.start_multipart(KEY, "video/mp4")
    send_part(s3, upload_id, 1)
    s3.abort_multipart(KEY, upload_id)
    s3.abort_multipart(KEY, upload_id)
    with pytest.raises(NotFound):
        s3.list_parts(KEY, upload_id)
    # S3 answers NoSuchUpload (NotFound) to completing it too; moto fails with a 500.
    assert s3.info(KEY) is None


@pytest.mark.parametrize("number", [0, 10_001])
def test_part_numbers_run_from_1_to_10000(s3: S3BlobStore, number: int) -> None:
    upload_id = s3.start_multipart(KEY, "video/mp4")
    with pytest.raises(InvalidInput):
        s3.presign_part(KEY, upload_id, number, 60)
