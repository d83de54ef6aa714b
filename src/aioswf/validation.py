"""Checks of arguments against SWF's limits, run before any request is sent.

Every check raises `aioswf.exceptions.ValidationError` naming the argument and the limit it breaks, and
returns the value it accepted (normalised where SWF wants a string, e.g. timeouts). Nothing is truncated.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from aioswf import constants
from aioswf.exceptions import ValidationError

__all__ = [
    "check_child_policy",
    "check_choice",
    "check_data",
    "check_description",
    "check_identity",
    "check_name",
    "check_page_size",
    "check_reason",
    "check_retention_period",
    "check_tags",
    "check_task_priority",
    "check_timeout",
    "check_version",
]

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_FORBIDDEN = (":", "/", "|")


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def check_name(value: object, argument: str = "name", *, max_length: int = constants.MAX_NAME_LENGTH) -> str:
    """Checks an SWF name (domain, type, workflow id, activity id, timer id, signal, task list, ...).

    SWF's rule: 1 to 256 characters, no ``:``, ``/`` or ``|``, no control characters, not ``arn``.

    Args:
        value: The name.
        argument: The argument's name, for the error message.
        max_length: The longest name allowed (versions allow 64).

    Returns:
        The name.

    Raises:
        ValidationError: When the name breaks the rule.
    """
    if not isinstance(value, str):
        raise ValidationError(
            f"{argument} must be a string, not {type(value).__name__}", argument=argument, limit="type str"
        )
    if not 1 <= len(value) <= max_length:
        raise ValidationError(
            f"{argument} must be 1 to {max_length} characters long, got {len(value)}",
            argument=argument,
            limit=f"1-{max_length} characters",
        )
    for char in _FORBIDDEN:
        if char in value:
            raise ValidationError(
                f"{argument} must not contain {char!r}: {_shown(value)}",
                argument=argument,
                limit="no ':', '/' or '|'",
            )
    if _CONTROL.search(value):
        raise ValidationError(
            f"{argument} must not contain control characters: {_shown(value)}",
            argument=argument,
            limit="no control characters",
        )
    if value == "arn":
        raise ValidationError(
            f"{argument} must not be the literal 'arn'", argument=argument, limit="not 'arn'"
        )
    return value


def check_version(value: object, argument: str = "version") -> str:
    """Checks a type version: a name of at most 64 characters.

    Raises:
        ValidationError: When the version breaks SWF's rule for names or is longer than 64 characters.
    """
    return check_name(value, argument, max_length=constants.MAX_VERSION_LENGTH)


def _check_text(value: object, argument: str, max_length: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationError(
            f"{argument} must be a string, not {type(value).__name__}", argument=argument, limit="type str"
        )
    if len(value) > max_length:
        raise ValidationError(
            f"{argument} is {len(value)} characters long; SWF allows at most {max_length}",
            argument=argument,
            limit=f"at most {max_length} characters",
        )
    return value


def check_data(value: object, argument: str) -> str | None:
    """Checks a payload (input, result, details, control, execution context): at most 32,768 characters.

    Raises:
        ValidationError: When the payload is not a string or is too long. It is never truncated.
    """
    return _check_text(value, argument, constants.MAX_DATA_LENGTH)


def check_reason(value: object, argument: str = "reason") -> str | None:
    """Checks a failure or termination reason: at most 256 characters.

    Raises:
        ValidationError: When the reason is not a string or is too long.
    """
    return _check_text(value, argument, constants.MAX_REASON_LENGTH)


def check_description(value: object, argument: str = "description") -> str | None:
    """Checks a description: at most 1,024 characters.

    Raises:
        ValidationError: When the description is not a string or is too long.
    """
    return _check_text(value, argument, constants.MAX_DESCRIPTION_LENGTH)


def check_identity(value: object, argument: str = "identity") -> str | None:
    """Checks a poller's identity: at most 256 characters.

    Raises:
        ValidationError: When the identity is not a string or is too long.
    """
    return _check_text(value, argument, constants.MAX_IDENTITY_LENGTH)


def check_retention_period(value: object, argument: str = "retention_period") -> str:
    """Checks a domain's retention period in days (0 to 90) and returns it as SWF's string.

    Raises:
        ValidationError: When the period is not a whole number of days from 0 to 90.
    """
    days = _whole_number(value, argument)
    if days is None or not 0 <= days <= constants.MAX_RETENTION_DAYS:
        raise ValidationError(
            f"{argument} must be a whole number of days from 0 to {constants.MAX_RETENTION_DAYS}, "
            f"got {_shown(value)}",
            argument=argument,
            limit=f"0-{constants.MAX_RETENTION_DAYS} days",
        )
    return str(days)


def _whole_number(value: object, argument: str) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def check_timeout(value: object, argument: str, *, allow_none: bool = True) -> str | None:
    """Checks a timeout: whole seconds (an int or a digit string), or ``"NONE"`` where SWF allows it.

    SWF's durations are strings of at most 8 characters. ``None`` means "not given" and passes through.

    Args:
        value: The timeout.
        argument: The argument's name, for the error message.
        allow_none: Whether SWF accepts ``"NONE"`` (unlimited) for this timeout.

    Returns:
        The timeout as SWF's string, or ``None``.

    Raises:
        ValidationError: When the timeout is negative, fractional, too long, or ``"NONE"`` where not allowed.
    """
    if value is None:
        return None
    if isinstance(value, str) and value.upper() == constants.NONE:
        if not allow_none:
            raise ValidationError(
                f"{argument} cannot be 'NONE' (unlimited); give a number of seconds",
                argument=argument,
                limit="a positive number of seconds",
            )
        return constants.NONE
    seconds = _whole_number(value, argument)
    accepted = "a whole number of seconds" + (" or 'NONE'" if allow_none else "")
    if seconds is None or seconds < 0:
        raise ValidationError(
            f"{argument} must be {accepted}, got {_shown(value)}", argument=argument, limit=accepted
        )
    if len(str(seconds)) > 8:
        raise ValidationError(
            f"{argument} is too long: SWF allows at most 8 digits (99999999 seconds), got {seconds}",
            argument=argument,
            limit="at most 99999999 seconds",
        )
    return str(seconds)


def check_choice(value: object, argument: str, choices: Sequence[str]) -> str:
    """Checks that a value is one of SWF's enumerated values.

    Raises:
        ValidationError: When the value is not one of `choices`.
    """
    if value not in choices:
        raise ValidationError(
            f"{argument} must be one of {', '.join(choices)}; got {_shown(value)}",
            argument=argument,
            limit="one of " + ", ".join(choices),
        )
    return str(value)


def check_child_policy(value: object, argument: str = "child_policy") -> str | None:
    """Checks a child policy (TERMINATE, REQUEST_CANCEL or ABANDON); ``None`` passes through.

    Raises:
        ValidationError: When the policy is not one of SWF's.
    """
    if value is None:
        return None
    return check_choice(value, argument, constants.CHILD_POLICIES)


def check_tags(value: Iterable[Any] | None, argument: str = "tag_list") -> list[str] | None:
    """Checks a tag list: at most 5 tags of at most 256 characters each.

    Raises:
        ValidationError: When there are too many tags, or a tag is too long or not a string.
    """
    if value is None:
        return None
    if isinstance(value, str):
        raise ValidationError(
            f"{argument} must be a list of strings, not a string", argument=argument, limit="a list of tags"
        )
    tags = list(value)
    if len(tags) > constants.MAX_TAGS:
        raise ValidationError(
            f"{argument} has {len(tags)} tags; SWF allows at most {constants.MAX_TAGS}",
            argument=argument,
            limit=f"at most {constants.MAX_TAGS} tags",
        )
    for index, tag in enumerate(tags):
        _check_text(tag, f"{argument}[{index}]", constants.MAX_TAG_LENGTH)
    return tags


def check_page_size(value: object, argument: str = "page_size") -> int | None:
    """Checks a page size (1 to 1,000); ``None`` leaves the choice to SWF.

    Raises:
        ValidationError: When the size is out of range.
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= constants.MAX_PAGE_SIZE:
        raise ValidationError(
            f"{argument} must be a whole number from 1 to {constants.MAX_PAGE_SIZE}, got {_shown(value)}",
            argument=argument,
            limit=f"1-{constants.MAX_PAGE_SIZE}",
        )
    return value


def check_task_priority(value: object, argument: str = "task_priority") -> str | None:
    """Checks a task priority: an integer from -2147483648 to 2147483647 (sent as a string).

    Raises:
        ValidationError: When the priority is not an integer in range.
    """
    if value is None:
        return None
    try:
        number = int(str(value))
    except ValueError:
        number = None
    if isinstance(value, bool) or number is None or not -(2**31) <= number <= 2**31 - 1:
        raise ValidationError(
            f"{argument} must be an integer from -2147483648 to 2147483647, got {_shown(value)}",
            argument=argument,
            limit="a 32-bit signed integer",
        )
    return str(number)
