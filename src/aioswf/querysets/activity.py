"""`ActivityTypeQuerySet`: find, list and register activity types."""

from __future__ import annotations

from aioswf.exceptions import ActivityTypeDoesNotExist
from aioswf.models.activity import ActivityType, activity_type_from_api
from aioswf.querysets.base import TypeQuerySet

__all__ = ["ActivityTypeQuerySet"]


class ActivityTypeQuerySet(TypeQuerySet[ActivityType]):
    """The activity types of a domain.

    ``async for at in ActivityTypeQuerySet(domain)`` iterates the registered ones; `all` and `filter` take
    a registration status and a name; `get`, `create` and `get_or_create` take a name and a version.

    Args:
        domain: The domain (a `Domain`, or its name).
        connection: The connection to use (default: the domain's, else the current one).
    """

    _kind = "activityType"
    _model = ActivityType
    _from_api = staticmethod(activity_type_from_api)
    _missing = ActivityTypeDoesNotExist
