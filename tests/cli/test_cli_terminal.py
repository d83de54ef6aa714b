"""On a terminal: aligned tables with headers, local times, progress for waits and long listings; help
and shell completion."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import click
from cli_process import Runner, SWFProxy, Terminal, run_aioswf

import aioswf
from aioswf.cli import cli


async def start(conn: aioswf.Connection, domain: str, workflow_id: str) -> str:
    response = await conn.call(
        "StartWorkflowExecution",
        domain=domain,
        workflowId=workflow_id,
        workflowType={"name": "crawl", "version": "1"},
    )
    return str(response["runId"])


def terminal_env(env: dict[str, str], **extra: str) -> dict[str, str]:
    return {**env, "TERM": "xterm", **extra}


async def test_a_terminal_gets_an_aligned_table_with_headers_in_local_time(
    cli_env: dict[str, str], cli_domain: str, cli_conn: aioswf.Connection
) -> None:
    run_id = await start(cli_conn, cli_domain, "on-a-terminal")
    env = terminal_env(cli_env, TZ="JST-9")  # nine hours east of UTC, without a time zone database
    shown = await (await Terminal().start("-d", cli_domain, "execution", "list", env=env)).finish()
    as_json = await run_aioswf("-d", cli_domain, "-o", "json", "execution", "list", env=env)
    assert shown.code == 0, shown.err
    header, row = shown.out.splitlines()
    assert header.split() == ["WORKFLOW", "ID", "RUN", "ID", "TYPE", "STATUS", "STARTED", "CLOSED"]
    assert row.index(run_id) == header.index("RUN ID")
    assert row.index("crawl/1") == header.index("TYPE")
    started = datetime.fromisoformat(as_json.json()[0]["started"])
    local = (started.replace(tzinfo=None) + timedelta(hours=9)).strftime("%Y-%m-%d %H:%M:%S")
    assert row[header.index("STARTED") :].startswith(local)
    assert shown.err == ""  # a short listing shows no progress


async def test_wait_shows_progress_on_a_terminal(
    cli_env: dict[str, str], cli_domain: str, cli_conn: aioswf.Connection
) -> None:
    await start(cli_conn, cli_domain, "watched")
    terminal = await Terminal().start(
        "-d", cli_domain, "execution", "wait", "watched", env=terminal_env(cli_env)
    )
    await terminal.wait_for("err", "waiting for watched")
    await cli_conn.call("TerminateWorkflowExecution", domain=cli_domain, workflowId="watched")
    result = await terminal.finish()
    assert result.code == 3
    assert "still open" in result.err
    assert result.err.endswith("\x1b[2K")  # the progress line is erased before the outcome prints
    assert "close_status  TERMINATED" in result.out


async def test_a_long_listing_shows_progress_on_a_terminal_until_its_table_prints(
    cli_env: dict[str, str], cli_domain: str, cli_conn: aioswf.Connection
) -> None:
    for number in range(3):
        await start(cli_conn, cli_domain, f"long-{number}")
    async with SWFProxy(cli_env["AWS_ENDPOINT_URL_SWF"]) as proxy:
        second_page = proxy.hold("ListOpenWorkflowExecutions", after=1)
        env = terminal_env(cli_env, AWS_ENDPOINT_URL_SWF=proxy.url)
        terminal = await Terminal().start("-d", cli_domain, "execution", "list", "--page-size", "1", env=env)
        await terminal.wait_for("err", "listing executions: 1 so far")
        assert terminal.out == ""
        second_page.set()
        result = await terminal.finish()
    assert result.code == 0
    assert len(result.out.splitlines()) == 1 + 3
    assert result.err.endswith("\x1b[2K")


def all_commands(
    group: click.Group, path: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], click.Command]]:
    found = []
    for name, command in group.commands.items():
        if command.hidden:
            continue
        found.append(((*path, name), command))
        if isinstance(command, click.Group):
            found.extend(all_commands(command, (*path, name)))
    return found


def test_every_command_has_help_with_an_example_and_every_option_a_description() -> None:
    commands = all_commands(cli)
    assert {" ".join(path) for path, _ in commands} == {
        *(f"domain {verb}" for verb in ("list", "show", "register", "deprecate", "undeprecate")),
        *(f"type {verb}" for verb in ("list", "show", "register", "deprecate", "undeprecate", "delete")),
        *(
            f"execution {verb}"
            for verb in (
                "list",
                "show",
                "history",
                "start",
                "signal",
                "cancel",
                "terminate",
                "wait",
                "restart",
            )
        ),
        *("domain", "type", "execution", "worker", "replay", "local", "completion"),
    }
    for path, command in commands:
        ctx = click.Context(command, info_name=" ".join(path))
        text = command.get_help(ctx)
        if not isinstance(command, click.Group):
            assert "Example" in text, f"aioswf {' '.join(path)} --help has no example"
        for param in command.params:
            if isinstance(param, click.Option) and not param.hidden:
                assert param.help, f"aioswf {' '.join(path)} {param.opts[0]} has no description"


async def test_help_runs_for_commands_and_names_the_environment_variables(aioswf_cli: Runner) -> None:
    root, listing = await asyncio.gather(aioswf_cli("--help"), aioswf_cli("execution", "list", "--help"))
    assert root.code == listing.code == 0
    for variable in ("AWS_ENDPOINT_URL_SWF", "AWS_DEFAULT_REGION", "AIOSWF_DOMAIN", "AWS_PROFILE"):
        assert variable in root.out
    assert "Examples:" in listing.out
    assert "--close-status" in listing.out


async def test_bash_and_zsh_completion_scripts_print_and_complete(aioswf_cli: Runner) -> None:
    bash, zsh, completed = await asyncio.gather(
        aioswf_cli("completion", "bash"),
        aioswf_cli("completion", "zsh"),
        aioswf_cli(
            env={"_AIOSWF_COMPLETE": "bash_complete", "COMP_WORDS": "aioswf execution re", "COMP_CWORD": "2"}
        ),
    )
    assert bash.code == zsh.code == 0
    assert "_AIOSWF_COMPLETE=bash_complete" in bash.out
    assert "#compdef aioswf" in zsh.out
    assert completed.code == 0
    assert "restart" in completed.out
