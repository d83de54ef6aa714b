"""Listings follow nextPageToken lazily, one request per page the consumer reaches.

moto's server never paginates; the local server does (tests/local covers it), and here aiobotocore's own
stubber serves exact pages so the requests can be counted one by one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timezone

import pytest
from aiobotocore.stub import AioStubber

import aioswf
from aioswf.exceptions import PaginationError
from aioswf.models import WorkflowExecution
from aioswf.querysets import DomainQuerySet, WorkflowExecutionQuerySet, WorkflowTypeQuerySet


def domain_page(names: list[str], token: str | None) -> dict:
    page: dict = {"domainInfos": [{"name": name, "status": "REGISTERED"} for name in names]}
    if token is not None:
        page["nextPageToken"] = token
    return page


@pytest.fixture
async def stubbed() -> AsyncIterator[tuple[aioswf.Connection, AioStubber]]:
    async with aioswf.Connection(
        region_name="us-east-1",
        endpoint_url="http://127.0.0.1:9",
        aws_access_key_id="k",
        aws_secret_access_key="s",
    ) as connection:
        with AioStubber(connection.client) as stubber:
            yield connection, stubber


async def test_a_consumer_who_stops_after_the_first_page_causes_one_request(stubbed) -> None:
    connection, stubber = stubbed
    stubber.add_response("list_domains", domain_page(["a", "b"], "t1"), {"registrationStatus": "REGISTERED"})
    seen = []
    async for domain in DomainQuerySet(connection=connection).all():
        seen.append(domain.name)
        if len(seen) == 2:
            break
    assert seen == ["a", "b"]
    stubber.assert_no_pending_responses()


async def test_every_page_arrives_in_order(stubbed) -> None:
    connection, stubber = stubbed
    stubber.add_response(
        "list_domains",
        domain_page(["a", "b"], "t1"),
        {"registrationStatus": "REGISTERED", "maximumPageSize": 2},
    )
    stubber.add_response(
        "list_domains",
        domain_page(["c", "d"], "t2"),
        {"registrationStatus": "REGISTERED", "maximumPageSize": 2, "nextPageToken": "t1"},
    )
    stubber.add_response(
        "list_domains",
        domain_page(["e"], None),
        {"registrationStatus": "REGISTERED", "maximumPageSize": 2, "nextPageToken": "t2"},
    )
    domains = await DomainQuerySet(connection=connection).all(page_size=2)
    assert [d.name for d in domains] == ["a", "b", "c", "d", "e"]
    stubber.assert_no_pending_responses()


async def test_the_next_page_is_fetched_only_when_the_consumer_reaches_it(stubbed) -> None:
    connection, stubber = stubbed
    stubber.add_response("list_domains", domain_page(["a"], "t1"))
    stubber.add_response("list_domains", domain_page(["b"], None))
    iterator = DomainQuerySet(connection=connection).all().__aiter__()
    assert (await iterator.__anext__()).name == "a"
    assert len(stubber._queue) == 1, "the second page must not be requested yet"
    assert (await iterator.__anext__()).name == "b"
    stubber.assert_no_pending_responses()
    with pytest.raises(StopAsyncIteration):
        await iterator.__anext__()


async def test_limit_stops_requesting_pages(stubbed) -> None:
    connection, stubber = stubbed
    stubber.add_response("list_domains", domain_page(["a", "b"], "t1"))
    stubber.add_response("list_domains", domain_page(["c", "d"], "t2"))
    domains = await DomainQuerySet(connection=connection).all(limit=3)
    assert [d.name for d in domains] == ["a", "b", "c"]
    stubber.assert_no_pending_responses()


async def test_closing_an_iterator_early_sends_nothing_more(stubbed) -> None:
    connection, stubber = stubbed
    stubber.add_response("list_domains", domain_page(["a"], "t1"))
    iterator = DomainQuerySet(connection=connection).all().__aiter__()
    await iterator.__anext__()
    await iterator.aclose()
    with pytest.raises(StopAsyncIteration):
        await iterator.__anext__()
    stubber.assert_no_pending_responses()


async def test_a_repeated_token_raises_instead_of_looping(stubbed) -> None:
    connection, stubber = stubbed
    stubber.add_response("list_domains", domain_page(["a"], "same"))
    stubber.add_response("list_domains", domain_page(["b"], "same"))
    with pytest.raises(PaginationError, match="ListDomains"):
        await DomainQuerySet(connection=connection).all()


async def test_empty_pages_in_the_middle_are_followed(stubbed) -> None:
    connection, stubber = stubbed
    stubber.add_response("list_domains", domain_page([], "t1"))
    stubber.add_response("list_domains", domain_page(["late"], None))
    assert [d.name for d in await DomainQuerySet(connection=connection).all()] == ["late"]


async def test_reverse_and_page_size_are_sent(stubbed) -> None:
    connection, stubber = stubbed
    stubber.add_response(
        "list_workflow_types",
        {
            "typeInfos": [
                {
                    "workflowType": {"name": "w", "version": "2"},
                    "status": "REGISTERED",
                    "creationDate": datetime.now(timezone.utc),
                }
            ]
        },
        {"domain": "d", "registrationStatus": "REGISTERED", "maximumPageSize": 10, "reverseOrder": True},
    )
    [workflow_type] = await WorkflowTypeQuerySet("d", connection=connection).all(page_size=10, reverse=True)
    assert workflow_type.version == "2"


async def test_execution_listings_page_too(stubbed) -> None:
    connection, stubber = stubbed
    info = {
        "execution": {"workflowId": "w1", "runId": "r1"},
        "workflowType": {"name": "t", "version": "1"},
        "startTimestamp": datetime.now(timezone.utc),
        "executionStatus": "OPEN",
    }
    second = {**info, "execution": {"workflowId": "w2", "runId": "r2"}}
    stubber.add_response("list_open_workflow_executions", {"executionInfos": [info], "nextPageToken": "t1"})
    stubber.add_response("list_open_workflow_executions", {"executionInfos": [second]})
    executions = await WorkflowExecutionQuerySet("d", connection=connection).all()
    assert [e.workflow_id for e in executions] == ["w1", "w2"]


async def test_history_collects_every_page(stubbed) -> None:
    connection, stubber = stubbed
    now = datetime.now(timezone.utc)
    started = {
        "eventId": 1,
        "eventType": "WorkflowExecutionStarted",
        "eventTimestamp": now,
        "workflowExecutionStartedEventAttributes": {
            "childPolicy": "TERMINATE",
            "taskList": {"name": "tl"},
            "workflowType": {"name": "t", "version": "1"},
        },
    }
    scheduled = {
        "eventId": 2,
        "eventType": "DecisionTaskScheduled",
        "eventTimestamp": now,
        "decisionTaskScheduledEventAttributes": {"taskList": {"name": "tl"}},
    }
    stubber.add_response("get_workflow_execution_history", {"events": [started], "nextPageToken": "t1"})
    stubber.add_response("get_workflow_execution_history", {"events": [scheduled]})
    history = await WorkflowExecution("d", "w", "r", connection=connection).history()
    assert [event.id for event in history] == [1, 2]
    stubber.assert_no_pending_responses()
