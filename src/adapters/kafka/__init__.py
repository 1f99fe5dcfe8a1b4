"""The Kafka event bus: topics per message family, versioned envelopes, consumer-group
workers with retry and dead-letter topics."""
