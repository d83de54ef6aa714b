"""The ``aioswf`` command: operate Amazon SWF from a shell.

::

    aioswf local --port 8080                          # a local SWF server; prints the line to export
    export AWS_ENDPOINT_URL_SWF=http://127.0.0.1:8080
    aioswf domain register crawl --retention 7
    aioswf -d crawl execution list --closed --close-status FAILED
    aioswf -d crawl execution history WORKFLOW_ID --summary
    aioswf -d crawl worker myapp.workers:actors

Built on click (for its shell completion, per-option environment variables and nested groups). One
module per command group: `domains`, `types`, `executions`, `history`, `worker`, `local`, `completion`,
and `aliases` for the older spellings; `app` is the root (global options, the registration list,
`main`), `invocation` what commands share (settings, the connection, common options), `output` the
formats and `errors` the one-line failures. See docs/cli.md.
"""

from aioswf.cli.app import cli, main

__all__ = ["cli", "main"]
