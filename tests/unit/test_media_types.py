"""Media types kept per process (``KeptMediaTypes``): every answer is the store's for media
that exist, each type is read from the store once while it is kept, media not found are
asked again, and the number kept stays bounded."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping

from hypothesis import given, settings
from hypothesis import strategies as st

from instagram_core.domain.media import MediaType
from instagram_core.services.media_types import KeptMediaTypes


class CountingTypes:
    """A media store's ``types`` over a dict, counting the reads of each id."""

    def __init__(self) -> None:
        self.stored: dict[int, MediaType] = {}
        self.reads: dict[int, int] = {}

    def types(self, media_ids: Iterable[int]) -> Mapping[int, MediaType]:
        found = {}
        for media_id in media_ids:
            self.reads[media_id] = self.reads.get(media_id, 0) + 1
            if media_id in self.stored:
                found[media_id] = self.stored[media_id]
        return found


def kept(store: CountingTypes, max_media: int = 1_000) -> KeptMediaTypes:
    return KeptMediaTypes(store, max_media=max_media)  # type: ignore[arg-type]


ids = st.integers(min_value=1, max_value=40)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("add"), ids, st.sampled_from(list(MediaType))),
        st.tuples(st.just("read"), st.lists(ids, max_size=12)),
    ),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(steps=steps)
def test_every_answer_is_the_stores_and_each_type_is_read_once(
    steps: list[tuple[object, ...]],
) -> None:
    store = CountingTypes()
    types = kept(store)
    answered: set[int] = set()
    for step in steps:
        if step[0] == "add":
            _, media_id, kind = step
            assert isinstance(media_id, int)
            assert isinstance(kind, MediaType)
            store.stored.setdefault(media_id, kind)  # ids are never reused, types never change
            continue
        wanted = step[1]
        assert isinstance(wanted, list)
        before = dict(store.reads)
        answer = types.types(wanted)
        assert dict(answer) == {i: store.stored[i] for i in wanted if i in store.stored}
        for media_id in answered.intersection(wanted):  # kept: the store is not asked
            assert store.reads.get(media_id, 0) == before.get(media_id, 0)
        for media_id in set(wanted) - answered:  # not known yet: asked once per call
            assert store.reads[media_id] == before.get(media_id, 0) + 1
        answered.update(answer)


def test_a_kept_type_is_not_read_again_and_a_missing_one_is() -> None:
    store = CountingTypes()
    store.stored = {1: MediaType.IMAGE, 2: MediaType.VIDEO}
    types = kept(store)
    assert dict(types.types([1, 2, 3])) == {1: MediaType.IMAGE, 2: MediaType.VIDEO}
    assert dict(types.types([2, 1, 3])) == {1: MediaType.IMAGE, 2: MediaType.VIDEO}
    assert store.reads == {1: 1, 2: 1, 3: 2}
    store.stored[3] = MediaType.VIDEO  # uploaded since: found on the next read
    assert types.types([3]) == {3: MediaType.VIDEO}


@given(st.lists(st.lists(ids, max_size=10), max_size=30), st.integers(min_value=1, max_value=8))
def test_the_kept_types_stay_bounded(reads: list[list[int]], cap: int) -> None:
    store = CountingTypes()
    store.stored = dict.fromkeys(range(1, 41), MediaType.IMAGE)
    types = kept(store, max_media=cap)
    for wanted in reads:
        assert set(types.types(wanted)) == set(wanted)
        assert len(types._kept) <= cap


def test_concurrent_readers_get_the_stores_answer() -> None:
    store = CountingTypes()
    store.stored = {i: (MediaType.VIDEO if i % 3 else MediaType.IMAGE) for i in range(500)}
    types = kept(store, max_media=200)
    wrong: list[int] = []

    def read(offset: int) -> None:
        for round_ in range(50):
            wanted = [(offset * 37 + round_ * 11 + k) % 500 for k in range(60)]
            answer = types.types(wanted)
            wrong.extend(i for i in wanted if answer.get(i) is not store.stored[i])

    threads = [threading.Thread(target=read, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []
