"""SWF's objects as immutable models with awaitable remote operations."""

from aioswf.models.activity import ActivityType
from aioswf.models.base import BaseModel, Difference, ModelDiff
from aioswf.models.domain import Domain
from aioswf.models.workflow import ExecutionOutcome, WorkflowExecution, WorkflowType

__all__ = [
    "ActivityType",
    "BaseModel",
    "Difference",
    "Domain",
    "ExecutionOutcome",
    "ModelDiff",
    "WorkflowExecution",
    "WorkflowType",
]
