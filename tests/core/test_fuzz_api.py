"""Fuzzing the public API that sends nothing: validation, models, querysets' filters, Backoff, actors.

Each input either works or raises an error of the aioswf tree; what works is within SWF's rules
(see `fuzz_support`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from typing import Any

from fuzz_support import (
    SERVICE_MODEL,
    TRICKY,
    anything,
    bounded,
    datetimes,
    durations,
    maybe,
    numbers,
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

CHECKS: list[tuple[Callable[..., Any], str | None]] = [
    (lambda v: validation.check_name(v, "name"), "Name"),
    (lambda v: validation.check_version(v, "version"), "Version"),
    (lambda v: validation.check_free_name(v, "signal_name"), "SignalName"),
    (lambda v: validation.check_data(v, "input"), "Data"),
    (lambda v: validation.check_heartbeat_details(v, "details"), "LimitedData"),
    (lambda v: validation.check_reason(v, "reason"), "FailureReason"),
    (lambda v: validation.check_description(v, "description"), "Description"),
    (lambda v: validation.check_identity(v, "identity"), "Identity"),
    (lambda v: validation.check_arn(v, "lambda_role"), "Arn"),
    (lambda v: validation.check_task_token(v, "task_token"), "TaskToken"),
    (lambda v: validation.check_timeout(v, "timeout"), "DurationInSecondsOptional"),
    (lambda v: validation.check_timeout(v, "timeout", allow_none=False), "DurationInSecondsOptional"),
    (lambda v: validation.check_retention_period(v), "DurationInDays"),
    (lambda v: validation.check_task_priority(v), "TaskPriority"),
    (lambda v: validation.check_child_policy(v), "ChildPolicy"),
    (lambda v: validation.check_page_size(v), None),
    (lambda v: validation.check_tags(v), "TagList"),
    (lambda v: validation.describe_value(v), None),
]


@bounded(400)
@given(check=st.sampled_from(CHECKS), value=st.one_of(anything, durations))
def test_every_check_accepts_what_swf_accepts_or_refuses_with_a_validation_error(
    check: tuple[Callable[..., Any], str | None], value: Any
) -> None:
    function, shape_name = check
    accepted = outcome(function, value)
    if accepted is not None and shape_name is not None:
        assert shaped(accepted, shape_name) == []


# models ----------------------------------------------------------------------------------------------------

names = st.one_of(texts(300), st.text(alphabet="abc-_.", min_size=1, max_size=20))


@bounded(150)
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


@bounded(250)
@given(
    kind=st.sampled_from([WorkflowType, ActivityType]),
    domain=st.one_of(names, st.just("d")),
    name=names,
    version=names,
    task_list=maybe(names),
    priority=maybe(st.one_of(numbers, texts(12))),
    timeouts=st.lists(maybe(durations), min_size=4, max_size=4),
    child_policy=maybe(st.sampled_from(["TERMINATE", "ABANDON", "terminate", "KILL"])),
    lambda_role=maybe(texts(1700)),
)
def test_types_are_built_within_swfs_rules_or_refused(
    kind: type,
    domain: Any,
    name: Any,
    version: Any,
    task_list: Any,
    priority: Any,
    timeouts: list[Any],
    child_policy: Any,
    lambda_role: Any,
) -> None:
    kwargs: dict[str, Any] = {"task_list": task_list, "task_priority": priority}
    if kind is WorkflowType:
        kwargs.update(
            execution_timeout=timeouts[0],
            decision_tasks_timeout=timeouts[1],
            child_policy=child_policy,
            lambda_role=lambda_role,
        )
    else:
        kwargs.update(
            task_heartbeat_timeout=timeouts[0],
            task_schedule_to_close_timeout=timeouts[1],
            task_schedule_to_start_timeout=timeouts[2],
            task_start_to_close_timeout=timeouts[3],
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


@bounded(100)
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


@bounded(300)
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


@bounded(150)
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


@bounded(300)
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
    names,
    st.tuples(names, names),
    st.builds(ActivityType, st.just("d"), st.just("a"), st.sampled_from(["1", "2"])),
    anything,
)


@bounded(250)
@given(
    kind=st.sampled_from([ActivityWorker, Decider]),
    domain=st.one_of(names, st.builds(Domain, st.just("d"))),
    task_list=names,
    identity=maybe(texts(300)),
    max_concurrent=maybe(numbers),
    grace=maybe(numbers),
    interval=maybe(numbers),
    page_size=maybe(numbers),
    on_error=maybe(st.sampled_from(["timeout", "fail_execution", "explode"])),
    backoff=maybe(st.builds(Backoff)),
    registrations=st.lists(st.tuples(keys, handlers, maybe(numbers)), max_size=4),
)
def test_actors_are_built_and_register_handlers_or_refuse(
    kind: type,
    domain: Any,
    task_list: Any,
    identity: Any,
    max_concurrent: Any,
    grace: Any,
    interval: Any,
    page_size: Any,
    on_error: Any,
    backoff: Any,
    registrations: list[tuple[Any, Any, Any]],
) -> None:
    kwargs: dict[str, Any] = {"identity": identity, "backoff": backoff}
    for key, value in (("max_concurrent", max_concurrent), ("grace", grace)):
        if value is not None:
            kwargs[key] = value
    if kind is ActivityWorker:
        kwargs["heartbeat_interval"] = interval
    else:
        kwargs["page_size"] = page_size
        if on_error is not None:
            kwargs["on_error"] = on_error
    actor = outcome(kind, domain, task_list, **kwargs)
    if actor is None or kind is Decider:
        return
    assert shaped({"name": actor.task_list}, "TaskList") == []
    for key, function, heartbeat_interval in registrations:
        registered = outcome(actor.register, key, function, heartbeat_interval=heartbeat_interval)
        if registered is not None and function is not None:
            assert registered is function


@bounded(60)
@given(value=st.text(alphabet=TRICKY, min_size=1, max_size=8))
def test_names_with_whitespace_inside_are_kept_as_given(value: str) -> None:
    name = f"a{value}b"
    accepted = outcome(validation.check_name, name, "name")
    if accepted is not None:
        assert accepted == name
