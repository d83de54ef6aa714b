"""Capped exponential backoff with full jitter, and the streaks of failures it paces.

An actor that runs for months meets dropped connections, HTTP 5xx and throttling. It retries them, waiting
``min(maximum, initial * multiplier ** n)`` seconds at most before the n-th retry, and a random share of that
(full jitter, so that many actors hitting the same outage do not retry in lockstep). It logs once when a
streak of failures begins and once when it ends, never once per retry.
"""

from __future__ import annotations

import logging
import math
import random
import time

import attrs

from aioswf import validation
from aioswf.exceptions import (
    ResponseError,
    ServiceUnavailableError,
    SWFError,
    ThrottlingError,
    TransportError,
    UnexpectedResponseError,
    ValidationError,
)

__all__ = ["Backoff", "FailureStreak", "is_transient"]


def _seconds(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < math.inf:
        raise ValidationError(
            f"Backoff's {attribute.name} must be a finite number of seconds above 0, "
            f"got {validation.describe_value(value)}",
            argument=attribute.name,
            limit="a finite number above 0",
        )


def _growth(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 1 <= value < math.inf:
        raise ValidationError(
            f"Backoff's {attribute.name} must be a finite number of at least 1 (how much each wait may grow), "
            f"got {validation.describe_value(value)}",
            argument=attribute.name,
            limit="a finite number >= 1",
        )


def _flag(instance: object, attribute: attrs.Attribute[bool], value: bool) -> None:
    if not isinstance(value, bool):
        raise ValidationError(
            f"Backoff's {attribute.name} must be True or False, got {validation.describe_value(value)}",
            argument=attribute.name,
            limit="a bool",
        )


@attrs.frozen
class Backoff:
    """How long to wait before retrying after a transient failure.

    Args:
        initial: The cap of the first wait, in seconds (finite, above 0).
        maximum: The cap every wait stays under, in seconds (finite, above 0).
        multiplier: How much the cap grows after each failure in a row (finite, at least 1).
        jitter: Whether to wait a random share of the cap (full jitter) rather than the cap itself.

    Raises:
        ValidationError: When a parameter is zero, negative, NaN, infinite or not a number.
    """

    initial: float = attrs.field(default=0.5, validator=_seconds)
    maximum: float = attrs.field(default=60.0, validator=_seconds)
    multiplier: float = attrs.field(default=2.0, validator=_growth)
    jitter: bool = attrs.field(default=True, validator=_flag)

    def cap(self, failures: int) -> float:
        """The longest wait after `failures` failures in a row.

        Args:
            failures: How many attempts failed in a row, at least 1.

        Returns:
            ``min(maximum, initial * multiplier ** (failures - 1))``, computed without overflowing.
        """
        exponent = max(0, failures - 1)
        if self.initial >= self.maximum:
            return float(self.maximum)
        if exponent == 0 or self.multiplier == 1:
            return float(self.initial)
        # Compared in logarithms, so that neither a large exponent nor a large multiplier overflows.
        growth = exponent * math.log(self.multiplier)
        if growth >= math.log(self.maximum) - math.log(self.initial):
            return float(self.maximum)
        try:
            grown = self.initial * self.multiplier**exponent
        except OverflowError:  # a tiny initial wait and a power beyond a float, whose product is not
            grown = math.exp(math.log(self.initial) + growth)
        return min(float(self.maximum), float(grown))

    def delay(self, failures: int) -> float:
        """The wait before the next attempt after `failures` failures in a row.

        Args:
            failures: How many attempts failed in a row, at least 1.

        Returns:
            A number of seconds from 0 to `cap` (the cap itself when jitter is off).
        """
        cap = self.cap(failures)
        return random.uniform(0.0, cap) if self.jitter else cap


def is_transient(error: BaseException) -> bool:
    """Whether an error is worth retrying: the network, HTTP 5xx or throttling.

    Args:
        error: What an SWF call raised.

    Returns:
        True for `TransportError`, `ServiceUnavailableError`, `ThrottlingError`, `UnexpectedResponseError`
        (an answer from a proxy or gateway rather than SWF), and any `ResponseError` with an HTTP status of
        408, 429 or 500 and more.
    """
    if isinstance(error, (TransportError, ServiceUnavailableError, ThrottlingError, UnexpectedResponseError)):
        return True
    if not isinstance(error, ResponseError):
        return False
    status = error.status or 0
    return status >= 500 or status in (408, 429)


@attrs.define
class FailureStreak:
    """Counts failures in a row of one kind of call, and logs the streak's start and end once each.

    Args:
        what: What is being retried, for the log, e.g. ``"polling task list 'crawl'"``.
        logger: Where to log.
    """

    what: str
    logger: logging.Logger
    failures: int = 0
    started_at: float | None = None

    def failed(self, error: SWFError, *, level: int = logging.WARNING) -> int:
        """Records one failure; logs it when it starts a streak (a warning, unless told another level).

        Args:
            error: What the call raised.
            level: The level of the streak's one log line, e.g. ``logging.ERROR`` for a failure that
                only someone's action (not time) will end.

        Returns:
            How many failures in a row there have been, this one included.
        """
        self.failures += 1
        if self.failures == 1:
            self.started_at = time.monotonic()
            self.logger.log(level, "%s failed, retrying with backoff: %s", self.what, error)
        return self.failures

    def succeeded(self) -> None:
        """Records a success; logs that the streak ended, when there was one."""
        if self.failures:
            elapsed = time.monotonic() - (self.started_at or time.monotonic())
            self.logger.info(
                "%s works again after %d failed attempt(s) over %.1f s", self.what, self.failures, elapsed
            )
        self.failures = 0
        self.started_at = None
