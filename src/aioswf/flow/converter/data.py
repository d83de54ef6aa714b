"""`DataConverter`: values to JSON text and back, by runtime type on the way out and by type hint on the way in.

Written by hand rather than on cattrs or msgspec, because what replay needs differs from their defaults at
every leaf: decoding is strict (cattrs turns ``3.7`` into ``3`` for an ``int`` and ``5`` into ``"5"``
for a ``str``), errors name the path inside the value on the way out too (cattrs passes unknown types
through to the JSON encoder, msgspec's encoder refuses them, and neither says where they sit), unions of classes are tried in order (msgspec refuses unions of
several dataclasses, cattrs refuses those it cannot tell apart by field names), and set order is made
deterministic. Only the field walk would be left to borrow.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import datetime as dt
import decimal
import enum
import json
import types
import typing
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import attrs

from aioswf.exceptions import PayloadDecodeError, PayloadEncodeError
from aioswf.flow.converter._values import (
    DICT_ORIGINS,
    EMPTY,
    LIST_ORIGINS,
    NONE_TYPE,
    SET_ORIGINS,
    SIMPLE_DECODERS,
    TYPE_ALIAS_TYPE,
    Decoder,
    Encoder,
    Misfit,
    TypeHook,
    cache_key,
    decode_any,
    decode_items,
    decode_none,
    dict_decoder,
    encode_bytes,
    encode_float,
    encode_timedelta,
    failing,
    hooked_decoder,
    identity,
    isoformat,
    json_sort_key,
    kind,
    list_decoder,
    set_decoder,
    show_key,
    subclass_decoder,
    substitute,
    type_name,
    unencodable,
)
from aioswf.flow.converter.codecs import PayloadCodec

__all__ = ["DataConverter"]

T = TypeVar("T")


@attrs.frozen
class _Field:
    key: str  # in the JSON object
    argument: str  # of the class's __init__
    decoder: Decoder
    required: bool


class DataConverter:
    """Turns values into payload text and back: JSON by default, codecs applied in order.

    Encodes, without hints: ``None``, ``bool``, ``int``, ``float`` (finite), ``str``; `datetime.datetime`,
    `~datetime.date`, `~datetime.time` (ISO 8601, with their UTC offset when aware) and
    `~datetime.timedelta` (an ISO 8601 duration such as ``"P1DT2H0.5S"``); `enum.Enum` members (by value);
    `uuid.UUID` and `decimal.Decimal` (as strings); ``bytes`` (base64); dataclasses and attrs classes (JSON
    objects of their ``__init__`` fields, nested freely); mappings, lists, tuples, named tuples, sets
    (arrays, sorted). Decodes to whatever a type hint names among those, including ``list[X]``,
    ``dict[K, V]``, ``tuple[...]``, ``X | None``, unions (tried in order), ``Literal``, ``NewType``,
    ``Annotated``, ``TypedDict``, generic dataclasses and ``Any``.

    Types of your own are added with `register`; a subclass may instead override `dumps` and `loads`
    (another text format) or `encode` and `decode` (the whole conversion).

    Args:
        codecs: Codecs applied to the JSON text, first to last, when encoding (last to first when
            decoding), e.g. ``[ZlibCodec()]``.

    Raises:
        TypeError: When a codec lacks ``encode`` or ``decode``.
    """

    def __init__(self, *, codecs: Sequence[PayloadCodec] = ()) -> None:
        for codec in codecs:
            if not isinstance(codec, PayloadCodec):
                raise TypeError(f"{codec!r} is not a PayloadCodec: it needs encode(str) and decode(str)")
        self.codecs: tuple[PayloadCodec, ...] = tuple(codecs)
        self._hooks: dict[type[Any], TypeHook] = {}
        self._encoders: dict[type[Any], Encoder] = {}
        self._decoders: dict[Any, Decoder] = {}

    def register(
        self, cls: type[T], *, encode: Callable[[T], Any], decode: Callable[[Any, type[T]], T]
    ) -> None:
        """Teaches the converter a type of your own (and its subclasses).

        Register before the converter is in use: a registration made later applies from then on, and
        payloads already in histories keep the form they were written in.

        ``encode(value)`` returns anything the converter can encode itself (a string, a dict of datetimes,
        ...); ``decode(data, cls)`` gets the parsed JSON data and the class the hint names (``cls`` itself
        or a subclass), and returns the value. A registration wins over the built-in handling, so it can
        also change how a built-in type is written. For a class and its subclasses, the most specific
        registration applies.

        Args:
            cls: The type.
            encode: Makes JSON-ready data of a value.
            decode: Makes a value of JSON data.

        Raises:
            TypeError: When ``cls`` is not a class.
        """
        if not isinstance(cls, type):
            raise TypeError(f"register() takes a class, not {cls!r}")
        self._hooks[cls] = TypeHook(encode, decode)
        self._encoders.clear()
        self._decoders.clear()

    # -- text -----------------------------------------------------------------------------------------

    def encode(self, value: Any, *, path: str = "value") -> str:
        """Encodes one value to payload text.

        Args:
            value: The value.
            path: How errors name the value (``"result"``, ``"details"``, ...).

        Raises:
            PayloadEncodeError: When the value, or something inside it, cannot be encoded.
        """
        text = self.dumps(self.unstructure(value, path=path))
        for codec in self.codecs:
            text = codec.encode(text)
        return text

    def decode(self, data: str | None, hint: Any = None, *, path: str = "value") -> Any:
        """Decodes payload text to a value; ``hint`` (a type or type hint) shapes the result.

        Without a hint (``None``), the result is plain JSON data. A missing payload (``None``) decodes to
        ``None`` whatever the hint.

        Args:
            data: The payload text as SWF holds it.
            hint: The type to rebuild.
            path: How errors name the value.

        Raises:
            PayloadDecodeError: When the text is corrupt or not JSON, or does not fit the hint.
        """
        if data is None:
            return None
        text = data
        for codec in reversed(self.codecs):
            try:
                text = codec.decode(text)
            except Exception as exc:  # a codec meeting text it cannot undo: corrupt, or not for it
                reason = str(exc) if isinstance(exc, PayloadDecodeError) else f"{type(exc).__name__}: {exc}"
                raise PayloadDecodeError(
                    f"cannot decode {path}: {type(codec).__name__} failed: {reason}", path=path, hint=hint
                ) from exc
        try:
            plain = self.loads(text)
        except ValueError as exc:
            # The message says where, never what: payloads are the user's data.
            where = f" ({exc.msg} at character {exc.pos})" if isinstance(exc, json.JSONDecodeError) else ""
            raise PayloadDecodeError(
                f"cannot decode {path}: it is not JSON{where}", path=path, hint=hint
            ) from exc
        if hint is None or hint is EMPTY:
            return plain
        return self.structure(plain, hint, path=path)

    def encode_args(self, args: Sequence[Any]) -> str:
        """Encodes positional arguments as one payload (a JSON array); errors name them ``args[i]``."""
        return self.encode(list(args), path="args")

    def decode_args(self, data: str | None, hints: Sequence[Any] = ()) -> list[Any]:
        """Decodes a payload made by `encode_args`; ``hints`` shape each argument in order.

        Arguments beyond the hints come back as plain JSON data; a missing payload is no arguments.

        Raises:
            PayloadDecodeError: When the payload is not an array, or an argument does not fit its hint.
        """
        if data is None:
            return []
        values = self.decode(data, path="args")
        if not isinstance(values, list):
            raise PayloadDecodeError(
                f"cannot decode args: expected an array of arguments, got {kind(values)}", path="args"
            )
        decoded = []
        for index, value in enumerate(values):
            hint = hints[index] if index < len(hints) else None
            if hint is None or hint is EMPTY:
                decoded.append(value)
            else:
                decoded.append(self.structure(value, hint, path=f"args[{index}]"))
        return decoded

    def dumps(self, data: Any) -> str:
        """Writes JSON data (what `unstructure` returns) as compact JSON text, the same way every time."""
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        if not text.isascii():
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                # A lone surrogate cannot travel as UTF-8: escape every non-ASCII character instead.
                text = json.dumps(data, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
        return text

    def loads(self, text: str) -> Any:
        """Parses JSON text into JSON data (what `structure` takes).

        Raises:
            ValueError: When the text is not JSON.
        """
        return json.loads(text)

    # -- values ---------------------------------------------------------------------------------------

    def unstructure(self, value: Any, *, path: str = "value") -> Any:
        """Makes plain JSON data (dicts, lists, strings, numbers, booleans, ``None``) of a value.

        Args:
            value: The value.
            path: How errors name the value.

        Raises:
            PayloadEncodeError: When the value, or something inside it, has no encoding; the error names
                its type and where it sits, e.g. ``args[1].items[3]``.
        """
        try:
            return self._unstructure(value)
        except Misfit as misfit:
            where = misfit.path(path)
            raise PayloadEncodeError(
                f"cannot encode {where}: {misfit.reason}", path=where, value_type=misfit.value_type
            ) from misfit.__cause__
        except RecursionError:
            raise PayloadEncodeError(
                f"cannot encode {path}: it contains itself, or nests deeper than Python's recursion limit",
                path=path,
            ) from None

    def structure(self, data: Any, hint: Any, *, path: str = "value") -> Any:
        """Rebuilds a value of the type ``hint`` names from JSON data.

        Args:
            data: JSON data, as `loads` returns it.
            hint: A type or type hint (``Any`` returns the data as it is).
            path: How errors name the value.

        Raises:
            PayloadDecodeError: When the data does not fit the hint; the error names where, e.g.
                ``result.items[3]``, and what was expected, never the data itself.
        """
        try:
            return self._decoder(hint)(data, False)
        except Misfit as misfit:
            where = misfit.path(path)
            raise PayloadDecodeError(
                f"cannot decode {where}: {misfit.reason}", path=where, hint=hint
            ) from misfit.__cause__
        except RecursionError:
            raise PayloadDecodeError(
                f"cannot decode {path}: it nests deeper than Python's recursion limit", path=path, hint=hint
            ) from None

    # -- encoding, by runtime type --------------------------------------------------------------------

    def _unstructure(self, value: Any) -> Any:
        cls = type(value)
        encoder = self._encoders.get(cls)
        if encoder is None:
            encoder = self._encoders[cls] = self._make_encoder(cls)
        return encoder(value)

    def _make_encoder(self, cls: type[Any]) -> Encoder:
        hook = self._hook_for(cls)
        if hook is not None:
            return self._hooked_encoder(cls, hook)
        if cls in (str, int, bool, NONE_TYPE):
            return identity
        if issubclass(cls, enum.Enum):
            return lambda member: self._unstructure(member.value)
        if issubclass(cls, float):
            return encode_float
        if issubclass(cls, str):
            return str.__str__
        if issubclass(cls, int):
            return int.__int__
        if issubclass(cls, (dt.datetime, dt.date, dt.time)):
            return isoformat
        if issubclass(cls, dt.timedelta):
            return encode_timedelta
        if issubclass(cls, (uuid.UUID, decimal.Decimal)):
            return str
        if issubclass(cls, (bytes, bytearray, memoryview)):
            return encode_bytes
        if dataclasses.is_dataclass(cls):
            return self._object_encoder([(f.name, f.name) for f in dataclasses.fields(cls) if f.init])
        if attrs.has(cls):
            return self._object_encoder([(a.name, a.alias) for a in attrs.fields(cls) if a.init])
        if issubclass(cls, collections.abc.Mapping):
            return self._encode_mapping
        if issubclass(cls, collections.abc.Set):
            return self._encode_set
        if issubclass(cls, collections.abc.Sequence):
            return self._encode_sequence
        return unencodable(cls)

    def _hook_for(self, cls: type[Any]) -> TypeHook | None:
        if not self._hooks:
            return None
        for base in cls.__mro__:
            hook = self._hooks.get(base)
            if hook is not None:
                return hook
        return None

    def _hooked_encoder(self, cls: type[Any], hook: TypeHook) -> Encoder:
        def encode_hooked(value: Any) -> Any:
            try:
                data = hook.encode(value)
            except Exception as exc:  # the user's hook: reported with the path, from its cause
                raise Misfit(
                    f"the encoder registered for {type_name(cls)} raised {type(exc).__name__}: {exc}", cls
                ) from exc
            if type(data) is type(value):
                raise Misfit(
                    f"the encoder registered for {type_name(cls)} returned the value's own type", cls
                )
            return self._unstructure(data)

        return encode_hooked

    def _object_encoder(self, fields: list[tuple[str, str]]) -> Encoder:
        def encode_object(value: Any) -> dict[str, Any]:
            out: dict[str, Any] = {}
            for attribute, key in fields:
                try:
                    out[key] = self._unstructure(getattr(value, attribute))
                except Misfit as misfit:
                    raise misfit.at(f".{attribute}") from misfit.__cause__
            return out

        return encode_object

    def _encode_mapping(self, value: Mapping[Any, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, item in value.items():
            text = key if type(key) is str else self._encode_key(key)
            if text in out:
                raise Misfit(f"two keys become the same JSON object key {text!r}", type(key)).at(
                    f"[{show_key(key)}]"
                )
            try:
                out[text] = self._unstructure(item)
            except Misfit as misfit:
                raise misfit.at(f"[{show_key(key)}]") from misfit.__cause__
        return out

    def _encode_key(self, key: Any) -> str:
        try:
            data = self._unstructure(key)
        except Misfit as misfit:
            raise misfit.at(f"[{show_key(key)}]") from misfit.__cause__
        if isinstance(data, str):
            return data
        if isinstance(data, int) and not isinstance(data, bool):
            return str(data)
        raise Misfit(
            f"a key of type {type_name(type(key))} becomes {kind(data)}, and JSON object keys are strings",
            type(key),
        ).at(f"[{show_key(key)}]")

    def _encode_sequence(self, value: Sequence[Any]) -> list[Any]:
        out = []
        for index, item in enumerate(value):
            try:
                out.append(self._unstructure(item))
            except Misfit as misfit:
                raise misfit.at(f"[{index}]") from misfit.__cause__
        return out

    def _encode_set(self, value: collections.abc.Set[Any]) -> list[Any]:
        out = []
        for item in value:
            try:
                out.append(self._unstructure(item))
            except Misfit as misfit:
                raise misfit.at("[<set item>]") from misfit.__cause__
        # Iteration order of a set depends on the process's hash seed; the JSON text of a member does not.
        return sorted(out, key=json_sort_key)

    # -- decoding, by type hint -----------------------------------------------------------------------

    def _decoder(self, hint: Any) -> Decoder:
        try:
            key = cache_key(hint)
            found = self._decoders.get(key)
        except TypeError:  # an unhashable hint (Annotated metadata, say): build it each time
            return self._make_decoder(hint)
        if found is None:
            found = self._decoders[key] = self._make_decoder(hint)
        return found

    def _make_decoder(self, hint: Any) -> Decoder:
        if hint is Any or hint is object or hint is EMPTY:
            return decode_any
        if hint is None or hint is NONE_TYPE:
            return decode_none
        if isinstance(hint, TypeVar):
            if hint.__bound__ is not None:
                return self._decoder(hint.__bound__)
            if hint.__constraints__:
                return self._union_decoder(hint.__constraints__)
            return decode_any
        if isinstance(hint, (str, typing.ForwardRef)):
            return failing(
                f"the hint {hint!r} is an unresolved forward reference; pass the type itself "
                "(typing.get_type_hints resolves annotations)"
            )
        supertype = getattr(hint, "__supertype__", None)
        if supertype is not None:  # a NewType is its supertype at run time
            return self._decoder(supertype)
        if TYPE_ALIAS_TYPE is not None and isinstance(hint, TYPE_ALIAS_TYPE):
            return self._decoder(hint.__value__)
        origin = typing.get_origin(hint)
        args = typing.get_args(hint)
        if origin is typing.Annotated:
            return self._decoder(args[0])
        if origin is typing.Union or origin is types.UnionType:
            return self._union_decoder(args)
        if origin is typing.Literal:
            return self._literal_decoder(args)
        if origin is None and not isinstance(hint, type):
            return failing(f"{hint!r} is not a type the converter knows")
        cls: Any = hint if origin is None else origin
        if isinstance(cls, type):
            hook = self._hook_for(cls)
            if hook is not None:
                return hooked_decoder(cls, hook)
        if cls in LIST_ORIGINS:
            return list_decoder(self._decoder(args[0] if args else Any))
        if cls in SET_ORIGINS or cls is frozenset:
            return set_decoder(
                self._decoder(args[0] if args else Any), frozenset if cls is frozenset else set
            )
        if cls in DICT_ORIGINS:
            key, value = args if len(args) == 2 else (Any, Any)
            return dict_decoder(self._decoder(key), self._decoder(value))
        if cls is tuple:
            # `tuple[()]` is the empty tuple; a bare `tuple` or `typing.Tuple` holds anything.
            empty = args in ((), ((),)) and repr(hint).endswith("[()]")
            return self._tuple_decoder(() if empty else args, empty or bool(args))
        if isinstance(cls, type) and (dataclasses.is_dataclass(cls) or attrs.has(cls)):
            params: tuple[Any, ...] = getattr(cls, "__parameters__", ())
            return self._class_decoder(typing.cast("type[Any]", cls), dict(zip(params, args, strict=False)))
        if origin is not None or not isinstance(cls, type):
            return failing(f"no converter for {type_name(hint)}: register one with DataConverter.register")
        return self._class_leaf_decoder(cls)

    def _class_leaf_decoder(self, cls: type[Any]) -> Decoder:
        if issubclass(cls, enum.Enum):
            return self._enum_decoder(cls)
        simple = SIMPLE_DECODERS.get(cls)
        if simple is not None:
            return simple
        if issubclass(cls, tuple) and hasattr(cls, "_fields"):
            return self._named_tuple_decoder(cls)
        if typing.is_typeddict(cls):
            return self._typed_dict_decoder(cls)
        for base in (bool, int, float, str):
            if issubclass(cls, base):  # a plain subclass, e.g. `class OrderId(str)`
                return subclass_decoder(cls, SIMPLE_DECODERS[base])
        return failing(
            f"no converter for {type_name(cls)}: register one with "
            f"DataConverter.register({cls.__name__}, encode=..., decode=...)"
        )

    def _union_decoder(self, members: tuple[Any, ...]) -> Decoder:
        nullable = NONE_TYPE in members or None in members
        others = [member for member in members if member is not NONE_TYPE and member is not None]
        decoders = [self._decoder(member) for member in others]
        if len(decoders) == 1:
            only = decoders[0]

            def decode_optional(data: Any, exact: bool) -> Any:
                return None if data is None else only(data, exact)

            return decode_optional
        names = " | ".join(type_name(member) for member in members)

        def decode_union(data: Any, exact: bool) -> Any:
            if data is None and nullable:
                return None
            # First an exact fit, in order; then a lenient one, in order. A payload of the second class
            # in `A | B` then comes back as a B even when every field of A has a default.
            failures: list[str] = []
            for strict in (True, False) if not exact else (True,):
                failures = []
                for member, decoder in zip(others, decoders, strict=True):
                    try:
                        return decoder(data, strict)
                    except Misfit as misfit:
                        failures.append(f"as {type_name(member)}{misfit.path('')}: {misfit.reason}")
            raise Misfit(f"fits none of {names} ({'; '.join(failures)})")

        return decode_union

    def _literal_decoder(self, values: tuple[Any, ...]) -> Decoder:
        shown = ", ".join(repr(value) for value in values)

        def decode_literal(data: Any, exact: bool) -> Any:
            for value in values:
                if isinstance(value, enum.Enum):
                    try:
                        if self._decoder(type(value))(data, True) is value:
                            return value
                    except Misfit:
                        continue
                elif type(value) is type(data) and value == data:
                    return value
            raise Misfit(f"expected one of {shown}, got {kind(data)} that is none of them")

        return decode_literal

    def _enum_decoder(self, cls: type[enum.Enum]) -> Decoder:
        by_value: dict[tuple[type[Any], Any], enum.Enum] = {}
        unhashable: list[tuple[Any, enum.Enum]] = []
        for member in cls.__members__.values():
            try:
                encoded = self._unstructure(member.value)
            except Misfit:
                continue  # a member whose value has no encoding can never have been written
            if isinstance(encoded, (list, dict)):
                unhashable.append((encoded, member))
            else:
                by_value.setdefault((type(encoded), encoded), member)
        name = type_name(cls)
        is_flag = issubclass(cls, enum.Flag)

        def decode_enum(data: Any, exact: bool) -> Any:
            if not isinstance(data, (list, dict)):
                found = by_value.get((type(data), data))
                if found is not None:
                    return found
                if is_flag and type(data) is int:
                    try:
                        return cls(data)  # a combination of flags
                    except ValueError:
                        pass
            for encoded, member in unhashable:
                if encoded == data:
                    return member
            raise Misfit(f"expected a value of {name}, got {kind(data)} that is not one")

        return decode_enum

    def _tuple_decoder(self, args: tuple[Any, ...], parameterized: bool) -> Decoder:
        if not parameterized or (len(args) == 2 and args[1] is Ellipsis):
            items = list_decoder(self._decoder(args[0] if args else Any))
            return lambda data, exact: tuple(items(data, exact))
        decoders = [self._decoder(arg) for arg in args]

        def decode_tuple(data: Any, exact: bool) -> tuple[Any, ...]:
            if not isinstance(data, list):
                raise Misfit(f"expected an array of {len(decoders)} items, got {kind(data)}")
            if len(data) != len(decoders):
                raise Misfit(f"expected an array of {len(decoders)} items, got {len(data)}")
            return tuple(decode_items(zip(decoders, data, strict=True), exact))

        return decode_tuple

    def _class_decoder(self, cls: type[Any], typevars: dict[Any, Any]) -> Decoder:
        name = type_name(cls)
        learned: tuple[list[_Field], frozenset[str]] | None = None

        def decode_object(data: Any, exact: bool) -> Any:
            nonlocal learned
            if learned is None:  # on first use, so that a class may hold itself (trees, linked lists)
                fields = self._fields_of(cls, typevars)
                # One assignment, so that a thread decoding at the same time sees both or neither.
                learned = (fields, frozenset(field.key for field in fields))
            plan, known = learned
            if not isinstance(data, dict):
                raise Misfit(f"expected an object for {name}, got {kind(data)}")
            kwargs: dict[str, Any] = {}
            for field in plan:
                if field.key in data:
                    try:
                        kwargs[field.argument] = field.decoder(data[field.key], exact)
                    except Misfit as misfit:
                        raise misfit.at(f".{field.key}") from misfit.__cause__
                elif field.required:
                    raise Misfit(f"{name} needs the field {field.key!r}, which is missing")
            if exact and not known.issuperset(data):
                unknown = next(key for key in data if key not in known)
                raise Misfit(f"{name} has no field {unknown!r}")
            try:
                return cls(**kwargs)
            except Exception as exc:  # the class's own checks (attrs validators, __post_init__)
                raise Misfit(f"{name}() refused the fields: {type(exc).__name__}: {exc}") from exc

        return decode_object

    def _fields_of(self, cls: type[Any], typevars: dict[Any, Any]) -> list[_Field]:
        hints = self._hints_of(cls)
        plan = []
        if dataclasses.is_dataclass(cls):
            for f in dataclasses.fields(cls):
                if f.init:
                    required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
                    hint = substitute(hints.get(f.name, Any), typevars)
                    plan.append(_Field(f.name, f.name, self._decoder(hint), required))
        else:
            for a in attrs.fields(cls):
                if a.init:
                    declared = a.type if a.type is not None and not isinstance(a.type, str) else Any
                    hint = substitute(hints.get(a.name, declared), typevars)
                    plan.append(_Field(a.alias, a.alias, self._decoder(hint), a.default is attrs.NOTHING))
        return plan

    @staticmethod
    def _hints_of(cls: type[Any]) -> dict[str, Any]:
        try:
            return typing.get_type_hints(cls)
        except Exception as exc:  # NameError for a name the class's module does not define, mostly
            raise Misfit(
                f"cannot resolve the type hints of {type_name(cls)}: {type(exc).__name__}: {exc}"
            ) from exc

    def _named_tuple_decoder(self, cls: type[Any]) -> Decoder:
        name = type_name(cls)
        decoders: list[Decoder] | None = None
        fields: tuple[str, ...] = getattr(cls, "_fields", ())
        required = len(fields) - len(getattr(cls, "_field_defaults", {}))

        def decode_named_tuple(data: Any, exact: bool) -> Any:
            nonlocal decoders
            if decoders is None:
                hints = self._hints_of(cls)
                decoders = [self._decoder(hints.get(field, Any)) for field in fields]
            if not isinstance(data, list):
                raise Misfit(f"expected an array for {name}, got {kind(data)}")
            if not required <= len(data) <= len(fields):
                raise Misfit(
                    f"expected an array of {required} to {len(fields)} items for {name}, got {len(data)}"
                )
            return cls(*decode_items(zip(decoders, data, strict=False), exact))

        return decode_named_tuple

    def _typed_dict_decoder(self, cls: type[Any]) -> Decoder:
        name = type_name(cls)
        required: frozenset[str] = getattr(cls, "__required_keys__", frozenset())
        decoders: dict[str, Decoder] | None = None

        def decode_typed_dict(data: Any, exact: bool) -> dict[str, Any]:
            nonlocal decoders
            if decoders is None:
                decoders = {key: self._decoder(hint) for key, hint in self._hints_of(cls).items()}
            if not isinstance(data, dict):
                raise Misfit(f"expected an object for {name}, got {kind(data)}")
            missing = next((key for key in required if key not in data), None)
            if missing is not None:
                raise Misfit(f"{name} needs the key {missing!r}, which is missing")
            out: dict[str, Any] = {}
            for key, item in data.items():
                decoder = decoders.get(key)
                if decoder is None and exact:
                    raise Misfit(f"{name} has no key {key!r}")
                try:
                    out[key] = item if decoder is None else decoder(item, exact)
                except Misfit as misfit:
                    raise misfit.at(f"[{show_key(key)}]") from misfit.__cause__
            return out

        return decode_typed_dict
