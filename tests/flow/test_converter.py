"""DataConverter: JSON by runtime type on the way out, by type hint on the way back, deterministically."""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import decimal
import enum
import inspect
import json
import os
import subprocess
import sys
import textwrap
import typing
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Generic, Literal, NamedTuple, NewType, TypedDict, TypeVar

import attrs
import pytest

from aioswf.exceptions import PayloadDecodeError, PayloadEncodeError, SWFError
from aioswf.flow.converter import DataConverter

T = TypeVar("T")
UTC = dt.timezone.utc
PARIS_SUMMER = dt.timezone(dt.timedelta(hours=2))


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Priority(enum.IntEnum):
    LOW = 1
    HIGH = 2


class Shade(str, enum.Enum):
    DARK = "dark"


class Corner(enum.Enum):
    TOP_LEFT = (0, 0)
    BOTTOM_RIGHT = (1, 1)


class Perm(enum.Flag):
    READ = 1
    WRITE = 2


@dataclasses.dataclass(frozen=True)
class Item:
    sku: str
    quantity: int
    price: decimal.Decimal = decimal.Decimal("0")


@dataclasses.dataclass
class Order:
    id: uuid.UUID
    placed: dt.datetime
    items: list[Item]
    color: Color | None = None
    notes: dict[str, str] = dataclasses.field(default_factory=dict)
    total: int = dataclasses.field(init=False, default=0)

    def __post_init__(self) -> None:
        self.total = sum(item.quantity for item in self.items)


@attrs.frozen
class Customer:
    name: str
    _secret_level: int = 0
    since: dt.date | None = None


@attrs.define
class Positive:
    value: int = attrs.field(validator=attrs.validators.gt(0))


@dataclasses.dataclass
class Checked:
    value: int

    def __post_init__(self) -> None:
        if self.value < 0:
            raise ValueError("value must not be negative")


@dataclasses.dataclass
class Box(Generic[T]):
    content: T
    spares: list[T] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Tree:
    label: str
    children: list[Tree] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Cat:
    name: str
    lives: int = 9


@dataclasses.dataclass
class Dog:
    name: str
    lives: int = 1
    good: bool = True


@dataclasses.dataclass
class Point:
    x: float
    y: float


class Pair(NamedTuple):
    left: int
    right: str = "-"


class MovieTitle(TypedDict):
    title: str


class Movie(MovieTitle, total=False):
    year: int


class OrderId(str):
    pass


UserId = NewType("UserId", int)


class Money:
    """A type the converter does not know by itself."""

    def __init__(self, cents: int, currency: str) -> None:
        self.cents = cents
        self.currency = currency

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Money) and (self.cents, self.currency) == (other.cents, other.currency)

    def __hash__(self) -> int:
        return hash((self.cents, self.currency))

    def __str__(self) -> str:
        return f"{self.cents} {self.currency}"

    @classmethod
    def parse(cls, text: str) -> Money:
        cents, currency = text.split()
        return cls(int(cents), currency)


class Model:
    """A base of a family of classes (a pydantic-style model) converted by one registration."""

    def __init__(self, **fields: Any) -> None:
        self.fields = fields

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.fields == self.fields  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]


class Invoice(Model):
    pass


@pytest.fixture
def converter() -> DataConverter:
    return DataConverter()


def roundtrip(converter: DataConverter, value: Any, hint: Any) -> Any:
    return converter.decode(converter.encode(value), hint)


# -- encoding without hints ---------------------------------------------------------------------------


def test_plain_json_values_are_written_compactly(converter: DataConverter) -> None:
    assert converter.encode({"a": [1, 2.5, "x", True, None]}) == '{"a":[1,2.5,"x",true,null]}'


def test_a_mapping_keeps_its_order(converter: DataConverter) -> None:
    assert converter.encode({"b": 1, "a": 2}) == '{"b":1,"a":2}'


def test_non_ascii_text_is_written_as_itself(converter: DataConverter) -> None:
    assert converter.encode("crème brûlée ✓") == '"crème brûlée ✓"'


def test_a_lone_surrogate_is_escaped_so_the_text_stays_valid_utf8(converter: DataConverter) -> None:
    text = converter.encode(["é", "\ud800"])
    assert text == '["\\u00e9","\\ud800"]'
    text.encode("utf-8")
    assert converter.decode(text) == ["é", "\ud800"]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (dt.datetime(2024, 5, 1, 12, 30, tzinfo=UTC), '"2024-05-01T12:30:00+00:00"'),
        (dt.datetime(2024, 5, 1, 12, 30, 0, 5, tzinfo=PARIS_SUMMER), '"2024-05-01T12:30:00.000005+02:00"'),
        (dt.datetime(2024, 5, 1, 12, 30), '"2024-05-01T12:30:00"'),
        (dt.date(2024, 5, 1), '"2024-05-01"'),
        (dt.time(8, 15, tzinfo=UTC), '"08:15:00+00:00"'),
        (dt.timedelta(0), '"PT0S"'),
        (dt.timedelta(days=1, hours=2), '"P1DT2H"'),
        (dt.timedelta(minutes=90, microseconds=500_000), '"PT1H30M0.5S"'),
        (dt.timedelta(microseconds=1), '"PT0.000001S"'),
        (dt.timedelta(seconds=-5), '"-PT5S"'),
        (uuid.UUID("12345678-1234-5678-1234-567812345678"), '"12345678-1234-5678-1234-567812345678"'),
        (decimal.Decimal("1.10"), '"1.10"'),
        (decimal.Decimal("NaN"), '"NaN"'),
        (b"\x00\xffhi", '"AP9oaQ=="'),
        (bytearray(b"hi"), '"aGk="'),
        (memoryview(b"hi"), '"aGk="'),
        (Color.RED, '"red"'),
        (Priority.HIGH, "2"),
        (Shade.DARK, '"dark"'),
        (Corner.TOP_LEFT, "[0,0]"),
        (Perm.READ | Perm.WRITE, "3"),
        (OrderId("A-1"), '"A-1"'),
        ((1, "a"), '[1,"a"]'),
        (Pair(1, "x"), '[1,"x"]'),
        (collections.OrderedDict(b=1, a=2), '{"b":1,"a":2}'),
    ],
)
def test_a_value_of_a_known_type_encodes_without_a_hint(
    converter: DataConverter, value: Any, text: str
) -> None:
    assert converter.encode(value) == text


def test_a_dataclass_becomes_an_object_of_its_init_fields(converter: DataConverter) -> None:
    order = Order(uuid.UUID(int=1), dt.datetime(2024, 1, 1, tzinfo=UTC), [Item("a", 2)], Color.BLUE)
    assert json.loads(converter.encode(order)) == {
        "id": "00000000-0000-0000-0000-000000000001",
        "placed": "2024-01-01T00:00:00+00:00",
        "items": [{"sku": "a", "quantity": 2, "price": "0"}],
        "color": "blue",
        "notes": {},
    }


def test_an_attrs_class_becomes_an_object_keyed_by_its_init_arguments(converter: DataConverter) -> None:
    assert json.loads(converter.encode(Customer("Ada", 3))) == {
        "name": "Ada",
        "secret_level": 3,
        "since": None,
    }


def test_a_set_is_sorted_so_its_text_never_depends_on_the_hash_seed(converter: DataConverter) -> None:
    assert converter.encode({"pear", "apple", "fig"}) == '["apple","fig","pear"]'
    assert converter.encode(frozenset({3, "a", (1, 2)})) == '["a",3,[1,2]]'


def test_the_same_value_gives_the_same_text_in_processes_with_other_hash_seeds(tmp_path: Path) -> None:
    script = tmp_path / "encode.py"
    script.write_text(
        textwrap.dedent(
            """
            from aioswf.flow.converter import DataConverter
            value = {"tags": {"pear", "apple", "fig", "kiwi"}, "ids": frozenset({("a", 1), ("b", 2)})}
            print(DataConverter().encode(value))
            """
        ),
        encoding="utf-8",
    )
    texts = set()
    for seed in ("1", "2", "3"):
        result = subprocess.run(
            [sys.executable, str(script)],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            timeout=60,
            check=True,
        )
        texts.add(result.stdout)
    assert len(texts) == 1


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ({1: "a", -2: "b"}, '{"1":"a","-2":"b"}'),
        ({Priority.LOW: "x"}, '{"1":"x"}'),
        ({Color.RED: 1}, '{"red":1}'),
        ({uuid.UUID(int=0): 1}, '{"00000000-0000-0000-0000-000000000000":1}'),
        ({dt.date(2024, 1, 2): 1}, '{"2024-01-02":1}'),
    ],
)
def test_mapping_keys_that_are_not_strings_are_written_as_strings(
    converter: DataConverter, value: Any, text: str
) -> None:
    assert converter.encode(value) == text


# -- decoding by hint ---------------------------------------------------------------------------------


def test_without_a_hint_the_result_is_plain_json(converter: DataConverter) -> None:
    text = converter.encode(Order(uuid.UUID(int=1), dt.datetime(2024, 1, 1, tzinfo=UTC), []))
    assert converter.decode(text) == json.loads(text)
    assert converter.decode(text, inspect.Parameter.empty) == json.loads(text)


def test_a_missing_payload_decodes_to_none_whatever_the_hint(converter: DataConverter) -> None:
    assert converter.decode(None, Order) is None


def test_a_dataclass_comes_back_as_one_with_nested_types(converter: DataConverter) -> None:
    order = Order(
        uuid.uuid4(),
        dt.datetime(2024, 1, 1, 9, tzinfo=PARIS_SUMMER),
        [Item("a", 2, decimal.Decimal("9.99")), Item("b", 1)],
        Color.RED,
        {"gift": "yes"},
    )
    back = roundtrip(converter, order, Order)
    assert back == order
    assert back.total == 3
    assert isinstance(back.items[0].price, decimal.Decimal)


def test_an_attrs_class_comes_back_through_its_init_argument_names(converter: DataConverter) -> None:
    customer = Customer("Ada", 3, dt.date(2020, 2, 29))
    assert roundtrip(converter, customer, Customer) == customer


def test_a_generic_dataclass_decodes_its_type_argument(converter: DataConverter) -> None:
    box = converter.decode('{"content": "2024-01-01", "spares": ["2024-01-02"]}', Box[dt.date])
    assert box == Box(dt.date(2024, 1, 1), [dt.date(2024, 1, 2)])


def test_a_class_may_hold_itself(converter: DataConverter) -> None:
    tree = Tree("root", [Tree("a", [Tree("a1")]), Tree("b")])
    assert roundtrip(converter, tree, Tree) == tree


def test_missing_fields_with_defaults_take_their_defaults(converter: DataConverter) -> None:
    assert converter.decode('{"sku": "a", "quantity": 1}', Item) == Item("a", 1)


def test_unknown_fields_are_ignored_so_a_field_can_be_removed_from_a_class(converter: DataConverter) -> None:
    assert converter.decode('{"sku": "a", "quantity": 1, "weight": 3}', Item) == Item("a", 1)


@pytest.mark.parametrize(
    ("text", "hint", "expected"),
    [
        ('"2024-05-01T12:30:00+02:00"', dt.datetime, dt.datetime(2024, 5, 1, 12, 30, tzinfo=PARIS_SUMMER)),
        ('"2024-05-01T10:30:00Z"', dt.datetime, dt.datetime(2024, 5, 1, 10, 30, tzinfo=UTC)),
        ('"2024-05-01T12:30:00"', dt.datetime, dt.datetime(2024, 5, 1, 12, 30)),
        ('"2024-05-01"', dt.date, dt.date(2024, 5, 1)),
        ('"08:15:00+00:00"', dt.time, dt.time(8, 15, tzinfo=UTC)),
        ('"P1DT2H3M4.5S"', dt.timedelta, dt.timedelta(days=1, hours=2, minutes=3, seconds=4.5)),
        ('"-PT5S"', dt.timedelta, dt.timedelta(seconds=-5)),
        ("90", dt.timedelta, dt.timedelta(seconds=90)),
        ("1.5", dt.timedelta, dt.timedelta(seconds=1.5)),
        ('"00000000-0000-0000-0000-000000000001"', uuid.UUID, uuid.UUID(int=1)),
        ('"1.10"', decimal.Decimal, decimal.Decimal("1.10")),
        ("3", decimal.Decimal, decimal.Decimal(3)),
        ("0.1", decimal.Decimal, decimal.Decimal("0.1")),
        ('"aGk="', bytes, b"hi"),
        ('"aGk="', bytearray, bytearray(b"hi")),
        ("3", float, 3.0),
        ('"red"', Color, Color.RED),
        ("2", Priority, Priority.HIGH),
        ("[1,1]", Corner, Corner.BOTTOM_RIGHT),
        ("3", Perm, Perm.READ | Perm.WRITE),
        ('"b"', Literal["a", "b"], "b"),
        ('"red"', Literal[Color.RED], Color.RED),
        ("null", Literal[None], None),
        ("[1,2]", tuple[int, ...], (1, 2)),
        ('[1,"a"]', tuple[int, str], (1, "a")),
        ("[]", tuple[()], ()),
        ('[1,"a"]', tuple, (1, "a")),
        ('[1,"a"]', typing.Tuple, (1, "a")),  # noqa: UP006 (the old spelling is a different object)
        ("[1,2,2]", set[int], {1, 2}),
        ("[1,2]", frozenset[int], frozenset({1, 2})),
        ("[1,2]", Sequence[int], [1, 2]),
        ('{"a":1}', Mapping[str, int], {"a": 1}),
        ('{"1":"a","-2":"b"}', dict[int, str], {1: "a", -2: "b"}),
        ('{"2":"x"}', dict[Priority, str], {Priority.HIGH: "x"}),
        ('{"2024-01-02":1}', dict[dt.date, int], {dt.date(2024, 1, 2): 1}),
        ("[1]", Pair, Pair(1)),
        ('[1,"x"]', Pair, Pair(1, "x")),
        ('{"title":"Up"}', Movie, {"title": "Up"}),
        ('{"title":"Up","year":2009}', Movie, {"title": "Up", "year": 2009}),
        ("7", UserId, 7),
        ("7", Annotated[int, "meta"], 7),
        ('"A-1"', OrderId, OrderId("A-1")),
        ('{"a":[1]}', Any, {"a": [1]}),
        ('{"a":[1]}', object, {"a": [1]}),
        ("5", TypeVar("N", bound=int), 5),
        ("null", None, None),
        ("null", int | None, None),
        ("5", int | None, 5),
    ],
)
def test_a_payload_decodes_to_the_type_its_hint_names(
    converter: DataConverter, text: str, hint: Any, expected: Any
) -> None:
    value = converter.decode(text, hint)
    assert value == expected
    assert type(value) is type(expected)


def test_a_union_of_plain_types_is_tried_in_order(converter: DataConverter) -> None:
    assert converter.decode('"5"', int | str) == "5"
    assert converter.decode("5", int | str) == 5
    assert converter.decode('"2024-01-01"', str | dt.date) == "2024-01-01"
    assert converter.decode('"2024-01-01"', dt.date | str) == dt.date(2024, 1, 1)


def test_a_union_prefers_an_exact_fit_so_a_number_stays_an_int(converter: DataConverter) -> None:
    assert type(converter.decode("5", float | int)) is int
    assert type(converter.decode("5.0", float | int)) is float


def test_unions_that_differ_only_in_order_are_told_apart(converter: DataConverter) -> None:
    assert converter.decode('["5"]', list[int | str]) == ["5"]
    assert converter.decode('["2024-01-01"]', list[dt.date | str]) == [dt.date(2024, 1, 1)]
    assert converter.decode('["2024-01-01"]', list[str | dt.date]) == ["2024-01-01"]


def test_a_union_of_dataclasses_gives_the_class_whose_fields_fit_exactly(converter: DataConverter) -> None:
    # Every field of Cat but the name has a default: tried leniently, Cat would take a Dog's payload.
    assert converter.decode(converter.encode(Dog("Rex")), Cat | Dog) == Dog("Rex")
    assert converter.decode(converter.encode(Cat("Tom")), Cat | Dog) == Cat("Tom")


def test_a_union_of_dataclasses_falls_back_to_the_first_that_fits_leniently(converter: DataConverter) -> None:
    # A payload written when Cat still had an `owner` field: no member fits exactly.
    assert converter.decode('{"name": "Tom", "owner": "Ann"}', Cat | Dog) == Cat("Tom")


def test_an_optional_union_of_dataclasses_accepts_null(converter: DataConverter) -> None:
    assert converter.decode("null", Cat | Dog | None) is None


def test_encode_args_and_decode_args_carry_positional_arguments(converter: DataConverter) -> None:
    args = [Item("a", 1), dt.date(2024, 1, 1), {"free": "form"}]
    text = converter.encode_args(args)
    assert converter.decode_args(text, [Item, dt.date]) == args
    assert converter.decode_args(None, [Item]) == []


# -- errors -------------------------------------------------------------------------------------------


def test_an_unencodable_value_names_its_type_and_its_path(converter: DataConverter) -> None:
    @dataclasses.dataclass
    class Cart:
        items: list[Any]

    with pytest.raises(PayloadEncodeError) as caught:
        converter.encode_args([1, Cart([1, 2, 3, Money(1, "EUR")])])
    error = caught.value
    assert error.path == "args[1].items[3]"
    assert error.value_type is Money
    assert "args[1].items[3]" in str(error)
    assert "Money" in str(error)
    assert "DataConverter.register" in str(error)
    assert isinstance(error, TypeError)
    assert isinstance(error, SWFError)


def test_a_value_inside_a_mapping_is_named_by_its_key(converter: DataConverter) -> None:
    with pytest.raises(PayloadEncodeError, match=r"result\['lines'\]\[0\]"):
        converter.encode({"lines": [object()]}, path="result")


def test_a_non_finite_float_cannot_be_encoded(converter: DataConverter) -> None:
    with pytest.raises(PayloadEncodeError, match=r"value\[1\]: inf has no JSON form"):
        converter.encode([1.0, float("inf")])


def test_a_value_that_contains_itself_cannot_be_encoded(converter: DataConverter) -> None:
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(PayloadEncodeError, match="contains itself"):
        converter.encode(loop)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({True: 1}, "a key of type bool becomes a boolean"),
        ({None: 1}, "a key of type None"),
        ({1.5: 1}, "a key of type float becomes a number"),
        ({(1, 2): 1}, "becomes an array"),
        ({1: "a", "1": "b"}, "two keys become the same JSON object key '1'"),
    ],
)
def test_a_key_that_cannot_be_a_json_object_key_is_refused(
    converter: DataConverter, value: Any, message: str
) -> None:
    with pytest.raises(PayloadEncodeError, match=message):
        converter.encode(value)


def test_a_payload_that_does_not_fit_names_the_path_and_the_expectation(converter: DataConverter) -> None:
    text = '{"id": "00000000-0000-0000-0000-000000000001", "placed": "2024-01-01T00:00:00+00:00",'
    text += ' "items": [{"sku": "a", "quantity": 1}, {"sku": "b", "quantity": "many-SECRET"}]}'
    with pytest.raises(PayloadDecodeError) as caught:
        converter.decode(text, Order, path="result")
    error = caught.value
    assert error.path == "result.items[1].quantity"
    assert str(error) == "cannot decode result.items[1].quantity: expected an integer, got a string"
    assert error.hint is Order
    assert isinstance(error, ValueError)


@pytest.mark.parametrize(
    ("text", "hint", "message"),
    [
        ("3.7", int, "expected an integer, got a number"),
        ("true", int, "expected an integer, got a boolean"),
        ("5", str, "expected a string, got an integer"),
        ("1", bool, "expected a boolean, got an integer"),
        ('"x"', float, "expected a number, got a string"),
        ("1", None, "expected null, got an integer"),
        ('"yesterday"', dt.datetime, "expected an ISO 8601 datetime, got a string that is not one"),
        ('"2024-01-01T10:00:00"', dt.date, "expected an ISO 8601 date"),
        ('"P"', dt.timedelta, "expected an ISO 8601 duration"),
        ('"1 day"', dt.timedelta, "expected an ISO 8601 duration"),
        ('"nope"', uuid.UUID, "expected a UUID"),
        ('"one"', decimal.Decimal, "expected a decimal number"),
        ('"**"', bytes, "expected base64"),
        ('"purple"', Color, "expected a value of .*Color, got a string that is not one"),
        ("4", Perm, "expected a value of .*Perm"),
        ('"c"', Literal["a", "b"], "expected one of 'a', 'b'"),
        ("1", Literal[True], "expected one of True"),
        ('{"a":1}', list[int], "expected an array, got an object"),
        ("[1]", dict[str, int], "expected an object, got an array"),
        ("[1,2,3]", tuple[int, int], "expected an array of 2 items, got 3"),
        ("[[1]]", set[list[int]], "hashable"),
        ('{"x":1}', dict[int, int], r"\['x'\]: expected an integer"),
        ("[]", Pair, "expected an array of 1 to 2 items"),
        ("{}", Movie, "needs the key 'title'"),
        ('{"quantity": 1}', Item, "needs the field 'sku', which is missing"),
        ("[]", Item, "expected an object for .*Item, got an array"),
        ('{"value": 0}', Positive, r"Positive\(\) refused the fields: ValueError"),
        ('{"value": -1}', Checked, "value must not be negative"),
        ('{"x": 1}', Cat | Dog, "fits none of .*Cat | .*Dog"),
        ("{}", Money, r"no converter for .*Money: register one with DataConverter.register\(Money"),
        ("[]", collections.deque[int], "no converter for"),
        ("1", "Item", "unresolved forward reference"),
    ],
)
def test_a_payload_that_does_not_fit_its_hint_raises_with_the_reason(
    converter: DataConverter, text: str, hint: Any, message: str
) -> None:
    with pytest.raises(PayloadDecodeError, match=message):
        converter.structure(json.loads(text), hint)


def test_a_union_error_names_each_member_and_its_reason(converter: DataConverter) -> None:
    with pytest.raises(PayloadDecodeError) as caught:
        converter.decode('{"name": 5}', Cat | Dog)
    here = Cat.__module__
    assert str(caught.value) == (
        f"cannot decode value: fits none of {here}.Cat | {here}.Dog "
        f"(as {here}.Cat.name: expected a string, got an integer; "
        f"as {here}.Dog.name: expected a string, got an integer)"
    )


def test_text_that_is_not_json_raises_without_quoting_it(converter: DataConverter) -> None:
    with pytest.raises(PayloadDecodeError, match=r"cannot decode result: it is not JSON \(") as caught:
        converter.decode("SECRET-not-json", path="result")
    assert "SECRET" not in str(caught.value)


def test_decode_args_needs_an_array(converter: DataConverter) -> None:
    with pytest.raises(PayloadDecodeError, match="expected an array of arguments, got an object"):
        converter.decode_args('{"a": 1}')


def test_decode_args_names_the_argument_that_does_not_fit(converter: DataConverter) -> None:
    with pytest.raises(PayloadDecodeError) as caught:
        converter.decode_args('[1, {"sku": 2, "quantity": 1}]', [int, Item])
    assert caught.value.path == "args[1].sku"


def test_a_class_whose_hints_do_not_resolve_raises_a_decode_error(converter: DataConverter) -> None:
    @dataclasses.dataclass
    class Local:
        other: Undefined  # type: ignore[name-defined]  # noqa: F821

    with pytest.raises(PayloadDecodeError, match=r"cannot resolve the type hints of .*Local: NameError"):
        converter.decode('{"other": 1}', Local)


# -- types of your own --------------------------------------------------------------------------------


def test_a_registered_type_encodes_and_decodes_anywhere_in_a_value() -> None:
    converter = DataConverter()
    converter.register(Money, encode=str, decode=lambda data, cls: cls.parse(data))
    value = {"prices": [Money(150, "EUR"), Money(2, "USD")]}
    text = converter.encode(value)
    assert text == '{"prices":["150 EUR","2 USD"]}'
    assert converter.decode(text, dict[str, list[Money]]) == value


def test_a_registration_covers_subclasses_and_decode_gets_the_hinted_class() -> None:
    converter = DataConverter()
    converter.register(Model, encode=lambda model: model.fields, decode=lambda data, cls: cls(**data))
    invoice = Invoice(number=7, due=dt.date(2024, 1, 1))
    text = converter.encode(invoice)
    assert text == '{"number":7,"due":"2024-01-01"}'
    back = converter.decode(text, Invoice)
    assert type(back) is Invoice
    assert back.fields == {"number": 7, "due": "2024-01-01"}


def test_the_most_specific_registration_wins() -> None:
    converter = DataConverter()
    converter.register(Model, encode=lambda model: "model", decode=lambda data, cls: cls())
    converter.register(Invoice, encode=lambda model: "invoice", decode=lambda data, cls: cls(kind=data))
    assert converter.encode([Model(), Invoice()]) == '["model","invoice"]'


def test_a_registration_can_change_how_a_built_in_type_is_written() -> None:
    converter = DataConverter()
    converter.register(
        dt.datetime,
        encode=lambda moment: moment.timestamp(),
        decode=lambda data, cls: cls.fromtimestamp(data, UTC),
    )
    moment = dt.datetime(2024, 1, 1, tzinfo=UTC)
    assert converter.encode(moment) == "1704067200.0"
    assert converter.decode("1704067200.0", dt.datetime) == moment


def test_registering_after_use_replaces_what_was_learned() -> None:
    converter = DataConverter()
    assert converter.encode(Color.RED) == '"red"'
    converter.register(Color, encode=lambda color: color.name, decode=lambda data, cls: cls[data])
    assert converter.encode(Color.RED) == '"RED"'
    assert converter.decode('"RED"', Color) is Color.RED


def test_an_encoder_that_raises_is_reported_with_the_path_and_its_cause() -> None:
    converter = DataConverter()

    def refuse(money: Money) -> str:
        raise RuntimeError("no rates today")

    converter.register(Money, encode=refuse, decode=lambda data, cls: cls.parse(data))
    with pytest.raises(
        PayloadEncodeError, match=r"value\[0\]: the encoder registered for .*Money raised"
    ) as caught:
        converter.encode([Money(1, "EUR")])
    assert isinstance(caught.value.__cause__, RuntimeError)


def test_an_encoder_that_returns_its_own_type_is_refused() -> None:
    converter = DataConverter()
    converter.register(Money, encode=lambda money: money, decode=lambda data, cls: cls.parse(data))
    with pytest.raises(PayloadEncodeError, match="returned the value's own type"):
        converter.encode(Money(1, "EUR"))


def test_a_decoder_that_raises_is_reported_with_the_path_and_its_cause() -> None:
    converter = DataConverter()
    converter.register(Money, encode=str, decode=lambda data, cls: cls.parse(data))
    with pytest.raises(
        PayloadDecodeError, match=r"value\[0\]: the decoder registered for .*Money raised"
    ) as caught:
        converter.decode('["one"]', list[Money])
    assert isinstance(caught.value.__cause__, ValueError)


def test_register_takes_a_class(converter: DataConverter) -> None:
    with pytest.raises(TypeError, match="takes a class"):
        converter.register(list[int], encode=str, decode=lambda data, cls: data)  # type: ignore[arg-type]


def test_a_subclass_can_change_the_text_format() -> None:
    class SortedKeys(DataConverter):
        def dumps(self, data: Any) -> str:
            return json.dumps(data, sort_keys=True, separators=(",", ":"))

    converter = SortedKeys()
    assert converter.encode({"b": dt.date(2024, 1, 1), "a": 1}) == '{"a":1,"b":"2024-01-01"}'
    assert converter.decode('{"a":"2024-01-01"}', dict[str, dt.date]) == {"a": dt.date(2024, 1, 1)}
