"""The fleet example: a new user's fleet telematics API (examples/README.md)."""
