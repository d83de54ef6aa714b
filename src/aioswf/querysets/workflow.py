"""`WorkflowTypeQuerySet` and `WorkflowExecutionQuerySet`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import attrs

from aioswf import constants, validation
from aioswf.exceptions import InvalidKeywordArgumentError, ValidationError, WorkflowTypeDoesNotExist
from aioswf.models.domain import Domain
from aioswf.models.workflow import (
    WorkflowExecution,
    WorkflowType,
    execution_from_api,
    workflow_type_from_api,
)
from aioswf.querysets.base import DomainScopedQuerySet, Query, TypeQuerySet, as_domain

if TYPE_CHECKING:
    from aioswf.connection import Connection

__all__ = ["ExecutionCount", "WorkflowExecutionQuerySet", "WorkflowTypeQuerySet"]


class WorkflowTypeQuerySet(TypeQuerySet[WorkflowType]):
    """The workflow types of a domain.

    ``async for wt in WorkflowTypeQuerySet(domain)`` iterates the registered ones; `all` and `filter` take
    a registration status and a name; `get`, `create` and `get_or_create` take a name and a version.

    Args:
        domain: The domain (a `Domain`, or its name).
        connection: The connection to use (default: the domain's, else the current one).
    """

    _kind = "workflowType"
    _model = WorkflowType
    _from_api = staticmethod(workflow_type_from_api)
    _missing = WorkflowTypeDoesNotExist


@attrs.frozen
class ExecutionCount:
    """How many executions matched a count, and whether SWF stopped counting.

    Attributes:
        count: The number counted.
        truncated: Whether SWF stopped short of counting them all.
    """

    count: int
    truncated: bool = False

    def __int__(self) -> int:
        return self.count

    def __index__(self) -> int:
        return self.count


_FILTER_KEYWORDS = frozenset(
    {
        "status",
        "tag",
        "workflow_id",
        "workflow_type_name",
        "workflow_type_version",
        "start_latest_date",
        "start_oldest_date",
        "close_latest_date",
        "close_oldest_date",
        "close_status",
    }
)


def _date(value: int | float | datetime, argument: str, now: datetime) -> datetime:
    """A date filter: a datetime, or a number of days before now (the seed's unit)."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
    limit = "a datetime, or days ago from 0 to the start of the calendar"
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
        raise ValidationError(
            f"{argument} must be a datetime or a number of days ago (>= 0), got {validation.describe_value(value)}",
            argument=argument,
            limit=limit,
        )
    # Days beyond the first day of year 1 (infinite ones included) name no date at all.
    if value > (now - _EARLIEST).days:
        raise ValidationError(
            f"{argument} is {validation.describe_value(value)} days ago, before the first day of year 1",
            argument=argument,
            limit=limit,
        )
    return now - timedelta(days=value)


_EARLIEST = datetime(1, 1, 2, tzinfo=timezone.utc)


def _time_filter(
    oldest: int | float | datetime | None,
    latest: int | float | datetime | None,
    prefix: str,
    now: datetime,
) -> dict[str, datetime]:
    found: dict[str, datetime] = {}
    if oldest is not None:
        found["oldestDate"] = _date(oldest, f"{prefix}_oldest_date", now)
    if latest is not None:
        found["latestDate"] = _date(latest, f"{prefix}_latest_date", now)
    if "oldestDate" not in found:
        raise ValidationError(
            f"{prefix}_oldest_date is required when {prefix}_latest_date is given",
            argument=f"{prefix}_oldest_date",
            limit="required with a time window",
        )
    if "latestDate" in found and found["latestDate"] < found["oldestDate"]:
        raise ValidationError(
            f"{prefix}_latest_date is before {prefix}_oldest_date",
            argument=f"{prefix}_latest_date",
            limit=f"not before {prefix}_oldest_date",
        )
    return found


def execution_filters(
    domain: str,
    *,
    status: str = constants.OPEN,
    tag: str | None = None,
    workflow_id: str | None = None,
    workflow_type_name: str | None = None,
    workflow_type_version: str | None = None,
    start_latest_date: int | float | datetime | None = None,
    start_oldest_date: int | float | datetime | None = None,
    close_latest_date: int | float | datetime | None = None,
    close_oldest_date: int | float | datetime | None = None,
    close_status: str | None = None,
) -> tuple[str, dict[str, Any]]:
    """Turns the seed's execution filter keywords into SWF's parameters, checking SWF's rules.

    Returns:
        ``("Open" or "Closed", params)`` for the List/Count operations.

    Raises:
        ValidationError: When the filters break SWF's rules: a close filter on open executions, more than
            one of the execution, type, tag and close-status filters, or a bad value.
    """
    validation.check_choice(status, "status", constants.EXECUTION_STATUSES)
    now = datetime.now(timezone.utc)
    given = {
        "workflow_id": workflow_id,
        "workflow_type_name": workflow_type_name,
        "tag": tag,
        "close_status": close_status,
    }
    exclusive = [name for name, value in given.items() if value is not None]
    if len(exclusive) > 1:
        raise ValidationError(
            f"SWF takes only one of the workflow_id, workflow_type_name, tag and close_status filters "
            f"at a time; got {', '.join(exclusive)}",
            argument=exclusive[1],
            limit="one of workflow_id, workflow_type_name, tag, close_status",
        )
    if workflow_type_version is not None and workflow_type_name is None:
        raise ValidationError(
            "workflow_type_version filters only together with workflow_type_name",
            argument="workflow_type_version",
            limit="needs workflow_type_name",
        )
    params: dict[str, Any] = {"domain": domain}
    if status == constants.OPEN:
        for name, value in (
            ("close_latest_date", close_latest_date),
            ("close_oldest_date", close_oldest_date),
            ("close_status", close_status),
        ):
            if value is not None:
                raise ValidationError(
                    f"{name} filters closed executions only; pass status=CLOSED",
                    argument=name,
                    limit="status=CLOSED only",
                )
        params["startTimeFilter"] = _time_filter(
            30 if start_oldest_date is None else start_oldest_date, start_latest_date, "start", now
        )
    else:
        has_start = start_oldest_date is not None or start_latest_date is not None
        has_close = close_oldest_date is not None or close_latest_date is not None
        if has_start and has_close:
            raise ValidationError(
                "SWF filters closed executions by start time or by close time, not both",
                argument="close_oldest_date",
                limit="one time window",
            )
        if has_close:
            params["closeTimeFilter"] = _time_filter(close_oldest_date, close_latest_date, "close", now)
        else:
            params["startTimeFilter"] = _time_filter(
                30 if start_oldest_date is None else start_oldest_date, start_latest_date, "start", now
            )
        if close_status is not None:
            validation.check_choice(close_status, "close_status", constants.CLOSE_STATUSES)
            params["closeStatusFilter"] = {"status": close_status}
    if workflow_id is not None:
        params["executionFilter"] = {"workflowId": validation.check_name(workflow_id, "workflow_id")}
    if workflow_type_name is not None:
        type_filter = {"name": validation.check_name(workflow_type_name, "workflow_type_name")}
        if workflow_type_version is not None:
            type_filter["version"] = validation.check_version(workflow_type_version, "workflow_type_version")
        params["typeFilter"] = type_filter
    if tag is not None:
        validation.check_tags([tag], "tag")
        params["tagFilter"] = {"tag": tag}
    return ("Open" if status == constants.OPEN else "Closed"), params


class WorkflowExecutionQuerySet(DomainScopedQuerySet):
    """The workflow executions of a domain.

    ``async for execution in WorkflowExecutionQuerySet(domain)`` iterates the executions opened in the
    last 30 days; `filter` takes the seed's criteria.

    Args:
        domain: The domain (a `Domain`, or its name).
        connection: The connection to use (default: the domain's, else the current one).
    """

    async def get(self, workflow_id: str, run_id: str) -> WorkflowExecution:
        """Fetches one execution by workflow id and run id.

        Raises:
            ValidationError: When the workflow id is invalid (nothing is sent).
            WorkflowExecutionDoesNotExist: When there is no such execution.
        """
        validation.check_name(workflow_id, "workflow_id")
        if validation.check_run_id(run_id, "run_id") is None:
            raise ValidationError("get() needs the execution's run_id", argument="run_id", limit="required")
        response = await self._conn("get").call(
            "DescribeWorkflowExecution",
            domain=self.domain.name,
            execution={"workflowId": workflow_id, "runId": run_id},
        )
        return execution_from_api(self.domain, response, connection=self.connection)

    def all(
        self,
        status: str = constants.OPEN,
        start_oldest_date: int | float | datetime = 30,
        *,
        page_size: int | None = None,
        limit: int | None = None,
        reverse: bool = False,
    ) -> Query[WorkflowExecution]:
        """Lists the executions with `status` started in the last `start_oldest_date` days, lazily.

        Returns:
            A `Query`: ``async for`` over it, or ``await`` it for a list.
        """
        return self.filter(
            status=status,
            start_oldest_date=start_oldest_date,
            page_size=page_size,
            limit=limit,
            reverse=reverse,
        )

    def filter(
        self,
        domain: Domain | str | None = None,
        status: str = constants.OPEN,
        tag: str | None = None,
        workflow_id: str | None = None,
        workflow_type_name: str | None = None,
        workflow_type_version: str | None = None,
        *,
        page_size: int | None = None,
        limit: int | None = None,
        reverse: bool = False,
        **kwargs: Any,
    ) -> Query[WorkflowExecution]:
        """Lists executions matching the seed's criteria, lazily.

        Args:
            domain: Another domain to list (default: this queryset's).
            status: ``OPEN`` or ``CLOSED``.
            tag: Executions carrying this tag.
            workflow_id: Executions with this workflow id.
            workflow_type_name: Executions of this workflow type.
            workflow_type_version: ... and this version of it.
            page_size: Executions per request (1-1,000).
            limit: Stop after this many.
            reverse: Oldest first (SWF lists newest first by default).
            **kwargs: Time windows and close status: ``start_oldest_date`` (default 30 days ago),
                ``start_latest_date``; for ``CLOSED`` also ``close_oldest_date``, ``close_latest_date``,
                ``close_status``. Dates are datetimes or numbers of days ago.

        Returns:
            A `Query`: ``async for`` over it, or ``await`` it for a list.

        Raises:
            InvalidKeywordArgumentError: For a keyword the filter does not know.
            ValidationError: When the filters break SWF's rules (only one of the workflow id, type, tag and
                close status filters; close filters only on closed executions; one time window).
        """
        target = as_domain(domain) if domain is not None else self.domain
        unknown = sorted(set(kwargs) - _FILTER_KEYWORDS)
        if unknown:
            raise InvalidKeywordArgumentError(
                f"unknown execution filter(s): {', '.join(unknown)}; known: {', '.join(sorted(_FILTER_KEYWORDS))}"
            )
        state, params = execution_filters(
            target.name,
            status=status,
            tag=tag,
            workflow_id=workflow_id,
            workflow_type_name=workflow_type_name,
            workflow_type_version=workflow_type_version,
            **kwargs,
        )

        def build(info: Mapping[str, Any], connection: Connection | None) -> WorkflowExecution:
            return execution_from_api(target, info, connection=connection)

        return Query(
            connection=self.connection,
            operation=f"List{state}WorkflowExecutions",
            params=params,
            result_key="executionInfos",
            build=build,
            page_size=page_size,
            limit=limit,
            reverse=reverse,
        )

    async def count(self, status: str = constants.OPEN, **kwargs: Any) -> ExecutionCount:
        """Counts executions matching the same criteria as `filter` (SWF's Count*WorkflowExecutions).

        Raises:
            InvalidKeywordArgumentError: For a keyword the filter does not know.
            ValidationError: When the filters break SWF's rules.
        """
        unknown = sorted(set(kwargs) - _FILTER_KEYWORDS)
        if unknown:
            raise InvalidKeywordArgumentError(f"unknown execution filter(s): {', '.join(unknown)}")
        state, params = execution_filters(self.domain.name, status=status, **kwargs)
        response = await self._conn("count").call(f"Count{state}WorkflowExecutions", **params)
        return ExecutionCount(int(response.get("count", 0)), bool(response.get("truncated", False)))

    def __aiter__(self) -> Any:
        return self.all().__aiter__()
