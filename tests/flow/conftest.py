"""Fixtures of the flow tests: workflow environments on the local SWF server, histories, names."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest

from aioswf.models.history import History


@pytest.fixture
def unique() -> Callable[[str], str]:
    """Random names (workflow ids, keys), so tests never see each other's executions."""

    def make(prefix: str = "wf") -> str:
        return f"{prefix}-{uuid.uuid4().hex[:10]}"

    return make


def event_names(history: History) -> list[str]:
    """The event types of a history, in order (what most assertions compare)."""
    return [event.name for event in history]
