"""The gridwise example: a new user's energy-monitoring API (examples/README.md)."""
