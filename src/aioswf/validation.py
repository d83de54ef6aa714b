"""Checks of arguments against SWF's limits, run before any request is sent.

Every check raises `aioswf.exceptions.ValidationError` naming the argument and the limit it breaks, and
returns the value it accepted (normalised where SWF wants a string, e.g. timeouts). Nothing is truncated.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from aioswf import constants
from aioswf.exceptions import ValidationError

__all__ = [
    "check_arn",
    "check_child_policy",
    "check_choice",
    "check_data",
    "check_description",
    "check_free_name",
    "check_heartbeat_details",
    "check_identity",
    "check_name",
    "check_page_size",
    "check_reason",
    "check_retention_period",
    "check_run_id",
    "check_tags",
    "check_task_priority",
    "check_task_token",
    "check_timeout",
    "check_version",
    "describe_value",
]

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_FORBIDDEN = (":", "/", "|")
# ASCII digits only: str.isdigit() and int() also take '²', '٣' or '1_000', which SWF refuses.
_DIGITS = re.compile(r"[0-9]+")
_INTEGER = re.compile(r"[+-]?[0-9]+")


def describe_value(value: object) -> str:
    """A short ``repr`` of a value for an error message: at most 60 characters, and it never raises.

    Args:
        value: Whatever the caller gave.

    Returns:
        Its ``repr``, cut to 60 characters (or its type, when it has no printable ``repr``).
    """
    try:
        text = repr(value)
    except Exception:  # e.g. an int too long to print; the type says enough
        text = f"<{type(value).__name__}>"
    return text if len(text) <= 60 else text[:57] + "..."


def check_name(
    value: object,
    argument: str = "name",
    *,
    max_length: int = constants.MAX_NAME_LENGTH,
    padded: bool = False,
) -> str:
    """Checks an SWF name (domain, type, version, workflow id, task list, activity id, timer id, ...).

    SWF's rule: 1 to 256 characters, no ``:``, ``/`` or ``|``, no control characters, not ``arn``; and
    for domains, types, versions, workflow ids and task lists no whitespace at either end (Unicode
    whitespace included). Signal and marker names are free text: see `check_free_name`.

    Args:
        value: The name.
        argument: The argument's name, for the error message.
        max_length: The longest name allowed (versions allow 64).
        padded: Whether whitespace may start or end it (activity and timer ids, for which SWF documents
            no such rule).

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
                f"{argument} must not contain {char!r}: {describe_value(value)}",
                argument=argument,
                limit="no ':', '/' or '|'",
            )
    if _CONTROL.search(value):
        raise ValidationError(
            f"{argument} must not contain control characters: {describe_value(value)}",
            argument=argument,
            limit="no control characters",
        )
    if value == "arn":
        raise ValidationError(
            f"{argument} must not be the literal 'arn'", argument=argument, limit="not 'arn'"
        )
    if not padded and (value[0].isspace() or value[-1].isspace()):
        raise ValidationError(
            f"{argument} must not start or end with whitespace: {describe_value(value)}",
            argument=argument,
            limit="no surrounding whitespace",
        )
    return value


def check_free_name(value: object, argument: str) -> str:
    """Checks a name SWF takes as it is (a signal's, a marker's): any 1 to 256 characters.

    Raises:
        ValidationError: When the name is not a string of 1 to 256 characters.
    """
    if not isinstance(value, str):
        raise ValidationError(
            f"{argument} must be a string, not {type(value).__name__}", argument=argument, limit="type str"
        )
    if not 1 <= len(value) <= constants.MAX_NAME_LENGTH:
        raise ValidationError(
            f"{argument} must be 1 to {constants.MAX_NAME_LENGTH} characters long, got {len(value)}",
            argument=argument,
            limit=f"1-{constants.MAX_NAME_LENGTH} characters",
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


def check_heartbeat_details(value: object, argument: str = "details") -> str | None:
    """Checks a heartbeat's details: at most 2,048 characters (SWF's ``LimitedData``, not 32,768).

    Raises:
        ValidationError: When the details are not a string or are too long.
    """
    return _check_text(value, argument, constants.MAX_HEARTBEAT_DETAILS_LENGTH)


def check_arn(value: object, argument: str) -> str | None:
    """Checks an optional ARN, such as a Lambda role: 1 to 1,600 characters.

    Raises:
        ValidationError: When the ARN is not a string, is empty, or is too long.
    """
    if value == "":
        raise ValidationError(f"{argument} must not be empty", argument=argument, limit="1-1600 characters")
    return _check_text(value, argument, constants.MAX_ARN_LENGTH)


def check_run_id(value: object, argument: str = "run_id") -> str | None:
    """Checks an optional run id (SWF makes them; at most 64 characters); ``None`` passes through.

    Raises:
        ValidationError: When the run id is not a string of 1 to 64 characters.
    """
    if value is None:
        return None
    if value == "":
        raise ValidationError(f"{argument} must not be empty", argument=argument, limit="1-64 characters")
    return _check_text(value, argument, constants.MAX_RUN_ID_LENGTH)


def check_task_token(value: object, argument: str = "task_token") -> str:
    """Checks a task token: a string of 1 to 1,024 characters. The message never quotes the token.

    Raises:
        ValidationError: When the token is not such a string.
    """
    if not isinstance(value, str):
        raise ValidationError(
            f"{argument} must be a task's token (a string), not {type(value).__name__}",
            argument=argument,
            limit="a string of 1-1024 characters",
        )
    if not 1 <= len(value) <= constants.MAX_TASK_TOKEN_LENGTH:
        raise ValidationError(
            f"{argument} must be a task's token of 1 to {constants.MAX_TASK_TOKEN_LENGTH} characters, "
            f"got {len(value)}",
            argument=argument,
            limit="a string of 1-1024 characters",
        )
    return value


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
    """Checks a domain's retention period in days (0 to 90, or ``"NONE"``) and returns it as SWF's string.

    ``"NONE"``, like 0, keeps no closed execution's history.

    Raises:
        ValidationError: When the period is neither a whole number of days from 0 to 90 nor ``"NONE"``.
    """
    if value == "NONE":
        return "NONE"
    days = _whole_number(value, argument)
    if days is None or not 0 <= days <= constants.MAX_RETENTION_DAYS:
        raise ValidationError(
            f"{argument} must be a whole number of days from 0 to {constants.MAX_RETENTION_DAYS}, "
            f'or "NONE", got {describe_value(value)}',
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
    if isinstance(value, str) and len(value) <= 64 and _DIGITS.fullmatch(value):
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
            f"{argument} must be {accepted}, got {describe_value(value)}", argument=argument, limit=accepted
        )
    if seconds > constants.MAX_DURATION_SECONDS:
        raise ValidationError(
            f"{argument} is too long: SWF allows at most 8 digits (99999999 seconds), got {describe_value(seconds)}",
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
            f"{argument} must be one of {', '.join(choices)}; got {describe_value(value)}",
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
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise ValidationError(
            f"{argument} must be a list of strings, not {type(value).__name__}",
            argument=argument,
            limit="a list of tags",
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
            f"{argument} must be a whole number from 1 to {constants.MAX_PAGE_SIZE}, got {describe_value(value)}",
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
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and len(value) <= 16 and _INTEGER.fullmatch(value):
        number = int(value)
    if number is None or not -(2**31) <= number <= 2**31 - 1:
        raise ValidationError(
            f"{argument} must be an integer from -2147483648 to 2147483647, got {describe_value(value)}",
            argument=argument,
            limit="a 32-bit signed integer",
        )
    return str(number)
