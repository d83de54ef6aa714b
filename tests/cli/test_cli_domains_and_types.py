"""``aioswf domain ...`` and ``aioswf type ...``, run as processes against the local SWF server."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from cli_process import Runner, assert_one_line_error

import aioswf
from aioswf.models import WorkflowType
from aioswf.querysets import DomainQuerySet

# Each test runs the command several times, as processes (about 0.5 s of CPU each).
pytestmark = pytest.mark.slow


def fresh(prefix: str = "d") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


async def test_a_domain_is_registered_shown_deprecated_and_undeprecated(
    aioswf_cli: Runner, cli_conn: aioswf.Connection
) -> None:
    name = fresh()
    registered = await aioswf_cli("domain", "register", name, "--retention", "7", "--description", "a b")
    assert registered.code == 0, registered.err
    assert registered.rows == [[name, "REGISTERED", "7"]]
    shown = await aioswf_cli("domain", "show", name, "-o", "json")
    [detail] = shown.json()
    assert detail["name"] == name
    assert detail["retention_days"] == 7
    assert detail["description"] == "a b"
    assert detail["arn"].endswith(f"/domain/{name}")
    assert (await aioswf_cli("domain", "deprecate", name)).code == 0
    listed, deprecated = await asyncio.gather(
        aioswf_cli("domain", "list"), aioswf_cli("domain", "list", "--deprecated", "-o", "json")
    )
    assert name not in [row[0] for row in listed.rows]
    assert name in [item["name"] for item in deprecated.json()]
    assert (await aioswf_cli("domain", "undeprecate", name)).code == 0
    assert (await DomainQuerySet(connection=cli_conn).get(name)).status == "REGISTERED"


async def test_a_domain_name_can_come_from_the_domain_option_or_its_variable(aioswf_cli: Runner) -> None:
    name = fresh()
    assert (await aioswf_cli("--domain", name, "domain", "register")).code == 0
    shown = await aioswf_cli("domain", "show", env={"AIOSWF_DOMAIN": name})
    assert shown.rows[0][:2] == [name, "REGISTERED"]


async def test_a_domain_that_exists_or_does_not_is_a_one_line_error(
    aioswf_cli: Runner, cli_domain: str
) -> None:
    again, missing = await asyncio.gather(
        aioswf_cli("domain", "register", cli_domain), aioswf_cli("domain", "show", "nowhere-to-be-seen")
    )
    assert_one_line_error(again, "exists already", "DomainAlreadyExistsFault")
    assert_one_line_error(missing, "no such domain", "aioswf domain list")


async def test_workflow_and_activity_types_are_registered_listed_and_shown(
    aioswf_cli: Runner, cli_domain: str
) -> None:
    workflow, activity = await asyncio.gather(
        aioswf_cli(
            "-d",
            cli_domain,
            "type",
            "register",
            "index",
            "2",
            "--task-list",
            "decide",
            "--execution-timeout",
            "1h",
            "--decision-timeout",
            "NONE",
            "--child-policy",
            "ABANDON",
        ),
        aioswf_cli(
            "type",
            "register",
            "fetch",
            "1",
            "--activity",
            "--domain",
            cli_domain,
            "--task-list",
            "fetches",
            "--start-to-close",
            "5m",
            "--heartbeat",
            "30",
        ),
    )
    assert workflow.rows == [["workflow", "index", "2", "REGISTERED"]], workflow.err
    assert activity.rows == [["activity", "fetch", "1", "REGISTERED"]], activity.err
    workflows, activities, shown, shown_activity = await asyncio.gather(
        aioswf_cli("-d", cli_domain, "type", "list"),
        aioswf_cli("-d", cli_domain, "type", "list", "--activity", "-o", "json"),
        aioswf_cli("-d", cli_domain, "type", "show", "index", "2", "-o", "json"),
        aioswf_cli("-d", cli_domain, "type", "show", "fetch", "1", "--activity", "-o", "json"),
    )
    assert [row[:3] for row in workflows.rows] == [["crawl", "1", "REGISTERED"], ["index", "2", "REGISTERED"]]
    assert [(item["name"], item["version"]) for item in activities.json()] == [("fetch", "1")]
    [index] = shown.json()
    assert (
        index["task_list"],
        index["execution_timeout"],
        index["decision_timeout"],
        index["child_policy"],
    ) == (
        "decide",
        "3600",
        "NONE",
        "ABANDON",
    )
    [fetch] = shown_activity.json()
    assert (fetch["kind"], fetch["start_to_close_timeout"], fetch["heartbeat_timeout"]) == (
        "activity",
        "300",
        "30",
    )


async def test_a_type_is_deprecated_undeprecated_and_deleted(
    aioswf_cli: Runner, cli_domain: str, cli_conn: aioswf.Connection
) -> None:
    base = ("-d", cli_domain, "type")
    assert_one_line_error(await aioswf_cli(*base, "delete", "crawl", "1"), "not deprecated", "type deprecate")
    crawl = WorkflowType(cli_domain, "crawl", "1", connection=cli_conn)
    assert (await aioswf_cli(*base, "deprecate", "crawl", "1")).code == 0
    assert (await crawl.upstream()).status == "DEPRECATED"
    assert (await aioswf_cli(*base, "undeprecate", "crawl", "1")).code == 0
    assert (await crawl.upstream()).status == "REGISTERED"
    assert (await aioswf_cli(*base, "deprecate", "crawl", "1")).code == 0
    assert (await aioswf_cli(*base, "delete", "crawl", "1")).code == 0
    assert not await crawl.exists()


async def test_an_option_of_the_other_kind_of_type_is_refused_before_any_request(
    aioswf_cli: Runner, cli_domain: str, cli_conn: aioswf.Connection
) -> None:
    result = await aioswf_cli(
        "-d", cli_domain, "type", "register", "x", "1", "--activity", "--child-policy", "ABANDON"
    )
    assert_one_line_error(result, "--child-policy does not apply to an activity type", code=2)
    listed = await aioswf_cli("-d", cli_domain, "type", "list", "--activity")
    assert listed.out == ""


async def test_a_bad_timeout_is_a_usage_error(aioswf_cli: Runner, cli_domain: str) -> None:
    result = await aioswf_cli("-d", cli_domain, "type", "register", "x", "1", "--execution-timeout", "soon")
    assert_one_line_error(result, "--execution-timeout", "soon", "aioswf type register --help", code=2)
