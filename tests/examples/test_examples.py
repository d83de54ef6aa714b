"""The examples run for real: the quickstart as a process, the apps through their lifecycle over HTTP."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import anyio
import httpx
import pytest
from aiohttp import web

from aioswf.actors import ActorState

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def load(name: str) -> ModuleType:
    """Imports an example by file name (the examples are scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(f"aioswf_example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def greet_over_http(client: httpx.AsyncClient, name: str) -> dict[str, str | None]:
    """Starts an execution through the app, then follows its state until it closes."""
    started = await client.post("/executions", json={"name": name})
    assert started.status_code == 201, started.text
    ids = started.json()
    with anyio.fail_after(20):
        while True:
            state = await client.get(f"/executions/{ids['workflow_id']}/{ids['run_id']}")
            assert state.status_code == 200, state.text
            if state.json()["status"] == "CLOSED":
                return dict(state.json())
            await anyio.sleep(0.05)


@pytest.mark.slow
def test_the_quickstart_runs_executions_to_completion_on_a_local_server() -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_ENDPOINT_URL")}
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "quickstart.py"), "--executions", "4"],
        capture_output=True,
        text=True,
        timeout=90,
        env=env,
        check=False,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert "a local SWF server" in done.stdout
    for name in ("ADA", "GRACE", "ALAN", "BARBARA"):
        assert f"COMPLETED HELLO, {name}!" in done.stdout
    assert "4 of 4 executions completed" in done.stdout


async def test_the_aiohttp_app_starts_and_stops_its_actors_and_serves_executions() -> None:
    example = load("aiohttp_app")
    app = example.create_app()
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        actors = app[example.ACTORS]
        assert [actor.state for actor in actors] == [ActorState.RUNNING, ActorState.RUNNING]
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            state = await greet_over_http(client, "Ada")
            missing = await client.get("/executions/nope/nope")
    finally:
        await runner.cleanup()

    assert state == {"status": "CLOSED", "close_status": "COMPLETED", "result": "Hello, Ada!"}
    assert missing.status_code == 404
    assert [actor.state for actor in actors] == [ActorState.STOPPED, ActorState.STOPPED]


async def test_the_fastapi_app_starts_and_stops_its_actors_with_its_lifespan() -> None:
    import uvicorn

    example = load("fastapi_app")
    server = uvicorn.Server(
        uvicorn.Config(example.app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    )
    serving = asyncio.create_task(server.serve())
    try:
        with anyio.fail_after(20):
            while not server.started:  # noqa: ASYNC110 - uvicorn offers a flag, not an event
                await anyio.sleep(0.02)
        port = server.servers[0].sockets[0].getsockname()[1]
        actors = example.app.state.actors
        assert [actor.state for actor in actors] == [ActorState.RUNNING, ActorState.RUNNING]
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            state = await greet_over_http(client, "Grace")
            missing = await client.get("/executions/nope/nope")
    finally:
        server.should_exit = True
        await serving

    assert state == {"status": "CLOSED", "close_status": "COMPLETED", "result": "Hello, Grace!"}
    assert missing.status_code == 404
    assert [actor.state for actor in actors] == [ActorState.STOPPED, ActorState.STOPPED]
