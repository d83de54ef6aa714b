"""The root of the ``aioswf`` command: global options, the list of command groups, and `main`.

Adding a command is one module under ``aioswf/cli/`` defining a click command (or group) and one line
in `register`.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version

import click
from click.core import ParameterSource

if sys.version_info < (3, 11):  # pragma: no cover - exceptiongroup comes with anyio there
    from exceptiongroup import BaseExceptionGroup  # type: ignore[import-not-found,unused-ignore]

from aioswf.cli import aliases, completion, domains, executions, history, local, replay, types, worker
from aioswf.cli.errors import explain, format_error
from aioswf.cli.invocation import OrderedGroup, Settings
from aioswf.cli.output import OutputFormat

__all__ = ["cli", "main", "register"]

# click 8.2+ raises this for a group run without a command (earlier versions printed the help).
_NO_ARGS: type[click.UsageError] | None = getattr(click.exceptions, "NoArgsIsHelpError", None)

_CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _version() -> str:
    try:
        return version("aioswf")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without metadata
        return "unknown"


def configure_logging(debug: bool) -> None:
    """Logs of aioswf go to standard error: warnings, or everything with ``--debug``."""
    logging.basicConfig(
        stream=sys.stderr, level=logging.WARNING, format="aioswf: %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("aioswf").setLevel(logging.DEBUG if debug else logging.WARNING)


@click.group(
    cls=OrderedGroup,
    context_settings=_CONTEXT,
    epilog="""\b
Examples:
  aioswf local --port 8080                      # a local SWF server; prints what to export
  export AWS_ENDPOINT_URL_SWF=http://127.0.0.1:8080
  aioswf domain register crawl --retention 7
  aioswf --domain crawl execution list --closed --close-status FAILED
  aioswf -d crawl execution history WORKFLOW_ID --summary
  aioswf -d crawl worker myapp.workers:actors

\b
Older spellings still work: domains, types, executions, start, history, signal, cancel, terminate, --json.
Shell completion: eval "$(aioswf completion bash)" (or zsh, fish). See docs/cli.md.""",
)
@click.option(
    "--endpoint-url",
    envvar="AWS_ENDPOINT_URL_SWF",
    show_envvar=True,
    metavar="URL",
    help="The SWF endpoint, e.g. a local server's http://127.0.0.1:8080 (default: AWS's for the region).",
)
@click.option(
    "--region", envvar="AWS_DEFAULT_REGION", show_envvar=True, help="The AWS region (default: ~/.swf's)."
)
@click.option(
    "--profile", envvar="AWS_PROFILE", show_envvar=True, help="An AWS profile of ~/.aws/config to use."
)
@click.option(
    "-d",
    "--domain",
    envvar="AIOSWF_DOMAIN",
    show_envvar=True,
    metavar="NAME",
    help="The domain, so that commands can omit it.",
)
@click.option(
    "-o",
    "--output",
    type=click.Choice([f.value for f in OutputFormat]),
    envvar="AIOSWF_OUTPUT",
    show_envvar=True,
    help="Output format (default: table on a terminal, tsv in a pipe).",
)
@click.option("--json", "as_json", is_flag=True, hidden=True, help="Same as --output json.")
@click.option(
    "--debug",
    is_flag=True,
    envvar="AIOSWF_DEBUG",
    show_envvar=True,
    help="Show tracebacks and aioswf's debug logs.",
)
@click.version_option(_version(), "--version", prog_name="aioswf", message="%(prog)s %(version)s")
@click.pass_context
def cli(
    ctx: click.Context,
    endpoint_url: str | None,
    region: str | None,
    profile: str | None,
    domain: str | None,
    output: str | None,
    as_json: bool,
    debug: bool,
) -> None:
    """Operate Amazon SWF from a shell: domains, types, executions, histories, workers, a local server."""
    settings = ctx.ensure_object(Settings)
    settings.endpoint_url = endpoint_url or None
    settings.region = region or None
    # AWS_PROFILE is left to botocore, which reads it after the environment's keys (as the AWS CLI does);
    # a profile named on the command line wins over them.
    if ctx.get_parameter_source("profile") is ParameterSource.COMMANDLINE:
        settings.profile = profile
    settings.domain = domain or None
    if as_json:
        settings.output = OutputFormat.JSON
    elif output:
        settings.output = OutputFormat(output)
    settings.debug = debug
    configure_logging(debug)


def register(group: click.Group) -> None:
    """Adds every command to the root group: one line per command module."""
    group.add_command(domains.domain)
    group.add_command(types.type_group)
    group.add_command(executions.execution)
    executions.execution.add_command(history.history)
    group.add_command(worker.worker)
    group.add_command(replay.replay)
    group.add_command(local.local)
    group.add_command(completion.completion)
    aliases.register(group)


register(cli)


def _debugging(args: Sequence[str]) -> bool:
    return "--debug" in args or os.environ.get("AIOSWF_DEBUG", "").lower() in {"1", "true", "yes", "on"}


def _unwrap(error: BaseException) -> BaseException:
    # anyio's task groups wrap errors; one error in a group is that error.
    while isinstance(error, BaseExceptionGroup) and len(error.exceptions) == 1:
        error = error.exceptions[0]
    return error


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the ``aioswf`` command.

    Args:
        argv: The arguments (default: the process's).

    Returns:
        The exit status: 0 on success, 1 when the operation failed, 2 for a wrong command line, 3 when
        ``execution wait`` saw the execution close other than completed, 130 when interrupted.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    settings = Settings()
    try:
        result = cli.main(args=args, prog_name="aioswf", standalone_mode=False, obj=settings)
    except (Exception, KeyboardInterrupt) as raised:
        error = _unwrap(raised)
        if _NO_ARGS is not None and isinstance(error, _NO_ARGS):
            # `aioswf` (or a group) alone: its help, as click before 8.2 showed it.
            click.echo(error.format_message())
            return 0
        endpoint = (
            settings.endpoint_url
            or os.environ.get("AWS_ENDPOINT_URL_SWF")
            or os.environ.get("AWS_ENDPOINT_URL")
        )
        what, fix, code = explain(error, endpoint=endpoint)
        if settings.debug or _debugging(args):
            traceback.print_exception(error, file=sys.stderr)
        sys.stderr.write(format_error(what, fix) + "\n")
        sys.stderr.flush()
        return code
    return result if isinstance(result, int) else 0
