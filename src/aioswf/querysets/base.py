"""`Query`: a lazy listing, and `BaseQuerySet`, what every queryset shares."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Generator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from aioswf import constants, validation
from aioswf.connection import get_connection
from aioswf.exceptions import DoesNotExistError, TypeAlreadyExistsError, ValidationError
from aioswf.models import _fields as fields

if TYPE_CHECKING:
    from aioswf.connection import Connection, PageIterator
    from aioswf.models.activity import ActivityType
    from aioswf.models.domain import Domain
    from aioswf.models.workflow import WorkflowType

__all__ = ["BaseQuerySet", "DomainScopedQuerySet", "Query", "QueryIterator", "TypeQuerySet", "as_domain"]

T = TypeVar("T")


class Query(Generic[T]):
    """A listing that sends nothing until it is iterated or awaited.

    ``async for item in query`` fetches the first page when the first item is asked for, and each next
    page only when the consumer reaches it, following ``nextPageToken`` to the end. ``await query``
    collects every item into a list. A query can be iterated again; each iteration lists anew.

    Args:
        connection: The connection to use (default: the current one, looked up when iterating).
        operation: The SWF listing operation.
        params: Its parameters.
        result_key: Where the items are in each page.
        build: Turns a raw item into a model.
        page_size: Items per request (1-1,000).
        limit: Stop after this many items.
        reverse: Ask SWF for reverse order.
    """

    def __init__(
        self,
        *,
        connection: Connection | None,
        operation: str,
        params: Mapping[str, Any],
        result_key: str,
        build: Callable[[Mapping[str, Any], Connection | None], T],
        page_size: int | None = None,
        limit: int | None = None,
        reverse: bool = False,
    ) -> None:
        validation.check_page_size(page_size)
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
            raise ValidationError(
                f"limit must be a whole number >= 0, got {limit!r}", argument="limit", limit=">= 0"
            )
        self._connection = connection
        self._operation = operation
        self._params = dict(params)
        if reverse:
            self._params["reverseOrder"] = True
        self._result_key = result_key
        self._build = build
        self._page_size = page_size
        self._limit = limit

    def __repr__(self) -> str:
        return f"<Query {self._operation} {self._params!r} page_size={self._page_size} limit={self._limit}>"

    @property
    def operation(self) -> str:
        """The SWF operation this query sends."""
        return self._operation

    @property
    def params(self) -> dict[str, Any]:
        """The parameters this query sends (a copy)."""
        return dict(self._params)

    def pages(self) -> PageIterator:
        """The raw response pages, fetched one request at a time as you iterate."""
        connection = get_connection(self._connection, f"listing with {self._operation}")
        page_size = self._page_size
        if self._limit is not None and (page_size is None or self._limit < page_size) and self._limit > 0:
            page_size = self._limit
        return connection.paginate(self._operation, page_size=page_size, **self._params)

    def __aiter__(self) -> QueryIterator[T]:
        return QueryIterator(self)

    def __await__(self) -> Generator[Any, None, list[T]]:
        return self._collect().__await__()

    async def _collect(self) -> list[T]:
        return [item async for item in self]


class QueryIterator(Generic[T]):
    """One pass over a `Query`'s items; ``aclose()`` stops it early."""

    def __init__(self, query: Query[T]) -> None:
        self._query = query
        self._pages: PageIterator | None = None
        self._buffer: deque[Mapping[str, Any]] = deque()
        self._yielded = 0
        self._done = query._limit == 0

    def __aiter__(self) -> QueryIterator[T]:
        return self

    async def __anext__(self) -> T:
        query = self._query
        while not self._buffer:
            if self._done:
                raise StopAsyncIteration
            if self._pages is None:
                self._pages = query.pages()
            try:
                page = await self._pages.__anext__()
            except StopAsyncIteration:
                self._done = True
                raise
            self._buffer = deque(page.get(query._result_key) or ())
        item = self._buffer.popleft()
        self._yielded += 1
        if query._limit is not None and self._yielded >= query._limit:
            self._done = True
            self._buffer.clear()
        return query._build(item, query._connection)

    async def aclose(self) -> None:
        """Stops the iteration; no further request is sent."""
        self._done = True
        self._buffer.clear()
        if self._pages is not None:
            await self._pages.aclose()


class BaseQuerySet:
    """What every queryset shares: the connection it uses.

    Args:
        connection: The connection to use (default: the current one when a request is sent).
    """

    def __init__(self, *, connection: Connection | None = None) -> None:
        self.connection = connection

    def _conn(self, what: str) -> Connection:
        return get_connection(self.connection, f"{type(self).__name__}.{what}()")


def as_domain(domain: Domain | str) -> Domain:
    """A `Domain` from a domain or its name."""
    return fields.to_domain(domain)


class DomainScopedQuerySet(BaseQuerySet):
    """A queryset over what lives in one domain.

    Args:
        domain: The domain (a `Domain`, or its name).
        connection: The connection to use (default: the domain's, else the current one).
    """

    def __init__(self, domain: Domain | str, *, connection: Connection | None = None) -> None:
        domain = as_domain(domain)
        super().__init__(connection=connection if connection is not None else domain.connection)
        self.domain = domain

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.domain.name!r})"

    def all(self) -> Query[Any]:
        """Lists the queryset's default selection."""
        raise NotImplementedError

    def __aiter__(self) -> QueryIterator[Any]:
        return self.all().__aiter__()


TypeModel = TypeVar("TypeModel", "WorkflowType", "ActivityType")


class TypeQuerySet(DomainScopedQuerySet, Generic[TypeModel]):
    """The workflow or activity types of a domain: what `WorkflowTypeQuerySet` and `ActivityTypeQuerySet` share."""

    #: ``"workflowType"`` or ``"activityType"``: the API's key and the operations' middle word.
    _kind: ClassVar[str]
    _model: ClassVar[type[Any]]
    _from_api: ClassVar[Callable[..., Any]]
    _missing: ClassVar[type[DoesNotExistError]]

    @property
    def _noun(self) -> str:
        return self._kind[0].upper() + self._kind[1:]

    def _build(self, domain: Domain) -> Callable[[Mapping[str, Any], Connection | None], TypeModel]:
        def build(info: Mapping[str, Any], connection: Connection | None) -> TypeModel:
            built: TypeModel = type(self)._from_api(domain, info, connection=connection)
            return built

        return build

    async def get(self, name: str, version: str) -> TypeModel:
        """Fetches the type `name` at `version`, with its configuration.

        Raises:
            ValidationError: When the name or version is invalid (nothing is sent).
            WorkflowTypeDoesNotExist: (or ActivityTypeDoesNotExist) when there is no such type.
        """
        validation.check_name(name)
        validation.check_version(version)
        response = await self._conn("get").call(
            f"Describe{self._noun}",
            domain=self.domain.name,
            **{self._kind: {"name": name, "version": version}},
        )
        return self._build(self.domain)(response, self.connection)

    async def create(self, name: str, version: str, **kwargs: Any) -> TypeModel:
        """Registers a type and returns it as SWF has it.

        Args:
            name: The type's name.
            version: Its version.
            **kwargs: The model's other arguments (task list, timeouts, description, ...).

        Raises:
            ValidationError: When an argument breaks SWF's limits (nothing is sent).
            TypeAlreadyExistsError: When the type exists.
        """
        kwargs.pop("status", None)
        model: TypeModel = self._model(self.domain, name, version, connection=self.connection, **kwargs)
        await model.save()
        return await model.upstream()

    async def get_or_create(self, name: str, version: str, **kwargs: Any) -> TypeModel:
        """Fetches the type, registering it with the given values when it does not exist.

        Only the name and version are used to find it; a concurrent registration is tolerated.

        Raises:
            ValidationError: When an argument breaks SWF's limits (nothing is sent).
        """
        self._model(self.domain, name, version, **{k: v for k, v in kwargs.items() if k != "status"})
        try:
            return await self.get(name, version)
        except self._missing:
            pass
        try:
            return await self.create(name, version, **kwargs)
        except TypeAlreadyExistsError:
            return await self.get(name, version)

    def all(
        self,
        registration_status: str = constants.REGISTERED,
        *,
        page_size: int | None = None,
        limit: int | None = None,
        reverse: bool = False,
    ) -> Query[TypeModel]:
        """Lists the domain's types with a registration status, lazily.

        Returns:
            A `Query`: ``async for`` over it, or ``await`` it for a list.
        """
        return self.filter(
            registration_status=registration_status, page_size=page_size, limit=limit, reverse=reverse
        )

    def filter(
        self,
        domain: Domain | str | None = None,
        registration_status: str = constants.REGISTERED,
        name: str | None = None,
        *,
        status: str | None = None,
        page_size: int | None = None,
        limit: int | None = None,
        reverse: bool = False,
    ) -> Query[TypeModel]:
        """Lists types by domain, registration status and name, lazily.

        Args:
            domain: Another domain to list (default: this queryset's).
            registration_status: ``REGISTERED`` or ``DEPRECATED``.
            name: Only the versions of this type.
            status: Another name for `registration_status`, as the seed's examples wrote it.
            page_size: Types per request (1-1,000).
            limit: Stop after this many.
            reverse: Descending order of name and version.

        Returns:
            A `Query`: ``async for`` over it, or ``await`` it for a list.

        Raises:
            ValidationError: When an argument is invalid (nothing is sent).
        """
        target = as_domain(domain) if domain is not None else self.domain
        if status is not None:
            registration_status = status
        validation.check_choice(registration_status, "registration_status", constants.REGISTRATION_STATUSES)
        params: dict[str, Any] = {"domain": target.name, "registrationStatus": registration_status}
        if name is not None:
            params["name"] = validation.check_name(name)
        return Query(
            connection=self.connection,
            operation=f"List{self._noun}s",
            params=params,
            result_key="typeInfos",
            build=self._build(target),
            page_size=page_size,
            limit=limit,
            reverse=reverse,
        )
