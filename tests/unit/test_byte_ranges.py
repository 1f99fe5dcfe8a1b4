"""The ``Range`` header arithmetic of the ``/blobs`` edge, as properties over any file size
(the HTTP behaviour is tested in ``tests/integration/test_blob_serving.py``)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from instagram_entrypoints.http.byte_ranges import RangeNotSatisfiable, byte_range, none_match

sizes = st.integers(min_value=0, max_value=10**12)
offsets = st.integers(min_value=0, max_value=2 * 10**12)


@given(size=sizes, first=offsets, last=offsets)
def test_a_served_range_lies_within_the_file_and_starts_where_asked(
    size: int, first: int, last: int
) -> None:
    try:
        span = byte_range(f"bytes={first}-{last}", size)
    except RangeNotSatisfiable:
        assert first >= size
        return
    if span is None:
        assert last < first  # an invalid range is ignored: the whole file is served
        return
    assert span == (first, min(last, size - 1))
    assert 0 <= span[0] <= span[1] < size


@given(size=sizes, suffix=offsets)
def test_a_suffix_range_is_the_last_bytes(size: int, suffix: int) -> None:
    try:
        span = byte_range(f"bytes=-{suffix}", size)
    except RangeNotSatisfiable:
        assert suffix == 0 or size == 0
        return
    assert span == (max(0, size - suffix), size - 1)


@pytest.mark.parametrize("header", [None, "", "bytes=", "bytes=-", "bytes=1-2,4-5", "pages=1-2"])
def test_no_single_byte_range_means_the_whole_file(header: str | None) -> None:
    assert byte_range(header, 100) is None


def test_if_none_match_compares_weakly() -> None:
    assert none_match('W/"a", "b"', '"a"')
    assert none_match("*", '"a"')
    assert not none_match('"ab"', '"a"')
    assert not none_match(None, '"a"')
