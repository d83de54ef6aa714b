"""Fixtures of the flow tests."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest


@pytest.fixture
def unique() -> Callable[[str], str]:
    """Random names (workflow ids), so tests never see each other's executions."""

    def make(prefix: str = "wf") -> str:
        return f"{prefix}-{uuid.uuid4().hex[:10]}"

    return make
