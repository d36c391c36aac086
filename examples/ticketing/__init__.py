"""The ticketing example: a new user's multi-tenant ticketing API (examples/README.md)."""
