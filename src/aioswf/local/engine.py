"""The local SWF engine: the server's state with SWF's 39 operations on it.

The dispatch table lives here, above both the state (:mod:`aioswf.local.state`) and the operation
modules that change it (``registry``, ``workflow_ops``, ``task_ops``, ``listing``), so imports go one
way: HTTP face -> engine -> operations -> state -> store. For the same reason the engine re-arms the
deadlines of a state read back from a store: only the operations know what each deadline does.

With a store, no answer leaves before what it may reveal is durable: :meth:`Engine.call` awaits the
commit of every change made so far, the operation's own and any other that it could have seen.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Awaitable, Callable, Mapping
from types import MappingProxyType
from typing import Any

from aioswf.local import activities, decisions, lambdas, lifecycle, listing, registry, task_ops, workflow_ops
from aioswf.local.faults import SWFFault, UnknownOperationException
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
        """Tell whether ``operation`` may wait and must be awaited with :meth:`call`.

        The long polls wait for tasks; with a store, every operation waits for its changes to be durable.
        """
        return self.store is not None or operation in _WAITING

    def call_now(self, operation: str, params: Json) -> Json:
        """Run one SWF operation that never waits for a task, without waiting for durability.

        With a store, the changes are written right after; :meth:`durable` waits for them.

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
                if self.store is not None:
                    await self.durable()
                return answer
            except SWFFault:
                if self.store is not None:
                    await self.durable()
                raise
            finally:
                self._last_activity = time.monotonic()
        self._busy += 1
        try:
            try:
                result = handler(self, params)
            except SWFFault:
                if self.store is not None:
                    await self.durable()
                raise
            assert isinstance(result, dict)
            if self.store is not None:
                await self.durable()
            return result
        finally:
            self._busy -= 1

    def _rearm(self) -> None:
        for domain in self.domains.values():
            lifecycle.rearm_retention(self, domain)
            for execution in domain.open_executions.values():
                lifecycle.rearm_execution(self, execution)
                for activity in execution.activities.values():
                    activities.rearm_activity(self, execution, activity)
                for timer in execution.timers.values():
                    decisions.rearm_timer(self, execution, timer)
                for function in execution.lambdas.values():
                    lambdas.rearm_lambda(self, execution, function)

    # -- read-only queries (the web console) -----------------------------------------------------

    def history_events(self, domain: str, workflow_id: str, run_id: str, *, after: int = 0) -> list[Json]:
        """Return the events of one run (open, or closed and retained) whose id is above ``after``.

        ``GetWorkflowExecutionHistory`` pages at most 1,000 events and decodes a closed history again for
        every page; this reads the whole tail at once. Nothing is decoded when nothing is new.

        Raises:
            UnknownResourceFault: If the domain holds no such run.
        """
        execution = workflow_ops.find_execution(
            self.domain(domain), {"workflowId": workflow_id, "runId": run_id}
        )
        if after >= len(execution.events):
            return []
        return list(execution.events[max(after, 0) :])
