"""Querysets against a real server: get, get_or_create, create, all and filter."""

from __future__ import annotations

import asyncio

import pytest

from aioswf import constants
from aioswf.exceptions import ActivityTypeDoesNotExist, DomainDoesNotExist, WorkflowTypeDoesNotExist
from aioswf.models import ActivityType, Domain, WorkflowType
from aioswf.querysets import (
    ActivityTypeQuerySet,
    DomainQuerySet,
    Query,
    WorkflowExecutionQuerySet,
    WorkflowTypeQuerySet,
)


@pytest.fixture
async def domain(conn, name) -> Domain:
    return await DomainQuerySet().create(name("dom"), retention_period=2)


async def test_create_registers_and_returns_the_upstream_domain(conn, name) -> None:
    created = await DomainQuerySet().create(name("dom"), description="desc", retention_period=5)
    assert (created.description, created.retention_period, created.status) == (
        "desc",
        5,
        constants.REGISTERED,
    )


async def test_get_fetches_a_domain_and_raises_for_a_missing_one(domain: Domain) -> None:
    assert await DomainQuerySet().get(domain.name) == domain
    with pytest.raises(DomainDoesNotExist):
        await DomainQuerySet().get("not-" + domain.name)


async def test_get_or_create_creates_once_then_gets(conn, name) -> None:
    domain_name = name("dom")
    first = await DomainQuerySet().get_or_create(domain_name, retention_period=4)
    second = await DomainQuerySet().get_or_create(domain_name, retention_period=9)
    assert first == second
    assert second.retention_period == 4


async def test_get_or_create_is_race_safe(conn, name) -> None:
    domain_name = name("dom")
    results = await asyncio.gather(
        *(DomainQuerySet().get_or_create(domain_name, retention_period=1) for _ in range(5))
    )
    assert {domain.name for domain in results} == {domain_name}


async def test_all_lists_registered_domains_and_filter_deprecated_ones(conn, name) -> None:
    kept = await DomainQuerySet().create(name("keep"), retention_period=1)
    gone = await DomainQuerySet().create(name("gone"), retention_period=1)
    await gone.delete()
    registered = {domain.name async for domain in DomainQuerySet().all()}
    deprecated = {domain.name for domain in await DomainQuerySet().filter(constants.DEPRECATED)}
    assert kept.name in registered
    assert gone.name not in registered
    assert deprecated == {gone.name}


async def test_a_query_sends_nothing_until_iterated(conn, sent) -> None:
    query = DomainQuerySet().all()
    assert isinstance(query, Query)
    assert len(sent) == 0
    await query
    assert sent.operations == ["ListDomains"]


async def test_a_query_can_be_iterated_again(domain: Domain) -> None:
    query = DomainQuerySet().all()
    assert await query == await query


async def test_limit_stops_the_listing(conn, name) -> None:
    for _ in range(3):
        await DomainQuerySet().create(name("dom"), retention_period=1)
    assert len(await DomainQuerySet().all(limit=2)) == 2
    assert await DomainQuerySet().all(limit=0) == []


@pytest.mark.local_only("moto's bug: ListWorkflowTypes ignores its name filter")
async def test_workflow_types_get_create_and_filter(domain: Domain, name) -> None:
    queryset = WorkflowTypeQuerySet(domain)
    created = await queryset.create(name("wf"), "1", task_list="tl", execution_timeout=60)
    await queryset.create(created.name, "2", task_list="tl")
    other = await queryset.create(name("other"), "1")
    fetched = await queryset.get(created.name, "1")
    assert (fetched.task_list, fetched.execution_timeout) == ("tl", "60")
    versions = sorted(wt.version for wt in await queryset.filter(name=created.name))
    assert versions == ["1", "2"]
    assert {wt.name async for wt in queryset} == {created.name, other.name}
    with pytest.raises(WorkflowTypeDoesNotExist):
        await queryset.get(created.name, "3")


async def test_workflow_type_get_or_create_uses_name_and_version_only(domain: Domain, name) -> None:
    queryset = WorkflowTypeQuerySet(domain)
    first = await queryset.get_or_create(name("wf"), "1", task_list="first")
    again = await queryset.get_or_create(first.name, "1", task_list="second")
    assert again.task_list == "first"


async def test_listed_types_leave_their_configuration_unknown_yet_stay_synced(domain: Domain, name) -> None:
    await WorkflowType(domain, name("wf"), "1", task_list="tl").save()
    [listed] = await WorkflowTypeQuerySet(domain).all()
    assert listed.task_list is None
    assert await listed.is_synced() is True


async def test_deprecated_workflow_types_are_filtered_by_status(domain: Domain, name) -> None:
    workflow_type = await WorkflowType(domain, name("wf"), "1").save()
    await workflow_type.delete()
    assert await WorkflowTypeQuerySet(domain).all() == []
    [deprecated] = await WorkflowTypeQuerySet(domain).all(constants.DEPRECATED)
    assert deprecated.name == workflow_type.name


async def test_activity_types_get_create_and_filter(domain: Domain, name) -> None:
    queryset = ActivityTypeQuerySet(domain)
    created = await queryset.get_or_create(name("act"), "1", task_list="work", task_heartbeat_timeout=10)
    assert (created.task_list, created.task_heartbeat_timeout) == ("work", "10")
    assert [at.name async for at in queryset.filter(name=created.name)] == [created.name]
    assert isinstance((await queryset.all())[0], ActivityType)
    with pytest.raises(ActivityTypeDoesNotExist):
        await queryset.get(created.name, "9")


@pytest.mark.local_only("moto's bug: ListOpenWorkflowExecutions ignores executionFilter")
async def test_executions_are_listed_and_filtered(domain: Domain, name) -> None:
    workflow_type = await WorkflowType(domain, name("wf"), "1", task_list="tl").save()
    tagged = await workflow_type.start_execution(tag_list=["blue"])
    plain = await workflow_type.start_execution()
    queryset = WorkflowExecutionQuerySet(domain)
    assert {e.workflow_id async for e in queryset.all()} == {tagged.workflow_id, plain.workflow_id}
    assert [e.workflow_id for e in await queryset.filter(tag="blue")] == [tagged.workflow_id]
    assert [e.run_id for e in await queryset.filter(workflow_id=plain.workflow_id)] == [plain.run_id]
    by_type = await queryset.filter(workflow_type_name=workflow_type.name, workflow_type_version="1")
    assert len(by_type) == 2
    fetched = await queryset.get(plain.workflow_id, plain.run_id)
    assert fetched.workflow_type is not None
    assert fetched.workflow_type.name == workflow_type.name


@pytest.mark.local_only("moto's bug: ListClosedWorkflowExecutions returns nothing for a closeStatusFilter")
async def test_closed_executions_are_filtered_by_close_status(domain: Domain, name) -> None:
    workflow_type = await WorkflowType(domain, name("wf"), "1", task_list="tl").save()
    terminated = await workflow_type.start_execution()
    await workflow_type.start_execution()
    await terminated.terminate()
    queryset = WorkflowExecutionQuerySet(domain)
    closed = await queryset.filter(status=constants.CLOSED, close_status=constants.TERMINATED)
    assert [e.workflow_id for e in closed] == [terminated.workflow_id]
    assert closed[0].close_status == constants.TERMINATED
    assert len(await queryset.filter(status=constants.CLOSED, close_oldest_date=1)) == 1
    assert len(await queryset.filter(status=constants.OPEN)) == 1


async def test_execution_filters_become_swf_parameters() -> None:
    query = WorkflowExecutionQuerySet("d").filter(
        status=constants.CLOSED, close_status=constants.FAILED, close_oldest_date=3, close_latest_date=1
    )
    assert query.operation == "ListClosedWorkflowExecutions"
    params = query.params
    assert params["closeStatusFilter"] == {"status": "FAILED"}
    assert params["closeTimeFilter"]["oldestDate"] < params["closeTimeFilter"]["latestDate"]
    assert "startTimeFilter" not in params
    open_query = WorkflowExecutionQuerySet("d").filter(workflow_type_name="n", workflow_type_version="v")
    assert open_query.operation == "ListOpenWorkflowExecutions"
    assert open_query.params["typeFilter"] == {"name": "n", "version": "v"}
    assert "oldestDate" in open_query.params["startTimeFilter"]
