"""Inputs that used to be sent and then refused by SWF, or to raise a raw exception: each is now a clear
`ValidationError` before any request (or, where SWF accepts it, accepted)."""

from __future__ import annotations

import math
from datetime import datetime, timezone

import pytest

from aioswf import validation
from aioswf.actors import ActivityWorker, Backoff, Decider
from aioswf.exceptions import DoesNotExistError, ValidationError
from aioswf.models import ActivityType, Domain, WorkflowExecution, WorkflowType
from aioswf.models.decision import (
    ActivityTaskDecision,
    ChildWorkflowExecutionDecision,
    TimerDecision,
)
from aioswf.querysets import WorkflowExecutionQuerySet
from aioswf.querysets.workflow import execution_filters

SURROUNDED = [
    pytest.param(" name", id="leading-space"),
    pytest.param("name ", id="trailing-space"),
    pytest.param("\u2009name", id="thin-space"),
    pytest.param("name\u3000", id="ideographic-space"),
    pytest.param("\u2003name", id="em-space"),
    pytest.param("name\u00a0", id="no-break-space"),
    pytest.param("\u2028name", id="line-separator"),
]


@pytest.mark.parametrize("bad", SURROUNDED)
def test_names_starting_or_ending_with_whitespace_are_refused(bad: str) -> None:
    for build, argument in [
        (lambda: Domain(bad), "name"),
        (lambda: WorkflowType("d", bad, "1"), "name"),
        (lambda: ActivityType("d", "a", bad), "version"),
        (lambda: WorkflowType("d", "w", "1", task_list=bad), "task_list"),
        (lambda: WorkflowExecution("d", bad, "r"), "workflow_id"),
        (lambda: ActivityTaskDecision.schedule("a-1", ("a", bad)), "activity_type.version"),
        (lambda: ChildWorkflowExecutionDecision.start(("w", "1"), bad), "workflow_id"),
        (lambda: ActivityWorker("d", bad), "task_list"),
        (lambda: Decider(bad, "decisions", lambda task: []), "domain"),
    ]:
        with pytest.raises(ValidationError, match="whitespace") as caught:
            build()
        assert caught.value.argument == argument


@pytest.mark.parametrize("bad", SURROUNDED)
async def test_start_execution_refuses_surrounding_whitespace_before_sending(conn, sent, bad: str) -> None:
    for kwargs in ({"workflow_id": bad}, {"task_list": bad}):
        with pytest.raises(ValidationError, match="whitespace"):
            await WorkflowType("d", "w", "1").start_execution(**kwargs)
    assert len(sent) == 0


def test_whitespace_inside_a_name_is_fine() -> None:
    assert Domain("two words").name == "two words"


async def test_a_lambda_role_over_1600_characters_is_refused_before_sending(conn, sent) -> None:
    role = "arn:aws:iam::123456789012:role/" + "r" * 1600
    with pytest.raises(ValidationError) as caught:
        WorkflowType("d", "w", "1", lambda_role=role)
    assert caught.value.argument == "lambda_role"
    with pytest.raises(ValidationError) as caught:
        await WorkflowType("d", "w", "1").start_execution(lambda_role=role)
    assert caught.value.argument == "lambda_role"
    assert len(sent) == 0


@pytest.mark.parametrize("digits", ["²", "٣", "1²", "१०", "5\u0663", "1_000", " 5", "5 ", "+5", "-0", "0x10"])
def test_durations_are_ascii_digits_only(digits: str) -> None:
    with pytest.raises(ValidationError):
        validation.check_timeout(digits, "timeout")
    with pytest.raises(ValidationError):
        validation.check_retention_period(digits)
    with pytest.raises(ValidationError):
        TimerDecision.start("t", digits)


@pytest.mark.parametrize("huge", [pytest.param(10**5000, id="10**5000"), 10**9, 2**63, 1e300])
def test_huge_durations_are_refused_without_a_raw_error(huge: float) -> None:
    with pytest.raises(ValidationError, match="99999999"):
        validation.check_timeout(huge, "timeout")


@pytest.mark.parametrize(
    "bad", ["١٢", "1_0", " 7", "7.0", "2147483648", pytest.param(10**5000, id="10**5000"), "1e3", 7.5, True]
)
def test_task_priorities_are_32_bit_integers_in_ascii(bad: object) -> None:
    with pytest.raises(ValidationError):
        validation.check_task_priority(bad)


@pytest.mark.parametrize("good", ["-2147483648", "2147483647", "+7", "0", 12, -3])
def test_valid_task_priorities_are_kept(good: object) -> None:
    assert validation.check_task_priority(good) == str(int(str(good)))


@pytest.mark.parametrize(
    "days",
    [math.inf, -math.inf, math.nan, 1e300, pytest.param(10**100, id="10**100"), 1e10, 3_000_000],
)
@pytest.mark.parametrize("keyword", ["start_oldest_date", "start_latest_date"])
def test_execution_filters_refuse_days_beyond_any_date(days: float, keyword: str) -> None:
    kwargs = {keyword: days}
    if keyword == "start_latest_date":
        kwargs["start_oldest_date"] = 1
    with pytest.raises(ValidationError) as caught:
        execution_filters("d", **kwargs)  # type: ignore[arg-type]
    assert caught.value.argument == keyword
    with pytest.raises(ValidationError):
        WorkflowExecutionQuerySet("d").filter(**kwargs)


@pytest.mark.parametrize("days", [math.inf, math.nan, 1e300])
def test_closed_execution_filters_refuse_days_beyond_any_date(days: float) -> None:
    with pytest.raises(ValidationError) as caught:
        execution_filters("d", status="CLOSED", close_oldest_date=days)
    assert caught.value.argument == "close_oldest_date"


def test_a_filter_of_many_years_ago_is_fine() -> None:
    _, params = execution_filters("d", start_oldest_date=365 * 50)
    assert params["startTimeFilter"]["oldestDate"] < datetime(1980, 1, 1, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({"initial": 0}, id="zero-initial"),
        pytest.param({"maximum": 0}, id="zero-maximum"),
        pytest.param({"multiplier": 0}, id="zero-multiplier"),
        pytest.param({"initial": math.nan}, id="nan-initial"),
        pytest.param({"maximum": math.nan}, id="nan-maximum"),
        pytest.param({"multiplier": math.nan}, id="nan-multiplier"),
        pytest.param({"initial": math.inf}, id="infinite-initial"),
        pytest.param({"maximum": math.inf}, id="infinite-maximum"),
        pytest.param({"multiplier": math.inf}, id="infinite-multiplier"),
        pytest.param({"initial": -1}, id="negative"),
        pytest.param({"multiplier": 0.5}, id="shrinking"),
        pytest.param({"initial": "1"}, id="string"),
        pytest.param({"maximum": True}, id="bool"),
        pytest.param({"jitter": "yes"}, id="jitter-not-bool"),
    ],
)
def test_backoff_refuses_parameters_that_cannot_pace_retries(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValidationError) as caught:
        Backoff(**kwargs)  # type: ignore[arg-type]
    assert caught.value.argument == next(iter(kwargs))


@pytest.mark.parametrize("failures", [1, 2, 50, 1_000, 10**6, 10**30])
def test_backoff_never_overflows(failures: int) -> None:
    backoff = Backoff(initial=1e300, maximum=1e308, multiplier=1e308, jitter=False)
    assert backoff.delay(failures) <= 1e308
    assert Backoff(multiplier=1e308).cap(failures) <= 60


def test_a_gentle_multiplier_grows_all_the_way_to_its_cap() -> None:
    backoff = Backoff(initial=1, maximum=1e6, multiplier=1.01)
    caps = [backoff.cap(n) for n in range(60, 80)]
    assert caps == sorted(caps)
    assert caps[-1] < 3  # 1.01 ** 79 is about 2.2: no jump to the maximum after 64 failures


@pytest.mark.parametrize(
    "signal_name", ["a:b", "a/b", "a|b", "arn", " padded ", "x" * 256, "tab\there", "\u65e5\u672c"]
)
async def test_signal_names_are_any_1_to_256_characters(conn, name, signal_name: str) -> None:
    domain = await Domain(name("signals"), retention_period=1).save()
    workflow_type = await WorkflowType(domain, "w", "1", task_list="decisions").save()
    execution = await workflow_type.start_execution()

    await execution.signal(signal_name, input="x")

    history = await execution.history()
    assert [event.signal_name for event in history if event.name == "WorkflowExecutionSignaled"] == [
        signal_name
    ]


@pytest.mark.parametrize("bad", ["", "x" * 257, 7, None])
async def test_signal_names_outside_1_to_256_characters_are_refused(conn, sent, bad: object) -> None:
    with pytest.raises(ValidationError) as caught:
        await WorkflowExecution("d", "wid", "rid").signal(bad)  # type: ignore[arg-type]
    assert caught.value.argument == "signal_name"
    assert len(sent) == 0


@pytest.mark.parametrize("bad", [math.nan, math.inf, -1, 0, "1", True])
def test_actor_intervals_and_grace_periods_must_be_real_durations(bad: object) -> None:
    with pytest.raises(ValidationError):
        ActivityWorker("d", "activities", heartbeat_interval=bad)  # type: ignore[arg-type]
    if bad not in (0, math.inf):
        with pytest.raises(ValidationError):
            Decider("d", "decisions", lambda task: [], grace=bad)  # type: ignore[arg-type]


async def test_a_run_id_is_base64_and_may_hold_slashes_and_pluses(conn, sent) -> None:
    # SWF's run ids look like "22T5Wjt6bMEpGcvW+h7D6bXlyIfbhiZ2GsdRkQDA0oRBc=": not names at all.
    with pytest.raises(DoesNotExistError):
        await WorkflowExecutionQuerySet("no-such-domain-here").get("wid", "12Vq4+8Gd3a0/CWr8N0Ik4zYZo5aJ0=")
    assert len(sent) == 1
    with pytest.raises(ValidationError) as caught:
        await WorkflowExecutionQuerySet("d").get("wid", "r" * 65)
    assert caught.value.argument == "run_id"


@pytest.mark.parametrize("domain", [0, None, b"d", ["d"], object()])
def test_a_domain_is_a_domain_model_or_a_name(domain: object) -> None:
    for build in (
        lambda: WorkflowType(domain, "w", "1"),  # type: ignore[arg-type]
        lambda: WorkflowExecution(domain, "wid", "rid"),  # type: ignore[arg-type]
        lambda: WorkflowExecutionQuerySet(domain),  # type: ignore[arg-type]
        lambda: ActivityWorker(domain, "activities"),  # type: ignore[arg-type]
    ):
        with pytest.raises(ValidationError) as caught:
            build()
        assert caught.value.argument == "domain"
