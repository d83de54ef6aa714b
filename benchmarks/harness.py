"""What the benchmarks share: the machine's description, a local SWF server process, client processes
measured by their own getrusage, and tables of ratios with their spread.

Every comparison runs its sides in separate, fresh processes, one after the other and in alternating
order, against the same server; each round's numbers are turned into ratios against the baseline of the
same round, and a table gives the median ratio with its range over the rounds. A shared 2-CPU machine
changes speed from one minute to the next, so only numbers taken side by side are compared.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import platform
import re
import resource
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

#: Keys the local server and boto3 are given; they are checked by neither.
TEST_KEYS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def machine() -> str:
    """The machine: platform, CPU model and count, Python."""
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


def load_average() -> str:
    """The 1-minute load average, to show how busy the machine was."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "?"


def use_test_keys() -> None:
    """Gives this process the test keys, for setup calls made with boto3."""
    for name, value in TEST_KEYS.items():
        os.environ.setdefault(name, value)


def free_port() -> int:
    """A port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cpu_seconds() -> float:
    """CPU seconds (user + system) this process has used, all threads included."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def rss_mb() -> float:
    """This process's resident memory now, in MB."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            match = re.search(r"VmRSS:\s+(\d+) kB", status.read())
        if match:
            return int(match.group(1)) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _wait_for_http(url: str, process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            request = urllib.request.Request(
                url,
                data=b"{}",
                headers={
                    "Content-Type": "application/x-amz-json-1.0",
                    "X-Amz-Target": "SimpleWorkflowService.ListDomains",
                },
            )
            urllib.request.urlopen(request, timeout=1).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"{what} did not start") from None
            time.sleep(0.1)


@contextlib.contextmanager
def process(command: Sequence[str], url: str, what: str) -> Iterator[str]:
    """Runs a server process until the block ends; yields its URL once it answers."""
    child = subprocess.Popen(list(command), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for_http(url, child, what)
        yield url
    finally:
        child.terminate()
        try:
            child.wait(10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


@contextlib.contextmanager
def local_server(poll_wait: float = 5.0) -> Iterator[str]:
    """The local SWF server in a process of its own (``python -m aioswf.local``); yields its URL."""
    port = free_port()
    command = [sys.executable, "-m", "aioswf.local", "--port", str(port), "--poll-wait", str(poll_wait)]
    with process(command, f"http://127.0.0.1:{port}", "the local SWF server") as url:
        yield url


def run_client(
    script: Path, args: Sequence[str], env: dict[str, str] | None = None, timeout: float = 600
) -> Any:
    """Runs one measured client as a fresh process; returns the JSON it prints on its last line."""
    full_env = {**os.environ, **TEST_KEYS, **(env or {})}
    done = subprocess.run(
        [sys.executable, str(script), *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{script.name} {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


@contextlib.contextmanager
def source_at(ref: str) -> Iterator[Path]:
    """aioswf's ``src`` directory as it was at a git revision, extracted into a temporary directory.

    A client process given ``PYTHONPATH`` set to it imports that aioswf instead of the working tree's
    (``PYTHONPATH`` comes before the editable install's path entry), so a change can be measured against
    the code before it in the same run, on the same server, in alternating rounds.
    """
    with tempfile.TemporaryDirectory(prefix="aioswf-baseline-") as temp:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", "--format=tar", ref, "src"],
            capture_output=True,
            check=True,
        ).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(temp, filter="data")
        yield Path(temp) / "src"


def spread(values: Sequence[float], digits: int = 2) -> str:
    """A median with its range: ``"1.23 (1.10-1.31)"``; just the value for one round."""
    if not values:
        return "-"
    median = statistics.median(values)
    if len(values) == 1:
        return f"{median:.{digits}f}"
    return f"{median:.{digits}f} ({min(values):.{digits}f}-{max(values):.{digits}f})"


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def report(title: str, command: str, body: str) -> None:
    """Prints a benchmark's result: title, machine, command, load, then the table(s)."""
    print(f"\n## {title}\n")
    print(f"machine: {machine()}  ")
    print(f"command: `{command}`  ")
    print(f"load average at the end: {load_average()}\n")
    print(body)
    sys.stdout.flush()
