"""The README's command-line lines work as written, for a newcomer: no AWS variable, an empty HOME.

The first line (``aioswf local ...``) runs in the background as "shell 1"; the others run, verbatim,
in one bash as "shell 2". The README names port 8080, so runs of this test on one machine take turns
through a lock file.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import re
import signal
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_process import AIOSWF, BIN, clean_env

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def cli_lines() -> list[str]:
    section = README.split("### The `aioswf` command", 1)[1].split("\n### ", 1)[0]
    [block] = re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL)
    return [line for line in block.splitlines() if line.strip()]


@contextlib.contextmanager
def port_turn(port: int) -> Iterator[None]:
    """Waits for this machine's other runs of the test, then checks that nothing else holds the port."""
    with open(Path(tempfile.gettempdir()) / f"aioswf-readme-port-{port}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                pytest.fail(f"port {port}, which the README names, is taken by another program")
        yield


def test_the_readme_shows_the_three_first_commands() -> None:
    lines = cli_lines()
    commands = [line.split("#", 1)[0].strip() for line in lines]
    assert commands[0].startswith("aioswf local")
    assert commands[1].startswith("export AWS_ENDPOINT_URL_SWF=")
    assert sum(command.startswith("aioswf ") for command in commands) == 3


@pytest.mark.slow
async def test_the_readme_command_lines_work_verbatim_in_a_clean_environment(tmp_path: Path) -> None:
    first, *rest = cli_lines()
    port = int(re.search(r"--port (\d+)", first).group(1))  # type: ignore[union-attr]
    env = clean_env(tmp_path)
    assert AIOSWF.startswith(str(BIN))
    with port_turn(port):
        shell_1 = await asyncio.create_subprocess_exec(
            "bash", "-c", first, stdout=asyncio.subprocess.PIPE, env=env, start_new_session=True
        )
        assert shell_1.stdout is not None
        try:
            printed = ""
            while "export AWS_ENDPOINT_URL_SWF=" not in printed:
                line = (await asyncio.wait_for(shell_1.stdout.readline(), 60)).decode()
                assert line, f"{first!r} ended early"
                printed += line
            # The line the server tells to export is the README's.
            assert next(line for line in rest if line.startswith("export")).split("#")[0].strip() in printed
            shell_2 = await asyncio.create_subprocess_exec(
                "bash",
                "-e",
                "-c",
                "\n".join(rest),
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                env=env,
            )
            out, err = await asyncio.wait_for(shell_2.communicate(), 120)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(shell_1.pid, signal.SIGINT)  # shell 1's Ctrl-C
            await asyncio.wait_for(shell_1.communicate(), 60)
    assert shell_2.returncode == 0, err.decode()
    assert err == b"", err.decode()
    lines = out.decode().splitlines()
    assert lines[0].split("\t") == ["crawl", "REGISTERED", "7"]  # domain register
    assert lines[-1].split("\t")[:2] == ["crawl", "REGISTERED"]  # domain list
