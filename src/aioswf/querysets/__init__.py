"""Querysets: lazy, immutable queries over SWF's domains, types and executions."""

from aioswf.querysets.activity import ActivityTypeQuerySet
from aioswf.querysets.base import Query, QueryIterator
from aioswf.querysets.domain import DomainQuerySet
from aioswf.querysets.workflow import ExecutionCount, WorkflowExecutionQuerySet, WorkflowTypeQuerySet

__all__ = [
    "ActivityTypeQuerySet",
    "DomainQuerySet",
    "ExecutionCount",
    "Query",
    "QueryIterator",
    "WorkflowExecutionQuerySet",
    "WorkflowTypeQuerySet",
]
