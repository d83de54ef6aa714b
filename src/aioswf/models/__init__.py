"""SWF's objects as immutable models with awaitable remote operations, and the values around them.

- `Domain`, `WorkflowType`, `ActivityType`, `WorkflowExecution`: models with ``save``, ``delete``,
  ``exists``, ``is_synced``, ``changes``, ``upstream`` and their own operations.
- `Event` (one class per event family, built by `EventFactory`) and `History`, whose ``compile()`` gives
  the current state of everything in an execution.
- Decision builders (`ActivityTaskDecision`, `TimerDecision`, ...) for ``RespondDecisionTaskCompleted``.
- `DecisionTask` and `ActivityTask`: what a poll hands to a decider or an activity worker.
"""

from aioswf.models.activity import ActivityType
from aioswf.models.base import BaseModel, Difference, ModelDiff
from aioswf.models.compiled import CompiledHistory
from aioswf.models.decision import (
    ActivityTaskDecision,
    ChildWorkflowExecutionDecision,
    Decision,
    ExternalWorkflowExecutionDecision,
    LambdaFunctionDecision,
    MarkerDecision,
    TimerDecision,
    WorkflowExecutionDecision,
)
from aioswf.models.domain import Domain
from aioswf.models.event import Event, EventFactory
from aioswf.models.history import History
from aioswf.models.task import ActivityTask, DecisionTask
from aioswf.models.workflow import ExecutionOutcome, WorkflowExecution, WorkflowType

__all__ = [
    "ActivityTask",
    "ActivityTaskDecision",
    "ActivityType",
    "BaseModel",
    "ChildWorkflowExecutionDecision",
    "CompiledHistory",
    "Decision",
    "DecisionTask",
    "Difference",
    "Domain",
    "Event",
    "EventFactory",
    "ExecutionOutcome",
    "ExternalWorkflowExecutionDecision",
    "History",
    "LambdaFunctionDecision",
    "MarkerDecision",
    "ModelDiff",
    "TimerDecision",
    "WorkflowExecution",
    "WorkflowExecutionDecision",
    "WorkflowType",
]
