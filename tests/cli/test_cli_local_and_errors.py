"""``aioswf local`` and what every failure prints: one line, ``aioswf: <what>: <how to fix it>``."""

from __future__ import annotations

import asyncio
import signal
import socket
from pathlib import Path

import pytest
from cli_process import AIOSWF, Runner, assert_one_line_error, clean_env, run_aioswf

EXPORT = "export AWS_ENDPOINT_URL_SWF="


async def test_local_prints_the_line_to_export_and_later_commands_reach_it(tmp_path: Path) -> None:
    env = clean_env(tmp_path)
    server = await asyncio.create_subprocess_exec(
        AIOSWF, "local", "--port", "0", "--poll-wait", "1", stdout=asyncio.subprocess.PIPE, env=env
    )
    assert server.stdout is not None
    try:
        printed = []
        while not any(line.startswith(EXPORT) for line in printed):
            line = (await asyncio.wait_for(server.stdout.readline(), 60)).decode()
            assert line, "aioswf local ended early"
            printed.append(line)
        export = next(line for line in printed if line.startswith(EXPORT)).strip()
        url = export.removeprefix(EXPORT)
        assert url.startswith("http://127.0.0.1:")
        assert f"listening on {url}" in printed[0]
        later = {**env, "AWS_ENDPOINT_URL_SWF": url}
        registered = await run_aioswf("domain", "register", "from-local", env=later)
        assert registered.code == 0, registered.err
        listed = await run_aioswf("domain", "list", env=later)
        assert listed.rows == [["from-local", "REGISTERED", "-"]]
    finally:
        server.send_signal(signal.SIGINT)
        rest, _ = await asyncio.wait_for(server.communicate(), 60)
    assert server.returncode == 0
    assert "stopped" in rest.decode()


async def test_a_busy_port_is_a_one_line_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = await run_aioswf("local", "--port", str(port), env=clean_env(tmp_path))
    assert_one_line_error(result, f"cannot listen on 127.0.0.1:{port}", "--port")


@pytest.mark.slow
async def test_failures_are_one_line_errors_that_say_how_to_fix_them(
    tmp_path: Path, aioswf_cli: Runner
) -> None:
    env = clean_env(tmp_path, AWS_EC2_METADATA_DISABLED="true")
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        unreachable = f"http://127.0.0.1:{closed.getsockname()[1]}"
    (
        no_credentials,
        no_region,
        no_server,
        no_profile,
        no_domain,
        bad_command,
        missing_argument,
    ) = await asyncio.gather(
        run_aioswf(
            "--endpoint-url", "https://swf.example.com", "--region", "eu-west-1", "domain", "list", env=env
        ),
        run_aioswf("domain", "list", env=env),
        run_aioswf("--endpoint-url", unreachable, "domain", "list", env=env),
        aioswf_cli("--profile", "nowhere", "domain", "list"),
        aioswf_cli("execution", "list"),
        aioswf_cli("domian", "list"),
        aioswf_cli("execution", "signal", "w1"),
    )
    assert_one_line_error(no_credentials, "no AWS credentials found", "AWS_ACCESS_KEY_ID", "--profile")
    assert_one_line_error(no_region, "no AWS region", "--region", "AWS_DEFAULT_REGION")
    assert_one_line_error(no_server, f"cannot reach {unreachable}", "aioswf local", "--endpoint-url")
    assert_one_line_error(no_profile, "AWS profile not found", "nowhere")
    assert_one_line_error(no_domain, "no domain given", "--domain", "AIOSWF_DOMAIN", code=2)
    assert_one_line_error(bad_command, "No such command 'domian'", "aioswf --help", code=2)
    assert_one_line_error(
        missing_argument, "Missing argument 'SIGNAL'", "aioswf execution signal --help", code=2
    )


async def test_debug_shows_the_traceback_then_the_one_line(aioswf_cli: Runner) -> None:
    result = await aioswf_cli("--debug", "domain", "show", "not-there")
    assert result.code == 1
    assert "Traceback (most recent call last)" in result.err
    assert "DomainDoesNotExist" in result.err
    assert result.err.strip().splitlines()[-1].startswith("aioswf: no such domain")
    assert "no region or credentials configured for the loopback endpoint" in result.err
