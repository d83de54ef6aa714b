"""`RegisteredType`: what `WorkflowType` and `ActivityType` share."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import attrs

from aioswf import constants
from aioswf.models import _fields as fields
from aioswf.models.base import BaseModel, to_datetime

if TYPE_CHECKING:
    from aioswf.models.domain import Domain

__all__ = ["RegisteredType"]

_T = TypeVar("_T", bound="RegisteredType")


@attrs.frozen
class RegisteredType(BaseModel):
    """A name and version registered in a domain: the base of `WorkflowType` and `ActivityType`.

    Subclasses name their kind (``_kind``, the API's key: ``"workflowType"`` or ``"activityType"``) and
    how a response becomes one of them (``_from_response``); the registration itself (``save``) is theirs.
    """

    _kind: ClassVar[str]

    domain: Domain = attrs.field(converter=fields.to_domain)
    name: str = attrs.field(validator=fields.check_name)
    version: str = attrs.field(validator=fields.check_version)
    status: str = attrs.field(default=constants.REGISTERED, kw_only=True, validator=fields.check_registration)
    creation_date: datetime | None = attrs.field(default=None, kw_only=True, converter=to_datetime)
    deprecation_date: datetime | None = attrs.field(default=None, kw_only=True, converter=to_datetime)
    description: str | None = attrs.field(default=None, kw_only=True, validator=fields.check_description)
    task_list: str | None = attrs.field(default=None, kw_only=True, validator=fields.check_optional_name)
    task_priority: str | None = attrs.field(default=None, kw_only=True, converter=fields.priority)

    @property
    def _noun(self) -> str:
        return self._kind[0].upper() + self._kind[1:]

    def _key(self) -> dict[str, Any]:
        return {"domain": self.domain.name, self._kind: {"name": self.name, "version": self.version}}

    async def delete(self) -> None:
        """Deprecates the type: nothing new of it can start or be scheduled.

        Raises:
            WorkflowTypeDoesNotExist: (or ActivityTypeDoesNotExist) when there is no such type.
            TypeDeprecatedError: When it is deprecated already.
        """
        await self._connection("delete").call(f"Deprecate{self._noun}", **self._key())

    async def undelete(self) -> None:
        """Undeprecates the type.

        Raises:
            WorkflowTypeDoesNotExist: (or ActivityTypeDoesNotExist) when there is no such type.
            TypeAlreadyExistsError: When it is not deprecated.
        """
        await self._connection("undelete").call(f"Undeprecate{self._noun}", **self._key())

    async def destroy(self) -> None:
        """Deletes a deprecated type for good (SWF's ``DeleteWorkflowType`` / ``DeleteActivityType``).

        Raises:
            TypeNotDeprecatedError: When the type is not deprecated first.
        """
        await self._connection("destroy").call(f"Delete{self._noun}", **self._key())

    async def upstream(self: _T) -> _T:
        """Fetches the type as SWF has it, with its configuration.

        Raises:
            WorkflowTypeDoesNotExist: (or ActivityTypeDoesNotExist) when there is no such type.
        """
        response = await self._connection("upstream").call(f"Describe{self._noun}", **self._key())
        return self._from_response(response)

    def _from_response(self: _T, response: Mapping[str, Any]) -> _T:
        raise NotImplementedError

    def _registration(self) -> dict[str, Any]:
        """The parameters of ``Register*Type`` that every type has."""
        params: dict[str, Any] = {"domain": self.domain.name, "name": self.name, "version": self.version}
        fields.put(params, "description", self.description)
        if self.task_list is not None:
            params["defaultTaskList"] = {"name": self.task_list}
        fields.put(params, "defaultTaskPriority", self.task_priority)
        return params
