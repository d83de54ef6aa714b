"""What the lean request path needs to know of SWF's service model, worked out once per operation.

botocore walks an operation's whole input shape to validate and serialise every request, and its whole
output shape to parse every response. SWF's JSON already is the wire format of nearly everything: only
timestamps differ (epoch seconds on the wire, `datetime` in Python). So each operation is reduced, once,
to its top-level parameter names, the required ones, and the paths of its timestamp members; a request
or response is then touched only at those paths.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

import attrs
from botocore.utils import parse_to_aware_datetime

__all__ = ["OperationSpec", "check_output_types", "decode_timestamps", "encode_timestamps", "operation_spec"]

#: A trie of timestamp paths: keys are member names, ``"*"`` stands for every item of a list or every value
#: of a map; an empty trie marks a timestamp.
Paths = Mapping[str, "Paths"]


@attrs.frozen
class OperationSpec:
    """One operation, as the lean path uses it.

    Attributes:
        name: The operation, e.g. ``"PollForDecisionTask"``.
        model: botocore's `OperationModel` (handed to botocore's event handlers).
        target: The ``X-Amz-Target`` header.
        members: The input's top-level member names.
        required: The required ones.
        input_timestamps: Where the input has timestamps.
        output_timestamps: Where the output has timestamps.
        output_types: The JSON types of the output's top-level members, and of their items for lists:
            ``{member: (types, item types or None)}``.
    """

    name: str
    model: Any
    target: str
    members: frozenset[str]
    required: frozenset[str]
    input_timestamps: Paths
    output_timestamps: Paths
    output_types: Mapping[str, tuple[tuple[type, ...], tuple[type, ...] | None]]


def _timestamp_paths(shape: Any, seen: frozenset[str] = frozenset()) -> Paths | None:
    """The trie of timestamp members under `shape`; None when there are none."""
    if shape is None or shape.name in seen:
        return None
    seen = seen | {shape.name}
    kind = shape.type_name
    if kind == "timestamp":
        return {}
    if kind == "structure":
        found: dict[str, Paths] = {}
        for name, member in shape.members.items():
            sub = _timestamp_paths(member, seen)
            if sub is not None:
                found[member.serialization.get("name", name)] = sub
        return found or None
    if kind == "list":
        sub = _timestamp_paths(shape.member, seen)
        return None if sub is None else {"*": sub}
    if kind == "map":
        sub = _timestamp_paths(shape.value, seen)
        return None if sub is None else {"*": sub}
    return None


_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "structure": (dict,),
    "map": (dict,),
    "list": (list,),
    "string": (str,),
    "integer": (int,),
    "long": (int,),
    "boolean": (bool,),
    "timestamp": (int, float),
    "double": (int, float),
    "float": (int, float),
}


def _output_types(shape: Any) -> dict[str, tuple[tuple[type, ...], tuple[type, ...] | None]]:
    found: dict[str, tuple[tuple[type, ...], tuple[type, ...] | None]] = {}
    if shape is None or shape.type_name != "structure":
        return found
    for name, member in shape.members.items():
        types = _JSON_TYPES.get(member.type_name)
        if types is None:
            continue
        items = _JSON_TYPES.get(member.member.type_name) if member.type_name == "list" else None
        found[member.serialization.get("name", name)] = (types, items)
    return found


def check_output_types(spec: OperationSpec, parsed: Mapping[str, Any]) -> str | None:
    """What in a parsed answer has a type the output shape does not allow (top level, list items).

    botocore's parser fails on such an answer; the lean path refuses it too, rather than hand a caller a
    number where a list should be.

    Returns:
        The offending member's name and type, or None.
    """
    types = spec.output_types
    for key, value in parsed.items():
        expected = types.get(key)
        if expected is None or value is None:
            continue
        kinds, items = expected
        if not isinstance(value, kinds) or (bool in kinds) != isinstance(value, bool):
            return f"{key} is a {type(value).__name__}"
        if items is not None and isinstance(value, list):
            for item in value:
                if not isinstance(item, items):
                    return f"an item of {key} is a {type(item).__name__}"
    return None


def operation_spec(service_model: Any, name: str) -> OperationSpec:
    """Works out an operation's `OperationSpec` from botocore's service model.

    Args:
        service_model: botocore's `ServiceModel` for SWF.
        name: The operation's name.

    Returns:
        The spec.

    Raises:
        botocore.exceptions.OperationNotFoundError: When SWF has no such operation.
    """
    model = service_model.operation_model(name)
    shape = model.input_shape
    members = frozenset(shape.members) if shape is not None else frozenset()
    required = frozenset(shape.required_members) if shape is not None else frozenset()
    return OperationSpec(
        name=name,
        model=model,
        target=f"{service_model.metadata['targetPrefix']}.{name}",
        members=members,
        required=required,
        input_timestamps=_timestamp_paths(shape) or {},
        output_timestamps=_timestamp_paths(model.output_shape) or {},
        output_types=_output_types(model.output_shape),
    )


def _to_epoch(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    aware = parse_to_aware_datetime(value)
    # The serialisation botocore's JSON serializer gives a timestamp: whole epoch seconds.
    return calendar.timegm(aware.timetuple())


def encode_timestamps(params: Mapping[str, Any], paths: Paths) -> dict[str, Any]:
    """A copy of `params` with every timestamp at `paths` in epoch seconds (as botocore sends them).

    Only the containers on the way to a timestamp are copied; the caller's objects are never changed.
    """
    out = dict(params)
    for key, sub in paths.items():
        if key not in out or out[key] is None:
            continue
        out[key] = _encode(out[key], sub)
    return out


def _encode(value: Any, paths: Paths) -> Any:
    if not paths:
        return _to_epoch(value)
    if "*" in paths:
        sub = paths["*"]
        if isinstance(value, Mapping):
            return {k: _encode(v, sub) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [_encode(v, sub) for v in value]
        return value
    if isinstance(value, Mapping):
        return encode_timestamps(value, paths)
    return value


def _to_datetime(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, tz=timezone.utc)
    return value


def decode_timestamps(value: Any, paths: Paths) -> None:
    """Turns the epoch seconds at `paths` of a parsed JSON response into aware datetimes, in place."""
    if not isinstance(value, dict):
        return
    for key, sub in paths.items():
        if key == "*":
            for item_key, item in value.items():
                if sub:
                    decode_timestamps(item, sub)
                else:
                    value[item_key] = _to_datetime(item)
            continue
        found = value.get(key)
        if found is None:
            continue
        if not sub:
            value[key] = _to_datetime(found)
        elif "*" in sub and isinstance(found, list):
            inner = sub["*"]
            if inner:
                for item in found:
                    decode_timestamps(item, inner)
            else:
                found[:] = [_to_datetime(item) for item in found]
        else:
            decode_timestamps(found, sub)
