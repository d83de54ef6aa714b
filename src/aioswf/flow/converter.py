"""How flow turns Python values into SWF payload strings and back.

A `DataConverter` is synchronous and pure: workflow code runs on a deterministic loop that may not do
I/O, so encoding happens at the call site (where a payload over SWF's limit can raise with its field),
and whatever needs I/O (a large-payload store) runs at the worker's edges, before and after a step.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

__all__ = ["DataConverter", "PayloadCodec"]


@runtime_checkable
class PayloadCodec(Protocol):
    """A reversible transformation of encoded payload text (compression, encryption, ...)."""

    def encode(self, data: str) -> str:
        """Transforms encoded text on its way to SWF."""
        ...

    def decode(self, data: str) -> str:
        """Undoes `encode`."""
        ...


class DataConverter:
    """JSON by default; codecs applied in order on the way out and in reverse on the way back.

    Args:
        codecs: Codecs applied to the JSON text, first to last, when encoding.
    """

    def __init__(self, *, codecs: Sequence[PayloadCodec] = ()) -> None:
        self.codecs = tuple(codecs)

    def encode(self, value: Any) -> str:
        """Encodes one value to payload text."""
        data = json.dumps(value, separators=(",", ":"))
        for codec in self.codecs:
            data = codec.encode(data)
        return data

    def decode(self, data: str | None, hint: Any = None) -> Any:
        """Decodes payload text to a value; ``hint`` (a type or type hint) shapes the result."""
        if data is None:
            return None
        for codec in reversed(self.codecs):
            data = codec.decode(data)
        return json.loads(data)

    def encode_args(self, args: Sequence[Any]) -> str:
        """Encodes positional arguments as one payload (a JSON array)."""
        return self.encode(list(args))

    def decode_args(self, data: str | None, hints: Sequence[Any] = ()) -> list[Any]:
        """Decodes a payload made by `encode_args`; ``hints`` shape each argument in order."""
        if data is None:
            return []
        values = self.decode(data)
        if not isinstance(values, list):
            raise TypeError(f"expected a JSON array of arguments, got {type(values).__name__}")
        return values
