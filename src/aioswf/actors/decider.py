"""`Decider`: polls decision tasks, hands each execution's history to a handler, answers with its decisions."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import anyio
import attrs

from aioswf import constants, validation
from aioswf.actors.backoff import Backoff, FailureStreak, is_transient
from aioswf.actors.base import DEFAULT_GRACE, Actor, InFlight, StopReason
from aioswf.actors.handlers import call_handler, clip_head, describe_error, is_async_callable
from aioswf.exceptions import (
    DoesNotExistError,
    PollTimeout,
    SWFError,
    UnexpectedResponseError,
    ValidationError,
)
from aioswf.models.decision import Decision, WorkflowExecutionDecision, decisions_to_api
from aioswf.models.task import DecisionTask, token_ref

if TYPE_CHECKING:
    from aioswf.connection import Connection
    from aioswf.models.domain import Domain

__all__ = ["Decider", "DecisionHandler", "DecisionResult", "Decisions"]

logger = logging.getLogger("aioswf.actors")

#: How many times a page of a decision task's history is retried before the task is given up.
HISTORY_PAGE_ATTEMPTS = 5


def _to_decisions(value: Iterable[Decision | Mapping[str, Any]] | None) -> tuple[Decision, ...]:
    if value is None:
        return ()
    if isinstance(value, (str, bytes, Mapping, Decision)) or not isinstance(value, Iterable):
        raise ValidationError(
            f"decisions must be a list of decisions, not one {type(value).__name__}",
            argument="decisions",
            limit="a list of decisions",
        )
    found = []
    for index, item in enumerate(value):
        if isinstance(item, Decision):
            found.append(item)
        elif isinstance(item, Mapping) and "decisionType" in item:
            found.append(Decision.from_api(item))
        else:
            raise ValidationError(
                f"decisions[{index}] must be a Decision or SWF's decision dict, not {type(item).__name__}",
                argument=f"decisions[{index}]",
                limit="a Decision",
            )
    return tuple(found)


@attrs.frozen
class DecisionResult:
    """What a decision handler may return when it has more than decisions to send.

    Args:
        decisions: The decisions (`Decision` objects from `aioswf.models.decision`, or SWF's dicts).
        execution_context: Free text SWF keeps with the execution (at most 32,768 characters).
        task_list: The task list of the execution's next decision tasks (SWF's ``taskList`` of
            ``RespondDecisionTaskCompleted``), e.g. a worker's own list for a cached, incremental decider.
        task_list_schedule_to_start_timeout: Seconds a decision task may wait on ``task_list`` before
            SWF times it out and goes back to the execution's own task list.
    """

    decisions: tuple[Decision, ...] = attrs.field(default=(), converter=_to_decisions)
    execution_context: str | None = None
    task_list: str | None = None
    task_list_schedule_to_start_timeout: int | str | None = None


#: What a decision handler returns: decisions (possibly none), or a `DecisionResult`.
Decisions = Sequence[Decision | Mapping[str, Any]] | DecisionResult | None
#: A decision handler: called with the task, returns its decisions; a coroutine function or a plain one.
DecisionHandler = Callable[[DecisionTask], Awaitable[Decisions] | Decisions]


class Decider(Actor[DecisionTask]):
    """Polls a task list for decision tasks and answers each with the decisions of a handler.

    Give a handler (``async def decide(task) -> decisions``), or subclass and override `decide`. The task
    carries the execution's full history (every page). A handler that raises does not stop the decider:
    the error is logged with the execution, and the decision task is left to its start-to-close timeout,
    after which SWF schedules a new one (SWF has no way to fail a decision task), or, with
    ``on_error="fail_execution"``, the execution is failed with the error as its reason.

    Args:
        domain: The domain (a `Domain` model, or its name).
        task_list: The decision task list to poll.
        handler: The decision handler, unless `decide` is overridden. A plain function runs in a thread.
        identity: Who polls, as recorded in the history (default: ``hostname:pid``).
        connection: The connection to use (default: the one open in the context that starts it).
        max_concurrent: How many decision tasks are handled at once.
        page_size: Events per page of history (default: SWF's 1,000).
        on_error: What to do when the handler raises or answers beyond SWF's limits: ``"timeout"`` leaves
            the decision task to its start-to-close timeout, so SWF retries it with a new decision task;
            ``"fail_execution"`` fails the execution at once, with the error as its reason and the
            traceback as details (for errors that retrying will not fix).
        backoff: How to wait between retries after network errors, HTTP 5xx and throttling.
        finish_polls: On stop, let the poll in flight return within the grace period.
        grace: Seconds in-flight tasks get to finish when it stops without being told how long.
        start_at_previous_started_event: Poll with ``startAtPreviousStartedEvent``: a task's history then
            starts at the previous decision task's ``DecisionTaskStarted`` event (the events a decider that
            kept the execution's state has not seen), instead of at the execution's first event.

    Raises:
        ValidationError: When an argument breaks SWF's limits.
    """

    def __init__(
        self,
        domain: Domain | str,
        task_list: str,
        handler: DecisionHandler | None = None,
        *,
        identity: str | None = None,
        connection: Connection | None = None,
        max_concurrent: int = 10,
        page_size: int | None = None,
        on_error: Literal["timeout", "fail_execution"] = "timeout",
        backoff: Backoff | None = None,
        finish_polls: bool = False,
        grace: float = DEFAULT_GRACE,
        start_at_previous_started_event: bool = False,
    ) -> None:
        super().__init__(
            domain,
            task_list,
            identity=identity,
            connection=connection,
            max_concurrent=max_concurrent,
            backoff=backoff,
            finish_polls=finish_polls,
            grace=grace,
        )
        if handler is not None and not callable(handler):
            raise ValidationError(
                f"handler must be callable (a function or coroutine function taking the task), "
                f"not {type(handler).__name__}",
                argument="handler",
                limit="a callable",
            )
        self.handler = handler
        self.page_size = validation.check_page_size(page_size)
        self.on_error = validation.check_choice(on_error, "on_error", ("timeout", "fail_execution"))
        self.start_at_previous_started_event = bool(start_at_previous_started_event)
        self._threads: anyio.CapacityLimiter | None = None
        # Whether decide() and the handler are coroutine functions, found once (the handler may be replaced).
        self._decide_is_async: bool | None = None
        self._checked_handler: DecisionHandler | None = None
        self._handler_is_async = False

    async def poll(
        self, task_list: str | None = None, identity: str | None = None, *, page_size: int | None = None
    ) -> DecisionTask:
        """Long-polls for a decision task and fetches its full history, page after page.

        Args:
            task_list: The task list to poll (default: the decider's).
            identity: Who polls (default: the decider's identity).
            page_size: Events per page of history (default: the decider's page size).

        Returns:
            The task, with the execution's whole history.

        Raises:
            PollTimeout: When the poll ended without a task (normal; poll again), or when SWF forgot the
                task before its later pages of history were fetched (it timed out, or its execution
                closed, while the network or the server was down): there is no task left to decide.
            SWFError: When SWF or the network failed. When a later page of history cannot be fetched,
                the task is left to its start-to-close timeout (logged), and the error raised.
        """
        # The decider's own task list, identity and page size were checked when it was built.
        task_list = validation.check_name(task_list, "task_list") if task_list else self.task_list
        identity = self.identity if identity is None else validation.check_identity(identity, "identity")
        size = self.page_size if page_size is None else validation.check_page_size(page_size)
        extra: dict[str, Any] = {}
        if self.start_at_previous_started_event:
            extra["startAtPreviousStartedEvent"] = True
        pages = self.connection.paginate(
            "PollForDecisionTask",
            page_size=size or self.page_size,
            domain=self.domain_name,
            taskList={"name": task_list},
            identity=identity or self.identity,
            **extra,
        )
        first = await pages.__anext__()
        if not first.get("taskToken"):
            # AWS answers an empty poll without a taskToken; SWF's reference says an empty one: both are fine.
            await pages.aclose()
            raise PollTimeout(f"no decision task on {self.domain_name}/{task_list}")
        if not isinstance(first["taskToken"], str):
            await pages.aclose()
            raise UnexpectedResponseError(
                "PollForDecisionTask", "UnexpectedResponse", "taskToken is not a string"
            )
        events: list[Mapping[str, Any]] = list(first.get("events") or ())
        streak: FailureStreak | None = None
        while True:
            try:
                page = await pages.__anext__()
            except StopAsyncIteration:
                break
            except SWFError as error:
                if streak is None:
                    streak = FailureStreak(
                        f"Decider fetching history of task {token_ref(first['taskToken'])}", logger
                    )
                if is_transient(error) and streak.failures + 1 < HISTORY_PAGE_ATTEMPTS:
                    await anyio.sleep(self.backoff.delay(streak.failed(error)))
                    continue
                execution = first.get("workflowExecution") or {}
                if isinstance(error, DoesNotExistError):
                    # Not a missing domain (that fails the first page): this task is gone, polling goes on.
                    logger.warning(
                        "%r: decision task %s (execution %s/%s) timed out or its execution closed before "
                        "its history could be fetched: %s",
                        self,
                        token_ref(first["taskToken"]),
                        execution.get("workflowId"),
                        execution.get("runId"),
                        error,
                    )
                    raise PollTimeout(f"decision task {token_ref(first['taskToken'])} is gone") from error
                logger.error(
                    "%r: could not fetch the history of decision task %s (execution %s/%s): %r; "
                    "the task is left to its start-to-close timeout",
                    self,
                    token_ref(first["taskToken"]),
                    execution.get("workflowId"),
                    execution.get("runId"),
                    error,
                )
                raise
            if streak is not None:
                streak.succeeded()
            events.extend(page.get("events") or ())
        try:
            return DecisionTask.from_poll(self._domain_model, task_list, first, events)
        except ValidationError as error:
            raise UnexpectedResponseError("PollForDecisionTask", "UnexpectedResponse", str(error)) from error

    async def complete(
        self,
        task_token: str,
        decisions: Iterable[Decision | Mapping[str, Any]] | None = None,
        execution_context: str | None = None,
    ) -> None:
        """Answers a decision task with decisions (``RespondDecisionTaskCompleted``).

        Args:
            task_token: The task's token.
            decisions: The decisions (`Decision` objects, or SWF's decision dicts); none is fine.
            execution_context: Free text SWF keeps with the execution.

        Raises:
            ValidationError: When the decisions or the context break SWF's limits (nothing is sent).
            DoesNotExistError: When SWF no longer knows the task (it timed out or its execution closed).
            SWFError: When SWF or the network failed.
        """
        params = self._completion(task_token, _to_decisions(decisions), execution_context)
        await self.connection.call("RespondDecisionTaskCompleted", **params)

    def _completion(
        self,
        task_token: str,
        decisions: tuple[Decision, ...],
        execution_context: str | None,
        task_list: str | None = None,
        task_list_schedule_to_start_timeout: int | str | None = None,
    ) -> dict[str, Any]:
        params: dict[str, Any] = {
            "taskToken": validation.check_task_token(task_token, "task_token"),
            "decisions": decisions_to_api(decisions, execution_context=execution_context),
        }
        if execution_context is not None:
            params["executionContext"] = execution_context
        if task_list is not None:
            params["taskList"] = {"name": validation.check_name(task_list, "task_list")}
            timeout = validation.check_timeout(
                task_list_schedule_to_start_timeout, "task_list_schedule_to_start_timeout"
            )
            if timeout is not None:
                params["taskListScheduleToStartTimeout"] = timeout
        return params

    async def decide(self, task: DecisionTask) -> Decisions:
        """Decides what to do next for a decision task. Override it, or give a handler.

        Args:
            task: The task, with the execution's full history.

        Returns:
            The decisions (possibly none), or a `DecisionResult` with an execution context.

        Raises:
            NotImplementedError: When there is no handler and the method is not overridden.
        """
        handler = self.handler
        if handler is None:
            raise NotImplementedError(f"{type(self).__name__} needs a handler, or an override of decide()")
        if handler is not self._checked_handler:
            self._checked_handler = handler
            self._handler_is_async = is_async_callable(handler)
        if self._handler_is_async:
            decided: Decisions = await handler(task)  # type: ignore[misc]
            return decided
        if self._threads is None:
            self._threads = anyio.CapacityLimiter(self.max_concurrent)
        result: Decisions = await call_handler(handler, task, limiter=self._threads)
        return result

    # The run loop ----------------------------------------------------------------------------------------

    async def _poll_task(self) -> DecisionTask | None:
        try:
            return await self.poll()
        except PollTimeout:
            return None

    def _about(self, task: DecisionTask) -> str:
        execution = task.workflow_execution
        return f"execution {execution.workflow_id}/{execution.run_id}"

    async def _process(self, task: DecisionTask, record: InFlight) -> None:
        result: Decisions = None
        with record.handler_scope:
            try:
                result = await self._decide(task)
            except anyio.get_cancelled_exc_class():
                if not record.handler_scope.cancel_called:
                    # Cancelled from outside, not by stop(): nothing can be answered any more.
                    logger.warning(
                        "%r: cancelled while deciding %s (task %s); it is left to its start-to-close timeout",
                        self,
                        self._about(task),
                        record.ref,
                    )
                raise
            except Exception as error:
                logger.exception(
                    "%r: the decision handler failed on %s (workflow type %s/%s, task %s); %s",
                    self,
                    self._about(task),
                    task.workflow_type.name,
                    task.workflow_type.version,
                    record.ref,
                    self._error_outcome,
                )
                await self._answer_error(task, record, error)
                return
        if record.handler_scope.cancelled_caught:
            logger.warning(
                "%r: decision task %s of %s not decided (%s); it is left to its start-to-close timeout",
                self,
                record.ref,
                self._about(task),
                (record.reason or StopReason.STOP).value,
            )
            return
        try:
            if isinstance(result, DecisionResult):
                params = self._completion(
                    task.task_token,
                    result.decisions,
                    result.execution_context,
                    result.task_list,
                    result.task_list_schedule_to_start_timeout,
                )
            else:
                params = self._completion(task.task_token, _to_decisions(result), None)
        except ValidationError as error:
            logger.error(
                "%r: the decision handler's answer for %s (task %s) cannot be sent: %s; %s",
                self,
                self._about(task),
                record.ref,
                error,
                self._error_outcome,
            )
            await self._answer_error(task, record, error)
            return
        await self._respond("RespondDecisionTaskCompleted", record, **params)

    @property
    def _error_outcome(self) -> str:
        if self.on_error == "fail_execution":
            return "the execution is failed"
        return "the decision task is left to its start-to-close timeout, after which SWF schedules a new one"

    async def _answer_error(self, task: DecisionTask, record: InFlight, error: Exception) -> None:
        if self.on_error != "fail_execution":
            return
        reason, details = describe_error(error, constants.MAX_REASON_LENGTH, constants.MAX_DATA_LENGTH)
        decision = WorkflowExecutionDecision.fail(
            reason=clip_head(f"decider error: {reason}", constants.MAX_REASON_LENGTH), details=details
        )
        params = self._completion(task.task_token, (decision,), None)
        await self._respond("RespondDecisionTaskCompleted", record, **params)

    async def _decide(self, task: DecisionTask) -> Decisions:
        if self._decide_is_async is None:
            self._decide_is_async = is_async_callable(self.decide)
        if self._decide_is_async:
            return await self.decide(task)
        # A subclass may override decide() with plain code: keep it off the event loop.
        if self._threads is None:
            self._threads = anyio.CapacityLimiter(self.max_concurrent)
        result: Decisions = await call_handler(self.decide, task, limiter=self._threads)
        return result
