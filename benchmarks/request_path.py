"""The request-path options of issue 10, CPU per call, side by side in one process.

Each option is a `Connection` to the same local SWF server (its own process) sending the same mix of
small calls (``DescribeDomain``, ``StartWorkflowExecution``, ``SignalWorkflowExecution``,
``CountPendingActivityTasks``, ``RespondActivityTaskCompleted`` refused with ``UnknownResourceFault``).
Blocks of calls alternate between the options, and each block's CPU per call is divided by the block
of the plain botocore path next to it:

* botocore: the aiobotocore client as configured by aioswf (the path before this work);
* + user_agent: a fixed ``user_agent`` in the config (botocore then skips rebuilding it);
* + parameter_validation=False: botocore's validation off as well (aioswf validates its own input);
* + CRT signer: the same, signed by botocore's CRT signer (``pip install "botocore[crt]"``); botocore
  picks it at import, so these rows come from a second process, with its own plain botocore baseline;
* lean: `aioswf.wire`.

Run: ``.venv/bin/python benchmarks/request_path.py`` (``--quick`` for a smoke run).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import subprocess
import sys
import time
import uuid
from typing import Any

from harness import HERE, TEST_KEYS, local_server, report, spread, table

KEYS = {"region_name": "us-east-1", "aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
LABELS = {
    "botocore": "botocore path (as configured before)",
    "ua": "+ fixed user_agent",
    "novalidate": "+ user_agent + parameter_validation=False",
    "crt": "+ user_agent + no validation + CRT signer",
    "lean": "lean path (aioswf.wire)",
}


async def mix(conn: Any, domain: str, run_id: str, counter: list[int]) -> int:
    """One round of the call mix; returns how many calls it made."""
    from aioswf.exceptions import DoesNotExistError

    await conn.call("DescribeDomain", name=domain)
    counter[0] += 1
    await conn.call(
        "StartWorkflowExecution",
        domain=domain,
        workflowId=f"w{counter[0]}",
        workflowType={"name": "wf", "version": "1"},
    )
    await conn.call(
        "SignalWorkflowExecution", domain=domain, workflowId="w0", runId=run_id, signalName="s", input="x"
    )
    await conn.call("CountPendingActivityTasks", domain=domain, taskList={"name": "none"})
    try:
        await conn.call("RespondActivityTaskCompleted", taskToken="not-a-task", result="r")
    except DoesNotExistError:
        pass
    return 5


async def client(url: str, names: list[str], rounds: int, repeat: int) -> dict[str, list[float]]:
    """In this process: per option, per round, CPU per call divided by the plain botocore path's."""
    from aiobotocore.config import AioConfig

    import aioswf

    configs: dict[str, tuple[str, AioConfig | None]] = {
        "botocore": ("botocore", None),
        "ua": ("botocore", AioConfig(user_agent="aioswf-bench/1")),
        "novalidate": ("botocore", AioConfig(user_agent="aioswf-bench/1", parameter_validation=False)),
        "crt": ("botocore", AioConfig(user_agent="aioswf-bench/1", parameter_validation=False)),
        "lean": ("lean", None),
    }
    wanted = ["botocore", *[n for n in names if n != "botocore"]]
    conns = {
        name: aioswf.Connection(
            endpoint_url=url, request_path=configs[name][0], config=configs[name][1], **KEYS
        )
        for name in wanted
    }
    for conn in conns.values():
        await conn.open()
    try:
        setup = conns["botocore"]
        domain = f"rp-{uuid.uuid4().hex[:8]}"
        await setup.call("RegisterDomain", name=domain, workflowExecutionRetentionPeriodInDays="1")
        await setup.call(
            "RegisterWorkflowType",
            domain=domain,
            name="wf",
            version="1",
            defaultTaskStartToCloseTimeout="60",
            defaultExecutionStartToCloseTimeout="3600",
            defaultChildPolicy="TERMINATE",
            defaultTaskList={"name": "tl"},
        )
        started = await setup.call(
            "StartWorkflowExecution",
            domain=domain,
            workflowId="w0",
            workflowType={"name": "wf", "version": "1"},
        )
        counter = [0]

        async def block(conn: Any) -> float:
            began = time.process_time()
            calls = 0
            for _ in range(repeat):
                calls += await mix(conn, domain, started["runId"], counter)
            return (time.process_time() - began) / calls

        for conn in conns.values():
            await block(conn)
        ratios: dict[str, list[float]] = {name: [] for name in wanted}
        ratios["botocore ms"] = []
        for round_index in range(rounds):
            order = wanted if round_index % 2 == 0 else wanted[::-1]
            cpu = {name: await block(conns[name]) for name in order}
            for name in wanted:
                ratios[name].append(cpu[name] / cpu["botocore"])
            ratios["botocore ms"].append(cpu["botocore"] * 1000)
        return ratios
    finally:
        for conn in conns.values():
            await conn.close()


def run_process(url: str, names: list[str], rounds: int, repeat: int, crt: bool) -> dict[str, list[float]]:
    """Runs `client` in a fresh process (with or without botocore's CRT signer)."""
    env = {**os.environ, **TEST_KEYS, "BOTO_DISABLE_CRT": "false" if crt else "true"}
    argv = [sys.executable, str(HERE / "request_path.py"), "--client", url, "--names", ",".join(names)]
    argv += ["--rounds", str(rounds), "--repeat", str(repeat)]
    done = subprocess.run(argv, capture_output=True, text=True, env=env, check=False, timeout=900)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    result: dict[str, list[float]] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    """Runs the comparison (or, with ``--client``, one process of it)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run")
    parser.add_argument("--rounds", type=int)
    parser.add_argument("--repeat", type=int)
    parser.add_argument("--client", help=argparse.SUPPRESS)
    parser.add_argument("--names", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    rounds = args.rounds or (2 if args.quick else 9)
    repeat = args.repeat or (10 if args.quick else 60)
    if args.client:
        print(json.dumps(asyncio.run(client(args.client, args.names.split(","), rounds, repeat))))
        return 0
    with local_server() as url:
        plain = run_process(url, ["botocore", "ua", "novalidate", "lean"], rounds, repeat, crt=False)
        has_crt = importlib.util.find_spec("awscrt") is not None
        with_crt = run_process(url, ["botocore", "crt"], rounds, repeat, crt=True) if has_crt else None
    rows = [[LABELS["botocore"], spread(plain["botocore ms"], 3), "1.00"]]
    for name in ("ua", "novalidate"):
        rows.append([LABELS[name], "", spread(plain[name])])
    if with_crt is not None:
        rows.append(
            [
                LABELS["crt"],
                f"(its process's botocore path: {spread(with_crt['botocore ms'], 3)})",
                spread(with_crt["crt"]),
            ]
        )
    else:
        rows.append([LABELS["crt"], "not run: awscrt is not installed", ""])
    rows.append([LABELS["lean"], "", spread(plain["lean"])])
    body = table(["request path", "CPU per call (ms)", "CPU x botocore path"], rows)
    body += f"\n\n{repeat * 5} calls per block, {rounds} alternating rounds, median (min-max)."
    report(
        "Request-path options (goal 1)",
        "python benchmarks/request_path.py" + (" --quick" if args.quick else ""),
        body,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
