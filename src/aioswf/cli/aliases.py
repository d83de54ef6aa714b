"""The command's older spellings, kept working: ``domains``, ``types``, ``executions``, ``start``,
``history``, ``signal``, ``cancel``, ``terminate`` (and the global ``--json``).

Each takes its arguments as before (the domain first, as a positional argument) and runs the same code
as its newer spelling, so it prints the same output. They are left out of ``aioswf --help``'s list.
"""

from __future__ import annotations

from typing import Any

import click

from aioswf import constants
from aioswf.cli import domains as domain_commands
from aioswf.cli import executions as execution_commands
from aioswf.cli import types as type_commands
from aioswf.cli.errors import EXIT_USAGE, CommandError
from aioswf.cli.history import show_history
from aioswf.cli.invocation import Invocation, output_option, swf_command
from aioswf.models import Domain, WorkflowExecution

__all__ = ["register"]


@click.command("domains", hidden=True)
@click.argument("action", type=click.Choice(["list", "register", "deprecate"]), default="list")
@click.argument("name", required=False)
@click.option("--retention", type=click.IntRange(0, constants.MAX_RETENTION_DAYS), default=30)
@click.option("--description")
@click.option("--deprecated", is_flag=True)
@output_option
@swf_command
async def domains(
    inv: Invocation, action: str, name: str | None, retention: int, description: str | None, deprecated: bool
) -> None:
    """List, register or deprecate domains (now: aioswf domain ...)."""
    if action == "list":
        await domain_commands.list_domains(
            inv, deprecated=deprecated, limit=None, page_size=None, reverse=False
        )
        return
    if not name:
        raise CommandError(
            f"aioswf domains {action} needs a domain name",
            f"aioswf domain {action} NAME",
            exit_code=EXIT_USAGE,
        )
    if action == "register":
        await domain_commands.register_domain(inv, name, retention=retention, description=description)
    else:
        await Domain(name).delete()


@click.command("types", hidden=True)
@click.argument("domain")
@click.option("--activities", is_flag=True)
@click.option("--name")
@click.option("--deprecated", is_flag=True)
@output_option
@swf_command
async def types(inv: Invocation, domain: str, activities: bool, name: str | None, deprecated: bool) -> None:
    """List a domain's workflow (or activity) types (now: aioswf -d DOMAIN type list)."""
    await type_commands.list_types(inv, domain, activity=activities, deprecated=deprecated, name=name)


@click.command("executions", hidden=True)
@click.argument("domain")
@click.option("--closed", is_flag=True)
@click.option("--days", type=float, default=30)
@click.option("--tag")
@click.option("--workflow-id")
@click.option("--type", "type_name")
@click.option("--close-status", type=click.Choice(constants.CLOSE_STATUSES))
@click.option("--limit", type=click.IntRange(0))
@output_option
@swf_command
async def executions(inv: Invocation, domain: str, closed: bool, days: float, **given: Any) -> None:
    """List a domain's executions (now: aioswf -d DOMAIN execution list)."""
    filters: dict[str, Any] = {
        "status": constants.CLOSED if closed else constants.OPEN,
        "start_oldest_date": days,
        "tag": given["tag"],
        "workflow_id": given["workflow_id"],
        "workflow_type_name": given["type_name"],
        "close_status": given["close_status"],
    }
    await execution_commands.list_executions(
        inv, domain, filters=filters, limit=given["limit"], page_size=None, reverse=False
    )


@click.command("start", hidden=True)
@click.argument("domain")
@click.argument("name")
@click.argument("version")
@click.option("--workflow-id")
@click.option("--task-list")
@click.option("--input")
@click.option("--tag", "tags", multiple=True)
@output_option
@swf_command
async def start(
    inv: Invocation,
    domain: str,
    name: str,
    version: str,
    workflow_id: str | None,
    task_list: str | None,
    input: str | None,
    tags: tuple[str, ...],
) -> None:
    """Start an execution (now: aioswf -d DOMAIN execution start NAME VERSION)."""
    await execution_commands.start_execution(
        inv, domain, name, version, workflow_id=workflow_id, task_list=task_list, input=input, tags=tags
    )


@click.command("history", hidden=True)
@click.argument("domain")
@click.argument("workflow_id")
@click.argument("run_id")
@click.option("--summary", is_flag=True)
@output_option
@swf_command
async def history(inv: Invocation, domain: str, workflow_id: str, run_id: str, summary: bool) -> None:
    """Print an execution's history (now: aioswf -d DOMAIN execution history WORKFLOW_ID [RUN_ID])."""
    await show_history(inv, domain, workflow_id, run_id, summary=summary)


@click.command("signal", hidden=True)
@click.argument("domain")
@click.argument("workflow_id")
@click.argument("signal_name")
@click.option("--input")
@click.option("--run-id")
@swf_command
async def signal(
    inv: Invocation, domain: str, workflow_id: str, signal_name: str, input: str | None, run_id: str | None
) -> None:
    """Signal an execution (now: aioswf -d DOMAIN execution signal WORKFLOW_ID SIGNAL)."""
    await WorkflowExecution(domain, workflow_id, run_id).signal(signal_name, input=input)


@click.command("cancel", hidden=True)
@click.argument("domain")
@click.argument("workflow_id")
@click.option("--run-id")
@swf_command
async def cancel(inv: Invocation, domain: str, workflow_id: str, run_id: str | None) -> None:
    """Request an execution's cancellation (now: aioswf -d DOMAIN execution cancel WORKFLOW_ID)."""
    await WorkflowExecution(domain, workflow_id, run_id).request_cancel()


@click.command("terminate", hidden=True)
@click.argument("domain")
@click.argument("workflow_id")
@click.option("--reason")
@click.option("--details")
@click.option("--run-id")
@swf_command
async def terminate(
    inv: Invocation,
    domain: str,
    workflow_id: str,
    reason: str | None,
    details: str | None,
    run_id: str | None,
) -> None:
    """Terminate an execution (now: aioswf -d DOMAIN execution terminate WORKFLOW_ID)."""
    await WorkflowExecution(domain, workflow_id, run_id).terminate(reason=reason, details=details)


def register(group: click.Group) -> None:
    """Adds the older spellings to the root group."""
    for command in (domains, types, executions, start, history, signal, cancel, terminate):
        group.add_command(command)
