"""`DomainQuerySet`: find, list and create domains."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from aioswf import constants, validation
from aioswf.exceptions import DomainAlreadyExistsError
from aioswf.models.domain import Domain, domain_from_api
from aioswf.querysets.base import BaseQuerySet, Query, QueryIterator

if TYPE_CHECKING:
    from aioswf.connection import Connection

__all__ = ["DomainQuerySet"]


def _build(info: Mapping[str, Any], connection: Connection | None) -> Domain:
    return domain_from_api(info, connection=connection)


class DomainQuerySet(BaseQuerySet):
    """Domains, as a django-manager-like interface::

        domain = await DomainQuerySet().get_or_create("crawl", retention_period=7)
        async for domain in DomainQuerySet().all():
            ...

    Args:
        connection: The connection to use (default: the current one).
    """

    async def get(self, name: str) -> Domain:
        """Fetches the domain called `name`.

        Raises:
            ValidationError: When the name is not a valid SWF name (nothing is sent).
            DomainDoesNotExist: When there is no such domain.
        """
        validation.check_name(name)
        response = await self._conn("get").call("DescribeDomain", name=name)
        return domain_from_api(response, connection=self.connection)

    async def create(
        self, name: str, *, description: str | None = None, retention_period: int = 30
    ) -> Domain:
        """Registers a new domain and returns it as SWF has it.

        Raises:
            ValidationError: When an argument breaks SWF's limits (nothing is sent).
            DomainAlreadyExistsError: When a domain of that name exists.
        """
        domain = Domain(
            name, description=description, retention_period=retention_period, connection=self.connection
        )
        await domain.save()
        return await domain.upstream()

    async def get_or_create(
        self, name: str, *, description: str | None = None, retention_period: int = 30
    ) -> Domain:
        """Fetches the domain called `name`, registering it with the given values when it does not exist.

        Only the name is used to find it. If another client registers it between the two requests, the
        one it registered is returned.

        Raises:
            ValidationError: When an argument breaks SWF's limits (nothing is sent).
        """
        from aioswf.exceptions import DomainDoesNotExist

        Domain(name, description=description, retention_period=retention_period)
        try:
            return await self.get(name)
        except DomainDoesNotExist:
            pass
        try:
            return await self.create(name, description=description, retention_period=retention_period)
        except DomainAlreadyExistsError:
            return await self.get(name)

    def all(
        self,
        registration_status: str = constants.REGISTERED,
        *,
        page_size: int | None = None,
        limit: int | None = None,
        reverse: bool = False,
    ) -> Query[Domain]:
        """Lists the domains with a registration status, lazily.

        Args:
            registration_status: ``REGISTERED`` or ``DEPRECATED``.
            page_size: Domains per request (1-1,000).
            limit: Stop after this many.
            reverse: Names in descending order.

        Returns:
            A `Query`: ``async for`` over it, or ``await`` it for a list.

        Raises:
            ValidationError: When an argument is invalid (nothing is sent).
        """
        return self.filter(registration_status, page_size=page_size, limit=limit, reverse=reverse)

    def filter(
        self,
        registration_status: str = constants.REGISTERED,
        *,
        page_size: int | None = None,
        limit: int | None = None,
        reverse: bool = False,
    ) -> Query[Domain]:
        """Same as `all`: SWF filters domains only by registration status."""
        validation.check_choice(registration_status, "registration_status", constants.REGISTRATION_STATUSES)
        return Query(
            connection=self.connection,
            operation="ListDomains",
            params={"registrationStatus": registration_status},
            result_key="domainInfos",
            build=_build,
            page_size=page_size,
            limit=limit,
            reverse=reverse,
        )

    def __aiter__(self) -> QueryIterator[Domain]:
        return self.all().__aiter__()
