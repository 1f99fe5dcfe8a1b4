"""In-memory adapters: thread-safe, honest implementations of every port, with expiry driven
by the clock port. They back the unit tests and the parts of the embedded profile that a
production system would keep in a cache."""
