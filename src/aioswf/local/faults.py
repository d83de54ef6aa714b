"""SWF faults as the local server raises and serializes them."""

from __future__ import annotations

__all__ = [
    "DefaultUndefinedFault",
    "DomainAlreadyExistsFault",
    "DomainDeprecatedFault",
    "LimitExceededFault",
    "OperationNotPermittedFault",
    "SWFFault",
    "TooManyTagsFault",
    "TypeAlreadyExistsFault",
    "TypeDeprecatedFault",
    "TypeNotDeprecatedFault",
    "UnknownResourceFault",
    "ValidationException",
    "WorkflowExecutionAlreadyStartedFault",
]


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


class UnknownOperationException(SWFFault):
    """The ``X-Amz-Target`` header names no SWF operation."""

    code = "UnknownOperationException"
    namespace = "com.amazon.coral.service"
