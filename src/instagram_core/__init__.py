"""The pure domain of the photo-sharing backend: models, policies, ports and use cases.

Nothing in this package performs I/O or imports a driver or a web framework; every side
effect goes through a port in :mod:`instagram_core.ports`.
"""
