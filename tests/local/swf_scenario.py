"""A small SWF driver for the local server's tests: one domain, its types, and terse helpers."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from aiobotocore.config import AioConfig

if TYPE_CHECKING:
    from aioswf.local import LocalSWF

Json = dict[str, Any]

#: Settings shared by the local server's tests. They live here, not in conftest.py, because a test module
#: importing ``conftest`` gets whichever conftest.py pytest put on ``sys.path`` first.
NO_RETRY = AioConfig(retries={"total_max_attempts": 1}, read_timeout=30)
CREDENTIALS = {"region_name": "us-east-1", "aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
POLL_WAIT = 0.5


def assert_conforms(local: LocalSWF) -> None:
    """Fail if the server answered anything outside botocore's output shapes."""
    assert not local.violations, "responses departed from the SWF model:\n" + "\n".join(local.violations)


def unique(prefix: str) -> str:
    """Return a random resource name."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def decision(decision_type: str, **attributes: Any) -> Json:
    """Build a decision of ``decision_type`` with its attributes."""
    result: Json = {"decisionType": decision_type}
    if attributes or decision_type not in {
        "CompleteWorkflowExecution",
        "FailWorkflowExecution",
        "CancelWorkflowExecution",
        "ContinueAsNewWorkflowExecution",
    }:
        result[decision_type[0].lower() + decision_type[1:] + "DecisionAttributes"] = attributes
    return result


def event_types(events: list[Json]) -> list[str]:
    """Return the event types of a history."""
    return [event["eventType"] for event in events]


def attributes(event: Json) -> Json:
    """Return an event's attributes."""
    kind = event["eventType"]
    return dict(event[kind[0].lower() + kind[1:] + "EventAttributes"])


class Scenario:
    """A domain with one workflow type and one activity type, and helpers to drive executions.

    Args:
        client: An aiobotocore (or compatible) SWF client.
    """

    def __init__(self, client: Any) -> None:
        self.client = client
        self.domain = unique("dom")
        self.decisions = unique("deciders")
        self.activities = unique("workers")
        self.workflow_type = {"name": "flow", "version": "1"}
        self.activity_type = {"name": "work", "version": "1"}

    async def setup(
        self,
        *,
        retention: str = "1",
        execution_timeout: str = "3600",
        task_timeout: str = "60",
        child_policy: str = "TERMINATE",
        activity_timeouts: tuple[str, str, str, str] = ("300", "600", "300", "NONE"),
    ) -> Scenario:
        """Register the domain and both types."""
        await self.client.register_domain(name=self.domain, workflowExecutionRetentionPeriodInDays=retention)
        await self.client.register_workflow_type(
            domain=self.domain,
            **self.workflow_type,
            defaultTaskList={"name": self.decisions},
            defaultExecutionStartToCloseTimeout=execution_timeout,
            defaultTaskStartToCloseTimeout=task_timeout,
            defaultChildPolicy=child_policy,
        )
        to_start, to_close, start_to_close, heartbeat = activity_timeouts
        await self.client.register_activity_type(
            domain=self.domain,
            **self.activity_type,
            defaultTaskList={"name": self.activities},
            defaultTaskScheduleToStartTimeout=to_start,
            defaultTaskScheduleToCloseTimeout=to_close,
            defaultTaskStartToCloseTimeout=start_to_close,
            defaultTaskHeartbeatTimeout=heartbeat,
        )
        return self

    async def start(self, workflow_id: str | None = None, **extra: Any) -> Json:
        """Start an execution; return its ``{workflowId, runId}``."""
        workflow_id = workflow_id or unique("wf")
        response = await self.client.start_workflow_execution(
            domain=self.domain, workflowId=workflow_id, workflowType=self.workflow_type, **extra
        )
        return {"workflowId": workflow_id, "runId": response["runId"]}

    async def signal(self, execution: Json, name: str = "nudge", **extra: Any) -> None:
        """Signal an execution (a way to get a new decision task)."""
        await self.client.signal_workflow_execution(
            domain=self.domain,
            workflowId=execution["workflowId"],
            runId=execution["runId"],
            signalName=name,
            **extra,
        )

    async def poll_decision(self, task_list: str | None = None, **extra: Any) -> Json:
        """Poll for a decision task (all pages of history merged into ``events``)."""
        task: Json = await self.client.poll_for_decision_task(
            domain=self.domain, taskList={"name": task_list or self.decisions}, identity="decider", **extra
        )
        events = list(task.get("events", []))
        while task.get("nextPageToken") and "maximumPageSize" not in extra:
            task = await self.client.poll_for_decision_task(
                domain=self.domain,
                taskList={"name": task_list or self.decisions},
                nextPageToken=task["nextPageToken"],
            )
            events.extend(task["events"])
        task["events"] = events
        return task

    async def decide(self, *decisions: Json, task_list: str | None = None, **extra: Any) -> Json:
        """Poll a decision task (it must be there) and answer it with ``decisions``; return the task."""
        task = await self.poll_decision(task_list)
        assert task["taskToken"], "expected a decision task"
        await self.client.respond_decision_task_completed(
            taskToken=task["taskToken"], decisions=list(decisions), **extra
        )
        return task

    async def poll_activity(self, task_list: str | None = None) -> Json:
        """Poll for an activity task."""
        task: Json = await self.client.poll_for_activity_task(
            domain=self.domain, taskList={"name": task_list or self.activities}, identity="worker"
        )
        return task

    async def history(self, execution: Json) -> list[Json]:
        """Return the whole history of an execution."""
        events: list[Json] = []
        token = None
        while True:
            extra = {"nextPageToken": token} if token else {}
            page = await self.client.get_workflow_execution_history(
                domain=self.domain, execution=execution, **extra
            )
            events.extend(page["events"])
            token = page.get("nextPageToken")
            if not token:
                return events

    async def types(self, execution: Json) -> list[str]:
        """Return the event types of an execution's history."""
        return event_types(await self.history(execution))

    async def describe(self, execution: Json) -> Json:
        """Describe an execution."""
        result: Json = await self.client.describe_workflow_execution(domain=self.domain, execution=execution)
        return result

    def schedule(self, activity_id: str = "a1", **extra: Any) -> Json:
        """A ``ScheduleActivityTask`` decision for the scenario's activity type."""
        return decision(
            "ScheduleActivityTask", activityType=self.activity_type, activityId=activity_id, **extra
        )
