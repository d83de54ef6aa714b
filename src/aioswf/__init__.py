"""aioswf: the async-first Python SDK for Amazon Simple Workflow (SWF).

Everything is awaited: models (`Domain`, `WorkflowType`, `WorkflowExecution`, `ActivityType`) and querysets
talk to SWF through a `Connection`::

    async with aioswf.Connection(region_name="us-east-1") as conn:
        domain = await aioswf.DomainQuerySet().get_or_create("crawl", retention_period=7)

Deciders and activity workers (`Decider`, `ActivityWorker`, `aioswf.actors.run`) long-poll SWF as asyncio
tasks; `aioswf.local.LocalSWF` is a local SWF server for running and testing without AWS.
"""

from aioswf import actors, constants, credentials, exceptions, models, querysets
from aioswf.actors import ActivityWorker, Decider
from aioswf.connection import Connection, ConnectionState, current_connection
from aioswf.credentials import set_aws_credentials
from aioswf.exceptions import (
    AlreadyExistsError,
    DoesNotExistError,
    PollTimeout,
    ResponseError,
    SWFError,
    ValidationError,
)
from aioswf.models import (
    ActivityTask,
    ActivityType,
    DecisionTask,
    Difference,
    Domain,
    ExecutionOutcome,
    History,
    ModelDiff,
    WorkflowExecution,
    WorkflowType,
)
from aioswf.querysets import (
    ActivityTypeQuerySet,
    DomainQuerySet,
    WorkflowExecutionQuerySet,
    WorkflowTypeQuerySet,
)

__version__ = "0.1.0"

__all__ = [
    "ActivityTask",
    "ActivityType",
    "ActivityTypeQuerySet",
    "ActivityWorker",
    "AlreadyExistsError",
    "Connection",
    "ConnectionState",
    "Decider",
    "DecisionTask",
    "Difference",
    "DoesNotExistError",
    "Domain",
    "DomainQuerySet",
    "ExecutionOutcome",
    "History",
    "ModelDiff",
    "PollTimeout",
    "ResponseError",
    "SWFError",
    "ValidationError",
    "WorkflowExecution",
    "WorkflowExecutionQuerySet",
    "WorkflowType",
    "WorkflowTypeQuerySet",
    "__version__",
    "actors",
    "constants",
    "credentials",
    "current_connection",
    "exceptions",
    "models",
    "querysets",
    "set_aws_credentials",
]
