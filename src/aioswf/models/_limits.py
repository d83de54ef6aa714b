"""SWF limits that only decisions need, on top of the shared checks of `aioswf.validation` (private)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Protocol

from aioswf import constants, validation
from aioswf.exceptions import ValidationError

__all__ = [
    "MAX_ARN_LENGTH",
    "MAX_FREE_NAME_LENGTH",
    "MAX_FUNCTION_NAME_LENGTH",
    "MAX_LAMBDA_TIMEOUT",
    "MAX_REQUEST_BYTES",
    "MAX_RUN_ID_LENGTH",
    "NamedVersion",
    "TypeSpec",
    "check_duration",
    "check_input",
    "check_lambda_timeout",
    "check_optional_text",
    "check_task_list",
    "check_text",
    "check_type",
    "compact",
]

#: SWF's largest request; decisions and their execution context must fit in it.
MAX_REQUEST_BYTES = 1_048_576
#: A Lambda task's start-to-close timeout is 1 to 900 seconds.
MAX_LAMBDA_TIMEOUT = 900
MAX_FUNCTION_NAME_LENGTH = 64
MAX_ARN_LENGTH = constants.MAX_ARN_LENGTH
MAX_RUN_ID_LENGTH = constants.MAX_RUN_ID_LENGTH
#: Marker names, signal names and Lambda task ids: 1 to 256 characters of any kind.
MAX_FREE_NAME_LENGTH = 256


class NamedVersion(Protocol):
    """Anything with a name and a version: `ActivityType`, `WorkflowType`, or a small value of one's own."""

    @property
    def name(self) -> str:
        """The type's name."""

    @property
    def version(self) -> str:
        """The type's version."""


TypeSpec = NamedVersion | tuple[str, str] | Mapping[str, str]


def check_type(value: TypeSpec, argument: str) -> dict[str, str]:
    """Checks an activity or workflow type given as an object, a ``(name, version)`` pair or a mapping.

    Returns:
        SWF's ``{"name": ..., "version": ...}``.

    Raises:
        ValidationError: When the type is none of these, or its name or version breaks SWF's rules.
    """
    name: object
    version: object
    if isinstance(value, tuple) and len(value) == 2:
        name, version = value
    elif isinstance(value, Mapping) and "name" in value and "version" in value:
        name, version = value["name"], value["version"]
    elif hasattr(value, "name") and hasattr(value, "version"):
        name, version = value.name, value.version
    else:
        raise ValidationError(
            f"{argument} must be a type with a name and version, or a (name, version) pair; "
            f"got {validation.describe_value(value)}",
            argument=argument,
            limit="a name and a version",
        )
    return {
        "name": validation.check_name(name, f"{argument}.name"),
        "version": validation.check_version(version, f"{argument}.version"),
    }


def check_task_list(value: object, argument: str = "task_list") -> dict[str, str] | None:
    """Checks an optional task list name (SWF's rule for names, which refuses surrounding whitespace too).

    Returns:
        SWF's ``{"name": ...}``, or ``None``.

    Raises:
        ValidationError: When the name breaks SWF's rules.
    """
    if value is None:
        return None
    return {"name": validation.check_name(value, argument)}


def check_duration(value: object, argument: str, *, allow_none: bool = True) -> str | None:
    """Checks a timeout given in whole seconds, as a `timedelta`, or as ``"NONE"`` where allowed.

    Returns:
        SWF's string, or ``None`` when not given.

    Raises:
        ValidationError: When the duration is not whole, non-negative seconds (or ``"NONE"``).
    """
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
        if not seconds.is_integer():
            raise ValidationError(
                f"{argument} must be whole seconds, got {value!r}", argument=argument, limit="whole seconds"
            )
        value = int(seconds)
    return validation.check_timeout(value, argument, allow_none=allow_none)


def check_lambda_timeout(value: object, argument: str = "start_to_close_timeout") -> str | None:
    """Checks a Lambda task's start-to-close timeout: 1 to 900 seconds.

    Raises:
        ValidationError: When the timeout is out of range.
    """
    text = check_duration(value, argument, allow_none=False)
    if text is not None and not 1 <= int(text) <= MAX_LAMBDA_TIMEOUT:
        raise ValidationError(
            f"{argument} must be 1 to {MAX_LAMBDA_TIMEOUT} seconds for a Lambda task, got {text}",
            argument=argument,
            limit=f"1-{MAX_LAMBDA_TIMEOUT} seconds",
        )
    return text


def check_text(value: object, argument: str, *, min_length: int, max_length: int) -> str:
    """Checks a required string of `min_length` to `max_length` characters (SWF documents nothing else).

    Raises:
        ValidationError: When the value is not such a string.
    """
    if not isinstance(value, str):
        raise ValidationError(
            f"{argument} must be a string, not {type(value).__name__}", argument=argument, limit="type str"
        )
    if not min_length <= len(value) <= max_length:
        raise ValidationError(
            f"{argument} must be {min_length} to {max_length} characters long, got {len(value)}",
            argument=argument,
            limit=f"{min_length}-{max_length} characters",
        )
    return value


def check_optional_text(value: object, argument: str, *, max_length: int) -> str | None:
    """Like `check_text` for an optional value (``None`` passes through, empty strings are refused).

    Raises:
        ValidationError: When the value is not such a string.
    """
    return None if value is None else check_text(value, argument, min_length=1, max_length=max_length)


def check_input(value: object, argument: str = "input") -> str | None:
    """Checks a payload and refuses non-strings with a hint to serialize them first.

    Raises:
        ValidationError: When the payload is not a string or is longer than 32,768 characters.
    """
    if value is not None and not isinstance(value, str):
        raise ValidationError(
            f"{argument} must be a string (serialize it first, e.g. with json.dumps), "
            f"not {type(value).__name__}",
            argument=argument,
            limit="type str",
        )
    return validation.check_data(value, argument)


def compact(attributes: Mapping[str, Any]) -> dict[str, Any]:
    """Returns the attributes that were given (drops ``None``), in SWF's shape.

    Args:
        attributes: Attributes by SWF's camelCase name.

    Returns:
        A new dict without the ``None`` values.
    """
    return {key: value for key, value in attributes.items() if value is not None}
