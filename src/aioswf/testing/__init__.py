"""Helpers for testing code that uses SWF.

- `HistoryBuilder` writes raw SWF histories, so deciders can be unit-tested without a server.
- `aioswf.testing.fixtures` is a pytest plugin of fixtures built on the local SWF server; enable it in
  your ``conftest.py`` with ``pytest_plugins = ["aioswf.testing.fixtures"]`` (it needs pytest and
  pytest-asyncio, which this package does not import unless you do).
"""

from aioswf.testing.history_builder import HistoryBuilder

__all__ = ["HistoryBuilder"]
