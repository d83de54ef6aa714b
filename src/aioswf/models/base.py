"""What every model shares: an optional connection, the raw response, and comparison with upstream."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, overload

import attrs

from aioswf import validation
from aioswf.connection import get_connection
from aioswf.exceptions import DoesNotExistError, ValidationError
from aioswf.models import _fields as fields

if TYPE_CHECKING:
    from aioswf.connection import Connection

__all__ = ["BaseModel", "Difference", "ModelDiff", "to_datetime", "trusted"]

_M = TypeVar("_M", bound="BaseModel")
_T = TypeVar("_T")

_builders: dict[type, Callable[..., Any]] = {}


def _builder(cls: type) -> Callable[..., Any]:
    """Writes, once per class, a function that builds instances with the converters and no validators.

    It is generated the way attrs generates ``__init__`` (one assignment per field, defaults bound once),
    because a generic loop over the fields costs more than the validators it skips.
    """
    found = _builders.get(cls)
    if found is not None:
        return found
    if hasattr(cls, "__attrs_pre_init__") or hasattr(cls, "__attrs_post_init__"):
        _builders[cls] = cls
        return cls
    scope: dict[str, Any] = {"_new": object.__new__, "_setattr": object.__setattr__, "_cls": cls}
    positional: list[str] = []
    keyword: list[str] = []
    body: list[str] = []
    for index, field in enumerate(attrs.fields(cls)):
        if not field.init or isinstance(field.converter, attrs.Converter) or not field.alias.isidentifier():
            _builders[cls] = cls
            return cls
        arg = field.alias
        value = arg
        if field.default is attrs.NOTHING:
            parameter = arg
        elif isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
            scope[f"_factory{index}"] = field.default.factory
            call = f"_factory{index}(self)" if field.default.takes_self else f"_factory{index}()"
            parameter = f"{arg}=_missing"
            value = f"({call} if {arg} is _missing else {arg})"
            scope["_missing"] = attrs.NOTHING
        else:
            scope[f"_default{index}"] = field.default
            parameter = f"{arg}=_default{index}"
        if field.converter is not None and field.converter in _NORMALISING:
            scope[f"_convert{index}"] = field.converter
            value = f"_convert{index}({value})"
        (keyword if field.kw_only else positional).append(parameter)
        body.append(f"    _setattr(self, {field.name!r}, {value})")
    signature = ", ".join(positional + (["*", *keyword] if keyword else []))
    source = f"def build({signature}):\n    self = _new(_cls)\n" + "\n".join(body) + "\n    return self\n"
    exec(compile(source, f"<aioswf trusted builder of {cls.__qualname__}>", "exec"), scope)
    built: Callable[..., Any] = scope["build"]
    _builders[cls] = built
    return built


def trusted(cls: type[_T], /, *args: Any, **kwargs: Any) -> _T:
    """Builds an attrs model from values SWF returned: converters run, validators do not.

    Validators guard user input against SWF's limits before a request is sent; values SWF itself sent
    back obeyed those limits when they were stored, and checking them again costs more than the rest of
    building the model (``benchmarks/overhead.py``). So are converters that validate while they normalise
    (timeouts, priorities: SWF sends them in their normal form already); the converters that change a
    value's type (timestamps to datetimes, a domain name to a `Domain`, tags to a tuple) still run, so a
    model built here equals the one the public constructor builds from the same values
    (``tests/perf/test_trusted_models.py``). Anything the user constructs goes through the public
    constructor and is validated as before.

    Args:
        cls: The attrs class.
        *args: Its positional arguments, as for ``cls(...)``.
        **kwargs: Its keyword arguments.

    Returns:
        The instance.
    """
    built: _T = _builder(cls)(*args, **kwargs)
    return built


@attrs.frozen
class Difference:
    """One attribute whose local value differs from upstream's.

    Attributes:
        attr: The attribute's name.
        local: Its value on the local model.
        upstream: Its value on SWF.
    """

    attr: str
    local: Any
    upstream: Any

    def __repr__(self) -> str:
        return f"Difference({self.attr!r}, {self.local!r}, {self.upstream!r})"


@attrs.frozen(repr=False)
class ModelDiff(Sequence[Difference]):
    """The differences between a local model and its upstream version; empty when they agree."""

    differences: tuple[Difference, ...] = ()

    def __repr__(self) -> str:
        if not self.differences:
            return "ModelDiff()"
        inner = ",\n".join(f"    {d!r}" for d in self.differences)
        return f"ModelDiff(\n{inner}\n)"

    @overload
    def __getitem__(self, index: int) -> Difference: ...
    @overload
    def __getitem__(self, index: slice) -> ModelDiff: ...
    def __getitem__(self, index: int | slice) -> Difference | ModelDiff:
        if isinstance(index, slice):
            return ModelDiff(self.differences[index])
        return self.differences[index]

    def __len__(self) -> int:
        return len(self.differences)

    def __iter__(self) -> Iterator[Difference]:
        return iter(self.differences)

    def attrs(self) -> list[str]:
        """The names of the attributes that differ."""
        return [d.attr for d in self.differences]


def to_datetime(value: Any) -> datetime | None:
    """Reads an SWF timestamp (an aware datetime from botocore, or epoch seconds) as an aware datetime.

    Raises:
        ValidationError: When the value is neither, or names no time a datetime can hold.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
    if not isinstance(value, bool) and isinstance(value, (int, float, str)):
        try:
            return datetime.fromtimestamp(float(value), tz=timezone.utc)
        except (ValueError, OverflowError, OSError):
            pass
    raise ValidationError(
        f"a timestamp must be a datetime or epoch seconds, got {validation.describe_value(value)}",
        argument="timestamp",
        limit="a datetime, or epoch seconds within years 1-9999",
    )


#: The converters `trusted` still applies: they change a value's type rather than check it.
_NORMALISING: frozenset[Any] = frozenset({to_datetime, fields.to_domain, fields.to_tags})


@attrs.frozen
class BaseModel:
    """Base of the SWF models: immutable values with awaitable remote operations.

    Attributes:
        connection: The connection to use; ``None`` means the one of the enclosing
            ``async with Connection(...)``.
        raw: The SWF response the model was built from, if any (not compared, not shown).
    """

    #: Attributes that `changes` compares with upstream; a local ``None`` means "not specified".
    _compared: ClassVar[tuple[str, ...]] = ()

    connection: Connection | None = attrs.field(default=None, kw_only=True, eq=False, repr=False)
    raw: Mapping[str, Any] | None = attrs.field(default=None, kw_only=True, eq=False, repr=False)

    def _connection(self, what: str) -> Connection:
        return get_connection(self.connection, f"{type(self).__name__}.{what}()")

    async def upstream(self: _M) -> _M:
        """Fetches SWF's current version of this object, as a new model.

        Raises:
            DoesNotExistError: When the object does not exist on SWF.
        """
        raise NotImplementedError

    async def exists(self) -> bool:
        """Whether the object exists on SWF."""
        try:
            await self.upstream()
        except DoesNotExistError:
            return False
        return True

    async def changes(self) -> ModelDiff:
        """Compares this model with its upstream version, attribute by attribute.

        Attributes left ``None`` locally are not specified, so they are not compared.

        Returns:
            The differences; an empty `ModelDiff` when the model is synced.

        Raises:
            DoesNotExistError: When the object does not exist on SWF.
        """
        upstream = await self.upstream()
        return self._diff(upstream)

    def _diff(self, upstream: BaseModel) -> ModelDiff:
        found = []
        for name in self._compared:
            local, remote = getattr(self, name), getattr(upstream, name)
            if local is not None and local != remote:
                found.append(Difference(name, local, remote))
        return ModelDiff(tuple(found))

    async def is_synced(self) -> bool:
        """Whether the object exists on SWF and agrees with this model on every specified attribute."""
        try:
            return not await self.changes()
        except DoesNotExistError:
            return False
