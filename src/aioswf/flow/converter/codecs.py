"""Codecs: reversible transformations of payload text, applied after JSON encoding (compression, encryption).

Codecs compose: a `DataConverter` applies its codecs first to last on the way out and last to first on the
way back. Each codec passes through text it did not make, so adding one never breaks an old history.
"""

from __future__ import annotations

import base64
import binascii
import zlib
from typing import ClassVar, Protocol, runtime_checkable

from aioswf.exceptions import PayloadDecodeError, ValidationError

__all__ = ["PayloadCodec", "ZlibCodec"]


@runtime_checkable
class PayloadCodec(Protocol):
    """A reversible transformation of encoded payload text (compression, encryption, ...).

    ``decode`` must pass through text that ``encode`` did not make (a payload written before the codec
    was added, or one ``encode`` chose to leave alone), so that adding a codec never breaks old histories.
    """

    def encode(self, data: str) -> str:
        """Transforms encoded text on its way to SWF."""
        ...

    def decode(self, data: str) -> str:
        """Undoes `encode`."""
        ...


class ZlibCodec:
    """Compresses payload text with zlib, when it is long enough for that to pay.

    Compressed text is the marker ``aioswf-zlib:`` followed by the zlib stream in standard base64: SWF
    payloads are strings carried in JSON, and base64 is plain ASCII (one character is one byte, whichever
    way a limit counts) that no JSON encoder escapes; base85 would be 6% shorter, but its alphabet holds
    ``<``, ``>`` and ``&``, which HTML-safe encoders turn into six characters each. No JSON text starts
    with the marker, so `decode` passes every other text through: payloads written before compression was
    turned on, those under the threshold, and those compression would have made longer.

    The same text always compresses to the same payload with one zlib build; across zlib builds it may not,
    which costs nothing but a second copy in a content-addressed store.

    Args:
        threshold: Text shorter than this many characters is left alone.
        level: zlib's compression level, 0 to 9 (or -1 for zlib's default).

    Raises:
        ValidationError: When ``threshold`` or ``level`` is out of range.
    """

    PREFIX: ClassVar[str] = "aioswf-zlib:"

    def __init__(self, *, threshold: int = 1024, level: int = 6) -> None:
        if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 0:
            raise ValidationError(
                f"threshold must be a whole number of characters, 0 or more; got {threshold!r}",
                argument="threshold",
                limit=">= 0",
            )
        if isinstance(level, bool) or not isinstance(level, int) or not -1 <= level <= 9:
            raise ValidationError(
                f"level must be a zlib compression level, -1 to 9; got {level!r}",
                argument="level",
                limit="-1..9",
            )
        self.threshold = threshold
        self.level = level

    def __repr__(self) -> str:
        return f"ZlibCodec(threshold={self.threshold}, level={self.level})"

    def encode(self, data: str) -> str:
        """Compresses ``data`` when it reaches the threshold and comes out shorter; else returns it."""
        if len(data) < self.threshold:
            return data
        packed = zlib.compress(data.encode("utf-8", "surrogatepass"), self.level)
        text = self.PREFIX + base64.b64encode(packed).decode("ascii")
        return text if len(text) < len(data) else data

    def decode(self, data: str) -> str:
        """Decompresses text `encode` compressed; passes any other text through.

        Raises:
            PayloadDecodeError: When text carries the marker but does not decompress.
        """
        if not data.startswith(self.PREFIX):
            return data
        try:
            packed = base64.b64decode(data[len(self.PREFIX) :], validate=True)
            return zlib.decompress(packed).decode("utf-8", "surrogatepass")
        except (binascii.Error, zlib.error, UnicodeDecodeError) as exc:
            raise PayloadDecodeError(
                f"text marked {self.PREFIX!r} does not decompress ({type(exc).__name__}: {exc})",
                path="payload",
            ) from exc
