"""Fuzzing the public API that sends requests: refused before any request, or sent within SWF's rules.

The connection points at a port where nothing listens, so every request that goes out fails at once with a
`TransportError`; botocore's ``before-send`` hook records each request's body just before it would go on
the wire. The property: a call raises an error of the aioswf tree (a `ValidationError` with nothing sent,
or the `TransportError` of a request sent), and every request sent is one SWF would accept.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiobotocore.config import AioConfig
from fuzz_support import (
    EDGE_VALUES,
    SERVICE_MODEL,
    anything,
    bounded,
    durations,
    good_durations,
    good_names,
    good_priorities,
    mostly,
    names,
    numbers,
    one_hostile,
    payloads,
    request_objections,
    sized,
    texts,
)
from hypothesis import currently_in_test_context, event, given
from hypothesis import strategies as st

import aioswf
from aioswf.actors import ActivityWorker, Decider
from aioswf.exceptions import SWFError, TransportError, ValidationError
from aioswf.models import ActivityType, Domain, WorkflowExecution, WorkflowType
from aioswf.models.decision import ActivityTaskDecision, TimerDecision, WorkflowExecutionDecision
from aioswf.querysets import WorkflowExecutionQuerySet


class Wire:
    """The requests a connection put on the wire: (operation, JSON body)."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, bytes]] = []

    def __call__(self, request: Any, **kwargs: Any) -> None:
        target = request.headers.get("X-Amz-Target", b"")
        operation = (target.decode() if isinstance(target, bytes) else target).rsplit(".", 1)[-1]
        self.requests.append((operation, request.body or b""))


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
async def nowhere() -> AsyncIterator[tuple[aioswf.Connection, Wire]]:
    config = AioConfig(retries={"total_max_attempts": 1}, connect_timeout=2)
    async with aioswf.Connection(
        region_name="us-east-1",
        endpoint_url=f"http://127.0.0.1:{closed_port()}",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=config,
    ) as conn:
        wire = Wire()
        conn.client.meta.events.register("before-send.swf", wire)
        yield conn, wire


def note(what: str) -> None:
    if currently_in_test_context():  # the sweeps run outside hypothesis
        event(what)


async def sent_or_refused(wire: Wire, call: Any) -> None:
    """Awaits `call`; checks it was refused before any request, or that what it sent SWF would take."""
    wire.requests.clear()
    try:
        await call
    except ValidationError:
        assert wire.requests == [], "a ValidationError comes before any request"
        note("refused before sending")
        return
    except TransportError:
        assert wire.requests, "the request was sent to a closed port"
        note("sent")
    except SWFError as error:
        note(f"refused: {type(error).__name__}")
    for operation, body in wire.requests:
        assert request_objections(operation, body) == []


@bounded(60)
@given(
    name=good_names,
    version=good_names,
    arguments=one_hostile(
        workflow_id=(good_names, sized(256)),
        task_list=(good_names, sized(256)),
        child_policy=(st.sampled_from(["TERMINATE", "REQUEST_CANCEL"]), st.sampled_from(["abandon", 1])),
        execution_timeout=(good_durations, durations),
        input=(payloads, st.one_of(sized(32_768), anything)),
        tag_list=(st.lists(good_names, max_size=5), st.lists(sized(256), max_size=7)),
        decision_tasks_timeout=(good_durations, durations),
        task_priority=(good_priorities, st.one_of(numbers, texts(12))),
        lambda_role=(st.just("arn:aws:iam::123456789012:role/swf"), sized(1600)),
    ),
)
async def test_starting_an_execution(
    nowhere: tuple[aioswf.Connection, Wire], name: Any, version: Any, arguments: dict[str, Any]
) -> None:
    conn, wire = nowhere
    try:
        workflow_type = WorkflowType("d", name, version, connection=conn)
    except ValidationError:
        event("type refused")
        return
    await sent_or_refused(wire, workflow_type.start_execution(**arguments))


@bounded(50)
@given(
    kind=st.sampled_from(["domain", "workflow", "activity"]),
    name=good_names,
    version=good_names,
    retention=st.one_of(st.integers(min_value=0, max_value=90), numbers),
    arguments=one_hostile(
        description=(st.text(max_size=40), sized(1024)),
        task_list=(good_names, sized(256)),
        task_priority=(good_priorities, st.one_of(numbers, texts(12))),
        first=(good_durations, durations),
        second=(good_durations, durations),
        third=(good_durations, durations),
        fourth=(good_durations, durations),
    ),
)
async def test_registering(
    nowhere: tuple[aioswf.Connection, Wire],
    kind: str,
    name: Any,
    version: Any,
    retention: Any,
    arguments: dict[str, Any],
) -> None:
    conn, wire = nowhere
    first, second, third, fourth = (arguments.pop(key) for key in ("first", "second", "third", "fourth"))
    try:
        if kind == "domain":
            model: Any = Domain(
                name, description=arguments["description"], retention_period=retention, connection=conn
            )
        elif kind == "workflow":
            model = WorkflowType(
                "d",
                name,
                version,
                execution_timeout=first,
                decision_tasks_timeout=second,
                connection=conn,
                **arguments,
            )
        else:
            model = ActivityType(
                "d",
                name,
                version,
                task_heartbeat_timeout=first,
                task_schedule_to_close_timeout=second,
                task_schedule_to_start_timeout=third,
                task_start_to_close_timeout=fourth,
                connection=conn,
                **arguments,
            )
    except ValidationError:
        return
    await sent_or_refused(wire, model.save())


@bounded(60)
@given(
    workflow_id=good_names,
    run_id=st.one_of(st.just("22Mgb0K3bXbZ1sYAzDk0tmp7FNjIiCg3/m9kR="), texts(70), st.none()),
    operation=st.sampled_from(["signal", "terminate", "request_cancel", "describe", "history"]),
    first=mostly(good_names, sized(256)),
    second=mostly(payloads, st.one_of(sized(32_768, 256), anything)),
    child_policy=mostly(st.sampled_from(["TERMINATE", "ABANDON"]), st.sampled_from(["x", 3])),
)
async def test_acting_on_an_execution(
    nowhere: tuple[aioswf.Connection, Wire],
    workflow_id: Any,
    run_id: Any,
    operation: str,
    first: Any,
    second: Any,
    child_policy: Any,
) -> None:
    conn, wire = nowhere
    try:
        execution = WorkflowExecution("d", workflow_id, run_id, connection=conn)
    except ValidationError:
        return
    if operation == "signal":
        call = execution.signal(first, second)
    elif operation == "terminate":
        call = execution.terminate(first, second, child_policy)
    elif operation == "request_cancel":
        call = execution.request_cancel()
    elif operation == "describe":
        call = execution.describe()
    else:
        call = execution.history()
    await sent_or_refused(wire, call)


@bounded(40)
@given(
    status=st.sampled_from(["OPEN", "CLOSED"]),
    arguments=one_hostile(
        tag=(good_names, names),
        workflow_id=(good_names, names),
        start_oldest_date=(st.integers(min_value=0, max_value=400), st.one_of(numbers, anything)),
        page_size=(st.integers(min_value=1, max_value=1000), numbers),
    ),
)
async def test_listing_and_counting_executions(
    nowhere: tuple[aioswf.Connection, Wire], status: str, arguments: dict[str, Any]
) -> None:
    conn, wire = nowhere
    kwargs = {key: value for key, value in arguments.items() if value is not None}
    if "tag" in kwargs and "workflow_id" in kwargs:
        del kwargs["tag"]  # SWF takes one of them; that rule has tests of its own
    queryset = WorkflowExecutionQuerySet("d", connection=conn)
    await sent_or_refused(
        wire, queryset.count(status, **{k: v for k, v in kwargs.items() if k != "page_size"})
    )

    async def listing() -> None:
        await queryset.filter(status=status, **kwargs)

    await sent_or_refused(wire, listing())


decisions = st.lists(
    st.one_of(
        st.builds(ActivityTaskDecision.schedule, st.just("a-1"), st.just(("a", "1"))),
        st.builds(TimerDecision.start, st.just("t"), st.sampled_from([1, "5", 60])),
        st.builds(WorkflowExecutionDecision.complete, result=st.none() | st.text(max_size=50)),
        st.builds(dict, decisionType=st.sampled_from(["CancelTimer", "Nope"])),
        anything,
    ),
    max_size=4,
)


@bounded(80)
@given(
    actor=st.sampled_from(["worker", "decider"]),
    operation=st.sampled_from(["complete", "fail", "cancel", "heartbeat"]),
    arguments=one_hostile(
        token=(st.text(min_size=1, max_size=100), st.one_of(sized(1024), anything)),
        first=(st.text(max_size=40), st.one_of(sized(32_768, 2_048), anything)),
        second=(st.text(max_size=40), sized(256)),
        answer=(decisions, anything),
    ),
)
async def test_answering_tasks(
    nowhere: tuple[aioswf.Connection, Wire], actor: str, operation: str, arguments: dict[str, Any]
) -> None:
    conn, wire = nowhere
    token = arguments["token"] if arguments["token"] is not None else "token"
    first, second = arguments["first"], arguments["second"]
    if actor == "decider":
        call = Decider("d", "decisions", connection=conn).complete(token, arguments["answer"], first)
    else:
        worker = ActivityWorker("d", "activities", connection=conn)
        if operation == "complete":
            call = worker.complete(token, first)
        elif operation == "fail":
            call = worker.fail(token, first, second)
        elif operation == "cancel":
            call = worker.cancel(token, first)
        else:
            call = worker.heartbeat(token, first)
    await sent_or_refused(wire, call)


@bounded(50)
@given(
    operation=st.one_of(st.sampled_from(sorted(SERVICE_MODEL.operation_names)), texts(30)),
    params=st.dictionaries(
        st.sampled_from(
            ["domain", "name", "taskToken", "workflowId", "taskList", "maximumPageSize", "bogus"]
        ),
        st.one_of(
            good_names,
            st.fixed_dictionaries({"name": good_names}),
            good_names.map(lambda text: f"SECRET-{text}".encode()),
            anything,
        ),
        max_size=3,
    ),
)
async def test_any_call_is_sent_or_refused_with_an_aioswf_error(
    nowhere: tuple[aioswf.Connection, Wire], operation: str, params: dict[str, Any]
) -> None:
    conn, wire = nowhere
    wire.requests.clear()
    message = ""
    try:
        await conn.call(operation, **params)
    except ValidationError as error:
        message = str(error)
        assert wire.requests == [], "a ValidationError comes before any request"
    except SWFError as error:
        message = str(error)
    token = params.get("taskToken")
    shown = token if isinstance(token, str) else repr(token)
    if token is not None and len(shown) > 5 and shown not in operation:
        assert shown not in message, "a task token is never quoted"


# Sweeps: each argument with each known hostile value, so that no class of defect depends on luck -------------

START_ARGUMENTS = [
    "workflow_id",
    "task_list",
    "child_policy",
    "execution_timeout",
    "input",
    "tag_list",
    "decision_tasks_timeout",
    "task_priority",
    "lambda_role",
]


async def test_each_argument_of_start_execution_at_each_edge(nowhere: tuple[aioswf.Connection, Wire]) -> None:
    conn, wire = nowhere
    workflow_type = WorkflowType("d", "w", "1", connection=conn)
    for argument in START_ARGUMENTS:
        for value in EDGE_VALUES:
            await sent_or_refused(wire, workflow_type.start_execution(**{argument: value}))


MODEL_ARGUMENTS = {
    WorkflowType: [
        "task_list",
        "description",
        "task_priority",
        "child_policy",
        "execution_timeout",
        "decision_tasks_timeout",
        "lambda_role",
    ],
    ActivityType: [
        "task_list",
        "description",
        "task_priority",
        "task_heartbeat_timeout",
        "task_schedule_to_close_timeout",
        "task_schedule_to_start_timeout",
        "task_start_to_close_timeout",
    ],
}


async def test_each_argument_of_a_type_at_each_edge_is_registered_within_swfs_rules_or_refused(
    nowhere: tuple[aioswf.Connection, Wire],
) -> None:
    conn, wire = nowhere
    for kind, arguments in MODEL_ARGUMENTS.items():
        for argument in ["domain", "name", "version", *arguments]:
            for value in EDGE_VALUES:
                given = {"domain": "d", "name": "t", "version": "1"}
                keywords = {}
                if argument in given:
                    given[argument] = value
                else:
                    keywords[argument] = value
                try:
                    model = kind(
                        given["domain"], given["name"], given["version"], connection=conn, **keywords
                    )
                except SWFError:
                    continue
                await sent_or_refused(wire, model.save())


def answers(conn: aioswf.Connection, value: Any) -> list[Callable[[], Awaitable[Any]]]:
    """Every answer to a task, and what may be sent about an execution, with `value` as one argument."""
    worker = ActivityWorker("d", "activities", connection=conn)
    decider = Decider("d", "decisions", connection=conn)
    execution = WorkflowExecution("d", "w", "r", connection=conn)
    return [
        lambda: worker.complete("token", value),
        lambda: worker.fail("token", value),
        lambda: worker.fail("token", reason=value),
        lambda: worker.cancel("token", value),
        lambda: worker.heartbeat("token", value),
        lambda: decider.complete("token", [], value),
        lambda: execution.signal(value),
        lambda: execution.signal("s", value),
        lambda: execution.terminate(value, value),
    ]


async def test_each_answer_of_a_task_at_each_edge(nowhere: tuple[aioswf.Connection, Wire]) -> None:
    conn, wire = nowhere
    for value in EDGE_VALUES:
        for call in answers(conn, value):
            await sent_or_refused(wire, call())


async def test_a_task_token_of_any_kind_is_never_quoted(nowhere: tuple[aioswf.Connection, Wire]) -> None:
    conn, wire = nowhere
    operations = [
        name
        for name in SERVICE_MODEL.operation_names
        if "taskToken" in SERVICE_MODEL.operation_model(name).input_shape.members
    ]
    tokens = ["SECRET-" + "t" * 1100, b"SECRET-bytes", ["SECRET-list"], {"SECRET": "dict"}, 123456789, ""]
    for operation in operations:
        for token in tokens:
            wire.requests.clear()
            with pytest.raises(SWFError) as caught:
                await conn.call(operation, taskToken=token)
            shown = token if isinstance(token, str) else repr(token)
            assert "SECRET" not in str(caught.value) or not shown, (operation, str(caught.value)[:200])
            assert not wire.requests
