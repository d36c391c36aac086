"""The kanban example: workspaces, boards and cards, per API key (examples/README.md)."""
