"""``aioswf type list|show|register|deprecate|undeprecate|delete``, for workflow and activity types."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any, TypeVar

import click

from aioswf import constants
from aioswf.cli.errors import EXIT_USAGE, CommandError
from aioswf.cli.invocation import (
    Invocation,
    OrderedGroup,
    as_timeout,
    domain_option,
    listing_options,
    output_option,
    swf_command,
)
from aioswf.cli.output import columns
from aioswf.models import ActivityType, WorkflowType
from aioswf.querysets import ActivityTypeQuerySet, WorkflowTypeQuerySet

__all__ = ["TYPE_COLUMNS", "list_types", "type_group", "type_row"]

F = TypeVar("F", bound=Callable[..., Any])

TYPE_COLUMNS = columns("name", "version", "status", "created", "description")
WORKFLOW_DETAIL = columns(
    "kind",
    "name",
    "version",
    "status",
    "created",
    "deprecated",
    "description",
    "task_list",
    "task_priority",
    "execution_timeout",
    "decision_timeout",
    "child_policy",
    "lambda_role",
)
ACTIVITY_DETAIL = columns(
    "kind",
    "name",
    "version",
    "status",
    "created",
    "deprecated",
    "description",
    "task_list",
    "task_priority",
    "schedule_to_start_timeout",
    "start_to_close_timeout",
    "schedule_to_close_timeout",
    "heartbeat_timeout",
)


def type_row(found: WorkflowType | ActivityType) -> dict[str, Any]:
    """A workflow or activity type as one item of output."""
    row: dict[str, Any] = {
        "kind": "activity" if isinstance(found, ActivityType) else "workflow",
        "name": found.name,
        "version": found.version,
        "status": found.status,
        "created": found.creation_date,
        "deprecated": found.deprecation_date,
        "description": found.description,
        "task_list": found.task_list,
        "task_priority": found.task_priority,
    }
    if isinstance(found, ActivityType):
        row.update(
            schedule_to_start_timeout=found.task_schedule_to_start_timeout,
            start_to_close_timeout=found.task_start_to_close_timeout,
            schedule_to_close_timeout=found.task_schedule_to_close_timeout,
            heartbeat_timeout=found.task_heartbeat_timeout,
        )
    else:
        row.update(
            execution_timeout=found.execution_timeout,
            decision_timeout=found.decision_tasks_timeout,
            child_policy=found.child_policy,
            lambda_role=found.lambda_role,
        )
    return row


def _queryset(domain: str, activity: bool) -> WorkflowTypeQuerySet | ActivityTypeQuerySet:
    return ActivityTypeQuerySet(domain) if activity else WorkflowTypeQuerySet(domain)


def _model(domain: str, name: str, version: str, activity: bool) -> WorkflowType | ActivityType:
    return ActivityType(domain, name, version) if activity else WorkflowType(domain, name, version)


async def list_types(
    inv: Invocation,
    domain: str,
    *,
    activity: bool,
    deprecated: bool,
    name: str | None,
    limit: int | None = None,
    page_size: int | None = None,
    reverse: bool = False,
) -> None:
    """Lists a domain's workflow or activity types, page by page."""
    status = constants.DEPRECATED if deprecated else constants.REGISTERED
    query = _queryset(domain, activity).filter(
        registration_status=status, name=name, page_size=page_size, limit=limit, reverse=reverse
    )

    async def rows() -> AsyncIterator[Mapping[str, Any]]:
        async for found in query:
            yield type_row(found)

    await inv.printer.listing(rows(), TYPE_COLUMNS, what="activity types" if activity else "workflow types")


def _kind_option(func: F) -> F:
    return click.option(
        "--activity", "-a", is_flag=True, help="An activity type (default: a workflow type)."
    )(func)


@click.group("type", cls=OrderedGroup)
def type_group() -> None:
    """List, show, register, deprecate and delete types.

    Workflow and activity types alike.

    Workflow types by default; --activity for activity types.
    """


@type_group.command("list")
@_kind_option
@click.option("--deprecated", is_flag=True, help="List deprecated types instead of registered ones.")
@click.option("--name", help="Only the versions of this type.")
@listing_options
@domain_option
@output_option
@swf_command
async def list_(
    inv: Invocation,
    activity: bool,
    deprecated: bool,
    name: str | None,
    limit: int | None,
    page_size: int | None,
    reverse: bool,
) -> None:
    """List a domain's workflow (or activity) types.

    \b
    Examples:
      aioswf -d crawl type list
      aioswf -d crawl type list --activity --name download
    """
    await list_types(
        inv,
        inv.domain,
        activity=activity,
        deprecated=deprecated,
        name=name,
        limit=limit,
        page_size=page_size,
        reverse=reverse,
    )


@type_group.command("show")
@click.argument("name")
@click.argument("version")
@_kind_option
@domain_option
@output_option
@swf_command
async def show(inv: Invocation, name: str, version: str, activity: bool) -> None:
    """Show a type with its defaults (task list, timeouts, child policy, ...).

    \b
    Examples:
      aioswf -d crawl type show crawl 1
      aioswf -d crawl type show download 1 --activity -o json
    """
    found = await _queryset(inv.domain, activity).get(name, version)
    inv.printer.item(type_row(found), ACTIVITY_DETAIL if activity else WORKFLOW_DETAIL)


_WORKFLOW_ONLY = ("execution_timeout", "decision_timeout", "child_policy", "lambda_role")
_ACTIVITY_ONLY = ("schedule_to_start", "start_to_close", "schedule_to_close", "heartbeat")


@type_group.command("register")
@click.argument("name")
@click.argument("version")
@_kind_option
@click.option("--task-list", help="Default task list.")
@click.option("--priority", type=int, help="Default task priority (higher first).")
@click.option("--description", help="A description (up to 1024 characters).")
@click.option(
    "--execution-timeout",
    callback=as_timeout,
    help="Workflow: default execution start-to-close timeout (e.g. 3600, 1h) [default: 300].",
)
@click.option(
    "--decision-timeout",
    callback=as_timeout,
    help="Workflow: default decision task start-to-close timeout (e.g. 60, NONE) [default: 300].",
)
@click.option(
    "--child-policy",
    type=click.Choice(constants.CHILD_POLICIES),
    help="Workflow: default child policy [default: TERMINATE].",
)
@click.option("--lambda-role", metavar="ARN", help="Workflow: default IAM role for Lambda tasks.")
@click.option("--schedule-to-start", callback=as_timeout, help="Activity: default schedule-to-start timeout.")
@click.option("--start-to-close", callback=as_timeout, help="Activity: default start-to-close timeout.")
@click.option("--schedule-to-close", callback=as_timeout, help="Activity: default schedule-to-close timeout.")
@click.option("--heartbeat", callback=as_timeout, help="Activity: default heartbeat timeout.")
@domain_option
@output_option
@swf_command
async def register(inv: Invocation, name: str, version: str, activity: bool, **options: Any) -> None:
    """Register a workflow (or activity) type.

    \b
    Examples:
      aioswf -d crawl type register crawl 1 --task-list decisions --execution-timeout 1h
      aioswf -d crawl type register download 1 --activity --task-list downloads --start-to-close 5m
    """
    wrong = _WORKFLOW_ONLY if activity else _ACTIVITY_ONLY
    given = [key for key in wrong if options.get(key) is not None]
    if given:
        flags = ", ".join("--" + key.replace("_", "-") for key in given)
        kind = "an activity" if activity else "a workflow"
        raise CommandError(
            f"{flags} does not apply to {kind} type",
            "drop it, or register the other kind (--activity for activity types)",
            exit_code=EXIT_USAGE,
        )
    common: dict[str, Any] = {
        "task_list": options["task_list"],
        "task_priority": options["priority"],
        "description": options["description"],
    }
    model: WorkflowType | ActivityType
    if activity:
        model = ActivityType(
            inv.domain,
            name,
            version,
            task_schedule_to_start_timeout=options["schedule_to_start"],
            task_start_to_close_timeout=options["start_to_close"],
            task_schedule_to_close_timeout=options["schedule_to_close"],
            task_heartbeat_timeout=options["heartbeat"],
            **common,
        )
    else:
        defaults = WorkflowType(inv.domain, name, version)
        model = WorkflowType(
            inv.domain,
            name,
            version,
            execution_timeout=options["execution_timeout"] or defaults.execution_timeout,
            decision_tasks_timeout=options["decision_timeout"] or defaults.decision_tasks_timeout,
            child_policy=options["child_policy"] or defaults.child_policy,
            lambda_role=options["lambda_role"],
            **common,
        )
    await model.save()
    inv.printer.rows([type_row(model)], columns("kind", "name", "version", "status"))


def _lifecycle(verb: str, summary: str, example: str) -> click.Command:
    @click.argument("name")
    @click.argument("version")
    @_kind_option
    @domain_option
    @swf_command
    async def command(inv: Invocation, name: str, version: str, activity: bool) -> None:
        found = _model(inv.domain, name, version, activity)
        if verb == "deprecate":
            await found.delete()
        elif verb == "undeprecate":
            await found.undelete()
        else:
            await found.destroy()

    command.__doc__ = f"{summary}\n\n\b\nExample:\n  {example}\n"
    return type_group.command(verb)(command)


deprecate = _lifecycle(
    "deprecate",
    "Deprecate a type: no new execution or task of it starts; running ones go on.",
    "aioswf -d crawl type deprecate crawl 1",
)
undeprecate = _lifecycle(
    "undeprecate", "Undeprecate a type.", "aioswf -d crawl type undeprecate download 1 --activity"
)
delete = _lifecycle(
    "delete",
    "Delete a deprecated type for good (it must be deprecated first).",
    "aioswf -d crawl type delete crawl 1",
)
