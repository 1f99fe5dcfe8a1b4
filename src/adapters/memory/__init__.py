"""In-memory adapters: thread-safe, honest implementations of every port, with expiry driven
by the clock port. They back the unit tests, the parts of the embedded profile that a
production system would keep in a cache, and any application that imports the core:
:func:`memory_ports` gives every port at once."""

from instagram_adapters.memory.clock import ManualClock, SystemClock
from instagram_adapters.memory.event_bus import SynchronousEventBus
from instagram_adapters.memory.ports import memory_ports

__all__ = ["ManualClock", "SynchronousEventBus", "SystemClock", "memory_ports"]
