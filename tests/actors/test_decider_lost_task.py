"""A decision task that SWF forgets between the pages of its history does not stop the decider."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from actor_scenarios import Flow, one_activity

import aioswf
from aioswf.actors import Decider
from aioswf.local import LocalSWF, ManualClock

CREDENTIALS = {"region_name": "us-east-1", "aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


class ClockJumpingConnection(aioswf.Connection):
    """Moves the server's clock past the decision task's timeout before the first later page is fetched."""

    def __init__(self, clock: ManualClock, seconds: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.clock = clock
        self.seconds = seconds
        self.jumped = False

    async def call(self, operation: str, /, **params: Any) -> dict[str, Any]:
        if operation == "PollForDecisionTask" and params.get("nextPageToken") and not self.jumped:
            self.jumped = True
            self.clock.advance(self.seconds)
        return await super().call(operation, **params)


async def test_a_decision_task_that_times_out_between_its_history_pages_is_dropped_and_polling_goes_on(
    manual_swf: LocalSWF, manual_flow: Callable[..., Awaitable[Flow]]
) -> None:
    flow = await manual_flow(decision_timeout="30")
    [execution] = await flow.start()
    clock = manual_swf.clock
    assert isinstance(clock, ManualClock)
    conn = ClockJumpingConnection(clock, 31, endpoint_url=manual_swf.endpoint_url, **CREDENTIALS)
    async with conn:
        decider = Decider(
            flow.domain, flow.decisions, lambda task: one_activity(flow, task), connection=conn, page_size=2
        )
        async with decider:
            await flow.wait_for_event(execution, "ActivityTaskScheduled")
        assert decider.error is None
    assert conn.jumped
    assert "DecisionTaskTimedOut" in await flow.event_names(execution)
