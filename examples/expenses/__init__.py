"""The expenses example: expense reports and their lines, per API key (examples/README.md)."""
