"""A bounded fuzz suite of the local server's wire protocol: every operation, every decision type, raw HTTP.

Each property runs a fixed number of derandomized examples (no example database), so the suite is as
deterministic as the server and takes a fixed share of CI. The server runs in a thread with every
response checked against botocore's output shapes; the suite talks to it over plain sockets, so that
nothing a client library would refuse to send is out of reach.

What must hold, whatever is sent:

* an SWF request is answered 200 (with a body that fits its output shape) or 400 with an SWF fault,
  never 5xx; no fault message quotes a task token;
* a decision list is either applied whole (the history grows from ``DecisionTaskCompleted``) or refused
  whole (history and open counts unchanged, the decision task still the decider's);
* any bytes at all leave the server answering the next client; a request split anywhere is answered as
  if it came in one piece; mangled framing is refused with a 4xx, never a 5xx or a hang.
"""

from __future__ import annotations

import itertools
import json
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from raw_http import Response, SyncConnection, chunked, request
from swf_strategies import (
    ACTIVITY,
    DECISION_TYPES,
    DECISIONS,
    DOMAIN,
    TOKENS,
    WORKFLOW,
    decision_of,
    request_for,
)

from aioswf.local import LocalSWFThread
from aioswf.local.shapes import service_model

FUZZ = settings(
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
OPERATIONS = sorted(service_model().operation_names)
SWF_FAULTS = {"SerializationException", "UnknownOperationException", "ValidationException"} | {
    shape for shape in service_model().shape_names if shape.endswith("Fault")
}
DECIDING = "fuzz-deciding"
"""The domain of the decision-list suite (no generated request names it)."""
_counter = itertools.count()


class Fuzzed:
    """The server under fuzz, a keep-alive connection to it, and what the suite learned of it."""

    def __init__(self, local: LocalSWFThread) -> None:
        self.local = local
        self.host, self.port = local.server.host, local.server.port
        self.connection = SyncConnection(self.host, self.port)

    def call(self, operation: str, **params: Any) -> Response:
        return self.connection.call(operation, **params)

    def ok(self, operation: str, **params: Any) -> Json:
        response = self.call(operation, **params)
        assert response.status == 200, (operation, response.status, response.body[:300])
        result: Json = response.json()
        return result

    def harvest_tokens(self) -> None:
        """Poll a decision and an activity task, so that real (live) tokens reach the requests."""
        for operation, task_list in (
            ("PollForDecisionTask", "fuzz-decisions"),
            ("PollForActivityTask", "fuzz-work"),
        ):
            task = self.ok(operation, domain=DOMAIN, taskList={"name": task_list})
            if task.get("taskToken"):
                TOKENS.append(task["taskToken"])
        del TOKENS[:-40]

    def alive(self) -> None:
        """The server still answers a plain request on a fresh connection."""
        fresh = SyncConnection(self.host, self.port)
        try:
            response = fresh.call("ListDomains", registrationStatus="REGISTERED")
        finally:
            fresh.close()
        assert response.status == 200


Json = dict[str, Any]


@pytest.fixture(scope="module")
def fuzzed() -> Iterator[Fuzzed]:
    with LocalSWFThread(
        poll_wait=0,
        body_timeout=0.3,
        idle_timeout=5,
        check_responses=True,
        lambda_functions={"echo": lambda payload: payload},
    ) as local:
        target = Fuzzed(local)
        # Two domains: the requests of the operation suite may deprecate or delete anything in theirs.
        for domain in (DOMAIN, DECIDING):
            target.ok("RegisterDomain", name=domain, workflowExecutionRetentionPeriodInDays="1")
            target.ok(
                "RegisterWorkflowType",
                domain=domain,
                **WORKFLOW,
                defaultTaskList={"name": "fuzz-decisions"},
                defaultExecutionStartToCloseTimeout="3600",
                defaultTaskStartToCloseTimeout="60",
                defaultChildPolicy="TERMINATE",
            )
            target.ok(
                "RegisterActivityType",
                domain=domain,
                **ACTIVITY,
                defaultTaskList={"name": "fuzz-work"},
                defaultTaskScheduleToStartTimeout="60",
                defaultTaskScheduleToCloseTimeout="120",
                defaultTaskStartToCloseTimeout="60",
            )
        for workflow_id in ("w0", "w1", "w2"):
            target.ok("StartWorkflowExecution", domain=DOMAIN, workflowId=workflow_id, workflowType=WORKFLOW)
        target.harvest_tokens()
        yield target
        target.connection.close()
        assert local.server.violations == [], "responses departed from the SWF model"


def _assert_swf_answer(operation: str, response: Response | None) -> None:
    assert response is not None, f"{operation}: the server closed the connection"
    assert response.status in (200, 400), (operation, response.status, response.body[:500])
    body = response.json()
    assert isinstance(body, dict)
    if response.status == 400:
        assert isinstance(body.get("message"), str)
        assert response.fault in SWF_FAULTS, body
        for token in TOKENS:  # not even a piece of one
            assert not any(token[i : i + 8] in body["message"] for i in range(len(token) - 7)), body


# -- every operation --------------------------------------------------------------------------------


@pytest.mark.parametrize("operation", OPERATIONS)
@settings(FUZZ, max_examples=20)
@given(data=st.data())
def test_every_operation_answers_any_request_within_the_protocol(
    fuzzed: Fuzzed, operation: str, data: st.DataObject
) -> None:
    params = data.draw(request_for(operation), label="request")
    if data.draw(st.integers(0, 3), label="harvest") == 0:
        fuzzed.harvest_tokens()
    response = fuzzed.connection.exchange(request(operation, params))
    _assert_swf_answer(operation, response)
    assert response is not None
    event(f"{response.status} {response.fault}")


# -- every decision type ----------------------------------------------------------------------------


def _history(fuzzed: Fuzzed, execution: Json) -> list[Json]:
    events: list[Json] = fuzzed.ok("GetWorkflowExecutionHistory", domain=DECIDING, execution=execution)[
        "events"
    ]
    return events


def _decide_whole_or_not_at_all(fuzzed: Fuzzed, decisions: list[Json]) -> Response:
    """Answer a fresh execution's first decision task with ``decisions``; check all or nothing happened."""
    number = next(_counter)
    task_list = f"decide-{number}"
    run = fuzzed.ok(
        "StartWorkflowExecution",
        domain=DECIDING,
        workflowId=f"d{number}",
        workflowType=WORKFLOW,
        taskList={"name": task_list},
        lambdaRole="arn:aws:iam::123456789012:role/fuzz",
    )
    execution = {"workflowId": f"d{number}", "runId": run["runId"]}
    task = fuzzed.ok("PollForDecisionTask", domain=DECIDING, taskList={"name": task_list})
    token = task["taskToken"]
    before = _history(fuzzed, execution)
    counts = fuzzed.ok("DescribeWorkflowExecution", domain=DECIDING, execution=execution)["openCounts"]
    response = fuzzed.connection.exchange(
        request("RespondDecisionTaskCompleted", {"taskToken": token, "decisions": decisions})
    )
    _assert_swf_answer("RespondDecisionTaskCompleted", response)
    assert response is not None
    after = _history(fuzzed, execution)
    if response.status == 400:
        assert response.fault in ("ValidationException", "SerializationException"), response.body
        assert after == before, "a refused decision list changed the history"
        again = fuzzed.ok("DescribeWorkflowExecution", domain=DECIDING, execution=execution)["openCounts"]
        assert again == counts
        fuzzed.ok("RespondDecisionTaskCompleted", taskToken=token, decisions=[])  # still the decider's
    else:
        assert after[: len(before)] == before
        assert after[len(before)]["eventType"] == "DecisionTaskCompleted"
    assert [event["eventId"] for event in after] == list(range(1, len(after) + 1))
    return response


@pytest.mark.parametrize("decision_type", DECISION_TYPES)
@settings(FUZZ, max_examples=20)
@given(data=st.data())
def test_any_decision_list_is_applied_whole_or_not_at_all(
    fuzzed: Fuzzed, decision_type: str, data: st.DataObject
) -> None:
    others = data.draw(st.lists(DECISIONS, max_size=3), label="others")
    position = data.draw(st.integers(0, len(others)), label="position")
    main = data.draw(decision_of(decision_type, one_in=4), label="decision")
    response = _decide_whole_or_not_at_all(fuzzed, [*others[:position], main, *others[position:]])
    event(f"{response.status} {response.fault}")


def _schedule(**attributes: Any) -> Json:
    return {
        "decisionType": "ScheduleActivityTask",
        "scheduleActivityTaskDecisionAttributes": {
            "activityType": ACTIVITY,
            "activityId": "a0",
            **attributes,
        },
    }


SEEDS = {
    "a word for a priority": [_schedule(taskPriority="high")],
    "a priority of 40,000 digits": [_schedule(taskPriority="9" * 40_000)],
    "a priority past 32 bits": [_schedule(taskPriority="2147483648")],
    "a valid decision, then a bad one": [
        _schedule(),
        {
            "decisionType": "StartTimer",
            "startTimerDecisionAttributes": {"timerId": "t", "startToFireTimeout": "x"},
        },
    ],
    "a child without an execution timeout": [
        {
            "decisionType": "StartChildWorkflowExecution",
            "startChildWorkflowExecutionDecisionAttributes": {
                "workflowType": WORKFLOW,
                "workflowId": "kid-none",
                "executionStartToCloseTimeout": "NONE",
            },
        }
    ],
    "continue-as-new without an execution timeout": [
        {
            "decisionType": "ContinueAsNewWorkflowExecution",
            "continueAsNewWorkflowExecutionDecisionAttributes": {"executionStartToCloseTimeout": "NONE"},
        }
    ],
    "a missing activity id": [
        {
            "decisionType": "ScheduleActivityTask",
            "scheduleActivityTaskDecisionAttributes": {"activityType": ACTIVITY},
        }
    ],
    "a timer that never fires": [
        {
            "decisionType": "StartTimer",
            "startTimerDecisionAttributes": {"timerId": "t", "startToFireTimeout": "NONE"},
        }
    ],
}


@pytest.mark.parametrize("decisions", list(SEEDS.values()), ids=list(SEEDS))
def test_decision_lists_that_once_broke_the_server_are_applied_whole_or_not_at_all(
    fuzzed: Fuzzed, decisions: list[Json]
) -> None:
    _decide_whole_or_not_at_all(fuzzed, decisions)


# -- raw HTTP ---------------------------------------------------------------------------------------


PIPELINED = {
    "listing": (request("ListDomains", {"registrationStatus": "REGISTERED"}), 200),
    "missing": (request("DescribeDomain", {"name": "never-registered"}), 400),
    "put": (b"PUT / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n", 405),
    "console": (b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n", 200),
    "chunked": (chunked("ListDomains", [b'{"registrationStatus"', b':"DEPRECATED"}']), 200),
}


@settings(FUZZ, max_examples=12)
@given(
    st.lists(st.sampled_from(sorted(PIPELINED)), min_size=1, max_size=8),
    st.sampled_from([1, 10, 100, 400, 1000]),
)
@example(["put"], 3000)  # once answered by recursion: the connection died after 979
def test_pipelined_requests_are_all_answered_in_order(fuzzed: Fuzzed, kinds: list[str], repeat: int) -> None:
    sequence = [kind for kind in kinds for _ in range(repeat)]
    payload = b"".join(PIPELINED[kind][0] for kind in sequence) + _listing({"Connection": "close"})
    responses = _read_all(fuzzed.host, fuzzed.port, payload)
    assert [response.status for response in responses] == [PIPELINED[kind][1] for kind in sequence] + [200]


def _listing(extra: dict[str, str] | None = None) -> bytes:
    return request("ListDomains", {"registrationStatus": "REGISTERED"}, headers=extra)


def _read_all(host: str, port: int, payload: bytes, pieces: list[int] | None = None) -> list[Response]:
    """Send ``payload`` (in pieces when given), then read every response until the server closes."""
    with socket.create_connection((host, port), timeout=5) as sock:
        if pieces:
            cuts = sorted({cut % len(payload) for cut in pieces} | {0, len(payload)})
            for start, end in itertools.pairwise(cuts):
                sock.sendall(payload[start:end])
                time.sleep(0.0005)
        else:
            try:
                sock.sendall(payload)
            except ConnectionError:
                pass
        received = b""
        try:
            while data := sock.recv(65536):
                received += data
        except ConnectionError:
            pass
        except TimeoutError:
            pytest.fail(f"the server neither answered nor closed the connection: {received[:300]!r}")
    return _split_responses(received)


def _split_responses(raw: bytes) -> list[Response]:
    responses = []
    while raw:
        head, found, rest = raw.partition(b"\r\n\r\n")
        assert found, f"a truncated response: {raw[:200]!r}"
        lines = head.decode("latin-1").split("\r\n")
        assert lines[0].startswith("HTTP/1."), lines[0]
        headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        length = int(headers.get("content-length", "0"))
        responses.append(Response(int(lines[0].split()[1]), headers, rest[:length]))
        raw = rest[length:]
    return [response for response in responses if response.status != 100]


def _assert_refused_cleanly(responses: list[Response]) -> None:
    for response in responses:
        assert response.status < 500 or response.status in (501, 505), (response.status, response.body[:300])


@settings(FUZZ, max_examples=100)
@given(st.lists(st.binary(max_size=300), max_size=6))
def test_any_bytes_leave_the_server_answering(fuzzed: Fuzzed, chunks: list[bytes]) -> None:
    payload = b"".join(chunks) + _listing({"Connection": "close"})
    _assert_refused_cleanly(_read_all(fuzzed.host, fuzzed.port, payload))
    fuzzed.alive()


@settings(FUZZ, max_examples=40)
@given(st.lists(st.integers(min_value=1, max_value=10_000), min_size=1, max_size=6))
def test_a_request_split_anywhere_gets_the_same_answers(fuzzed: Fuzzed, cuts: list[int]) -> None:
    payload = _listing() + chunked("ListDomains", [b'{"registrationStatus":', b'"REGISTERED"}'])
    payload += _listing({"Connection": "close"})
    responses = _read_all(fuzzed.host, fuzzed.port, payload, cuts)
    assert [response.status for response in responses] == [200, 200, 200]
    assert len({response.body for response in responses}) == 1


def _nested(depth: int, opener: bytes, closer: bytes) -> bytes:
    return opener * depth + closer * depth


BODIES = st.one_of(
    st.builds(lambda: json.dumps({"registrationStatus": "REGISTERED"}).encode()),
    st.binary(max_size=200),
    st.integers(1, 5000).map(lambda depth: _nested(depth, b"[", b"]")),
    st.integers(1, 5000).map(
        lambda depth: b'{"registrationStatus": "REGISTERED", "x": ' + _nested(depth, b"[", b"]") + b"}"
    ),
    st.integers(1, 3000).map(lambda depth: b'{"a":' * depth + b"1" + b"}" * depth),
    st.sampled_from(
        [b"", b"null", b"[]", b"NaN", b"1" * 5000, b'{"registrationStatus": "REGISTERED"', b"\xef\xbb\xbf{}"]
    ),
    st.text(max_size=50).map(lambda text: json.dumps({"registrationStatus": text}).encode()),
)
HEADERS = st.lists(
    st.sampled_from(
        [
            ("Expect", "100-continue"),
            ("Connection", "keep-alive"),
            ("Content-Encoding", "gzip"),
            ("Transfer-Encoding", "gzip"),
            ("X-Amz-Target", "SimpleWorkflowService.DescribeDomain"),
            ("X-Long", "v" * 9000),
            ("Bad Name", "x"),
            ("X-Nul", "a\x00b"),
            ("Host", "other"),
            ("Content-Type", "text/plain"),
        ]
    ),
    max_size=3,
)


MUTATIONS = ("method", "path", "version", "operation", "body", "framing", "headers")


@st.composite
def mangled_requests(draw: st.DrawFn) -> bytes:
    """A request to ``POST /`` with up to three of its parts wrong: method, target, headers, framing, body."""
    wrong = draw(st.sets(st.sampled_from(MUTATIONS), max_size=3))

    def pick(part: str, right: Any, wrongs: list[Any]) -> Any:
        return draw(st.sampled_from(wrongs)) if part in wrong else right

    method = pick("method", "POST", ["GET", "PUT", "post", "PO ST", "", "CONNECT"])
    path = pick("path", "/", ["/x", "*", "//", "/?a=1", "", "http://host/"])
    version = pick("version", "HTTP/1.1", ["HTTP/1.0", "HTTP/2", "HTTP/9.9", "ICY", "HTTP/1.1 x"])
    operation = pick("operation", "ListDomains", ["PollForActivityTask", "Nope", "", "ListDomains\u2028"])
    body = draw(BODIES) if "body" in wrong else json.dumps({"registrationStatus": "REGISTERED"}).encode()
    framing = pick(
        "framing",
        draw(st.sampled_from(["length", "chunked"])),
        ["none", "short", "long", "both", "bad", "junk"],
    )
    lines = [
        f"{method} {path} {version}",
        "Host: localhost",
        f"X-Amz-Target: SimpleWorkflowService.{operation}",
    ]
    if "headers" in wrong:
        lines += [f"{name}: {value}" for name, value in draw(HEADERS)]
    if framing in ("chunked", "both"):
        sizes = draw(st.lists(st.integers(1, 64), max_size=8))
        pieces, rest = [], body
        for size in sizes:
            pieces.append(rest[:size])
            rest = rest[size:]
        pieces.append(rest)
        lines.append("Transfer-Encoding: chunked")
        if framing == "both":
            lines.append(f"Content-Length: {len(body)}")
        encoded = b"".join(f"{len(p):x}\r\n".encode() + p + b"\r\n" for p in pieces if p) + b"0\r\n\r\n"
    elif framing == "junk":
        lines.append("Transfer-Encoding: chunked")
        encoded = draw(
            st.sampled_from(
                [b"zz\r\n", b"ffffffffffffffffffff\r\nx", b"1;ext=\x01\r\nx\r\n0\r\n\r\n", b"-1\r\n"]
            )
        )
    else:
        lengths = {"length": len(body), "none": None, "short": max(0, len(body) - 3), "long": len(body) + 10}
        if framing == "bad":
            lines.append(
                draw(st.sampled_from(["Content-Length: -1", "Content-Length: 1e3", "Content-Length: 5, 6"]))
            )
        elif lengths.get(framing) is not None:
            lines.append(f"Content-Length: {lengths[framing]}")
        encoded = body
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8", "surrogateescape") + encoded


@settings(FUZZ, max_examples=150)
@given(mangled_requests())
@example(
    request("ListDomains", b"", length=False, headers={"Transfer-Encoding": "chunked"}) + b"10000000\r\n"
)
@example(request("ListDomains", b"[" * 100_000))
def test_mangled_framing_is_refused_cleanly(fuzzed: Fuzzed, payload: bytes) -> None:
    responses = _read_all(fuzzed.host, fuzzed.port, payload + _listing({"Connection": "close"}))
    event(" ".join(str(response.status) for response in responses))
    _assert_refused_cleanly(responses)
    for response in responses:
        if response.status in (400, 413) and response.body.startswith(b"{"):
            assert isinstance(response.json().get("__type"), str)
    fuzzed.alive()
