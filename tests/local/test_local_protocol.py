"""The wire protocol: SWF's JSON 1.0 over HTTP, faults botocore understands, every operation served."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from typing import Any

import aiohttp
import boto3
import botocore.exceptions
import pytest
from botocore.config import Config
from swf_scenario import Scenario, unique

from aioswf.local import LocalSWF, LocalSWFThread, output_violations
from aioswf.local.shapes import service_model

HEADERS = {"Content-Type": "application/x-amz-json-1.0"}


async def _raw(local: LocalSWF, target: str | None, body: bytes) -> tuple[int, Any]:
    headers = dict(HEADERS)
    if target is not None:
        headers["X-Amz-Target"] = target
    async with (
        aiohttp.ClientSession() as session,
        session.post(local.endpoint_url, data=body, headers=headers) as reply,
    ):
        return reply.status, json.loads(await reply.read())


def test_every_operation_of_the_model_has_a_handler(local: LocalSWF) -> None:
    assert local.engine.operations == sorted(service_model().operation_names)
    assert len(local.engine.operations) == 39


async def test_an_unknown_target_is_an_unknown_operation(local: LocalSWF) -> None:
    status, body = await _raw(local, "SimpleWorkflowService.Nope", b"{}")
    assert status == 400
    assert body["__type"].endswith("#UnknownOperationException")


async def test_a_body_that_is_not_json_is_a_serialization_exception(local: LocalSWF) -> None:
    for garbage in (b"{nope", b"[]", b'"text"', b"\xff\xfe", b'{"registrationStatus": 5}'):
        status, body = await _raw(local, "SimpleWorkflowService.ListDomains", garbage)
        assert status == 400
        assert body["__type"] == "com.amazon.coral.service#SerializationException", garbage


async def test_faults_carry_swf_codes_and_become_botocore_modelled_exceptions(client: Any) -> None:
    with pytest.raises(client.exceptions.UnknownResourceFault):
        await client.describe_domain(name=unique("missing"))
    name = unique("dom")
    await client.register_domain(name=name, workflowExecutionRetentionPeriodInDays="1")
    with pytest.raises(client.exceptions.DomainAlreadyExistsFault):
        await client.register_domain(name=name, workflowExecutionRetentionPeriodInDays="1")


async def test_parameters_outside_the_model_are_a_validation_exception(client: Any) -> None:
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        await client.list_domains(registrationStatus="SOMETIMES")
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    assert "registrationStatus" in caught.value.response["Error"]["Message"]


async def test_a_retention_above_90_days_is_refused(client: Any) -> None:
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        await client.register_domain(name=unique("dom"), workflowExecutionRetentionPeriodInDays="91")
    assert caught.value.response["Error"]["Code"] == "ValidationException"


async def test_the_server_accepts_unsigned_requests(local: LocalSWF) -> None:
    status, body = await _raw(
        local, "SimpleWorkflowService.ListDomains", b'{"registrationStatus": "REGISTERED"}'
    )
    assert status == 200
    assert "domainInfos" in body


def test_the_output_check_reports_departures_from_the_model() -> None:
    assert output_violations("DescribeDomain", {"domainInfo": {"name": "d", "status": "MAYBE"}}) == [
        "DescribeDomain: missing required member 'configuration'",
        "DescribeDomain.domainInfo.status: 'MAYBE' is not one of ['REGISTERED', 'DEPRECATED']",
    ]
    assert output_violations("PollForActivityTask", {"taskToken": "", "startedEventId": 0}) == []
    assert output_violations("RegisterDomain", {"x": 1}) != []


async def test_connection_reaches_the_server(local: LocalSWF) -> None:
    async with local.connection() as conn:
        result = await conn.call("ListDomains", registrationStatus="REGISTERED")
    assert "domainInfos" in result


async def test_a_server_cannot_be_started_twice_and_stops_idempotently() -> None:
    local = LocalSWF(poll_wait=0.1)
    with pytest.raises(RuntimeError):
        _ = local.endpoint_url
    async with local:
        with pytest.raises(RuntimeError):
            await local.start()
    await local.stop()
    with pytest.raises(RuntimeError):
        await local.start()


def test_the_thread_runner_serves_boto3() -> None:
    with LocalSWFThread(poll_wait=0.1) as local:
        client = boto3.client(
            "swf",
            endpoint_url=local.endpoint_url,
            region_name="us-east-1",
            aws_access_key_id="x",
            aws_secret_access_key="x",
            config=Config(retries={"total_max_attempts": 1}),
        )
        client.register_domain(name="threaded", workflowExecutionRetentionPeriodInDays="1")
        assert client.describe_domain(name="threaded")["domainInfo"]["status"] == "REGISTERED"
        assert "taskToken" not in client.poll_for_activity_task(domain="threaded", taskList={"name": "t"})
        client.close()
        assert local.server.checker is not None
        assert local.server.violations == []


def test_local_swf_in_thread_is_the_thread_runner() -> None:
    runner = LocalSWF.in_thread(poll_wait=0.1)
    assert isinstance(runner, LocalSWFThread)
    runner.stop()


@pytest.mark.slow
def test_the_process_runner_prints_its_address_logs_requests_and_stops_on_ctrl_c() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "aioswf.local", "--port", "0", "--poll-wait", "0.1", "-v"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert "listening on http://127.0.0.1:" in line
        url = line.split("listening on ")[1].split()[0]
        client = boto3.client(
            "swf", endpoint_url=url, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
        )
        client.list_domains(registrationStatus="REGISTERED")
        client.close()
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=10)
        assert process.returncode == 0
        assert "stopped" in out
        assert "ListDomains -> 200" in err
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


async def test_concurrent_requests_do_not_block_each_other(scenario: Scenario) -> None:
    polls = [asyncio.ensure_future(scenario.poll_activity(unique("idle"))) for _ in range(5)]
    await scenario.client.list_domains(registrationStatus="REGISTERED")
    assert not any(poll.done() for poll in polls)
    results = await asyncio.gather(*polls)
    assert all("taskToken" not in result for result in results)


async def test_reset_forgets_everything(manual: LocalSWF, manual_client: Any) -> None:
    scenario = await Scenario(manual_client).setup()
    await scenario.start()
    manual.reset()
    with pytest.raises(manual_client.exceptions.UnknownResourceFault):
        await manual_client.describe_domain(name=scenario.domain)
    await Scenario(manual_client).setup()
    manual.clock.advance(10**6)  # type: ignore[attr-defined]
