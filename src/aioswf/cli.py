"""The ``aioswf`` command: look at and act on an SWF endpoint from a shell.

::

    aioswf local --port 8080                           # run the local SWF server
    aioswf --endpoint-url http://127.0.0.1:8080 domains
    aioswf domains register crawl --retention 7
    aioswf types crawl                                 # workflow types (--activities for activity types)
    aioswf executions crawl --closed --close-status FAILED
    aioswf start crawl crawl 1 --input '{"url": "..."}'
    aioswf history crawl WORKFLOW_ID RUN_ID
    aioswf signal crawl WORKFLOW_ID stop --input now
    aioswf terminate crawl WORKFLOW_ID --reason "by hand"

The endpoint and region come from ``--endpoint-url`` and ``--region``, else from the usual sources
(``AWS_ENDPOINT_URL_SWF``, ``~/.swf``, the environment; see `aioswf.credentials`). Output is one line per
item, tab-separated, so it pipes well; ``--json`` prints JSON instead.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable, Coroutine, Sequence
from datetime import datetime
from typing import Any, TextIO

from aioswf import constants
from aioswf.connection import Connection
from aioswf.exceptions import SWFError
from aioswf.models import Domain, WorkflowExecution, WorkflowType
from aioswf.querysets import (
    ActivityTypeQuerySet,
    DomainQuerySet,
    WorkflowExecutionQuerySet,
    WorkflowTypeQuerySet,
)

__all__ = ["main"]

Command = Callable[[argparse.Namespace, TextIO], Coroutine[Any, Any, None]]


def _text(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _emit(out: TextIO, args: argparse.Namespace, rows: Sequence[dict[str, Any]]) -> None:
    if args.json:
        json.dump(list(rows), out, default=_text, indent=2)
        out.write("\n")
        return
    for row in rows:
        out.write("\t".join(_text(value) for value in row.values()) + "\n")


async def _domains(args: argparse.Namespace, out: TextIO) -> None:
    if args.action == "register":
        domain = await DomainQuerySet().create(
            args.name, description=args.description, retention_period=args.retention
        )
        _emit(
            out, args, [{"name": domain.name, "status": domain.status, "retention": domain.retention_period}]
        )
        return
    if args.action == "deprecate":
        await Domain(args.name).delete()
        return
    status = constants.DEPRECATED if args.deprecated else constants.REGISTERED
    rows = [
        {"name": d.name, "status": d.status, "description": d.description}
        async for d in DomainQuerySet().all(status)
    ]
    _emit(out, args, rows)


async def _types(args: argparse.Namespace, out: TextIO) -> None:
    status = constants.DEPRECATED if args.deprecated else constants.REGISTERED
    queryset: WorkflowTypeQuerySet | ActivityTypeQuerySet = (
        ActivityTypeQuerySet(args.domain) if args.activities else WorkflowTypeQuerySet(args.domain)
    )
    rows = [
        {"name": t.name, "version": t.version, "status": t.status, "created": t.creation_date}
        async for t in queryset.filter(registration_status=status, name=args.name)
    ]
    _emit(out, args, rows)


async def _executions(args: argparse.Namespace, out: TextIO) -> None:
    filters: dict[str, Any] = {"status": constants.CLOSED if args.closed else constants.OPEN}
    for key in ("tag", "workflow_id", "close_status"):
        if getattr(args, key) is not None:
            filters[key] = getattr(args, key)
    if args.type is not None:
        filters["workflow_type_name"] = args.type
    filters["start_oldest_date"] = args.days
    query = WorkflowExecutionQuerySet(args.domain).filter(limit=args.limit, **filters)
    rows = [
        {
            "workflow_id": e.workflow_id,
            "run_id": e.run_id,
            "type": f"{e.workflow_type.name}/{e.workflow_type.version}" if e.workflow_type else None,
            "status": e.close_status or e.status,
            "started": e.start_timestamp,
        }
        async for e in query
    ]
    _emit(out, args, rows)


async def _start(args: argparse.Namespace, out: TextIO) -> None:
    execution = await WorkflowType(args.domain, args.name, args.version).start_execution(
        args.workflow_id, task_list=args.task_list, input=args.input, tag_list=args.tag or None
    )
    _emit(out, args, [{"workflow_id": execution.workflow_id, "run_id": execution.run_id}])


async def _history(args: argparse.Namespace, out: TextIO) -> None:
    history = await WorkflowExecution(args.domain, args.workflow_id, args.run_id).history()
    rows = [
        {"id": event.id, "timestamp": event.timestamp, "event": event.name, "state": event.state}
        for event in history
    ]
    _emit(out, args, rows)


async def _signal(args: argparse.Namespace, out: TextIO) -> None:
    await WorkflowExecution(args.domain, args.workflow_id, args.run_id).signal(args.signal, input=args.input)


async def _cancel(args: argparse.Namespace, out: TextIO) -> None:
    await WorkflowExecution(args.domain, args.workflow_id, args.run_id).request_cancel()


async def _terminate(args: argparse.Namespace, out: TextIO) -> None:
    await WorkflowExecution(args.domain, args.workflow_id, args.run_id).terminate(
        reason=args.reason, details=args.details
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="aioswf", description="Look at and act on Amazon SWF.")
    parser.add_argument("--endpoint-url", help="the SWF endpoint (default: AWS's, or AWS_ENDPOINT_URL_SWF)")
    parser.add_argument("--region", help="the AWS region (default: from ~/.swf or the environment)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of tab-separated lines")
    commands = parser.add_subparsers(dest="command", required=True)

    local = commands.add_parser("local", help="run the local SWF server (as python -m aioswf.local)")
    local.add_argument("rest", nargs=argparse.REMAINDER, help="arguments of python -m aioswf.local")

    domains = commands.add_parser("domains", help="list, register or deprecate domains")
    domains.add_argument("action", nargs="?", choices=["list", "register", "deprecate"], default="list")
    domains.add_argument("name", nargs="?", help="the domain (register, deprecate)")
    domains.add_argument("--retention", type=int, default=30, help="retention in days (register)")
    domains.add_argument("--description", help="description (register)")
    domains.add_argument("--deprecated", action="store_true", help="list deprecated domains")
    domains.set_defaults(run=_domains)

    types = commands.add_parser("types", help="list a domain's workflow (or activity) types")
    types.add_argument("domain")
    types.add_argument("--activities", action="store_true", help="activity types instead")
    types.add_argument("--name", help="only the versions of this type")
    types.add_argument("--deprecated", action="store_true", help="deprecated types")
    types.set_defaults(run=_types)

    executions = commands.add_parser("executions", help="list a domain's executions")
    executions.add_argument("domain")
    executions.add_argument("--closed", action="store_true", help="closed executions (default: open)")
    executions.add_argument(
        "--days", type=float, default=30, help="started in the last DAYS days (default 30)"
    )
    executions.add_argument("--tag")
    executions.add_argument("--workflow-id")
    executions.add_argument("--type", help="workflow type name")
    executions.add_argument("--close-status", choices=constants.CLOSE_STATUSES)
    executions.add_argument("--limit", type=int, help="at most this many")
    executions.set_defaults(run=_executions)

    start = commands.add_parser("start", help="start an execution of a workflow type")
    start.add_argument("domain")
    start.add_argument("name")
    start.add_argument("version")
    start.add_argument("--workflow-id")
    start.add_argument("--task-list")
    start.add_argument("--input")
    start.add_argument("--tag", action="append", help="a tag (repeatable, up to 5)")
    start.set_defaults(run=_start)

    for verb, run, help_text in (
        ("history", _history, "print an execution's history"),
        ("signal", _signal, "signal an execution"),
        ("cancel", _cancel, "request an execution's cancellation"),
        ("terminate", _terminate, "terminate an execution"),
    ):
        sub = commands.add_parser(verb, help=help_text)
        sub.add_argument("domain")
        sub.add_argument("workflow_id")
        if verb == "signal":
            sub.add_argument("signal", help="the signal's name")
            sub.add_argument("--input")
        if verb == "terminate":
            sub.add_argument("--reason")
            sub.add_argument("--details")
        if verb == "history":
            sub.add_argument("run_id", help="the run id")
        else:
            sub.add_argument("--run-id", help="the run id (default: the open run)")
        sub.set_defaults(run=run)
    return parser


async def _run(args: argparse.Namespace, out: TextIO) -> None:
    command: Command = args.run
    async with Connection(region_name=args.region, endpoint_url=args.endpoint_url):
        await command(args, out)


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Runs the ``aioswf`` command.

    Args:
        argv: The arguments (default: the process's).
        out: Where to print (default: standard output).

    Returns:
        The exit status: 0 on success, 1 when SWF refused, 2 for bad arguments.
    """
    args = _parser().parse_args(argv)
    if args.command == "local":
        from aioswf.local.__main__ import main as local_main

        return local_main(args.rest)
    if args.command == "domains" and args.action != "list" and not args.name:
        print(f"aioswf domains {args.action}: a domain name is required", file=sys.stderr)
        return 2
    try:
        asyncio.run(_run(args, out or sys.stdout))
    except SWFError as error:
        print(f"aioswf: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
