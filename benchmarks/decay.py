"""No decay: the local server's round-trip rate over 10,000 executions, first tenth against last tenth.

Executions accumulate (closed ones are retained for a day), so a server that scans all executions slows
down as the run goes on; an indexed one does not. The same round trip and driver as
``local_vs_moto.py``, 20 concurrent executions, the server in its own process.

A small machine shared with other work is noisy, so each tenth's rate is the median of the rates of its
ten hundredths (robust to a short burst of interference), and 200 warm-up executions run before the
measured ones (connection setup and first-call costs are not decay). Both raw and median figures print,
and so does the server's own cost: the CPU time its process spent per workflow in each tenth, read from
/proc. That figure is what a scan over all executions would inflate, and it hardly moves when another
process takes the CPU for a while, so the verdict is taken from it: the server's capacity in the last
tenth (workflows per CPU second) against the first tenth's.

Run: ``.venv/bin/python benchmarks/decay.py`` (``--quick`` for a smoke run of 1,000 executions).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from local_vs_moto import cpu_seconds, machine, run, server_process, table


def main(argv: list[str] | None = None) -> int:
    """Measure the rate per tenth of the run and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a fast smoke run (1,000 executions)")
    parser.add_argument("--executions", type=int, help="executions in the run (default 10,000)")
    parser.add_argument("--concurrency", type=int, default=20, help="concurrent executions (default 20)")
    args = parser.parse_args(argv)
    total = args.executions or (1000 if args.quick else 10_000)
    pids: list[int] = []
    samples: list[tuple[float, float]] = []  # (completion time, server CPU seconds) per workflow
    with server_process("local", pids) as url:
        hundredths = asyncio.run(
            run(
                url,
                total,
                args.concurrency,
                buckets=100,
                warmup=200,
                probe=lambda: cpu_seconds(pids[0]),
                samples=samples,
            )
        )
    size = total // 10
    rates = [statistics.median(hundredths[tenth * 10 : tenth * 10 + 10]) for tenth in range(10)]
    raw = [
        size / sum(size / 10 / rate for rate in hundredths[tenth * 10 : tenth * 10 + 10])
        for tenth in range(10)
    ]
    cpu_at = [samples[tenth * size][1] for tenth in range(11)]
    capacity = [size / max(cpu_at[tenth + 1] - cpu_at[tenth], 1e-9) for tenth in range(10)]
    print(f"machine: {machine()}")
    print(
        f"{total:,} executions, full round trips, {args.concurrency} concurrent, aioswf.local in its own process\n"
    )
    rows = [
        (
            f"{index + 1}",
            f"{index * size + 1:,}-{(index + 1) * size:,}",
            f"{raw[index]:,.1f}",
            f"{rate:,.1f}",
            f"{1e6 / capacity[index]:,.0f}",
            f"{capacity[index]:,.0f}",
        )
        for index, rate in enumerate(rates)
    ]
    print(
        table(
            rows,
            (
                "tenth",
                "executions",
                "workflows/s (whole tenth)",
                "workflows/s (median of hundredths)",
                "server CPU µs/workflow",
                "workflows per server CPU s",
            ),
        )
    )
    ratio, raw_ratio, capacity_ratio = rates[-1] / rates[0], raw[-1] / raw[0], capacity[-1] / capacity[0]
    verdict = "holds" if capacity_ratio >= 0.9 else "does NOT hold"
    print(
        f"\nlast tenth / first tenth: server capacity {capacity_ratio:.2f} (target >= 0.90: {verdict}); "
        f"wall-clock rate {ratio:.2f} by medians, {raw_ratio:.2f} whole"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
