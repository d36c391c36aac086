"""The podcast example: a new user's podcast host API (examples/README.md)."""
