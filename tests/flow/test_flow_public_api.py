"""aioswf.flow's public surface: a sorted __all__ that matches what is exported, with docstrings."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from aioswf import flow

_FLOW_MODULES = [
    name
    for _, name, _ in pkgutil.walk_packages(flow.__path__, "aioswf.flow.")
    if not name.startswith("aioswf.flow.converter") and name != "aioswf.flow.payloads"
]


def test_all_is_sorted_and_names_exactly_the_public_exports() -> None:
    assert flow.__all__ == sorted(flow.__all__)
    exported = {name for name in vars(flow) if not name.startswith("_") and name != "Any"}
    modules = {name for name, value in vars(flow).items() if inspect.ismodule(value)}
    assert set(flow.__all__) - {"testing"} == exported - modules
    for name in flow.__all__:
        assert getattr(flow, name) is not None


def test_flow_testing_is_loaded_on_first_use() -> None:
    assert flow.testing.WorkflowEnvironment.__name__ == "WorkflowEnvironment"


def test_every_public_name_has_a_docstring() -> None:
    missing = []
    for module_name in _FLOW_MODULES:
        module = importlib.import_module(module_name)
        assert module.__doc__, module_name
        for name in getattr(module, "__all__", ()):
            value = getattr(module, name)
            if (inspect.isclass(value) or inspect.isfunction(value)) and not inspect.getdoc(value):
                missing.append(f"{module_name}.{name}")
            if inspect.isclass(value):
                for attribute, member in vars(value).items():
                    if attribute.startswith("_") or (
                        not callable(member) and not isinstance(member, property)
                    ):
                        continue
                    if not inspect.getdoc(member):
                        missing.append(f"{module_name}.{name}.{attribute}")
    assert missing == []
