"""The leaves of the value walk: JSON encoders and decoders of single types, and the words errors use.

`aioswf.flow.converter.data` walks values and hints, and calls these for what needs no converter.
Everything here is private to the converter package.
"""

from __future__ import annotations

import base64
import binascii
import collections.abc
import datetime as dt
import decimal
import inspect
import json
import math
import re
import typing
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

import attrs

Encoder = Callable[[Any], Any]
#: Decodes JSON data; the flag asks for an exact fit (no unknown fields, no int-to-float widening).
Decoder = Callable[[Any, bool], Any]

NONE_TYPE = type(None)
EMPTY = inspect.Parameter.empty
TYPE_ALIAS_TYPE: Any = getattr(typing, "TypeAliasType", None)
INTEGER_TEXT = re.compile(r"-?[0-9]+")
DURATION = re.compile(
    r"(-)?P(?:([0-9]+)D)?(?:T(?:([0-9]+)H)?(?:([0-9]+)M)?(?:([0-9]+)(?:[.,]([0-9]{1,6}))?S)?)?"
)

LIST_ORIGINS: frozenset[Any] = frozenset(
    {
        list,
        collections.abc.Sequence,
        collections.abc.MutableSequence,
        collections.abc.Collection,
        collections.abc.Iterable,
    }
)
SET_ORIGINS: frozenset[Any] = frozenset({set, collections.abc.Set, collections.abc.MutableSet})
DICT_ORIGINS: frozenset[Any] = frozenset({dict, collections.abc.Mapping, collections.abc.MutableMapping})


@attrs.frozen
class TypeHook:
    encode: Callable[[Any], Any]
    decode: Callable[[Any, type[Any]], Any]


class Misfit(Exception):
    """A failure deep inside a value; each level it passes on the way up adds its part of the path."""

    def __init__(self, reason: str, value_type: type[Any] | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.value_type = value_type
        self.segments: list[str] = []  # innermost first

    def at(self, segment: str) -> Misfit:
        self.segments.append(segment)
        return self

    def path(self, root: str) -> str:
        return root + "".join(reversed(self.segments))


# -- encoders that need no converter ------------------------------------------------------------------


def identity(value: Any) -> Any:
    return value


def encode_float(value: float) -> float:
    if math.isfinite(value):
        return float(value)
    raise Misfit(f"{value!r} has no JSON form (JSON numbers are finite); use a Decimal or a string", float)


def isoformat(value: dt.date | dt.time) -> str:
    return value.isoformat()


def encode_timedelta(value: dt.timedelta) -> str:
    sign = "-" if value < dt.timedelta(0) else ""
    value = abs(value)
    hours, rest = divmod(value.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    text = f"{value.days}D" if value.days else ""
    clock = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    if seconds or value.microseconds:
        clock += f"{seconds}.{value.microseconds:06d}".rstrip("0").rstrip(".") + "S"
    if clock:
        text += f"T{clock}"
    return f"{sign}P{text}" if text else "PT0S"


def encode_bytes(value: bytes | bytearray | memoryview) -> str:
    return base64.b64encode(value).decode("ascii")


def unencodable(cls: type[Any]) -> Encoder:
    def refuse(value: Any) -> Any:
        raise Misfit(
            f"a value of type {type_name(cls)} has no encoding: register one with "
            f"DataConverter.register({cls.__name__}, encode=..., decode=...)",
            cls,
        )

    return refuse


def json_sort_key(data: Any) -> str:
    return json.dumps(data, ensure_ascii=True, separators=(",", ":"))


# -- decoders that need no converter ------------------------------------------------------------------


def decode_any(data: Any, exact: bool) -> Any:
    return data


def decode_none(data: Any, exact: bool) -> None:
    if data is not None:
        raise Misfit(f"expected null, got {kind(data)}")


def decode_bool(data: Any, exact: bool) -> bool:
    if isinstance(data, bool):
        return data
    raise Misfit(f"expected a boolean, got {kind(data)}")


def decode_int(data: Any, exact: bool) -> int:
    if isinstance(data, int) and not isinstance(data, bool):
        return data
    raise Misfit(f"expected an integer, got {kind(data)}")


def decode_float(data: Any, exact: bool) -> float:
    if isinstance(data, float) or (not exact and isinstance(data, int) and not isinstance(data, bool)):
        return float(data)
    raise Misfit(f"expected a number, got {kind(data)}")


def decode_str(data: Any, exact: bool) -> str:
    if isinstance(data, str):
        return data
    raise Misfit(f"expected a string, got {kind(data)}")


def text_decoder(what: str, parse: Callable[[str], Any]) -> Decoder:
    def decode_text(data: Any, exact: bool) -> Any:
        if not isinstance(data, str):
            raise Misfit(f"expected {what} in a string, got {kind(data)}")
        try:
            return parse(data)
        except (ValueError, ArithmeticError, binascii.Error) as exc:
            raise Misfit(f"expected {what}, got a string that is not one") from exc

    return decode_text


def parse_datetime(text: str) -> dt.datetime:
    if text[-1:] in ("Z", "z"):  # fromisoformat reads "Z" only from Python 3.11 on
        text = text[:-1] + "+00:00"
    return dt.datetime.fromisoformat(text)


def parse_duration(text: str) -> dt.timedelta:
    match = DURATION.fullmatch(text)
    if match is None or text.endswith(("P", "T")):
        raise ValueError("not an ISO 8601 duration")
    sign, days, hours, minutes, seconds, fraction = match.groups()
    value = dt.timedelta(
        days=int(days or 0),
        hours=int(hours or 0),
        minutes=int(minutes or 0),
        seconds=int(seconds or 0),
        microseconds=int((fraction or "").ljust(6, "0")),
    )
    return -value if sign else value


def parse_bytes(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


decode_datetime = text_decoder("an ISO 8601 datetime", parse_datetime)
decode_date = text_decoder("an ISO 8601 date", dt.date.fromisoformat)
decode_time = text_decoder("an ISO 8601 time", dt.time.fromisoformat)
decode_duration_text = text_decoder("an ISO 8601 duration", parse_duration)
decode_uuid = text_decoder("a UUID", uuid.UUID)
decode_decimal_text = text_decoder("a decimal number", decimal.Decimal)
decode_bytes = text_decoder("base64", parse_bytes)


def decode_timedelta(data: Any, exact: bool) -> dt.timedelta:
    if not exact and isinstance(data, (int, float)) and not isinstance(data, bool):
        try:
            return dt.timedelta(seconds=data)  # seconds, as SWF writes durations
        except (OverflowError, ValueError) as exc:
            raise Misfit("expected a duration, got a number of seconds out of range") from exc
    result: dt.timedelta = decode_duration_text(data, exact)
    return result


def decode_decimal(data: Any, exact: bool) -> decimal.Decimal:
    if not exact and isinstance(data, (int, float)) and not isinstance(data, bool):
        return decimal.Decimal(data if isinstance(data, int) else repr(data))
    result: decimal.Decimal = decode_decimal_text(data, exact)
    return result


def decode_bytearray(data: Any, exact: bool) -> bytearray:
    return bytearray(decode_bytes(data, exact))


SIMPLE_DECODERS: dict[type[Any], Decoder] = {
    bool: decode_bool,
    int: decode_int,
    float: decode_float,
    str: decode_str,
    bytes: decode_bytes,
    bytearray: decode_bytearray,
    dt.datetime: decode_datetime,
    dt.date: decode_date,
    dt.time: decode_time,
    dt.timedelta: decode_timedelta,
    uuid.UUID: decode_uuid,
    decimal.Decimal: decode_decimal,
}


def failing(reason: str) -> Decoder:
    def fail(data: Any, exact: bool) -> Any:
        raise Misfit(reason)

    return fail


def hooked_decoder(cls: type[Any], hook: TypeHook) -> Decoder:
    def decode_hooked(data: Any, exact: bool) -> Any:
        try:
            return hook.decode(data, cls)
        except Exception as exc:  # the user's hook: reported with the path, from its cause
            raise Misfit(
                f"the decoder registered for {type_name(cls)} raised {type(exc).__name__}: {exc}"
            ) from exc

    return decode_hooked


def subclass_decoder(cls: type[Any], base: Decoder) -> Decoder:
    def decode_subclass(data: Any, exact: bool) -> Any:
        return cls(base(data, exact))

    return decode_subclass


def decode_items(pairs: typing.Iterable[tuple[Decoder, Any]], exact: bool) -> list[Any]:
    out = []
    for index, (decoder, item) in enumerate(pairs):
        try:
            out.append(decoder(item, exact))
        except Misfit as misfit:
            raise misfit.at(f"[{index}]") from misfit.__cause__
    return out


def list_decoder(item: Decoder) -> Decoder:
    def decode_list(data: Any, exact: bool) -> list[Any]:
        if not isinstance(data, list):
            raise Misfit(f"expected an array, got {kind(data)}")
        if item is decode_any:
            return list(data)
        return decode_items(((item, element) for element in data), exact)

    return decode_list


def set_decoder(item: Decoder, container: type[set[Any]] | type[frozenset[Any]]) -> Decoder:
    items = list_decoder(item)

    def decode_set(data: Any, exact: bool) -> Any:
        decoded = items(data, exact)
        try:
            return container(decoded)
        except TypeError as exc:
            raise Misfit("expected an array of hashable items for a set") from exc

    return decode_set


def dict_decoder(key: Decoder, value: Decoder) -> Decoder:
    def decode_key(text: str, exact: bool) -> Any:
        try:
            return key(text, exact)
        except Misfit:
            # JSON object keys are strings; an integer key (or an int-valued enum's) was written as digits.
            if not INTEGER_TEXT.fullmatch(text):
                raise
            return key(int(text), exact)

    def decode_dict(data: Any, exact: bool) -> dict[Any, Any]:
        if not isinstance(data, dict):
            raise Misfit(f"expected an object, got {kind(data)}")
        if key is decode_any and value is decode_any:
            return dict(data)
        out: dict[Any, Any] = {}
        for text, item in data.items():
            try:
                out[decode_key(text, exact)] = value(item, exact)
            except Misfit as misfit:
                raise misfit.at(f"[{show_key(text)}]") from misfit.__cause__
        return out

    return decode_dict


def cache_key(hint: Any) -> Any:
    """A key that tells hints apart where typing's equality does not: unions compare as sets, so
    ``int | str == str | int``, but members are tried in order; and ``Literal[1] == Literal[True]`` in a
    tuple, since ``1 == True``."""
    args = typing.get_args(hint)
    if not args:
        return hint
    origin = typing.get_origin(hint)
    if origin is typing.Literal:
        return (origin, tuple((type(arg), arg) for arg in args))
    return (origin, hint if origin is typing.Annotated else None, tuple(cache_key(arg) for arg in args))


def substitute(hint: Any, typevars: dict[Any, Any]) -> Any:
    """The hint with a generic class's type variables replaced by its arguments (``T`` -> ``int``)."""
    if not typevars:
        return hint
    if isinstance(hint, TypeVar):
        return typevars.get(hint, hint)
    params: tuple[Any, ...] = getattr(hint, "__parameters__", ())
    if params:
        return hint[tuple(typevars.get(param, param) for param in params)]
    return hint


# -- words for errors ---------------------------------------------------------------------------------


def kind(data: Any) -> str:
    """What JSON data is, in words; never the data itself (payloads are the user's)."""
    if data is None:
        return "null"
    if isinstance(data, bool):
        return "a boolean"
    if isinstance(data, int):
        return "an integer"
    if isinstance(data, float):
        return "a number"
    if isinstance(data, str):
        return "a string"
    if isinstance(data, list):
        return "an array"
    if isinstance(data, dict):
        return "an object"
    return f"a {type(data).__name__}"


def type_name(hint: Any) -> str:
    if hint is None or hint is NONE_TYPE:
        return "None"
    if isinstance(hint, type) and not typing.get_args(hint):
        module = getattr(hint, "__module__", "builtins")
        return hint.__qualname__ if module == "builtins" else f"{module}.{hint.__qualname__}"
    return repr(hint).replace("typing.", "")


def show_key(key: Any) -> str:
    shown = repr(key)
    return shown if len(shown) <= 40 else shown[:39] + "…"
