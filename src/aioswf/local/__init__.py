"""A faithful, fast local Amazon SWF server.

It speaks SWF's wire protocol over HTTP, so an unmodified aiobotocore or boto3 client reaches it with
``endpoint_url``::

    async with aioswf.local.LocalSWF() as local:
        async with local.connection() as conn:
            await conn.call("RegisterDomain", name="d", workflowExecutionRetentionPeriodInDays="1")

See ``docs/local-server.md`` for what it implements and where it differs from AWS.
"""

from __future__ import annotations

from aioswf.local.clock import AutoJumpClock, Clock, ManualClock, RealClock
from aioswf.local.engine import Engine, LambdaFunction
from aioswf.local.runner import LocalSWF, LocalSWFThread
from aioswf.local.shapes import output_violations

__all__ = [
    "AutoJumpClock",
    "Clock",
    "Engine",
    "LambdaFunction",
    "LocalSWF",
    "LocalSWFThread",
    "ManualClock",
    "RealClock",
    "output_violations",
]
