"""The optional extras: which one brings each third-party module an adapter package needs.

``pip install instagram-backend`` installs the core and the light adapters only. A package
that needs more calls :func:`require` first, so a light install fails on import with the
extra to install rather than with a bare ``No module named 'numpy'`` from deep inside.
"""

from __future__ import annotations

import importlib.util

DISTRIBUTION = "instagram-backend"


class MissingExtra(ModuleNotFoundError):
    """An adapter package was imported without the optional extra that brings its libraries."""


def require(package: str, **extra_of_module: str) -> None:
    """Raise :class:`MissingExtra` naming the extras to install when any of the modules
    (keyword: the module, value: the extra that brings it) cannot be imported."""
    missing = {m: e for m, e in extra_of_module.items() if importlib.util.find_spec(m) is None}
    if not missing:
        return
    extras = ",".join(sorted(set(missing.values())))
    raise MissingExtra(
        f"{package} needs the optional extra {extras!r} (missing: {', '.join(missing)}); "
        f"install it with: pip install '{DISTRIBUTION}[{extras}]'",
        name=next(iter(missing)),
    )
