"""`Domain`: the scope of workflow types, activity types and executions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from aioswf import constants, validation
from aioswf.exceptions import ValidationError
from aioswf.models import _fields as fields
from aioswf.models.base import BaseModel, trusted

if TYPE_CHECKING:
    from aioswf.connection import Connection
    from aioswf.querysets.activity import ActivityTypeQuerySet
    from aioswf.querysets.workflow import WorkflowExecutionQuerySet, WorkflowTypeQuerySet

__all__ = ["Domain", "domain_from_api"]


def _retention(value: Any) -> int | None:
    if value is None:
        return None
    checked = validation.check_retention_period(value)
    # SWF reads "NONE" as 0: keep no closed history. Domains read from SWF give 0 for it too.
    return 0 if checked == "NONE" else int(checked)


@attrs.frozen
class Domain(BaseModel):
    """An SWF domain.

    Building one sends nothing; `save` registers it::

        domain = Domain("crawl", description="web crawling", retention_period=7)
        await domain.save()

    Args:
        name: The domain's name (1-256 characters, no ``:``, ``/``, ``|``, not ``arn``).
        status: ``REGISTERED`` or ``DEPRECATED``.
        description: A description (at most 1,024 characters).
        retention_period: Days SWF keeps closed executions' histories (0-90); ``None`` when unknown
            (a domain read from a listing).
        arn: The domain's ARN, as SWF reports it.
        connection: The connection to use (default: the current one).

    Raises:
        ValidationError: When an argument breaks SWF's limits.
    """

    _compared: ClassVar[tuple[str, ...]] = ("status", "description", "retention_period", "arn")

    name: str = attrs.field(validator=fields.check_name)
    status: str = attrs.field(default=constants.REGISTERED, kw_only=True, validator=fields.check_registration)
    description: str | None = attrs.field(default=None, kw_only=True, validator=fields.check_description)
    retention_period: int | None = attrs.field(default=30, kw_only=True, converter=_retention)
    arn: str | None = attrs.field(default=None, kw_only=True)

    async def save(self) -> Domain:
        """Registers the domain on SWF.

        Returns:
            The domain itself.

        Raises:
            DomainAlreadyExistsError: When a domain of that name exists.
        """
        if self.retention_period is None:
            raise ValidationError(
                "retention_period is required to register a domain",
                argument="retention_period",
                limit="0-90 days",
            )
        params: dict[str, Any] = {
            "name": self.name,
            "workflowExecutionRetentionPeriodInDays": str(self.retention_period),
        }
        if self.description is not None:
            params["description"] = self.description
        await self._connection("save").call("RegisterDomain", **params)
        return self

    async def delete(self) -> None:
        """Deprecates the domain (SWF's way to retire one; it cannot be removed).

        Raises:
            DomainDoesNotExist: When there is no such domain.
            DomainDeprecatedError: When it is deprecated already.
        """
        await self._connection("delete").call("DeprecateDomain", name=self.name)

    async def undelete(self) -> None:
        """Undeprecates the domain.

        Raises:
            DomainDoesNotExist: When there is no such domain.
            DomainAlreadyExistsError: When it is not deprecated.
        """
        await self._connection("undelete").call("UndeprecateDomain", name=self.name)

    async def upstream(self) -> Domain:
        """Fetches the domain as SWF has it.

        Raises:
            DomainDoesNotExist: When there is no such domain.
        """
        response = await self._connection("upstream").call("DescribeDomain", name=self.name)
        return domain_from_api(response, connection=self.connection)

    def workflows(self) -> WorkflowTypeQuerySet:
        """The workflow types of this domain, as a queryset (``async for`` iterates the registered ones)."""
        from aioswf.querysets.workflow import WorkflowTypeQuerySet

        return WorkflowTypeQuerySet(self, connection=self.connection)

    def activities(self) -> ActivityTypeQuerySet:
        """The activity types of this domain, as a queryset (``async for`` iterates the registered ones)."""
        from aioswf.querysets.activity import ActivityTypeQuerySet

        return ActivityTypeQuerySet(self, connection=self.connection)

    def executions(self) -> WorkflowExecutionQuerySet:
        """The workflow executions of this domain, as a queryset (``async for`` iterates the open ones)."""
        from aioswf.querysets.workflow import WorkflowExecutionQuerySet

        return WorkflowExecutionQuerySet(self, connection=self.connection)


def domain_from_api(response: Mapping[str, Any], *, connection: Connection | None = None) -> Domain:
    """Builds a `Domain` from DescribeDomain's response or one of ListDomains' ``domainInfos``."""
    info = response.get("domainInfo", response)
    configuration = response.get("configuration") or {}
    retention = configuration.get("workflowExecutionRetentionPeriodInDays")
    # Built from SWF's answer: no validators (see `trusted`).
    return trusted(
        Domain,
        info["name"],
        status=info.get("status", constants.REGISTERED),
        description=info.get("description"),
        retention_period=None if retention is None else 0 if retention == "NONE" else int(retention),
        arn=info.get("arn"),
        connection=connection,
        raw=response,
    )
