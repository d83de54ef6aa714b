"""Failures on the wire: an exception as SWF's reason and details, and back.

SWF records a failure as a *reason* (at most 256 characters) and *details* (at most 32,768). aioswf
writes the reason as ``Type: message`` and the details as a JSON document::

    {"aioswf_failure": 1, "type": "ValueError", "message": "...", "details": "<encoded>",
     "non_retryable": false, "traceback": "...", "cause": {...}}

so that an activity's exception reaches the workflow, and a workflow's failure reaches the client, with
its type, message and details (``details`` is the data converter's text of `ApplicationError`'s details).
Whatever does not fit is cut from the tracebacks first, and the cut is said. Details that are not such a
document (a failure recorded by other code) are kept as the traceback of an `ApplicationError`.
"""

from __future__ import annotations

import json
import traceback as tb
from typing import Any

from aioswf import constants
from aioswf.actors.handlers import clip_head, clip_tail
from aioswf.flow.converter import DataConverter
from aioswf.flow.errors import (
    ActivityError,
    ActivityTimeoutError,
    ApplicationError,
    ChildWorkflowError,
    ChildWorkflowTimeoutError,
    FailureError,
)

__all__ = ["decode_failure", "encode_failure", "error_type"]

_MARK = "aioswf_failure"


def error_type(error: BaseException) -> str:
    """The type name a failure records: an `ApplicationError`'s own ``type``, else the class's name."""
    if isinstance(error, ApplicationError):
        return error.type
    return type(error).__name__


def _document(error: BaseException, converter: DataConverter, depth: int = 0) -> dict[str, Any]:
    message = error.message if isinstance(error, FailureError) else str(error)
    document: dict[str, Any] = {_MARK: 1, "type": error_type(error), "message": message}
    if isinstance(error, ApplicationError):
        if error.details:
            try:
                document["details"] = converter.encode_args(error.details)
            except Exception as problem:  # a failure must always be reportable
                document["details_error"] = f"the details could not be encoded: {problem!r}"
        document["non_retryable"] = error.non_retryable
        text = error.traceback
    else:
        text = None
    if text is None and error.__traceback__ is not None:
        text = "".join(tb.format_exception(type(error), error, error.__traceback__))
    if text:
        document["traceback"] = text
    if isinstance(error, ActivityError):
        document["activity"] = {
            "type": list(error.activity_type),
            "id": error.activity_id,
            "attempt": error.attempt,
        }
        if isinstance(error, ActivityTimeoutError):
            document["timeout_type"] = error.timeout_type
    if isinstance(error, ChildWorkflowError):
        document["child"] = {
            "type": list(error.workflow_type),
            "workflow_id": error.workflow_id,
            "run_id": error.run_id,
            "status": error.status,
        }
    cause = error.cause if isinstance(error, FailureError) else error.__cause__
    if cause is not None and depth < 8:
        document["cause"] = _document(cause, converter, depth + 1)
    return document


def _fit(document: dict[str, Any], limit: int) -> str:
    text = json.dumps(document, separators=(",", ":"))
    if len(text) <= limit:
        return text
    # Tracebacks go first, the deepest cause's first; then whole causes; then details.
    chain = []
    node: dict[str, Any] | None = document
    while node is not None:
        chain.append(node)
        node = node.get("cause")
    for node in reversed(chain):
        if "traceback" in node:
            excess = len(text) - limit
            keep = max(0, len(node["traceback"]) - excess - 64)
            node["traceback"] = clip_tail(node["traceback"], keep) if keep else "[traceback cut]"
            text = json.dumps(document, separators=(",", ":"))
            if len(text) <= limit:
                return text
    for node in reversed(chain[1:]):
        parent = chain[chain.index(node) - 1]
        parent["cause"] = {_MARK: 1, "type": node.get("type"), "message": "[cut: the failure was too long]"}
        text = json.dumps(document, separators=(",", ":"))
        if len(text) <= limit:
            return text
    document.pop("details", None)
    document["details_error"] = "the details were cut: the failure was too long for SWF"
    document["message"] = clip_head(str(document.get("message", "")), 4096)
    return json.dumps(document, separators=(",", ":"))[:limit]


def encode_failure(error: BaseException, converter: DataConverter) -> tuple[str, str]:
    """An exception as SWF's ``(reason, details)``, both within SWF's limits.

    Args:
        error: The exception.
        converter: Encodes `ApplicationError`'s details.

    Returns:
        The reason (``Type: message``, at most 256 characters) and the details (a JSON document, at most
        32,768 characters).
    """
    document = _document(error, converter)
    message = document["message"]
    reason = f"{document['type']}: {message}" if message else str(document["type"])
    return clip_head(reason, constants.MAX_REASON_LENGTH), _fit(document, constants.MAX_DATA_LENGTH)


def _from_document(document: dict[str, Any], converter: DataConverter) -> FailureError:
    cause_doc = document.get("cause")
    cause = _from_document(cause_doc, converter) if isinstance(cause_doc, dict) else None
    kind = str(document.get("type") or "Error")
    message = str(document.get("message") or "")
    activity = document.get("activity")
    if kind in ("ActivityError", "ActivityTimeoutError") and isinstance(activity, dict):
        activity_type = tuple(activity.get("type") or ("", ""))
        options: dict[str, Any] = {
            "activity_type": (str(activity_type[0]), str(activity_type[1])),
            "activity_id": str(activity.get("id") or ""),
            "attempt": int(activity.get("attempt") or 1),
            "cause": cause,
        }
        if kind == "ActivityTimeoutError":
            return ActivityTimeoutError(
                message, timeout_type=str(document.get("timeout_type") or ""), **options
            )
        return ActivityError(message, **options)
    child = document.get("child")
    if kind in ("ChildWorkflowError", "ChildWorkflowTimeoutError") and isinstance(child, dict):
        child_type = tuple(child.get("type") or ("", ""))
        cls = ChildWorkflowTimeoutError if kind == "ChildWorkflowTimeoutError" else ChildWorkflowError
        return cls(
            message,
            workflow_type=(str(child_type[0]), str(child_type[1])),
            workflow_id=str(child.get("workflow_id") or ""),
            run_id=child.get("run_id"),
            status=str(child.get("status") or "FAILED"),
            cause=cause,
        )
    details: tuple[Any, ...] = ()
    if isinstance(document.get("details"), str):
        try:
            details = tuple(converter.decode_args(document["details"]))
        except Exception:
            details = (document["details"],)
    return ApplicationError(
        message,
        *details,
        type=kind,
        non_retryable=bool(document.get("non_retryable", False)),
        cause=cause,
        traceback=document.get("traceback"),
    )


def decode_failure(reason: str | None, details: str | None, converter: DataConverter) -> FailureError:
    """Rebuilds the failure behind SWF's reason and details.

    Args:
        reason: SWF's reason.
        details: SWF's details: aioswf's JSON document, or any text.
        converter: Decodes the details of `ApplicationError`.

    Returns:
        An `ActivityError`, `ChildWorkflowError` (and their timeout kinds) or `ApplicationError`.
    """
    if details:
        try:
            document = json.loads(details)
        except ValueError:
            document = None
        if isinstance(document, dict) and document.get(_MARK):
            return _from_document(document, converter)
    kind, _, message = (reason or "").partition(": ")
    if not message:
        kind, message = "Error", reason or ""
    return ApplicationError(message, type=kind or "Error", traceback=details)
