"""`ActivityType`: a kind of work, registered in a domain, with defaults for its tasks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from aioswf import constants
from aioswf.models import _fields as fields
from aioswf.models.base import trusted
from aioswf.models.domain import Domain
from aioswf.models.registered import RegisteredType

if TYPE_CHECKING:
    from aioswf.connection import Connection

__all__ = ["ActivityType", "activity_type_from_api"]


@attrs.frozen
class ActivityType(RegisteredType):
    """An activity type: a name and version registered in a domain, with defaults for its tasks.

    Args:
        domain: The domain (a `Domain`, or its name).
        name: The type's name.
        version: The type's version (at most 64 characters).
        status: ``REGISTERED`` or ``DEPRECATED``.
        description: A description (at most 1,024 characters).
        creation_date: When SWF registered it.
        deprecation_date: When SWF deprecated it.
        task_list: Default task list of its tasks.
        task_heartbeat_timeout: Default heartbeat timeout, seconds or ``"NONE"``.
        task_schedule_to_close_timeout: Default schedule-to-close timeout, seconds or ``"NONE"``.
        task_schedule_to_start_timeout: Default schedule-to-start timeout, seconds or ``"NONE"``.
        task_start_to_close_timeout: Default start-to-close timeout, seconds or ``"NONE"``.
        task_priority: Default task priority.
        connection: The connection to use (default: the current one).

    Timeouts left ``None`` are not registered; scheduling a task then needs them, or SWF answers
    ``DefaultUndefinedFault``.

    Raises:
        ValidationError: When an argument breaks SWF's limits.
    """

    _compared: ClassVar[tuple[str, ...]] = (
        "status",
        "description",
        "task_list",
        "task_heartbeat_timeout",
        "task_schedule_to_close_timeout",
        "task_schedule_to_start_timeout",
        "task_start_to_close_timeout",
        "task_priority",
        "creation_date",
        "deprecation_date",
    )

    _kind = "activityType"

    task_heartbeat_timeout: str | None = attrs.field(
        default=None, kw_only=True, converter=fields.task_heartbeat_timeout
    )
    task_schedule_to_close_timeout: str | None = attrs.field(
        default=None, kw_only=True, converter=fields.task_schedule_to_close_timeout
    )
    task_schedule_to_start_timeout: str | None = attrs.field(
        default=None, kw_only=True, converter=fields.task_schedule_to_start_timeout
    )
    task_start_to_close_timeout: str | None = attrs.field(
        default=None, kw_only=True, converter=fields.task_start_to_close_timeout
    )

    async def save(self) -> ActivityType:
        """Registers the activity type on SWF.

        Returns:
            The type itself.

        Raises:
            TypeAlreadyExistsError: When the name and version are registered already.
            DomainDoesNotExist: When the domain does not exist.
        """
        params = self._registration()
        fields.put(params, "defaultTaskHeartbeatTimeout", self.task_heartbeat_timeout)
        fields.put(params, "defaultTaskScheduleToCloseTimeout", self.task_schedule_to_close_timeout)
        fields.put(params, "defaultTaskScheduleToStartTimeout", self.task_schedule_to_start_timeout)
        fields.put(params, "defaultTaskStartToCloseTimeout", self.task_start_to_close_timeout)
        await self._connection("save").call("RegisterActivityType", **params)
        return self

    def _from_response(self, response: Mapping[str, Any]) -> ActivityType:
        return activity_type_from_api(self.domain, response, connection=self.connection)


def activity_type_from_api(
    domain: Domain, response: Mapping[str, Any], *, connection: Connection | None = None
) -> ActivityType:
    """Builds an `ActivityType` from DescribeActivityType's response or a ListActivityTypes entry."""
    info = response.get("typeInfo", response)
    config = response.get("configuration") or {}
    atype = info["activityType"]
    # Built from SWF's answer: no validators (see `trusted`).
    return trusted(
        ActivityType,
        domain,
        atype["name"],
        atype["version"],
        status=info.get("status", constants.REGISTERED),
        description=info.get("description"),
        creation_date=info.get("creationDate"),
        deprecation_date=info.get("deprecationDate"),
        task_list=(config.get("defaultTaskList") or {}).get("name"),
        task_heartbeat_timeout=config.get("defaultTaskHeartbeatTimeout"),
        task_schedule_to_close_timeout=config.get("defaultTaskScheduleToCloseTimeout"),
        task_schedule_to_start_timeout=config.get("defaultTaskScheduleToStartTimeout"),
        task_start_to_close_timeout=config.get("defaultTaskStartToCloseTimeout"),
        task_priority=config.get("defaultTaskPriority"),
        connection=connection,
        raw=response,
    )
