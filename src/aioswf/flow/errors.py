"""The errors of `aioswf.flow`, inside workflows and around them.

```
SWFError
├── FailureError                    fails the workflow when it escapes run() (by default)
│   ├── ApplicationError            raised by your code: a type name, a message, details
│   ├── ActivityError               an activity's final failure; its cause says why
│   │   └── ActivityTimeoutError    ... because SWF timed it out (also a TimeoutError)
│   ├── ChildWorkflowError          a child workflow failed, was canceled or terminated
│   │   └── ChildWorkflowTimeoutError  (also a TimeoutError)
│   └── DecisionFailedError         SWF refused a decision (a ``*Failed`` event), at the call site
├── NonDeterminismError             the code and the history disagree (the decision task is retried)
├── WorkflowRestrictionError (RuntimeError)   workflow code tried threads, sockets, subprocesses, ...
├── StepDeadlineError (RuntimeError)          a step of workflow code ran past its deadline
├── PayloadSizeError (ValidationError)        a payload over SWF's limit, with nowhere to offload it
└── WorkflowError                   what a client's ``handle.result()`` raises
    ├── WorkflowFailureError        the run failed (reason, decoded cause)
    ├── WorkflowCanceledError       the run was canceled
    ├── WorkflowTerminatedError     the run was terminated
    └── WorkflowTimedOutError       the run timed out (also a TimeoutError)
ContinueAsNewError (BaseException)  raised by ``flow.continue_as_new()`` to end the run
```

Only `FailureError` (and the types a workflow lists in ``failure_exceptions``) fail a workflow
execution. Any other exception escaping workflow code is a bug: the decision task is retried after a
backoff, so that a fixed worker can carry on where the run stopped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aioswf.exceptions import SWFError, ValidationError

__all__ = [
    "ActivityError",
    "ActivityTimeoutError",
    "ApplicationError",
    "ChildWorkflowError",
    "ChildWorkflowTimeoutError",
    "ContinueAsNewError",
    "DecisionFailedError",
    "FailureError",
    "NonDeterminismError",
    "PayloadSizeError",
    "StepDeadlineError",
    "WorkflowCanceledError",
    "WorkflowError",
    "WorkflowFailureError",
    "WorkflowRestrictionError",
    "WorkflowTerminatedError",
    "WorkflowTimedOutError",
]


class FailureError(SWFError):
    """Base of the errors that fail a workflow execution when they escape its ``run()``.

    Attributes:
        message: What happened.
        cause: The error behind this one, if any (decoded from SWF's reason and details).
    """

    def __init__(self, message: str, *, cause: BaseException | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.cause = cause
        if cause is not None:
            self.__cause__ = cause


class ApplicationError(FailureError):
    """An error of your own that fails an activity or a workflow with a type name, a message and details.

    Raise it from activity or workflow code; failures that come back from SWF (an activity's, a child
    workflow's) are rebuilt as `ApplicationError` with the ``type`` of the original exception.

    Args:
        message: What happened.
        details: Any value the data converter can encode, recorded with the failure.
        type: The error's type name (default: the class's name).
        non_retryable: Whether a `flow.RetryPolicy` must not retry an activity that raised it.
        cause: The error behind this one.
        traceback: The original traceback, as text (for failures rebuilt from SWF).
    """

    def __init__(
        self,
        message: str,
        *details: Any,
        type: str | None = None,
        non_retryable: bool = False,
        cause: BaseException | None = None,
        traceback: str | None = None,
    ) -> None:
        super().__init__(message, cause=cause)
        self.details: tuple[Any, ...] = details
        self.type = type if type is not None else self.__class__.__name__
        self.non_retryable = non_retryable
        self.traceback = traceback

    def __str__(self) -> str:
        if self.type and self.type != type(self).__name__:
            return f"{self.type}: {self.message}"
        return self.message


class ActivityError(FailureError):
    """An activity failed for good: it raised, timed out or was canceled, and no retry is left.

    Attributes:
        activity_type: ``(name, version)`` of the activity.
        activity_id: The id of its last attempt.
        attempt: How many attempts were made.
        cause: Why the last attempt failed: an `ApplicationError` rebuilt from the activity's exception.
    """

    def __init__(
        self,
        message: str,
        *,
        activity_type: tuple[str, str] = ("", ""),
        activity_id: str = "",
        attempt: int = 1,
        cause: BaseException | None = None,
    ) -> None:
        super().__init__(message, cause=cause)
        self.activity_type = activity_type
        self.activity_id = activity_id
        self.attempt = attempt


class ActivityTimeoutError(ActivityError, TimeoutError):
    """An activity's last attempt was timed out by SWF.

    Attributes:
        timeout_type: ``START_TO_CLOSE``, ``SCHEDULE_TO_START``, ``SCHEDULE_TO_CLOSE`` or ``HEARTBEAT``.
        details: The details of the activity's last heartbeat, decoded.
    """

    def __init__(self, message: str, *, timeout_type: str = "", details: Any = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.timeout_type = timeout_type
        self.details = details


class ChildWorkflowError(FailureError):
    """A child workflow execution failed, timed out, was canceled or was terminated.

    Attributes:
        workflow_type: ``(name, version)`` of the child.
        workflow_id: The child's workflow id.
        run_id: The child's run id, when it started.
        status: ``FAILED``, ``TIMED_OUT``, ``CANCELED`` or ``TERMINATED``.
        cause: The child's own failure, decoded, when it failed.
    """

    def __init__(
        self,
        message: str,
        *,
        workflow_type: tuple[str, str] = ("", ""),
        workflow_id: str = "",
        run_id: str | None = None,
        status: str = "FAILED",
        cause: BaseException | None = None,
    ) -> None:
        super().__init__(message, cause=cause)
        self.workflow_type = workflow_type
        self.workflow_id = workflow_id
        self.run_id = run_id
        self.status = status


class ChildWorkflowTimeoutError(ChildWorkflowError, TimeoutError):
    """A child workflow execution timed out."""


class DecisionFailedError(FailureError):
    """SWF refused a decision of this workflow: the history holds a ``*Failed`` event for it.

    Raised where the workflow code asked for the decision (``execute_activity``, ``start_child``, ...).

    Attributes:
        decision_type: SWF's decision type, such as ``"ScheduleActivityTask"``.
        cause: SWF's cause, such as ``"ACTIVITY_TYPE_DOES_NOT_EXIST"`` (a string here).
        event_id: The id of the ``*Failed`` event.
    """

    def __init__(self, message: str, *, decision_type: str, cause: str, event_id: int) -> None:
        super().__init__(message)
        self.decision_type = decision_type
        self.swf_cause = cause
        self.event_id = event_id


class NonDeterminismError(SWFError):
    """The workflow code and the recorded history disagree.

    Raised by a replay when a command of the code does not match the event SWF recorded for it (by kind,
    id and type), when the history holds a decision the code no longer asks for, or the other way round.
    A live worker retries the decision task (nothing new is decided; the run is not corrupted), so a
    worker running the fixed code carries on; list `NonDeterminismError` in ``failure_exceptions`` to
    fail the execution instead.

    Attributes:
        workflow_id: The workflow id (``None`` when replaying a history that does not say).
        event_id: The id of the event where code and history part.
        history: What the history holds there, in words.
        code: What the code asked for there, in words.
        location: The source line that asked (``file:line in function``), when known.
    """

    def __init__(
        self,
        *,
        workflow_id: str | None,
        event_id: int,
        history: str,
        code: str,
        location: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.workflow_id = workflow_id
        self.event_id = event_id
        self.history = history
        self.code = code
        self.location = location
        lines = [
            f"workflow {workflow_id or '(id unknown)'}: the code does not replay its history at event {event_id}",
            f"  the history holds: {history}",
            f"  the code asked for: {code}" + (f"\n    at {location}" if location else ""),
        ]
        if hint:
            lines.append(f"  {hint}")
        super().__init__("\n".join(lines))


class WorkflowRestrictionError(SWFError, RuntimeError):
    """Workflow code tried something that cannot replay: threads, executors, sockets, subprocesses, ...

    Workflow code runs on a deterministic event loop of its own; do such work in an activity.
    """


class StepDeadlineError(SWFError, RuntimeError):
    """A step of workflow code ran past the worker's ``step_deadline`` without giving back control.

    Attributes:
        location: Where the workflow code was when the deadline passed.
    """

    def __init__(self, message: str, *, location: str | None = None) -> None:
        super().__init__(message)
        self.location = location


class PayloadSizeError(ValidationError):
    """A payload is longer than SWF accepts in its field, and no payload offloader is configured."""


class ContinueAsNewError(BaseException):
    """Raised by `flow.continue_as_new`: ends the run and starts a new one with the same workflow id.

    It derives from `BaseException` so that ``except Exception`` in workflow code does not stop it.

    Attributes:
        args_: The new run's arguments.
        options: The new run's settings (task list, timeouts, ...).
    """

    def __init__(self, args: Sequence[Any], options: dict[str, Any]) -> None:
        super().__init__("continue as new")
        self.args_ = tuple(args)
        self.options = options


class WorkflowError(SWFError):
    """Base of what `WorkflowHandle.result` raises when a run did not complete.

    Attributes:
        workflow_id: The workflow id.
        run_id: The run that did not complete.
    """

    def __init__(self, message: str, *, workflow_id: str, run_id: str | None) -> None:
        super().__init__(message)
        self.workflow_id = workflow_id
        self.run_id = run_id


class WorkflowFailureError(WorkflowError):
    """The run failed.

    Attributes:
        reason: SWF's failure reason.
        details: SWF's failure details, as recorded.
        cause: The failure, decoded (an `ApplicationError`, `ActivityError`, ... rebuilt from details).
    """

    def __init__(
        self,
        message: str,
        *,
        workflow_id: str,
        run_id: str | None,
        reason: str | None,
        details: str | None,
        cause: BaseException | None,
    ) -> None:
        super().__init__(message, workflow_id=workflow_id, run_id=run_id)
        self.reason = reason
        self.details = details
        self.cause = cause
        if cause is not None:
            self.__cause__ = cause


class WorkflowCanceledError(WorkflowError):
    """The run was canceled.

    Attributes:
        details: The details recorded with the cancellation.
    """

    def __init__(self, message: str, *, workflow_id: str, run_id: str | None, details: str | None) -> None:
        super().__init__(message, workflow_id=workflow_id, run_id=run_id)
        self.details = details


class WorkflowTerminatedError(WorkflowError):
    """The run was terminated.

    Attributes:
        reason: The reason given to ``TerminateWorkflowExecution``.
        details: The details given with it.
    """

    def __init__(
        self, message: str, *, workflow_id: str, run_id: str | None, reason: str | None, details: str | None
    ) -> None:
        super().__init__(message, workflow_id=workflow_id, run_id=run_id)
        self.reason = reason
        self.details = details


class WorkflowTimedOutError(WorkflowError, TimeoutError):
    """The run reached its execution start-to-close timeout."""
