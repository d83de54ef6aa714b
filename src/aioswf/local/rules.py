"""SWF's rules for names, durations and priorities, beyond what the service model states."""

from __future__ import annotations

from aioswf.local.faults import ValidationException

__all__ = ["check_duration", "check_name", "check_priority"]


def check_name(name: str, what: str) -> None:
    """Refuse a name SWF refuses: surrounding whitespace, ``:``, ``/``, ``|``, control characters, ``arn``.

    Raises:
        ValidationException: Naming ``what``.
    """
    if (
        name != name.strip()
        or name == "arn"
        or any(c in name for c in ":/|")
        or any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in name)
    ):
        raise ValidationException(f"Invalid {what}: {name!r}")


def check_duration(value: str | None, name: str) -> None:
    """Refuse a duration that is neither whole seconds nor ``NONE`` (None passes).

    Raises:
        ValidationException: Naming the parameter.
    """
    if value is None or value == "NONE":
        return
    if not (value.isascii() and value.isdigit()):
        raise ValidationException(f"Invalid {name}: {value!r} (seconds as an integer string, or NONE)")


def check_priority(value: str | None, name: str) -> None:
    """Refuse a task priority outside Java's 32-bit integer range (None passes).

    Raises:
        ValidationException: Naming the parameter.
    """
    if value is None:
        return
    try:
        number = int(value)
    except ValueError:
        raise ValidationException(f"Invalid {name}: {value!r}") from None
    if not -(2**31) <= number < 2**31:
        raise ValidationException(f"Invalid {name}: {value!r} (out of the 32-bit range)")
