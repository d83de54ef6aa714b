"""SWF's service model, as the local server uses it to validate requests and check its responses.

The model ships with botocore, so the server and the client can never disagree about a shape.
:func:`output_violations` is the check that keeps the server honest: every response of the test suite
goes through it (see ``LocalSWF(check_responses=True)`` and :mod:`aioswf.testing.fixtures`).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import botocore.session
from botocore.model import ListShape, MapShape, OperationModel, ServiceModel, Shape, StructureShape

from aioswf.local.faults import SerializationException, ValidationException, violation

__all__ = ["operation_model", "output_violations", "service_model", "validate_input"]

Json = dict[str, Any]
_EMPTY_POLLS = {"PollForDecisionTask", "PollForActivityTask"}


@functools.lru_cache(maxsize=1)
def service_model() -> ServiceModel:
    """Return botocore's SWF service model (loaded once)."""
    return botocore.session.get_session().get_service_model("swf")


@functools.lru_cache(maxsize=64)
def operation_model(name: str) -> OperationModel:
    """Return the operation model for ``name``.

    Raises:
        botocore.exceptions.OperationNotFoundError: If SWF has no such operation.
    """
    return service_model().operation_model(name)


def validate_input(operation: str, params: Any) -> Json:
    """Check a request body against the operation's input shape.

    A member given as JSON ``null`` counts as absent, as SWF treats it.

    Args:
        operation: The SWF operation name.
        params: The decoded JSON body.

    Returns:
        The request, without its null members.

    Raises:
        SerializationException: If the body or a member has the wrong JSON type.
        ValidationException: Listing every violated constraint (required and unknown members, enum
            values, lengths and ranges from the model), in SWF's wording.
    """
    if not isinstance(params, dict):
        raise SerializationException("The request body must be a JSON object")
    shape = operation_model(operation).input_shape
    if shape is None:
        return params
    found = _Found()
    _input_validator(shape)(params, "", found)
    if found.type_errors:
        raise SerializationException("; ".join(found.type_errors[:10]))
    if found.violations:
        raise ValidationException.of(found.violations)
    return _without_nulls(params) if found.nulls else params


class _Found:
    """What the input validators found in one request."""

    __slots__ = ("nulls", "type_errors", "violations")

    def __init__(self) -> None:
        self.violations: list[str] = []
        self.type_errors: list[str] = []
        self.nulls = False


InputValidator = Callable[[Any, str, _Found], None]
_input_validators: dict[str, InputValidator] = {}
_JSON_TYPES = {
    str: "a string",
    bool: "a boolean",
    int: "a number",
    float: "a number",
    list: "a list",
    dict: "an object",
}


def _json_type(value: Any) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _java_length(text: str) -> int:
    """The length SWF (a Java service) counts: UTF-16 code units."""
    return len(text) if text.isascii() else len(text.encode("utf-16-le")) // 2


def _member_path(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_nulls(item) for item in value]
    return value


def _input_validator(shape: Shape) -> InputValidator:
    """Return the input validator of a shape, compiled once into closures (it runs on every request)."""
    found = _input_validators.get(shape.name)
    if found is None:
        found = _input_validators[shape.name] = _compile_input(shape)
    return found


def _length_violations(size: int, low: int | None, high: int | None) -> str | None:
    if low is not None and size < low:
        return f"Member must have length greater than or equal to {low}"
    if high is not None and size > high:
        return f"Member must have length less than or equal to {high}"
    return None


def _compile_input(shape: Shape) -> InputValidator:
    kind = shape.type_name
    meta = shape.metadata
    low, high = meta.get("min"), meta.get("max")
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        required = tuple(shape.required_members)
        members: dict[str, InputValidator] = {}

        def check_structure(value: Any, path: str, found: _Found) -> None:
            if not isinstance(value, dict):
                found.type_errors.append(f"Expected an object at '{path}', found {_json_type(value)}")
                return
            for name in required:
                if value.get(name) is None:
                    found.violations.append(
                        violation(None, _member_path(path, name), "Member must not be null")
                    )
            for name, item in value.items():
                if item is None:
                    found.nulls = True
                    continue
                validator = members.get(name)
                if validator is None:
                    if name not in shape.members:
                        found.violations.append(
                            violation(
                                item, _member_path(path, name), "Member is not defined by the SWF model"
                            )
                        )
                        continue
                    validator = members[name] = _input_validator(shape.members[name])
                validator(item, _member_path(path, name), found)

        return check_structure
    if kind == "list":
        assert isinstance(shape, ListShape)
        member_shape = shape.member

        def check_list(value: Any, path: str, found: _Found) -> None:
            if not isinstance(value, list):
                found.type_errors.append(f"Expected a list at '{path}', found {_json_type(value)}")
                return
            problem = _length_violations(len(value), low, high)
            if problem is not None:
                found.violations.append(violation(value, path, problem))
            item_validator = _input_validator(member_shape)
            for index, item in enumerate(value, 1):
                item_path = f"{path}.{index}.member"
                if item is None:
                    found.violations.append(violation(None, item_path, "Member must not be null"))
                else:
                    item_validator(item, item_path, found)

        return check_list
    if kind == "string":
        enum = frozenset(shape.enum) if shape.enum else None
        enum_text = f"Member must satisfy enum value set: [{', '.join(shape.enum)}]" if shape.enum else ""

        def check_string(value: Any, path: str, found: _Found) -> None:
            if not isinstance(value, str):
                found.type_errors.append(f"Expected a string at '{path}', found {_json_type(value)}")
                return
            if enum is not None and value not in enum:
                found.violations.append(violation(value, path, enum_text))
            if low is not None or high is not None:
                problem = _length_violations(_java_length(value), low, high)
                if problem is not None:
                    found.violations.append(violation(value, path, problem))

        return check_string
    if kind in ("integer", "long"):

        def check_integer(value: Any, path: str, found: _Found) -> None:
            if isinstance(value, bool) or not isinstance(value, int):
                found.type_errors.append(f"Expected an integer at '{path}', found {_json_type(value)}")
                return
            if low is not None and value < low:
                found.violations.append(
                    violation(value, path, f"Member must have value greater than or equal to {low}")
                )
            elif high is not None and value > high:
                found.violations.append(
                    violation(value, path, f"Member must have value less than or equal to {high}")
                )

        return check_integer
    if kind == "boolean":

        def check_boolean(value: Any, path: str, found: _Found) -> None:
            if not isinstance(value, bool):
                found.type_errors.append(f"Expected a boolean at '{path}', found {_json_type(value)}")

        return check_boolean
    if kind == "timestamp":

        def check_timestamp(value: Any, path: str, found: _Found) -> None:
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                found.type_errors.append(
                    f"Expected a timestamp (epoch seconds) at '{path}', found {value!r:.40}"
                )

        return check_timestamp

    def unsupported(value: Any, path: str, found: _Found) -> None:  # pragma: no cover - SWF has none
        found.type_errors.append(f"Unsupported shape type {kind} at '{path}'")

    return unsupported


def output_violations(operation: str, body: Any) -> list[str]:
    """Return every way ``body`` departs from the operation's output shape (empty when it conforms).

    Checks member names, required members, JSON types, enum values, string lengths and number
    ranges. An empty long poll (no ``taskToken``, as AWS answers, or ``""``, as the API reference says)
    is exempt from required members, as SWF's own empty answer is.

    Args:
        operation: The SWF operation name.
        body: The decoded JSON response body.
    """
    errors: list[str] = []
    shape = operation_model(operation).output_shape
    if shape is None:
        if body not in ({}, None):
            errors.append(f"{operation}: expected an empty body, got {body!r}")
        return errors
    relax = (
        operation in _EMPTY_POLLS
        and isinstance(body, dict)
        and not body.get("taskToken")
        and body.get("startedEventId") == 0
    )
    if relax:
        body = {key: value for key, value in body.items() if key != "taskToken"}
    _check(body, shape, operation, errors, relax_required=relax)
    return errors


Validator = Callable[[Any, str, list[str]], None]
_validators: dict[tuple[str, bool], Validator] = {}


def _check(value: Any, shape: Shape, path: str, errors: list[str], *, relax_required: bool = False) -> None:
    _validator(shape, relax_required)(value, path, errors)


def _validator(shape: Shape, relax_required: bool = False) -> Validator:
    """Return the validator of a shape, compiled once into closures (it runs on every request)."""
    key = (shape.name, relax_required)
    found = _validators.get(key)
    if found is None:
        found = _validators[key] = _compile(shape, relax_required)
    return found


def _compile(shape: Shape, relax_required: bool) -> Validator:
    kind = shape.type_name
    meta = shape.metadata
    low, high = meta.get("min"), meta.get("max")
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        required = () if relax_required else tuple(shape.required_members)
        members: dict[str, Validator] = {}

        def check_structure(value: Any, path: str, errors: list[str]) -> None:
            if not isinstance(value, dict):
                errors.append(f"{path}: expected an object, got {type(value).__name__}")
                return
            for name in required:
                if name not in value:
                    errors.append(f"{path}: missing required member {name!r}")
            for name, item in value.items():
                validator = members.get(name)
                if validator is None:
                    if name in shape.members:
                        validator = members[name] = _validator(shape.members[name])
                    else:
                        errors.append(f"{path}: unknown member {name!r}")
                        continue
                validator(item, f"{path}.{name}", errors)

        return check_structure
    if kind == "list":
        assert isinstance(shape, ListShape)
        member_shape = shape.member

        def check_list(value: Any, path: str, errors: list[str]) -> None:
            if not isinstance(value, list):
                errors.append(f"{path}: expected a list, got {type(value).__name__}")
                return
            _check_range(len(value), low, high, path, errors, "length")
            item_validator = _validator(member_shape)
            for index, item in enumerate(value):
                item_validator(item, f"{path}[{index}]", errors)

        return check_list
    if kind == "map":
        assert isinstance(shape, MapShape)
        key_shape, value_shape = shape.key, shape.value

        def check_map(value: Any, path: str, errors: list[str]) -> None:
            if not isinstance(value, dict):
                errors.append(f"{path}: expected an object, got {type(value).__name__}")
                return
            for key, item in value.items():
                _validator(key_shape)(key, f"{path}<key>", errors)
                _validator(value_shape)(item, f"{path}[{key!r}]", errors)

        return check_map
    if kind == "string":
        enum = frozenset(shape.enum) if shape.enum else None
        listed = list(shape.enum) if shape.enum else []

        def check_string(value: Any, path: str, errors: list[str]) -> None:
            if not isinstance(value, str):
                errors.append(f"{path}: expected a string, got {type(value).__name__}")
                return
            if enum is not None and value not in enum:
                errors.append(f"{path}: {value!r} is not one of {listed}")
            if low is not None or high is not None:
                _check_range(len(value), low, high, path, errors, "length")

        return check_string
    if kind in ("integer", "long"):

        def check_integer(value: Any, path: str, errors: list[str]) -> None:
            if isinstance(value, bool) or not isinstance(value, int):
                errors.append(f"{path}: expected an integer, got {type(value).__name__}")
                return
            _check_range(value, low, high, path, errors, "value")

        return check_integer
    if kind in ("double", "float"):

        def check_number(value: Any, path: str, errors: list[str]) -> None:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                errors.append(f"{path}: expected a number, got {type(value).__name__}")

        return check_number
    if kind == "boolean":

        def check_boolean(value: Any, path: str, errors: list[str]) -> None:
            if not isinstance(value, bool):
                errors.append(f"{path}: expected a boolean, got {type(value).__name__}")

        return check_boolean
    if kind == "timestamp":

        def check_timestamp(value: Any, path: str, errors: list[str]) -> None:
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                errors.append(f"{path}: expected an epoch-seconds number, got {value!r}")

        return check_timestamp

    def unsupported(value: Any, path: str, errors: list[str]) -> None:  # pragma: no cover - SWF has none
        errors.append(f"{path}: unsupported shape type {kind}")

    return unsupported


def _check_range(
    value: int, low: int | None, high: int | None, path: str, errors: list[str], what: str
) -> None:
    if low is not None and value < low:
        errors.append(f"{path}: {what} {value} is below the minimum {low}")
    if high is not None and value > high:
        errors.append(f"{path}: {what} {value} is above the maximum {high}")
