"""Workflows as plain ``async def`` code, replayed deterministically from SWF history.

```python
from aioswf import flow


@flow.activity(start_to_close=60, retry=flow.RetryPolicy(maximum_attempts=3))
async def charge(order_id: str, cents: int) -> str: ...


@flow.workflow
class Order:
    async def run(self, order_id: str) -> str:
        receipt = await flow.execute_activity(charge, order_id, 4200)
        await asyncio.sleep(3600)                      # an SWF timer
        return receipt


async with flow.Worker("shop", "orders", workflows=[Order], activities=[charge]):
    print(await flow.execute(Order, "o-1", domain="shop", task_list="orders"))
```

See ``docs/flow.md``: the in-workflow API (`now`, `random`, `side_effect`, `patched`, `wait_condition`,
...), failures and retries, children, signals, versioning, the sticky cache, and testing with
`aioswf.flow.testing` (loaded on first use).
"""

from typing import Any

from aioswf.flow.activity import ActivityInfo, activity_info, heartbeat
from aioswf.flow.calls import (
    ChildWorkflowHandle,
    cancel_external,
    execute_activity,
    execute_child,
    signal_external,
    start_child,
)
from aioswf.flow.client import WorkflowHandle, execute, get_handle, start
from aioswf.flow.context import (
    WorkflowInfo,
    continue_as_new,
    continue_as_new_suggested,
    history_length,
    info,
    logger,
    now,
    patched,
    random,
    record_marker,
    side_effect,
    sleep,
    uuid4,
    wait_condition,
)
from aioswf.flow.converter import DataConverter, PayloadCodec, ZlibCodec
from aioswf.flow.definitions import (
    ActivityDefinition,
    RetryPolicy,
    WorkflowDefinition,
    activity,
    signal,
    workflow,
)
from aioswf.flow.errors import (
    ActivityError,
    ActivityTimeoutError,
    ApplicationError,
    ChildWorkflowError,
    ChildWorkflowTimeoutError,
    ContinueAsNewError,
    DecisionFailedError,
    FailureError,
    NonDeterminismError,
    PayloadSizeError,
    StepDeadlineError,
    WorkflowCanceledError,
    WorkflowError,
    WorkflowFailureError,
    WorkflowRestrictionError,
    WorkflowTerminatedError,
    WorkflowTimedOutError,
)
from aioswf.flow.payloads import (
    MemoryPayloadStore,
    PayloadOffloader,
    PayloadReference,
    PayloadStore,
    S3PayloadStore,
)
from aioswf.flow.replayer import Replayer, ReplayResult
from aioswf.flow.worker import Worker, WorkerStats

__all__ = [
    "ActivityDefinition",
    "ActivityError",
    "ActivityInfo",
    "ActivityTimeoutError",
    "ApplicationError",
    "ChildWorkflowError",
    "ChildWorkflowHandle",
    "ChildWorkflowTimeoutError",
    "ContinueAsNewError",
    "DataConverter",
    "DecisionFailedError",
    "FailureError",
    "MemoryPayloadStore",
    "NonDeterminismError",
    "PayloadCodec",
    "PayloadOffloader",
    "PayloadReference",
    "PayloadSizeError",
    "PayloadStore",
    "ReplayResult",
    "Replayer",
    "RetryPolicy",
    "S3PayloadStore",
    "StepDeadlineError",
    "Worker",
    "WorkerStats",
    "WorkflowCanceledError",
    "WorkflowDefinition",
    "WorkflowError",
    "WorkflowFailureError",
    "WorkflowHandle",
    "WorkflowInfo",
    "WorkflowRestrictionError",
    "WorkflowTerminatedError",
    "WorkflowTimedOutError",
    "ZlibCodec",
    "activity",
    "activity_info",
    "cancel_external",
    "continue_as_new",
    "continue_as_new_suggested",
    "execute",
    "execute_activity",
    "execute_child",
    "get_handle",
    "heartbeat",
    "history_length",
    "info",
    "logger",
    "now",
    "patched",
    "random",
    "record_marker",
    "side_effect",
    "signal",
    "signal_external",
    "sleep",
    "start",
    "start_child",
    "testing",
    "uuid4",
    "wait_condition",
    "workflow",
]


def __getattr__(name: str) -> Any:
    # flow.testing starts local SWF servers: it is imported when first used, not with aioswf.flow.
    if name == "testing":
        import importlib

        return importlib.import_module("aioswf.flow.testing")
    raise AttributeError(f"module 'aioswf.flow' has no attribute {name!r}")
