"""Domain models, value objects, events and errors."""
