"""Hypothesis strategies for SWF requests, built from botocore's service model.

Half of the requests are valid: each member follows its shape (type, enum, length) and meaningful
members come from pools that include the resources the suite registered, so that requests reach the
operations' logic and meet each other (the same activity id twice, a signal to an execution that
exists). Most of the others are valid but for one mistake somewhere inside (a member dropped, added,
of another JSON type, past its range, or a value SWF's rules refuse), which is how a check that is
missing shows itself; the rest are wild throughout.
"""

from __future__ import annotations

import base64
import functools
from typing import Any

from botocore.model import ListShape, Shape, StructureShape
from hypothesis import strategies as st

from aioswf.local.shapes import operation_model, service_model

Json = dict[str, Any]
DOMAIN = "fuzz"
WORKFLOW = {"name": "flow", "version": "1"}
ACTIVITY = {"name": "work", "version": "1"}

WILD: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)
"""Any JSON value at all."""

TOKENS: list[str] = []
"""Task tokens the server issued (the suite keeps it filled), so that token members are sometimes real."""

Pool = tuple[st.SearchStrategy[Any], st.SearchStrategy[Any]]


def _pool(valid: list[Any], invalid: list[Any]) -> Pool:
    """Meaningful values of a member: the valid ones, and (for wild requests) the invalid ones too."""
    return st.sampled_from(valid), st.sampled_from(valid + invalid)


_TOKEN = st.integers(0, 999).map(lambda index: TOKENS[index % len(TOKENS)] if TOKENS else "no-token-yet")

_BY_SHAPE: dict[str, Pool] = {
    "DomainName": _pool([DOMAIN, DOMAIN, DOMAIN, "missing"], ["x:y", ""]),
    "Name": _pool(
        ["a", "b", "flow", "work", "é", "\U0001f600", "z" * 256], ["x:y", " padded", "arn", "tab\tbed"]
    ),
    "Version": _pool(["1", "1", "2"], [" 1", ""]),
    "VersionOptional": _pool(["1", "2"], [""]),
    "WorkflowId": _pool(["w0", "w1", "w2", "kid"], ["x/y", " w", "arn"]),
    "ActivityId": _pool(["a0", "a1", "a2"], ["a|b", "arn", "\x07"]),
    "TimerId": _pool(["t0", "t1"], ["t:1", "arn"]),
    "MarkerName": _pool(["m", "m2"], [""]),
    "SignalName": _pool(["s", " s ", "\u2028"], [""]),
    "FunctionId": _pool(["f0", "f1"], [""]),
    "FunctionName": _pool(["echo", "missing"], [""]),
    "DurationInSeconds": _pool(
        ["0", "1", "5", "60", "3600", "NONE", "99999999"], ["soon", "-1", "1.5", "\u0663", ""]
    ),
    "DurationInSecondsOptional": _pool(["0", "1", "5", "60", "NONE"], ["soon", "-1", "\u0663", ""]),
    "DurationInDays": _pool(["0", "1", "90", "NONE"], ["91", "x"]),
    "TaskPriority": _pool(
        ["0", "-5", "+3", "2147483647", "-2147483648"], ["2147483648", "high", "", " 1", "\u00b2", "9" * 40]
    ),
    "WorkflowRunId": _pool(["unknown-run-id"], [""]),
    "WorkflowRunIdOptional": _pool(["", "unknown-run-id"], []),
    "TaskToken": (_TOKEN, st.one_of(_TOKEN, st.text(min_size=1, max_size=40))),
    "PageToken": _pool(["", "e30"], ["bm9wZQ", "%%%", base64.urlsafe_b64encode(b"[" * 1500).decode()]),
    "Arn": _pool(
        [f"arn:aws:swf:us-east-1:123456789012:/domain/{DOMAIN}", "arn:aws:swf:us-east-1:1:/domain/x"], ["x"]
    ),
}
_BY_MEMBER: dict[str, Pool] = {
    "workflowType": _pool(
        [WORKFLOW, WORKFLOW, {"name": "flow", "version": "2"}], [{"name": "", "version": "1"}]
    ),
    "activityType": _pool([ACTIVITY, ACTIVITY, {"name": "work", "version": "9"}], [{"name": "work"}]),
    "taskList": _pool([{"name": "fuzz-decisions"}, {"name": "fuzz-work"}], [{"name": " bad"}, {}]),
}


def _sized_text(low: int, high: int, wild: bool) -> st.SearchStrategy[str]:
    alphabet = st.characters(codec="utf-8", exclude_categories=("Cs",))
    text = st.text(alphabet, min_size=low, max_size=min(high, low + 12))
    edges = [size for size in ((low - 1, low, high, high + 1) if wild else (low, high)) if size >= 0]
    return st.one_of(text, text, text, st.sampled_from(edges).map(lambda size: "x" * size))


def _shaped(shape: Shape, member: str | None, depth: int, wild: bool) -> st.SearchStrategy[Any]:
    if member in _BY_MEMBER:
        return _BY_MEMBER[member][wild]
    if shape.name in _BY_SHAPE:
        return _BY_SHAPE[shape.name][wild]
    kind = shape.type_name
    meta = shape.metadata
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        if depth > 4:
            return st.just({})
        required = set(shape.required_members)
        members = {name: value_of(s, name, depth + 1, wild) for name, s in shape.members.items()}
        return st.fixed_dictionaries(
            {name: value for name, value in members.items() if name in required},
            optional={name: value for name, value in members.items() if name not in required},
        )
    if kind == "list":
        assert isinstance(shape, ListShape)
        high = meta.get("max", 4)
        return st.lists(value_of(shape.member, None, depth + 1, wild), max_size=min(high + int(wild), 4))
    if kind == "string":
        enum = getattr(shape, "enum", None)
        if enum:
            listed = st.sampled_from(list(enum))
            return st.one_of(listed, st.text(max_size=6)) if wild else listed
        return _sized_text(meta.get("min", 0), min(meta.get("max", 64), 64), wild)
    if kind == "integer":
        low, high = meta.get("min", -(2**31)), meta.get("max", 2**31 - 1)
        inside = st.integers(low, high)
        return st.one_of(inside, st.sampled_from([low - 1, high + 1])) if wild else inside
    if kind == "boolean":
        return st.booleans()
    if kind == "timestamp":
        inside = st.floats(0, 4e9)
        return st.one_of(inside, st.sampled_from([-1.0, 1e300])) if wild else inside
    return WILD  # pragma: no cover - SWF's model has no other kinds


@functools.cache
def value_of(
    shape: Shape, member: str | None = None, depth: int = 0, wild: bool = False
) -> st.SearchStrategy[Any]:
    """A value of ``shape`` (as the member ``member`` of its parent).

    Valid; or, when ``wild``, any JSON value one time in ten, else a value from the whole pool (valid
    and invalid) or from the edges of the shape's ranges.
    """
    shaped = _shaped(shape, member, depth, wild)
    if not wild:
        return shaped
    return st.integers(0, 9).flatmap(lambda roll: WILD if roll == 0 else shaped)


def _wrong(shape: Shape, member: str | None) -> st.SearchStrategy[Any]:
    """A value that breaks ``shape``: another JSON type, a refused pool value, an edge past its range."""
    options = [WILD]
    pool = _BY_MEMBER.get(member or "") or _BY_SHAPE.get(shape.name)
    if pool is not None:
        options.append(pool[1])
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if shape.type_name == "string":
        lengths = [size for size in ((low or 0) - 1, (high or 0) + 1) if size >= 0 and (size or low)]
        options.append(st.sampled_from(lengths or [0]).map(lambda size: "x" * size))
        if getattr(shape, "enum", None):
            options.append(st.sampled_from(["", "none", "SOMETIMES"]))
    elif shape.type_name == "integer":
        options.append(st.sampled_from([(low or 0) - 1, (high or 0) + 1, 2**70]))
    return st.one_of(options)


@st.composite
def _mutated(draw: st.DrawFn, shape: Shape, member: str | None, value: Any) -> Any:
    """``value`` with one thing wrong somewhere inside it (a member dropped, added, or broken)."""
    if isinstance(shape, StructureShape) and isinstance(value, dict):
        names = sorted(value)
        actions = ["descend"] * 6 * bool(names) + ["drop"] * bool(names) + ["add", "replace"]
        action = draw(st.sampled_from(actions))
        if action == "descend":
            name = draw(st.sampled_from(names))
            return {**value, name: draw(_mutated(shape.members[name], name, value[name]))}
        if action == "drop":
            name = draw(st.sampled_from(names))
            return {key: item for key, item in value.items() if key != name}
        if action == "add":
            return {**value, draw(st.sampled_from(["extra", "Domain", "__type"])): draw(WILD)}
    elif isinstance(shape, ListShape) and isinstance(value, list) and value and draw(st.booleans()):
        index = draw(st.integers(0, len(value) - 1))
        return [*value[:index], draw(_mutated(shape.member, None, value[index])), *value[index + 1 :]]
    return draw(_wrong(shape, member))


def _sometimes_wrong(shape: Shape, member: str | None, depth: int, one_in: int) -> st.SearchStrategy[Any]:
    """Valid; else (one time in ``one_in``) valid with one mistake, or (rarely) wild throughout."""

    def build(roll: int) -> st.SearchStrategy[Any]:
        if roll == 1:
            return _shaped(shape, member, depth, True)
        if roll <= 3:
            return _shaped(shape, member, depth, False).flatmap(lambda value: _mutated(shape, member, value))
        return _shaped(shape, member, depth, False)

    return st.integers(1, max(one_in, 3)).flatmap(build)


def request_for(operation: str) -> st.SearchStrategy[Json]:
    """A request of ``operation``: valid one time in two; else one mistake, or (one in six) wild throughout."""
    shape = operation_model(operation).input_shape
    assert isinstance(shape, StructureShape)
    return _sometimes_wrong(shape, None, 0, one_in=6)


DECISION_TYPES: list[str] = list(service_model().shape_for("DecisionType").enum)  # type: ignore[attr-defined]


def attributes_key(decision_type: str) -> str:
    """The member of a decision that holds the attributes of its type."""
    return decision_type[0].lower() + decision_type[1:] + "DecisionAttributes"


@functools.cache
def decision_of(decision_type: str, one_in: int = 12) -> st.SearchStrategy[Json]:
    """A decision of ``decision_type``, wrong one time in ``one_in`` (attributes mangled, missing, or
    under another decision type's key)."""
    decision_shape = service_model().shape_for("Decision")
    assert isinstance(decision_shape, StructureShape)
    key = attributes_key(decision_type)
    attributes = _sometimes_wrong(decision_shape.members[key], key, 1, one_in=one_in)
    wrong_key = st.sampled_from([k for k in decision_shape.members if k.endswith("Attributes") and k != key])

    def build(attrs: Json, roll: int, other: str) -> Json:
        decision: Json = {"decisionType": decision_type}
        if roll == 0:
            return decision  # the attributes are missing
        if roll == 1:
            decision[other] = attrs  # under another type's key
            return decision
        decision[key] = attrs
        return decision

    return st.builds(build, attributes, st.integers(0, 29), wrong_key)


DECISIONS = st.sampled_from(DECISION_TYPES).flatmap(decision_of)
"""A decision of any of the 13 types (wrong one time in twelve)."""
