"""The aioswf error tree, and the one place where botocore errors become aioswf errors.

```
SWFError
├── ResponseError                       SWF answered with a fault (operation, code, message)
│   ├── DoesNotExistError               UnknownResourceFault
│   │   ├── DomainDoesNotExist
│   │   ├── WorkflowTypeDoesNotExist
│   │   ├── ActivityTypeDoesNotExist
│   │   └── WorkflowExecutionDoesNotExist
│   ├── AlreadyExistsError
│   │   ├── DomainAlreadyExistsError        DomainAlreadyExistsFault
│   │   ├── TypeAlreadyExistsError          TypeAlreadyExistsFault
│   │   └── WorkflowExecutionAlreadyStartedError
│   ├── DomainDeprecatedError           DomainDeprecatedFault
│   ├── TypeDeprecatedError             TypeDeprecatedFault
│   ├── TypeNotDeprecatedError          TypeNotDeprecatedFault
│   ├── DefaultUndefinedError           DefaultUndefinedFault
│   ├── LimitExceededError              LimitExceededFault
│   ├── OperationNotPermittedError      OperationNotPermittedFault
│   ├── TooManyTagsError                TooManyTagsFault
│   ├── InvalidRequestError             ValidationException and other 4xx the service model does not name
│   ├── ThrottlingError                 ThrottlingException, RequestLimitExceeded, ..., any HTTP 429
│   ├── InvalidCredentialsError (CredentialsError)   keys refused: invalid signature, unknown or
│   │                                   expired token, access denied
│   ├── ServiceUnavailableError         HTTP 5xx (after botocore's retries) and 408
│   └── UnexpectedResponseError         an answer that is not SWF's: a proxy's page, a 200 that is no object
├── CredentialsError                    no usable AWS credentials: none found, incomplete, a missing
│                                       profile, a failed refresh (or, as above, refused by SWF)
├── TransportError                      the endpoint could not be reached or the connection dropped
├── BotocoreError                       botocore failed before any answer, in a way no class above names
├── PollTimeout                         a long poll ended with no task (normal, not a failure)
├── PaginationError                     a listing's nextPageToken repeated
├── NoConnectionError (RuntimeError)    no Connection given and none open in this context
├── ConnectionStateError (RuntimeError) a Connection used before open, or reopened after close
├── ActorStateError (RuntimeError)      an actor started twice, or again after it stopped
├── InvalidKeywordArgumentError (TypeError)   a filter keyword the query does not know
├── ValidationError (ValueError)        bad input, caught before any request was sent
└── PayloadError                        a workflow's value could not become a payload, or come back
    ├── PayloadEncodeError (TypeError)  a value of a type the converter cannot encode (its type and path)
    ├── PayloadDecodeError (ValueError) a payload that does not fit its type hint, or is corrupt (its path)
    └── PayloadStoreError               the large-payload store could not keep or give back a payload
        ├── PayloadBucketNotFoundError  the store's S3 bucket does not exist
        └── PayloadNotFoundError (KeyError)   nothing is stored under the key
```

`map_client_error` is the only function that turns a `botocore.exceptions.ClientError` from SWF into one of
these, and `map_credentials_error` the only one for botocore's client-side credential errors
(``NoCredentialsError``, ``PartialCredentialsError``, ``ProfileNotFound``, a failed credential refresh); the
caller raises the result `from` the original error. ``except CredentialsError`` catches missing and refused
credentials alike. `Connection.call` applies both and wraps whatever else escapes botocore (an answer it
cannot parse, a dropped connection) in this tree too. (S3's errors, met only by the large-payload store, are
mapped beside that store in `aioswf.flow.payloads`.)

An error answer without an SWF fault code did not come from SWF but from something in front of it (a
load balancer, a proxy, an API gateway): its HTTP status decides. A 429 is throttling, a 408 or a 5xx is
the service being unavailable, anything else is an `UnexpectedResponseError`. All three are transient:
actors retry them with backoff.
"""

from __future__ import annotations

from typing import Any, ClassVar

import botocore.exceptions

__all__ = [
    "BOTOCORE_CREDENTIAL_ERRORS",
    "ActivityTypeDoesNotExist",
    "ActorStateError",
    "AlreadyExistsError",
    "BotocoreError",
    "ConnectionStateError",
    "CredentialsError",
    "DefaultUndefinedError",
    "DoesNotExistError",
    "DomainAlreadyExistsError",
    "DomainDeprecatedError",
    "DomainDoesNotExist",
    "InvalidCredentialsError",
    "InvalidKeywordArgumentError",
    "InvalidRequestError",
    "LimitExceededError",
    "NoConnectionError",
    "OperationNotPermittedError",
    "PaginationError",
    "PayloadBucketNotFoundError",
    "PayloadDecodeError",
    "PayloadEncodeError",
    "PayloadError",
    "PayloadNotFoundError",
    "PayloadStoreError",
    "PollTimeout",
    "ResponseError",
    "SWFError",
    "ServiceUnavailableError",
    "ThrottlingError",
    "TooManyTagsError",
    "TransportError",
    "TypeAlreadyExistsError",
    "TypeDeprecatedError",
    "TypeNotDeprecatedError",
    "UnexpectedResponseError",
    "ValidationError",
    "WorkflowExecutionAlreadyStartedError",
    "WorkflowExecutionDoesNotExist",
    "WorkflowTypeDoesNotExist",
    "clip_message",
    "map_client_error",
    "map_credentials_error",
]


class SWFError(Exception):
    """Base class of every error aioswf raises."""


class CredentialsError(SWFError):
    """No usable AWS credentials: none were found, they are incomplete, or SWF refused them.

    Raised when a `aioswf.Connection` opens without credentials (against an endpoint that is not a
    loopback one), for a named profile that does not exist, for half a key pair, and, as its subclass
    `InvalidCredentialsError`, when SWF refuses a request's signature or token.

    Args:
        message: What is wrong and how to fix it.
        problem: What is wrong, without the advice (default: the message).

    Attributes:
        problem: What is wrong, without the advice: for programs that give their own.
    """

    def __init__(self, message: str, *, problem: str | None = None) -> None:
        super().__init__(message)
        self.problem = problem or message


class ResponseError(SWFError):
    """SWF (or the endpoint standing in for it) answered a request with an error.

    Attributes:
        operation: The SWF operation, e.g. ``"DescribeDomain"``.
        code: The fault's code, e.g. ``"UnknownResourceFault"``.
        message: The message the service gave.
        status: The HTTP status code, when known.
    """

    fault: ClassVar[str | None] = None

    def __init__(self, operation: str, code: str, message: str, *, status: int | None = None) -> None:
        self.operation = operation
        self.code = code
        self.message = message
        self.status = status
        super().__init__(f"{operation}: {code}: {message}" if message else f"{operation}: {code}")


class DoesNotExistError(ResponseError):
    """The resource named in the request does not exist (``UnknownResourceFault``)."""

    fault = "UnknownResourceFault"


class DomainDoesNotExist(DoesNotExistError):
    """The domain does not exist."""


class WorkflowTypeDoesNotExist(DoesNotExistError):
    """The workflow type (name and version) does not exist in the domain."""


class ActivityTypeDoesNotExist(DoesNotExistError):
    """The activity type (name and version) does not exist in the domain."""


class WorkflowExecutionDoesNotExist(DoesNotExistError):
    """The workflow execution does not exist, or is closed where an open one was required."""


class AlreadyExistsError(ResponseError):
    """The resource to create exists already."""


class DomainAlreadyExistsError(AlreadyExistsError):
    """A domain of that name is registered already (``DomainAlreadyExistsFault``)."""

    fault = "DomainAlreadyExistsFault"


class TypeAlreadyExistsError(AlreadyExistsError):
    """A type of that name and version is registered already (``TypeAlreadyExistsFault``)."""

    fault = "TypeAlreadyExistsFault"


class WorkflowExecutionAlreadyStartedError(AlreadyExistsError):
    """An open execution with that workflow id runs already (``WorkflowExecutionAlreadyStartedFault``)."""

    fault = "WorkflowExecutionAlreadyStartedFault"


class DomainDeprecatedError(ResponseError):
    """The domain is deprecated (``DomainDeprecatedFault``)."""

    fault = "DomainDeprecatedFault"


class TypeDeprecatedError(ResponseError):
    """The type is deprecated (``TypeDeprecatedFault``)."""

    fault = "TypeDeprecatedFault"


class TypeNotDeprecatedError(ResponseError):
    """The type is not deprecated, so it cannot be deleted or undeprecated (``TypeNotDeprecatedFault``)."""

    fault = "TypeNotDeprecatedFault"


class DefaultUndefinedError(ResponseError):
    """A required value was left to the type's default, and the type has none (``DefaultUndefinedFault``)."""

    fault = "DefaultUndefinedFault"


class LimitExceededError(ResponseError):
    """An SWF quota was reached, e.g. the number of domains (``LimitExceededFault``)."""

    fault = "LimitExceededFault"


class OperationNotPermittedError(ResponseError):
    """The caller may not perform the operation (``OperationNotPermittedFault``)."""

    fault = "OperationNotPermittedFault"


class TooManyTagsError(ResponseError):
    """A resource would carry more tags than SWF allows (``TooManyTagsFault``)."""

    fault = "TooManyTagsFault"


class InvalidRequestError(ResponseError, ValueError):
    """The service rejected the request's parameters (``ValidationException`` and similar)."""


class ThrottlingError(ResponseError):
    """The service throttled the request; retry later with backoff."""


class InvalidCredentialsError(ResponseError, CredentialsError):
    """SWF refused the credentials: an invalid signature or key, an expired token, or access denied."""


class ServiceUnavailableError(ResponseError):
    """The service (or a gateway in front of it) answered HTTP 5xx after botocore's own retries, or 408."""


class UnexpectedResponseError(ResponseError):
    """The endpoint answered with something that is not an SWF response.

    A proxy's or gateway's error page (HTML, or an empty body, without SWF's fault code), a 200 whose body
    is not a JSON object or misses what SWF always sends, a body botocore cannot parse. It is transient:
    whatever stands in front of SWF may answer properly on the next attempt. If it persists, check that
    ``endpoint_url`` names an SWF endpoint. ``code`` is ``"UnexpectedResponse"`` when the answer carried
    no code at all, else the HTTP status as botocore reported it.
    """


class TransportError(SWFError):
    """The endpoint could not be reached, or the connection dropped or timed out."""


class BotocoreError(SWFError):
    """botocore failed before any answer came, in a way no other class of the tree describes.

    For example: no credentials could be found to sign the request. The message names botocore's error,
    which is the ``__cause__``.
    """


class PollTimeout(SWFError):
    """A long poll returned without a task. This is normal: poll again."""


class PaginationError(SWFError):
    """A listing returned a ``nextPageToken`` it had returned before; following it would loop forever."""


class NoConnectionError(SWFError, RuntimeError):
    """No connection was given and none is open in the current context."""

    def __init__(self, what: str = "this operation") -> None:
        super().__init__(
            f"{what} needs an SWF connection: pass connection=..., or run it inside "
            "`async with aioswf.Connection(region_name=...) as conn:`"
        )


class ConnectionStateError(SWFError, RuntimeError):
    """A connection was used before it was opened, or opened again after it was closed."""


class ActorStateError(SWFError, RuntimeError):
    """An actor was started twice, or started again after it stopped."""


class InvalidKeywordArgumentError(SWFError, TypeError):
    """A query was given a keyword argument it does not know."""


class ValidationError(SWFError, ValueError):
    """An argument breaks one of SWF's limits; raised before any request is sent.

    Attributes:
        argument: The name of the offending argument, when there is one.
        limit: The limit that was broken, in words.
    """

    def __init__(self, message: str, *, argument: str | None = None, limit: str | None = None) -> None:
        self.argument = argument
        self.limit = limit
        super().__init__(message)


class PayloadError(SWFError):
    """A workflow's value could not become a payload, or a payload could not become a value again."""


class PayloadEncodeError(PayloadError, TypeError):
    """A value (or a part of it) is of a type the data converter cannot encode.

    Attributes:
        path: Where the value sits inside what was encoded, e.g. ``"args[1].items[3]"``.
        value_type: The type that could not be encoded.
    """

    def __init__(self, message: str, *, path: str, value_type: type | None = None) -> None:
        self.path = path
        self.value_type = value_type
        super().__init__(message)


class PayloadDecodeError(PayloadError, ValueError):
    """A payload does not fit the type hint it is decoded to, or its text is corrupt.

    Attributes:
        path: Where the misfit sits inside the payload, e.g. ``"result.items[3]"``.
        hint: The type hint the payload was decoded to (``None`` when there was none).
    """

    def __init__(self, message: str, *, path: str, hint: Any = None) -> None:
        self.path = path
        self.hint = hint
        super().__init__(message)


class PayloadStoreError(PayloadError):
    """The large-payload store could not keep or give back a payload. Never carries the payload itself.

    Attributes:
        key: The payload's key in the store, when the error concerns one.
        code: The store's error code (S3's, e.g. ``"AccessDenied"``), when it gave one.
    """

    def __init__(self, message: str, *, key: str | None = None, code: str | None = None) -> None:
        self.key = key
        self.code = code
        super().__init__(message)


class PayloadBucketNotFoundError(PayloadStoreError):
    """The S3 bucket the large-payload store writes to does not exist.

    Attributes:
        bucket: The bucket's name.
    """

    def __init__(self, message: str, *, bucket: str, key: str | None = None, code: str | None = None) -> None:
        self.bucket = bucket
        super().__init__(message, key=key, code=code)


class PayloadNotFoundError(PayloadStoreError, KeyError):
    """Nothing is stored under the key a payload reference names (a `KeyError`, as for a mapping)."""

    def __str__(self) -> str:
        # KeyError quotes its message as if it were the key; this one is a sentence.
        return str(self.args[0]) if self.args else ""


_FAULTS: dict[str, type[ResponseError]] = {
    cls.fault: cls
    for cls in (
        DomainAlreadyExistsError,
        TypeAlreadyExistsError,
        WorkflowExecutionAlreadyStartedError,
        DomainDeprecatedError,
        TypeDeprecatedError,
        TypeNotDeprecatedError,
        DefaultUndefinedError,
        LimitExceededError,
        OperationNotPermittedError,
        TooManyTagsError,
    )
    if cls.fault is not None
}

_THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "SlowDown",
    }
)

_CREDENTIAL_CODES = frozenset(
    {
        "AccessDeniedException",
        "AccessDenied",
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "IncompleteSignature",
        "MissingAuthenticationToken",
        "ExpiredToken",
        "ExpiredTokenException",
        "RequestExpired",
        "NotAuthorized",
    }
)

# Which resource an UnknownResourceFault is about, when its message does not say.
_UNKNOWN_BY_OPERATION: dict[str, type[DoesNotExistError]] = {
    "DescribeDomain": DomainDoesNotExist,
    "DeprecateDomain": DomainDoesNotExist,
    "UndeprecateDomain": DomainDoesNotExist,
    "ListWorkflowTypes": DomainDoesNotExist,
    "ListActivityTypes": DomainDoesNotExist,
    "ListOpenWorkflowExecutions": DomainDoesNotExist,
    "ListClosedWorkflowExecutions": DomainDoesNotExist,
    "CountOpenWorkflowExecutions": DomainDoesNotExist,
    "CountClosedWorkflowExecutions": DomainDoesNotExist,
    "CountPendingDecisionTasks": DomainDoesNotExist,
    "CountPendingActivityTasks": DomainDoesNotExist,
    "PollForDecisionTask": DomainDoesNotExist,
    "PollForActivityTask": DomainDoesNotExist,
    "RegisterWorkflowType": DomainDoesNotExist,
    "RegisterActivityType": DomainDoesNotExist,
    "DescribeWorkflowType": WorkflowTypeDoesNotExist,
    "DeprecateWorkflowType": WorkflowTypeDoesNotExist,
    "UndeprecateWorkflowType": WorkflowTypeDoesNotExist,
    "DeleteWorkflowType": WorkflowTypeDoesNotExist,
    "StartWorkflowExecution": WorkflowTypeDoesNotExist,
    "DescribeActivityType": ActivityTypeDoesNotExist,
    "DeprecateActivityType": ActivityTypeDoesNotExist,
    "UndeprecateActivityType": ActivityTypeDoesNotExist,
    "DeleteActivityType": ActivityTypeDoesNotExist,
    "DescribeWorkflowExecution": WorkflowExecutionDoesNotExist,
    "GetWorkflowExecutionHistory": WorkflowExecutionDoesNotExist,
    "SignalWorkflowExecution": WorkflowExecutionDoesNotExist,
    "RequestCancelWorkflowExecution": WorkflowExecutionDoesNotExist,
    "TerminateWorkflowExecution": WorkflowExecutionDoesNotExist,
    "RecordActivityTaskHeartbeat": WorkflowExecutionDoesNotExist,
    "RespondActivityTaskCompleted": WorkflowExecutionDoesNotExist,
    "RespondActivityTaskFailed": WorkflowExecutionDoesNotExist,
    "RespondActivityTaskCanceled": WorkflowExecutionDoesNotExist,
    "RespondDecisionTaskCompleted": WorkflowExecutionDoesNotExist,
}


def _unknown_resource_class(operation: str, message: str) -> type[DoesNotExistError]:
    lowered = message.lower()
    if "unknown domain" in lowered:
        return DomainDoesNotExist
    if "workflowtype" in lowered.replace(" ", "") or "unknown workflow type" in lowered:
        return WorkflowTypeDoesNotExist
    if "activitytype" in lowered.replace(" ", "") or "unknown activity type" in lowered:
        return ActivityTypeDoesNotExist
    if "unknown execution" in lowered or "workflowexecution" in lowered.replace(" ", ""):
        return WorkflowExecutionDoesNotExist
    return _UNKNOWN_BY_OPERATION.get(operation, DoesNotExistError)


#: The longest message kept from an error answer: a gateway's HTML page is shown clipped, not whole.
MAX_MESSAGE_LENGTH = 300


def clip_message(text: str, limit: int = MAX_MESSAGE_LENGTH) -> str:
    """A message of an error answer, on one line and within `limit` characters (saying so when cut).

    Args:
        text: The message as the endpoint gave it.
        limit: The most characters kept.

    Returns:
        The message, its whitespace runs folded into single spaces.
    """
    folded = " ".join(text.split())
    if len(folded) <= limit:
        return folded
    return f"{folded[:limit]} [... {len(folded) - limit} characters cut]"


def _status_class(status: int | None) -> type[ResponseError]:
    """The class of an error answer that carries no SWF fault code: its HTTP status decides."""
    if status == 429:
        return ThrottlingError
    if status is not None and (status == 408 or status >= 500):
        return ServiceUnavailableError
    return UnexpectedResponseError


def map_client_error(error: Any, operation: str) -> ResponseError:
    """Turns a botocore ``ClientError`` into the matching aioswf error.

    This is the one mapping from service faults to the aioswf error tree; the caller raises the result
    ``from`` the ``ClientError``. An answer that carries no fault code (botocore then reports the HTTP
    status as the code) came from a proxy or gateway, not from SWF, and is classed by its status.

    Args:
        error: The ``botocore.exceptions.ClientError`` (anything with a botocore-shaped ``response``).
        operation: The SWF operation that failed.

    Returns:
        The aioswf error, never raised here.
    """
    response: dict[str, Any] = getattr(error, "response", None) or {}
    err = response.get("Error") or {}
    code = str(err.get("Code") or "Unknown")
    # Codes may come namespaced, e.g. "com.amazonaws.swf.base.model#UnknownResourceFault".
    code = code.rsplit("#", 1)[-1]
    message = str(err.get("Message") or "")
    status = (response.get("ResponseMetadata") or {}).get("HTTPStatusCode")
    if not isinstance(status, int) or isinstance(status, bool):
        status = None
    cls: type[ResponseError]
    if code.isascii() and code.isdigit():
        # No fault code: botocore named the answer by its status. Its body is a page, not SWF's words.
        cls = _status_class(status)
        message = clip_message(message)
    elif code == DoesNotExistError.fault:
        cls = _unknown_resource_class(operation, message)
    elif code in _FAULTS:
        cls = _FAULTS[code]
    elif code in _THROTTLING_CODES:
        cls = ThrottlingError
    elif code in _CREDENTIAL_CODES:
        cls = InvalidCredentialsError
    elif status == 429:
        cls = ThrottlingError
    elif status is not None and status >= 500:
        cls = ServiceUnavailableError
    elif code == "ValidationException" or (status is not None and 400 <= status < 500):
        cls = InvalidRequestError
    else:
        cls = ResponseError
    return cls(operation, code, message, status=status)


# botocore's client-side credential errors, most specific first, with what to say about each.
_CREDENTIAL_ERRORS: tuple[tuple[type[Exception], str], ...] = (
    (botocore.exceptions.PartialCredentialsError, "incomplete AWS credentials"),
    (botocore.exceptions.ProfileNotFound, "AWS profile not found"),
    (botocore.exceptions.NoCredentialsError, "no AWS credentials found"),
    (botocore.exceptions.SSOError, "the AWS SSO session is missing or expired"),
    (botocore.exceptions.CredentialRetrievalError, "AWS credentials could not be retrieved"),
    (botocore.exceptions.TokenRetrievalError, "an AWS login token could not be retrieved"),
    (botocore.exceptions.RefreshWithMFAUnsupportedError, "AWS credentials need an MFA code to refresh"),
)

#: botocore's client-side credential errors, for an ``except`` clause whose handler calls
#: `map_credentials_error`.
BOTOCORE_CREDENTIAL_ERRORS: tuple[type[Exception], ...] = tuple(cls for cls, _ in _CREDENTIAL_ERRORS)

_CREDENTIAL_FIX = (
    "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, name an AWS profile (AWS_PROFILE), write ~/.swf, "
    "or pass aws_access_key_id= and aws_secret_access_key= to Connection"
)


def map_credentials_error(error: BaseException) -> CredentialsError:
    """Turns one of botocore's client-side credential errors into a `CredentialsError`.

    botocore's messages name the missing variable or profile, never a secret, so they are kept.

    Args:
        error: One of `BOTOCORE_CREDENTIAL_ERRORS` (``NoCredentialsError``, ``PartialCredentialsError``,
            ``ProfileNotFound``, ``CredentialRetrievalError``, ...).

    Returns:
        The `CredentialsError`, never raised here: the caller raises it ``from`` `error`.
    """
    what = next((text for cls, text in _CREDENTIAL_ERRORS if isinstance(error, cls)), "AWS credentials error")
    problem = f"{what} ({error})"
    return CredentialsError(f"{problem}: {_CREDENTIAL_FIX}", problem=problem)
