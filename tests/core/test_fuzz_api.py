"""Fuzzing the public API that sends nothing: validation, models, querysets' filters, Backoff, actors.

Each input either works or raises an error of the aioswf tree; what works is within SWF's rules
(see `fuzz_support`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from fuzz_support import (
    EDGES,
    LIMITS,
    SERVICE_MODEL,
    TRICKY,
    UNICODE_DIGITS,
    anything,
    bounded,
    datetimes,
    durations,
    good_durations,
    good_names,
    good_priorities,
    maybe,
    numbers,
    one_hostile,
    sized,
    swf_objections,
    texts,
)
from hypothesis import given
from hypothesis import strategies as st

from aioswf import validation
from aioswf.actors import ActivityWorker, Backoff, Decider
from aioswf.exceptions import SWFError, ValidationError
from aioswf.models import ActivityType, Domain, WorkflowExecution, WorkflowType
from aioswf.querysets import (
    ActivityTypeQuerySet,
    DomainQuerySet,
    WorkflowExecutionQuerySet,
    WorkflowTypeQuerySet,
)
from aioswf.querysets.workflow import execution_filters


def outcome(build: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """What `build` returns, or None when it refuses with an aioswf error (any other error fails the test)."""
    refusal: SWFError
    try:
        return build(*args, **kwargs)
    except SWFError as error:
        refusal = error
    assert str(refusal), "a refusal says what is wrong"
    if isinstance(refusal, ValidationError):
        assert refusal.argument is None or isinstance(refusal.argument, str)
    return None


def shaped(value: Any, shape_name: str) -> list[str]:
    return swf_objections(value, SERVICE_MODEL.shape_for(shape_name), shape_name)


# validation ------------------------------------------------------------------------------------------------

TEXT_CHECKS: list[tuple[str, Callable[..., Any], str | None]] = [
    ("name", lambda v: validation.check_name(v, "name"), "Name"),
    ("version", lambda v: validation.check_version(v, "version"), "Version"),
    ("free_name", lambda v: validation.check_free_name(v, "signal_name"), "SignalName"),
    ("data", lambda v: validation.check_data(v, "input"), "Data"),
    ("heartbeat_details", lambda v: validation.check_heartbeat_details(v, "details"), "LimitedData"),
    ("reason", lambda v: validation.check_reason(v, "reason"), "FailureReason"),
    ("description", lambda v: validation.check_description(v, "description"), "Description"),
    ("identity", lambda v: validation.check_identity(v, "identity"), "Identity"),
    ("arn", lambda v: validation.check_arn(v, "lambda_role"), "Arn"),
    ("task_token", lambda v: validation.check_task_token(v, "task_token"), "TaskToken"),
    ("run_id", lambda v: validation.check_run_id(v, "run_id"), "WorkflowRunId"),
    ("child_policy", lambda v: validation.check_child_policy(v), "ChildPolicy"),
    ("tags", lambda v: validation.check_tags(v), "TagList"),
    ("describe_value", lambda v: validation.describe_value(v), None),
]
NUMBER_CHECKS: list[tuple[str, Callable[..., Any], str | None]] = [
    ("timeout", lambda v: validation.check_timeout(v, "timeout"), "DurationInSecondsOptional"),
    (
        "timeout_not_none",
        lambda v: validation.check_timeout(v, "timeout", allow_none=False),
        "DurationInSeconds",
    ),
    ("retention", lambda v: validation.check_retention_period(v), "DurationInDays"),
    ("priority", lambda v: validation.check_task_priority(v), "TaskPriority"),
    ("page_size", lambda v: validation.check_page_size(v), "PageSize"),
]


@pytest.mark.parametrize(("name", "check", "shape_name"), TEXT_CHECKS, ids=[c[0] for c in TEXT_CHECKS])
@bounded(20)
@given(value=st.one_of(texts(), texts(), st.lists(texts(300), max_size=7), anything))
def test_every_text_check_accepts_what_swf_accepts_or_refuses(
    name: str, check: Callable[..., Any], shape_name: str | None, value: Any
) -> None:
    accepted = outcome(check, value)
    if accepted is not None and shape_name is not None:
        assert shaped(accepted, shape_name) == []


@pytest.mark.parametrize(("name", "check", "shape_name"), NUMBER_CHECKS, ids=[c[0] for c in NUMBER_CHECKS])
@bounded(30)
@given(value=st.one_of(durations, durations, numbers, anything))
def test_every_number_check_accepts_what_swf_accepts_or_refuses(
    name: str, check: Callable[..., Any], shape_name: str | None, value: Any
) -> None:
    accepted = outcome(check, value)
    if accepted is not None and shape_name is not None:
        assert shaped(accepted, shape_name) == [] or (name == "timeout_not_none" and accepted is None)


def test_every_text_check_holds_at_each_of_swfs_length_limits_and_name_edges() -> None:
    # Exhaustive where hypothesis would need luck: every length limit of the model, one past it, and every
    # edge character at either end of a valid name.
    values = [
        *("x" * length for length in LIMITS),
        *(head + "name" + tail for head in EDGES for tail in EDGES),
    ]
    for _, check, shape_name in TEXT_CHECKS:
        for value in values:
            accepted = outcome(check, value)
            if accepted is not None and shape_name is not None:
                assert shaped(accepted, shape_name) == [], (shape_name, value)


def test_every_number_check_holds_for_digits_swf_does_not_take() -> None:
    values = [
        *(f"1{digit}" for digit in UNICODE_DIGITS),
        *UNICODE_DIGITS,
        *(str(n) for n in (-1, 0, 99_999_999, 100_000_000, 2**31 - 1, 2**31, -(2**31) - 1)),
        math.nan,
        math.inf,
        -math.inf,
        10**400,
        1e300,
        True,
    ]
    for _, check, shape_name in NUMBER_CHECKS:
        for value in values:
            accepted = outcome(check, value)
            if accepted is not None and shape_name is not None:
                assert shaped(accepted, shape_name) == [], (shape_name, value)


# models ----------------------------------------------------------------------------------------------------

names = st.one_of(texts(300), st.text(alphabet="abc-_.", min_size=1, max_size=20))


@bounded(50)
@given(
    name=names,
    description=maybe(texts(1100)),
    retention=maybe(st.one_of(numbers, texts(5))),
    status=maybe(st.sampled_from(["REGISTERED", "DEPRECATED", "registered"])),
)
def test_a_domain_is_built_within_swfs_rules_or_refused(
    name: Any, description: Any, retention: Any, status: Any
) -> None:
    kwargs = {"description": description, "retention_period": retention}
    if status is not None:
        kwargs["status"] = status
    domain = outcome(Domain, name, **kwargs)
    if domain is not None:
        assert shaped(domain.name, "DomainName") == []
        assert domain.description is None or shaped(domain.description, "Description") == []
        assert domain.retention_period is None or 0 <= domain.retention_period <= 90


@bounded(80)
@given(
    kind=st.sampled_from([WorkflowType, ActivityType]),
    arguments=one_hostile(
        domain=(good_names, st.one_of(sized(256), texts())),
        name=(good_names, st.one_of(sized(256), texts())),
        version=(good_names, st.one_of(sized(64), texts())),
        task_list=(good_names, st.one_of(sized(256), texts())),
        description=(st.text(max_size=30), sized(1024)),
        task_priority=(good_priorities, st.one_of(numbers, texts(12))),
        first=(good_durations, durations),
        second=(good_durations, durations),
        third=(good_durations, durations),
        fourth=(good_durations, durations),
        child_policy=(st.sampled_from(["TERMINATE", "ABANDON"]), st.sampled_from(["terminate", "KILL", 3])),
        lambda_role=(st.just("arn:aws:iam::123456789012:role/swf"), sized(1600)),
    ),
)
def test_types_are_built_within_swfs_rules_or_refused(kind: type, arguments: dict[str, Any]) -> None:
    domain = arguments.pop("domain") or "d"
    name = arguments.pop("name") or "t"
    version = arguments.pop("version") or "1"
    first, second, third, fourth = (arguments.pop(key) for key in ("first", "second", "third", "fourth"))
    kwargs: dict[str, Any] = {key: value for key, value in arguments.items() if value is not None}
    if kind is WorkflowType:
        kwargs.update(execution_timeout=first, decision_tasks_timeout=second)
    else:
        kwargs.pop("child_policy", None)
        kwargs.pop("lambda_role", None)
        kwargs.update(
            task_heartbeat_timeout=first,
            task_schedule_to_close_timeout=second,
            task_schedule_to_start_timeout=third,
            task_start_to_close_timeout=fourth,
        )
    built = outcome(kind, domain, name, version, **kwargs)
    if built is None:
        return
    assert shaped(built.domain.name, "DomainName") == []
    assert shaped({"name": built.name, "version": built.version}, "WorkflowType") == []
    if built.task_list is not None:
        assert shaped({"name": built.task_list}, "TaskList") == []
    if built.task_priority is not None:
        assert shaped(built.task_priority, "TaskPriority") == []
    if built.description is not None:
        assert shaped(built.description, "Description") == []
    for field in (
        "execution_timeout",
        "decision_tasks_timeout",
        "task_heartbeat_timeout",
        "task_schedule_to_close_timeout",
        "task_schedule_to_start_timeout",
        "task_start_to_close_timeout",
    ):
        value = getattr(built, field, None)
        if value is not None:
            assert shaped(value, "DurationInSecondsOptional") == [], field
    if getattr(built, "lambda_role", None) is not None:
        assert shaped(built.lambda_role, "Arn") == []


@bounded(50)
@given(
    domain=names,
    workflow_id=names,
    run_id=maybe(texts(70)),
    tags=maybe(st.lists(texts(300), max_size=7)),
    child_policy=maybe(st.sampled_from(["TERMINATE", "NOPE"])),
    started=maybe(st.one_of(datetimes, numbers)),
)
def test_executions_are_built_within_swfs_rules_or_refused(
    domain: Any, workflow_id: Any, run_id: Any, tags: Any, child_policy: Any, started: Any
) -> None:
    execution = outcome(
        WorkflowExecution,
        domain,
        workflow_id,
        run_id,
        tag_list=tags,
        child_policy=child_policy,
        start_timestamp=started,
    )
    if execution is not None:
        assert shaped(execution.workflow_id, "WorkflowId") == []
        assert execution.start_timestamp is None or isinstance(execution.start_timestamp, datetime)


# querysets' filters ----------------------------------------------------------------------------------------

days = st.one_of(numbers, datetimes, anything)


@bounded(80)
@given(
    status=maybe(st.sampled_from(["OPEN", "CLOSED", "open"])),
    exclusive=st.dictionaries(
        st.sampled_from(
            ["tag", "workflow_id", "workflow_type_name", "workflow_type_version", "close_status"]
        ),
        st.one_of(names, st.sampled_from(["COMPLETED", "FAILED", "TIMED_OUT", "completed"])),
        max_size=2,
    ),
    windows=st.dictionaries(
        st.sampled_from(["start_oldest_date", "start_latest_date", "close_oldest_date", "close_latest_date"]),
        days,
        max_size=3,
    ),
)
def test_execution_filters_become_swfs_parameters_or_are_refused(
    status: Any, exclusive: dict[str, Any], windows: dict[str, Any]
) -> None:
    kwargs: dict[str, Any] = {**exclusive, **windows}
    if status is not None:
        kwargs["status"] = status
    found = outcome(execution_filters, "domain", **kwargs)
    if found is not None:
        state, params = found
        operation = f"List{state}WorkflowExecutions"
        serializable = {
            key: {k: v.timestamp() for k, v in value.items()} if key.endswith("TimeFilter") else value
            for key, value in params.items()
        }
        shape = SERVICE_MODEL.operation_model(operation).input_shape
        assert swf_objections(serializable, shape, operation) == []
        for window in ("startTimeFilter", "closeTimeFilter"):
            if window in params and "latestDate" in params[window]:
                assert params[window]["oldestDate"] <= params[window]["latestDate"]
    query = outcome(WorkflowExecutionQuerySet("domain").filter, **kwargs)
    assert (query is None) == (found is None)


@bounded(60)
@given(
    queryset=st.sampled_from([DomainQuerySet, WorkflowTypeQuerySet, ActivityTypeQuerySet]),
    status=maybe(st.sampled_from(["REGISTERED", "DEPRECATED", "gone"])),
    name=maybe(names),
    page_size=maybe(numbers),
    limit=maybe(numbers),
    reverse=maybe(st.booleans()),
)
def test_listings_of_domains_and_types_are_built_or_refused(
    queryset: Any, status: Any, name: Any, page_size: Any, limit: Any, reverse: Any
) -> None:
    target = outcome(queryset) if queryset is DomainQuerySet else outcome(queryset, "domain")
    assert target is not None
    kwargs = {"page_size": page_size, "limit": limit, "reverse": bool(reverse)}
    if status is not None:
        kwargs["registration_status"] = status
    if name is not None and queryset is not DomainQuerySet:
        kwargs["name"] = name
    outcome(target.filter, **kwargs)
    outcome(target.all, **{k: v for k, v in kwargs.items() if k != "name"})


# Backoff ---------------------------------------------------------------------------------------------------


@bounded(80)
@given(
    initial=maybe(numbers),
    maximum=maybe(numbers),
    multiplier=maybe(numbers),
    jitter=maybe(st.booleans()),
    failures=st.lists(st.one_of(st.integers(min_value=-5, max_value=10**6), st.integers()), max_size=5),
)
def test_a_backoff_paces_retries_with_finite_waits_or_is_refused(
    initial: Any, maximum: Any, multiplier: Any, jitter: Any, failures: list[int]
) -> None:
    given_args = {"initial": initial, "maximum": maximum, "multiplier": multiplier, "jitter": jitter}
    backoff = outcome(Backoff, **{key: value for key, value in given_args.items() if value is not None})
    if backoff is None:
        return
    for count in failures:
        delay = backoff.delay(count)
        assert math.isfinite(delay)
        assert 0 <= delay <= backoff.maximum
        assert backoff.cap(count) <= backoff.maximum


# actors ----------------------------------------------------------------------------------------------------


def handler(task: Any) -> str:
    return "ok"


handlers = st.one_of(st.just(handler), st.just(None), anything)
keys = st.one_of(
    good_names,
    st.tuples(good_names, good_names),
    st.builds(ActivityType, st.just("d"), st.just("a"), st.sampled_from(["1", "2"])),
    texts(),
    st.tuples(texts(30), st.one_of(texts(70), numbers)),
    st.lists(good_names, max_size=3).map(tuple),
    anything,
)


@bounded(80)
@given(
    kind=st.sampled_from([ActivityWorker, Decider]),
    arguments=one_hostile(
        domain=(st.one_of(good_names, st.builds(Domain, good_names)), st.one_of(sized(256), anything)),
        task_list=(good_names, st.one_of(sized(256), texts())),
        identity=(st.text(max_size=30), st.one_of(sized(256), anything)),
        max_concurrent=(st.integers(min_value=1, max_value=50), numbers),
        grace=(st.floats(min_value=0, max_value=60), st.one_of(numbers, anything)),
        interval=(st.floats(min_value=0.1, max_value=60), st.one_of(numbers, anything)),
        page_size=(st.integers(min_value=1, max_value=1000), numbers),
        on_error=(st.sampled_from(["timeout", "fail_execution"]), st.sampled_from(["explode", 1])),
        backoff=(st.builds(Backoff), anything),
    ),
)
def test_actors_are_built_or_refused(kind: type, arguments: dict[str, Any]) -> None:
    domain = arguments.pop("domain") or "d"
    task_list = arguments.pop("task_list") or "list"
    interval, page_size, on_error = (arguments.pop(key) for key in ("interval", "page_size", "on_error"))
    kwargs = {key: value for key, value in arguments.items() if value is not None}
    if kind is ActivityWorker:
        kwargs["heartbeat_interval"] = interval
    else:
        kwargs["page_size"] = page_size
        if on_error is not None:
            kwargs["on_error"] = on_error
    actor = outcome(kind, domain, task_list, **kwargs)
    if actor is not None:
        assert shaped({"name": actor.task_list}, "TaskList") == []
        assert shaped(actor.domain_name, "DomainName") == []
        assert math.isfinite(actor.grace) or actor.grace == math.inf


@bounded(80)
@given(
    registrations=st.lists(st.tuples(keys, handlers, st.one_of(st.none(), numbers)), min_size=1, max_size=4)
)
def test_register_takes_activity_types_and_callables_or_refuses(
    registrations: list[tuple[Any, Any, Any]],
) -> None:
    worker = ActivityWorker("d", "activities")
    for key, function, heartbeat_interval in registrations:
        registered = outcome(worker.register, key, function, heartbeat_interval=heartbeat_interval)
        if registered is not None and function is not None:
            assert registered is function
            found = key if isinstance(key, ActivityType) else None
            if isinstance(key, tuple):
                found = ActivityType("d", *key)
            elif isinstance(key, str):
                found = ActivityType("d", key, "any")
            assert found is not None
            assert worker.handler_for(found) is function


BACKOFF_EDGES = [0, -1, 5e-324, 1e308, math.nan, math.inf, -math.inf, True, "1", None]


def test_a_backoff_with_any_edge_parameter_paces_finitely_or_is_refused() -> None:
    for field in ("initial", "maximum", "multiplier"):
        for value in BACKOFF_EDGES:
            backoff = outcome(Backoff, **{field: value})
            if backoff is None:
                continue
            for failures in (-1, 0, 1, 2, 64, 65, 1_100, 10**6):
                delay = backoff.delay(failures)
                assert math.isfinite(delay), (field, value, failures)
                assert 0 <= delay <= backoff.maximum


@bounded(40)
@given(value=st.text(alphabet=TRICKY, min_size=1, max_size=8))
def test_names_with_whitespace_inside_are_kept_as_given(value: str) -> None:
    name = f"a{value}b"
    accepted = outcome(validation.check_name, name, "name")
    if accepted is not None:
        assert accepted == name
