"""No decay: the local server's round-trip rate over 10,000 executions, first tenth against last tenth.

Executions accumulate (closed ones are retained for a day), so a server that scans all executions, or
whose memory costs grow with what it keeps, slows down as the run goes on; an indexed one does not.

A shared 2-CPU machine changes speed by a factor of two from one minute to the next, which swamps any
decay. So the run is a controlled comparison: a *loaded* server gets the 10,000 executions, and a *control*
server, whose domain keeps no closed execution (retention 0), stays as fresh as at the start. Batches of
100 executions alternate between the two, one at a time, so both see the same machine; each batch of
the loaded server is measured against the control batch next to it. The decay of the loaded server is
its normalised rate (loaded / control) in the last tenth against the first tenth. Raw rates print too.

Both servers run as processes (``python -m aioswf.local``); the driver and round trip are those of
``local_vs_moto.py``, 20 concurrent executions.

Run: ``.venv/bin/python benchmarks/decay.py`` (``--quick`` for a smoke run of 1,000 executions).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from local_vs_moto import Driver, machine, run_on, server_process, table

BATCH = 100


async def measure(
    loaded_url: str, control_url: str, total: int, concurrency: int
) -> list[tuple[float, float]]:
    """Alternate batches on the two servers; return (loaded rate, control rate) per batch."""
    domains = []
    for url, retention in ((loaded_url, 1), (control_url, 0)):
        setup = Driver(url)
        domains.append(await setup.setup(retention_days=retention))
        await setup.close()
    loaded_domain, control_domain = domains
    # Warm-up, not measured: first connections and first calls are not decay.
    await run_on(loaded_url, loaded_domain, range(total, total + 2 * BATCH), concurrency, [])
    await run_on(control_url, control_domain, range(total, total + 2 * BATCH), concurrency, [])
    rates = []
    for start in range(0, total, BATCH):
        pair = []
        for url, domain in ((loaded_url, loaded_domain), (control_url, control_domain)):
            began = time.perf_counter()
            await run_on(url, domain, range(start, start + BATCH), concurrency, [])
            pair.append(BATCH / (time.perf_counter() - began))
        rates.append((pair[0], pair[1]))
    return rates


def main(argv: list[str] | None = None) -> int:
    """Measure the loaded server against the control per tenth of the run and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a fast smoke run (1,000 executions)")
    parser.add_argument("--executions", type=int, help="executions in the run (default 10,000)")
    parser.add_argument("--concurrency", type=int, default=20, help="concurrent executions (default 20)")
    args = parser.parse_args(argv)
    total = args.executions or (1000 if args.quick else 10_000)
    total -= total % (10 * BATCH)
    with server_process("local") as loaded_url, server_process("local") as control_url:
        batches = asyncio.run(measure(loaded_url, control_url, total, args.concurrency))
    per_tenth = len(batches) // 10
    tenths = [batches[index * per_tenth : (index + 1) * per_tenth] for index in range(10)]
    loaded = [statistics.median(rate for rate, _ in tenth) for tenth in tenths]
    control = [statistics.median(rate for _, rate in tenth) for tenth in tenths]
    normalised = [statistics.median(rate / fresh for rate, fresh in tenth) for tenth in tenths]
    size = total // 10
    print(f"machine: {machine()}")
    print(
        f"{total:,} executions on the loaded server, as many on the fresh control, in alternating batches "
        f"of {BATCH}; {args.concurrency} concurrent; both servers in their own processes\n"
    )
    rows = [
        (
            f"{index + 1}",
            f"{index * size + 1:,}-{(index + 1) * size:,}",
            f"{loaded[index]:,.1f}",
            f"{control[index]:,.1f}",
            f"{normalised[index]:.2f}",
        )
        for index in range(10)
    ]
    print(
        table(
            rows,
            (
                "tenth",
                "executions",
                "loaded workflows/s",
                "control workflows/s",
                "loaded / control (median of batches)",
            ),
        )
    )
    ratio, raw_ratio = normalised[-1] / normalised[0], loaded[-1] / loaded[0]
    verdict = "holds" if ratio >= 0.9 else "does NOT hold"
    print(
        f"\nlast tenth / first tenth: {ratio:.2f} against the control (target >= 0.90: {verdict}); "
        f"{raw_ratio:.2f} in raw wall-clock rate, which includes the machine's own changes of speed"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
