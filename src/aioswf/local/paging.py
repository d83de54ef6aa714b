"""Pagination as SWF does it: ``maximumPageSize``, ``nextPageToken`` and ``reverseOrder``."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from typing import Any, TypeVar

from aioswf.local.faults import ValidationException

__all__ = ["DEFAULT_PAGE_SIZE", "decode_token", "encode_token", "page"]

DEFAULT_PAGE_SIZE = 1000
T = TypeVar("T")


def encode_token(scope: str, position: int, **extra: Any) -> str:
    """Return an opaque page token for ``position`` within the listing ``scope``."""
    raw = json.dumps({"s": scope, "p": position, **extra}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode()


def decode_token(token: str, scope: str) -> dict[str, Any]:
    """Decode a token made by :func:`encode_token` for the same ``scope``.

    Raises:
        ValidationException: If the token is malformed or belongs to another listing.
    """
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode()))
    except (binascii.Error, ValueError, UnicodeError, RecursionError):  # RecursionError: deep nesting
        raise ValidationException("Invalid nextPageToken") from None
    position = data.get("p") if isinstance(data, dict) else None
    if (
        not isinstance(data, dict)
        or data.get("s") != scope
        or not isinstance(position, int)
        or isinstance(position, bool)
        or position < 0
    ):
        raise ValidationException("Invalid nextPageToken")
    return data


def page(items: Sequence[T], params: dict[str, Any], scope: str) -> tuple[list[T], str | None]:
    """Cut one page out of ``items`` (already in the order the caller asked for).

    Args:
        items: Every matching item, in order.
        params: The request (``maximumPageSize``, ``nextPageToken``).
        scope: Names the listing, so a token of one listing is refused by another.

    Returns:
        The page, and the token of the next page (None on the last page).
    """
    size = params.get("maximumPageSize") or DEFAULT_PAGE_SIZE
    token = params.get("nextPageToken")
    start = decode_token(token, scope)["p"] if token else 0
    chunk = list(items[start : start + size])
    end = start + len(chunk)
    return chunk, (encode_token(scope, end) if end < len(items) else None)


def paged(key: str, items: Sequence[Any], params: dict[str, Any], scope: str) -> dict[str, Any]:
    """Return ``{key: page}`` plus ``nextPageToken`` when more pages exist."""
    chunk, token = page(items, params, scope)
    result: dict[str, Any] = {key: chunk}
    if token is not None:
        result["nextPageToken"] = token
    return result
