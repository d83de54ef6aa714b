"""aioswf: the async-first Python SDK for Amazon Simple Workflow (SWF).

Everything is awaited: models (`Domain`, `WorkflowType`, `WorkflowExecution`, `ActivityType`) and querysets
talk to SWF through a `Connection`::

    async with aioswf.Connection(region_name="us-east-1") as conn:
        domain = await aioswf.DomainQuerySet().get_or_create("crawl", retention_period=7)
"""

from aioswf import constants, credentials, exceptions
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
    ActivityType,
    Difference,
    Domain,
    ExecutionOutcome,
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
    "ActivityType",
    "ActivityTypeQuerySet",
    "AlreadyExistsError",
    "Connection",
    "ConnectionState",
    "Difference",
    "DoesNotExistError",
    "Domain",
    "DomainQuerySet",
    "ExecutionOutcome",
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
    "constants",
    "credentials",
    "current_connection",
    "exceptions",
    "set_aws_credentials",
]
