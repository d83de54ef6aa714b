"""Statuses, policies and SWF's limits, as botocore's SWF service model states them."""

from __future__ import annotations

from typing import Final, Literal

__all__ = [
    "ABANDON",
    "CANCELED",
    "CHILD_POLICIES",
    "CLOSED",
    "CLOSE_STATUSES",
    "COMPLETED",
    "CONTINUED_AS_NEW",
    "DEPRECATED",
    "EXECUTION_STATUSES",
    "FAILED",
    "MAX_ARN_LENGTH",
    "MAX_DATA_LENGTH",
    "MAX_DECISIONS",
    "MAX_DESCRIPTION_LENGTH",
    "MAX_DURATION_SECONDS",
    "MAX_HEARTBEAT_DETAILS_LENGTH",
    "MAX_IDENTITY_LENGTH",
    "MAX_NAME_LENGTH",
    "MAX_PAGE_SIZE",
    "MAX_REASON_LENGTH",
    "MAX_RETENTION_DAYS",
    "MAX_RUN_ID_LENGTH",
    "MAX_TAGS",
    "MAX_TAG_LENGTH",
    "MAX_TASK_TOKEN_LENGTH",
    "MAX_VERSION_LENGTH",
    "NONE",
    "OPEN",
    "REGISTERED",
    "REGISTRATION_STATUSES",
    "REQUEST_CANCEL",
    "TERMINATE",
    "TERMINATED",
    "TIMED_OUT",
    "ChildPolicy",
    "CloseStatus",
    "ExecutionStatus",
    "RegistrationStatus",
]

RegistrationStatus = Literal["REGISTERED", "DEPRECATED"]
ExecutionStatus = Literal["OPEN", "CLOSED"]
ChildPolicy = Literal["TERMINATE", "REQUEST_CANCEL", "ABANDON"]
CloseStatus = Literal["COMPLETED", "FAILED", "CANCELED", "TERMINATED", "CONTINUED_AS_NEW", "TIMED_OUT"]

REGISTERED: Final = "REGISTERED"
DEPRECATED: Final = "DEPRECATED"
REGISTRATION_STATUSES: Final = (REGISTERED, DEPRECATED)

OPEN: Final = "OPEN"
CLOSED: Final = "CLOSED"
EXECUTION_STATUSES: Final = (OPEN, CLOSED)

TERMINATE: Final = "TERMINATE"
REQUEST_CANCEL: Final = "REQUEST_CANCEL"
ABANDON: Final = "ABANDON"
CHILD_POLICIES: Final = (TERMINATE, REQUEST_CANCEL, ABANDON)

COMPLETED: Final = "COMPLETED"
FAILED: Final = "FAILED"
CANCELED: Final = "CANCELED"
TERMINATED: Final = "TERMINATED"
CONTINUED_AS_NEW: Final = "CONTINUED_AS_NEW"
TIMED_OUT: Final = "TIMED_OUT"
CLOSE_STATUSES: Final = (COMPLETED, FAILED, CANCELED, TERMINATED, CONTINUED_AS_NEW, TIMED_OUT)

#: The value SWF takes for "no timeout" where a timeout may be unlimited.
NONE: Final = "NONE"

# Limits from the service model's shapes (Name, Version, Data, FailureReason, Tag, TagList, ...).
MAX_NAME_LENGTH: Final = 256
MAX_VERSION_LENGTH: Final = 64
MAX_DATA_LENGTH: Final = 32_768
#: Heartbeat details are SWF's ``LimitedData``, far shorter than other payloads.
MAX_HEARTBEAT_DETAILS_LENGTH: Final = 2_048
#: Durations are strings of at most 8 digits.
MAX_DURATION_SECONDS: Final = 99_999_999
MAX_TASK_TOKEN_LENGTH: Final = 1_024
MAX_RUN_ID_LENGTH: Final = 64
MAX_ARN_LENGTH: Final = 1_600
MAX_REASON_LENGTH: Final = 256
MAX_DESCRIPTION_LENGTH: Final = 1_024
MAX_IDENTITY_LENGTH: Final = 256
MAX_TAGS: Final = 5
MAX_TAG_LENGTH: Final = 256
MAX_PAGE_SIZE: Final = 1_000
MAX_RETENTION_DAYS: Final = 90
#: SWF accepts at most this many decisions in one RespondDecisionTaskCompleted.
MAX_DECISIONS: Final = 100
