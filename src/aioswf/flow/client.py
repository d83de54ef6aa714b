"""Starting workflows and following them: `start`, `execute`, `get_handle` and `WorkflowHandle`.

``handle = await flow.start(Order, order, domain="shop")`` starts a run (registering the workflow type
first if SWF does not know it yet); ``await handle.result()`` waits for the run to close, follows a
continue-as-new chain to its last run, and returns the result decoded by ``run()``'s return annotation,
or raises `WorkflowFailureError` (with the decoded cause), `WorkflowCanceledError`,
`WorkflowTerminatedError` or `WorkflowTimedOutError`.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from typing import Any, Generic, TypeVar, overload

import anyio

from aioswf import constants, validation
from aioswf.connection import Connection, get_connection
from aioswf.exceptions import TypeAlreadyExistsError, WorkflowTypeDoesNotExist
from aioswf.flow.converter import DataConverter
from aioswf.flow.definitions import (
    Duration,
    WorkflowDefinition,
    signal_name,
    swf_seconds,
    workflow_definition,
)
from aioswf.flow.errors import (
    PayloadSizeError,
    WorkflowCanceledError,
    WorkflowError,
    WorkflowFailureError,
    WorkflowTerminatedError,
    WorkflowTimedOutError,
)
from aioswf.flow.failures import decode_failure
from aioswf.flow.payloads import PayloadOffloader
from aioswf.models.domain import Domain
from aioswf.models.history import History
from aioswf.models.workflow import WorkflowExecution
from aioswf.querysets.workflow import WorkflowExecutionQuerySet

__all__ = ["WorkflowHandle", "execute", "get_handle", "start"]

_R = TypeVar("_R")

_CLOSE_EVENTS = {
    "WorkflowExecutionCompleted",
    "WorkflowExecutionFailed",
    "WorkflowExecutionCanceled",
    "WorkflowExecutionTerminated",
    "WorkflowExecutionContinuedAsNew",
    "WorkflowExecutionTimedOut",
}


def _domain_name(domain: Domain | str) -> str:
    return domain.name if isinstance(domain, Domain) else validation.check_name(domain, "domain")


class WorkflowHandle(Generic[_R]):
    """A workflow execution (and the runs it continues as): wait for its result, signal, cancel, ...

    Args:
        domain: The domain.
        workflow_id: The workflow id.
        run_id: The run to start from (default: the latest run of the workflow id).
        workflow: The ``@flow.workflow`` class, to decode the result by ``run()``'s annotation.
        connection: The connection (default: the current one).
        converter: Decodes results and failures.
        offloader: Resolves results kept in a payload store.
    """

    def __init__(
        self,
        domain: Domain | str,
        workflow_id: str,
        run_id: str | None = None,
        *,
        workflow: Any = None,
        connection: Connection | None = None,
        converter: DataConverter | None = None,
        offloader: PayloadOffloader | None = None,
    ) -> None:
        self.domain = _domain_name(domain)
        self.workflow_id = validation.check_name(workflow_id, "workflow_id")
        self.run_id = run_id
        self.definition: WorkflowDefinition | None = (
            None if workflow is None else workflow_definition(workflow)
        )
        self._connection = connection
        self.converter = converter or DataConverter()
        self.offloader = offloader

    def __repr__(self) -> str:
        return f"<WorkflowHandle {self.domain}/{self.workflow_id} run {self.run_id}>"

    @property
    def connection(self) -> Connection:
        """The connection the handle uses."""
        return get_connection(self._connection, "WorkflowHandle")

    def _execution(self, run_id: str | None) -> WorkflowExecution:
        return WorkflowExecution(self.domain, self.workflow_id, run_id, connection=self.connection)

    async def _latest_run(self) -> str:
        executions = WorkflowExecutionQuerySet(self.domain, connection=self.connection)
        for status in (constants.OPEN, constants.CLOSED):
            found = await executions.filter(status=status, workflow_id=self.workflow_id)
            if found:
                return str(found[0].run_id)
        raise WorkflowError(
            f"no execution of workflow id {self.workflow_id!r} in domain {self.domain!r}",
            workflow_id=self.workflow_id,
            run_id=None,
        )

    async def _close_event(self, run_id: str, deadline: float | None, poll_interval: float) -> Any:
        interval = 0.05
        execution = self._execution(run_id)
        while True:
            async for page in execution.events(reverse=True, page_size=1):
                last = page.last
                if last is not None and last.name in _CLOSE_EVENTS:
                    return last
                break
            if deadline is not None and time.monotonic() >= deadline:
                raise TimeoutError(f"workflow {self.workflow_id} run {run_id} is still open")
            pause = interval if deadline is None else min(interval, max(0.0, deadline - time.monotonic()))
            await anyio.sleep(pause)
            interval = min(interval * 1.5, poll_interval)

    async def result(self, *, timeout: float | None = None, poll_interval: float = 1.0) -> _R:  # noqa: ASYNC109
        """Waits for the workflow to close and returns its result, following continue-as-new.

        Args:
            timeout: Seconds to wait at most (``None``: as long as it takes).
            poll_interval: The longest pause between looks at the history (the first ones are shorter).

        Returns:
            The result, decoded by the workflow's ``run()`` annotation (when the handle knows the class).

        Raises:
            WorkflowFailureError: When the run failed (``cause``: its failure, decoded).
            WorkflowCanceledError: When it was canceled.
            WorkflowTerminatedError: When it was terminated.
            WorkflowTimedOutError: When it timed out.
            TimeoutError: When it is still open after ``timeout`` seconds.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        run_id = self.run_id or await self._latest_run()
        while True:
            event = await self._close_event(run_id, deadline, poll_interval)
            attributes = event.attributes
            if event.name == "WorkflowExecutionContinuedAsNew":
                run_id = str(attributes.get("new_execution_run_id"))
                continue
            self.run_id = run_id
            return await self._outcome(event, run_id)

    async def _resolve(self, text: str | None) -> str | None:
        return await self.offloader.resolve(text) if self.offloader is not None else text

    async def _outcome(self, event: Any, run_id: str) -> _R:
        attributes = event.attributes
        where = {"workflow_id": self.workflow_id, "run_id": run_id}
        name = f"workflow {self.workflow_id} run {run_id}"
        if event.name == "WorkflowExecutionCompleted":
            hint = self.definition.hints[1] if self.definition is not None else Any
            value: _R = self.converter.decode(await self._resolve(attributes.get("result")), hint)
            return value
        reason, details = attributes.get("reason"), attributes.get("details")
        if event.name == "WorkflowExecutionFailed":
            cause = decode_failure(reason, details, self.converter)
            raise WorkflowFailureError(
                f"{name} failed: {reason}", reason=reason, details=details, cause=cause, **where
            )
        if event.name == "WorkflowExecutionCanceled":
            raise WorkflowCanceledError(f"{name} was canceled", details=details, **where)
        if event.name == "WorkflowExecutionTerminated":
            raise WorkflowTerminatedError(
                f"{name} was terminated: {reason}", reason=reason, details=details, **where
            )
        raise WorkflowTimedOutError(f"{name} timed out ({attributes.get('timeout_type')})", **where)

    async def signal(self, signal: Any, *args: Any) -> None:
        """Signals the workflow's open run.

        Args:
            signal: The signal's name, or a ``@flow.signal`` method of the workflow class.
            *args: Its arguments (encoded by the converter).

        Raises:
            WorkflowExecutionDoesNotExist: When no run of the workflow id is open.
        """
        text = self.converter.encode_args(args)
        text = await _fit(text, "input", self.offloader)
        await self._execution(None).signal(signal_name(signal), text)

    async def cancel(self) -> None:
        """Asks the workflow's open run to cancel: ``run()`` sees `asyncio.CancelledError` and may clean up.

        Raises:
            WorkflowExecutionDoesNotExist: When no run of the workflow id is open.
        """
        await self._execution(None).request_cancel()

    async def terminate(self, reason: str | None = None, details: str | None = None) -> None:
        """Ends the workflow's open run at once, without its code's say.

        Raises:
            WorkflowExecutionDoesNotExist: When no run of the workflow id is open.
        """
        await self._execution(None).terminate(reason=reason, details=details)

    async def describe(self) -> WorkflowExecution:
        """The run as SWF describes it (status, open counts, timestamps), following to the latest run."""
        run_id = self.run_id or await self._latest_run()
        return await self._execution(run_id).describe()

    async def history(self) -> History:
        """The history of the handle's run (the latest one, when it has no run id)."""
        run_id = self.run_id or await self._latest_run()
        return await self._execution(run_id).history()


async def _fit(text: str, field: str, offloader: PayloadOffloader | None) -> str:
    if len(text) <= constants.MAX_DATA_LENGTH:
        return text
    if offloader is None:
        raise PayloadSizeError(
            f"the {field} is {len(text):,} characters long; SWF accepts at most {constants.MAX_DATA_LENGTH:,} "
            "(pass offloader=... to keep large payloads in a store)",
            argument=field,
            limit=f"at most {constants.MAX_DATA_LENGTH} characters",
        )
    reference = offloader.reference(text)
    await offloader.put(reference)
    return reference.text


@overload
async def start(
    workflow: type[Any],
    *args: Any,
    domain: Domain | str,
    workflow_id: str | None = None,
    task_list: str | None = None,
    execution_start_to_close: Duration | None = None,
    task_start_to_close: Duration | None = None,
    child_policy: str | None = None,
    tags: Sequence[str] | None = None,
    connection: Connection | None = None,
    converter: DataConverter | None = None,
    offloader: PayloadOffloader | None = None,
) -> WorkflowHandle[Any]: ...
@overload
async def start(workflow: WorkflowDefinition, *args: Any, **options: Any) -> WorkflowHandle[Any]: ...
async def start(
    workflow: Any,
    *args: Any,
    domain: Domain | str,
    workflow_id: str | None = None,
    task_list: str | None = None,
    execution_start_to_close: Duration | None = None,
    task_start_to_close: Duration | None = None,
    child_policy: str | None = None,
    tags: Sequence[str] | None = None,
    connection: Connection | None = None,
    converter: DataConverter | None = None,
    offloader: PayloadOffloader | None = None,
) -> WorkflowHandle[Any]:
    """Starts a run of a workflow and returns its handle.

    Args:
        workflow: The ``@flow.workflow`` class.
        *args: ``run()``'s arguments (encoded by the converter).
        domain: The domain.
        workflow_id: The workflow id (default: ``<workflow name>-<random>``).
        task_list: The decision task list (default: the workflow's, else the type's registered default).
        execution_start_to_close: The run's timeout (default: the workflow's).
        task_start_to_close: Its decision tasks' timeout (default: the workflow's).
        child_policy: Its child policy (default: the workflow's).
        tags: At most 5 tags.
        connection: The connection (default: the current one).
        converter: Encodes the arguments (and, in the handle, decodes the result).
        offloader: Keeps arguments over SWF's limit in a payload store.

    Returns:
        The handle, with the run id.

    Raises:
        PayloadSizeError: When the arguments are over SWF's limit and no offloader is given.
        WorkflowExecutionAlreadyStartedError: When a run with that workflow id is open.
        ValidationError: When an argument breaks SWF's limits (nothing is sent).
    """
    definition = workflow_definition(workflow)
    conn = get_connection(connection, "flow.start")
    converter = converter or DataConverter()
    domain_name = _domain_name(domain)
    workflow_id = validation.check_name(
        workflow_id or f"{definition.name[:200]}-{uuid.uuid4().hex}", "workflow_id"
    )
    text = await _fit(converter.encode_args(args), "input", offloader)
    task_list = task_list or definition.task_list
    workflow_type = definition.workflow_type(domain_name, task_list=task_list, connection=conn)
    options: dict[str, Any] = {
        "task_list": task_list,
        "child_policy": child_policy or definition.child_policy,
        "execution_timeout": swf_seconds(execution_start_to_close, "execution_start_to_close")
        or definition.execution_start_to_close,
        "decision_tasks_timeout": swf_seconds(task_start_to_close, "task_start_to_close")
        or definition.task_start_to_close,
        "input": text,
        "tag_list": tags,
    }
    try:
        execution = await workflow_type.start_execution(workflow_id, **options)
    except WorkflowTypeDoesNotExist:
        # No worker registered the type yet: register it (idempotently) and start again.
        try:
            await workflow_type.save()
        except TypeAlreadyExistsError:
            pass
        execution = await workflow_type.start_execution(workflow_id, **options)
    return WorkflowHandle(
        domain_name,
        workflow_id,
        execution.run_id,
        workflow=definition,
        connection=connection,
        converter=converter,
        offloader=offloader,
    )


async def execute(workflow: Any, *args: Any, timeout: float | None = None, **options: Any) -> Any:  # noqa: ASYNC109
    """Starts a run and waits for its result: `start` then `WorkflowHandle.result`.

    Takes `start`'s arguments, and ``timeout`` for the wait.
    """
    handle = await start(workflow, *args, **options)
    return await handle.result(timeout=timeout)


def get_handle(
    domain: Domain | str,
    workflow_id: str,
    run_id: str | None = None,
    *,
    workflow: Any = None,
    connection: Connection | None = None,
    converter: DataConverter | None = None,
    offloader: PayloadOffloader | None = None,
) -> WorkflowHandle[Any]:
    """The handle of an existing workflow execution (no request is sent).

    Args:
        domain: The domain.
        workflow_id: The workflow id.
        run_id: The run (default: its latest run, looked up when needed).
        workflow: The ``@flow.workflow`` class, to decode the result by its annotation.
        connection: The connection (default: the current one).
        converter: Decodes results.
        offloader: Resolves results kept in a payload store.

    Returns:
        The handle.
    """
    return WorkflowHandle(
        domain,
        workflow_id,
        run_id,
        workflow=workflow,
        connection=connection,
        converter=converter,
        offloader=offloader,
    )
