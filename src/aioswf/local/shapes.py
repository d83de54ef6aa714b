"""SWF's service model, as the local server uses it to validate requests and check its responses.

The model ships with botocore, so the server and the client can never disagree about a shape.
:func:`output_violations` is the check that keeps the server honest: every response of the test suite
goes through it (see ``LocalSWF(check_responses=True)`` and :mod:`aioswf.testing.fixtures`).
"""

from __future__ import annotations

import functools
import math
from typing import Any

import botocore.session
from botocore.model import ListShape, MapShape, OperationModel, ServiceModel, Shape, StructureShape

from aioswf.local.faults import ValidationException

__all__ = ["operation_model", "output_violations", "service_model", "validate_input"]

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


def validate_input(operation: str, params: Any) -> None:
    """Check a request body against the operation's input shape.

    Args:
        operation: The SWF operation name.
        params: The decoded JSON body.

    Raises:
        ValidationException: Listing the problems found (types, required and unknown members,
            enum values, lengths and ranges from the model).
    """
    if not isinstance(params, dict):
        raise ValidationException("The request body must be a JSON object")
    shape = operation_model(operation).input_shape
    if shape is None:
        return
    errors: list[str] = []
    _check(params, shape, operation, errors)
    if errors:
        raise ValidationException("; ".join(errors[:10]))


def output_violations(operation: str, body: Any) -> list[str]:
    """Return every way ``body`` departs from the operation's output shape (empty when it conforms).

    Checks member names, required members, JSON types, enum values, string lengths and number
    ranges. An empty long poll (``taskToken`` ``""``) is exempt from required members, as SWF's own
    empty answer is.

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
    relax = operation in _EMPTY_POLLS and isinstance(body, dict) and body.get("taskToken") == ""
    if relax:
        body = {key: value for key, value in body.items() if key != "taskToken"}
    _check(body, shape, operation, errors, relax_required=relax)
    return errors


def _check(value: Any, shape: Shape, path: str, errors: list[str], *, relax_required: bool = False) -> None:
    kind = shape.type_name
    meta = shape.metadata
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        if not isinstance(value, dict):
            errors.append(f"{path}: expected an object, got {type(value).__name__}")
            return
        if not relax_required:
            for name in shape.required_members:
                if name not in value:
                    errors.append(f"{path}: missing required member {name!r}")
        for name, member_value in value.items():
            if name not in shape.members:
                errors.append(f"{path}: unknown member {name!r}")
                continue
            _check(member_value, shape.members[name], f"{path}.{name}", errors)
    elif kind == "list":
        assert isinstance(shape, ListShape)
        if not isinstance(value, list):
            errors.append(f"{path}: expected a list, got {type(value).__name__}")
            return
        _check_range(len(value), meta, path, errors, "length")
        for index, item in enumerate(value):
            _check(item, shape.member, f"{path}[{index}]", errors)
    elif kind == "map":
        assert isinstance(shape, MapShape)
        if not isinstance(value, dict):
            errors.append(f"{path}: expected an object, got {type(value).__name__}")
            return
        for key, item in value.items():
            _check(key, shape.key, f"{path}<key>", errors)
            _check(item, shape.value, f"{path}[{key!r}]", errors)
    elif kind == "string":
        if not isinstance(value, str):
            errors.append(f"{path}: expected a string, got {type(value).__name__}")
            return
        if shape.enum and value not in shape.enum:
            errors.append(f"{path}: {value!r} is not one of {shape.enum}")
        _check_range(len(value), meta, path, errors, "length")
    elif kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            errors.append(f"{path}: expected an integer, got {type(value).__name__}")
            return
        _check_range(value, meta, path, errors, "value")
    elif kind in ("double", "float"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            errors.append(f"{path}: expected a number, got {type(value).__name__}")
    elif kind == "boolean":
        if not isinstance(value, bool):
            errors.append(f"{path}: expected a boolean, got {type(value).__name__}")
    elif kind == "timestamp":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            errors.append(f"{path}: expected an epoch-seconds number, got {value!r}")
    else:  # pragma: no cover - SWF uses no other shape types
        errors.append(f"{path}: unsupported shape type {kind}")


def _check_range(value: int, meta: dict[str, Any], path: str, errors: list[str], what: str) -> None:
    low, high = meta.get("min"), meta.get("max")
    if low is not None and value < low:
        errors.append(f"{path}: {what} {value} is below the minimum {low}")
    if high is not None and value > high:
        errors.append(f"{path}: {what} {value} is above the maximum {high}")
