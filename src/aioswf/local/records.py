"""The in-memory records of the local SWF server.

Everything is indexed so that no operation scans all executions: domains by name, types by
(name, version), open executions by workflow id, every execution by run id, tasks by token, queues by
(domain, task list).
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Sequence
from typing import Any, ClassVar, overload

import attrs

__all__ = [
    "ActivityRecord",
    "ActivityTypeRecord",
    "ChildRecord",
    "ClosedHistory",
    "DecisionRecord",
    "DomainRecord",
    "ExecutionRecord",
    "LambdaRecord",
    "TimerRecord",
    "TypeRecord",
    "WorkflowTypeRecord",
]

Json = dict[str, Any]


class ClosedHistory(Sequence[Json]):
    """A closed execution's events, kept as one JSON string.

    A closed history never changes, and a string is invisible to Python's cyclic garbage collector. Kept
    as dicts, the events of thousands of retained executions made every full collection longer, and the
    server slowed down as closed executions piled up. Reading decodes the string again: closed histories
    are read rarely, and each page read decodes once.
    """

    __slots__ = ("_length", "_text")

    def __init__(self, events: Sequence[Json]) -> None:
        self._text = json.dumps(list(events), separators=(",", ":"))
        self._length = len(events)

    def __len__(self) -> int:
        return self._length

    @property
    def text(self) -> str:
        """The events as one JSON array."""
        return self._text

    @overload
    def __getitem__(self, index: int) -> Json: ...
    @overload
    def __getitem__(self, index: slice) -> list[Json]: ...
    def __getitem__(self, index: int | slice) -> Json | list[Json]:
        events: list[Json] = json.loads(self.text)
        return events[index]


@attrs.define(eq=False)
class Deadline:
    """A cancellable entry of the scheduler's heap."""

    when: float
    action: Any
    cancelled: bool = False


@attrs.define(eq=False)
class TypeRecord:
    """A registered workflow or activity type (the subclasses name which)."""

    #: The key of the type in SWF's shapes: ``workflowType`` or ``activityType``.
    kind: ClassVar[str]

    name: str
    version: str
    description: str | None
    creation: float
    configuration: Json
    status: str = "REGISTERED"
    deprecation: float | None = None

    def info(self) -> Json:
        """Return the ``WorkflowTypeInfo`` / ``ActivityTypeInfo`` shape."""
        info: Json = {
            self.kind: {"name": self.name, "version": self.version},
            "status": self.status,
            "creationDate": self.creation,
        }
        if self.description is not None:
            info["description"] = self.description
        if self.deprecation is not None:
            info["deprecationDate"] = self.deprecation
        return info


@attrs.define(eq=False)
class WorkflowTypeRecord(TypeRecord):
    """A registered workflow type."""

    kind: ClassVar[str] = "workflowType"


@attrs.define(eq=False)
class ActivityTypeRecord(TypeRecord):
    """A registered activity type."""

    kind: ClassVar[str] = "activityType"


@attrs.define(eq=False)
class DomainRecord:
    """A registered domain, with its types and executions."""

    name: str
    description: str | None
    retention_days: str
    arn: str
    status: str = "REGISTERED"
    tags: dict[str, str] = attrs.Factory(dict)
    workflow_types: dict[tuple[str, str], WorkflowTypeRecord] = attrs.Factory(dict)
    activity_types: dict[tuple[str, str], ActivityTypeRecord] = attrs.Factory(dict)
    open_executions: dict[str, ExecutionRecord] = attrs.Factory(dict)
    closed_executions: dict[str, ExecutionRecord] = attrs.Factory(dict)
    runs: dict[tuple[str, str], ExecutionRecord] = attrs.Factory(dict)
    #: Closed runs awaiting the end of their retention, oldest first: ``(expires_at, workflow_id, run_id)``.
    retained: deque[tuple[float, str, str]] = attrs.Factory(deque)
    retention_deadline: Deadline | None = None

    def info(self) -> Json:
        """Return the ``DomainInfo`` shape."""
        info: Json = {"name": self.name, "status": self.status, "arn": self.arn}
        if self.description is not None:
            info["description"] = self.description
        return info


@attrs.define(eq=False)
class DecisionRecord:
    """The one outstanding decision task of an execution."""

    scheduled_event_id: int
    task_list: str
    started_event_id: int = 0
    token: str | None = None
    queued: Any = None
    deadlines: list[Deadline] = attrs.Factory(list)


@attrs.define(eq=False)
class ActivityRecord:
    """An open activity task."""

    activity_id: str
    activity_type: Json
    scheduled_event_id: int
    task_list: str
    input: str | None
    timeouts: dict[str, str]
    started_event_id: int = 0
    token: str | None = None
    heartbeat_details: str | None = None
    cancel_requested_event_id: int = 0
    control: str | None = None
    priority: int = 0
    queued: Any = None
    deadlines: dict[str, Deadline] = attrs.Factory(dict)


@attrs.define(eq=False)
class TimerRecord:
    """A started timer."""

    timer_id: str
    started_event_id: int
    deadline: Deadline


@attrs.define(eq=False)
class ChildRecord:
    """A child execution started by a decision, as the parent tracks it."""

    workflow_id: str
    workflow_type: Json
    initiated_event_id: int
    run_id: str
    started_event_id: int = 0


@attrs.define(eq=False)
class LambdaRecord:
    """An open Lambda function task (run by a Python callable on the local server)."""

    lambda_id: str
    name: str
    scheduled_event_id: int
    started_event_id: int = 0
    deadline: Deadline | None = None
    task: Any = None


@attrs.define(eq=False)
class ExecutionRecord:
    """A workflow execution (one run) with its history and open work."""

    domain: DomainRecord
    workflow_id: str
    run_id: str
    workflow_type: WorkflowTypeRecord
    task_list: str
    task_priority: str | None
    child_policy: str
    execution_timeout: str
    task_timeout: str
    lambda_role: str | None
    tags: list[str]
    input: str | None
    start: float
    parent: ExecutionRecord | None = None
    parent_initiated_event_id: int = 0
    status: str = "OPEN"
    close_status: str | None = None
    close: float | None = None
    cancel_requested: bool = False
    events: list[Json] | ClosedHistory = attrs.Factory(list)
    decision: DecisionRecord | None = None
    decision_needed: bool = False
    previous_started_event_id: int = 0
    task_list_override: str | None = None
    override_timeout: str | None = None
    activities: dict[str, ActivityRecord] = attrs.Factory(dict)
    timers: dict[str, TimerRecord] = attrs.Factory(dict)
    children: dict[str, ChildRecord] = attrs.Factory(dict)
    lambdas: dict[str, LambdaRecord] = attrs.Factory(dict)
    latest_activity_timestamp: float | None = None
    latest_context: str | None = None
    timeout_deadline: Deadline | None = None
    order: int = 0
    close_order: int = 0

    @property
    def ref(self) -> Json:
        """Return the ``WorkflowExecution`` shape."""
        return {"workflowId": self.workflow_id, "runId": self.run_id}

    @property
    def type_ref(self) -> Json:
        """Return the ``WorkflowType`` shape."""
        return {"name": self.workflow_type.name, "version": self.workflow_type.version}

    def info(self) -> Json:
        """Return the ``WorkflowExecutionInfo`` shape."""
        info: Json = {
            "execution": self.ref,
            "workflowType": self.type_ref,
            "startTimestamp": self.start,
            "executionStatus": self.status,
            "cancelRequested": self.cancel_requested,
        }
        if self.close is not None:
            info["closeTimestamp"] = self.close
        if self.close_status is not None:
            info["closeStatus"] = self.close_status
        if self.parent is not None:
            info["parent"] = self.parent.ref
        if self.tags:
            info["tagList"] = list(self.tags)
        return info
