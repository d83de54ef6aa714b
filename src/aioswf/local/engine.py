"""The local SWF engine: the server's state with SWF's 39 operations on it.

The dispatch table lives here, above both the state (:mod:`aioswf.local.state`) and the operation
modules that change it (``registry``, ``workflow_ops``, ``task_ops``, ``listing``), so imports go one
way: HTTP face -> engine -> operations -> state.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Awaitable, Callable, Mapping
from types import MappingProxyType
from typing import Any

from aioswf.local import listing, registry, task_ops, workflow_ops
from aioswf.local.faults import UnknownOperationException, UnknownResourceFault
from aioswf.local.shapes import service_model, validate_input
from aioswf.local.state import LambdaFunction, State

__all__ = ["OPERATIONS", "Engine", "LambdaFunction"]

Json = dict[str, Any]
Handler = Callable[[State, Json], "Json | Awaitable[Json]"]


def _table() -> Mapping[str, Handler]:
    handlers: dict[str, Handler] = {}
    for module in (registry, workflow_ops, task_ops, listing):
        handlers.update(module.HANDLERS)
    missing = set(service_model().operation_names) - set(handlers)
    assert not missing, f"operations without a handler: {sorted(missing)}"
    return MappingProxyType(handlers)


OPERATIONS = _table()
"""Every SWF operation's handler, by operation name."""
_WAITING = frozenset(name for name, handler in OPERATIONS.items() if inspect.iscoroutinefunction(handler))


class Engine(State):
    """The local server's state and the SWF operations on it.

    Takes the keyword arguments of :class:`~aioswf.local.state.State`.
    """

    @property
    def operations(self) -> list[str]:
        """The names of the operations this engine serves."""
        return sorted(OPERATIONS)

    def waits(self, operation: str) -> bool:
        """Tell whether ``operation`` may wait (the long polls) and must be awaited with :meth:`call`."""
        return operation in _WAITING

    def call_now(self, operation: str, params: Json) -> Json:
        """Run one SWF operation that never waits (see :meth:`waits`).

        Raises:
            SWFFault: The SWF fault to send back.
        """
        handler = OPERATIONS.get(operation)
        if handler is None:
            raise UnknownOperationException(f"Unknown operation: {operation}")
        if operation in _WAITING:
            raise RuntimeError(f"{operation} waits: await Engine.call() instead")
        params = validate_input(operation, params)
        self._last_activity = time.monotonic()
        result = handler(self, params)
        assert isinstance(result, dict)
        return result

    async def call(self, operation: str, params: Json) -> Json:
        """Run one SWF operation.

        Args:
            operation: The operation name, e.g. ``"StartWorkflowExecution"``.
            params: The decoded JSON request.

        Returns:
            The JSON-ready response.

        Raises:
            SWFFault: The SWF fault to send back.
        """
        handler = OPERATIONS.get(operation)
        if handler is None:
            raise UnknownOperationException(f"Unknown operation: {operation}")
        params = validate_input(operation, params)
        self._last_activity = time.monotonic()
        if operation in _WAITING:
            pending = handler(self, params)
            assert inspect.isawaitable(pending)
            try:
                answer: Json = await pending
                return answer
            finally:
                self._last_activity = time.monotonic()
        self._busy += 1
        try:
            result = handler(self, params)
            assert isinstance(result, dict)
            return result
        finally:
            self._busy -= 1

    # -- read-only queries (the web console) -----------------------------------------------------

    def history_events(self, domain: str, workflow_id: str, run_id: str, *, after: int = 0) -> list[Json]:
        """Return the events of one run (open, or closed and retained) whose id is above ``after``.

        ``GetWorkflowExecutionHistory`` pages at most 1,000 events and decodes a closed history again for
        every page; this reads the whole tail at once. Nothing is decoded when nothing is new.

        Raises:
            UnknownResourceFault: If the domain holds no such run.
        """
        execution = self.domain(domain).runs.get((workflow_id, run_id))
        if execution is None:
            raise UnknownResourceFault(
                f"Unknown execution: WorkflowExecution=[workflowId={workflow_id}, runId={run_id}]"
            )
        if after >= len(execution.events):
            return []
        return list(execution.events[max(after, 0) :])
