"""Full SWF round trips per second: the local server against moto's, by the same driver, in one run.

One round trip is the life of a one-activity workflow: StartWorkflowExecution, PollForDecisionTask,
RespondDecisionTaskCompleted (ScheduleActivityTask), PollForActivityTask, RespondActivityTaskCompleted,
PollForDecisionTask, RespondDecisionTaskCompleted (CompleteWorkflowExecution). Twenty workers run round
trips concurrently, each on its own task lists, so every poll finds its task.

Each server runs in its own process (``python -m aioswf.local`` and ``python -m moto.server``) and the
driver sends SWF's JSON protocol over plain HTTP/1.1 connections (one per worker, kept alive when the
server allows it), so both servers are measured by exactly the same, deliberately light, client. The
machine is shared and changes speed from one second to the next, so the round trips run in batches
that alternate between the two servers (ABBA), each local batch is compared with the moto batch beside
it, and the CPU time each server process used is read from /proc as a second, load-independent measure.

A round trip that fails (moto answers HTTP 500 under load, delivers a task twice, or loses one) is
counted and reported, not fatal: its worker reconnects and carries on with fresh task lists, and the
rates count completed round trips only.

The local server is measured three ways: in memory (the default), with ``--data-dir`` (every answer
waits for its SQLite commit; ``synchronous=NORMAL``, the default) and with ``--data-dir --synchronous
full`` (an fsync per commit). Each is compared with the moto batch of the same round.

Run: ``.venv/bin/python benchmarks/local_vs_moto.py`` (``--quick`` for a smoke run).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import attrs
from harness import free_port, machine

HEADERS = {
    "Content-Type": "application/x-amz-json-1.0",
    "Authorization": (
        "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/swf/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=" + "0" * 64
    ),
    "X-Amz-Date": "20260101T000000Z",
}


@attrs.frozen
class Server:
    """A server running in a child process."""

    kind: str
    url: str
    process: subprocess.Popen[bytes]

    def cpu_seconds(self) -> float | None:
        """CPU time (user and system) the process has used so far; None where /proc is missing."""
        try:
            with open(f"/proc/{self.process.pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


LOCAL_KINDS = {
    "local": ("aioswf.local", ()),
    "durable": ("local --data-dir", ("--synchronous", "normal")),
    "durable-full": ("local --data-dir, full", ("--synchronous", "full")),
}
"""The local server's variants: their row names, and the options of the durable ones."""


@contextlib.contextmanager
def server(kind: str) -> Iterator[Server]:
    """Run the local server (``local``, ``durable``, ``durable-full``) or moto's in a child process."""
    port = free_port()
    with contextlib.ExitStack() as stack:
        if kind in LOCAL_KINDS:
            command = [sys.executable, "-m", "aioswf.local", "--port", str(port), "--poll-wait", "5"]
            if kind != "local":
                data_dir = stack.enter_context(tempfile.TemporaryDirectory(prefix="aioswf-bench-"))
                command += ["--data-dir", data_dir, *LOCAL_KINDS[kind][1]]
        else:
            command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
        yield from _run(kind, command, port)


def _run(kind: str, command: list[str], port: int) -> Iterator[Server]:
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                request = urllib.request.Request(
                    url, data=b"{}", headers={**HEADERS, "X-Amz-Target": "x.ListDomains"}
                )
                urllib.request.urlopen(request, timeout=1).close()
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"the {kind} server did not start") from None
                time.sleep(0.1)
        yield Server(kind, url, process)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def server_process(kind: str) -> Iterator[str]:
    """Run the local server or moto's in a child process; yield its URL."""
    with server(kind) as running:
        yield running.url


class ServerError(Exception):
    """The server answered something other than HTTP 200."""

    def __init__(self, operation: str, status: int, payload: bytes) -> None:
        super().__init__(f"{operation}: HTTP {status}: {payload[:300]!r}")
        self.operation = operation
        self.status = status
        try:
            self.code = str(json.loads(payload).get("__type", "")).rpartition("#")[2]
        except (ValueError, AttributeError):
            self.code = ""

    @property
    def kind(self) -> str:
        """A short description for the failure table: operation, status and fault code."""
        return f"{self.operation} -> HTTP {self.status} {self.code}".strip()


class TaskLost(Exception):
    """A task the server should have delivered never came."""


def _failure_kind(error: Exception) -> str:
    if isinstance(error, ServerError):
        return error.kind
    if isinstance(error, TaskLost):
        return str(error)
    return f"{type(error).__name__}: {str(error)[:80]}"


MAX_EMPTY_POLLS = 10
"""Empty polls in a row after which a round trip counts its task as lost."""


class Driver:
    """Sends SWF requests (JSON 1.0 over HTTP/1.1) on one connection, reconnecting when the server closes it."""

    def __init__(self, url: str) -> None:
        host, port = url.removeprefix("http://").split(":")
        self.host, self.port = host, int(port)
        self._fixed = "".join(f"{name}: {value}\r\n" for name, value in HEADERS.items())
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def close(self) -> None:
        """Close the connection."""
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(OSError):
                await self._writer.wait_closed()
            self._reader = self._writer = None

    async def call(self, operation: str, **params: Any) -> dict[str, Any]:
        """Call one operation; raise on any fault."""
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        assert self._reader is not None
        body = json.dumps(params).encode()
        head = (
            f"POST / HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n{self._fixed}"
            f"X-Amz-Target: SimpleWorkflowService.{operation}\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        self._writer.write(head.encode() + body)
        raw_head = await self._reader.readuntil(b"\r\n\r\n")
        lines = raw_head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            payload = await self._reader.readexactly(int(headers["content-length"]))
        else:
            payload = await self._reader.read()
        if lines[0].startswith("HTTP/1.0") or headers.get("connection", "").lower() == "close":
            await self.close()
        if status != 200:
            raise ServerError(operation, status, payload)
        return json.loads(payload) if payload else {}

    async def setup(self, retention_days: int = 1) -> str:
        """Register a domain (closed executions kept `retention_days`) and the two types; return the domain."""
        domain = f"bench-{uuid.uuid4().hex[:8]}"
        await self.call(
            "RegisterDomain", name=domain, workflowExecutionRetentionPeriodInDays=str(retention_days)
        )
        await self.call(
            "RegisterWorkflowType",
            domain=domain,
            name="flow",
            version="1",
            defaultTaskStartToCloseTimeout="300",
            defaultExecutionStartToCloseTimeout="3600",
            defaultChildPolicy="TERMINATE",
        )
        await self.call(
            "RegisterActivityType",
            domain=domain,
            name="work",
            version="1",
            defaultTaskScheduleToStartTimeout="300",
            defaultTaskScheduleToCloseTimeout="600",
            defaultTaskStartToCloseTimeout="300",
            defaultTaskHeartbeatTimeout="NONE",
        )
        return domain

    async def round_trip(self, domain: str, worker: str, index: int) -> None:
        """Run one workflow from start to completion (``worker`` names its task lists)."""
        decisions, activities = {"name": f"d{worker}"}, {"name": f"a{worker}"}
        await self.call(
            "StartWorkflowExecution",
            domain=domain,
            workflowId=f"wf-{worker}-{index}",
            workflowType={"name": "flow", "version": "1"},
            taskList=decisions,
            input="payload",
        )
        task = await self._poll("PollForDecisionTask", domain, decisions)
        await self.call(
            "RespondDecisionTaskCompleted",
            taskToken=task["taskToken"],
            decisions=[
                {
                    "decisionType": "ScheduleActivityTask",
                    "scheduleActivityTaskDecisionAttributes": {
                        "activityType": {"name": "work", "version": "1"},
                        "activityId": "a1",
                        "taskList": activities,
                        "input": "x",
                    },
                }
            ],
        )
        activity = await self._poll("PollForActivityTask", domain, activities)
        await self.call("RespondActivityTaskCompleted", taskToken=activity["taskToken"], result="ok")
        task = await self._poll("PollForDecisionTask", domain, decisions)
        await self.call(
            "RespondDecisionTaskCompleted",
            taskToken=task["taskToken"],
            decisions=[
                {
                    "decisionType": "CompleteWorkflowExecution",
                    "completeWorkflowExecutionDecisionAttributes": {"result": "done"},
                }
            ],
        )

    async def _poll(self, operation: str, domain: str, task_list: dict[str, str]) -> dict[str, Any]:
        for _ in range(MAX_EMPTY_POLLS):
            task = await self.call(operation, domain=domain, taskList=task_list, identity="bench")
            if task.get("taskToken"):
                return task
        raise TaskLost(f"{operation}: no task after {MAX_EMPTY_POLLS} polls")


@attrs.define
class Batch:
    """One batch of round trips on one server."""

    completed: int
    failures: Counter[str]
    seconds: float
    cpu: float | None

    @property
    def rate(self) -> float:
        """Completed round trips per second."""
        return self.completed / self.seconds if self.seconds else 0.0


async def measure(
    servers: list[Server], totals: dict[str, int], batches: int, concurrency: int
) -> dict[str, list[Batch]]:
    """Alternate batches of round trips between the servers (ABBA order), each on its own domain.

    The machine may change speed from one second to the next (other processes share its CPUs), so
    each local batch is compared with the moto batch beside it, and the server processes' own CPU time
    is measured too. ``totals`` gives each server's number of round trips: the local server's batches
    are larger, so that they last long enough to be measured.
    """
    domains = {}
    for running in servers:
        setup = Driver(running.url)
        domain = domains[running.kind] = await setup.setup()
        await setup.close()
        total = totals[running.kind]
        await run_on(running.url, domain, range(total, total + concurrency), concurrency, [], Counter())
    results: dict[str, list[Batch]] = {running.kind: [] for running in servers}
    for number in range(batches):
        for running in servers if number % 2 == 0 else servers[::-1]:
            finished: list[float] = []
            failures: Counter[str] = Counter()
            size = totals[running.kind] // batches
            cpu_before, started = running.cpu_seconds(), time.perf_counter()
            indexes = range(number * size, (number + 1) * size)
            await run_on(running.url, domains[running.kind], indexes, concurrency, finished, failures)
            seconds, cpu_after = time.perf_counter() - started, running.cpu_seconds()
            cpu = None if cpu_before is None or cpu_after is None else cpu_after - cpu_before
            results[running.kind].append(Batch(len(finished), failures, seconds, cpu))
    return results


async def run_on(
    url: str,
    domain: str,
    indexes: range,
    concurrency: int,
    finished: list[float],
    failures: Counter[str] | None = None,
) -> None:
    """Run one round trip per index with ``concurrency`` workers, appending each completion time.

    With ``failures``, a failed round trip is counted there and its worker reconnects and moves to fresh
    task lists, so that a task left behind by the failure is never taken for the next round trip's;
    without, the first failure ends the run.
    """
    counter = iter(indexes)

    async def worker(number: int) -> None:
        driver = Driver(url)
        generation = 0
        try:
            for index in counter:
                try:
                    await driver.round_trip(domain, f"{number}-{generation}", index)
                except (ServerError, TaskLost, OSError, asyncio.IncompleteReadError, ValueError) as error:
                    if failures is None:
                        raise
                    failures[_failure_kind(error)] += 1
                else:
                    finished.append(time.perf_counter())
                    continue
                generation += 1
                await driver.close()
        finally:
            await driver.close()

    await asyncio.gather(*(worker(number) for number in range(concurrency)))


def table(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> str:
    """Format a plain-text table."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    line = "  ".join("-" * width for width in widths)
    out = ["  ".join(cell.ljust(width) for cell, width in zip(header, widths, strict=True)), line]
    out += ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(out)


async def latency(servers: list[Server], rounds: int, size: int) -> dict[str, list[float]]:
    """Milliseconds per request of one client sending one request at a time (a signal: a durable write).

    With nothing else to share a commit with, each answer waits for a transaction of its own: this is
    where ``--synchronous full`` (an fsync per commit) shows. Batches alternate between the servers.
    """
    drivers: dict[str, tuple[Driver, str, str]] = {}
    for running in servers:
        driver = Driver(running.url)
        domain = await driver.setup()
        workflow_id = f"latency-{uuid.uuid4().hex[:8]}"
        await driver.call(
            "StartWorkflowExecution",
            domain=domain,
            workflowId=workflow_id,
            workflowType={"name": "flow", "version": "1"},
            taskList={"name": "latency"},
        )
        drivers[running.kind] = (driver, domain, workflow_id)
    times: dict[str, list[float]] = {running.kind: [] for running in servers}
    for number in range(rounds):
        for running in servers if number % 2 == 0 else servers[::-1]:
            driver, domain, workflow_id = drivers[running.kind]
            for _ in range(size):
                started = time.perf_counter()
                await driver.call(
                    "SignalWorkflowExecution", domain=domain, workflowId=workflow_id, signalName="s"
                )
                times[running.kind].append((time.perf_counter() - started) * 1000)
    for driver, _, _ in drivers.values():
        await driver.close()
    return times


def main(argv: list[str] | None = None) -> int:
    """Measure both servers and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a fast smoke run (numbers are not meaningful)")
    parser.add_argument("--workflows", type=int, help="round trips on moto's server (default 400, quick 40)")
    parser.add_argument("--concurrency", type=int, default=20, help="concurrent executions (default 20)")
    parser.add_argument("--batches", type=int, help="alternating batches per server (default 8, quick 2)")
    parser.add_argument(
        "--local-factor", type=int, default=10, help="local round trips per moto round trip (default 10)"
    )
    parser.add_argument("--memory-only", action="store_true", help="leave out the durable rows (--data-dir)")
    args = parser.parse_args(argv)
    total = args.workflows or (40 if args.quick else 400)
    batches = max(2, args.batches or (2 if args.quick else 8))
    kinds = ["local"] if args.memory_only else list(LOCAL_KINDS)
    totals = {kind: total * args.local_factor for kind in kinds}
    totals["moto"] = total
    with contextlib.ExitStack() as stack:
        running = [stack.enter_context(server(kind)) for kind in [*kinds, "moto"]]
        results = asyncio.run(measure(running, totals, batches, args.concurrency))
        local_servers = [server for server in running if server.kind != "moto"]
        delays = asyncio.run(latency(local_servers, batches, 50 if args.quick else 250))
    print(f"machine: {machine()}")
    print(
        f"full round trips (7 requests each): {totals['moto'] // batches * batches} on moto's server and "
        f"{totals['local'] // batches * batches} on each local one, in {batches} batches each alternating "
        f"between the servers;\n{args.concurrency} warm-up round trips each, {args.concurrency} concurrent "
        "executions, same driver\n"
    )
    rows = []
    summary = {}
    names = [(kind, LOCAL_KINDS[kind][0]) for kind in kinds] + [("moto", "moto server")]
    for kind, name in names:
        done = results[kind]
        completed = sum(batch.completed for batch in done)
        seconds = sum(batch.seconds for batch in done)
        failures = sum((batch.failures for batch in done), Counter())
        cpus = [batch.cpu for batch in done]
        cpu = (
            sum(c for c in cpus if c is not None) / completed * 1000
            if completed and None not in cpus
            else None
        )
        rate = completed / seconds if seconds else 0.0
        best = max(batch.rate for batch in done)
        summary[kind] = (rate, best, cpu, failures)
        rows.append(
            (
                name,
                f"{rate:,.1f}",
                f"{rate * 7:,.0f}",
                f"{best:,.1f}",
                "n/a" if cpu is None else f"{cpu:.2f}",
                f"{sum(failures.values())}",
                f"{seconds:.1f}",
            )
        )
    header = (
        "server",
        "workflows/s",
        "requests/s",
        "best batch wf/s",
        "server CPU ms/wf",
        "failed",
        "wall s",
    )
    print(table(rows, header))
    print("\none client, one signal at a time (each a durable write on the durable servers):\n")
    print(
        table(
            [
                (
                    LOCAL_KINDS[kind][0],
                    f"{statistics.median(values):.2f}",
                    f"{statistics.quantiles(values, n=100)[98]:.2f}",
                )
                for kind, values in delays.items()
            ],
            ("server", "median ms", "p99 ms"),
        )
    )
    for kind, _ in names:
        failures = summary[kind][3]
        if failures:
            print(f"\n{sum(failures.values())} failed round trips on the {kind} server:")
            for reason, count in failures.most_common(5):
                print(f"  {count:5d}  {reason}")
    moto_rate, moto_best, moto_cpu, _ = summary["moto"]
    # The in-memory server is held to 20x moto's rate, the durable ones to 10x.
    for kind, name in names[:-1]:
        pairs = [
            ours.rate / theirs.rate
            for ours, theirs in zip(results[kind], results["moto"], strict=True)
            if theirs.rate
        ]
        target = 20 if kind == "local" else 10
        if not pairs:
            print(f"\nmoto completed no round trip: no ratio (target >= {target}x: cannot be measured)")
            continue
        local_rate, _, local_cpu, _ = summary[kind]
        ratio = statistics.median(pairs)
        verdict = "holds" if ratio >= target else "does NOT hold"
        print(
            f"\n{name} / moto = {ratio:.1f}x (median of the {len(pairs)} side-by-side batches; "
            f"{local_rate / moto_rate:.1f}x over the run, {local_rate / moto_best:.1f}x against moto's best "
            "batch)"
        )
        if local_cpu and moto_cpu:
            print(f"server CPU per round trip: moto uses {moto_cpu / local_cpu:.1f}x what it uses")
        print(f"target >= {target}x: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
