"""``aioswf worker MODULE:OBJECT [...]``: import actors (or flow workers) and run them until a signal.

OBJECT is anything with an actor's lifecycle (`Runnable`: ``start()``, ``stop(grace=...)``, ``run()``,
``is_running``, ``async with``), such as `aioswf.actors.Decider`, `aioswf.actors.ActivityWorker` or a
workflow-as-code worker; or a list or tuple of them; or a function without arguments, plain or async,
returning one of those (called once the connection is open, so the objects it builds find it).

The first SIGINT or SIGTERM stops every worker gracefully (in-flight tasks get ``--grace`` seconds, or
each worker's own grace); a second one stops them at once (their tasks are still reported to SWF).
"""

from __future__ import annotations

import importlib
import inspect
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

import anyio
import click
from anyio.abc import TaskStatus

from aioswf.cli.errors import EXIT_USAGE, CommandError, explain
from aioswf.cli.invocation import Invocation, as_duration, swf_command

__all__ = ["Runnable", "describe_worker", "load_target", "resolve_workers", "run_workers", "worker"]

logger = logging.getLogger("aioswf.cli.worker")

_SIGNALS = (signal.SIGINT, signal.SIGTERM)
_USAGE = (
    "OBJECT must be an actor (Decider, ActivityWorker, a flow Worker: anything with start(), "
    "stop(grace=...), run(), is_running), a list or tuple of them, or a function without arguments "
    "returning one of those"
)


@runtime_checkable
class Runnable(Protocol):
    """What ``aioswf worker`` runs: the lifecycle that actors and flow workers share."""

    @property
    def is_running(self) -> bool:
        """Whether it is running."""

    async def start(self) -> None:
        """Starts it on the running loop; returns once it runs."""

    async def stop(self, *, grace: float | None = None) -> None:
        """Stops it gracefully; returns once it is stopped."""

    async def run(self) -> None:
        """Runs it until it is stopped."""

    async def __aenter__(self) -> Any:
        """Starts it."""

    async def __aexit__(self, *exc_info: Any) -> Any:
        """Stops it."""


def _is_runnable(value: object) -> bool:
    # A class has the methods too; only instances run.
    return not isinstance(value, type) and isinstance(value, Runnable)


def load_target(target: str) -> object:
    """Imports ``MODULE:OBJECT`` (OBJECT may be dotted: ``module:app.workers``) and returns OBJECT.

    Raises:
        CommandError: When the target is malformed, the module cannot be imported or has no OBJECT.
    """
    module_name, sep, path = target.partition(":")
    if not sep or not module_name or not path:
        raise CommandError(
            f"{target!r} is not MODULE:OBJECT", "write it as e.g. myapp.workers:decider", exit_code=EXIT_USAGE
        )
    try:
        found: object = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name and module_name.startswith(error.name):
            raise CommandError(
                f"no module named {module_name!r}",
                "run from the folder that holds it (the current folder is searched first), or set PYTHONPATH",
            ) from error
        raise CommandError(
            f"importing {module_name!r} failed: {error}", "install what it needs (--debug shows where)"
        ) from error
    except Exception as error:
        raise CommandError(
            f"importing {module_name!r} failed: {type(error).__name__}: {error}",
            "fix the module (--debug shows the traceback)",
        ) from error
    for part in path.split("."):
        try:
            found = getattr(found, part)
        except AttributeError:
            raise CommandError(
                f"{module_name!r} has no {path!r}", f"check OBJECT in {target!r}", exit_code=EXIT_USAGE
            ) from None
    return found


def _as_workers(value: object) -> list[Runnable] | None:
    if _is_runnable(value):
        return [value]  # type: ignore[list-item]
    if isinstance(value, (list, tuple)) and value and all(_is_runnable(item) for item in value):
        return list(value)
    return None


async def resolve_workers(target: str, value: object) -> list[Runnable]:
    """The workers `value` (imported from `target`) stands for: itself, its items, or what it returns.

    Raises:
        CommandError: When it is none of those.
    """
    workers = _as_workers(value)
    if workers is not None:
        return workers
    if callable(value):
        try:
            required = [
                p.name
                for p in inspect.signature(value).parameters.values()
                if p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
            ]
        except (TypeError, ValueError):
            required = []
        if required:
            raise CommandError(
                f"{target} takes arguments ({', '.join(required)})", _USAGE, exit_code=EXIT_USAGE
            )
        made = value()
        if inspect.isawaitable(made):
            made = await made
        workers = _as_workers(made)
        if workers is not None:
            return workers
        raise CommandError(f"{target}() returned a {type(made).__name__}", _USAGE, exit_code=EXIT_USAGE)
    raise CommandError(f"{target} is a {type(value).__name__}", _USAGE, exit_code=EXIT_USAGE)


def describe_worker(found: object) -> str:
    """Where a worker polls, for the logs: ``Decider on crawl/decisions``."""
    domain = getattr(found, "domain_name", None) or getattr(found, "domain", None)
    domain = getattr(domain, "name", domain)
    task_list = getattr(found, "task_list", None)
    kind = type(found).__name__
    if domain and task_list:
        return f"{kind} on domain {domain!r}, task list {task_list!r}"
    if domain:
        return f"{kind} on domain {domain!r}"
    return repr(found)


async def _stop_all(workers: Sequence[Runnable], grace: float | None) -> None:
    async with anyio.create_task_group() as group:
        for found in workers:
            group.start_soon(_stop_one, found, grace)


async def _stop_one(found: Runnable, grace: float | None) -> None:
    await found.stop(grace=grace)


async def _stop_on_signals(
    workers: Sequence[Runnable], grace: float | None, *, task_status: TaskStatus[None]
) -> None:
    if threading.current_thread() is not threading.main_thread():  # pragma: no cover - the CLI's is main
        task_status.started()
        return
    with anyio.open_signal_receiver(*_SIGNALS) as received:
        async with anyio.create_task_group() as group:
            task_status.started()
            count = 0
            async for signum in received:
                count += 1
                name = signal.Signals(signum).name
                if count == 1:
                    how = "their own grace" if grace is None else f"{grace:g} s"
                    logger.warning(
                        "%s: stopping %d worker(s) gracefully (%s; again to stop at once)",
                        name,
                        len(workers),
                        how,
                    )
                    group.start_soon(_stop_all, workers, grace)
                else:
                    logger.warning("%s again: stopping the workers at once", name)
                    group.start_soon(_stop_all, workers, 0.0)


async def run_workers(
    workers: Sequence[Runnable], *, grace: float | None = None
) -> list[tuple[Runnable, Exception]]:
    """Runs the workers until a signal (or `Runnable.stop` from elsewhere) stops them all.

    When one stops on an error, the others are stopped gracefully.

    Returns:
        The workers that stopped on an error, with their errors.
    """
    failures: list[tuple[Runnable, Exception]] = []

    async def supervise(found: Runnable) -> None:
        try:
            await found.run()
        except Exception as error:
            failures.append((found, error))
            logger.error("%s stopped on an error: %s", describe_worker(found), error)
            await _stop_all([other for other in workers if other is not found], grace)

    async with anyio.create_task_group() as outer:
        await outer.start(_stop_on_signals, workers, grace)
        async with anyio.create_task_group() as group:
            for found in workers:
                group.start_soon(supervise, found)
        outer.cancel_scope.cancel()
    return failures


def _configure_logging(level: str) -> None:
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        force=True,
    )
    logging.getLogger("aioswf").setLevel(level.upper())


@click.command("worker")
@click.argument("targets", metavar="MODULE:OBJECT...", nargs=-1, required=True)
@click.option(
    "--grace",
    callback=as_duration,
    metavar="SECONDS",
    help="On SIGINT/SIGTERM, how long in-flight tasks get to finish (default: each worker's, 30 s).",
)
@click.option(
    "--log-level",
    type=click.Choice(["debug", "info", "warning"]),
    default="info",
    show_default=True,
    help="How much to log (--debug means debug).",
)
@swf_command
async def worker(inv: Invocation, targets: tuple[str, ...], grace: float | None, log_level: str) -> int:
    """Run actors or flow workers until SIGINT or SIGTERM.

    Then they stop gracefully.

    OBJECT is an actor (aioswf.actors.Decider, ActivityWorker), a flow worker, a list or tuple of them,
    or a function without arguments (plain or async) returning one of those. The current folder is
    searched for MODULE first. Each worker's domain and task list are logged as it starts polling.

    \b
    Examples:
      aioswf worker myapp.workers:decider myapp.workers:downloader
      aioswf --endpoint-url http://127.0.0.1:8080 worker myapp.workers:make_actors --grace 60
    """
    _configure_logging("debug" if inv.settings.debug else log_level)
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    workers: list[Runnable] = []
    for target in targets:
        workers.extend(await resolve_workers(target, load_target(target)))
    where = f"{inv.connection.endpoint_url} ({inv.connection.region_name})"
    for found in workers:
        logger.info("%s polls at %s", describe_worker(found), where)
    logger.info("running %d worker(s); SIGINT or SIGTERM stops them gracefully", len(workers))
    failures = await run_workers(workers, grace=grace)
    if failures:
        found, error = failures[0]
        what, fix, _ = explain(error, endpoint=inv.settings.endpoint_url)
        more = f" (and {len(failures) - 1} more)" if len(failures) > 1 else ""
        raise CommandError(f"{describe_worker(found)} stopped{more}: {what}", fix) from error
    logger.info("all workers stopped")
    return 0
