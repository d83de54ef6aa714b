"""Domains, types and tags: registration, deprecation, listing with pagination, and their faults."""

from __future__ import annotations

from typing import Any

import pytest
from swf_scenario import unique


async def _domain(client: Any, **extra: Any) -> str:
    name = unique("dom")
    await client.register_domain(name=name, workflowExecutionRetentionPeriodInDays="3", **extra)
    return name


async def test_a_domain_is_described_as_registered(client: Any) -> None:
    name = await _domain(client, description="about")
    described = await client.describe_domain(name=name)
    assert described["domainInfo"]["status"] == "REGISTERED"
    assert described["domainInfo"]["description"] == "about"
    assert described["domainInfo"]["arn"].endswith(f":/domain/{name}")
    assert described["configuration"] == {"workflowExecutionRetentionPeriodInDays": "3"}


async def test_a_domain_is_deprecated_and_undeprecated(client: Any) -> None:
    name = await _domain(client)
    await client.deprecate_domain(name=name)
    with pytest.raises(client.exceptions.DomainDeprecatedFault):
        await client.deprecate_domain(name=name)
    deprecated = await client.list_domains(registrationStatus="DEPRECATED")
    assert name in [d["name"] for d in deprecated["domainInfos"]]
    await client.undeprecate_domain(name=name)
    with pytest.raises(client.exceptions.DomainAlreadyExistsFault):
        await client.undeprecate_domain(name=name)


async def test_domains_are_listed_by_name_in_pages_and_in_reverse(client: Any) -> None:
    for _ in range(5):
        await _domain(client)
    everything = (await client.list_domains(registrationStatus="REGISTERED"))["domainInfos"]
    names = [d["name"] for d in everything]
    assert names == sorted(names)
    pages, token = [], None
    while True:
        extra = {"nextPageToken": token} if token else {}
        page = await client.list_domains(registrationStatus="REGISTERED", maximumPageSize=2, **extra)
        assert len(page["domainInfos"]) <= 2
        pages.extend(d["name"] for d in page["domainInfos"])
        token = page.get("nextPageToken")
        if not token:
            break
    assert pages == names
    reverse = await client.list_domains(registrationStatus="REGISTERED", reverseOrder=True)
    assert [d["name"] for d in reverse["domainInfos"]] == names[::-1]


async def test_a_foreign_page_token_is_refused(client: Any) -> None:
    domain = await _domain(client)
    for version in "123":
        await client.register_activity_type(domain=domain, name="a", version=version)
    page = await client.list_activity_types(domain=domain, registrationStatus="REGISTERED", maximumPageSize=1)
    with pytest.raises(client.exceptions.ClientError) as caught:
        await client.list_domains(registrationStatus="REGISTERED", nextPageToken=page["nextPageToken"])
    assert caught.value.response["Error"]["Code"] == "ValidationException"


@pytest.mark.parametrize("kind", ["workflow", "activity"])
async def test_a_type_lives_registered_deprecated_undeprecated_and_deleted(client: Any, kind: str) -> None:
    domain = await _domain(client)
    title = kind.capitalize()
    register = getattr(client, f"register_{kind}_type")
    await register(domain=domain, name="t", version="1", description="d", defaultTaskList={"name": "tl"})
    with pytest.raises(client.exceptions.TypeAlreadyExistsFault):
        await register(domain=domain, name="t", version="1")
    ref = {f"{kind}Type": {"name": "t", "version": "1"}}
    described = await getattr(client, f"describe_{kind}_type")(domain=domain, **ref)
    assert described["typeInfo"]["status"] == "REGISTERED"
    assert described["configuration"]["defaultTaskList"] == {"name": "tl"}
    with pytest.raises(client.exceptions.TypeNotDeprecatedFault):
        await getattr(client, f"delete_{kind}_type")(domain=domain, **ref)
    await getattr(client, f"deprecate_{kind}_type")(domain=domain, **ref)
    with pytest.raises(client.exceptions.TypeDeprecatedFault):
        await getattr(client, f"deprecate_{kind}_type")(domain=domain, **ref)
    listed = await getattr(client, f"list_{kind}_types")(domain=domain, registrationStatus="DEPRECATED")
    assert listed["typeInfos"][0][f"{kind}Type"] == {"name": "t", "version": "1"}
    assert "deprecationDate" in listed["typeInfos"][0]
    await getattr(client, f"undeprecate_{kind}_type")(domain=domain, **ref)
    with pytest.raises(client.exceptions.TypeAlreadyExistsFault):
        await getattr(client, f"undeprecate_{kind}_type")(domain=domain, **ref)
    await getattr(client, f"deprecate_{kind}_type")(domain=domain, **ref)
    await getattr(client, f"delete_{kind}_type")(domain=domain, **ref)
    with pytest.raises(client.exceptions.UnknownResourceFault):
        await getattr(client, f"describe_{kind}_type")(domain=domain, **ref)
    assert title


async def test_types_are_listed_by_name_filtered_and_paged(client: Any) -> None:
    domain = await _domain(client)
    for name in ("b", "a", "c"):
        for version in ("2", "1"):
            await client.register_workflow_type(domain=domain, name=name, version=version)
    listed = await client.list_workflow_types(domain=domain, registrationStatus="REGISTERED")
    refs = [(t["workflowType"]["name"], t["workflowType"]["version"]) for t in listed["typeInfos"]]
    assert refs == sorted(refs)
    only_b = await client.list_workflow_types(domain=domain, registrationStatus="REGISTERED", name="b")
    assert {t["workflowType"]["version"] for t in only_b["typeInfos"]} == {"1", "2"}
    first = await client.list_workflow_types(
        domain=domain, registrationStatus="REGISTERED", maximumPageSize=4
    )
    second = await client.list_workflow_types(
        domain=domain,
        registrationStatus="REGISTERED",
        maximumPageSize=4,
        nextPageToken=first["nextPageToken"],
    )
    assert len(first["typeInfos"]) == 4
    assert len(second["typeInfos"]) == 2
    assert "nextPageToken" not in second


async def test_a_type_cannot_be_registered_in_an_unknown_domain(client: Any) -> None:
    with pytest.raises(client.exceptions.UnknownResourceFault):
        await client.register_activity_type(domain=unique("missing"), name="a", version="1")


async def test_domains_are_tagged_untagged_and_limited_to_50_tags(client: Any) -> None:
    domain = await _domain(client, tags=[{"key": "team", "value": "core"}])
    arn = (await client.describe_domain(name=domain))["domainInfo"]["arn"]
    await client.tag_resource(resourceArn=arn, tags=[{"key": "env", "value": "test"}])
    tags = (await client.list_tags_for_resource(resourceArn=arn))["tags"]
    assert {t["key"]: t["value"] for t in tags} == {"team": "core", "env": "test"}
    await client.untag_resource(resourceArn=arn, tagKeys=["team"])
    assert (await client.list_tags_for_resource(resourceArn=arn))["tags"] == [{"key": "env", "value": "test"}]
    with pytest.raises(client.exceptions.TooManyTagsFault):
        await client.tag_resource(resourceArn=arn, tags=[{"key": f"k{i}", "value": "v"} for i in range(50)])
    with pytest.raises(client.exceptions.UnknownResourceFault):
        await client.list_tags_for_resource(resourceArn=arn + "-missing")


async def test_a_deprecated_domain_takes_no_new_types_or_executions(client: Any) -> None:
    domain = await _domain(client)
    await client.register_workflow_type(
        domain=domain,
        name="w",
        version="1",
        defaultTaskList={"name": "t"},
        defaultChildPolicy="ABANDON",
        defaultExecutionStartToCloseTimeout="60",
        defaultTaskStartToCloseTimeout="10",
    )
    await client.deprecate_domain(name=domain)
    with pytest.raises(client.exceptions.DomainDeprecatedFault):
        await client.register_activity_type(domain=domain, name="a", version="1")
    with pytest.raises(client.exceptions.DomainDeprecatedFault):
        await client.start_workflow_execution(
            domain=domain, workflowId="x", workflowType={"name": "w", "version": "1"}
        )


async def test_an_execution_timeout_default_cannot_be_none(client: Any) -> None:
    domain = await _domain(client)
    with pytest.raises(client.exceptions.ClientError) as caught:
        await client.register_workflow_type(
            domain=domain, name="w", version="1", defaultExecutionStartToCloseTimeout="NONE"
        )
    assert caught.value.response["Error"]["Code"] == "ValidationException"
