"""Actors: deciders and activity workers that long-poll SWF as tasks of one event loop.

```python
async with aioswf.Connection(region_name="us-east-1") as conn:
    decider = Decider("crawl", "decisions", decide)
    worker = ActivityWorker("crawl", "downloads", {"download": download}, max_concurrent=20)
    await aioswf.actors.run(decider, worker)     # until SIGINT/SIGTERM, then a graceful stop
```

See ``docs/actors.md`` for running actors in a script, in aiohttp and in FastAPI.
"""

from aioswf.actors.backoff import Backoff
from aioswf.actors.base import DEFAULT_GRACE, Actor, ActorState, ActorStateError, default_identity
from aioswf.actors.decider import Decider, DecisionHandler, DecisionResult, Decisions
from aioswf.actors.runner import run, stop_all
from aioswf.actors.worker import (
    DEFAULT_HEARTBEAT_INTERVAL,
    ActivityContext,
    ActivityError,
    ActivityHandler,
    ActivityWorker,
    current_activity,
    heartbeat_interval_for,
)

__all__ = [
    "DEFAULT_GRACE",
    "DEFAULT_HEARTBEAT_INTERVAL",
    "ActivityContext",
    "ActivityError",
    "ActivityHandler",
    "ActivityWorker",
    "Actor",
    "ActorState",
    "ActorStateError",
    "Backoff",
    "Decider",
    "DecisionHandler",
    "DecisionResult",
    "Decisions",
    "current_activity",
    "default_identity",
    "heartbeat_interval_for",
    "run",
    "stop_all",
]
