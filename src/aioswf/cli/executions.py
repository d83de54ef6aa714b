"""``aioswf execution list|show|start|signal|cancel|terminate|wait|restart`` (``history`` is in history.py).

Where a run id is optional, the command acts on the workflow id's open run, else on its latest closed one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from datetime import datetime, timedelta, timezone
from typing import IO, Any, TypeVar

import anyio
import attrs
import click

from aioswf import constants
from aioswf.cli.errors import EXIT_USAGE, CommandError
from aioswf.cli.invocation import (
    Invocation,
    OrderedGroup,
    as_duration,
    as_timeout,
    as_when,
    domain_option,
    listing_options,
    output_option,
    swf_command,
)
from aioswf.cli.output import Progress, columns
from aioswf.models import ExecutionOutcome, WorkflowExecution, WorkflowType
from aioswf.querysets import WorkflowExecutionQuerySet

__all__ = [
    "EXECUTION_COLUMNS",
    "EXIT_NOT_COMPLETED",
    "execution",
    "execution_row",
    "list_executions",
    "resolve_run",
    "start_execution",
]

F = TypeVar("F", bound=Callable[..., Any])

#: ``execution wait``'s exit status when the execution closed other than completed.
EXIT_NOT_COMPLETED = 3

EXECUTION_COLUMNS = columns("workflow_id", "run_id", "type", "status", "started", "closed")
EXECUTION_DETAIL = columns(
    "workflow_id",
    "run_id",
    "type",
    "status",
    "close_status",
    "started",
    "closed",
    "task_list",
    "task_priority",
    "child_policy",
    "execution_timeout",
    "decision_timeout",
    "lambda_role",
    "tags",
    "cancel_requested",
    "parent_workflow_id",
    "parent_run_id",
    "open_activities",
    "open_decisions",
    "open_timers",
    "open_children",
    "open_lambdas",
    "latest_activity_scheduled",
    "latest_context",
    "input",
)
OUTCOME_COLUMNS = columns(
    "workflow_id", "run_id", "close_status", "result", "reason", "details", "new_run_id"
)
STARTED_COLUMNS = columns("workflow_id", "run_id")

# Runs are looked up over the longest an execution can live (a year) plus SWF's longest retention.
_LOOKBACK = timedelta(days=366 + constants.MAX_RETENTION_DAYS)


def execution_row(found: WorkflowExecution) -> dict[str, Any]:
    """An execution as one item of output (a listing entry or a description)."""
    wtype = found.workflow_type
    raw_config = (found.raw.get("executionConfiguration") or {}) if found.raw else {}
    counts = found.open_counts or {}
    return {
        "workflow_id": found.workflow_id,
        "run_id": found.run_id,
        "type": f"{wtype.name}/{wtype.version}" if wtype else None,
        "type_name": wtype.name if wtype else None,
        "type_version": wtype.version if wtype else None,
        "status": found.close_status or found.status,
        "execution_status": found.status,
        "close_status": found.close_status,
        "started": found.start_timestamp,
        "closed": found.close_timestamp,
        "tags": list(found.tag_list or ()),
        "cancel_requested": found.cancel_requested,
        "parent_workflow_id": found.parent[0] if found.parent else None,
        "parent_run_id": found.parent[1] if found.parent else None,
        "task_list": found.task_list,
        "task_priority": raw_config.get("taskPriority"),
        "child_policy": found.child_policy,
        "execution_timeout": found.execution_timeout,
        "decision_timeout": found.decision_tasks_timeout,
        "lambda_role": raw_config.get("lambdaRole"),
        "open_activities": counts.get("openActivityTasks"),
        "open_decisions": counts.get("openDecisionTasks"),
        "open_timers": counts.get("openTimers"),
        "open_children": counts.get("openChildWorkflowExecutions"),
        "open_lambdas": counts.get("openLambdaFunctions"),
        "latest_activity_scheduled": found.latest_activity_task_timestamp,
        "latest_context": found.latest_execution_context,
        "input": found.input,
    }


async def resolve_run(domain: str, workflow_id: str, run_id: str | None) -> str:
    """The run id given, else the workflow id's open run, else its latest closed run.

    Raises:
        CommandError: When the domain has no execution with that workflow id.
    """
    if run_id:
        return run_id
    since = datetime.now(timezone.utc) - _LOOKBACK
    queryset = WorkflowExecutionQuerySet(domain)
    for status in (constants.OPEN, constants.CLOSED):
        async for found in queryset.filter(
            status=status, workflow_id=workflow_id, start_oldest_date=since, limit=1
        ):
            if found.run_id:
                return found.run_id
    raise CommandError(
        f"no execution with workflow id {workflow_id!r} in domain {domain!r}",
        "`aioswf execution list` shows the open ones, `--closed` the closed ones",
    )


async def first_event(domain: str, workflow_id: str, run_id: str) -> Mapping[str, Any]:
    """The raw ``WorkflowExecutionStarted`` event of a run (one request, one event)."""
    pages = WorkflowExecution(domain, workflow_id, run_id).events(page_size=1)
    try:
        async for page in pages:
            for event in page:
                return event.raw
    finally:
        await pages.aclose()
    raise CommandError(f"{workflow_id} (run {run_id}) has an empty history", "check the run id")


async def describe(domain: str, workflow_id: str, run_id: str) -> WorkflowExecution:
    """The run as DescribeWorkflowExecution tells it, with its input from the history."""
    found = await WorkflowExecution(domain, workflow_id, run_id).describe()
    started = await first_event(domain, workflow_id, run_id)
    attributes = started.get("workflowExecutionStartedEventAttributes") or {}
    # SWF's description of an execution lacks its input.
    return attrs.evolve(found, input=attributes.get("input"))


async def list_executions(
    inv: Invocation,
    domain: str,
    *,
    filters: dict[str, Any],
    limit: int | None,
    page_size: int | None,
    reverse: bool,
) -> None:
    """Lists executions matching the queryset's `filters`, page by page."""
    query = WorkflowExecutionQuerySet(domain).filter(
        limit=limit, page_size=page_size, reverse=reverse, **filters
    )

    async def rows() -> AsyncIterator[Mapping[str, Any]]:
        async for found in query:
            yield execution_row(found)

    await inv.printer.listing(rows(), EXECUTION_COLUMNS, what="executions")


def read_input(text: str | None, file: IO[str] | None, *, flag: str = "--input") -> str | None:
    """The input given as text or as a file (``-`` for standard input); not both."""
    if text is not None and file is not None:
        raise CommandError(f"both {flag} and {flag}-file given", "give one of them", exit_code=EXIT_USAGE)
    if file is not None:
        return file.read()
    return text


async def start_execution(
    inv: Invocation,
    domain: str,
    name: str,
    version: str,
    *,
    workflow_id: str | None = None,
    task_list: str | None = None,
    input: str | None = None,
    tags: tuple[str, ...] = (),
    execution_timeout: str | None = None,
    decision_timeout: str | None = None,
    child_policy: str | None = None,
    priority: int | None = None,
    lambda_role: str | None = None,
) -> WorkflowExecution:
    """Starts an execution of a workflow type and prints its workflow id and run id."""
    started = await WorkflowType(domain, name, version).start_execution(
        workflow_id,
        task_list=task_list,
        child_policy=child_policy,
        execution_timeout=execution_timeout,
        input=input,
        tag_list=list(tags) or None,
        decision_tasks_timeout=decision_timeout,
        task_priority=priority,
        lambda_role=lambda_role,
    )
    inv.printer.rows([{"workflow_id": started.workflow_id, "run_id": started.run_id}], STARTED_COLUMNS)
    return started


@click.group("execution", cls=OrderedGroup)
def execution() -> None:
    """List, show, start, signal, stop and restart executions.

    Also: history (the events, or a per-activity profile), wait.

    RUN_ID may be omitted: the workflow id's open run is meant, else its latest closed one.
    """


@execution.command("list")
@click.option("--closed", is_flag=True, help="Closed executions (default: open ones).")
@click.option("--workflow-id", metavar="ID", help="Only executions with this workflow id.")
@click.option("--type", "type_name", metavar="NAME", help="Only executions of this workflow type.")
@click.option("--type-version", metavar="VERSION", help="... and this version of it (with --type).")
@click.option("--tag", help="Only executions carrying this tag.")
@click.option(
    "--close-status",
    type=click.Choice(constants.CLOSE_STATUSES),
    help="Only closed executions that closed so (implies --closed).",
)
@click.option(
    "--started-after",
    callback=as_when,
    metavar="WHEN",
    help="Started after WHEN: ISO 8601 (2024-05-01, 2024-05-01T12:00) or ago (7d, 12h) [default: 30d].",
)
@click.option("--started-before", callback=as_when, metavar="WHEN", help="Started before WHEN.")
@click.option(
    "--closed-after", callback=as_when, metavar="WHEN", help="Closed after WHEN (closed executions)."
)
@click.option(
    "--closed-before", callback=as_when, metavar="WHEN", help="Closed before WHEN (with --closed-after)."
)
@listing_options
@domain_option
@output_option
@swf_command
async def list_(
    inv: Invocation,
    closed: bool,
    workflow_id: str | None,
    type_name: str | None,
    type_version: str | None,
    tag: str | None,
    close_status: str | None,
    started_after: datetime | None,
    started_before: datetime | None,
    closed_after: datetime | None,
    closed_before: datetime | None,
    limit: int | None,
    page_size: int | None,
    reverse: bool,
) -> None:
    """List a domain's executions, newest first, with SWF's filters.

    SWF takes one of --workflow-id, --type, --tag and --close-status at a time, and one time window:
    when started or (closed executions) when closed.

    \b
    Examples:
      aioswf -d crawl execution list
      aioswf -d crawl execution list --closed --close-status FAILED --started-after 7d
      aioswf -d crawl execution list --type crawl -o json | jq -r .run_id
    """
    closed = closed or close_status is not None or closed_after is not None or closed_before is not None
    # The queryset takes None as "not given" (start_oldest_date=None: the last 30 days).
    filters: dict[str, Any] = {
        "status": constants.CLOSED if closed else constants.OPEN,
        "workflow_id": workflow_id,
        "workflow_type_name": type_name,
        "workflow_type_version": type_version,
        "tag": tag,
        "close_status": close_status,
        "start_oldest_date": started_after,
        "start_latest_date": started_before,
        "close_oldest_date": closed_after,
        "close_latest_date": closed_before,
    }
    await list_executions(inv, inv.domain, filters=filters, limit=limit, page_size=page_size, reverse=reverse)


@execution.command("show")
@click.argument("workflow_id")
@click.argument("run_id", required=False)
@domain_option
@output_option
@swf_command
async def show(inv: Invocation, workflow_id: str, run_id: str | None) -> None:
    """Show an execution: status, settings, open counts, latest context, input.

    \b
    Examples:
      aioswf -d crawl execution show WORKFLOW_ID
      aioswf -d crawl execution show WORKFLOW_ID RUN_ID -o json | jq .open_activities
    """
    run_id = await resolve_run(inv.domain, workflow_id, run_id)
    found = await describe(inv.domain, workflow_id, run_id)
    inv.printer.item(execution_row(found), EXECUTION_DETAIL)


def _input_options(func: F) -> F:
    func = click.option(
        "--input-file",
        type=click.File("r"),
        metavar="PATH",
        help="Read the input from a file ('-' for standard input).",
    )(func)
    return click.option("--input", "input_text", metavar="TEXT", help="The input (up to 32768 characters).")(
        func
    )


@execution.command("start")
@click.argument("name")
@click.argument("version")
@click.option("--workflow-id", metavar="ID", help="The workflow id (default: NAME-VERSION-TIME-RANDOM).")
@click.option("--task-list", help="Decision task list (default: the type's).")
@_input_options
@click.option("--tag", "tags", multiple=True, help="A tag (repeat for up to 5).")
@click.option("--execution-timeout", callback=as_timeout, help="Start-to-close timeout, e.g. 3600 or 1h.")
@click.option("--decision-timeout", callback=as_timeout, help="Decision task start-to-close timeout.")
@click.option("--child-policy", type=click.Choice(constants.CHILD_POLICIES), help="Child policy.")
@click.option("--priority", type=int, help="Decision task priority.")
@click.option("--lambda-role", metavar="ARN", help="IAM role for Lambda tasks.")
@domain_option
@output_option
@swf_command
async def start(
    inv: Invocation,
    name: str,
    version: str,
    workflow_id: str | None,
    task_list: str | None,
    input_text: str | None,
    input_file: IO[str] | None,
    tags: tuple[str, ...],
    execution_timeout: str | None,
    decision_timeout: str | None,
    child_policy: str | None,
    priority: int | None,
    lambda_role: str | None,
) -> None:
    """Start an execution of workflow type NAME VERSION; prints its workflow id and run id.

    Settings not given are the type's defaults.

    \b
    Examples:
      aioswf -d crawl execution start crawl 1 --input '{"url": "https://example.com"}'
      aioswf -d crawl execution start crawl 1 --workflow-id crawl-42 --input-file job.json --tag nightly
    """
    await start_execution(
        inv,
        inv.domain,
        name,
        version,
        workflow_id=workflow_id,
        task_list=task_list,
        input=read_input(input_text, input_file),
        tags=tags,
        execution_timeout=execution_timeout,
        decision_timeout=decision_timeout,
        child_policy=child_policy,
        priority=priority,
        lambda_role=lambda_role,
    )


def _run_id_option(func: F) -> F:
    return click.option("--run-id", metavar="RUN_ID", help="The run (default: the open one).")(func)


@execution.command("signal")
@click.argument("workflow_id")
@click.argument("signal_name", metavar="SIGNAL")
@_input_options
@_run_id_option
@domain_option
@swf_command
async def signal(
    inv: Invocation,
    workflow_id: str,
    signal_name: str,
    input_text: str | None,
    input_file: IO[str] | None,
    run_id: str | None,
) -> None:
    """Send SIGNAL (with an input) to an open execution.

    \b
    Example:
      aioswf -d crawl execution signal WORKFLOW_ID stop --input now
    """
    input = read_input(input_text, input_file)
    await WorkflowExecution(inv.domain, workflow_id, run_id).signal(signal_name, input=input)


@execution.command("cancel")
@click.argument("workflow_id")
@_run_id_option
@domain_option
@swf_command
async def cancel(inv: Invocation, workflow_id: str, run_id: str | None) -> None:
    """Ask an open execution's decider to cancel it (records WorkflowExecutionCancelRequested).

    \b
    Example:
      aioswf -d crawl execution cancel WORKFLOW_ID
    """
    await WorkflowExecution(inv.domain, workflow_id, run_id).request_cancel()


@execution.command("terminate")
@click.argument("workflow_id")
@click.option("--reason", help="Why (up to 256 characters).")
@click.option("--details", help="More about why.")
@click.option(
    "--child-policy",
    type=click.Choice(constants.CHILD_POLICIES),
    help="What happens to its children (default: the execution's policy).",
)
@_run_id_option
@domain_option
@swf_command
async def terminate(
    inv: Invocation,
    workflow_id: str,
    reason: str | None,
    details: str | None,
    child_policy: str | None,
    run_id: str | None,
) -> None:
    """Terminate an open execution at once, without its decider's say.

    \b
    Example:
      aioswf -d crawl execution terminate WORKFLOW_ID --reason "by hand"
    """
    await WorkflowExecution(inv.domain, workflow_id, run_id).terminate(
        reason=reason, details=details, child_policy=child_policy
    )


def _outcome_row(workflow_id: str, run_id: str, outcome: ExecutionOutcome) -> dict[str, Any]:
    return {
        "workflow_id": workflow_id,
        "run_id": run_id,
        "close_status": outcome.close_status,
        "result": outcome.result,
        "reason": outcome.reason,
        "details": outcome.details,
        "new_run_id": outcome.new_run_id,
    }


async def _wait_showing_progress(
    execution: WorkflowExecution, seconds: float | None, progress: Progress
) -> ExecutionOutcome:
    label = f"waiting for {execution.workflow_id} (run {execution.run_id})"

    async def tick() -> None:
        while True:
            progress.update(f"{label}: {progress.elapsed:.0f} s, still open", force=True)
            await anyio.sleep(1.0)

    outcomes: list[ExecutionOutcome] = []
    async with anyio.create_task_group() as group:
        if progress.enabled:
            group.start_soon(tick)
        try:
            outcomes.append(await execution.wait(timeout=seconds))
        except TimeoutError:
            pass  # raised below, outside the task group, which would wrap it in an ExceptionGroup
        finally:
            group.cancel_scope.cancel()
            progress.clear()
    if not outcomes:
        raise TimeoutError
    return outcomes[0]


@execution.command("wait")
@click.argument("workflow_id")
@click.argument("run_id", required=False)
@click.option(
    "--timeout",
    "give_up_after",
    callback=as_duration,
    metavar="DURATION",
    help="Give up after this long (e.g. 90, 10m).",
)
@click.option("--follow", is_flag=True, help="Follow continue-as-new runs to the last one.")
@domain_option
@output_option
@swf_command
async def wait(
    inv: Invocation, workflow_id: str, run_id: str | None, give_up_after: float | None, follow: bool
) -> int:
    """Wait for an execution to close; print how it closed.

    Exits 0 when it completed, 3 when it closed otherwise (failed, canceled, terminated, timed out,
    continued as new), 1 when --timeout passed first. A terminal shows progress meanwhile.

    \b
    Examples:
      aioswf -d crawl execution wait WORKFLOW_ID --timeout 10m && echo done
      aioswf -d crawl execution wait WORKFLOW_ID --follow -o json | jq -r .result
    """
    run_id = await resolve_run(inv.domain, workflow_id, run_id)
    progress = Progress(inv.printer.err, after=0.0)
    deadline = None if give_up_after is None else anyio.current_time() + give_up_after
    while True:
        remaining = None if deadline is None else max(0.0, deadline - anyio.current_time())
        try:
            outcome = await _wait_showing_progress(
                WorkflowExecution(inv.domain, workflow_id, run_id), remaining, progress
            )
        except TimeoutError:
            raise CommandError(
                f"{workflow_id} (run {run_id}) is still open after {give_up_after:g} s",
                f"wait longer (--timeout), or look at it: aioswf -d {inv.domain} execution show {workflow_id}",
            ) from None
        if not (follow and outcome.close_status == constants.CONTINUED_AS_NEW and outcome.new_run_id):
            break
        run_id = outcome.new_run_id
    inv.printer.item(_outcome_row(workflow_id, run_id, outcome), OUTCOME_COLUMNS)
    return 0 if outcome.close_status == constants.COMPLETED else EXIT_NOT_COMPLETED


@execution.command("restart")
@click.argument("workflow_id")
@click.argument("run_id", required=False)
@click.option("--terminate", "terminate_first", is_flag=True, help="If the run is open, terminate it first.")
@click.option("--workflow-id", "new_workflow_id", metavar="ID", help="Start under this workflow id instead.")
@_input_options
@domain_option
@output_option
@swf_command
async def restart(
    inv: Invocation,
    workflow_id: str,
    run_id: str | None,
    terminate_first: bool,
    new_workflow_id: str | None,
    input_text: str | None,
    input_file: IO[str] | None,
) -> None:
    """Start a new run with the same type, input and settings as a run (like simpleflow's restart).

    The settings (task list, timeouts, tags, child policy, priority, Lambda role) come from SWF's
    description of the run, the input from its WorkflowExecutionStarted event. An open run must be
    terminated first (--terminate) or the new one started under another --workflow-id.

    \b
    Examples:
      aioswf -d crawl execution restart WORKFLOW_ID
      aioswf -d crawl execution restart WORKFLOW_ID --terminate
      aioswf -d crawl execution restart WORKFLOW_ID RUN_ID --workflow-id WORKFLOW_ID-retry
    """
    domain = inv.domain
    run_id = await resolve_run(domain, workflow_id, run_id)
    old = await WorkflowExecution(domain, workflow_id, run_id).describe()
    started = await first_event(domain, workflow_id, run_id)
    attributes: Mapping[str, Any] = started.get("workflowExecutionStartedEventAttributes") or {}
    config: Mapping[str, Any] = (old.raw or {}).get("executionConfiguration") or {}
    wtype = old.workflow_type
    if wtype is None:
        raise CommandError(f"{workflow_id} (run {run_id}) names no workflow type", "check the run id")
    target = new_workflow_id or workflow_id
    if old.status == constants.OPEN and target == workflow_id and not terminate_first:
        raise CommandError(
            f"{workflow_id} (run {run_id}) is still open",
            "pass --terminate to end it first, or --workflow-id NEW_ID to run beside it",
        )
    if old.status == constants.OPEN and terminate_first:
        await old.terminate(reason=f"restarted by aioswf as a new run of {wtype.name}/{wtype.version}")

    def setting(key: str) -> Any:
        return config.get(key, attributes.get(key))

    given_input = read_input(input_text, input_file)
    await start_execution(
        inv,
        domain,
        wtype.name,
        wtype.version,
        workflow_id=target,
        task_list=(setting("taskList") or {}).get("name"),
        input=given_input if given_input is not None else attributes.get("input"),
        tags=tuple(old.tag_list or attributes.get("tagList") or ()),
        execution_timeout=setting("executionStartToCloseTimeout"),
        decision_timeout=setting("taskStartToCloseTimeout"),
        child_policy=setting("childPolicy"),
        priority=int(setting("taskPriority")) if setting("taskPriority") is not None else None,
        lambda_role=setting("lambdaRole"),
    )
