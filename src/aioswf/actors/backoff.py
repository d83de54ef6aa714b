"""Capped exponential backoff with full jitter, and the streaks of failures it paces.

An actor that runs for months meets dropped connections, HTTP 5xx and throttling. It retries them, waiting
``min(maximum, initial * multiplier ** n)`` seconds at most before the n-th retry, and a random share of that
(full jitter, so that many actors hitting the same outage do not retry in lockstep). It logs once when a
streak of failures begins and once when it ends, never once per retry.
"""

from __future__ import annotations

import logging
import random
import time

import attrs

from aioswf.exceptions import (
    ResponseError,
    ServiceUnavailableError,
    SWFError,
    ThrottlingError,
    TransportError,
)

__all__ = ["Backoff", "FailureStreak", "is_transient"]


def _positive(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if value <= 0:
        raise ValueError(f"{attribute.name} must be positive, got {value!r}")


@attrs.frozen
class Backoff:
    """How long to wait before retrying after a transient failure.

    Args:
        initial: The cap of the first wait, in seconds.
        maximum: The cap every wait stays under, in seconds.
        multiplier: How much the cap grows after each failure in a row.
        jitter: Whether to wait a random share of the cap (full jitter) rather than the cap itself.
    """

    initial: float = attrs.field(default=0.5, validator=_positive)
    maximum: float = attrs.field(default=60.0, validator=_positive)
    multiplier: float = attrs.field(default=2.0, validator=_positive)
    jitter: bool = True

    def cap(self, failures: int) -> float:
        """The longest wait after `failures` failures in a row.

        Args:
            failures: How many attempts failed in a row, at least 1.

        Returns:
            ``min(maximum, initial * multiplier ** (failures - 1))``.
        """
        exponent = max(0, failures - 1)
        # Past ~64 doublings the product overflows a float's range of interest; the cap is reached long before.
        if exponent > 64:
            return self.maximum
        return min(self.maximum, self.initial * self.multiplier**exponent)

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
        True for `TransportError`, `ServiceUnavailableError`, `ThrottlingError`, and any `ResponseError`
        with an HTTP status of 500 or more.
    """
    if isinstance(error, (TransportError, ServiceUnavailableError, ThrottlingError)):
        return True
    return isinstance(error, ResponseError) and (error.status or 0) >= 500


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

    def failed(self, error: SWFError) -> int:
        """Records one failure; logs a warning when it starts a streak.

        Args:
            error: What the call raised.

        Returns:
            How many failures in a row there have been, this one included.
        """
        self.failures += 1
        if self.failures == 1:
            self.started_at = time.monotonic()
            self.logger.warning("%s failed, retrying with backoff: %s", self.what, error)
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
