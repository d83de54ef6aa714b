"""Goal 2: throughput, client CPU and memory when every request crosses a network and activities wait on I/O.

A TCP proxy process (`latency_proxy.py`) adds 20 ms to every request (a real network's round trip to AWS) in front of the local
SWF server, and every activity awaits I/O for 200 ms. The workload is throughput.py's 3-activity workflow.
One aioswf process with 200 concurrent activity slots (20 `ActivityWorker` of 10 slots, 20 `Decider`, one
event loop, the lean path) runs against boto3 with 20 + 20 poller threads (the seed's design; a thread
waits out each activity's 200 ms). Each runs in a fresh process, rounds alternate, and the table gives
workflows per second, client CPU per activity and peak RSS, with ratios against the threads client.

Run: ``.venv/bin/python benchmarks/latency.py`` (``--quick`` for a smoke run).
"""

from __future__ import annotations

import argparse
import sys

from harness import HERE, report, spread, table
from throughput import ACTIVITIES, measure

NAMES = {
    "threads": "boto3, 20 + 20 poller threads (baseline)",
    "lean": "aioswf, one loop, 200 activity slots",
}


def main(argv: list[str] | None = None) -> int:
    """Runs the comparison and prints its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: 1 round of 30 executions")
    parser.add_argument("--rounds", type=int, help="alternating rounds (default 3)")
    parser.add_argument("--executions", type=int, help="measured executions per run (default 200)")
    args = parser.parse_args(argv)
    rounds = args.rounds or (1 if args.quick else 3)
    count = args.executions or (30 if args.quick else 200)
    results = measure(
        ["threads", "lean"],
        rounds,
        count,
        warmup=max(5, count // 10),
        activity_delay=0.2,
        proxy_delay=0.02,
        extra_env={"lean": {"BENCH_SLOTS": "10"}},
    )
    base = results["threads"]
    rows = []
    for name, runs in results.items():
        rates = [count / r["elapsed"] for r in runs]
        cpus = [1000 * r["cpu"] / (count * ACTIVITIES) for r in runs]
        rss = [r["rss_mb"] for r in runs]
        rate_x = [b["elapsed"] / r["elapsed"] for r, b in zip(runs, base, strict=True)]
        cpu_x = [r["cpu"] / b["cpu"] for r, b in zip(runs, base, strict=True)]
        rss_x = [r["rss_mb"] / b["rss_mb"] for r, b in zip(runs, base, strict=True)]
        rows.append(
            [
                NAMES[name],
                spread(rates, 1),
                spread(rate_x),
                spread(cpus),
                spread(cpu_x),
                spread(rss, 0),
                spread(rss_x),
            ]
        )
    header = [
        "client",
        "workflows/s",
        "x threads",
        "client CPU per activity (ms)",
        "CPU x threads",
        "peak RSS (MB)",
        "RSS x threads",
    ]
    body = table(header, rows)
    body += (
        f"\n\n20 ms added per request, activities await 200 ms; {count} executions per run, {rounds} round(s), "
        "median (min-max)."
    )
    report(
        "Under latency (goal 2)", "python benchmarks/latency.py" + (" --quick" if args.quick else ""), body
    )
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    sys.exit(main())
