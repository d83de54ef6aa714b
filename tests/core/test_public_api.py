"""The public surface: sorted __all__ lists that match what each package exports."""

from __future__ import annotations

import importlib
import importlib.resources
import inspect

import pytest


def isort_key(name: str) -> tuple[int, str]:
    """The order ruff's RUF022 keeps: CONSTANTS, then Classes, then functions and modules."""
    if name.isupper() or (name.upper() == name and "_" in name):
        return (0, name)
    if name[:1].isupper():
        return (1, name)
    return (2, name)


PUBLIC_MODULES = [
    "aioswf",
    "aioswf.actors",
    "aioswf.constants",
    "aioswf.exceptions",
    "aioswf.local",
    "aioswf.models",
    "aioswf.models.decision",
    "aioswf.models.event",
    "aioswf.models.history",
    "aioswf.querysets",
    "aioswf.testing",
]


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_all_is_sorted_and_every_name_exists(module_name: str) -> None:
    module = importlib.import_module(module_name)
    names = list(module.__all__)
    assert names == sorted(names, key=isort_key), f"{module_name}.__all__ is not sorted"
    missing = [name for name in names if not hasattr(module, name)]
    assert missing == []


@pytest.mark.parametrize(
    "module_name", ["aioswf", "aioswf.actors", "aioswf.local", "aioswf.models", "aioswf.querysets"]
)
def test_every_public_class_and_function_imported_is_in_all(module_name: str) -> None:
    module = importlib.import_module(module_name)
    exported = {
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and (inspect.isclass(value) or inspect.isfunction(value))
        and getattr(value, "__module__", "").startswith("aioswf")
    }
    assert exported - set(module.__all__) == set()


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_every_public_name_has_a_docstring(module_name: str) -> None:
    module = importlib.import_module(module_name)
    for name in module.__all__:
        value = getattr(module, name)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert inspect.getdoc(value), f"{module_name}.{name} has no docstring"


def test_the_package_ships_its_type_marker() -> None:
    import aioswf

    assert importlib.resources.files(aioswf).joinpath("py.typed").is_file()
