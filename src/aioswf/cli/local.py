"""``aioswf local``: run the local SWF server (`aioswf.local.LocalSWF`) until Ctrl-C.

It prints the line to export in other shells, so that every later command reaches it: aioswf's and any
other SWF client that reads ``AWS_ENDPOINT_URL_SWF`` (boto3, the AWS CLI). Against a loopback endpoint
aioswf needs no region and no keys (see `aioswf.credentials`).
"""

from __future__ import annotations

import logging
import sys

import click

from aioswf.cli.errors import CommandError
from aioswf.cli.invocation import as_duration, run_async
from aioswf.local.console.serving import exposure_warning, reachable_url
from aioswf.local.runner import LocalSWF, serve_until_stopped
from aioswf.local.store import SYNCHRONOUS, DataDirError, StoreWriteError, Synchronous

__all__ = ["local", "reachable_url"]


async def _serve(
    host: str,
    port: int,
    poll_wait: float,
    region: str,
    check_responses: bool,
    data_dir: str | None = None,
    synchronous: Synchronous = "normal",
) -> None:
    server = LocalSWF(
        host=host,
        port=port,
        poll_wait=poll_wait,
        region=region,
        check_responses=check_responses or None,
        data_dir=data_dir,
        synchronous=synchronous,
    )

    def announce(server: LocalSWF) -> None:
        url = reachable_url(host, server.port)
        click.echo(f"aioswf local SWF server listening on {url} (Ctrl-C to stop)")
        click.echo(f"web console: {server.console_url}")
        if data_dir is not None:
            click.echo(f"data directory: {data_dir}")
        warning = exposure_warning(host)
        if warning is not None:
            click.echo(warning)
        click.echo("In another shell, point aioswf (and boto3, the AWS CLI) at it:")
        click.echo(f"export AWS_ENDPOINT_URL_SWF={url}")
        sys.stdout.flush()

    try:
        await serve_until_stopped(server, announce)
    except StoreWriteError as error:
        raise CommandError(str(error), "the state up to the failure is kept; restart the server") from error
    except DataDirError as error:
        raise CommandError(
            str(error), "see 'State that survives a restart' in docs/local-server.md"
        ) from error
    except OSError as error:
        raise CommandError(
            f"cannot listen on {host}:{port}: {error.strerror or error}",
            "is another server on that port? choose another with --port (0 picks a free one)",
        ) from error
    click.echo("aioswf local SWF server stopped")


@click.command("local")
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8080,
    show_default=True,
    help="The port, 0 for a free one.",
)
@click.option(
    "--poll-wait",
    callback=as_duration,
    default=60.0,
    show_default=True,
    metavar="SECONDS",
    help="How long a long poll waits for a task (SWF's is 60 s).",
)
@click.option(
    "--region", "server_region", default="us-east-1", show_default=True, help="The region in domain ARNs."
)
@click.option("--check-responses", is_flag=True, help="Check every response against SWF's model.")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False),
    default=None,
    metavar="DIR",
    help="Keep the state in DIR (created if missing), so that it survives a restart.",
)
@click.option(
    "--synchronous",
    type=click.Choice(SYNCHRONOUS),
    default="normal",
    show_default=True,
    help="With --data-dir: normal survives the server being killed, full a power cut too (slower).",
)
@click.option("-v", "--verbose", is_flag=True, help="Log every request.")
def local(
    host: str,
    port: int,
    poll_wait: float,
    server_region: str,
    check_responses: bool,
    data_dir: str | None,
    synchronous: Synchronous,
    verbose: bool,
) -> None:
    """Run the local SWF server until Ctrl-C.

    As python -m aioswf.local does.

    It implements all of SWF's operations and decisions in memory, and prints the export line that
    points later commands at it.

    \b
    Examples:
      aioswf local --port 8080
      aioswf local --port 0 --poll-wait 5      # a free port; short polls for tests
      aioswf local --data-dir ~/.aioswf        # state that survives a restart
    """
    logging.getLogger("aioswf.local").setLevel(logging.DEBUG if verbose else logging.INFO)
    run_async(_serve(host, port, poll_wait, server_region, check_responses, data_dir, synchronous))
