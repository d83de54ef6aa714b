"""Full SWF round trips per second: the local server against moto's, by the same driver, in one run.

One round trip is the life of a one-activity workflow: StartWorkflowExecution, PollForDecisionTask,
RespondDecisionTaskCompleted (ScheduleActivityTask), PollForActivityTask, RespondActivityTaskCompleted,
PollForDecisionTask, RespondDecisionTaskCompleted (CompleteWorkflowExecution). Twenty workers run round
trips concurrently, each on its own task lists, so every poll finds its task.

Each server runs in its own process (``python -m aioswf.local`` and ``python -m moto.server``) and the
driver sends SWF's JSON protocol over plain HTTP/1.1 connections (one per worker, kept alive when the
server allows it), so both servers are measured by exactly the same, deliberately light, client.

Run: ``.venv/bin/python benchmarks/local_vs_moto.py`` (``--quick`` for a smoke run).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from typing import Any

HEADERS = {
    "Content-Type": "application/x-amz-json-1.0",
    "Authorization": (
        "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/swf/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=" + "0" * 64
    ),
    "X-Amz-Date": "20260101T000000Z",
}


def machine() -> str:
    """Describe the machine: platform, CPU model and count, Python."""
    model = platform.processor() or ""
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return (
        f"{platform.platform()} | {model or 'unknown CPU'} | {os.cpu_count()} CPUs | "
        f"Python {platform.python_version()} ({platform.python_implementation()})"
    )


def free_port() -> int:
    """Return a port that is free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def server_process(kind: str) -> Iterator[str]:
    """Run the local server or moto's in a child process; yield its URL."""
    port = free_port()
    if kind == "local":
        command = [sys.executable, "-m", "aioswf.local", "--port", str(port), "--poll-wait", "5"]
    else:
        command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
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
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


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
            raise RuntimeError(f"{operation}: HTTP {status}: {payload[:300]!r}")
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

    async def round_trip(self, domain: str, worker: int, index: int) -> None:
        """Run one workflow from start to completion."""
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
        while True:
            task = await self.call(operation, domain=domain, taskList=task_list, identity="bench")
            if task.get("taskToken"):
                return task


async def run(url: str, total: int, concurrency: int, buckets: int = 1, warmup: int = 0) -> list[float]:
    """Run ``total`` round trips with ``concurrency`` workers; return the rate (per s) of each bucket.

    Buckets split the run into equal slices by completion order, to see a rate change over time.
    ``warmup`` round trips run first, on the same domain, and are not measured.
    """
    setup = Driver(url)
    domain = await setup.setup()
    await setup.close()
    if warmup:
        await run_on(url, domain, range(total, total + warmup), concurrency, [])
    finished: list[float] = []
    start = time.perf_counter()
    await run_on(url, domain, range(total), concurrency, finished)
    size = total // buckets
    rates = []
    previous = start
    for bucket in range(buckets):
        end = finished[(bucket + 1) * size - 1]
        rates.append(size / (end - previous))
        previous = end
    return rates


async def run_on(url: str, domain: str, indexes: range, concurrency: int, finished: list[float]) -> None:
    """Run one round trip per index with ``concurrency`` workers, appending each completion time."""
    counter = iter(indexes)

    async def worker(number: int) -> None:
        driver = Driver(url)
        try:
            for index in counter:
                await driver.round_trip(domain, number, index)
                finished.append(time.perf_counter())
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


def main(argv: list[str] | None = None) -> int:
    """Measure both servers and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a fast smoke run (numbers are not meaningful)")
    parser.add_argument("--workflows", type=int, help="round trips per server (default 400, quick 40)")
    parser.add_argument("--concurrency", type=int, default=20, help="concurrent executions (default 20)")
    args = parser.parse_args(argv)
    total = args.workflows or (40 if args.quick else 400)
    results = {}
    for kind in ("local", "moto"):
        with server_process(kind) as url:
            started = time.perf_counter()
            tenths = asyncio.run(run(url, total, args.concurrency, buckets=10, warmup=args.concurrency))
            elapsed = time.perf_counter() - started
            results[kind] = (total / sum((total / 10) / rate for rate in tenths), max(tenths), elapsed)
    ratio = results["local"][0] / results["moto"][0]
    best_ratio = results["local"][0] / results["moto"][1]
    print(f"machine: {machine()}")
    print(
        f"{total} full round trips (7 requests each) per server after {args.concurrency} warm-up ones, "
        f"{args.concurrency} concurrent executions, same driver\n"
    )
    rows = [
        (name, f"{rate:,.1f}", f"{rate * 7:,.0f}", f"{best:,.1f}", f"{elapsed:.1f}")
        for name, (rate, best, elapsed) in (
            ("aioswf.local", results["local"]),
            ("moto server", results["moto"]),
        )
    ]
    print(table(rows, ("server", "workflows/s", "requests/s", "best tenth wf/s", "wall s")))
    verdict = "holds" if ratio >= 20 else "does NOT hold"
    print(
        f"\nlocal / moto = {ratio:.1f}x over the run, {best_ratio:.1f}x against moto's best tenth  (target >= 20x: {verdict})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
