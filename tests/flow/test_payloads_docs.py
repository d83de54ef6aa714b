"""docs/flow-payloads.md: every snippet runs as written (its S3 one against moto's server)."""

from __future__ import annotations

import asyncio
import re
import runpy
from pathlib import Path

import pytest
from aiobotocore.session import AioSession

DOC = Path(__file__).resolve().parents[2] / "docs" / "flow-payloads.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)


async def create_bucket(endpoint: str, bucket: str) -> None:
    async with AioSession().create_client("s3", endpoint_url=endpoint) as s3:
        existing = {entry["Name"] for entry in (await s3.list_buckets())["Buckets"]}
        if bucket not in existing:
            await s3.create_bucket(Bucket=bucket)


def test_the_doc_has_its_snippets() -> None:
    assert len(BLOCKS) >= 6


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_a_snippet_runs_as_written(
    index: int, moto_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", moto_server)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    block = BLOCKS[index]
    if "S3PayloadStore(" in block:
        bucket = re.search(r'S3PayloadStore\("([^"]+)"', block)
        assert bucket is not None
        asyncio.run(create_bucket(moto_server, bucket.group(1)))
    script = tmp_path / f"snippet_{index}.py"
    script.write_text(block, encoding="utf-8")
    runpy.run_path(str(script), run_name="__main__")
