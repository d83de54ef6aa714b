"""Goal 1: workflows per second and client CPU per activity, aioswf's actors against the thread-per-poller
design and a hand-written raw aiobotocore loop, and the request-path options side by side.

The workload is a 3-activity workflow: the decider schedules the activities one after the other and then
completes the execution (4 decision tasks, 3 activity tasks, 15 requests per execution including its
start). Every client runs in a fresh process of its own against the same local SWF server (its own
process too); it first runs a warm-up batch, then the measured batch of executions, and reports the
elapsed time and its own CPU (getrusage of the client process alone) over the measured batch.

Clients (each with 20 decision pollers and 20 activity pollers):

* ``threads``: boto3, 20 + 20 poller threads (the seed's design);
* ``raw``: a hand-written loop of raw aiobotocore coroutines (20 + 20), SWF's dicts in and out;
* ``aioswf`` variants: 20 `Decider` + 20 `ActivityWorker` on one `Connection`, one event loop, the
  decider reading the typed `History` (``task.history.compile()``), as a user writes it. The variants
  are the request-path options: the botocore path as is; with a fixed ``user_agent``; with
  ``parameter_validation=False`` too; with botocore's CRT signer too (when ``awscrt`` is installed);
  and the lean path.

Rounds alternate the clients (the order rotates each round); each round's numbers are ratios against
the threads client of the same round, and the table gives medians with their range.

Run: ``.venv/bin/python benchmarks/throughput.py`` (``--quick`` for a smoke run).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import os
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

from harness import (
    HERE,
    cpu_seconds,
    free_port,
    local_server,
    peak_rss_mb,
    process,
    report,
    run_client,
    source_at,
    spread,
    table,
    use_test_keys,
)

ACTIVITIES = 3
POLLERS = 20
WORKFLOW = ("bench-wf", "1")
ACTIVITY = ("bench-act", "1")

#: name -> (label, client mode, extra environment)
VARIANTS: dict[str, tuple[str, str, dict[str, str]]] = {
    "threads": ("boto3, 20 + 20 poller threads (baseline)", "threads", {}),
    "raw": ("raw aiobotocore loop", "raw", {}),
    "botocore": ("aioswf actors, botocore path, as before", "aioswf", {"AIOSWF_REQUEST_PATH": "botocore"}),
    "ua": (
        "aioswf actors, botocore path + fixed user_agent",
        "aioswf",
        {"AIOSWF_REQUEST_PATH": "botocore", "BENCH_USER_AGENT": "1"},
    ),
    "novalidate": (
        "aioswf actors, botocore path + user_agent + parameter_validation=False",
        "aioswf",
        {"AIOSWF_REQUEST_PATH": "botocore", "BENCH_USER_AGENT": "1", "BENCH_NO_VALIDATION": "1"},
    ),
    "crt": (
        "aioswf actors, botocore path + user_agent + no validation + CRT signer",
        "aioswf",
        {"AIOSWF_REQUEST_PATH": "botocore", "BENCH_USER_AGENT": "1", "BENCH_NO_VALIDATION": "1", "CRT": "1"},
    ),
    "lean": ("aioswf actors, lean path (the default)", "aioswf", {"AIOSWF_REQUEST_PATH": "lean"}),
    # Only with --baseline REF: the same client on aioswf as it was at REF (see harness.source_at).
    "before": (
        "aioswf actors, lean path, at the baseline revision",
        "aioswf",
        {"AIOSWF_REQUEST_PATH": "lean"},
    ),
}


def decide(events: list[dict[str, Any]], task_list: str) -> list[dict[str, Any]]:
    """The workflow's decisions from SWF's raw events (the threads and raw clients)."""
    completed = sum(1 for e in events if e["eventType"] == "ActivityTaskCompleted")
    scheduled = sum(1 for e in events if e["eventType"] == "ActivityTaskScheduled")
    if completed >= ACTIVITIES:
        return [
            {"decisionType": "CompleteWorkflowExecution", "completeWorkflowExecutionDecisionAttributes": {}}
        ]
    if scheduled > completed:
        return []
    return [
        {
            "decisionType": "ScheduleActivityTask",
            "scheduleActivityTaskDecisionAttributes": {
                "activityType": {"name": ACTIVITY[0], "version": ACTIVITY[1]},
                "activityId": f"a{completed}",
                "taskList": {"name": task_list},
                "input": "x" * 64,
            },
        }
    ]


# Setup (the orchestrator) ---------------------------------------------------------------------------------


def setup(url: str) -> str:
    """Registers a fresh domain with the workflow and activity types; returns the domain."""
    import boto3

    use_test_keys()
    client = boto3.client("swf", endpoint_url=url, region_name="us-east-1")
    domain = f"bench-{uuid.uuid4().hex[:8]}"
    client.register_domain(name=domain, workflowExecutionRetentionPeriodInDays="1")
    client.register_workflow_type(
        domain=domain,
        name=WORKFLOW[0],
        version=WORKFLOW[1],
        defaultTaskStartToCloseTimeout="60",
        defaultExecutionStartToCloseTimeout="3600",
        defaultChildPolicy="TERMINATE",
    )
    client.register_activity_type(
        domain=domain,
        name=ACTIVITY[0],
        version=ACTIVITY[1],
        defaultTaskStartToCloseTimeout="60",
        defaultTaskScheduleToStartTimeout="600",
        defaultTaskScheduleToCloseTimeout="660",
        defaultTaskHeartbeatTimeout="NONE",
    )
    return domain


# Clients (each in its own process) ------------------------------------------------------------------------


class Progress:
    """Counts closed executions; the client's batches wait on it."""

    def __init__(self) -> None:
        self.closed = 0
        self._lock = threading.Lock()
        self.target = 0
        self.reached = threading.Event()

    def close_one(self) -> None:
        with self._lock:
            self.closed += 1
            if self.closed >= self.target:
                self.reached.set()

    def expect(self, total: int) -> None:
        with self._lock:
            self.target = total
            self.reached.clear()
            if self.closed >= total:
                self.reached.set()


def client_threads(url: str, domain: str, warmup: int, count: int, activity_delay: float) -> dict[str, float]:
    """The seed's design: a shared boto3 client, one thread per poller."""
    import boto3
    from botocore.config import Config

    config = Config(max_pool_connections=2 * POLLERS + 10, read_timeout=70, retries={"mode": "standard"})
    client = boto3.client("swf", endpoint_url=url, region_name="us-east-1", config=config)
    tag = uuid.uuid4().hex[:8]
    decisions, activities = f"d-{tag}", f"a-{tag}"
    progress = Progress()
    stop = threading.Event()

    def decider() -> None:
        while not stop.is_set():
            task = client.poll_for_decision_task(domain=domain, taskList={"name": decisions}, identity="t")
            if not task.get("taskToken"):
                continue
            events = list(task["events"])
            token = task.get("nextPageToken")
            while token:
                page = client.poll_for_decision_task(
                    domain=domain, taskList={"name": decisions}, identity="t", nextPageToken=token
                )
                events.extend(page["events"])
                token = page.get("nextPageToken")
            chosen = decide(events, activities)
            client.respond_decision_task_completed(taskToken=task["taskToken"], decisions=chosen)
            if chosen and chosen[0]["decisionType"] == "CompleteWorkflowExecution":
                progress.close_one()

    def worker() -> None:
        while not stop.is_set():
            task = client.poll_for_activity_task(domain=domain, taskList={"name": activities}, identity="t")
            if not task.get("taskToken"):
                continue
            if activity_delay:
                time.sleep(activity_delay)
            client.respond_activity_task_completed(taskToken=task["taskToken"], result=task.get("input", ""))

    for target in [decider] * POLLERS + [worker] * POLLERS:
        threading.Thread(target=target, daemon=True).start()

    def batch(start: int, size: int) -> None:
        progress.expect(start + size)
        for index in range(start, start + size):
            client.start_workflow_execution(
                domain=domain,
                workflowId=f"wf-{tag}-{index}",
                workflowType={"name": WORKFLOW[0], "version": WORKFLOW[1]},
                taskList={"name": decisions},
                input="x" * 64,
            )
        progress.reached.wait()

    batch(0, warmup)
    cpu, began = cpu_seconds(), time.perf_counter()
    batch(warmup, count)
    elapsed, used = time.perf_counter() - began, cpu_seconds() - cpu
    stop.set()
    return {"elapsed": elapsed, "cpu": used, "rss_mb": peak_rss_mb()}


async def client_raw(
    url: str, domain: str, warmup: int, count: int, activity_delay: float
) -> dict[str, float]:
    """A hand-written loop of raw aiobotocore coroutines."""
    from aiobotocore.config import AioConfig
    from aiobotocore.session import AioSession

    config = AioConfig(max_pool_connections=2 * POLLERS + 10, read_timeout=70, retries={"mode": "standard"})
    tag = uuid.uuid4().hex[:8]
    decisions, activities = f"d-{tag}", f"a-{tag}"
    closed = 0
    target = 0
    reached = asyncio.Event()
    async with AioSession().create_client(
        "swf", endpoint_url=url, region_name="us-east-1", config=config
    ) as client:

        async def decider() -> None:
            nonlocal closed
            while True:
                task = await client.poll_for_decision_task(
                    domain=domain, taskList={"name": decisions}, identity="r"
                )
                if not task.get("taskToken"):
                    continue
                events = list(task["events"])
                token = task.get("nextPageToken")
                while token:
                    page = await client.poll_for_decision_task(
                        domain=domain, taskList={"name": decisions}, identity="r", nextPageToken=token
                    )
                    events.extend(page["events"])
                    token = page.get("nextPageToken")
                chosen = decide(events, activities)
                await client.respond_decision_task_completed(taskToken=task["taskToken"], decisions=chosen)
                if chosen and chosen[0]["decisionType"] == "CompleteWorkflowExecution":
                    closed += 1
                    if closed >= target:
                        reached.set()

        async def worker() -> None:
            while True:
                task = await client.poll_for_activity_task(
                    domain=domain, taskList={"name": activities}, identity="r"
                )
                if not task.get("taskToken"):
                    continue
                if activity_delay:
                    await asyncio.sleep(activity_delay)
                await client.respond_activity_task_completed(
                    taskToken=task["taskToken"], result=task.get("input", "")
                )

        async def start(index: int, limit: asyncio.Semaphore) -> None:
            async with limit:
                await client.start_workflow_execution(
                    domain=domain,
                    workflowId=f"wf-{tag}-{index}",
                    workflowType={"name": WORKFLOW[0], "version": WORKFLOW[1]},
                    taskList={"name": decisions},
                    input="x" * 64,
                )

        async def batch(first: int, size: int) -> None:
            nonlocal target
            target = first + size
            reached.clear()
            limit = asyncio.Semaphore(POLLERS)
            await asyncio.gather(*(start(i, limit) for i in range(first, first + size)))
            await reached.wait()

        tasks = [asyncio.create_task(decider()) for _ in range(POLLERS)]
        tasks += [asyncio.create_task(worker()) for _ in range(POLLERS)]
        await batch(0, warmup)
        cpu, began = cpu_seconds(), time.perf_counter()
        await batch(warmup, count)
        elapsed, used = time.perf_counter() - began, cpu_seconds() - cpu
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return {"elapsed": elapsed, "cpu": used, "rss_mb": peak_rss_mb()}


async def client_aioswf(
    url: str, domain: str, warmup: int, count: int, activity_delay: float
) -> dict[str, float]:
    """aioswf's actors as a user writes them: Decider and ActivityWorker handlers on one Connection."""
    from aiobotocore.config import AioConfig

    import aioswf
    from aioswf.actors import ActivityWorker, Decider
    from aioswf.models.decision import ActivityTaskDecision, WorkflowExecutionDecision

    options: dict[str, Any] = {}
    if os.environ.get("BENCH_USER_AGENT"):
        options["user_agent"] = "aioswf-bench/1"
    if os.environ.get("BENCH_NO_VALIDATION"):
        options["parameter_validation"] = False
    config = AioConfig(**options) if options else None
    tag = uuid.uuid4().hex[:8]
    decisions, activities = f"d-{tag}", f"a-{tag}"
    closed = 0
    target = 0
    reached = asyncio.Event()
    activity_type = aioswf.models.ActivityType(
        domain, ACTIVITY[0], ACTIVITY[1], task_heartbeat_timeout="NONE"
    )

    async def decide_task(task: Any) -> list[Any]:
        nonlocal closed
        state = task.history.compile()
        done = sum(1 for a in state.activities.values() if a.state == "completed")
        if done >= ACTIVITIES:
            closed += 1
            if closed >= target:
                reached.set()
            return [WorkflowExecutionDecision.complete()]
        if any(a.is_open for a in state.activities.values()):
            return []
        return [
            ActivityTaskDecision.schedule(f"a{done}", activity_type, input="x" * 64, task_list=activities)
        ]

    async def run_activity(task: Any) -> str | None:
        if activity_delay:
            await asyncio.sleep(activity_delay)
        return str(task.input or "")

    pool = 2 * POLLERS + 10 + (200 if activity_delay else 0)
    async with aioswf.Connection(
        endpoint_url=url, region_name="us-east-1", config=config, max_pool_connections=pool
    ) as conn:
        wtype = aioswf.models.WorkflowType(domain, WORKFLOW[0], WORKFLOW[1])
        slots = int(os.environ.get("BENCH_SLOTS", "10"))
        actors: list[Any] = [Decider(domain, decisions, decide_task) for _ in range(POLLERS)]
        actors += [
            ActivityWorker(domain, activities, {activity_type: run_activity}, max_concurrent=slots)
            for _ in range(POLLERS)
        ]
        for actor in actors:
            await actor.start()

        async def start(index: int, limit: asyncio.Semaphore) -> None:
            async with limit:
                await wtype.start_execution(f"wf-{tag}-{index}", task_list=decisions, input="x" * 64)

        async def batch(first: int, size: int) -> None:
            nonlocal target
            target = first + size
            reached.clear()
            limit = asyncio.Semaphore(POLLERS)
            await asyncio.gather(*(start(i, limit) for i in range(first, first + size)))
            await reached.wait()

        await batch(0, warmup)
        with profiled(os.environ.get("BENCH_PROFILE")):
            cpu, began = cpu_seconds(), time.perf_counter()
            await batch(warmup, count)
            elapsed, used = time.perf_counter() - began, cpu_seconds() - cpu
        assert conn.request_path == os.environ.get("AIOSWF_REQUEST_PATH", conn.request_path)
        await asyncio.gather(*(actor.stop(grace=0) for actor in actors))
    return {"elapsed": elapsed, "cpu": used, "rss_mb": peak_rss_mb(), "source": aioswf.__file__}


@contextlib.contextmanager
def profiled(path: str | None) -> Iterator[None]:
    """Profiles the block with cProfile into `path` (a pstats file), when given."""
    if not path:
        yield
        return
    import cProfile

    profiler = cProfile.Profile()
    profiler.enable()
    try:
        yield
    finally:
        profiler.disable()
        profiler.dump_stats(path)


def run_one(args: argparse.Namespace) -> None:
    """The client side: runs one client and prints its measure as JSON."""
    import json

    chosen = {"threads": client_threads, "raw": client_raw, "aioswf": client_aioswf}[args.client]
    call_args = (args.url, args.domain, args.warmup, args.count, args.activity_delay)
    result = asyncio.run(chosen(*call_args)) if asyncio.iscoroutinefunction(chosen) else chosen(*call_args)
    print(json.dumps(result))


def variant_env(name: str) -> dict[str, str] | None:
    """The environment of a variant's client; None when it cannot run here (no awscrt for CRT)."""
    env = dict(VARIANTS[name][2])
    if env.pop("CRT", None):
        if importlib.util.find_spec("awscrt") is None:
            return None
        env["BOTO_DISABLE_CRT"] = "false"
    else:
        # botocore uses the CRT signer whenever awscrt is installed; only the CRT variant may.
        env["BOTO_DISABLE_CRT"] = "true"
    return env


def measure(
    names: list[str],
    rounds: int,
    count: int,
    warmup: int,
    activity_delay: float = 0.0,
    proxy_delay: float = 0.0,
    extra_env: dict[str, dict[str, str]] | None = None,
) -> dict[str, list[dict[str, float]]]:
    """Runs the variants `rounds` times each, alternating, on one server; returns their measures.

    With `proxy_delay`, the clients talk to the server through `latency_proxy.py`, which holds every
    request that long before forwarding it.
    """
    runnable = [name for name in names if variant_env(name) is not None]
    results: dict[str, list[dict[str, float]]] = {name: [] for name in runnable}
    script = HERE / "throughput.py"
    with local_server() as server_url, latency_proxy(server_url, proxy_delay) as url:
        domain = setup(server_url)
        for round_index in range(rounds):
            shift = round_index % len(runnable)
            order = runnable[shift:] + runnable[:shift]
            if round_index % 2:
                order.reverse()
            for name in order:
                mode = VARIANTS[name][1]
                argv = ["--client", mode, "--url", url, "--domain", domain, "--count", str(count)]
                argv += ["--warmup", str(warmup), "--activity-delay", str(activity_delay)]
                env = {**(variant_env(name) or {}), **(extra_env or {}).get(name, {})}
                result = run_client(script, argv, env=env)
                source = env.get("PYTHONPATH")
                if source and not str(result.get("source", "")).startswith(source):
                    raise RuntimeError(f"{name} imported aioswf from {result.get('source')}, not {source}")
                results[name].append(result)
    return results


@contextlib.contextmanager
def latency_proxy(upstream: str, delay: float) -> Iterator[str]:
    """`upstream` itself without a delay; else a proxy process in front of it adding `delay` per request."""
    if not delay:
        yield upstream
        return
    port = free_port()
    command = [sys.executable, str(HERE / "latency_proxy.py"), "--port", str(port), "--upstream", upstream]
    with process([*command, "--delay", str(delay)], f"http://127.0.0.1:{port}", "the latency proxy") as url:
        yield url


def render(results: dict[str, list[dict[str, float]]], count: int) -> str:
    """The table: throughput and CPU per activity, each against the threads baseline of its round."""
    base = results["threads"]
    rows = []
    for name, runs in results.items():
        rates = [count / r["elapsed"] for r in runs]
        cpus = [1000 * r["cpu"] / (count * ACTIVITIES) for r in runs]
        rate_ratio = [
            (count / r["elapsed"]) / (count / b["elapsed"]) for r, b in zip(runs, base, strict=True)
        ]
        cpu_ratio = [r["cpu"] / b["cpu"] for r, b in zip(runs, base, strict=True)]
        rows.append(
            [VARIANTS[name][0], spread(rates, 1), spread(rate_ratio), spread(cpus), spread(cpu_ratio)]
        )
    missing = [VARIANTS[n][0] for n in VARIANTS if n not in results and n in ("crt",)]
    note = f"\n\nnot run (awscrt is not installed): {', '.join(missing)}" if missing else ""
    header = ["client", "workflows/s", "x threads", "client CPU per activity (ms)", "CPU x threads"]
    return table(header, rows) + note


def _flags(args: argparse.Namespace) -> list[tuple[str, str]]:
    """The options given on the command line other than --quick, for the table's command line."""
    flags = [("--rounds", args.rounds), ("--executions", args.executions), ("--variants", args.variants)]
    flags.append(("--baseline", args.baseline))
    return [(flag, str(value)) for flag, value in flags if value]


def _describe(ref: str) -> str:
    """A git revision's short hash and subject."""
    import subprocess

    done = subprocess.run(
        ["git", "-C", str(HERE.parent), "log", "-1", "--format=%h %s", ref],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip()[:100] or "unknown"


def main(argv: list[str] | None = None) -> int:
    """Runs the comparison, or (with ``--client``) one client."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: 1 round of 20 executions")
    parser.add_argument("--rounds", type=int, help="rounds of alternating runs (default 5)")
    parser.add_argument("--executions", type=int, help="measured executions per run (default 200)")
    parser.add_argument(
        "--variants", help="comma-separated variants (default: all but before): " + ",".join(VARIANTS)
    )
    parser.add_argument(
        "--baseline",
        metavar="REF",
        help="also run the aioswf client on aioswf as it was at this git revision (the 'before' variant)",
    )
    parser.add_argument("--client", choices=("threads", "raw", "aioswf"), help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--domain", help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, default=200, help=argparse.SUPPRESS)
    parser.add_argument("--warmup", type=int, default=20, help=argparse.SUPPRESS)
    parser.add_argument("--activity-delay", type=float, default=0.0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.client:
        run_one(args)
        return 0
    rounds = args.rounds or (1 if args.quick else 5)
    count = args.executions or (20 if args.quick else 200)
    names = args.variants.split(",") if args.variants else [name for name in VARIANTS if name != "before"]
    if "threads" not in names:
        names.insert(0, "threads")
    if args.baseline and "before" not in names:
        names.append("before")
    elif not args.baseline and "before" in names:
        parser.error("the 'before' variant needs --baseline REF")
    with contextlib.ExitStack() as stack:
        extra_env = {}
        if args.baseline:
            extra_env["before"] = {"PYTHONPATH": str(stack.enter_context(source_at(args.baseline)))}
        results = measure(names, rounds, count, warmup=max(5, count // 10), extra_env=extra_env)
    command = "python benchmarks/throughput.py" + (" --quick" if args.quick else "")
    command += "".join(f" {flag} {value}" for flag, value in _flags(args))
    body = render(results, count)
    body += (
        f"\n\n{count} executions of a {ACTIVITIES}-activity workflow per run, {rounds} round(s), "
        "median (min-max) over rounds; ratios against the threads client of the same round."
    )
    if args.baseline:
        body += f" The baseline revision is {args.baseline} ({_describe(args.baseline)})."
    report("Throughput (goal 1)", command, body)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    sys.exit(main())
