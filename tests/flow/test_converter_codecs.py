"""Codecs: compression that marks what it compressed, and codecs composing in order."""

from __future__ import annotations

import base64
import json
import zlib

import pytest

from aioswf.exceptions import PayloadDecodeError, ValidationError
from aioswf.flow.converter import DataConverter, PayloadCodec, ZlibCodec

LONG = {"lines": [{"sku": f"item-{i % 7}", "quantity": i} for i in range(200)]}


class Tag:
    """A codec that wraps text in a visible tag, to see the order codecs run in."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.prefix = f"<{name}>"

    def encode(self, data: str) -> str:
        return self.prefix + data

    def decode(self, data: str) -> str:
        return data.removeprefix(self.prefix)


def test_text_under_the_threshold_is_left_alone() -> None:
    codec = ZlibCodec(threshold=100)
    assert codec.encode("x" * 99) == "x" * 99


def test_long_text_is_compressed_behind_a_marker_in_plain_ascii() -> None:
    text = json.dumps(LONG)
    packed = ZlibCodec().encode(text)
    assert packed.startswith("aioswf-zlib:")
    assert packed.isascii()
    assert len(packed) < len(text) / 4
    assert zlib.decompress(base64.b64decode(packed.removeprefix("aioswf-zlib:"))).decode() == text


def test_text_that_compression_would_lengthen_is_left_alone() -> None:
    noise = base64.b64encode(bytes(range(256)) * 2).decode()
    assert ZlibCodec(threshold=0).encode(noise) == noise


def test_text_without_the_marker_decodes_as_itself_so_old_payloads_keep_working() -> None:
    old = DataConverter().encode(LONG)
    assert DataConverter(codecs=[ZlibCodec()]).decode(old) == LONG


def test_the_converter_compresses_and_decompresses_through_the_codec() -> None:
    converter = DataConverter(codecs=[ZlibCodec(threshold=64)])
    text = converter.encode(LONG)
    assert text.startswith(ZlibCodec.PREFIX)
    assert converter.decode(text) == LONG


def test_codecs_encode_in_order_and_decode_in_reverse() -> None:
    converter = DataConverter(codecs=[Tag("a"), Tag("b")])
    text = converter.encode([1])
    assert text == "<b><a>[1]"
    assert converter.decode(text) == [1]


def test_compression_composes_with_another_codec() -> None:
    converter = DataConverter(codecs=[ZlibCodec(threshold=0), Tag("sealed")])
    text = converter.encode(LONG)
    assert text.startswith("<sealed>aioswf-zlib:")
    assert converter.decode(text) == LONG


def test_a_corrupt_compressed_payload_raises_a_decode_error_with_its_path() -> None:
    converter = DataConverter(codecs=[ZlibCodec()])
    with pytest.raises(PayloadDecodeError) as caught:
        converter.decode("aioswf-zlib:bm90IHpsaWI=", path="result")
    assert caught.value.path == "result"
    assert "ZlibCodec failed" in str(caught.value)
    assert "does not decompress" in str(caught.value)
    assert isinstance(caught.value.__cause__, PayloadDecodeError)


def test_a_compressed_payload_that_is_not_base64_raises_a_decode_error() -> None:
    with pytest.raises(PayloadDecodeError, match="does not decompress"):
        ZlibCodec().decode("aioswf-zlib:***")


def test_a_codec_error_of_another_kind_is_reported_with_its_cause() -> None:
    class Broken:
        def encode(self, data: str) -> str:
            return data

        def decode(self, data: str) -> str:
            raise RuntimeError("wrong key")

    converter = DataConverter(codecs=[Broken()])
    with pytest.raises(PayloadDecodeError, match="Broken failed: RuntimeError: wrong key") as caught:
        converter.decode("1")
    assert isinstance(caught.value.__cause__, RuntimeError)


def test_a_codec_satisfies_the_protocol() -> None:
    assert isinstance(ZlibCodec(), PayloadCodec)


def test_something_that_is_not_a_codec_is_refused() -> None:
    with pytest.raises(TypeError, match="is not a PayloadCodec"):
        DataConverter(codecs=[object()])  # type: ignore[list-item]


@pytest.mark.parametrize(
    ("options", "argument"),
    [({"threshold": -1}, "threshold"), ({"threshold": 1.5}, "threshold"), ({"level": 10}, "level")],
)
def test_out_of_range_options_are_refused(options: dict[str, float], argument: str) -> None:
    with pytest.raises(ValidationError) as caught:
        ZlibCodec(**options)  # type: ignore[arg-type]
    assert caught.value.argument == argument
