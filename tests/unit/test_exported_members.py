"""The core's public names: every public class of a package is exported by it, every exported
name exists, and importing the core loads neither a driver nor the test tools (the model is
httpx's tests/test_exported_members.py)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import subprocess
import sys
import types

import pytest

import instagram_core

PACKAGES = [
    "instagram_core.domain",
    "instagram_core.ports",
    "instagram_core.services",
    "instagram_core.policies",
    "instagram_core.testing",
]


def public_names(module: types.ModuleType) -> set[str]:
    """What ``from module import *`` should give: public names that are not modules."""
    return {
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and not isinstance(value, types.ModuleType)
        and name != "annotations"  # from __future__
    }


def classes_defined_under(package: types.ModuleType) -> dict[str, type]:
    found: dict[str, type] = {}
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for name, value in vars(module).items():
            defined_here = inspect.isclass(value) and value.__module__ == module.__name__
            if defined_here and not name.startswith("_"):
                found[name] = value
    return found


def test_the_top_level_exports_exactly_its_public_names() -> None:
    assert sorted(instagram_core.__all__) == sorted(public_names(instagram_core))


@pytest.mark.parametrize("name", PACKAGES)
def test_a_package_exports_exactly_its_public_names(name: str) -> None:
    package = importlib.import_module(name)
    assert sorted(package.__all__) == sorted(public_names(package))
    assert len(set(package.__all__)) == len(package.__all__)


@pytest.mark.parametrize("name", PACKAGES)
def test_every_public_class_of_a_package_is_exported_from_it(name: str) -> None:
    package = importlib.import_module(name)
    defined = classes_defined_under(package)
    if name == "instagram_core.testing":  # its contracts are what it exports
        defined = {n: c for n, c in defined.items() if n.endswith("Contract")}
    assert {n: getattr(package, n, None) for n in defined} == defined


def test_every_port_is_a_field_of_ports() -> None:
    """``Ports`` holds one adapter per port protocol of :mod:`instagram_core.ports`."""
    from instagram_core import Ports, ports

    protocols = {
        value
        for value in map(ports.__dict__.get, ports.__all__)
        if inspect.isclass(value) and getattr(value, "_is_protocol", False)
    }
    protocols.discard(ports.LocalEventBus)  # a kind of EventBus, filled by the events field
    protocols.discard(ports.MediaStore)  # filled by the media field, an UnclaimedMedia
    hints = {
        hint
        for field_type in inspect.get_annotations(Ports, eval_str=True).values()
        for hint in (getattr(field_type, "__args__", None) or (field_type,))
    }
    assert protocols - hints == set()


def test_importing_the_core_loads_no_driver_framework_or_test_tool() -> None:
    code = (
        "import sys, instagram_core, instagram_core.domain, instagram_core.services; "
        "print(' '.join(sorted(sys.modules)))"
    )
    modules = set(
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    # An editable install's import hook is the environment's, not an import of the core.
    top_level = {name.split(".")[0] for name in modules if not name.startswith("__editable__")} - {
        "__main__"
    }
    third_party = top_level - set(sys.stdlib_module_names) - {"instagram_core", "attrs", "attr"}
    assert third_party == set()
    assert "instagram_core.testing" not in modules
