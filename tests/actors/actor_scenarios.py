"""A registered domain with its types, a stock decision handler, and terse helpers for the actors' tests."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

import anyio
import attrs

import aioswf
from aioswf.models import ActivityType, Domain, ExecutionOutcome, WorkflowExecution, WorkflowType
from aioswf.models.decision import ActivityTaskDecision, Decision, WorkflowExecutionDecision
from aioswf.models.history import History
from aioswf.models.task import DecisionTask

CLOSING_ACTIVITY_EVENTS = (
    "ActivityTaskCompleted",
    "ActivityTaskFailed",
    "ActivityTaskCanceled",
    "ActivityTaskTimedOut",
)


async def until(predicate: Callable[[], object], *, within: float = 10) -> None:
    """Waits until `predicate()` is true (it watches state that other tasks, threads or servers change)."""
    with anyio.fail_after(within):
        while not predicate():  # noqa: ASYNC110 - the state is not ours to signal with an Event
            await anyio.sleep(0.01)


def unique(prefix: str) -> str:
    """A random resource name."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@attrs.define
class Flow:
    """A domain with one workflow type (decided on `decisions`) and one activity type (run on `activities`)."""

    conn: aioswf.Connection
    domain: Domain
    workflow_type: WorkflowType
    activity_type: ActivityType
    decisions: str
    activities: str
    heartbeat_timeout: str
    start_to_close: str

    @classmethod
    async def register(
        cls,
        conn: aioswf.Connection,
        *,
        heartbeat_timeout: str = "NONE",
        start_to_close: str = "300",
        decision_timeout: str = "30",
    ) -> Flow:
        """Registers a random domain, a workflow type and an activity type."""
        domain = await Domain(unique("dom"), retention_period=1, connection=conn).save()
        decisions, activities = unique("decisions"), unique("activities")
        workflow_type = await WorkflowType(
            domain,
            "flow",
            "1",
            task_list=decisions,
            execution_timeout=3600,
            decision_tasks_timeout=decision_timeout,
            connection=conn,
        ).save()
        activity_type = await ActivityType(
            domain,
            "work",
            "1",
            task_list=activities,
            task_heartbeat_timeout=heartbeat_timeout,
            task_schedule_to_start_timeout="600",
            task_schedule_to_close_timeout="NONE",
            task_start_to_close_timeout=start_to_close,
            connection=conn,
        ).save()
        return cls(
            conn,
            domain,
            workflow_type,
            activity_type,
            decisions,
            activities,
            heartbeat_timeout,
            start_to_close,
        )

    async def start(self, count: int = 1, *, input: str = "x") -> list[WorkflowExecution]:
        """Starts `count` executions, each with `input` followed by its index."""
        return [await self.workflow_type.start_execution(input=f"{input}{index}") for index in range(count)]

    async def outcomes(
        self, executions: Sequence[WorkflowExecution], within: float = 20
    ) -> list[ExecutionOutcome]:
        """Waits for every execution to close; returns how each ended."""
        with anyio.fail_after(within):
            return [await execution.wait(poll_interval=0.05) for execution in executions]

    async def history(self, execution: WorkflowExecution) -> History:
        """The execution's history."""
        return await execution.history()

    async def event_names(self, execution: WorkflowExecution) -> list[str]:
        """The names of the execution's events, in order."""
        return [event.name for event in await self.history(execution)]

    async def wait_for_event(self, execution: WorkflowExecution, name: str, within: float = 10) -> Any:
        """Waits until the execution's history has an event called `name`; returns it."""
        with anyio.fail_after(within):
            while True:
                for event in await self.history(execution):
                    if event.name == name:
                        return event
                await anyio.sleep(0.05)

    def schedule(self, task: DecisionTask, **options: Any) -> Decision:
        """The decision scheduling this flow's activity with the execution's input."""
        return ActivityTaskDecision.schedule(
            "work-1",
            (self.activity_type.name, self.activity_type.version),
            input=task.history[0].input,
            **options,
        )


async def one_activity(flow: Flow, task: DecisionTask, **schedule: Any) -> list[Decision]:
    """The stock decision logic: run the flow's activity once; close the execution the way it ended.

    A ``cancel`` signal asks for the activity to be canceled.
    """
    names = [event.name for event in task.history]
    for event in task.history:
        if event.name == "ActivityTaskCompleted":
            return [WorkflowExecutionDecision.complete(result=event.result)]
        if event.name == "ActivityTaskFailed":
            return [WorkflowExecutionDecision.fail(reason=event.reason, details=event.details)]
        if event.name == "ActivityTaskCanceled":
            return [WorkflowExecutionDecision.fail(reason="canceled", details=event.details)]
        if event.name == "ActivityTaskTimedOut":
            return [
                WorkflowExecutionDecision.fail(
                    reason=f"timed out: {event.timeout_type}", details=event.details
                )
            ]
    if "ActivityTaskScheduled" not in names:
        return [flow.schedule(task, **schedule)]
    signals = [event for event in task.history if event.name == "WorkflowExecutionSignaled"]
    if signals and "ActivityTaskCancelRequested" not in names:
        return [ActivityTaskDecision.request_cancel("work-1")]
    return []
