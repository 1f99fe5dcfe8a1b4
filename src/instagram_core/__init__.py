"""The pure domain of the photo-sharing backend: models, policies, ports and use cases.

Nothing in this package performs I/O or imports a driver or a web framework; every side
effect goes through a port in :mod:`instagram_core.ports`. The way in is :func:`bootstrap`:
fill :class:`Ports` with adapters (``instagram_adapters.memory.memory_ports()`` gives every port in
memory), pass :class:`Settings`, use the :class:`UseCases`. The contract suites that every
adapter must pass are in :mod:`instagram_core.testing` (the ``testing`` extra), which this
package never imports.
"""

from instagram_core.bootstrap import Ports, UseCases, bootstrap
from instagram_core.settings import Settings

__all__ = ["Ports", "Settings", "UseCases", "bootstrap"]
