"""Large payloads: content-hashed references, and the in-memory store."""

from __future__ import annotations

import hashlib
import json

import pytest

from aioswf.exceptions import PayloadNotFoundError, PayloadStoreError
from aioswf.flow.converter import DataConverter, ZlibCodec
from aioswf.flow.payloads import (
    REFERENCE_PREFIX,
    MemoryPayloadStore,
    PayloadOffloader,
    PayloadStore,
    S3PayloadStore,
)

BIG = DataConverter().encode({"rows": [[i, f"row {i}"] for i in range(5000)]})


def test_a_reference_is_derived_from_the_content_alone() -> None:
    offloader = PayloadOffloader(MemoryPayloadStore(), prefix="runs/")
    reference = offloader.reference(BIG)
    digest = hashlib.sha256(BIG.encode()).hexdigest()
    assert reference.key == f"runs/{digest}"
    assert reference.text == f"aioswf-payload:runs/{digest}"
    assert reference == PayloadOffloader(MemoryPayloadStore(), prefix="runs/").reference(BIG)
    assert offloader.reference(BIG + " ").key != reference.key


def test_a_reference_is_short_and_never_json() -> None:
    text = PayloadOffloader(MemoryPayloadStore()).reference(BIG).text
    assert len(text) < 100
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)


def test_a_reference_does_not_show_its_payload_in_its_repr() -> None:
    reference = PayloadOffloader(MemoryPayloadStore()).reference("SECRET")
    assert "SECRET" not in repr(reference)


def test_only_references_are_taken_for_references() -> None:
    offloader = PayloadOffloader(MemoryPayloadStore())
    assert offloader.is_reference(offloader.reference(BIG).text)
    assert not offloader.is_reference(BIG)
    assert not offloader.is_reference(DataConverter(codecs=[ZlibCodec()]).encode(json.loads(BIG)))
    assert not offloader.is_reference(None)


async def test_a_stored_payload_resolves_from_its_reference() -> None:
    store = MemoryPayloadStore()
    offloader = PayloadOffloader(store)
    reference = offloader.reference(BIG)
    await offloader.put(reference)
    assert store.items == {reference.key: BIG}
    assert await offloader.resolve(reference.text) == BIG


async def test_text_that_is_no_reference_resolves_to_itself() -> None:
    offloader = PayloadOffloader(MemoryPayloadStore())
    assert await offloader.resolve('{"small": 1}') == '{"small": 1}'
    assert await offloader.resolve(None) is None


async def test_storing_the_same_payload_twice_is_harmless() -> None:
    store = MemoryPayloadStore()
    offloader = PayloadOffloader(store)
    for _ in range(2):
        await offloader.put(offloader.reference(BIG))
    assert len(store.items) == 1


async def test_text_with_a_lone_surrogate_is_stored_and_resolved() -> None:
    offloader = PayloadOffloader(MemoryPayloadStore())
    reference = offloader.reference('"\ud800"')
    await offloader.put(reference)
    assert await offloader.resolve(reference.text) == '"\ud800"'


async def test_a_reference_to_nothing_raises_payload_not_found() -> None:
    offloader = PayloadOffloader(MemoryPayloadStore())
    reference = offloader.reference(BIG)
    with pytest.raises(PayloadNotFoundError) as caught:
        await offloader.resolve(reference.text)
    error = caught.value
    assert error.key == reference.key
    assert str(error) == f"no payload is stored under {reference.key!r}"
    assert isinstance(error, KeyError)
    assert isinstance(error, PayloadStoreError)


def test_both_stores_are_payload_stores() -> None:
    assert isinstance(MemoryPayloadStore(), PayloadStore)
    assert isinstance(S3PayloadStore("a-bucket"), PayloadStore)


def test_the_reference_prefix_is_not_a_json_start() -> None:
    assert REFERENCE_PREFIX[0] not in '{["-0123456789tfn '
