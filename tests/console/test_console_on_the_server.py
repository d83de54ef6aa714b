"""The console on the local server itself: same host and port as SWF's protocol, and what is printed."""

from __future__ import annotations

import asyncio
import signal
import sys

import aiohttp
import pytest

from aioswf.local import LocalSWF


async def test_the_server_serves_the_console_beside_swfs_protocol(http: aiohttp.ClientSession) -> None:
    server = LocalSWF()
    with pytest.raises(RuntimeError):
        server.console_url  # noqa: B018 (the property raises while the server is not running)
    async with server as local:
        assert local.console_url == f"{local.endpoint_url}/"
        async with local.connection() as conn:
            await conn.call(
                "RegisterDomain", name="on-the-server", workflowExecutionRetentionPeriodInDays="1"
            )
        async with http.get(local.console_url) as page:
            assert page.status == 200
            assert page.content_type == "text/html"
            assert "Content-Security-Policy" in page.headers
        async with http.get(local.console_url + "console/api/domains") as answer:
            assert [d["name"] for d in (await answer.json())["domains"]] == ["on-the-server"]
        async with http.put(local.endpoint_url + "/") as refused:
            assert refused.status == 405


async def _first_lines(*command: str, until: str) -> tuple[list[str], asyncio.subprocess.Process]:
    process = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL
    )
    assert process.stdout is not None
    lines: list[str] = []
    while not any(until in line for line in lines):
        line = (await asyncio.wait_for(process.stdout.readline(), 60)).decode()
        if not line:
            break
        lines.append(line.rstrip("\n"))
    return lines, process


async def _stop(process: asyncio.subprocess.Process) -> str:
    process.send_signal(signal.SIGINT)
    rest, _ = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0
    return rest.decode()


@pytest.mark.slow
async def test_python_m_aioswf_local_prints_the_console_and_warns_on_a_public_address(
    http: aiohttp.ClientSession,
) -> None:
    lines, process = await _first_lines(
        sys.executable,
        "-m",
        "aioswf.local",
        "--host",
        "0.0.0.0",
        "--port",
        "0",
        "--poll-wait",
        "1",
        until="no authentication",
    )
    try:
        [url] = [line.removeprefix("web console: ") for line in lines if line.startswith("web console: ")]
        assert url.startswith("http://127.0.0.1:")
        assert url.endswith("/")
        [warning] = [line for line in lines if "no authentication" in line]
        assert "the console and the SWF API" in warning
        # On a public address the console answers whatever name the machine is reached by.
        async with http.get(url + "console/api/config", headers={"Host": "devbox.lan"}) as answer:
            assert answer.status == 200
    finally:
        assert "stopped" in await _stop(process)


@pytest.mark.slow
async def test_aioswf_local_prints_the_console_and_no_warning_on_loopback() -> None:
    lines, process = await _first_lines(
        sys.executable, "-m", "aioswf.cli", "local", "--port", "0", "--poll-wait", "1", until="web console: "
    )
    try:
        [url] = [line.removeprefix("web console: ") for line in lines if line.startswith("web console: ")]
        assert url.startswith("http://127.0.0.1:")
        assert not any("no authentication" in line for line in lines)
    finally:
        await _stop(process)
