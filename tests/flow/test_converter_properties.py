"""Properties of the converter: every supported type comes back as it went, and its text is stable."""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import enum
import uuid
from collections.abc import Callable
from typing import Any, Generic, Literal, NamedTuple, NewType, TypedDict, TypeVar

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aioswf.flow.converter import DataConverter, ZlibCodec

T = TypeVar("T")
SETTINGS = settings(max_examples=40, deadline=None)


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Priority(enum.IntEnum):
    LOW = 1
    HIGH = 2


class Corner(enum.Enum):
    TOP_LEFT = (0, 0)
    BOTTOM_RIGHT = (1, 1)


class Perm(enum.Flag):
    READ = 1
    WRITE = 2
    RUN = 4


@dataclasses.dataclass(frozen=True)
class Line:
    sku: str
    quantity: int
    price: decimal.Decimal
    color: Color | None = None


@dataclasses.dataclass
class Basket:
    lines: list[Line]
    placed: dt.datetime
    tags: frozenset[str] = frozenset()
    extras: dict[str, tuple[int, dt.date]] = dataclasses.field(default_factory=dict)


@attrs.frozen
class Account:
    owner: str
    _balance: decimal.Decimal
    opened: dt.date | None = None
    id: uuid.UUID = attrs.field(factory=uuid.uuid4)


@dataclasses.dataclass
class Box(Generic[T]):
    content: T


@dataclasses.dataclass
class Cat:
    name: str
    lives: int = 9


@dataclasses.dataclass
class Dog:
    name: str
    lives: int = 1
    good: bool = True


class Span(NamedTuple):
    start: int
    end: int


class Movie(TypedDict):
    title: str
    year: int


class OrderId(str):
    pass


UserId = NewType("UserId", int)

finite_floats = st.floats(allow_nan=False, allow_infinity=False)
any_text = st.text(st.characters() | st.characters(categories=["Cs"]), max_size=20)
decimals = st.decimals(allow_nan=False, places=None) | st.sampled_from(
    [decimal.Decimal("NaN"), decimal.Decimal("-Infinity"), decimal.Decimal("1.10"), decimal.Decimal("1E+3")]
)
offsets = st.builds(
    dt.timezone,
    st.timedeltas(
        min_value=dt.timedelta(hours=-23, minutes=-59), max_value=dt.timedelta(hours=23, minutes=59)
    ),
)
aware_datetimes = st.datetimes(timezones=offsets | st.timezones())
flags = st.sets(st.sampled_from(list(Perm))).map(lambda members: Perm(sum(m.value for m in members)))
lines = st.builds(
    Line,
    st.text(max_size=5),
    st.integers(),
    decimals.filter(lambda d: d.is_finite()),
    st.none() | st.sampled_from(Color),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | finite_floats | any_text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(any_text, children, max_size=4),
    max_leaves=12,
)


def same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


def same_decimal(a: decimal.Decimal, b: decimal.Decimal) -> bool:
    return type(b) is decimal.Decimal and str(a) == str(b)


def same_moment(a: dt.datetime | dt.time, b: dt.datetime | dt.time) -> bool:
    # Python never equates aware datetimes in a repeated hour to other zones' (PEP 495); compare the parts.
    return (
        type(a) is type(b)
        and a.replace(tzinfo=None) == b.replace(tzinfo=None)
        and a.utcoffset() == b.utcoffset()
    )


CASES: list[tuple[str, st.SearchStrategy[Any], Any, Callable[[Any, Any], bool]]] = [
    ("int", st.integers(), int, same),
    ("float", finite_floats, float, same),
    ("str", any_text, str, same),
    ("bool", st.booleans(), bool, same),
    ("none", st.none(), None, same),
    ("bytes", st.binary(max_size=64), bytes, same),
    ("naive datetime", st.datetimes(), dt.datetime, same),
    ("aware datetime", aware_datetimes, dt.datetime, same_moment),
    ("date", st.dates(), dt.date, same),
    ("naive time", st.times(), dt.time, same),
    ("aware time", st.times(timezones=offsets), dt.time, same_moment),
    ("timedelta", st.timedeltas(), dt.timedelta, same),
    ("uuid", st.uuids(), uuid.UUID, same),
    ("decimal", decimals, decimal.Decimal, same_decimal),
    ("enum", st.sampled_from(Color), Color, same),
    ("int enum", st.sampled_from(Priority), Priority, same),
    ("enum of tuples", st.sampled_from(Corner), Corner, same),
    ("flag", flags, Perm, same),
    ("literal", st.sampled_from(["a", "b", 1, True, None]), Literal["a", "b", 1, True, None], same),
    ("dataclass", lines, Line, same),
    (
        "nested dataclass",
        st.builds(
            Basket,
            st.lists(lines, max_size=3),
            st.datetimes(timezones=st.just(dt.timezone.utc)),
            st.frozensets(st.text(max_size=4), max_size=4),
            st.dictionaries(st.text(max_size=4), st.tuples(st.integers(), st.dates()), max_size=3),
        ),
        Basket,
        same,
    ),
    (
        "attrs class",
        st.builds(
            Account,
            st.text(),
            st.decimals(allow_nan=False, allow_infinity=False),
            st.none() | st.dates(),
            st.uuids(),
        ),
        Account,
        same,
    ),
    ("generic dataclass", st.builds(Box, st.timedeltas()), Box[dt.timedelta], same),
    (
        "union of dataclasses",
        st.builds(Cat, st.text()) | st.builds(Dog, st.text(), st.integers()),
        Cat | Dog,
        same,
    ),
    ("union of plain types", st.integers() | st.text() | st.none(), int | str | None, same),
    ("optional", st.none() | st.dates(), dt.date | None, same),
    ("list", st.lists(st.uuids(), max_size=5), list[uuid.UUID], same),
    ("variadic tuple", st.lists(st.integers(), max_size=5).map(tuple), tuple[int, ...], same),
    ("fixed tuple", st.tuples(st.text(), st.dates(), st.booleans()), tuple[str, dt.date, bool], same),
    ("set", st.sets(st.integers(), max_size=6), set[int], same),
    ("frozenset", st.frozensets(st.text(max_size=3), max_size=6), frozenset[str], same),
    ("dict", st.dictionaries(any_text, st.datetimes(), max_size=4), dict[str, dt.datetime], same),
    ("dict with int keys", st.dictionaries(st.integers(), st.text(), max_size=4), dict[int, str], same),
    (
        "dict with enum keys",
        st.dictionaries(st.sampled_from(Priority), st.integers()),
        dict[Priority, int],
        same,
    ),
    (
        "dict with uuid keys",
        st.dictionaries(st.uuids(), st.integers(), max_size=3),
        dict[uuid.UUID, int],
        same,
    ),
    ("dict with date keys", st.dictionaries(st.dates(), st.integers(), max_size=3), dict[dt.date, int], same),
    ("named tuple", st.builds(Span, st.integers(), st.integers()), Span, same),
    ("typed dict", st.fixed_dictionaries({"title": st.text(), "year": st.integers()}), Movie, same),
    ("new type", st.integers().map(UserId), UserId, same),
    ("str subclass", st.text().map(OrderId), OrderId, same),
    ("any", json_values, Any, lambda a, b: a == b),
]


@pytest.mark.parametrize(
    ("strategy", "hint", "equal"), [case[1:] for case in CASES], ids=[c[0] for c in CASES]
)
def test_a_value_comes_back_as_it_went_and_its_text_is_stable(
    strategy: st.SearchStrategy[Any], hint: Any, equal: Callable[[Any, Any], bool]
) -> None:
    converter = DataConverter()

    @SETTINGS
    @given(strategy)
    def check(value: Any) -> None:
        text = converter.encode(value)
        text.encode("utf-8")  # always valid in an SWF request
        back = converter.decode(text, hint)
        assert equal(value, back), (value, back)
        assert converter.encode(back) == text

    check()


@SETTINGS
@given(json_values)
def test_plain_json_comes_back_without_a_hint(value: Any) -> None:
    converter = DataConverter()
    assert converter.decode(converter.encode(value)) == value


@SETTINGS
@given(json_values, st.integers(min_value=0, max_value=200))
def test_compression_never_changes_what_comes_back(value: Any, threshold: int) -> None:
    converter = DataConverter(codecs=[ZlibCodec(threshold=threshold)])
    text = converter.encode(value)
    assert text.isascii() or not text.startswith(ZlibCodec.PREFIX)
    assert converter.decode(text) == value
    assert DataConverter(codecs=[ZlibCodec(threshold=threshold)]).encode(value) == text


@SETTINGS
@given(st.text(st.characters() | st.characters(categories=["Cs"])))
def test_the_zlib_codec_undoes_itself_on_any_text(text: str) -> None:
    codec = ZlibCodec(threshold=0)
    packed = codec.encode(text)
    assert len(packed) <= len(text)
    assert codec.decode(packed) == text
