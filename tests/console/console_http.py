"""HTTP helpers of the console's JSON tests: URLs, GETs and POSTs that check the status, listings."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import aiohttp
from console_harness import Console
from yarl import URL

from aioswf.local.console import ACTION_HEADER

Json = dict[str, Any]
ACTION = {ACTION_HEADER: "1"}


def run_path(console: Console, ref: Json) -> str:
    domain = console.scenario.domain
    return f"/domains/{quote(domain, safe='')}/executions/{quote(ref['workflowId'], safe='')}/{quote(ref['runId'], safe='')}"


def api_url(console: Console, path: str, params: Json | None = None) -> URL:
    url = URL(console.url + "/console/api" + path, encoded=True)
    return url.update_query(params) if params else url


async def get(
    http: aiohttp.ClientSession, console: Console, path: str, expect: int = 200, **params: Any
) -> Any:
    async with http.get(api_url(console, path, params)) as response:
        body = await response.json()
        assert response.status == expect, body
        return body


async def post(
    http: aiohttp.ClientSession,
    console: Console,
    path: str,
    body: Json,
    expect: int = 200,
    headers: dict[str, str] | None = None,
) -> Any:
    async with http.post(
        api_url(console, path), json=body, headers=ACTION if headers is None else headers
    ) as response:
        answer = await response.json()
        assert response.status == expect, answer
        return answer


async def listing(http: aiohttp.ClientSession, console: Console, **params: Any) -> list[str]:
    """Every workflow id the listing shows, following its cursor to the end."""
    ids: list[str] = []
    cursor = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        page = await get(http, console, f"/domains/{console.scenario.domain}/executions", **query)
        ids += [info["execution"]["workflowId"] for info in page["executions"]]
        cursor = page["nextCursor"]
        if cursor is None:
            return ids


async def populate(console: Console) -> dict[str, Json]:
    """The scenario's eight executions (see `Scenario.populate`)."""
    return await console.scenario.populate()


def start_of(made: dict[str, Json], console: Console, name: str) -> float:
    execution = console.local.engine.domains[console.scenario.domain].runs[(name, made[name]["runId"])]
    return execution.start


async def history_types(http: aiohttp.ClientSession, console: Console, ref: Json) -> list[str]:
    page = await get(http, console, run_path(console, ref) + "/history", size=1000)
    return [event["eventType"] for event in page["events"]]
