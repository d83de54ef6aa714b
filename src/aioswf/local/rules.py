"""SWF's rules for names, durations and priorities, beyond what the service model states.

A :class:`Checks` collects every rule a request breaks, so that one ``ValidationException`` lists them
all (as SWF does) before the request changes anything.
"""

from __future__ import annotations

import re
from typing import Any

from aioswf.local.faults import ValidationException, violation

__all__ = ["MAX_PRIORITY", "MIN_PRIORITY", "Checks"]

MIN_PRIORITY = -(2**31)
MAX_PRIORITY = 2**31 - 1
_NAME_RULE = (
    "Member must not start or end with whitespace, contain ':', '/', '|' or a control character, "
    "or be the literal string 'arn'"
)
_DIGITS = re.compile(r"[0-9]+")
_INTEGER = re.compile(r"[+-]?[0-9]+")


def _bad_name(name: str) -> bool:
    return (
        name != name.strip()
        or name == "arn"
        or any(c in name for c in ":/|")
        or any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in name)
    )


class Checks:
    """The rule violations found in one request, raised together by :meth:`done`."""

    def __init__(self) -> None:
        self.violations: list[str] = []

    def add(self, value: Any, path: str, constraint: str) -> None:
        """Record one violation (``constraint`` as SWF words it: ``Member must ...``)."""
        self.violations.append(violation(value, path, constraint))

    def name(self, value: str | None, path: str) -> None:
        """A name SWF refuses: surrounding whitespace, ``:``, ``/``, ``|``, control characters, ``arn``."""
        if value is not None and _bad_name(value):
            self.add(value, path, _NAME_RULE)

    def duration(self, value: str | None, path: str, *, unlimited: bool = True) -> None:
        """A duration that is neither whole seconds nor (when ``unlimited``) ``NONE``; None passes."""
        if value is None:
            return
        if value == "NONE":
            if not unlimited:
                self.add(value, path, "Member must be a whole number of seconds (NONE is not allowed here)")
        elif not _DIGITS.fullmatch(value):
            self.add(value, path, "Member must be a whole number of seconds, or NONE")

    def priority(self, value: str | None, path: str) -> None:
        """A task priority that is not an integer in Java's 32-bit range (None passes)."""
        if value is None:
            return
        # The length check first: int() of a 32 KB digit string is slow (and refused past 4,300 digits).
        if len(value) > 11 or not _INTEGER.fullmatch(value) or not MIN_PRIORITY <= int(value) <= MAX_PRIORITY:
            self.add(value, path, f"Member must be an integer from {MIN_PRIORITY} to {MAX_PRIORITY}")

    def done(self) -> None:
        """Raise every violation found, if any.

        Raises:
            ValidationException: Listing them in SWF's wording.
        """
        if self.violations:
            raise ValidationException.of(self.violations)
