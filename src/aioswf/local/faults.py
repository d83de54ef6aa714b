"""SWF faults as the local server raises and serializes them, worded as SWF words them where known.

Validation errors follow the wording of captured AWS answers: ``1 validation error detected: Value null
at 'decisions.1.member.scheduleActivityTaskDecisionAttributes.activityId' failed to satisfy constraint:
Member must not be null``, several joined by ``; `` after ``N validation errors detected:``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = [
    "DefaultUndefinedFault",
    "DomainAlreadyExistsFault",
    "DomainDeprecatedFault",
    "LimitExceededFault",
    "OperationNotPermittedFault",
    "SWFFault",
    "SerializationException",
    "TooManyTagsFault",
    "TypeAlreadyExistsFault",
    "TypeDeprecatedFault",
    "TypeNotDeprecatedFault",
    "UnknownResourceFault",
    "ValidationException",
    "WorkflowExecutionAlreadyStartedFault",
    "violation",
]

_HIDDEN = frozenset({"taskToken"})
"""Members whose values never appear in a message (a task token is a credential for its task)."""


class SWFFault(Exception):
    """An error answered to the client as an SWF fault (HTTP 400, JSON ``__type`` and ``message``).

    Args:
        message: The human-readable message botocore puts in ``Error.Message``.
    """

    code = "InternalFailure"
    namespace = "com.amazonaws.swf.base.model"
    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def to_wire(self) -> dict[str, str]:
        """Return the JSON body SWF sends for this fault."""
        return {"__type": f"{self.namespace}#{self.code}", "message": self.message}


class UnknownResourceFault(SWFFault):
    """A named resource (domain, type, execution, task token) does not exist or is not open."""

    code = "UnknownResourceFault"


class TypeAlreadyExistsFault(SWFFault):
    """The type is already registered (or, for undeprecate, already active)."""

    code = "TypeAlreadyExistsFault"


class TypeDeprecatedFault(SWFFault):
    """The type is deprecated."""

    code = "TypeDeprecatedFault"


class TypeNotDeprecatedFault(SWFFault):
    """The type must be deprecated before it can be deleted."""

    code = "TypeNotDeprecatedFault"


class DomainAlreadyExistsFault(SWFFault):
    """The domain is already registered (or, for undeprecate, already active)."""

    code = "DomainAlreadyExistsFault"


class DomainDeprecatedFault(SWFFault):
    """The domain is deprecated."""

    code = "DomainDeprecatedFault"


class WorkflowExecutionAlreadyStartedFault(SWFFault):
    """An open execution with this workflow id already exists in the domain."""

    code = "WorkflowExecutionAlreadyStartedFault"


class DefaultUndefinedFault(SWFFault):
    """A required setting was given neither in the request nor as a registered default."""

    code = "DefaultUndefinedFault"


class LimitExceededFault(SWFFault):
    """A service limit was exceeded."""

    code = "LimitExceededFault"


class TooManyTagsFault(SWFFault):
    """More than 50 tags on a resource."""

    code = "TooManyTagsFault"


class OperationNotPermittedFault(SWFFault):
    """The caller may not perform the operation."""

    code = "OperationNotPermittedFault"


class ValidationException(SWFFault):
    """The request does not match the operation's input shape or SWF's constraints."""

    code = "ValidationException"
    namespace = "com.amazon.coral.validate"

    @classmethod
    def of(cls, violations: Sequence[str]) -> ValidationException:
        """Return the fault listing ``violations`` (made by :func:`violation`) as SWF counts and joins them."""
        count = len(violations)
        noun = "validation error" if count == 1 else "validation errors"
        return cls(f"{count} {noun} detected: " + "; ".join(violations))


class SerializationException(SWFFault):
    """The body is not JSON, or a member has the wrong JSON type (SWF cannot deserialize it)."""

    code = "SerializationException"
    namespace = "com.amazon.coral.service"


def violation(value: Any, path: str, constraint: str) -> str:
    """Word one validation error as SWF does: ``Value 'x' at 'path' failed to satisfy constraint: ...``.

    Args:
        value: The offending value (None: the member is missing). Task tokens are never quoted.
        path: The member's path in SWF's notation (``decisions.1.member.timerId``).
        constraint: What the member must be (``Member must not be null``).
    """
    if value is None:
        shown = "null"
    elif path.rpartition(".")[2] in _HIDDEN:
        shown = "(not shown)"
    elif isinstance(value, str):
        shown = f"'{value}'"
    elif isinstance(value, bool):
        shown = f"'{str(value).lower()}'"
    elif isinstance(value, (int, float)):
        shown = f"'{value}'"
    elif isinstance(value, list):
        # Java's rendering of a list; members that are structures are not spelled out.
        shown = "'[" + ", ".join(item if isinstance(item, str) else "..." for item in value) + "]'"
    else:
        shown = "'{...}'"
    return f"Value {shown} at '{path}' failed to satisfy constraint: {constraint}"


class UnknownOperationException(SWFFault):
    """The ``X-Amz-Target`` header names no SWF operation."""

    code = "UnknownOperationException"
    namespace = "com.amazon.coral.service"
