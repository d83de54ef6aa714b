"""Every failure of the ``aioswf`` command as one line: ``aioswf: <what went wrong>: <how to fix it>``.

`explain` turns an exception (aioswf's, click's, or anything else) into that line's two halves; the
command prints it and exits non-zero, and ``--debug`` adds the traceback.
"""

from __future__ import annotations

import re

import click

from aioswf.exceptions import (
    BOTOCORE_CREDENTIAL_ERRORS,
    ActivityTypeDoesNotExist,
    AlreadyExistsError,
    CredentialsError,
    DefaultUndefinedError,
    DoesNotExistError,
    DomainAlreadyExistsError,
    DomainDeprecatedError,
    DomainDoesNotExist,
    InvalidCredentialsError,
    InvalidRequestError,
    LimitExceededError,
    OperationNotPermittedError,
    PaginationError,
    ResponseError,
    ServiceUnavailableError,
    SWFError,
    ThrottlingError,
    TransportError,
    TypeAlreadyExistsError,
    TypeDeprecatedError,
    TypeNotDeprecatedError,
    ValidationError,
    WorkflowExecutionAlreadyStartedError,
    WorkflowExecutionDoesNotExist,
    WorkflowTypeDoesNotExist,
    map_credentials_error,
)

__all__ = [
    "EXIT_ERROR",
    "EXIT_INTERRUPTED",
    "EXIT_USAGE",
    "CommandError",
    "explain",
    "format_error",
    "one_line",
]

#: The operation failed (SWF refused, no credentials, unreachable endpoint, bad values).
EXIT_ERROR = 1
#: The command line itself is wrong (click's convention).
EXIT_USAGE = 2
#: Interrupted by Ctrl-C (128 + SIGINT, as shells report it).
EXIT_INTERRUPTED = 130

_CREDENTIALS_FIX = (
    "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, pass --profile (or set AWS_PROFILE), or write ~/.swf; "
    "a local server needs none (--endpoint-url http://127.0.0.1:8080, after `aioswf local`)"
)


# The SDK's argument names, as the command's options spell them.
_FLAGS = {
    "workflow_id": "--workflow-id",
    "workflow_type_name": "--type",
    "workflow_type_version": "--type-version",
    "tag": "--tag",
    "tag_list": "--tag",
    "close_status": "--close-status",
    "start_oldest_date": "--started-after",
    "start_latest_date": "--started-before",
    "close_oldest_date": "--closed-after",
    "close_latest_date": "--closed-before",
    "task_list": "--task-list",
    "input": "--input",
    "reason": "--reason",
    "details": "--details",
    "signal_name": "SIGNAL",
    "name": "NAME",
    "version": "VERSION",
    "description": "--description",
    "task_priority": "--priority",
    "execution_timeout": "--execution-timeout",
    "decision_tasks_timeout": "--decision-timeout",
}
_EXCLUSIVE_FILTERS = frozenset({"workflow_id", "workflow_type_name", "tag", "close_status"})


class CommandError(Exception):
    """A failure the command explains itself.

    Args:
        what: What went wrong.
        fix: How to fix it.
        exit_code: The exit status (default 1).
    """

    def __init__(self, what: str, fix: str, *, exit_code: int = EXIT_ERROR) -> None:
        super().__init__(f"{what}: {fix}")
        self.what = what
        self.fix = fix
        self.exit_code = exit_code


def one_line(text: str) -> str:
    """`text` with its line breaks and runs of spaces folded into single spaces."""
    return re.sub(r"\s+", " ", text).strip()


def _fault(error: ResponseError) -> str:
    return f"{error.message} ({error.operation}: {error.code})" if error.message else error.code


def _does_not_exist(error: DoesNotExistError) -> tuple[str, str]:
    if isinstance(error, DomainDoesNotExist):
        return (
            f"no such domain: {_fault(error)}",
            "check --domain (or AIOSWF_DOMAIN); `aioswf domain list` shows the domains, "
            "`aioswf domain register NAME` adds one",
        )
    if isinstance(error, WorkflowTypeDoesNotExist):
        return (
            f"no such workflow type: {_fault(error)}",
            "`aioswf type list` shows the domain's workflow types; `aioswf type register NAME VERSION` adds one",
        )
    if isinstance(error, ActivityTypeDoesNotExist):
        return (
            f"no such activity type: {_fault(error)}",
            "`aioswf type list --activity` shows the domain's activity types",
        )
    if isinstance(error, WorkflowExecutionDoesNotExist):
        return (
            f"no such execution (or it is closed): {_fault(error)}",
            "`aioswf execution list` shows open executions, `--closed` the closed ones",
        )
    return f"not found: {_fault(error)}", "check the names given"


def _already_exists(error: AlreadyExistsError) -> tuple[str, str]:
    if isinstance(error, DomainAlreadyExistsError):
        return f"the domain exists already: {_fault(error)}", "use it, or choose another name"
    if isinstance(error, TypeAlreadyExistsError):
        return f"the type exists already: {_fault(error)}", "register a new version, or use this one"
    if isinstance(error, WorkflowExecutionAlreadyStartedError):
        return (
            f"an execution with this workflow id is open already: {_fault(error)}",
            "give another --workflow-id, or end the open one (`aioswf execution terminate ID`)",
        )
    return f"exists already: {_fault(error)}", "choose another name"


_RESPONSE_FIXES: tuple[tuple[type[ResponseError], str, str], ...] = (
    (
        InvalidCredentialsError,
        "SWF refused the credentials",
        "check the keys (AWS_ACCESS_KEY_ID, --profile): valid, not expired, for this account and region, "
        "and allowed this operation",
    ),
    (DomainDeprecatedError, "the domain is deprecated", "`aioswf domain undeprecate NAME` restores it"),
    (TypeDeprecatedError, "the type is deprecated", "`aioswf type undeprecate NAME VERSION` restores it"),
    (
        TypeNotDeprecatedError,
        "the type is not deprecated",
        "deprecate it first (`aioswf type deprecate NAME VERSION`)",
    ),
    (
        DefaultUndefinedError,
        "a value was left to the type's default, and the type has none",
        "give it (e.g. --task-list, --execution-timeout, --decision-timeout), or register the type with "
        "a default",
    ),
    (LimitExceededError, "an SWF quota is reached", "close or deprecate what you no longer need, or ask AWS"),
    (
        OperationNotPermittedError,
        "the operation is not permitted",
        "check the IAM policy of these credentials",
    ),
    (ThrottlingError, "SWF throttled the request", "retry in a moment"),
    (ServiceUnavailableError, "SWF is unavailable", "retry in a moment"),
    (InvalidRequestError, "SWF rejected the request", "check the values given (see --help)"),
)


def _response(error: ResponseError) -> tuple[str, str]:
    if isinstance(error, DoesNotExistError):
        return _does_not_exist(error)
    if isinstance(error, AlreadyExistsError):
        return _already_exists(error)
    for cls, what, fix in _RESPONSE_FIXES:
        if isinstance(error, cls):
            return f"{what}: {_fault(error)}", fix
    return f"SWF refused: {_fault(error)}", "rerun with --debug for details"


def _swf(error: SWFError, endpoint: str | None) -> tuple[str, str]:
    if isinstance(error, ResponseError):
        return _response(error)
    if isinstance(error, CredentialsError):
        # The SDK's advice is written for Python callers; the command has options instead.
        return error.problem, _CREDENTIALS_FIX
    if isinstance(error, TransportError):
        where = endpoint or "AWS's endpoint"
        return (
            f"cannot reach {where}: {error}",
            "is the server running? `aioswf local` starts one; otherwise check --endpoint-url "
            "(AWS_ENDPOINT_URL_SWF) and the network",
        )
    if isinstance(error, ValidationError):
        if error.argument == "region_name":
            return "no AWS region", "pass --region or set AWS_DEFAULT_REGION (or add region to ~/.swf)"
        if error.argument in _EXCLUSIVE_FILTERS and "one of" in (error.limit or ""):
            return (
                f"invalid value: {error}",
                "give only one of --workflow-id, --type, --tag and --close-status",
            )
        flag = _FLAGS.get(error.argument or "")
        return f"invalid value: {error}", f"fix {flag} and retry" if flag else "fix it and retry (see --help)"
    if isinstance(error, PaginationError):
        return str(error), "the endpoint misbehaves: report it to whoever runs it"
    return str(error), "rerun with --debug for details"


def explain(error: BaseException, *, endpoint: str | None = None) -> tuple[str, str, int]:
    """What went wrong, how to fix it, and the exit status, for any error a command ends on.

    Args:
        error: The exception.
        endpoint: The endpoint in use, to name it when it cannot be reached.

    Returns:
        ``(what, fix, exit_code)``, each half on one line.
    """
    what: str
    fix: str
    code = EXIT_ERROR
    if isinstance(error, CommandError):
        what, fix, code = error.what, error.fix, error.exit_code
    elif isinstance(error, click.UsageError):
        command = error.ctx.command_path if error.ctx is not None else "aioswf"
        what, fix, code = error.format_message().rstrip("."), f"see `{command} --help`", EXIT_USAGE
    elif isinstance(error, click.ClickException):
        what, fix, code = error.format_message(), "see --help", error.exit_code
    elif isinstance(error, SWFError):
        what, fix = _swf(error, endpoint)
    elif isinstance(error, BOTOCORE_CREDENTIAL_ERRORS):
        # botocore can raise these while signing a request, after the connection opened (a refresh of
        # SSO or role credentials that fails).
        what, fix = _swf(map_credentials_error(error), endpoint)
    elif isinstance(error, (KeyboardInterrupt, click.Abort)):
        what, fix, code = "interrupted", "nothing else was sent", EXIT_INTERRUPTED
    elif isinstance(error, OSError):
        what, fix = f"{type(error).__name__}: {error}", "check the path or the network named above"
    else:
        what, fix = (
            f"unexpected {type(error).__name__}: {error}",
            "rerun with --debug for the traceback, and please report it",
        )
    return one_line(what), one_line(fix), code


def format_error(what: str, fix: str) -> str:
    """The one line printed for a failure."""
    return f"aioswf: {what}: {fix}"
