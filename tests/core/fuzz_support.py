"""What the public-API fuzz suite shares: its hypothesis settings, strategies of hostile input, and an
oracle of what SWF accepts, written from botocore's service model and SWF's documented rules.

Every fuzz test states one property: an input either works or is refused with an error of the aioswf tree
(`SWFError`; `ValidationError` before any request), never a raw exception; and what works and reaches the
wire is something SWF would accept. The settings are bounded and derandomized, so the suite is the same
on every run; ``AIOSWF_FUZZ_SCALE=10`` multiplies the examples, and draws new ones on each run, for a deeper
search on one's own machine.
"""

from __future__ import annotations

import json
import os
import re
from datetime import timedelta, timezone
from typing import Any

import botocore.session
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

SERVICE_MODEL = botocore.session.get_session().get_service_model("swf")

_SCALE = max(1, int(os.environ.get("AIOSWF_FUZZ_SCALE", "1")))


def bounded(examples: int) -> settings:
    """Hypothesis settings for one fuzz test: `examples` examples, the same ones on every run."""
    return settings(
        max_examples=examples * _SCALE,
        deadline=None,
        derandomize=_SCALE == 1,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


# Strategies ---------------------------------------------------------------------------------------------

#: Characters that SWF's rules single out, whitespace of several kinds, digits that are not ASCII ones.
TRICKY = ":/|" + " \t\n\r\x00\x1f\x7f\x85\x9f\xa0\u2003\u2028\u3000\ufeff" + "²٣१" + "aZ09-_.é日"
#: What may start or end a name and break it: whitespace of several kinds, a forbidden or control character.
EDGES = ["", "", " ", "\t", "\u3000", "\u2028", "\xa0", "\u2009", ":", "/", "|", "\x00", "\x85"]
#: Every length limit of SWF's model, and one past it: a missing length check is found at once.
LIMITS = [1, 8, 9, 64, 65, 256, 257, 1024, 1025, 1600, 1601, 2048, 2049, 32_768, 32_769]
#: Digits that are not ASCII ones, which str.isdigit() and int() take and SWF does not.
UNICODE_DIGITS = ["²", "٣", "१", "\uff15", "\U0001d7d9", "_"]

#: Names SWF takes (a space inside, none at the ends).
good_names = st.from_regex(r"[A-Za-z0-9]([A-Za-z0-9._ -]{0,20}[A-Za-z0-9])?", fullmatch=True)
#: A name SWF takes, with something at either end that may break it.
near_names = st.builds(
    lambda head, name, tail: head + name + tail, st.sampled_from(EDGES), good_names, st.sampled_from(EDGES)
)
at_limits = st.sampled_from(LIMITS).map(lambda length: "x" * length)
edge_texts = st.sampled_from(["", "arn", "NONE", "none", "0", "-1", "+7"])
#: Digit strings, some with a digit SWF does not take.
digit_strings = st.builds(
    lambda head, odd, tail: head + odd + tail,
    st.text(alphabet="0123456789", max_size=4),
    st.one_of(st.just(""), st.sampled_from(UNICODE_DIGITS)),
    st.text(alphabet="0123456789", max_size=4),
)


def texts(max_size: int = 300) -> st.SearchStrategy[str]:
    """Hostile strings: near-valid names, the lengths at SWF's limits, tricky and arbitrary characters."""
    return st.one_of(
        near_names,
        at_limits,
        edge_texts,
        digit_strings,
        st.text(alphabet=TRICKY, max_size=min(max_size, 40)),
        st.text(max_size=max_size),
    )


def sized(*limits: int) -> st.SearchStrategy[str]:
    """Strings one short of, at and one past each of `limits` characters, or the hostile `texts`."""
    lengths = sorted({limit + step for limit in limits for step in (-1, 0, 1) if limit + step >= 0})
    return st.one_of(st.sampled_from(lengths).map(lambda length: "x" * length), texts())


numbers = st.one_of(
    st.integers(min_value=-(2**40), max_value=2**40),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -1, 1, 2**31 - 1, 2**31, -(2**31) - 1, 99_999_999, 100_000_000, 10**400, 1e300]),
)

durations = st.one_of(
    numbers,
    digit_strings,
    st.text(alphabet="0123456789²٣१ NONEnoe+-_.", max_size=10),
    st.timedeltas(min_value=timedelta(days=-10), max_value=timedelta(days=5000)),
    st.just("NONE"),
)

datetimes = st.datetimes(timezones=st.one_of(st.none(), st.just(timezone.utc)))

anything = st.one_of(
    st.none(),
    st.booleans(),
    numbers,
    texts(),
    st.binary(max_size=20),
    st.lists(texts(20), max_size=7),
    st.tuples(texts(20), texts(20)),
    st.dictionaries(texts(10), texts(10), max_size=3),
    datetimes,
    st.timedeltas(),
)


#: Known hostile values of every kind, for sweeps that try each argument with each (no luck needed).
EDGE_VALUES: list[Any] = [
    *("x" * length for length in LIMITS),
    "",
    " name",
    "name ",
    "\u3000name",
    "na:me",
    "na/me",
    "\x00name",
    "arn",
    *(f"1{digit}" for digit in UNICODE_DIGITS),
    "NONE",
    "none",
    "-1",
    "99999999",
    "100000000",
    "2147483648",
    0,
    -1,
    2**31,
    10**400,
    1.5,
    float("nan"),
    float("inf"),
    True,
    b"SECRET-bytes",
    ["a", "list"],
    {"a": "dict"},
    timedelta(seconds=1.5),
    timedelta(days=-1),
]


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly `strategy`, sometimes `None` (not given), sometimes anything at all."""
    return st.one_of(st.none(), strategy, strategy, anything)


def mostly(good: st.SearchStrategy[Any], bad: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Not given, or a value SWF takes, three times out of four; else a hostile one.

    Calls with many arguments need most of them right for the rest to be tried at all.
    """
    return st.one_of(st.none(), good, good, bad)


def one_hostile(
    **arguments: tuple[st.SearchStrategy[Any], st.SearchStrategy[Any]],
) -> st.SearchStrategy[dict[str, Any]]:
    """Keyword arguments, each not given or a value SWF takes, except one (or two) hostile ones.

    Each keyword maps to ``(good, hostile)`` strategies. Calls with many arguments need the others right
    for the hostile one to be tried at all.
    """

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        hostile = set(draw(st.lists(st.sampled_from(sorted(arguments)), min_size=1, max_size=2)))
        found = {}
        for name, (good, bad) in arguments.items():
            found[name] = draw(bad if name in hostile else st.one_of(st.none(), good, good))
        return found

    return build()


#: Names, a quarter of them hostile.
names = st.one_of(good_names, good_names, good_names, texts(300))
good_durations = st.one_of(
    st.integers(min_value=0, max_value=99_999_999),
    st.sampled_from(["NONE", "60", "300", "0"]),
    st.builds(timedelta, seconds=st.integers(min_value=0, max_value=10**6)),
)
good_priorities = st.one_of(
    st.integers(min_value=-(2**31), max_value=2**31 - 1), st.sampled_from(["-5", "+3"])
)
payloads = st.one_of(
    st.text(max_size=40), st.text(max_size=40), st.sampled_from(["x" * 32_768, "x" * 32_769])
)


# The oracle: what SWF accepts -----------------------------------------------------------------------------

_NAMES = {"DomainName", "Name", "Version", "WorkflowId", "ActivityId", "TimerId"}
# SWF's reference: domains, types, versions, workflow ids and task lists must not start or end with
# whitespace (activity and timer ids have no such rule).
_UNPADDED = {"DomainName", "Name", "Version", "WorkflowId"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_DURATION = re.compile(r"[0-9]{1,8}|NONE")
_INTEGER = re.compile(r"[+-]?[0-9]+")


def swf_objections(value: Any, shape: Any, path: str) -> list[str]:
    """What SWF would refuse in `value` (a request's JSON) under `shape` of its service model."""
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            return [f"{path}: not a structure"]
        found = [f"{path}.{name}: missing" for name in shape.required_members if name not in value]
        for name, item in value.items():
            member = shape.members.get(name)
            found += (
                [f"{path}.{name}: unknown"]
                if member is None
                else swf_objections(item, member, f"{path}.{name}")
            )
        return found
    if kind == "list":
        if not isinstance(value, list):
            return [f"{path}: not a list"]
        found = [f"{path}: {len(value)} items"] if len(value) > shape.metadata.get("max", len(value)) else []
        for index, item in enumerate(value):
            found += swf_objections(item, shape.member, f"{path}[{index}]")
        return found
    if kind in ("integer", "long"):
        ok = isinstance(value, int) and not isinstance(value, bool)
        if ok and "max" in shape.metadata:
            ok = shape.metadata.get("min", 0) <= value <= shape.metadata["max"]
        return [] if ok else [f"{path}: {value!r:.40} is not an integer in range"]
    if kind == "boolean":
        return [] if isinstance(value, bool) else [f"{path}: not a boolean"]
    if kind == "timestamp":
        return (
            [] if isinstance(value, (int, float)) and not isinstance(value, bool) else [f"{path}: not a time"]
        )
    if not isinstance(value, str):
        return [f"{path}: not a string"]
    found = []
    if not shape.metadata.get("min", 0) <= len(value) <= shape.metadata.get("max", len(value)):
        found.append(f"{path}: {len(value)} characters")
    if shape.enum and value not in shape.enum:
        found.append(f"{path}: {value!r:.40} not one of the enumeration")
    if shape.name in _NAMES:
        if any(char in value for char in ":/|") or _CONTROL.search(value) or value == "arn":
            found.append(f"{path}: {value!r:.40} breaks SWF's rule for names")
        if shape.name in _UNPADDED and value and (value[0].isspace() or value[-1].isspace()):
            found.append(f"{path}: {value!r:.40} starts or ends with whitespace")
    if shape.name.startswith("DurationIn") and value and not _DURATION.fullmatch(value):
        found.append(f"{path}: {value!r:.40} is not a duration")
    if shape.name == "TaskPriority" and not (_INTEGER.fullmatch(value) and -(2**31) <= int(value) < 2**31):
        found.append(f"{path}: {value!r:.40} is not a 32-bit integer")
    return found


def request_objections(operation: str, body: bytes) -> list[str]:
    """What SWF would refuse in a request of `operation` whose JSON body is `body`."""
    shape = SERVICE_MODEL.operation_model(operation).input_shape
    return swf_objections(json.loads(body or b"{}"), shape, operation)


def decision_objections(decision: dict[str, Any]) -> list[str]:
    """What SWF would refuse in one decision, in SWF's shape."""
    # Through JSON, as botocore would send it (a timedelta cannot be in a built decision).
    return swf_objections(json.loads(json.dumps(decision)), SERVICE_MODEL.shape_for("Decision"), "decision")
