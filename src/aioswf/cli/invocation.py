"""What every ``aioswf`` command shares: the global settings, the connection, and options used by many.

A command module defines click commands whose callbacks are ``async def`` functions taking an
`Invocation` first, wrapped by `swf_command`, which opens one `aioswf.Connection` from the global options
(``--endpoint-url``, ``--region``, ``--profile``) for the command's run::

    @click.command("show")
    @click.argument("name")
    @swf_command
    async def show(inv: Invocation, name: str) -> None:
        domain = await DomainQuerySet().get(name)
        inv.printer.item({"name": domain.name}, columns("name"))
"""

from __future__ import annotations

import asyncio
import functools
import re
import sys
from collections.abc import Callable, Coroutine
from datetime import datetime, timedelta, timezone
from typing import Any, TypeVar

import attrs
import click

from aioswf.cli.errors import EXIT_USAGE, CommandError
from aioswf.cli.output import OutputFormat, Printer, is_terminal
from aioswf.connection import Connection

__all__ = [
    "Invocation",
    "OrderedGroup",
    "Settings",
    "as_duration",
    "as_timeout",
    "as_when",
    "domain_option",
    "listing_options",
    "output_option",
    "run_async",
    "swf_command",
]

F = TypeVar("F", bound=Callable[..., Any])


@attrs.define
class Settings:
    """The global options, as given on the command line or by their environment variables.

    Attributes:
        endpoint_url: ``--endpoint-url`` (``AWS_ENDPOINT_URL_SWF``).
        region: ``--region`` (``AWS_DEFAULT_REGION``).
        profile: ``--profile`` when given on the command line (botocore reads ``AWS_PROFILE`` itself,
            after the keys of ``~/.swf`` and the environment, as the AWS CLI does).
        domain: ``--domain`` (``AIOSWF_DOMAIN``).
        output: ``--output``; ``None`` means a table on a terminal, TSV otherwise.
        debug: ``--debug``: tracebacks and debug logs.
    """

    endpoint_url: str | None = None
    region: str | None = None
    profile: str | None = None
    domain: str | None = None
    output: OutputFormat | None = None
    debug: bool = False

    def output_format(self) -> OutputFormat:
        """The format to print in."""
        if self.output is not None:
            return self.output
        return OutputFormat.TABLE if is_terminal(sys.stdout) else OutputFormat.TSV

    def connection(self) -> Connection:
        """A new, unopened connection built from the global options."""
        return Connection(region_name=self.region, endpoint_url=self.endpoint_url, profile_name=self.profile)

    def require_domain(self, given: str | None = None) -> str:
        """The domain a command works in: the one given to it, else ``--domain``.

        Raises:
            CommandError: When there is neither (exit status 2).
        """
        domain = given or self.domain
        if not domain:
            raise CommandError(
                "no domain given",
                "pass --domain NAME (before or after the command) or set AIOSWF_DOMAIN",
                exit_code=EXIT_USAGE,
            )
        return domain


@attrs.define
class Invocation:
    """One run of a command: the settings, the open connection and the printer.

    Attributes:
        settings: The global options.
        connection: The open connection (also the current one in the command's context).
        printer: Prints in the chosen format.
    """

    settings: Settings
    connection: Connection
    printer: Printer

    @property
    def domain(self) -> str:
        """The domain from ``--domain``.

        Raises:
            CommandError: When none was given.
        """
        return self.settings.require_domain()


class OrderedGroup(click.Group):
    """A group that lists its commands in the order they were added, not alphabetically."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """The commands' names, in the order they were added."""
        return list(self.commands)


def settings() -> Settings:
    """The current command's settings (made on first use)."""
    return click.get_current_context().ensure_object(Settings)


def run_async(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """Runs a command's coroutine on a new event loop and returns its result."""
    return asyncio.run(coroutine)


def swf_command(func: Callable[..., Coroutine[Any, Any, Any]]) -> Callable[..., Any]:
    """Makes an ``async def`` taking an `Invocation` first into a click callback run with a connection.

    The connection is built from the global options, opened for the run and closed after it. What the
    function returns (an exit status, or ``None`` for 0) is the command's.
    """

    @functools.wraps(func)
    def callback(**params: Any) -> Any:
        current = settings()

        async def run() -> Any:
            async with current.connection() as connection:
                invocation = Invocation(current, connection, Printer(current.output_format()))
                return await func(invocation, **params)

        return run_async(run())

    return callback


def _set_output(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.ensure_object(Settings).output = OutputFormat(value)


def _set_json(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        ctx.ensure_object(Settings).output = OutputFormat.JSON


def _set_domain(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value:
        ctx.ensure_object(Settings).domain = value


def output_option(func: F) -> F:
    """Adds ``-o/--output`` (and the older ``--json``) to a command, overriding the global option."""
    func = click.option(
        "--json",
        is_flag=True,
        expose_value=False,
        hidden=True,
        callback=_set_json,
        help="Same as --output json.",
    )(func)
    return click.option(
        "-o",
        "--output",
        type=click.Choice([f.value for f in OutputFormat]),
        expose_value=False,
        callback=_set_output,
        help="Output format (default: table on a terminal, tsv in a pipe).",
    )(func)


def domain_option(func: F) -> F:
    """Adds ``-d/--domain`` to a command, overriding the global option."""
    return click.option(
        "-d",
        "--domain",
        metavar="NAME",
        expose_value=False,
        callback=_set_domain,
        help="The domain (default: the global --domain, or AIOSWF_DOMAIN).",
    )(func)


def listing_options(func: F) -> F:
    """Adds ``--limit``, ``--page-size`` and ``--reverse`` to a listing command."""
    func = click.option("--reverse", is_flag=True, help="Reverse SWF's order.")(func)
    func = click.option(
        "--page-size",
        type=click.IntRange(1, 1000),
        metavar="N",
        help="Items per request (1-1000; default: SWF's, 1000).",
    )(func)
    return click.option(
        "--limit",
        type=click.IntRange(0),
        metavar="N",
        help="Stop after N items (no more pages are asked for).",
    )(func)


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$")
_UNITS = {"": 1.0, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0}


def parse_duration(value: Any) -> float | None:
    """Seconds in ``90``, ``90s``, ``15m``, ``12h``, ``7d`` or ``2w``; ``None`` if it is none of these."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    match = _DURATION.match(str(value))
    if match is None:
        return None
    return float(match.group(1)) * _UNITS[match.group(2)]


# Conversions are option callbacks rather than click.ParamType subclasses: ParamType became generic in
# click 8.4, and these work the same with every click 8.


def as_duration(ctx: click.Context, param: click.Parameter, value: Any) -> float | None:
    """An option's duration: seconds (``90``) or with a unit: ``90s``, ``15m``, ``12h``, ``7d``, ``2w``."""
    if value is None:
        return None
    seconds = parse_duration(value)
    if seconds is None:
        raise click.BadParameter(f"{value!r} is not a duration such as 90, 90s, 15m, 12h or 7d", ctx, param)
    return seconds


def as_timeout(ctx: click.Context, param: click.Parameter, value: Any) -> str | None:
    """An option's SWF timeout: a duration (``300``, ``5m``, ``2h``) or ``NONE``, as SWF's string of seconds."""
    if value is None:
        return None
    if str(value).strip().upper() == "NONE":
        return "NONE"
    seconds = parse_duration(value)
    if seconds is None:
        raise click.BadParameter(f"{value!r} is not a timeout such as 300, 5m, 2h or NONE", ctx, param)
    if seconds != int(seconds):
        raise click.BadParameter(f"{value!r}: SWF counts timeouts in whole seconds", ctx, param)
    return str(int(seconds))


def as_when(ctx: click.Context, param: click.Parameter, value: Any) -> datetime | None:
    """An option's point in time: ISO 8601 (``2024-05-01``, ``2024-05-01T12:00``; local time unless an
    offset is given), or how long ago: ``7d``, ``12h``, ``30m`` (a bare number is days, as the seed counted)."""
    if value is None:
        return None
    text = str(value).strip()
    match = _DURATION.match(text)
    if match is not None:
        unit = match.group(2) or "d"
        return datetime.now(timezone.utc) - timedelta(seconds=float(match.group(1)) * _UNITS[unit])
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is neither an ISO 8601 date or time (2024-05-01, 2024-05-01T12:00) "
            "nor a time ago (7d, 12h, 30m)",
            ctx,
            param,
        ) from None
    return parsed if parsed.tzinfo is not None else parsed.astimezone()
