"""The recipes example: a new user's recipe box API (examples/README.md)."""
