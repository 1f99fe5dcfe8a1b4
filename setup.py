"""Lists the sub-packages of each source folder under its installed name (pyproject.toml maps
the folders: ``src/adapters`` is installed as the package named there); everything else is
in pyproject.toml."""

from pathlib import Path

from setuptools import find_packages, setup

ROOT = Path(__file__).parent


def packages() -> list[str]:
    import tomllib

    folders = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    found = []
    for name, folder in folders["package-dir"].items():
        found += [name, *(f"{name}.{sub}" for sub in find_packages(str(ROOT / folder)))]
    return found


setup(packages=packages())
